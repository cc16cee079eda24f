//! The fulfillment module: which events fulfil which commitments, and by how much.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::written;
use super::commitment::{COMMITMENT, Commitment};
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::loaders::{load_many, load_rec, parse, referrers};
use super::measurement::{IMeasure, Measure};
use super::measurement::{measure, measure_patch};
use super::observation::EconomicEvent;
use super::{Rec, app, id_patch, parse_id, parse_ids, patch, patch_required, require_read, require_write};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::records::{Filter, ListQuery};

/// The fulfillment kind, for loads and lists.
pub const FULFILLMENT: &[&str] = &[kind::FULFILLMENT];

/// Represents many-to-many relationships between commitments and economic events that fully or partially satisfy one or more commitments.
#[derive(Clone)]
pub struct Fulfillment(pub Rec<vf::Fulfillment>);

connection!(FulfillmentConnection, FulfillmentEdge, Fulfillment, "fulfillments");

#[Object]
impl Fulfillment {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// The economic event which completely or partially fulfills a commitment.
    async fn fulfilled_by(&self, ctx: &Context<'_>) -> GqlResult<EconomicEvent> {
        let id = self.0.data.fulfilled_by.uuid();
        load_rec(ctx, id, &[kind::ECONOMIC_EVENT])
            .await?
            .map(EconomicEvent)
            .ok_or_else(|| AppError::NotFound(format!("economic event {id} is gone")).into())
    }
    /// The commitment which is completely or partially fulfilled by an economic event.
    async fn fulfills(&self, ctx: &Context<'_>) -> GqlResult<Commitment> {
        let id = self.0.data.fulfills.uuid();
        load_rec(ctx, id, COMMITMENT)
            .await?
            .map(Commitment)
            .ok_or_else(|| AppError::NotFound(format!("commitment {id} is gone")).into())
    }
    /// The amount and unit of the economic resource counted or inventoried. When absent, the fulfilling event's whole resource quantity counts.
    async fn resource_quantity(&self) -> Option<Measure> {
        self.0.data.resource_quantity.map(Measure)
    }
    /// The amount and unit of the work or use or citation effort-based action. When absent, the fulfilling event's whole effort quantity counts.
    async fn effort_quantity(&self) -> Option<Measure> {
        self.0.data.effort_quantity.map(Measure)
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Fulfillment>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Fulfillment))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

/// The fulfillments an event makes.
pub async fn fulfillments_by(ctx: &Context<'_>, event: Uuid) -> Result<Vec<Fulfillment>, AppError> {
    let ids = referrers(ctx, FULFILLMENT, "fulfilledBy", event).await?;
    load_many(ctx, &ids, FULFILLMENT).await?.iter().map(|m| Ok(Fulfillment(parse(ctx, m)?))).collect()
}

/// Filter on fulfillment lists.
#[derive(InputObject, Default)]
pub struct FulfillmentFilterParams {
    /// Match Fulfillments fulfilling any of the given Commitments
    pub fulfills: Option<Vec<ID>>,
    /// Match Fulfillments fulfilled by any of the given EconomicEvents
    pub fulfilled_by: Option<Vec<ID>>,
}

/// Fields of a new fulfillment.
#[derive(InputObject)]
pub struct FulfillmentCreateParams {
    /// (`EconomicEvent`) The economic event which completely or partially fulfills a commitment.
    pub fulfilled_by: ID,
    /// (`Commitment`) The commitment which is completely or partially fulfilled by an economic event.
    pub fulfills: ID,
    /// The amount and unit of the economic resource counted or inventoried: in the commitment's unit. When absent, the event's whole resource quantity counts.
    pub resource_quantity: Option<IMeasure>,
    /// The amount and unit of the work or use or citation effort-based action: in the commitment's unit. When absent, the event's whole effort quantity counts.
    pub effort_quantity: Option<IMeasure>,
    /// A textual description or comment.
    pub note: Option<String>,
}

