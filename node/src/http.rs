//! HTTP: the GraphQL endpoint (POST, and GET with GraphiQL for browsers), `/health` and
//! `/ready`. Everything here is wiring; the work happens in `graphql` and `app`.

use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::app::App;
use crate::auth::Caller;
use crate::error::AppError;
use crate::graphql::{VfSchema, loaders::Loaders};

#[derive(Clone)]
struct Http {
    app: App,
    schema: VfSchema,
}

/// The node's routes.
pub fn router(app: App, schema: VfSchema) -> Router {
    let limit = app.config().api.max_body_bytes;
    let cors = cors(&app.config().api.cors_allow_origins);
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .with_state(Http { app, schema })
        .layer(RequestBodyLimitLayer::new(limit))
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

/// The caller named by the `Authorization` header; anonymous when there is none.
fn caller(app: &App, headers: &HeaderMap) -> Result<Caller, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Caller::ANONYMOUS);
    };
    let text =
        value.to_str().map_err(|_| AppError::Unauthenticated("the Authorization header is not text".to_owned()))?;
    let token = text
        .strip_prefix("Bearer ")
        .or_else(|| text.strip_prefix("bearer "))
        .ok_or_else(|| AppError::Unauthenticated("use `Authorization: Bearer <token>`".to_owned()))?;
    app.authority().verify(token.trim())
}

fn unauthenticated(e: AppError) -> Response {
    refusal(StatusCode::UNAUTHORIZED, e.code(), &e.to_string())
}

async fn execute(http: &Http, headers: &HeaderMap, req: async_graphql::Request) -> Response {
    let caller = match caller(&http.app, headers) {
        Ok(c) => c,
        Err(e) => return unauthenticated(e),
    };
    let req = req.data(caller).data(Loaders::new(&http.app));
    let mut resp = http.schema.execute(req).await;
    for e in &mut resp.errors {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            // Errors raised before any resolver ran: syntax, unknown fields, bad
            // variable types, and the depth and complexity limits.
            let limit = e.message.contains("too deep") || e.message.contains("too complex");
            ext.set("code", if limit { "LIMIT" } else { "VALIDATION" });
        }
    }
    GraphQLResponse::from(resp).into_response()
}

async fn graphql_post(
    State(http): State<Http>,
    headers: HeaderMap,
    req: Result<GraphQLRequest, async_graphql_axum::rejection::GraphQLRejection>,
) -> Response {
    match req {
        Ok(req) => execute(&http, &headers, req.into_inner()).await,
        Err(rejection) => match rejection.0 {
            async_graphql::ParseRequestError::PayloadTooLarge => {
                refusal(StatusCode::PAYLOAD_TOO_LARGE, "LIMIT", "the request body is too large")
            }
            e => refusal(StatusCode::BAD_REQUEST, "BAD_REQUEST", &format!("not a GraphQL request: {e}")),
        },
    }
}

/// A request refused before GraphQL could read it, answered in GraphQL's error shape.
fn refusal(status: StatusCode, code: &str, why: &str) -> Response {
    let mut err = async_graphql::ServerError::new(why, None);
    err.extensions.get_or_insert_with(Default::default).set("code", code);
    let body = async_graphql::Response::from_errors(vec![err]);
    (status, GraphQLResponse::from(body)).into_response()
}

async fn graphql_get(State(http): State<Http>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let query = uri.query().unwrap_or("");
    if query.is_empty() || !query.split('&').any(|kv| kv.starts_with("query=")) {
        if http.app.config().api.graphiql {
            return Html(GRAPHIQL).into_response();
        }
        return (StatusCode::BAD_REQUEST, "send a GraphQL request with POST, or GET with ?query=").into_response();
    }
    match async_graphql::http::parse_query_string(query) {
        Ok(req) if is_query_only(&req) => execute(&http, &headers, req).await,
        Ok(_) => (StatusCode::METHOD_NOT_ALLOWED, "mutations must be sent with POST").into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, format!("bad GraphQL GET request: {e}")).into_response(),
    }
}

/// GET must not change anything: refuse documents with a mutation.
fn is_query_only(req: &async_graphql::Request) -> bool {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    match async_graphql::parser::parse_query(&req.query) {
        Ok(doc) => match &doc.operations {
            DocumentOperations::Single(op) => op.node.ty == OperationType::Query,
            DocumentOperations::Multiple(ops) => ops.values().all(|op| op.node.ty == OperationType::Query),
        },
        // Let the executor report the syntax error.
        Err(_) => true,
    }
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
