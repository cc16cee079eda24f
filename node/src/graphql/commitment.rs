//! The commitment module: flows one agent has promised another, what fulfils them, and
//! how much of each is fulfilled.

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::action::Action;
use super::action::parse_action;
use super::agent::{AccountingScope, Agent, agent_node, required_agent, scopes, written};
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::fulfillment::{FULFILLMENT, Fulfillment};
use super::geolocation::{SpatialThing, load_place};
use super::history::RecordMeta;
use super::knowledge::{ProcessSpecification, ResourceSpecification, load_process_spec, load_resource_spec};
use super::loaders::{load_many, load_rec, parse, referrers};
use super::measurement::{IMeasure, Measure};
use super::measurement::{measure, measure_patch};
use super::observation::{EconomicResource, Process};
use super::plan::{Plan, load_plan};
use super::planned_flow::{
    AgentCommitmentFilterParams, FlowCriteria, FlowFacts, ProcessCommitmentFilterParams, Progress, agent_flow_filters,
};
use super::satisfaction::{SATISFACTION, Satisfaction};
use super::scalars::{DateTime, Uri};
use super::{
    Rec, app, id_patch, ids_patch, parse_id, parse_ids, parse_opt_id, patch, patch_required, require_read,
    require_write, uri_list_patch,
};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::{Filter, ListQuery};

/// The commitment kind, for loads and lists.
pub const COMMITMENT: &[&str] = &[kind::COMMITMENT];
const EVENT: &[&str] = &[kind::ECONOMIC_EVENT];

/// A planned economic flow that has been promised by an agent to another agent.
#[derive(Clone)]
pub struct Commitment(pub Rec<vf::Commitment>);

/// A commitment from its row.
pub fn commitment_node(m: &record::Model) -> Result<Commitment, AppError> {
    Ok(Commitment(Rec::from_model(m)?))
}

connection!(CommitmentConnection, CommitmentEdge, Commitment, "commitments");

// ----- filters ----------------------------------------------------------------------------

/// Filter on commitment lists. Every criterion given must hold.
#[derive(InputObject, Default)]
pub struct CommitmentFilterParams {
    /// Text found in the note.
    pub search_string: Option<String>,
    pub provider_id: Option<Vec<ID>>,
    pub receiver_id: Option<Vec<ID>>,
    pub resource_classified_as: Option<Vec<Uri>>,
    pub resource_conforms_to: Option<Vec<ID>>,
    pub finished: Option<bool>,
    pub action: Option<Vec<ID>>,
    /// Commitments planned to end at or after this time.
    pub start_date: Option<DateTime>,
    /// Commitments planned to begin at or before this time.
    pub end_date: Option<DateTime>,
    pub in_scope_of: Option<Vec<ID>>,
}

impl CommitmentFilterParams {
    fn criteria(self) -> Result<FlowCriteria, AppError> {
        let (start, end) = FlowCriteria::dates(self.start_date, self.end_date);
        Ok(FlowCriteria {
            search: FlowCriteria::search(self.search_string),
            providers: FlowCriteria::ids("providerId", &self.provider_id)?,
            receivers: FlowCriteria::ids("receiverId", &self.receiver_id)?,
            classified: FlowCriteria::uris(self.resource_classified_as),
            conforms_to: FlowCriteria::ids("resourceConformsTo", &self.resource_conforms_to)?,
            finished: self.finished,
            actions: FlowCriteria::actions(self.action)?,
            start,
            end,
            in_scope_of: FlowCriteria::ids("inScopeOf", &self.in_scope_of)?,
            ..FlowCriteria::default()
        })
    }
}

fn facts(c: &vf::Commitment) -> FlowFacts<'_> {
    FlowFacts {
        action: c.action,
        provider: Some(c.provider),
        receiver: Some(c.receiver),
        classified: &c.resource_classified_as,
        texts: [c.note.as_deref(), None],
        span: c.planned_span(),
    }
}

