//! One record revision carried by an op; the body is opaque JSON owned by its vocabulary.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::serde_rules::canonical_uuid;

/// One record revision carried by an op. The record body is the record's JSON as its
/// vocabulary defines it; this crate does not interpret it (beyond the number rules in
/// [`crate::canonical`]: no floats, integers within ±(2^53−1)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordRevision {
    /// Record type name as the vocabulary spells it (for example `EconomicEvent`).
    pub kind: String,
    /// Stable id of the record across revisions.
    #[serde(with = "canonical_uuid")]
    pub id: Uuid,
    /// Id of this particular revision.
    #[serde(with = "canonical_uuid")]
    pub revision_id: Uuid,
    /// Whether this revision retracts the record.
    pub retracted: bool,
    /// The record's JSON body.
    pub body: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> RecordRevision {
        RecordRevision {
            kind: "EconomicEvent".into(),
            id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001),
            revision_id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0002),
            retracted: false,
            body: json!({"action": "produce", "quantity": "1.5"}),
        }
    }

    #[test]
    fn fields_are_camel_case_on_the_wire() {
        let value = serde_json::to_value(sample()).expect("serialize");
        assert_eq!(
            value,
            json!({
                "kind": "EconomicEvent",
                "id": "01900000-0000-7000-8000-000000000001",
                "revisionId": "01900000-0000-7000-8000-000000000002",
                "retracted": false,
                "body": {"action": "produce", "quantity": "1.5"}
            })
        );
    }

    #[test]
    fn uppercase_or_braced_uuid_is_rejected() {
        let mut value = serde_json::to_value(sample()).expect("serialize");
        value["id"] = json!("01900000-0000-7000-8000-00000000000A");
        assert!(serde_json::from_value::<RecordRevision>(value.clone()).is_err());
        value["id"] = json!("{01900000-0000-7000-8000-000000000001}");
        assert!(serde_json::from_value::<RecordRevision>(value).is_err());
    }

    #[test]
    fn unknown_or_missing_fields_are_rejected() {
        let mut value = serde_json::to_value(sample()).expect("serialize");
        value["extra"] = json!(1);
        assert!(serde_json::from_value::<RecordRevision>(value).is_err());
        let mut value = serde_json::to_value(sample()).expect("serialize");
        if let Some(members) = value.as_object_mut() {
            members.remove("body");
        }
        assert!(serde_json::from_value::<RecordRevision>(value).is_err());
    }
}
