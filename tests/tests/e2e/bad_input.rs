//! Garbage in: every bad request is refused with a code, and nothing stored changes.

use serde_json::{Value, json};
use valueflows_node::store::ops;
use vf_tests::{TestNode, error_code};

use crate::flow::{Shop, raise_steel, shop};

/// Ops in the node's feed and the full state of every resource: the ledger's fingerprint.
async fn fingerprint(node: &TestNode) -> (u64, Value) {
    let app = node.node.app();
    let n = ops::len(app.store().db(), app.did().as_str()).await.expect("len");
    let r = node
        .ok("{ economicResources(first: 1000) { edges { node { id revisionId accountingQuantity { hasNumericalValue } onhandQuantity { hasNumericalValue } } } } }", json!({}))
        .await;
    (n, r)
}

const EVENT: &str = "mutation($e: EconomicEventCreateParams!, $r: EconomicResourceCreateParams) {
  createEconomicEvent(event: $e, newInventoriedResource: $r) { economicEvent { id } } }";

fn consume(shop: &Shop, stock: &str, qty: Value, unit: &str) -> Value {
    json!({"action": "consume", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02T10:00:00Z",
           "resourceInventoriedAs": stock, "resourceQuantity": {"hasNumericalValue": qty, "hasUnit": unit}})
}

