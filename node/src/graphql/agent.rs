//! The agent module: people, organizations, their relationships and roles.

use async_graphql::{Context, ID, InputObject, Interface, MaybeUndefined, Object, Union};
use uuid::Uuid;
use valueflows_model as vf;

use super::claim::ClaimConnection;
use super::commitment::{CommitmentConnection, agent_commitments};
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::geolocation::SpatialThing;
use super::history::RecordMeta;
use super::intent::{IntentConnection, agent_intents};
use super::loaders::{load, load_rec, referrers};
use super::observation::{
    AgentEventFilterParams, AgentProcessFilterParams, AgentResourceFilterParams, EconomicEventConnection,
    EconomicResourceConnection, ProcessConnection, event_filters, events_connection, resource_node,
};
use super::plan::{AgentPlanFilterParams, PlanConnection, agent_plans};
use super::planned_flow::{AgentCommitmentFilterParams, AgentIntentFilterParams};
use super::proposal::{AgentProposalSearchParams, ProposalConnection};
use super::scalars::Uri;
use super::scenario::ScenarioConnection;
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

/// A person or group or organization with economic agency.
// The interface's field list repeats `ty = ...` on purpose; clippy reads that as duplicated attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface, Clone)]
#[graphql(
    field(name = "id", ty = "ID"),
    field(name = "revision_id", ty = "ID"),
    field(
        name = "name",
        ty = "String",
        desc = "An informal or formal textual identifier for an agent. Does not imply uniqueness."
    ),
    field(
        name = "image",
        ty = "Option<Uri>",
        desc = "The uri to an image relevant to the agent, such as a logo, avatar, photo, etc."
    ),
    field(name = "note", ty = "Option<String>"),
    field(
        name = "relationships",
        ty = "GqlResult<Option<AgentRelationshipConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>"),
        arg(name = "filter", ty = "Option<AgentRelationshipFilterParams>")
    ),
    field(
        name = "relationships_as_subject",
        ty = "GqlResult<Option<AgentRelationshipConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>"),
        arg(name = "filter", ty = "Option<AgentRelationshipFilterParams>")
    ),
    field(
        name = "relationships_as_object",
        ty = "GqlResult<Option<AgentRelationshipConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>"),
        arg(name = "filter", ty = "Option<AgentRelationshipFilterParams>")
    ),
    field(name = "roles", ty = "GqlResult<Option<Vec<AgentRelationshipRole>>>"),
    field(
        name = "primary_location",
        ty = "GqlResult<Option<SpatialThing>>",
        desc = "The main place an agent is located, often an address where activities occur and mail can be sent."
    ),
    field(
        name = "economic_events",
        ty = "GqlResult<Option<EconomicEventConnection>>",
        arg(name = "filter", ty = "Option<AgentEventFilterParams>"),
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "inventoried_economic_resources",
        ty = "GqlResult<Option<EconomicResourceConnection>>",
        arg(name = "filter", ty = "Option<AgentResourceFilterParams>"),
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "processes",
        ty = "GqlResult<Option<ProcessConnection>>",
        arg(name = "filter", ty = "Option<AgentProcessFilterParams>"),
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "economic_events_as_provider",
        ty = "GqlResult<Option<EconomicEventConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "economic_events_as_receiver",
        ty = "GqlResult<Option<EconomicEventConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "economic_events_in_scope",
        ty = "GqlResult<Option<EconomicEventConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "proposals",
        ty = "GqlResult<Option<ProposalConnection>>",
        arg(name = "filter", ty = "Option<AgentProposalSearchParams>"),
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "proposals_in_scope",
        ty = "GqlResult<Option<ProposalConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "proposals_to",
        ty = "GqlResult<Option<ProposalConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "claims",
        ty = "GqlResult<Option<ClaimConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "claims_as_provider",
        ty = "GqlResult<Option<ClaimConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "claims_as_receiver",
        ty = "GqlResult<Option<ClaimConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "claims_in_scope",
        ty = "GqlResult<Option<ClaimConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "scenarios_in_scope",
        ty = "GqlResult<Option<ScenarioConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "commitments",
        ty = "GqlResult<Option<CommitmentConnection>>",
        arg(name = "filter", ty = "Option<AgentCommitmentFilterParams>"),
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "commitments_as_provider",
        ty = "GqlResult<Option<CommitmentConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "commitments_as_receiver",
        ty = "GqlResult<Option<CommitmentConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "commitments_in_scope",
        ty = "GqlResult<Option<CommitmentConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "intents",
        ty = "GqlResult<Option<IntentConnection>>",
        arg(name = "filter", ty = "Option<AgentIntentFilterParams>"),
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "intents_as_provider",
        ty = "GqlResult<Option<IntentConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "intents_as_receiver",
        ty = "GqlResult<Option<IntentConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "intents_in_scope",
        ty = "GqlResult<Option<IntentConnection>>",
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(
        name = "plans",
        ty = "GqlResult<Option<PlanConnection>>",
        arg(name = "filter", ty = "Option<AgentPlanFilterParams>"),
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "after", ty = "Option<String>"),
        arg(name = "last", ty = "Option<i32>"),
        arg(name = "before", ty = "Option<String>")
    ),
    field(name = "revision", method = "agent_revision", ty = "Option<Agent>", arg(name = "revision_id", ty = "ID")),
    field(name = "meta", ty = "RecordMeta")
)]
pub enum Agent {
    /// A natural person.
    Person(Person),
    /// An organization or group.
    Organization(Organization),
}

