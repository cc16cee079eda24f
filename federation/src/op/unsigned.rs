//! The op content that is hashed and signed: everything except the proof.

use serde::{Deserialize, Serialize};

use super::OP_VERSION;
use super::error::OpError;
use super::record::RecordRevision;
use super::serde_rules::required_nullable;
use super::signed::{Op, Proof};
use crate::canonical::{self, is_safe_integer};
use crate::identity::{Did, NodeKey};
use crate::op_id::OpId;

/// Containers enclosing a record body in the op document: op object, `records` array, record object.
pub(crate) const BODY_OUTER_DEPTH: usize = 3;

/// An op before signing. Its canonical bytes define the op id and are what the origin signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnsignedOp {
    /// Op format version; [`OP_VERSION`] for ops this crate writes.
    pub v: u32,
    /// The node whose feed this op belongs to; its key signs the op.
    pub origin: Did,
    /// Position in the origin's feed, starting at 1.
    pub seq: u64,
    /// Id of the previous op in the feed; `None` exactly when `seq` is 1.
    #[serde(deserialize_with = "required_nullable")]
    pub prev: Option<OpId>,
    /// When the op was written, RFC 3339 in UTC, formatted by the caller; not interpreted here.
    pub time: String,
    /// Id of the agent who asked for the write, if known.
    #[serde(deserialize_with = "required_nullable")]
    pub author: Option<String>,
    /// The record revisions this op carries.
    pub records: Vec<RecordRevision>,
}

impl UnsignedOp {
    /// RFC 8785 canonical JSON of this op (no `proof` member): the bytes that are hashed and signed.
    ///
    /// Fails if any record body holds a float, an integer outside ±(2^53−1), or nests too deep,
    /// or if `seq` is above 2^53−1.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, OpError> {
        self.check_portable()?;
        Ok(canonical::to_canonical_bytes(self)?)
    }

    /// The op id: lowercase hex SHA-256 of [`UnsignedOp::canonical_bytes`].
    pub fn id(&self) -> Result<OpId, OpError> {
        Ok(OpId::of_canonical_bytes(&self.canonical_bytes()?))
    }

    /// Checks the rules that need no feed state: known version, `1 ≤ seq ≤ 2^53−1`,
    /// and `prev` present exactly when `seq > 1`.
    pub fn validate(&self) -> Result<(), OpError> {
        if self.v != OP_VERSION {
            return Err(OpError::UnsupportedVersion(self.v));
        }
        if self.seq == 0 {
            return Err(OpError::Malformed("seq starts at 1".into()));
        }
        if !is_safe_integer(self.seq) {
            return Err(OpError::IntegerOutOfRange { path: "/seq".into() });
        }
        match (self.seq, &self.prev) {
            (1, Some(_)) => Err(OpError::Malformed("op with seq 1 must have prev null".into())),
            (seq, None) if seq > 1 => Err(OpError::Malformed(format!("op with seq {seq} must name its prev op"))),
            _ => Ok(()),
        }
    }

    /// Signs the canonical bytes with `key`, which must be the origin's key.
    pub fn sign(self, key: &NodeKey) -> Result<Op, OpError> {
        let key_did = key.did();
        if key_did != self.origin {
            return Err(OpError::OriginMismatch { key: key_did.to_string(), origin: self.origin.to_string() });
        }
        self.validate()?;
        let signature = key.sign(&self.canonical_bytes()?);
        Ok(Op { unsigned: self, proof: Proof::ed25519(&signature) })
    }

    /// Applies the canonical number/depth rules to `seq` and every record body.
    pub(crate) fn check_portable(&self) -> Result<(), OpError> {
        if !is_safe_integer(self.seq) {
            return Err(OpError::IntegerOutOfRange { path: "/seq".into() });
        }
        for (i, record) in self.records.iter().enumerate() {
            canonical::check_portable_within(&record.body, &format!("/records/{i}/body"), BODY_OUTER_DEPTH)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::test_support::{op_with_body, unsigned_op};
    use serde_json::json;

    #[test]
    fn canonical_bytes_sort_keys_and_omit_proof() {
        let key = NodeKey::from_secret_bytes(&[1u8; 32]);
        let op = unsigned_op(&key, 1, None, json!({"b": 2, "a": "x"}));
        let text = String::from_utf8(op.canonical_bytes().expect("canonical")).expect("utf8");
        let expected_prefix = format!(
            "{{\"author\":\"agent-1\",\"origin\":\"{}\",\"prev\":null,\"records\":[{{\"body\":{{\"a\":\"x\",\"b\":2}},\"id\":",
            key.did()
        );
        assert!(text.starts_with(&expected_prefix), "{text}");
        assert!(text.ends_with(",\"seq\":1,\"time\":\"2025-01-02T03:04:05Z\",\"v\":1}"), "{text}");
        assert!(!text.contains("proof"));
    }

    #[test]
    fn id_is_sha256_of_canonical_bytes() {
        let key = NodeKey::generate();
        let op = unsigned_op(&key, 1, None, json!({}));
        let bytes = op.canonical_bytes().expect("canonical");
        assert_eq!(op.id().expect("id"), OpId::of_canonical_bytes(&bytes));
    }

    #[test]
    fn signing_with_a_foreign_key_is_refused() {
        let origin = NodeKey::generate();
        let other = NodeKey::generate();
        let err = unsigned_op(&origin, 1, None, json!({})).sign(&other).expect_err("must fail");
        assert_eq!(err.code(), "ORIGIN_MISMATCH");
    }

    #[test]
    fn float_in_body_cannot_be_signed() {
        let key = NodeKey::generate();
        let err = op_with_body(&key, json!({"qty": 1.5})).expect_err("must fail");
        assert_eq!(err, OpError::FloatNotAllowed { path: "/records/0/body/qty".into() });
    }

    #[test]
    fn structural_rules_are_enforced() {
        let key = NodeKey::generate();
        let prev = OpId::of_canonical_bytes(b"x");
        let cases = [
            (unsigned_op(&key, 0, None, json!({})), "MALFORMED_OP"),
            (unsigned_op(&key, 1, Some(prev.clone()), json!({})), "MALFORMED_OP"),
            (unsigned_op(&key, 2, None, json!({})), "MALFORMED_OP"),
            (unsigned_op(&key, canonical::MAX_SAFE_INTEGER + 1, Some(prev.clone()), json!({})), "INTEGER_OUT_OF_RANGE"),
        ];
        for (op, code) in cases {
            assert_eq!(op.validate().expect_err("must fail").code(), code);
        }
        let mut op = unsigned_op(&key, 2, Some(prev), json!({}));
        assert_eq!(op.validate(), Ok(()));
        op.v = 2;
        assert_eq!(op.validate(), Err(OpError::UnsupportedVersion(2)));
    }

    #[test]
    fn missing_prev_or_author_field_is_malformed() {
        let key = NodeKey::generate();
        let mut value = serde_json::to_value(unsigned_op(&key, 1, None, json!({}))).expect("json");
        if let Some(members) = value.as_object_mut() {
            members.remove("prev");
        }
        assert!(serde_json::from_value::<UnsignedOp>(value).is_err());
        let mut value = serde_json::to_value(unsigned_op(&key, 1, None, json!({}))).expect("json");
        if let Some(members) = value.as_object_mut() {
            members.remove("author");
        }
        assert!(serde_json::from_value::<UnsignedOp>(value).is_err());
    }
}
