//! Acknowledgements over GraphQL (an extension of vf-graphql): a resource's home node
//! confirming an event another node recorded on it, which until then is pending there
//! (see `app::ack`). Adds `EconomicEvent.acknowledgements`, `EconomicResource.pendingEvents`,
//! `homeNode` on both, and the `acknowledgeEconomicEvent` mutation.

use async_graphql::{Context, ID, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::{Agent, load_agent, written};
use super::error::GqlResult;
use super::loaders::{load, load_many, parse, referrers};
use super::observation::{EconomicEvent, EconomicResource, required_event};
use super::scalars::DateTime;
use super::{Rec, app, parse_id, require_write};
use crate::app::ack::{AckInput, Acknowledgement};
use crate::app::kinds::kind;
use crate::error::AppError;
use crate::store::entity::record;

const ACKNOWLEDGEMENT: &[&str] = &[kind::ACKNOWLEDGEMENT];
const EVENT: &[&str] = &[kind::ECONOMIC_EVENT];
const RESOURCE: &[&str] = &[kind::ECONOMIC_RESOURCE];

/// A resource's home node confirming an economic event that another node recorded on it
/// (receipt of a transfer, say). Until its home confirms, such an event is pending there:
/// it is listed in the resource's `pendingEvents` and does not change its quantities,
/// location or accountable agent, on any node.
#[derive(Clone)]
pub struct EventAcknowledgement(pub Rec<Acknowledgement>);

impl EventAcknowledgement {
    /// The stored row: who signed it, where and when.
    async fn row(&self, ctx: &Context<'_>) -> Result<record::Model, AppError> {
        load(ctx, self.0.id, ACKNOWLEDGEMENT)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("acknowledgement {} is gone", self.0.id)))
    }
}

#[Object]
impl EventAcknowledgement {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The event acknowledged.
    async fn event(&self, ctx: &Context<'_>) -> GqlResult<EconomicEvent> {
        required_event(ctx, self.0.data.event).await
    }
    /// The DID of the node that acknowledged: the home of the resources it lets the event change.
    async fn node(&self, ctx: &Context<'_>) -> GqlResult<String> {
        Ok(self.row(ctx).await?.origin)
    }
    /// The agent who acknowledged, as named in the node's signed op.
    async fn acknowledged_by(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        match self.row(ctx).await?.author {
            Some(a) => Ok(load_agent(ctx, a).await?),
            None => Ok(None),
        }
    }
    /// When the acknowledging node signed it.
    async fn acknowledged_at(&self, ctx: &Context<'_>) -> GqlResult<DateTime> {
        let at = self.row(ctx).await?.created_at;
        let t = vf::Timestamp::parse(&at).map_err(|e| AppError::Internal(format!("stored time `{at}`: {e}")))?;
        Ok(DateTime(t))
    }
    /// A remark, e.g. what was checked on receipt.
    async fn note(&self) -> Option<&str> {
        self.0.data.note.as_deref()
    }
    /// The event's resources homed at the acknowledging node: those this acknowledgement lets it change.
    async fn resources(&self, ctx: &Context<'_>) -> GqlResult<Vec<EconomicResource>> {
        let home = self.row(ctx).await?.origin;
        let Some(e) = load(ctx, self.0.data.event.uuid(), EVENT).await? else { return Ok(Vec::new()) };
        let event: vf::EconomicEvent = crate::app::observation::parse(&e)?;
        let ids: Vec<Uuid> = [event.resource_inventoried_as, event.to_resource_inventoried_as]
            .into_iter()
            .flatten()
            .map(|r| r.uuid())
            .collect();
        let rows = load_many(ctx, &ids, RESOURCE).await?;
        Ok(rows
            .iter()
            .filter(|m| m.origin == home)
            .map(|m| parse(ctx, m).map(EconomicResource))
            .collect::<Result<_, _>>()?)
    }
}

/// The acknowledgements of event `id`, oldest first.
pub async fn acknowledgements_of(ctx: &Context<'_>, id: Uuid) -> GqlResult<Vec<EventAcknowledgement>> {
    let ids = referrers(ctx, ACKNOWLEDGEMENT, "event", id).await?;
    let mut rows = load_many(ctx, &ids, ACKNOWLEDGEMENT).await?;
    rows.sort_by(|a, b| (&a.created_at, a.id).cmp(&(&b.created_at, b.id)));
    Ok(rows.iter().map(|m| parse(ctx, m).map(EventAcknowledgement)).collect::<Result<_, _>>()?)
}

/// The DID of the node a record is homed at.
pub async fn home_node(ctx: &Context<'_>, id: Uuid, kinds: &[&str]) -> GqlResult<Option<String>> {
    Ok(load(ctx, id, kinds).await?.map(|m| m.origin))
}

/// The acknowledgement written.
#[derive(SimpleObject)]
pub struct EventAcknowledgementResponse {
    acknowledgement: EventAcknowledgement,
}

/// Acknowledgement mutations.
#[derive(Default)]
pub struct AcknowledgementMutation;

#[Object]
impl AcknowledgementMutation {
    /// Confirms, as this node, an economic event another node recorded on a resource homed
    /// here (e.g. receipt of a transfer): from then on the event changes that resource, on
    /// every node. Needs `write`. Refused with `VALIDATION` for an event this node recorded
    /// itself or one naming no resource homed here, `NOT_FOUND` for an unknown event, and
    /// `CONFLICT` when this node has already acknowledged it.
    async fn acknowledge_economic_event(
        &self,
        ctx: &Context<'_>,
        event: ID,
        note: Option<String>,
    ) -> GqlResult<EventAcknowledgementResponse> {
        let author = require_write(ctx)?;
        let event = vf::EventId::new(parse_id("event", &event)?);
        let row = app(ctx).acknowledge(AckInput { event, note }, author).await?;
        Ok(EventAcknowledgementResponse { acknowledgement: written(row, kind::ACKNOWLEDGEMENT, EventAcknowledgement)? })
    }
}
