//! The plan module: bodies of planned work (processes and commitments) with their
//! deliverables, and the agents involved in them.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::{AccountingScope, AgentConnection, agent_node, scopes, written};
use super::commitment::{Commitment, commitments_referring, nothing_refers_to, now};
use super::connection::{PageArgs, list, list_ids};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::loaders::{load_many, load_rec, parse, referrers};
use super::measurement::IMeasure;
use super::observation::Process;
use super::scalars::DateTime;
use super::{
    Rec, app, ids_patch, parse_id, parse_ids, parse_opt_id, patch, patch_required, require_read, require_write,
};
use crate::app::kinds::kind;
use crate::app::recipe::PlanFromRecipe;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::{self, ListQuery};

/// The plan kind, for loads and lists.
pub const PLAN: &[&str] = &[kind::PLAN];
const PROCESS: &[&str] = &[kind::PROCESS];
const EVENT: &[&str] = &[kind::ECONOMIC_EVENT];

/// A logical collection of processes that constitute a body of planned work with defined deliverable(s).
#[derive(Clone)]
pub struct Plan(pub Rec<vf::Plan>);

/// A plan from its row.
pub fn plan_node(m: &record::Model) -> Result<Plan, AppError> {
    Ok(Plan(Rec::from_model(m)?))
}

/// Loads a plan that may be absent.
pub async fn load_plan(ctx: &Context<'_>, id: Option<vf::PlanId>) -> GqlResult<Option<Plan>> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), PLAN).await?.map(Plan)),
        None => Ok(None),
    }
}

connection!(PlanConnection, PlanEdge, Plan, "plans");

/// Query parameters for reading `Process`es related to a `Plan`.
#[derive(InputObject, Default)]
pub struct PlanProcessFilterParams {
    /// Text found in the process's name or note.
    pub search_string: Option<String>,
    /// Processes planned to end at or after this time.
    pub after: Option<DateTime>,
    /// Processes planned to begin at or before this time.
    pub before: Option<DateTime>,
    pub finished: Option<bool>,
}

/// Query parameters for reading `Plan`s related to an `Agent`.
#[derive(InputObject, Default)]
pub struct AgentPlanFilterParams {
    /// Text found in the plan's name or note.
    pub search_string: Option<String>,
    /// Plans whose processes and commitments are all finished (see `Plan.finished`), or not.
    pub finished: Option<bool>,
}

fn contains(needle: &str, texts: &[Option<&str>]) -> bool {
    texts.iter().flatten().any(|t| t.to_lowercase().contains(needle))
}

impl Plan {
    async fn planned_processes(&self, ctx: &Context<'_>) -> Result<Vec<Process>, AppError> {
        let ids = referrers(ctx, PROCESS, "plannedWithin", self.0.id).await?;
        load_many(ctx, &ids, PROCESS).await?.iter().map(|m| Ok(Process(parse(ctx, m)?))).collect()
    }

    /// Every commitment of the plan: its independent demands, the commitments planned
    /// within it, and the inputs and outputs of its processes (each once).
    async fn all_commitments(&self, ctx: &Context<'_>, processes: &[Process]) -> Result<Vec<Commitment>, AppError> {
        let mut out = commitments_referring(ctx, "independentDemandOf", self.0.id).await?;
        out.extend(commitments_referring(ctx, "plannedWithin", self.0.id).await?);
        for p in processes {
            out.extend(commitments_referring(ctx, "inputOf", p.0.id).await?);
            out.extend(commitments_referring(ctx, "outputOf", p.0.id).await?);
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|c| seen.insert(c.0.id));
        Ok(out)
    }

    /// Derived: the plan has processes or commitments and every one of them is finished.
    async fn is_finished(&self, ctx: &Context<'_>) -> Result<bool, AppError> {
        let processes = self.planned_processes(ctx).await?;
        let commitments = self.all_commitments(ctx, &processes).await?;
        if processes.is_empty() && commitments.is_empty() {
            return Ok(false);
        }
        Ok(processes.iter().all(|p| p.0.data.finished) && commitments.iter().all(|c| c.0.data.finished))
    }
}

