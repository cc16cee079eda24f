//! Convergence of the fold: the same ops, applied in any order across feeds, in pages of
//! any size, with pages repeated or overlapping, or split between two nodes that later
//! exchange what they hold, give every node the same state digest. Schedules are drawn
//! from seeded generators; a failure names its seed.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use valueflows_federation::{Op, OpId, OpLimits};
use valueflows_node::app::App;
use valueflows_node::app::remote::RemoteOps;
use valueflows_node::store::{ops, records};
use valueflows_node::{Config, Node};
use vf_tests::TestNode;

use crate::flow::{raise_steel, shop};

/// One origin's feed: its DID and its ops in seq order.
struct Feed {
    origin: String,
    ops: Vec<(Op, OpId, String)>,
}

async fn feed_of(app: &App, origin: &str) -> Feed {
    let rows = ops::range(app.store().db(), origin, 0, 1_000_000).await.expect("ops");
    let ops = rows
        .into_iter()
        .map(|r| {
            let op = Op::from_json(&r.body, &OpLimits::default()).expect("op");
            let id = op.verify().expect("verifies");
            (op, id, r.body)
        })
        .collect();
    Feed { origin: origin.to_owned(), ops }
}

/// Writes a little ledger at `node`: resources raised, consumed, transferred and moved.
/// Returns the node's agent and unit, and its resources.
async fn ledger(node: &TestNode, n: usize) -> (crate::flow::Shop, Vec<String>) {
    let s = shop(node).await;
    let mut resources = Vec::new();
    for i in 0..n {
        resources.push(raise_steel(node, &s, &format!("{}.5", 10 + i)).await);
    }
    let record = "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }";
    for (i, r) in resources.iter().enumerate() {
        for (k, action) in ["consume", "transfer", "transferCustody", "consume"].iter().enumerate() {
            let receiver = if k == 1 { &s.coop } else { &s.lab };
            let e = json!({"action": action, "provider": s.lab, "receiver": receiver, "resourceInventoriedAs": r,
                "hasPointInTime": format!("2026-04-0{}T1{k}:00:00Z", 1 + i % 9),
                "resourceQuantity": {"hasNumericalValue": format!("0.{}5", k + 1), "hasUnit": s.kg}});
            node.ok(record, json!({"e": e})).await;
        }
    }
    (s, resources)
}

/// Gives `to` every op of `from`'s own feed it lacks.
async fn catch_up(to: &TestNode, from: &TestNode) {
    let f = feed_of(from.node.app(), from.node.app().did().as_str()).await;
    apply(to.node.app(), &f, 0, f.ops.len()).await;
}

/// Transfers 0.5 kg from `from`'s resource into `to`'s (homed at another node); returns
/// the event's id.
async fn transfer(from: (&TestNode, &crate::flow::Shop, &str), to: (&crate::flow::Shop, &str)) -> String {
    let (node, s, res) = from;
    let e = json!({"action": "transfer", "provider": s.lab, "receiver": to.0.lab, "resourceInventoriedAs": res,
        "toResourceInventoriedAs": to.1, "hasPointInTime": "2026-04-20T10:00:00Z",
        "resourceQuantity": {"hasNumericalValue": "0.5", "hasUnit": s.kg}});
    let v = node
        .ok(
            "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }",
            json!({"e": e}),
        )
        .await;
    v["createEconomicEvent"]["economicEvent"]["id"].as_str().expect("id").to_owned()
}

/// Transfers between the origins' resources: 0 -> 1 acknowledged by 1, 1 -> 0
/// acknowledged by 0, 2 -> 0 left pending, each into a resource its receiver opens for it.
/// Each node first holds the others' feeds. Returns the receiving resources with how many
/// events each should show as pending.
async fn cross_transfers(nodes: &[TestNode], ledgers: &[(crate::flow::Shop, Vec<String>)]) -> Vec<(String, usize)> {
    for a in nodes {
        for b in nodes {
            if a.url != b.url {
                catch_up(a, b).await;
            }
        }
    }
    let mut acks = Vec::new();
    let mut inboxes = Vec::new();
    for (from, to, acked) in [(0, 1, true), (1, 0, true), (2, 0, false)] {
        // The receiving home opens a resource counted in the sender's unit.
        let shop = crate::flow::Shop { kg: ledgers[from].0.kg.clone(), ..ledgers[to].0.clone() };
        let inbox = raise_steel(&nodes[to], &shop, "1").await;
        catch_up(&nodes[from], &nodes[to]).await;
        let e = transfer((&nodes[from], &ledgers[from].0, &ledgers[from].1[0]), (&ledgers[to].0, &inbox)).await;
        if acked {
            acks.push((to, from, e));
        }
        inboxes.push((inbox, usize::from(!acked)));
    }
    for (home, sender, e) in acks {
        catch_up(&nodes[home], &nodes[sender]).await;
        let ack = "mutation($e: ID!) { acknowledgeEconomicEvent(event: $e) { acknowledgement { id } } }";
        nodes[home].ok(ack, json!({"e": e})).await;
    }
    inboxes
}

/// A node of its own (its own feed: its Organization), holding nothing else yet.
async fn empty_node(dir: &tempfile::TempDir) -> App {
    vf_tests::install_crypto();
    let node = Node::build(Config::ephemeral(dir.path())).await.expect("node");
    node.app().clone()
}

