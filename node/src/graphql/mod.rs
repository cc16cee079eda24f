//! The vf-graphql API (0.9.0-alpha.10 names and shapes), built with async-graphql.
//! Object types wrap domain records; resolvers call the app layer.

pub mod acknowledgement;
pub mod action;
pub mod agent;
pub mod agreement;
pub mod appreciation;
pub mod claim;
pub mod commitment;
pub mod connection;
pub mod error;
pub mod federation;
pub mod fulfillment;
pub mod geolocation;
pub mod history;
pub mod intent;
pub mod knowledge;
pub mod loaders;
pub mod measurement;
pub mod observation;
pub mod ordering;
pub mod plan;
pub mod planned_flow;
pub mod product_batch;
pub mod proposal;
pub mod proposal_list;
pub mod recipe;
pub mod satisfaction;
pub mod scalars;
pub mod scenario;
pub mod subscription;
pub mod tokens;

use std::sync::Arc;

use async_graphql::{Context, MergedObject, Schema, SchemaBuilder};
use uuid::Uuid;

use crate::app::App;
use crate::auth::{Caller, Scope};
use crate::error::AppError;
use crate::store::entity::record;
use error::GqlResult;

/// The root query: every module's queries.
#[derive(MergedObject, Default)]
pub struct Query(
    action::ActionQuery,
    agent::AgentQuery,
    measurement::MeasurementQuery,
    geolocation::GeolocationQuery,
    knowledge::KnowledgeQuery,
    observation::ObservationQuery,
    product_batch::ProductBatchQuery,
    product_batch::BatchLotRecordQuery,
    commitment::CommitmentQuery,
    intent::IntentQuery,
    fulfillment::FulfillmentQuery,
    satisfaction::SatisfactionQuery,
    plan::PlanQuery,
    recipe::RecipeQuery,
    scenario::ScenarioQuery,
    agreement::AgreementQuery,
    proposal::ProposalQuery,
    proposal_list::ProposalListQuery,
    claim::ClaimQuery,
    appreciation::AppreciationQuery,
    federation::FederationQuery,
    tokens::TokenQuery,
);

/// The root mutation: every module's mutations.
#[derive(MergedObject, Default)]
pub struct Mutation(
    agent::AgentMutation,
    measurement::MeasurementMutation,
    geolocation::GeolocationMutation,
    knowledge::KnowledgeMutation,
    observation::ObservationMutation,
    product_batch::ProductBatchMutation,
    product_batch::BatchLotRecordMutation,
    commitment::CommitmentMutation,
    intent::IntentMutation,
    fulfillment::FulfillmentMutation,
    satisfaction::SatisfactionMutation,
    plan::PlanMutation,
    recipe::RecipeMutation,
    scenario::ScenarioMutation,
    agreement::AgreementMutation,
    proposal::ProposalMutation,
    proposal_list::ProposalListMutation,
    claim::ClaimMutation,
    appreciation::AppreciationMutation,
    acknowledgement::AcknowledgementMutation,
    federation::FederationMutation,
    tokens::TokenMutation,
);

/// The node's GraphQL schema.
pub type VfSchema = Schema<Query, Mutation, subscription::Subscription>;

/// Builds the schema around `app`, with the configured limits.
pub fn schema(app: Option<App>) -> VfSchema {
    builder(app).finish()
}

/// The schema a node serves over HTTP: with its replication service, for the
/// `federation` fields.
pub fn node_schema(app: App, sync: crate::sync::Sync) -> VfSchema {
    builder(Some(app)).data(sync).finish()
}

/// The same schema for WebSocket connections: it holds the subscription limits of `hub`,
/// and gives every execution (each event a subscription delivers) fresh loaders. The
/// HTTP schema goes without that extension, which async-graphql would run around every
/// field resolution.
pub fn ws_schema(app: App, sync: crate::sync::Sync, hub: subscription::Subscriptions) -> VfSchema {
    builder(Some(app)).data(sync).data(hub).extension(subscription::ExecutionLoaders).finish()
}

fn builder(app: Option<App>) -> SchemaBuilder<Query, Mutation, subscription::Subscription> {
    let mut b = Schema::build(Query::default(), Mutation::default(), subscription::Subscription)
        // Declared by the reference schema though no field returns it.
        .register_output_type::<scalars::FilteringDummy>()
        .register_output_type::<ordering::Sort>();
    if let Some(app) = app {
        let api = app.config().api.clone();
        b = b.data(app).limit_depth(api.max_depth).limit_complexity(api.max_complexity);
        if !api.introspection {
            b = b.disable_introspection();
        }
    }
    b
}

/// The SDL the node serves.
pub fn sdl() -> String {
    schema(None).sdl()
}

/// The app from the request context.
pub fn app<'a>(ctx: &Context<'a>) -> &'a App {
    ctx.data_unchecked::<App>()
}

/// The caller (from the request's bearer token).
pub fn caller(ctx: &Context<'_>) -> Caller {
    ctx.data_opt::<Caller>().copied().unwrap_or(Caller::ANONYMOUS)
}

