//! Subscriptions: committed changes pushed to clients over WebSocket. The writer publishes
//! what each committed write changed; each subscription picks the notices it wants and
//! loads the records through the normal read path, so it only ever shows committed data.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::async_trait;
use async_graphql::dataloader::Loader;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::{Context, Data, Enum, ErrorExtensions, ID, InputObject, Object, Response, Subscription, Union};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast, watch};
use uuid::Uuid;
use valueflows_model as vf;

use super::acknowledgement::EventAcknowledgement;
use super::agent::{Agent, AgentRelationship, AgentRelationshipRole, Organization, Person, load_agent};
use super::agreement::Agreement;
use super::appreciation::Appreciation;
use super::claim::{Claim, Settlement};
use super::commitment::Commitment;
use super::error::{GqlError, GqlResult, gql};
use super::fulfillment::Fulfillment;
use super::geolocation::SpatialThing;
use super::intent::Intent;
use super::knowledge::{ProcessSpecification, ResourceSpecification};
use super::loaders::{Loaders, RecordLoader, load, parse};
use super::measurement::Unit;
use super::observation::{EconomicEvent, EconomicResource, Process};
use super::plan::Plan;
use super::product_batch::ProductBatch;
use super::proposal::{Proposal, ProposedIntent, ProposedTo};
use super::proposal_list::ProposalList;
use super::recipe::{RecipeExchange, RecipeFlow, RecipeProcess};
use super::satisfaction::Satisfaction;
use super::scalars::{DateTime, Uri};
use super::scenario::{Scenario, ScenarioDefinition};
use super::{Rec, app, parse_id, parse_ids, require_read};
use crate::app::App;
use crate::app::changes::{ChangeKind, Committed};
use crate::app::kinds::kind;
use crate::config::ApiConfig;
use crate::error::AppError;
use crate::store::entity::record;

// ----- limits and shutdown ----------------------------------------------------------------

/// The node's open subscriptions and WebSocket connections: enforces the limits, and at
/// shutdown ends every subscription (each client gets `complete`) and waits for the
/// connections to close.
#[derive(Clone, Debug)]
pub struct Subscriptions {
    inner: Arc<Hub>,
}

#[derive(Debug)]
struct Hub {
    total: Arc<Semaphore>,
    max_total: usize,
    per_connection: usize,
    closing: watch::Sender<bool>,
    connections: watch::Sender<usize>,
}

impl Subscriptions {
    /// Limits from the API configuration.
    pub fn new(api: &ApiConfig) -> Subscriptions {
        Subscriptions {
            inner: Arc::new(Hub {
                total: Arc::new(Semaphore::new(api.max_subscriptions)),
                max_total: api.max_subscriptions,
                per_connection: api.max_subscriptions_per_connection,
                closing: watch::channel(false).0,
                connections: watch::channel(0).0,
            }),
        }
    }

    /// Starts the shutdown: every open subscription completes, no new one starts.
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    /// True once the shutdown has started.
    pub fn is_closing(&self) -> bool {
        *self.inner.closing.borrow()
    }

    /// Resolves when the shutdown starts.
    pub fn closed(&self) -> impl Future<Output = ()> + Send + use<> {
        let mut rx = self.inner.closing.subscribe();
        async move {
            let _ = rx.wait_for(|closing| *closing).await;
        }
    }

    /// Registers a WebSocket connection: its slots go into the connection's data, the
    /// guard lives as long as the connection.
    pub fn connect(&self) -> (ConnectionSlots, ConnectionGuard) {
        self.inner.connections.send_modify(|n| *n += 1);
        let max = self.inner.per_connection;
        (ConnectionSlots { slots: Arc::new(Semaphore::new(max)), max }, ConnectionGuard(self.clone()))
    }

