//! vf-load: drives a vf-node over HTTP and reports throughput, latency and memory.
//!
//! It starts `vf-node serve` as its own process (release build next to this binary) on a
//! fresh data directory, then:
//! 1. writes `--events` economic events from `--clients` concurrent clients
//!    (each acknowledged only after commit), measuring writes/s and p50/p99;
//! 2. reads `economicEvents(first: 50)` with provider, receiver and resource nested for
//!    `--seconds`, measuring queries/s and p50/p99;
//! 3. for `--mixed-seconds`, has every client write an event and read a page in turn,
//!    measuring both;
//! 4. reads the node's resident memory, and checks that the events stored equal the
//!    events acknowledged, that `vf-node rebuild --check` finds nothing to change, and that
//!    the node's feed is gap-free (seq 1..N, each op naming the one before).

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use hdrhistogram::Histogram;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::Mutex;

#[derive(Parser, Debug)]
#[command(about = "Load test for vf-node")]
struct Args {
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Events to write in the write phase.
    #[arg(long, default_value_t = 100_000)]
    events: u64,
    /// Length of the read phase, in seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// The vf-node binary (default: next to this one).
    #[arg(long)]
    node_bin: Option<PathBuf>,
    /// Length of the mixed phase (every client writing and reading in turn), in seconds;
    /// 0 skips it.
    #[arg(long, default_value_t = 20)]
    mixed_seconds: u64,
    /// Run the node on this database instead of SQLite in a temporary directory.
    #[arg(long, conflicts_with = "postgres")]
    database_url: Option<String>,
    /// Run the node on a fresh PostgreSQL database created through this server URL
    /// (`postgres://postgres@127.0.0.1:5432/test`), dropped at the end.
    #[arg(long)]
    postgres: Option<String>,
    /// Extra `VF_*=value` settings for the node (repeatable), e.g. VF_STORAGE__SQLITE_SYNCHRONOUS=normal.
    #[arg(long = "node-env")]
    node_env: Vec<String>,
}

const EVENT: &str =
    "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }";
const LIST: &str =
    "query($after: String) { economicEvents(first: 50, after: $after) { edges { cursor node { id action { id }
  resourceQuantity { hasNumericalValue hasUnit { symbol } } provider { id name } receiver { id name }
  resourceInventoriedAs { id name onhandQuantity { hasNumericalValue } } } } } }";

struct Node {
    child: tokio::process::Child,
    url: String,
    token: String,
    bin: PathBuf,
    data_dir: PathBuf,
    db: Option<String>,
}

