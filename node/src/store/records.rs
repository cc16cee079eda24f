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
pub async fn exists_beyond<C: ConnectionTrait>(db: &C, q: &ListQuery, id: Uuid, before: bool) -> Result<bool, DbErr> {
    let sel = filtered(q);
    let sel = if before { sel.filter(record::Column::Id.lte(id)) } else { sel.filter(record::Column::Id.gte(id)) };
    Ok(sel.limit(1).one(db).await?.is_some())
}

/// How many records `q` matches.
pub async fn count<C: ConnectionTrait>(db: &C, q: &ListQuery) -> Result<u64, DbErr> {
    filtered(q).count(db).await
}

/// One record by id, retracted or not.
pub async fn get<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<record::Model>, DbErr> {
    record::Entity::find_by_id(id).one(db).await
}

/// Many records by id (retracted included; the caller decides).
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
pub async fn revision<C: ConnectionTrait>(db: &C, revision_id: Uuid) -> Result<Option<record_revision::Model>, DbErr> {
    record_revision::Entity::find_by_id(revision_id).one(db).await
}

/// Every revision of a record, oldest first (without bodies' parsing).
pub async fn revisions<C: ConnectionTrait>(db: &C, record_id: Uuid) -> Result<Vec<record_revision::Model>, DbErr> {
    record_revision::Entity::find()
        .filter(record_revision::Column::RecordId.eq(record_id))
        .order_by_asc(record_revision::Column::RevisionId)
        .all(db)
        .await
}

/// Replaces the index facts of `record_id` whose field starts with `prefix` by `entries`.
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

/// A node fact.
pub async fn meta<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<String>, DbErr> {
    Ok(node_meta::Entity::find_by_id(key.to_owned()).one(db).await?.map(|m| m.value))
}

/// Sets a node fact.
pub async fn set_meta<C: ConnectionTrait>(db: &C, key: &str, value: &str) -> Result<(), DbErr> {
    node_meta::Entity::insert(node_meta::ActiveModel { key: Set(key.to_owned()), value: Set(value.to_owned()) })
        .on_conflict(OnConflict::column(node_meta::Column::Key).update_column(node_meta::Column::Value).to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The first `limit + 1` live records (in id order) of `kinds` whose `fields` hold each of
/// `values`: the first page of an inverse relation for many parents in ONE query.
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
