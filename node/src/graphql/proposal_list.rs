//! ValueFlows 1.0 proposal lists, served as an extension of the proposal module: a
//! grouping of proposals published together (a price list), proposed to agents.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::{Agent, agent_node, written};
use super::agreement::now;
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::loaders::{load_many, load_rec, referrers, unreferenced};
use super::proposal::{Proposal, proposal_node};
use super::scalars::DateTime;
use super::{Rec, app, ids_patch, parse_id, parse_ids, patch, require_read, require_write};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::store::records::ListQuery;

const LIST: &[&str] = &[kind::PROPOSAL_LIST];

/// ValueFlows 1.0: a grouping of proposals, for publishing as a list (for example a price list).
#[derive(Clone)]
pub struct ProposalList(pub Rec<vf::ProposalList>);

#[Object]
impl ProposalList {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for the list. Does not imply uniqueness.
    async fn name(&self) -> Option<String> {
        self.0.data.name.clone()
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// The date and time the list was created.
    async fn created(&self) -> Option<DateTime> {
        self.0.data.created.map(DateTime)
    }
    /// The agents to which the list (and so each of its proposals) is published.
    async fn proposed_to(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Agent>>> {
        let ids: Vec<Uuid> = self.0.data.proposed_to.iter().map(|a| a.uuid()).collect();
        let rows = load_many(ctx, &ids, kind::AGENTS).await?;
        Ok(Some(rows.iter().map(agent_node).collect::<Result<_, _>>()?))
    }
    /// All the proposals included in this list (those naming it in `listedIn`).
    async fn lists(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Proposal>>> {
        let ids = referrers(ctx, &[kind::PROPOSAL], "listedIn", self.0.id).await?;
        let rows = load_many(ctx, &ids, &[kind::PROPOSAL]).await?;
        Ok(Some(rows.iter().map(proposal_node).collect::<Result<_, _>>()?))
    }
    /// True when no proposal is listed in it, so it can be deleted.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(unreferenced(ctx, self.0.id).await?))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<ProposalList>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(ProposalList))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

connection!(ProposalListConnection, ProposalListEdge, ProposalList, "proposal lists");

/// Fields of a new proposal list.
#[derive(InputObject)]
pub struct ProposalListCreateParams {
    /// An informal or formal textual identifier for the list. Does not imply uniqueness.
    pub name: Option<String>,
    /// A textual description or comment.
    pub note: Option<String>,
    /// The date and time the list was created (the time of this request when omitted).
    pub created: Option<DateTime>,
    /// (`Agent`) The agents to which the list is published.
    pub proposed_to: Option<Vec<ID>>,
}

/// Changes to a proposal list.
#[derive(InputObject)]
pub struct ProposalListUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for the list. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// The date and time the list was created.
    #[graphql(default)]
    pub created: MaybeUndefined<DateTime>,
    /// (`Agent`) The agents to which the list is published.
    #[graphql(default)]
    pub proposed_to: MaybeUndefined<Vec<ID>>,
}

/// The proposal list created or updated.
#[derive(SimpleObject)]
pub struct ProposalListResponse {
    proposal_list: ProposalList,
}

/// Proposal list queries.
#[derive(Default)]
pub struct ProposalListQuery;

#[Object]
impl ProposalListQuery {
    /// ValueFlows 1.0: a proposal list by its id.
    async fn proposal_list(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<ProposalList>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, LIST).await?.map(ProposalList))
    }

    /// ValueFlows 1.0: all proposal lists.
    async fn proposal_lists(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<ProposalListConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: LIST.to_vec(), filters: Vec::new() };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(ProposalList(Rec::from_model(m)?))).await?;
        Ok(ProposalListConnection::new(items, info))
    }
}

/// Proposal list mutations.
#[derive(Default)]
pub struct ProposalListMutation;

#[Object]
impl ProposalListMutation {
    /// ValueFlows 1.0: creates a proposal list; proposals join it through their `listedIn`.
    async fn create_proposal_list(
        &self,
        ctx: &Context<'_>,
        proposal_list: ProposalListCreateParams,
    ) -> GqlResult<ProposalListResponse> {
        let author = require_write(ctx)?;
        let l = proposal_list;
        let rec = vf::ProposalList {
            id: vf::ProposalListId::new(Uuid::now_v7()),
            name: l.name,
            note: l.note,
            created: Some(l.created.map_or_else(now, |d| d.0)),
            proposed_to: parse_ids("proposedTo", &l.proposed_to)?.into_iter().map(vf::AgentId::new).collect(),
        };
        let row = app(ctx).create(&rec, author).await?;
        Ok(ProposalListResponse { proposal_list: written(row, kind::PROPOSAL_LIST, ProposalList)? })
    }

    /// ValueFlows 1.0: changes a proposal list.
    async fn update_proposal_list(
        &self,
        ctx: &Context<'_>,
        proposal_list: ProposalListUpdateParams,
    ) -> GqlResult<ProposalListResponse> {
        let author = require_write(ctx)?;
        let l = proposal_list;
        let rev = parse_id("revisionId", &l.revision_id)?;
        let agents_given = !l.proposed_to.is_undefined();
        let mut agents = Vec::new();
        ids_patch("proposedTo", &mut agents, l.proposed_to, vf::AgentId::new)?;
        let row = app(ctx)
            .update(
                LIST,
                rev,
                move |mut x: vf::ProposalList| {
                    patch(&mut x.name, l.name);
                    patch(&mut x.note, l.note);
                    patch(&mut x.created, l.created.map_value(|d| d.0));
                    if agents_given {
                        x.proposed_to = agents;
                    }
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(ProposalListResponse { proposal_list: written(row, kind::PROPOSAL_LIST, ProposalList)? })
    }

    /// ValueFlows 1.0: deletes a proposal list no proposal is listed in.
    async fn delete_proposal_list(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(LIST, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }
}
