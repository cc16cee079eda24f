//! The proposal module: published offers and requests, the intents they publish (primary
//! or reciprocal), the agents they are proposed to, the `offers` and `requests` lists,
//! and the ValueFlows 1.0 `purpose`.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::{AccountingScope, Agent, required_agent, scopes, written};
use super::agreement::now;
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::geolocation::{SpatialThing, load_place};
use super::history::RecordMeta;
use super::loaders::{load_many, load_rec, referrers, unreferenced};
use super::proposal_list::ProposalList;
use super::scalars::DateTime;
use super::{Rec, app, id_patch, ids_patch, parse_id, parse_ids, parse_opt_id, patch, require_read, require_write};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::{Filter, ListQuery};

const PROPOSAL: &[&str] = &[kind::PROPOSAL];

/// The type of a proposal (ValueFlows 1.0): an offer or a request.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub enum ProposalPurpose {
    /// The proposal is an offer.
    Offer,
    /// The proposal is a published request, need or want.
    Request,
}

impl From<ProposalPurpose> for vf::ProposalPurpose {
    fn from(p: ProposalPurpose) -> Self {
        match p {
            ProposalPurpose::Offer => vf::ProposalPurpose::Offer,
            ProposalPurpose::Request => vf::ProposalPurpose::Request,
        }
    }
}

impl From<vf::ProposalPurpose> for ProposalPurpose {
    fn from(p: vf::ProposalPurpose) -> Self {
        match p {
            vf::ProposalPurpose::Offer => ProposalPurpose::Offer,
            vf::ProposalPurpose::Request => ProposalPurpose::Request,
        }
    }
}

/// Published requests or offers, sometimes with what is expected in return.
#[derive(Clone)]
pub struct Proposal(pub Rec<vf::Proposal>);

/// A proposal from its row.
pub fn proposal_node(m: &record::Model) -> Result<Proposal, AppError> {
    Ok(Proposal(Rec::from_model(m)?))
}

/// A proposal that must exist (a required field).
async fn required_proposal(ctx: &Context<'_>, id: vf::ProposalId) -> GqlResult<Proposal> {
    load_rec(ctx, id.uuid(), PROPOSAL)
        .await?
        .map(Proposal)
        .ok_or_else(|| AppError::NotFound(format!("proposal {id} is gone")).into())
}

