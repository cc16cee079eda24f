//! The limits of the GraphQL route: body type and size, batches, time, requests running at
//! once, a rate per client, and aliases per operation. Each breach is answered in GraphQL's
//! error shape with `extensions.code = "LIMIT"` and `extensions.limit` naming the limit,
//! and counted in `/metrics` (`vf_limit_breaches_total{limit}`).

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql_axum::GraphQLResponse;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use ipnet::IpNet;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use valueflows_model as vf;

use crate::app::App;
use crate::metrics::Metrics;

/// How often the rate limiter forgets clients back to a full burst.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The limits of one node's GraphQL route; cheap to clone.
#[derive(Clone)]
pub struct Limits {
    inner: Arc<Inner>,
}

struct Inner {
    app: App,
    metrics: Metrics,
    max_body: usize,
    timeout: Duration,
    slots: Semaphore,
    max_in_flight: usize,
    slot_wait: Duration,
    rate: Option<Rate>,
    trusted_proxies: Vec<IpNet>,
}

/// A GCRA rate limiter per client.
struct Rate {
    limiter: DefaultKeyedRateLimiter<Client>,
    clock: DefaultClock,
    swept: Mutex<Instant>,
}

/// Whom a rate counts against: the token's agent, else the client's address (an IPv6
/// client by its /64, the block one host is usually given).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Client {
    Agent(vf::AgentId),
    Address(IpAddr),
}

impl Limits {
    /// The limits `app`'s `api` configuration sets, counting breaches in `metrics`.
    pub fn new(app: &App, metrics: Metrics) -> Limits {
        let api = &app.config().api;
        let rate = NonZeroU32::new(api.rate_limit_per_minute).map(|per_minute| {
            let burst = NonZeroU32::new(api.rate_limit_burst).unwrap_or(NonZeroU32::MIN);
            Rate {
                limiter: DefaultKeyedRateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)),
                clock: DefaultClock::default(),
                swept: Mutex::new(Instant::now()),
            }
        });
        // `Config::check` refuses addresses that do not parse.
        let trusted_proxies = api.trusted_proxies.iter().filter_map(|p| proxy_range(p)).collect();
        Limits {
            inner: Arc::new(Inner {
                app: app.clone(),
                metrics,
                max_body: api.max_body_bytes,
                timeout: Duration::from_secs(api.request_timeout_secs.max(1)),
                slots: Semaphore::new(api.max_in_flight.max(1)),
                max_in_flight: api.max_in_flight.max(1),
                slot_wait: Duration::from_millis(api.in_flight_wait_ms),
                rate,
                trusted_proxies,
            }),
        }
    }

    /// Refuses a request past a limit, counting the breach.
    fn refuse(&self, status: StatusCode, limit: &str, why: &str) -> Response {
        self.inner.metrics.error("LIMIT");
        self.inner.metrics.breach(limit);
        error_response(status, "LIMIT", Some(limit), why)
    }

    /// The client a request's rate counts against.
    /// A token that verifies is left in the request's extensions for the handler.
    fn client(&self, req: &mut Parts) -> Client {
        // The same check as the GraphQL handler's: a token that does not verify names no one.
        if req.headers.contains_key(header::AUTHORIZATION)
            && let Ok(Some(verified)) = crate::http::verified(&self.inner.app, &req.headers)
            && let Some(agent) = verified.caller.agent
        {
            req.extensions.insert(verified);
            return Client::Agent(agent);
        }
        let peer = crate::server::peer(&req.extensions).map(|a| a.ip());
        Client::Address(block(client_address(peer, &req.headers, &self.inner.trusted_proxies)))
    }

    /// Takes one request from `client`'s allowance, or says how long until it has one.
    fn take(&self, rate: &Rate, client: &Client) -> Result<(), Duration> {
        {
            let mut swept = rate.swept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if swept.elapsed() >= SWEEP_EVERY {
                *swept = Instant::now();
                // Clients back to a full burst are indistinguishable from new ones.
                rate.limiter.retain_recent();
                rate.limiter.shrink_to_fit();
            }
        }
        rate.limiter.check_key(client).map_err(|not_until| not_until.wait_time_from(rate.clock.now()))
    }
}