/// A page of commitments matching `filters`.
pub async fn commitments_page(
    ctx: &Context<'_>,
    filters: Vec<Filter>,
    args: PageArgs,
) -> Result<CommitmentConnection, AppError> {
    let q = ListQuery { kinds: COMMITMENT.to_vec(), filters };
    let (items, info) = list(ctx, q, &args, commitment_node).await?;
    Ok(CommitmentConnection::new(items, info))
}

/// A page of the commitments whose `fields` name `agent`, filtered.
pub async fn agent_commitments(
    ctx: &Context<'_>,
    agent: Uuid,
    fields: Vec<&'static str>,
    filter: Option<AgentCommitmentFilterParams>,
    args: PageArgs,
) -> GqlResult<Option<CommitmentConnection>> {
    let filters = agent_flow_filters(agent, fields, filter.map(|f| f.criteria()).transpose()?);
    Ok(Some(commitments_page(ctx, filters, args).await?))
}

/// A page of the commitments whose `field` names `id` (a resource, a specification...).
pub async fn commitments_naming(
    ctx: &Context<'_>,
    field: &str,
    id: Uuid,
    args: PageArgs,
) -> GqlResult<Option<CommitmentConnection>> {
    let filters = vec![Filter::AnyOf { field: field.to_owned(), values: vec![id.to_string()] }];
    Ok(Some(commitments_page(ctx, filters, args).await?))
}

/// The live commitments whose `field` names `id`, as a plain list.
pub async fn commitments_referring(
    ctx: &Context<'_>,
    field: &'static str,
    id: Uuid,
) -> Result<Vec<Commitment>, AppError> {
    let ids = referrers(ctx, COMMITMENT, field, id).await?;
    load_many(ctx, &ids, COMMITMENT).await?.iter().map(|m| Ok(Commitment(parse(ctx, m)?))).collect()
}

/// A process's committed inputs (`inputOf`) or outputs (`outputOf`), filtered.
pub async fn process_commitments(
    ctx: &Context<'_>,
    process: Uuid,
    field: &'static str,
    filter: Option<ProcessCommitmentFilterParams>,
) -> GqlResult<Option<Vec<Commitment>>> {
    let all = commitments_referring(ctx, field, process).await?;
    let Some(f) = filter else { return Ok(Some(all)) };
    let c = f.criteria()?;
    Ok(Some(all.into_iter().filter(|x| c.matches(&facts(&x.0.data))).collect()))
}

// ----- progress ---------------------------------------------------------------------------

impl Commitment {
    async fn fulfillments(&self, ctx: &Context<'_>) -> Result<Vec<Rec<vf::Fulfillment>>, AppError> {
        let ids = referrers(ctx, FULFILLMENT, "fulfills", self.0.id).await?;
        load_many(ctx, &ids, FULFILLMENT).await?.iter().map(|m| parse(ctx, m)).collect()
    }

    async fn progress(&self, ctx: &Context<'_>) -> Result<Progress, AppError> {
        let links = self.fulfillments(ctx).await?;
        let event_ids: Vec<Uuid> = links.iter().map(|f| f.data.fulfilled_by.uuid()).collect();
        let mut events: HashMap<Uuid, std::sync::Arc<vf::EconomicEvent>> = HashMap::new();
        for m in load_many(ctx, &event_ids, EVENT).await? {
            let e: Rec<vf::EconomicEvent> = parse(ctx, &m)?;
            events.insert(e.id, e.data);
        }
        let counted = |resource: bool| {
            links
                .iter()
                .filter_map(|f| {
                    let own = if resource { f.data.resource_quantity } else { f.data.effort_quantity };
                    match events.get(&f.data.fulfilled_by.uuid()) {
                        Some(e) if resource => f.data.counted_resource_quantity(e),
                        Some(e) => f.data.counted_effort_quantity(e),
                        None => own,
                    }
                })
                .collect::<Vec<_>>()
        };
        let c = &self.0.data;
        Progress::of(
            c.resource_quantity.as_ref(),
            c.effort_quantity.as_ref(),
            counted(true),
            counted(false),
            links.len(),
        )
    }
}

// ----- Commitment -------------------------------------------------------------------------

