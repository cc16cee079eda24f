//! W3C Trace Context: the `traceparent` (and `tracestate`) of an incoming request, and the
//! headers that carry a span's context on the requests this node sends to its peers.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{SpanContext, TraceContextExt};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing_opentelemetry::OpenTelemetrySpanExt;

struct Incoming<'a>(&'a HeaderMap);

impl Extractor for Incoming<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(HeaderName::as_str).collect()
    }
}

struct Outgoing<'a>(&'a mut HeaderMap);

impl Injector for Outgoing<'_> {
    fn set(&mut self, key: &str, value: String) {
        if value.is_empty() {
            return;
        }
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(key), HeaderValue::try_from(value)) {
            self.0.insert(name, value);
        }
    }
}

/// The remote parent named by `headers`: an OpenTelemetry context whose span context is
/// invalid when there is no well-formed `traceparent`.
pub fn extract(headers: &HeaderMap) -> opentelemetry::Context {
    TraceContextPropagator::new().extract(&Incoming(headers))
}

/// The span context a context carries (invalid when none).
pub fn span_context(cx: &opentelemetry::Context) -> SpanContext {
    cx.span().span_context().clone()
}

/// The `traceparent` and `tracestate` headers that make `span` the parent of the request
/// they go with; empty when `span` is not exported.
pub fn headers(span: &tracing::Span) -> HeaderMap {
    let mut out = HeaderMap::new();
    let cx = span.context();
    if cx.span().span_context().is_valid() {
        TraceContextPropagator::new().inject_context(&cx, &mut Outgoing(&mut out));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_traceparent(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("traceparent", HeaderValue::from_str(value).expect("a header value"));
        h
    }

    #[test]
    fn a_well_formed_traceparent_names_the_remote_parent() {
        let cx = extract(&with_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        let sc = span_context(&cx);
        assert!(sc.is_valid() && sc.is_remote() && sc.is_sampled());
        assert_eq!(sc.trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(sc.span_id().to_string(), "00f067aa0ba902b7");
    }

    #[test]
    fn a_malformed_or_missing_traceparent_names_no_parent() {
        for bad in ["", "00-zz-00f067aa0ba902b7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"] {
            assert!(!span_context(&extract(&with_traceparent(bad))).is_valid(), "`{bad}`");
        }
        assert!(!span_context(&extract(&HeaderMap::new())).is_valid());
    }

    #[test]
    fn a_span_that_is_not_exported_adds_no_header() {
        assert!(headers(&tracing::Span::none()).is_empty());
    }
}
