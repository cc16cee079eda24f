//! Queries over records, their revisions, the lookup index and derived resource state.
//! Every function takes any connection (pool or transaction).

use std::collections::HashMap;

use sea_orm::ExprTrait;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select, sea_query::OnConflict,
};
use uuid::Uuid;

use super::entity::{node_meta, record, record_index, record_revision, resource_state};

/// A condition on the lookup index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// The record has `field` equal to one of `values`.
    AnyOf {
        /// Indexed field.
        field: String,
        /// Accepted values.
        values: Vec<String>,
    },
    /// The record has any of `fields` equal to one of `values`.
    AnyFieldOf {
        /// Indexed fields.
        fields: Vec<&'static str>,
        /// Accepted values.
        values: Vec<String>,
    },
    /// The record's id is one of these.
    IdIn(Vec<Uuid>),
    /// The record has `field` within `[min, max]` (either end open).
    Range {
        /// Indexed field.
        field: String,
        /// Lowest accepted value.
        min: Option<String>,
        /// Highest accepted value.
        max: Option<String>,
    },
    /// The record has a `field` containing `needle` (already lower-cased).
    Contains {
        /// Indexed field.
        field: String,
        /// Text searched for.
        needle: String,
    },
    /// Not all of these hold (`Not(vec![f])` is plain negation).
    Not(Vec<Filter>),
}

/// Which records a list is over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    /// Record kinds included.
    pub kinds: Vec<&'static str>,
    /// All of these must hold.
    pub filters: Vec<Filter>,
}

/// One page request in resolved form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageWindow {
    /// Page forward (ascending ids) or backward.
    pub forward: bool,
    /// Exclusive bound: records after (forward) or before (backward) this id.
    pub cursor: Option<Uuid>,
    /// Records wanted.
    pub limit: u64,
}

fn filtered(q: &ListQuery) -> Select<record::Entity> {
    let mut sel = record::Entity::find()
        .filter(record::Column::Kind.is_in(q.kinds.iter().copied()))
        .filter(record::Column::Deleted.eq(false));
    for f in &q.filters {
        let mut sub = Query::select();
        sub.column(record_index::Column::RecordId).from(record_index::Entity);
        match f {
            Filter::AnyOf { field, values } => {
                sub.and_where(Expr::col(record_index::Column::Field).eq(field.as_str()))
                    .and_where(Expr::col(record_index::Column::Value).is_in(values.iter().map(String::as_str)));
            }
            Filter::AnyFieldOf { fields, values } => {
                sub.and_where(Expr::col(record_index::Column::Field).is_in(fields.iter().copied()))
                    .and_where(Expr::col(record_index::Column::Value).is_in(values.iter().map(String::as_str)));
            }
            Filter::IdIn(ids) => {
                sel = sel.filter(record::Column::Id.is_in(ids.iter().copied()));
                continue;
            }
            Filter::Not(inner) => {
                let all = filtered(&ListQuery { kinds: q.kinds.clone(), filters: inner.clone() })
                    .select_only()
                    .column(record::Column::Id)
                    .into_query();
                sel = sel.filter(record::Column::Id.not_in_subquery(all));
                continue;
            }
            Filter::Range { field, min, max } => {
                sub.and_where(Expr::col(record_index::Column::Field).eq(field.as_str()));
                if let Some(min) = min {
                    sub.and_where(Expr::col(record_index::Column::Value).gte(min.as_str()));
                }
                if let Some(max) = max {
                    sub.and_where(Expr::col(record_index::Column::Value).lte(max.as_str()));
                }
            }
            Filter::Contains { field, needle } => {
                let escaped = needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                sub.and_where(Expr::col(record_index::Column::Field).eq(field.as_str())).and_where(
                    Expr::col(record_index::Column::Value)
                        .like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')),
                );
            }
        }
        sel = sel.filter(record::Column::Id.in_subquery(sub.to_owned()));
    }
    sel
}

