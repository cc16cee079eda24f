//! Hostile and faulty peers. Fake peers (real HTTP servers speaking `vfsync/1`, scripted
//! here) serve feeds signed by keys the test holds, honestly or not: forged signatures, an
//! op of another origin inside a feed, pages that ignore the cursor, oversized bodies,
//! heads that lie, a feed forked by its own origin, and a flood of notifies. An honest node
//! must stay up, store none of what is bad, report forks the same way everywhere, and still
//! reach the true feeds from an honest peer.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use valueflows_federation::protocol::FeedHead;
use valueflows_federation::{NodeKey, Op, OpId, OpLimits, peer_token};
use valueflows_node::store::ops;
use vf_tests::{Backend, TestNode};

/// A feed of `n` ops signed by `key`, each creating a unit; `tag` makes branches differ.
fn feed(key: &NodeKey, n: u64, tag: &str) -> Vec<(Op, OpId)> {
    extend(key, Vec::new(), n, tag)
}

/// `ops` grown to `n` ops.
fn extend(key: &NodeKey, ops: Vec<(Op, OpId)>, n: u64, tag: &str) -> Vec<(Op, OpId)> {
    vf_tests::signed_feed(key, ops, n, Some(tag))
}

fn wire(ops: &[(Op, OpId)]) -> Vec<String> {
    ops.iter().map(|(op, _)| op.to_json().expect("json")).collect()
}

/// How a fake peer misbehaves.
#[derive(Clone, Default)]
struct Misbehave {
    /// Serve every page from the feed's start, whatever `after` says.
    replay: bool,
    /// Answer every page with this many bytes of JSON.
    oversize: Option<usize>,
    /// Heads to claim instead of the true ones.
    heads: Option<Vec<FeedHead>>,
}

struct Fake {
    key: NodeKey,
    feeds: Mutex<BTreeMap<String, Vec<String>>>,
    misbehave: Misbehave,
    pages: Mutex<u64>,
}

/// A fake peer serving `feeds` (origin -> ops as JSON text) at a real address.
async fn fake_peer(feeds: BTreeMap<String, Vec<String>>, misbehave: Misbehave) -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake { key: NodeKey::generate(), feeds: Mutex::new(feeds), misbehave, pages: Mutex::new(0) });
    let app = axum::Router::new()
        .route("/.well-known/vf-node", get(fake_info))
        .route("/vfsync/v1/heads", get(fake_heads))
        .route("/vfsync/v1/feeds/{origin}/ops", get(fake_ops))
        .route("/vfsync/v1/notify", post(|| async { axum::http::StatusCode::ACCEPTED }))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, fake)
}

async fn fake_info(State(fake): State<Arc<Fake>>) -> Response {
    axum::Json(vf_tests::node_info(&fake.key)).into_response()
}

async fn fake_heads(State(fake): State<Arc<Fake>>) -> Response {
    let feeds = match &fake.misbehave.heads {
        Some(lies) => lies.clone(),
        None => fake
            .feeds
            .lock()
            .expect("feeds")
            .iter()
            .filter_map(|(origin, ops)| {
                let last = Op::from_json(ops.last()?, &OpLimits::default()).ok()?;
                Some(FeedHead { origin: origin.clone(), seq: ops.len() as u64, head: last.id().ok()?.to_string() })
            })
            .collect(),
    };
    axum::Json(json!({"feeds": feeds, "digest": null})).into_response()
}

async fn fake_ops(
    State(fake): State<Arc<Fake>>,
    Path(origin): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    *fake.pages.lock().expect("pages") += 1;
    if let Some(n) = fake.misbehave.oversize {
        let pad = "x".repeat(n);
        return (
            [("content-type", "application/json")],
            format!("{{\"origin\":\"{origin}\",\"ops\":[],\"more\":false,\"pad\":\"{pad}\"}}"),
        )
            .into_response();
    }
    let after: usize = q.get("after").and_then(|a| a.parse().ok()).unwrap_or(0);
    let limit: usize = q.get("limit").and_then(|a| a.parse().ok()).unwrap_or(1000);
    let start = if fake.misbehave.replay { 0 } else { after };
    let feeds = fake.feeds.lock().expect("feeds");
    let ops = feeds.get(&origin).map(Vec::as_slice).unwrap_or_default();
    let page: Vec<&str> = ops.iter().skip(start).take(limit).map(String::as_str).collect();
    let more = start + page.len() < ops.len();
    let body = format!("{{\"origin\":\"{origin}\",\"ops\":[{}],\"more\":{more}}}", page.join(","));
    ([("content-type", "application/json")], body).into_response()
}

