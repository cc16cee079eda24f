//! The HTTP surface: GraphiQL, health, readiness, GET queries, actions.

use serde_json::json;
use vf_tests::TestNode;

async fn http_surface(node: &TestNode) {
    let r = node.http().get(format!("{}/graphql", node.url)).send().await.expect("sent");
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.expect("text").contains("GraphiQL"));
    assert_eq!(node.http().get(format!("{}/health", node.url)).send().await.expect("sent").status().as_u16(), 200);
    assert_eq!(node.http().get(format!("{}/ready", node.url)).send().await.expect("sent").status().as_u16(), 200);
    let r = node.http().get(format!("{}/graphql?query=%7Bactions%7Bid%7D%7D", node.url)).send().await.expect("sent");
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(v["data"]["actions"].as_array().expect("actions").len(), 19);
    let r = node
        .http()
        .get(format!(
            "{}/graphql?query=mutation%7BcreateUnit(unit:%7Blabel:%22a%22,symbol:%22b%22%7D)%7Bunit%7Bid%7D%7D%7D",
            node.url
        ))
        .bearer_auth(&node.write_token)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status().as_u16(), 405, "no mutations over GET");
    let pre = node
        .http()
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", node.url))
        .header("origin", "https://frontend.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type")
        .send()
        .await
        .expect("sent");
    assert!(pre.status().is_success(), "CORS preflight: {}", pre.status());
    assert_eq!(pre.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
    let a = node
        .ok("{ a: action(id: \"transfer-custody\") { id label resourceEffect onhandEffect inputOutput pairsWith locationEffect } b: action(id: \"accept\") { pairsWith } }", json!({}))
        .await;
    assert_eq!(a["a"]["id"], "transferCustody");
    assert_eq!(a["a"]["resourceEffect"], "noEffect");
    assert_eq!(a["a"]["onhandEffect"], "decrementIncrement");
    assert_eq!(a["a"]["locationEffect"], "updateTo");
    assert_eq!(a["b"]["pairsWith"], "modify");
}

crate::on_both!(http_surface);
