//! Tokens and scopes: reads open by default, writes need `write`, `myAgent` is the token's.

use serde_json::json;
use valueflows_node::auth::Scope;
use vf_tests::{Backend, TestNode, error_code};

const CREATE: &str = "mutation { createUnit(unit: {label: \"metre\", symbol: \"m\"}) { unit { id } } }";

async fn scopes_are_enforced(node: &TestNode) {
    let v = node.gql_as(None, CREATE, json!({})).await;
    assert_eq!(error_code(&v), Some("UNAUTHENTICATED"), "{v:#}");
    let v = node.gql_as(Some(&node.read_token), CREATE, json!({})).await;
    assert_eq!(error_code(&v), Some("FORBIDDEN"), "{v:#}");
    let v = node.gql_as(None, "{ units { edges { node { id } } } }", json!({})).await;
    assert!(v.get("errors").is_none(), "reads are open by default: {v:#}");
    let v = node.gql_as(None, "{ myAgent { id } }", json!({})).await;
    assert_eq!(error_code(&v), Some("UNAUTHENTICATED"), "{v:#}");

    // myAgent is the token's agent.
    let p = node.ok("mutation { createPerson(person: {name: \"Ana\"}) { agent { id } } }", json!({})).await;
    let ana = p["createPerson"]["agent"]["id"].as_str().expect("id").to_owned();
    let t = node.token_for(&ana, Scope::Write);
    let v = node.gql_as(Some(&t), "{ myAgent { id name } }", json!({})).await;
    assert_eq!(v["data"]["myAgent"]["name"], "Ana");
    // Writes are attributed to the token's agent.
    let u = node.gql_as(Some(&t), "mutation { createUnit(unit: {label: \"gram\", symbol: \"g\"}) { unit { meta { retrievedRevision { author { name } } } } } }", json!({})).await;
    assert_eq!(u["data"]["createUnit"]["unit"]["meta"]["retrievedRevision"]["author"]["name"], "Ana", "{u:#}");

    // Forged, malformed and foreign tokens.
    let forged = format!("{}x", &node.write_token[..node.write_token.len() - 1]);
    for bad in [forged.as_str(), "not.a.token", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0."] {
        let r = node
            .http()
            .post(format!("{}/graphql", node.url))
            .bearer_auth(bad)
            .json(&json!({"query": "{ units { edges { cursor } } }"}))
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status().as_u16(), 401, "{bad}");
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    }
    let other = TestNode::sqlite().await;
    let v = node.gql_as(Some(&other.write_token), CREATE, json!({})).await;
    assert_eq!(error_code(&v), Some("UNAUTHENTICATED"), "a token of another node: {v:#}");
    other.stop().await;
}

async fn closed_reads_need_a_token(node: &TestNode) {
    let _ = node;
    let closed = TestNode::spawn(Backend::Sqlite, |c| c.auth.open_reads = false).await.expect("node");
    let v = closed.gql_as(None, "{ units { edges { cursor } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("UNAUTHENTICATED"), "{v:#}");
    let v = closed.gql_as(Some(&closed.read_token), "{ units { edges { cursor } } }", json!({})).await;
    assert!(v.get("errors").is_none(), "{v:#}");
    closed.stop().await;
}

crate::on_both!(scopes_are_enforced, closed_reads_need_a_token);
