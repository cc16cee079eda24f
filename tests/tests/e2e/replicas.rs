//! Several replicas of one node on one PostgreSQL database: one gap-free, fork-free feed
//! whichever replica takes a write; subscribers of every replica see every write; one
//! replica at a time pulls from each peer, and another takes over when it stops; replicas
//! starting together on an empty database migrate and found the node once.

use std::time::Duration;

use serde_json::{Value, json};
use valueflows_node::store::ops;
use vf_tests::TestNode;

use crate::hostile::eventually;
use crate::subscriptions::Client;

const RAISE: &str =
    "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }";

fn raise(shop: &crate::flow::Shop, stock: &str, note: &str) -> Value {
    json!({"e": {"action": "raise", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02T10:00:00Z",
        "resourceInventoriedAs": stock, "note": note, "resourceQuantity": {"hasNumericalValue": "0.001", "hasUnit": shop.kg}}})
}

async fn onhand(node: &TestNode, stock: &str) -> String {
    let v = node
        .ok(
            "query($id: ID!) { economicResource(id: $id) { onhandQuantity { hasNumericalValue } } }",
            json!({"id": stock}),
        )
        .await;
    v["economicResource"]["onhandQuantity"]["hasNumericalValue"].as_str().unwrap_or_default().to_owned()
}

