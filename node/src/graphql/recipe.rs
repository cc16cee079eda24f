//! The recipe module: blueprints of processes, their flows and exchanges, from which work
//! can be planned.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::action::Action;
use super::action::parse_action;
use super::agent::written;
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::knowledge::{ProcessSpecification, ResourceSpecification, load_process_spec};
use super::loaders::{load_many, load_rec, referrers};
use super::measurement::measure_patch;
use super::measurement::{Duration, IDuration, IMeasure, Measure};
use super::scalars::Uri;
use super::{
    Rec, app, id_patch, parse_id, parse_opt_id, patch, patch_required, require_read, require_write, uri_list_patch,
};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::ListQuery;

const FLOW: &[&str] = &[kind::RECIPE_FLOW];
const PROCESS: &[&str] = &[kind::RECIPE_PROCESS];
const EXCHANGE: &[&str] = &[kind::RECIPE_EXCHANGE];

/// The specification of a resource inflow to, or outflow from, a recipe process.
#[derive(Clone)]
pub struct RecipeFlow(pub Rec<vf::RecipeFlow>);

/// A recipe flow in wire form, from its row.
pub fn recipe_flow_node(m: &record::Model) -> Result<RecipeFlow, AppError> {
    Ok(RecipeFlow(Rec::from_model(m)?))
}

/// A recipe process in wire form, from its row.
pub fn recipe_process_node(m: &record::Model) -> Result<RecipeProcess, AppError> {
    Ok(RecipeProcess(Rec::from_model(m)?))
}

async fn load_recipe_process(ctx: &Context<'_>, id: Option<vf::RecipeProcessId>) -> GqlResult<Option<RecipeProcess>> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), PROCESS).await?.map(RecipeProcess)),
        None => Ok(None),
    }
}

/// Live recipe flows whose `field` names `id`, in id order.
async fn flows_naming(ctx: &Context<'_>, field: &'static str, id: Uuid) -> GqlResult<Option<Vec<RecipeFlow>>> {
    let ids = referrers(ctx, FLOW, field, id).await?;
    let rows = load_many(ctx, &ids, FLOW).await?;
    Ok(Some(rows.iter().map(recipe_flow_node).collect::<Result<_, _>>()?))
}

#[Object]
impl RecipeFlow {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// The amount and unit of the economic resource counted or inventoried.
    async fn resource_quantity(&self) -> Option<Measure> {
        self.0.data.resource_quantity.map(Measure)
    }
    /// The amount and unit of the work or use or citation effort-based action. This is often a time duration, but also could be cycle counts or other measures of effort or usefulness.
    async fn effort_quantity(&self) -> Option<Measure> {
        self.0.data.effort_quantity.map(Measure)
    }
    /// Relates a process input or output to a verb, such as consume, produce, work, modify, etc.
    async fn action(&self) -> Action {
        Action(self.0.data.action)
    }
    /// Relates an input flow to its process in a recipe.
    async fn recipe_input_of(&self, ctx: &Context<'_>) -> GqlResult<Option<RecipeProcess>> {
        load_recipe_process(ctx, self.0.data.recipe_input_of).await
    }
    /// Relates an output flow to its process in a recipe.
    async fn recipe_output_of(&self, ctx: &Context<'_>) -> GqlResult<Option<RecipeProcess>> {
        load_recipe_process(ctx, self.0.data.recipe_output_of).await
    }
    /// Relates a flow to its exchange agreement in a recipe.
    async fn recipe_clause_of(&self, ctx: &Context<'_>) -> GqlResult<Option<RecipeExchange>> {
        match self.0.data.recipe_clause_of {
            Some(id) => Ok(load_rec(ctx, id.uuid(), EXCHANGE).await?.map(RecipeExchange)),
            None => Ok(None),
        }
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<RecipeFlow>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(RecipeFlow))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// The resource definition referenced by this flow in the recipe.
    async fn resource_conforms_to(&self, ctx: &Context<'_>) -> GqlResult<ResourceSpecification> {
        let id = self.0.data.resource_conforms_to;
        super::knowledge::load_resource_spec(ctx, Some(id))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("resource specification {id} is gone")).into())
    }
    /// References the ProcessSpecification of the last process the economic resource went through. Stage is used when the last process is important for finding proper resources, such as where the publishing process wants only documents that have gone through the editing process.
    async fn stage(&self, ctx: &Context<'_>) -> GqlResult<Option<ProcessSpecification>> {
        load_process_spec(ctx, self.0.data.stage).await
    }
    /// The state of the desired economic resource (pass or fail), after coming out of a test or review process.
    async fn state(&self) -> Option<String> {
        self.0.data.state.clone()
    }
}

