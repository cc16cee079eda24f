//! The satisfaction module: which commitments and events satisfy which intents, and by
//! how much.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject, Union};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::written;
use super::commitment::Commitment;
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::intent::{INTENT, Intent};
use super::loaders::{load, load_many, load_rec, parse, referrers};
use super::measurement::{IMeasure, Measure};
use super::measurement::{measure, measure_patch};
use super::observation::EconomicEvent;
use super::{Rec, app, id_patch, parse_id, parse_ids, patch, patch_required, require_read, require_write};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::records::{Filter, ListQuery};

/// The satisfaction kind, for loads and lists.
pub const SATISFACTION: &[&str] = &[kind::SATISFACTION];
/// What may satisfy an intent.
pub const SATISFIERS: &[&str] = &[kind::ECONOMIC_EVENT, kind::COMMITMENT];

/// An economic event or a commitment.
#[derive(Union, Clone)]
pub enum EventOrCommitment {
    /// An event.
    EconomicEvent(EconomicEvent),
    /// A commitment.
    Commitment(Commitment),
}

/// Represents many-to-many relationships between intents and commitments or events that partially or full satisfy one or more intents.
#[derive(Clone)]
pub struct Satisfaction(pub Rec<vf::Satisfaction>);

connection!(SatisfactionConnection, SatisfactionEdge, Satisfaction, "satisfactions");

#[Object]
impl Satisfaction {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An intent satisfied fully or partially by an economic event or commitment.
    async fn satisfies(&self, ctx: &Context<'_>) -> GqlResult<Intent> {
        let id = self.0.data.satisfies.uuid();
        load_rec(ctx, id, INTENT)
            .await?
            .map(Intent)
            .ok_or_else(|| AppError::NotFound(format!("intent {id} is gone")).into())
    }
    /// A commitment or economic event fully or partially satisfying an intent.
    async fn satisfied_by(&self, ctx: &Context<'_>) -> GqlResult<EventOrCommitment> {
        let id = self.0.data.satisfied_by.uuid();
        let m = load(ctx, id, SATISFIERS)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("economic event or commitment {id} is gone")))?;
        Ok(if m.kind == kind::COMMITMENT {
            EventOrCommitment::Commitment(Commitment(parse(ctx, &m)?))
        } else {
            EventOrCommitment::EconomicEvent(EconomicEvent(parse(ctx, &m)?))
        })
    }
    /// The amount and unit of the economic resource counted or inventoried. When absent, the whole resource quantity of what satisfies counts.
    async fn resource_quantity(&self) -> Option<Measure> {
        self.0.data.resource_quantity.map(Measure)
    }
    /// The amount and unit of the work or use or citation effort-based action. When absent, the whole effort quantity of what satisfies counts.
    async fn effort_quantity(&self) -> Option<Measure> {
        self.0.data.effort_quantity.map(Measure)
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Satisfaction>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Satisfaction))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

/// The satisfactions an event or commitment makes.
pub async fn satisfactions_by(ctx: &Context<'_>, id: Uuid) -> Result<Vec<Satisfaction>, AppError> {
    let ids = referrers(ctx, SATISFACTION, "satisfiedBy", id).await?;
    load_many(ctx, &ids, SATISFACTION).await?.iter().map(|m| Ok(Satisfaction(parse(ctx, m)?))).collect()
}

/// Filter on satisfaction lists.
#[derive(InputObject, Default)]
pub struct SatisfactionFilterParams {
    /// Match Satisfactions satisfying any of the given Intents
    pub satisfies: Option<Vec<ID>>,
    /// Match Satisfactions satisfied by any of the given EconomicEvents or Commitments
    pub satisfied_by: Option<Vec<ID>>,
}

/// Fields of a new satisfaction.
#[derive(InputObject)]
pub struct SatisfactionCreateParams {
    /// (`Intent`) An intent satisfied fully or partially by an economic event or commitment.
    pub satisfies: ID,
    /// (`Commitment`|`EconomicEvent`) A commitment or economic event fully or partially satisfying an intent.
    pub satisfied_by: ID,
    /// The amount and unit of the economic resource counted or inventoried: in the intent's unit. When absent, the whole resource quantity of what satisfies counts.
    pub resource_quantity: Option<IMeasure>,
    /// The amount and unit of the work or use or citation effort-based action: in the intent's unit.
    pub effort_quantity: Option<IMeasure>,
    /// A textual description or comment.
    pub note: Option<String>,
}

