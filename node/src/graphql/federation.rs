//! Federation for operators: which peers this node pulls from and how that goes, whose
//! feeds it follows, the feeds it holds with the state digest, and forked feeds. Anyone
//! who may read sees the feeds, follows and forks (read-only); peers and every change need
//! the `admin` scope.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::error::GqlResult;
use super::{caller, require_read};
use crate::auth::Scope;
use crate::error::AppError;
use crate::store::{entity::feed_fork, entity::record, forks, ops, records};
use crate::sync::{PeerHealth, Sync};

fn sync<'a>(ctx: &Context<'a>) -> Result<&'a Sync, AppError> {
    ctx.data_opt::<Sync>().ok_or_else(|| AppError::Internal("federation is not running in this process".to_owned()))
}

/// `federation` queries.
#[derive(Default)]
pub struct FederationQuery;

#[Object]
impl FederationQuery {
    /// This node's replication state.
    async fn federation(&self, ctx: &Context<'_>) -> GqlResult<Federation> {
        require_read(ctx)?;
        Ok(Federation)
    }
}

/// This node's replication state.
pub struct Federation;

/// One feed held: its origin and head.
#[derive(SimpleObject)]
pub struct FeedHead {
    /// The origin's DID.
    pub origin: String,
    /// The highest seq held (feeds are held without gaps).
    pub seq: u64,
    /// The id of the op at that seq.
    pub head: String,
}

/// A forked feed: its origin signed two different ops at one seq, so every node holding
/// the evidence keeps the feed frozen there.
pub struct FeedFork(feed_fork::Model);

#[Object]
impl FeedFork {
    /// The origin whose feed forked.
    async fn origin(&self) -> &str {
        &self.0.origin
    }
    /// The first seq at which the two branches differ.
    async fn seq(&self) -> i64 {
        self.0.seq
    }
    /// The ids of the two ops its origin signed at that seq.
    async fn op_ids(&self) -> Vec<&str> {
        vec![self.0.op_a.as_str(), self.0.op_b.as_str()]
    }
    /// The id of the op this node holds at that seq, if it holds one.
    async fn held_op_id(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        let db = super::app(ctx).store().db();
        Ok(ops::at(db, &self.0.origin, self.0.seq).await.map_err(AppError::from)?.map(|o| o.op_id))
    }
    /// The two ops, as their origin signed them (JSON text): the evidence.
    async fn evidence(&self) -> Vec<&str> {
        vec![self.0.body_a.as_str(), self.0.body_b.as_str()]
    }
    /// The peer whose feed diverged from this node's, or that passed the evidence on.
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// When this node found it (RFC 3339).
    async fn detected_at(&self) -> &str {
        &self.0.detected_at
    }
}

/// A peer this node pulls from, with its sync health.
pub struct FederationPeer(PeerHealth);

#[Object]
impl FederationPeer {
    /// Its base URL.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// Its DID, once it answered.
    async fn did(&self) -> Option<&str> {
        self.0.did.as_deref()
    }
    /// When a round with it last succeeded (RFC 3339).
    async fn last_success(&self) -> Option<&str> {
        self.0.last_success.as_deref()
    }
    /// Why the last round failed, if it did.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// Rounds failed in a row.
    async fn failures(&self) -> u32 {
        self.0.failures
    }
    /// How long this node waits before trying again, in milliseconds (0 when healthy).
    async fn backoff_ms(&self) -> u64 {
        self.0.backoff_ms
    }
    /// Ops pulled from it since this node started.
    async fn pulled_ops(&self) -> u64 {
        self.0.pulled_ops
    }
    /// Ops of followed feeds it held beyond this node at the end of the last round.
    async fn lag_ops(&self) -> u64 {
        self.0.lag_ops
    }
    /// Seconds this node has been behind it (0 when caught up).
    async fn lag_seconds(&self) -> i64 {
        self.0.lag_seconds()
    }
    /// With several replicas on one PostgreSQL database: the replica that pulls from this
    /// peer, when it is not the one answering (null when this replica pulls).
    async fn pulled_by(&self) -> Option<&str> {
        self.0.pulled_by.as_deref()
    }
    /// The id of the replica answering, among those serving this node's database.
    async fn replica(&self, ctx: &Context<'_>) -> String {
        super::app(ctx).replica().to_owned()
    }
}

/// A live record naming a retracted one: the target's home node retracted it after another
/// node's record named it. Flagged, not repaired: both records are facts of their origins.
pub struct RetractedReference {
    record: record::Model,
    field: String,
    target: record::Model,
}