/// Specifies a process in a recipe for use in planning from recipe.
#[derive(Clone)]
pub struct RecipeProcess(pub Rec<vf::RecipeProcess>);

#[Object]
impl RecipeProcess {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for a recipe process. Does not imply uniqueness.
    async fn name(&self) -> String {
        self.0.data.name.clone()
    }
    /// The planned calendar duration of the process as defined for the recipe batch.
    async fn has_duration(&self) -> Option<Duration> {
        self.0.data.has_duration.map(Duration::from)
    }
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization.
    async fn process_classified_as(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.process_classified_as)
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<RecipeProcess>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(RecipeProcess))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// The standard specification or definition of a process.
    async fn process_conforms_to(&self, ctx: &Context<'_>) -> GqlResult<Option<ProcessSpecification>> {
        load_process_spec(ctx, self.0.data.process_conforms_to).await
    }
    /// The flows that are inputs of this recipe process.
    async fn recipe_inputs(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<RecipeFlow>>> {
        flows_naming(ctx, "recipeInputOf", self.0.id).await
    }
    /// The flows that are outputs of this recipe process.
    async fn recipe_outputs(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<RecipeFlow>>> {
        flows_naming(ctx, "recipeOutputOf", self.0.id).await
    }
}

/// Specifies an exchange agreement as part of a recipe.
#[derive(Clone)]
pub struct RecipeExchange(pub Rec<vf::RecipeExchange>);

#[Object]
impl RecipeExchange {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for a recipe exchange. Does not imply uniqueness.
    async fn name(&self) -> String {
        self.0.data.name.clone()
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<RecipeExchange>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(RecipeExchange))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// The flows that are clauses of this recipe exchange.
    async fn recipe_clauses(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<RecipeFlow>>> {
        flows_naming(ctx, "recipeClauseOf", self.0.id).await
    }
}

connection!(RecipeFlowConnection, RecipeFlowEdge, RecipeFlow, "recipe flows");
connection!(RecipeProcessConnection, RecipeProcessEdge, RecipeProcess, "recipe processes");
connection!(RecipeExchangeConnection, RecipeExchangeEdge, RecipeExchange, "recipe exchanges");

/// Fields of a new recipe flow.
#[derive(InputObject)]
pub struct RecipeFlowCreateParams {
    /// (`Action`) Relates a process input or output to a verb, such as consume, produce, work, modify, etc.
    pub action: ID,
    /// The amount and unit of the economic resource counted or inventoried.
    pub resource_quantity: Option<IMeasure>,
    /// The amount and unit of the work or use or citation effort-based action.
    pub effort_quantity: Option<IMeasure>,
    /// (`RecipeProcess`) Relates an input flow to its process in a recipe.
    pub recipe_input_of: Option<ID>,
    /// (`RecipeProcess`) Relates an output flow to its process in a recipe.
    pub recipe_output_of: Option<ID>,
    /// (`RecipeExchange`) Relates a flow to its exchange agreement in a recipe.
    pub recipe_clause_of: Option<ID>,
    /// The state of the desired economic resource (pass or fail), after coming out of a test or review process.
    pub state: Option<String>,
    /// A textual description or comment.
    pub note: Option<String>,
    /// (`ProcessSpecification`) References the ProcessSpecification of the last process the economic resource went through.
    pub stage: Option<ID>,
    /// (`ResourceSpecification`) The resource definition referenced by this flow in the recipe.
    pub resource_conforms_to: ID,
}

/// Changes to a recipe flow.
#[derive(InputObject)]
pub struct RecipeFlowUpdateParams {
    pub revision_id: ID,
    /// (`Action`) Relates a process input or output to a verb, such as consume, produce, work, modify, etc.
    #[graphql(default)]
    pub action: MaybeUndefined<ID>,
    /// The amount and unit of the economic resource counted or inventoried.
    #[graphql(default)]
    pub resource_quantity: MaybeUndefined<IMeasure>,
    /// The amount and unit of the work or use or citation effort-based action.
    #[graphql(default)]
    pub effort_quantity: MaybeUndefined<IMeasure>,
    /// (`RecipeProcess`) Relates an input flow to its process in a recipe.
    #[graphql(default)]
    pub recipe_input_of: MaybeUndefined<ID>,
    /// (`RecipeProcess`) Relates an output flow to its process in a recipe.
    #[graphql(default)]
    pub recipe_output_of: MaybeUndefined<ID>,
    /// (`RecipeExchange`) Relates a flow to its exchange agreement in a recipe.
    #[graphql(default)]
    pub recipe_clause_of: MaybeUndefined<ID>,
    /// The state of the desired economic resource (pass or fail), after coming out of a test or review process.
    #[graphql(default)]
    pub state: MaybeUndefined<String>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// (`ProcessSpecification`) References the ProcessSpecification of the last process the economic resource went through.
    #[graphql(default)]
    pub stage: MaybeUndefined<ID>,
    /// (`ResourceSpecification`) The resource definition referenced by this flow in the recipe.
    #[graphql(default)]
    pub resource_conforms_to: MaybeUndefined<ID>,
}

/// The recipe flow created or updated.
#[derive(SimpleObject)]
pub struct RecipeFlowResponse {
    recipe_flow: RecipeFlow,
}

/// Fields of a new recipe process.
#[derive(InputObject)]
pub struct RecipeProcessCreateParams {
    /// An informal or formal textual identifier for a recipe process. Does not imply uniqueness.
    pub name: String,
    /// The planned calendar duration of the process as defined for the recipe batch.
    pub has_duration: Option<IDuration>,
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization.
    pub process_classified_as: Option<Vec<Uri>>,
    /// A textual description or comment.
    pub note: Option<String>,
    /// (`ProcessSpecification`) The standard specification or definition of a process.
    pub process_conforms_to: Option<ID>,
}

/// Changes to a recipe process.
#[derive(InputObject)]
pub struct RecipeProcessUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for a recipe process. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// The planned calendar duration of the process as defined for the recipe batch.
    #[graphql(default)]
    pub has_duration: MaybeUndefined<IDuration>,
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization.
    #[graphql(default)]
    pub process_classified_as: MaybeUndefined<Vec<Uri>>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// (`ProcessSpecification`) The standard specification or definition of a process.
    #[graphql(default)]
    pub process_conforms_to: MaybeUndefined<ID>,
}

/// The recipe process created or updated.
#[derive(SimpleObject)]
pub struct RecipeProcessResponse {
    recipe_process: RecipeProcess,
}

/// Fields of a new recipe exchange.
#[derive(InputObject)]
pub struct RecipeExchangeCreateParams {
    /// An informal or formal textual identifier for a recipe exchange. Does not imply uniqueness.
    pub name: String,
    /// A textual description or comment.
    pub note: Option<String>,
}

/// Changes to a recipe exchange.
#[derive(InputObject)]
pub struct RecipeExchangeUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for a recipe exchange. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The recipe exchange created or updated.
#[derive(SimpleObject)]
pub struct RecipeExchangeResponse {
    recipe_exchange: RecipeExchange,
}

/// Recipe queries.
#[derive(Default)]
pub struct RecipeQuery;

#[Object]
impl RecipeQuery {
    async fn recipe_flow(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<RecipeFlow>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, FLOW).await?.map(RecipeFlow))
    }

    async fn recipe_flows(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<RecipeFlowConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: FLOW.to_vec(), filters: Vec::new() };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), recipe_flow_node).await?;
        Ok(RecipeFlowConnection::new(items, info))
    }

    async fn recipe_process(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<RecipeProcess>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, PROCESS).await?.map(RecipeProcess))
    }

    async fn recipe_processes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<RecipeProcessConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: PROCESS.to_vec(), filters: Vec::new() };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), recipe_process_node).await?;
        Ok(RecipeProcessConnection::new(items, info))
    }

    async fn recipe_exchange(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<RecipeExchange>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, EXCHANGE).await?.map(RecipeExchange))
    }

    async fn recipe_exchanges(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<RecipeExchangeConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: EXCHANGE.to_vec(), filters: Vec::new() };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(RecipeExchange(Rec::from_model(m)?)))
                .await?;
        Ok(RecipeExchangeConnection::new(items, info))
    }
}

