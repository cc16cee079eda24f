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
///
/// Values whose numbers are all integers, which is every value [`check_portable`] passes,
/// are written directly (`write_portable`); anything else (a float) goes through `serde_jcs`, which
/// renders numbers as ECMAScript does.
pub fn to_canonical_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CanonicalError> {
    let value = serde_json::to_value(value).map_err(|e| CanonicalError::Serialize(e.to_string()))?;
    let mut out = Vec::with_capacity(512);
    if write_portable(&mut out, &value) {
        return Ok(out);
    }
    serde_jcs::to_vec(&value).map_err(|e| CanonicalError::Serialize(e.to_string()))
}

/// Serializes `value` as an RFC 8785 canonical JSON string (see [`to_canonical_bytes`]).
pub fn to_canonical_string<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    let bytes = to_canonical_bytes(value)?;
    String::from_utf8(bytes).map_err(|e| CanonicalError::Serialize(e.to_string()))
}

/// Writes `value` as RFC 8785 canonical JSON to `out`; false, with `out` left partly
/// written, when it holds a number that is not an integer.
///
/// With integers only, the RFC's rules come down to: no whitespace; integers in plain
/// decimal; strings escaped as `JSON.stringify` escapes them (only `"`, `\` and the
/// controls, with `\b \t \n \f \r` and otherwise lower-case `\u00xx`), which is what
/// `serde_json` writes; and object members sorted by their names' UTF-16 code units.
fn write_portable(out: &mut Vec<u8>, value: &Value) -> bool {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => out.extend_from_slice(i.to_string().as_bytes()),
            (None, Some(u)) => out.extend_from_slice(u.to_string().as_bytes()),
            (None, None) => return false,
        },
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                if !write_portable(out, item) {
                    return false;
                }
            }
            out.push(b']');
        }
        Value::Object(members) => {
            let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
            sorted.sort_unstable_by(|a, b| utf16_order(a.0, b.0));
            out.push(b'{');
            for (i, (key, item)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(out, key);
                out.push(b':');
                if !write_portable(out, item) {
                    return false;
                }
            }
            out.push(b'}');
        }
    }
    true
}

fn write_string(out: &mut Vec<u8>, s: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Orders member names by their UTF-16 code units, as RFC 8785 sorts them. That is the
/// order of their bytes, except that characters above U+FFFF (surrogate pairs in UTF-16)
/// sort before U+E000 to U+FFFF.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
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

    /// The RFC's own example of member order (section 3.2.3): by UTF-16 code units, so
    /// the emoji (a surrogate pair) sorts before U+FB33 although its code point is higher.
    #[test]
    fn members_sort_by_utf16_code_units() {
        let value: Value = serde_json::from_str(
            r#"{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
                "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}"#,
        )
        .expect("json");
        let expected = concat!(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",",
            "\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",",
            "\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
        assert_eq!(to_canonical_string(&value).expect("canonical"), expected);
    }

    /// Random documents of integers, strings (any characters, in names too) and nesting
    /// come out byte for byte as `serde_jcs` writes them.
    #[test]
    fn agrees_with_serde_jcs_on_random_documents() {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-(MAX_SAFE_INTEGER as i64)..=MAX_SAFE_INTEGER as i64).prop_map(|i| json!(i)),
            any::<String>().prop_map(Value::String),
        ];
        let doc = leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
        proptest!(ProptestConfig::with_cases(512), |(value in doc)| {
            let ours = to_canonical_bytes(&value).expect("canonical");
            let reference = serde_jcs::to_vec(&value).expect("serde_jcs");
            prop_assert_eq!(ours, reference);
        });
    }

    #[test]
    fn a_float_is_written_as_ecmascript_writes_it() {
        let value = json!({"b": 2.5, "a": 1e21});
        assert_eq!(to_canonical_string(&value).expect("canonical"), r#"{"a":1e+21,"b":2.5}"#);
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