#[Object]
impl RetractedReference {
    /// The record that names the retracted one.
    async fn record_id(&self) -> ID {
        ID(self.record.id.to_string())
    }
    /// Its kind (`EconomicEvent`, `Commitment`, ...).
    async fn record_kind(&self) -> &str {
        &self.record.kind
    }
    /// The origin (DID) of the record that names it.
    async fn record_origin(&self) -> &str {
        &self.record.origin
    }
    /// The field that names it (`provider`, `resourceInventoriedAs`, ...).
    async fn field(&self) -> &str {
        &self.field
    }
    /// The retracted record.
    async fn target_id(&self) -> ID {
        ID(self.target.id.to_string())
    }
    /// Its kind.
    async fn target_kind(&self) -> &str {
        &self.target.kind
    }
    /// The origin (DID) that retracted it.
    async fn target_origin(&self) -> &str {
        &self.target.origin
    }
}

/// Most retracted references listed at once.
const MAX_RETRACTED_REFERENCES: usize = 1000;

#[Object]
impl Federation {
    /// Live records that name a retracted record, in record, field and target order (at
    /// most 1,000): a reference that outlived its target, which only another node's
    /// retraction can cause. Derived from the records held, so nodes holding the same feeds
    /// list the same.
    async fn retracted_references(&self, ctx: &Context<'_>) -> GqlResult<Vec<RetractedReference>> {
        let db = super::app(ctx).store().db();
        let found = records::retracted_references(db, MAX_RETRACTED_REFERENCES).await.map_err(AppError::from)?;
        let mut ids: Vec<uuid::Uuid> = found.iter().flat_map(|(r, _, t)| [*r, *t]).collect();
        ids.sort();
        ids.dedup();
        let held: std::collections::HashMap<uuid::Uuid, record::Model> =
            records::get_many(db, &ids).await.map_err(AppError::from)?.into_iter().map(|m| (m.id, m)).collect();
        Ok(found
            .into_iter()
            .filter_map(|(r, field, t)| {
                Some(RetractedReference { record: held.get(&r)?.clone(), field, target: held.get(&t)?.clone() })
            })
            .collect())
    }
    /// This node's DID: the origin of its own feed.
    async fn did(&self, ctx: &Context<'_>) -> String {
        super::app(ctx).did().to_string()
    }
    /// The origins whose feeds this node accepts, its own included.
    async fn follows(&self, ctx: &Context<'_>) -> GqlResult<Vec<String>> {
        Ok(sync(ctx)?.follows())
    }
    /// Every feed held, in origin order.
    async fn feeds(&self, ctx: &Context<'_>) -> GqlResult<Vec<FeedHead>> {
        let heads = ops::heads(super::app(ctx).store().db()).await.map_err(AppError::from)?;
        Ok(heads
            .into_iter()
            .map(|(origin, seq, head)| FeedHead { origin, seq: u64::try_from(seq).unwrap_or(0), head })
            .collect())
    }
    /// The digest of the derived state at the feeds held: nodes holding the same feeds
    /// have the same digest.
    async fn digest(&self, ctx: &Context<'_>) -> GqlResult<String> {
        let heads = sync(ctx)?.heads().await.map_err(AppError::from)?;
        Ok(heads.digest.unwrap_or_default())
    }
    /// Forked feeds, in origin order.
    async fn forks(&self, ctx: &Context<'_>) -> GqlResult<Vec<FeedFork>> {
        let all = forks::all(super::app(ctx).store().db()).await.map_err(AppError::from)?;
        Ok(all.into_iter().map(FeedFork).collect())
    }
    /// The peers this node pulls from, with their sync health (`admin`; for anyone else it
    /// is null, with an error, and the other fields still answer).
    async fn peers(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<FederationPeer>>> {
        caller(ctx).require(Scope::Admin)?;
        Ok(Some(sync(ctx)?.health().into_iter().map(FederationPeer).collect()))
    }
}

/// `federation` mutations, all `admin`. Changes are kept across restarts and override the
/// configuration file.
#[derive(Default)]
pub struct FederationMutation;

#[Object]
impl FederationMutation {
    /// Starts pulling from the node at `url` (its base URL).
    async fn add_federation_peer(&self, ctx: &Context<'_>, url: String) -> GqlResult<FederationPeer> {
        caller(ctx).require(Scope::Admin)?;
        Ok(FederationPeer(sync(ctx)?.add_peer(&url).await?))
    }
    /// Stops pulling from the node at `url`; false when it was not a peer.
    async fn remove_federation_peer(&self, ctx: &Context<'_>, url: String) -> GqlResult<bool> {
        caller(ctx).require(Scope::Admin)?;
        Ok(sync(ctx)?.remove_peer(&url).await?)
    }
    /// Accepts the feed of the node `did` (a `did:key`); returns the follow list.
    async fn follow_feed(&self, ctx: &Context<'_>, did: String) -> GqlResult<Vec<String>> {
        caller(ctx).require(Scope::Admin)?;
        Ok(sync(ctx)?.set_follow(&did, true).await?)
    }
    /// Stops accepting the feed of `did`; what is held stays. Returns the follow list.
    async fn unfollow_feed(&self, ctx: &Context<'_>, did: String) -> GqlResult<Vec<String>> {
        caller(ctx).require(Scope::Admin)?;
        Ok(sync(ctx)?.set_follow(&did, false).await?)
    }
}
