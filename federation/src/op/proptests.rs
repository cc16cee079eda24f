//! Property tests: arbitrary record bodies sign, verify and keep their id across encodings.

use proptest::prelude::*;
use serde_json::Value;

use super::limits::OpLimits;
use super::signed::Op;
use super::test_support::{render_scrambled, unsigned_op};
use crate::canonical::MAX_SAFE_INTEGER;
use crate::identity::NodeKey;

/// Nested objects/arrays of strings, safe integers, booleans and nulls.
fn body() -> impl Strategy<Value = Value> {
    let max = i64::try_from(MAX_SAFE_INTEGER).unwrap_or(i64::MAX);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-max..=max).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bodies_sign_verify_and_keep_their_id(body in body(), seed in any::<[u8; 32]>()) {
        let key = NodeKey::from_secret_bytes(&seed);
        let op = unsigned_op(&key, 1, None, body).sign(&key).expect("signs");
        let id = op.verify().expect("verifies");
        prop_assert_eq!(&id, &op.id().expect("id"));

        let text = op.to_json().expect("json");
        let back = Op::from_json(&text, &OpLimits::default()).expect("parses");
        prop_assert_eq!(&back, &op);
        prop_assert_eq!(back.verify().expect("verifies after round trip"), id.clone());
        prop_assert_eq!(back.to_json().expect("json"), text);

        let mut scrambled = String::new();
        render_scrambled(&serde_json::to_value(&op).expect("value"), &mut scrambled);
        let reparsed = Op::from_json(&scrambled, &OpLimits::default()).expect("parses scrambled");
        prop_assert_eq!(reparsed.verify().expect("verifies scrambled"), id);
    }
}
