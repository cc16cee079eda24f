//! Replication with peer nodes over `vfsync/1` (`federation/PROTOCOL.md`).
//!
//! Serving: `GET /.well-known/vf-node` (open), and, for callers with a valid peer token,
//! `GET /vfsync/v1/heads`, `GET /vfsync/v1/feeds/{origin}/ops` and `POST /vfsync/v1/notify`.
//! Any feed held is served, so a node relays the feeds it follows.
//!
//! Pulling: one supervised task per configured peer. A round reads the peer's heads and,
//! for every followed origin (this node's own included, to catch up after a restore) where
//! the peer is ahead, pulls pages after the stored head. Each page goes through
//! `check_page` and its verified ops are stored in one transaction by the writer; the feed
//! as stored is the cursor. Rounds run on a jittered timer, and at once when a peer
//! notifies or this node commits something new (which it also tells its peers). A failing
//! peer is retried with capped exponential backoff and jitter; only a successful pull resets it.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use rand::Rng;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tracing::Instrument;
use valueflows_federation::peer_token::{self, ReplayGuard};
use valueflows_federation::pending::Pending;
use valueflows_federation::protocol::{
    self, Cursor, Endpoints, FeedHead, Fork, ForkProof, Heads, MAX_NOTIFY_BYTES, MAX_PAGE_BYTES, MAX_PAGE_OPS,
    NodeInfo, Notify, OpsPage,
};
use valueflows_federation::{Did, Op, OpId, OpLimits};

use crate::app::App;
use crate::app::remote::RemoteOps;
use crate::error::AppError;
use crate::store::{forks, ops, records, shared};

/// Most bytes read of a peer's `/.well-known/vf-node` or heads document.
const MAX_DOC_BYTES: usize = 1024 * 1024;
/// Token ids remembered for replay protection.
const REPLAY_CAPACITY: usize = 100_000;
/// Most ops, and bytes of their wire JSON, held past gaps, all feeds together. Each op is
/// also held parsed, which takes a few times its JSON again (`vf-sync-bench --hostile-secs`
/// measures a node under a peer that keeps the area full).
const PENDING_MAX_OPS: usize = 10_000;
const PENDING_MAX_BYTES: usize = 16 * 1024 * 1024;

/// The replication service of one node: its routes, and its pull tasks once started.
#[derive(Clone)]
pub struct Sync {
    inner: Arc<Inner>,
}

struct Inner {
    app: App,
    client: reqwest::Client,
    replay: ReplayGuard,
    /// Origins whose feeds are accepted: the configured ones and this node's own.
    follow: std::sync::RwLock<BTreeSet<String>>,
    peers: Mutex<Vec<Arc<Peer>>>,
    /// Bumped to wake every pull task early.
    wake: watch::Sender<u64>,
    /// The node's stop signal, once `start` ran: peers added later start under it.
    started: Mutex<Option<watch::Receiver<bool>>>,
    /// The last state digest and the heads it was computed at: an idle round costs no
    /// rehash.
    digest: Mutex<Option<(Vec<FeedHead>, String)>>,
    /// Verified ops that arrived past a gap, waiting for the ops before them.
    pending: Mutex<Pending>,
    /// Peers that have answered a whole round since start (the restore guard).
    answered: Mutex<BTreeSet<String>>,
    /// The pull tasks, awaited at shutdown: a stopped node stores nothing more.
    tasks: Mutex<tokio::task::JoinSet<()>>,
    /// When this replica last passed a peer's wake-up hint on to the others (ms since epoch).
    woke_replicas_ms: std::sync::atomic::AtomicI64,
    /// When this process started: a replica standing by opens its writes once another
    /// replica has confirmed the node's own feed after that (`FEED_CONFIRMED_KEY`).
    started_at: chrono::DateTime<chrono::Utc>,
}

struct Peer {
    url: String,
    /// The lease a replica holds while it runs this peer's pull task.
    lease: String,
    health: Mutex<PeerHealth>,
    /// Set when the peer is removed: its task ends.
    removed: watch::Sender<bool>,
}

impl Peer {
    fn new(url: String) -> Arc<Peer> {
        let (removed, _) = watch::channel(false);
        Arc::new(Peer {
            health: Mutex::new(PeerHealth { url: url.clone(), ..PeerHealth::default() }),
            lease: format!("pull {url}"),
            url,
            removed,
        })
    }
}

/// What is known of a peer's sync state.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerHealth {
    /// The peer's base URL.
    pub url: String,
    /// Its DID, once its `/.well-known/vf-node` was read.
    pub did: Option<String>,
    /// When a round last succeeded (RFC 3339).
    pub last_success: Option<String>,
    /// The last failure, if the last round failed.
    pub last_error: Option<String>,
    /// Rounds failed in a row.
    pub failures: u32,
    /// The wait before the next round after a failure, in milliseconds.
    pub backoff_ms: u64,
    /// Ops pulled from it since start.
    pub pulled_ops: u64,
    /// Ops the peer held beyond this node, at the end of the last round, over followed feeds.
    pub lag_ops: u64,
    /// Since when this node has been behind the peer (RFC 3339), if it is.
    pub behind_since: Option<String>,
    /// Milliseconds spent fetching pages from it (network, reading, parsing the page).
    pub fetch_ms: u64,
    /// Milliseconds spent verifying its ops (ids, signatures, chain).
    pub verify_ms: u64,
    /// Milliseconds spent storing its ops, their records and the refolded state.
    pub apply_ms: u64,
    /// How long the last round took, in microseconds.
    pub last_round_us: u64,
    /// Set while another replica of this node's database holds this peer's pull task
    /// (that replica's id); this one stands by.
    pub pulled_by: Option<String>,
}