/// A boundary or context grouped around some other record- used for documenting, accounting, planning.
#[derive(Union, Clone)]
pub enum AccountingScope {
    /// A person.
    Person(Person),
    /// An organization.
    Organization(Organization),
}

impl From<Agent> for AccountingScope {
    fn from(a: Agent) -> Self {
        match a {
            Agent::Person(p) => AccountingScope::Person(p),
            Agent::Organization(o) => AccountingScope::Organization(o),
        }
    }
}

/// An agent record in wire form, from its row.
pub fn agent_node(m: &record::Model) -> Result<Agent, AppError> {
    let rec = Rec::from_model(m)?;
    Ok(if m.kind == kind::PERSON { Agent::Person(Person(rec)) } else { Agent::Organization(Organization(rec)) })
}

/// Loads one live agent by id.
pub async fn load_agent(ctx: &Context<'_>, id: Uuid) -> Result<Option<Agent>, AppError> {
    let Some(m) = load(ctx, id, kind::AGENTS).await? else { return Ok(None) };
    let rec = super::loaders::parse(ctx, &m)?;
    Ok(Some(if m.kind == kind::PERSON { Agent::Person(Person(rec)) } else { Agent::Organization(Organization(rec)) }))
}

/// Loads agents for `inScopeOf`-style lists.
pub async fn scopes(ctx: &Context<'_>, ids: &[vf::AgentId]) -> GqlResult<Option<Vec<AccountingScope>>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let ids: Vec<Uuid> = ids.iter().map(|a| a.uuid()).collect();
    let rows = super::loaders::load_many(ctx, &ids, kind::AGENTS).await?;
    Ok(Some(rows.iter().map(|m| agent_node(m).map(AccountingScope::from)).collect::<Result<_, _>>()?))
}

/// Filter on agent lists.
#[derive(InputObject, Default)]
pub struct AgentFilterParams {
    /// Agents classified as any of these.
    pub classified_as: Option<Vec<ID>>,
}

/// Filter on an agent's relationships.
#[derive(InputObject, Default)]
pub struct AgentRelationshipFilterParams {
    /// Relationships with one of these roles.
    pub role_id: Option<Vec<ID>>,
    /// Relationships in scope of one of these agents.
    pub in_scope_of: Option<Vec<ID>>,
}

fn relationship_query(
    agent: Uuid,
    fields: Vec<&'static str>,
    filter: Option<AgentRelationshipFilterParams>,
) -> Result<ListQuery, AppError> {
    let mut filters = vec![Filter::AnyFieldOf { fields, values: vec![agent.to_string()] }];
    if let Some(f) = filter {
        let roles = parse_ids("roleId", &f.role_id)?;
        if !roles.is_empty() {
            filters.push(Filter::AnyOf {
                field: "relationship".to_owned(),
                values: roles.iter().map(Uuid::to_string).collect(),
            });
        }
        let scopes = parse_ids("inScopeOf", &f.in_scope_of)?;
        if !scopes.is_empty() {
            filters.push(Filter::AnyOf {
                field: "inScopeOf".to_owned(),
                values: scopes.iter().map(Uuid::to_string).collect(),
            });
        }
    }
    Ok(ListQuery { kinds: vec![kind::AGENT_RELATIONSHIP], filters })
}

async fn relationships_page(
    ctx: &Context<'_>,
    agent: Uuid,
    fields: Vec<&'static str>,
    args: PageArgs,
    filter: Option<AgentRelationshipFilterParams>,
) -> GqlResult<Option<AgentRelationshipConnection>> {
    let q = relationship_query(agent, fields, filter)?;
    let (items, info) = list(ctx, q, &args, |m| Ok(AgentRelationship(Rec::from_model(m)?))).await?;
    Ok(Some(AgentRelationshipConnection::new(items, info)))
}

async fn agent_events(
    ctx: &Context<'_>,
    agent: Uuid,
    fields: Vec<&'static str>,
    extra: Vec<Filter>,
    args: PageArgs,
) -> GqlResult<Option<EconomicEventConnection>> {
    let mut filters = vec![Filter::AnyFieldOf { fields, values: vec![agent.to_string()] }];
    filters.extend(extra);
    Ok(Some(events_connection(ctx, filters, args).await?))
}

