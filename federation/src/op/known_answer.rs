//! Known-answer test vector for the op wire format (mirrored in `PROTOCOL.md`).

use serde_json::json;
use uuid::Uuid;

use super::OP_VERSION;
use super::limits::OpLimits;
use super::record::RecordRevision;
use super::signed::Op;
use super::unsigned::UnsignedOp;
use crate::identity::NodeKey;

fn vector_op() -> (NodeKey, UnsignedOp) {
    let key = NodeKey::from_secret_bytes(&[0u8; 32]);
    let op = UnsignedOp {
        v: OP_VERSION,
        origin: key.did(),
        seq: 1,
        prev: None,
        time: "2025-01-02T03:04:05Z".into(),
        author: Some("agent:alice".into()),
        records: vec![RecordRevision {
            kind: "EconomicEvent".into(),
            id: Uuid::from_u128(0x0194_2f4e_6c00_7000_8000_0000_0000_0001),
            revision_id: Uuid::from_u128(0x0194_2f4e_6c00_7000_8000_0000_0000_0002),
            retracted: false,
            body: json!({"action": "produce", "note": "caf\u{e9}", "resourceQuantity": {"hasNumericalValue": "12.50", "hasUnit": "kg"}, "count": 3}),
        }],
    };
    (key, op)
}

const CANONICAL: &str = r#"{"author":"agent:alice","origin":"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp","prev":null,"records":[{"body":{"action":"produce","count":3,"note":"café","resourceQuantity":{"hasNumericalValue":"12.50","hasUnit":"kg"}},"id":"01942f4e-6c00-7000-8000-000000000001","kind":"EconomicEvent","retracted":false,"revisionId":"01942f4e-6c00-7000-8000-000000000002"}],"seq":1,"time":"2025-01-02T03:04:05Z","v":1}"#;
const OP_ID: &str = "467d3f2c5ef2b2e6453af8be1f8cf8ded01967229724c4bd950644d3df53ab32";
const SIG: &str = "73GeoajSRj2aqHdZQN0cdL7QQ5yrSl-AWWwiHAMSDzFjj2T7Mbv7VRPvvjc_3oIB25AZq9F7ke3mA9VZiwNOBA";

#[test]
fn protocol_test_vector_is_stable() {
    let (key, op) = vector_op();
    assert_eq!(key.did().as_str(), "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
    let bytes = op.canonical_bytes().expect("canonical");
    assert_eq!(std::str::from_utf8(&bytes).expect("utf8"), CANONICAL);
    assert_eq!(op.id().expect("id").as_str(), OP_ID);
    let signed = op.sign(&key).expect("signs");
    assert_eq!(signed.proof.sig, SIG);
    let wire = signed.to_json().expect("json");
    let expected_wire =
        CANONICAL.replacen(r#""prev":null,"#, &format!(r#""prev":null,"proof":{{"alg":"Ed25519","sig":"{SIG}"}},"#), 1);
    assert_eq!(wire, expected_wire);
}

#[test]
fn protocol_test_vector_parses_and_verifies_from_the_wire() {
    let wire =
        CANONICAL.replacen(r#""prev":null,"#, &format!(r#""prev":null,"proof":{{"alg":"Ed25519","sig":"{SIG}"}},"#), 1);
    let op = Op::from_json(&wire, &OpLimits::default()).expect("parses");
    assert_eq!(op.verify().expect("verifies").as_str(), OP_ID);
}
