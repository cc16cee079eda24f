//! Serde for [`Op`]: one flat JSON object (the unsigned members plus `proof`), unknown members rejected.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::record::RecordRevision;
use super::serde_rules::required_nullable;
use super::signed::{Op, Proof};
use super::unsigned::UnsignedOp;
use crate::identity::Did;
use crate::op_id::OpId;

/// Borrowed view of an op in wire layout, for serialization.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireRef<'a> {
    v: u32,
    origin: &'a Did,
    seq: u64,
    prev: &'a Option<OpId>,
    time: &'a str,
    author: &'a Option<String>,
    records: &'a [RecordRevision],
    proof: &'a Proof,
}

/// Owned op in wire layout, for deserialization.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireOwned {
    v: u32,
    origin: Did,
    seq: u64,
    #[serde(deserialize_with = "required_nullable")]
    prev: Option<OpId>,
    time: String,
    #[serde(deserialize_with = "required_nullable")]
    author: Option<String>,
    records: Vec<RecordRevision>,
    proof: Proof,
}

impl Serialize for Op {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let u = &self.unsigned;
        WireRef {
            v: u.v,
            origin: &u.origin,
            seq: u.seq,
            prev: &u.prev,
            time: &u.time,
            author: &u.author,
            records: &u.records,
            proof: &self.proof,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Op {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let w = WireOwned::deserialize(deserializer)?;
        Ok(Op {
            unsigned: UnsignedOp {
                v: w.v,
                origin: w.origin,
                seq: w.seq,
                prev: w.prev,
                time: w.time,
                author: w.author,
                records: w.records,
            },
            proof: w.proof,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::NodeKey;
    use crate::op::test_support::op_with_body;
    use serde_json::json;

    #[test]
    fn op_is_one_flat_object_with_proof_member() {
        let key = NodeKey::generate();
        let op = op_with_body(&key, json!({"a": 1})).expect("signs");
        let value = serde_json::to_value(&op).expect("serialize");
        let mut keys: Vec<&str> = value.as_object().expect("object").keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["author", "origin", "prev", "proof", "records", "seq", "time", "v"]);
        let back: Op = serde_json::from_value(value).expect("deserialize");
        assert_eq!(back, op);
    }

    #[test]
    fn unknown_member_is_rejected() {
        let key = NodeKey::generate();
        let op = op_with_body(&key, json!({})).expect("signs");
        let mut value = serde_json::to_value(&op).expect("serialize");
        value["id"] = json!(op.id().expect("id").as_str());
        assert!(serde_json::from_value::<Op>(value).is_err());
    }
}
