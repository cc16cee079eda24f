//! The API's limits, each set small: aliases, batches, the request timeout, requests in
//! flight, the rate per client, and slow clients. Each breach gets its status, its code and
//! `extensions.limit`, moves its counter in `/metrics`, and leaves the ledger as it was.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use valueflows_node::Config;
use valueflows_node::auth::Scope;
use vf_tests::{TestNode, error_code};

use crate::bad_input::fingerprint;
use crate::hostile::eventually;
use crate::metrics::{Exposition, scrape};

/// Runs `$suite(node)` on a SQLite node and on a PostgreSQL node, both tuned by `$tune`.
macro_rules! tuned {
    ($($suite:ident: $tune:ident),* $(,)?) => {
        $(
            mod $suite {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let node = vf_tests::TestNode::spawn(vf_tests::Backend::Sqlite, super::$tune)
                        .await
                        .expect("a SQLite node");
                    super::$suite(&node).await;
                    node.stop().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(node) = vf_tests::TestNode::postgres_with(super::$tune).await {
                        super::$suite(&node).await;
                        node.stop().await;
                    }
                }
            }
        )*
    };
}

/// A response: its status, its `Retry-After` and its body.
struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: Value,
}

impl Answer {
    /// The first error's `extensions.limit`.
    fn limit(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["limit"].as_str()
    }

    fn message(&self) -> &str {
        self.body["errors"][0]["message"].as_str().unwrap_or("")
    }
}

/// POSTs `body` as JSON to `/graphql`, with `token` and `headers`.
async fn post(node: &TestNode, token: Option<&str>, headers: &[(&str, &str)], body: String) -> Answer {
    let mut req =
        node.http().post(format!("{}/graphql", node.url)).header("content-type", "application/json").body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    answer(req.send().await.expect("sent")).await
}

async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status().as_u16();
    let retry_after = r.headers().get("retry-after").map(|v| {
        v.to_str().ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("Retry-After in seconds: {v:?}"))
    });
    let text = r.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("a JSON body ({e}): {status} {text}"));
    Answer { status, retry_after, body }
}

fn query(q: &str) -> String {
    json!({ "query": q }).to_string()
}

const ACTIONS: &str = "{ actions { id } }";

fn create_unit(label: &str) -> String {
    json!({
        "query": "mutation($l: String!) { createUnit(unit: {label: $l, symbol: \"u\"}) { unit { id } } }",
        "variables": {"l": label},
    })
    .to_string()
}

/// How far a counter moved between two scrapes.
fn moved(before: &Exposition, after: &Exposition, name: &str, labels: &[(&str, &str)]) -> f64 {
    after.count(name, labels) - before.count(name, labels)
}

fn breaches(before: &Exposition, after: &Exposition, limit: &str) -> f64 {
    moved(before, after, "vf_limit_breaches_total", &[("limit", limit)])
}

fn errors(before: &Exposition, after: &Exposition, code: &str) -> f64 {
    moved(before, after, "vf_graphql_errors_total", &[("code", code)])
}

/// The labels of the units the node holds.
async fn unit_labels(node: &TestNode) -> Vec<String> {
    let v = node.ok("{ units(first: 1000) { edges { node { label } } } }", json!({})).await;
    v["units"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["label"].as_str())
        .map(str::to_owned)
        .collect()
}

// ----- aliases ------------------------------------------------------------------------------

fn three_aliases(c: &mut Config) {
    c.api.max_aliases = 3;
}

