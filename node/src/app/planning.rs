//! Planning rules that span records: a fulfillment's or satisfaction's quantities must be
//! counted in the unit of the commitment or intent they count towards, so that "how much
//! is done" is an exact sum. Checked on every write of either side, inside the writer.

use uuid::Uuid;
use valueflows_model as vf;

use super::kinds::{Draft, kind};
use super::observation::parse;
use super::writer::WriteCtx;
use crate::error::AppError;
use crate::store::entity::record;

/// Checks the links a draft takes part in. `revising` is true for an update: then the
/// draft may already have fulfillments or satisfactions (commitments and intents are
/// updated as barrier commands, so the index query sees every stored link).
pub async fn check_links(ctx: &mut WriteCtx<'_>, draft: &Draft, revising: bool) -> Result<(), AppError> {
    match draft.kind {
        kind::FULFILLMENT => {
            let f: vf::Fulfillment = serde_json::from_value(draft.body.clone())?;
            check_fulfillment(ctx, &f, None).await
        }
        kind::SATISFACTION => {
            let s: vf::Satisfaction = serde_json::from_value(draft.body.clone())?;
            check_satisfaction(ctx, &s, None, None).await
        }
        kind::COMMITMENT if revising => {
            let c: vf::Commitment = serde_json::from_value(draft.body.clone())?;
            for f in ctx.live_where::<vf::Fulfillment>(kind::FULFILLMENT, "fulfills", &[draft.id]).await? {
                check_fulfillment(ctx, &f, Some(&c)).await.map_err(|e| relink("fulfillment", f.id.uuid(), e))?;
            }
            for s in ctx.live_where::<vf::Satisfaction>(kind::SATISFACTION, "satisfiedBy", &[draft.id]).await? {
                check_satisfaction(ctx, &s, None, Some(&c))
                    .await
                    .map_err(|e| relink("satisfaction", s.id.uuid(), e))?;
            }
            Ok(())
        }
        kind::INTENT if revising => {
            let i: vf::Intent = serde_json::from_value(draft.body.clone())?;
            for s in ctx.live_where::<vf::Satisfaction>(kind::SATISFACTION, "satisfies", &[draft.id]).await? {
                check_satisfaction(ctx, &s, Some(&i), None)
                    .await
                    .map_err(|e| relink("satisfaction", s.id.uuid(), e))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A revised commitment or intent that no longer matches the links already counted
/// against it conflicts with stored state.
fn relink(what: &str, id: Uuid, e: AppError) -> AppError {
    match e {
        AppError::Validation { message, .. } => AppError::Conflict(format!(
            "the change does not fit {what} {id}, which is already linked to this record: {message}"
        )),
        other => other,
    }
}

async fn live(ctx: &mut WriteCtx<'_>, id: Uuid, kinds: &[&str], field: &str) -> Result<record::Model, AppError> {
    ctx.get(id)
        .await?
        .filter(|m| !m.deleted && kinds.contains(&m.kind.as_str()))
        .ok_or_else(|| AppError::NotFound(format!("`{field}`: no {} with id {id}", kinds.join(" or "))))
}

/// `commitment` is the revised commitment when it is the one changing.
async fn check_fulfillment(
    ctx: &mut WriteCtx<'_>,
    f: &vf::Fulfillment,
    commitment: Option<&vf::Commitment>,
) -> Result<(), AppError> {
    let stored;
    let commitment = match commitment {
        Some(c) => c,
        None => {
            stored = parse::<vf::Commitment>(&live(ctx, f.fulfills.uuid(), &[kind::COMMITMENT], "fulfills").await?)?;
            &stored
        }
    };
    let event: vf::EconomicEvent =
        parse(&live(ctx, f.fulfilled_by.uuid(), &[kind::ECONOMIC_EVENT], "fulfilledBy").await?)?;
    Ok(f.check_against(commitment, &event)?)
}

/// The quantities of what satisfies an intent, from its stored row.
pub fn satisfier_quantities(m: &record::Model) -> Result<vf::SatisfierQuantities, AppError> {
    Ok(if m.kind == kind::COMMITMENT {
        let c: vf::Commitment = parse(m)?;
        vf::SatisfierQuantities { resource: c.resource_quantity, effort: c.effort_quantity }
    } else {
        let e: vf::EconomicEvent = parse(m)?;
        vf::SatisfierQuantities { resource: e.resource_quantity, effort: e.effort_quantity }
    })
}

/// `intent` or `satisfier` is the revised record when it is the one changing.
async fn check_satisfaction(
    ctx: &mut WriteCtx<'_>,
    s: &vf::Satisfaction,
    intent: Option<&vf::Intent>,
    satisfier: Option<&vf::Commitment>,
) -> Result<(), AppError> {
    let stored;
    let intent = match intent {
        Some(i) => i,
        None => {
            stored = parse::<vf::Intent>(&live(ctx, s.satisfies.uuid(), &[kind::INTENT], "satisfies").await?)?;
            &stored
        }
    };
    let by = match satisfier {
        Some(c) => vf::SatisfierQuantities { resource: c.resource_quantity, effort: c.effort_quantity },
        None => satisfier_quantities(
            &live(ctx, s.satisfied_by.uuid(), &[kind::ECONOMIC_EVENT, kind::COMMITMENT], "satisfiedBy").await?,
        )?,
    };
    Ok(s.check_against(intent, &by)?)
}
