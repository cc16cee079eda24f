//! The op log: append to a feed, read its head.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::entity::op;

/// The last op of `origin`'s feed: `(seq, op id)`.
pub async fn head<C: ConnectionTrait>(db: &C, origin: &str) -> Result<Option<(i64, String)>, DbErr> {
    Ok(op::Entity::find()
        .filter(op::Column::Origin.eq(origin))
        .order_by_desc(op::Column::Seq)
        .one(db)
        .await?
        .map(|m| (m.seq, m.op_id)))
}

/// Ops of `origin` after `after`, in seq order.
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
pub async fn len<C: ConnectionTrait>(db: &C, origin: &str) -> Result<u64, DbErr> {
    op::Entity::find().filter(op::Column::Origin.eq(origin)).count(db).await
}
