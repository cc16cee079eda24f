//! The observation and process modules: economic events, the resources they create and
//! change, and the processes they flow through.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject, Union};
use uuid::Uuid;
use valueflows_model as vf;

use super::action::Action;
use super::action::parse_action;
use super::agent::{AccountingScope, Agent, AgentConnection, agent_node, required_agent, scopes, written};
use super::connection::{PageArgs, list, list_ids};
use super::error::GqlResult;
use super::geolocation::{SpatialThing, load_place};
use super::history::RecordMeta;
use super::knowledge::{ProcessSpecification, ResourceSpecification, load_process_spec, load_resource_spec};
use super::loaders::{load_many, load_rec, parse, referrers, state};
use super::measurement::measure;
use super::measurement::{IMeasure, Measure, Unit, load_unit};
use super::scalars::{DateTime, Uri};
use super::{
    Rec, app, id_patch, ids_patch, parse_id, parse_ids, parse_opt_id, patch, patch_required, require_read,
    require_write, uri_list_patch,
};
use crate::app::flow::{Direction, EventLinks, FlowKind, FlowRef};
use crate::app::kinds::kind;
use crate::app::observation::EventInput;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::{Filter, ListQuery};

const EVENT: &[&str] = &[kind::ECONOMIC_EVENT];
const RESOURCE: &[&str] = &[kind::ECONOMIC_RESOURCE];
const PROCESS: &[&str] = &[kind::PROCESS];

// ----- wire types -------------------------------------------------------------------------

/// An observed economic flow, as opposed to a flow planned to happen in the future. This could reflect a change in the quantity of an economic resource. It is also defined by its behavior in relation to the economic resource (see `Action`)
#[derive(Clone)]
pub struct EconomicEvent(pub Rec<vf::EconomicEvent>);

/// An economic resource: its descriptive record and its state derived from events.
#[derive(Clone)]
pub struct EconomicResource(pub Rec<vf::EconomicResource>);

/// An activity that changes inputs into outputs.  It could transform or transport economic resource(s).
#[derive(Clone)]
pub struct Process(pub Rec<vf::Process>);

/// A step of a provenance chain.
#[derive(Union, Clone)]
pub enum TrackTraceItem {
    /// A resource.
    EconomicResource(EconomicResource),
    /// An event.
    EconomicEvent(EconomicEvent),
    /// A process.
    Process(Process),
}

/// What an event flows from or to.
#[derive(Union, Clone)]
pub enum ProductionFlowItem {
    /// A resource.
    EconomicResource(EconomicResource),
    /// A process.
    Process(Process),
}

/// An event from its row.
pub fn event_node(m: &record::Model) -> Result<EconomicEvent, AppError> {
    Ok(EconomicEvent(Rec::from_model(m)?))
}

/// A resource from its row.
pub fn resource_node(m: &record::Model) -> Result<EconomicResource, AppError> {
    Ok(EconomicResource(Rec::from_model(m)?))
}

/// A process from its row.
pub fn process_node(m: &record::Model) -> Result<Process, AppError> {
    Ok(Process(Rec::from_model(m)?))
}

connection!(EconomicEventConnection, EconomicEventEdge, EconomicEvent, "economic events");
connection!(EconomicResourceConnection, EconomicResourceEdge, EconomicResource, "economic resources");
connection!(ProcessConnection, ProcessEdge, Process, "processes");

// ----- filters ----------------------------------------------------------------------------

/// Filter on an agent's events.
#[derive(InputObject, Default)]
pub struct AgentEventFilterParams {
    pub search_string: Option<String>,
    pub action: Option<ID>,
    pub start_date: Option<DateTime>,
    pub end_date: Option<DateTime>,
}

/// Filter on an agent's resources.
#[derive(InputObject, Default)]
pub struct AgentResourceFilterParams {
    pub search_string: Option<String>,
    pub resource_classification: Option<Uri>,
    /// Not used: pages are chosen with `first`/`after`.
    pub page: Option<i32>,
}

/// Filter on an agent's processes.
#[derive(InputObject, Default)]
pub struct AgentProcessFilterParams {
    pub search_string: Option<String>,
    pub finished: Option<bool>,
}

/// Filter on event lists.
#[derive(InputObject, Default)]
pub struct EconomicEventFilterParams {
    pub search_string: Option<String>,
    pub provider_id: Option<Vec<ID>>,
    pub receiver_id: Option<Vec<ID>>,
    pub resource_classified_as: Option<Vec<Uri>>,
    pub action: Option<Vec<ID>>,
    pub start_date: Option<DateTime>,
    pub end_date: Option<DateTime>,
}

/// Filter on a process's events.
#[derive(InputObject, Default)]
pub struct ProcessEventFilterParams {
    pub search_string: Option<String>,
    pub provider_id: Option<Vec<ID>>,
    pub receiver_id: Option<Vec<ID>>,
    pub resource_classified_as: Option<Vec<Uri>>,
    pub action: Option<Vec<ID>>,
    pub start_date: Option<DateTime>,
    pub end_date: Option<DateTime>,
}

/// Filter on process lists.
#[derive(InputObject, Default)]
pub struct ProcessFilterParams {
    pub search_string: Option<String>,
    pub finished: Option<bool>,
    pub in_scope_of: Option<Vec<ID>>,
    pub classified_as: Option<Vec<Uri>>,
    pub start_date: Option<DateTime>,
    pub end_date: Option<DateTime>,
}

/// Index filters for the common event filter fields.
pub fn event_filters(
    search: Option<String>,
    actions: Option<Vec<ID>>,
    classified: Option<Vec<Uri>>,
    start: Option<DateTime>,
    end: Option<DateTime>,
) -> Result<Vec<Filter>, AppError> {
    let mut out = Vec::new();
    if let Some(s) = search.filter(|s| !s.is_empty()) {
        out.push(Filter::Contains { field: "text".to_owned(), needle: s.to_lowercase() });
    }
    if let Some(a) = actions.filter(|a| !a.is_empty()) {
        let values = a
            .iter()
            .map(|id| parse_action("action", id.as_str()).map(|a| a.id().to_owned()))
            .collect::<Result<_, _>>()?;
        out.push(Filter::AnyOf { field: "action".to_owned(), values });
    }
    if let Some(c) = classified.filter(|c| !c.is_empty()) {
        out.push(Filter::AnyOf {
            field: "resourceClassifiedAs".to_owned(),
            values: c.into_iter().map(|u| u.0).collect(),
        });
    }
    if start.is_some() || end.is_some() {
        out.push(Filter::Range {
            field: "time".to_owned(),
            min: start.map(|d| d.0.to_rfc3339()),
            max: end.map(|d| d.0.to_rfc3339()),
        });
    }
    Ok(out)
}

fn agent_filter(field: &str, ids: &Option<Vec<ID>>) -> Result<Option<Filter>, AppError> {
    let ids = parse_ids(field, ids)?;
    let field = if field == "providerId" { "provider" } else { "receiver" };
    Ok((!ids.is_empty())
        .then(|| Filter::AnyOf { field: field.to_owned(), values: ids.iter().map(Uuid::to_string).collect() }))
}

/// A page of events matching `filters`.
pub async fn events_connection(
    ctx: &Context<'_>,
    filters: Vec<Filter>,
    args: PageArgs,
) -> Result<EconomicEventConnection, AppError> {
    let q = ListQuery { kinds: EVENT.to_vec(), filters };
    let (items, info) = list(ctx, q, &args, event_node).await?;
    Ok(EconomicEventConnection::new(items, info))
}

// ----- flows: previous / next / track / trace ----------------------------------------------

async fn load_events(ctx: &Context<'_>, ids: &[Uuid]) -> Result<Vec<EconomicEvent>, AppError> {
    load_many(ctx, ids, EVENT).await?.iter().map(event_node).collect()
}

