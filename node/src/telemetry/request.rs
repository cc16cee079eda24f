//! The span of every HTTP request, child of the caller's `traceparent` when it sends one, and
//! the request's log line: method, route, status, duration, trace id, and error codes.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use opentelemetry::trace::{TraceContextExt as _, TraceId};
use tracing::Instrument;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::propagation;

/// The route of requests no route matched (their paths are not logged: any client could
/// make up new ones).
const UNMATCHED: &str = "unmatched";

/// What a handler tells the request's log line beyond the status: the GraphQL operation it
/// ran and the `extensions.code` of the errors it answered. Travels in the response's
/// extensions.
#[derive(Clone, Debug, Default)]
pub struct Note {
    /// `query`, `mutation` or `subscription`, then the operation's name when it has one.
    pub operation: Option<String>,
    /// Distinct error codes, in the order first met, comma-separated.
    pub errors: Option<String>,
}

impl Note {
    /// A refusal with one code.
    pub fn refused(code: &str) -> Note {
        Note { operation: None, errors: Some(code.to_owned()) }
    }

    /// `resp` with this note attached.
    pub fn attach(self, mut resp: Response) -> Response {
        resp.extensions_mut().insert(self);
        resp
    }
}

/// Runs a request inside its span, then writes its log line (a `Router::layer`, so the
/// matched route is known).
pub async fn trace(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map_or(UNMATCHED, |p| p.as_str()).to_owned();
    let method = req.method().clone();
    let span = tracing::info_span!(
        "http.request",
        otel.name = %format_args!("{method} {route}"),
        otel.kind = "server",
        otel.status_code = Empty,
        http.request.method = %method,
        http.route = %route,
        http.response.status_code = Empty,
        trace_id = Empty,
    );
    let remote = propagation::extract(req.headers());
    let parent = propagation::span_context(&remote);
    if parent.is_valid() {
        // Only fails when spans are not exported; the log line still takes the caller's trace id.
        let _ = span.set_parent(remote);
    }
    let trace_id = trace_id(&span, parent.trace_id());
    span.record("trace_id", tracing::field::display(trace_id));

    let resp = next.run(req).instrument(span.clone()).await;

    let status = resp.status();
    span.record("http.response.status_code", status.as_u16());
    if status.is_server_error() {
        span.record("otel.status_code", "ERROR");
    }
    let mut note = resp.extensions().get::<Note>().cloned().unwrap_or_default();
    if note.errors.is_none() && status == StatusCode::PAYLOAD_TOO_LARGE {
        // A 413 answered without a note (axum's own body limit, for one) is a LIMIT breach too.
        note.errors = Some("LIMIT".to_owned());
    }
    log(&method, &route, status, started, trace_id, note);
    resp
}

/// The trace the request belongs to: its span's when spans are exported, else the caller's,
/// else a fresh one, so that the log lines of one request always share an id.
fn trace_id(span: &tracing::Span, remote: TraceId) -> TraceId {
    let own = span.context().span().span_context().trace_id();
    if own != TraceId::INVALID {
        own
    } else if remote != TraceId::INVALID {
        remote
    } else {
        TraceId::from_bytes(rand::random::<u128>().max(1).to_be_bytes())
    }
}

/// The request's log line. Probes and scrapes that succeed log at DEBUG (a load balancer
/// polls `/health` every few seconds); server errors at WARN.
fn log(method: &axum::http::Method, route: &str, status: StatusCode, started: Instant, trace_id: TraceId, note: Note) {
    let duration_ms = started.elapsed().as_micros() as f64 / 1000.0;
    macro_rules! line {
        ($level:expr) => {
            tracing::event!(
                parent: None,
                $level,
                method = %method,
                route,
                status = status.as_u16(),
                duration_ms,
                trace_id = %trace_id,
                operation = note.operation.as_deref(),
                errors = note.errors.as_deref(),
                "request"
            )
        };
    }
    if status.is_server_error() {
        line!(tracing::Level::WARN);
    } else if matches!(route, "/health" | "/ready" | "/metrics") && !status.is_client_error() {
        line!(tracing::Level::DEBUG);
    } else {
        line!(tracing::Level::INFO);
    }
}