macro_rules! agent_object {
    ($ty:ident, $doc:literal, { $($extra:tt)* }) => {
        #[doc = $doc]
        #[derive(Clone)]
        pub struct $ty(pub Rec<vf::Agent>);

        #[Object]
        impl $ty {
            async fn id(&self) -> ID {
                ID(self.0.id.to_string())
            }
            async fn revision_id(&self) -> ID {
                ID(self.0.revision_id.to_string())
            }
            /// An informal or formal textual identifier for an agent. Does not imply uniqueness.
            async fn name(&self) -> String {
                self.0.data.name.clone()
            }
            /// The uri to an image relevant to the agent, such as a logo, avatar, photo, etc.
            async fn image(&self) -> Option<Uri> {
                self.0.data.image.clone().map(Uri)
            }
            async fn note(&self) -> Option<String> {
                self.0.data.note.clone()
            }
            async fn relationships(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
                filter: Option<AgentRelationshipFilterParams>,
            ) -> GqlResult<Option<AgentRelationshipConnection>> {
                relationships_page(ctx, self.0.id, vec!["subject", "object"], PageArgs::new(first, after, last, before), filter).await
            }
            async fn relationships_as_subject(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
                filter: Option<AgentRelationshipFilterParams>,
            ) -> GqlResult<Option<AgentRelationshipConnection>> {
                relationships_page(ctx, self.0.id, vec!["subject"], PageArgs::new(first, after, last, before), filter).await
            }
            async fn relationships_as_object(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
                filter: Option<AgentRelationshipFilterParams>,
            ) -> GqlResult<Option<AgentRelationshipConnection>> {
                relationships_page(ctx, self.0.id, vec!["object"], PageArgs::new(first, after, last, before), filter).await
            }
            /// The roles this agent holds as the subject of its relationships.
            async fn roles(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<AgentRelationshipRole>>> {
                let rels = referrers(ctx, &[kind::AGENT_RELATIONSHIP], "subject", self.0.id).await?;
                let rows = super::loaders::load_many(ctx, &rels, &[kind::AGENT_RELATIONSHIP]).await?;
                let mut role_ids = Vec::new();
                for m in &rows {
                    let r: vf::AgentRelationship = crate::app::observation::parse(m)?;
                    if !role_ids.contains(&r.relationship.uuid()) {
                        role_ids.push(r.relationship.uuid());
                    }
                }
                let roles = super::loaders::load_many(ctx, &role_ids, &[kind::AGENT_RELATIONSHIP_ROLE]).await?;
                Ok(Some(roles.iter().map(|m| Ok(AgentRelationshipRole(Rec::from_model(m)?))).collect::<Result<_, AppError>>()?))
            }
            /// The main place an agent is located, often an address where activities occur and mail can be sent.
            async fn primary_location(&self, ctx: &Context<'_>) -> GqlResult<Option<SpatialThing>> {
                super::geolocation::load_place(ctx, self.0.data.primary_location).await
            }
            /// Events the agent provided or received.
            async fn economic_events(
                &self,
                ctx: &Context<'_>,
                filter: Option<AgentEventFilterParams>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<EconomicEventConnection>> {
                let extra = match filter {
                    Some(f) => event_filters(f.search_string, f.action.map(|a| vec![a]), None, f.start_date, f.end_date)?,
                    None => Vec::new(),
                };
                agent_events(ctx, self.0.id, vec!["provider", "receiver"], extra, PageArgs::new(first, after, last, before)).await
            }
            /// Resources the agent is primarily accountable for.
            async fn inventoried_economic_resources(
                &self,
                ctx: &Context<'_>,
                filter: Option<AgentResourceFilterParams>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<EconomicResourceConnection>> {
                let mut filters = vec![Filter::AnyOf {
                    field: "state.primaryAccountable".to_owned(),
                    values: vec![self.0.id.to_string()],
                }];
                if let Some(f) = filter {
                    if let Some(s) = f.search_string.filter(|s| !s.is_empty()) {
                        filters.push(Filter::Contains { field: "text".to_owned(), needle: s.to_lowercase() });
                    }
                    if let Some(c) = f.resource_classification {
                        filters.push(Filter::AnyOf { field: "classifiedAs".to_owned(), values: vec![c.0] });
                    }
                }
                let q = ListQuery { kinds: vec![kind::ECONOMIC_RESOURCE], filters };
                let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), resource_node).await?;
                Ok(Some(EconomicResourceConnection::new(items, info)))
            }
            /// Processes the agent took part in (as provider or receiver of their events).
            async fn processes(
                &self,
                ctx: &Context<'_>,
                filter: Option<AgentProcessFilterParams>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<ProcessConnection>> {
                let values = crate::store::records::linked_values(
                    app(ctx).store().db(),
                    &["provider", "receiver"],
                    &self.0.id.to_string(),
                    &["inputOf", "outputOf"],
                )
                .await
                .map_err(AppError::from)?;
                let mut ids: Vec<Uuid> = values.iter().filter_map(|v| Uuid::parse_str(v).ok()).collect();
                ids.sort();
                let mut filters = vec![Filter::IdIn(ids)];
                if let Some(f) = filter {
                    if let Some(s) = f.search_string.filter(|s| !s.is_empty()) {
                        filters.push(Filter::Contains { field: "text".to_owned(), needle: s.to_lowercase() });
                    }
                    if let Some(done) = f.finished {
                        filters.push(Filter::AnyOf { field: "finished".to_owned(), values: vec![done.to_string()] });
                    }
                }
                let q = ListQuery { kinds: vec![kind::PROCESS], filters };
                let (items, info) =
                    list(ctx, q, &PageArgs::new(first, after, last, before), super::observation::process_node).await?;
                Ok(Some(ProcessConnection::new(items, info)))
            }
            async fn economic_events_as_provider(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<EconomicEventConnection>> {
                agent_events(ctx, self.0.id, vec!["provider"], Vec::new(), PageArgs::new(first, after, last, before)).await
            }
            async fn economic_events_as_receiver(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<EconomicEventConnection>> {
                agent_events(ctx, self.0.id, vec!["receiver"], Vec::new(), PageArgs::new(first, after, last, before)).await
            }
            async fn economic_events_in_scope(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<EconomicEventConnection>> {
                agent_events(ctx, self.0.id, vec!["inScopeOf"], Vec::new(), PageArgs::new(first, after, last, before)).await
            }
            /// Proposals the agent takes part in: in its scope, or publishing an intent it provides or receives.
            async fn proposals(
                &self,
                ctx: &Context<'_>,
                filter: Option<AgentProposalSearchParams>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<ProposalConnection>> {
                super::proposal::agent_proposals(ctx, self.0.id, filter, PageArgs::new(first, after, last, before)).await
            }
            /// Proposals in scope of the agent.
            async fn proposals_in_scope(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<ProposalConnection>> {
                super::proposal::agent_proposals_in_scope(ctx, self.0.id, PageArgs::new(first, after, last, before)).await
            }
            /// Proposals published to the agent, directly or through a proposal list.
            async fn proposals_to(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<ProposalConnection>> {
                super::proposal::agent_proposals_to(ctx, self.0.id, PageArgs::new(first, after, last, before)).await
            }
            /// Claims the agent is expected to settle or is owed (vf-graphql types this `IntentConnection`, a known defect; these are claims).
            async fn claims(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<ClaimConnection>> {
                super::claim::agent_claims(ctx, self.0.id, vec!["provider", "receiver"], PageArgs::new(first, after, last, before)).await
            }
            /// Claims expected from the agent.
            async fn claims_as_provider(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<ClaimConnection>> {
                super::claim::agent_claims(ctx, self.0.id, vec!["provider"], PageArgs::new(first, after, last, before)).await
            }
            /// Claims owed to the agent.
            async fn claims_as_receiver(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<ClaimConnection>> {
                super::claim::agent_claims(ctx, self.0.id, vec!["receiver"], PageArgs::new(first, after, last, before)).await
            }
            /// Claims in scope of the agent.
            async fn claims_in_scope(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<ClaimConnection>> {
                super::claim::agent_claims(ctx, self.0.id, vec!["inScopeOf"], PageArgs::new(first, after, last, before)).await
            }
            /// Scenarios within the scope of this agent.
            async fn scenarios_in_scope(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<ScenarioConnection>> {
                super::scenario::scenarios_naming(ctx, "inScopeOf", self.0.id, PageArgs::new(first, after, last, before)).await
            }
            /// Commitments the agent provides or receives.
            async fn commitments(
                &self,
                ctx: &Context<'_>,
                filter: Option<AgentCommitmentFilterParams>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<CommitmentConnection>> {
                agent_commitments(ctx, self.0.id, vec!["provider", "receiver"], filter, PageArgs::new(first, after, last, before)).await
            }
            /// Commitments the agent provides.
            async fn commitments_as_provider(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<CommitmentConnection>> {
                agent_commitments(ctx, self.0.id, vec!["provider"], None, PageArgs::new(first, after, last, before)).await
            }
            /// Commitments the agent receives.
            async fn commitments_as_receiver(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<CommitmentConnection>> {
                agent_commitments(ctx, self.0.id, vec!["receiver"], None, PageArgs::new(first, after, last, before)).await
            }
            /// Commitments in the agent's scope.
            async fn commitments_in_scope(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<CommitmentConnection>> {
                agent_commitments(ctx, self.0.id, vec!["inScopeOf"], None, PageArgs::new(first, after, last, before)).await
            }
            /// Intents the agent offers (as provider) or requests (as receiver).
            async fn intents(
                &self,
                ctx: &Context<'_>,
                filter: Option<AgentIntentFilterParams>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<IntentConnection>> {
                agent_intents(ctx, self.0.id, vec!["provider", "receiver"], filter, PageArgs::new(first, after, last, before)).await
            }
            /// Intents the agent offers.
            async fn intents_as_provider(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<IntentConnection>> {
                agent_intents(ctx, self.0.id, vec!["provider"], None, PageArgs::new(first, after, last, before)).await
            }
            /// Intents the agent requests.
            async fn intents_as_receiver(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<IntentConnection>> {
                agent_intents(ctx, self.0.id, vec!["receiver"], None, PageArgs::new(first, after, last, before)).await
            }
            /// Intents in the agent's scope.
            async fn intents_in_scope(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<IntentConnection>> {
                agent_intents(ctx, self.0.id, vec!["inScopeOf"], None, PageArgs::new(first, after, last, before)).await
            }
            /// Plans the agent takes part in: in its scope, or holding commitments or process events it provides or receives.
            async fn plans(
                &self,
                ctx: &Context<'_>,
                filter: Option<AgentPlanFilterParams>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> GqlResult<Option<PlanConnection>> {
                agent_plans(ctx, self.0.id, filter, PageArgs::new(first, after, last, before)).await
            }
            async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<$ty>> {
                Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map($ty))
            }
            async fn meta(&self) -> RecordMeta {
                RecordMeta::of(&self.0)
            }
            $($extra)*
        }

        impl $ty {
            /// `revision` typed as the `Agent` interface.
            async fn agent_revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Agent>> {
                Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(|r| Agent::$ty($ty(r))))
            }
        }
    };
}

agent_object!(Person, "A natural person.", {});
agent_object!(Organization, "A formal or informal group, or legal organization.", {
    /// References one or more concepts in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    async fn classified_as(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.classified_as)
    }
});

/// The role of an economic relationship that exists between 2 agents, such as member, trading partner.
#[derive(Clone)]
pub struct AgentRelationship(pub Rec<vf::AgentRelationship>);

#[Object]
impl AgentRelationship {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// The subject of a relationship between 2 agents.  For example, if Mary is a member of a group, then Mary is the subject.
    async fn subject(&self, ctx: &Context<'_>) -> GqlResult<Agent> {
        required_agent(ctx, self.0.data.subject.uuid()).await
    }
    /// The object of a relationship between 2 agents.  For example, if Mary is a member of a group, then the group is the object.
    async fn object(&self, ctx: &Context<'_>) -> GqlResult<Agent> {
        required_agent(ctx, self.0.data.object.uuid()).await
    }
    async fn relationship(&self, ctx: &Context<'_>) -> GqlResult<AgentRelationshipRole> {
        let id = self.0.data.relationship.uuid();
        load_rec(ctx, id, &[kind::AGENT_RELATIONSHIP_ROLE])
            .await?
            .map(AgentRelationshipRole)
            .ok_or_else(|| AppError::NotFound(format!("role {id} is gone")).into())
    }
    /// Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    async fn in_scope_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<AccountingScope>>> {
        scopes(ctx, &self.0.data.in_scope_of).await
    }
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<AgentRelationship>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(AgentRelationship))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

/// An agent that must exist (a required field).
pub async fn required_agent(ctx: &Context<'_>, id: Uuid) -> GqlResult<Agent> {
    load_agent(ctx, id).await?.ok_or_else(|| AppError::NotFound(format!("agent {id} is gone")).into())
}

/// A relationship role defining the kind of association one agent can have with another.
#[derive(Clone)]
pub struct AgentRelationshipRole(pub Rec<vf::AgentRelationshipRole>);

#[Object]
impl AgentRelationshipRole {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    async fn role_label(&self) -> String {
        self.0.data.role_label.clone()
    }
    async fn inverse_role_label(&self) -> Option<String> {
        self.0.data.inverse_role_label.clone()
    }
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    async fn agent_relationships(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<AgentRelationshipConnection>> {
        let q = ListQuery {
            kinds: vec![kind::AGENT_RELATIONSHIP],
            filters: vec![Filter::AnyOf { field: "relationship".to_owned(), values: vec![self.0.id.to_string()] }],
        };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(AgentRelationship(Rec::from_model(m)?)))
                .await?;
        Ok(Some(AgentRelationshipConnection::new(items, info)))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<AgentRelationshipRole>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(AgentRelationshipRole))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

connection!(AgentConnection, AgentEdge, Agent, "agents");
connection!(PersonConnection, PersonEdge, Person, "people");
connection!(OrganizationConnection, OrganizationEdge, Organization, "organizations");
connection!(AgentRelationshipConnection, AgentRelationshipEdge, AgentRelationship, "agent relationships");
connection!(
    AgentRelationshipRoleConnection,
    AgentRelationshipRoleEdge,
    AgentRelationshipRole,
    "agent relationship roles"
);

fn agent_list_query(kinds: Vec<&'static str>, filter: Option<AgentFilterParams>) -> ListQuery {
    let mut filters = Vec::new();
    if let Some(c) = filter.and_then(|f| f.classified_as).filter(|c| !c.is_empty()) {
        filters.push(Filter::AnyOf { field: "classifiedAs".to_owned(), values: c.into_iter().map(|i| i.0).collect() });
    }
    ListQuery { kinds, filters }
}

/// Agent queries.
#[derive(Default)]
pub struct AgentQuery;

#[Object]
impl AgentQuery {
    /// The agent the request's token speaks for.
    async fn my_agent(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        match super::caller(ctx).agent {
            Some(a) => Ok(load_agent(ctx, a.uuid()).await?),
            None => Err(AppError::Unauthenticated("`myAgent` needs a bearer token".to_owned()).into()),
        }
    }

    /// Find an agent (person or organization) by their ID.
    async fn agent(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Agent>> {
        require_read(ctx)?;
        Ok(load_agent(ctx, parse_id("id", &id)?).await?)
    }

    /// Loads all agents publicly registered within this collaboration space.
    async fn agents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<AgentFilterParams>,
    ) -> GqlResult<AgentConnection> {
        require_read(ctx)?;
        let q = agent_list_query(kind::AGENTS.to_vec(), filter);
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), agent_node).await?;
        Ok(AgentConnection::new(items, info))
    }

    /// Find an organization (group) agent by its ID.
    async fn organization(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Organization>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, &[kind::ORGANIZATION]).await?.map(Organization))
    }

    /// Loads all organizations publicly registered within this collaboration space
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<AgentFilterParams>,
    ) -> GqlResult<OrganizationConnection> {
        require_read(ctx)?;
        let q = agent_list_query(vec![kind::ORGANIZATION], filter);
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(Organization(Rec::from_model(m)?))).await?;
        Ok(OrganizationConnection::new(items, info))
    }

    /// Find a person by their ID.
    async fn person(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Person>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, &[kind::PERSON]).await?.map(Person))
    }

    /// Loads all people who have publicly registered with this collaboration space.
    async fn people(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<AgentFilterParams>,
    ) -> GqlResult<PersonConnection> {
        require_read(ctx)?;
        let q = agent_list_query(vec![kind::PERSON], filter);
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(Person(Rec::from_model(m)?))).await?;
        Ok(PersonConnection::new(items, info))
    }

    /// Retrieve details of an agent relationship by its ID.
    async fn agent_relationship(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<AgentRelationship>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, &[kind::AGENT_RELATIONSHIP]).await?.map(AgentRelationship))
    }

    /// Retrieve details of all the relationships between all agents registered in this collaboration space
    async fn agent_relationships(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<AgentRelationshipConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: vec![kind::AGENT_RELATIONSHIP], filters: Vec::new() };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(AgentRelationship(Rec::from_model(m)?)))
                .await?;
        Ok(AgentRelationshipConnection::new(items, info))
    }

    /// Retrieve details of an agent relationship role by its ID.
    async fn agent_relationship_role(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<AgentRelationshipRole>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, &[kind::AGENT_RELATIONSHIP_ROLE]).await?.map(AgentRelationshipRole))
    }

    /// Retrieve all possible kinds of associations that agents may have with one another in this collaboration space
    async fn agent_relationship_roles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<AgentRelationshipRoleConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: vec![kind::AGENT_RELATIONSHIP_ROLE], filters: Vec::new() };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), |m| {
            Ok(AgentRelationshipRole(Rec::from_model(m)?))
        })
        .await?;
        Ok(AgentRelationshipRoleConnection::new(items, info))
    }
}

