//! The intent module: offered and requested flows not yet committed to, what satisfies
//! them, and how much of each is satisfied.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::action::Action;
use super::action::parse_action;
use super::agent::{AccountingScope, Agent, load_agent, scopes, written};
use super::commitment::{finished_patch, load_process, nothing_refers_to};
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::geolocation::{SpatialThing, load_place};
use super::history::RecordMeta;
use super::knowledge::{ResourceSpecification, load_resource_spec};
use super::loaders::{load_many, load_rec, parse, referrers};
use super::measurement::{IMeasure, Measure};
use super::measurement::{measure, measure_patch};
use super::observation::{EconomicResource, Process};
use super::planned_flow::{
    AgentIntentFilterParams, FlowCriteria, FlowFacts, ProcessIntentFilterParams, Progress, agent_flow_filters,
};
use super::satisfaction::{SATISFACTION, SATISFIERS, Satisfaction};
use super::scalars::{DateTime, Uri};
use super::{
    Rec, app, id_patch, ids_patch, parse_id, parse_ids, parse_opt_id, patch, require_read, require_write,
    uri_list_patch,
};
use crate::app::kinds::kind;
use crate::app::planning::satisfier_quantities;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::{Filter, ListQuery};

/// The intent kind, for loads and lists.
pub const INTENT: &[&str] = &[kind::INTENT];

/// A planned economic flow which has not been committed to, which can lead to economic events (sometimes through commitments).
#[derive(Clone)]
pub struct Intent(pub Rec<vf::Intent>);

/// An intent from its row.
pub fn intent_node(m: &record::Model) -> Result<Intent, AppError> {
    Ok(Intent(Rec::from_model(m)?))
}

connection!(IntentConnection, IntentEdge, Intent, "intents");

// ----- filters ----------------------------------------------------------------------------

/// Filter on intent lists. Every criterion given must hold.
#[derive(InputObject, Default)]
pub struct IntentFilterParams {
    /// Text found in the name or note.
    pub search_string: Option<String>,
    pub provider_id: Option<Vec<ID>>,
    pub receiver_id: Option<Vec<ID>>,
    pub resource_classified_as: Option<Vec<Uri>>,
    pub resource_conforms_to: Option<Vec<ID>>,
    pub finished: Option<bool>,
    pub action: Option<Vec<ID>>,
    /// Intents planned to end at or after this time.
    pub start_date: Option<DateTime>,
    /// Intents planned to begin at or before this time.
    pub end_date: Option<DateTime>,
    pub in_scope_of: Option<Vec<ID>>,
    /// Intents at any of these places.
    pub at_location: Option<Vec<ID>>,
    /// Intents whose provider or receiver is any of these agents.
    pub agent: Option<Vec<ID>>,
    /// The same as `providerId`.
    pub provider: Option<Vec<ID>>,
    /// The same as `receiverId`.
    pub receiver: Option<Vec<ID>>,
    /// The same as `resourceClassifiedAs`.
    pub classified_as: Option<Vec<Uri>>,
}

impl IntentFilterParams {
    fn criteria(self) -> Result<FlowCriteria, AppError> {
        let (start, end) = FlowCriteria::dates(self.start_date, self.end_date);
        let mut providers = FlowCriteria::ids("providerId", &self.provider_id)?;
        providers.extend(FlowCriteria::ids("provider", &self.provider)?);
        let mut receivers = FlowCriteria::ids("receiverId", &self.receiver_id)?;
        receivers.extend(FlowCriteria::ids("receiver", &self.receiver)?);
        let mut classified = FlowCriteria::uris(self.resource_classified_as);
        classified.extend(FlowCriteria::uris(self.classified_as));
        Ok(FlowCriteria {
            search: FlowCriteria::search(self.search_string),
            providers,
            receivers,
            agents: FlowCriteria::ids("agent", &self.agent)?,
            classified,
            conforms_to: FlowCriteria::ids("resourceConformsTo", &self.resource_conforms_to)?,
            finished: self.finished,
            actions: FlowCriteria::actions(self.action)?,
            start,
            end,
            in_scope_of: FlowCriteria::ids("inScopeOf", &self.in_scope_of)?,
            at_location: FlowCriteria::ids("atLocation", &self.at_location)?,
        })
    }
}

