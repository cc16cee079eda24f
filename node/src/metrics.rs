//! Prometheus metrics for `GET /metrics`: counters and histograms that the HTTP and GraphQL
//! paths update as requests pass, and gauges read from the database and the replication
//! service when the page is scraped (never kept up to date by hand).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};
use sea_orm::DbBackend;

use crate::app::App;
use crate::store::{forks, ops};
use crate::sync::Sync;

/// Latency buckets in seconds, 1 ms to 10 s: a durable write takes about 10 ms, a nested
/// list page a few tens, a trace of 10,000 records about 50.
const LATENCY_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The codes of `extensions.code` (README, "Errors"). Anything else would count as `OTHER`,
/// so that a label never takes an unbounded set of values.
pub const ERROR_CODES: &[&str] = &[
    "VALIDATION",
    "NOT_FOUND",
    "CONFLICT",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "LIMIT",
    "UNAVAILABLE",
    "INTERNAL",
    "BAD_REQUEST",
];

/// The limits a `LIMIT` error can name in `extensions.limit`, the labels of
/// `vf_limit_breaches_total`. A `LIMIT` error naming none (page size, trace size,
/// subscriptions) counts as `other`, so the series add up to the `LIMIT` errors.
pub const LIMITS: &[&str] = &["body", "depth", "complexity", "aliases", "timeout", "in_flight", "rate", "other"];

/// The route label of requests no route matched (their paths are not labels: any client
/// could make up new ones).
const UNMATCHED: &str = "unmatched";

/// What a GraphQL request asks the node to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// A query.
    Query,
    /// A mutation.
    Mutation,
    /// A subscription.
    Subscription,
    /// The document does not parse, or does not say which of its operations to run.
    Unknown,
}

impl Operation {
    const ALL: [Operation; 4] = [Operation::Query, Operation::Mutation, Operation::Subscription, Operation::Unknown];

    /// The operation `req` will run. Parses the document into the request, where the
    /// executor finds it: the document is parsed once either way.
    pub fn of(req: &mut async_graphql::Request) -> Operation {
        let name = req.operation_name.clone();
        let Ok(doc) = req.parsed_query() else { return Operation::Unknown };
        let op = match (&doc.operations, name) {
            (DocumentOperations::Single(op), _) => Some(op),
            (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name.as_str()),
            (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
            (DocumentOperations::Multiple(_), None) => None,
        };
        match op.map(|op| op.node.ty) {
            Some(OperationType::Query) => Operation::Query,
            Some(OperationType::Mutation) => Operation::Mutation,
            Some(OperationType::Subscription) => Operation::Subscription,
            None => Operation::Unknown,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Operation::Query => "query",
            Operation::Mutation => "mutation",
            Operation::Subscription => "subscription",
            Operation::Unknown => "unknown",
        }
    }
}

/// The metrics of one node. Cheap to clone; each node has its own registry, so several
/// nodes in one process count apart.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    http_requests: IntCounterVec,
    http_seconds: HistogramVec,
    graphql_operations: IntCounterVec,
    graphql_seconds: HistogramVec,
    graphql_errors: IntCounterVec,
    limit_breaches: IntCounterVec,
    in_flight: IntGauge,
}

