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

use std::collections::{BTreeMap, BTreeSet};
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
use valueflows_federation::peer_token::{self, ReplayGuard};
use valueflows_federation::protocol::{
    self, Cursor, Endpoints, FeedHead, Heads, MAX_NOTIFY_BYTES, MAX_PAGE_BYTES, MAX_PAGE_OPS, NodeInfo, Notify, OpsPage,
};
use valueflows_federation::{Did, OpId, OpLimits};

use crate::app::App;
use crate::app::remote::RemoteOps;
use crate::store::ops;

/// Most bytes read of a peer's `/.well-known/vf-node` or heads document.
const MAX_DOC_BYTES: usize = 1024 * 1024;
/// Token ids remembered for replay protection.
const REPLAY_CAPACITY: usize = 100_000;

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
    follow: BTreeSet<String>,
    peers: Vec<Peer>,
    /// Bumped to wake every pull task early.
    wake: watch::Sender<u64>,
}

struct Peer {
    url: String,
    health: Mutex<PeerHealth>,
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
    /// Feeds refused as forked by this peer: origin and the seq where they diverge.
    pub forks: BTreeMap<String, u64>,
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
}

impl Sync {
    /// The replication service of `app`, configured by its `federation` section.
    pub fn new(app: App) -> anyhow::Result<Sync> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let cfg = app.config().federation.clone();
        let mut follow = BTreeSet::new();
        for f in &cfg.follow {
            let did = Did::parse(f).map_err(|e| anyhow::anyhow!("federation.follow `{f}`: {e}"))?;
            follow.insert(did.to_string());
        }
        follow.insert(app.did().to_string());
        let mut peers = Vec::new();
        for p in &cfg.peers {
            let url = reqwest::Url::parse(p).map_err(|e| anyhow::anyhow!("federation.peers `{p}`: {e}"))?;
            if !matches!(url.scheme(), "http" | "https") {
                anyhow::bail!("federation.peers `{p}`: use an http or https URL");
            }
            let url = p.trim_end_matches('/').to_owned();
            peers.push(Peer { health: Mutex::new(PeerHealth { url: url.clone(), ..PeerHealth::default() }), url });
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(cfg.request_timeout_secs.max(1)))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        let (wake, _) = watch::channel(0);
        Ok(Sync {
            inner: Arc::new(Inner { app, client, replay: ReplayGuard::new(REPLAY_CAPACITY), follow, peers, wake }),
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
        for i in 0..self.inner.peers.len() {
            let inner = self.inner.clone();
            let stop = stop.clone();
            tokio::spawn(async move { pull_loop(inner, i, stop).await });
        }
        if !self.inner.peers.is_empty() {
            let inner = self.inner.clone();
            tokio::spawn(async move { notify_loop(inner, stop).await });
        }
    }

    /// Each peer's sync state.
    pub fn health(&self) -> Vec<PeerHealth> {
        self.inner.peers.iter().map(|p| lock(&p.health).clone()).collect()
    }
}

fn lock(m: &Mutex<PeerHealth>) -> std::sync::MutexGuard<'_, PeerHealth> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
    (status, axum::Json(ErrorBody { error: ErrorDetail { code, message } })).into_response()
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
    if !app.config().auth.open_reads && !sync.inner.follow.contains(caller.as_str()) {
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
    match ops::heads(sync.inner.app.store().db()).await {
        Ok(rows) => axum::Json(Heads {
            feeds: rows
                .into_iter()
                .map(|(origin, seq, head)| FeedHead { origin, seq: u64::try_from(seq).unwrap_or(0), head })
                .collect(),
            digest: None,
        })
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "heads");
            refuse(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", "the feeds cannot be read now")
        }
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
    StatusCode::ACCEPTED.into_response()
}

// ----- pulling --------------------------------------------------------------------------

async fn pull_loop(inner: Arc<Inner>, index: usize, mut stop: watch::Receiver<bool>) {
    let cfg = inner.app.config().federation.clone();
    let mut wake = inner.wake.subscribe();
    let mut failures: u32 = 0;
    loop {
        let peer = &inner.peers[index];
        let result = round(&inner, peer).await;
        let delay = {
            let mut h = lock(&peer.health);
            match result {
                Ok((pulled, lag)) => {
                    failures = 0;
                    h.failures = 0;
                    h.backoff_ms = 0;
                    h.last_error = None;
                    h.last_success = Some(chrono::Utc::now().to_rfc3339());
                    h.pulled_ops += pulled;
                    h.lag_ops = lag;
                    jitter(Duration::from_secs(cfg.interval_secs.max(1)))
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
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            // A wake-up hint cuts the wait, but not a failing peer's backoff.
            Ok(()) = wake.changed(), if failures == 0 => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
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

/// One round with `peer`: returns the ops pulled and how far the peer is still ahead.
async fn round(inner: &Inner, peer: &Peer) -> Result<(u64, u64), SyncError> {
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
    let page_ops = inner.app.config().federation.page_ops.clamp(1, MAX_PAGE_OPS);
    let (mut pulled, mut lag) = (0u64, 0u64);
    for feed in heads.feeds {
        if !inner.follow.contains(&feed.origin) || lock(&peer.health).forks.contains_key(&feed.origin) {
            continue;
        }
        let origin = Did::parse(&feed.origin)
            .map_err(|e| SyncError::Document { url: heads_url.clone(), message: format!("origin: {e}") })?;
        loop {
            let cursor = cursor(inner, &origin).await?;
            if feed.seq <= cursor.seq {
                break;
            }
            let path = protocol::OPS_PATH.replace("{origin}", origin.as_str());
            let url = format!("{}{path}?after={}&limit={page_ops}", peer.url, cursor.seq);
            let page: OpsPage = get_json(inner, &url, Some(&did), MAX_PAGE_BYTES + MAX_DOC_BYTES).await?;
            if page.origin != feed.origin {
                return Err(SyncError::Document { url, message: "the page is of another feed".to_owned() });
            }
            if page.ops.is_empty() {
                // The heads promised more than the feed holds: try again next round.
                lag += feed.seq - cursor.seq;
                break;
            }
            let checked = protocol::check_page(&origin, &cursor, &page.ops, &OpLimits::default());
            let n = checked.verified.len() as u64;
            if n > 0 {
                let ops = RemoteOps { origin: origin.to_string(), ops: checked.verified };
                inner.app.apply_remote(ops).await?;
                pulled += n;
            }
            if let Some(e) = checked.error {
                let diverged = matches!(
                    &e,
                    protocol::PageError::Chain { error: valueflows_federation::ChainError::PrevMismatch { .. }, .. }
                );
                if diverged {
                    // The peer's feed does not continue ours: one of the two is a fork. Stop
                    // taking that feed from this peer and say so; the ops stored stay.
                    let at = cursor.seq + n + 1;
                    tracing::error!(peer = %peer.url, origin = %origin, seq = at, "forked feed: the peer's op does not continue the stored one");
                    lock(&peer.health).forks.insert(origin.to_string(), at);
                    break;
                }
                return Err(SyncError::Feed { origin: origin.to_string(), message: e.to_string() });
            }
        }
    }
    Ok((pulled, lag))
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
async fn get_json<T: serde::de::DeserializeOwned>(
    inner: &Inner,
    url: &str,
    audience: Option<&Did>,
    max: usize,
) -> Result<T, SyncError> {
    let mut req = inner.client.get(url);
    if let Some(aud) = audience {
        let token = peer_token::issue(inner.app.key(), aud, now_secs(), 30)
            .map_err(|e| SyncError::Http { url: url.to_owned(), message: e.to_string() })?;
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.map_err(|e| SyncError::Http { url: url.to_owned(), message: e.to_string() })?;
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
        for peer in &inner.peers {
            let Some(did) = lock(&peer.health).did.clone() else { continue };
            let Ok(aud) = Did::parse(&did) else { continue };
            let Ok(token) = peer_token::issue(inner.app.key(), &aud, now_secs(), 30) else { continue };
            let url = format!("{}{}", peer.url, protocol::NOTIFY_PATH);
            let req = inner.client.post(&url).bearer_auth(token).json(&Notify { origin: own.clone(), seq });
            // A hint: a lost one costs only latency, so it is never retried.
            tokio::spawn(async move {
                if let Err(e) = req.send().await {
                    tracing::debug!(%url, error = %e, "notify not delivered");
                }
            });
        }
    }
}