/// Recipe mutations.
#[derive(Default)]
pub struct RecipeMutation;

#[Object]
impl RecipeMutation {
    /// Creates a recipe flow. Refused when it would make a recipe process depend, through
    /// the resources it takes in, on what it itself yields.
    async fn create_recipe_flow(
        &self,
        ctx: &Context<'_>,
        recipe_flow: RecipeFlowCreateParams,
    ) -> GqlResult<RecipeFlowResponse> {
        let author = require_write(ctx)?;
        let f = recipe_flow;
        let flow = vf::RecipeFlow {
            id: vf::RecipeFlowId::new(Uuid::now_v7()),
            action: parse_action("action", &f.action)?,
            resource_conforms_to: vf::ResourceSpecificationId::new(parse_id(
                "resourceConformsTo",
                &f.resource_conforms_to,
            )?),
            resource_quantity: f.resource_quantity.map(|m| m.to_vf("resourceQuantity")).transpose()?,
            effort_quantity: f.effort_quantity.map(|m| m.to_vf("effortQuantity")).transpose()?,
            recipe_input_of: parse_opt_id("recipeInputOf", &f.recipe_input_of)?.map(vf::RecipeProcessId::new),
            recipe_output_of: parse_opt_id("recipeOutputOf", &f.recipe_output_of)?.map(vf::RecipeProcessId::new),
            recipe_clause_of: parse_opt_id("recipeClauseOf", &f.recipe_clause_of)?.map(vf::RecipeExchangeId::new),
            stage: parse_opt_id("stage", &f.stage)?.map(vf::ProcessSpecificationId::new),
            state: f.state,
            note: f.note,
        };
        let row = app(ctx).create(&flow, author).await?;
        Ok(RecipeFlowResponse { recipe_flow: written(row, kind::RECIPE_FLOW, RecipeFlow)? })
    }