/// One page of `q`, in ascending id order, and whether more lie beyond it in the paging direction.
#[tracing::instrument(level = "debug", name = "store.records.page", skip_all, fields(kinds = ?q.kinds, limit = w.limit))]
pub async fn page<C: ConnectionTrait>(
    db: &C,
    q: &ListQuery,
    w: PageWindow,
) -> Result<(Vec<record::Model>, bool), DbErr> {
    let mut sel = filtered(q);
    if w.forward {
        if let Some(c) = w.cursor {
            sel = sel.filter(record::Column::Id.gt(c));
        }
        sel = sel.order_by_asc(record::Column::Id);
    } else {
        if let Some(c) = w.cursor {
            sel = sel.filter(record::Column::Id.lt(c));
        }
        sel = sel.order_by_desc(record::Column::Id);
    }
    let mut rows = sel.limit(w.limit + 1).all(db).await?;
    let more = rows.len() as u64 > w.limit;
    rows.truncate(w.limit as usize);
    if !w.forward {
        rows.reverse();
    }
    Ok((rows, more))
}

/// Whether any record of `q` lies before `id` (forward) or after it (backward).
#[tracing::instrument(level = "debug", name = "store.records.exists_beyond", skip_all, fields(kinds = ?q.kinds))]
pub async fn exists_beyond<C: ConnectionTrait>(db: &C, q: &ListQuery, id: Uuid, before: bool) -> Result<bool, DbErr> {
    let sel = filtered(q);
    let sel = if before { sel.filter(record::Column::Id.lte(id)) } else { sel.filter(record::Column::Id.gte(id)) };
    Ok(sel.limit(1).one(db).await?.is_some())
}

/// How many records `q` matches.
#[tracing::instrument(level = "debug", name = "store.records.count", skip_all, fields(kinds = ?q.kinds))]
pub async fn count<C: ConnectionTrait>(db: &C, q: &ListQuery) -> Result<u64, DbErr> {
    filtered(q).count(db).await
}

/// One record by id, retracted or not.
#[tracing::instrument(level = "debug", name = "store.records.get", skip_all)]
pub async fn get<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<record::Model>, DbErr> {
    record::Entity::find_by_id(id).one(db).await
}

/// Many records by id (retracted included; the caller decides).
#[tracing::instrument(level = "debug", name = "store.records.get_many", skip_all, fields(ids = ids.len()))]
pub async fn get_many<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<Vec<record::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(ids.len());
    // Stay well under SQLite's bound-parameter limit.
    for chunk in ids.chunks(500) {
        out.extend(record::Entity::find().filter(record::Column::Id.is_in(chunk.iter().copied())).all(db).await?);
    }
    Ok(out)
}

/// Ids of live records of `kinds` whose `field` has one of `values`, in id order.
#[tracing::instrument(level = "debug", name = "store.records.ids_where", skip_all, fields(kinds = ?kinds, field = field, values = values.len()))]
pub async fn ids_where<C: ConnectionTrait>(
    db: &C,
    kinds: &[&'static str],
    field: &str,
    values: &[String],
) -> Result<Vec<(String, Uuid)>, DbErr> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, Uuid)> = record_index::Entity::find()
        .select_only()
        .column(record_index::Column::Value)
        .column(record_index::Column::RecordId)
        .filter(record_index::Column::Field.eq(field))
        .filter(record_index::Column::Value.is_in(values.iter().map(String::as_str)))
        .filter(record_index::Column::RecordId.in_subquery(live_ids(kinds)))
        .order_by_asc(record_index::Column::RecordId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}

