//! The op log: append to a feed, read its head.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::entity::op;

/// The last op of `origin`'s feed: `(seq, op id)`.
#[tracing::instrument(level = "debug", name = "store.ops.head", skip_all)]
pub async fn head<C: ConnectionTrait>(db: &C, origin: &str) -> Result<Option<(i64, String)>, DbErr> {
    Ok(op::Entity::find()
        .filter(op::Column::Origin.eq(origin))
        .order_by_desc(op::Column::Seq)
        .one(db)
        .await?
        .map(|m| (m.seq, m.op_id)))
}

/// Ops of `origin` after `after`, in seq order.
#[tracing::instrument(level = "debug", name = "store.ops.range", skip_all, fields(limit = limit))]
pub async fn range<C: ConnectionTrait>(db: &C, origin: &str, after: i64, limit: u64) -> Result<Vec<op::Model>, DbErr> {
    use sea_orm::QuerySelect;
    op::Entity::find()
        .filter(op::Column::Origin.eq(origin))
        .filter(op::Column::Seq.gt(after))
        .order_by_asc(op::Column::Seq)
        .limit(limit)
        .all(db)
        .await
}

/// Number of ops held for `origin`.
#[tracing::instrument(level = "debug", name = "store.ops.len", skip_all)]
pub async fn len<C: ConnectionTrait>(db: &C, origin: &str) -> Result<u64, DbErr> {
    op::Entity::find().filter(op::Column::Origin.eq(origin)).count(db).await
}

/// The head of every feed held: `(origin, seq, op id)`, in origin order. Feeds are stored
/// gap-free, so the highest seq is the highest contiguous one.
///
/// The recursive query hops from one origin to the next through the primary key, so its
/// cost grows with the number of feeds, not with the number of ops held.
#[tracing::instrument(level = "debug", name = "store.ops.heads", skip_all)]
pub async fn heads<C: ConnectionTrait>(db: &C) -> Result<Vec<(String, i64, String)>, DbErr> {
    use sea_orm::{FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Row {
        origin: String,
        seq: i64,
        op_id: String,
    }
    let sql = "WITH RECURSIVE feed(origin) AS ( \
                 SELECT MIN(origin) FROM op \
                 UNION ALL \
                 SELECT (SELECT MIN(o.origin) FROM op o WHERE o.origin > feed.origin) FROM feed \
                 WHERE feed.origin IS NOT NULL) \
               SELECT o.origin, o.seq, o.op_id FROM feed JOIN op o ON o.origin = feed.origin \
               AND o.seq = (SELECT MAX(m.seq) FROM op m WHERE m.origin = feed.origin) \
               ORDER BY o.origin";
    let rows = Row::find_by_statement(Statement::from_string(db.get_database_backend(), sql)).all(db).await?;
    Ok(rows.into_iter().map(|r| (r.origin, r.seq, r.op_id)).collect())
}

/// The op of `origin` at `seq`.
#[tracing::instrument(level = "debug", name = "store.ops.at", skip_all)]
pub async fn at<C: ConnectionTrait>(db: &C, origin: &str, seq: i64) -> Result<Option<op::Model>, DbErr> {
    op::Entity::find_by_id((origin.to_owned(), seq)).one(db).await
}
