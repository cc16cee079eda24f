//! A node as a value: built from a `Config`, served on a listener the caller binds.

use std::future::Future;

use tokio::net::TcpListener;

use crate::app::App;
use crate::config::Config;
use crate::graphql::{self, VfSchema};

/// A built node, ready to serve.
#[derive(Clone)]
pub struct Node {
    app: App,
    schema: VfSchema,
}

impl Node {
    /// Opens storage (migrating it), loads or creates the key and the node's own agent.
    pub async fn build(config: Config) -> anyhow::Result<Node> {
        let app = App::open(config).await?;
        let schema = graphql::schema(Some(app.clone()));
        Ok(Node { app, schema })
    }

    /// The application core (for tools and tests).
    pub fn app(&self) -> &App {
        &self.app
    }

    /// The GraphQL schema (for in-process requests).
    pub fn schema(&self) -> &VfSchema {
        &self.schema
    }

    /// The HTTP routes.
    pub fn router(&self) -> axum::Router {
        crate::http::router(self.app.clone(), self.schema.clone())
    }

    /// Serves on `listener` until `shutdown` resolves, then lets in-flight requests (and
    /// their transactions) finish before returning.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let router = self.router();
        axum::serve(listener, router).with_graceful_shutdown(shutdown).await?;
        Ok(())
    }
}