/// Changes to a satisfaction: an omitted field stays, `null` erases it.
#[derive(InputObject)]
pub struct SatisfactionUpdateParams {
    pub revision_id: ID,
    /// (`Intent`) An intent satisfied fully or partially by an economic event or commitment.
    #[graphql(default)]
    pub satisfies: MaybeUndefined<ID>,
    /// (`Commitment`|`EconomicEvent`) A commitment or economic event fully or partially satisfying an intent.
    #[graphql(default)]
    pub satisfied_by: MaybeUndefined<ID>,
    #[graphql(default)]
    pub resource_quantity: MaybeUndefined<IMeasure>,
    #[graphql(default)]
    pub effort_quantity: MaybeUndefined<IMeasure>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The satisfaction created or updated.
#[derive(SimpleObject)]
pub struct SatisfactionResponse {
    satisfaction: Satisfaction,
}

/// Satisfaction queries.
#[derive(Default)]
pub struct SatisfactionQuery;

#[Object]
impl SatisfactionQuery {
    async fn satisfaction(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Satisfaction>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, SATISFACTION).await?.map(Satisfaction))
    }

    async fn satisfactions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<SatisfactionFilterParams>,
    ) -> GqlResult<SatisfactionConnection> {
        require_read(ctx)?;
        let mut filters = Vec::new();
        if let Some(f) = filter {
            for (field, ids) in [("satisfies", &f.satisfies), ("satisfiedBy", &f.satisfied_by)] {
                let ids = parse_ids(field, ids)?;
                if !ids.is_empty() {
                    filters.push(Filter::AnyOf {
                        field: field.to_owned(),
                        values: ids.iter().map(Uuid::to_string).collect(),
                    });
                }
            }
        }
        let q = ListQuery { kinds: SATISFACTION.to_vec(), filters };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(Satisfaction(Rec::from_model(m)?))).await?;
        Ok(SatisfactionConnection::new(items, info))
    }
}

/// Satisfaction mutations.
#[derive(Default)]
pub struct SatisfactionMutation;

#[Object]
impl SatisfactionMutation {
    /// Records that a commitment or event satisfies (part of) an intent. Its quantities, or those of what satisfies when it gives none, must be in the units of the intent's quantities.
    async fn create_satisfaction(
        &self,
        ctx: &Context<'_>,
        satisfaction: SatisfactionCreateParams,
    ) -> GqlResult<SatisfactionResponse> {
        let author = require_write(ctx)?;
        let p = satisfaction;
        let s = vf::Satisfaction {
            id: vf::SatisfactionId::new(Uuid::now_v7()),
            satisfies: vf::IntentId::new(parse_id("satisfies", &p.satisfies)?),
            satisfied_by: vf::SatisfierId::new(parse_id("satisfiedBy", &p.satisfied_by)?),
            resource_quantity: measure("resourceQuantity", &p.resource_quantity)?,
            effort_quantity: measure("effortQuantity", &p.effort_quantity)?,
            note: p.note,
        };
        let row = app(ctx).create(&s, author).await?;
        Ok(SatisfactionResponse { satisfaction: written(row, kind::SATISFACTION, Satisfaction)? })
    }

    async fn update_satisfaction(
        &self,
        ctx: &Context<'_>,
        satisfaction: SatisfactionUpdateParams,
    ) -> GqlResult<SatisfactionResponse> {
        let author = require_write(ctx)?;
        let p = satisfaction;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let of = id_patch("satisfies", p.satisfies, vf::IntentId::new)?;
        let by = id_patch("satisfiedBy", p.satisfied_by, vf::SatisfierId::new)?;
        let resource_quantity = measure_patch("resourceQuantity", p.resource_quantity)?;
        let effort_quantity = measure_patch("effortQuantity", p.effort_quantity)?;
        let row = app(ctx)
            .update(
                SATISFACTION,
                rev,
                move |mut s: vf::Satisfaction| {
                    patch_required("satisfies", &mut s.satisfies, of)?;
                    patch_required("satisfiedBy", &mut s.satisfied_by, by)?;
                    patch(&mut s.resource_quantity, resource_quantity);
                    patch(&mut s.effort_quantity, effort_quantity);
                    patch(&mut s.note, p.note);
                    Ok(s)
                },
                author,
            )
            .await?;
        Ok(SatisfactionResponse { satisfaction: written(row, kind::SATISFACTION, Satisfaction)? })
    }

    async fn delete_satisfaction(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(SATISFACTION, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }
}