async fn aliases_past_the_limit_are_refused(node: &TestNode) {
    let before = scrape(node, None).await;
    let ok =
        post(node, None, &[], query("{ a: actions { id } b: actions { id } c: action(id: \"use\") { id } }")).await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.get("errors").is_none(), "three aliases pass: {:#}", ok.body);
    assert_eq!(ok.body["data"]["c"]["id"], "use");

    let four = "{ a: actions { id } b: actions { id } c: actions { id } d: actions { id } }";
    let fragments = "{ ...F ...G } fragment F on Query { a: actions { id } b: actions { id } } \
                     fragment G on Query { c: actions { x: id } }";
    let named = "query A { a: actions { id } } query B { b: actions { id } c: actions { id } d: actions { e: id } }";
    for (body, why) in [
        (query(four), "four aliases"),
        (query(fragments), "four through fragments"),
        (json!({"query": named, "operationName": "B"}).to_string(), "four in the operation run"),
    ] {
        let r = post(node, None, &[], body).await;
        assert_eq!(r.status, 200, "{why}: a GraphQL error");
        assert_eq!(error_code(&r.body), Some("LIMIT"), "{why}: {:#}", r.body);
        assert_eq!(r.limit(), Some("aliases"), "{why}");
        assert!(
            r.message().contains("4 aliased fields") && r.message().contains("at most 3"),
            "{why}: {}",
            r.message()
        );
        assert!(r.body["data"].is_null(), "{why}: nothing ran");
    }
    let encoded: String = four
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect();
    let r = node.http().get(format!("{}/graphql?query={encoded}", node.url)).send().await.expect("sent");
    let r = answer(r).await;
    assert_eq!((r.status, error_code(&r.body), r.limit()), (200, Some("LIMIT"), Some("aliases")), "over GET");

    let after = scrape(node, None).await;
    assert_eq!(breaches(&before, &after, "aliases"), 4.0);
    assert_eq!(errors(&before, &after, "LIMIT"), 4.0);
}

// ----- batches ------------------------------------------------------------------------------

fn defaults(_: &mut Config) {}

/// Batches are not accepted (README, "Limits"): one operation per request.
async fn batches_are_refused_whole(node: &TestNode) {
    let ledger = fingerprint(node).await;
    let labels = unit_labels(node).await;
    let before = scrape(node, None).await;
    let create: Value = serde_json::from_str(&create_unit("batched")).expect("json");
    let small = json!([create, {"query": ACTIONS}]);
    let large = Value::Array(vec![create.clone(); 1000]);
    for (batch, why) in [(small, "two operations"), (large, "a thousand operations")] {
        let r = post(node, Some(&node.write_token), &[], batch.to_string()).await;
        assert_eq!(r.status, 400, "{why}");
        assert_eq!(error_code(&r.body), Some("BAD_REQUEST"), "{why}: {:#}", r.body);
        assert!(r.message().contains("batch"), "{why}: {}", r.message());
    }
    let r = post(node, Some(&node.write_token), &[], format!("  \n[{}]", query(ACTIONS))).await;
    assert_eq!(r.status, 400, "leading blanks change nothing");
    // Past the body limit, the size is refused first.
    let huge = Value::Array(vec![json!({"query": ACTIONS}); 40_000]).to_string();
    assert!(huge.len() > node.node.app().config().api.max_body_bytes);
    let r = post(node, Some(&node.write_token), &[], huge).await;
    assert_eq!((r.status, error_code(&r.body), r.limit()), (413, Some("LIMIT"), Some("body")));

    let after = scrape(node, None).await;
    assert_eq!(errors(&before, &after, "BAD_REQUEST"), 3.0);
    assert_eq!(breaches(&before, &after, "body"), 1.0);
    assert_eq!(errors(&before, &after, "LIMIT"), 1.0);
    assert_eq!(unit_labels(node).await, labels, "no batched mutation ran");
    assert_eq!(fingerprint(node).await, ledger);
}

// ----- the request timeout ------------------------------------------------------------------

fn one_second(c: &mut Config) {
    c.api.request_timeout_secs = 1;
}

async fn load(node: &TestNode) -> (usize, usize) {
    let l = node.node.app().write_load();
    (l.queued, l.writing)
}

