//! HTTP: the GraphQL endpoint (POST; GET with GraphiQL for browsers; WebSocket for
//! subscriptions), `/health`, `/ready` and `/metrics`. Everything here is wiring; the work
//! happens in `graphql`, `app` and `metrics`.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols, WsMessage};
use async_graphql::{Data, Executor};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use futures::stream::BoxStream;
use futures::{SinkExt, StreamExt, future};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;
use tracing::Instrument;

use crate::app::App;
use crate::auth::{Caller, Scope, Verified};
use crate::error::AppError;
use crate::graphql::subscription::Subscriptions;
use crate::graphql::{VfSchema, loaders::Loaders};
use crate::limits::{self, Limits};
use crate::metrics::{Metrics, Operation};
use crate::sync::Sync as Replication;
use crate::telemetry::graphql::OperationTrace;
use crate::telemetry::request::Note;

#[derive(Clone)]
struct Http {
    app: App,
    schema: VfSchema,
    ws_schema: VfSchema,
    sync: Replication,
    metrics: Metrics,
}

/// The node's routes. `ws_schema` serves WebSocket connections (`graphql::ws_schema`);
/// `sync` and `metrics` feed `/metrics`.
pub fn router(app: App, schema: VfSchema, ws_schema: VfSchema, sync: Replication, metrics: Metrics) -> Router {
    let cors = cors(&app.config().api.cors_allow_origins);
    let limits = axum::middleware::from_fn_with_state(Limits::new(&app, metrics.clone()), limits::guard);
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post).layer(limits))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics_page))
        .with_state(Http { app, schema, ws_schema, sync, metrics })
        .layer(cors)
        .layer(TraceLayer::new_for_http())
}

/// Lets browser frontends on the allowed origins call the API.
fn cors(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new().allow_methods([Method::GET, Method::POST, Method::OPTIONS]).allow_headers([
        header::AUTHORIZATION,
        header::CONTENT_TYPE,
        header::ACCEPT,
    ]);
    if origins.iter().any(|o| o == "*") {
        return layer.allow_origin(AllowOrigin::any());
    }
    let list: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    layer.allow_origin(AllowOrigin::list(list))
}

/// The token of the `Authorization` header, verified (key, signature, times) but not looked
/// up in the revocation list: enough to name whom a request's rate counts against. The
/// limits guard leaves it in the request's extensions, so [`authenticated`] does not check
/// the signature again.
pub(crate) fn verified(app: &App, headers: &HeaderMap) -> Result<Option<Verified>, AppError> {
    bearer_token(headers)?.map(|token| app.authority().verify(token)).transpose()
}

/// The caller named by the `Authorization` header, revocation included; anonymous when
/// there is none. `checked` is the token the limits guard already verified, if it did.
async fn authenticated(app: &App, headers: &HeaderMap, checked: Option<&Verified>) -> Result<Caller, AppError> {
    if let Some(verified) = checked {
        return app.admit(verified).await;
    }
    match bearer_token(headers)? {
        Some(token) => app.authenticate(token).await,
        None => Ok(Caller::ANONYMOUS),
    }
}

/// The token of the `Authorization` header, if there is one.
fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text =
        value.to_str().map_err(|_| AppError::Unauthenticated("the Authorization header is not text".to_owned()))?;
    token_of(text).map(Some)
}