async fn spawn(peers: &[&str], follow: &[String]) -> TestNode {
    let peers: Vec<String> = peers.iter().map(|p| (*p).to_owned()).collect();
    let follow = follow.to_vec();
    TestNode::spawn(Backend::Sqlite, |c| {
        c.federation.peers = peers;
        c.federation.follow = follow;
        c.federation.interval_secs = 1;
        c.federation.max_backoff_secs = 1;
        c.federation.page_ops = 4;
    })
    .await
    .expect("node")
}

async fn held(node: &TestNode, origin: &str) -> i64 {
    ops::head(node.node.app().store().db(), origin).await.expect("head").map_or(0, |(s, _)| s)
}

pub async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub const FEDERATION: &str = "{ federation { did follows feeds { origin seq head } digest
    forks { origin seq opIds heldOpId source } } }";

/// Every kind of bad peer at once, each serving another origin's feed badly; then an honest
/// peer is added through the admin API and the node reaches every true feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_honest_node_refuses_bad_peers_and_still_converges() {
    const N: u64 = 12;
    let keys: Vec<NodeKey> = (0..5).map(|_| NodeKey::generate()).collect();
    let truth: Vec<Vec<(Op, OpId)>> = keys.iter().map(|k| feed(k, N, "true")).collect();
    let origin = |i: usize| keys[i].did().to_string();
    let only = |i: usize, ops: Vec<String>| BTreeMap::from([(origin(i), ops)]);

    // 0: op 5 re-signed by another key (a forged signature).
    let mut forged = wire(&truth[0]);
    let mut tampered = truth[0][4].0.clone();
    tampered.proof = truth[0][3].0.proof.clone();
    forged[4] = tampered.to_json().expect("json");
    // 1: op 5 of this feed is an op of origin 2.
    let mut foreign = wire(&truth[1]);
    foreign[4] = truth[2][4].0.to_json().expect("json");
    let bad = [
        fake_peer(only(0, forged), Misbehave::default()).await,
        fake_peer(only(1, foreign), Misbehave::default()).await,
        // 2: pages that ignore the cursor.
        fake_peer(only(2, wire(&truth[2])), Misbehave { replay: true, ..Misbehave::default() }).await,
        // 3: a page larger than any page may be.
        fake_peer(only(3, wire(&truth[3])), Misbehave { oversize: Some(6 << 20), ..Misbehave::default() }).await,
        // 4: heads claiming far more than the feed holds, with a head that is no op of it.
        fake_peer(
            only(4, wire(&truth[4][..6])),
            Misbehave {
                heads: Some(vec![FeedHead { origin: origin(4), seq: 1_000_000, head: "f".repeat(64) }]),
                ..Misbehave::default()
            },
        )
        .await,
    ];
    let urls: Vec<&str> = bad.iter().map(|(u, _)| u.as_str()).collect();
    let follows: Vec<String> = (0..5).map(origin).collect();
    let node = spawn(&urls, &follows).await;

    // Every bad peer gets a round, and only ops that verify and continue the feed are kept.
    eventually("every bad peer was tried", async || bad.iter().all(|(_, f)| *f.pages.lock().expect("p") > 0)).await;
    eventually("the lying peer's true ops are stored", async || held(&node, &origin(4)).await == 6).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(held(&node, &origin(0)).await, 4, "the ops before the forged one");
    assert_eq!(held(&node, &origin(1)).await, 4, "the ops before the foreign one");
    assert_eq!(held(&node, &origin(2)).await, 4, "the first page; replays of it are refused");
    assert_eq!(held(&node, &origin(3)).await, 0, "nothing of an oversized page");
    let health = node.node.sync().health();
    for (url, _) in &bad[..4] {
        let h = health.iter().find(|h| &h.url == url).expect("peer");
        assert!(h.last_error.is_some() && h.failures > 0, "{url} is marked failing: {h:?}");
    }

    // Admin only: a writer may not add a peer.
    let (honest_url, _) = fake_peer(
        truth.iter().zip(&keys).map(|(ops, k)| (k.did().to_string(), wire(ops))).collect(),
        Misbehave::default(),
    )
    .await;
    let add = "mutation($u: String!) { addFederationPeer(url: $u) { url } }";
    let refused = node.gql(add, json!({"u": honest_url})).await;
    assert_eq!(vf_tests::error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let admin = node.admin_token();
    let added = node.gql_as(Some(&admin), add, json!({"u": honest_url})).await;
    assert_eq!(added["data"]["addFederationPeer"]["url"], honest_url.as_str(), "{added}");

    for (i, ops_of) in truth.iter().enumerate() {
        eventually("every true feed is reached", async || held(&node, &origin(i)).await == N as i64).await;
        let head = ops::head(node.node.app().store().db(), &origin(i)).await.expect("head").expect("feed");
        assert_eq!(head.1, ops_of[N as usize - 1].1.to_string(), "feed {i} is the true one");
        assert_eq!(ops::len(node.node.app().store().db(), &origin(i)).await.expect("len"), N, "each op once");
    }
    let units = node.ok("{ units(first: 1000) { edges { node { label } } } }", json!({})).await;
    let true_units = units["units"]["edges"]
        .as_array()
        .expect("units")
        .iter()
        .filter(|u| u["node"]["label"].as_str().is_some_and(|l| l.starts_with("true unit")));
    assert_eq!(true_units.count(), 5 * N as usize, "every record of every true op, nothing else");
    let fed = node.ok(FEDERATION, json!({})).await;
    assert_eq!(fed["federation"]["forks"], json!([]), "bad peers are no evidence of forks: {fed}");
    // Peers are for admins; the rest of `federation` still answers anyone who may read.
    let open = node.gql_as(None, "{ federation { did peers { url } } }", json!({})).await;
    assert_eq!(vf_tests::error_code(&open), Some("UNAUTHENTICATED"), "{open}");
    assert_eq!(open["data"]["federation"]["did"], node.node.app().did().as_str(), "{open}");
    assert!(open["data"]["federation"]["peers"].is_null());

    // A flood of notifies: each answered at once, and the node still serves.
    let key = NodeKey::generate();
    let did = node.node.app().did().clone();
    let notify = format!("{}/vfsync/v1/notify", node.url);
    let mut sent = Vec::new();
    for _ in 0..500 {
        let token = peer_token::issue(&key, &did, chrono::Utc::now().timestamp(), 30).expect("token");
        let req = node.http().post(&notify).bearer_auth(token).json(&json!({"origin": did.as_str(), "seq": 1}));
        sent.push(async move { req.send().await.map(|r| r.status().as_u16()) });
    }
    let statuses = futures::future::join_all(sent).await;
    assert!(statuses.iter().all(|s| matches!(s, Ok(202))), "every notify answered 202");
    node.ok("{ myAgent { id } }", json!({})).await;
    node.stop().await;
}