impl PeerHealth {
    /// Seconds this node has been behind the peer (0 when caught up).
    pub fn lag_seconds(&self) -> i64 {
        self.behind_since
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map_or(0, |t| (chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_seconds().max(0))
    }
}

/// Why a round with a peer failed.
#[derive(Debug, thiserror::Error)]
enum SyncError {
    #[error("request to {url} failed: {message}")]
    Http { url: String, message: String },
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url} sent more than {max} bytes")]
    TooLarge { url: String, max: usize },
    #[error("{url} sent a bad document: {message}")]
    Document { url: String, message: String },
    #[error("feed {origin}: {message}")]
    Feed { origin: String, message: String },
    #[error(transparent)]
    App(#[from] crate::error::AppError),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error("replica {0} took this peer's pull task over")]
    LeaseLost(String),
}

/// Runtime changes to a configured list (peers or follows), kept in the database so they
/// outlive a restart: the effective list is the configured one, plus `added`, less `removed`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Overrides {
    added: BTreeSet<String>,
    removed: BTreeSet<String>,
}

const PEERS_KEY: &str = "federation.peers";
const FOLLOW_KEY: &str = "federation.follow";
/// When a replica last confirmed, with a peer, that the database holds the node's own feed.
const FEED_CONFIRMED_KEY: &str = "federation.own_feed_confirmed_at";

async fn overrides(app: &App, key: &str) -> anyhow::Result<Overrides> {
    Ok(match records::meta(app.store().db(), key).await? {
        Some(json) => serde_json::from_str(&json)?,
        None => Overrides::default(),
    })
}

/// A peer URL as configured: http(s), without a trailing slash.
pub(crate) fn peer_url(p: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(p).map_err(|e| format!("`{p}`: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("`{p}`: use an http or https URL"));
    }
    Ok(p.trim_end_matches('/').to_owned())
}

impl Sync {
    /// The replication service of `app`, configured by its `federation` section and the
    /// changes an admin made since.
    pub async fn new(app: App) -> anyhow::Result<Sync> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let cfg = app.config().federation.clone();
        let mut follow = BTreeSet::new();
        for f in &cfg.follow {
            let did = Did::parse(f).map_err(|e| anyhow::anyhow!("federation.follow `{f}`: {e}"))?;
            follow.insert(did.to_string());
        }
        let changed = overrides(&app, FOLLOW_KEY).await?;
        follow.extend(changed.added);
        follow.retain(|f| !changed.removed.contains(f));
        follow.insert(app.did().to_string());
        let mut urls = BTreeSet::new();
        for p in &cfg.peers {
            urls.insert(peer_url(p).map_err(|e| anyhow::anyhow!("federation.peers {e}"))?);
        }
        let changed = overrides(&app, PEERS_KEY).await?;
        urls.extend(changed.added);
        urls.retain(|u| !changed.removed.contains(u));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(cfg.request_timeout_secs.max(1)))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        let (wake, _) = watch::channel(0);
        if !urls.is_empty() && cfg.catch_up_secs > 0 {
            app.hold_writes("the node is catching up on its own feed from its peers");
        }
        Ok(Sync {
            inner: Arc::new(Inner {
                woke_replicas_ms: 0.into(),
                tasks: Mutex::default(),
                pending: Mutex::new(Pending::new(PENDING_MAX_OPS, PENDING_MAX_BYTES)),
                answered: Mutex::default(),
                started_at: chrono::Utc::now(),
                app,
                client,
                replay: ReplayGuard::new(REPLAY_CAPACITY),
                follow: std::sync::RwLock::new(follow),
                peers: Mutex::new(urls.into_iter().map(Peer::new).collect()),
                wake,
                started: Mutex::new(None),
                digest: Mutex::new(None),
            }),
        })
    }

    /// The protocol's routes.
    pub fn router(&self) -> Router {
        Router::new()
            .route(protocol::WELL_KNOWN_PATH, get(well_known))
            .route(protocol::HEADS_PATH, get(heads))
            .route(protocol::OPS_PATH, get(feed_ops))
            .route(protocol::NOTIFY_PATH, post(notify))
            .with_state(self.clone())
    }

    /// Starts the pull task of every peer and the task that tells peers of new writes;
    /// they stop when `stop` turns true.
    pub fn start(&self, stop: watch::Receiver<bool>) {
        *lock(&self.inner.started) = Some(stop.clone());
        if self.inner.app.writes_held().is_some() {
            let app = self.inner.app.clone();
            let wait = Duration::from_secs(app.config().federation.catch_up_secs);
            let mut stop = stop.clone();
            tokio::spawn(async move {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.changed() => return,
                }
                if app.writes_held().is_some() {
                    tracing::warn!(
                        secs = wait.as_secs(),
                        "no peer answered in time to confirm this node's own feed; local writes open"
                    );
                    app.open_writes();
                }
            });
        }
        for peer in lock(&self.inner.peers).iter() {
            spawn_pull(&self.inner, peer.clone(), stop.clone());
        }
        let inner = self.inner.clone();
        tokio::spawn(async move { notify_loop(inner, stop).await });
    }

    /// Waits, up to `grace`, for the pull tasks to end once the stop signal was given
    /// (a round in progress is cut; the page being stored commits whole or not at all).
    pub async fn stopped(&self, grace: Duration) -> bool {
        let mut tasks = std::mem::take(&mut *lock(&self.inner.tasks));
        tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await.is_ok()
    }

    /// Each peer's sync state.
    pub fn health(&self) -> Vec<PeerHealth> {
        lock(&self.inner.peers).iter().map(|p| lock(&p.health).clone()).collect()
    }

    /// Ops held past gaps in their feeds, and the bytes of their JSON.
    pub fn pending(&self) -> (usize, usize) {
        let pending = lock(&self.inner.pending);
        (pending.len(), pending.bytes())
    }

    /// The origins whose feeds this node accepts, its own included.
    pub fn follows(&self) -> Vec<String> {
        read(&self.inner.follow).iter().cloned().collect()
    }

    /// Adds a peer to pull from (kept across restarts); its task starts at once.
    pub async fn add_peer(&self, url: &str) -> Result<PeerHealth, AppError> {
        let url = peer_url(url).map_err(|e| AppError::invalid("url", e))?;
        self.change(PEERS_KEY, &url, true).await?;
        let peer = {
            let mut peers = lock(&self.inner.peers);
            if let Some(p) = peers.iter().find(|p| p.url == url) {
                return Ok(lock(&p.health).clone());
            }
            let peer = Peer::new(url);
            peers.push(peer.clone());
            peer
        };
        if let Some(stop) = lock(&self.inner.started).clone() {
            spawn_pull(&self.inner, peer.clone(), stop);
        }
        tracing::info!(peer = %peer.url, "peer added");
        let health = lock(&peer.health).clone();
        Ok(health)
    }

    /// Removes a peer (kept across restarts); its task ends. False when it was not a peer.
    pub async fn remove_peer(&self, url: &str) -> Result<bool, AppError> {
        let url = peer_url(url).map_err(|e| AppError::invalid("url", e))?;
        self.change(PEERS_KEY, &url, false).await?;
        let removed = {
            let mut peers = lock(&self.inner.peers);
            let at = peers.iter().position(|p| p.url == url);
            at.map(|i| peers.remove(i))
        };
        let Some(peer) = removed else { return Ok(false) };
        let _ = peer.removed.send(true);
        tracing::info!(peer = %peer.url, "peer removed");
        Ok(true)
    }

    /// Follows (or, with `on` false, stops following) an origin; kept across restarts.
    /// Records already held stay; an unfollowed feed just stops growing here.
    pub async fn set_follow(&self, did: &str, on: bool) -> Result<Vec<String>, AppError> {
        let did = Did::parse(did).map_err(|e| AppError::invalid("did", e.to_string()))?.to_string();
        if did == self.inner.app.did().to_string() {
            return Err(AppError::invalid("did", "a node always follows its own feed"));
        }
        self.change(FOLLOW_KEY, &did, on).await?;
        {
            let mut follow = write(&self.inner.follow);
            if on {
                follow.insert(did.clone());
            } else {
                follow.remove(&did);
            }
        }
        tracing::info!(origin = %did, follow = on, "follow list changed");
        if on {
            self.inner.wake.send_modify(|n| *n = n.wrapping_add(1));
        }
        Ok(self.follows())
    }

    /// Records a runtime change of a list against the configured one.
    async fn change(&self, key: &str, item: &str, on: bool) -> Result<(), AppError> {
        let app = &self.inner.app;
        let mut o = overrides(app, key).await.map_err(|e| AppError::Internal(e.to_string()))?;
        let cfg = &app.config().federation;
        let configured = match key {
            PEERS_KEY => cfg.peers.iter().any(|p| peer_url(p).as_deref() == Ok(item)),
            _ => cfg.follow.iter().any(|f| f == item),
        };
        if on {
            o.removed.remove(item);
            if !configured {
                o.added.insert(item.to_owned());
            }
        } else {
            o.added.remove(item);
            if configured {
                o.removed.insert(item.to_owned());
            }
        }
        let json = serde_json::to_string(&o).map_err(|e| AppError::Internal(e.to_string()))?;
        records::set_meta(app.store().db(), key, &json).await?;
        Ok(())
    }
}