/// A mutation cut by the timeout while the writer was committing it is committed whole;
/// one cut while it waited in the queue is withdrawn and leaves nothing.
async fn a_request_past_its_time_is_cut(node: &TestNode) {
    let (ops, _) = fingerprint(node).await;
    let before = scrape(node, None).await;
    let block = node.block_writes().await;
    let send = |label: &str| {
        let (client, url, token, body) =
            (node.http().clone(), format!("{}/graphql", node.url), node.write_token.clone(), create_unit(label));
        tokio::spawn(async move {
            let r = client.post(url).bearer_auth(token).header("content-type", "application/json").body(body);
            answer(r.send().await.expect("sent")).await
        })
    };
    let begun = send("begun");
    eventually("the writer takes the first mutation", async || load(node).await == (0, 1)).await;
    let queued = send("queued");
    eventually("the second mutation waits in the queue", async || load(node).await == (1, 1)).await;
    for (task, which) in [(begun, "begun"), (queued, "queued")] {
        let r = task.await.expect("answered");
        assert_eq!(r.status, 503, "{which}: {:#}", r.body);
        assert_eq!((error_code(&r.body), r.limit()), (Some("LIMIT"), Some("timeout")), "{which}");
        assert!(r.message().contains("within 1 s"), "{which}: {}", r.message());
    }
    // Reads are not held up by the stalled writer.
    node.ok(ACTIONS, json!({})).await;
    block.release().await;
    eventually("the writer is idle", async || load(node).await == (0, 0)).await;

    let labels = unit_labels(node).await;
    assert!(labels.contains(&"begun".to_owned()), "committed after its caller was answered: {labels:?}");
    assert!(!labels.contains(&"queued".to_owned()), "withdrawn before it ran: {labels:?}");
    let (ops_after, _) = fingerprint(node).await;
    assert_eq!(ops_after, ops + 1, "one op, for the one committed write");
    let after = scrape(node, None).await;
    assert_eq!(breaches(&before, &after, "timeout"), 2.0);
    assert_eq!(errors(&before, &after, "LIMIT"), 2.0);
    assert_eq!(after.value("vf_writes_queued", &[]), 0.0);
    assert_eq!(after.value("vf_writes_in_progress", &[]), 0.0);
    // The node serves on.
    let r = post(node, Some(&node.write_token), &[], create_unit("after")).await;
    assert_eq!(r.status, 200, "{:#}", r.body);
}

// ----- requests in flight -------------------------------------------------------------------

fn two_in_flight(c: &mut Config) {
    c.api.max_in_flight = 2;
    c.api.in_flight_wait_ms = 100;
}

/// With every slot taken, a GraphQL request waits briefly, then is refused with 503 and
/// Retry-After; health, readiness, metrics and the replication routes still answer.
async fn requests_past_the_in_flight_limit_are_refused(node: &TestNode) {
    let (ops, _) = fingerprint(node).await;
    let before = scrape(node, None).await;
    let block = node.block_writes().await;
    let writes: Vec<_> = ["one", "two"]
        .into_iter()
        .map(|label| {
            let (client, url, token, body) =
                (node.http().clone(), format!("{}/graphql", node.url), node.write_token.clone(), create_unit(label));
            tokio::spawn(async move {
                let r = client.post(url).bearer_auth(token).header("content-type", "application/json").body(body);
                answer(r.send().await.expect("sent")).await
            })
        })
        .collect();
    eventually("two requests hold both slots", async || {
        scrape(node, None).await.value("vf_graphql_requests_in_flight", &[]) == 2.0
    })
    .await;

    let r = post(node, None, &[], query(ACTIONS)).await;
    assert_eq!(r.status, 503, "{:#}", r.body);
    assert_eq!(r.retry_after, Some(1));
    assert_eq!((error_code(&r.body), r.limit()), (Some("LIMIT"), Some("in_flight")));
    assert!(r.message().contains("busy"), "{}", r.message());
    for path in ["/health", "/ready", "/metrics", "/.well-known/vf-node"] {
        let r = node.http().get(format!("{}{path}", node.url)).send().await.expect("sent");
        assert_eq!(r.status().as_u16(), 200, "{path} under GraphQL overload");
    }
    let peer = valueflows_federation::NodeKey::generate();
    let token =
        valueflows_federation::peer_token::issue(&peer, node.node.app().did(), chrono::Utc::now().timestamp(), 30)
            .expect("peer token");
    let r = node.http().get(format!("{}/vfsync/v1/heads", node.url)).bearer_auth(token).send().await.expect("sent");
    assert_eq!(r.status().as_u16(), 200, "feed heads under GraphQL overload");

    block.release().await;
    for w in writes {
        let r = w.await.expect("answered");
        assert_eq!(r.status, 200, "{:#}", r.body);
        assert!(r.body.get("errors").is_none(), "{:#}", r.body);
    }
    let after = scrape(node, None).await;
    assert_eq!(breaches(&before, &after, "in_flight"), 1.0);
    assert_eq!(errors(&before, &after, "LIMIT"), 1.0);
    assert_eq!(after.value("vf_graphql_requests_in_flight", &[]), 0.0);
    assert_eq!(fingerprint(node).await.0, ops + 2, "both writes stored, once");
    // Slots are given back.
    for _ in 0..3 {
        assert_eq!(post(node, None, &[], query(ACTIONS)).await.status, 200);
    }
}