/// A peer whose pages skip an op: the ops it sent past the gap are verified and held, not
/// stored; when another peer, which holds the feed only up to the gap, fills it, the held
/// ops continue the feed without being fetched again. An op of another branch sent past a
/// gap is never applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ops_past_a_gap_wait_until_another_peer_fills_it() {
    let a = NodeKey::generate();
    let truth = feed(&a, 8, "true");
    let origin = a.did().to_string();
    // Ops 1 to 3, then 5 to 8: op 4 is missing.
    let mut gapped = wire(&truth);
    gapped.remove(3);
    let (gapped_url, gapped_peer) = fake_peer(BTreeMap::from([(origin.clone(), gapped)]), Misbehave::default()).await;
    let node = spawn(&[&gapped_url], std::slice::from_ref(&origin)).await;
    eventually("the ops before the gap are stored", async || held(&node, &origin).await == 3).await;
    eventually("the ops past it are held", async || node.node.sync().pending().0 == 4).await;
    assert_eq!(held(&node, &origin).await, 3, "held ops are not stored");
    let metrics = node.http().get(format!("{}/metrics", node.url)).send().await.expect("metrics");
    let metrics = metrics.text().await.expect("text");
    assert!(metrics.contains("vf_federation_pending_ops 4"), "{metrics}");
    let h = node.node.sync().health().into_iter().find(|h| h.url == gapped_url).expect("peer");
    assert!(h.failures > 0 && h.last_error.as_deref().is_some_and(|e| e.contains("gap")), "{h:?}");

    // A peer holding the feed only up to op 4.
    let (short_url, short_peer) =
        fake_peer(BTreeMap::from([(origin.clone(), wire(&truth[..4]))]), Misbehave::default()).await;
    let admin = node.admin_token();
    let add = "mutation($u: String!) { addFederationPeer(url: $u) { url } }";
    let added = node.gql_as(Some(&admin), add, json!({"u": short_url})).await;
    assert!(added.get("errors").is_none(), "{added}");
    eventually("the held ops continue the feed", async || held(&node, &origin).await == 8).await;
    let db = node.node.app().store().db();
    let head = ops::head(db, &origin).await.expect("head").expect("feed");
    assert_eq!(head.1, truth[7].1.to_string());
    assert_eq!(ops::len(db, &origin).await.expect("len"), 8, "each op once");
    assert_eq!(node.node.sync().pending().0, 0);
    // Neither peer served ops 5 to 8 after op 4: the short one does not hold them, and the
    // gapped one's pages never continue op 4.
    assert!(*short_peer.pages.lock().expect("p") > 0 && *gapped_peer.pages.lock().expect("p") > 0);
    let units = node.ok("{ units(first: 100) { edges { node { label } } } }", json!({})).await;
    let stored = units["units"]["edges"]
        .as_array()
        .expect("units")
        .iter()
        .filter(|u| u["node"]["label"].as_str().is_some_and(|l| l.starts_with("true unit")))
        .count();
    assert_eq!(stored, 8, "every op's record, once: {units}");
    node.stop().await;
}