fn spawn_pull(inner: &Arc<Inner>, peer: Arc<Peer>, stop: watch::Receiver<bool>) {
    let task = inner.clone();
    lock(&inner.tasks).spawn(async move { pull_loop(task, peer, stop).await });
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read<T>(m: &std::sync::RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(m: &std::sync::RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

// ----- serving --------------------------------------------------------------------------

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    let resp = (status, axum::Json(ErrorBody { error: ErrorDetail { code, message } })).into_response();
    crate::telemetry::request::Note::refused(code).attach(resp)
}

/// The calling node, from its peer token; a refusal when there is none or it is bad.
fn peer(sync: &Sync, headers: &HeaderMap) -> Result<Did, Box<Response>> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| Box::new(refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "a peer token is required")))?;
    let app = &sync.inner.app;
    let caller = peer_token::verify(token.trim(), app.did(), now_secs(), &sync.inner.replay)
        .map_err(|e| Box::new(refuse(StatusCode::UNAUTHORIZED, e.code(), &e.to_string())))?;
    // With closed reads, only followed nodes may read this node's feeds.
    if !app.config().auth.open_reads && !read(&sync.inner.follow).contains(caller.as_str()) {
        return Err(Box::new(refuse(StatusCode::FORBIDDEN, "FORBIDDEN", "this node does not follow the caller")));
    }
    Ok(caller)
}

async fn well_known(State(sync): State<Sync>) -> Response {
    let app = &sync.inner.app;
    let public_key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(app.key().public_key_bytes());
    axum::Json(NodeInfo {
        did: app.did().to_string(),
        public_key,
        protocols: vec![protocol::PROTOCOL.to_owned()],
        name: app.config().name.clone(),
        endpoints: Endpoints::standard(),
    })
    .into_response()
}

async fn heads(State(sync): State<Sync>, headers: HeaderMap) -> Response {
    if let Err(r) = peer(&sync, &headers) {
        return *r;
    }
    match sync.heads().await {
        Ok(heads) => axum::Json(heads).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "heads");
            refuse(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", "the feeds cannot be read now")
        }
    }
}

impl Sync {
    /// Every feed held, the state digest at those heads, and the forks held.
    pub async fn heads(&self) -> Result<Heads, sea_orm::DbErr> {
        use sea_orm::TransactionTrait;
        // One read transaction: the digest is of the state at exactly these heads.
        let txn = self.inner.app.store().db().begin().await?;
        let feeds: Vec<FeedHead> = ops::heads(&txn)
            .await?
            .into_iter()
            .map(|(origin, seq, head)| FeedHead { origin, seq: u64::try_from(seq).unwrap_or(0), head })
            .collect();
        let cached = lock(&self.inner.digest).as_ref().filter(|(at, _)| *at == feeds).map(|(_, d)| d.clone());
        let digest = match cached {
            Some(d) => d,
            None => {
                let d = records::state_digest(&txn).await?;
                *lock(&self.inner.digest) = Some((feeds.clone(), d.clone()));
                d
            }
        };
        let forks = forks::all(&txn)
            .await?
            .into_iter()
            .filter_map(|f| {
                let ops = vec![
                    serde_json::value::RawValue::from_string(f.body_a).ok()?,
                    serde_json::value::RawValue::from_string(f.body_b).ok()?,
                ];
                Some(ForkProof { origin: f.origin, seq: u64::try_from(f.seq).unwrap_or(0), ops })
            })
            .collect();
        txn.commit().await?;
        Ok(Heads { feeds, digest: Some(digest), forks })
    }
}