#[Object]
impl Proposal {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for a proposal. Does not imply uniqueness.
    async fn name(&self) -> Option<String> {
        self.0.data.name.clone()
    }
    /// The beginning time of proposal publication.
    async fn has_beginning(&self) -> Option<DateTime> {
        self.0.data.has_beginning.map(DateTime)
    }
    /// The end time of proposal publication.
    async fn has_end(&self) -> Option<DateTime> {
        self.0.data.has_end.map(DateTime)
    }
    /// This proposal contains unit based quantities, which can be multiplied to create commitments; commonly seen in a price list or e-commerce.
    async fn unit_based(&self) -> Option<bool> {
        Some(self.0.data.unit_based)
    }
    /// The date and time the proposal was created.
    async fn created(&self) -> Option<DateTime> {
        self.0.data.created.map(DateTime)
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// The intents this proposal publishes, primary and reciprocal.
    async fn publishes(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<ProposedIntent>>> {
        let ids = referrers(ctx, &[kind::PROPOSED_INTENT], "publishedIn", self.0.id).await?;
        let rows = load_many(ctx, &ids, &[kind::PROPOSED_INTENT]).await?;
        Ok(Some(rows.iter().map(|m| Ok(ProposedIntent(Rec::from_model(m)?))).collect::<Result<_, AppError>>()?))
    }
    /// The primary intents of this proposal: what is offered or requested.
    async fn primary_intents(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::intent::Intent>>> {
        Ok(Some(self.intents(ctx, false).await?))
    }
    /// The reciprocal intents of this proposal: what is asked or given in return.
    async fn reciprocal_intents(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::intent::Intent>>> {
        Ok(Some(self.intents(ctx, true).await?))
    }
    /// The agents this proposal is published to.
    async fn published_to(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<ProposedTo>>> {
        let ids = referrers(ctx, &[kind::PROPOSED_TO], "proposed", self.0.id).await?;
        let rows = load_many(ctx, &ids, &[kind::PROPOSED_TO]).await?;
        Ok(Some(rows.iter().map(|m| Ok(ProposedTo(Rec::from_model(m)?))).collect::<Result<_, AppError>>()?))
    }
    /// Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    async fn in_scope_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<AccountingScope>>> {
        scopes(ctx, &self.0.data.in_scope_of).await
    }
    /// Location or area where the proposal is valid.
    async fn eligible_location(&self, ctx: &Context<'_>) -> GqlResult<Option<SpatialThing>> {
        load_place(ctx, self.0.data.eligible_location).await
    }
    /// ValueFlows 1.0: the type of proposal, offer or request, when stated (see `offers` and `requests` for how an unstated one is classified).
    async fn purpose(&self) -> Option<ProposalPurpose> {
        self.0.data.purpose.map(ProposalPurpose::from)
    }
    /// ValueFlows 1.0: the proposal lists this proposal is part of.
    async fn listed_in(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<ProposalList>>> {
        let ids: Vec<Uuid> = self.0.data.listed_in.iter().map(|l| l.uuid()).collect();
        let rows = load_many(ctx, &ids, &[kind::PROPOSAL_LIST]).await?;
        Ok(Some(rows.iter().map(|m| Ok(ProposalList(Rec::from_model(m)?))).collect::<Result<_, AppError>>()?))
    }
    /// True when no record refers to the proposal (no proposed intent or recipient), so it can be deleted.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(unreferenced(ctx, self.0.id).await?))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Proposal>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Proposal))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

impl Proposal {
    /// The intents this proposal publishes on one side (reciprocal or primary), in the order
    /// they were proposed.
    async fn intents(&self, ctx: &Context<'_>, reciprocal: bool) -> Result<Vec<super::intent::Intent>, AppError> {
        let ids = referrers(ctx, &[kind::PROPOSED_INTENT], "publishedIn", self.0.id).await?;
        let mut intents = Vec::new();
        for m in load_many(ctx, &ids, &[kind::PROPOSED_INTENT]).await? {
            let pi: vf::ProposedIntent = crate::app::observation::parse(&m)?;
            if pi.reciprocal == reciprocal {
                intents.push(pi.publishes);
            }
        }
        let rows = load_many(ctx, &intents, &[kind::INTENT]).await?;
        rows.iter().map(super::intent::intent_node).collect()
    }
}

/// Represents many-to-many relationships between Proposals and Intents, supporting including intents in multiple proposals, as well as a proposal including multiple intents.
#[derive(Clone)]
pub struct ProposedIntent(pub Rec<vf::ProposedIntent>);

#[Object]
impl ProposedIntent {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// This is a reciprocal intent of this proposal, not primary. Not meant to be used for intent matching.
    async fn reciprocal(&self) -> Option<bool> {
        Some(self.0.data.reciprocal)
    }
    /// The published proposal which this intent is part of.
    async fn published_in(&self, ctx: &Context<'_>) -> GqlResult<Proposal> {
        required_proposal(ctx, self.0.data.published_in).await
    }
    /// The intent which is part of this published proposal.
    async fn publishes(&self, ctx: &Context<'_>) -> GqlResult<super::intent::Intent> {
        let rows = load_many(ctx, &[self.0.data.publishes], &[kind::INTENT]).await?;
        match rows.first() {
            Some(m) => Ok(super::intent::intent_node(m)?),
            None => Err(AppError::NotFound(format!("intent {} is not stored here", self.0.data.publishes)).into()),
        }
    }
    /// True: nothing refers to a proposed intent, so it can always be deleted.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(unreferenced(ctx, self.0.id).await?))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<ProposedIntent>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(ProposedIntent))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

/// An agent to which the proposal is to be published.  A proposal can be published to many agents.
#[derive(Clone)]
pub struct ProposedTo(pub Rec<vf::ProposedTo>);

#[Object]
impl ProposedTo {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// The agent to which the proposal is published.
    async fn proposed_to(&self, ctx: &Context<'_>) -> GqlResult<Agent> {
        required_agent(ctx, self.0.data.proposed_to.uuid()).await
    }
    /// The proposal that is published to a specific agent.
    async fn proposed(&self, ctx: &Context<'_>) -> GqlResult<Proposal> {
        required_proposal(ctx, self.0.data.proposed).await
    }
    /// True: nothing refers to a proposed-to, so it can always be deleted.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(unreferenced(ctx, self.0.id).await?))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<ProposedTo>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(ProposedTo))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

connection!(ProposalConnection, ProposalEdge, Proposal, "proposals");

/// Query parameters for reading `Proposal`s related to an `Agent`
#[derive(InputObject, Default)]
#[graphql(name = "agentProposalSearchParams")]
pub struct AgentProposalSearchParams {
    /// Proposals whose name or note contains this text (case-insensitive).
    pub search_string: Option<String>,
}

/// Filter on proposal lists; every given condition must hold.
#[derive(InputObject, Default)]
pub struct ProposalFilterParams {
    /// Proposals published now (true: `hasBeginning` not after now and `hasEnd` not before; false: the others).
    pub active: Option<bool>,
    /// Proposals in scope of any of these agents.
    pub in_scope_of: Option<Vec<ID>>,
    /// Proposals that are offers (true) or are not (false), as `offers` lists them.
    pub is_offer: Option<bool>,
    /// Proposals that are requests (true) or are not (false), as `requests` lists them.
    pub is_request: Option<bool>,
}

/// The index filters of a proposal filter.
async fn proposal_filters(ctx: &Context<'_>, f: ProposalFilterParams) -> Result<Vec<Filter>, AppError> {
    let mut out = Vec::new();
    if let Some(active) = f.active {
        let t = now().to_rfc3339();
        let window = vec![
            Filter::Range { field: "publishedFrom".to_owned(), min: None, max: Some(t.clone()) },
            Filter::Range { field: "publishedUntil".to_owned(), min: Some(t), max: None },
        ];
        if active {
            out.extend(window);
        } else {
            out.push(Filter::Not(window));
        }
    }
    let scopes = parse_ids("inScopeOf", &f.in_scope_of)?;
    if !scopes.is_empty() {
        out.push(Filter::AnyOf { field: "inScopeOf".to_owned(), values: scopes.iter().map(Uuid::to_string).collect() });
    }
    for (wanted, purpose) in [(f.is_offer, vf::ProposalPurpose::Offer), (f.is_request, vf::ProposalPurpose::Request)] {
        if let Some(wanted) = wanted {
            let ids = crate::app::proposal::with_purpose(app(ctx).store().db(), purpose).await?;
            out.push(if wanted { Filter::IdIn(ids) } else { Filter::Not(vec![Filter::IdIn(ids)]) });
        }
    }
    Ok(out)
}

/// A page of proposals matching `filters`.
pub async fn proposals_connection(
    ctx: &Context<'_>,
    filters: Vec<Filter>,
    args: PageArgs,
) -> Result<ProposalConnection, AppError> {
    let q = ListQuery { kinds: PROPOSAL.to_vec(), filters };
    let (items, info) = list(ctx, q, &args, proposal_node).await?;
    Ok(ProposalConnection::new(items, info))
}

/// `Agent.proposals`: proposals in scope of the agent or publishing intents it provides or receives.
pub async fn agent_proposals(
    ctx: &Context<'_>,
    agent: Uuid,
    filter: Option<AgentProposalSearchParams>,
    args: PageArgs,
) -> GqlResult<Option<ProposalConnection>> {
    let ids = crate::app::proposal::of_agent(app(ctx).store().db(), agent).await?;
    let mut filters = vec![Filter::IdIn(ids)];
    if let Some(s) = filter.and_then(|f| f.search_string).filter(|s| !s.is_empty()) {
        filters.push(Filter::Contains { field: "text".to_owned(), needle: s.to_lowercase() });
    }
    Ok(Some(proposals_connection(ctx, filters, args).await?))
}

/// `Agent.proposalsInScope`: proposals in scope of the agent.
pub async fn agent_proposals_in_scope(
    ctx: &Context<'_>,
    agent: Uuid,
    args: PageArgs,
) -> GqlResult<Option<ProposalConnection>> {
    let filters = vec![Filter::AnyOf { field: "inScopeOf".to_owned(), values: vec![agent.to_string()] }];
    Ok(Some(proposals_connection(ctx, filters, args).await?))
}

/// `Agent.proposalsTo`: proposals published to the agent, directly or in a proposal list.
pub async fn agent_proposals_to(
    ctx: &Context<'_>,
    agent: Uuid,
    args: PageArgs,
) -> GqlResult<Option<ProposalConnection>> {
    let ids = crate::app::proposal::to_agent(app(ctx).store().db(), agent).await?;
    Ok(Some(proposals_connection(ctx, vec![Filter::IdIn(ids)], args).await?))
}

/// Fields of a new proposal.
#[derive(InputObject)]
pub struct ProposalCreateParams {
    /// An informal or formal textual identifier for a proposal. Does not imply uniqueness.
    pub name: Option<String>,
    /// The beginning time of proposal publication.
    pub has_beginning: Option<DateTime>,
    /// The end time of proposal publication.
    pub has_end: Option<DateTime>,
    /// This proposal contains unit based quantities, which can be multipied to create commitments; commonly seen in a price list or e-commerce.
    pub unit_based: Option<bool>,
    /// A textual description or comment.
    pub note: Option<String>,
    /// The date and time the proposal was created (the time of this request when omitted).
    pub created: Option<DateTime>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    pub in_scope_of: Option<Vec<ID>>,
    /// (`SpatialThing`) The location at which this proposal is eligible.
    pub eligible_location: Option<ID>,
    /// ValueFlows 1.0: offer or request.
    pub purpose: Option<ProposalPurpose>,
    /// (`ProposalList`) ValueFlows 1.0: the proposal lists this proposal is part of.
    pub listed_in: Option<Vec<ID>>,
}

/// Changes to a proposal.
#[derive(InputObject)]
pub struct ProposalUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for a proposal. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// The beginning date/time of proposal publication.
    #[graphql(default)]
    pub has_beginning: MaybeUndefined<DateTime>,
    /// The end time of proposal publication.
    #[graphql(default)]
    pub has_end: MaybeUndefined<DateTime>,
    /// This proposal contains unit based quantities, which can be multipied to create commitments; commonly seen in a price list or e-commerce.
    #[graphql(default)]
    pub unit_based: MaybeUndefined<bool>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    #[graphql(default)]
    pub in_scope_of: MaybeUndefined<Vec<ID>>,
    /// (`SpatialThing`) The location at which this proposal is eligible.
    #[graphql(default)]
    pub eligible_location: MaybeUndefined<ID>,
    /// ValueFlows 1.0: offer or request (null: unstated).
    #[graphql(default)]
    pub purpose: MaybeUndefined<ProposalPurpose>,
    /// (`ProposalList`) ValueFlows 1.0: the proposal lists this proposal is part of.
    #[graphql(default)]
    pub listed_in: MaybeUndefined<Vec<ID>>,
}

/// The proposal created or updated.
#[derive(SimpleObject)]
pub struct ProposalResponse {
    proposal: Proposal,
}

/// The proposed intent created.
#[derive(SimpleObject)]
pub struct ProposedIntentResponse {
    proposed_intent: ProposedIntent,
}

/// The proposed-to created.
#[derive(SimpleObject)]
pub struct ProposedToResponse {
    proposed_to: ProposedTo,
}

/// Proposal queries.
#[derive(Default)]
pub struct ProposalQuery;

#[Object]
impl ProposalQuery {
    async fn proposal(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Proposal>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, PROPOSAL).await?.map(Proposal))
    }

    async fn proposals(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<ProposalFilterParams>,
    ) -> GqlResult<ProposalConnection> {
        require_read(ctx)?;
        let filters = match filter {
            Some(f) => proposal_filters(ctx, f).await?,
            None => Vec::new(),
        };
        Ok(proposals_connection(ctx, filters, PageArgs::new(first, after, last, before)).await?)
    }

    /// List all proposals that are being listed as offers: those whose stated `purpose` is offer, and those without a stated purpose whose primary (non-reciprocal) intents all name a provider and leave the receiver open.
    async fn offers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<ProposalConnection> {
        require_read(ctx)?;
        let ids = crate::app::proposal::with_purpose(app(ctx).store().db(), vf::ProposalPurpose::Offer).await?;
        Ok(proposals_connection(ctx, vec![Filter::IdIn(ids)], PageArgs::new(first, after, last, before)).await?)
    }

    /// List all proposals that are being listed as requests: those whose stated `purpose` is request, and those without a stated purpose whose primary (non-reciprocal) intents all name a receiver and leave the provider open.
    async fn requests(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<ProposalConnection> {
        require_read(ctx)?;
        let ids = crate::app::proposal::with_purpose(app(ctx).store().db(), vf::ProposalPurpose::Request).await?;
        Ok(proposals_connection(ctx, vec![Filter::IdIn(ids)], PageArgs::new(first, after, last, before)).await?)
    }
}

fn list_ids_of<T>(field: &str, ids: &Option<Vec<ID>>, wrap: impl Fn(Uuid) -> T) -> Result<Vec<T>, AppError> {
    Ok(parse_ids(field, ids)?.into_iter().map(wrap).collect())
}

/// Proposal mutations.
#[derive(Default)]
pub struct ProposalMutation;

#[Object]
impl ProposalMutation {
    async fn create_proposal(&self, ctx: &Context<'_>, proposal: ProposalCreateParams) -> GqlResult<ProposalResponse> {
        let author = require_write(ctx)?;
        let p = proposal;
        let rec = vf::Proposal {
            id: vf::ProposalId::new(Uuid::now_v7()),
            name: p.name,
            has_beginning: p.has_beginning.map(|d| d.0),
            has_end: p.has_end.map(|d| d.0),
            unit_based: p.unit_based.unwrap_or(false),
            created: Some(p.created.map_or_else(now, |d| d.0)),
            note: p.note,
            in_scope_of: list_ids_of("inScopeOf", &p.in_scope_of, vf::AgentId::new)?,
            eligible_location: parse_opt_id("eligibleLocation", &p.eligible_location)?.map(vf::SpatialThingId::new),
            purpose: p.purpose.map(Into::into),
            listed_in: list_ids_of("listedIn", &p.listed_in, vf::ProposalListId::new)?,
        };
        let row = app(ctx).create(&rec, author).await?;
        Ok(ProposalResponse { proposal: written(row, kind::PROPOSAL, Proposal)? })
    }

    async fn update_proposal(&self, ctx: &Context<'_>, proposal: ProposalUpdateParams) -> GqlResult<ProposalResponse> {
        let author = require_write(ctx)?;
        let p = proposal;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let place = id_patch("eligibleLocation", p.eligible_location, vf::SpatialThingId::new)?;
        let (scopes_given, lists_given) = (!p.in_scope_of.is_undefined(), !p.listed_in.is_undefined());
        let (mut scopes_new, mut lists_new) = (Vec::new(), Vec::new());
        ids_patch("inScopeOf", &mut scopes_new, p.in_scope_of, vf::AgentId::new)?;
        ids_patch("listedIn", &mut lists_new, p.listed_in, vf::ProposalListId::new)?;
        let row = app(ctx)
            .update(
                PROPOSAL,
                rev,
                move |mut x: vf::Proposal| {
                    patch(&mut x.name, p.name);
                    patch(&mut x.has_beginning, p.has_beginning.map_value(|d| d.0));
                    patch(&mut x.has_end, p.has_end.map_value(|d| d.0));
                    match p.unit_based {
                        MaybeUndefined::Value(b) => x.unit_based = b,
                        MaybeUndefined::Null => x.unit_based = false,
                        MaybeUndefined::Undefined => {}
                    }
                    patch(&mut x.note, p.note);
                    if scopes_given {
                        x.in_scope_of = scopes_new;
                    }
                    patch(&mut x.eligible_location, place);
                    patch(&mut x.purpose, p.purpose.map_value(Into::into));
                    if lists_given {
                        x.listed_in = lists_new;
                    }
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(ProposalResponse { proposal: written(row, kind::PROPOSAL, Proposal)? })
    }

    /// Deletes a proposal that publishes no intent and is proposed to no agent.
    async fn delete_proposal(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(PROPOSAL, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }

    /// Include an existing intent as part of a proposal.
    /// @param publishedIn the (`Proposal`) to include the intent in
    /// @param publishes the (`Intent`) to include as part of the proposal
    async fn propose_intent(
        &self,
        ctx: &Context<'_>,
        published_in: ID,
        publishes: ID,
        reciprocal: Option<bool>,
    ) -> GqlResult<ProposedIntentResponse> {
        let author = require_write(ctx)?;
        let rec = vf::ProposedIntent {
            id: vf::ProposedIntentId::new(Uuid::now_v7()),
            published_in: vf::ProposalId::new(parse_id("publishedIn", &published_in)?),
            publishes: parse_id("publishes", &publishes)?,
            reciprocal: reciprocal.unwrap_or(false),
        };
        let row = app(ctx).create(&rec, author).await?;
        Ok(ProposedIntentResponse { proposed_intent: written(row, kind::PROPOSED_INTENT, ProposedIntent)? })
    }

    async fn delete_proposed_intent(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx)
            .delete(&[kind::PROPOSED_INTENT], DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author)
            .await?)
    }

    /// Send a proposal to another agent.
    /// @param proposed the (`Proposal`) to send to an involved agent
    /// @param proposedTo the (`Agent`) to include in the proposal
    async fn propose_to(&self, ctx: &Context<'_>, proposed: ID, proposed_to: ID) -> GqlResult<ProposedToResponse> {
        let author = require_write(ctx)?;
        let rec = vf::ProposedTo {
            id: vf::ProposedToId::new(Uuid::now_v7()),
            proposed: vf::ProposalId::new(parse_id("proposed", &proposed)?),
            proposed_to: vf::AgentId::new(parse_id("proposedTo", &proposed_to)?),
        };
        let row = app(ctx).create(&rec, author).await?;
        Ok(ProposedToResponse { proposed_to: written(row, kind::PROPOSED_TO, ProposedTo)? })
    }

    async fn delete_proposed_to(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx)
            .delete(&[kind::PROPOSED_TO], DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author)
            .await?)
    }
}
