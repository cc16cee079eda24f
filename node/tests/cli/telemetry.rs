//! Traces and request logs of a real `serve`: spans exported over OTLP/HTTP to a receiver
//! inside the test (decoding the protobuf bodies a collector would get), the caller's
//! `traceparent` continued through GraphQL down to the database, the sync round's context
//! sent to a peer, and the JSON log line of each request.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use prost::Message;

use super::*;

/// Longest the sync task may take to send its first request to the peer.
const PEER_DEADLINE: Duration = Duration::from_secs(30);

/// A span as the receiver got it; ids in lower-case hex.
#[derive(Clone, Debug)]
struct Exported {
    trace_id: String,
    span_id: String,
    parent: String,
    name: String,
    kind: i32,
    attrs: BTreeMap<String, String>,
    /// `(trace id, span id)` of each linked span.
    links: Vec<(String, String)>,
    service: String,
}

impl Exported {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.get(key).map(String::as_str)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(v: Option<&AnyValue>) -> String {
    match v.and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        other => format!("{other:?}"),
    }
}

fn attrs(kvs: &[KeyValue]) -> BTreeMap<String, String> {
    kvs.iter().map(|kv| (kv.key.clone(), text(kv.value.as_ref()))).collect()
}

#[derive(Default)]
struct Received {
    spans: Vec<Exported>,
    /// Bodies that were not an `ExportTraceServiceRequest`.
    rejected: usize,
    /// `(path, traceparent)` of every request made to the fake peer.
    peer_requests: Vec<(String, Option<String>)>,
}

/// An OTLP/HTTP trace receiver (`POST /v1/traces`) and, on every other path, a fake peer
/// that records what it is asked and answers 404.
struct Collector {
    addr: SocketAddr,
    received: Arc<Mutex<Received>>,
    _runtime: tokio::runtime::Runtime,
}

impl Collector {
    fn start() -> Collector {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the receiver");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the receiver");
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the receiver's address");
        let received = Arc::new(Mutex::new(Received::default()));
        let app = axum::Router::new()
            .route("/v1/traces", axum::routing::post(traces))
            .fallback(peer)
            .with_state(received.clone());
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            axum::serve(listener, app).await.expect("the receiver runs");
        });
        Collector { addr, received, _runtime: runtime }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn spans(&self) -> Vec<Exported> {
        let got = self.received.lock().expect("the receiver's state");
        assert_eq!(got.rejected, 0, "every export body is an OTLP ExportTraceServiceRequest");
        got.spans.clone()
    }

    fn peer_requests(&self) -> Vec<(String, Option<String>)> {
        self.received.lock().expect("the receiver's state").peer_requests.clone()
    }
}

async fn traces(State(received): State<Arc<Mutex<Received>>>, body: Bytes) -> axum::response::Response {
    let Ok(req) = ExportTraceServiceRequest::decode(body) else {
        received.lock().expect("the receiver's state").rejected += 1;
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut got = received.lock().expect("the receiver's state");
    for rs in req.resource_spans {
        let resource = attrs(&rs.resource.map(|r| r.attributes).unwrap_or_default());
        let service = resource.get("service.name").cloned().unwrap_or_default();
        for span in rs.scope_spans.into_iter().flat_map(|s| s.spans) {
            got.spans.push(Exported {
                trace_id: hex(&span.trace_id),
                span_id: hex(&span.span_id),
                parent: hex(&span.parent_span_id),
                name: span.name,
                kind: span.kind,
                attrs: attrs(&span.attributes),
                links: span.links.iter().map(|l| (hex(&l.trace_id), hex(&l.span_id))).collect(),
                service: service.clone(),
            });
        }
    }
    ([(header::CONTENT_TYPE, "application/x-protobuf")], ExportTraceServiceResponse::default().encode_to_vec())
        .into_response()
}

async fn peer(State(received): State<Arc<Mutex<Received>>>, req: Request) -> StatusCode {
    let traceparent = req.headers().get("traceparent").and_then(|v| v.to_str().ok()).map(str::to_owned);
    received.lock().expect("the receiver's state").peer_requests.push((req.uri().path().to_owned(), traceparent));
    StatusCode::NOT_FOUND
}

/// A fresh trace id and span id, as a caller's tracer would make them.
fn new_ids() -> (String, String) {
    let trace = uuid::Uuid::now_v7().simple().to_string();
    let span = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
    (trace, span)
}

/// POSTs `query` to /graphql with extra headers; returns the status and the body as JSON.
fn post(server: &Server, query: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let body = serde_json::json!({ "query": query }).to_string();
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    let resp = http(server.addr, "POST /graphql HTTP/1.1", &all, Some(&body));
    let json = serde_json::from_str(&resp.body).unwrap_or_else(|e| panic!("not JSON ({e}): {resp:?}"));
    (resp.status, json)
}

/// The `request` log lines of a JSON log, as their `fields` objects.
fn request_lines(stderr: &str) -> Vec<Value> {
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["fields"]["message"] == "request")
        .map(|l| l["fields"].clone())
        .collect()
}