#[Object]
impl Commitment {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// Relates a commitment to a verb, such as consume, produce, work, improve, etc.
    async fn action(&self) -> Action {
        Action(self.0.data.action)
    }
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    async fn resource_classified_as(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.resource_classified_as)
    }
    /// The amount and unit of the economic resource counted or inventoried.
    async fn resource_quantity(&self) -> Option<Measure> {
        self.0.data.resource_quantity.map(Measure)
    }
    /// The amount and unit of the work or use or citation effort-based action. This is often a time duration, but also could be cycle counts or other measures of effort or usefulness.
    async fn effort_quantity(&self) -> Option<Measure> {
        self.0.data.effort_quantity.map(Measure)
    }
    /// The planned beginning of the commitment.
    async fn has_beginning(&self) -> Option<DateTime> {
        self.0.data.has_beginning.map(DateTime)
    }
    /// The planned end of the commitment.
    async fn has_end(&self) -> Option<DateTime> {
        self.0.data.has_end.map(DateTime)
    }
    /// The planned date/time for the commitment. Can be used instead of beginning and end.
    async fn has_point_in_time(&self) -> Option<DateTime> {
        self.0.data.has_point_in_time.map(DateTime)
    }
    /// The time something is expected to be complete.
    async fn due(&self) -> Option<DateTime> {
        self.0.data.due.map(DateTime)
    }
    /// The creation time of the commitment.
    async fn created(&self) -> Option<DateTime> {
        self.0.data.created.map(DateTime)
    }
    /// The commitment is complete or not.  This is irrespective of if the original goal has been met, and indicates that no more will be done. Set by the agents; see `isFulfilled` for whether the fulfillments cover it.
    async fn finished(&self) -> Option<bool> {
        Some(self.0.data.finished)
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// Reference to an agreement between agents which specifies the rules or policies or calculations which govern this commitment.
    async fn agreed_in(&self) -> Option<Uri> {
        self.0.data.agreed_in.clone().map(Uri)
    }
    /// The commitment can be safely deleted, has no dependent information: no fulfillment or satisfaction refers to it.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(nothing_refers_to(ctx, self.0.id).await?))
    }
    /// The economic agent from whom the commitment is initiated.
    async fn provider(&self, ctx: &Context<'_>) -> GqlResult<Agent> {
        required_agent(ctx, self.0.data.provider.uuid()).await
    }
    /// The economic agent whom the commitment is for.
    async fn receiver(&self, ctx: &Context<'_>) -> GqlResult<Agent> {
        required_agent(ctx, self.0.data.receiver.uuid()).await
    }
    /// Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    async fn in_scope_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<AccountingScope>>> {
        scopes(ctx, &self.0.data.in_scope_of).await
    }
    /// The provider, the receiver and the agents the commitment is in scope of.
    async fn involved_agents(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Agent>>> {
        let c = &self.0.data;
        let mut ids = vec![c.provider.uuid(), c.receiver.uuid()];
        ids.extend(c.in_scope_of.iter().map(|a| a.uuid()));
        let mut seen = std::collections::HashSet::new();
        ids.retain(|i| seen.insert(*i));
        let rows = load_many(ctx, &ids, kind::AGENTS).await?;
        Ok(Some(rows.iter().map(agent_node).collect::<Result<_, _>>()?))
    }
    /// The economic event which completely or partially fulfills a commitment.
    async fn fulfilled_by(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Fulfillment>>> {
        Ok(Some(self.fulfillments(ctx).await?.into_iter().map(Fulfillment).collect()))
    }
    /// How much of `resourceQuantity` its fulfillments cover: the exact sum of their resource quantities (a fulfillment without one counts its event's), in the commitment's unit. Null when the commitment has no resource quantity.
    async fn fulfilled_quantity(&self, ctx: &Context<'_>) -> GqlResult<Option<Measure>> {
        Ok(self.progress(ctx).await?.resource.map(Measure))
    }
    /// How much of `effortQuantity` its fulfillments cover, as `fulfilledQuantity` does for the resource quantity.
    async fn fulfilled_effort_quantity(&self, ctx: &Context<'_>) -> GqlResult<Option<Measure>> {
        Ok(self.progress(ctx).await?.effort.map(Measure))
    }
    /// True when the fulfillments cover every quantity the commitment plans (or, when it plans none, when it has any fulfillment). Derived; independent of `finished`.
    async fn is_fulfilled(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        Ok(self.progress(ctx).await?.complete)
    }
    /// The place where a commitment occurs. Usually mappable.
    async fn at_location(&self, ctx: &Context<'_>) -> GqlResult<Option<SpatialThing>> {
        load_place(ctx, self.0.data.at_location).await
    }
    /// Exact economic resource involved in the commitment.
    async fn resource_inventoried_as(&self, ctx: &Context<'_>) -> GqlResult<Option<EconomicResource>> {
        match self.0.data.resource_inventoried_as {
            Some(id) => Ok(load_rec(ctx, id.uuid(), &[kind::ECONOMIC_RESOURCE]).await?.map(EconomicResource)),
            None => Ok(None),
        }
    }
    /// Represents a desired deliverable expected from this plan.
    async fn independent_demand_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Plan>> {
        load_plan(ctx, self.0.data.independent_demand_of).await
    }
    /// The agreement this commitment is a clause of.
    async fn clause_of(&self, ctx: &Context<'_>) -> GqlResult<Option<super::agreement::Agreement>> {
        super::agreement::load_agreement(ctx, self.0.data.clause_of).await
    }
    /// The transfer commitment is part of the plan.
    async fn planned_within(&self, ctx: &Context<'_>) -> GqlResult<Option<Plan>> {
        load_plan(ctx, self.0.data.planned_within).await
    }
    /// References the ProcessSpecification of the last process the economic resource went through. Stage is used when the last process is important for finding proper resources, such as where the publishing process wants only documents that have gone through the editing process.
    async fn stage(&self, ctx: &Context<'_>) -> GqlResult<Option<ProcessSpecification>> {
        load_process_spec(ctx, self.0.data.stage).await
    }
    /// The primary resource specification or definition of an existing or potential economic resource. A resource will have only one, as this specifies exactly what the resource is.
    async fn resource_conforms_to(&self, ctx: &Context<'_>) -> GqlResult<Option<ResourceSpecification>> {
        load_resource_spec(ctx, self.0.data.resource_conforms_to).await
    }
    /// An intent satisfied fully or partially by an economic event or commitment.
    async fn satisfies(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Satisfaction>>> {
        let ids = referrers(ctx, SATISFACTION, "satisfiedBy", self.0.id).await?;
        let rows = load_many(ctx, &ids, SATISFACTION).await?;
        Ok(Some(rows.iter().map(|m| Ok(Satisfaction(parse(ctx, m)?))).collect::<Result<_, AppError>>()?))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Commitment>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Commitment))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// Defines the process to which this commitment is an input.
    async fn input_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Process>> {
        load_process(ctx, self.0.data.input_of).await
    }
    /// Defines the process for which this commitment is an output.
    async fn output_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Process>> {
        load_process(ctx, self.0.data.output_of).await
    }
}

/// A process that may be absent.
pub async fn load_process(ctx: &Context<'_>, id: Option<vf::ProcessId>) -> GqlResult<Option<Process>> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), &[kind::PROCESS]).await?.map(Process)),
        None => Ok(None),
    }
}