    /// Waits until every WebSocket connection has closed, at most `timeout`; false if some
    /// were still open.
    pub async fn drained(&self, timeout: Duration) -> bool {
        let mut rx = self.inner.connections.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|n| *n == 0)).await.is_ok_and(|r| r.is_ok())
    }

    /// Takes a place for one more subscription, on the connection and on the node.
    fn admit(&self, conn: Option<&ConnectionSlots>) -> Result<Permits, AppError> {
        if self.is_closing() {
            return Err(AppError::Limit("the node is shutting down".to_owned()));
        }
        let own = match conn {
            Some(c) => Some(c.slots.clone().try_acquire_owned().map_err(|_| {
                AppError::Limit(format!(
                    "a connection may hold at most {} subscriptions (api.max_subscriptions_per_connection)",
                    c.max
                ))
            })?),
            None => None,
        };
        let total = self.inner.total.clone().try_acquire_owned().map_err(|_| {
            AppError::Limit(format!(
                "the node holds its maximum of {} subscriptions (api.max_subscriptions)",
                self.inner.max_total
            ))
        })?;
        Ok(Permits { _total: total, _own: own })
    }
}

/// One WebSocket connection's share of the subscription limit, kept in its data.
#[derive(Clone, Debug)]
pub struct ConnectionSlots {
    slots: Arc<Semaphore>,
    max: usize,
}

impl ConnectionSlots {
    /// True when no subscription of the connection is open.
    pub fn idle(&self) -> bool {
        self.slots.available_permits() == self.max
    }
}

/// Counts a connection as open until dropped.
#[derive(Debug)]
pub struct ConnectionGuard(Subscriptions);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.inner.connections.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// The places a subscription holds, released when its stream is dropped.
struct Permits {
    _total: OwnedSemaphorePermit,
    _own: Option<OwnedSemaphorePermit>,
}

// ----- fresh loaders per event ------------------------------------------------------------

/// Gives every execution that brought no loaders (each event a subscription delivers, and
/// operations sent over a WebSocket) loaders of its own. Loaders cache for as long as they
/// live: shared across the events of a subscription, they would serve records as they
/// stood at an earlier event.
pub struct ExecutionLoaders;

impl ExtensionFactory for ExecutionLoaders {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ExecutionLoaders)
    }
}

#[async_trait::async_trait]
impl Extension for ExecutionLoaders {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        match ctx.data_opt::<App>() {
            Some(app) if ctx.data_opt::<Loaders>().is_none() => {
                let mut data = Data::default();
                data.insert(Loaders::new(app));
                next.run_with_data(ctx, operation_name, data).await
            }
            _ => next.run(ctx, operation_name).await,
        }
    }
}

// ----- the change feed of one subscription ------------------------------------------------

/// What a subscription makes of one committed write: the items to deliver, and whether
/// the subscription ends after them.
struct Step<T> {
    items: Vec<T>,
    end: bool,
}

impl<T> Step<T> {
    fn items(items: Vec<T>) -> Step<T> {
        Step { items, end: false }
    }
}

struct Feed<T, F> {
    rx: broadcast::Receiver<Arc<Committed>>,
    pick: F,
    queue: VecDeque<GqlResult<T>>,
    end: bool,
    _permits: Permits,
}

/// The stream of a subscription: `pick` turns each committed write into items. A
/// subscriber that falls more than `api.subscription_buffer` writes behind gets a `LIMIT`
/// error saying how many it missed, and its subscription ends; at shutdown it completes.
fn feed<T, F, Fut>(
    app: &App,
    hub: &Subscriptions,
    permits: Permits,
    pick: F,
) -> impl Stream<Item = GqlResult<T>> + Send + use<T, F, Fut>
where
    T: Send + 'static,
    F: FnMut(Arc<Committed>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Step<T>, AppError>> + Send,
{
    let state = Feed { rx: app.changes().subscribe(), pick, queue: VecDeque::new(), end: false, _permits: permits };
    let stream = futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.queue.pop_front() {
                return Some((item, st));
            }
            if st.end {
                return None;
            }
            match st.rx.recv().await {
                Ok(notice) => match (st.pick)(notice).await {
                    Ok(step) => {
                        st.queue.extend(step.items.into_iter().map(Ok));
                        st.end = step.end;
                    }
                    Err(e) => {
                        st.queue.push_back(Err(e.into()));
                        st.end = true;
                    }
                },
                Err(RecvError::Lagged(missed)) => {
                    st.queue.push_back(Err(lagged(missed)));
                    st.end = true;
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    stream.take_until(hub.closed())
}

fn lagged(missed: u64) -> GqlError {
    let e = gql(AppError::Limit(format!(
        "this subscription fell behind and missed {missed} committed changes; it ends here: \
         query the current state and subscribe again"
    )));
    GqlError(e.extend_with(|_, ext| ext.set("missed", missed)))
}

/// Live records among `ids`, through the process's record cache.
async fn load_rows(app: &App, ids: &[Uuid]) -> Result<Vec<record::Model>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = RecordLoader(app.clone()).load(ids).await.map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

fn hub<'a>(ctx: &Context<'a>) -> Result<&'a Subscriptions, AppError> {
    ctx.data_opt::<Subscriptions>().ok_or_else(|| AppError::Internal("no subscription hub in the schema".to_owned()))
}

/// Checks the caller may read and takes a place for the subscription.
fn admit(ctx: &Context<'_>) -> GqlResult<(App, Subscriptions, Permits)> {
    require_read(ctx)?;
    let hub = hub(ctx)?;
    let permits = hub.admit(ctx.data_opt::<ConnectionSlots>())?;
    Ok((app(ctx).clone(), hub.clone(), permits))
}

// ----- wire types -------------------------------------------------------------------------

/// How a change affected its record.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RecordChangeType {
    /// The record was created.
    Created,
    /// The record was revised.
    Updated,
    /// The record was deleted.
    Deleted,
}