impl Metrics {
    /// A node's counters, all at zero.
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let http_requests = IntCounterVec::new(
            Opts::new("vf_http_requests_total", "HTTP requests answered, by route, method and status."),
            &["route", "method", "status"],
        )?;
        let http_seconds = HistogramVec::new(
            HistogramOpts::new(
                "vf_http_request_duration_seconds",
                "Time from a request's arrival to its response's head, by route and method.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["route", "method"],
        )?;
        let graphql_operations = IntCounterVec::new(
            Opts::new(
                "vf_graphql_operations_total",
                "GraphQL operations run, over HTTP and WebSocket, by type (unknown: the document \
                 did not parse or did not say which operation to run).",
            ),
            &["operation"],
        )?;
        let graphql_seconds = HistogramVec::new(
            HistogramOpts::new(
                "vf_graphql_operation_duration_seconds",
                "Time to run a GraphQL operation sent over HTTP, by type.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["operation"],
        )?;
        let graphql_errors = IntCounterVec::new(
            Opts::new(
                "vf_graphql_errors_total",
                "Errors sent in GraphQL responses, by extensions.code; every limit breach counts \
                 as LIMIT, request bodies over api.max_body_bytes included.",
            ),
            &["code"],
        )?;
        let limit_breaches = IntCounterVec::new(
            Opts::new(
                "vf_limit_breaches_total",
                "LIMIT errors by the limit breached: body, depth, complexity, aliases, timeout, \
                 in_flight, rate, or other (page size, trace size, subscriptions).",
            ),
            &["limit"],
        )?;
        let in_flight = IntGauge::new(
            "vf_graphql_requests_in_flight",
            "GraphQL requests over HTTP running now (at most api.max_in_flight).",
        )?;
        // Every operation type and code is shown from the start, so that a rate over a
        // series that has not moved yet is 0 rather than missing.
        for op in Operation::ALL {
            graphql_operations.with_label_values(&[op.label()]);
        }
        for code in ERROR_CODES.iter().chain(&["OTHER"]) {
            graphql_errors.with_label_values(&[*code]);
        }
        for limit in LIMITS {
            limit_breaches.with_label_values(&[*limit]);
        }
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_seconds.clone()))?;
        registry.register(Box::new(graphql_operations.clone()))?;
        registry.register(Box::new(graphql_seconds.clone()))?;
        registry.register(Box::new(graphql_errors.clone()))?;
        registry.register(Box::new(limit_breaches.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        Ok(Metrics {
            inner: Arc::new(Inner {
                registry,
                http_requests,
                http_seconds,
                graphql_operations,
                graphql_seconds,
                graphql_errors,
                limit_breaches,
                in_flight,
            }),
        })
    }

    /// Counts an operation about to run.
    pub fn operation(&self, op: Operation) {
        self.inner.graphql_operations.with_label_values(&[op.label()]).inc();
    }

    /// Counts a response's errors by code, and the time its operation took when known.
    pub fn response(&self, op: Operation, took: Option<Duration>, resp: &async_graphql::Response) {
        if let Some(took) = took {
            self.inner.graphql_seconds.with_label_values(&[op.label()]).observe(took.as_secs_f64());
        }
        for e in &resp.errors {
            let text = |key: &str| match e.extensions.as_ref().and_then(|x| x.get(key)) {
                Some(async_graphql::Value::String(s)) => Some(s.as_str()),
                _ => None,
            };
            let code = text("code").unwrap_or("OTHER");
            self.error(code);
            if code == "LIMIT" {
                self.breach(text("limit").unwrap_or("other"));
            }
        }
    }

    /// Counts one breach of `limit` (one of [`LIMITS`]; anything else counts as `other`).
    /// The `LIMIT` error it was answered with is counted apart, by [`Metrics::error`].
    pub fn breach(&self, limit: &str) {
        let limit = LIMITS.iter().find(|l| **l == limit).copied().unwrap_or("other");
        self.inner.limit_breaches.with_label_values(&[limit]).inc();
    }

    /// Counts a GraphQL request starting to run; it counts until the guard is dropped.
    pub fn running(&self) -> Running {
        self.inner.in_flight.inc();
        Running(self.inner.in_flight.clone())
    }

    /// Counts one error sent with `code`.
    pub fn error(&self, code: &str) {
        let code = ERROR_CODES.iter().find(|c| **c == code).copied().unwrap_or("OTHER");
        self.inner.graphql_errors.with_label_values(&[code]).inc();
    }

    fn request(&self, route: &str, method: &str, status: StatusCode, took: Duration) {
        self.inner.http_requests.with_label_values(&[route, method, status.as_str()]).inc();
        self.inner.http_seconds.with_label_values(&[route, method]).observe(took.as_secs_f64());
    }

    /// The page `/metrics` serves: the request counters, with the state of the database, the
    /// feeds and the peers read now. What cannot be read is left out, and `vf_store_up` is 0.
    pub async fn render(&self, app: &App, sync: &Sync) -> Result<String, prometheus::Error> {
        let now = Registry::new();
        read_store(app, &now).await?;
        read_pool(app, &now)?;
        read_writer(app, &now)?;
        read_peers(sync, &now)?;
        let mut families = self.inner.registry.gather();
        families.extend(now.gather());
        families.sort_by(|a, b| a.name().cmp(b.name()));
        prometheus::TextEncoder::new().encode_to_string(&families)
    }
}

/// A GraphQL request counted in `vf_graphql_requests_in_flight` while it lives.
#[derive(Debug)]
pub struct Running(IntGauge);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Counts every HTTP request (a `Router::layer`, so the matched route is known).
pub async fn track(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map_or(UNMATCHED, |p| p.as_str()).to_owned();
    let method = method_label(req.method());
    let resp = next.run(req).await;
    let status = resp.status();
    metrics.request(&route, method, status, started.elapsed());
    if status == StatusCode::PAYLOAD_TOO_LARGE && route == "/graphql" {
        // Refused by the route's limits from its Content-Length or while reading it, or by
        // the GraphQL handler: one LIMIT breach whichever did.
        metrics.error("LIMIT");
        metrics.breach("body");
    }
    resp
}

/// A method as a label: the standard ones by name, others together.
fn method_label(m: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::CONNECT, "CONNECT"),
        (Method::PATCH, "PATCH"),
        (Method::TRACE, "TRACE"),
    ];
    KNOWN.iter().find(|(k, _)| k == m).map_or("OTHER", |(_, name)| name)
}