/// True when no live record but `id` itself refers to `id`.
pub async fn nothing_refers_to(ctx: &Context<'_>, id: Uuid) -> Result<bool, AppError> {
    let refs = crate::store::records::referrers(app(ctx).store().db(), &id.to_string()).await?;
    Ok(refs.iter().all(|(r, _)| *r == id))
}

// ----- inputs -----------------------------------------------------------------------------

/// Fields of a new commitment.
#[derive(InputObject)]
pub struct CommitmentCreateParams {
    /// (`Action`) Relates a commitment to a verb, such as consume, produce, work, improve, etc.
    pub action: ID,
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    pub resource_classified_as: Option<Vec<Uri>>,
    /// The amount and unit of the economic resource counted or inventoried.
    pub resource_quantity: Option<IMeasure>,
    /// The amount and unit of the work or use or citation effort-based action.
    pub effort_quantity: Option<IMeasure>,
    /// The planned beginning of the commitment.
    pub has_beginning: Option<DateTime>,
    /// The planned end of the commitment.
    pub has_end: Option<DateTime>,
    /// The planned date/time for the commitment. Can be used instead of beginning and end.
    pub has_point_in_time: Option<DateTime>,
    /// The time something is expected to be complete.
    pub due: Option<DateTime>,
    /// The commitment is complete or not.
    pub finished: Option<bool>,
    /// A textual description or comment.
    pub note: Option<String>,
    /// Reference to an agreement between agents which specifies the rules or policies or calculations which govern this commitment.
    pub agreed_in: Option<Uri>,
    /// (`Agent`) The economic agent from whom the commitment is initiated.
    pub provider: ID,
    /// (`Agent`) The economic agent whom the commitment is for.
    pub receiver: ID,
    /// (`AccountingScope`) Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    pub in_scope_of: Option<Vec<ID>>,
    /// (`SpatialThing`) The place where an commitment occurs.  Usually mappable.
    pub at_location: Option<ID>,
    /// (`EconomicResource`) Exact economic resource involved in the commitment.
    pub resource_inventoried_as: Option<ID>,
    /// (`Plan`) Represents a desired deliverable expected from this plan.
    pub independent_demand_of: Option<ID>,
    /// (`Agreement`) The agreement this commitment is a clause of.
    pub clause_of: Option<ID>,
    /// (`Plan`) The transfer commitment is part of the plan.
    pub planned_within: Option<ID>,
    /// (`ResourceSpecification`) The primary resource specification or definition of an existing or potential economic resource.
    pub resource_conforms_to: Option<ID>,
    /// (`Process`) Defines the process to which this commitment is an input.
    pub input_of: Option<ID>,
    /// (`Process`) Defines the process for which this commitment is an output.
    pub output_of: Option<ID>,
    /// (`ProcessSpecification`) The process specification the resource must have gone through last (its stage).
    pub stage: Option<ID>,
}