/// The `(record id, field, value)` facts under `fields` of live records of `kinds`, of
/// all of them or only of `ids` when given.
#[tracing::instrument(level = "debug", name = "store.records.facts", skip_all, fields(kinds = ?kinds, fields = ?fields))]
pub async fn facts<C: ConnectionTrait>(
    db: &C,
    kinds: &[&'static str],
    fields: &[&str],
    ids: Option<&[Uuid]>,
) -> Result<Vec<(Uuid, String, String)>, DbErr> {
    let query = |chunk: Option<&[Uuid]>| {
        let mut sel = record_index::Entity::find()
            .select_only()
            .column(record_index::Column::RecordId)
            .column(record_index::Column::Field)
            .column(record_index::Column::Value)
            .filter(record_index::Column::Field.is_in(fields.iter().copied()))
            .filter(record_index::Column::RecordId.in_subquery(live_ids(kinds)));
        if let Some(chunk) = chunk {
            sel = sel.filter(record_index::Column::RecordId.is_in(chunk.iter().copied()));
        }
        sel.into_tuple::<(Uuid, String, String)>()
    };
    match ids {
        None => query(None).all(db).await,
        Some(ids) => {
            let mut out = Vec::new();
            // Stay well under SQLite's bound-parameter limit.
            for chunk in ids.chunks(500) {
                out.extend(query(Some(chunk)).all(db).await?);
            }
            Ok(out)
        }
    }
}

/// Values of `via` fields of live records whose `from` fields hold `value`: for example the
/// processes (`inputOf`, `outputOf`) of the events an agent took part in (`provider`, `receiver`).
#[tracing::instrument(level = "debug", name = "store.records.linked_values", skip_all, fields(from = ?from, via = ?via))]
pub async fn linked_values<C: ConnectionTrait>(
    db: &C,
    from: &[&'static str],
    value: &str,
    via: &[&'static str],
) -> Result<Vec<String>, DbErr> {
    let mut inner = Query::select();
    inner
        .column(record_index::Column::RecordId)
        .from(record_index::Entity)
        .and_where(Expr::col(record_index::Column::Field).is_in(from.iter().copied()))
        .and_where(Expr::col(record_index::Column::Value).eq(value));
    let mut rows: Vec<String> = record_index::Entity::find()
        .select_only()
        .column(record_index::Column::Value)
        .filter(record_index::Column::Field.is_in(via.iter().copied()))
        .filter(record_index::Column::RecordId.in_subquery(inner.to_owned()))
        .filter(record_index::Column::RecordId.in_subquery(live_ids(&[])))
        .into_tuple()
        .all(db)
        .await?;
    rows.sort();
    rows.dedup();
    Ok(rows)
}

/// Live records (any kind) whose index names `value` under any field: who depends on it.
#[tracing::instrument(level = "debug", name = "store.records.referrers", skip_all)]
pub async fn referrers<C: ConnectionTrait>(db: &C, value: &str) -> Result<Vec<(Uuid, String)>, DbErr> {
    record_index::Entity::find()
        .select_only()
        .column(record_index::Column::RecordId)
        .column(record_index::Column::Field)
        .filter(record_index::Column::Value.eq(value))
        .filter(record_index::Column::RecordId.in_subquery(live_ids(&[])))
        .limit(20)
        .into_tuple()
        .all(db)
        .await
}

/// Live records whose index names a retracted record, as `(record, field, target)`, sorted,
/// at most `limit`: references that outlived their target, as when a record's home node
/// retracts it after another node's record named it. Locally, retracting a record that
/// others name is refused, so these only come from other nodes.
#[tracing::instrument(level = "debug", name = "store.records.retracted_references", skip_all)]
pub async fn retracted_references<C: ConnectionTrait>(
    db: &C,
    limit: usize,
) -> Result<Vec<(Uuid, String, Uuid)>, DbErr> {
    let retracted: Vec<Uuid> = record::Entity::find()
        .select_only()
        .column(record::Column::Id)
        .filter(record::Column::Deleted.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let mut found = Vec::new();
    for chunk in retracted.chunks(500) {
        let values: Vec<String> = chunk.iter().map(Uuid::to_string).collect();
        let rows: Vec<(Uuid, String, String)> = record_index::Entity::find()
            .select_only()
            .column(record_index::Column::RecordId)
            .column(record_index::Column::Field)
            .column(record_index::Column::Value)
            .filter(record_index::Column::Value.is_in(values))
            .filter(record_index::Column::RecordId.in_subquery(live_ids(&[])))
            .into_tuple()
            .all(db)
            .await?;
        found
            .extend(rows.into_iter().filter_map(|(id, field, value)| Some((id, field, Uuid::parse_str(&value).ok()?))));
    }
    // Each index row comes once: its value falls in one chunk only.
    found.sort();
    found.truncate(limit);
    Ok(found)
}

/// `SELECT id FROM record WHERE NOT deleted [AND kind IN kinds]`.
fn live_ids(kinds: &[&'static str]) -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.column(record::Column::Id).from(record::Entity).and_where(Expr::col(record::Column::Deleted).eq(false));
    if !kinds.is_empty() {
        q.and_where(Expr::col(record::Column::Kind).is_in(kinds.iter().copied()));
    }
    q.to_owned()
}

/// One revision by its id.
#[tracing::instrument(level = "debug", name = "store.records.revision", skip_all)]
pub async fn revision<C: ConnectionTrait>(db: &C, revision_id: Uuid) -> Result<Option<record_revision::Model>, DbErr> {
    record_revision::Entity::find_by_id(revision_id).one(db).await
}

/// The author of the first revision of record `id`: the one written at its creation time
/// `created_at` (the earliest such if several). None when no such revision is stored.
pub async fn first_author<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    created_at: &str,
) -> Result<Option<Option<Uuid>>, DbErr> {
    record_revision::Entity::find()
        .select_only()
        .column(record_revision::Column::Author)
        .filter(record_revision::Column::RecordId.eq(id))
        .filter(record_revision::Column::Time.eq(created_at))
        .order_by_asc(record_revision::Column::RevisionId)
        .into_tuple::<Option<Uuid>>()
        .one(db)
        .await
}

/// Every revision of a record, oldest first (without bodies' parsing).
#[tracing::instrument(level = "debug", name = "store.records.revisions", skip_all)]
pub async fn revisions<C: ConnectionTrait>(db: &C, record_id: Uuid) -> Result<Vec<record_revision::Model>, DbErr> {
    record_revision::Entity::find()
        .filter(record_revision::Column::RecordId.eq(record_id))
        .order_by_asc(record_revision::Column::RevisionId)
        .all(db)
        .await
}

/// Replaces the index facts of `record_id` whose field starts with `prefix` by `entries`.
#[tracing::instrument(level = "debug", name = "store.records.replace_index", skip_all, fields(prefix = prefix))]
pub async fn replace_index<C: ConnectionTrait>(
    db: &C,
    record_id: Uuid,
    prefix: &str,
    entries: &[(String, String)],
) -> Result<(), DbErr> {
    let mut del = record_index::Entity::delete_many().filter(record_index::Column::RecordId.eq(record_id));
    if !prefix.is_empty() {
        del = del.filter(record_index::Column::Field.starts_with(prefix));
    }
    del.exec(db).await?;
    if entries.is_empty() {
        return Ok(());
    }
    let rows = entries.iter().map(|(f, v)| record_index::ActiveModel {
        record_id: Set(record_id),
        field: Set(f.clone()),
        value: Set(v.clone()),
    });
    record_index::Entity::insert_many(rows)
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
    Ok(())
}

/// Derived states of many resources, by id.
#[tracing::instrument(level = "debug", name = "store.records.states", skip_all, fields(ids = ids.len()))]
pub async fn states<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for m in resource_state::Entity::find()
            .filter(resource_state::Column::ResourceId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            out.insert(m.resource_id, m.state);
        }
    }
    Ok(out)
}

/// Writes a resource's derived state.
#[tracing::instrument(level = "debug", name = "store.records.put_state", skip_all)]
pub async fn put_state<C: ConnectionTrait>(db: &C, resource_id: Uuid, state: String) -> Result<(), DbErr> {
    resource_state::Entity::insert(resource_state::ActiveModel { resource_id: Set(resource_id), state: Set(state) })
        .on_conflict(
            OnConflict::column(resource_state::Column::ResourceId)
                .update_column(resource_state::Column::State)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Rows read per query while hashing.
const DIGEST_PAGE: u64 = 5_000;

/// The state digest: lowercase hex SHA-256 over every record's current revision (id, kind,
/// home origin, revision id, retracted) and every resource's derived state, each in id
/// order. Two nodes holding the same ops have the same records and, since derived state is
/// a function of the records, the same digest; a difference means one of them folded
/// differently.
#[tracing::instrument(level = "debug", name = "store.records.state_digest", skip_all)]
pub async fn state_digest<C: ConnectionTrait>(db: &C) -> Result<String, DbErr> {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(b"vf-state-digest/1\nrecords\n");
    let mut after: Option<Uuid> = None;
    loop {
        let mut q = record::Entity::find()
            .select_only()
            .columns([
                record::Column::Id,
                record::Column::Kind,
                record::Column::Origin,
                record::Column::RevisionId,
                record::Column::Deleted,
            ])
            .order_by_asc(record::Column::Id)
            .limit(DIGEST_PAGE);
        if let Some(a) = after {
            q = q.filter(record::Column::Id.gt(a));
        }
        let rows: Vec<(Uuid, String, String, Uuid, bool)> = q.into_tuple().all(db).await?;
        for (id, kind, origin, revision, deleted) in &rows {
            hash.update(format!("{id}\t{kind}\t{origin}\t{revision}\t{}\n", u8::from(*deleted)));
        }
        match rows.last() {
            Some(last) if rows.len() as u64 == DIGEST_PAGE => after = Some(last.0),
            _ => break,
        }
    }
    hash.update(b"resources\n");
    let mut after: Option<Uuid> = None;
    loop {
        let mut q = resource_state::Entity::find().order_by_asc(resource_state::Column::ResourceId).limit(DIGEST_PAGE);
        if let Some(a) = after {
            q = q.filter(resource_state::Column::ResourceId.gt(a));
        }
        let rows = q.all(db).await?;
        for m in &rows {
            hash.update(format!("{}\t{}\n", m.resource_id, m.state));
        }
        match rows.last() {
            Some(last) if rows.len() as u64 == DIGEST_PAGE => after = Some(last.resource_id),
            _ => break,
        }
    }
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// A node fact.
#[tracing::instrument(level = "debug", name = "store.records.meta", skip_all, fields(key = key))]
pub async fn meta<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<String>, DbErr> {
    Ok(node_meta::Entity::find_by_id(key.to_owned()).one(db).await?.map(|m| m.value))
}

/// Sets a node fact.
#[tracing::instrument(level = "debug", name = "store.records.set_meta", skip_all, fields(key = key))]
pub async fn set_meta<C: ConnectionTrait>(db: &C, key: &str, value: &str) -> Result<(), DbErr> {
    node_meta::Entity::insert(node_meta::ActiveModel { key: Set(key.to_owned()), value: Set(value.to_owned()) })
        .on_conflict(OnConflict::column(node_meta::Column::Key).update_column(node_meta::Column::Value).to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The first `limit + 1` live records (in id order) of `kinds` whose `fields` hold each of
/// `values`: the first page of an inverse relation for many parents in ONE query.
#[tracing::instrument(level = "debug", name = "store.records.first_pages", skip_all, fields(kinds = ?kinds, values = values.len(), limit = limit))]
pub async fn first_pages<C: ConnectionTrait>(
    db: &C,
    kinds: &[&'static str],
    fields: &[String],
    values: &[String],
    limit: u64,
) -> Result<HashMap<String, Vec<record::Model>>, DbErr> {
    use sea_orm::{DbBackend, FromQueryResult, Statement, Value};
    if kinds.is_empty() || fields.is_empty() || values.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let mut params: Vec<Value> = Vec::new();
    let mut list = |items: Vec<Value>| -> String {
        let marks: Vec<String> = items
            .into_iter()
            .map(|v| {
                params.push(v);
                match backend {
                    DbBackend::Postgres => format!("${}", params.len()),
                    _ => "?".to_owned(),
                }
            })
            .collect();
        marks.join(", ")
    };
    let field_marks = list(fields.iter().map(|f| Value::from(f.clone())).collect());
    let value_marks = list(values.iter().map(|v| Value::from(v.clone())).collect());
    let kind_marks = list(kinds.iter().map(|k| Value::from((*k).to_owned())).collect());
    let limit_mark = list(vec![Value::from(i64::try_from(limit + 1).unwrap_or(i64::MAX))]);
    // Number each parent's matches in id order (DISTINCT first: a record may match through
    // several fields), keep the first limit + 1 of each.
    let sql = format!(
        "SELECT p.parent AS parent, r.id, r.kind, r.revision_id, r.origin, r.body, r.created_at, r.updated_at, r.author, r.deleted \
         FROM (SELECT d.parent, d.record_id, ROW_NUMBER() OVER (PARTITION BY d.parent ORDER BY d.record_id) AS rn \
               FROM (SELECT DISTINCT ri.value AS parent, ri.record_id AS record_id \
                     FROM record_index ri JOIN record r2 ON r2.id = ri.record_id \
                     WHERE ri.field IN ({field_marks}) AND ri.value IN ({value_marks}) \
                       AND r2.kind IN ({kind_marks}) AND r2.deleted = FALSE) d) p \
         JOIN record r ON r.id = p.record_id \
         WHERE p.rn <= {limit_mark} \
         ORDER BY p.parent, r.id"
    );
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, params)).await?;
    let mut out: HashMap<String, Vec<record::Model>> = HashMap::new();
    for row in rows {
        let parent: String = row.try_get("", "parent")?;
        out.entry(parent).or_default().push(record::Model::from_query_result(&row, "")?);
    }
    Ok(out)
}

/// One part of a [`facts`] lookup.
#[derive(Clone, Copy, Debug)]
pub enum FactQuery<'a> {
    /// The facts `fields` of the records `ids`.
    Of {
        /// Records whose facts are wanted.
        ids: &'a [Uuid],
        /// Fields wanted.
        fields: &'a [&'static str],
    },
    /// The facts `fields` of the records of `kind` that hold one of `values` under one of
    /// the fields `via`: for example the flow facts of every event naming one of a set of
    /// resources.
    Referring {
        /// Kind of the referring records.
        kind: &'static str,
        /// Fields that refer.
        via: &'a [&'static str],
        /// Referenced values (ids in hyphenated form).
        values: &'a [String],
        /// Facts wanted of each referring record.
        fields: &'a [&'static str],
    },
    /// The records of `kind` that share a `field` value with one of `ids` (`ids` themselves
    /// included), with that value: resources of the same lot.
    Sharing {
        /// Kind of the records found.
        kind: &'static str,
        /// The shared field (also the one fact returned).
        field: &'static str,
        /// Records whose values are looked for.
        ids: &'a [Uuid],
    },
}

impl FactQuery<'_> {
    /// The fields returned, in the order of [`FactRow::values`].
    fn fields(&self) -> &[&'static str] {
        match self {
            FactQuery::Of { fields, .. } | FactQuery::Referring { fields, .. } => fields,
            FactQuery::Sharing { field, .. } => std::slice::from_ref(field),
        }
    }

    fn is_empty(&self) -> bool {
        self.main_len() == 0 || self.fields().is_empty()
    }

    /// Length of the part's main list (ids or values).
    fn main_len(&self) -> usize {
        match self {
            FactQuery::Of { ids, .. } | FactQuery::Sharing { ids, .. } => ids.len(),
            FactQuery::Referring { values, .. } => values.len(),
        }
    }

    /// Values the part binds besides its main list.
    fn fixed_params(&self) -> usize {
        match self {
            FactQuery::Of { fields, .. } => fields.len(),
            FactQuery::Referring { via, fields, .. } => via.len() + 1 + fields.len(),
            FactQuery::Sharing { .. } => 3,
        }
    }

    /// The part with its main list cut into pieces of at most `size`.
    fn split(&self, size: usize) -> Vec<FactQuery<'_>> {
        let size = size.max(1);
        match *self {
            FactQuery::Of { ids, fields } => ids.chunks(size).map(|ids| FactQuery::Of { ids, fields }).collect(),
            FactQuery::Referring { kind, via, values, fields } => {
                values.chunks(size).map(|values| FactQuery::Referring { kind, via, values, fields }).collect()
            }
            FactQuery::Sharing { kind, field, ids } => {
                ids.chunks(size).map(|ids| FactQuery::Sharing { kind, field, ids }).collect()
            }
        }
    }
}

