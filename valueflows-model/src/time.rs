//! Points in time, always UTC and truncated to whole microseconds so that a
//! value survives a round trip through PostgreSQL unchanged.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest slice of rejected text quoted back in a [`TimeError`].
const QUOTED_TEXT_MAX: usize = 80;

/// A text that is not an accepted date or date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid date-time {text:?}: expected RFC 3339 (2024-05-01T10:00:00Z), a zone-less date-time (2024-05-01T10:00:00, taken as UTC) or a date (2024-05-01)"
)]
pub struct TimeError {
    /// The rejected text (cut to 80 characters).
    pub text: String,
}

/// A UTC instant with microsecond precision.
///
/// Serialized as its canonical RFC 3339 form (see [`Timestamp::to_rfc3339`]),
/// deserialized through [`Timestamp::parse`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// Parses RFC 3339 with any fractional precision, a zone-less date-time
    /// (`2024-05-01T10:00:00`, taken as UTC) or a bare date (`2024-05-01`,
    /// midnight UTC). Sub-microsecond digits are truncated.
    pub fn parse(s: &str) -> Result<Timestamp, TimeError> {
        let t = s.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Ok(Timestamp::from_datetime(dt.with_timezone(&Utc)));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
                return Ok(Timestamp::from_datetime(naive.and_utc()));
            }
        }
        if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok(Timestamp::from_datetime(date.and_time(chrono::NaiveTime::MIN).and_utc()));
        }
        Err(TimeError { text: s.chars().take(QUOTED_TEXT_MAX).collect() })
    }

    /// Wraps a date-time, truncating it to whole microseconds.
    pub fn from_datetime(dt: DateTime<Utc>) -> Timestamp {
        Timestamp(dt.trunc_subsecs(6))
    }

    /// The date-time inside.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// The canonical text: always six fractional digits and `Z`,
    /// e.g. `2024-05-01T10:00:00.000000Z`.
    pub fn to_rfc3339(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Micros, true)
    }

    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub fn unix_epoch() -> Timestamp {
        Timestamp(DateTime::<Utc>::UNIX_EPOCH)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl FromStr for Timestamp {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, TimeError> {
        Timestamp::parse(s)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(dt: DateTime<Utc>) -> Self {
        Timestamp::from_datetime(dt)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).expect("valid time")
    }

    #[test]
    fn date_only_is_midnight_utc() {
        assert_eq!(ts("2024-05-01").to_rfc3339(), "2024-05-01T00:00:00.000000Z");
    }

    #[test]
    fn zoneless_date_time_is_taken_as_utc() {
        assert_eq!(ts("2024-05-01T10:00:00").to_rfc3339(), "2024-05-01T10:00:00.000000Z");
        assert_eq!(ts("2024-05-01T10:00:00.25").to_rfc3339(), "2024-05-01T10:00:00.250000Z");
    }

    #[test]
    fn offsets_are_converted_to_utc() {
        assert_eq!(ts("2019-04-08T10:00:00-05:00").to_rfc3339(), "2019-04-08T15:00:00.000000Z");
    }

    #[test]
    fn nanoseconds_are_truncated_to_micros() {
        assert_eq!(ts("2024-05-01T10:00:00.123456789Z").to_rfc3339(), "2024-05-01T10:00:00.123456Z");
        assert_eq!(ts("2024-05-01T10:00:00.9999999Z"), ts("2024-05-01T10:00:00.999999Z"));
    }

    #[test]
    fn from_datetime_truncates_to_micros() {
        let dt = ts("2024-05-01T10:00:00Z").as_datetime() + chrono::Duration::nanoseconds(1_999);
        assert_eq!(Timestamp::from_datetime(dt).to_rfc3339(), "2024-05-01T10:00:00.000001Z");
    }

    #[test]
    fn garbage_is_rejected_naming_the_text() {
        let err = Timestamp::parse("next tuesday").expect_err("invalid");
        assert!(err.to_string().contains("\"next tuesday\""));
        assert!(Timestamp::parse("2024-13-01").is_err());
    }

    #[test]
    fn serde_uses_the_canonical_form() {
        let t = ts("2024-05-01T10:00:00+02:00");
        let json = serde_json::to_string(&t).expect("serialize");
        assert_eq!(json, "\"2024-05-01T08:00:00.000000Z\"");
        let back: Timestamp = serde_json::from_str("\"2024-05-01\"").expect("deserialize");
        assert_eq!(back, ts("2024-05-01T00:00:00Z"));
    }

    #[test]
    fn canonical_text_round_trips() {
        let t = ts("2024-05-01T10:00:00.000007Z");
        assert_eq!(Timestamp::parse(&t.to_rfc3339()), Ok(t));
    }
}