async fn resource_item(ctx: &Context<'_>, id: Option<vf::ResourceId>) -> Result<Option<EconomicResource>, AppError> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), RESOURCE).await?.map(EconomicResource)),
        None => Ok(None),
    }
}

async fn process_item(ctx: &Context<'_>, id: Option<vf::ProcessId>) -> Result<Option<Process>, AppError> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), PROCESS).await?.map(Process)),
        None => Ok(None),
    }
}

impl EconomicEvent {
    /// One step of the flow from this event (rules 1 to 4 of `app::flow`): the process it
    /// is an input (forward) or output (backward) of, and the resource it adds to
    /// (forward) or takes from (backward).
    async fn flow_step(&self, ctx: &Context<'_>, dir: Direction) -> Result<Vec<ProductionFlowItem>, AppError> {
        let links = EventLinks::of(&self.0.data);
        let (process, resource) = match dir {
            Direction::Forward => (links.input_of, links.into_resource()),
            Direction::Backward => (links.output_of, links.from_resource()),
        };
        let (process, resource) = futures::future::try_join(
            process_item(ctx, process.map(vf::ProcessId::new)),
            resource_item(ctx, resource.map(vf::ResourceId::new)),
        )
        .await?;
        Ok(process
            .map(ProductionFlowItem::Process)
            .into_iter()
            .chain(resource.map(ProductionFlowItem::EconomicResource))
            .collect())
    }
}

impl EconomicResource {
    /// The events one step from this resource: those taking from it (forward) or adding
    /// to it (backward), in id order.
    async fn flow_step(&self, ctx: &Context<'_>, dir: Direction) -> Result<Vec<EconomicEvent>, AppError> {
        let mut ids = referrers(ctx, EVENT, "resourceInventoriedAs", self.0.id).await?;
        if dir == Direction::Backward {
            ids.extend(referrers(ctx, EVENT, "toResourceInventoriedAs", self.0.id).await?);
            ids.sort_unstable();
            ids.dedup();
        }
        let me = Some(self.0.id);
        Ok(load_events(ctx, &ids)
            .await?
            .into_iter()
            .filter(|e| {
                let links = EventLinks::of(&e.0.data);
                let side = match dir {
                    Direction::Forward => links.from_resource(),
                    Direction::Backward => links.into_resource(),
                };
                side == me
            })
            .collect())
    }
}

impl Process {
    async fn events(&self, ctx: &Context<'_>, field: &'static str) -> Result<Vec<EconomicEvent>, AppError> {
        let ids = referrers(ctx, EVENT, field, self.0.id).await?;
        load_events(ctx, &ids).await
    }

    /// The process's events on one side that fulfil no commitment.
    async fn unplanned(&self, ctx: &Context<'_>, field: &'static str) -> Result<Vec<EconomicEvent>, AppError> {
        let events = self.events(ctx, field).await?;
        let fulfilling = futures::future::try_join_all(
            events.iter().map(|e| referrers(ctx, super::fulfillment::FULFILLMENT, "fulfilledBy", e.0.id)),
        )
        .await?;
        Ok(events.into_iter().zip(fulfilling).filter(|(_, f)| f.is_empty()).map(|(e, _)| e).collect())
    }
    async fn adjacent(&self, ctx: &Context<'_>, dir: Direction) -> Result<Vec<Process>, AppError> {
        let rows = app(ctx).adjacent_processes(self.0.id, dir).await?;
        rows.iter().map(|m| parse(ctx, m).map(Process)).collect()
    }
}

