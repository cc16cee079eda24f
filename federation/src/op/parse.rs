//! Parsing ops received from elsewhere, with limits checked as early as possible:
//! size before parsing, nesting by a raw scan before parsing, then record count,
//! origin DID, number rules and finally the typed shape.

use serde_json::Value;

use super::error::OpError;
use super::limits::OpLimits;
use super::signed::Op;
use super::unsigned::BODY_OUTER_DEPTH;
use crate::canonical;
use crate::identity::Did;
use crate::json_guard::{parse_strict, raw_nesting_depth, value_depth};

impl Op {
    /// Parses an op from JSON text under `limits`.
    ///
    /// Order: byte size (before any parsing), nesting depth (raw scan, before parsing), strict
    /// parse (duplicate keys and trailing content rejected), record count, origin DID, number
    /// rules (no floats, safe integers), then the exact op shape (unknown members rejected).
    /// Any key order and whitespace is accepted. The result is not yet verified: call
    /// [`Op::verify`].
    pub fn from_json(s: &str, limits: &OpLimits) -> Result<Op, OpError> {
        if s.len() > limits.max_bytes {
            return Err(OpError::TooLarge { size: s.len(), max: limits.max_bytes });
        }
        let depth = raw_nesting_depth(s);
        if depth > limits.max_depth {
            return Err(OpError::TooDeep { depth, max: limits.max_depth });
        }
        let value = parse_strict(s).map_err(|e| OpError::Malformed(e.to_string()))?;
        check_record_count(&value, limits)?;
        check_origin(&value)?;
        canonical::check_portable(&value)?;
        serde_json::from_value(value).map_err(|e| OpError::Malformed(e.to_string()))
    }

    /// Checks an op (for example one about to be published) against `limits`: record count,
    /// nesting depth of its JSON document and the size of its canonical encoding.
    pub fn check_limits(&self, limits: &OpLimits) -> Result<(), OpError> {
        let count = self.unsigned.records.len();
        if count > limits.max_records {
            return Err(OpError::TooManyRecords { count, max: limits.max_records });
        }
        // The op object holds `proof` and `records` (depth 2); each record adds one more level.
        let depth = self.unsigned.records.iter().map(|r| BODY_OUTER_DEPTH + value_depth(&r.body)).max().unwrap_or(2);
        if depth > limits.max_depth {
            return Err(OpError::TooDeep { depth, max: limits.max_depth });
        }
        let size = self.to_json()?.len();
        if size > limits.max_bytes {
            return Err(OpError::TooLarge { size, max: limits.max_bytes });
        }
        Ok(())
    }
}

fn check_record_count(value: &Value, limits: &OpLimits) -> Result<(), OpError> {
    if let Some(records) = value.get("records").and_then(Value::as_array)
        && records.len() > limits.max_records
    {
        return Err(OpError::TooManyRecords { count: records.len(), max: limits.max_records });
    }
    Ok(())
}