// ----- the rate per client ------------------------------------------------------------------

fn two_a_minute(c: &mut Config) {
    c.api.rate_limit_per_minute = 1;
    c.api.rate_limit_burst = 2;
    c.api.trusted_proxies = vec!["127.0.0.1".to_owned()];
}

/// A client is its token's agent, else its address (the trusted proxy's `X-Forwarded-For`
/// when it comes through one); past its burst it gets 429 with Retry-After.
async fn clients_past_their_rate_are_refused(node: &TestNode) {
    let before = scrape(node, None).await;
    let ana = post(
        node,
        Some(&node.write_token),
        &[],
        json!({"query": "mutation { createPerson(person: {name: \"Ana\"}) { agent { id } } }"}).to_string(),
    )
    .await;
    let ana = ana.body["data"]["createPerson"]["agent"]["id"].as_str().expect("Ana").to_owned();
    assert_eq!(post(node, Some(&node.write_token), &[], query(ACTIONS)).await.status, 200, "the burst's second");
    let ops = own_ops(node).await;
    // A read token of the same agent shares its allowance.
    let r = post(node, Some(&node.read_token), &[], query(ACTIONS)).await;
    assert_eq!(r.status, 429, "{:#}", r.body);
    assert_eq!((error_code(&r.body), r.limit()), (Some("LIMIT"), Some("rate")));
    assert!(r.retry_after.is_some_and(|s| (1..=60).contains(&s)), "Retry-After {:?}", r.retry_after);
    let r = post(node, Some(&node.write_token), &[], create_unit("over the rate")).await;
    assert_eq!(r.status, 429, "a mutation past the rate does not run");
    // Another agent has its own.
    let t = node.token_for(&ana, Scope::Write);
    assert_eq!(post(node, Some(&t), &[], query(ACTIONS)).await.status, 200, "Ana");
    // Anonymous clients count by address; a token that does not verify names no agent.
    assert_eq!(post(node, None, &[], query(ACTIONS)).await.status, 200);
    assert_eq!(post(node, None, &[], query(ACTIONS)).await.status, 200);
    assert_eq!(post(node, None, &[], query(ACTIONS)).await.status, 429, "127.0.0.1 past its burst");
    assert_eq!(post(node, Some("forged.token.here"), &[], query(ACTIONS)).await.status, 429, "forged");
    // Through the trusted proxy (127.0.0.1), the forwarded address is the client.
    let r = post(node, None, &[("x-forwarded-for", "203.0.113.9")], query(ACTIONS)).await;
    assert_eq!(r.status, 200, "a client behind the proxy: {:#}", r.body);
    // Other routes are not rate-limited.
    for _ in 0..5 {
        assert_eq!(node.http().get(format!("{}/health", node.url)).send().await.expect("sent").status().as_u16(), 200);
    }
    let after = scrape(node, None).await;
    assert_eq!(breaches(&before, &after, "rate"), 4.0);
    assert_eq!(errors(&before, &after, "LIMIT"), 4.0);
    assert_eq!(own_ops(node).await, ops, "nothing refused was written");
}

