//! Token lifecycle: revocation (stored in the database, so every replica refuses a revoked
//! token), signing key rotation with reload, and replicas sharing one PostgreSQL database.

use base64::Engine;
use serde_json::{Value, json};
use valueflows_node::auth::{Scope, keys};
use vf_tests::{TestNode, error_code};

const UNITS: &str = "{ units { edges { node { id } } } }";
const CREATE: &str = "mutation($l: String!) { createUnit(unit: {label: $l, symbol: $l}) { unit { id } } }";
const REVOKE_TOKEN: &str =
    "mutation($t: String!) { revokeToken(token: $t) { id expiresAt revokedAt agent { id } revokedBy { id } } }";
const REVOKE_ID: &str =
    "mutation($id: ID!, $at: DateTime) { revokeToken(id: $id, expiresAt: $at) { id expiresAt agent { id } } }";
const REVOKED: &str = "{ revokedTokens { id expiresAt } }";

/// A JWT part (0: header, 1: claims), decoded without checking anything.
fn part(token: &str, i: usize) -> Value {
    let text = token.split('.').nth(i).expect("a JWT part");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

fn kid(token: &str) -> String {
    part(token, 0)["kid"].as_str().expect("a kid").to_owned()
}

/// Sends a query with `token` over HTTP; returns the status and body.
async fn call(node: &TestNode, token: &str, query: &str, vars: Value) -> (u16, Value) {
    let r = node
        .http()
        .post(format!("{}/graphql", node.url))
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": vars}))
        .send()
        .await
        .expect("sent");
    (r.status().as_u16(), r.json().await.expect("JSON"))
}

async fn accepted(node: &TestNode, token: &str) -> bool {
    let (status, body) = call(node, token, UNITS, json!({})).await;
    match status {
        200 if body.get("errors").is_none() => true,
        401 if error_code(&body) == Some("UNAUTHENTICATED") => false,
        _ => panic!("neither accepted nor refused cleanly: {status} {body:#}"),
    }
}

async fn unit_count(node: &TestNode) -> usize {
    node.ok(UNITS, json!({})).await["units"]["edges"].as_array().expect("edges").len()
}

async fn revoked_tokens_are_refused(node: &TestNode) {
    let admin = node.admin_token();
    let doomed = node.token_for(&node.node.app().self_agent().to_string(), Scope::Write);
    let other = node.token_for(&node.node.app().self_agent().to_string(), Scope::Write);
    assert!(accepted(node, &doomed).await);

    // Only an admin revokes.
    for t in [&node.write_token, &node.read_token] {
        let (_, v) = call(node, t, REVOKE_TOKEN, json!({"t": doomed})).await;
        assert_eq!(error_code(&v), Some("FORBIDDEN"), "{v:#}");
    }
    let v = node.gql_as(None, REVOKE_TOKEN, json!({"t": doomed})).await;
    assert_eq!(error_code(&v), Some("UNAUTHENTICATED"), "{v:#}");
    let (_, v) = call(node, &node.write_token, REVOKED, json!({})).await;
    assert_eq!(error_code(&v), Some("FORBIDDEN"), "{v:#}");
    assert!(accepted(node, &doomed).await, "nothing was revoked");

    // Revoked by the token itself: its id, expiry and agent are read from it.
    let (_, v) = call(node, &admin, REVOKE_TOKEN, json!({"t": doomed})).await;
    assert!(v.get("errors").is_none(), "{v:#}");
    let r = &v["data"]["revokeToken"];
    let claims = part(&doomed, 1);
    assert_eq!(r["id"], claims["jti"]);
    let exp = chrono::DateTime::from_timestamp(claims["exp"].as_i64().expect("exp"), 0).expect("time");
    assert_eq!(r["expiresAt"], valueflows_model::Timestamp::from_datetime(exp).to_rfc3339());
    assert_eq!(r["agent"]["id"], node.node.app().self_agent().to_string());
    assert_eq!(r["revokedBy"]["id"], node.node.app().self_agent().to_string());

    // Refused everywhere it is used, with 401 and UNAUTHENTICATED; the ledger is unchanged.
    let before = unit_count(node).await;
    for q in [UNITS, "{ myAgent { id } }", CREATE] {
        let (status, v) = call(node, &doomed, q, json!({"l": "revoked"})).await;
        assert_eq!((status, error_code(&v)), (401, Some("UNAUTHENTICATED")), "{q}: {v:#}");
        assert!(v["errors"][0]["message"].as_str().is_some_and(|m| m.contains("revoked")), "{v:#}");
    }
    assert_eq!(unit_count(node).await, before, "nothing written");
    // Other tokens of the same agent are unaffected.
    assert!(accepted(node, &other).await);
    let (_, v) = call(node, &other, CREATE, json!({"l": "still fine"})).await;
    assert!(v.get("errors").is_none(), "{v:#}");

    // Revoked by id, with its expiry.
    let by_id = node.token_for(&node.node.app().self_agent().to_string(), Scope::Read);
    let jti = part(&by_id, 1)["jti"].as_str().expect("jti").to_owned();
    let (_, v) = call(node, &admin, REVOKE_ID, json!({"id": jti, "at": "2099-01-01T00:00:00Z"})).await;
    assert_eq!(v["data"]["revokeToken"]["expiresAt"], "2099-01-01T00:00:00.000000Z", "{v:#}");
    assert!(!accepted(node, &by_id).await);
    // Again, by the token: the one revocation, now with what the token says.
    let (_, v) = call(node, &admin, REVOKE_TOKEN, json!({"t": by_id})).await;
    assert_eq!(v["data"]["revokeToken"]["expiresAt"], "2099-01-01T00:00:00.000000Z", "kept: {v:#}");
    assert_eq!(v["data"]["revokeToken"]["agent"]["id"], node.node.app().self_agent().to_string(), "completed: {v:#}");

    let (_, v) = call(node, &admin, REVOKED, json!({})).await;
    let ids: Vec<&Value> = v["data"]["revokedTokens"].as_array().expect("list").iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, [&claims["jti"], &json!(jti)], "{v:#}");

    // Bad requests are refused clearly.
    let cases = [
        json!({"query": "mutation { revokeToken { id } }"}),
        json!({"query": "mutation($t: String!) { revokeToken(token: $t, id: \"x\") { id } }", "variables": {"t": other}}),
        json!({"query": "mutation { revokeToken(token: \"not.a.token\") { id } }"}),
        json!({"query": "mutation($t: String!) { revokeToken(token: $t, expiresAt: \"2030-01-01\") { id } }", "variables": {"t": other}}),
        json!({"query": "mutation { revokeToken(id: \"   \") { id } }"}),
    ];
    for body in cases {
        let r = node
            .http()
            .post(format!("{}/graphql", node.url))
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .expect("sent");
        let v: Value = r.json().await.expect("JSON");
        assert_eq!(error_code(&v), Some("VALIDATION"), "{body}: {v:#}");
    }
    // A token of another node cannot be revoked here (and is refused here anyway).
    let stranger = TestNode::sqlite().await;
    let (_, v) = call(node, &admin, REVOKE_TOKEN, json!({"t": stranger.write_token})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    stranger.stop().await;
    assert!(accepted(node, &other).await, "still fine at the end");
}

/// A WebSocket session lives under the token it opened with: revoking that token ends it
/// (close 4403) while a session under another token goes on receiving.
async fn a_revoked_token_ends_its_open_subscriptions(node: &TestNode) {
    use crate::subscriptions::{Client, Got};
    let agent = node.node.app().self_agent().to_string();
    let doomed = node.token_for(&agent, Scope::Read);
    let kept = node.token_for(&agent, Scope::Read);
    let query = "subscription { recordChanged(kinds: [\"Unit\"]) { id } }";
    let mut ending = Client::ready(node, json!({"authToken": doomed})).await;
    ending.subscribe("1", query, json!({})).await;
    // The header token counts too.
    let mut going =
        Client::open(node, "graphql-transport-ws", Some(&format!("Bearer {kept}")), false).await.expect("open");
    going.send(json!({"type": "connection_init", "payload": {}})).await;
    assert_eq!(going.json().await["type"], "connection_ack");
    going.subscribe("1", query, json!({})).await;
    let create = async |label: &str| -> String {
        let v = node.ok(CREATE, json!({"l": label})).await;
        v["createUnit"]["unit"]["id"].as_str().expect("unit id").to_owned()
    };
    going.until_live("1", || create("before")).await;

    let (_, v) = call(node, &node.admin_token(), REVOKE_TOKEN, json!({"t": doomed})).await;
    assert!(v.get("errors").is_none(), "{v:#}");
    loop {
        match ending.recv_within(std::time::Duration::from_secs(10)).await {
            Some(Got::Close(code, reason)) => {
                assert_eq!(code, 4403, "{reason}");
                assert!(reason.contains("revoked"), "{reason}");
                break;
            }
            Some(Got::Json(_)) => continue,
            other => panic!("the session under the revoked token must close with 4403, got {other:?}"),
        }
    }
    let after = create("after").await;
    going.skip_to("1", &after).await;
}

crate::on_both!(revoked_tokens_are_refused, a_revoked_token_ends_its_open_subscriptions);

/// After a rotation, old tokens verify until their key is dropped, and new ones carry the
/// new key's id; a reload picks up key files changed on disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_keeps_old_tokens_until_their_key_is_dropped() {
    let node = TestNode::sqlite().await;
    let app = node.node.app();
    let dir = app.config().data_dir.clone();
    let me = app.self_agent().to_string();
    let old = node.token_for(&me, Scope::Write);
    let old_kid = kid(&old);

    let new_kid = keys::rotate(&dir).expect("rotate").kid().to_owned();
    assert_ne!(new_kid, old_kid);
    // Until the node reloads, it signs and checks with what it had.
    assert_eq!(kid(&node.token_for(&me, Scope::Write)), old_kid);
    app.reload_token_keys().expect("reload");
    let new = node.token_for(&me, Scope::Write);
    assert_eq!(kid(&new), new_kid, "new tokens name the new key");
    assert!(accepted(&node, &old).await, "the previous key still verifies");
    assert!(accepted(&node, &new).await);

    keys::drop_key(&dir, &old_kid).expect("drop");
    assert!(accepted(&node, &old).await, "until the reload");
    app.reload_token_keys().expect("reload");
    assert!(!accepted(&node, &old).await, "the dropped key's tokens are refused");
    assert!(accepted(&node, &new).await);

    // A reload that fails keeps the keys in use.
    let file = dir.join(keys::KEY_DIR).join(format!("{new_kid}.pem"));
    std::fs::write(&file, "garbage").expect("spoil");
    assert!(app.reload_token_keys().is_err());
    assert!(accepted(&node, &new).await, "still the keys loaded before");
    node.stop().await;
}

