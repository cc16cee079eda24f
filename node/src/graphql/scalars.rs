//! The custom scalars of vf-graphql: `Decimal` (exact; accepted as string or number),
//! `DateTime` (ISO 8601 of any precision) and `URI`.

use std::str::FromStr;

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use rust_decimal::Decimal as Dec;
use valueflows_model as vf;

/// An exact decimal number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal(pub Dec);

/// Arbitrary-precision decimal, written as a string. Numbers are accepted on input, but a
/// number with more digits than a double holds must be sent as a string to stay exact.
#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = match &value {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            _ => return Err(InputValueError::expected_type(value)),
        };
        let d = if text.contains(['e', 'E']) { Dec::from_scientific(&text) } else { Dec::from_str(&text) };
        d.map(|d| Decimal(d.normalize()))
            .map_err(|e| InputValueError::custom(format!("`{text}` is not a decimal number: {e}")))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.normalize().to_string())
    }
}

/// A point in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime(pub vf::Timestamp);

/// ISO 8601 date-time; a date alone means midnight UTC, a time without zone means UTC.
/// Kept to the microsecond.
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => vf::Timestamp::parse(s)
                .map(DateTime)
                .map_err(|e| InputValueError::custom(format!("`{s}` is not an ISO 8601 date-time: {e}"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339())
    }
}

/// A reference to an external resource: any URI scheme is accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uri(pub String);

/// The `URI` type simply declares a reference to an external web URL, Holochain entry or other resource.
#[Scalar(name = "URI")]
impl ScalarType for Uri {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => {
                if s.is_empty() || s.len() > 4096 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    Err(InputValueError::custom(format!("`{}` is not a URI", s.chars().take(80).collect::<String>())))
                } else {
                    Ok(Uri(s.clone()))
                }
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

impl Uri {
    /// Unwraps a list of URIs.
    pub fn strings(list: Option<Vec<Uri>>) -> Vec<String> {
        list.unwrap_or_default().into_iter().map(|u| u.0).collect()
    }

    /// Wraps a list of strings, None when empty.
    pub fn list(v: &[String]) -> Option<Vec<Uri>> {
        if v.is_empty() { None } else { Some(v.iter().cloned().map(Uri).collect()) }
    }
}

/// The reference schema's placeholder scalar of the filtering module, kept so that clients
/// generated from it find every type they expect. It carries any string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilteringDummy(pub String);

#[Scalar(name = "_vf_filtering_dummy")]
impl ScalarType for FilteringDummy {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(FilteringDummy(s)),
            v => Err(InputValueError::expected_type(v)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_accepts_number_and_string() {
        let n = <Decimal as ScalarType>::parse(Value::from(3)).expect("int");
        assert_eq!(n.0, Dec::from(3));
        let s = <Decimal as ScalarType>::parse(Value::from("1234567890.123456789012345678")).expect("str");
        assert_eq!(s.to_value(), Value::from("1234567890.123456789012345678"));
        let f = <Decimal as ScalarType>::parse(Value::from(0.1)).expect("float");
        assert_eq!(f.0, Dec::from_str("0.1").expect("dec"));
    }

    #[test]
    fn decimal_rejects_garbage() {
        assert!(<Decimal as ScalarType>::parse(Value::from("12abc")).is_err());
        assert!(<Decimal as ScalarType>::parse(Value::from(true)).is_err());
        assert!(<Decimal as ScalarType>::parse(Value::from("1e400")).is_err());
    }

    #[test]
    fn uri_rejects_spaces() {
        assert!(<Uri as ScalarType>::parse(Value::from("a b")).is_err());
        assert!(<Uri as ScalarType>::parse(Value::from("urn:x:y")).is_ok());
    }
}
