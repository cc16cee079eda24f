//! vf-node: a ValueFlows ledger node. It records economic events as ValueFlows defines them,
//! keeps every write in its own signed op feed, derives resource state from the events, and
//! serves the vf-graphql API.
//!
//! # Layout
//! - [`config`]: the typed configuration (defaults < file < `VF_` env < flags).
//! - [`store`]: sea-orm entities, migrations and queries (SQLite or PostgreSQL).
//! - [`app`]: use cases; the single writer that signs ops and commits in groups.
//! - [`graphql`]: the vf-graphql schema, one file per ValueFlows module.
//! - [`auth`]: EdDSA bearer tokens and scopes.
//! - [`http`]: axum routes (`/graphql`, with subscriptions over WebSocket, `/health`, `/ready`,
//!   `/metrics`).
//! - [`limits`]: the GraphQL route's limits: body, batches, time, requests in flight, rate
//!   per client, aliases.
//! - [`metrics`]: Prometheus counters of requests, and gauges of storage and peers read at
//!   each scrape.
//! - [`sync`]: replication with peer nodes over `vfsync/1` (serving feeds, pulling them).
//! - [`node`]: `Node::build(config)` then `node.serve(listener, shutdown)`.
//! - [`server`]: the HTTP server loop (header read timeout, client addresses, graceful
//!   shutdown).
//! - [`cli`]: the `vf-node` command line.
//! - [`error`]: the request-path error and its stable codes.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod error;
pub mod graphql;
pub mod http;
pub mod limits;
pub mod metrics;
pub mod node;
pub mod server;
pub mod store;
pub mod sync;
pub mod telemetry;

pub use config::Config;
pub use node::Node;