/// The span of `spans` named `name` in trace `trace` (exactly one).
fn one<'a>(spans: &'a [Exported], trace: &str, name: &str) -> &'a Exported {
    let found: Vec<&Exported> = spans.iter().filter(|s| s.trace_id == trace && s.name == name).collect();
    assert_eq!(found.len(), 1, "one span `{name}` in trace {trace}; the trace holds {:#?}", in_trace(spans, trace));
    found[0]
}

fn in_trace<'a>(spans: &'a [Exported], trace: &str) -> Vec<&'a Exported> {
    spans.iter().filter(|s| s.trace_id == trace).collect()
}

/// Whether `span` descends from the span `ancestor` (following parents within its trace).
fn descends_from(spans: &[Exported], span: &Exported, ancestor: &str) -> bool {
    let mut at = span.parent.clone();
    for _ in 0..spans.len() {
        if at == ancestor {
            return true;
        }
        match spans.iter().find(|s| s.trace_id == span.trace_id && s.span_id == at) {
            Some(parent) => at = parent.parent.clone(),
            None => return false,
        }
    }
    false
}

/// OpenTelemetry's span kinds, as OTLP numbers them.
const SERVER: i32 = 2;
const CLIENT: i32 = 3;

#[test]
fn exported_traces_continue_the_callers_trace_from_graphql_down_to_the_database() {
    let collector = Collector::start();
    let dir = DataDir::new();
    dir.init(None);
    let write = dir.token("write", &[]);
    let args = ["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0"];
    // Batches leave only every minute: what the receiver gets came with the shutdown's flush.
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url()),
        ("OTEL_BSP_SCHEDULE_DELAY", "60000".to_owned()),
        ("VF_LOG__FORMAT", "json".to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut server = Server::start_with_env(&args, &env);

    let (write_trace, write_parent) = new_ids();
    let bearer = format!("Bearer {write}");
    let traceparent = format!("00-{write_trace}-{write_parent}-01");
    let (status, json) = post(
        &server,
        r#"mutation CreateKilogram { createUnit(unit: {label: "kilogram", symbol: "kg"}) { unit { id } } }"#,
        &[("Authorization", &bearer), ("traceparent", &traceparent)],
    );
    assert_eq!(status, 200, "{json}");
    assert_no_errors(&json);

    let (read_trace, read_parent) = new_ids();
    let traceparent = format!("00-{read_trace}-{read_parent}-01");
    let (status, json) =
        post(&server, "query Units { units { edges { node { id label } } } }", &[("traceparent", &traceparent)]);
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["data"]["units"]["edges"][0]["node"]["label"], "kilogram", "{json}");

    assert!(collector.spans().is_empty(), "nothing is exported before the batch delay or the shutdown");
    server.stop_cleanly();
    let spans = collector.spans();
    assert!(spans.iter().all(|s| s.service == "vf-node"), "service.name defaults to vf-node: {spans:#?}");

    // The read: caller > HTTP request > GraphQL operation > database.
    let request = one(&spans, &read_trace, "POST /graphql");
    assert_eq!(request.parent, read_parent, "the caller's span is the request span's parent");
    assert_eq!(request.kind, SERVER);
    assert_eq!(request.attr("http.route"), Some("/graphql"));
    assert_eq!(request.attr("http.response.status_code"), Some("200"));
    let operation = one(&spans, &read_trace, "query Units");
    assert_eq!(operation.parent, request.span_id);
    assert_eq!(operation.attr("graphql.operation.name"), Some("Units"));
    assert_eq!(operation.attr("graphql.operation.type"), Some("query"));
    assert_eq!(operation.attr("graphql.error.codes"), None, "no errors, no codes");
    let db: Vec<&Exported> = in_trace(&spans, &read_trace)
        .into_iter()
        .filter(|s| s.name.starts_with("store.records.") && descends_from(&spans, s, &operation.span_id))
        .collect();
    assert!(!db.is_empty(), "a database span under the operation: {:#?}", in_trace(&spans, &read_trace));

    // The write: the submitter waits in the request's trace; the batch that committed it is a
    // trace of its own, linked to it.
    let operation = one(&spans, &write_trace, "mutation CreateKilogram");
    let submit = one(&spans, &write_trace, "writer.submit");
    assert!(descends_from(&spans, submit, &operation.span_id), "{submit:?}");
    let batch = spans
        .iter()
        .find(|s| s.name == "writer.batch" && s.links.contains(&(write_trace.clone(), submit.span_id.clone())))
        .unwrap_or_else(|| panic!("a write batch linked to the submitter: {spans:#?}"));
    assert_ne!(batch.trace_id, write_trace);
    let commit = one(&spans, &batch.trace_id, "writer.commit");
    assert_eq!(commit.parent, batch.span_id);
    one(&spans, &batch.trace_id, "writer.flush");

    // No document, input or token leaves the node.
    for s in &spans {
        for v in s.attrs.values() {
            assert!(!v.contains("kilogram") && !v.contains("edges") && !v.contains(&write), "{s:#?}");
        }
    }

    // The log lines carry the trace ids too.
    let lines = request_lines(&server.stderr());
    for (trace, operation) in [(&read_trace, "query Units"), (&write_trace, "mutation CreateKilogram")] {
        let line = lines
            .iter()
            .find(|l| l["trace_id"] == trace.as_str())
            .unwrap_or_else(|| panic!("a request line with trace id {trace}: {lines:#?}"));
        assert_eq!(line["operation"], operation, "{line}");
    }
}