fn check_origin(value: &Value) -> Result<(), OpError> {
    match value.get("origin") {
        Some(Value::String(origin)) => Did::parse(origin).map(drop).map_err(OpError::InvalidDid),
        // Missing or non-string origins are reported by the typed parse.
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::NodeKey;
    use crate::op::test_support::{op_with_body, render_scrambled, unsigned_op};
    use serde_json::json;

    fn sample(key: &NodeKey) -> Op {
        op_with_body(
            key,
            json!({"zeta": [3, {"b": "é", "a": null}], "alpha": {"y": true, "x": -7}, "note": "a\u{1F600}b"}),
        )
        .expect("signs")
    }

    #[test]
    fn json_round_trip_keeps_id_and_signature() {
        let key = NodeKey::generate();
        let op = sample(&key);
        let back = Op::from_json(&op.to_json().expect("json"), &OpLimits::default()).expect("parses");
        assert_eq!(back, op);
        assert_eq!(back.verify().expect("verifies"), op.id().expect("id"));
    }

    #[test]
    fn op_id_ignores_key_order_and_whitespace() {
        let key = NodeKey::generate();
        let op = sample(&key);
        let value = serde_json::to_value(&op).expect("value");
        let mut scrambled = String::new();
        render_scrambled(&value, &mut scrambled);
        assert_ne!(scrambled, op.to_json().expect("json"));
        let back = Op::from_json(&scrambled, &OpLimits::default()).expect("parses");
        assert_eq!(back.id().expect("id"), op.id().expect("id"));
        assert_eq!(back.verify().expect("verifies"), op.id().expect("id"));
    }

    #[test]
    fn wire_json_without_proof_canonicalizes_to_the_signed_bytes() {
        let key = NodeKey::generate();
        let op = sample(&key);
        let mut value: Value = serde_json::from_str(&op.to_json().expect("json")).expect("value");
        if let Some(members) = value.as_object_mut() {
            members.remove("proof");
        }
        assert_eq!(
            canonical::to_canonical_bytes(&value).expect("canonical"),
            op.unsigned.canonical_bytes().expect("canonical")
        );
    }

    #[test]
    fn oversized_input_is_rejected_before_parsing() {
        // Not even JSON: a parse attempt would report MALFORMED_OP instead.
        let huge = "x".repeat(2 * 1024 * 1024);
        let err = Op::from_json(&huge, &OpLimits::default()).expect_err("must fail");
        assert_eq!(err, OpError::TooLarge { size: 2 * 1024 * 1024, max: 1024 * 1024 });
        assert_eq!(err.code(), "OP_TOO_LARGE");
    }

    #[test]
    fn too_deep_input_is_rejected_before_parsing() {
        let key = NodeKey::generate();
        let mut body = json!("leaf");
        for _ in 0..70 {
            body = json!({ "n": body });
        }
        let op = unsigned_op(&key, 1, None, body).sign(&key).expect("signs");
        let text = op.to_json().expect("json");
        let err = Op::from_json(&text, &OpLimits::default()).expect_err("must fail");
        assert_eq!(err, OpError::TooDeep { depth: 73, max: 64 });
        assert_eq!(op.check_limits(&OpLimits::default()), Err(OpError::TooDeep { depth: 73, max: 64 }));
        // Far beyond serde_json's own recursion limit: still a clean depth error.
        let bomb = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(Op::from_json(&bomb, &OpLimits::default()).expect_err("must fail").code(), "OP_TOO_DEEP");
    }

    #[test]
    fn float_in_body_is_rejected() {
        let key = NodeKey::generate();
        let op = op_with_body(&key, json!({"qty": 1})).expect("signs");
        let text = op.to_json().expect("json").replace("\"qty\":1", "\"qty\":1.5");
        let err = Op::from_json(&text, &OpLimits::default()).expect_err("must fail");
        assert_eq!(err, OpError::FloatNotAllowed { path: "/records/0/body/qty".into() });
        let mut tampered = op.clone();
        tampered.unsigned.records[0].body = json!({"qty": 1.5});
        assert_eq!(tampered.verify().expect_err("must fail").code(), "FLOAT_NOT_ALLOWED");
    }

    #[test]
    fn too_many_records_are_rejected() {
        let key = NodeKey::generate();
        let mut unsigned = unsigned_op(&key, 1, None, json!({}));
        let record = unsigned.records[0].clone();
        unsigned.records = vec![record; 3];
        let op = unsigned.sign(&key).expect("signs");
        let limits = OpLimits { max_records: 2, ..OpLimits::default() };
        let expected = OpError::TooManyRecords { count: 3, max: 2 };
        assert_eq!(Op::from_json(&op.to_json().expect("json"), &limits), Err(expected.clone()));
        assert_eq!(op.check_limits(&limits), Err(expected));
        assert_eq!(op.check_limits(&OpLimits::default()), Ok(()));
    }

    #[test]
    fn duplicate_keys_are_malformed() {
        let key = NodeKey::generate();
        let text = op_with_body(&key, json!({})).expect("signs").to_json().expect("json");
        let duplicated = text.replacen("{\"author\":", "{\"v\":1,\"author\":", 1);
        let err = Op::from_json(&duplicated, &OpLimits::default()).expect_err("must fail");
        assert_eq!(err.code(), "MALFORMED_OP");
    }

    #[test]
    fn invalid_origin_is_reported_as_invalid_did() {
        let key = NodeKey::generate();
        let op = op_with_body(&key, json!({})).expect("signs");
        let text = op.to_json().expect("json").replace(key.did().as_str(), "did:key:z6MkNotAKey");
        let err = Op::from_json(&text, &OpLimits::default()).expect_err("must fail");
        assert_eq!(err.code(), "INVALID_DID");
    }

    #[test]
    fn wrong_shapes_are_malformed() {
        for text in ["[]", "{}", "not json", "{\"v\":1}", "{\"v\":1} x"] {
            let err = Op::from_json(text, &OpLimits::default()).expect_err(text);
            assert_eq!(err.code(), "MALFORMED_OP", "{text}");
        }
    }

    #[test]
    fn unknown_member_is_malformed() {
        let key = NodeKey::generate();
        let text = op_with_body(&key, json!({})).expect("signs").to_json().expect("json");
        let extended = text.replacen("{\"author\":", "{\"extra\":true,\"author\":", 1);
        let err = Op::from_json(&extended, &OpLimits::default()).expect_err("must fail");
        assert_eq!(err.code(), "MALFORMED_OP");
    }
}
