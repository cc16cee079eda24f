//! The op log: append to a feed, read its head.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

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

/// Appends one op. The primary key `(origin, seq)` makes a second writer of the same seq fail.
pub async fn append<C: ConnectionTrait>(db: &C, m: op::Model) -> Result<(), DbErr> {
    op::Entity::insert(op::ActiveModel {
        origin: Set(m.origin),
        seq: Set(m.seq),
        op_id: Set(m.op_id),
        prev: Set(m.prev),
        body: Set(m.body),
        stored_at: Set(m.stored_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
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
