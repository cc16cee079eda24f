//! Shared builders for the op tests.

use serde_json::Value;
use uuid::Uuid;

use super::OP_VERSION;
use super::error::OpError;
use super::record::RecordRevision;
use super::signed::Op;
use super::unsigned::UnsignedOp;
use crate::identity::NodeKey;
use crate::op_id::OpId;

/// An unsigned op from `key`'s DID with one `EconomicEvent` record carrying `body`.
pub(crate) fn unsigned_op(key: &NodeKey, seq: u64, prev: Option<OpId>, body: Value) -> UnsignedOp {
    UnsignedOp {
        v: OP_VERSION,
        origin: key.did(),
        seq,
        prev,
        time: "2025-01-02T03:04:05Z".into(),
        author: Some("agent-1".into()),
        records: vec![RecordRevision {
            kind: "EconomicEvent".into(),
            id: Uuid::from_u128(0x0194_0000_0000_7000_8000_0000_0000_0001),
            revision_id: Uuid::from_u128(0x0194_0000_0000_7000_8000_0000_0000_0000 + u128::from(seq)),
            retracted: false,
            body,
        }],
    }
}

/// A signed seq-1 op carrying `body`.
pub(crate) fn op_with_body(key: &NodeKey, body: Value) -> Result<Op, OpError> {
    unsigned_op(key, 1, None, body).sign(key)
}

/// A valid feed of `n` signed ops with their ids.
pub(crate) fn signed_chain(key: &NodeKey, n: u64) -> Vec<(Op, OpId)> {
    let mut feed: Vec<(Op, OpId)> = Vec::new();
    for seq in 1..=n {
        let prev = feed.last().map(|(_, id)| id.clone());
        let op = unsigned_op(key, seq, prev, serde_json::json!({"n": seq})).sign(key).expect("test op signs");
        let id = op.verify().expect("test op verifies");
        feed.push((op, id));
    }
    feed
}

/// Renders JSON with every object's keys in reverse order, generous whitespace and every
/// string character written as a `\uXXXX` escape: same value, very different text.
pub(crate) fn render_scrambled(value: &Value, out: &mut String) {
    match value {
        Value::Object(members) => {
            out.push_str("{\n  ");
            let mut keys: Vec<&String> = members.keys().collect();
            keys.sort_unstable();
            keys.reverse();
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(" ,\n\t");
                }
                push_escaped(key, out);
                out.push_str(" :  ");
                render_scrambled(&members[key], out);
            }
            out.push_str("\n}");
        }
        Value::Array(items) => {
            out.push_str("[ ");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(" , ");
                }
                render_scrambled(item, out);
            }
            out.push_str(" ]");
        }
        Value::String(s) => push_escaped(s, out),
        scalar => out.push_str(&serde_json::to_string(scalar).expect("scalar")),
    }
}

/// Writes `s` as a JSON string with every UTF-16 code unit escaped.
fn push_escaped(s: &str, out: &mut String) {
    out.push('"');
    for unit in s.encode_utf16() {
        out.push_str(&format!("\\u{unit:04X}"));
    }
    out.push('"');
}

/// `base` grown to `n` ops whose bodies carry `tag`: with a tag no other chain uses, a
/// branch of the same origin's feed from the end of `base`.
pub(crate) fn signed_branch(key: &NodeKey, base: &[(Op, OpId)], n: u64, tag: &str) -> Vec<(Op, OpId)> {
    let mut feed = base.to_vec();
    for seq in feed.len() as u64 + 1..=n {
        let prev = feed.last().map(|(_, id)| id.clone());
        let op =
            unsigned_op(key, seq, prev, serde_json::json!({"n": seq, "tag": tag})).sign(key).expect("test op signs");
        let id = op.verify().expect("test op verifies");
        feed.push((op, id));
    }
    feed
}