#[derive(Deserialize)]
struct OpsParams {
    after: Option<String>,
    limit: Option<String>,
}

async fn feed_ops(
    State(sync): State<Sync>,
    headers: HeaderMap,
    Path(origin): Path<String>,
    Query(q): Query<OpsParams>,
) -> Response {
    if let Err(r) = peer(&sync, &headers) {
        return *r;
    }
    let Ok(origin) = Did::parse(&origin) else {
        return refuse(StatusCode::BAD_REQUEST, "VALIDATION", "the origin is not a did:key");
    };
    let after = match q.after.as_deref().map(str::parse::<i64>) {
        None => 0,
        Some(Ok(n)) if n >= 0 => n,
        _ => return refuse(StatusCode::BAD_REQUEST, "VALIDATION", "`after` must be a seq, 0 or more"),
    };
    let limit = match q.limit.as_deref().map(str::parse::<u64>) {
        None => MAX_PAGE_OPS,
        Some(Ok(n)) if (1..=MAX_PAGE_OPS).contains(&n) => n,
        _ => {
            return refuse(StatusCode::BAD_REQUEST, "VALIDATION", &format!("`limit` must be 1 to {MAX_PAGE_OPS}"));
        }
    };
    let rows = match ops::range(sync.inner.app.store().db(), origin.as_str(), after, limit + 1).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "feed ops");
            return refuse(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", "the feed cannot be read now");
        }
    };
    // The stored ops go out as stored: the page is written, not re-serialized.
    let mut body = format!("{{\"origin\":\"{origin}\",\"ops\":[");
    let mut taken = 0u64;
    for row in &rows {
        let full = taken > 0 && body.len() + row.body.len() > MAX_PAGE_BYTES;
        if taken == limit || full {
            break;
        }
        if taken > 0 {
            body.push(',');
        }
        body.push_str(&row.body);
        taken += 1;
    }
    let more = (rows.len() as u64) > taken;
    body.push_str(&format!("],\"more\":{more}}}"));
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn notify(State(sync): State<Sync>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = peer(&sync, &headers) {
        return *r;
    }
    if body.len() > MAX_NOTIFY_BYTES {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "LIMIT", "a notify body is small");
    }
    if serde_json::from_slice::<Notify>(&body).is_err() {
        return refuse(StatusCode::BAD_REQUEST, "VALIDATION", "expected {\"origin\": DID, \"seq\": N}");
    }
    // Only a hint: every pull task looks at its peer's heads soon. Wake-ups coalesce.
    sync.inner.wake.send_modify(|n| *n = n.wrapping_add(1));
    if sync.inner.app.store().is_shared() {
        // The peer's pull task may run on another replica: pass the hint on, at most
        // ten times a second whatever the peers send.
        let now = chrono::Utc::now().timestamp_millis();
        let last = sync.inner.woke_replicas_ms.load(std::sync::atomic::Ordering::Relaxed);
        if now - last >= 100
            && sync
                .inner
                .woke_replicas_ms
                .compare_exchange(last, now, std::sync::atomic::Ordering::AcqRel, std::sync::atomic::Ordering::Relaxed)
                .is_ok()
            && let Err(e) = shared::wake_replicas(sync.inner.app.store().db()).await
        {
            tracing::warn!(error = %e, "could not pass a wake-up hint on to the other replicas");
        }
    }
    StatusCode::ACCEPTED.into_response()
}

// ----- pulling --------------------------------------------------------------------------

async fn pull_loop(inner: Arc<Inner>, peer: Arc<Peer>, mut stop: watch::Receiver<bool>) {
    let cfg = inner.app.config().federation.clone();
    let mut wake = inner.wake.subscribe();
    let mut replica_wake = inner.app.replica_wakes();
    let mut removed = peer.removed.subscribe();
    let mut failures: u32 = 0;
    loop {
        if *removed.borrow() {
            break;
        }
        match lease(&inner, &peer).await {
            Ok(None) => {}
            Ok(Some(holder)) => {
                // Another replica pulls from this peer: stand by, and take over when its
                // lease lapses.
                lock(&peer.health).pulled_by = Some(holder);
                confirmed_elsewhere(&inner).await;
                let wait = jitter(Duration::from_secs(cfg.lease_secs.max(2) / 2));
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.changed() => return,
                    _ = removed.changed() => return,
                }
                continue;
            }
            Err(e) => tracing::warn!(peer = %peer.url, error = %e, "could not take the pull lease; pulling anyway"),
        }
        lock(&peer.health).pulled_by = None;
        let mut confirmed = false;
        let started = std::time::Instant::now();
        let result = tokio::select! {
            r = round(&inner, &peer) => r,
            _ = stop.changed() => break,
        };
        lock(&peer.health).last_round_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let delay = {
            let mut h = lock(&peer.health);
            match result {
                Ok(Round { pulled, lag, holds_own }) => {
                    confirmed = own_feed_confirmed(&inner, &peer, holds_own);
                    if confirmed && inner.app.writes_held().is_some() {
                        // The node now holds at least what a peer holding its feed holds of
                        // it, or every peer has answered: a new write cannot fork the feed.
                        tracing::info!(peer = %peer.url, holds_own, "caught up on the node's own feed; local writes open");
                        inner.app.open_writes();
                    }
                    failures = 0;
                    h.failures = 0;
                    h.backoff_ms = 0;
                    h.last_error = None;
                    h.last_success = Some(chrono::Utc::now().to_rfc3339());
                    h.pulled_ops += pulled;
                    h.lag_ops = lag;
                    if lag == 0 {
                        h.behind_since = None;
                    } else if h.behind_since.is_none() {
                        h.behind_since = h.last_success.clone();
                    }
                    jitter(Duration::from_secs(cfg.interval_secs.max(1)))
                }
                Err(SyncError::LeaseLost(holder)) => {
                    // Not the peer's failure: the next turn of the loop stands by.
                    h.pulled_by = Some(holder);
                    Duration::ZERO
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::warn!(peer = %peer.url, error = %e, failures, "sync round failed");
                    let backoff = backoff(failures, Duration::from_secs(cfg.max_backoff_secs.max(1)));
                    h.failures = failures;
                    h.backoff_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX);
                    h.last_error = Some(e.to_string());
                    backoff
                }
            }
        };
        if confirmed && inner.app.store().is_shared() {
            // Replicas standing by, and those starting later, learn from the database
            // that the node's own feed was confirmed with a peer after they started.
            let now = chrono::Utc::now().to_rfc3339();
            if let Err(e) = records::set_meta(inner.app.store().db(), FEED_CONFIRMED_KEY, &now).await {
                tracing::warn!(error = %e, "could not record the feed confirmation for other replicas");
            }
        }
        // The lease outlasts the wait, so no other replica takes a peer that is only resting.
        let hold = delay.as_secs().saturating_add(cfg.lease_secs);
        if let Err(e) = lease_for(&inner, &peer, hold).await {
            tracing::warn!(peer = %peer.url, error = %e, "could not renew the pull lease");
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            // A wake-up hint cuts the wait, but not a failing peer's backoff.
            Ok(()) = wake.changed(), if failures == 0 => {}
            Ok(()) = replica_wake.changed(), if failures == 0 => {}
            _ = stop.changed() => break,
            _ = removed.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
    if inner.app.store().is_shared() {
        // Another replica may take the peer over at once rather than when the lease lapses.
        let _ = shared::release_lease(inner.app.store().db(), &peer.lease, inner.app.replica()).await;
    }
}