async fn refused(node: &TestNode, vars: Value, code: &str, why: &str) {
    let v = node.gql(EVENT, vars).await;
    assert_eq!(error_code(&v), Some(code), "{why}: {v:#}");
    assert!(v["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{why}: a message");
}

async fn bad_events_are_refused_and_change_nothing(node: &TestNode) {
    let shop = shop(node).await;
    let stock = raise_steel(node, &shop, "50").await;
    let before = fingerprint(node).await;

    refused(node, json!({"e": consume(&shop, &stock, json!(1), &shop.each)}), "VALIDATION", "wrong unit").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["action"] = json!("teleport");
    refused(node, json!({"e": e}), "VALIDATION", "unknown action").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["provider"] = json!(uuid::Uuid::now_v7().to_string());
    refused(node, json!({"e": e}), "NOT_FOUND", "unknown provider").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["provider"] = json!("not-an-id");
    refused(node, json!({"e": e}), "VALIDATION", "malformed id").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["resourceInventoriedAs"] = json!(uuid::Uuid::now_v7().to_string());
    refused(node, json!({"e": e}), "NOT_FOUND", "unknown resource").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e.as_object_mut().expect("obj").remove("resourceQuantity");
    refused(node, json!({"e": e}), "VALIDATION", "missing quantity").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e.as_object_mut().expect("obj").remove("hasPointInTime");
    refused(node, json!({"e": e}), "VALIDATION", "no time").await;
    refused(node, json!({"e": consume(&shop, &stock, json!(-5), &shop.kg)}), "VALIDATION", "negative quantity").await;
    refused(node, json!({"e": consume(&shop, &stock, json!("1e40"), &shop.kg)}), "VALIDATION", "too large").await;
    refused(node, json!({"e": consume(&shop, &stock, json!("12abc"), &shop.kg)}), "VALIDATION", "not a number").await;
    refused(node, json!({"e": consume(&shop, &stock, json!(true), &shop.kg)}), "VALIDATION", "wrong type").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["hasPointInTime"] = json!("yesterday");
    refused(node, json!({"e": e}), "VALIDATION", "bad date").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["outputOf"] = json!(uuid::Uuid::now_v7().to_string());
    refused(node, json!({"e": e}), "VALIDATION", "consume cannot be an output").await;
    let work = json!({"action": "work", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02T10:00:00Z",
                      "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": shop.hour}});
    refused(node, json!({"e": work}), "VALIDATION", "work needs effort, not resource quantity").await;
    let raise = json!({"action": "raise", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02T10:00:00Z",
                       "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": shop.kg}});
    refused(node, json!({"e": raise, "r": {"name": "no spec"}}), "VALIDATION", "a new resource needs a specification")
        .await;
    let v = node.gql("mutation { createUnit(unit: { label: \"x\" }) { unit { id } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "missing required field: {v:#}");
    let v =
        node.gql("mutation { createUnit(unit: { label: \"  \", symbol: \"x\" }) { unit { id } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "blank label: {v:#}");
    let v = node.gql("{ economicEvents(first: -1) { edges { cursor } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "negative page: {v:#}");
    let v = node.gql("{ economicEvents(first: 100000) { edges { cursor } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("LIMIT"), "page too large: {v:#}");
    let v = node.gql("{ economicEvents(after: \"nope\") { edges { cursor } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "bad cursor: {v:#}");
    let v = node.gql("{ nosuchfield }", json!({})).await;
    assert!(error_code(&v).is_some(), "unknown field carries a code: {v:#}");
    let v = node.gql("{ economicEvents(", json!({})).await;
    assert!(error_code(&v).is_some(), "syntax error carries a code: {v:#}");
    let v = node.gql("{ economicEvent(id: \"00000000-0000-7000-8000-000000000000\") { id } }", json!({})).await;
    assert!(v.get("errors").is_none() && v["data"]["economicEvent"].is_null(), "unknown id reads as null: {v:#}");
    let v = node
        .gql(
            "mutation { createPerson(person: { name: \"Robert'); DROP TABLE record;--\\u0000\" }) { agent { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "NUL in text is refused: {v:#}");
    let v = node.ok("mutation { createPerson(person: { name: \"Robert'); DROP TABLE record;-- ☃\\u200b\" }) { agent { name } } }", json!({})).await;
    assert_eq!(v["createPerson"]["agent"]["name"], "Robert'); DROP TABLE record;-- ☃\u{200b}", "odd text is just text");

    // Raw HTTP garbage.
    let url = format!("{}/graphql", node.url);
    for (ctype, body) in [
        ("application/json", "{not json"),
        ("application/json", ""),
        ("text/plain", "hello"),
        ("application/json", "[1,2"),
    ] {
        let r = node
            .http()
            .post(&url)
            .header("content-type", ctype)
            .bearer_auth(&node.write_token)
            .body(body)
            .send()
            .await
            .expect("sent");
        assert!(r.status().is_client_error(), "{ctype} {body:?} -> {}", r.status());
    }
    let huge = "x".repeat(2 * 1024 * 1024);
    // Refused from its Content-Length before it is read: a 413, or the connection closed
    // under a client still writing the body.
    match node.http().post(&url).header("content-type", "application/json").body(huge).send().await {
        Ok(r) => assert_eq!(r.status().as_u16(), 413, "oversized body"),
        Err(e) => assert!(e.is_request() || e.is_body(), "oversized body: {e}"),
    }
    let r = node.http().get(format!("{}/health", node.url)).send().await.expect("still up");
    assert!(r.status().is_success());

    let after = fingerprint(node).await;
    // The one accepted write above (the person with odd text) added one op.
    assert_eq!((before.0 + 1, &before.1), (after.0, &after.1), "nothing else stored changed");
}

async fn deleting_what_others_use_is_a_conflict(node: &TestNode) {
    let shop = shop(node).await;
    let _stock = raise_steel(node, &shop, "5").await;
    let unit = node.ok("query($id: ID!) { unit(id: $id) { revisionId } }", json!({"id": shop.kg})).await;
    let v =
        node.gql("mutation($r: ID!) { deleteUnit(revisionId: $r) }", json!({"r": unit["unit"]["revisionId"]})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
    let still = node.ok("query($id: ID!) { unit(id: $id) { id } }", json!({"id": shop.kg})).await;
    assert_eq!(still["unit"]["id"], shop.kg.as_str());
    // An unused unit goes.
    let spare = node
        .ok("mutation { createUnit(unit: {label: \"litre\", symbol: \"l\"}) { unit { id revisionId } } }", json!({}))
        .await;
    let r = &spare["createUnit"]["unit"];
    let v = node.ok("mutation($r: ID!) { deleteUnit(revisionId: $r) }", json!({"r": r["revisionId"]})).await;
    assert_eq!(v["deleteUnit"], true);
    let gone = node.ok("query($id: ID!) { unit(id: $id) { id } }", json!({"id": r["id"]})).await;
    assert!(gone["unit"].is_null());
    // A process with events is not deletable; an empty one is.
    let p =
        node.ok("mutation { createProcess(process: {name: \"empty\"}) { process { id deletable } } }", json!({})).await;
    assert_eq!(p["createProcess"]["process"]["deletable"], true);
    let v = node
        .ok("mutation($id: ID!) { deleteProcess(id: $id) }", json!({"id": p["createProcess"]["process"]["id"]}))
        .await;
    assert_eq!(v["deleteProcess"], true);
}

crate::on_both!(bad_events_are_refused_and_change_nothing, deleting_what_others_use_is_a_conflict);