/// Checks the caller may read.
pub fn require_read(ctx: &Context<'_>) -> GqlResult<()> {
    if app(ctx).config().auth.open_reads {
        return Ok(());
    }
    caller(ctx).require(Scope::Read)?;
    Ok(())
}

/// Checks the caller may write; returns who writes (the agent, and whether it is `admin`:
/// the writer lets only the agent that recorded a record, or an admin, change it). Every
/// mutation calls it before writing, so it also drops what the request's loaders cached.
pub fn require_write(ctx: &Context<'_>) -> GqlResult<crate::auth::Actor> {
    let actor = caller(ctx).actor(Scope::Write)?;
    loaders::clear(ctx);
    Ok(actor)
}

/// A stored record in wire form: its metadata and parsed body.
#[derive(Debug)]
pub struct Rec<T> {
    /// Record id.
    pub id: Uuid,
    /// The revision shown.
    pub revision_id: Uuid,
    /// The parsed body.
    pub data: Arc<T>,
}

impl<T> Clone for Rec<T> {
    fn clone(&self) -> Self {
        Rec { id: self.id, revision_id: self.revision_id, data: self.data.clone() }
    }
}

impl<T: serde::de::DeserializeOwned> Rec<T> {
    /// Parses a current-revision row.
    pub fn from_model(m: &record::Model) -> Result<Rec<T>, AppError> {
        Ok(Rec { id: m.id, revision_id: m.revision_id, data: Arc::new(crate::app::observation::parse(m)?) })
    }
}

/// Parses a client-supplied id.
pub fn parse_id(field: &str, id: &async_graphql::ID) -> Result<Uuid, AppError> {
    Uuid::parse_str(id.as_str()).map_err(|_| AppError::invalid(field, format!("`{}` is not a valid id", id.as_str())))
}

/// Parses an optional client-supplied id.
pub fn parse_opt_id(field: &str, id: &Option<async_graphql::ID>) -> Result<Option<Uuid>, AppError> {
    id.as_ref().map(|i| parse_id(field, i)).transpose()
}

/// Parses a list of client-supplied ids.
pub fn parse_ids(field: &str, ids: &Option<Vec<async_graphql::ID>>) -> Result<Vec<Uuid>, AppError> {
    ids.iter().flatten().map(|i| parse_id(field, i)).collect()
}

/// Applies an optional-with-null update: absent keeps, null erases, a value replaces.
pub fn patch<T>(slot: &mut Option<T>, v: async_graphql::MaybeUndefined<T>) {
    match v {
        async_graphql::MaybeUndefined::Undefined => {}
        async_graphql::MaybeUndefined::Null => *slot = None,
        async_graphql::MaybeUndefined::Value(x) => *slot = Some(x),
    }
}

/// Maps an optional id of an update into its typed form (absent stays absent, null stays null).
pub fn id_patch<T>(
    field: &str,
    v: async_graphql::MaybeUndefined<async_graphql::ID>,
    wrap: impl Fn(Uuid) -> T,
) -> Result<async_graphql::MaybeUndefined<T>, AppError> {
    use async_graphql::MaybeUndefined;
    Ok(match v {
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Value(id) => MaybeUndefined::Value(wrap(parse_id(field, &id)?)),
    })
}

/// Applies a list-of-ids update: absent keeps, null clears, a list replaces.
pub fn ids_patch<T>(
    field: &str,
    slot: &mut Vec<T>,
    v: async_graphql::MaybeUndefined<Vec<async_graphql::ID>>,
    wrap: impl Fn(Uuid) -> T,
) -> Result<(), AppError> {
    use async_graphql::MaybeUndefined;
    match v {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => slot.clear(),
        MaybeUndefined::Value(l) => {
            *slot = l.iter().map(|i| parse_id(field, i).map(&wrap)).collect::<Result<_, _>>()?;
        }
    }
    Ok(())
}

/// Applies a list-of-URIs update: absent keeps, null clears, a list replaces.
pub fn uri_list_patch(slot: &mut Vec<String>, v: async_graphql::MaybeUndefined<Vec<scalars::Uri>>) {
    use async_graphql::MaybeUndefined;
    match v {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => slot.clear(),
        MaybeUndefined::Value(l) => *slot = l.into_iter().map(|u| u.0).collect(),
    }
}

/// A required text field of an update: absent keeps, null is refused.
pub fn patch_required<T>(field: &str, slot: &mut T, v: async_graphql::MaybeUndefined<T>) -> Result<(), AppError> {
    match v {
        async_graphql::MaybeUndefined::Undefined => Ok(()),
        async_graphql::MaybeUndefined::Null => Err(AppError::invalid(field, format!("`{field}` cannot be null"))),
        async_graphql::MaybeUndefined::Value(x) => {
            *slot = x;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    /// The committed SDL is what clients and the compatibility check read: it must be current.
    #[test]
    fn committed_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/valueflows.graphql");
        let committed = std::fs::read_to_string(&path).expect("schema/valueflows.graphql exists");
        assert!(committed == super::sdl(), "schema/valueflows.graphql is stale: run `make schema`");
    }
}
