//! vf-sync-bench: replication figures between real nodes talking HTTP on loopback, all in
//! this one process (so they share its two cores):
//! 1. catch-up: a fresh node pulls `--ops` ops of one feed from a peer: ops/s, and the time
//!    its pull task spent fetching pages, verifying ops and storing them;
//! 2. propagation: an event written at A, visible at C through B (A - B - C, woken by
//!    notify, timers set far apart): p50 and p99 over `--samples` writes;
//! 3. idle round: the duration of a sync round between two up-to-date nodes holding each of
//!    `--idle-sizes` ops: its cost must not grow with the ops held;
//! 4. hostile peers, for `--hostile-secs`: one serves pages of a followed feed that always
//!    skip its first op, a new window of signed ops each time (so the pending area fills and
//!    must shed), one answers every page with more bytes than a page may hold; the process's
//!    resident memory is sampled every second and must level off.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use valueflows_federation::{NodeKey, Op, OpId};
use valueflows_node::app::App;
use valueflows_node::app::remote::RemoteOps;
use valueflows_node::store::ops;
use vf_tests::{Backend, TestNode};

#[derive(Parser, Debug)]
#[command(about = "Replication benchmarks for vf-node")]
struct Args {
    /// Ops for the catch-up run.
    #[arg(long, default_value_t = 100_000)]
    ops: u64,
    /// Writes timed from A to C.
    #[arg(long, default_value_t = 200)]
    samples: usize,
    /// Ops held by both nodes in each idle-round run.
    #[arg(long, value_delimiter = ',', default_value = "10000,1000000")]
    idle_sizes: Vec<u64>,
    /// Seconds of the hostile-peer run (0 skips it).
    #[arg(long, default_value_t = 60)]
    hostile_secs: u64,
}

/// `n` ops of `key`'s feed with their JSON; with `records`, each creates a unit (about 500
/// bytes an op).
fn signed_feed(key: &NodeKey, n: u64, records: bool) -> anyhow::Result<Vec<(Op, OpId, String)>> {
    let tag = records.then_some("bench");
    vf_tests::signed_feed(key, Vec::new(), n, tag)
        .into_iter()
        .map(|(op, id)| {
            let json = op.to_json()?;
            Ok((op, id, json))
        })
        .collect()
}

/// Stores `feed` at `app` as if pulled, in pages of 1,000.
async fn load(app: &App, feed: &[(Op, OpId, String)]) -> anyhow::Result<()> {
    let origin = feed.first().context("empty feed")?.0.unsigned.origin.to_string();
    for page in feed.chunks(1000) {
        app.apply_remote(RemoteOps { origin: origin.clone(), ops: page.to_vec() }).await?;
    }
    Ok(())
}

async fn held(node: &TestNode, origin: &str) -> anyhow::Result<i64> {
    Ok(ops::head(node.node.app().store().db(), origin).await?.map_or(0, |(s, _)| s))
}

async fn node(tune: impl FnOnce(&mut valueflows_node::Config)) -> anyhow::Result<TestNode> {
    TestNode::spawn(Backend::Sqlite, |c| {
        c.federation.catch_up_secs = 0;
        c.federation.page_ops = 1000;
        tune(c);
    })
    .await
}