/// Changes to a commitment: an omitted field stays, `null` erases it.
#[derive(InputObject)]
pub struct CommitmentUpdateParams {
    pub revision_id: ID,
    #[graphql(default)]
    pub resource_classified_as: MaybeUndefined<Vec<Uri>>,
    #[graphql(default)]
    pub resource_quantity: MaybeUndefined<IMeasure>,
    #[graphql(default)]
    pub effort_quantity: MaybeUndefined<IMeasure>,
    #[graphql(default)]
    pub has_beginning: MaybeUndefined<DateTime>,
    #[graphql(default)]
    pub has_end: MaybeUndefined<DateTime>,
    #[graphql(default)]
    pub has_point_in_time: MaybeUndefined<DateTime>,
    #[graphql(default)]
    pub due: MaybeUndefined<DateTime>,
    #[graphql(default)]
    pub finished: MaybeUndefined<bool>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    #[graphql(default)]
    pub agreed_in: MaybeUndefined<Uri>,
    /// (`Agent`) The economic agent from whom the commitment is initiated.
    #[graphql(default)]
    pub provider: MaybeUndefined<ID>,
    /// (`Agent`) The economic agent whom the commitment is for.
    #[graphql(default)]
    pub receiver: MaybeUndefined<ID>,
    #[graphql(default)]
    pub in_scope_of: MaybeUndefined<Vec<ID>>,
    #[graphql(default)]
    pub at_location: MaybeUndefined<ID>,
    #[graphql(default)]
    pub resource_inventoried_as: MaybeUndefined<ID>,
    #[graphql(default)]
    pub independent_demand_of: MaybeUndefined<ID>,
    /// (`Agreement`) The agreement this commitment is a clause of.
    #[graphql(default)]
    pub clause_of: MaybeUndefined<ID>,
    #[graphql(default)]
    pub planned_within: MaybeUndefined<ID>,
    #[graphql(default)]
    pub resource_conforms_to: MaybeUndefined<ID>,
    #[graphql(default)]
    pub input_of: MaybeUndefined<ID>,
    #[graphql(default)]
    pub output_of: MaybeUndefined<ID>,
    /// (`ProcessSpecification`) The process specification the resource must have gone through last (its stage).
    #[graphql(default)]
    pub stage: MaybeUndefined<ID>,
}