/// Applies `feed.ops[from..to]` to `app`, as one page.
async fn apply(app: &App, feed: &Feed, from: usize, to: usize) {
    if from < to {
        let page = RemoteOps { origin: feed.origin.clone(), ops: feed.ops[from..to].to_vec() };
        app.apply_remote(page).await.expect("applied");
    }
}

/// Feeds every op of `feeds` beyond `held` to `app` in a random schedule: a random feed
/// each step, pages of 1 to 6 ops, now and then a page repeated or reaching back over ops
/// already held.
async fn schedule(app: &App, feeds: &[&Feed], held: &mut [usize], rng: &mut StdRng) {
    loop {
        let open: Vec<usize> = (0..feeds.len()).filter(|&i| held[i] < feeds[i].ops.len()).collect();
        if open.is_empty() {
            return;
        }
        let i = open[rng.gen_range(0..open.len())];
        let from = held[i].saturating_sub(if rng.gen_bool(0.2) { rng.gen_range(1..4) } else { 0 });
        let to = (held[i] + rng.gen_range(1..=6)).min(feeds[i].ops.len());
        apply(app, feeds[i], from, to).await;
        if rng.gen_bool(0.15) {
            apply(app, feeds[i], from, to).await;
        }
        held[i] = to;
    }
}

async fn digest(app: &App) -> String {
    records::state_digest(app.store().db()).await.expect("digest")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_order_duplication_or_partition_gives_the_same_digest() {
    // Three origins write their ledgers, then transfer into each other's resources: some
    // acknowledged by the receiving home, one not. Acknowledgements and the events they
    // confirm are in different feeds, so the schedules below also deliver an
    // acknowledgement before its event.
    let mut nodes = Vec::new();
    let mut ledgers = Vec::new();
    for n in 0..3 {
        let node = TestNode::sqlite().await;
        ledgers.push(ledger(&node, 2 + n).await);
        nodes.push(node);
    }
    let inboxes = cross_transfers(&nodes, &ledgers).await;
    let mut feeds = Vec::new();
    for node in nodes {
        feeds.push(feed_of(node.node.app(), node.node.app().did().as_str()).await);
        node.stop().await;
    }
    let all: Vec<&Feed> = feeds.iter().collect();
    let seeds: u64 = std::env::var("VF_CONVERGENCE_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(6);
    for seed in 0..seeds {
        let mut rng = StdRng::seed_from_u64(seed);
        let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().expect("dir")).collect();
        // In order, feed after feed.
        let ordered = empty_node(&dirs[0]).await;
        for f in &all {
            apply(&ordered, f, 0, f.ops.len()).await;
        }
        // A random schedule.
        let shuffled = empty_node(&dirs[1]).await;
        schedule(&shuffled, &all, &mut [0, 0, 0], &mut rng).await;
        // Partitioned: the two halves of a network each hold some prefix of every feed;
        // then each takes what it lacks, in a schedule of its own.
        let left = empty_node(&dirs[2]).await;
        let right = empty_node(&dirs[3]).await;
        let mut left_held: Vec<usize> = all.iter().map(|f| rng.gen_range(0..=f.ops.len())).collect();
        let mut right_held: Vec<usize> = all.iter().map(|f| rng.gen_range(0..=f.ops.len())).collect();
        for (i, f) in all.iter().enumerate() {
            apply(&left, f, 0, left_held[i]).await;
            apply(&right, f, 0, right_held[i]).await;
        }
        schedule(&left, &all, &mut left_held, &mut rng).await;
        schedule(&right, &all, &mut right_held, &mut rng).await;

        // Every node also takes every other node's own feed, so all hold the same feeds.
        let nodes = [&ordered, &shuffled, &left, &right];
        let mut own = Vec::new();
        for n in nodes {
            own.push(feed_of(n, n.did().as_str()).await);
        }
        for n in nodes {
            let others: Vec<&Feed> = own.iter().filter(|f| f.origin != n.did().as_str()).collect();
            schedule(n, &others, &mut vec![0; others.len()], &mut rng).await;
        }
        let mut heads = Vec::new();
        let mut digests = Vec::new();
        for n in nodes {
            heads.push(ops::heads(n.store().db()).await.expect("heads"));
            digests.push(digest(n).await);
        }
        assert!(heads.windows(2).all(|w| w[0] == w[1]), "seed {seed}: every node holds the same heads");
        assert!(digests.windows(2).all(|w| w[0] == w[1]), "seed {seed}: equal heads, unequal digests: {digests:?}");
        // And the state is the one each origin computed for its own resources.
        for n in nodes {
            let rebuilt = n.rebuild(false).await.expect("rebuild");
            assert!(rebuilt.changed.is_empty(), "seed {seed}: stored state equals a rebuild from events");
        }
        // The acknowledged transfers count at their destination; the other one is pending.
        for (res, want) in &inboxes {
            let want = *want;
            let id: uuid::Uuid = res.parse().expect("uuid");
            let state = records::states(ordered.store().db(), &[id]).await.expect("state").remove(&id).expect("held");
            let state: serde_json::Value = serde_json::from_str(&state).expect("json");
            let pending = state["pending"].as_array().map_or(0, Vec::len);
            assert_eq!(pending, want, "seed {seed}: pending events of {res}: {state}");
        }
    }
}