/// A page of intents matching `filters`.
pub async fn intents_page(
    ctx: &Context<'_>,
    filters: Vec<Filter>,
    args: PageArgs,
) -> Result<IntentConnection, AppError> {
    let q = ListQuery { kinds: INTENT.to_vec(), filters };
    let (items, info) = list(ctx, q, &args, intent_node).await?;
    Ok(IntentConnection::new(items, info))
}

/// A page of the intents whose `fields` name `agent`, filtered.
pub async fn agent_intents(
    ctx: &Context<'_>,
    agent: Uuid,
    fields: Vec<&'static str>,
    filter: Option<AgentIntentFilterParams>,
    args: PageArgs,
) -> GqlResult<Option<IntentConnection>> {
    let filters = agent_flow_filters(agent, fields, filter.map(|f| f.criteria()).transpose()?);
    Ok(Some(intents_page(ctx, filters, args).await?))
}

/// A page of the intents whose `field` names `id` (a resource, a specification...).
pub async fn intents_naming(
    ctx: &Context<'_>,
    field: &str,
    id: Uuid,
    args: PageArgs,
) -> GqlResult<Option<IntentConnection>> {
    let filters = vec![Filter::AnyOf { field: field.to_owned(), values: vec![id.to_string()] }];
    Ok(Some(intents_page(ctx, filters, args).await?))
}

/// The live intents whose `field` names `id`, as a plain list.
pub async fn intents_referring(ctx: &Context<'_>, field: &'static str, id: Uuid) -> Result<Vec<Intent>, AppError> {
    let ids = referrers(ctx, INTENT, field, id).await?;
    load_many(ctx, &ids, INTENT).await?.iter().map(|m| Ok(Intent(parse(ctx, m)?))).collect()
}

fn facts(i: &vf::Intent) -> FlowFacts<'_> {
    FlowFacts {
        action: i.action,
        provider: i.provider,
        receiver: i.receiver,
        classified: &i.resource_classified_as,
        texts: [i.name.as_deref(), i.note.as_deref()],
        span: i.planned_span(),
    }
}

/// A process's intended inputs (`inputOf`) or outputs (`outputOf`), filtered.
pub async fn process_intents(
    ctx: &Context<'_>,
    process: Uuid,
    field: &'static str,
    filter: Option<ProcessIntentFilterParams>,
) -> GqlResult<Option<Vec<Intent>>> {
    let all = intents_referring(ctx, field, process).await?;
    let Some(f) = filter else { return Ok(Some(all)) };
    let c = f.criteria()?;
    Ok(Some(all.into_iter().filter(|x| c.matches(&facts(&x.0.data))).collect()))
}

// ----- progress ---------------------------------------------------------------------------

impl Intent {
    async fn satisfactions(&self, ctx: &Context<'_>) -> Result<Vec<Rec<vf::Satisfaction>>, AppError> {
        let ids = referrers(ctx, SATISFACTION, "satisfies", self.0.id).await?;
        load_many(ctx, &ids, SATISFACTION).await?.iter().map(|m| parse(ctx, m)).collect()
    }

    async fn progress(&self, ctx: &Context<'_>) -> Result<Progress, AppError> {
        let links = self.satisfactions(ctx).await?;
        let by_ids: Vec<Uuid> = links.iter().map(|s| s.data.satisfied_by.uuid()).collect();
        let mut by = std::collections::HashMap::new();
        for m in load_many(ctx, &by_ids, SATISFIERS).await? {
            by.insert(m.id, satisfier_quantities(&m)?);
        }
        let none = vf::SatisfierQuantities::default();
        let quantities = |s: &Rec<vf::Satisfaction>| *by.get(&s.data.satisfied_by.uuid()).unwrap_or(&none);
        let i = &self.0.data;
        let resource = links.iter().filter_map(|s| s.data.counted_resource_quantity(&quantities(s)));
        let effort = links.iter().filter_map(|s| s.data.counted_effort_quantity(&quantities(s)));
        Progress::of(i.resource_quantity.as_ref(), i.effort_quantity.as_ref(), resource, effort, links.len())
    }
}

// ----- Intent -----------------------------------------------------------------------------

