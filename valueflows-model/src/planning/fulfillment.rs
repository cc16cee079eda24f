//! A fulfillment: an economic event fulfilling (part of) a commitment.

use serde::{Deserialize, Serialize};

use crate::ids::{CommitmentId, EventId, FulfillmentId};
use crate::measurement::Measure;
use crate::observation::EconomicEvent;
use crate::planning::commitment::Commitment;
use crate::planning::planned_flow::{check_quantity, check_same_unit};
use crate::planning::planning_error::PlanningError;
use crate::validation::check_opt_text;

/// Links an economic event to a commitment it fully or partially fulfills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fulfillment {
    /// Its id.
    pub id: FulfillmentId,
    /// The event that fulfills.
    pub fulfilled_by: EventId,
    /// The commitment fulfilled.
    pub fulfills: CommitmentId,
    /// How much of the commitment's resource quantity the event fulfills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Measure>,
    /// How much of the commitment's effort quantity the event fulfills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_quantity: Option<Measure>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Fulfillment {
    /// Quantities with a unit and not negative; the note within the limit.
    pub fn validate(&self) -> Result<(), PlanningError> {
        check_quantity("resourceQuantity", self.resource_quantity.as_ref())?;
        check_quantity("effortQuantity", self.effort_quantity.as_ref())?;
        Ok(check_opt_text("note", self.note.as_deref())?)
    }

    /// The resource quantity this fulfillment counts towards its commitment: its own, or
    /// when it gives none, the whole of the event's.
    pub fn counted_resource_quantity(&self, event: &EconomicEvent) -> Option<Measure> {
        self.resource_quantity.or(event.resource_quantity)
    }

    /// The effort quantity this fulfillment counts: its own, else the event's.
    pub fn counted_effort_quantity(&self, event: &EconomicEvent) -> Option<Measure> {
        self.effort_quantity.or(event.effort_quantity)
    }

    /// The quantities it counts are in the units of the commitment's quantities, so that
    /// they can be added up against it.
    pub fn check_against(&self, commitment: &Commitment, event: &EconomicEvent) -> Result<(), PlanningError> {
        let (resource_field, effort_field) = (
            if self.resource_quantity.is_some() { "resourceQuantity.hasUnit" } else { "fulfilledBy" },
            if self.effort_quantity.is_some() { "effortQuantity.hasUnit" } else { "fulfilledBy" },
        );
        check_same_unit(
            resource_field,
            "the commitment's resourceQuantity",
            commitment.resource_quantity.as_ref(),
            self.counted_resource_quantity(event).as_ref(),
        )?;
        check_same_unit(
            effort_field,
            "the commitment's effortQuantity",
            commitment.effort_quantity.as_ref(),
            self.counted_effort_quantity(event).as_ref(),
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
    use crate::observation::NewEconomicEvent;

    fn unit(n: u128) -> UnitId {
        UnitId::new(uuid::Uuid::from_u128(n))
    }

    fn qty(v: &str, u: u128) -> Option<Measure> {
        Some(Measure::new(Decimal::from_str(v).expect("decimal"), unit(u)))
    }

    fn setup(event_qty: Option<Measure>) -> (Commitment, EconomicEvent) {
        let a = AgentId::new(uuid::Uuid::from_u128(1));
        let mut c = Commitment::new(CommitmentId::new(uuid::Uuid::from_u128(3)), Action::Transfer, a, a);
        c.resource_quantity = qty("20", 1);
        let mut e = NewEconomicEvent::new(Action::Transfer, a, a);
        e.resource_quantity = event_qty;
        (c, e.into_event(EventId::new(uuid::Uuid::from_u128(4))))
    }

    fn link(q: Option<Measure>) -> Fulfillment {
        Fulfillment {
            id: FulfillmentId::new(uuid::Uuid::nil()),
            fulfilled_by: EventId::new(uuid::Uuid::from_u128(4)),
            fulfills: CommitmentId::new(uuid::Uuid::from_u128(3)),
            resource_quantity: q,
            effort_quantity: None,
            note: None,
        }
    }

    #[test]
    fn fulfillment_in_another_unit_than_the_commitment_is_rejected() {
        let (c, e) = setup(qty("12", 1));
        assert_eq!(link(qty("12", 1)).check_against(&c, &e), Ok(()));
        let err = link(qty("12", 2)).check_against(&c, &e).expect_err("unit mismatch");
        assert_eq!(err.field(), Some("resourceQuantity.hasUnit"));
        assert!(
            matches!(err, PlanningError::UnitMismatch { expected, found, .. } if expected == unit(1) && found == unit(2))
        );
    }

    #[test]
    fn fulfillment_without_quantity_counts_the_event_and_checks_its_unit() {
        let (c, e) = setup(qty("12", 1));
        assert_eq!(link(None).counted_resource_quantity(&e), qty("12", 1));
        assert_eq!(link(None).check_against(&c, &e), Ok(()));
        let (c, e) = setup(qty("12", 2));
        assert_eq!(link(None).check_against(&c, &e).map_err(|e| e.field()), Err(Some("fulfilledBy")));
        // Its own quantity in the commitment's unit wins over the event's (a converted amount).
        assert_eq!(link(qty("10", 1)).check_against(&c, &e), Ok(()));
    }

    #[test]
    fn negative_or_unitless_fulfillment_quantity_is_rejected() {
        assert_eq!(link(qty("-1", 1)).validate().map_err(|e| e.field()), Err(Some("resourceQuantity")));
        let unitless = Some(Measure { has_numerical_value: Decimal::ONE, has_unit: None });
        assert_eq!(link(unitless).validate(), Err(PlanningError::MissingUnit { field: "resourceQuantity" }));
    }
}