/// An op of another branch held past a gap is fork evidence once the feed reaches its seq:
/// the fork is recorded as supplied by the peer that sent that op, not by the peer whose
/// page revealed it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fork_among_held_ops_names_the_peer_that_sent_them() {
    let x = NodeKey::generate();
    let origin = x.did().to_string();
    let truth = feed(&x, 5, "true");
    let branch = extend(&x, truth[..4].to_vec(), 6, "branch");
    // The branching peer sends ops 1 to 3, then its own ops 5 and 6: op 4 is missing.
    let mut gapped = wire(&branch);
    gapped.remove(3);
    let (branch_url, _) = fake_peer(BTreeMap::from([(origin.clone(), gapped)]), Misbehave::default()).await;
    let node = spawn(&[&branch_url], std::slice::from_ref(&origin)).await;
    eventually("the branch's ops past the gap are held", async || node.node.sync().pending().0 == 2).await;

    // A peer with the true ops 1 to 5 fills the gap; the held op 5 differs from the true one.
    let (true_url, _) = fake_peer(BTreeMap::from([(origin.clone(), wire(&truth))]), Misbehave::default()).await;
    let admin = node.admin_token();
    let add = "mutation($u: String!) { addFederationPeer(url: $u) { url } }";
    let added = node.gql_as(Some(&admin), add, json!({"u": true_url})).await;
    assert!(added.get("errors").is_none(), "{added}");
    let forks = async || {
        let fed = node.ok(FEDERATION, json!({})).await;
        fed["federation"]["forks"].as_array().cloned().unwrap_or_default()
    };
    eventually("the fork is found", async || !forks().await.is_empty()).await;
    let found = forks().await;
    let mut ids = vec![truth[4].1.to_string(), branch[4].1.to_string()];
    ids.sort();
    assert_eq!(found[0]["seq"], 5);
    assert_eq!(found[0]["opIds"], json!(ids));
    assert_eq!(found[0]["source"], branch_url.as_str(), "the peer that sent the other op");
    node.stop().await;
}