fn int_gauge(reg: &Registry, name: &str, help: &str) -> Result<IntGauge, prometheus::Error> {
    let g = IntGauge::new(name, help)?;
    reg.register(Box::new(g.clone()))?;
    Ok(g)
}

/// The feeds held, from their heads (one query whose cost grows with the number of feeds,
/// not of ops) and the forks found.
async fn read_store(app: &App, reg: &Registry) -> Result<(), prometheus::Error> {
    let up = int_gauge(reg, "vf_store_up", "1 when this scrape could read the database, else 0.")?;
    let db = app.store().db();
    let read = async { Ok::<_, sea_orm::DbErr>((ops::heads(db).await?, forks::all(db).await?.len())) };
    let (heads, forked) = match read.await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database could not be read");
            up.set(0);
            return Ok(());
        }
    };
    up.set(1);
    let own = app.did().as_str();
    int_gauge(reg, "vf_own_feed_seq", "Seq of the newest op of this node's own feed: the length of its op log.")?
        .set(heads.iter().find(|(origin, _, _)| origin == own).map_or(0, |(_, seq, _)| *seq));
    // Feeds are held gap-free from seq 1, so a feed's head seq is the number of its ops.
    int_gauge(reg, "vf_ops_held", "Ops held, over every feed (this node's own included).")?
        .set(heads.iter().map(|(_, seq, _)| *seq).sum());
    int_gauge(reg, "vf_feeds_held", "Feeds of which this node holds ops (its own included).")?
        .set(i64::try_from(heads.len()).unwrap_or(i64::MAX));
    int_gauge(reg, "vf_forked_feeds", "Feeds frozen because their origin signed two different ops at one seq.")?
        .set(i64::try_from(forked).unwrap_or(i64::MAX));
    Ok(())
}

/// The database connection pool.
fn read_pool(app: &App, reg: &Registry) -> Result<(), prometheus::Error> {
    let db = app.store().db();
    let (open, idle, max) = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        _ => return Ok(()),
    };
    int_gauge(reg, "vf_db_pool_connections", "Open database connections, idle ones included.")?.set(i64::from(open));
    int_gauge(reg, "vf_db_pool_idle_connections", "Open database connections not in use.")?
        .set(i64::try_from(idle).unwrap_or(i64::MAX));
    int_gauge(reg, "vf_db_pool_max_connections", "Most connections the pool opens.")?.set(i64::from(max));
    Ok(())
}

/// The writer's queue.
fn read_writer(app: &App, reg: &Registry) -> Result<(), prometheus::Error> {
    let load = app.write_load();
    int_gauge(reg, "vf_writes_queued", "Local and replicated writes waiting for the writer.")?
        .set(i64::try_from(load.queued).unwrap_or(i64::MAX));
    int_gauge(reg, "vf_writes_in_progress", "Writes in the batch the writer is committing now.")?
        .set(i64::try_from(load.writing).unwrap_or(i64::MAX));
    Ok(())
}