#[Object]
impl Intent {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for an intent. Does not imply uniqueness.
    async fn name(&self) -> Option<String> {
        self.0.data.name.clone()
    }
    /// Relates an intent to a verb, such as consume, produce, work, improve, etc.
    async fn action(&self) -> Action {
        Action(self.0.data.action)
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
    /// The total quantity of the offered resource available.
    async fn available_quantity(&self) -> Option<Measure> {
        self.0.data.available_quantity.map(Measure)
    }
    /// The planned beginning of the intent.
    async fn has_beginning(&self) -> Option<DateTime> {
        self.0.data.has_beginning.map(DateTime)
    }
    /// The planned end of the intent.
    async fn has_end(&self) -> Option<DateTime> {
        self.0.data.has_end.map(DateTime)
    }
    /// The planned date/time for the intent. Can be used instead of beginning and end.
    async fn has_point_in_time(&self) -> Option<DateTime> {
        self.0.data.has_point_in_time.map(DateTime)
    }
    /// The time something is expected to be complete.
    async fn due(&self) -> Option<DateTime> {
        self.0.data.due.map(DateTime)
    }
    /// The intent is complete or not.  This is irrespective of if the original goal has been met, and indicates that no more will be done. Set by the agent; see `isSatisfied` for whether the satisfactions cover it.
    async fn finished(&self) -> Option<bool> {
        Some(self.0.data.finished)
    }
    /// The uri to an image relevant to the intent, such as a photo.
    async fn image(&self) -> Option<Uri> {
        self.0.data.image.clone().map(Uri)
    }
    /// URI addresses to images relevant to the intent.
    async fn image_list(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.image_list)
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// Reference to an agreement between agents which specifies the rules or policies or calculations which govern this intent.
    async fn agreed_in(&self) -> Option<Uri> {
        self.0.data.agreed_in.clone().map(Uri)
    }
    /// The intent can be safely deleted, has no dependent information: no satisfaction refers to it.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(nothing_refers_to(ctx, self.0.id).await?))
    }
    /// The economic agent from whom the intent is initiated. This implies that the intent is an offer.
    async fn provider(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        match self.0.data.provider {
            Some(a) => Ok(load_agent(ctx, a.uuid()).await?),
            None => Ok(None),
        }
    }
    /// The economic agent whom the intent is for.  This implies that the intent is a request.
    async fn receiver(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        match self.0.data.receiver {
            Some(a) => Ok(load_agent(ctx, a.uuid()).await?),
            None => Ok(None),
        }
    }
    /// Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    async fn in_scope_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<AccountingScope>>> {
        scopes(ctx, &self.0.data.in_scope_of).await
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Intent>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Intent))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// The place where an intent would occur. Usually mappable.
    async fn at_location(&self, ctx: &Context<'_>) -> GqlResult<Option<SpatialThing>> {
        load_place(ctx, self.0.data.at_location).await
    }
    /// When a specific `EconomicResource` is known which can service the `Intent`, this defines that resource.
    async fn resource_inventoried_as(&self, ctx: &Context<'_>) -> GqlResult<Option<EconomicResource>> {
        match self.0.data.resource_inventoried_as {
            Some(id) => Ok(load_rec(ctx, id.uuid(), &[kind::ECONOMIC_RESOURCE]).await?.map(EconomicResource)),
            None => Ok(None),
        }
    }
    /// The primary resource specification or definition of an existing or potential economic resource. A resource will have only one, as this specifies exactly what the resource is.
    async fn resource_conforms_to(&self, ctx: &Context<'_>) -> GqlResult<Option<ResourceSpecification>> {
        load_resource_spec(ctx, self.0.data.resource_conforms_to).await
    }
    /// The proposals this intent is published in, each with whether it is reciprocal there.
    async fn published_in(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::proposal::ProposedIntent>>> {
        let ids = referrers(ctx, &[kind::PROPOSED_INTENT], "publishes", self.0.id).await?;
        let rows = load_many(ctx, &ids, &[kind::PROPOSED_INTENT]).await?;
        Ok(Some(
            rows.iter()
                .map(|m| Ok(super::proposal::ProposedIntent(Rec::from_model(m)?)))
                .collect::<Result<_, AppError>>()?,
        ))
    }
    /// The commitments and events that satisfy this intent.
    async fn satisfied_by(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Satisfaction>>> {
        Ok(Some(self.satisfactions(ctx).await?.into_iter().map(Satisfaction).collect()))
    }
    /// How much of `resourceQuantity` its satisfactions cover: the exact sum of their resource quantities (a satisfaction without one counts its commitment's or event's), in the intent's unit. Null when the intent has no resource quantity.
    async fn satisfied_quantity(&self, ctx: &Context<'_>) -> GqlResult<Option<Measure>> {
        Ok(self.progress(ctx).await?.resource.map(Measure))
    }
    /// How much of `effortQuantity` its satisfactions cover, as `satisfiedQuantity` does for the resource quantity.
    async fn satisfied_effort_quantity(&self, ctx: &Context<'_>) -> GqlResult<Option<Measure>> {
        Ok(self.progress(ctx).await?.effort.map(Measure))
    }
    /// True when the satisfactions cover every quantity the intent plans (or, when it plans none, when it has any satisfaction). Derived; independent of `finished`.
    async fn is_satisfied(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        Ok(self.progress(ctx).await?.complete)
    }
    /// Defines the process to which this intent is an input.
    async fn input_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Process>> {
        load_process(ctx, self.0.data.input_of).await
    }
    /// Defines the process to which this intent is an output.
    async fn output_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Process>> {
        load_process(ctx, self.0.data.output_of).await
    }
}

// ----- inputs -----------------------------------------------------------------------------

/// Fields of a new intent: an offer (with a provider) or a request (with a receiver).
#[derive(InputObject)]
pub struct IntentCreateParams {
    /// (`Action`) Relates an intent to a verb, such as consume, produce, work, improve, etc.
    pub action: ID,
    /// An informal or formal textual identifier for an intent. Does not imply uniqueness.
    pub name: Option<String>,
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    pub resource_classified_as: Option<Vec<Uri>>,
    /// The amount and unit of the economic resource counted or inventoried.
    pub resource_quantity: Option<IMeasure>,
    /// The amount and unit of the work or use or citation effort-based action.
    pub effort_quantity: Option<IMeasure>,
    /// The total quantity of the offered resource available.
    pub available_quantity: Option<IMeasure>,
    /// The planned beginning of the intent.
    pub has_beginning: Option<DateTime>,
    /// The planned end of the intent.
    pub has_end: Option<DateTime>,
    /// The planned date/time for the intent. Can be used instead of beginning and end.
    pub has_point_in_time: Option<DateTime>,
    /// The time something is expected to be complete.
    pub due: Option<DateTime>,
    /// The uri to an image relevant to the intent, such as a photo.
    pub image: Option<Uri>,
    /// URI addresses to images relevant to the intent.
    pub image_list: Option<Vec<Uri>>,
    /// A textual description or comment.
    pub note: Option<String>,
    /// Reference to an agreement between agents which specifies the rules or policies or calculations which govern this intent.
    pub agreed_in: Option<Uri>,
    /// The intent is complete or not.
    pub finished: Option<bool>,
    /// (`Agent`) The economic agent from whom the intent is initiated. This implies that the intent is an offer.
    pub provider: Option<ID>,
    /// (`Agent`) The economic agent whom the intent is for.  This implies that the intent is a request.
    pub receiver: Option<ID>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    pub in_scope_of: Option<Vec<ID>>,
    /// (`SpatialThing`) The place where an intent occurs. Usually mappable.
    pub at_location: Option<ID>,
    /// (`EconomicResource`) When a specific `EconomicResource` is known which can service the `Intent`, this defines that resource.
    pub resource_inventoried_as: Option<ID>,
    /// (`ResourceSpecification`) The primary resource specification or definition of an existing or potential economic resource.
    pub resource_conforms_to: Option<ID>,
    /// (`Process`) Defines the process to which this intent is an input.
    pub input_of: Option<ID>,
    /// (`Process`) Defines the process to which this intent is an output.
    pub output_of: Option<ID>,
}

/// Changes to an intent: an omitted field stays, `null` erases it.
#[derive(InputObject)]
pub struct IntentUpdateParams {
    pub revision_id: ID,
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// (`Action`) Relates an intent to a verb, such as consume, produce, work, improve, etc.
    #[graphql(default)]
    pub action: MaybeUndefined<ID>,
    #[graphql(default)]
    pub resource_classified_as: MaybeUndefined<Vec<Uri>>,
    #[graphql(default)]
    pub resource_quantity: MaybeUndefined<IMeasure>,
    #[graphql(default)]
    pub effort_quantity: MaybeUndefined<IMeasure>,
    #[graphql(default)]
    pub available_quantity: MaybeUndefined<IMeasure>,
    #[graphql(default)]
    pub has_beginning: MaybeUndefined<DateTime>,
    #[graphql(default)]
    pub has_end: MaybeUndefined<DateTime>,
    #[graphql(default)]
    pub has_point_in_time: MaybeUndefined<DateTime>,
    #[graphql(default)]
    pub due: MaybeUndefined<DateTime>,
    #[graphql(default)]
    pub image: MaybeUndefined<Uri>,
    #[graphql(default)]
    pub image_list: MaybeUndefined<Vec<Uri>>,
    #[graphql(default)]
    pub finished: MaybeUndefined<bool>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    #[graphql(default)]
    pub agreed_in: MaybeUndefined<Uri>,
    #[graphql(default)]
    pub provider: MaybeUndefined<ID>,
    #[graphql(default)]
    pub receiver: MaybeUndefined<ID>,
    #[graphql(default)]
    pub in_scope_of: MaybeUndefined<Vec<ID>>,
    #[graphql(default)]
    pub at_location: MaybeUndefined<ID>,
    #[graphql(default)]
    pub resource_inventoried_as: MaybeUndefined<ID>,
    #[graphql(default)]
    pub resource_conforms_to: MaybeUndefined<ID>,
    #[graphql(default)]
    pub input_of: MaybeUndefined<ID>,
    #[graphql(default)]
    pub output_of: MaybeUndefined<ID>,
}

/// The intent created or updated.
#[derive(SimpleObject)]
pub struct IntentResponse {
    intent: Intent,
}

impl IntentCreateParams {
    fn into_domain(self) -> Result<vf::Intent, AppError> {
        let id = |f: &str, v: &Option<ID>| parse_opt_id(f, v);
        let mut i = vf::Intent::new(vf::IntentId::new(Uuid::now_v7()), parse_action("action", &self.action)?);
        i.name = self.name;
        i.provider = id("provider", &self.provider)?.map(vf::AgentId::new);
        i.receiver = id("receiver", &self.receiver)?.map(vf::AgentId::new);
        i.resource_classified_as = Uri::strings(self.resource_classified_as);
        i.resource_quantity = measure("resourceQuantity", &self.resource_quantity)?;
        i.effort_quantity = measure("effortQuantity", &self.effort_quantity)?;
        i.available_quantity = measure("availableQuantity", &self.available_quantity)?;
        i.has_beginning = self.has_beginning.map(|d| d.0);
        i.has_end = self.has_end.map(|d| d.0);
        i.has_point_in_time = self.has_point_in_time.map(|d| d.0);
        i.due = self.due.map(|d| d.0);
        i.image = self.image.map(|u| u.0);
        i.image_list = Uri::strings(self.image_list);
        i.note = self.note;
        i.agreed_in = self.agreed_in.map(|u| u.0);
        i.finished = self.finished.unwrap_or(false);
        i.in_scope_of = parse_ids("inScopeOf", &self.in_scope_of)?.into_iter().map(vf::AgentId::new).collect();
        i.at_location = id("atLocation", &self.at_location)?.map(vf::SpatialThingId::new);
        i.resource_inventoried_as =
            id("resourceInventoriedAs", &self.resource_inventoried_as)?.map(vf::ResourceId::new);
        i.resource_conforms_to =
            id("resourceConformsTo", &self.resource_conforms_to)?.map(vf::ResourceSpecificationId::new);
        i.input_of = id("inputOf", &self.input_of)?.map(vf::ProcessId::new);
        i.output_of = id("outputOf", &self.output_of)?.map(vf::ProcessId::new);
        Ok(i)
    }
}

// ----- queries and mutations --------------------------------------------------------------

/// Intent queries.
#[derive(Default)]
pub struct IntentQuery;

#[Object]
impl IntentQuery {
    async fn intent(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Intent>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, INTENT).await?.map(Intent))
    }

    async fn intents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<IntentFilterParams>,
    ) -> GqlResult<IntentConnection> {
        require_read(ctx)?;
        let filters = match filter {
            Some(f) => f.criteria()?.to_filters(),
            None => Vec::new(),
        };
        Ok(intents_page(ctx, filters, PageArgs::new(first, after, last, before)).await?)
    }
}

