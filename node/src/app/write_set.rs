//! Writes staged in memory by the writer and flushed in a few multi-row statements, so
//! a batch of N commands costs a handful of round trips to the database instead of
//! a dozen per command. Reads during a batch see staged writes first.

use std::collections::HashMap;

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::store::entity::{op, record, record_index, record_revision, resource_state};

/// How a record's index facts change.
#[derive(Clone, Debug, Default)]
struct IndexChange {
    /// All facts replaced by these (state facts included: None here means none).
    all: Option<Vec<(String, String)>>,
    /// The `state.*` facts replaced by these.
    state: Option<Vec<(String, String)>>,
}

/// Writes not yet sent to the database.
#[derive(Debug, Default)]
pub struct WriteSet {
    records: HashMap<Uuid, record::Model>,
    revisions: Vec<record_revision::Model>,
    index: HashMap<Uuid, IndexChange>,
    states: HashMap<Uuid, String>,
    ops: Vec<op::Model>,
}

/// Rows per multi-row statement (well under SQLite's and PostgreSQL's parameter limits).
const CHUNK: usize = 500;

impl WriteSet {
    /// True when nothing is staged.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
            && self.revisions.is_empty()
            && self.index.is_empty()
            && self.states.is_empty()
            && self.ops.is_empty()
    }

    /// Stages a record's new current revision and its history row.
    pub fn put_record(&mut self, row: record::Model, revision: record_revision::Model) {
        self.records.insert(row.id, row);
        self.revisions.push(revision);
    }

    /// Stages the replacement of all of a record's index facts.
    pub fn replace_index(&mut self, id: Uuid, facts: Vec<(String, String)>) {
        self.index.insert(id, IndexChange { all: Some(facts), state: None });
    }

    /// Stages a resource's derived state and its `state.*` index facts.
    pub fn put_state(&mut self, id: Uuid, state: String, facts: Vec<(String, String)>) {
        self.states.insert(id, state);
        self.index.entry(id).or_default().state = Some(facts);
    }

    /// Stages an op.
    pub fn push_op(&mut self, row: op::Model) {
        self.ops.push(row);
    }

    /// A staged record.
    pub fn record(&self, id: &Uuid) -> Option<&record::Model> {
        self.records.get(id)
    }

    /// A staged revision.
    pub fn revision(&self, revision_id: &Uuid) -> Option<&record_revision::Model> {
        self.revisions.iter().rev().find(|r| r.revision_id == *revision_id)
    }

    /// The staged revision of record `id` written at `time` (its first, when `time` is its
    /// creation time), the earliest staged if several.
    pub fn first_revision(&self, id: Uuid, time: &str) -> Option<&record_revision::Model> {
        self.revisions.iter().find(|r| r.record_id == id && r.time == time)
    }

    /// A staged resource state.
    pub fn state(&self, id: &Uuid) -> Option<&String> {
        self.states.get(id)
    }

    /// Takes `later` on top of these writes.
    pub fn merge(&mut self, later: WriteSet) {
        self.records.extend(later.records);
        self.revisions.extend(later.revisions);
        for (id, change) in later.index {
            let entry = self.index.entry(id).or_default();
            if change.all.is_some() {
                *entry = change;
            } else if change.state.is_some() {
                entry.state = change.state;
            }
        }
        self.states.extend(later.states);
        self.ops.extend(later.ops);
    }

    /// Ids of the records and resource states staged.
    pub fn touched(&self) -> (Vec<Uuid>, Vec<Uuid>) {
        (self.records.keys().copied().collect(), self.states.keys().copied().collect())
    }

    /// Sends everything staged to `db` and empties the set.
    #[tracing::instrument(level = "debug", name = "writer.flush", skip_all, fields(records = self.records.len(), ops = self.ops.len()))]
    pub async fn flush<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), DbErr> {
        let set = std::mem::take(self);
        let records: Vec<record::Model> = set.records.into_values().collect();
        for chunk in records.chunks(CHUNK) {
            record::Entity::insert_many(chunk.iter().cloned().map(|m| record::ActiveModel {
                id: Set(m.id),
                kind: Set(m.kind),
                revision_id: Set(m.revision_id),
                origin: Set(m.origin),
                body: Set(m.body),
                created_at: Set(m.created_at),
                updated_at: Set(m.updated_at),
                author: Set(m.author),
                deleted: Set(m.deleted),
            }))
            .on_conflict(
                OnConflict::column(record::Column::Id)
                    .update_columns([
                        record::Column::RevisionId,
                        record::Column::Body,
                        record::Column::UpdatedAt,
                        record::Column::Author,
                        record::Column::Deleted,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        }
        for chunk in set.revisions.chunks(CHUNK) {
            record_revision::Entity::insert_many(chunk.iter().cloned().map(|m| record_revision::ActiveModel {
                revision_id: Set(m.revision_id),
                record_id: Set(m.record_id),
                kind: Set(m.kind),
                body: Set(m.body),
                time: Set(m.time),
                author: Set(m.author),
                retracted: Set(m.retracted),
                origin: Set(m.origin),
                seq: Set(m.seq),
            }))
            .exec_without_returning(db)
            .await?;
        }
        let replaced_all: Vec<Uuid> = set.index.iter().filter(|(_, c)| c.all.is_some()).map(|(id, _)| *id).collect();
        let replaced_state: Vec<Uuid> =
            set.index.iter().filter(|(_, c)| c.all.is_none() && c.state.is_some()).map(|(id, _)| *id).collect();
        for chunk in replaced_all.chunks(CHUNK) {
            record_index::Entity::delete_many()
                .filter(record_index::Column::RecordId.is_in(chunk.iter().copied()))
                .exec(db)
                .await?;
        }
        for chunk in replaced_state.chunks(CHUNK) {
            record_index::Entity::delete_many()
                .filter(record_index::Column::RecordId.is_in(chunk.iter().copied()))
                .filter(record_index::Column::Field.starts_with("state."))
                .exec(db)
                .await?;
        }
        let facts: Vec<(Uuid, String, String)> = set
            .index
            .into_iter()
            .flat_map(|(id, c)| {
                c.all.into_iter().flatten().chain(c.state.into_iter().flatten()).map(move |(f, v)| (id, f, v))
            })
            .collect();
        for chunk in facts.chunks(CHUNK) {
            record_index::Entity::insert_many(chunk.iter().cloned().map(|(id, f, v)| record_index::ActiveModel {
                record_id: Set(id),
                field: Set(f),
                value: Set(v),
            }))
            .on_conflict(
                OnConflict::columns([
                    record_index::Column::RecordId,
                    record_index::Column::Field,
                    record_index::Column::Value,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        }
        let states: Vec<(Uuid, String)> = set.states.into_iter().collect();
        for chunk in states.chunks(CHUNK) {
            resource_state::Entity::insert_many(
                chunk
                    .iter()
                    .cloned()
                    .map(|(id, s)| resource_state::ActiveModel { resource_id: Set(id), state: Set(s) }),
            )
            .on_conflict(
                OnConflict::column(resource_state::Column::ResourceId)
                    .update_column(resource_state::Column::State)
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        }
        for chunk in set.ops.chunks(CHUNK) {
            op::Entity::insert_many(chunk.iter().cloned().map(|m| op::ActiveModel {
                origin: Set(m.origin),
                seq: Set(m.seq),
                op_id: Set(m.op_id),
                prev: Set(m.prev),
                body: Set(m.body),
                stored_at: Set(m.stored_at),
            }))
            .exec_without_returning(db)
            .await?;
        }
        Ok(())
    }
}
