//! The action table in Rust matches the ValueFlows 1.0 ontology's values
//! (tests/data/vf-1.0-actions.json, extracted from all_vf.TTL).

use std::collections::BTreeSet;

use serde_json::Value;
use valueflows_model::{Action, ActionEffects};

fn ontology() -> serde_json::Map<String, Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vf-1.0-actions.json");
    let text = std::fs::read_to_string(path).expect("read the ontology extract");
    let json: Value = serde_json::from_str(&text).expect("parse the ontology extract");
    json["actions"].as_object().expect("an actions object").clone()
}

fn property(effects: &ActionEffects, name: &str) -> &'static str {
    match name {
        "inputOutput" => effects.input_output.as_str(),
        "pairsWith" => effects.pairs_with_str(),
        "createResource" => effects.create_resource.as_str(),
        "eventQuantity" => effects.event_quantity.as_str(),
        "accountingEffect" => effects.accounting_effect.as_str(),
        "onhandEffect" => effects.onhand_effect.as_str(),
        "locationEffect" => effects.location_effect.as_str(),
        "containedEffect" => effects.contained_effect.as_str(),
        "accountableEffect" => effects.accountable_effect.as_str(),
        "stageEffect" => effects.stage_effect.as_str(),
        "stateEffect" => effects.state_effect.as_str(),
        other => panic!("unexpected effect property {other}"),
    }
}

#[test]
fn there_are_exactly_nineteen_actions() {
    assert_eq!(ontology().len(), 19);
    assert_eq!(Action::ALL.len(), 19);
    let ours: BTreeSet<&str> = Action::ALL.iter().map(|a| a.id()).collect();
    let table = ontology();
    let theirs: BTreeSet<&str> = table.keys().map(String::as_str).collect();
    assert_eq!(ours, theirs);
}

#[test]
fn every_action_parses_and_has_the_ontology_effects() {
    for (name, properties) in ontology() {
        let action = Action::parse(&name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(action.id(), name);
        let effects = action.effects();
        let properties = properties.as_object().expect("properties object");
        assert_eq!(properties.len(), 11, "{name} has 11 effect properties");
        for (property_name, value) in properties {
            let expected = value.as_str().expect("string value");
            assert_eq!(property(&effects, property_name), expected, "{name}.{property_name}");
        }
    }
}

#[test]
fn effects_serialize_with_ontology_names_and_values() {
    for (name, properties) in ontology() {
        let action = Action::parse(&name).expect("known action");
        let json = serde_json::to_value(action.effects()).expect("serialize");
        for (property_name, value) in properties.as_object().expect("object") {
            let got = &json[property_name];
            if value == "notApplicable" && property_name == "pairsWith" {
                assert!(got.is_null(), "{name}.pairsWith");
            } else {
                assert_eq!(got, value, "{name}.{property_name}");
            }
        }
    }
}