/// Notes that `peer` answered a whole round, and says whether the node's own feed is now
/// confirmed: this peer holds some of it (the round pulled all it holds), or every peer has
/// answered since start (none of them holds ops of it that this node lacks). A peer that
/// follows this node but is down therefore keeps writes held while others answer, until
/// it answers or `catch_up_secs` pass.
fn own_feed_confirmed(inner: &Inner, peer: &Peer, holds_own: bool) -> bool {
    let mut answered = lock(&inner.answered);
    answered.insert(peer.url.clone());
    holds_own || lock(&inner.peers).iter().all(|p| answered.contains(&p.url))
}

/// Takes or renews this replica's lease on `peer`'s pull task: None when this replica
/// may pull (always, on a database no other process shares), else the holder.
async fn lease(inner: &Inner, peer: &Peer) -> Result<Option<String>, sea_orm::DbErr> {
    lease_for(inner, peer, inner.app.config().federation.lease_secs).await
}

/// Like [`lease`], for `secs` from now.
async fn lease_for(inner: &Inner, peer: &Peer, secs: u64) -> Result<Option<String>, sea_orm::DbErr> {
    if !inner.app.store().is_shared() {
        return Ok(None);
    }
    Ok(match shared::acquire_lease(inner.app.store().db(), &peer.lease, inner.app.replica(), secs).await? {
        shared::Lease::Held => None,
        shared::Lease::Elsewhere(holder) => Some(holder),
    })
}

/// A replica standing by opens its local writes once the replica pulling has confirmed
/// the node's own feed with a peer (the restore guard holds them until then).
async fn confirmed_elsewhere(inner: &Inner) {
    if inner.app.writes_held().is_none() {
        return;
    }
    let confirmed = records::meta(inner.app.store().db(), FEED_CONFIRMED_KEY).await.ok().flatten();
    if confirmed
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
        .is_some_and(|t| t.with_timezone(&chrono::Utc) > inner.started_at)
    {
        tracing::info!("another replica caught up on the node's own feed; local writes open");
        inner.app.open_writes();
    }
}

/// `base` give or take a fifth, so peers do not fall into step.
fn jitter(base: Duration) -> Duration {
    base.mul_f64(rand::thread_rng().gen_range(0.8..1.2))
}

/// Exponential from half a second, capped at `max`, with full jitter above half of it.
fn backoff(failures: u32, max: Duration) -> Duration {
    let exp = Duration::from_millis(500).saturating_mul(1u32 << failures.min(16).saturating_sub(1));
    let capped = exp.min(max);
    capped.mul_f64(rand::thread_rng().gen_range(0.5..1.0))
}

/// What a successful round with a peer found.
struct Round {
    /// Ops pulled.
    pulled: u64,
    /// How far the peer is still ahead, over followed feeds.
    lag: u64,
    /// Whether the peer holds any of this node's own feed (it follows this node, or relays
    /// for one that does).
    holds_own: bool,
}

