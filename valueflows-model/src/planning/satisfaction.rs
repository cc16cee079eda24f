//! A satisfaction: a commitment or an economic event satisfying (part of) an intent.

use serde::{Deserialize, Serialize};

use crate::ids::{IntentId, SatisfactionId, SatisfierId};
use crate::measurement::Measure;
use crate::planning::intent::Intent;
use crate::planning::planned_flow::{check_quantity, check_same_unit};
use crate::planning::planning_error::PlanningError;
use crate::validation::check_opt_text;

/// Links a commitment or an economic event to an intent it fully or partially satisfies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Satisfaction {
    /// Its id.
    pub id: SatisfactionId,
    /// The intent satisfied.
    pub satisfies: IntentId,
    /// The commitment or event that satisfies.
    pub satisfied_by: SatisfierId,
    /// How much of the intent's resource quantity is satisfied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Measure>,
    /// How much of the intent's effort quantity is satisfied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_quantity: Option<Measure>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The quantities of what satisfies an intent (a commitment's or an event's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SatisfierQuantities {
    /// Its resource quantity.
    pub resource: Option<Measure>,
    /// Its effort quantity.
    pub effort: Option<Measure>,
}

impl Satisfaction {
    /// Quantities with a unit and not negative; the note within the limit.
    pub fn validate(&self) -> Result<(), PlanningError> {
        check_quantity("resourceQuantity", self.resource_quantity.as_ref())?;
        check_quantity("effortQuantity", self.effort_quantity.as_ref())?;
        Ok(check_opt_text("note", self.note.as_deref())?)
    }

    /// The resource quantity this satisfaction counts towards its intent: its own, or
    /// when it gives none, the whole of the satisfier's.
    pub fn counted_resource_quantity(&self, by: &SatisfierQuantities) -> Option<Measure> {
        self.resource_quantity.or(by.resource)
    }

    /// The effort quantity this satisfaction counts: its own, else the satisfier's.
    pub fn counted_effort_quantity(&self, by: &SatisfierQuantities) -> Option<Measure> {
        self.effort_quantity.or(by.effort)
    }

    /// The quantities it counts are in the units of the intent's quantities.
    pub fn check_against(&self, intent: &Intent, by: &SatisfierQuantities) -> Result<(), PlanningError> {
        let (resource_field, effort_field) = (
            if self.resource_quantity.is_some() { "resourceQuantity.hasUnit" } else { "satisfiedBy" },
            if self.effort_quantity.is_some() { "effortQuantity.hasUnit" } else { "satisfiedBy" },
        );
        check_same_unit(
            resource_field,
            "the intent's resourceQuantity",
            intent.resource_quantity.as_ref(),
            self.counted_resource_quantity(by).as_ref(),
        )?;
        check_same_unit(
            effort_field,
            "the intent's effortQuantity",
            intent.effort_quantity.as_ref(),
            self.counted_effort_quantity(by).as_ref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::action::Action;
    use crate::ids::{AgentId, UnitId};

    fn qty(v: &str, u: u128) -> Option<Measure> {
        Some(Measure::new(Decimal::from_str(v).expect("decimal"), UnitId::new(uuid::Uuid::from_u128(u))))
    }

    fn intent() -> Intent {
        let mut i = Intent::new(IntentId::new(uuid::Uuid::from_u128(1)), Action::Transfer);
        i.receiver = Some(AgentId::new(uuid::Uuid::from_u128(2)));
        i.resource_quantity = qty("20", 1);
        i
    }

    fn link(q: Option<Measure>) -> Satisfaction {
        Satisfaction {
            id: SatisfactionId::new(uuid::Uuid::nil()),
            satisfies: IntentId::new(uuid::Uuid::from_u128(1)),
            satisfied_by: SatisfierId::new(uuid::Uuid::from_u128(5)),
            resource_quantity: q,
            effort_quantity: None,
            note: None,
        }
    }

    #[test]
    fn satisfaction_in_another_unit_than_the_intent_is_rejected() {
        let by = SatisfierQuantities { resource: qty("20", 1), effort: None };
        assert_eq!(link(qty("5", 1)).check_against(&intent(), &by), Ok(()));
        let err = link(qty("5", 3)).check_against(&intent(), &by).expect_err("mismatch");
        assert_eq!(err.field(), Some("resourceQuantity.hasUnit"));
    }

    #[test]
    fn satisfaction_without_quantity_counts_the_satisfier() {
        let by = SatisfierQuantities { resource: qty("8", 3), effort: None };
        assert_eq!(link(None).counted_resource_quantity(&by), qty("8", 3));
        assert_eq!(link(None).check_against(&intent(), &by).map_err(|e| e.field()), Err(Some("satisfiedBy")));
    }
}