/// The token of an `Authorization` value, `Bearer <token>`.
fn token_of(text: &str) -> Result<&str, AppError> {
    text.strip_prefix("Bearer ")
        .or_else(|| text.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or_else(|| AppError::Unauthenticated("use `Authorization: Bearer <token>`".to_owned()))
}

/// 401 for a bad token; 500 when the token could not be checked (the revocation list
/// unreadable), which refuses it too.
fn unauthenticated(metrics: &Metrics, e: AppError) -> Response {
    if let AppError::Internal(detail) = &e {
        tracing::error!(%detail, "a bearer token could not be checked");
        return refused(metrics, StatusCode::INTERNAL_SERVER_ERROR, e.code(), &e.to_string());
    }
    refused(metrics, StatusCode::UNAUTHORIZED, e.code(), &e.to_string())
}

async fn execute(
    http: &Http,
    headers: &HeaderMap,
    checked: Option<&Verified>,
    mut req: async_graphql::Request,
) -> Response {
    let caller = match authenticated(&http.app, headers, checked).await {
        Ok(c) => c,
        Err(e) => return unauthenticated(&http.metrics, e),
    };
    let op = Operation::of(&mut req);
    let trace = OperationTrace::start(&mut req, op);
    http.metrics.operation(op);
    let started = std::time::Instant::now();
    let resp = match limits::too_many_aliases(&mut req, http.app.config().api.max_aliases) {
        Some(refused) => refused,
        None => with_codes(
            http.schema.execute(req.data(caller).data(Loaders::new(&http.app))).instrument(trace.span()).await,
        ),
    };
    let note = trace.finish(&resp);
    http.metrics.response(op, Some(started.elapsed()), &resp);
    note.attach(GraphQLResponse::from(resp).into_response())
}

/// Gives a code to errors raised before any resolver ran: syntax, unknown fields, bad
/// variable types, and the depth and complexity limits.
fn with_codes(mut resp: async_graphql::Response) -> async_graphql::Response {
    for e in &mut resp.errors {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            // async-graphql's own words: `limit_depth`, the parser's nesting guards,
            // `limit_complexity`.
            let limit = if e.message.contains("too deep") || e.message.contains("recursion") {
                Some("depth")
            } else if e.message.contains("too complex") {
                Some("complexity")
            } else {
                None
            };
            ext.set("code", if limit.is_some() { "LIMIT" } else { "VALIDATION" });
            if let Some(limit) = limit {
                ext.set("limit", limit);
            }
        }
    }
    resp
}

async fn graphql_post(
    State(http): State<Http>,
    headers: HeaderMap,
    checked: Option<Extension<Verified>>,
    req: Result<GraphQLRequest, async_graphql_axum::rejection::GraphQLRejection>,
) -> Response {
    match req {
        Ok(req) => execute(&http, &headers, checked.as_ref().map(|e| &e.0), req.into_inner()).await,
        Err(rejection) => match rejection.0 {
            // Not counted here: `metrics::track` counts every 413 of this route, this one
            // and those of the body-size layer, as a LIMIT breach.
            async_graphql::ParseRequestError::PayloadTooLarge => {
                refusal(StatusCode::PAYLOAD_TOO_LARGE, "LIMIT", "the request body is too large")
            }
            e => refused(&http.metrics, StatusCode::BAD_REQUEST, "BAD_REQUEST", &format!("not a GraphQL request: {e}")),
        },
    }
}

/// Like [`refusal`], counting the error.
fn refused(metrics: &Metrics, status: StatusCode, code: &str, why: &str) -> Response {
    metrics.error(code);
    refusal(status, code, why)
}

/// A request refused before GraphQL could read it, answered in GraphQL's error shape.
fn refusal(status: StatusCode, code: &str, why: &str) -> Response {
    let mut err = async_graphql::ServerError::new(why, None);
    err.extensions.get_or_insert_with(Default::default).set("code", code);
    let body = async_graphql::Response::from_errors(vec![err]);
    Note::refused(code).attach((status, GraphQLResponse::from(body)).into_response())
}

async fn graphql_get(
    State(http): State<Http>,
    headers: HeaderMap,
    checked: Option<Extension<Verified>>,
    uri: axum::http::Uri,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    match ws {
        Ok(ws) => return graphql_ws(http, &headers, checked.as_ref().map(|e| &e.0), ws).await,
        Err(rejection) if headers.contains_key(header::UPGRADE) => return rejection.into_response(),
        Err(_) => {}
    }
    let query = uri.query().unwrap_or("");
    if query.is_empty() || !query.split('&').any(|kv| kv.starts_with("query=")) {
        if http.app.config().api.graphiql {
            return Html(GRAPHIQL).into_response();
        }
        return (StatusCode::BAD_REQUEST, "send a GraphQL request with POST, or GET with ?query=").into_response();
    }
    let mut req = match async_graphql::http::parse_query_string(query) {
        Ok(req) => req,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("bad GraphQL GET request: {e}")).into_response(),
    };
    if !is_query_only(&mut req) {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "only queries may be sent with GET: mutations go with POST, subscriptions over a WebSocket",
        )
            .into_response();
    }
    execute(&http, &headers, checked.as_ref().map(|e| &e.0), req).await
}

