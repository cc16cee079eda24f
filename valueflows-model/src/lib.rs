//! The ValueFlows 1.0 vocabulary as pure Rust: actions and their effects, the
//! records of the knowledge and observation layers, the rules an economic event
//! must pass to be recorded, and the deterministic fold that derives a
//! resource's state from its events. No IO, no async, no floats.
//!
//! # Layout
//!
//! - [`ids`] — typed UUID identifiers, one per kind of record.
//! - [`time`] — [`Timestamp`], UTC with microsecond precision.
//! - [`validation`] — shared field checks and [`RecordError`].
//! - [`measurement`] — [`Unit`], [`Measure`] (exact decimal quantities) and [`Duration`].
//! - [`action`] — the 19 [`Action`]s and their [`ActionEffects`].
//! - [`agent`] — [`Agent`], [`AgentRelationship`], [`AgentRelationshipRole`].
//! - [`geolocation`] — [`SpatialThing`].
//! - [`knowledge`] — [`ResourceSpecification`], [`ProcessSpecification`].
//! - [`observation`] — [`Process`], [`EconomicEvent`] and its rules
//!   ([`EconomicEvent::record`], [`EventError`]), [`EconomicResource`], and the
//!   fold ([`ResourceState`], [`fold`], [`Anomaly`]), and lots ([`ProductBatch`]).
//! - [`planning`] — planned flows ([`Commitment`], [`Intent`]) and what links to them
//!   ([`Fulfillment`], [`Satisfaction`]), their rules ([`PlanningError`]) and the exact
//!   sums of how much of each is done ([`planning::progress`]).
//! - [`plan`] — [`Plan`].
//! - [`recipe`] — [`RecipeProcess`], [`RecipeFlow`], [`RecipeExchange`], the rule that a
//!   recipe has no cycle ([`RecipeGraph`]), and planning from a recipe ([`plan_from_recipe`]).
//! - [`scenario`] — [`Scenario`], [`ScenarioDefinition`].
//! - [`agreement`] — [`Agreement`], realized by economic events.
//! - [`proposal`] — [`Proposal`], [`ProposedIntent`], [`ProposedTo`], [`ProposalList`],
//!   and whether a proposal is an offer or a request ([`ProposalPurpose`]).
//! - [`claim`] — [`Claim`], [`Settlement`] and their rules ([`ClaimError`]).
//! - [`appreciation`] — [`Appreciation`].
//!
//! # Example
//!
//! ```
//! use rust_decimal::Decimal;
//! use uuid::Uuid;
//! use valueflows_model::*;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let (farm, kg) = (AgentId::new(Uuid::now_v7()), UnitId::new(Uuid::now_v7()));
//! let mut harvest = NewEconomicEvent::new(Action::Produce, farm, farm);
//! harvest.resource_quantity = Some(Measure::new(Decimal::new(1205, 1), kg)); // 120.5 kg
//! harvest.has_point_in_time = Some(Timestamp::parse("2024-09-01")?);
//!
//! let apples = (ResourceId::new(Uuid::now_v7()), NewEconomicResource::default());
//! let recorded = EconomicEvent::record(
//!     harvest,
//!     EventId::new(Uuid::now_v7()),
//!     Some(apples),
//!     &EventContext::default(),
//! )?;
//!
//! let resource = recorded.created_resource.ok_or("produce created no resource")?;
//! let state = fold(&resource, &[recorded.event], &|_| None);
//! assert_eq!(state.onhand_quantity, Some(Measure::new(Decimal::new(1205, 1), kg)));
//! assert_eq!(state.primary_accountable, Some(farm));
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod action;
pub mod agent;
pub mod agreement;
pub mod appreciation;
pub mod claim;
pub mod geolocation;
pub mod ids;
pub mod knowledge;
pub mod measurement;
pub mod observation;
pub mod plan;
pub mod planning;
pub mod proposal;
pub mod recipe;
pub mod scenario;
pub mod time;
pub mod validation;

pub use action::{
    AccountableEffect, Action, ActionEffects, ContainedEffect, CreateResource, EventQuantity, InputOutput,
    LocationEffect, QuantityEffect, StageEffect, StateEffect, UnknownAction, UnknownEffect,
};
pub use agent::{Agent, AgentKind, AgentRelationship, AgentRelationshipRole};
pub use agreement::Agreement;
pub use appreciation::Appreciation;
pub use claim::{Claim, ClaimError, Settled, Settlement};
pub use geolocation::SpatialThing;
pub use ids::{
    AgentId, AgentRelationshipId, AgentRelationshipRoleId, AgreementId, AppreciationId, ClaimId, CommitmentId, EventId,
    FulfillmentId, IdError, IntentId, PlanId, ProcessId, ProcessSpecificationId, ProductBatchId, ProposalId,
    ProposalListId, ProposedIntentId, ProposedToId, RecipeExchangeId, RecipeFlowId, RecipeProcessId, ResourceId,
    ResourceSpecificationId, RevisionId, SatisfactionId, SatisfierId, ScenarioDefinitionId, ScenarioId, SettlementId,
    SpatialThingId, UnitId,
};
pub use knowledge::{ProcessSpecification, ResourceSpecification};
pub use measurement::{Duration, Measure, TimeUnit, Unit};
pub use observation::{
    Anomaly, EconomicEvent, EconomicResource, EventContext, EventError, EventOrder, NewEconomicEvent,
    NewEconomicResource, Process, ProductBatch, QuantityKind, QuantityTally, Recorded, ResourceState, ResourceView,
    UnitTally, WriteOrders, fold,
};
pub use plan::Plan;
pub use planning::{Commitment, Fulfillment, Intent, PlanningError, Satisfaction, SatisfierQuantities};
pub use proposal::{IntentSides, Proposal, ProposalList, ProposalPurpose, ProposedIntent, ProposedTo};
pub use recipe::{
    FlowSide, RecipeError, RecipeExchange, RecipeFlow, RecipeGraph, RecipeProcess, Scale, ScaledFlow, ScaledProcess,
    ScaledRecipe, Span, plan_from_recipe, schedule_back,
};
pub use scenario::{Scenario, ScenarioDefinition};
pub use time::{TimeError, Timestamp};
pub use validation::{MAX_NAME_CHARS, MAX_TEXT_CHARS, RecordError};
