//! Federation between real nodes over HTTP: three nodes in a line (A - B - C) converge on
//! the same feeds and the same resource state, C gets A's feed through B while A is down,
//! and the protocol endpoints refuse unauthenticated, replayed, forged and malformed requests.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use valueflows_federation::protocol::{Cursor, OpsPage, check_page};
use valueflows_federation::{Did, NodeKey, OpLimits, peer_token};
use valueflows_node::store::ops;
use vf_tests::{Backend, TestNode};

use crate::flow::{raise_steel, run, shop};

async fn head(node: &TestNode, origin: &str) -> Option<(i64, String)> {
    ops::head(node.node.app().store().db(), origin).await.expect("head")
}

/// Waits until `node` holds `origin`'s feed up to `want`.
async fn wait_for_head(node: &TestNode, origin: &str, want: &Option<(i64, String)>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let got = head(node, origin).await;
        if got == *want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} never reached {want:?} of {origin} (has {got:?}): {:?}",
            node.url,
            node.node.sync().health()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A node on `backend` (SQLite when PostgreSQL is not reachable outside CI).
async fn spawn(backend: Backend, peers: &[&TestNode], follow: &[&str]) -> TestNode {
    let peers: Vec<String> = peers.iter().map(|p| p.url.clone()).collect();
    let follow: Vec<String> = follow.iter().map(|d| (*d).to_owned()).collect();
    TestNode::spawn_or_sqlite(backend, |c: &mut valueflows_node::Config| {
        c.federation.peers = peers.clone();
        c.federation.follow = follow.clone();
        c.federation.interval_secs = 1;
        c.federation.page_ops = 7;
    })
    .await
}

const CONSUME: &str =
    "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }";
const STATE: &str = "query($id: ID!) { economicResource(id: $id) { name onhandQuantity { hasNumericalValue }
    accountingQuantity { hasNumericalValue } } economicEvents(first: 1000) { edges { node { id } } } }";

async fn state(node: &TestNode, resource: &str) -> Value {
    node.ok(STATE, json!({"id": resource})).await
}