#[Object]
impl Plan {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for a plan. Does not imply uniqueness.
    async fn name(&self) -> String {
        self.0.data.name.clone()
    }
    /// The time the plan was made.
    async fn created(&self) -> Option<DateTime> {
        self.0.data.created.map(DateTime)
    }
    /// The time the plan is expected to be complete.
    async fn due(&self) -> Option<DateTime> {
        self.0.data.due.map(DateTime)
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// The plan is able to be deleted or not: true only when no process or commitment refers to it.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(nothing_refers_to(ctx, self.0.id).await?))
    }
    /// Derived: true when the plan has processes or commitments and every one of them is finished.
    async fn finished(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(self.is_finished(ctx).await?))
    }
    /// The scenario this plan refines: a plan made concrete from a scenario of what might be.
    async fn refinement_of(&self, ctx: &Context<'_>) -> GqlResult<Option<super::scenario::Scenario>> {
        super::scenario::load_scenario(ctx, self.0.data.refinement_of).await
    }
    /// Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    async fn in_scope_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<AccountingScope>>> {
        scopes(ctx, &self.0.data.in_scope_of).await
    }
    /// The agents the plan is in scope of, and the providers and receivers of its commitments and of the events of its processes.
    async fn involved_agents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<AgentConnection>> {
        let processes = self.planned_processes(ctx).await?;
        let mut ids: Vec<Uuid> = self.0.data.in_scope_of.iter().map(|a| a.uuid()).collect();
        for c in self.all_commitments(ctx, &processes).await? {
            ids.extend([c.0.data.provider.uuid(), c.0.data.receiver.uuid()]);
        }
        for p in &processes {
            let mut events = referrers(ctx, EVENT, "inputOf", p.0.id).await?;
            events.extend(referrers(ctx, EVENT, "outputOf", p.0.id).await?);
            for m in load_many(ctx, &events, EVENT).await? {
                let e: Rec<vf::EconomicEvent> = parse(ctx, &m)?;
                ids.extend([e.data.provider.uuid(), e.data.receiver.uuid()]);
            }
        }
        ids.sort();
        ids.dedup();
        let (items, info) =
            list_ids(ctx, &ids, kind::AGENTS, &PageArgs::new(first, after, last, before), agent_node).await?;
        Ok(Some(AgentConnection::new(items, info)))
    }
    /// The plan's deliverables: commitments that are its independent demands.
    async fn independent_demands(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Commitment>>> {
        Ok(Some(commitments_referring(ctx, "independentDemandOf", self.0.id).await?))
    }
    /// Commitments planned within the plan that are not inputs or outputs of a process (transfers, for example).
    async fn non_process_commitments(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Commitment>>> {
        let all = commitments_referring(ctx, "plannedWithin", self.0.id).await?;
        Ok(Some(all.into_iter().filter(|c| c.0.data.input_of.is_none() && c.0.data.output_of.is_none()).collect()))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Plan>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Plan))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// The processes planned within the plan, filtered: every criterion given must hold.
    async fn processes(
        &self,
        ctx: &Context<'_>,
        filter: Option<PlanProcessFilterParams>,
    ) -> GqlResult<Option<Vec<Process>>> {
        let all = self.planned_processes(ctx).await?;
        let Some(f) = filter else { return Ok(Some(all)) };
        let needle = f.search_string.filter(|s| !s.trim().is_empty()).map(|s| s.to_lowercase());
        Ok(Some(
            all.into_iter()
                .filter(|p| {
                    let d = &p.0.data;
                    let first = d.has_beginning.or(d.has_end);
                    let last = d.has_end.or(d.has_beginning);
                    needle.as_deref().is_none_or(|n| contains(n, &[Some(&d.name), d.note.as_deref()]))
                        && f.finished.is_none_or(|done| d.finished == done)
                        && f.after.is_none_or(|a| last.is_some_and(|t| t >= a.0))
                        && f.before.is_none_or(|b| first.is_some_and(|t| t <= b.0))
                })
                .collect(),
        ))
    }
}

