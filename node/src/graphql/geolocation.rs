//! The geolocation module: places.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::{Agent, agent_node, written};
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::loaders::{load_many, load_rec, referrers};
use super::observation::{EconomicEventConnection, EconomicResourceConnection, events_connection, resource_node};
use super::scalars::Decimal;
use super::{Rec, app, parse_id, patch, patch_required, require_read, require_write};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::store::records::{Filter, ListQuery};

/// A physical mappable location.
#[derive(Clone)]
pub struct SpatialThing(pub Rec<vf::SpatialThing>);

/// Loads a place that may be absent.
pub async fn load_place(ctx: &Context<'_>, id: Option<vf::SpatialThingId>) -> GqlResult<Option<SpatialThing>> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), &[kind::SPATIAL_THING]).await?.map(SpatialThing)),
        None => Ok(None),
    }
}

#[Object]
impl SpatialThing {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for a location. Does not imply uniqueness.
    async fn name(&self) -> String {
        self.0.data.name.clone()
    }
    async fn mappable_address(&self) -> Option<String> {
        self.0.data.mappable_address.clone()
    }
    async fn lat(&self) -> Option<Decimal> {
        self.0.data.lat.map(Decimal)
    }
    async fn long(&self) -> Option<Decimal> {
        self.0.data.long.map(Decimal)
    }
    async fn alt(&self) -> Option<Decimal> {
        self.0.data.alt.map(Decimal)
    }
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// Agents whose primary location this is.
    async fn agents(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Agent>>> {
        let ids = referrers(ctx, kind::AGENTS, "primaryLocation", self.0.id).await?;
        let rows = load_many(ctx, &ids, kind::AGENTS).await?;
        Ok(Some(rows.iter().map(agent_node).collect::<Result<_, _>>()?))
    }
    /// Commitments planned to happen at this place.
    async fn commitments(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::commitment::Commitment>>> {
        Ok(Some(super::commitment::commitments_referring(ctx, "atLocation", self.0.id).await?))
    }
    /// Intents that would happen at this place.
    async fn intents(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::intent::Intent>>> {
        Ok(Some(super::intent::intents_referring(ctx, "atLocation", self.0.id).await?))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<SpatialThing>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(SpatialThing))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// Resources currently at this place.
    async fn economic_resources(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<EconomicResourceConnection>> {
        let q = ListQuery {
            kinds: vec![kind::ECONOMIC_RESOURCE],
            filters: vec![Filter::AnyOf {
                field: "state.currentLocation".to_owned(),
                values: vec![self.0.id.to_string()],
            }],
        };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), resource_node).await?;
        Ok(Some(EconomicResourceConnection::new(items, info)))
    }
    /// Events that happened at (or moved things to) this place.
    async fn economic_events(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<EconomicEventConnection>> {
        let filters =
            vec![Filter::AnyFieldOf { fields: vec!["atLocation", "toLocation"], values: vec![self.0.id.to_string()] }];
        Ok(Some(events_connection(ctx, filters, PageArgs::new(first, after, last, before)).await?))
    }
}

connection!(SpatialThingConnection, SpatialThingEdge, SpatialThing, "places");

/// Fields of a new place.
#[derive(InputObject)]
pub struct SpatialThingCreateParams {
    /// An informal or formal textual identifier for a location. Does not imply uniqueness.
    pub name: String,
    pub mappable_address: Option<String>,
    pub lat: Option<Decimal>,
    pub long: Option<Decimal>,
    pub alt: Option<Decimal>,
    pub note: Option<String>,
}

/// Changes to a place.
#[derive(InputObject)]
pub struct SpatialThingUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for a location. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    #[graphql(default)]
    pub mappable_address: MaybeUndefined<String>,
    #[graphql(default)]
    pub lat: MaybeUndefined<Decimal>,
    #[graphql(default)]
    pub long: MaybeUndefined<Decimal>,
    #[graphql(default)]
    pub alt: MaybeUndefined<Decimal>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The place created or updated.
#[derive(SimpleObject)]
pub struct SpatialThingResponse {
    spatial_thing: SpatialThing,
}

/// Geolocation queries.
#[derive(Default)]
pub struct GeolocationQuery;

#[Object]
impl GeolocationQuery {
    async fn spatial_thing(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<SpatialThing>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, &[kind::SPATIAL_THING]).await?.map(SpatialThing))
    }

    async fn spatial_things(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<SpatialThingConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: vec![kind::SPATIAL_THING], filters: Vec::new() };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(SpatialThing(Rec::from_model(m)?))).await?;
        Ok(SpatialThingConnection::new(items, info))
    }
}

/// Geolocation mutations.
#[derive(Default)]
pub struct GeolocationMutation;

fn dec(v: MaybeUndefined<Decimal>) -> MaybeUndefined<rust_decimal::Decimal> {
    v.map_value(|d| d.0)
}

#[Object]
impl GeolocationMutation {
    async fn create_spatial_thing(
        &self,
        ctx: &Context<'_>,
        spatial_thing: SpatialThingCreateParams,
    ) -> GqlResult<SpatialThingResponse> {
        let author = require_write(ctx)?;
        let s = spatial_thing;
        let place = vf::SpatialThing {
            id: vf::SpatialThingId::new(Uuid::now_v7()),
            name: s.name,
            mappable_address: s.mappable_address,
            lat: s.lat.map(|d| d.0),
            long: s.long.map(|d| d.0),
            alt: s.alt.map(|d| d.0),
            note: s.note,
        };
        let row = app(ctx).create(&place, author).await?;
        Ok(SpatialThingResponse { spatial_thing: written(row, kind::SPATIAL_THING, SpatialThing)? })
    }

    async fn update_spatial_thing(
        &self,
        ctx: &Context<'_>,
        spatial_thing: SpatialThingUpdateParams,
    ) -> GqlResult<SpatialThingResponse> {
        let author = require_write(ctx)?;
        let s = spatial_thing;
        let rev = parse_id("revisionId", &s.revision_id)?;
        let row = app(ctx)
            .update(
                &[kind::SPATIAL_THING],
                rev,
                move |mut p: vf::SpatialThing| {
                    patch_required("name", &mut p.name, s.name)?;
                    patch(&mut p.mappable_address, s.mappable_address);
                    patch(&mut p.lat, dec(s.lat));
                    patch(&mut p.long, dec(s.long));
                    patch(&mut p.alt, dec(s.alt));
                    patch(&mut p.note, s.note);
                    Ok(p)
                },
                author,
            )
            .await?;
        Ok(SpatialThingResponse { spatial_thing: written(row, kind::SPATIAL_THING, SpatialThing)? })
    }

    async fn delete_spatial_thing(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx)
            .delete(&[kind::SPATIAL_THING], DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author)
            .await?)
    }
}
