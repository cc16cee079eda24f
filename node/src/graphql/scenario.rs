//! The scenario module: logical collections of processes for budgeting, analysis and plan
//! refinement, and the definitions of kinds of scenarios.
//!
//! The reference names the argument of `createScenario`, `updateScenario`,
//! `createScenarioDefinition` and `updateScenarioDefinition` `plan`; it is kept for
//! compatibility.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::{AccountingScope, scopes, written};
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::loaders::{load_many, load_rec, referrers};
use super::measurement::{Duration, IDuration};
use super::observation::{ProcessConnection, process_node};
use super::scalars::DateTime;
use super::{
    Rec, app, id_patch, ids_patch, parse_id, parse_ids, parse_opt_id, patch, patch_required, require_read,
    require_write,
};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::{Filter, ListQuery};

const SCENARIO: &[&str] = &[kind::SCENARIO];
const DEFINITION: &[&str] = &[kind::SCENARIO_DEFINITION];

/// An estimated or analytical logical collection of higher level processes used for budgeting, analysis, plan refinement, etc.
#[derive(Clone)]
pub struct Scenario(pub Rec<vf::Scenario>);

/// A scenario in wire form, from its row.
pub fn scenario_node(m: &record::Model) -> Result<Scenario, AppError> {
    Ok(Scenario(Rec::from_model(m)?))
}

/// Loads a scenario that may be absent.
pub async fn load_scenario(ctx: &Context<'_>, id: Option<vf::ScenarioId>) -> GqlResult<Option<Scenario>> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), SCENARIO).await?.map(Scenario)),
        None => Ok(None),
    }
}

/// Scenarios whose `field` names `id`, one page.
pub async fn scenarios_naming(
    ctx: &Context<'_>,
    field: &str,
    id: Uuid,
    args: PageArgs,
) -> GqlResult<Option<ScenarioConnection>> {
    let q = ListQuery {
        kinds: SCENARIO.to_vec(),
        filters: vec![Filter::AnyOf { field: field.to_owned(), values: vec![id.to_string()] }],
    };
    let (items, info) = list(ctx, q, &args, scenario_node).await?;
    Ok(Some(ScenarioConnection::new(items, info)))
}

#[Object]
impl Scenario {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for a scenario. Does not imply uniqueness.
    async fn name(&self) -> String {
        self.0.data.name.clone()
    }
    /// The beginning date/time of the scenario, often the beginning of an accounting period.
    async fn has_beginning(&self) -> Option<DateTime> {
        self.0.data.has_beginning.map(DateTime)
    }
    /// The ending date/time of the scenario, often the end of an accounting period.
    async fn has_end(&self) -> Option<DateTime> {
        self.0.data.has_end.map(DateTime)
    }
    /// The scenario definition for this scenario, for example yearly budget.
    async fn defined_as(&self, ctx: &Context<'_>) -> GqlResult<Option<ScenarioDefinition>> {
        match self.0.data.defined_as {
            Some(id) => Ok(load_rec(ctx, id.uuid(), DEFINITION).await?.map(ScenarioDefinition)),
            None => Ok(None),
        }
    }
    /// This scenario refines another scenario, often as time moves closer or for more detail.
    async fn refinement_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Scenario>> {
        load_scenario(ctx, self.0.data.refinement_of).await
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// The plans that refine this scenario.
    async fn plans(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<super::plan::Plan>>> {
        let ids = referrers(ctx, &[kind::PLAN], "refinementOf", self.0.id).await?;
        let rows = load_many(ctx, &ids, &[kind::PLAN]).await?;
        Ok(Some(rows.iter().map(super::plan::plan_node).collect::<Result<_, _>>()?))
    }
    /// The scenarios that refine this one.
    async fn refinements(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Scenario>>> {
        let ids = referrers(ctx, SCENARIO, "refinementOf", self.0.id).await?;
        let rows = load_many(ctx, &ids, SCENARIO).await?;
        Ok(Some(rows.iter().map(scenario_node).collect::<Result<_, _>>()?))
    }
    /// Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    async fn in_scope_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<AccountingScope>>> {
        scopes(ctx, &self.0.data.in_scope_of).await
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Scenario>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Scenario))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// The processes, with their inputs and outputs, that are part of the scenario.
    async fn processes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<ProcessConnection>> {
        let q = ListQuery {
            kinds: vec![kind::PROCESS],
            filters: vec![Filter::AnyOf { field: "nestedIn".to_owned(), values: vec![self.0.id.to_string()] }],
        };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), process_node).await?;
        Ok(Some(ProcessConnection::new(items, info)))
    }
}

