//! RFC 8785 (JCS) canonical JSON via `serde_jcs`, plus the number rules that keep it portable.
//!
//! JCS renders every number as an IEEE-754 double, so only integers in ±(2^53−1) survive exactly
//! and float formatting differs subtly across implementations. Canonical values here therefore
//! must not contain non-integer numbers (quantities travel as decimal strings) and integers must
//! lie in the safe range; [`check_portable`] enforces both, and nesting of at most [`MAX_NESTING`].

use serde::Serialize;
use serde_json::{Number, Value};
use thiserror::Error;

/// Largest integer magnitude an IEEE-754 double holds exactly (2^53 − 1).
pub const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// Hard cap on array/object nesting of any canonicalized value (the parser's own limit).
pub const MAX_NESTING: usize = 128;

/// A value cannot be canonicalized portably.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CanonicalError {
    /// A number with a fraction or exponent (or `-0`); carry quantities as decimal strings.
    #[error("JSON number at {path:?} is not an integer; floats are not allowed (use a decimal string)")]
    Float {
        /// JSON Pointer (RFC 6901) to the offending number.
        path: String,
    },
    /// An integer outside ±(2^53−1), which JCS cannot render exactly.
    #[error("JSON integer at {path:?} is outside the safe range ±(2^53-1)")]
    IntegerOutOfRange {
        /// JSON Pointer (RFC 6901) to the offending number.
        path: String,
    },
    /// Arrays/objects nest deeper than [`MAX_NESTING`].
    #[error("JSON nesting deeper than {max} levels at {path:?}")]
    TooDeep {
        /// The nesting limit that was exceeded.
        max: usize,
        /// JSON Pointer (RFC 6901) to the container that exceeded it.
        path: String,
    },
    /// The serializer failed (should not happen once the checks pass).
    #[error("could not produce canonical JSON: {0}")]
    Serialize(String),
}

impl CanonicalError {
    /// Stable error code for logs and API responses.
    pub fn code(&self) -> &'static str {
        match self {
            CanonicalError::Float { .. } => "FLOAT_NOT_ALLOWED",
            CanonicalError::IntegerOutOfRange { .. } => "INTEGER_OUT_OF_RANGE",
            CanonicalError::TooDeep { .. } => "OP_TOO_DEEP",
            CanonicalError::Serialize(_) => "CANONICALIZATION_FAILED",
        }
    }
}

/// Serializes `value` as RFC 8785 canonical JSON bytes.
///
/// This does not apply the number rules; call [`check_portable`] on JSON
/// values first (the op types in this crate do that for you).
pub fn to_canonical_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CanonicalError> {
    serde_jcs::to_vec(value).map_err(|e| CanonicalError::Serialize(e.to_string()))
}

/// Serializes `value` as an RFC 8785 canonical JSON string (see [`to_canonical_bytes`]).
pub fn to_canonical_string<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    serde_jcs::to_string(value).map_err(|e| CanonicalError::Serialize(e.to_string()))
}

/// Checks a whole JSON document: no floats, only safe integers, nesting ≤ [`MAX_NESTING`].
pub fn check_portable(value: &Value) -> Result<(), CanonicalError> {
    check_portable_within(value, "", 0)
}

/// Like [`check_portable`] for a value embedded in a larger document: `pointer` is its JSON
/// Pointer (used in error paths) and `outer_depth` the number of containers enclosing it.
pub fn check_portable_within(value: &Value, pointer: &str, outer_depth: usize) -> Result<(), CanonicalError> {
    let mut path = Vec::new();
    walk(value, outer_depth, &mut path).map_err(|fault| fault.into_error(pointer, &path))
}

/// Checks one integer against the safe range (for typed fields such as `seq`).
pub fn is_safe_integer(n: u64) -> bool {
    n <= MAX_SAFE_INTEGER
}

/// One step in the path to the value being checked.
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// What went wrong, before the path is rendered.
enum Fault {
    Float,
    OutOfRange,
    TooDeep,
}

