//! Use cases: the only layer that talks to the store and signs ops. GraphQL and the CLI
//! call it; it never sees HTTP or GraphQL types.

pub mod ack;
pub mod cache;
pub mod changes;
pub mod claim;
pub mod flow;
pub mod kinds;
pub mod observation;
pub mod ownership;
pub mod planning;
pub mod proposal;
pub mod recipe;
pub mod remote;
pub mod scenario;
pub mod tokens;
pub mod write_set;
pub mod writer;

use std::path::Path;
use std::sync::Arc;

use sea_orm::TransactionTrait;
use uuid::Uuid;
use valueflows_federation::{Did, NodeKey};
use valueflows_model as vf;

use crate::auth::{Actor, Authority};
use crate::config::Config;
use crate::error::AppError;
use crate::store::{Store, entity::record, records};
use kinds::{Draft, Record};
use writer::{Command, DeleteTarget, Outcome, Writer, WriterParts};

/// File name of the node key in the data directory.
pub const KEY_FILE: &str = "node.key";
const SELF_AGENT: &str = "self_agent";

/// A running node's application core.
#[derive(Clone, Debug)]
pub struct App {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    did: Did,
    key: Arc<NodeKey>,
    authority: Authority,
    writer: Writer,
    self_agent: vf::AgentId,
    config: Config,
    cache: Option<Arc<cache::RecordCache>>,
    changes: changes::Changes,
    /// Why local writes are held, while they are.
    held: std::sync::RwLock<Option<String>>,
    /// This process's id among the replicas serving the database.
    replica: String,
    /// Bumped when a peer's wake-up hint reached another replica.
    wake: tokio::sync::watch::Sender<u64>,
    /// Bumped when this process revokes a token, so open WebSocket sessions check theirs.
    revoked: tokio::sync::watch::Sender<u64>,
}