/// Ops in the node's own feed, read from the store (a GraphQL read would count against
/// the rate).
async fn own_ops(node: &TestNode) -> u64 {
    let app = node.node.app();
    valueflows_node::store::ops::len(app.store().db(), app.did().as_str()).await.expect("len")
}

// ----- slow clients -------------------------------------------------------------------------

fn impatient(c: &mut Config) {
    c.api.header_read_timeout_secs = 1;
    c.api.request_timeout_secs = 1;
}

/// How long a test waits for the node to close a stalled connection: a bound, not a speed.
const CLOSED_WITHIN: Duration = Duration::from_secs(30);

/// Reads until the node closes the connection; returns what it sent.
async fn until_closed(read: &mut (impl AsyncReadExt + Unpin)) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + CLOSED_WITHIN;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, read.read(&mut buf)).await {
            Err(_) => panic!("the node kept a stalled connection open; it sent {:?}", String::from_utf8_lossy(&got)),
            Ok(Ok(0) | Err(_)) => return got,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Clients that send nothing, or headers or a body byte by byte and then stall, are cut off
/// after a bounded time while the node serves others.
async fn slow_clients_are_cut_off(node: &TestNode) {
    let ledger = fingerprint(node).await;
    let before = scrape(node, None).await;
    let addr = node.url.strip_prefix("http://").expect("http").to_owned();

    // Connected, silent.
    let mut silent = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    // Headers a byte at a time, never ending.
    let trickle = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let (mut trickle_read, mut trickle_write) = trickle.into_split();
    let dripping = tokio::spawn(async move {
        let head = b"POST /graphql HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n";
        for b in head.iter().chain(std::iter::repeat(&b'x')) {
            if trickle_write.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    // A whole head, then a body that stalls after a few bytes.
    let mut stalled = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    stalled
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n",
        )
        .await
        .expect("head");
    for b in b"{\"query\": \"mutation { createUnit" {
        stalled.write_all(&[*b]).await.expect("a byte");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Others are served meanwhile.
    node.ok(ACTIONS, json!({})).await;

    assert!(until_closed(&mut silent).await.is_empty(), "nothing is sent to a client that sent nothing");
    let got = until_closed(&mut trickle_read).await;
    assert!(got.is_empty(), "headers never completed get no answer: {:?}", String::from_utf8_lossy(&got));
    dripping.abort();
    let got = String::from_utf8(until_closed(&mut stalled).await).expect("text");
    assert!(got.starts_with("HTTP/1.1 408"), "a stalled body: {got}");
    let body: Value = serde_json::from_str(got.split_once("\r\n\r\n").expect("a body").1).expect("JSON");
    assert_eq!(error_code(&body), Some("LIMIT"), "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["limit"], "timeout");

    node.ok(ACTIONS, json!({})).await;
    let after = scrape(node, None).await;
    assert_eq!(breaches(&before, &after, "timeout"), 1.0, "the stalled body");
    assert_eq!(fingerprint(node).await, ledger);
}

tuned!(
    aliases_past_the_limit_are_refused: three_aliases,
    batches_are_refused_whole: defaults,
    a_request_past_its_time_is_cut: one_second,
    requests_past_the_in_flight_limit_are_refused: two_in_flight,
    clients_past_their_rate_are_refused: two_a_minute,
    slow_clients_are_cut_off: impatient,
);