/// The type definition of one or more scenarios, such as Yearly Budget.
#[derive(Clone)]
pub struct ScenarioDefinition(pub Rec<vf::ScenarioDefinition>);

#[Object]
impl ScenarioDefinition {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for a scenario definition. Does not imply uniqueness.
    async fn name(&self) -> String {
        self.0.data.name.clone()
    }
    /// The duration of the scenario, often an accounting period.
    async fn has_duration(&self) -> Option<Duration> {
        self.0.data.has_duration.map(Duration::from)
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// The scenarios defined as this kind.
    async fn scenarios(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<ScenarioConnection>> {
        scenarios_naming(ctx, "definedAs", self.0.id, PageArgs::new(first, after, last, before)).await
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<ScenarioDefinition>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(ScenarioDefinition))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

connection!(ScenarioConnection, ScenarioEdge, Scenario, "scenarios");
connection!(ScenarioDefinitionConnection, ScenarioDefinitionEdge, ScenarioDefinition, "scenario definitions");

/// Fields of a new scenario.
#[derive(InputObject)]
pub struct ScenarioCreateParams {
    /// An informal or formal textual identifier for a scenario. Does not imply uniqueness.
    pub name: String,
    /// (`ScenarioDefinition`) The scenario definition for this scenario, for example yearly budget.
    pub defined_as: Option<ID>,
    /// The beginning date/time of the scenario, often the beginning of an accounting period.
    pub has_beginning: Option<DateTime>,
    /// The ending date/time of the scenario, often the end of an accounting period.
    pub has_end: Option<DateTime>,
    /// (`Scenario`) This scenario refines another scenario, often as time moves closer or for more detail.
    pub refinement_of: Option<ID>,
    /// A textual description or comment.
    pub note: Option<String>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    pub in_scope_of: Option<Vec<ID>>,
}

/// Changes to a scenario.
#[derive(InputObject)]
pub struct ScenarioUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for a scenario. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// (`ScenarioDefinition`) The scenario definition for this scenario, for example yearly budget.
    #[graphql(default)]
    pub defined_as: MaybeUndefined<ID>,
    /// The beginning date/time of the scenario, often the beginning of an accounting period.
    #[graphql(default)]
    pub has_beginning: MaybeUndefined<DateTime>,
    /// The ending date/time of the scenario, often the end of an accounting period.
    #[graphql(default)]
    pub has_end: MaybeUndefined<DateTime>,
    /// (`Scenario`) This scenario refines another scenario, often as time moves closer or for more detail.
    #[graphql(default)]
    pub refinement_of: MaybeUndefined<ID>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    #[graphql(default)]
    pub in_scope_of: MaybeUndefined<Vec<ID>>,
}

/// The scenario created or updated.
#[derive(SimpleObject)]
pub struct ScenarioResponse {
    scenario: Scenario,
}

/// Fields of a new scenario definition.
#[derive(InputObject)]
pub struct ScenarioDefinitionCreateParams {
    /// An informal or formal textual identifier for a scenario definition. Does not imply uniqueness.
    pub name: String,
    /// The duration of the scenario, often an accounting period.
    pub has_duration: Option<IDuration>,
    /// A textual description or comment.
    pub note: Option<String>,
}

/// Changes to a scenario definition.
#[derive(InputObject)]
pub struct ScenarioDefinitionUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for a scenario definition. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// The duration of the scenario, often an accounting period.
    #[graphql(default)]
    pub has_duration: MaybeUndefined<IDuration>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The scenario definition created or updated.
#[derive(SimpleObject)]
pub struct ScenarioDefinitionResponse {
    scenario_definition: ScenarioDefinition,
}

/// Scenario queries.
#[derive(Default)]
pub struct ScenarioQuery;

#[Object]
impl ScenarioQuery {
    async fn scenario(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Scenario>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, SCENARIO).await?.map(Scenario))
    }

    async fn scenarios(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<ScenarioConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: SCENARIO.to_vec(), filters: Vec::new() };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), scenario_node).await?;
        Ok(ScenarioConnection::new(items, info))
    }

    async fn scenario_definition(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<ScenarioDefinition>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, DEFINITION).await?.map(ScenarioDefinition))
    }

    async fn scenario_definitions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<ScenarioDefinitionConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: DEFINITION.to_vec(), filters: Vec::new() };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(ScenarioDefinition(Rec::from_model(m)?)))
                .await?;
        Ok(ScenarioDefinitionConnection::new(items, info))
    }
}

/// Scenario mutations.
#[derive(Default)]
pub struct ScenarioMutation;