/// Fields of a new person.
#[derive(InputObject)]
pub struct AgentCreateParams {
    /// An informal or formal textual identifier for an agent. Does not imply uniqueness.
    pub name: String,
    /// The uri to an image relevant to the agent, such as a logo, avatar, photo, etc.
    pub image: Option<Uri>,
    pub note: Option<String>,
    /// (`SpatialThing`) The main place an agent is located.
    pub primary_location: Option<ID>,
}

/// Changes to a person.
#[derive(InputObject)]
pub struct AgentUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for an agent. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// The uri to an image relevant to the agent, such as a logo, avatar, photo, etc.
    #[graphql(default)]
    pub image: MaybeUndefined<Uri>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// (`SpatialThing`) The main place an agent is located.
    #[graphql(default)]
    pub primary_location: MaybeUndefined<ID>,
}

/// Fields of a new organization.
#[derive(InputObject)]
pub struct OrganizationCreateParams {
    /// An informal or formal textual identifier for an agent. Does not imply uniqueness.
    pub name: String,
    /// The uri to an image relevant to the agent, such as a logo, avatar, photo, etc.
    pub image: Option<Uri>,
    /// References one or more concepts in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    pub classified_as: Option<Vec<Uri>>,
    pub note: Option<String>,
    /// (`SpatialThing`) The main place an agent is located.
    pub primary_location: Option<ID>,
}