async fn start_node(args: &Args) -> anyhow::Result<Node> {
    let bin = match &args.node_bin {
        Some(b) => b.clone(),
        None => std::env::current_exe()?.with_file_name("vf-node"),
    };
    if !bin.exists() {
        bail!("no vf-node binary at {} (build it: cargo build --release -p valueflows-node)", bin.display());
    }
    let data_dir = std::env::temp_dir().join(format!("vf-load-{}", uuid::Uuid::now_v7()));
    let mut cmd = tokio::process::Command::new(&bin);
    cmd.arg("serve").arg("--data-dir").arg(&data_dir).arg("--listen").arg("127.0.0.1:0");
    if let Some(db) = &args.database_url {
        cmd.arg("--database-url").arg(db);
    }
    cmd.env("RUST_LOG", "warn");
    for kv in &args.node_env {
        let (k, v) = kv.split_once('=').context("--node-env takes KEY=VALUE")?;
        cmd.env(k, v);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).kill_on_drop(true);
    let mut child = cmd.spawn().with_context(|| format!("cannot start {}", bin.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut url = None;
    while let Some(line) = tokio::time::timeout(Duration::from_secs(60), lines.next_line()).await?? {
        if let Some(addr) = line.strip_prefix("listening on ") {
            url = Some(format!("{addr}/graphql"));
            break;
        }
    }
    let url = url.context("the node did not say where it listens")?;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let mut tok = std::process::Command::new(&bin);
    tok.args(["token", "--scope", "write", "--data-dir"]).arg(&data_dir);
    if let Some(db) = &args.database_url {
        tok.arg("--database-url").arg(db);
    }
    let out = tok.output()?;
    if !out.status.success() {
        bail!("vf-node token failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let token = String::from_utf8(out.stdout)?.trim().to_owned();
    Ok(Node { child, url, token, bin, data_dir, db: args.database_url.clone() })
}

async fn gql(c: &reqwest::Client, node: &Node, query: &str, vars: Value) -> anyhow::Result<Value> {
    let v: Value = c
        .post(&node.url)
        .bearer_auth(&node.token)
        .json(&json!({"query": query, "variables": vars}))
        .send()
        .await?
        .json()
        .await?;
    if let Some(e) = v.get("errors") {
        bail!("GraphQL errors: {e}");
    }
    Ok(v["data"].clone())
}

/// Records `qty` kilograms raised into `resource`, acknowledged once committed.
async fn raise(
    c: &reqwest::Client,
    node: &Node,
    me: &str,
    kg: &str,
    resource: &str,
    at: &str,
    qty: &str,
) -> anyhow::Result<Value> {
    let e = json!({"action": "raise", "provider": me, "receiver": me, "hasPointInTime": at,
        "resourceInventoriedAs": resource, "resourceQuantity": {"hasNumericalValue": qty, "hasUnit": kg}});
    gql(c, node, EVENT, json!({ "e": e })).await
}

fn s(v: &Value) -> anyhow::Result<String> {
    v.as_str().map(str::to_owned).context("expected a string")
}

fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn report(name: &str, h: &Histogram<u64>, n: u64, elapsed: Duration) {
    println!(
        "{name}: {n} in {:.1}s = {:.0}/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        h.value_at_quantile(0.5) as f64 / 1000.0,
        h.value_at_quantile(0.99) as f64 / 1000.0,
        h.max() as f64 / 1000.0
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut args = Args::parse();
    let fresh = match &args.postgres {
        Some(server) => {
            let name = format!("vf_load_{}", uuid::Uuid::now_v7().simple());
            let admin = sea_orm::Database::connect(server.as_str()).await.context("connecting to PostgreSQL")?;
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
            admin.close().await?;
            args.database_url = Some(vf_tests::replace_database(server, &name));
            Some((server.clone(), name))
        }
        None => None,
    };
    let result = run(&args).await;
    if let Some((server, name)) = fresh
        && let Ok(admin) = sea_orm::Database::connect(server.as_str()).await
    {
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    }
    result
}

async fn run(args: &Args) -> anyhow::Result<()> {
    let node = start_node(args).await?;
    let pid = node.child.id().context("node pid")?;
    let c = reqwest::Client::builder().pool_max_idle_per_host(args.clients * 2).build()?;
    let backend = if args.database_url.is_some() { "PostgreSQL" } else { "SQLite" };
    println!("node at {} (pid {pid}) on {backend}; {} clients", node.url, args.clients);

    // Setup: a unit, two agents, a specification, and 100 resources to write against.
    let me = s(&gql(&c, &node, "{ myAgent { id } }", json!({})).await?["myAgent"]["id"])?;
    let kg = s(&gql(
        &c,
        &node,
        "mutation { createUnit(unit: {label: \"kilogram\", symbol: \"kg\"}) { unit { id } } }",
        json!({}),
    )
    .await?["createUnit"]["unit"]["id"])?;
    let spec = s(&gql(&c, &node, "mutation { createResourceSpecification(resourceSpecification: {name: \"Filament\"}) { resourceSpecification { id } } }", json!({})).await?
        ["createResourceSpecification"]["resourceSpecification"]["id"])?;
    let mut resources = Vec::new();
    for i in 0..100 {
        let v = gql(&c, &node, "mutation($e: EconomicEventCreateParams!, $r: EconomicResourceCreateParams) { createEconomicEvent(event: $e, newInventoriedResource: $r) { economicResource { id } } }",
            json!({"e": {"action": "raise", "provider": me, "receiver": me, "hasPointInTime": "2026-01-01T00:00:00Z",
                         "resourceQuantity": {"hasNumericalValue": "0", "hasUnit": kg}, "resourceConformsTo": spec},
                   "r": {"name": format!("Spool {i}")}})).await?;
        resources.push(s(&v["createEconomicEvent"]["economicResource"]["id"])?);
    }
    let resources = Arc::new(resources);

    // Write phase.
    let next = Arc::new(AtomicU64::new(0));
    let hist = Arc::new(Mutex::new(Histogram::<u64>::new(3)?));
    let node = Arc::new(node);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.clients {
        let (c, node, next, hist, resources, me, kg) =
            (c.clone(), node.clone(), next.clone(), hist.clone(), resources.clone(), me.clone(), kg.clone());
        let total = args.events;
        tasks.push(tokio::spawn(async move {
            let mut local = Histogram::<u64>::new(3)?;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let r = &resources[(i % resources.len() as u64) as usize];
                let t = Instant::now();
                raise(&c, &node, &me, &kg, r, "2026-01-02T00:00:00Z", "0.25").await?;
                local.record(t.elapsed().as_micros() as u64)?;
            }
            hist.lock().await.add(&local)?;
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let write_elapsed = started.elapsed();
    if args.events > 0 {
        report("createEconomicEvent", &*hist.lock().await, args.events, write_elapsed);
    }
    println!("node resident memory after {} events: {:.1} MiB", args.events + 100, rss_mib(pid).unwrap_or(f64::NAN));

    // Read phase.
    let hist = Arc::new(Mutex::new(Histogram::<u64>::new(3)?));
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..args.clients {
        let (c, node, hist, done) = (c.clone(), node.clone(), hist.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut local = Histogram::<u64>::new(3)?;
            let mut after: Option<String> = None;
            let mut n = k;
            while Instant::now() < deadline {
                let t = Instant::now();
                let v = gql(&c, &node, LIST, json!({"after": after})).await?;
                local.record(t.elapsed().as_micros() as u64)?;
                done.fetch_add(1, Ordering::Relaxed);
                // Walk different pages: follow the cursor a few pages, then start over.
                n += 1;
                after = if n % 20 == 0 {
                    None
                } else {
                    v["economicEvents"]["edges"]
                        .as_array()
                        .and_then(|e| e.last())
                        .and_then(|e| e["cursor"].as_str())
                        .map(str::to_owned)
                };
            }
            hist.lock().await.add(&local)?;
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    if args.seconds > 0 {
        report(
            "economicEvents(first: 50) nested",
            &*hist.lock().await,
            done.load(Ordering::Relaxed),
            started.elapsed(),
        );
    }
    println!("node resident memory after reads: {:.1} MiB", rss_mib(pid).unwrap_or(f64::NAN));

    // Mixed phase: each client writes an event, then reads a page, until the deadline.
    let mut mixed_acked = 0;
    if args.mixed_seconds > 0 {
        let writes = Arc::new(Mutex::new(Histogram::<u64>::new(3)?));
        let reads = Arc::new(Mutex::new(Histogram::<u64>::new(3)?));
        let acked = Arc::new(AtomicU64::new(0));
        let deadline = Instant::now() + Duration::from_secs(args.mixed_seconds);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for k in 0..args.clients {
            let (c, node, writes, reads, acked, resources, me, kg) = (
                c.clone(),
                node.clone(),
                writes.clone(),
                reads.clone(),
                acked.clone(),
                resources.clone(),
                me.clone(),
                kg.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let (mut w, mut r) = (Histogram::<u64>::new(3)?, Histogram::<u64>::new(3)?);
                let mut i = k;
                while Instant::now() < deadline {
                    let res = &resources[i % resources.len()];
                    // Clients start at their own resource and step by a prime: they spread out.
                    i += 7;
                    let t = Instant::now();
                    raise(&c, &node, &me, &kg, res, "2026-01-03T00:00:00Z", "0.5").await?;
                    w.record(t.elapsed().as_micros() as u64)?;
                    acked.fetch_add(1, Ordering::Relaxed);
                    let t = Instant::now();
                    gql(&c, &node, LIST, json!({"after": null})).await?;
                    r.record(t.elapsed().as_micros() as u64)?;
                }
                writes.lock().await.add(&w)?;
                reads.lock().await.add(&r)?;
                anyhow::Ok(())
            }));
        }
        for t in tasks {
            t.await??;
        }
        let elapsed = started.elapsed();
        mixed_acked = acked.load(Ordering::Relaxed);
        let reads_done = reads.lock().await.len();
        report("mixed: createEconomicEvent", &*writes.lock().await, mixed_acked, elapsed);
        report("mixed: economicEvents(first: 50) nested", &*reads.lock().await, reads_done, elapsed);
    }

    // Nothing lost: stored == acknowledged, and the derived state equals a rebuild.
    let v = gql(&c, &node, "{ economicEvents(first: 1) { pageInfo { totalCount } } }", json!({})).await?;
    let stored = v["economicEvents"]["pageInfo"]["totalCount"].as_u64().unwrap_or(0);
    let acked = args.events + 100 + mixed_acked;
    println!("events stored {stored}, acknowledged {acked}: {}", if stored == acked { "equal" } else { "MISMATCH" });
    let sample = gql(
        &c,
        &node,
        "query($id: ID!) { economicResource(id: $id) { onhandQuantity { hasNumericalValue } } }",
        json!({"id": resources[0]}),
    )
    .await?;
    println!("resource 0 onhand: {}", sample["economicResource"]["onhandQuantity"]["hasNumericalValue"]);
    let mut node = Arc::try_unwrap(node).map_err(|_| anyhow::anyhow!("node still shared"))?;
    node.child.start_kill()?;
    node.child.wait().await?;
    let mut rb = std::process::Command::new(&node.bin);
    rb.args(["rebuild", "--check", "--data-dir"]).arg(&node.data_dir);
    if let Some(db) = &node.db {
        rb.arg("--database-url").arg(db);
    }
    let out = rb.output()?;
    println!("rebuild --check: {}", String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("").trim());
    let gaps = feed_gaps(&node).await?;
    println!("feed: {}", gaps.as_deref().unwrap_or("gap-free, every op names the one before"));
    let _ = std::fs::remove_dir_all(&node.data_dir);
    if stored != acked || !out.status.success() || gaps.is_some() {
        bail!("the ledger lost or changed data under load");
    }
    Ok(())
}

/// Reads the node's own feed from its stopped database: None when seq runs 1..N with each
/// op naming the one before, else what is wrong.
async fn feed_gaps(node: &Node) -> anyhow::Result<Option<String>> {
    let key = valueflows_node::app::load_or_create_key(&node.data_dir)?;
    let mut cfg = valueflows_node::config::Config::ephemeral(&node.data_dir);
    cfg.database_url = node.db.clone();
    let store = valueflows_node::store::Store::open(
        &cfg.effective_database_url(),
        valueflows_node::config::SqliteSync::Full,
        1,
    )
    .await?;
    let (mut prev, mut due): (Option<String>, i64) = (None, 1);
    loop {
        let page = valueflows_node::store::ops::range(store.db(), key.did().as_str(), due - 1, 10_000).await?;
        if page.is_empty() {
            break;
        }
        for op in page {
            if op.seq != due {
                return Ok(Some(format!("seq {} where {due} was due", op.seq)));
            }
            if op.prev != prev {
                return Ok(Some(format!("op {due} does not name op {}", due - 1)));
            }
            prev = Some(op.op_id);
            due += 1;
        }
    }
    store.close().await?;
    println!("feed holds {} ops", due - 1);
    Ok(None)
}
