//! Defensive JSON intake: a nesting-depth scan of raw text (before parsing), a strict parser
//! that rejects duplicate object keys, and an iterative depth measure for parsed values.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Maximum array/object nesting depth of JSON text, scanned without parsing or recursion.
///
/// `{}` and `[]` have depth 1, scalars 0. Brackets inside strings are ignored. Input that is
/// not valid JSON yields some number; the real parse rejects it later.
pub fn raw_nesting_depth(text: &str) -> usize {
    let mut depth: usize = 0;
    let mut max = 0;
    let mut in_string = false;
    let mut escaped = false;
    for byte in text.bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Nesting depth of a parsed value (same measure as [`raw_nesting_depth`]), computed iteratively.
pub fn value_depth(value: &Value) -> usize {
    let mut max = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((current, depth)) = stack.pop() {
        match current {
            Value::Array(items) => {
                max = max.max(depth + 1);
                stack.extend(items.iter().map(|item| (item, depth + 1)));
            }
            Value::Object(members) => {
                max = max.max(depth + 1);
                stack.extend(members.values().map(|item| (item, depth + 1)));
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
        }
    }
    max
}

/// Parses one JSON document, rejecting duplicate keys within an object and trailing content.
///
/// Nesting is bounded by `serde_json`'s recursion limit (128).
pub fn parse_strict(text: &str) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let StrictValue(value) = StrictValue::deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// A JSON value deserialized with duplicate-key rejection.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("non-finite number"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        StrictValue::deserialize(deserializer).map(|StrictValue(v)| v)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate object key {key:?}")));
            }
            let StrictValue(item) = map.next_value()?;
            members.insert(key, item);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn raw_depth_counts_nested_containers() {
        assert_eq!(raw_nesting_depth("1"), 0);
        assert_eq!(raw_nesting_depth("{}"), 1);
        assert_eq!(raw_nesting_depth(r#"{"a":[{"b":[]}],"c":{}}"#), 4);
    }

    #[test]
    fn raw_depth_ignores_brackets_in_strings() {
        assert_eq!(raw_nesting_depth(r#"{"a":"[[[{{{\"[["}"#), 1);
        assert_eq!(raw_nesting_depth(r#"["\\",[1]]"#), 2);
    }

    #[test]
    fn raw_depth_handles_very_deep_input_without_recursion() {
        let text = "[".repeat(1_000_000);
        assert_eq!(raw_nesting_depth(&text), 1_000_000);
    }

    #[test]
    fn value_depth_matches_raw_depth() {
        let text = r#"{"a":[{"b":[]}],"c":{"d":[[1]]}}"#;
        let value: Value = serde_json::from_str(text).expect("json");
        assert_eq!(value_depth(&value), raw_nesting_depth(text));
        assert_eq!(value_depth(&json!("s")), 0);
    }

    #[test]
    fn strict_parse_accepts_ordinary_json() {
        let value = parse_strict(r#" {"a": [1, -2, 1.5, "x", null, true], "b": {}} "#).expect("ok");
        assert_eq!(value, json!({"a": [1, -2, 1.5, "x", null, true], "b": {}}));
    }

    #[test]
    fn strict_parse_rejects_duplicate_keys() {
        let err = parse_strict(r#"{"a": 1, "b": {"c": 1, "c": 2}}"#).expect_err("must fail");
        assert!(err.to_string().contains("duplicate object key"));
    }

    #[test]
    fn strict_parse_rejects_trailing_content() {
        assert!(parse_strict(r#"{"a":1} {"b":2}"#).is_err());
    }

    #[test]
    fn strict_parse_rejects_lone_surrogates() {
        assert!(parse_strict(r#"["\ud800"]"#).is_err());
    }
}