/// The GraphQL route's guard: the body (its size, its time to arrive), then its type and
/// batches, then the rate limit, then a slot among `api.max_in_flight`, then the request
/// timeout. The body is read before any refusal that does not concern it, so that the
/// client reads the answer and can reuse the connection.
pub async fn guard(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let deadline = Instant::now() + limits.inner.timeout;
    let secs = limits.inner.timeout.as_secs();
    let (mut parts, body) = req.into_parts();
    let max = limits.inner.max_body;
    let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return too_large(max);
    }
    let bytes = match tokio::time::timeout_at(deadline, read_body(body, max, declared)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(BodyError::TooLarge)) => return too_large(max),
        Ok(Err(BodyError::Broken(e))) => {
            limits.inner.metrics.error("BAD_REQUEST");
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                None,
                &format!("the request body could not be read: {e}"),
            );
        }
        Err(_) => {
            // The client is too slow to send its request: 408 is its fault, not the node's.
            let why = format!("the request body did not arrive within {secs} s");
            let mut resp = limits.refuse(StatusCode::REQUEST_TIMEOUT, "timeout", &why);
            resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            return resp;
        }
    };
    if parts.method == Method::POST && !is_json(&parts.headers) {
        limits.inner.metrics.error("BAD_REQUEST");
        let why = "send the GraphQL request as `content-type: application/json`";
        return error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, "BAD_REQUEST", None, why);
    }
    if parts.method == Method::POST && bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        limits.inner.metrics.error("BAD_REQUEST");
        return error_response(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            None,
            "batched requests (a JSON array of operations) are not accepted: send one operation per request",
        );
    }
    if let Some(rate) = &limits.inner.rate {
        let client = limits.client(&mut parts);
        if let Err(wait) = limits.take(rate, &client) {
            let retry = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
            let why = format!("too many requests from this client: try again in {retry} s");
            let mut resp = limits.refuse(StatusCode::TOO_MANY_REQUESTS, "rate", &why);
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry));
            return resp;
        }
    }
    let wait_until = deadline.min(Instant::now() + limits.inner.slot_wait);
    let Ok(Ok(_slot)) = tokio::time::timeout_at(wait_until, limits.inner.slots.acquire()).await else {
        let why =
            format!("the node is busy: {} GraphQL requests are running; try again shortly", limits.inner.max_in_flight);
        let mut resp = limits.refuse(StatusCode::SERVICE_UNAVAILABLE, "in_flight", &why);
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return resp;
    };
    let _running = limits.inner.metrics.running();
    let req = Request::from_parts(parts, Body::from(bytes));
    match tokio::time::timeout_at(deadline, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            // Dropping the request's future stops its resolvers. A write the writer had not
            // begun is withdrawn; one it had begun commits whole (ARCHITECTURE.md, "Limits").
            let why = format!(
                "the request did not finish within {secs} s; a mutation among it may have been committed: \
                 read before sending it again"
            );
            limits.refuse(StatusCode::SERVICE_UNAVAILABLE, "timeout", &why)
        }
    }
}