async fn catch_up(n: u64) -> anyhow::Result<()> {
    let x = NodeKey::generate();
    let x_did = x.did().to_string();
    let t = Instant::now();
    let feed = signed_feed(&x, n, true)?;
    let bytes: usize = feed.iter().map(|(_, _, j)| j.len()).sum();
    println!(
        "catch-up: {n} ops of one feed ({:.1} MB), signed in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let source = node(|c| c.federation.follow = vec![x_did.clone()]).await?;
    let t = Instant::now();
    load(source.node.app(), &feed).await?;
    println!("  stored at the source in process: {:.0} ops/s", n as f64 / t.elapsed().as_secs_f64());
    let t = Instant::now();
    let fresh = node(|c| {
        c.federation.follow = vec![x_did.clone()];
        c.federation.peers = vec![source.url.clone()];
    })
    .await?;
    while held(&fresh, &x_did).await? < n as i64 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let secs = t.elapsed().as_secs_f64();
    let h = fresh.node.sync().health().into_iter().next().context("peer")?;
    let total = (h.fetch_ms + h.verify_ms + h.apply_ms).max(1) as f64;
    let share = |ms: u64| 100.0 * ms as f64 / total;
    println!("  a fresh node pulled them in {secs:.1} s: {:.0} ops/s (goal: 20,000)", n as f64 / secs);
    println!(
        "  its pull task: fetching (network, serving, parsing) {:.0}% ({} ms), verifying {:.0}% ({} ms), storing {:.0}% ({} ms)",
        share(h.fetch_ms),
        h.fetch_ms,
        share(h.verify_ms),
        h.verify_ms,
        share(h.apply_ms),
        h.apply_ms
    );
    fresh.stop().await;
    source.stop().await;
    Ok(())
}

async fn propagation(samples: usize) -> anyhow::Result<()> {
    let slow = |c: &mut valueflows_node::Config| c.federation.interval_secs = 3600;
    let (a, b, c) = (node(slow).await?, node(slow).await?, node(slow).await?);
    let a_did = a.node.app().did().to_string();
    for (n, peers) in [(&a, vec![&b]), (&b, vec![&a, &c]), (&c, vec![&b])] {
        for p in peers {
            n.node.sync().add_peer(&p.url).await?;
        }
    }
    b.node.sync().set_follow(&a_did, true).await?;
    c.node.sync().set_follow(&a_did, true).await?;
    // Let every node learn its peers' DIDs (notify goes to peers it has met).
    let met = |n: &TestNode| n.node.sync().health().iter().all(|h| h.did.is_some() && h.last_success.is_some());
    let deadline = Instant::now() + Duration::from_secs(30);
    while !(met(&a) && met(&b) && met(&c)) {
        if Instant::now() > deadline {
            bail!("the nodes never met");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let me = a.ok("{ myAgent { id } }", json!({})).await["myAgent"]["id"].clone();
    let unit = a
        .ok("mutation { createUnit(unit: {label: \"kilogram\", symbol: \"kg\"}) { unit { id } } }", json!({}))
        .await["createUnit"]["unit"]["id"]
        .clone();
    let spec = a
        .ok("mutation { createResourceSpecification(resourceSpecification: {name: \"Steel\"}) { resourceSpecification { id } } }", json!({}))
        .await["createResourceSpecification"]["resourceSpecification"]["id"]
        .clone();
    let raise = json!({"action": "raise", "provider": me, "receiver": me, "hasPointInTime": "2026-05-01T09:00:00Z",
        "resourceConformsTo": spec, "resourceQuantity": {"hasNumericalValue": "1000000", "hasUnit": unit}});
    let record = "mutation($e: EconomicEventCreateParams!, $r: EconomicResourceCreateParams) {
        createEconomicEvent(event: $e, newInventoriedResource: $r) { economicResource { id } } }";
    let created = a.ok(record, json!({"e": raise, "r": {"name": "Steel"}})).await;
    let resource: Value = created["createEconomicEvent"]["economicResource"]["id"].clone();
    let mut hist = Histogram::<u64>::new(3)?;
    for i in 0..samples {
        let e = json!({"action": "consume", "provider": me, "receiver": me, "resourceInventoriedAs": resource,
            "hasPointInTime": format!("2026-05-01T10:{:02}:{:02}Z", (i / 60) % 60, i % 60),
            "resourceQuantity": {"hasNumericalValue": "0.5", "hasUnit": unit}});
        let t = Instant::now();
        a.ok(record, json!({"e": e})).await;
        let want = held(&a, &a_did).await?;
        while held(&c, &a_did).await? < want {
            if t.elapsed() > Duration::from_secs(30) {
                bail!("write {i} never reached C");
            }
            tokio::time::sleep(Duration::from_micros(500)).await;
        }
        hist.record(u64::try_from(t.elapsed().as_micros())?)?;
    }
    println!(
        "propagation A -> B -> C, {samples} events: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (goal: p50 under 200 ms)",
        hist.value_at_quantile(0.5) as f64 / 1000.0,
        hist.value_at_quantile(0.99) as f64 / 1000.0,
        hist.max() as f64 / 1000.0
    );
    for n in [a, b, c] {
        n.stop().await;
    }
    Ok(())
}

async fn idle_round(n: u64) -> anyhow::Result<()> {
    let x = NodeKey::generate();
    let x_did = x.did().to_string();
    let feed = signed_feed(&x, n, false)?;
    let fast = |c: &mut valueflows_node::Config| {
        c.federation.follow = vec![x_did.clone()];
        c.federation.interval_secs = 1;
    };
    let (p, q) = (node(fast).await?, node(fast).await?);
    let t = Instant::now();
    tokio::try_join!(load(p.node.app(), &feed), load(q.node.app(), &feed))?;
    let loaded = t.elapsed().as_secs_f64();
    q.node.sync().add_peer(&p.url).await?;
    p.node.sync().add_peer(&q.url).await?;
    // Rounds run about every second; take the durations of rounds after both are up to date.
    let mut hist = Histogram::<u64>::new(3)?;
    let mut last = String::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while hist.len() < 20 {
        if Instant::now() > deadline {
            bail!("too few idle rounds");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let h = q.node.sync().health().into_iter().next().context("peer")?;
        let at = h.last_success.clone().unwrap_or_default();
        if at != last && h.lag_ops == 0 && h.failures == 0 && h.pulled_ops <= 2 {
            last = at;
            hist.record(h.last_round_us.max(1))?;
        }
    }
    println!(
        "idle round between two nodes holding {n} ops each (loaded in {loaded:.0} s): p50 {:.2} ms, max {:.2} ms over {} rounds",
        hist.value_at_quantile(0.5) as f64 / 1000.0,
        hist.max() as f64 / 1000.0,
        hist.len()
    );
    p.stop().await;
    q.stop().await;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.ops > 0 {
        catch_up(args.ops).await?;
    }
    propagation(args.samples).await?;
    for n in args.idle_sizes {
        idle_round(n).await?;
    }
    if args.hostile_secs > 0 {
        hostile(args.hostile_secs).await?;
    }
    Ok(())
}

/// Resident memory of this process, in MiB (Linux).
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// What a hostile peer serves: one followed feed, badly.
struct Hostile {
    key: NodeKey,
    /// The feed's origin.
    origin: String,
    /// Its ops 2.. as wire JSON (op 1 is never served), pages of 1,000 in turn; None: every
    /// page is larger than a page may be.
    gapped: Option<Vec<String>>,
    /// Pages asked for.
    served: std::sync::atomic::AtomicUsize,
}

/// Serves `vfsync/1` badly: see the module's point 4.
async fn hostile_peer(h: std::sync::Arc<Hostile>) -> anyhow::Result<String> {
    use axum::extract::{Path, State};
    use axum::routing::{get, post};
    use valueflows_federation::protocol::{FeedHead, OPS_PATH};
    type S = State<std::sync::Arc<Hostile>>;
    let info = |State(h): S| async move { axum::Json(vf_tests::node_info(&h.key)) };
    let heads = |State(h): S| async move {
        let feeds = vec![FeedHead { origin: h.origin.clone(), seq: 1_000_000, head: "a".repeat(64) }];
        axum::Json(json!({"feeds": feeds, "digest": null}))
    };
    let ops = |State(h): S, Path(origin): Path<String>| async move {
        let n = h.served.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let body = match &h.gapped {
            None => format!("{{\"origin\":\"{origin}\",\"ops\":[],\"more\":true,\"pad\":\"{}\"}}", "x".repeat(6 << 20)),
            Some(ops) => {
                let k = n % (ops.len() / 1000).max(1);
                let page = ops[k * 1000..(k + 1) * 1000].join(",");
                format!("{{\"origin\":\"{origin}\",\"ops\":[{page}],\"more\":true}}")
            }
        };
        ([("content-type", "application/json")], body)
    };
    let app = axum::Router::new()
        .route("/.well-known/vf-node", get(info))
        .route("/vfsync/v1/heads", get(heads))
        .route(OPS_PATH, get(ops))
        .route("/vfsync/v1/notify", post(|| async { axum::http::StatusCode::ACCEPTED }))
        .with_state(h);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

async fn hostile(secs: u64) -> anyhow::Result<()> {
    let x = NodeKey::generate();
    let y = NodeKey::generate();
    // 30 windows of 1,000 signed ops, three times what the pending area holds.
    let feed = signed_feed(&x, 30_001, true)?;
    let wire: Vec<String> = feed.into_iter().skip(1).map(|(_, _, json)| json).collect();
    let gapped = std::sync::Arc::new(Hostile {
        key: NodeKey::generate(),
        origin: x.did().to_string(),
        gapped: Some(wire),
        served: 0.into(),
    });
    let oversized = std::sync::Arc::new(Hostile {
        key: NodeKey::generate(),
        origin: y.did().to_string(),
        gapped: None,
        served: 0.into(),
    });
    let urls = vec![hostile_peer(gapped.clone()).await?, hostile_peer(oversized.clone()).await?];
    let victim = node(|c| {
        c.federation.follow = vec![x.did().to_string(), y.did().to_string()];
        c.federation.peers = urls.clone();
        c.federation.interval_secs = 1;
        c.federation.max_backoff_secs = 1;
    })
    .await?;
    let start = rss_mib();
    let mut samples = Vec::new();
    for _ in 0..secs {
        tokio::time::sleep(Duration::from_secs(1)).await;
        samples.push(rss_mib());
    }
    let (pending, bytes) = victim.node.sync().pending();
    let half = samples.len() / 2;
    let max = |s: &[f64]| s.iter().copied().fold(0.0, f64::max);
    let pages = gapped.served.load(std::sync::atomic::Ordering::Relaxed);
    let refused = oversized.served.load(std::sync::atomic::Ordering::Relaxed);
    let alive = victim.gql("{ myAgent { id } }", json!({})).await["data"]["myAgent"]["id"].is_string();
    println!(
        "hostile peers for {secs} s: {pages} gapped pages of 1,000 ops served, {refused} oversized pages refused; \
         resident memory {start:.0} MiB at start, at most {:.0} MiB in the first half, {:.0} MiB in the second; \
         pending area {pending} ops, {:.1} MiB of JSON (bounds 10,000 ops, 16 MiB); node answering: {alive}",
        max(&samples[..half]),
        max(&samples[half..]),
        bytes as f64 / (1024.0 * 1024.0)
    );
    victim.stop().await;
    Ok(())
}