/// GET must not change anything: refuse documents with a mutation. The parsed document
/// stays in the request for the executor.
fn is_query_only(req: &mut async_graphql::Request) -> bool {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    match req.parsed_query() {
        Ok(doc) => match &doc.operations {
            DocumentOperations::Single(op) => op.node.ty == OperationType::Query,
            DocumentOperations::Multiple(ops) => ops.values().all(|op| op.node.ty == OperationType::Query),
        },
        // Let the executor report the syntax error.
        Err(_) => true,
    }
}

// ----- WebSocket ----------------------------------------------------------------------------

/// How long, once the node is shutting down, a connection may take to deliver its last
/// messages (a client that does not read cannot hold up the shutdown).
const WS_SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// How long a new connection has to send `connection_init`.
const WS_INIT_TIMEOUT: Duration = Duration::from_secs(3);

/// Starts the reason of the close that refuses a `connection_init` with a bad token.
const REFUSED: &str = "UNAUTHENTICATED: ";

/// Upgrades `GET /graphql` to a GraphQL WebSocket (`graphql-transport-ws`, or the older
/// `graphql-ws`). A token may come in the `Authorization` header or in `connection_init`.
async fn graphql_ws(http: Http, headers: &HeaderMap, checked: Option<&Verified>, ws: WebSocketUpgrade) -> Response {
    let token = match checked.cloned().map(Ok).or_else(|| verified(&http.app, headers).transpose()).transpose() {
        Ok(t) => t,
        Err(e) => return unauthenticated(&http.metrics, e),
    };
    let from_header = match &token {
        Some(v) => match http.app.admit(v).await {
            Ok(c) => (c, token),
            Err(e) => return unauthenticated(&http.metrics, e),
        },
        None => (Caller::ANONYMOUS, None),
    };
    let ws = ws.protocols(ALL_WEBSOCKET_PROTOCOLS).max_message_size(http.app.config().api.max_body_bytes);
    let protocol =
        ws.selected_protocol().and_then(|p| p.to_str().ok()).and_then(|p| WebSocketProtocols::from_str(p).ok());
    let Some(protocol) = protocol else {
        return refused(
            &http.metrics,
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "a GraphQL WebSocket needs the `graphql-transport-ws` (or `graphql-ws`) subprotocol",
        );
    };
    ws.on_upgrade(move |socket| serve_ws(socket, http, protocol, from_header)).into_response()
}

/// The caller a `connection_init` payload names (`{"Authorization": "Bearer <token>"}`,
/// `{"authToken": "<token>"}`, or the same under `headers`), with its token; `default` when
/// none.
async fn init_caller(app: &App, payload: &serde_json::Value, default: Session) -> Result<Session, AppError> {
    let headers = payload.get("headers").unwrap_or(&serde_json::Value::Null);
    let found = ["Authorization", "authorization"]
        .iter()
        .find_map(|k| payload.get(*k).or_else(|| headers.get(*k)).map(|v| (v, true)))
        .or_else(|| payload.get("authToken").map(|v| (v, false)));
    let Some((value, is_header)) = found else { return Ok(default) };
    let text = value
        .as_str()
        .ok_or_else(|| AppError::Unauthenticated("the token in connection_init must be a string".to_owned()))?;
    let token = if is_header || text.starts_with("Bearer ") || text.starts_with("bearer ") {
        token_of(text)?
    } else {
        text.trim()
    };
    let verified = app.authority().verify(token)?;
    Ok((app.admit(&verified).await?, Some(verified)))
}

/// Who a WebSocket connection speaks for, and the token that says so (None when anonymous).
type Session = (Caller, Option<Verified>);

/// How often an open WebSocket session checks that its token was not revoked by another
/// replica (revocations made by this process are seen at once, expiry at its second).
const WS_TOKEN_RECHECK: Duration = Duration::from_secs(30);