/// One round with `peer`: pulls what it holds beyond this node of every followed feed.
#[tracing::instrument(skip_all, name = "sync.round", fields(peer = %crate::config::mask_url(&peer.url)))]
async fn round(inner: &Inner, peer: &Peer) -> Result<Round, SyncError> {
    let info_url = format!("{}{}", peer.url, protocol::WELL_KNOWN_PATH);
    let info: NodeInfo = get_json(inner, &info_url, None, MAX_DOC_BYTES).await?;
    let did = Did::parse(&info.did)
        .map_err(|e| SyncError::Document { url: info_url.clone(), message: format!("did: {e}") })?;
    if did == *inner.app.did() {
        return Err(SyncError::Document { url: info_url, message: "the peer is this node".to_owned() });
    }
    lock(&peer.health).did = Some(did.to_string());
    let heads_url = format!("{}{}", peer.url, protocol::HEADS_PATH);
    let heads: Heads = get_json(inner, &heads_url, Some(&did), MAX_DOC_BYTES).await?;
    let remote = Remote { inner, url: &peer.url, did: &did };
    let mut frozen: BTreeSet<String> =
        forks::all(inner.app.store().db()).await?.into_iter().map(|f| f.origin).collect();
    // Fork evidence travels with heads: a proof checks by itself, whoever passes it on.
    // Proofs of feeds already frozen here are not checked again.
    for proof in &heads.forks {
        if frozen.contains(&proof.origin) || !read(&inner.follow).contains(&proof.origin) {
            continue;
        }
        match Fork::from_proof(proof, &OpLimits::default()) {
            Ok(fork) => {
                remote.found_fork(&fork).await?;
                frozen.insert(proof.origin.clone());
            }
            Err(e) => tracing::warn!(peer = %peer.url, origin = %proof.origin, error = %e, "bad fork proof ignored"),
        }
    }
    let page_ops = inner.app.config().federation.page_ops.clamp(1, MAX_PAGE_OPS);
    let holds_own = heads.feeds.iter().any(|f| f.origin == inner.app.did().as_str() && f.seq > 0);
    let (mut pulled, mut lag) = (0u64, 0u64);
    for feed in heads.feeds {
        if !read(&inner.follow).contains(&feed.origin) || frozen.contains(&feed.origin) {
            continue;
        }
        let origin = Did::parse(&feed.origin)
            .map_err(|e| SyncError::Document { url: heads_url.clone(), message: format!("origin: {e}") })?;
        // A head this node holds another op at is a fork, or the peer misreports its head.
        if feed.seq > 0 {
            let held =
                ops::at(inner.app.store().db(), origin.as_str(), i64::try_from(feed.seq).unwrap_or(i64::MAX)).await?;
            if held.is_some_and(|op| op.op_id != feed.head) {
                // A misreported head costs only that feed this round.
                if let Err(e) = remote.investigate(&origin, feed.seq).await {
                    tracing::warn!(peer = %peer.url, %origin, error = %e, "a head the peer's ops do not bear out");
                }
                continue;
            }
        }
        // Ops held past a gap may continue the feed as stored now (another peer filled it).
        pulled += drain_pending(inner, &origin).await?;
        loop {
            let from = cursor(inner, &origin).await?;
            if feed.seq <= from.seq {
                break;
            }
            match pull_feed(inner, peer, &remote, &origin, feed.seq, from, page_ops).await? {
                Pulled::Done { ops, lag: behind } => {
                    pulled += ops;
                    lag += behind;
                    break;
                }
                // Held ops moved the feed past the pages on their way: ask again from there.
                Pulled::Jumped { ops } => pulled += ops,
            }
        }
    }
    Ok(Round { pulled, lag, holds_own })
}

/// How pulling one feed from a peer ended.
enum Pulled {
    /// Up to the peer's head, or as far as it served: the ops stored, and how far its heads
    /// said it was still ahead.
    Done { ops: u64, lag: u64 },
    /// Ops from the pending area continued the feed past the pages being fetched.
    Jumped { ops: u64 },
}

/// Pulls `origin`'s feed from `peer` after `from`, up to `until`, storing page by page.
/// Pages are fetched and verified ahead (at most two waiting) while the one before is
/// stored, so the network, the signature checks and the database overlap.
async fn pull_feed(
    inner: &Inner,
    peer: &Peer,
    remote: &Remote<'_>,
    origin: &Did,
    until: u64,
    from: Cursor,
    page_ops: u64,
) -> Result<Pulled, SyncError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let fetch = fetch_ahead(inner, peer, remote.did, origin, until, from, page_ops, tx);
    let store = async {
        let mut pulled = 0u64;
        while let Some(page) = rx.recv().await {
            let page: Fetched = page?;
            let Some(checked) = page.checked else {
                // The heads promised more than the feed holds: try again next round.
                return Ok(Pulled::Done { ops: pulled, lag: until - page.cursor.seq });
            };
            let started = std::time::Instant::now();
            let n = checked.verified.len() as u64;
            if n > 0 {
                let ops = RemoteOps { origin: origin.to_string(), ops: checked.verified };
                inner.app.apply_remote(ops).await?;
                pulled += n;
            }
            if !checked.past_gap.is_empty() {
                let offered = checked.past_gap.len();
                let held = lock(&inner.pending).hold(origin.as_str(), &peer.url, checked.past_gap);
                tracing::info!(peer = %peer.url, %origin, offered, held, "ops past a gap held until it is filled");
            }
            let drained = if n > 0 { drain_pending(inner, origin).await? } else { 0 };
            pulled += drained;
            {
                let mut h = lock(&peer.health);
                h.fetch_ms += millis(page.fetched);
                h.verify_ms += millis(page.verified);
                h.apply_ms += millis(started.elapsed());
            }
            // A long catch-up keeps its lease; one that lost it leaves the rest to the
            // replica that took it over.
            if let Some(holder) = lease(inner, peer).await? {
                return Err(SyncError::LeaseLost(holder));
            }
            if let Some(e) = checked.error {
                let diverged = n == 0
                    && matches!(
                        &e,
                        protocol::PageError::Chain {
                            error: valueflows_federation::ChainError::PrevMismatch { .. },
                            ..
                        }
                    );
                if diverged && page.cursor.seq > 0 {
                    // The peer's next op does not follow the stored head: find where the
                    // two feeds part, and keep both ops there as evidence.
                    remote.investigate(origin, page.cursor.seq).await?;
                    return Ok(Pulled::Done { ops: pulled, lag: 0 });
                }
                return Err(SyncError::Feed { origin: origin.to_string(), message: e.to_string() });
            }
            if drained > 0 {
                return Ok(Pulled::Jumped { ops: pulled });
            }
        }
        Ok(Pulled::Done { ops: pulled, lag: 0 })
    };
    // Returning drops the receiver, which ends the fetching at its next page.
    let (_, stored) = tokio::join!(fetch, store);
    stored
}