    /// Changes a recipe flow; refused, like a new one, when it would close a cycle.
    async fn update_recipe_flow(
        &self,
        ctx: &Context<'_>,
        recipe_flow: RecipeFlowUpdateParams,
    ) -> GqlResult<RecipeFlowResponse> {
        let author = require_write(ctx)?;
        let f = recipe_flow;
        let rev = parse_id("revisionId", &f.revision_id)?;
        let action = match f.action {
            MaybeUndefined::Value(a) => MaybeUndefined::Value(parse_action("action", &a)?),
            MaybeUndefined::Null => MaybeUndefined::Null,
            MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        };
        let spec = id_patch("resourceConformsTo", f.resource_conforms_to, vf::ResourceSpecificationId::new)?;
        let resource_quantity = measure_patch("resourceQuantity", f.resource_quantity)?;
        let effort_quantity = measure_patch("effortQuantity", f.effort_quantity)?;
        let input_of = id_patch("recipeInputOf", f.recipe_input_of, vf::RecipeProcessId::new)?;
        let output_of = id_patch("recipeOutputOf", f.recipe_output_of, vf::RecipeProcessId::new)?;
        let clause_of = id_patch("recipeClauseOf", f.recipe_clause_of, vf::RecipeExchangeId::new)?;
        let stage = id_patch("stage", f.stage, vf::ProcessSpecificationId::new)?;
        let (state, note) = (f.state, f.note);
        let row = app(ctx)
            .update(
                FLOW,
                rev,
                move |mut x: vf::RecipeFlow| {
                    patch_required("action", &mut x.action, action)?;
                    patch_required("resourceConformsTo", &mut x.resource_conforms_to, spec)?;
                    patch(&mut x.resource_quantity, resource_quantity);
                    patch(&mut x.effort_quantity, effort_quantity);
                    patch(&mut x.recipe_input_of, input_of);
                    patch(&mut x.recipe_output_of, output_of);
                    patch(&mut x.recipe_clause_of, clause_of);
                    patch(&mut x.stage, stage);
                    patch(&mut x.state, state);
                    patch(&mut x.note, note);
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(RecipeFlowResponse { recipe_flow: written(row, kind::RECIPE_FLOW, RecipeFlow)? })
    }

    /// Deletes a recipe flow.
    async fn delete_recipe_flow(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        let target = DeleteTarget::Revision(parse_id("revisionId", &revision_id)?);
        Ok(app(ctx).delete(FLOW, target, author).await?)
    }

    async fn create_recipe_process(
        &self,
        ctx: &Context<'_>,
        recipe_process: RecipeProcessCreateParams,
    ) -> GqlResult<RecipeProcessResponse> {
        let author = require_write(ctx)?;
        let p = recipe_process;
        let process = vf::RecipeProcess {
            id: vf::RecipeProcessId::new(Uuid::now_v7()),
            name: p.name,
            has_duration: p.has_duration.map(vf::Duration::from),
            process_classified_as: Uri::strings(p.process_classified_as),
            process_conforms_to: parse_opt_id("processConformsTo", &p.process_conforms_to)?
                .map(vf::ProcessSpecificationId::new),
            note: p.note,
        };
        let row = app(ctx).create(&process, author).await?;
        Ok(RecipeProcessResponse { recipe_process: written(row, kind::RECIPE_PROCESS, RecipeProcess)? })
    }

    /// Changes a recipe process. A new `processConformsTo` changes which staged inputs it
    /// supplies, so it is refused when that would close a cycle.
    async fn update_recipe_process(
        &self,
        ctx: &Context<'_>,
        recipe_process: RecipeProcessUpdateParams,
    ) -> GqlResult<RecipeProcessResponse> {
        let author = require_write(ctx)?;
        let p = recipe_process;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let conforms = id_patch("processConformsTo", p.process_conforms_to, vf::ProcessSpecificationId::new)?;
        let row = app(ctx)
            .update(
                PROCESS,
                rev,
                move |mut x: vf::RecipeProcess| {
                    patch_required("name", &mut x.name, p.name)?;
                    patch(&mut x.has_duration, p.has_duration.map_value(vf::Duration::from));
                    uri_list_patch(&mut x.process_classified_as, p.process_classified_as);
                    patch(&mut x.note, p.note);
                    patch(&mut x.process_conforms_to, conforms);
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(RecipeProcessResponse { recipe_process: written(row, kind::RECIPE_PROCESS, RecipeProcess)? })
    }

    /// Deletes a recipe process no recipe flow refers to.
    async fn delete_recipe_process(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        let target = DeleteTarget::Revision(parse_id("revisionId", &revision_id)?);
        Ok(app(ctx).delete(PROCESS, target, author).await?)
    }

    async fn create_recipe_exchange(
        &self,
        ctx: &Context<'_>,
        recipe_exchange: RecipeExchangeCreateParams,
    ) -> GqlResult<RecipeExchangeResponse> {
        let author = require_write(ctx)?;
        let x = recipe_exchange;
        let exchange = vf::RecipeExchange { id: vf::RecipeExchangeId::new(Uuid::now_v7()), name: x.name, note: x.note };
        let row = app(ctx).create(&exchange, author).await?;
        Ok(RecipeExchangeResponse { recipe_exchange: written(row, kind::RECIPE_EXCHANGE, RecipeExchange)? })
    }

    async fn update_recipe_exchange(
        &self,
        ctx: &Context<'_>,
        recipe_exchange: RecipeExchangeUpdateParams,
    ) -> GqlResult<RecipeExchangeResponse> {
        let author = require_write(ctx)?;
        let x = recipe_exchange;
        let rev = parse_id("revisionId", &x.revision_id)?;
        let row = app(ctx)
            .update(
                EXCHANGE,
                rev,
                move |mut e: vf::RecipeExchange| {
                    patch_required("name", &mut e.name, x.name)?;
                    patch(&mut e.note, x.note);
                    Ok(e)
                },
                author,
            )
            .await?;
        Ok(RecipeExchangeResponse { recipe_exchange: written(row, kind::RECIPE_EXCHANGE, RecipeExchange)? })
    }

    /// Deletes a recipe exchange no recipe flow refers to.
    async fn delete_recipe_exchange(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        let target = DeleteTarget::Revision(parse_id("revisionId", &revision_id)?);
        Ok(app(ctx).delete(EXCHANGE, target, author).await?)
    }
}