/// Why a session's token no longer admits it, if it does not: the close frame's reason.
async fn session_ended(app: &App, token: &Verified) -> Option<String> {
    match app.no_longer_valid(token).await {
        Ok(why) => why.map(|why| format!("{REFUSED}{why}")),
        Err(e) => {
            // An unreadable revocation list does not end a session; the next check decides.
            tracing::warn!(error = %e, "could not check a WebSocket session's token");
            None
        }
    }
}

/// Runs GraphQL over WebSocket through the ws schema, with the error codes and the alias
/// limit HTTP responses have, counted like theirs (operations over a WebSocket are not
/// timed: a subscription lasts as long as the client wants).
#[derive(Clone)]
struct WsExecutor(VfSchema, Metrics, usize);

impl Executor for WsExecutor {
    async fn execute(&self, mut request: async_graphql::Request) -> async_graphql::Response {
        let op = Operation::of(&mut request);
        let trace = OperationTrace::start(&mut request, op);
        self.1.operation(op);
        let resp = match limits::too_many_aliases(&mut request, self.2) {
            Some(refused) => refused,
            None => with_codes(self.0.execute(request).instrument(trace.span()).await),
        };
        trace.finish(&resp);
        self.1.response(op, None, &resp);
        resp
    }

    fn execute_stream(
        &self,
        mut request: async_graphql::Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        let op = Operation::of(&mut request);
        let trace = OperationTrace::start(&mut request, op);
        self.1.operation(op);
        let metrics = self.1.clone();
        if let Some(refused) = limits::too_many_aliases(&mut request, self.2) {
            metrics.response(op, None, &refused);
            return trace.stream(futures::stream::once(future::ready(refused))).boxed();
        }
        let responses =
            self.0.execute_stream_with_session_data(request, session_data.unwrap_or_default()).map(move |resp| {
                let resp = with_codes(resp);
                metrics.response(op, None, &resp);
                resp
            });
        trace.stream(responses).boxed()
    }
}

