//! Replication over a bad network: every request between two writing nodes passes through
//! a proxy that, on a seeded schedule, drops requests, loses responses after the upstream
//! handled them, duplicates requests (the copy replays the same peer token), and delays
//! each by a random time, so that concurrent requests (pulls, notifies) overtake each other.
//! Midway the two are partitioned for a while, then healed. Pass: both nodes reach equal
//! heads and equal digests, and each holds exactly the events both sides acknowledged.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use vf_tests::{Backend, TestNode};

use crate::flow::{raise_steel, shop};
use crate::hostile::{FEDERATION, eventually};

/// A faulty link to one node.
struct Proxy {
    upstream: OnceLock<String>,
    rng: Mutex<StdRng>,
    /// Faults are injected only while on (the nodes start on a clean link).
    faulty: AtomicBool,
    partitioned: AtomicBool,
    client: reqwest::Client,
    dropped: AtomicU64,
    lost: AtomicU64,
    duplicated: AtomicU64,
    forwarded: AtomicU64,
}

/// What the proxy does with one request.
enum Fate {
    Drop,
    LoseResponse,
    Duplicate,
    Deliver,
}

impl Proxy {
    async fn start(seed: u64) -> (String, Arc<Proxy>) {
        vf_tests::install_crypto();
        let proxy = Arc::new(Proxy {
            upstream: OnceLock::new(),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            faulty: AtomicBool::new(false),
            partitioned: AtomicBool::new(false),
            client: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client"),
            dropped: AtomicU64::new(0),
            lost: AtomicU64::new(0),
            duplicated: AtomicU64::new(0),
            forwarded: AtomicU64::new(0),
        });
        let app = axum::Router::new().fallback(forward).with_state(proxy.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, proxy)
    }

    fn fate(&self) -> (Fate, Duration) {
        let mut rng = self.rng.lock().expect("rng");
        let delay = Duration::from_millis(rng.gen_range(0..250));
        let roll: f64 = rng.r#gen();
        let fate = match roll {
            r if r < 0.15 => Fate::Drop,
            r if r < 0.25 => Fate::LoseResponse,
            r if r < 0.35 => Fate::Duplicate,
            _ => Fate::Deliver,
        };
        (fate, delay)
    }

    async fn send(
        &self,
        method: &axum::http::Method,
        path: &str,
        headers: &axum::http::HeaderMap,
        body: &Bytes,
    ) -> Response {
        let Some(upstream) = self.upstream.get() else { return StatusCode::SERVICE_UNAVAILABLE.into_response() };
        let mut req = self.client.request(method.clone(), format!("{upstream}{path}")).body(body.clone());
        for name in [axum::http::header::AUTHORIZATION, axum::http::header::CONTENT_TYPE] {
            if let Some(v) = headers.get(&name) {
                req = req.header(name, v);
            }
        }
        self.forwarded.fetch_add(1, Ordering::Relaxed);
        match req.send().await {
            Ok(resp) => {
                let status = resp.status();
                let kind = resp.headers().get(axum::http::header::CONTENT_TYPE).cloned();
                let bytes = resp.bytes().await.unwrap_or_default();
                let mut out = (status, bytes).into_response();
                if let Some(k) = kind {
                    out.headers_mut().insert(axum::http::header::CONTENT_TYPE, k);
                }
                out
            }
            Err(_) => StatusCode::BAD_GATEWAY.into_response(),
        }
    }
}

async fn forward(State(proxy): State<Arc<Proxy>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 16 << 20).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    if proxy.partitioned.load(Ordering::Relaxed) {
        proxy.dropped.fetch_add(1, Ordering::Relaxed);
        return StatusCode::BAD_GATEWAY.into_response();
    }
    if !proxy.faulty.load(Ordering::Relaxed) {
        return proxy.send(&parts.method, &path, &parts.headers, &body).await;
    }
    let (fate, delay) = proxy.fate();
    tokio::time::sleep(delay).await;
    match fate {
        Fate::Drop => {
            proxy.dropped.fetch_add(1, Ordering::Relaxed);
            StatusCode::BAD_GATEWAY.into_response()
        }
        Fate::LoseResponse => {
            proxy.lost.fetch_add(1, Ordering::Relaxed);
            let _ = proxy.send(&parts.method, &path, &parts.headers, &body).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        Fate::Duplicate => {
            // Both copies arrive; the sender sees the first answer.
            proxy.duplicated.fetch_add(1, Ordering::Relaxed);
            let (first, _) = tokio::join!(
                proxy.send(&parts.method, &path, &parts.headers, &body),
                proxy.send(&parts.method, &path, &parts.headers, &body)
            );
            first
        }
        Fate::Deliver => proxy.send(&parts.method, &path, &parts.headers, &body).await,
    }
}

