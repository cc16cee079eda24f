//! Scenario rules the writer checks against other records: a scenario must not refine
//! itself through a chain of refinements.
//!
//! The chain is read with `WriteCtx::get`, which sees the writes staged earlier in the same
//! batch, so two concurrent updates that would each close half of a loop are checked one
//! after the other and the second is refused.

use std::collections::BTreeMap;

use valueflows_model as vf;

use super::kinds::Draft;
use super::observation::parse;
use super::writer::WriteCtx;
use crate::error::AppError;

/// Refuses a scenario whose `refinementOf` is, through the scenarios it refines, itself.
pub async fn check_refinement(ctx: &mut WriteCtx<'_>, draft: &Draft) -> Result<(), AppError> {
    let scenario: vf::Scenario = serde_json::from_value(draft.body.clone())?;
    let Some(target) = scenario.refinement_of else { return Ok(()) };
    // Load the chain above `target` until it ends, loops or reaches the scenario itself.
    let mut chain: BTreeMap<vf::ScenarioId, vf::ScenarioId> = BTreeMap::new();
    let mut at = target;
    while at != scenario.id && !chain.contains_key(&at) {
        let Some(m) = ctx.get(at.uuid()).await?.filter(|m| !m.deleted) else { break };
        let Some(next) = parse::<vf::Scenario>(&m)?.refinement_of else { break };
        chain.insert(at, next);
        at = next;
    }
    if vf::scenario::may_refine(scenario.id, target, |s| chain.get(&s).copied()) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "refinementOf",
            format!(
                "refinementOf would make scenario {} refine itself: scenario {target} is already a refinement of it",
                scenario.id
            ),
        ))
    }
}
