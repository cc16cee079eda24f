//! Why a claim or a settlement is refused.

use crate::ids::UnitId;
use crate::validation::RecordError;

/// A claim or settlement that breaks a rule. Every variant is an input error
/// (`VALIDATION`); `field` names the offending input field in GraphQL camelCase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    /// A field check shared with other records failed.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A quantity has no unit; claims and settlements are compared and summed per unit.
    #[error("{field} needs a unit (hasUnit)")]
    MissingUnit {
        /// The offending field (`resourceQuantity.hasUnit`, `effortQuantity.hasUnit`).
        field: &'static str,
    },
    /// A quantity is below zero.
    #[error("{field} must not be negative")]
    Negative {
        /// The offending field.
        field: &'static str,
    },
    /// A settlement counts a quantity the claim does not claim.
    #[error("{field}: the claim has no {field}, so a settlement cannot count one")]
    NotClaimed {
        /// The offending field (`resourceQuantity` or `effortQuantity`).
        field: &'static str,
    },
    /// A settlement's quantity is in another unit than the claim's.
    #[error("{field} is in unit {found}, but the claim counts it in unit {expected}")]
    UnitMismatch {
        /// The offending field (`resourceQuantity.hasUnit`, `effortQuantity.hasUnit`).
        field: &'static str,
        /// The claim's unit.
        expected: UnitId,
        /// The settlement's unit.
        found: UnitId,
    },
    /// The settled total does not fit a decimal.
    #[error("the settled {field} overflows")]
    Overflow {
        /// The quantity summed.
        field: &'static str,
    },
}

impl ClaimError {
    /// The error class for API clients: always `"VALIDATION"`.
    pub fn code(&self) -> &'static str {
        match self {
            ClaimError::Record(e) => e.code(),
            _ => "VALIDATION",
        }
    }

    /// The offending field, in GraphQL camelCase.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ClaimError::Record(e) => e.field(),
            ClaimError::MissingUnit { field }
            | ClaimError::Negative { field }
            | ClaimError::NotClaimed { field }
            | ClaimError::UnitMismatch { field, .. }
            | ClaimError::Overflow { field } => Some(field),
        }
    }
}