/// The commitment created or updated.
#[derive(SimpleObject)]
pub struct CommitmentResponse {
    commitment: Commitment,
}

/// A `finished` flag of an update: null means not finished.
pub fn finished_patch(slot: &mut bool, v: MaybeUndefined<bool>) {
    match v {
        MaybeUndefined::Value(f) => *slot = f,
        MaybeUndefined::Null => *slot = false,
        MaybeUndefined::Undefined => {}
    }
}

impl CommitmentCreateParams {
    fn into_domain(self, now: vf::Timestamp) -> Result<vf::Commitment, AppError> {
        let id = |f: &str, v: &Option<ID>| parse_opt_id(f, v);
        let mut c = vf::Commitment::new(
            vf::CommitmentId::new(Uuid::now_v7()),
            parse_action("action", &self.action)?,
            vf::AgentId::new(parse_id("provider", &self.provider)?),
            vf::AgentId::new(parse_id("receiver", &self.receiver)?),
        );
        c.resource_classified_as = Uri::strings(self.resource_classified_as);
        c.resource_quantity = measure("resourceQuantity", &self.resource_quantity)?;
        c.effort_quantity = measure("effortQuantity", &self.effort_quantity)?;
        c.has_beginning = self.has_beginning.map(|d| d.0);
        c.has_end = self.has_end.map(|d| d.0);
        c.has_point_in_time = self.has_point_in_time.map(|d| d.0);
        c.due = self.due.map(|d| d.0);
        c.created = Some(now);
        c.finished = self.finished.unwrap_or(false);
        c.note = self.note;
        c.agreed_in = self.agreed_in.map(|u| u.0);
        c.in_scope_of = parse_ids("inScopeOf", &self.in_scope_of)?.into_iter().map(vf::AgentId::new).collect();
        c.at_location = id("atLocation", &self.at_location)?.map(vf::SpatialThingId::new);
        c.resource_inventoried_as =
            id("resourceInventoriedAs", &self.resource_inventoried_as)?.map(vf::ResourceId::new);
        c.independent_demand_of = id("independentDemandOf", &self.independent_demand_of)?.map(vf::PlanId::new);
        c.clause_of = id("clauseOf", &self.clause_of)?.map(vf::AgreementId::new);
        c.planned_within = id("plannedWithin", &self.planned_within)?.map(vf::PlanId::new);
        c.resource_conforms_to =
            id("resourceConformsTo", &self.resource_conforms_to)?.map(vf::ResourceSpecificationId::new);
        c.input_of = id("inputOf", &self.input_of)?.map(vf::ProcessId::new);
        c.output_of = id("outputOf", &self.output_of)?.map(vf::ProcessId::new);
        c.stage = id("stage", &self.stage)?.map(vf::ProcessSpecificationId::new);
        Ok(c)
    }
}

/// The time of a write, as the API records it on new records.
pub fn now() -> vf::Timestamp {
    vf::Timestamp::from_datetime(chrono::Utc::now())
}

// ----- queries and mutations --------------------------------------------------------------

/// Commitment queries.
#[derive(Default)]
pub struct CommitmentQuery;

#[Object]
impl CommitmentQuery {
    async fn commitment(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Commitment>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, COMMITMENT).await?.map(Commitment))
    }

    async fn commitments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<CommitmentFilterParams>,
    ) -> GqlResult<CommitmentConnection> {
        require_read(ctx)?;
        let filters = match filter {
            Some(f) => f.criteria()?.to_filters(),
            None => Vec::new(),
        };
        Ok(commitments_page(ctx, filters, PageArgs::new(first, after, last, before)).await?)
    }
}

/// Commitment mutations.
#[derive(Default)]
pub struct CommitmentMutation;

