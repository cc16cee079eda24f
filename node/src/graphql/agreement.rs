//! The agreement module: agreements among agents, the economic events that realize them
//! (`EconomicEvent.realizationOf`) and the agents involved.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::{AgentConnection, agent_node, written};
use super::connection::{PageArgs, list, list_ids};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::loaders::{load_many, load_rec, referrers, unreferenced};
use super::observation::{EconomicEvent, event_node};
use super::scalars::DateTime;
use super::{Rec, app, parse_id, patch, require_read, require_write};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::records::{self, ListQuery};

const AGREEMENT: &[&str] = &[kind::AGREEMENT];

/// Any type of agreement among economic agents.
#[derive(Clone)]
pub struct Agreement(pub Rec<vf::Agreement>);

/// Loads an agreement that may be absent.
pub async fn load_agreement(ctx: &Context<'_>, id: Option<vf::AgreementId>) -> GqlResult<Option<Agreement>> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), AGREEMENT).await?.map(Agreement)),
        None => Ok(None),
    }
}

impl Agreement {
    async fn realizations(&self, ctx: &Context<'_>) -> Result<Vec<Uuid>, AppError> {
        referrers(ctx, &[kind::ECONOMIC_EVENT], "realizationOf", self.0.id).await
    }
}

#[Object]
impl Agreement {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for an agreement. Does not imply uniqueness.
    async fn name(&self) -> Option<String> {
        self.0.data.name.clone()
    }
    /// The date and time the agreement was created.
    async fn created(&self) -> Option<DateTime> {
        self.0.data.created.map(DateTime)
    }
    /// The commitments that are clauses of this agreement.
    async fn commitments(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::commitment::Commitment>>> {
        let ids = referrers(ctx, &[kind::COMMITMENT], "clauseOf", self.0.id).await?;
        let rows = load_many(ctx, &ids, &[kind::COMMITMENT]).await?;
        Ok(Some(rows.iter().map(super::commitment::commitment_node).collect::<Result<_, AppError>>()?))
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// Agents that provide or receive the economic events (and, with planning, the commitments) of the agreement.
    async fn involved_agents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<AgentConnection>> {
        let values = records::linked_values(
            app(ctx).store().db(),
            &["realizationOf", "clauseOf"],
            &self.0.id.to_string(),
            &["provider", "receiver"],
        )
        .await
        .map_err(AppError::from)?;
        let mut ids: Vec<Uuid> = values.iter().filter_map(|v| Uuid::parse_str(v).ok()).collect();
        ids.sort();
        let (items, info) =
            list_ids(ctx, &ids, kind::AGENTS, &PageArgs::new(first, after, last, before), agent_node).await?;
        Ok(Some(AgentConnection::new(items, info)))
    }
    /// The economic events that occur as part of this agreement.
    async fn economic_events(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<EconomicEvent>>> {
        let ids = self.realizations(ctx).await?;
        let rows = load_many(ctx, &ids, &[kind::ECONOMIC_EVENT]).await?;
        Ok(Some(rows.iter().map(event_node).collect::<Result<_, _>>()?))
    }
    /// The economic events of this agreement that fulfill no commitment.
    async fn unplanned_economic_events(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<EconomicEvent>>> {
        let ids = self.realizations(ctx).await?;
        let values: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let planned: Vec<String> =
            records::ids_where(app(ctx).store().db(), &[kind::FULFILLMENT], "fulfilledBy", &values)
                .await
                .map_err(AppError::from)?
                .into_iter()
                .map(|(event, _)| event)
                .collect();
        let unplanned: Vec<Uuid> = ids.into_iter().filter(|id| !planned.contains(&id.to_string())).collect();
        let rows = load_many(ctx, &unplanned, &[kind::ECONOMIC_EVENT]).await?;
        Ok(Some(rows.iter().map(event_node).collect::<Result<_, _>>()?))
    }
    /// True when no record refers to the agreement (no event realizes it), so it can be deleted.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(unreferenced(ctx, self.0.id).await?))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Agreement>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Agreement))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

connection!(AgreementConnection, AgreementEdge, Agreement, "agreements");

/// Fields of a new agreement.
#[derive(InputObject)]
pub struct AgreementCreateParams {
    /// An informal or formal textual identifier for an agreement. Does not imply uniqueness.
    pub name: Option<String>,
    /// The date and time the agreement was created (the time of this request when omitted).
    pub created: Option<DateTime>,
    /// A textual description or comment.
    pub note: Option<String>,
}

/// Changes to an agreement.
#[derive(InputObject)]
pub struct AgreementUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for an agreement. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// The date and time the agreement was created.
    #[graphql(default)]
    pub created: MaybeUndefined<DateTime>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The agreement created or updated.
#[derive(SimpleObject)]
pub struct AgreementResponse {
    agreement: Agreement,
}

/// Agreement queries.
#[derive(Default)]
pub struct AgreementQuery;

#[Object]
impl AgreementQuery {
    async fn agreement(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Agreement>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, AGREEMENT).await?.map(Agreement))
    }

    async fn agreements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<AgreementConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: AGREEMENT.to_vec(), filters: Vec::new() };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(Agreement(Rec::from_model(m)?))).await?;
        Ok(AgreementConnection::new(items, info))
    }
}

/// The time of the request, for `created` fields the client leaves out.
pub fn now() -> vf::Timestamp {
    vf::Timestamp::from_datetime(chrono::Utc::now())
}

/// Agreement mutations.
#[derive(Default)]
pub struct AgreementMutation;

#[Object]
impl AgreementMutation {
    async fn create_agreement(
        &self,
        ctx: &Context<'_>,
        agreement: Option<AgreementCreateParams>,
    ) -> GqlResult<AgreementResponse> {
        let author = require_write(ctx)?;
        let a = agreement.unwrap_or(AgreementCreateParams { name: None, created: None, note: None });
        let rec = vf::Agreement {
            id: vf::AgreementId::new(Uuid::now_v7()),
            name: a.name,
            created: Some(a.created.map_or_else(now, |d| d.0)),
            note: a.note,
        };
        let row = app(ctx).create(&rec, author).await?;
        Ok(AgreementResponse { agreement: written(row, kind::AGREEMENT, Agreement)? })
    }

    async fn update_agreement(
        &self,
        ctx: &Context<'_>,
        agreement: Option<AgreementUpdateParams>,
    ) -> GqlResult<AgreementResponse> {
        let author = require_write(ctx)?;
        let a =
            agreement.ok_or_else(|| AppError::invalid("agreement", "`agreement` with its `revisionId` is required"))?;
        let rev = parse_id("revisionId", &a.revision_id)?;
        let row = app(ctx)
            .update(
                AGREEMENT,
                rev,
                move |mut x: vf::Agreement| {
                    patch(&mut x.name, a.name);
                    patch(&mut x.created, a.created.map_value(|d| d.0));
                    patch(&mut x.note, a.note);
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(AgreementResponse { agreement: written(row, kind::AGREEMENT, Agreement)? })
    }

    /// Deletes an agreement no event realizes.
    async fn delete_agreement(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(AGREEMENT, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }
}
