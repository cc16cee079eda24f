//! Forked feeds: stored evidence, and the set of frozen origins.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder, sea_query::OnConflict};
use valueflows_federation::protocol::Fork;

use super::entity::feed_fork;

/// Stores the evidence of `fork` unless its origin is already known to have forked.
/// Returns true when it is new.
#[tracing::instrument(level = "debug", name = "store.forks.record", skip_all)]
pub async fn record<C: ConnectionTrait>(db: &C, fork: &Fork, source: &str, now: &str) -> Result<bool, DbErr> {
    let [(_, id_a, body_a), (_, id_b, body_b)] = &fork.ops;
    let row = feed_fork::ActiveModel {
        origin: sea_orm::Set(fork.origin.to_string()),
        seq: sea_orm::Set(i64::try_from(fork.seq).unwrap_or(i64::MAX)),
        op_a: sea_orm::Set(id_a.to_string()),
        op_b: sea_orm::Set(id_b.to_string()),
        body_a: sea_orm::Set(body_a.clone()),
        body_b: sea_orm::Set(body_b.clone()),
        source: sea_orm::Set(source.to_owned()),
        detected_at: sea_orm::Set(now.to_owned()),
    };
    let inserted = feed_fork::Entity::insert(row)
        .on_conflict(OnConflict::column(feed_fork::Column::Origin).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Every fork held, in origin order.
#[tracing::instrument(level = "debug", name = "store.forks.all", skip_all)]
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<feed_fork::Model>, DbErr> {
    feed_fork::Entity::find().order_by_asc(feed_fork::Column::Origin).all(db).await
}

/// The fork of `origin`'s feed, if it forked.
#[tracing::instrument(level = "debug", name = "store.forks.get", skip_all)]
pub async fn get<C: ConnectionTrait>(db: &C, origin: &str) -> Result<Option<feed_fork::Model>, DbErr> {
    feed_fork::Entity::find_by_id(origin.to_owned()).one(db).await
}