async fn a_line_of_three_nodes_converges(backends: [Backend; 3]) {
    let a = spawn(backends[0], &[], &[]).await;
    let a_did = a.node.app().did().to_string();
    let b = spawn(backends[1], &[&a], &[&a_did]).await;
    let b_did = b.node.app().did().to_string();

    let s = shop(&a).await;
    let steel = raise_steel(&a, &s, "100").await;
    for i in 0..20 {
        let e = json!({"action": "consume", "provider": s.lab, "receiver": s.lab, "resourceInventoriedAs": steel,
            "hasPointInTime": format!("2026-03-03T09:{i:02}:00Z"), "resourceQuantity": {"hasNumericalValue": "1.25", "hasUnit": s.kg}});
        a.ok(CONSUME, json!({"e": e})).await;
    }
    let a_head = head(&a, &a_did).await;
    wait_for_head(&b, &a_did, &a_head).await;
    let at_a = state(&a, &steel).await;
    assert_eq!(at_a["economicResource"]["onhandQuantity"]["hasNumericalValue"], "75");
    assert_eq!(state(&b, &steel).await, at_a, "B derives the same state from the same records");

    // A goes away; C, which only knows B, still gets A's feed, and B's own.
    a.stop().await;
    let c = spawn(backends[2], &[&b], &[&a_did, &b_did]).await;
    let mark = run(&b, "CreateUnit", json!({"label": "litre", "symbol": "l"})).await;
    let b_head = head(&b, &b_did).await;
    wait_for_head(&c, &a_did, &a_head).await;
    wait_for_head(&c, &b_did, &b_head).await;
    assert_eq!(state(&c, &steel).await, at_a, "C derives the same state through B");
    let events = at_a["economicEvents"]["edges"].as_array().expect("events").len();
    assert_eq!(events, 21, "one raise and twenty consumes, each stored once");
    let unit =
        c.ok("query($id: ID!) { unit(id: $id) { label } }", json!({"id": mark["createUnit"]["unit"]["id"]})).await;
    assert_eq!(unit["unit"]["label"], "litre");
    for h in b.node.sync().health() {
        assert_eq!(h.did.as_deref(), Some(a_did.as_str()));
    }
    b.stop().await;
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_sqlite_nodes_converge() {
    a_line_of_three_nodes_converges([Backend::Sqlite; 3]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_nodes_converge() {
    a_line_of_three_nodes_converges([Backend::Sqlite, Backend::Postgres, Backend::Sqlite]).await;
}

/// The protocol endpoints refuse what they must, and serve a feed that verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_protocol_refuses_bad_peer_requests() {
    let node = TestNode::sqlite().await;
    let http = node.http();
    let did = node.node.app().did().clone();
    let info: Value =
        http.get(format!("{}/.well-known/vf-node", node.url)).send().await.expect("sent").json().await.expect("json");
    assert_eq!(info["did"], did.as_str());
    assert_eq!(info["protocols"], json!(["vfsync/1"]));

    let peer = NodeKey::generate();
    let now = chrono::Utc::now().timestamp();
    let token = || peer_token::issue(&peer, &did, chrono::Utc::now().timestamp(), 30).expect("token");
    let heads_url = format!("{}/vfsync/v1/heads", node.url);
    let status = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(status(http.get(&heads_url).send().await.expect("sent")), 401, "no token");
    let elsewhere = peer_token::issue(&peer, &peer.did(), now, 30).expect("token");
    assert_eq!(
        status(http.get(&heads_url).bearer_auth(&elsewhere).send().await.expect("sent")),
        401,
        "another audience"
    );
    let once = token();
    assert_eq!(status(http.get(&heads_url).bearer_auth(&once).send().await.expect("sent")), 200);
    assert_eq!(status(http.get(&heads_url).bearer_auth(&once).send().await.expect("sent")), 401, "replayed");
    let none = format!("eyJhbGciOiJub25lIn0.{}.", base64_claims(&peer.did(), &did, now));
    assert_eq!(status(http.get(&heads_url).bearer_auth(&none).send().await.expect("sent")), 401, "alg none");
    let user = &node.write_token;
    assert_eq!(
        status(http.get(&heads_url).bearer_auth(user).send().await.expect("sent")),
        401,
        "a user token is no peer token"
    );

    let ops_url = |q: &str| format!("{}/vfsync/v1/feeds/{}/ops{q}", node.url, did);
    for bad in ["?limit=0", "?limit=100000", "?after=-1", "?after=x"] {
        let r = http.get(ops_url(bad)).bearer_auth(token()).send().await.expect("sent");
        assert_eq!(status(r), 400, "{bad}");
    }
    let r = http
        .get(format!("{}/vfsync/v1/feeds/not-a-did/ops", node.url))
        .bearer_auth(token())
        .send()
        .await
        .expect("sent");
    assert_eq!(status(r), 400);

    let notify = format!("{}/vfsync/v1/notify", node.url);
    let r = http.post(&notify).bearer_auth(token()).body("x".repeat(10_000)).send().await.expect("sent");
    assert_eq!(status(r), 413);
    let r = http.post(&notify).bearer_auth(token()).body("{\"nonsense\": 1}").send().await.expect("sent");
    assert_eq!(status(r), 400);
    let r = http
        .post(&notify)
        .bearer_auth(token())
        .json(&json!({"origin": did.as_str(), "seq": 1}))
        .send()
        .await
        .expect("sent");
    assert_eq!(status(r), 202);

    // The node's own feed, read in pages of two, verifies op by op.
    let s = shop(&node).await;
    raise_steel(&node, &s, "3").await;
    let (top, _) = head(&node, did.as_str()).await.expect("feed");
    let mut cursor = Cursor::default();
    while (cursor.seq as i64) < top {
        let page: OpsPage = http
            .get(ops_url(&format!("?after={}&limit=2", cursor.seq)))
            .bearer_auth(token())
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("page");
        let checked = check_page(&Did::parse(&page.origin).expect("did"), &cursor, &page.ops, &OpLimits::default());
        assert!(checked.error.is_none(), "{:?}", checked.error);
        let (op, id, _) = checked.verified.last().expect("ops");
        cursor = Cursor { seq: op.unsigned.seq, head: Some(id.clone()) };
        assert_eq!(page.more, (cursor.seq as i64) < top);
    }
    node.stop().await;
}

fn base64_claims(iss: &Did, aud: &Did, now: i64) -> String {
    use base64::Engine;
    let claims = json!({"iss": iss.as_str(), "aud": aud.as_str(), "iat": now, "exp": now + 30, "jti": "none"});
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string())
}

const CREATE_UNIT: &str = "mutation($l: String!) { createUnit(unit: {label: $l, symbol: $l}) { unit { id } } }";

/// A node restored from an older copy of its database catches up on its own feed from a
/// peer before it writes again, so it never signs a second branch of its feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_node_catches_up_on_itself_before_writing() {
    use sea_orm::ConnectionTrait;
    let a = spawn(Backend::Sqlite, &[], &[]).await;
    let a_did = a.node.app().did().to_string();
    let b = spawn(Backend::Sqlite, &[&a], &[&a_did]).await;
    a.ok(CREATE_UNIT, json!({"l": "first"})).await;
    // The backup: a consistent copy of A's database, and its key.
    let backup = tempfile::tempdir().expect("dir");
    let db_copy = backup.path().join("vf-node.db");
    a.node.app().store().db().execute_unprepared(&format!("VACUUM INTO '{}'", db_copy.display())).await.expect("copy");
    let key = valueflows_node::app::KEY_FILE;
    std::fs::copy(a.node.app().config().data_dir.join(key), backup.path().join(key)).expect("key");
    let old_head = head(&a, &a_did).await;
    for l in ["second", "third"] {
        a.ok(CREATE_UNIT, json!({"l": l})).await;
    }
    let a_head = head(&a, &a_did).await;
    wait_for_head(&b, &a_did, &a_head).await;
    a.stop().await;

    // Restored, with a peer that does not answer and one that answers but holds none of
    // A's feed: local writes wait, since the silent one may hold A's later ops.
    let c = spawn(Backend::Sqlite, &[], &[]).await;
    let restored = TestNode::spawn_in(backup, Backend::Sqlite, |cfg| {
        cfg.federation.peers = vec!["http://127.0.0.1:9".to_owned(), c.url.clone()];
        cfg.federation.interval_secs = 1;
        cfg.federation.catch_up_secs = 600;
    })
    .await
    .expect("restored node");
    assert_eq!(restored.node.app().did().as_str(), a_did, "the same node");
    assert_eq!(head(&restored, &a_did).await, old_head, "the older copy");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !restored.node.sync().health().iter().any(|h| h.url == c.url && h.last_success.is_some()) {
        assert!(Instant::now() < deadline, "C never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(restored.node.app().writes_held().is_some(), "a peer without A's feed confirms nothing");
    let refused = restored.gql(CREATE_UNIT, json!({"l": "too soon"})).await;
    assert_eq!(vf_tests::error_code(&refused), Some("UNAVAILABLE"), "{refused}");
    assert_eq!(head(&restored, &a_did).await, old_head, "nothing written");

    // An admin points it at B: it takes its own ops back, then writes after them.
    let admin = restored.admin_token();
    let add = "mutation($u: String!) { addFederationPeer(url: $u) { url } }";
    let r = restored.gql_as(Some(&admin), add, json!({"u": b.url})).await;
    assert!(r.get("errors").is_none(), "{r}");
    wait_for_head(&restored, &a_did, &a_head).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while restored.node.app().writes_held().is_some() {
        assert!(Instant::now() < deadline, "writes never opened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    restored.ok(CREATE_UNIT, json!({"l": "fourth"})).await;
    let new_head = head(&restored, &a_did).await;
    assert_eq!(new_head.as_ref().map(|h| h.0), a_head.as_ref().map(|h| h.0 + 1), "the next seq of the one feed");

    // B takes it from the restored node as the continuation of the feed it holds.
    let admin_b = b.admin_token();
    let r = b.gql_as(Some(&admin_b), add, json!({"u": restored.url})).await;
    assert!(r.get("errors").is_none(), "{r}");
    wait_for_head(&b, &a_did, &new_head).await;
    let forks = b.ok("{ federation { forks { origin } } }", json!({})).await;
    assert_eq!(forks["federation"]["forks"], json!([]));
    restored.stop().await;
    b.stop().await;
    c.stop().await;
}
