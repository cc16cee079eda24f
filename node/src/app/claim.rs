//! Claim rules that read other records: a settlement counts the quantities its claim
//! claims, in the claim's units, and a claim cannot change those units under the
//! settlements already recorded against it. Both run inside the writer's batch, after
//! the references are checked, so a refused write stages nothing.

use valueflows_model as vf;

use super::kinds::{Draft, kind};
use super::observation::parse;
use super::writer::WriteCtx;
use crate::error::AppError;

/// Checks `draft` against the records it is summed with, when it is a settlement or
/// (on update) a claim. Other kinds pass.
pub async fn check(ctx: &mut WriteCtx<'_>, draft: &Draft, update: bool) -> Result<(), AppError> {
    match draft.kind {
        kind::SETTLEMENT => {
            let s: vf::Settlement = serde_json::from_value(draft.body.clone())?;
            let claim = ctx
                .get(s.settles.uuid())
                .await?
                .filter(|m| !m.deleted && m.kind == kind::CLAIM)
                .ok_or_else(|| AppError::NotFound(format!("`settles`: no Claim with id {}", s.settles)))?;
            s.check_against(&parse::<vf::Claim>(&claim)?)?;
            Ok(())
        }
        // Runs as a barrier command, so the index holds every settlement recorded so far.
        kind::CLAIM if update => {
            let c: vf::Claim = serde_json::from_value(draft.body.clone())?;
            for s in ctx.live_where::<vf::Settlement>(kind::SETTLEMENT, "settles", &[c.id.uuid()]).await? {
                s.check_against(&c).map_err(|e| {
                    AppError::Conflict(format!(
                        "claim {} is settled by settlement {} in its current units: {e}",
                        c.id, s.id
                    ))
                })?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