/// Changes to an organization.
#[derive(InputObject)]
pub struct OrganizationUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for an agent. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// The uri to an image relevant to the agent, such as a logo, avatar, photo, etc.
    #[graphql(default)]
    pub image: MaybeUndefined<Uri>,
    /// References one or more concepts in a common taxonomy or other classification scheme.
    #[graphql(default)]
    pub classified_as: MaybeUndefined<Vec<Uri>>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// (`SpatialThing`) The main place an agent is located.
    #[graphql(default)]
    pub primary_location: MaybeUndefined<ID>,
}

/// The person created or updated.
#[derive(async_graphql::SimpleObject)]
pub struct PersonResponse {
    agent: Person,
}

/// The organization created or updated.
#[derive(async_graphql::SimpleObject)]
pub struct OrganizationResponse {
    agent: Organization,
}

/// Fields of a new agent relationship.
#[derive(InputObject)]
pub struct AgentRelationshipCreateParams {
    /// (`Agent`) The subject of a relationship between 2 agents.
    pub subject: ID,
    /// (`Agent`) The object of a relationship between 2 agents.
    pub object: ID,
    /// (`AgentRelationshipRole`) The role of the relationship.
    pub relationship: ID,
    /// (`AccountingScope`) Grouping around something to create a boundary or context.
    pub in_scope_of: Option<Vec<ID>>,
    pub note: Option<String>,
}