/// Two replicas of one node (same keys, one PostgreSQL database): a token revoked through
/// one is refused by the other at once; a rotated key is used by a replica once its file is
/// there and the replica reloads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_on_one_database_share_revocations_and_take_rotated_keys() {
    let Some(a) = TestNode::postgres().await else { return };
    let a_dir = a.node.app().config().data_dir.clone();
    let b = a.replica(|_| {}).await.expect("replica");
    assert_eq!(b.node.app().did(), a.node.app().did(), "one node");

    let me = a.node.app().self_agent().to_string();
    let t = a.token_for(&me, Scope::Write);
    assert!(accepted(&b, &t).await, "a token of the node, whichever replica issued it");
    let (_, v) = call(&a, &a.admin_token(), REVOKE_TOKEN, json!({"t": t})).await;
    assert!(v.get("errors").is_none(), "{v:#}");
    assert!(!accepted(&b, &t).await, "refused by the other replica at once");
    assert!(!accepted(&a, &t).await);

    // Rotation: the new key's tokens are refused by a replica that does not hold it yet.
    let new_kid = keys::rotate(&a_dir).expect("rotate").kid().to_owned();
    a.node.app().reload_token_keys().expect("reload A");
    let t2 = a.token_for(&me, Scope::Write);
    assert_eq!(kid(&t2), new_kid);
    assert!(!accepted(&b, &t2).await, "B does not hold the new key yet");
    let name = format!("{}/{new_kid}.pem", keys::KEY_DIR);
    std::fs::copy(a_dir.join(&name), b.node.app().config().data_dir.join(&name)).expect("distribute the key");
    b.node.app().reload_token_keys().expect("reload B");
    assert!(accepted(&b, &t2).await);
    assert!(accepted(&a, &t2).await);
    b.stop().await;
    a.stop().await;
}