#[Object]
impl ScenarioMutation {
    /// Creates a scenario (the argument is named `plan` in the reference schema).
    async fn create_scenario(&self, ctx: &Context<'_>, plan: ScenarioCreateParams) -> GqlResult<ScenarioResponse> {
        let author = require_write(ctx)?;
        let p = plan;
        let scenario = vf::Scenario {
            id: vf::ScenarioId::new(Uuid::now_v7()),
            name: p.name,
            has_beginning: p.has_beginning.map(|d| d.0),
            has_end: p.has_end.map(|d| d.0),
            defined_as: parse_opt_id("definedAs", &p.defined_as)?.map(vf::ScenarioDefinitionId::new),
            refinement_of: parse_opt_id("refinementOf", &p.refinement_of)?.map(vf::ScenarioId::new),
            in_scope_of: parse_ids("inScopeOf", &p.in_scope_of)?.into_iter().map(vf::AgentId::new).collect(),
            note: p.note,
        };
        let row = app(ctx).create(&scenario, author).await?;
        Ok(ScenarioResponse { scenario: written(row, kind::SCENARIO, Scenario)? })
    }

    /// Changes a scenario; refused when it would come to refine itself.
    async fn update_scenario(&self, ctx: &Context<'_>, plan: ScenarioUpdateParams) -> GqlResult<ScenarioResponse> {
        let author = require_write(ctx)?;
        let p = plan;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let defined = id_patch("definedAs", p.defined_as, vf::ScenarioDefinitionId::new)?;
        let refines = id_patch("refinementOf", p.refinement_of, vf::ScenarioId::new)?;
        let mut scopes_new = Vec::new();
        let scopes_given = !p.in_scope_of.is_undefined();
        ids_patch("inScopeOf", &mut scopes_new, p.in_scope_of, vf::AgentId::new)?;
        let row = app(ctx)
            .update(
                SCENARIO,
                rev,
                move |mut s: vf::Scenario| {
                    patch_required("name", &mut s.name, p.name)?;
                    patch(&mut s.has_beginning, p.has_beginning.map_value(|d| d.0));
                    patch(&mut s.has_end, p.has_end.map_value(|d| d.0));
                    patch(&mut s.defined_as, defined);
                    patch(&mut s.refinement_of, refines);
                    patch(&mut s.note, p.note);
                    if scopes_given {
                        s.in_scope_of = scopes_new;
                    }
                    Ok(s)
                },
                author,
            )
            .await?;
        Ok(ScenarioResponse { scenario: written(row, kind::SCENARIO, Scenario)? })
    }

    /// Deletes a scenario no process or other scenario refers to.
    async fn delete_scenario(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        let target = DeleteTarget::Revision(parse_id("revisionId", &revision_id)?);
        Ok(app(ctx).delete(SCENARIO, target, author).await?)
    }

    /// Creates a scenario definition (the argument is named `plan` in the reference schema).
    async fn create_scenario_definition(
        &self,
        ctx: &Context<'_>,
        plan: ScenarioDefinitionCreateParams,
    ) -> GqlResult<ScenarioDefinitionResponse> {
        let author = require_write(ctx)?;
        let p = plan;
        let definition = vf::ScenarioDefinition {
            id: vf::ScenarioDefinitionId::new(Uuid::now_v7()),
            name: p.name,
            has_duration: p.has_duration.map(vf::Duration::from),
            note: p.note,
        };
        let row = app(ctx).create(&definition, author).await?;
        Ok(ScenarioDefinitionResponse {
            scenario_definition: written(row, kind::SCENARIO_DEFINITION, ScenarioDefinition)?,
        })
    }

    async fn update_scenario_definition(
        &self,
        ctx: &Context<'_>,
        plan: ScenarioDefinitionUpdateParams,
    ) -> GqlResult<ScenarioDefinitionResponse> {
        let author = require_write(ctx)?;
        let p = plan;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let row = app(ctx)
            .update(
                DEFINITION,
                rev,
                move |mut d: vf::ScenarioDefinition| {
                    patch_required("name", &mut d.name, p.name)?;
                    patch(&mut d.has_duration, p.has_duration.map_value(vf::Duration::from));
                    patch(&mut d.note, p.note);
                    Ok(d)
                },
                author,
            )
            .await?;
        Ok(ScenarioDefinitionResponse {
            scenario_definition: written(row, kind::SCENARIO_DEFINITION, ScenarioDefinition)?,
        })
    }

    /// Deletes a scenario definition no scenario is defined as.
    async fn delete_scenario_definition(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        let target = DeleteTarget::Revision(parse_id("revisionId", &revision_id)?);
        Ok(app(ctx).delete(DEFINITION, target, author).await?)
    }
}