/// The plans an agent takes part in: those in its scope, those holding a commitment it
/// provides or receives (as an independent demand, planned within, or through a process),
/// and those whose processes have its events; filtered, then paged.
pub async fn agent_plans(
    ctx: &Context<'_>,
    agent: Uuid,
    filter: Option<AgentPlanFilterParams>,
    args: PageArgs,
) -> GqlResult<Option<PlanConnection>> {
    let db = app(ctx).store().db();
    let me = agent.to_string();
    let sides: &[&'static str] = &["provider", "receiver"];
    let mut values = records::linked_values(db, sides, &me, &["plannedWithin", "independentDemandOf"])
        .await
        .map_err(AppError::from)?;
    let processes: Vec<Uuid> = records::linked_values(db, sides, &me, &["inputOf", "outputOf"])
        .await
        .map_err(AppError::from)?
        .iter()
        .filter_map(|v| Uuid::parse_str(v).ok())
        .collect();
    for m in load_many(ctx, &processes, PROCESS).await? {
        let p: Rec<vf::Process> = parse(ctx, &m)?;
        values.extend(p.data.planned_within.map(|x| x.to_string()));
    }
    let mut ids: Vec<Uuid> = values.iter().filter_map(|v| Uuid::parse_str(v).ok()).collect();
    ids.extend(
        records::ids_where(db, PLAN, "inScopeOf", std::slice::from_ref(&me))
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|(_, id)| id),
    );
    ids.sort();
    ids.dedup();
    if let Some(f) = filter {
        let needle = f.search_string.filter(|s| !s.trim().is_empty()).map(|s| s.to_lowercase());
        let mut kept = Vec::with_capacity(ids.len());
        for m in load_many(ctx, &ids, PLAN).await? {
            let plan = Plan(parse(ctx, &m)?);
            let text_ok =
                needle.as_deref().is_none_or(|n| contains(n, &[Some(&plan.0.data.name), plan.0.data.note.as_deref()]));
            let finished_ok = match f.finished {
                Some(done) => plan.is_finished(ctx).await? == done,
                None => true,
            };
            if text_ok && finished_ok {
                kept.push(plan.0.id);
            }
        }
        ids = kept;
    }
    let (items, info) = list_ids(ctx, &ids, PLAN, &args, plan_node).await?;
    Ok(Some(PlanConnection::new(items, info)))
}

/// Fields of a new plan.
#[derive(InputObject)]
pub struct PlanCreateParams {
    /// An informal or formal textual identifier for a plan. Does not imply uniqueness.
    pub name: String,
    /// The time the plan was made; the time of this request when absent.
    pub created: Option<DateTime>,
    /// The time the plan is expected to be complete.
    pub due: Option<DateTime>,
    /// A textual description or comment.
    pub note: Option<String>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    pub in_scope_of: Option<Vec<ID>>,
    /// (`Scenario`) The scenario this plan refines.
    pub refinement_of: Option<ID>,
}

impl PlanCreateParams {
    fn into_domain(self) -> Result<vf::Plan, AppError> {
        Ok(vf::Plan {
            id: vf::PlanId::new(Uuid::now_v7()),
            name: self.name,
            created: Some(self.created.map_or_else(now, |d| d.0)),
            due: self.due.map(|d| d.0),
            note: self.note,
            in_scope_of: parse_ids("inScopeOf", &self.in_scope_of)?.into_iter().map(vf::AgentId::new).collect(),
            refinement_of: parse_opt_id("refinementOf", &self.refinement_of)?.map(vf::ScenarioId::new),
        })
    }
}

/// What a plan made from a recipe delivers (an extension of vf-graphql).
#[derive(InputObject)]
pub struct PlanFromRecipeParams {
    /// (`ResourceSpecification`) The kind of resource the plan delivers: exactly one recipe process must produce it.
    pub resource_conforms_to: ID,
    /// How much of it to deliver, more than zero. Without `hasUnit`, the unit the recipe produces it in.
    pub resource_quantity: IMeasure,
    /// (`Agent`) Who commits to the planned work: provider (and, inside the plan, receiver) of every commitment. Defaults to the caller's agent.
    pub provider: Option<ID>,
    /// (`Agent`) Who receives what the plan delivers. Defaults to the provider.
    pub receiver: Option<ID>,
}