/// The whole flow downstream (`track`) or upstream (`trace`) of `start`, walked by the app
/// layer (`app::flow`), as union members.
async fn track_trace(ctx: &Context<'_>, start: FlowRef, dir: Direction) -> GqlResult<Option<Vec<TrackTraceItem>>> {
    let items = match dir {
        Direction::Forward => app(ctx).track(start).await?,
        Direction::Backward => app(ctx).trace(start).await?,
    };
    let items = items
        .iter()
        .map(|i| {
            Ok(match i.kind {
                FlowKind::Resource => TrackTraceItem::EconomicResource(EconomicResource(parse(ctx, &i.row)?)),
                FlowKind::Event => TrackTraceItem::EconomicEvent(EconomicEvent(parse(ctx, &i.row)?)),
                FlowKind::Process => TrackTraceItem::Process(Process(parse(ctx, &i.row)?)),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Some(items))
}

// ----- EconomicEvent ----------------------------------------------------------------------

#[Object]
impl EconomicEvent {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// Relates an economic event to a verb, such as consume, produce, work, improve, etc.
    async fn action(&self) -> Action {
        Action(self.0.data.action)
    }
    async fn resource_inventoried_as(&self, ctx: &Context<'_>) -> GqlResult<Option<EconomicResource>> {
        Ok(resource_item(ctx, self.0.data.resource_inventoried_as).await?)
    }
    /// Additional economic resource on the economic event when needed by the receiver. Used when a transfer or move, or sometimes other actions, requires explicitly identifying an economic resource on the receiving side.
    async fn to_resource_inventoried_as(&self, ctx: &Context<'_>) -> GqlResult<Option<EconomicResource>> {
        Ok(resource_item(ctx, self.0.data.to_resource_inventoried_as).await?)
    }
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    async fn resource_classified_as(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.resource_classified_as)
    }
    /// The amount and unit of the economic resource counted or inventoried. This is the quantity that could be used to increment or decrement a resource, depending on the type of resource and resource effect of action.
    async fn resource_quantity(&self) -> Option<Measure> {
        self.0.data.resource_quantity.map(Measure)
    }
    /// The amount and unit of the work or use or citation effort-based action. This is often a time duration, but also could be cycle counts or other measures of effort or usefulness.
    async fn effort_quantity(&self) -> Option<Measure> {
        self.0.data.effort_quantity.map(Measure)
    }
    async fn has_beginning(&self) -> Option<DateTime> {
        self.0.data.has_beginning.map(DateTime)
    }
    async fn has_end(&self) -> Option<DateTime> {
        self.0.data.has_end.map(DateTime)
    }
    /// The date/time at which the economic event occurred. Can be used instead of beginning and end.
    async fn has_point_in_time(&self) -> Option<DateTime> {
        self.0.data.has_point_in_time.map(DateTime)
    }
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// Reference to an agreement between agents which specifies the rules or policies or calculations which govern this economic event.
    async fn agreed_in(&self) -> Option<Uri> {
        self.0.data.agreed_in.clone().map(Uri)
    }
    /// References another economic event that implied this economic event, often based on a prior agreement.
    async fn triggered_by(&self, ctx: &Context<'_>) -> GqlResult<Option<EconomicEvent>> {
        match self.0.data.triggered_by {
            Some(id) => Ok(load_rec(ctx, id.uuid(), EVENT).await?.map(EconomicEvent)),
            None => Ok(None),
        }
    }
    /// ValueFlows 1.0: the event this one corrects (its quantity is added to the original's).
    async fn corrects(&self, ctx: &Context<'_>) -> GqlResult<Option<EconomicEvent>> {
        match self.0.data.corrects {
            Some(id) => Ok(load_rec(ctx, id.uuid(), EVENT).await?.map(EconomicEvent)),
            None => Ok(None),
        }
    }
    /// ValueFlows 1.0: events that correct this one.
    async fn corrected_by(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<EconomicEvent>>> {
        let ids = referrers(ctx, EVENT, "corrects", self.0.id).await?;
        Ok(Some(load_events(ctx, &ids).await?))
    }
    /// ValueFlows 1.0: the state the event gives its resource (for example pass or fail).
    async fn state(&self) -> Option<String> {
        self.0.data.state.clone()
    }
    /// The economic event can be safely deleted, has no dependent information. Events are never deleted: a mistake is fixed with a correcting event.
    async fn deletable(&self) -> Option<bool> {
        Some(false)
    }
    /// Events this event triggered.
    async fn triggers(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<EconomicEvent>>> {
        let ids = referrers(ctx, EVENT, "triggeredBy", self.0.id).await?;
        Ok(Some(load_events(ctx, &ids).await?))
    }
    /// One step upstream: the process this event is an output of, and the resource it takes from, uses or cites.
    async fn previous(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<ProductionFlowItem>>> {
        Ok(Some(self.flow_step(ctx, Direction::Backward).await?))
    }
    /// One step downstream: the process this event is an input of, and the resource it adds to or packs into.
    async fn next(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<ProductionFlowItem>>> {
        Ok(Some(self.flow_step(ctx, Direction::Forward).await?))
    }
    /// Everything downstream of this event, breadth-first (nearest first, then in creation order), each record once: processes it goes into, their outputs, the resources those add to, what takes from them, the containers they are packed into and the resources of the same lot, and so on.
    async fn track(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<TrackTraceItem>>> {
        track_trace(ctx, FlowRef::event(self.0.id), Direction::Forward).await
    }
    /// Everything upstream of this event, breadth-first (nearest first, then in creation order), each record once: the process it came out of, its inputs, the resources they took from, what added to those, the contents of containers and the resources of the same lot, and so on.
    async fn trace(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<TrackTraceItem>>> {
        track_trace(ctx, FlowRef::event(self.0.id), Direction::Backward).await
    }
    /// The economic agent from whom the actual economic event is initiated.
    async fn provider(&self, ctx: &Context<'_>) -> GqlResult<Agent> {
        required_agent(ctx, self.0.data.provider.uuid()).await
    }
    /// The economic agent whom the actual economic event is for.
    async fn receiver(&self, ctx: &Context<'_>) -> GqlResult<Agent> {
        required_agent(ctx, self.0.data.receiver.uuid()).await
    }
    /// Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    async fn in_scope_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<AccountingScope>>> {
        scopes(ctx, &self.0.data.in_scope_of).await
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<EconomicEvent>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(EconomicEvent))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// The place where an economic event occurs.  Usually mappable.
    async fn at_location(&self, ctx: &Context<'_>) -> GqlResult<Option<SpatialThing>> {
        load_place(ctx, self.0.data.at_location).await
    }
    /// The new location of the receiver resource.
    async fn to_location(&self, ctx: &Context<'_>) -> GqlResult<Option<SpatialThing>> {
        load_place(ctx, self.0.data.to_location).await
    }
    async fn input_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Process>> {
        Ok(process_item(ctx, self.0.data.input_of).await?)
    }
    async fn output_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Process>> {
        Ok(process_item(ctx, self.0.data.output_of).await?)
    }
    /// The primary resource specification or definition of an existing or potential economic resource. A resource will have only one, as this specifies exactly what the resource is.
    async fn resource_conforms_to(&self, ctx: &Context<'_>) -> GqlResult<Option<ResourceSpecification>> {
        load_resource_spec(ctx, self.0.data.resource_conforms_to).await
    }
    /// This economic event occurs as part of this agreement.
    async fn realization_of(&self, ctx: &Context<'_>) -> GqlResult<Option<super::agreement::Agreement>> {
        super::agreement::load_agreement(ctx, self.0.data.realization_of).await
    }
    /// Appreciations given in acknowledgement of this event.
    async fn appreciation_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::appreciation::Appreciation>>> {
        super::appreciation::appreciations_where(ctx, "appreciationOf", self.0.id).await
    }
    /// Appreciations in which this event is the gift.
    async fn appreciation_with(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::appreciation::Appreciation>>> {
        super::appreciation::appreciations_where(ctx, "appreciationWith", self.0.id).await
    }
    /// The settlements by which this event settles claims.
    async fn settles(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::claim::Settlement>>> {
        super::claim::settlements_where(ctx, "settledBy", self.0.id).await
    }
    /// The commitments this event fulfills, through its fulfillments.
    async fn fulfills(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::fulfillment::Fulfillment>>> {
        Ok(Some(super::fulfillment::fulfillments_by(ctx, self.0.id).await?))
    }
    /// An intent satisfied fully or partially by an economic event or commitment.
    async fn satisfies(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::satisfaction::Satisfaction>>> {
        Ok(Some(super::satisfaction::satisfactions_by(ctx, self.0.id).await?))
    }
    /// The DID of the node that recorded this event (its home). On a resource homed at
    /// another node, the event counts once that node acknowledges it.
    async fn home_node(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        super::acknowledgement::home_node(ctx, self.0.id, EVENT).await
    }
    /// Confirmations of this event by the home nodes of the resources it names, oldest first.
    async fn acknowledgements(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Vec<super::acknowledgement::EventAcknowledgement>> {
        super::acknowledgement::acknowledgements_of(ctx, self.0.id).await
    }
}

/// An event that must exist (a required field).
pub async fn required_event(ctx: &Context<'_>, id: vf::EventId) -> GqlResult<EconomicEvent> {
    load_rec(ctx, id.uuid(), EVENT)
        .await?
        .map(EconomicEvent)
        .ok_or_else(|| AppError::NotFound(format!("economic event {id} is gone")).into())
}

// ----- EconomicResource -------------------------------------------------------------------

impl EconomicResource {
    async fn derived(&self, ctx: &Context<'_>) -> Result<std::sync::Arc<vf::ResourceState>, AppError> {
        Ok(state(ctx, self.0.id).await?.unwrap_or_else(|| std::sync::Arc::new(vf::ResourceState::new(&self.0.data))))
    }

    async fn page(
        &self,
        ctx: &Context<'_>,
        field: &'static str,
        args: PageArgs,
    ) -> Result<EconomicEventConnection, AppError> {
        let filters = vec![Filter::AnyOf { field: field.to_owned(), values: vec![self.0.id.to_string()] }];
        events_connection(ctx, filters, args).await
    }
}

#[Object]
impl EconomicResource {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for an item. Does not imply uniqueness.
    async fn name(&self) -> Option<String> {
        self.0.data.name.clone()
    }
    /// References one or more concepts in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    async fn classified_as(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.classified_as)
    }
    /// Sometimes called serial number, used when each item must have a traceable identifier (like a computer). Could also be used for other unique tracking identifiers needed for resources.
    async fn tracking_identifier(&self) -> Option<String> {
        self.0.data.tracking_identifier.clone()
    }
    /// The uri to an image relevant to the resource, such as a photo, diagram, etc.
    async fn image(&self) -> Option<Uri> {
        self.0.data.image.clone().map(Uri)
    }
    async fn image_list(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.image_list)
    }
    /// The current amount and unit of the economic resource for which the agent has primary rights and responsibilities, sometimes thought of as ownership. Derived from the economic events affecting the resource.
    async fn accounting_quantity(&self, ctx: &Context<'_>) -> GqlResult<Option<Measure>> {
        Ok(self.derived(ctx).await?.accounting_quantity.map(Measure))
    }
    /// The current amount and unit of the economic resource which is under direct control of the agent. Derived from the economic events affecting the resource.
    async fn onhand_quantity(&self, ctx: &Context<'_>) -> GqlResult<Option<Measure>> {
        Ok(self.derived(ctx).await?.onhand_quantity.map(Measure))
    }
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// The unit used for use or work or cite actions for this resource.
    async fn unit_of_effort(&self, ctx: &Context<'_>) -> GqlResult<Option<Unit>> {
        load_unit(ctx, self.0.data.unit_of_effort).await
    }
    /// The state of the desired economic resource (pass or fail), after coming out of a test or review process. Derived from the last event that set a state; shown when that state names an action.
    async fn state(&self, ctx: &Context<'_>) -> GqlResult<Option<Action>> {
        Ok(self.derived(ctx).await?.state.as_deref().and_then(|s| vf::Action::parse(s).ok()).map(Action))
    }
    /// Used when a stock economic resource contains items also defined as economic resources.
    async fn contained_in(&self, ctx: &Context<'_>) -> GqlResult<Option<EconomicResource>> {
        let id = self.derived(ctx).await?.contained_in;
        Ok(resource_item(ctx, id).await?)
    }
    /// Used when a stock economic resource contains units also defined as economic resources.
    async fn contains(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<EconomicResource>>> {
        let ids = referrers(ctx, RESOURCE, "state.containedIn", self.0.id).await?;
        Ok(Some(load_many(ctx, &ids, RESOURCE).await?.iter().map(resource_node).collect::<Result<_, _>>()?))
    }
    /// All economic events with the economic resource in the resourceInventoriedAs, including all process related events, the provider resource in transfers/moves, and raise/lower.
    async fn economic_events_in_out_from(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<EconomicEventConnection>> {
        Ok(Some(self.page(ctx, "resourceInventoriedAs", PageArgs::new(first, after, last, before)).await?))
    }
    /// All economic events with the economic Resource in the toResourceInventoriedAs, which is the receiver resource in transfers and moves.
    async fn economic_events_to(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<EconomicEventConnection>> {
        Ok(Some(self.page(ctx, "toResourceInventoriedAs", PageArgs::new(first, after, last, before)).await?))
    }
    /// Commitments naming this exact resource.
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<super::commitment::CommitmentConnection>> {
        super::commitment::commitments_naming(
            ctx,
            "resourceInventoriedAs",
            self.0.id,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
    /// Intents this exact resource can serve.
    async fn intents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<super::intent::IntentConnection>> {
        super::intent::intents_naming(
            ctx,
            "resourceInventoriedAs",
            self.0.id,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
    /// Events that added to this resource or packed something into it (outputs, increments, the receiving side of transfers and moves), in creation order.
    async fn previous(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<EconomicEvent>>> {
        Ok(Some(self.flow_step(ctx, Direction::Backward).await?))
    }
    /// Events that took from, used or cited this resource (inputs, decrements, the giving side of transfers and moves), in creation order.
    async fn next(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<EconomicEvent>>> {
        Ok(Some(self.flow_step(ctx, Direction::Forward).await?))
    }
    /// Everything downstream of this resource, breadth-first (nearest first, then in creation order), each record once: the events taking from it and where they lead, the containers it is in, and the resources of the same lot.
    async fn track(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<TrackTraceItem>>> {
        track_trace(ctx, FlowRef::resource(self.0.id), Direction::Forward).await
    }
    /// Everything upstream of this resource, breadth-first (nearest first, then in creation order), each record once: the events adding to it and where they came from, what it contains, and the resources of the same lot.
    async fn trace(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<TrackTraceItem>>> {
        track_trace(ctx, FlowRef::resource(self.0.id), Direction::Backward).await
    }
    /// The agent currently with primary rights and responsibilites for the economic resource. It is the agent that is associated with the accountingQuantity of the economic resource.
    async fn primary_accountable(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        match self.derived(ctx).await?.primary_accountable {
            Some(a) => Ok(super::agent::load_agent(ctx, a.uuid()).await?),
            None => Ok(None),
        }
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<EconomicResource>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(EconomicResource))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// The DID of the node this resource is homed at: the one whose acknowledgement lets
    /// events recorded by other nodes change it.
    async fn home_node(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        super::acknowledgement::home_node(ctx, self.0.id, RESOURCE).await
    }
    /// What is odd about this resource's quantities as its events add up: a negative
    /// quantity, events counted in another unit (left out), or a sum past the decimal range
    /// (left out). Events are facts, so they are flagged here rather than refused. Computed
    /// from the events held, so every node holding the same events reports the same ones.
    async fn anomalies(&self, ctx: &Context<'_>) -> GqlResult<Vec<ResourceAnomaly>> {
        Ok(self.derived(ctx).await?.anomalies.iter().cloned().map(ResourceAnomaly).collect())
    }
    /// Events other nodes recorded on this resource that its home node has not acknowledged
    /// yet: they do not change its quantities, location or accountable agent until it does.
    async fn pending_events(&self, ctx: &Context<'_>) -> GqlResult<Vec<EconomicEvent>> {
        let ids: Vec<Uuid> = self.derived(ctx).await?.pending.iter().map(|e| e.uuid()).collect();
        Ok(load_events(ctx, &ids).await?)
    }
    /// The current place an economic resource is located. Could be at any level of granularity, from a town to an address to a warehouse location. Usually mappable.
    async fn current_location(&self, ctx: &Context<'_>) -> GqlResult<Option<SpatialThing>> {
        let loc = self.derived(ctx).await?.current_location;
        load_place(ctx, loc).await
    }
    /// References the ProcessSpecification of the last process the desired economic resource went through.
    async fn stage(&self, ctx: &Context<'_>) -> GqlResult<Option<ProcessSpecification>> {
        let s = self.derived(ctx).await?.stage;
        load_process_spec(ctx, s).await
    }
    /// Lot or batch of an economic resource, used to track forward or backwards to all occurrences of resources of that lot. Note more than one resource can be of the same lot.
    async fn lot(&self, ctx: &Context<'_>) -> GqlResult<Option<super::product_batch::ProductBatch>> {
        match self.0.data.lot {
            Some(id) => {
                Ok(load_rec(ctx, id.uuid(), &[kind::PRODUCT_BATCH]).await?.map(super::product_batch::ProductBatch))
            }
            None => Ok(None),
        }
    }
    /// ValueFlows 1.0: the batch lot record of this resource, if it is a batch or lot resource (the same record as `lot`).
    async fn of_batch_lot(&self, ctx: &Context<'_>) -> GqlResult<Option<super::product_batch::BatchLotRecord>> {
        match self.0.data.lot {
            Some(id) => {
                Ok(load_rec(ctx, id.uuid(), &[kind::PRODUCT_BATCH]).await?.map(super::product_batch::BatchLotRecord))
            }
            None => Ok(None),
        }
    }
    /// The primary resource specification or definition of an existing or potential economic resource. A resource will have only one, as this specifies exactly what the resource is.
    async fn conforms_to(&self, ctx: &Context<'_>) -> GqlResult<ResourceSpecification> {
        load_resource_spec(ctx, self.0.data.conforms_to)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("resource {} has no resource specification", self.0.id)).into())
    }
}

// ----- Process ----------------------------------------------------------------------------

fn process_event_filter(
    events: Vec<EconomicEvent>,
    filter: Option<ProcessEventFilterParams>,
) -> Result<Vec<EconomicEvent>, AppError> {
    let Some(f) = filter else { return Ok(events) };
    let providers = parse_ids("providerId", &f.provider_id)?;
    let receivers = parse_ids("receiverId", &f.receiver_id)?;
    let actions: Vec<vf::Action> =
        f.action.iter().flatten().map(|a| parse_action("action", a.as_str())).collect::<Result<_, _>>()?;
    let classes = Uri::strings(f.resource_classified_as);
    let needle = f.search_string.filter(|s| !s.is_empty()).map(|s| s.to_lowercase());
    Ok(events
        .into_iter()
        .filter(|e| {
            let d = &e.0.data;
            let t = d.effective_time();
            (providers.is_empty() || providers.contains(&d.provider.uuid()))
                && (receivers.is_empty() || receivers.contains(&d.receiver.uuid()))
                && (actions.is_empty() || actions.contains(&d.action))
                && (classes.is_empty() || d.resource_classified_as.iter().any(|c| classes.contains(c)))
                && f.start_date.is_none_or(|s| t >= s.0)
                && f.end_date.is_none_or(|s| t <= s.0)
                && needle.as_ref().is_none_or(|n| d.note.as_ref().is_some_and(|x| x.to_lowercase().contains(n)))
        })
        .collect())
}

impl Process {
    async fn agents(&self, ctx: &Context<'_>, only_work: bool) -> Result<Vec<Uuid>, AppError> {
        let mut evs = self.events(ctx, "inputOf").await?;
        if !only_work {
            evs.extend(self.events(ctx, "outputOf").await?);
        }
        let mut ids: Vec<Uuid> = Vec::new();
        for e in evs {
            let d = &e.0.data;
            if only_work {
                if d.action == vf::Action::Work {
                    ids.push(d.provider.uuid());
                }
            } else {
                ids.push(d.provider.uuid());
                ids.push(d.receiver.uuid());
            }
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
}

#[Object]
impl Process {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for a process. Does not imply uniqueness.
    async fn name(&self) -> String {
        self.0.data.name.clone()
    }
    async fn has_beginning(&self) -> Option<DateTime> {
        self.0.data.has_beginning.map(DateTime)
    }
    async fn has_end(&self) -> Option<DateTime> {
        self.0.data.has_end.map(DateTime)
    }
    /// The process is complete or not.  This is irrespective of if the original goal has been met, and indicates that no more will be done.
    async fn finished(&self) -> Option<bool> {
        Some(self.0.data.finished)
    }
    /// References one or more concepts in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    async fn classified_as(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.classified_as)
    }
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// Processes that take in what this process puts out (through a resource, or a service delivered from one to the other), in creation order.
    async fn next_processes(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Process>>> {
        Ok(Some(self.adjacent(ctx, Direction::Forward).await?))
    }
    /// Processes whose outputs this process takes in, in creation order.
    async fn previous_processes(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Process>>> {
        Ok(Some(self.adjacent(ctx, Direction::Backward).await?))
    }
    /// Everything downstream of this process, breadth-first (nearest first, then in creation order), each record once: its outputs, the resources they add to, and so on.
    async fn track(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<TrackTraceItem>>> {
        track_trace(ctx, FlowRef::process(self.0.id), Direction::Forward).await
    }
    /// Everything upstream of this process, breadth-first (nearest first, then in creation order), each record once: its inputs, the resources they took from, and so on.
    async fn trace(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<TrackTraceItem>>> {
        track_trace(ctx, FlowRef::process(self.0.id), Direction::Backward).await
    }
    /// True when nothing refers to the process.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        let refs = crate::store::records::referrers(app(ctx).store().db(), &self.0.id.to_string())
            .await
            .map_err(AppError::from)?;
        Ok(Some(refs.iter().all(|(id, _)| *id == self.0.id)))
    }
    /// Agents that provided or received the process's events.
    async fn involved_agents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<AgentConnection>> {
        let ids = self.agents(ctx, false).await?;
        let (items, info) =
            list_ids(ctx, &ids, kind::AGENTS, &PageArgs::new(first, after, last, before), agent_node).await?;
        Ok(Some(AgentConnection::new(items, info)))
    }
    /// Agents that recorded work into the process.
    async fn working_agents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<AgentConnection>> {
        let ids = self.agents(ctx, true).await?;
        let (items, info) =
            list_ids(ctx, &ids, kind::AGENTS, &PageArgs::new(first, after, last, before), agent_node).await?;
        Ok(Some(AgentConnection::new(items, info)))
    }
    /// Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    async fn in_scope_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<AccountingScope>>> {
        scopes(ctx, &self.0.data.in_scope_of).await
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Process>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Process))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// Events that are inputs to this process.
    async fn observed_inputs(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProcessEventFilterParams>,
    ) -> GqlResult<Option<Vec<EconomicEvent>>> {
        Ok(Some(process_event_filter(self.events(ctx, "inputOf").await?, filter)?))
    }
    /// Events that are outputs of this process.
    async fn observed_outputs(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProcessEventFilterParams>,
    ) -> GqlResult<Option<Vec<EconomicEvent>>> {
        Ok(Some(process_event_filter(self.events(ctx, "outputOf").await?, filter)?))
    }
    /// Input events that fulfil no commitment.
    async fn unplanned_inputs(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProcessEventFilterParams>,
    ) -> GqlResult<Option<Vec<EconomicEvent>>> {
        Ok(Some(process_event_filter(self.unplanned(ctx, "inputOf").await?, filter)?))
    }
    /// Output events that fulfil no commitment.
    async fn unplanned_outputs(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProcessEventFilterParams>,
    ) -> GqlResult<Option<Vec<EconomicEvent>>> {
        Ok(Some(process_event_filter(self.unplanned(ctx, "outputOf").await?, filter)?))
    }
    /// Commitments planned to go into this process.
    async fn committed_inputs(
        &self,
        ctx: &Context<'_>,
        filter: Option<super::planned_flow::ProcessCommitmentFilterParams>,
    ) -> GqlResult<Option<Vec<super::commitment::Commitment>>> {
        super::commitment::process_commitments(ctx, self.0.id, "inputOf", filter).await
    }
    /// Commitments planned to come out of this process.
    async fn committed_outputs(
        &self,
        ctx: &Context<'_>,
        filter: Option<super::planned_flow::ProcessCommitmentFilterParams>,
    ) -> GqlResult<Option<Vec<super::commitment::Commitment>>> {
        super::commitment::process_commitments(ctx, self.0.id, "outputOf", filter).await
    }
    /// Intents to go into this process.
    async fn intended_inputs(
        &self,
        ctx: &Context<'_>,
        filter: Option<super::planned_flow::ProcessIntentFilterParams>,
    ) -> GqlResult<Option<Vec<super::intent::Intent>>> {
        super::intent::process_intents(ctx, self.0.id, "inputOf", filter).await
    }
    /// Intents to come out of this process.
    async fn intended_outputs(
        &self,
        ctx: &Context<'_>,
        filter: Option<super::planned_flow::ProcessIntentFilterParams>,
    ) -> GqlResult<Option<Vec<super::intent::Intent>>> {
        super::intent::process_intents(ctx, self.0.id, "outputOf", filter).await
    }
    /// The process with its inputs and outputs is part of the plan.
    async fn planned_within(&self, ctx: &Context<'_>) -> GqlResult<Option<super::plan::Plan>> {
        super::plan::load_plan(ctx, self.0.data.planned_within).await
    }
    /// The input events: what flowed into the process.
    async fn previous(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<EconomicEvent>>> {
        Ok(Some(self.events(ctx, "inputOf").await?))
    }
    /// The output events: what flowed out of it.
    async fn next(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<EconomicEvent>>> {
        Ok(Some(self.events(ctx, "outputOf").await?))
    }
    /// The definition or specification for a process.
    async fn based_on(&self, ctx: &Context<'_>) -> GqlResult<Option<ProcessSpecification>> {
        load_process_spec(ctx, self.0.data.based_on).await
    }
    /// The process with its inputs and outputs is part of the scenario.
    async fn nested_in(&self, ctx: &Context<'_>) -> GqlResult<Option<super::scenario::Scenario>> {
        super::scenario::load_scenario(ctx, self.0.data.nested_in).await
    }
}

// ----- inputs -----------------------------------------------------------------------------

/// Fields of a new economic event.
#[derive(InputObject)]
pub struct EconomicEventCreateParams {
    /// (`Action`) Relates an economic event to a verb, such as consume, produce, work, improve, etc.
    pub action: ID,
    pub resource_inventoried_as: Option<ID>,
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    pub resource_classified_as: Option<Vec<Uri>>,
    /// The amount and unit of the economic resource counted or inventoried.
    pub resource_quantity: Option<IMeasure>,
    /// The amount and unit of the work or use or citation effort-based action.
    pub effort_quantity: Option<IMeasure>,
    pub has_beginning: Option<DateTime>,
    pub has_end: Option<DateTime>,
    /// The date/time at which the economic event occurred. Can be used instead of beginning and end.
    pub has_point_in_time: Option<DateTime>,
    pub note: Option<String>,
    /// Reference to an agreement between agents which specifies the rules or policies or calculations which govern this economic event.
    pub agreed_in: Option<Uri>,
    /// (`EconomicEvent`) References another economic event that implied this economic event, often based on a prior agreement.
    pub triggered_by: Option<ID>,
    /// (`Agreement`) This economic event occurs as part of this agreement.
    pub realization_of: Option<ID>,
    /// (`EconomicResource`) Additional economic resource on the economic event when needed by the receiver.
    pub to_resource_inventoried_as: Option<ID>,
    /// (`Agent`) The economic agent from whom the actual economic event is initiated.
    pub provider: ID,
    pub receiver: ID,
    /// (`SpatialThing`) The place where an economic event occurs.  Usually mappable.
    pub at_location: Option<ID>,
    pub to_location: Option<ID>,
    pub input_of: Option<ID>,
    pub output_of: Option<ID>,
    /// (`ResourceSpecification`) The primary resource specification or definition of an existing or potential economic resource.
    pub resource_conforms_to: Option<ID>,
    /// (`AccountingScope`) ValueFlows: grouping around something to create a boundary or context.
    pub in_scope_of: Option<Vec<ID>>,
    /// (`EconomicEvent`) ValueFlows 1.0: the event this one corrects; its quantity is added to the original's and may be negative.
    pub corrects: Option<ID>,
    /// ValueFlows 1.0: the state the event gives its resource (for example pass or fail).
    pub state: Option<String>,
}

/// Changes to an economic event: only these fields may change; effects never do.
#[derive(InputObject)]
pub struct EconomicEventUpdateParams {
    pub revision_id: ID,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// Reference to an agreement between agents which specifies the rules or policies or calculations which govern this economic event.
    #[graphql(default)]
    pub agreed_in: MaybeUndefined<Uri>,
    /// (`EconomicEvent`) References another economic event that implied this economic event.
    #[graphql(default)]
    pub triggered_by: MaybeUndefined<ID>,
    /// (`Agreement`) This economic event occurs as part of this agreement.
    #[graphql(default)]
    pub realization_of: MaybeUndefined<ID>,
}

/// The event recorded or updated.
#[derive(SimpleObject)]
pub struct EconomicEventResponse {
    economic_event: EconomicEvent,
    /// Details of any newly created `EconomicResource`, for events that create new resources.
    economic_resource: Option<EconomicResource>,
}

/// Input `EconomicResource` type used when sending events to setup initial resource recordings
#[derive(InputObject)]
pub struct EconomicResourceCreateParams {
    /// An informal or formal textual identifier for an item. Does not imply uniqueness.
    pub name: Option<String>,
    /// Sometimes called serial number, used when each item must have a traceable identifier.
    pub tracking_identifier: Option<String>,
    /// The uri to an image relevant to the resource, such as a photo, diagram, etc.
    pub image: Option<Uri>,
    pub image_list: Option<Vec<Uri>>,
    /// (`EconomicResource`) Used when a stock economic resource contains items also defined as economic resources.
    pub contained_in: Option<ID>,
    pub note: Option<String>,
    /// (`SpatialThing`) The current place an economic resource is located.
    pub current_location: Option<ID>,
    /// (`ResourceSpecification`) The primary resource specification or definition of an existing or potential economic resource.
    pub conforms_to: Option<ID>,
    /// (`ProductBatch`) Lot or batch of an economic resource, used to track forward or backwards to all occurrences of resources of that lot. Note more than one resource can be of the same lot.
    pub lot: Option<ID>,
}

/// Changes to a resource's descriptive fields (quantities and location come from events).
#[derive(InputObject)]
pub struct EconomicResourceUpdateParams {
    pub revision_id: ID,
    /// References one or more concepts in a common taxonomy or other classification scheme.
    #[graphql(default)]
    pub classified_as: MaybeUndefined<Vec<Uri>>,
    /// The uri to an image relevant to the resource, such as a photo, diagram, etc.
    #[graphql(default)]
    pub image: MaybeUndefined<Uri>,
    #[graphql(default)]
    pub image_list: MaybeUndefined<Vec<Uri>>,
    /// (`EconomicResource`) Used when a stock economic resource contains items also defined as economic resources.
    #[graphql(default)]
    pub contained_in: MaybeUndefined<ID>,
    /// (`Unit`) The unit used for use or work or cite actions for this resource.
    #[graphql(default)]
    pub unit_of_effort: MaybeUndefined<ID>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The resource updated.
#[derive(SimpleObject)]
pub struct EconomicResourceResponse {
    economic_resource: EconomicResource,
}

/// Fields of a new process.
#[derive(InputObject)]
pub struct ProcessCreateParams {
    /// An informal or formal textual identifier for a process. Does not imply uniqueness.
    pub name: String,
    pub has_beginning: Option<DateTime>,
    pub has_end: Option<DateTime>,
    /// The process is complete or not.
    pub finished: Option<bool>,
    pub note: Option<String>,
    /// References one or more concepts in a common taxonomy or other classification scheme.
    pub classified_as: Option<Vec<Uri>>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context.
    pub in_scope_of: Option<Vec<ID>>,
    /// (`ProcessSpecification`) The definition or specification for a process.
    pub based_on: Option<ID>,
    /// (`Scenario`) The scenario the process, with its inputs and outputs, is part of.
    pub nested_in: Option<ID>,
    /// (`Plan`) The process with its inputs and outputs is part of the plan.
    pub planned_within: Option<ID>,
}

/// Changes to a process.
#[derive(InputObject)]
pub struct ProcessUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for a process. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    #[graphql(default)]
    pub has_beginning: MaybeUndefined<DateTime>,
    #[graphql(default)]
    pub has_end: MaybeUndefined<DateTime>,
    /// The process is complete or not.
    #[graphql(default)]
    pub finished: MaybeUndefined<bool>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// References one or more concepts in a common taxonomy or other classification scheme.
    #[graphql(default)]
    pub classified_as: MaybeUndefined<Vec<Uri>>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context.
    #[graphql(default)]
    pub in_scope_of: MaybeUndefined<Vec<ID>>,
    /// (`ProcessSpecification`) The definition or specification for a process.
    #[graphql(default)]
    pub based_on: MaybeUndefined<ID>,
    /// (`Scenario`) The scenario the process, with its inputs and outputs, is part of.
    #[graphql(default)]
    pub nested_in: MaybeUndefined<ID>,
    /// (`Plan`) The process with its inputs and outputs is part of the plan.
    #[graphql(default)]
    pub planned_within: MaybeUndefined<ID>,
}

/// The process created or updated.
#[derive(SimpleObject)]
pub struct ProcessResponse {
    process: Process,
}

impl EconomicEventCreateParams {
    fn into_domain(self) -> Result<vf::NewEconomicEvent, AppError> {
        let id = |f: &str, v: &Option<ID>| parse_opt_id(f, v);
        Ok(vf::NewEconomicEvent {
            action: parse_action("action", self.action.as_str())?,
            provider: vf::AgentId::new(parse_id("provider", &self.provider)?),
            receiver: vf::AgentId::new(parse_id("receiver", &self.receiver)?),
            resource_inventoried_as: id("resourceInventoriedAs", &self.resource_inventoried_as)?
                .map(vf::ResourceId::new),
            to_resource_inventoried_as: id("toResourceInventoriedAs", &self.to_resource_inventoried_as)?
                .map(vf::ResourceId::new),
            resource_classified_as: Uri::strings(self.resource_classified_as),
            resource_conforms_to: id("resourceConformsTo", &self.resource_conforms_to)?
                .map(vf::ResourceSpecificationId::new),
            resource_quantity: measure("resourceQuantity", &self.resource_quantity)?,
            effort_quantity: measure("effortQuantity", &self.effort_quantity)?,
            has_beginning: self.has_beginning.map(|d| d.0),
            has_end: self.has_end.map(|d| d.0),
            has_point_in_time: self.has_point_in_time.map(|d| d.0),
            note: self.note,
            agreed_in: self.agreed_in.map(|u| u.0),
            triggered_by: id("triggeredBy", &self.triggered_by)?.map(vf::EventId::new),
            realization_of: id("realizationOf", &self.realization_of)?.map(vf::AgreementId::new),
            at_location: id("atLocation", &self.at_location)?.map(vf::SpatialThingId::new),
            to_location: id("toLocation", &self.to_location)?.map(vf::SpatialThingId::new),
            input_of: id("inputOf", &self.input_of)?.map(vf::ProcessId::new),
            output_of: id("outputOf", &self.output_of)?.map(vf::ProcessId::new),
            in_scope_of: parse_ids("inScopeOf", &self.in_scope_of)?.into_iter().map(vf::AgentId::new).collect(),
            corrects: id("corrects", &self.corrects)?.map(vf::EventId::new),
            state: self.state,
        })
    }
}

impl EconomicResourceCreateParams {
    fn into_domain(self) -> Result<vf::NewEconomicResource, AppError> {
        Ok(vf::NewEconomicResource {
            name: self.name,
            tracking_identifier: self.tracking_identifier,
            image: self.image.map(|u| u.0),
            image_list: Uri::strings(self.image_list),
            contained_in: parse_opt_id("newInventoriedResource.containedIn", &self.contained_in)?
                .map(vf::ResourceId::new),
            current_location: parse_opt_id("newInventoriedResource.currentLocation", &self.current_location)?
                .map(vf::SpatialThingId::new),
            conforms_to: parse_opt_id("newInventoriedResource.conformsTo", &self.conforms_to)?
                .map(vf::ResourceSpecificationId::new),
            note: self.note,
            lot: parse_opt_id("newInventoriedResource.lot", &self.lot)?.map(vf::ProductBatchId::new),
        })
    }
}

// ----- queries ----------------------------------------------------------------------------

/// Observation and process queries.
#[derive(Default)]
pub struct ObservationQuery;

#[Object]
impl ObservationQuery {
    async fn economic_event(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<EconomicEvent>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, EVENT).await?.map(EconomicEvent))
    }

    async fn economic_events(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<EconomicEventFilterParams>,
    ) -> GqlResult<EconomicEventConnection> {
        require_read(ctx)?;
        let mut filters = Vec::new();
        if let Some(f) = filter {
            filters.extend(agent_filter("providerId", &f.provider_id)?);
            filters.extend(agent_filter("receiverId", &f.receiver_id)?);
            filters.extend(event_filters(
                f.search_string,
                f.action,
                f.resource_classified_as,
                f.start_date,
                f.end_date,
            )?);
        }
        Ok(events_connection(ctx, filters, PageArgs::new(first, after, last, before)).await?)
    }

    async fn economic_resource(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<EconomicResource>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, RESOURCE).await?.map(EconomicResource))
    }

    async fn economic_resources(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<EconomicResourceConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: RESOURCE.to_vec(), filters: Vec::new() };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), resource_node).await?;
        Ok(EconomicResourceConnection::new(items, info))
    }

    async fn process(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Process>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, PROCESS).await?.map(Process))
    }

    async fn processes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<ProcessFilterParams>,
    ) -> GqlResult<ProcessConnection> {
        require_read(ctx)?;
        let mut filters = Vec::new();
        if let Some(f) = filter {
            if let Some(s) = f.search_string.filter(|s| !s.is_empty()) {
                filters.push(Filter::Contains { field: "text".to_owned(), needle: s.to_lowercase() });
            }
            if let Some(done) = f.finished {
                filters.push(Filter::AnyOf { field: "finished".to_owned(), values: vec![done.to_string()] });
            }
            let scopes = parse_ids("inScopeOf", &f.in_scope_of)?;
            if !scopes.is_empty() {
                filters.push(Filter::AnyOf {
                    field: "inScopeOf".to_owned(),
                    values: scopes.iter().map(Uuid::to_string).collect(),
                });
            }
            let classes = Uri::strings(f.classified_as);
            if !classes.is_empty() {
                filters.push(Filter::AnyOf { field: "classifiedAs".to_owned(), values: classes });
            }
            if let Some(end) = f.end_date {
                filters.push(Filter::Range { field: "time".to_owned(), min: None, max: Some(end.0.to_rfc3339()) });
            }
            if let Some(start) = f.start_date {
                filters.push(Filter::Range { field: "timeEnd".to_owned(), min: Some(start.0.to_rfc3339()), max: None });
            }
        }
        let q = ListQuery { kinds: PROCESS.to_vec(), filters };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), process_node).await?;
        Ok(ProcessConnection::new(items, info))
    }
}

// ----- mutations --------------------------------------------------------------------------

/// Observation and process mutations.
#[derive(Default)]
pub struct ObservationMutation;

#[Object]
impl ObservationMutation {
    /// Registers a new (`EconomicEvent`) with the collaboration space. Also serves as a means to register (`EconomicResource`) as well, instead of createEconomicResource
    async fn create_economic_event(
        &self,
        ctx: &Context<'_>,
        event: EconomicEventCreateParams,
        new_inventoried_resource: Option<EconomicResourceCreateParams>,
    ) -> GqlResult<EconomicEventResponse> {
        let author = require_write(ctx)?;
        let new_resource = new_inventoried_resource.map(EconomicResourceCreateParams::into_domain).transpose()?;
        let event = event.into_domain()?;
        let (event_row, resource_row) = app(ctx).record_event(EventInput { event, new_resource }, author).await?;
        let economic_event = written(event_row, kind::ECONOMIC_EVENT, EconomicEvent)?;
        let economic_resource =
            resource_row.map(|r| written(r, kind::ECONOMIC_RESOURCE, EconomicResource)).transpose()?;
        Ok(EconomicEventResponse { economic_event, economic_resource })
    }

    /// Changes what may change of an event: its note, agreement, trigger and the agreement it realizes.
    async fn update_economic_event(
        &self,
        ctx: &Context<'_>,
        event: EconomicEventUpdateParams,
    ) -> GqlResult<EconomicEventResponse> {
        let author = require_write(ctx)?;
        let rev = parse_id("revisionId", &event.revision_id)?;
        let trig = id_patch("triggeredBy", event.triggered_by, vf::EventId::new)?;
        let realizes = id_patch("realizationOf", event.realization_of, vf::AgreementId::new)?;
        let (note, agreed) = (event.note, event.agreed_in.map_value(|u| u.0));
        let row = app(ctx)
            .update(
                EVENT,
                rev,
                move |mut e: vf::EconomicEvent| {
                    patch(&mut e.note, note);
                    patch(&mut e.agreed_in, agreed);
                    patch(&mut e.triggered_by, trig);
                    patch(&mut e.realization_of, realizes);
                    if e.triggered_by == Some(e.id) {
                        return Err(AppError::invalid("triggeredBy", "an event cannot trigger itself"));
                    }
                    Ok(e)
                },
                author,
            )
            .await?;
        Ok(EconomicEventResponse {
            economic_event: written(row, kind::ECONOMIC_EVENT, EconomicEvent)?,
            economic_resource: None,
        })
    }

    /// Changes a resource's descriptive fields.
    async fn update_economic_resource(
        &self,
        ctx: &Context<'_>,
        resource: EconomicResourceUpdateParams,
    ) -> GqlResult<EconomicResourceResponse> {
        let author = require_write(ctx)?;
        let r = resource;
        let rev = parse_id("revisionId", &r.revision_id)?;
        let contained = id_patch("containedIn", r.contained_in, vf::ResourceId::new)?;
        let unit = id_patch("unitOfEffort", r.unit_of_effort, vf::UnitId::new)?;
        let row = app(ctx)
            .update(
                RESOURCE,
                rev,
                move |mut x: vf::EconomicResource| {
                    uri_list_patch(&mut x.classified_as, r.classified_as);
                    patch(&mut x.image, r.image.map_value(|u| u.0));
                    uri_list_patch(&mut x.image_list, r.image_list);
                    patch(&mut x.contained_in, contained);
                    if x.contained_in == Some(x.id) {
                        return Err(AppError::invalid("containedIn", "a resource cannot contain itself"));
                    }
                    patch(&mut x.unit_of_effort, unit);
                    patch(&mut x.note, r.note);
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(EconomicResourceResponse { economic_resource: written(row, kind::ECONOMIC_RESOURCE, EconomicResource)? })
    }

    async fn create_process(&self, ctx: &Context<'_>, process: ProcessCreateParams) -> GqlResult<ProcessResponse> {
        let author = require_write(ctx)?;
        let p = process;
        let rec = vf::Process {
            id: vf::ProcessId::new(Uuid::now_v7()),
            name: p.name,
            has_beginning: p.has_beginning.map(|d| d.0),
            has_end: p.has_end.map(|d| d.0),
            finished: p.finished.unwrap_or(false),
            note: p.note,
            classified_as: Uri::strings(p.classified_as),
            in_scope_of: parse_ids("inScopeOf", &p.in_scope_of)?.into_iter().map(vf::AgentId::new).collect(),
            based_on: parse_opt_id("basedOn", &p.based_on)?.map(vf::ProcessSpecificationId::new),
            nested_in: parse_opt_id("nestedIn", &p.nested_in)?.map(vf::ScenarioId::new),
            planned_within: parse_opt_id("plannedWithin", &p.planned_within)?.map(vf::PlanId::new),
        };
        let row = app(ctx).create(&rec, author).await?;
        Ok(ProcessResponse { process: written(row, kind::PROCESS, Process)? })
    }

    async fn update_process(&self, ctx: &Context<'_>, process: ProcessUpdateParams) -> GqlResult<ProcessResponse> {
        let author = require_write(ctx)?;
        let p = process;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let based = id_patch("basedOn", p.based_on, vf::ProcessSpecificationId::new)?;
        let nested = id_patch("nestedIn", p.nested_in, vf::ScenarioId::new)?;
        let within = id_patch("plannedWithin", p.planned_within, vf::PlanId::new)?;
        let mut scopes_new = Vec::new();
        let scopes_given = !p.in_scope_of.is_undefined();
        ids_patch("inScopeOf", &mut scopes_new, p.in_scope_of, vf::AgentId::new)?;
        let row = app(ctx)
            .update(
                PROCESS,
                rev,
                move |mut x: vf::Process| {
                    patch_required("name", &mut x.name, p.name)?;
                    patch(&mut x.has_beginning, p.has_beginning.map_value(|d| d.0));
                    patch(&mut x.has_end, p.has_end.map_value(|d| d.0));
                    match p.finished {
                        MaybeUndefined::Value(f) => x.finished = f,
                        MaybeUndefined::Null => x.finished = false,
                        MaybeUndefined::Undefined => {}
                    }
                    patch(&mut x.note, p.note);
                    uri_list_patch(&mut x.classified_as, p.classified_as);
                    if scopes_given {
                        x.in_scope_of = scopes_new;
                    }
                    patch(&mut x.based_on, based);
                    patch(&mut x.nested_in, nested);
                    patch(&mut x.planned_within, within);
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(ProcessResponse { process: written(row, kind::PROCESS, Process)? })
    }

    /// Deletes a process nothing refers to.
    async fn delete_process(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(PROCESS, DeleteTarget::Id(parse_id("id", &id)?), author).await?)
    }
}

/// Kinds of [`ResourceAnomaly`].
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum ResourceAnomalyKind {
    /// The onhand quantity is below zero.
    NegativeOnhand,
    /// The accounting quantity is below zero.
    NegativeAccounting,
    /// A quantity is below zero after two or more transfers out of the resource: more was
    /// given away than was held, as when one unit resource is transferred to two agents.
    /// Listed beside the negative quantity it explains.
    DoubleTransfer,
    /// Some events count a quantity in another unit than its first event did; they are left
    /// out of it.
    UnitMismatch,
    /// Adding an event's quantity would pass the decimal range (about ±7.9e28); it was left out.
    Overflow,
}

/// Which of a resource's quantities an anomaly is about.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
pub enum ResourceQuantityKind {
    /// `accountingQuantity`.
    Accounting,
    /// `onhandQuantity`.
    Onhand,
}

impl From<vf::QuantityKind> for ResourceQuantityKind {
    fn from(q: vf::QuantityKind) -> Self {
        match q {
            vf::QuantityKind::Accounting => ResourceQuantityKind::Accounting,
            vf::QuantityKind::Onhand => ResourceQuantityKind::Onhand,
        }
    }
}

/// Something odd about a resource's derived state, with the event it concerns.
pub struct ResourceAnomaly(vf::Anomaly);

/// Something odd about a resource's derived state, with the event it concerns.
#[Object]
impl ResourceAnomaly {
    /// What is odd.
    async fn kind(&self) -> ResourceAnomalyKind {
        match self.0 {
            vf::Anomaly::NegativeOnhand { .. } => ResourceAnomalyKind::NegativeOnhand,
            vf::Anomaly::NegativeAccounting { .. } => ResourceAnomalyKind::NegativeAccounting,
            vf::Anomaly::DoubleTransfer { .. } => ResourceAnomalyKind::DoubleTransfer,
            vf::Anomaly::UnitMismatch { .. } => ResourceAnomalyKind::UnitMismatch,
            vf::Anomaly::Overflow { .. } => ResourceAnomalyKind::Overflow,
        }
    }

    /// The quantity concerned.
    async fn quantity(&self) -> ResourceQuantityKind {
        match self.0 {
            vf::Anomaly::NegativeOnhand { .. } => ResourceQuantityKind::Onhand,
            vf::Anomaly::NegativeAccounting { .. } => ResourceQuantityKind::Accounting,
            vf::Anomaly::DoubleTransfer { quantity, .. }
            | vf::Anomaly::UnitMismatch { quantity, .. }
            | vf::Anomaly::Overflow { quantity, .. } => quantity.into(),
        }
    }

    /// The event concerned: for a negative quantity the latest event that changed it, for a
    /// double transfer the latest transfer out, for a unit mismatch the earliest event in the
    /// other unit, for an overflow the event left out.
    async fn event(&self, ctx: &Context<'_>) -> GqlResult<Option<EconomicEvent>> {
        let id = match &self.0 {
            vf::Anomaly::NegativeOnhand { event }
            | vf::Anomaly::NegativeAccounting { event }
            | vf::Anomaly::DoubleTransfer { event, .. }
            | vf::Anomaly::UnitMismatch { event, .. }
            | vf::Anomaly::Overflow { event, .. } => event.uuid(),
        };
        Ok(load_events(ctx, &[id]).await?.into_iter().next())
    }

    /// For a unit mismatch: the quantity's unit (its first event's).
    async fn expected_unit(&self, ctx: &Context<'_>) -> GqlResult<Option<Unit>> {
        match &self.0 {
            vf::Anomaly::UnitMismatch { expected, .. } => load_unit(ctx, *expected).await,
            _ => Ok(None),
        }
    }

    /// For a unit mismatch: the other unit.
    async fn found_unit(&self, ctx: &Context<'_>) -> GqlResult<Option<Unit>> {
        match &self.0 {
            vf::Anomaly::UnitMismatch { found, .. } => load_unit(ctx, *found).await,
            _ => Ok(None),
        }
    }
}