impl From<ChangeKind> for RecordChangeType {
    fn from(c: ChangeKind) -> Self {
        match c {
            ChangeKind::Created => RecordChangeType::Created,
            ChangeKind::Updated => RecordChangeType::Updated,
            ChangeKind::Deleted => RecordChangeType::Deleted,
        }
    }
}

/// Declares `LedgerRecord`, the union of every record type, and the loader that turns a
/// stored row of any kind into its member.
macro_rules! ledger_records {
    ($($variant:ident => $kind:ident, $doc:literal;)*) => {
        /// Any record the node stores.
        #[derive(Union, Clone)]
        pub enum LedgerRecord {
            $(#[doc = $doc] $variant($variant),)*
        }

        /// A live record in its GraphQL type, through the request's loaders; None when it
        /// is gone.
        async fn ledger_record(ctx: &Context<'_>, id: Uuid, of_kind: &str) -> Result<Option<LedgerRecord>, AppError> {
            let Some(m) = load(ctx, id, &[of_kind]).await? else { return Ok(None) };
            Ok(Some(match m.kind.as_str() {
                $(kind::$kind => LedgerRecord::$variant($variant(parse(ctx, &m)?)),)*
                _ => return Ok(None),
            }))
        }
    };
}

ledger_records! {
    Person => PERSON, "A person.";
    Organization => ORGANIZATION, "An organization.";
    AgentRelationship => AGENT_RELATIONSHIP, "A relationship between agents.";
    AgentRelationshipRole => AGENT_RELATIONSHIP_ROLE, "A role agents play in relationships.";
    Unit => UNIT, "A unit of measure.";
    SpatialThing => SPATIAL_THING, "A place.";
    ResourceSpecification => RESOURCE_SPECIFICATION, "A resource specification.";
    ProcessSpecification => PROCESS_SPECIFICATION, "A process specification.";
    Process => PROCESS, "A process.";
    EconomicEvent => ECONOMIC_EVENT, "An economic event.";
    EconomicResource => ECONOMIC_RESOURCE, "An economic resource.";
    ProductBatch => PRODUCT_BATCH, "A lot or batch.";
    Commitment => COMMITMENT, "A commitment.";
    Intent => INTENT, "An intent.";
    Fulfillment => FULFILLMENT, "A fulfillment of a commitment by an event.";
    Satisfaction => SATISFACTION, "A satisfaction of an intent.";
    Plan => PLAN, "A plan.";
    RecipeProcess => RECIPE_PROCESS, "A process in a recipe.";
    RecipeFlow => RECIPE_FLOW, "A flow in a recipe.";
    RecipeExchange => RECIPE_EXCHANGE, "An exchange in a recipe.";
    Scenario => SCENARIO, "A scenario.";
    ScenarioDefinition => SCENARIO_DEFINITION, "A kind of scenario.";
    Agreement => AGREEMENT, "An agreement.";
    Proposal => PROPOSAL, "A proposal.";
    ProposedIntent => PROPOSED_INTENT, "An intent a proposal publishes.";
    ProposedTo => PROPOSED_TO, "An agent a proposal is made to.";
    ProposalList => PROPOSAL_LIST, "A list of proposals.";
    Claim => CLAIM, "A claim.";
    Settlement => SETTLEMENT, "A settlement of a claim.";
    Appreciation => APPRECIATION, "An appreciation.";
    EventAcknowledgement => ACKNOWLEDGEMENT, "A home node's acknowledgement of an event.";
}

/// A committed change to one record, as `recordChanged` delivers it.
pub struct RecordChange {
    kind: &'static str,
    id: Uuid,
    revision_id: Uuid,
    change: ChangeKind,
    seq: i64,
    time: Option<vf::Timestamp>,
    author: Option<Uuid>,
}

/// A committed change to one record, as `recordChanged` delivers it.
#[Object]
impl RecordChange {
    /// The record's type name: `EconomicEvent`, `Person`, `Process`...
    async fn kind(&self) -> &str {
        self.kind
    }

    /// The record changed.
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }

    /// The revision this change wrote (for a deletion, the retraction).
    async fn revision_id(&self) -> ID {
        ID(self.revision_id.to_string())
    }

    /// Created, updated or deleted.
    async fn change(&self) -> RecordChangeType {
        self.change.into()
    }

    /// Position, in this node's feed, of the write that made the change. Increases with
    /// each write; changes made by one write share it.
    async fn seq(&self) -> i64 {
        self.seq
    }

    /// When the change was written.
    async fn time(&self) -> Option<DateTime> {
        self.time.map(DateTime)
    }

    /// The agent that made the change.
    async fn author(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        match self.author {
            Some(a) => Ok(load_agent(ctx, a).await?),
            None => Ok(None),
        }
    }

    /// The record as it stands when this change is delivered (its `revisionId` can be
    /// later than this change's if it changed again since). Empty for a deleted record,
    /// and for kinds not served as a type here: query those by `id`.
    async fn record(&self, ctx: &Context<'_>) -> GqlResult<Option<LedgerRecord>> {
        if self.change == ChangeKind::Deleted {
            return Ok(None);
        }
        Ok(ledger_record(ctx, self.id, self.kind).await?)
    }
}