/// Whether the body is declared JSON (`application/json`, with or without parameters). Other
/// types are refused: the schema takes no file uploads (multipart), and a form or text
/// body is a browser's cross-origin request with no preflight.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// 413, closing the connection: the rest of the body is not read. `metrics::track` counts
/// it, whichever layer sends it.
fn too_large(max: usize) -> Response {
    let why = format!("the request body is larger than {max} bytes");
    let mut resp = error_response(StatusCode::PAYLOAD_TOO_LARGE, "LIMIT", Some("body"), &why);
    resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

enum BodyError {
    TooLarge,
    Broken(axum::Error),
}

/// The whole body, refused as soon as it grows past `max` bytes.
async fn read_body(body: Body, max: usize, declared: Option<u64>) -> Result<Vec<u8>, BodyError> {
    let mut buf = Vec::with_capacity(declared.map_or(0, |n| usize::try_from(n).unwrap_or(max).min(max)));
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(BodyError::Broken)?;
        if buf.len() + chunk.len() > max {
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// A request refused before GraphQL ran, in GraphQL's error shape.
fn error_response(status: StatusCode, code: &str, limit: Option<&str>, why: &str) -> Response {
    let mut err = async_graphql::ServerError::new(why, None);
    let ext = err.extensions.get_or_insert_with(Default::default);
    ext.set("code", code);
    if let Some(limit) = limit {
        ext.set("limit", limit);
    }
    let resp = (status, GraphQLResponse::from(async_graphql::Response::from_errors(vec![err]))).into_response();
    crate::telemetry::request::Note::refused(code).attach(resp)
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the last address
/// of `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address it saw).
/// An entry of `api.trusted_proxies`: an IP address, or a range in CIDR notation
/// (`10.0.0.0/8`, `2001:db8::/32`); None when it is neither.
pub(crate) fn proxy_range(entry: &str) -> Option<IpNet> {
    let entry = entry.trim();
    entry.parse::<IpNet>().ok().or_else(|| entry.parse::<IpAddr>().ok().map(IpNet::from))
}

fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let Some(peer) = peer.map(|p| p.to_canonical()) else { return IpAddr::from([0, 0, 0, 0]) };
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip.to_canonical();
                if !is_trusted(&client) {
                    break;
                }
            }
            // Garbage: whatever came before it could have been written by anyone.
            Err(_) => break,
        }
    }
    client
}

/// The address a rate is kept for: IPv4 as is, IPv6 by its /64.
fn block(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(v6.to_bits() & !u128::from(u64::MAX))),
    }
}

// ----- aliases ------------------------------------------------------------------------------

/// A `LIMIT` response when an operation of `req`'s document has more than `max` aliased
/// fields (fragments counted each time they are spread). Parses the document into the
/// request, where the executor finds it; a document that does not parse is left to it.
pub fn too_many_aliases(req: &mut async_graphql::Request, max: usize) -> Option<async_graphql::Response> {
    let name = req.operation_name.clone();
    let doc = req.parsed_query().ok()?;
    let found = aliases(doc, name.as_deref());
    if found <= max {
        return None;
    }
    let why = format!("the operation has {found} aliased fields; at most {max} are accepted");
    let mut err = async_graphql::ServerError::new(why, None);
    let ext = err.extensions.get_or_insert_with(Default::default);
    ext.set("code", "LIMIT");
    ext.set("limit", "aliases");
    Some(async_graphql::Response::from_errors(vec![err]))
}

/// The aliased fields the operation `name` of `doc` would resolve; without a name (or with
/// one the document lacks, which the executor refuses), the most of any operation.
fn aliases(doc: &ExecutableDocument, name: Option<&str>) -> usize {
    let mut memo = std::collections::HashMap::new();
    doc.operations
        .iter()
        .filter(|(n, _)| name.is_none_or(|wanted| n.is_none_or(|n| n.as_str() == wanted)))
        .map(|(_, op)| in_selection(&op.node.selection_set.node, doc, &mut memo, &mut Vec::new()))
        .max()
        .unwrap_or(0)
}

