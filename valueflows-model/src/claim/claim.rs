//! A claim: what is owed in return for an economic event that already occurred, and
//! how much of it the settlements recorded so far have settled.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::claim::claim_error::ClaimError;
use crate::claim::settlement::Settlement;
use crate::ids::{AgentId, ClaimId, EventId, ResourceSpecificationId};
use crate::measurement::Measure;
use crate::time::Timestamp;
use crate::validation::{check_opt_reference, check_opt_text, check_references};

/// A claim for future economic events in reciprocity for an event that already occurred,
/// for example a claim for payment for goods received (vf-graphql `Claim`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    /// Its id.
    pub id: ClaimId,
    /// What the claimed events are to do.
    pub action: Action,
    /// The agent from whom the claim is expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<AgentId>,
    /// The agent the claim is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<AgentId>,
    /// Classifications of the claimed resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_classified_as: Vec<String>,
    /// The kind of resource claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_conforms_to: Option<ResourceSpecificationId>,
    /// How much resource is claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Measure>,
    /// How much effort is claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_quantity: Option<Measure>,
    /// The event that already occurred, which the claim is made against.
    pub triggered_by: EventId,
    /// When the claim is expected to be settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Timestamp>,
    /// When the claim was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// No more will be done about it, whether or not it was fully settled.
    #[serde(default)]
    pub finished: bool,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Reference to the agreement whose rules govern the claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed_in: Option<String>,
    /// Agents within whose scope the claim is made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope_of: Vec<AgentId>,
}

/// How much of a claim its settlements have settled, per quantity, in the claim's units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settled {
    /// Settled resource quantity (None when the claim claims none).
    pub resource_quantity: Option<Measure>,
    /// Settled effort quantity (None when the claim claims none).
    pub effort_quantity: Option<Measure>,
}

/// A quantity of a claim or settlement: present means non-negative and with a unit.
pub(crate) fn check_quantity(
    field: &'static str,
    unit_field: &'static str,
    q: Option<&Measure>,
) -> Result<(), ClaimError> {
    let Some(q) = q else { return Ok(()) };
    if q.has_unit.is_none() {
        return Err(ClaimError::MissingUnit { field: unit_field });
    }
    if q.is_negative() {
        return Err(ClaimError::Negative { field });
    }
    Ok(())
}

impl Claim {
    /// Quantities carry units and are not negative; texts and classifications are valid.
    pub fn validate(&self) -> Result<(), ClaimError> {
        check_quantity("resourceQuantity", "resourceQuantity.hasUnit", self.resource_quantity.as_ref())?;
        check_quantity("effortQuantity", "effortQuantity.hasUnit", self.effort_quantity.as_ref())?;
        check_references("resourceClassifiedAs", &self.resource_classified_as)?;
        check_opt_text("note", self.note.as_deref())?;
        check_opt_reference("agreedIn", self.agreed_in.as_deref())?;
        Ok(())
    }

    /// The totals `settlements` settle, exact, in the claim's units. Each settlement must
    /// already agree with the claim ([`Settlement::check_against`]).
    pub fn settled(&self, settlements: &[Settlement]) -> Result<Settled, ClaimError> {
        for s in settlements {
            s.check_against(self)?;
        }
        let total = |field: &'static str,
                     claimed: Option<Measure>,
                     of: fn(&Settlement) -> Option<Measure>|
         -> Result<Option<Measure>, ClaimError> {
            let Some(claimed) = claimed else { return Ok(None) };
            let mut sum = rust_decimal::Decimal::ZERO;
            for q in settlements.iter().filter_map(of) {
                sum = sum.checked_add(q.has_numerical_value).ok_or(ClaimError::Overflow { field })?;
            }
            Ok(Some(Measure { has_numerical_value: sum, has_unit: claimed.has_unit }))
        };
        Ok(Settled {
            resource_quantity: total("resourceQuantity", self.resource_quantity, |s| s.resource_quantity)?,
            effort_quantity: total("effortQuantity", self.effort_quantity, |s| s.effort_quantity)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::ids::{SettlementId, UnitId};

    fn unit(n: u128) -> UnitId {
        UnitId::new(uuid::Uuid::from_u128(n))
    }

    fn qty(v: &str, u: u128) -> Option<Measure> {
        Some(Measure::new(Decimal::from_str(v).expect("decimal"), unit(u)))
    }

    fn claim() -> Claim {
        Claim {
            id: ClaimId::new(uuid::Uuid::from_u128(1)),
            action: Action::Transfer,
            provider: None,
            receiver: None,
            resource_classified_as: vec![],
            resource_conforms_to: None,
            resource_quantity: qty("100.10", 7),
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

    fn settlement(v: &str, u: u128) -> Settlement {
        Settlement {
            id: SettlementId::new(uuid::Uuid::now_v7()),
            settles: claim().id,
            settled_by: EventId::new(uuid::Uuid::from_u128(3)),
            resource_quantity: qty(v, u),
            effort_quantity: None,
            note: None,
        }
    }

    #[test]
    fn claim_quantity_without_unit_is_rejected() {
        let mut c = claim();
        c.effort_quantity = Some(Measure { has_numerical_value: Decimal::ONE, has_unit: None });
        let err = c.validate().expect_err("no unit");
        assert_eq!((err.code(), err.field()), ("VALIDATION", Some("effortQuantity.hasUnit")));
    }

    #[test]
    fn negative_claim_quantity_is_rejected() {
        let c = Claim { resource_quantity: qty("-1", 7), ..claim() };
        assert_eq!(c.validate(), Err(ClaimError::Negative { field: "resourceQuantity" }));
    }

    #[test]
    fn settled_amount_is_the_exact_sum_of_settlements() {
        let c = claim();
        let s = c.settled(&[settlement("40.05", 7), settlement("0.000000000000000000000001", 7)]).expect("settled");
        let total = s.resource_quantity.expect("resource");
        assert_eq!(total.has_numerical_value.to_string(), "40.050000000000000000000001");
        assert_eq!(total.has_unit, Some(unit(7)));
        assert_eq!(s.effort_quantity, None);
    }

    #[test]
    fn claim_without_settlements_has_settled_zero() {
        let s = claim().settled(&[]).expect("settled");
        assert_eq!(s.resource_quantity.map(|m| m.has_numerical_value), Some(Decimal::ZERO));
    }

    #[test]
    fn settled_amount_refuses_a_settlement_in_another_unit() {
        let err = claim().settled(&[settlement("1", 8)]).expect_err("wrong unit");
        assert!(matches!(err, ClaimError::UnitMismatch { field: "resourceQuantity.hasUnit", .. }));
    }
}