/// An origin that signs two branches of its feed: the node that meets both keeps both ops
/// as evidence, freezes the feed, and passes the proof on; a node that only ever saw one
/// branch reports the same fork, and other feeds keep flowing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forked_feed_is_frozen_and_reported_alike_everywhere() {
    let x = NodeKey::generate();
    let y = NodeKey::generate();
    let common = feed(&x, 5, "shared");
    let left = extend(&x, common.clone(), 9, "left");
    let right = extend(&x, common, 8, "right");
    let ys = feed(&y, 6, "y");
    let (left_url, _) = fake_peer(
        BTreeMap::from([(x.did().to_string(), wire(&left)), (y.did().to_string(), wire(&ys))]),
        Misbehave::default(),
    )
    .await;
    let (right_url, _) = fake_peer(BTreeMap::from([(x.did().to_string(), wire(&right))]), Misbehave::default()).await;
    let follows = vec![x.did().to_string(), y.did().to_string()];
    let first = spawn(&[&left_url, &right_url], &follows).await;
    // The second node only meets the first: it never sees the right branch itself.
    let second = spawn(&[&first.url], &follows).await;

    let fork_of = async |node: &TestNode| {
        let fed = node.ok(FEDERATION, json!({})).await;
        fed["federation"]["forks"].as_array().cloned().unwrap_or_default()
    };
    eventually("the first node finds the fork", async || !fork_of(&first).await.is_empty()).await;
    eventually("the second node learns of it", async || !fork_of(&second).await.is_empty()).await;
    let (f1, f2) = (fork_of(&first).await, fork_of(&second).await);
    let mut ids = vec![left[5].1.to_string(), right[5].1.to_string()];
    ids.sort();
    for f in [&f1[0], &f2[0]] {
        assert_eq!(f["origin"], x.did().as_str());
        assert_eq!(f["seq"], 6, "the first seq where the branches differ");
        assert_eq!(f["opIds"], json!(ids), "the same two ops on every node");
    }
    // Frozen: neither node takes the feed past what it held when the fork was found.
    let (h1, h2) = (held(&first, x.did().as_str()).await, held(&second, x.did().as_str()).await);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(held(&first, x.did().as_str()).await, h1);
    assert_eq!(held(&second, x.did().as_str()).await, h2);
    assert!(h1 <= 9 && h2 <= h1);
    // Y's feed is untouched by X's fork.
    eventually("Y's feed reaches the second node", async || held(&second, y.did().as_str()).await == 6).await;
    second.stop().await;
    first.stop().await;
}

/// Nodes that follow each other reach equal heads, and with them equal state digests,
/// whichever order the ops came in and whichever database each runs on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn equal_heads_give_equal_digests() {
    let a = TestNode::spawn(Backend::Sqlite, |c| c.federation.interval_secs = 1).await.expect("a");
    let a_did = a.node.app().did().to_string();
    let b = TestNode::spawn_or_sqlite(Backend::Postgres, |c| {
        c.federation.interval_secs = 1;
        c.federation.peers = vec![a.url.clone()];
        c.federation.follow = vec![a_did.clone()];
    })
    .await;
    let b_did = b.node.app().did().to_string();
    let admin = a.admin_token();
    let follow = "mutation($d: String!) { followFeed(did: $d) }";
    let r = a.gql_as(Some(&admin), follow, json!({"d": b_did})).await;
    assert!(r["data"]["followFeed"].as_array().is_some_and(|l| l.contains(&json!(b_did))), "{r}");
    let r = a
        .gql_as(Some(&admin), "mutation($u: String!) { addFederationPeer(url: $u) { url } }", json!({"u": b.url}))
        .await;
    assert!(r.get("errors").is_none(), "{r}");

    // Both write: resources and events on each side, interleaved.
    b.writable().await;
    for node in [&a, &b, &a, &b] {
        let s = crate::flow::shop(node).await;
        let steel = crate::flow::raise_steel(node, &s, "10.50").await;
        let e = json!({"action": "consume", "provider": s.lab, "receiver": s.lab, "resourceInventoriedAs": steel,
            "hasPointInTime": "2026-03-03T09:00:00Z", "resourceQuantity": {"hasNumericalValue": "0.25", "hasUnit": s.kg}});
        node.ok(
            "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }",
            json!({"e": e}),
        )
        .await;
    }
    let feeds = async |n: &TestNode| n.ok(FEDERATION, json!({})).await["federation"]["feeds"].clone();
    eventually("equal heads", async || feeds(&a).await == feeds(&b).await).await;
    let (da, db) = (a.ok(FEDERATION, json!({})).await, b.ok(FEDERATION, json!({})).await);
    assert_eq!(da["federation"]["feeds"].as_array().map(Vec::len), Some(2));
    assert_eq!(da["federation"]["digest"], db["federation"]["digest"], "equal heads, equal digests");
    // And the digest is of the state: another write changes it.
    crate::flow::shop(&a).await;
    let after = a.ok(FEDERATION, json!({})).await;
    assert_ne!(after["federation"]["digest"], da["federation"]["digest"]);
    let v: Value = after["federation"]["follows"].clone();
    assert!(v.as_array().is_some_and(|l| l.len() == 2), "{v}");
    b.stop().await;
    a.stop().await;
}