/// Each peer's sync state, as `Sync::health` reports it now.
fn read_peers(sync: &Sync, reg: &Registry) -> Result<(), prometheus::Error> {
    let health = sync.health();
    int_gauge(reg, "vf_federation_peers", "Peers this node pulls from.")?
        .set(i64::try_from(health.len()).unwrap_or(i64::MAX));
    let (held, bytes) = sync.pending();
    int_gauge(
        reg,
        "vf_federation_pending_ops",
        "Verified ops held past a gap in their feed, waiting for the ops before them.",
    )?
    .set(i64::try_from(held).unwrap_or(i64::MAX));
    int_gauge(reg, "vf_federation_pending_bytes", "Bytes of wire JSON of the ops held past gaps.")?
        .set(i64::try_from(bytes).unwrap_or(i64::MAX));
    let vec = |name: &str, help: &str| -> Result<IntGaugeVec, prometheus::Error> {
        let v = IntGaugeVec::new(Opts::new(name, help), &["peer"])?;
        reg.register(Box::new(v.clone()))?;
        Ok(v)
    };
    let lag_ops = vec(
        "vf_federation_peer_lag_ops",
        "Ops the peer held beyond this node at the end of the last round, over followed feeds.",
    )?;
    let lag_secs =
        vec("vf_federation_peer_lag_seconds", "Seconds this node has been behind the peer; 0 when caught up.")?;
    let failures = vec("vf_federation_peer_failures", "Rounds with the peer failed in a row; 0 after a success.")?;
    let last_success = vec(
        "vf_federation_peer_last_success_timestamp_seconds",
        "Unix time of the last successful round with the peer; absent before the first.",
    )?;
    let backoff = GaugeVec::new(
        Opts::new("vf_federation_peer_backoff_seconds", "Wait before the next round after a failure; 0 when none."),
        &["peer"],
    )?;
    reg.register(Box::new(backoff.clone()))?;
    let pulled = IntCounterVec::new(
        Opts::new("vf_federation_peer_pulled_ops_total", "Ops pulled from the peer since the node started."),
        &["peer"],
    )?;
    reg.register(Box::new(pulled.clone()))?;
    for h in &health {
        let peer = [peer_label(&h.url)];
        lag_ops.with_label_values(&peer).set(i64::try_from(h.lag_ops).unwrap_or(i64::MAX));
        lag_secs.with_label_values(&peer).set(h.lag_seconds());
        failures.with_label_values(&peer).set(i64::from(h.failures));
        // The page is built afresh at each scrape, so the counter starts from zero here.
        pulled.with_label_values(&peer).inc_by(h.pulled_ops);
        backoff.with_label_values(&peer).set(Duration::from_millis(h.backoff_ms).as_secs_f64());
        if let Some(t) = h.last_success.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) {
            last_success.with_label_values(&peer).set(t.timestamp());
        }
    }
    Ok(())
}

/// A peer URL as a label: without any `user:password@` part.
fn peer_label(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else { return url.to_owned() };
    let authority_end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_labels_leave_credentials_out() {
        assert_eq!(peer_label("https://ops:s3cret@peer.example:8443/base"), "https://peer.example:8443/base");
        assert_eq!(peer_label("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(peer_label("http://peer.example/x@y"), "http://peer.example/x@y");
    }

    #[test]
    fn operations_are_told_apart_by_the_operation_they_run() {
        let of = |q: &str, name: Option<&str>| {
            let mut req = async_graphql::Request::new(q);
            if let Some(n) = name {
                req = req.operation_name(n);
            }
            Operation::of(&mut req)
        };
        assert_eq!(of("{ actions { id } }", None), Operation::Query);
        assert_eq!(of("mutation { x }", None), Operation::Mutation);
        assert_eq!(of("subscription S { x }", None), Operation::Subscription);
        assert_eq!(of("query A { x } mutation B { y }", Some("B")), Operation::Mutation);
        assert_eq!(of("query A { x } mutation B { y }", None), Operation::Unknown);
        assert_eq!(of("query A { x }", Some("C")), Operation::Unknown);
        assert_eq!(of("{ actions { id ", None), Operation::Unknown);
    }

    #[test]
    fn unknown_error_codes_share_one_label() {
        let m = Metrics::new().expect("metrics");
        m.error("LIMIT");
        m.error("SOMETHING_NEW");
        m.error("ANOTHER");
        let count = |code: &str| m.inner.graphql_errors.with_label_values(&[code]).get();
        assert_eq!((count("LIMIT"), count("OTHER"), count("VALIDATION")), (1, 2, 0));
    }

    #[test]
    fn limit_errors_count_by_the_limit_they_name() {
        let m = Metrics::new().expect("metrics");
        let err = |code: &str, limit: Option<&str>| {
            let mut e = async_graphql::ServerError::new("no", None);
            let ext = e.extensions.get_or_insert_with(Default::default);
            ext.set("code", code);
            if let Some(l) = limit {
                ext.set("limit", l);
            }
            e
        };
        let resp = async_graphql::Response::from_errors(vec![
            err("LIMIT", Some("aliases")),
            err("LIMIT", None),
            err("LIMIT", Some("made-up")),
            err("VALIDATION", Some("aliases")),
        ]);
        m.response(Operation::Query, None, &resp);
        let breaches = |l: &str| m.inner.limit_breaches.with_label_values(&[l]).get();
        assert_eq!((breaches("aliases"), breaches("other"), breaches("depth")), (1, 2, 0));
        assert_eq!(m.inner.graphql_errors.with_label_values(&["LIMIT"]).get(), 3);
        let running = m.running();
        assert_eq!(m.inner.in_flight.get(), 1);
        drop(running);
        assert_eq!(m.inner.in_flight.get(), 0);
    }
}