/// Intent mutations.
#[derive(Default)]
pub struct IntentMutation;

#[Object]
impl IntentMutation {
    async fn create_intent(&self, ctx: &Context<'_>, intent: IntentCreateParams) -> GqlResult<IntentResponse> {
        let author = require_write(ctx)?;
        let i = intent.into_domain()?;
        let row = app(ctx).create(&i, author).await?;
        Ok(IntentResponse { intent: written(row, kind::INTENT, Intent)? })
    }

    async fn update_intent(&self, ctx: &Context<'_>, intent: IntentUpdateParams) -> GqlResult<IntentResponse> {
        let author = require_write(ctx)?;
        let p = intent;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let action = match &p.action {
            MaybeUndefined::Value(a) => Some(parse_action("action", a)?),
            MaybeUndefined::Null => return Err(AppError::invalid("action", "`action` cannot be null").into()),
            MaybeUndefined::Undefined => None,
        };
        let provider = id_patch("provider", p.provider, vf::AgentId::new)?;
        let receiver = id_patch("receiver", p.receiver, vf::AgentId::new)?;
        let at_location = id_patch("atLocation", p.at_location, vf::SpatialThingId::new)?;
        let inventoried = id_patch("resourceInventoriedAs", p.resource_inventoried_as, vf::ResourceId::new)?;
        let conforms = id_patch("resourceConformsTo", p.resource_conforms_to, vf::ResourceSpecificationId::new)?;
        let input_of = id_patch("inputOf", p.input_of, vf::ProcessId::new)?;
        let output_of = id_patch("outputOf", p.output_of, vf::ProcessId::new)?;
        let resource_quantity = measure_patch("resourceQuantity", p.resource_quantity)?;
        let effort_quantity = measure_patch("effortQuantity", p.effort_quantity)?;
        let available_quantity = measure_patch("availableQuantity", p.available_quantity)?;
        let scopes_given = !p.in_scope_of.is_undefined();
        let mut scopes_new = Vec::new();
        ids_patch("inScopeOf", &mut scopes_new, p.in_scope_of, vf::AgentId::new)?;
        let row = app(ctx)
            .update(
                INTENT,
                rev,
                move |mut i: vf::Intent| {
                    patch(&mut i.name, p.name);
                    if let Some(a) = action {
                        i.action = a;
                    }
                    uri_list_patch(&mut i.resource_classified_as, p.resource_classified_as);
                    patch(&mut i.resource_quantity, resource_quantity);
                    patch(&mut i.effort_quantity, effort_quantity);
                    patch(&mut i.available_quantity, available_quantity);
                    patch(&mut i.has_beginning, p.has_beginning.map_value(|d| d.0));
                    patch(&mut i.has_end, p.has_end.map_value(|d| d.0));
                    patch(&mut i.has_point_in_time, p.has_point_in_time.map_value(|d| d.0));
                    patch(&mut i.due, p.due.map_value(|d| d.0));
                    patch(&mut i.image, p.image.map_value(|u| u.0));
                    uri_list_patch(&mut i.image_list, p.image_list);
                    finished_patch(&mut i.finished, p.finished);
                    patch(&mut i.note, p.note);
                    patch(&mut i.agreed_in, p.agreed_in.map_value(|u| u.0));
                    patch(&mut i.provider, provider);
                    patch(&mut i.receiver, receiver);
                    if scopes_given {
                        i.in_scope_of = scopes_new;
                    }
                    patch(&mut i.at_location, at_location);
                    patch(&mut i.resource_inventoried_as, inventoried);
                    patch(&mut i.resource_conforms_to, conforms);
                    patch(&mut i.input_of, input_of);
                    patch(&mut i.output_of, output_of);
                    Ok(i)
                },
                author,
            )
            .await?;
        Ok(IntentResponse { intent: written(row, kind::INTENT, Intent)? })
    }

    /// Deletes an intent nothing depends on: refused (CONFLICT) while a satisfaction refers to it.
    async fn delete_intent(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(INTENT, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }
}