/// Which economic events a subscription delivers: each given field must match (an event
/// matches a list when it has any of its values); an empty filter matches every event.
#[derive(InputObject, Default, Clone)]
pub struct EconomicEventSubscriptionFilterParams {
    /// Actions (`produce`, `transfer`, ...).
    pub action: Option<Vec<ID>>,
    /// Providers.
    pub provider_id: Option<Vec<ID>>,
    /// Receivers.
    pub receiver_id: Option<Vec<ID>>,
    /// Resources affected, as `resourceInventoriedAs` or `toResourceInventoriedAs`.
    pub resource_inventoried_as: Option<Vec<ID>>,
    /// Processes the events are inputs of.
    pub input_of: Option<Vec<ID>>,
    /// Processes the events are outputs of.
    pub output_of: Option<Vec<ID>>,
    /// Resource specifications of the resources affected (`resourceConformsTo`).
    pub resource_conforms_to: Option<Vec<ID>>,
    /// Classifications of the resources affected (`resourceClassifiedAs`).
    pub resource_classified_as: Option<Vec<Uri>>,
}

/// The filter in checked form; an empty list means "any".
#[derive(Default)]
struct EventMatch {
    actions: HashSet<vf::Action>,
    providers: HashSet<Uuid>,
    receivers: HashSet<Uuid>,
    resources: HashSet<Uuid>,
    input_of: HashSet<Uuid>,
    output_of: HashSet<Uuid>,
    conforms_to: HashSet<Uuid>,
    classified_as: HashSet<String>,
}