/// Changes to a fulfillment: an omitted field stays, `null` erases it.
#[derive(InputObject)]
pub struct FulfillmentUpdateParams {
    pub revision_id: ID,
    /// (`EconomicEvent`) The economic event which completely or partially fulfills a commitment.
    #[graphql(default)]
    pub fulfilled_by: MaybeUndefined<ID>,
    /// (`Commitment`) The commitment which is completely or partially fulfilled by an economic event.
    #[graphql(default)]
    pub fulfills: MaybeUndefined<ID>,
    #[graphql(default)]
    pub resource_quantity: MaybeUndefined<IMeasure>,
    #[graphql(default)]
    pub effort_quantity: MaybeUndefined<IMeasure>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The fulfillment created or updated.
#[derive(SimpleObject)]
pub struct FulfillmentResponse {
    fulfillment: Fulfillment,
}

/// Fulfillment queries.
#[derive(Default)]
pub struct FulfillmentQuery;

#[Object]
impl FulfillmentQuery {
    async fn fulfillment(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Fulfillment>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, FULFILLMENT).await?.map(Fulfillment))
    }

    async fn fulfillments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<FulfillmentFilterParams>,
    ) -> GqlResult<FulfillmentConnection> {
        require_read(ctx)?;
        let mut filters = Vec::new();
        if let Some(f) = filter {
            for (field, ids) in [("fulfills", &f.fulfills), ("fulfilledBy", &f.fulfilled_by)] {
                let ids = parse_ids(field, ids)?;
                if !ids.is_empty() {
                    filters.push(Filter::AnyOf {
                        field: field.to_owned(),
                        values: ids.iter().map(Uuid::to_string).collect(),
                    });
                }
            }
        }
        let q = ListQuery { kinds: FULFILLMENT.to_vec(), filters };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(Fulfillment(Rec::from_model(m)?))).await?;
        Ok(FulfillmentConnection::new(items, info))
    }
}

/// Fulfillment mutations.
#[derive(Default)]
pub struct FulfillmentMutation;

#[Object]
impl FulfillmentMutation {
    /// Records that an event fulfills (part of) a commitment. Its quantities, or the event's when it gives none, must be in the units of the commitment's quantities.
    async fn create_fulfillment(
        &self,
        ctx: &Context<'_>,
        fulfillment: FulfillmentCreateParams,
    ) -> GqlResult<FulfillmentResponse> {
        let author = require_write(ctx)?;
        let p = fulfillment;
        let f = vf::Fulfillment {
            id: vf::FulfillmentId::new(Uuid::now_v7()),
            fulfilled_by: vf::EventId::new(parse_id("fulfilledBy", &p.fulfilled_by)?),
            fulfills: vf::CommitmentId::new(parse_id("fulfills", &p.fulfills)?),
            resource_quantity: measure("resourceQuantity", &p.resource_quantity)?,
            effort_quantity: measure("effortQuantity", &p.effort_quantity)?,
            note: p.note,
        };
        let row = app(ctx).create(&f, author).await?;
        Ok(FulfillmentResponse { fulfillment: written(row, kind::FULFILLMENT, Fulfillment)? })
    }

    async fn update_fulfillment(
        &self,
        ctx: &Context<'_>,
        fulfillment: FulfillmentUpdateParams,
    ) -> GqlResult<FulfillmentResponse> {
        let author = require_write(ctx)?;
        let p = fulfillment;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let by = id_patch("fulfilledBy", p.fulfilled_by, vf::EventId::new)?;
        let of = id_patch("fulfills", p.fulfills, vf::CommitmentId::new)?;
        let resource_quantity = measure_patch("resourceQuantity", p.resource_quantity)?;
        let effort_quantity = measure_patch("effortQuantity", p.effort_quantity)?;
        let row = app(ctx)
            .update(
                FULFILLMENT,
                rev,
                move |mut f: vf::Fulfillment| {
                    patch_required("fulfilledBy", &mut f.fulfilled_by, by)?;
                    patch_required("fulfills", &mut f.fulfills, of)?;
                    patch(&mut f.resource_quantity, resource_quantity);
                    patch(&mut f.effort_quantity, effort_quantity);
                    patch(&mut f.note, p.note);
                    Ok(f)
                },
                author,
            )
            .await?;
        Ok(FulfillmentResponse { fulfillment: written(row, kind::FULFILLMENT, Fulfillment)? })
    }

    async fn delete_fulfillment(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(FULFILLMENT, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }
}
