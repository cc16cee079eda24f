//! A node as a value: built from a `Config`, served on a listener the caller binds.

use std::future::Future;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::app::App;
use crate::config::Config;
use crate::graphql::subscription::Subscriptions;
use crate::graphql::{self, VfSchema};
use crate::metrics::{self, Metrics};
use crate::sync::Sync;

/// How long WebSocket connections get, at shutdown, to deliver what they hold and close.
const WS_CLOSE_GRACE: Duration = Duration::from_secs(5);

/// A built node, ready to serve.
#[derive(Clone)]
pub struct Node {
    app: App,
    schema: VfSchema,
    ws_schema: VfSchema,
    subscriptions: Subscriptions,
    sync: Sync,
    metrics: Metrics,
}

impl Node {
    /// Opens storage (migrating it), loads or creates the key and the node's own agent.
    pub async fn build(config: Config) -> anyhow::Result<Node> {
        let app = App::open(config).await?;
        let sync = Sync::new(app.clone()).await?;
        let schema = graphql::node_schema(app.clone(), sync.clone());
        let subscriptions = Subscriptions::new(&app.config().api);
        let ws_schema = graphql::ws_schema(app.clone(), sync.clone(), subscriptions.clone());
        let metrics = Metrics::new()?;
        Ok(Node { app, schema, ws_schema, subscriptions, sync, metrics })
    }

    /// The application core (for tools and tests).
    pub fn app(&self) -> &App {
        &self.app
    }

    /// The GraphQL schema (for in-process requests).
    pub fn schema(&self) -> &VfSchema {
        &self.schema
    }

    /// The replication service (peer health, for tools and tests).
    pub fn sync(&self) -> &Sync {
        &self.sync
    }

    /// The HTTP routes: the API and the replication protocol, every request counted, traced
    /// and logged.
    pub fn router(&self) -> axum::Router {
        let api = crate::http::router(
            self.app.clone(),
            self.schema.clone(),
            self.ws_schema.clone(),
            self.sync.clone(),
            self.metrics.clone(),
        );
        api.merge(self.sync.router())
            .layer(axum::middleware::from_fn_with_state(self.metrics.clone(), metrics::track))
            .layer(axum::middleware::from_fn(crate::telemetry::request::trace))
    }

    /// Serves on `listener` until `shutdown` resolves, then lets in-flight requests (and
    /// their transactions) finish, and completes every subscription, before returning.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let router = self.router();
        let subscriptions = self.subscriptions.clone();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        self.sync.start(stopped);
        let stopping = async move {
            shutdown.await;
            let _ = stop.send(true);
            subscriptions.close();
        };
        let header_timeout = Duration::from_secs(self.app.config().api.header_read_timeout_secs.max(1));
        crate::server::run(listener, router, header_timeout, stopping).await;
        if !self.sync.stopped(WS_CLOSE_GRACE).await {
            tracing::warn!("federation pull tasks still running at shutdown were left behind");
        }
        // Upgraded connections run apart from the server: wait for them to say goodbye.
        if !self.subscriptions.drained(WS_CLOSE_GRACE).await {
            tracing::warn!("WebSocket connections still open at shutdown were dropped");
        }
        Ok(())
    }
}