#[test]
fn a_sync_round_sends_its_trace_context_to_the_peer() {
    let collector = Collector::start();
    let dir = DataDir::new();
    let peer = collector.url();
    let args = ["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0", "--peer", peer.as_str()];
    let mut server = Server::start_with_env(&args, &[("OTEL_EXPORTER_OTLP_ENDPOINT", peer.as_str())]);
    let deadline = Instant::now() + PEER_DEADLINE;
    let traceparent = loop {
        let asked = collector.peer_requests();
        if let Some((_, tp)) = asked.iter().find(|(path, _)| path == "/.well-known/vf-node") {
            break tp.clone().unwrap_or_else(|| panic!("the peer request carries a traceparent: {asked:?}"));
        }
        assert!(Instant::now() < deadline, "the node never asked its peer anything");
        std::thread::sleep(Duration::from_millis(20));
    };
    server.stop_cleanly();

    let spans = collector.spans();
    let round = spans.iter().find(|s| s.name == "sync.round").unwrap_or_else(|| panic!("a sync round: {spans:#?}"));
    assert_eq!(round.attr("peer"), Some(peer.as_str()));
    let fetch = spans
        .iter()
        .find(|s| s.name == "sync.fetch" && s.parent == round.span_id)
        .unwrap_or_else(|| panic!("the round's request: {spans:#?}"));
    assert_eq!(fetch.kind, CLIENT);
    assert_eq!(fetch.attr("url.full"), Some(format!("{peer}/.well-known/vf-node").as_str()));
    assert_eq!(fetch.attr("http.response.status_code"), Some("404"));
    assert_eq!(
        traceparent,
        format!("00-{}-{}-01", round.trace_id, fetch.span_id),
        "the round's trace, the request's span"
    );
}

#[test]
fn each_request_logs_one_json_line_with_its_trace_id_and_error_codes() {
    let dir = DataDir::new();
    let args = ["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0"];
    let mut server = Server::start_with_env(&args, &[("VF_LOG__FORMAT", "json"), ("VF_API__MAX_BODY_BYTES", "4096")]);

    let (trace, parent) = new_ids();
    let traceparent = format!("00-{trace}-{parent}-01");
    let (status, _) = post(&server, "query Units { units { edges { cursor } } }", &[("traceparent", &traceparent)]);
    assert_eq!(status, 200);
    let (status, json) = post(&server, "{ noSuchField }", &[]);
    assert_eq!((status, first_error_code(&json)), (200, Some("VALIDATION")), "{json}");
    let (status, json) = post(&server, "{ myAgent { id } }", &[("Authorization", "Bearer not-a-token")]);
    assert_eq!((status, first_error_code(&json)), (401, Some("UNAUTHENTICATED")), "{json}");
    assert_eq!(server.get("/health").status, 200);
    assert_eq!(server.get("/no/such/path").status, 404);
    let big = serde_json::json!({ "query": format!("{{ units {{ edges {{ cursor }} }} }} #{}", "x".repeat(8192)) });
    let headers = [("Content-Type", "application/json")];
    assert_eq!(http(server.addr, "POST /graphql HTTP/1.1", &headers, Some(&big.to_string())).status, 413);
    server.stop_cleanly();

    let lines = request_lines(&server.stderr());
    assert_eq!(lines.len(), 5, "one line per request, none for a passing health probe: {lines:#?}");
    let traced = &lines[0];
    assert_eq!(traced["trace_id"], trace.as_str(), "the caller's trace id: {traced}");
    assert_eq!(
        (&traced["method"], &traced["route"], &traced["status"], &traced["operation"]),
        (&Value::from("POST"), &Value::from("/graphql"), &Value::from(200), &Value::from("query Units")),
        "{traced}"
    );
    assert!(traced["duration_ms"].as_f64().is_some_and(|d| d >= 0.0), "{traced}");
    assert!(traced.get("errors").is_none(), "{traced}");

    let invalid = &lines[1];
    assert_eq!((&invalid["errors"], &invalid["operation"]), (&Value::from("VALIDATION"), &Value::from("query")));
    let own = invalid["trace_id"].as_str().expect("a trace id");
    assert!(own.len() == 32 && own.chars().all(|c| c.is_ascii_hexdigit()) && own != "0".repeat(32), "{invalid}");
    assert_ne!(own, trace, "a request without traceparent gets a trace id of its own");

    let refused = &lines[2];
    assert_eq!((&refused["status"], &refused["errors"]), (&Value::from(401), &Value::from("UNAUTHENTICATED")));
    let unmatched = &lines[3];
    assert_eq!((&unmatched["route"], &unmatched["status"]), (&Value::from("unmatched"), &Value::from(404)));
    let too_large = &lines[4];
    assert_eq!((&too_large["status"], &too_large["errors"]), (&Value::from(413), &Value::from("LIMIT")));
}
