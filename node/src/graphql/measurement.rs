//! The measurement module: units and measures.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::written;
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::loaders::load_rec;
use super::scalars::Decimal;
use super::{Rec, app, parse_id, patch_required, require_read, require_write};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::records::ListQuery;

/// Defines a unit of measurement, along with its display symbol.
/// From OM2 vocabulary.
#[derive(Clone)]
pub struct Unit(pub Rec<vf::Unit>);

#[Object]
impl Unit {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    async fn label(&self) -> String {
        self.0.data.label.clone()
    }
    async fn symbol(&self) -> String {
        self.0.data.symbol.clone()
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Unit>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Unit))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

/// Loads a unit that may be absent or retracted.
pub async fn load_unit(ctx: &Context<'_>, id: Option<vf::UnitId>) -> GqlResult<Option<Unit>> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), &[kind::UNIT]).await?.map(Unit)),
        None => Ok(None),
    }
}

/// Semantic meaning for measurements: binds a quantity to its measurement unit.
/// See <http://www.qudt.org/pages/QUDToverviewPage.html>
pub struct Measure(pub vf::Measure);

#[Object]
impl Measure {
    async fn has_numerical_value(&self) -> Decimal {
        Decimal(self.0.has_numerical_value)
    }
    async fn has_unit(&self, ctx: &Context<'_>) -> GqlResult<Option<Unit>> {
        load_unit(ctx, self.0.has_unit).await
    }
}

/// Mutation input structure for defining measurements. Should be nulled if not present, rather than empty.
#[derive(InputObject, Clone)]
#[graphql(name = "IMeasure")]
pub struct IMeasure {
    pub has_numerical_value: Decimal,
    pub has_unit: Option<ID>,
}

impl IMeasure {
    /// The domain measure.
    pub fn to_vf(&self, field: &str) -> Result<vf::Measure, AppError> {
        let unit = super::parse_opt_id(&format!("{field}.hasUnit"), &self.has_unit)?;
        Ok(vf::Measure { has_numerical_value: self.has_numerical_value.0, has_unit: unit.map(vf::UnitId::new) })
    }
}

/// An optional quantity of an input.
pub fn measure(field: &str, m: &Option<IMeasure>) -> Result<Option<vf::Measure>, AppError> {
    m.as_ref().map(|m| m.to_vf(field)).transpose()
}

/// A quantity of an update (absent keeps, null erases).
pub fn measure_patch(field: &str, v: MaybeUndefined<IMeasure>) -> Result<MaybeUndefined<vf::Measure>, AppError> {
    Ok(match v {
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Value(m) => MaybeUndefined::Value(m.to_vf(field)?),
    })
}

/// Units of time.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub enum TimeUnit {
    Year,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

impl From<vf::TimeUnit> for TimeUnit {
    fn from(u: vf::TimeUnit) -> Self {
        match u {
            vf::TimeUnit::Year => TimeUnit::Year,
            vf::TimeUnit::Month => TimeUnit::Month,
            vf::TimeUnit::Week => TimeUnit::Week,
            vf::TimeUnit::Day => TimeUnit::Day,
            vf::TimeUnit::Hour => TimeUnit::Hour,
            vf::TimeUnit::Minute => TimeUnit::Minute,
            vf::TimeUnit::Second => TimeUnit::Second,
        }
    }
}

impl From<TimeUnit> for vf::TimeUnit {
    fn from(u: TimeUnit) -> Self {
        match u {
            TimeUnit::Year => vf::TimeUnit::Year,
            TimeUnit::Month => vf::TimeUnit::Month,
            TimeUnit::Week => vf::TimeUnit::Week,
            TimeUnit::Day => vf::TimeUnit::Day,
            TimeUnit::Hour => vf::TimeUnit::Hour,
            TimeUnit::Minute => vf::TimeUnit::Minute,
            TimeUnit::Second => vf::TimeUnit::Second,
        }
    }
}

/// A `Duration` represents an interval between two `DateTime` values.
#[derive(SimpleObject)]
pub struct Duration {
    /// A number representing the duration, will be paired with a unit.
    pub numeric_duration: Decimal,
    /// A unit of measure.
    pub unit_type: TimeUnit,
}

impl From<vf::Duration> for Duration {
    fn from(d: vf::Duration) -> Self {
        Duration { numeric_duration: Decimal(d.numeric_duration), unit_type: d.unit_type.into() }
    }
}

/// Mutation input structure for defining time durations.
#[derive(InputObject, Clone, Copy)]
#[graphql(name = "IDuration")]
pub struct IDuration {
    /// A number representing the duration, will be paired with a unit.
    pub numeric_duration: Decimal,
    /// A unit of measure.
    pub unit_type: TimeUnit,
}

impl From<IDuration> for vf::Duration {
    fn from(d: IDuration) -> Self {
        vf::Duration { numeric_duration: d.numeric_duration.0, unit_type: d.unit_type.into() }
    }
}

connection!(UnitConnection, UnitEdge, Unit, "units");

/// Fields of a new unit.
#[derive(InputObject)]
pub struct UnitCreateParams {
    pub label: String,
    pub symbol: String,
}

/// Changes to a unit.
#[derive(InputObject)]
pub struct UnitUpdateParams {
    pub revision_id: ID,
    #[graphql(default)]
    pub label: MaybeUndefined<String>,
    #[graphql(default)]
    pub symbol: MaybeUndefined<String>,
}

/// The unit created or updated.
#[derive(SimpleObject)]
pub struct UnitResponse {
    unit: Unit,
}

/// Measurement queries.
#[derive(Default)]
pub struct MeasurementQuery;

#[Object]
impl MeasurementQuery {
    async fn unit(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Unit>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, &[kind::UNIT]).await?.map(Unit))
    }

    async fn units(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<UnitConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: vec![kind::UNIT], filters: Vec::new() };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(Unit(Rec::from_model(m)?))).await?;
        Ok(UnitConnection::new(items, info))
    }
}

/// Measurement mutations.
#[derive(Default)]
pub struct MeasurementMutation;

#[Object]
impl MeasurementMutation {
    async fn create_unit(&self, ctx: &Context<'_>, unit: UnitCreateParams) -> GqlResult<UnitResponse> {
        let author = require_write(ctx)?;
        let u = vf::Unit { id: vf::UnitId::new(Uuid::now_v7()), label: unit.label, symbol: unit.symbol };
        let row = app(ctx).create(&u, author).await?;
        Ok(UnitResponse { unit: written(row, kind::UNIT, Unit)? })
    }

    async fn update_unit(&self, ctx: &Context<'_>, unit: UnitUpdateParams) -> GqlResult<UnitResponse> {
        let author = require_write(ctx)?;
        let rev = parse_id("revisionId", &unit.revision_id)?;
        let row = app(ctx)
            .update(
                &[kind::UNIT],
                rev,
                move |mut u: vf::Unit| {
                    patch_required("label", &mut u.label, unit.label)?;
                    patch_required("symbol", &mut u.symbol, unit.symbol)?;
                    Ok(u)
                },
                author,
            )
            .await?;
        Ok(UnitResponse { unit: written(row, kind::UNIT, Unit)? })
    }

    async fn delete_unit(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx)
            .delete(&[kind::UNIT], DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author)
            .await?)
    }
}
