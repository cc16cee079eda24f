//! Test harness for vf-node: `TestNode` runs a real node (HTTP on `127.0.0.1:0`, its own
//! database) inside the test process, on SQLite or PostgreSQL; `gql` sends real requests.
//!
//! # Layout
//! - [`TestNode`]: one node, its URL, tokens, and a GraphQL client.
//! - [`Backend`]: which database a node uses; PostgreSQL databases are created per node.
//! - [`postgres_admin_url`]: where the PostgreSQL server is found (`DATABASE_URL`).

use std::time::Duration;

use anyhow::Context;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use valueflows_node::auth::Scope;
use valueflows_node::{Config, Node};

/// Which database a test node uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in the node's temporary data directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server.
    Postgres,
}

/// The PostgreSQL server tests use: `DATABASE_URL`, or the local default.
pub fn postgres_admin_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Installs the rustls crypto provider once (reqwest is built without one).
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A running node owned by one test.
pub struct TestNode {
    /// Base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    /// The node (for direct access to its app in assertions).
    pub node: Node,
    /// A token with `write` scope for the node's own organization.
    pub write_token: String,
    /// A token with `read` scope.
    pub read_token: String,
    /// Which database it runs on.
    pub backend: Backend,
    client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    pg_database: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestNode {
    /// A node on SQLite.
    pub async fn sqlite() -> TestNode {
        Self::spawn(Backend::Sqlite, |_| {}).await.expect("start a SQLite node")
    }

    /// A node on its own PostgreSQL database, or None (with a message) when no server is
    /// reachable outside CI. In CI (`CI=true`) an unreachable server fails the test.
    pub async fn postgres() -> Option<TestNode> {
        Self::postgres_with(|_| {}).await
    }

    /// Like [`TestNode::postgres`], with the config adjusted by `tune`.
    pub async fn postgres_with(tune: impl FnOnce(&mut Config)) -> Option<TestNode> {
        match Self::spawn(Backend::Postgres, tune).await {
            Ok(n) => Some(n),
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("PostgreSQL is required in CI and was not usable: {e:#}");
                }
                eprintln!("SKIPPED (PostgreSQL not reachable at {}): {e:#}", postgres_admin_url());
                None
            }
        }
    }

    /// A node on `backend`, or on SQLite (with a message) when PostgreSQL is not reachable
    /// outside CI. In CI an unreachable PostgreSQL fails the test.
    pub async fn spawn_or_sqlite(backend: Backend, tune: impl Fn(&mut Config)) -> TestNode {
        match Self::spawn(backend, &tune).await {
            Ok(n) => n,
            Err(e) if backend == Backend::Postgres && std::env::var("CI").map_or(true, |v| v != "true") => {
                eprintln!("SKIPPED PostgreSQL for this node ({e:#}); using SQLite");
                Self::spawn(Backend::Sqlite, &tune).await.expect("SQLite node")
            }
            Err(e) => panic!("node on {backend:?}: {e:#}"),
        }
    }

    /// A node on `backend` with its config adjusted by `tune`.
    pub async fn spawn(backend: Backend, tune: impl FnOnce(&mut Config)) -> anyhow::Result<TestNode> {
        Self::spawn_in(tempfile::tempdir()?, backend, tune).await
    }

    /// A node with its data directory (key, SQLite database) in `dir`, which may already
    /// hold one: a restart, or a restore from a copy.
    pub async fn spawn_in(
        dir: tempfile::TempDir,
        backend: Backend,
        tune: impl FnOnce(&mut Config),
    ) -> anyhow::Result<TestNode> {
        install_crypto();
        let mut cfg = Config::ephemeral(dir.path());
        let mut pg_database = None;
        if backend == Backend::Postgres {
            let (url, name) = Self::create_database().await?;
            cfg.database_url = Some(url);
            pg_database = Some(name);
        }
        tune(&mut cfg);
        Self::start(cfg, dir, backend, pg_database).await
    }

    /// A second replica of this node: its key, its PostgreSQL database, its own process
    /// state, with the config adjusted by `tune`. The database stays this node's.
    pub async fn replica(&self, tune: impl FnOnce(&mut Config)) -> anyhow::Result<TestNode> {
        let url = self.node.app().config().database_url.clone().context("a replica needs a PostgreSQL node")?;
        Self::replica_on(&self.node.app().config().data_dir, &url, tune).await
    }

    /// A node with a copy of the keys in `data_dir` (the node key and the token keys) on the
    /// database at `url`, which it does not own (it is not dropped when the node stops).
    pub async fn replica_on(
        data_dir: &std::path::Path,
        url: &str,
        tune: impl FnOnce(&mut Config),
    ) -> anyhow::Result<TestNode> {
        let dir = tempfile::tempdir()?;
        let key = valueflows_node::app::KEY_FILE;
        std::fs::copy(data_dir.join(key), dir.path().join(key))?;
        // Every replica verifies the tokens any of them issued: the same token keys.
        let keys = valueflows_node::auth::keys::KEY_DIR;
        if data_dir.join(keys).is_dir() {
            std::fs::create_dir(dir.path().join(keys))?;
            for entry in std::fs::read_dir(data_dir.join(keys))? {
                let entry = entry?;
                std::fs::copy(entry.path(), dir.path().join(keys).join(entry.file_name()))?;
            }
        }
        let mut cfg = Config::ephemeral(dir.path());
        cfg.database_url = Some(url.to_owned());
        tune(&mut cfg);
        Self::start(cfg, dir, Backend::Postgres, None).await
    }

    /// A fresh, empty PostgreSQL database for nodes to share; dropped by [`drop_database`].
    pub async fn create_database() -> anyhow::Result<(String, String)> {
        let name = format!("vf_test_{}", uuid::Uuid::now_v7().simple());
        let admin = tokio::time::timeout(Duration::from_secs(5), Database::connect(postgres_admin_url()))
            .await
            .context("connecting to PostgreSQL timed out")??;
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
        admin.close().await?;
        Ok((replace_database(&postgres_admin_url(), &name), name))
    }

    /// Makes `other` the owner of this node's PostgreSQL database (dropped when it stops).
    pub fn hand_database_to(&mut self, other: &mut TestNode) {
        other.pg_database = self.pg_database.take().or(other.pg_database.take());
    }

    async fn start(
        cfg: Config,
        dir: tempfile::TempDir,
        backend: Backend,
        pg_database: Option<String>,
    ) -> anyhow::Result<TestNode> {
        install_crypto();
        let node = Node::build(cfg).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (tx, rx) = oneshot::channel::<()>();
        let serving = node.clone();
        let task = tokio::spawn(async move {
            serving
                .serve(listener, async move {
                    let _ = rx.await;
                })
                .await
        });
        let app = node.app();
        let now = chrono::Utc::now().timestamp();
        let write_token = app.authority().issue(app.self_agent(), Scope::Write, 3600, now)?;
        let read_token = app.authority().issue(app.self_agent(), Scope::Read, 3600, now)?;
        Ok(TestNode {
            url,
            node,
            write_token,
            read_token,
            backend,
            client: reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?,
            shutdown: Some(tx),
            task: Some(task),
            pg_database,
            _dir: dir,
        })
    }

    /// Waits until the node takes local writes (a node with peers holds them at start
    /// until it has caught up on its own feed).
    pub async fn writable(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while let Some(why) = self.node.app().writes_held() {
            assert!(std::time::Instant::now() < deadline, "writes still held: {why}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A token with `admin` scope for the node's own organization.
    pub fn admin_token(&self) -> String {
        self.token_for(&self.node.app().self_agent().to_string(), Scope::Admin)
    }

    /// A token for `agent` with `scope`.
    pub fn token_for(&self, agent: &str, scope: Scope) -> String {
        let app = self.node.app();
        let id = valueflows_model::AgentId::parse(agent).expect("agent id");
        app.authority().issue(id, scope, 3600, chrono::Utc::now().timestamp()).expect("token")
    }

    /// Sends a GraphQL request; returns the whole response body.
    pub async fn gql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        graphql(&self.client, &self.url, token, query, variables).await
    }

    /// Sends a GraphQL request with the write token.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_as(Some(&self.write_token), query, variables).await
    }

    /// Sends a request that must succeed; returns `data`.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        let v = self.gql(query, variables).await;
        assert!(v.get("errors").is_none(), "unexpected errors: {v:#}");
        v["data"].clone()
    }

    /// Takes the database's write lock on a connection of its own, as another process could
    /// (a backup, a migration): the node's writer waits on it until [`WriteBlock::release`],
    /// and reads go on.
    pub async fn block_writes(&self) -> WriteBlock {
        let url = self.node.app().config().effective_database_url();
        let mut opts = sea_orm::ConnectOptions::new(url.clone());
        opts.max_connections(1).min_connections(1).sqlx_logging(false);
        let db = Database::connect(opts).await.expect("a second connection to the node's database");
        // SQLite: the RESERVED lock, taken at once. PostgreSQL: no writes to records, reads
        // allowed (EXCLUSIVE conflicts with the writer's ROW EXCLUSIVE, not with ACCESS SHARE).
        let lock: &[&str] = if url.starts_with("postgres") {
            &["BEGIN", "LOCK TABLE record IN EXCLUSIVE MODE"]
        } else {
            &["BEGIN IMMEDIATE"]
        };
        for statement in lock {
            db.execute_unprepared(statement).await.expect("lock the database");
        }
        WriteBlock { db }
    }

    /// The HTTP client, for raw requests.
    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }

    /// Stops the node and drops its PostgreSQL database.
    pub async fn stop(mut self) {
        self.shutdown_inner().await;
    }

    async fn shutdown_inner(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        if let Some(name) = self.pg_database.take() {
            self.node.app().store().clone().close().await.ok();
            if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                let _ = admin.close().await;
            }
        }
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(name) = self.pg_database.take() {
            // Best effort when a test panicked before `stop`: drop the database on a side thread.
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    rt.block_on(async {
                        if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                            let _ =
                                admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// Drops a database made by [`TestNode::create_database`].
pub async fn drop_database(name: &str) {
    if let Ok(admin) = Database::connect(postgres_admin_url()).await {
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        let _ = admin.close().await;
    }
}

/// The database's write lock, held from outside the node ([`TestNode::block_writes`]).
pub struct WriteBlock {
    db: sea_orm::DatabaseConnection,
}

impl WriteBlock {
    /// Lets the node's writer through, having written nothing.
    pub async fn release(self) {
        self.db.execute_unprepared("ROLLBACK").await.expect("release the lock");
        let _ = self.db.close().await;
    }
}

/// `url` with its database name replaced by `name`.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |s| s + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The `extensions.code` of the first error of a response.
pub fn error_code(v: &Value) -> Option<&str> {
    v["errors"][0]["extensions"]["code"].as_str()
}

/// Grows a feed signed by `key` to `n` ops (from `ops`, its first ops, possibly none). With a
/// `tag`, each new op creates a unit labelled `"{tag} unit {seq}"` (branches signed with
/// different tags differ); without, the ops carry no records.
pub fn signed_feed(
    key: &valueflows_federation::NodeKey,
    mut ops: Vec<(valueflows_federation::Op, valueflows_federation::OpId)>,
    n: u64,
    tag: Option<&str>,
) -> Vec<(valueflows_federation::Op, valueflows_federation::OpId)> {
    use valueflows_federation::{OP_VERSION, RecordRevision, UnsignedOp};
    for seq in (ops.len() as u64 + 1)..=n {
        let id = uuid::Uuid::now_v7();
        let records = tag
            .map(|tag| RecordRevision {
                kind: "Unit".to_owned(),
                id,
                revision_id: id,
                retracted: false,
                body: json!({"id": id.to_string(), "label": format!("{tag} unit {seq}"), "symbol": format!("u{seq}")}),
            })
            .into_iter()
            .collect();
        let op = UnsignedOp {
            v: OP_VERSION,
            origin: key.did(),
            seq,
            prev: ops.last().map(|(_, id)| id.clone()),
            time: format!("2026-05-01T10:{:02}:{:02}Z", (seq / 60) % 60, seq % 60),
            author: None,
            records,
        }
        .sign(key)
        .expect("an op of the key's own feed signs");
        let op_id = op.id().expect("a signed op has an id");
        ops.push((op, op_id));
    }
    ops
}

/// Sends a GraphQL request over HTTP to the node at `url` (for tasks that cannot borrow a
/// [`TestNode`]); returns the whole response body.
pub async fn graphql(client: &reqwest::Client, url: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut req = client.post(format!("{url}/graphql")).json(&json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request sent");
    resp.json::<Value>().await.expect("JSON response")
}

/// The `/.well-known/vf-node` document of a node holding `key`, for fake peers.
pub fn node_info(key: &valueflows_federation::NodeKey) -> valueflows_federation::protocol::NodeInfo {
    use base64::Engine;
    valueflows_federation::protocol::NodeInfo {
        did: key.did().to_string(),
        public_key: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.public_key_bytes()),
        protocols: vec!["vfsync/1".to_owned()],
        name: None,
        endpoints: valueflows_federation::protocol::Endpoints::standard(),
    }
}