impl EventMatch {
    fn parse(f: EconomicEventSubscriptionFilterParams) -> Result<EventMatch, AppError> {
        let ids = |field: &str, v: &Option<Vec<ID>>| -> Result<HashSet<Uuid>, AppError> {
            Ok(parse_ids(&format!("filter.{field}"), v)?.into_iter().collect())
        };
        let actions: HashSet<vf::Action> = f
            .action
            .iter()
            .flatten()
            .map(|a| vf::Action::parse(a.as_str()).map_err(|e| AppError::invalid("filter.action", e.to_string())))
            .collect::<Result<_, _>>()?;
        Ok(EventMatch {
            actions,
            providers: ids("providerId", &f.provider_id)?,
            receivers: ids("receiverId", &f.receiver_id)?,
            resources: ids("resourceInventoriedAs", &f.resource_inventoried_as)?,
            input_of: ids("inputOf", &f.input_of)?,
            output_of: ids("outputOf", &f.output_of)?,
            conforms_to: ids("resourceConformsTo", &f.resource_conforms_to)?,
            classified_as: f.resource_classified_as.into_iter().flatten().map(|u| u.0).collect(),
        })
    }

    fn matches(&self, e: &vf::EconomicEvent) -> bool {
        fn any<T: Eq + std::hash::Hash>(set: &HashSet<T>, mut values: impl Iterator<Item = T>) -> bool {
            set.is_empty() || values.any(|v| set.contains(&v))
        }
        let resources = [e.resource_inventoried_as, e.to_resource_inventoried_as];
        any(&self.actions, std::iter::once(e.action))
            && any(&self.providers, std::iter::once(e.provider.uuid()))
            && any(&self.receivers, std::iter::once(e.receiver.uuid()))
            && any(&self.resources, resources.iter().flatten().map(|r| r.uuid()))
            && any(&self.input_of, e.input_of.iter().map(|p| p.uuid()))
            && any(&self.output_of, e.output_of.iter().map(|p| p.uuid()))
            && any(&self.conforms_to, e.resource_conforms_to.iter().map(|s| s.uuid()))
            && any(&self.classified_as, e.resource_classified_as.iter().cloned())
    }
}

/// Fails unless `name` is the type name of a stored record: an object type of this schema
/// with a `revisionId`. Kinds added to the node are found without a list to keep.
fn check_kind(ctx: &Context<'_>, name: &str) -> Result<(), AppError> {
    use async_graphql::registry::MetaType;
    match ctx.schema_env.registry.types.get(name) {
        Some(MetaType::Object { fields, .. }) if fields.contains_key("revisionId") => Ok(()),
        _ => Err(AppError::invalid(
            "kinds",
            format!("`{name}` is not a kind of record: use type names such as EconomicEvent, Person or Process"),
        )),
    }
}

// ----- the root ---------------------------------------------------------------------------

/// The root subscription (its API description is on the impl below).
#[derive(Default)]
pub struct Subscription;

// The fields return async-graphql's `Result` (the derive needs that name); their errors are
// built by the functions below, which keep each error's code.
/// Changes as they are committed, in the order they were written, over WebSocket
/// (`graphql-transport-ws`, or the older `graphql-ws`) on `/graphql`. Reads need the same
/// token as queries, sent in `connection_init` as `{"Authorization": "Bearer <token>"}` or
/// `{"authToken": "<token>"}`. A subscriber that falls too far behind gets a `LIMIT` error
/// with `extensions.missed` and its subscription ends; at shutdown every subscription
/// completes.
#[Subscription]
impl Subscription {
    /// Economic events as they are recorded, optionally only those matching `filter`.
    async fn economic_event_created(
        &self,
        ctx: &Context<'_>,
        filter: Option<EconomicEventSubscriptionFilterParams>,
    ) -> async_graphql::Result<impl Stream<Item = GqlResult<EconomicEvent>>> {
        events_created(ctx, filter).map_err(|e| e.0)
    }

