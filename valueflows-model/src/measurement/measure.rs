//! A quantity: an exact decimal number and the unit it is counted in.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::UnitId;

/// An exact quantity. The number is a 96-bit decimal (up to 28 significant digits),
/// serialized as a string so that no float ever touches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Measure {
    /// The number.
    #[serde(with = "rust_decimal::serde::str")]
    pub has_numerical_value: Decimal,
    /// The unit; the event rules require one on every event quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_unit: Option<UnitId>,
}

impl Measure {
    /// A quantity in a unit.
    pub fn new(value: Decimal, unit: UnitId) -> Measure {
        Measure { has_numerical_value: value, has_unit: Some(unit) }
    }

    /// True when the number is below zero.
    pub fn is_negative(&self) -> bool {
        self.has_numerical_value.is_sign_negative() && !self.has_numerical_value.is_zero()
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.has_unit {
            Some(unit) => write!(f, "{} [{unit}]", self.has_numerical_value),
            None => write!(f, "{}", self.has_numerical_value),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn twenty_eight_digit_decimal_survives_serde_exactly() {
        let m = Measure { has_numerical_value: dec("1234567890.123456789012345678"), has_unit: None };
        let json = serde_json::to_string(&m).expect("serialize");
        assert_eq!(json, r#"{"hasNumericalValue":"1234567890.123456789012345678"}"#);
        let back: Measure = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back.has_numerical_value.to_string(), "1234567890.123456789012345678");
    }

    #[test]
    fn decimal_sums_are_exact() {
        assert_eq!(dec("0.1") + dec("0.2"), dec("0.3"));
        let tiny = dec("0.0000000000000000000000000001");
        assert_eq!((tiny + tiny).to_string(), "0.0000000000000000000000000002");
    }

    #[test]
    fn json_number_is_not_accepted_as_a_quantity() {
        let parsed: Result<Measure, _> = serde_json::from_str(r#"{"hasNumericalValue":0.1}"#);
        assert!(parsed.is_err());
    }

    #[test]
    fn negative_zero_is_not_negative() {
        let m = Measure { has_numerical_value: -dec("0"), has_unit: None };
        assert!(!m.is_negative());
        let m = Measure { has_numerical_value: dec("-0.000001"), has_unit: None };
        assert!(m.is_negative());
    }
}
