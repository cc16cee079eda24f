//! The span of each GraphQL operation (`query Units`): its type and name, and the error
//! codes it answered. Neither the document nor its variables are recorded.

use std::task::Poll;

use async_graphql::parser::types::DocumentOperations;
use futures::{Stream, StreamExt};
use tracing::field::Empty;

use super::request::Note;
use crate::metrics::{ERROR_CODES, Operation};

/// Longest operation name recorded; a longer one is cut (it is the client's text).
const MAX_NAME: usize = 100;

/// One operation being run, with its span.
pub struct OperationTrace {
    span: tracing::Span,
    operation: String,
}

impl OperationTrace {
    /// Opens the span of the operation `req` runs (`op`, as `Operation::of` found it; the
    /// document is already parsed into the request).
    pub fn start(req: &mut async_graphql::Request, op: Operation) -> OperationTrace {
        let kind = match op {
            Operation::Query => "query",
            Operation::Mutation => "mutation",
            Operation::Subscription => "subscription",
            Operation::Unknown => "unknown",
        };
        let name = name(req);
        let operation = match &name {
            Some(n) => format!("{kind} {n}"),
            None => kind.to_owned(),
        };
        let span = tracing::info_span!(
            "graphql.operation",
            otel.name = %operation,
            otel.status_code = Empty,
            graphql.operation.type = kind,
            graphql.operation.name = name.as_deref(),
            graphql.error.codes = Empty,
        );
        OperationTrace { span, operation }
    }

    /// The span, to run the operation in.
    pub fn span(&self) -> tracing::Span {
        self.span.clone()
    }

    /// Records the error codes `resp` carries on the span and closes it; returns what the
    /// request's log line says of the operation.
    pub fn finish(self, resp: &async_graphql::Response) -> Note {
        let mut codes = Vec::new();
        let errors = self.record(&mut codes, resp);
        Note { operation: Some(self.operation), errors }
    }

    /// Runs the responses of an operation sent over a WebSocket (one for a query or a
    /// mutation, one per event for a subscription) in the span, which records the codes of
    /// every error sent and closes when the stream ends.
    pub fn stream<S>(self, mut responses: S) -> impl Stream<Item = async_graphql::Response> + Send + 'static
    where
        S: Stream<Item = async_graphql::Response> + Send + Unpin + 'static,
    {
        let mut codes = Vec::new();
        futures::stream::poll_fn(move |cx| {
            let _entered = self.span.enter();
            let next = responses.poll_next_unpin(cx);
            if let Poll::Ready(Some(resp)) = &next {
                self.record(&mut codes, resp);
            }
            next
        })
    }

    /// Adds the codes of `resp`'s errors to `codes` (each once, in the order first met) and
    /// records them on the span; returns them comma-separated, if any.
    fn record(&self, codes: &mut Vec<&'static str>, resp: &async_graphql::Response) -> Option<String> {
        let before = codes.len();
        for e in &resp.errors {
            let code = match e.extensions.as_ref().and_then(|x| x.get("code")) {
                Some(async_graphql::Value::String(c)) => {
                    ERROR_CODES.iter().find(|k| **k == c).copied().unwrap_or("OTHER")
                }
                _ => "OTHER",
            };
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        if codes.is_empty() {
            return None;
        }
        let joined = codes.join(",");
        if codes.len() > before {
            self.span.record("graphql.error.codes", joined.as_str());
            self.span.record("otel.status_code", "ERROR");
        }
        Some(joined)
    }
}

/// The name of the operation `req` runs: the one the request names, else the document's
/// only named operation.
fn name(req: &mut async_graphql::Request) -> Option<String> {
    let named = match req.operation_name.clone() {
        Some(n) => Some(n),
        None => match req.parsed_query().map(|doc| &doc.operations) {
            Ok(DocumentOperations::Multiple(ops)) if ops.len() == 1 => ops.keys().next().map(ToString::to_string),
            _ => None,
        },
    };
    named.map(|mut n| {
        if n.len() > MAX_NAME {
            let mut end = MAX_NAME;
            while !n.is_char_boundary(end) {
                end -= 1;
            }
            n.truncate(end);
        }
        n
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traced(query: &str, name: Option<&str>) -> (OperationTrace, Operation) {
        let mut req = async_graphql::Request::new(query);
        if let Some(n) = name {
            req = req.operation_name(n);
        }
        let op = Operation::of(&mut req);
        (OperationTrace::start(&mut req, op), op)
    }

    #[test]
    fn an_operation_is_named_by_its_type_and_name() {
        assert_eq!(traced("query Units { units { edges { cursor } } }", None).0.operation, "query Units");
        assert_eq!(traced("{ myAgent { id } }", None).0.operation, "query");
        assert_eq!(traced("mutation A { a } query B { b }", Some("A")).0.operation, "mutation A");
        assert_eq!(traced("mutation A { a } query B { b }", None).0.operation, "unknown");
        assert_eq!(traced("not graphql", None).0.operation, "unknown");
    }

    #[test]
    fn a_long_client_supplied_name_is_cut() {
        let long = "x".repeat(500);
        let (t, _) = traced("{ a }", Some(&long));
        assert_eq!(t.operation.len(), "query ".len() + MAX_NAME);
    }

    #[test]
    fn finish_lists_each_error_code_once_in_order() {
        let (t, _) = traced("{ a }", None);
        let err = |code: &str| {
            let mut e = async_graphql::ServerError::new("no", None);
            e.extensions.get_or_insert_with(Default::default).set("code", code);
            e
        };
        let resp =
            async_graphql::Response::from_errors(vec![err("NOT_FOUND"), err("LIMIT"), err("NOT_FOUND"), err("??")]);
        let note = t.finish(&resp);
        assert_eq!(note.errors.as_deref(), Some("NOT_FOUND,LIMIT,OTHER"));
        assert_eq!(note.operation.as_deref(), Some("query"));
        let (t, _) = traced("{ a }", None);
        assert_eq!(t.finish(&async_graphql::Response::new(async_graphql::Value::Null)).errors, None);
    }
}