impl Fault {
    fn into_error(self, pointer: &str, path: &[Segment<'_>]) -> CanonicalError {
        let mut rendered = pointer.to_owned();
        for segment in path {
            rendered.push('/');
            match segment {
                Segment::Key(key) => rendered.push_str(&key.replace('~', "~0").replace('/', "~1")),
                Segment::Index(i) => rendered.push_str(&i.to_string()),
            }
        }
        match self {
            Fault::Float => CanonicalError::Float { path: rendered },
            Fault::OutOfRange => CanonicalError::IntegerOutOfRange { path: rendered },
            Fault::TooDeep => CanonicalError::TooDeep { max: MAX_NESTING, path: rendered },
        }
    }
}

/// Depth-first check; recursion is bounded by [`MAX_NESTING`], so it cannot blow the stack.
/// On failure `path` is left pointing at the offending value.
fn walk<'a>(value: &'a Value, depth: usize, path: &mut Vec<Segment<'a>>) -> Result<(), Fault> {
    match value {
        Value::Number(n) => check_number(n),
        Value::Array(items) => {
            if depth + 1 > MAX_NESTING {
                return Err(Fault::TooDeep);
            }
            for (i, item) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                walk(item, depth + 1, path)?;
                path.pop();
            }
            Ok(())
        }
        Value::Object(members) => {
            if depth + 1 > MAX_NESTING {
                return Err(Fault::TooDeep);
            }
            for (key, item) in members {
                path.push(Segment::Key(key));
                walk(item, depth + 1, path)?;
                path.pop();
            }
            Ok(())
        }
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

fn check_number(n: &Number) -> Result<(), Fault> {
    if let Some(u) = n.as_u64() {
        return if is_safe_integer(u) { Ok(()) } else { Err(Fault::OutOfRange) };
    }
    if let Some(i) = n.as_i64() {
        return if is_safe_integer(i.unsigned_abs()) { Ok(()) } else { Err(Fault::OutOfRange) };
    }
    Err(Fault::Float)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_whitespace_removed() {
        let value = json!({"b": 1, "a": [true, null, "x"], "c": {"z": 0, "y": -3}});
        assert_eq!(
            to_canonical_string(&value).expect("canonical"),
            r#"{"a":[true,null,"x"],"b":1,"c":{"y":-3,"z":0}}"#
        );
    }

    #[test]
    fn strings_use_minimal_escapes() {
        let value: Value = serde_json::from_str(r#"{"s":"\u0041\u00e9\n\u001f/"}"#).expect("json");
        assert_eq!(to_canonical_string(&value).expect("canonical"), "{\"s\":\"A\u{e9}\\n\\u001f/\"}");
    }

    #[test]
    fn integers_in_safe_range_pass() {
        let value = json!({"max": MAX_SAFE_INTEGER, "min": -(MAX_SAFE_INTEGER as i64), "zero": 0});
        assert_eq!(check_portable(&value), Ok(()));
    }

    #[test]
    fn float_is_rejected_with_its_path() {
        let value = json!({"records": [{"body": {"a/b": [1, 2.5]}}]});
        assert_eq!(check_portable(&value), Err(CanonicalError::Float { path: "/records/0/body/a~1b/1".to_owned() }));
    }

    #[test]
    fn float_with_integral_value_is_still_rejected() {
        let value: Value = serde_json::from_str(r#"{"q": 1.0}"#).expect("json");
        assert!(matches!(check_portable(&value), Err(CanonicalError::Float { .. })));
        let value: Value = serde_json::from_str(r#"{"q": 1e2}"#).expect("json");
        assert!(matches!(check_portable(&value), Err(CanonicalError::Float { .. })));
    }

    #[test]
    fn negative_zero_is_rejected() {
        let value: Value = serde_json::from_str(r#"[-0]"#).expect("json");
        assert!(matches!(check_portable(&value), Err(CanonicalError::Float { .. })));
    }

    #[test]
    fn unsafe_integers_are_rejected() {
        let too_big = json!([MAX_SAFE_INTEGER + 1]);
        let err = check_portable(&too_big).expect_err("must fail");
        assert_eq!(err.code(), "INTEGER_OUT_OF_RANGE");
        let too_small = json!([-(MAX_SAFE_INTEGER as i64) - 1]);
        assert!(check_portable(&too_small).is_err());
    }

    #[test]
    fn nesting_beyond_cap_is_rejected_without_overflow() {
        let mut value = json!(1);
        for _ in 0..10_000 {
            value = Value::Array(vec![value]);
        }
        let err = check_portable(&value).expect_err("must fail");
        assert_eq!(err.code(), "OP_TOO_DEEP");
        // Dismantle iteratively so the test itself does not overflow on drop.
        let mut current = value;
        while let Value::Array(mut items) = current {
            current = items.pop().unwrap_or(Value::Null);
        }
    }

    #[test]
    fn outer_depth_counts_towards_the_cap() {
        let value = json!([[1]]);
        assert!(check_portable_within(&value, "/x", MAX_NESTING - 2).is_ok());
        assert!(check_portable_within(&value, "/x", MAX_NESTING - 1).is_err());
    }
}