/// The node's own feed: every seq from 1 once, each op naming the one before it.
async fn assert_one_chain(node: &TestNode) -> usize {
    let app = node.node.app();
    let feed = ops::range(app.store().db(), app.did().as_str(), 0, 1_000_000).await.expect("feed");
    for (i, op) in feed.iter().enumerate() {
        assert_eq!(op.seq, i as i64 + 1, "the feed has a gap or a repeat at {}", op.seq);
        let prev = if i == 0 { None } else { Some(feed[i - 1].op_id.clone()) };
        assert_eq!(op.prev, prev, "op {} does not follow op {}", op.seq, i);
    }
    feed.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_one_feed_and_every_subscriber_sees_every_write() {
    let Some(a) = TestNode::postgres().await else { return };
    let b = a.replica(|_| {}).await.expect("second replica");
    assert_eq!(a.node.app().did(), b.node.app().did());
    assert_eq!(a.node.app().self_agent(), b.node.app().self_agent(), "one node, founded once");
    let shop = crate::flow::shop(&a).await;
    let stock = crate::flow::raise_steel(&a, &shop, "0").await;

    // A subscriber on B, live before the writes start.
    let mut sub = Client::ready(&b, json!({"Authorization": format!("Bearer {}", b.read_token)})).await;
    sub.subscribe("e", "subscription { economicEventCreated { id note } }", json!({})).await;
    let mut n = 0;
    let poke = || {
        n += 1;
        let vars = raise(&shop, &stock, &format!("poke {n}"));
        let a = &a;
        async move { a.ok(RAISE, vars).await["createEconomicEvent"]["economicEvent"]["id"].to_string() }
    };
    sub.until_live("e", poke).await;
    let before = assert_one_chain(&a).await;

    // Clients writing through both replicas at once.
    let (clients, per) = (8, 12);
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let (url, token) = if c % 2 == 0 { (&a.url, &a.write_token) } else { (&b.url, &b.write_token) };
            let (url, token) = (url.clone(), token.clone());
            let vars: Vec<Value> = (0..per).map(|i| raise(&shop, &stock, &format!("client {c} write {i}"))).collect();
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                for v in vars {
                    let r = vf_tests::graphql(&http, &url, Some(&token), RAISE, v).await;
                    assert!(r.get("errors").is_none(), "{r:#}");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("client");
    }
    let written = clients * per;
    assert_eq!(assert_one_chain(&a).await, before + written, "one op per acknowledged write");

    // B's subscriber got every write, A's included, each once.
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < written {
        let got = tokio::time::timeout(Duration::from_secs(20), sub.next_of("e")).await.expect("a notice in time");
        let note = got["data"]["economicEventCreated"]["note"].as_str().expect("note").to_owned();
        assert!(seen.insert(note.clone()), "{note} delivered twice");
    }
    for c in 0..clients {
        for i in 0..per {
            assert!(seen.contains(&format!("client {c} write {i}")));
        }
    }

    // Both replicas read the same exact quantity, and it equals a rebuild.
    // Every write raised a thousandth, the pokes too.
    let expected = format!("0.{:03}", written + n).trim_end_matches('0').to_owned();
    eventually("both replicas read the same stock", async || {
        onhand(&a, &stock).await == expected && onhand(&b, &stock).await == expected
    })
    .await;
    assert!(b.node.app().rebuild(false).await.expect("rebuild").changed.is_empty());
    b.stop().await;
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_replica_pulls_from_a_peer_and_another_takes_over_when_it_stops() {
    let peer = TestNode::sqlite().await;
    let peer_did = peer.node.app().did().to_string();
    let url = peer.url.clone();
    let tune = move |c: &mut valueflows_node::config::Config| {
        c.federation.peers = vec![url.clone()];
        c.federation.follow = vec![peer_did.clone()];
        c.federation.interval_secs = 1;
        c.federation.lease_secs = 2;
        c.federation.catch_up_secs = 120;
    };
    let Some(a) = TestNode::postgres_with(tune.clone()).await else {
        peer.stop().await;
        return;
    };
    let b = a.replica(tune).await.expect("second replica");
    // Both hold local writes until the node's own feed is confirmed with the peer; the
    // replica that does not pull learns it from the database.
    a.writable().await;
    b.writable().await;

    let shop = crate::flow::shop(&peer).await;
    let stock = crate::flow::raise_steel(&peer, &shop, "0").await;
    for i in 0..5 {
        peer.ok(RAISE, raise(&shop, &stock, &format!("first {i}"))).await;
    }
    let head = |n: &TestNode| {
        let app = n.node.app().clone();
        let did = peer.node.app().did().to_string();
        async move { ops::head(app.store().db(), &did).await.expect("head").map_or(0, |(s, _)| s) }
    };
    let peer_head = head(&peer).await;
    eventually("the replicas hold the peer's feed", async || head(&a).await == peer_head).await;

    // One replica pulls; the other names it and stands by.
    let (mut holder, mut standby) = (a, b);
    eventually("one replica stands by", async || {
        holder.node.sync().health()[0].pulled_by.is_some() || standby.node.sync().health()[0].pulled_by.is_some()
    })
    .await;
    if holder.node.sync().health()[0].pulled_by.is_some() {
        std::mem::swap(&mut holder, &mut standby);
    }
    let named = standby.node.sync().health()[0].pulled_by.clone().expect("standing by");
    assert_eq!(named, holder.node.app().replica(), "the standby names the replica that pulls");
    assert!(holder.node.sync().health()[0].pulled_ops > 0);
    assert_eq!(standby.node.sync().health()[0].pulled_ops, 0, "only one replica pulled");

    // The puller stops; the other takes the peer over and pulls what comes next.
    holder.hand_database_to(&mut standby);
    holder.stop().await;
    for i in 0..3 {
        peer.ok(RAISE, raise(&shop, &stock, &format!("later {i}"))).await;
    }
    let peer_head = head(&peer).await;
    // Its health counts the ops once the round that pulled them is over.
    eventually("the remaining replica took over", async || {
        let h = standby.node.sync().health()[0].clone();
        head(&standby).await == peer_head && h.pulled_by.is_none() && h.pulled_ops > 0
    })
    .await;
    assert_eq!(onhand(&standby, &stock).await, "0.008");
    standby.stop().await;
    peer.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_starting_together_migrate_and_found_the_node_once() {
    let (url, name) = match TestNode::create_database().await {
        Ok(db) => db,
        Err(e) if std::env::var("CI").map_or(true, |v| v != "true") => {
            eprintln!("SKIPPED (PostgreSQL not reachable): {e:#}");
            return;
        }
        Err(e) => panic!("PostgreSQL is required in CI: {e:#}"),
    };
    let key_dir = tempfile::tempdir().expect("dir");
    valueflows_node::app::load_or_create_key(key_dir.path()).expect("key");
    let starts: Vec<_> = (0..3)
        .map(|_| {
            let (dir, url) = (key_dir.path().to_owned(), url.clone());
            tokio::spawn(async move { TestNode::replica_on(&dir, &url, |_| {}).await })
        })
        .collect();
    let mut nodes = Vec::new();
    for s in starts {
        nodes.push(s.await.expect("task").expect("every replica starts"));
    }
    let agent = nodes[0].node.app().self_agent();
    assert!(nodes.iter().all(|n| n.node.app().self_agent() == agent), "one founding agent");
    assert_eq!(assert_one_chain(&nodes[0]).await, 1, "the feed holds the founding op only");
    for n in nodes {
        n.stop().await;
    }
    vf_tests::drop_database(&name).await;
}