#[Object]
impl CommitmentMutation {
    async fn create_commitment(
        &self,
        ctx: &Context<'_>,
        commitment: CommitmentCreateParams,
    ) -> GqlResult<CommitmentResponse> {
        let author = require_write(ctx)?;
        let c = commitment.into_domain(now())?;
        let row = app(ctx).create(&c, author).await?;
        Ok(CommitmentResponse { commitment: written(row, kind::COMMITMENT, Commitment)? })
    }

    async fn update_commitment(
        &self,
        ctx: &Context<'_>,
        commitment: CommitmentUpdateParams,
    ) -> GqlResult<CommitmentResponse> {
        let author = require_write(ctx)?;
        let p = commitment;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let provider = id_patch("provider", p.provider, vf::AgentId::new)?;
        let receiver = id_patch("receiver", p.receiver, vf::AgentId::new)?;
        let at_location = id_patch("atLocation", p.at_location, vf::SpatialThingId::new)?;
        let inventoried = id_patch("resourceInventoriedAs", p.resource_inventoried_as, vf::ResourceId::new)?;
        let demand_of = id_patch("independentDemandOf", p.independent_demand_of, vf::PlanId::new)?;
        let clause_of = id_patch("clauseOf", p.clause_of, vf::AgreementId::new)?;
        let within = id_patch("plannedWithin", p.planned_within, vf::PlanId::new)?;
        let conforms = id_patch("resourceConformsTo", p.resource_conforms_to, vf::ResourceSpecificationId::new)?;
        let input_of = id_patch("inputOf", p.input_of, vf::ProcessId::new)?;
        let output_of = id_patch("outputOf", p.output_of, vf::ProcessId::new)?;
        let stage = id_patch("stage", p.stage, vf::ProcessSpecificationId::new)?;
        let resource_quantity = measure_patch("resourceQuantity", p.resource_quantity)?;
        let effort_quantity = measure_patch("effortQuantity", p.effort_quantity)?;
        let scopes_given = !p.in_scope_of.is_undefined();
        let mut scopes_new = Vec::new();
        ids_patch("inScopeOf", &mut scopes_new, p.in_scope_of, vf::AgentId::new)?;
        let row = app(ctx)
            .update(
                COMMITMENT,
                rev,
                move |mut c: vf::Commitment| {
                    uri_list_patch(&mut c.resource_classified_as, p.resource_classified_as);
                    patch(&mut c.resource_quantity, resource_quantity);
                    patch(&mut c.effort_quantity, effort_quantity);
                    patch(&mut c.has_beginning, p.has_beginning.map_value(|d| d.0));
                    patch(&mut c.has_end, p.has_end.map_value(|d| d.0));
                    patch(&mut c.has_point_in_time, p.has_point_in_time.map_value(|d| d.0));
                    patch(&mut c.due, p.due.map_value(|d| d.0));
                    finished_patch(&mut c.finished, p.finished);
                    patch(&mut c.note, p.note);
                    patch(&mut c.agreed_in, p.agreed_in.map_value(|u| u.0));
                    patch_required("provider", &mut c.provider, provider)?;
                    patch_required("receiver", &mut c.receiver, receiver)?;
                    if scopes_given {
                        c.in_scope_of = scopes_new;
                    }
                    patch(&mut c.at_location, at_location);
                    patch(&mut c.resource_inventoried_as, inventoried);
                    patch(&mut c.independent_demand_of, demand_of);
                    patch(&mut c.clause_of, clause_of);
                    patch(&mut c.planned_within, within);
                    patch(&mut c.resource_conforms_to, conforms);
                    patch(&mut c.input_of, input_of);
                    patch(&mut c.output_of, output_of);
                    patch(&mut c.stage, stage);
                    Ok(c)
                },
                author,
            )
            .await?;
        Ok(CommitmentResponse { commitment: written(row, kind::COMMITMENT, Commitment)? })
    }

    /// Deletes a commitment nothing depends on: refused (CONFLICT) while a fulfillment or satisfaction refers to it.
    async fn delete_commitment(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(COMMITMENT, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }
}