/// One record found by [`facts`]: which part found it, and its facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactRow {
    /// Which part of the lookup found it.
    pub part: usize,
    /// The record.
    pub record_id: Uuid,
    /// The value of each field the part asked for, in the part's order (one value per
    /// field: the least, when a record holds several).
    pub values: Vec<Option<String>>,
}

/// Most values bound in one statement: under SQLite's limit of 32,766 and PostgreSQL's
/// 65,535.
pub const MAX_BOUND: usize = 10_000;

/// Bound parameters of one raw statement, numbered for the backend.
struct Params {
    backend: sea_orm::DbBackend,
    values: Vec<sea_orm::Value>,
}

impl Params {
    fn mark(&mut self, v: sea_orm::Value) -> String {
        self.values.push(v);
        match self.backend {
            sea_orm::DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }

    fn list<V: Into<sea_orm::Value>>(&mut self, items: impl IntoIterator<Item = V>) -> String {
        let marks: Vec<String> = items.into_iter().map(|v| self.mark(v.into())).collect();
        marks.join(", ")
    }

    fn names(&mut self, fields: &[&'static str]) -> String {
        self.list(fields.iter().map(|f| (*f).to_owned()))
    }

    /// `(SELECT x.value FROM record_index x WHERE x.record_id = {id} AND x.field = ? ORDER BY
    /// x.value LIMIT 1) AS c0, ...`: one column per field, padded with NULLs to `width`. Each
    /// is one seek of the primary key, already in value order (no aggregate: `MAX` would copy
    /// every value through SQLite's aggregate machinery).
    fn columns(&mut self, id: &str, fields: &[&'static str], width: usize) -> String {
        (0..width)
            .map(|i| match fields.get(i) {
                Some(f) => {
                    let f = self.mark((*f).to_owned().into());
                    format!(
                        "(SELECT x.value FROM record_index x WHERE x.record_id = {id} AND x.field = {f} \
                         ORDER BY x.value LIMIT 1) AS c{i}"
                    )
                }
                None => format!("NULL AS c{i}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The SQL of one part (a row per record found, or per way it was found), its values
/// pushed onto `p` in the order their marks appear.
fn fact_sql(part: usize, q: &FactQuery<'_>, width: usize, p: &mut Params) -> String {
    let tag = format!("CAST({part} AS BIGINT) AS part");
    match q {
        FactQuery::Of { ids, fields } => {
            let cols = p.columns("rec.id", fields, width);
            let ids = p.list(ids.iter().copied());
            format!("SELECT {tag}, rec.id AS record_id, {cols} FROM record rec WHERE rec.id IN ({ids})")
        }
        FactQuery::Referring { kind, via, values, fields } => {
            let cols = p.columns("r.record_id", fields, width);
            let via = p.names(via);
            let values = p.list(values.iter().cloned());
            let kind = p.mark((*kind).to_owned().into());
            format!(
                "SELECT {tag}, r.record_id AS record_id, {cols} \
                 FROM record_index r CROSS JOIN record rec \
                 WHERE r.field IN ({via}) AND r.value IN ({values}) \
                   AND rec.kind = {kind} AND rec.id = r.record_id"
            )
        }
        FactQuery::Sharing { kind, field, ids } => {
            let pad: String = (1..width).map(|i| format!(", NULL AS c{i}")).collect();
            let shared = p.mark((*field).to_owned().into());
            let ids = p.list(ids.iter().copied());
            let field = p.mark((*field).to_owned().into());
            let kind = p.mark((*kind).to_owned().into());
            format!(
                "SELECT {tag}, m.record_id AS record_id, m.value AS c0{pad} \
                 FROM record_index m CROSS JOIN record rec \
                 WHERE m.field = {shared} \
                   AND m.value IN (SELECT o.value FROM record_index o WHERE o.record_id IN ({ids}) AND o.field = {field}) \
                   AND rec.kind = {kind} AND rec.id = m.record_id"
            )
        }
    }
}

/// Index facts for several lookups at once, one row per record found (or per way it was
/// found: a record may come back from several parts, or twice from one; the caller
/// merges). Only live records have facts (a delete removes them), so no part looks at
/// `record.deleted`; the record table is read only for kinds, from its `(kind, id)` index.
///
/// Every part becomes one branch of a single `UNION ALL` statement, and the statement
/// answers one row: its result as a JSON array (`json_group_array` on SQLite, `json_agg` on
/// PostgreSQL). A whole step of a graph walk is then one round trip and one row, whatever
/// it finds: rows, not statements, cost most here, since each row crosses from the
/// database driver's thread on its own. More than one statement is used only when the
/// parts bind more than [`MAX_BOUND`] values.
///
/// Each wanted fact is a scalar subquery (one seek of the primary key `(record_id, field)`),
/// not a join grouped afterwards, which would sort every fact of every record found. The
/// joins are written as `CROSS JOIN`s in the order they should run: SQLite then keeps that
/// order (from the given ids or values, through the indexes), where on its own, without
/// statistics, it may start from every record of the kind and probe the list for each.
/// PostgreSQL plans a `CROSS JOIN` with its `WHERE` like any inner join.
#[tracing::instrument(level = "debug", name = "store.records.flow_facts", skip_all, fields(parts = parts.len()))]
pub async fn flow_facts<C: ConnectionTrait>(db: &C, parts: &[FactQuery<'_>]) -> Result<Vec<FactRow>, DbErr> {
    use sea_orm::{DbBackend, Statement};
    let width = parts.iter().map(|q| q.fields().len()).max().unwrap_or(0);
    // Cut parts so that none binds more than MAX_BOUND values, then pack them into
    // statements of at most MAX_BOUND values each.
    let mut pieces: Vec<(usize, FactQuery<'_>)> = Vec::new();
    for (i, q) in parts.iter().enumerate().filter(|(_, q)| !q.is_empty()) {
        let room = MAX_BOUND.saturating_sub(q.fixed_params());
        pieces.extend(q.split(room).into_iter().map(|piece| (i, piece)));
    }
    let backend = db.get_database_backend();
    let columns: String = (0..width).map(|i| format!(", u.c{i}")).collect();
    let (id, aggregate) = match backend {
        DbBackend::Postgres => ("CAST(u.record_id AS TEXT)", "COALESCE(CAST(json_agg(json_build_array"),
        _ => ("lower(hex(u.record_id))", "(json_group_array(json_array"),
    };
    let close = match backend {
        DbBackend::Postgres => ") AS TEXT), '[]')",
        _ => "))",
    };
    let mut out = Vec::new();
    let mut rest = pieces.as_slice();
    while !rest.is_empty() {
        let mut take = 0;
        let mut bound = 0;
        for (_, q) in rest {
            let n = q.fixed_params() + q.main_len();
            if take > 0 && bound + n > MAX_BOUND {
                break;
            }
            take += 1;
            bound += n;
        }
        let (batch, later) = rest.split_at(take);
        rest = later;
        let mut p = Params { backend, values: Vec::with_capacity(bound) };
        let branches: Vec<String> = batch.iter().map(|(i, q)| fact_sql(*i, q, width, &mut p)).collect();
        let sql = format!(
            "SELECT {aggregate}(CAST(u.part AS TEXT), {id}{columns}){close} AS facts FROM ({}) u",
            branches.join(" UNION ALL ")
        );
        let Some(row) = db.query_one_raw(Statement::from_sql_and_values(backend, sql, p.values)).await? else {
            continue;
        };
        let json: String = row.try_get("", "facts")?;
        let found: Vec<Vec<Option<String>>> =
            serde_json::from_str(&json).map_err(|e| DbErr::Custom(format!("index facts do not parse: {e}")))?;
        for mut entry in found {
            let bad = || DbErr::Custom("an index fact row is malformed".to_owned());
            if entry.len() < 2 {
                return Err(bad());
            }
            let mut head = entry.drain(..2);
            let part: usize = head.next().flatten().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
            let record_id = head.next().flatten().and_then(|r| Uuid::parse_str(&r).ok()).ok_or_else(bad)?;
            drop(head);
            entry.truncate(parts.get(part).map_or(0, |q| q.fields().len()));
            out.push(FactRow { part, record_id, values: entry });
        }
    }
    Ok(out)
}