/// Aliases in `set`, with the fragments it spreads. `memo` holds each fragment's count,
/// so a fragment spread many times is walked once; `path` breaks cycles (which validation
/// refuses later).
fn in_selection<'d>(
    set: &'d SelectionSet,
    doc: &'d ExecutableDocument,
    memo: &mut std::collections::HashMap<&'d str, usize>,
    path: &mut Vec<&'d str>,
) -> usize {
    set.items.iter().fold(0usize, |n, item| {
        let here = match &item.node {
            Selection::Field(f) => usize::from(f.node.alias.is_some()).saturating_add(in_selection(
                &f.node.selection_set.node,
                doc,
                memo,
                path,
            )),
            Selection::InlineFragment(f) => in_selection(&f.node.selection_set.node, doc, memo, path),
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                if let Some(n) = memo.get(name) {
                    *n
                } else if path.contains(&name) {
                    0
                } else if let Some(fragment) = doc.fragments.get(&s.node.fragment_name.node) {
                    path.push(name);
                    let n = in_selection(&fragment.node.selection_set.node, doc, memo, path);
                    path.pop();
                    memo.insert(name, n);
                    n
                } else {
                    0
                }
            }
        };
        n.saturating_add(here)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(query: &str) -> usize {
        aliases(&async_graphql::parser::parse_query(query).expect("parses"), None)
    }

    #[test]
    fn aliases_are_counted_through_fragments_as_spread() {
        assert_eq!(count("{ a: actions { id } b: actions { x: id } units { edges { cursor } } }"), 3);
        assert_eq!(count("{ ...F ...F } fragment F on Query { a: actions { id } b: actions { id } }"), 4);
        assert_eq!(count("{ ... on Query { a: actions { id } } }"), 1);
        // Each operation alone: the one named, else the largest.
        let two = "query A { a: actions { id } } query B { b: actions { id } c: actions { id } }";
        assert_eq!(count(two), 2);
        let doc = async_graphql::parser::parse_query(two).expect("parses");
        assert_eq!((aliases(&doc, Some("A")), aliases(&doc, Some("B"))), (1, 2));
        // A fragment spreading itself is refused by validation; here it ends the walk.
        assert_eq!(count("{ ...F } fragment F on Query { a: actions { id } ...F }"), 1);
        // Fragments that double at each level are walked once each.
        let mut q = String::from("{ ...F0 } fragment F20 on Query { a: actions { id } }");
        for i in 0..20 {
            q.push_str(&format!(" fragment F{i} on Query {{ ...F{} ...F{} }}", i + 1, i + 1));
        }
        assert_eq!(count(&q), 1 << 20);
    }

    #[test]
    fn only_trusted_proxies_may_name_the_client() {
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 203.0.113.7, 10.0.0.2"));
        let proxies: Vec<IpNet> = ["10.0.0.1", "10.0.0.2"].iter().filter_map(|p| proxy_range(p)).collect();
        assert_eq!(client_address(Some(ip("198.51.100.1")), &headers, &proxies), ip("198.51.100.1"), "not a proxy");
        assert_eq!(client_address(Some(ip("10.0.0.1")), &headers, &proxies), ip("203.0.113.7"), "past the proxies");
        assert_eq!(client_address(Some(ip("10.0.0.1")), &HeaderMap::new(), &proxies), ip("10.0.0.1"));
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.7, junk"));
        assert_eq!(client_address(Some(ip("10.0.0.1")), &headers, &proxies), ip("10.0.0.1"), "stops at junk");
        assert_eq!(client_address(Some(ip("::ffff:10.0.0.9")), &HeaderMap::new(), &proxies), ip("10.0.0.9"));
        // Ranges: every address in 10.0.0.0/24 is a proxy; 10.0.1.1 is not.
        let ranges: Vec<IpNet> = ["10.0.0.0/24", "2001:db8::/32"].iter().filter_map(|p| proxy_range(p)).collect();
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.7, 10.0.0.77"));
        assert_eq!(client_address(Some(ip("10.0.0.200")), &headers, &ranges), ip("203.0.113.7"), "in the range");
        assert_eq!(client_address(Some(ip("10.0.1.1")), &headers, &ranges), ip("10.0.1.1"), "outside it");
        assert_eq!(client_address(Some(ip("2001:db8::9")), &headers, &ranges), ip("203.0.113.7"), "IPv6 range");
        assert!(proxy_range("10.0.0.0/33").is_none() && proxy_range("proxy.local").is_none());
        assert_eq!(block(ip("2001:db8:1:2:3:4:5:6")), ip("2001:db8:1:2::"));
        assert_eq!(block(ip("192.0.2.1")), ip("192.0.2.1"));
    }
}