/// Changes to a plan: an omitted field stays, `null` erases it.
#[derive(InputObject)]
pub struct PlanUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for a plan. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// The time the plan was made.
    #[graphql(default)]
    pub created: MaybeUndefined<DateTime>,
    /// The time the plan is expected to be complete.
    #[graphql(default)]
    pub due: MaybeUndefined<DateTime>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    #[graphql(default)]
    pub in_scope_of: MaybeUndefined<Vec<ID>>,
    /// (`Scenario`) The scenario this plan refines.
    #[graphql(default)]
    pub refinement_of: MaybeUndefined<ID>,
}

/// The plan created or updated.
#[derive(SimpleObject)]
pub struct PlanResponse {
    plan: Plan,
}

/// Plan queries.
#[derive(Default)]
pub struct PlanQuery;

#[Object]
impl PlanQuery {
    async fn plan(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Plan>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, PLAN).await?.map(Plan))
    }

    async fn plans(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<PlanConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: PLAN.to_vec(), filters: Vec::new() };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), plan_node).await?;
        Ok(PlanConnection::new(items, info))
    }
}

/// Plan mutations.
#[derive(Default)]
pub struct PlanMutation;

#[Object]
impl PlanMutation {
    async fn create_plan(&self, ctx: &Context<'_>, plan: PlanCreateParams) -> GqlResult<PlanResponse> {
        let author = require_write(ctx)?;
        let row = app(ctx).create(&plan.into_domain()?, author).await?;
        Ok(PlanResponse { plan: written(row, kind::PLAN, Plan)? })
    }

    /// Plans work from the recipe (an extension of vf-graphql): creates, in one write, the
    /// plan, a process for each recipe process needed to deliver `demand`, and a commitment
    /// for each of their recipe flows, with every quantity scaled exactly. The commitments
    /// that deliver the demanded resource are the plan's independent demands. When the
    /// plan has a `due` date, each process is scheduled back from it by its recipe's
    /// `hasDuration`. Refused with nothing written: a quantity not above zero, a unit other
    /// than the recipe's, no recipe or an ambiguous one (`VALIDATION`, `NOT_FOUND`).
    async fn create_plan_from_recipe(
        &self,
        ctx: &Context<'_>,
        plan: PlanCreateParams,
        demand: PlanFromRecipeParams,
    ) -> GqlResult<PlanResponse> {
        let author = require_write(ctx)?;
        let provider = parse_opt_id("provider", &demand.provider)?.map_or(author.agent, vf::AgentId::new);
        let input = PlanFromRecipe {
            plan: plan.into_domain()?,
            wanted: vf::ResourceSpecificationId::new(parse_id("resourceConformsTo", &demand.resource_conforms_to)?),
            quantity: demand.resource_quantity.to_vf("resourceQuantity")?,
            provider,
            receiver: parse_opt_id("receiver", &demand.receiver)?.map_or(provider, vf::AgentId::new),
        };
        let rows = app(ctx).plan_from_recipe(input, author).await?;
        let row = rows.into_iter().next().ok_or_else(|| AppError::Internal("no plan was written".to_owned()))?;
        Ok(PlanResponse { plan: written(row, kind::PLAN, Plan)? })
    }

    async fn update_plan(&self, ctx: &Context<'_>, plan: PlanUpdateParams) -> GqlResult<PlanResponse> {
        let author = require_write(ctx)?;
        let p = plan;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let scopes_given = !p.in_scope_of.is_undefined();
        let mut scopes_new = Vec::new();
        ids_patch("inScopeOf", &mut scopes_new, p.in_scope_of, vf::AgentId::new)?;
        let refines = super::id_patch("refinementOf", p.refinement_of, vf::ScenarioId::new)?;
        let row = app(ctx)
            .update(
                PLAN,
                rev,
                move |mut x: vf::Plan| {
                    patch_required("name", &mut x.name, p.name)?;
                    patch(&mut x.created, p.created.map_value(|d| d.0));
                    patch(&mut x.due, p.due.map_value(|d| d.0));
                    patch(&mut x.note, p.note);
                    if scopes_given {
                        x.in_scope_of = scopes_new;
                    }
                    patch(&mut x.refinement_of, refines);
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(PlanResponse { plan: written(row, kind::PLAN, Plan)? })
    }

    /// Deletes a plan nothing refers to: refused (CONFLICT) while a process or commitment is planned within it or is its independent demand.
    async fn delete_plan(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(PLAN, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }
}
