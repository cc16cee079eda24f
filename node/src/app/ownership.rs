//! Who may change a record. Every update and delete goes through the writer's
//! `WriteCtx::update` or `WriteCtx::delete`, which call [`check`] before anything is staged.

use super::writer::WriteCtx;
use crate::error::AppError;
use crate::store::entity::record;

/// Fails with `FORBIDDEN` unless this write may revise or retract `current`: the record must
/// be homed at this node (only its home origin revises a record; replicas of another
/// origin's records are read-only here), and the writer must be the agent that recorded it
/// (the author of its first revision) or hold a token with scope `admin`.
pub async fn check(ctx: &mut WriteCtx<'_>, current: &record::Model) -> Result<(), AppError> {
    if current.origin != ctx.origin() {
        return Err(AppError::Forbidden(format!(
            "{} {} was recorded at node {}, and only that node may change it",
            current.kind, current.id, current.origin
        )));
    }
    let actor = ctx.actor();
    if actor.admin {
        return Ok(());
    }
    if ctx.recorder(current).await? == Some(actor.agent.uuid()) {
        return Ok(());
    }
    Err(AppError::Forbidden(format!(
        "{} {} was recorded by another agent: only that agent, or a token with scope `admin`, may change it",
        current.kind, current.id
    )))
}