/// Loads the node key from `data_dir`, creating it (mode 0600) on first use. A key file
/// open to its group or others is refused.
pub fn load_or_create_key(data_dir: &Path) -> anyhow::Result<NodeKey> {
    use anyhow::Context;
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let path = data_dir.join(KEY_FILE);
    if path.exists() {
        crate::auth::keys::check_private(&path)?;
        let pem = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        return NodeKey::from_pkcs8_pem(&pem).with_context(|| format!("{} is not a valid node key", path.display()));
    }
    let key = NodeKey::generate();
    let pem = key.to_pkcs8_pem().context("cannot encode the node key")?;
    crate::auth::keys::write_private(&path, pem.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(key)
}

impl App {
    /// Opens the node: key, database (migrated), writer, and its own Organization agent,
    /// created with the first op of its feed when missing.
    pub async fn open(config: Config) -> anyhow::Result<App> {
        let key = Arc::new(load_or_create_key(&config.data_dir)?);
        let url = config.effective_database_url();
        let store = Store::open(&url, config.storage.sqlite_synchronous, config.storage.max_connections)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open database {}: {e}", redact(&url)))?;
        let cache = config.storage.record_cache.then(|| Arc::new(cache::RecordCache::default()));
        let changes = changes::Changes::new(config.api.subscription_buffer);
        let replica = Uuid::now_v7().to_string();
        let (wake, _) = tokio::sync::watch::channel(0u64);
        let shared = if store.is_shared() {
            // From here on, every replica's commits reach this one's subscribers.
            let after = crate::store::shared::last_change(store.db()).await?;
            crate::store::shared::spawn_listener(
                store.db().clone(),
                crate::store::shared::Listener {
                    replica: replica.clone(),
                    after,
                    cache: cache.clone(),
                    changes: changes.clone(),
                    wake: wake.clone(),
                },
            );
            Some(writer::SharedWrites { replica: replica.clone(), seen: after.into() })
        } else {
            None
        };
        let writer = Writer::spawn(WriterParts {
            db: store.db().clone(),
            key: key.clone(),
            batch: config.storage.write_batch,
            cache: cache.clone(),
            changes: changes.clone(),
            shared,
        });
        let stored = records::meta(store.db(), SELF_AGENT).await?;
        // A node that existed before this start may have issued tokens with its node key.
        let initialised = stored.is_some();
        let self_agent = match stored {
            Some(id) => vf::AgentId::parse(&id)?,
            None => {
                // The node's Organization is always the first op of its feed: a start that
                // stopped between writing it and noting it here adopts it instead of
                // creating a second one.
                let id = match founding_agent(&store, key.did().as_str()).await? {
                    Some(id) => id,
                    None => {
                        let id = vf::AgentId::new(Uuid::now_v7());
                        let org = vf::Agent {
                            id,
                            kind: vf::AgentKind::Organization,
                            name: config.name.clone().unwrap_or_else(|| "vf-node".to_owned()),
                            image: None,
                            note: Some(format!("The organization running node {}", key.did())),
                            primary_location: None,
                            classified_as: Vec::new(),
                        };
                        writer.submit(Command::Create(Draft::of(&org)?), id.into()).await?;
                        id
                    }
                };
                records::set_meta(store.db(), SELF_AGENT, &id.to_string()).await?;
                id
            }
        };
        store.founded().await;
        let did = key.did();
        let token_key = config.auth.token_key.as_ref().map(crate::config::Secret::expose);
        let keys = crate::auth::Keyring::open(&config.data_dir, token_key, initialised)?;
        let authority = Authority::new(&key, &keys)?;
        tokens::forget_expired(store.db()).await?;
        let held = std::sync::RwLock::new(None);
        Ok(App {
            inner: Arc::new(Inner {
                store,
                did,
                key,
                authority,
                writer,
                self_agent,
                config,
                cache,
                changes,
                held,
                replica,
                wake,
                revoked: tokio::sync::watch::channel(0u64).0,
            }),
        })
    }

    /// The node's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The node's DID.
    pub fn did(&self) -> &Did {
        &self.inner.did
    }

    /// The node's signing key (its feed's and its peer requests').
    pub fn key(&self) -> &NodeKey {
        &self.inner.key
    }

    /// The node's own Organization agent.
    pub fn self_agent(&self) -> vf::AgentId {
        self.inner.self_agent
    }

    /// Token issuer and checker.
    pub fn authority(&self) -> &Authority {
        &self.inner.authority
    }

    /// The store (for readiness checks and reads).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The record cache, when on.
    pub fn cache(&self) -> Option<&cache::RecordCache> {
        self.inner.cache.as_deref()
    }

    /// This process's id among the replicas serving its database (a UUID, new at each start).
    pub fn replica(&self) -> &str {
        &self.inner.replica
    }

    /// Changes when this process revokes a token (other replicas' revocations are only seen
    /// by reading the database).
    pub fn revocations(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.revoked.subscribe()
    }

    /// Changes when a peer's wake-up hint reached another replica of this database.
    pub fn replica_wakes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.wake.subscribe()
    }

    /// What each committed write changed, published right after its commit.
    pub fn changes(&self) -> &changes::Changes {
        &self.inner.changes
    }

    // ----- writes -------------------------------------------------------------------

    /// Holds local writes (they fail with `UNAVAILABLE` and `why`) until [`App::open_writes`].
    /// Ops from peers are still applied.
    pub fn hold_writes(&self, why: &str) {
        *self.inner.held.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(why.to_owned());
    }

    /// Lets local writes through again.
    pub fn open_writes(&self) {
        *self.inner.held.write().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// Why local writes are held, if they are.
    pub fn writes_held(&self) -> Option<String> {
        self.inner.held.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// How many writes are queued and being written now.
    pub fn write_load(&self) -> writer::WriteLoad {
        self.inner.writer.load()
    }

    /// Submits a local write, unless writes are held.
    async fn submit(&self, cmd: Command, author: impl Into<Actor>) -> Result<Outcome, AppError> {
        if let Some(why) = self.writes_held() {
            return Err(AppError::Unavailable(format!("writes are held: {why}; try again shortly")));
        }
        self.inner.writer.submit(cmd, author.into()).await
    }

    /// Creates a record; returns its row once committed.
    pub async fn create<T: Record>(&self, rec: &T, author: impl Into<Actor>) -> Result<record::Model, AppError> {
        let out = self.submit(Command::Create(Draft::of(rec)?), author).await?;
        first(out)
    }

    /// Revises the record whose current revision is `revision_id` with `change`. Only the
    /// agent that recorded it, or an admin, may (see [`ownership`]).
    pub async fn update<T, F, A>(
        &self,
        kinds: &'static [&'static str],
        revision_id: Uuid,
        change: F,
        author: A,
    ) -> Result<record::Model, AppError>
    where
        T: Record,
        F: FnOnce(T) -> Result<T, AppError> + Send + 'static,
        A: Into<Actor>,
    {
        let revise = Box::new(move |m: &record::Model| {
            let current: T = observation::parse(m)?;
            Draft::of(&change(current)?)
        });
        let out = self.submit(Command::Update { kinds, revision_id, revise }, author).await?;
        first(out)
    }

    /// Retracts a record nothing refers to. Only the agent that recorded it, or an admin,
    /// may (see [`ownership`]).
    pub async fn delete(
        &self,
        kinds: &'static [&'static str],
        target: DeleteTarget,
        author: impl Into<Actor>,
    ) -> Result<bool, AppError> {
        self.submit(Command::Delete { kinds, target }, author).await?;
        Ok(true)
    }

    /// Records an economic event; returns the event's row and the created resource's.
    pub async fn record_event(
        &self,
        input: observation::EventInput,
        author: impl Into<Actor>,
    ) -> Result<(record::Model, Option<record::Model>), AppError> {
        let mut out = self.submit(Command::RecordEvent(Box::new(input)), author).await?;
        let resource = if out.rows.len() > 1 { out.rows.pop() } else { None };
        Ok((first(out)?, resource))
    }

    /// Creates a plan from a recipe (see [`recipe::plan_from_recipe`]); returns the rows
    /// written: the plan, its processes, then their commitments.
    pub async fn plan_from_recipe(
        &self,
        input: recipe::PlanFromRecipe,
        author: impl Into<Actor>,
    ) -> Result<Vec<record::Model>, AppError> {
        Ok(self.submit(Command::PlanFromRecipe(Box::new(input)), author).await?.rows)
    }

    /// Acknowledges another origin's event on resources homed at this node (see [`ack`]);
    /// returns the acknowledgement's row.
    pub async fn acknowledge(&self, input: ack::AckInput, author: impl Into<Actor>) -> Result<record::Model, AppError> {
        first(self.submit(Command::Acknowledge(Box::new(input)), author).await?)
    }

    /// Stores verified ops of a peer's feed (see [`remote::apply`]); returns the feed's
    /// seq after them.
    pub async fn apply_remote(&self, ops: remote::RemoteOps) -> Result<i64, AppError> {
        Ok(self.inner.writer.submit(Command::ApplyRemote(Box::new(ops)), self.self_agent().into()).await?.seq)
    }

    /// Recomputes all derived state from the records; stores it when `apply`.
    pub async fn rebuild(&self, apply: bool) -> Result<observation::RebuildReport, AppError> {
        let txn = self.inner.store.db().begin().await?;
        if apply && self.inner.store.is_shared() {
            // Other replicas' writes wait, rather than fold against a half-rebuilt state.
            crate::store::shared::lock_writer(&txn).await?;
        }
        let report = observation::rebuild(&txn, apply).await?;
        txn.commit().await?;
        Ok(report)
    }
}

/// The Organization record carried by the first op of the node's own feed, if any.
async fn founding_agent(store: &Store, origin: &str) -> anyhow::Result<Option<vf::AgentId>> {
    let Some(op) = crate::store::ops::range(store.db(), origin, 0, 1).await?.into_iter().next() else {
        return Ok(None);
    };
    let op = valueflows_federation::Op::from_json(&op.body, &valueflows_federation::OpLimits::default())?;
    Ok(op.unsigned.records.iter().find(|r| r.kind == kinds::kind::ORGANIZATION).map(|r| vf::AgentId::new(r.id)))
}

fn first(out: Outcome) -> Result<record::Model, AppError> {
    out.rows.into_iter().next().ok_or_else(|| AppError::Internal("a write produced no record".to_owned()))
}

/// Hides a password in a database URL.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
