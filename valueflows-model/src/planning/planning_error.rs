//! Why a planned flow (commitment or intent) or a link to one (fulfillment or
//! satisfaction) was refused: one variant per rule, each naming the offending field in
//! GraphQL camelCase.

use rust_decimal::Decimal;

use crate::action::Action;
use crate::ids::UnitId;
use crate::time::Timestamp;
use crate::validation::RecordError;

/// A broken planning rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanningError {
    /// A text or list field breaks a shared rule (blank, too long).
    #[error(transparent)]
    Record(#[from] RecordError),
    /// Both a point in time and an interval.
    #[error("hasPointInTime cannot be combined with hasBeginning or hasEnd")]
    PointInTimeWithInterval,
    /// The planned interval ends before it begins.
    #[error("hasEnd ({end}) is before hasBeginning ({beginning})")]
    EndBeforeBeginning {
        /// The beginning.
        beginning: Timestamp,
        /// The end.
        end: Timestamp,
    },
    /// A quantity that makes no sense for the action.
    #[error("{field} is not allowed for action {action} (it carries only {allowed})")]
    QuantityNotAllowed {
        /// `resourceQuantity` or `effortQuantity`.
        field: &'static str,
        /// The flow's action.
        action: Action,
        /// The quantity the action does carry.
        allowed: &'static str,
    },
    /// A quantity without a unit.
    #[error("{field} needs a unit (hasUnit)")]
    MissingUnit {
        /// The quantity field.
        field: &'static str,
    },
    /// A negative quantity.
    #[error("{field} is negative ({value}); planned and linked quantities cannot be negative")]
    NegativeQuantity {
        /// The quantity field.
        field: &'static str,
        /// The rejected number.
        value: Decimal,
    },
    /// A process link the action does not allow.
    #[error("{field} is not allowed for action {action} (its inputOutput is {input_output})")]
    ProcessNotAllowed {
        /// `inputOf` or `outputOf`.
        field: &'static str,
        /// The flow's action.
        action: Action,
        /// The action's `inputOutput`.
        input_output: &'static str,
    },
    /// `inputOf` and `outputOf` name the same process.
    #[error("inputOf and outputOf name the same process; a service is output of one process and input of another")]
    SameProcess,
    /// An intent with neither provider nor receiver.
    #[error("an intent needs a provider (an offer) or a receiver (a request)")]
    IntentWithoutAgent,
    /// An intent with both provider and receiver.
    #[error(
        "an intent has a provider (an offer) or a receiver (a request), not both; a flow both agents agreed to is a commitment"
    )]
    IntentWithBothAgents,
    /// A quantity counted in another unit than the one it is compared with.
    #[error("{field} is in unit {found}, but {target} counts in unit {expected}; quantities must be in the same unit")]
    UnitMismatch {
        /// The offending quantity's unit field, e.g. `resourceQuantity.hasUnit`.
        field: &'static str,
        /// What the quantity is compared with, e.g. `the commitment's resourceQuantity`.
        target: &'static str,
        /// The unit expected.
        expected: UnitId,
        /// The unit given.
        found: UnitId,
    },
    /// A sum of quantities does not fit in a decimal.
    #[error("the sum of {field} overflows")]
    Overflow {
        /// The summed quantity.
        field: &'static str,
    },
}

impl PlanningError {
    /// The error class for API clients: always `"VALIDATION"`.
    pub fn code(&self) -> &'static str {
        "VALIDATION"
    }

    /// The offending field, in GraphQL camelCase.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            PlanningError::Record(e) => return e.field(),
            PlanningError::PointInTimeWithInterval => "hasPointInTime",
            PlanningError::EndBeforeBeginning { .. } => "hasEnd",
            PlanningError::QuantityNotAllowed { field, .. }
            | PlanningError::MissingUnit { field }
            | PlanningError::NegativeQuantity { field, .. }
            | PlanningError::ProcessNotAllowed { field, .. }
            | PlanningError::UnitMismatch { field, .. }
            | PlanningError::Overflow { field } => field,
            PlanningError::SameProcess => "outputOf",
            PlanningError::IntentWithoutAgent => "provider",
            PlanningError::IntentWithBothAgents => "receiver",
        })
    }
}
