//! A length of calendar time, such as "3 days": the planned duration of a recipe process or
//! the period of a scenario definition.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::validation::RecordError;

/// The unit of a [`Duration`] (vf-graphql `TimeUnit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Calendar years.
    Year,
    /// Calendar months.
    Month,
    /// Weeks.
    Week,
    /// Days.
    Day,
    /// Hours.
    Hour,
    /// Minutes.
    Minute,
    /// Seconds.
    Second,
}

impl TimeUnit {
    /// The spelling used on the wire (`"day"`).
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Year => "year",
            TimeUnit::Month => "month",
            TimeUnit::Week => "week",
            TimeUnit::Day => "day",
            TimeUnit::Hour => "hour",
            TimeUnit::Minute => "minute",
            TimeUnit::Second => "second",
        }
    }
}

/// A length of time: an exact number of [`TimeUnit`]s. Calendar units (months, years) are
/// kept as given, never converted, since their length in seconds depends on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Duration {
    /// How many units.
    #[serde(with = "rust_decimal::serde::str")]
    pub numeric_duration: Decimal,
    /// Which unit.
    pub unit_type: TimeUnit,
}

impl Duration {
    /// A duration must not be negative. `field` names it in errors (`hasDuration`).
    pub fn validate(&self, field: &'static str) -> Result<(), RecordError> {
        if self.numeric_duration.is_sign_negative() && !self.numeric_duration.is_zero() {
            return Err(RecordError::OutOfRange {
                field,
                value: self.numeric_duration,
                min: Decimal::ZERO,
                max: Decimal::MAX,
            });
        }
        Ok(())
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.numeric_duration, self.unit_type.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_duration_is_rejected() {
        let d = Duration { numeric_duration: Decimal::new(-1, 0), unit_type: TimeUnit::Day };
        assert_eq!(d.validate("hasDuration").map_err(|e| e.field()), Err(Some("hasDuration")));
        let zero = Duration { numeric_duration: Decimal::ZERO, unit_type: TimeUnit::Day };
        assert!(zero.validate("hasDuration").is_ok());
    }

    #[test]
    fn duration_serializes_with_a_string_number_and_lowercase_unit() {
        let d = Duration { numeric_duration: Decimal::new(15, 1), unit_type: TimeUnit::Hour };
        let json = serde_json::to_string(&d).expect("serialize");
        assert_eq!(json, r#"{"numericDuration":"1.5","unitType":"hour"}"#);
        assert_eq!(serde_json::from_str::<Duration>(&json).expect("deserialize"), d);
        assert_eq!(d.to_string(), "1.5 hour");
    }
}