/// Changes to an agent relationship.
#[derive(InputObject)]
pub struct AgentRelationshipUpdateParams {
    pub revision_id: ID,
    /// (`Agent`) The subject of a relationship between 2 agents.
    #[graphql(default)]
    pub subject: MaybeUndefined<ID>,
    /// (`Agent`) The object of a relationship between 2 agents.
    #[graphql(default)]
    pub object: MaybeUndefined<ID>,
    /// (`AgentRelationshipRole`) The role of the relationship.
    #[graphql(default)]
    pub relationship: MaybeUndefined<ID>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context.
    #[graphql(default)]
    pub in_scope_of: MaybeUndefined<Vec<ID>>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The relationship created or updated.
#[derive(async_graphql::SimpleObject)]
pub struct AgentRelationshipResponse {
    agent_relationship: AgentRelationship,
}

/// Fields of a new relationship role.
#[derive(InputObject)]
pub struct AgentRelationshipRoleCreateParams {
    /// The human readable name of the role, from the subject to the object. For example, 'is member of'.
    pub role_label: String,
    /// The human readable name of the role, inverse from the object to the subject. For example, 'has member'.
    pub inverse_role_label: Option<String>,
    pub note: Option<String>,
}

/// Changes to a relationship role.
#[derive(InputObject)]
pub struct AgentRelationshipRoleUpdateParams {
    pub revision_id: ID,
    /// The human readable name of the role, from the subject to the object.
    #[graphql(default)]
    pub role_label: MaybeUndefined<String>,
    /// The human readable name of the role, inverse from the object to the subject.
    #[graphql(default)]
    pub inverse_role_label: MaybeUndefined<String>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The role created or updated.
#[derive(async_graphql::SimpleObject)]
pub struct AgentRelationshipRoleResponse {
    agent_relationship_role: Option<AgentRelationshipRole>,
}

/// The wire form of a row the writer just committed.
pub fn written<T: serde::de::DeserializeOwned, N>(
    m: record::Model,
    k: &'static str,
    wrap: impl Fn(Rec<T>) -> N,
) -> GqlResult<N> {
    if m.kind != k {
        return Err(AppError::Internal(format!("wrote a {} where a {k} was expected", m.kind)).into());
    }
    Ok(wrap(Rec::from_model(&m)?))
}

/// Agent mutations.
#[derive(Default)]
pub struct AgentMutation;

fn new_agent(
    kind: vf::AgentKind,
    name: String,
    image: Option<Uri>,
    note: Option<String>,
    loc: Option<Uuid>,
    classified: Vec<String>,
) -> vf::Agent {
    vf::Agent {
        id: vf::AgentId::new(Uuid::now_v7()),
        kind,
        name,
        image: image.map(|u| u.0),
        note,
        primary_location: loc.map(vf::SpatialThingId::new),
        classified_as: classified,
    }
}

#[Object]
impl AgentMutation {
    /// Registers a new (human) person with the collaboration space
    async fn create_person(&self, ctx: &Context<'_>, person: AgentCreateParams) -> GqlResult<PersonResponse> {
        let author = require_write(ctx)?;
        let loc = parse_opt_id("primaryLocation", &person.primary_location)?;
        let a = new_agent(vf::AgentKind::Person, person.name, person.image, person.note, loc, Vec::new());
        let row = app(ctx).create(&a, author).await?;
        Ok(PersonResponse { agent: written(row, kind::PERSON, Person)? })
    }

