//! A settlement: an economic event that fully or partially settles a claim.

use serde::{Deserialize, Serialize};

use crate::claim::claim::{Claim, check_quantity};
use crate::claim::claim_error::ClaimError;
use crate::ids::{ClaimId, EventId, SettlementId};
use crate::measurement::Measure;
use crate::validation::check_opt_text;

/// Links a claim to an economic event that fully or partially settles it, with the part
/// settled in the claim's units (vf-graphql `Settlement`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settlement {
    /// Its id.
    pub id: SettlementId,
    /// The claim settled.
    pub settles: ClaimId,
    /// The event settling it.
    pub settled_by: EventId,
    /// How much of the claim's resource quantity this settles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Measure>,
    /// How much of the claim's effort quantity this settles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_quantity: Option<Measure>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn same_unit(
    field: &'static str,
    unit_field: &'static str,
    claimed: Option<&Measure>,
    settled: Option<&Measure>,
) -> Result<(), ClaimError> {
    let Some(settled) = settled else { return Ok(()) };
    let Some(claimed) = claimed else { return Err(ClaimError::NotClaimed { field }) };
    match (claimed.has_unit, settled.has_unit) {
        (Some(expected), Some(found)) if expected != found => {
            Err(ClaimError::UnitMismatch { field: unit_field, expected, found })
        }
        (_, None) => Err(ClaimError::MissingUnit { field: unit_field }),
        _ => Ok(()),
    }
}

impl Settlement {
    /// Quantities carry units and are not negative; the note stays within the limits.
    pub fn validate(&self) -> Result<(), ClaimError> {
        check_quantity("resourceQuantity", "resourceQuantity.hasUnit", self.resource_quantity.as_ref())?;
        check_quantity("effortQuantity", "effortQuantity.hasUnit", self.effort_quantity.as_ref())?;
        check_opt_text("note", self.note.as_deref())?;
        Ok(())
    }

    /// Each quantity settles a quantity the claim claims, in the claim's unit: a
    /// settlement counts part of the claim, so it must be summable with the claim's own.
    pub fn check_against(&self, claim: &Claim) -> Result<(), ClaimError> {
        same_unit(
            "resourceQuantity",
            "resourceQuantity.hasUnit",
            claim.resource_quantity.as_ref(),
            self.resource_quantity.as_ref(),
        )?;
        same_unit(
            "effortQuantity",
            "effortQuantity.hasUnit",
            claim.effort_quantity.as_ref(),
            self.effort_quantity.as_ref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::action::Action;
    use crate::ids::UnitId;

    fn unit(n: u128) -> UnitId {
        UnitId::new(uuid::Uuid::from_u128(n))
    }

    fn measure(v: &str, u: u128) -> Measure {
        Measure::new(Decimal::from_str(v).expect("decimal"), unit(u))
    }

    fn claim() -> Claim {
        Claim {
            id: ClaimId::new(uuid::Uuid::from_u128(1)),
            action: Action::Transfer,
            provider: None,
            receiver: None,
            resource_classified_as: vec![],
            resource_conforms_to: None,
            resource_quantity: Some(measure("10", 7)),
            effort_quantity: None,
            triggered_by: EventId::new(uuid::Uuid::from_u128(2)),
            due: None,
            created: None,
            finished: false,
            note: None,
            agreed_in: None,
            in_scope_of: vec![],
        }
    }

    fn settlement() -> Settlement {
        Settlement {
            id: SettlementId::new(uuid::Uuid::from_u128(4)),
            settles: claim().id,
            settled_by: EventId::new(uuid::Uuid::from_u128(3)),
            resource_quantity: Some(measure("4", 7)),
            effort_quantity: None,
            note: None,
        }
    }

    #[test]
    fn settlement_in_the_claims_unit_is_accepted() {
        assert_eq!(settlement().validate(), Ok(()));
        assert_eq!(settlement().check_against(&claim()), Ok(()));
    }

    #[test]
    fn settlement_in_another_unit_is_rejected_naming_both_units() {
        let s = Settlement { resource_quantity: Some(measure("4", 8)), ..settlement() };
        let err = s.check_against(&claim()).expect_err("wrong unit");
        assert_eq!(
            err,
            ClaimError::UnitMismatch { field: "resourceQuantity.hasUnit", expected: unit(7), found: unit(8) }
        );
        assert_eq!(err.code(), "VALIDATION");
        assert!(err.to_string().contains(&unit(8).to_string()));
    }

    #[test]
    fn settling_a_quantity_the_claim_does_not_claim_is_rejected() {
        let s = Settlement { effort_quantity: Some(measure("1", 9)), ..settlement() };
        assert_eq!(s.check_against(&claim()), Err(ClaimError::NotClaimed { field: "effortQuantity" }));
    }

    #[test]
    fn negative_settlement_is_rejected() {
        let s = Settlement { resource_quantity: Some(measure("-0.5", 7)), ..settlement() };
        assert_eq!(s.validate(), Err(ClaimError::Negative { field: "resourceQuantity" }));
    }
}