    /// One economic resource after each committed write that revised it or changed its
    /// state (an event that affected it). Delivers null once the resource is deleted, and
    /// then completes.
    async fn economic_resource_changed(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<impl Stream<Item = GqlResult<Option<EconomicResource>>>> {
        resource_changed(ctx, id).await.map_err(|e| e.0)
    }

    /// Every committed change to a record (created, updated, deleted), of any kind, or
    /// only of `kinds` (type names: `EconomicEvent`, `Process`, `Person`...) and only of
    /// the records `ids` when given.
    async fn record_changed(
        &self,
        ctx: &Context<'_>,
        kinds: Option<Vec<String>>,
        ids: Option<Vec<ID>>,
    ) -> async_graphql::Result<impl Stream<Item = GqlResult<RecordChange>>> {
        records_changed(ctx, kinds, ids).map_err(|e| e.0)
    }
}

fn events_created(
    ctx: &Context<'_>,
    filter: Option<EconomicEventSubscriptionFilterParams>,
) -> GqlResult<impl Stream<Item = GqlResult<EconomicEvent>> + use<>> {
    let filter = Arc::new(EventMatch::parse(filter.unwrap_or_default())?);
    let (app, hub, permits) = admit(ctx)?;
    let loader = app.clone();
    Ok(feed(&app, &hub, permits, move |notice: Arc<Committed>| {
        let (app, filter) = (loader.clone(), filter.clone());
        async move {
            let ids: Vec<Uuid> = notice
                .records
                .iter()
                .filter(|c| c.kind == kind::ECONOMIC_EVENT && c.change == ChangeKind::Created)
                .map(|c| c.id)
                .collect();
            let mut out = Vec::new();
            for m in load_rows(&app, &ids).await? {
                let rec: Rec<vf::EconomicEvent> = Rec::from_model(&m)?;
                if filter.matches(&rec.data) {
                    out.push(EconomicEvent(rec));
                }
            }
            Ok(Step::items(out))
        }
    }))
}

async fn resource_changed(
    ctx: &Context<'_>,
    id: ID,
) -> GqlResult<impl Stream<Item = GqlResult<Option<EconomicResource>>> + use<>> {
    let id = parse_id("id", &id)?;
    let (app, hub, permits) = admit(ctx)?;
    // Listening already, so no change made after this check is missed.
    let stream = feed(&app, &hub, permits, {
        let app = app.clone();
        move |notice: Arc<Committed>| {
            let app = app.clone();
            async move {
                let revised = notice.records.iter().find(|c| c.id == id);
                if revised.is_none() && !notice.states.contains(&id) {
                    return Ok(Step::items(Vec::new()));
                }
                if revised.is_some_and(|c| c.change == ChangeKind::Deleted) {
                    return Ok(Step { items: vec![None], end: true });
                }
                match load_rows(&app, &[id]).await?.first() {
                    Some(m) => Ok(Step::items(vec![Some(EconomicResource(Rec::from_model(m)?))])),
                    None => Ok(Step { items: vec![None], end: true }),
                }
            }
        }
    });
    if !load_rows(&app, &[id]).await?.iter().any(|m| m.kind == kind::ECONOMIC_RESOURCE) {
        return Err(AppError::NotFound(format!("no EconomicResource with id {id}")).into());
    }
    Ok(stream)
}

fn records_changed(
    ctx: &Context<'_>,
    kinds: Option<Vec<String>>,
    ids: Option<Vec<ID>>,
) -> GqlResult<impl Stream<Item = GqlResult<RecordChange>> + use<>> {
    let kinds: HashSet<String> = kinds.into_iter().flatten().collect();
    for k in &kinds {
        check_kind(ctx, k)?;
    }
    let ids: HashSet<Uuid> = parse_ids("ids", &ids)?.into_iter().collect();
    let (app, hub, permits) = admit(ctx)?;
    let (kinds, ids) = (Arc::new(kinds), Arc::new(ids));
    Ok(feed(&app, &hub, permits, move |notice: Arc<Committed>| {
        let (kinds, ids) = (kinds.clone(), ids.clone());
        async move {
            let time = vf::Timestamp::parse(&notice.time).ok();
            let items = notice
                .records
                .iter()
                .filter(|c| kinds.is_empty() || kinds.contains(c.kind))
                .filter(|c| ids.is_empty() || ids.contains(&c.id))
                .map(|c| RecordChange {
                    kind: c.kind,
                    id: c.id,
                    revision_id: c.revision_id,
                    change: c.change,
                    seq: notice.seq,
                    time,
                    author: notice.author,
                })
                .collect();
            Ok(Step::items(items))
        }
    }))
}