    /// Update the details of an existing (human) person
    async fn update_person(&self, ctx: &Context<'_>, person: AgentUpdateParams) -> GqlResult<PersonResponse> {
        let author = require_write(ctx)?;
        let rev = parse_id("revisionId", &person.revision_id)?;
        let loc = id_patch("primaryLocation", person.primary_location, vf::SpatialThingId::new)?;
        let row = app(ctx)
            .update(
                &[kind::PERSON],
                rev,
                move |mut a: vf::Agent| {
                    patch_required("name", &mut a.name, person.name)?;
                    patch(&mut a.image, person.image.map_value(|u| u.0));
                    patch(&mut a.note, person.note);
                    patch(&mut a.primary_location, loc);
                    Ok(a)
                },
                author,
            )
            .await?;
        Ok(PersonResponse { agent: written(row, kind::PERSON, Person)? })
    }

    /// Erase record of a person and thus remove them from the collaboration space
    async fn delete_person(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx)
            .delete(&[kind::PERSON], DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author)
            .await?)
    }

    /// Registers a new organization (group agent) with the collaboration space
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        organization: OrganizationCreateParams,
    ) -> GqlResult<OrganizationResponse> {
        let author = require_write(ctx)?;
        let o = organization;
        let loc = parse_opt_id("primaryLocation", &o.primary_location)?;
        let a = new_agent(vf::AgentKind::Organization, o.name, o.image, o.note, loc, Uri::strings(o.classified_as));
        let row = app(ctx).create(&a, author).await?;
        Ok(OrganizationResponse { agent: written(row, kind::ORGANIZATION, Organization)? })
    }

    /// Update the details of an existing organization
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        organization: OrganizationUpdateParams,
    ) -> GqlResult<OrganizationResponse> {
        let author = require_write(ctx)?;
        let o = organization;
        let rev = parse_id("revisionId", &o.revision_id)?;
        let loc = id_patch("primaryLocation", o.primary_location, vf::SpatialThingId::new)?;
        let row = app(ctx)
            .update(
                &[kind::ORGANIZATION],
                rev,
                move |mut a: vf::Agent| {
                    patch_required("name", &mut a.name, o.name)?;
                    patch(&mut a.image, o.image.map_value(|u| u.0));
                    patch(&mut a.note, o.note);
                    patch(&mut a.primary_location, loc);
                    uri_list_patch(&mut a.classified_as, o.classified_as);
                    Ok(a)
                },
                author,
            )
            .await?;
        Ok(OrganizationResponse { agent: written(row, kind::ORGANIZATION, Organization)? })
    }

    /// Erase record of an organization and thus remove it from the collaboration space
    async fn delete_organization(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx)
            .delete(&[kind::ORGANIZATION], DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author)
            .await?)
    }

    async fn create_agent_relationship(
        &self,
        ctx: &Context<'_>,
        relationship: AgentRelationshipCreateParams,
    ) -> GqlResult<AgentRelationshipResponse> {
        let author = require_write(ctx)?;
        let r = relationship;
        let rel = vf::AgentRelationship {
            id: vf::AgentRelationshipId::new(Uuid::now_v7()),
            subject: vf::AgentId::new(parse_id("subject", &r.subject)?),
            object: vf::AgentId::new(parse_id("object", &r.object)?),
            relationship: vf::AgentRelationshipRoleId::new(parse_id("relationship", &r.relationship)?),
            in_scope_of: parse_ids("inScopeOf", &r.in_scope_of)?.into_iter().map(vf::AgentId::new).collect(),
            note: r.note,
        };
        let row = app(ctx).create(&rel, author).await?;
        Ok(AgentRelationshipResponse { agent_relationship: written(row, kind::AGENT_RELATIONSHIP, AgentRelationship)? })
    }

    async fn update_agent_relationship(
        &self,
        ctx: &Context<'_>,
        relationship: AgentRelationshipUpdateParams,
    ) -> GqlResult<AgentRelationshipResponse> {
        let author = require_write(ctx)?;
        let r = relationship;
        let rev = parse_id("revisionId", &r.revision_id)?;
        let subject = id_patch("subject", r.subject, vf::AgentId::new)?;
        let object = id_patch("object", r.object, vf::AgentId::new)?;
        let role = id_patch("relationship", r.relationship, vf::AgentRelationshipRoleId::new)?;
        let mut scope_patch = Vec::new();
        let scope_given = !r.in_scope_of.is_undefined();
        ids_patch("inScopeOf", &mut scope_patch, r.in_scope_of, vf::AgentId::new)?;
        let note = r.note;
        let row = app(ctx)
            .update(
                &[kind::AGENT_RELATIONSHIP],
                rev,
                move |mut a: vf::AgentRelationship| {
                    patch_required("subject", &mut a.subject, subject)?;
                    patch_required("object", &mut a.object, object)?;
                    patch_required("relationship", &mut a.relationship, role)?;
                    if scope_given {
                        a.in_scope_of = scope_patch;
                    }
                    patch(&mut a.note, note);
                    Ok(a)
                },
                author,
            )
            .await?;
        Ok(AgentRelationshipResponse { agent_relationship: written(row, kind::AGENT_RELATIONSHIP, AgentRelationship)? })
    }

    async fn delete_agent_relationship(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx)
            .delete(&[kind::AGENT_RELATIONSHIP], DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author)
            .await?)
    }

    async fn create_agent_relationship_role(
        &self,
        ctx: &Context<'_>,
        agent_relationship_role: AgentRelationshipRoleCreateParams,
    ) -> GqlResult<AgentRelationshipRoleResponse> {
        let author = require_write(ctx)?;
        let r = agent_relationship_role;
        let role = vf::AgentRelationshipRole {
            id: vf::AgentRelationshipRoleId::new(Uuid::now_v7()),
            role_label: r.role_label,
            inverse_role_label: r.inverse_role_label,
            note: r.note,
        };
        let row = app(ctx).create(&role, author).await?;
        Ok(AgentRelationshipRoleResponse {
            agent_relationship_role: Some(written(row, kind::AGENT_RELATIONSHIP_ROLE, AgentRelationshipRole)?),
        })
    }

    async fn update_agent_relationship_role(
        &self,
        ctx: &Context<'_>,
        agent_relationship_role: AgentRelationshipRoleUpdateParams,
    ) -> GqlResult<AgentRelationshipRoleResponse> {
        let author = require_write(ctx)?;
        let r = agent_relationship_role;
        let rev = parse_id("revisionId", &r.revision_id)?;
        let row = app(ctx)
            .update(
                &[kind::AGENT_RELATIONSHIP_ROLE],
                rev,
                move |mut a: vf::AgentRelationshipRole| {
                    patch_required("roleLabel", &mut a.role_label, r.role_label)?;
                    patch(&mut a.inverse_role_label, r.inverse_role_label);
                    patch(&mut a.note, r.note);
                    Ok(a)
                },
                author,
            )
            .await?;
        Ok(AgentRelationshipRoleResponse {
            agent_relationship_role: Some(written(row, kind::AGENT_RELATIONSHIP_ROLE, AgentRelationshipRole)?),
        })
    }

    async fn delete_agent_relationship_role(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx)
            .delete(
                &[kind::AGENT_RELATIONSHIP_ROLE],
                DeleteTarget::Revision(parse_id("revisionId", &revision_id)?),
                author,
            )
            .await?)
    }
}