/// Applies the ops of the pending area that now continue `origin`'s stored feed; returns
/// how many. A held op the feed has passed with another op at its seq is fork evidence,
/// recorded as supplied by the peer that sent that op.
async fn drain_pending(inner: &Inner, origin: &Did) -> Result<u64, SyncError> {
    if lock(&inner.pending).len_of(origin.as_str()) == 0 {
        return Ok(0);
    }
    let head = cursor(inner, origin).await?;
    let ready = {
        let at = head.head.as_ref().map(|id| (head.seq, id));
        lock(&inner.pending).take_ready(origin.as_str(), at)
    };
    let db = inner.app.store().db();
    for ((op, id, json), source) in &ready.stale {
        let seq = i64::try_from(op.unsigned.seq).unwrap_or(i64::MAX);
        let Some(stored) = ops::at(db, origin.as_str(), seq).await? else { continue };
        if stored.op_id != id.as_str() {
            let fork = Fork::check(origin.as_str(), op.unsigned.seq, &[json, &stored.body], &OpLimits::default())
                .map_err(|e| SyncError::Feed { origin: origin.to_string(), message: e.to_string() })?;
            found_fork(inner, &fork, source).await?;
            return Ok(0);
        }
    }
    if ready.broken > 0 {
        tracing::warn!(%origin, dropped = ready.broken, "held ops of another branch of the feed dropped");
    }
    let n = ready.ops.len() as u64;
    if n > 0 {
        inner.app.apply_remote(RemoteOps { origin: origin.to_string(), ops: ready.ops }).await?;
        tracing::info!(%origin, ops = n, "held ops continued the feed");
    }
    Ok(n)
}

/// A page fetched and checked ahead of storing.
struct Fetched {
    /// The feed position the page was asked after.
    cursor: Cursor,
    /// The checked page; None when the peer had nothing after `cursor`.
    checked: Option<protocol::CheckedPage>,
    /// Time spent fetching it (network, reading, parsing).
    fetched: Duration,
    /// Time spent verifying it.
    verified: Duration,
}

/// Fetches and checks `origin`'s pages from `peer` after `cursor` until `until`, each
/// continuing the last verified op of the one before; stops after a page with an error or
/// an empty one, or when the receiver is gone.
#[allow(clippy::too_many_arguments)]
async fn fetch_ahead(
    inner: &Inner,
    peer: &Peer,
    did: &Did,
    origin: &Did,
    until: u64,
    mut cursor: Cursor,
    page_ops: u64,
    tx: tokio::sync::mpsc::Sender<Result<Fetched, SyncError>>,
) {
    let path = protocol::OPS_PATH.replace("{origin}", origin.as_str());
    while cursor.seq < until {
        let url = format!("{}{path}?after={}&limit={page_ops}", peer.url, cursor.seq);
        let started = std::time::Instant::now();
        let page: OpsPage = match get_json(inner, &url, Some(did), MAX_PAGE_BYTES + MAX_DOC_BYTES).await {
            Ok(p) => p,
            Err(e) => {
                let _ = tx.send(Err(e)).await;
                return;
            }
        };
        let fetched = started.elapsed();
        if page.origin != origin.as_str() {
            let _ = tx.send(Err(SyncError::Document { url, message: "the page is of another feed".to_owned() })).await;
            return;
        }
        if page.ops.is_empty() {
            let _ = tx.send(Ok(Fetched { cursor, checked: None, fetched, verified: Duration::ZERO })).await;
            return;
        }
        // Verifying a page is CPU work (a signature per op): off the async workers.
        let (o, c) = (origin.clone(), cursor.clone());
        let checked =
            match tokio::task::spawn_blocking(move || protocol::check_page(&o, &c, &page.ops, &OpLimits::default()))
                .await
            {
                Ok(c) => c,
                Err(e) => {
                    let message = format!("page check: {e}");
                    let _ = tx.send(Err(SyncError::Feed { origin: origin.to_string(), message })).await;
                    return;
                }
            };
        let verified = started.elapsed() - fetched;
        let last = checked.verified.last().map(|(op, id, _)| Cursor { seq: op.unsigned.seq, head: Some(id.clone()) });
        let done = checked.error.is_some();
        let page = Fetched { cursor: cursor.clone(), checked: Some(checked), fetched, verified };
        if tx.send(Ok(page)).await.is_err() || done {
            return;
        }
        match last {
            Some(next) => cursor = next,
            None => return,
        }
    }
}

/// A peer being pulled from in this round.
struct Remote<'a> {
    inner: &'a Inner,
    url: &'a str,
    did: &'a Did,
}

impl Remote<'_> {
    /// The peer's op of `origin` at `seq`, verified.
    async fn op_at(&self, origin: &Did, seq: u64) -> Result<(Op, OpId, String), SyncError> {
        let path = protocol::OPS_PATH.replace("{origin}", origin.as_str());
        let url = format!("{}{path}?after={}&limit=1", self.url, seq - 1);
        let page: OpsPage = get_json(self.inner, &url, Some(self.did), MAX_PAGE_BYTES + MAX_DOC_BYTES).await?;
        let bad = |message: String| SyncError::Feed { origin: origin.to_string(), message };
        let raw = page.ops.first().ok_or_else(|| bad(format!("{} has no op at seq {seq}", self.url)))?;
        let op = Op::from_json(raw.get(), &OpLimits::default()).map_err(|e| bad(e.to_string()))?;
        let id = op.verify().map_err(|e| bad(e.to_string()))?;
        if op.unsigned.origin != *origin || op.unsigned.seq != seq {
            return Err(bad(format!("{} sent another op than seq {seq} of the feed", self.url)));
        }
        Ok((op, id, raw.get().to_owned()))
    }

    /// The peer's feed of `origin` disagrees with this node's at or below `seq`: finds the
    /// first seq where the two hold different signed ops and stores both as a fork. When
    /// the ops agree after all, the peer misreported and the round fails.
    async fn investigate(&self, origin: &Did, seq: u64) -> Result<(), SyncError> {
        let db = self.inner.app.store().db();
        let ours = |s: u64| async move {
            ops::at(db, origin.as_str(), i64::try_from(s).unwrap_or(i64::MAX))
                .await?
                .ok_or_else(|| SyncError::Feed { origin: origin.to_string(), message: format!("seq {s} is not held") })
        };
        let differs = |s: u64| async move {
            let theirs = self.op_at(origin, s).await?;
            let mine = ours(s).await?;
            Ok::<_, SyncError>((theirs.1.to_string() != mine.op_id).then_some((theirs, mine)))
        };
        let Some(mut evidence) = differs(seq).await? else {
            return Err(SyncError::Feed {
                origin: origin.to_string(),
                message: format!("{} reports a head or chain its own ops do not show at seq {seq}", self.url),
            });
        };
        // Ops chain by hash: once equal at a seq, equal at every seq below it. So the
        // first difference is found by halving.
        let (mut lo, mut hi) = (1u64, seq);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match differs(mid).await? {
                Some(found) => {
                    hi = mid;
                    evidence = found;
                }
                None => lo = mid + 1,
            }
        }
        let (theirs, mine) = evidence;
        let fork = Fork::check(origin.as_str(), hi, &[&theirs.2, &mine.body], &OpLimits::default())
            .map_err(|e| SyncError::Feed { origin: origin.to_string(), message: e.to_string() })?;
        self.found_fork(&fork).await
    }

    /// Stores a checked fork this peer supplied.
    async fn found_fork(&self, fork: &Fork) -> Result<(), SyncError> {
        found_fork(self.inner, fork, self.url).await
    }
}