async fn serve_ws(socket: WebSocket, http: Http, protocol: WebSocketProtocols, from_header: Session) {
    let Some(hub) = http.ws_schema.data::<Subscriptions>().cloned() else {
        tracing::error!("the WebSocket schema has no subscription hub");
        return;
    };
    let (slots, guard) = hub.connect();
    let (mut sink, source) = socket.split();
    let input = source.take_while(|m| future::ready(m.is_ok())).filter_map(|m| {
        future::ready(match m {
            Ok(msg @ (Message::Text(_) | Message::Binary(_))) => Some(msg.into_data()),
            _ => None,
        })
    });
    let mut data = Data::default();
    data.insert(slots.clone());
    let app = http.app.clone();
    // The token the session runs under, once `connection_init` settled it.
    let session: Arc<std::sync::Mutex<Option<Verified>>> = Arc::default();
    let settled = session.clone();
    let executor = WsExecutor(http.ws_schema.clone(), http.metrics.clone(), http.app.config().api.max_aliases);
    let messages = async_graphql::http::WebSocket::new(executor, input, protocol)
        .connection_data(data)
        .on_connection_init(move |payload| async move {
            let (caller, token) = init_caller(&app, &payload, from_header)
                .await
                .map_err(|e| async_graphql::Error::new(format!("{REFUSED}{e}")))?;
            *settled.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = token;
            let mut data = Data::default();
            data.insert(caller);
            Ok(data)
        });
    let token = || session.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    let pump = async {
        let mut messages = std::pin::pin!(messages);
        let mut closing = std::pin::pin!(hub.closed());
        let mut init_wait = std::pin::pin!(tokio::time::sleep(WS_INIT_TIMEOUT));
        // Sessions under a token end when it expires or is revoked: checked at its expiry,
        // at once when this process revokes a token, and every WS_TOKEN_RECHECK.
        let mut revocations = http.app.revocations();
        let mut recheck = tokio::time::interval(WS_TOKEN_RECHECK);
        recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut expiry = std::pin::pin!(tokio::time::sleep(Duration::from_secs(86_400)));
        let mut expiry_set: Option<i64> = None;
        let (mut shutting, mut acked) = (false, false);
        loop {
            let check = tokio::select! {
                m = messages.next() => Ok(m),
                () = &mut expiry, if expiry_set.is_some() => Err(()),
                Ok(()) = revocations.changed(), if acked => Err(()),
                _ = recheck.tick(), if acked => Err(()),
                () = &mut closing, if !shutting => {
                    // Every subscription now completes; close once they all have.
                    shutting = true;
                    if slots.idle() {
                        break;
                    }
                    continue;
                }
                () = &mut init_wait, if !acked => {
                    // graphql-transport-ws: 4408 when no connection_init came in time.
                    let late = CloseFrame { code: 4408, reason: "connection_init was not sent in time".into() };
                    let _ = sink.send(Message::Close(Some(late))).await;
                    return;
                }
            };
            let next = match check {
                Ok(next) => next,
                Err(()) => {
                    let Some(held) = token() else { continue };
                    if let Some(why) = session_ended(&http.app, &held).await {
                        // 4403, as for a refused connection_init: the client must authenticate again.
                        let _ = sink.send(Message::Close(Some(CloseFrame { code: 4403, reason: why.into() }))).await;
                        return;
                    }
                    continue;
                }
            };
            let Some(msg) = next else { return };
            let frame = match msg {
                WsMessage::Text(text) => {
                    acked |= text.contains("\"connection_ack\"");
                    Message::Text(text.into())
                }
                WsMessage::Close(code, reason) => {
                    // graphql-transport-ws: 4403 refuses a connection_init.
                    let code = if reason.starts_with(REFUSED) { 4403 } else { code };
                    Message::Close(Some(CloseFrame { code, reason: close_reason(&reason).into() }))
                }
            };
            if sink.send(frame).await.is_err() {
                return;
            }
            let expires = token().map(|t| t.expires_at);
            if acked && expires != expiry_set {
                expiry_set = expires;
                if let Some(at) = expires {
                    let left = (at + crate::auth::MAX_SKEW_SECS + 1 - chrono::Utc::now().timestamp()).max(0);
                    let left = Duration::from_secs(u64::try_from(left).unwrap_or(0));
                    expiry.as_mut().reset(tokio::time::Instant::now() + left);
                }
            }
            if shutting && slots.idle() {
                break;
            }
        }
        let bye = CloseFrame { code: 1001, reason: "the node is shutting down".into() };
        let _ = sink.send(Message::Close(Some(bye))).await;
    };
    tokio::select! {
        () = pump => {}
        () = async {
            hub.closed().await;
            tokio::time::sleep(WS_SHUTDOWN_GRACE).await;
        } => tracing::debug!("a WebSocket client did not take its last messages in time"),
    }
    drop(guard);
}

/// A close reason within the 123 bytes a close frame allows.
fn close_reason(reason: &str) -> String {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_owned()
}

async fn health() -> &'static str {
    "ok"
}

async fn ready(State(http): State<Http>) -> Response {
    if http.app.store().ready().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database not ready").into_response()
    }
}

/// The Prometheus text page; with `metrics.require_admin`, only for an `admin` token.
async fn metrics_page(State(http): State<Http>, headers: HeaderMap) -> Response {
    if http.app.config().metrics.require_admin
        && let Err(e) = authenticated(&http.app, &headers, None).await.and_then(|c| c.require(Scope::Admin))
    {
        let why = format!("{}: {e}\n", e.code());
        return match e {
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, why).into_response(),
            _ => (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], why).into_response(),
        };
    }
    match http.metrics.render(&http.app, &http.sync).await {
        Ok(text) => ([(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)], text).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "the metrics page could not be built");
            (StatusCode::INTERNAL_SERVER_ERROR, "the metrics page could not be built\n").into_response()
        }
    }
}

/// A GraphiQL page (assets from the jsDelivr CDN) pointed at this endpoint.
const GRAPHIQL: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>vf-node GraphiQL</title>
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/graphiql@3.7.2/graphiql.min.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL...</div>
<script crossorigin src="https://cdn.jsdelivr.net/npm/react@18.3.1/umd/react.production.min.js"></script>
<script crossorigin src="https://cdn.jsdelivr.net/npm/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
<script crossorigin src="https://cdn.jsdelivr.net/npm/graphiql@3.7.2/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true, shouldPersistHeaders: true }));
</script>
</body>
</html>
"#;