/// A node that reaches its peer only through `via`.
async fn spawn(backend: Backend, via: &str) -> TestNode {
    let via = via.to_owned();
    TestNode::spawn_or_sqlite(backend, move |c: &mut valueflows_node::Config| {
        c.federation.peers = vec![via.clone()];
        c.federation.interval_secs = 1;
        c.federation.page_ops = 5;
        c.federation.request_timeout_secs = 3;
        c.federation.max_backoff_secs = 2;
        c.federation.catch_up_secs = 5;
    })
    .await
}

async fn federation(n: &TestNode) -> Value {
    n.ok(FEDERATION, json!({})).await["federation"].clone()
}

async fn event_count(n: &TestNode) -> u64 {
    let v = n.ok("{ economicEvents(first: 1) { pageInfo { totalCount } } }", json!({})).await;
    v["economicEvents"]["pageInfo"]["totalCount"].as_u64().expect("count")
}

/// Writes `n` consume events at `node`; returns how many were acknowledged (all of them).
async fn write_events(node: &TestNode, n: usize) -> u64 {
    let s = shop(node).await;
    let steel = raise_steel(node, &s, "1000").await;
    for i in 0..n {
        let e = json!({"action": "consume", "provider": s.lab, "receiver": s.lab, "resourceInventoriedAs": steel,
            "hasPointInTime": format!("2026-06-01T10:{:02}:{:02}Z", i / 60, i % 60),
            "resourceQuantity": {"hasNumericalValue": "1.5", "hasUnit": s.kg}});
        node.ok(
            "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }",
            json!({"e": e}),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    1 + n as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_converge_over_a_lossy_duplicating_reordering_partitioned_network() {
    let seed: u64 = std::env::var("VF_FAULT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(7);
    let (to_a, link_a) = Proxy::start(seed).await;
    let (to_b, link_b) = Proxy::start(seed.wrapping_add(1)).await;
    let a = spawn(Backend::Sqlite, &to_b).await;
    let b = spawn(Backend::Postgres, &to_a).await;
    link_a.upstream.set(a.url.clone()).expect("set once");
    link_b.upstream.set(b.url.clone()).expect("set once");
    let (a_did, b_did) = (a.node.app().did().to_string(), b.node.app().did().to_string());
    for (n, other) in [(&a, &b_did), (&b, &a_did)] {
        let r = n
            .gql_as(Some(&n.admin_token()), "mutation($d: String!) { followFeed(did: $d) }", json!({"d": other}))
            .await;
        assert!(r.get("errors").is_none(), "{r}");
    }
    a.writable().await;
    b.writable().await;

    // Both write while the link misbehaves; a partition cuts them apart for a while.
    for link in [&link_a, &link_b] {
        link.faulty.store(true, Ordering::Relaxed);
    }
    let partition = async {
        tokio::time::sleep(Duration::from_millis(800)).await;
        for link in [&link_a, &link_b] {
            link.partitioned.store(true, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        for link in [&link_a, &link_b] {
            link.partitioned.store(false, Ordering::Relaxed);
        }
    };
    let (written_a, written_b, ()) = tokio::join!(write_events(&a, 60), write_events(&b, 60), partition);

    let want = written_a + written_b;
    eventually(&format!("seed {seed}: equal heads"), async || {
        let (fa, fb) = (federation(&a).await, federation(&b).await);
        fa["feeds"] == fb["feeds"] && fa["feeds"].as_array().is_some_and(|f| f.len() == 2)
    })
    .await;
    let (fa, fb) = (federation(&a).await, federation(&b).await);
    assert_eq!(fa["digest"], fb["digest"], "seed {seed}: equal heads, equal digests");
    assert_eq!(fa["forks"], json!([]), "seed {seed}: no fork from duplicated or replayed requests");
    assert_eq!(event_count(&a).await, want, "seed {seed}: every acknowledged event at A, once");
    assert_eq!(event_count(&b).await, want, "seed {seed}: every acknowledged event at B, once");
    for n in [&a, &b] {
        let report = n.node.app().rebuild(false).await.expect("rebuild");
        assert!(report.changed.is_empty(), "seed {seed}: stored state equals a rebuild at {}", n.url);
    }
    // The faults did happen.
    let count = |f: fn(&Proxy) -> &AtomicU64| f(&link_a).load(Ordering::Relaxed) + f(&link_b).load(Ordering::Relaxed);
    let (dropped, lost, duplicated) = (count(|p| &p.dropped), count(|p| &p.lost), count(|p| &p.duplicated));
    assert!(dropped > 0 && lost > 0 && duplicated > 0, "seed {seed}: faults {dropped} {lost} {duplicated}");
    eprintln!(
        "faults (seed {seed}): {} forwarded, {dropped} dropped, {lost} responses lost, {duplicated} duplicated",
        count(|p| &p.forwarded)
    );
    a.stop().await;
    b.stop().await;
}