/// Stores a checked fork (once per origin), supplied by the peer at `source`, and says so.
async fn found_fork(inner: &Inner, fork: &Fork, source: &str) -> Result<(), SyncError> {
    let now = chrono::Utc::now().to_rfc3339();
    if forks::record(inner.app.store().db(), fork, source, &now).await? {
        tracing::error!(
            origin = %fork.origin, seq = fork.seq, op_a = %fork.ops[0].1, op_b = %fork.ops[1].1, %source,
            "forked feed: its origin signed two ops at one seq; the feed is frozen here"
        );
    }
    Ok(())
}

/// The stored head of `origin`'s feed.
async fn cursor(inner: &Inner, origin: &Did) -> Result<Cursor, SyncError> {
    Ok(match ops::head(inner.app.store().db(), origin.as_str()).await? {
        Some((seq, id)) => Cursor {
            seq: u64::try_from(seq).unwrap_or(0),
            head: Some(
                OpId::parse(&id).map_err(|e| SyncError::Feed { origin: origin.to_string(), message: e.to_string() })?,
            ),
        },
        None => Cursor::default(),
    })
}

/// GETs `url` (with a peer token for `audience`) and parses at most `max` bytes of JSON.
#[tracing::instrument(skip_all, name = "sync.fetch", fields(
    otel.kind = "client", http.request.method = "GET", url.full = %crate::config::mask_url(url),
    http.response.status_code = tracing::field::Empty,
))]
async fn get_json<T: serde::de::DeserializeOwned>(
    inner: &Inner,
    url: &str,
    audience: Option<&Did>,
    max: usize,
) -> Result<T, SyncError> {
    let mut req = inner.client.get(url).headers(crate::telemetry::propagation::headers(&tracing::Span::current()));
    if let Some(aud) = audience {
        let token = peer_token::issue(inner.app.key(), aud, now_secs(), 30)
            .map_err(|e| SyncError::Http { url: url.to_owned(), message: e.to_string() })?;
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.map_err(|e| SyncError::Http { url: url.to_owned(), message: e.to_string() })?;
    tracing::Span::current().record("http.response.status_code", resp.status().as_u16());
    if !resp.status().is_success() {
        return Err(SyncError::Status { url: url.to_owned(), status: resp.status().as_u16() });
    }
    let body = read_capped(resp, url, max).await?;
    serde_json::from_slice(&body).map_err(|e| SyncError::Document { url: url.to_owned(), message: e.to_string() })
}

/// Reads a response body, refusing it once it passes `max` bytes.
async fn read_capped(mut resp: reqwest::Response, url: &str, max: usize) -> Result<Vec<u8>, SyncError> {
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(SyncError::TooLarge { url: url.to_owned(), max });
    }
    let mut out = Vec::new();
    while let Some(chunk) =
        resp.chunk().await.map_err(|e| SyncError::Http { url: url.to_owned(), message: e.to_string() })?
    {
        if out.len() + chunk.len() > max {
            return Err(SyncError::TooLarge { url: url.to_owned(), max });
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Tells every peer when this node committed something (its own write, or ops it stored
/// from a peer), so they pull now rather than at their next timer.
async fn notify_loop(inner: Arc<Inner>, mut stop: watch::Receiver<bool>) {
    let mut changes = inner.app.changes().subscribe();
    loop {
        tokio::select! {
            got = changes.recv() => {
                if matches!(got, Err(tokio::sync::broadcast::error::RecvError::Closed)) {
                    return;
                }
            }
            _ = stop.changed() => return,
        }
        // Coalesce a burst of writes into one notify.
        while changes.try_recv().is_ok() {}
        let own = inner.app.did().to_string();
        let seq = match ops::head(inner.app.store().db(), &own).await {
            Ok(h) => h.map_or(0, |(s, _)| u64::try_from(s).unwrap_or(0)),
            Err(_) => continue,
        };
        let peers: Vec<Arc<Peer>> = lock(&inner.peers).clone();
        for peer in &peers {
            let Some(did) = lock(&peer.health).did.clone() else { continue };
            let Ok(aud) = Did::parse(&did) else { continue };
            let Ok(token) = peer_token::issue(inner.app.key(), &aud, now_secs(), 30) else { continue };
            let url = format!("{}{}", peer.url, protocol::NOTIFY_PATH);
            let span =
                tracing::info_span!("sync.notify", otel.kind = "client", url.full = %crate::config::mask_url(&url));
            let req = inner
                .client
                .post(&url)
                .headers(crate::telemetry::propagation::headers(&span))
                .bearer_auth(token)
                .json(&Notify { origin: own.clone(), seq });
            // A hint: a lost one costs only latency, so it is never retried.
            tokio::spawn(
                async move {
                    if let Err(e) = req.send().await {
                        tracing::debug!(%url, error = %e, "notify not delivered");
                    }
                }
                .instrument(span),
            );
        }
    }
}
