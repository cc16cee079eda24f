//! Recipe rules the writer checks against other records: a recipe flow, or a recipe
//! process's kind, must not close a cycle of supply (a process that, through the resources
//! it takes in, depends on what it itself yields).
//!
//! The check runs inside the writer's transaction as a barrier command: the batch before
//! it is already flushed, so the index queries below see every write acknowledged before
//! this one, and the next write that could close a cycle sees this one. Two concurrent
//! writes that would each close half of a cycle are therefore checked one after the other.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;
use valueflows_model as vf;

use super::kinds::{Draft, kind};
use super::observation::parse;
use super::writer::WriteCtx;
use crate::error::AppError;

/// Refuses `draft` (a recipe flow, or a revised recipe process) if, with it, the recipe
/// flows stored would form a cycle of supply.
pub async fn check_no_cycle(ctx: &mut WriteCtx<'_>, draft: &Draft) -> Result<(), AppError> {
    let mut walk = Walk::default();
    let field = match draft.kind {
        kind::RECIPE_FLOW => {
            let flow: vf::RecipeFlow = serde_json::from_value(draft.body.clone())?;
            let starts: Vec<Uuid> =
                [flow.recipe_input_of, flow.recipe_output_of].iter().flatten().map(|p| p.uuid()).collect();
            if starts.is_empty() {
                return Ok(());
            }
            walk.processes_todo.extend(starts);
            walk.specs_todo.push(flow.resource_conforms_to.uuid());
            let field = if flow.recipe_input_of.is_some() { "recipeInputOf" } else { "recipeOutputOf" };
            walk.new_flow = Some(flow);
            field
        }
        kind::RECIPE_PROCESS => {
            let process: vf::RecipeProcess = serde_json::from_value(draft.body.clone())?;
            walk.processes_todo.push(process.id.uuid());
            walk.new_process = Some(process);
            "processConformsTo"
        }
        _ => return Ok(()),
    };
    walk.run(ctx).await?;
    match vf::recipe::find_cycle(&walk.process_list(), &walk.flow_list()) {
        Some(processes) => Err(vf::RecipeError::Cycle { field, processes }.into()),
        None => Ok(()),
    }
}

/// The part of the recipe graph reachable downstream of the processes a write touches:
/// every cycle the write could close passes through one of them, so it lies in here.
#[derive(Default)]
struct Walk {
    new_flow: Option<vf::RecipeFlow>,
    new_process: Option<vf::RecipeProcess>,
    processes: BTreeMap<Uuid, vf::RecipeProcess>,
    flows: BTreeMap<Uuid, vf::RecipeFlow>,
    processes_seen: BTreeSet<Uuid>,
    specs_seen: BTreeSet<Uuid>,
    processes_todo: Vec<Uuid>,
    specs_todo: Vec<Uuid>,
    /// Suppliers met on the way: their kind decides which staged inputs they supply.
    suppliers: BTreeSet<Uuid>,
}

impl Walk {
    async fn run(&mut self, ctx: &mut WriteCtx<'_>) -> Result<(), AppError> {
        self.processes_todo.retain(|p| self.processes_seen.insert(*p));
        self.specs_todo.retain(|s| self.specs_seen.insert(*s));
        while !self.processes_todo.is_empty() || !self.specs_todo.is_empty() {
            // What the processes yield...
            let processes = std::mem::take(&mut self.processes_todo);
            self.load_processes(ctx, &processes).await?;
            for f in self.flows_where(ctx, "recipeOutputOf", &processes).await? {
                if f.yielded_by().is_some() {
                    self.add_spec(f.resource_conforms_to.uuid());
                }
            }
            // ...and who takes it in (and who else yields it).
            let specs = std::mem::take(&mut self.specs_todo);
            for f in self.flows_where(ctx, "resourceConformsTo", &specs).await? {
                if let Some(p) = f.recipe_input_of {
                    self.add_process(p.uuid());
                }
                if let Some(p) = f.yielded_by() {
                    self.suppliers.insert(p.uuid());
                }
            }
        }
        let suppliers: Vec<Uuid> = self.suppliers.iter().copied().filter(|p| !self.processes.contains_key(p)).collect();
        self.load_processes(ctx, &suppliers).await
    }

    fn add_spec(&mut self, spec: Uuid) {
        if self.specs_seen.insert(spec) {
            self.specs_todo.push(spec);
        }
    }

    fn add_process(&mut self, process: Uuid) {
        if self.processes_seen.insert(process) {
            self.processes_todo.push(process);
        }
    }

    async fn load_processes(&mut self, ctx: &mut WriteCtx<'_>, ids: &[Uuid]) -> Result<(), AppError> {
        for m in ctx.get_many(ids).await? {
            if !m.deleted && m.kind == kind::RECIPE_PROCESS {
                self.processes.insert(m.id, parse(&m)?);
            }
        }
        Ok(())
    }

    /// Live recipe flows whose `field` names one of `ids`, kept in the walk.
    async fn flows_where(
        &mut self,
        ctx: &mut WriteCtx<'_>,
        field: &str,
        ids: &[Uuid],
    ) -> Result<Vec<vf::RecipeFlow>, AppError> {
        let mut out = ctx.live_where::<vf::RecipeFlow>(kind::RECIPE_FLOW, field, ids).await?;
        for flow in &mut out {
            // The flow being written stands in for its stored revision.
            if let Some(new) = self.new_flow.as_ref().filter(|n| n.id == flow.id) {
                *flow = new.clone();
            }
            self.flows.insert(flow.id.uuid(), flow.clone());
        }
        Ok(out)
    }

    fn process_list(&self) -> Vec<vf::RecipeProcess> {
        let mut out: Vec<vf::RecipeProcess> = self.processes.values().cloned().collect();
        if let Some(new) = &self.new_process {
            out.retain(|p| p.id != new.id);
            out.push(new.clone());
        }
        out
    }

    fn flow_list(&self) -> Vec<vf::RecipeFlow> {
        let mut out: Vec<vf::RecipeFlow> = self.flows.values().cloned().collect();
        if let Some(new) = &self.new_flow {
            out.retain(|f| f.id != new.id);
            out.push(new.clone());
        }
        out
    }
}

/// A plan to make from the recipe for a wanted resource.
#[derive(Debug, Clone)]
pub struct PlanFromRecipe {
    /// The plan record to create (its `due`, when set, schedules the processes).
    pub plan: vf::Plan,
    /// The kind of resource wanted.
    pub wanted: vf::ResourceSpecificationId,
    /// How much of it; without a unit, the unit the recipe yields it in.
    pub quantity: vf::Measure,
    /// Who commits to the work: provider (and receiver) of every commitment.
    pub provider: vf::AgentId,
    /// Who receives the wanted resource: receiver of the plan's deliverables.
    pub receiver: vf::AgentId,
}

/// Creates, in one op, a plan with a process for each recipe process needed to make the
/// wanted quantity and a commitment for each of their flows, scaled exactly (see
/// [`vf::plan_from_recipe`]). The commitments that yield the wanted resource are the plan's
/// independent demands. With a due date, processes are scheduled back from it
/// ([`vf::schedule_back`]): inputs are due when their process begins, outputs when it ends.
///
/// Runs as a barrier command, so the recipe it reads is every recipe write acknowledged
/// before it; on any error nothing is written.
pub async fn plan_from_recipe(ctx: &mut WriteCtx<'_>, input: PlanFromRecipe) -> Result<Vec<Uuid>, AppError> {
    let PlanFromRecipe { plan, wanted, mut quantity, provider, receiver } = input;
    let (processes, flows) = upstream(ctx, wanted).await?;
    if quantity.has_unit.is_none() {
        quantity.has_unit = flows
            .iter()
            .find(|f| f.resource_conforms_to == wanted && f.yielded_by().is_some())
            .and_then(|f| f.resource_quantity.and_then(|q| q.has_unit));
    }
    let scaled = vf::plan_from_recipe(&processes, &flows, wanted, quantity)?;
    let spans = plan.due.map(|due| vf::schedule_back(&scaled, &processes, due)).transpose()?;
    let recipe: BTreeMap<vf::RecipeProcessId, &vf::RecipeProcess> = processes.iter().map(|p| (p.id, p)).collect();
    let created = Some(vf::Timestamp::parse(&ctx.now).map_err(|e| AppError::Internal(e.to_string()))?);

    let mut ids = vec![ctx.create(Draft::of(&plan)?).await?];
    let mut planned: BTreeMap<vf::RecipeProcessId, vf::ProcessId> = BTreeMap::new();
    for sp in &scaled.processes {
        let rp = recipe.get(&sp.recipe_process).copied().ok_or_else(|| {
            AppError::NotFound(format!(
                "recipe process {} is named by a recipe flow but does not exist",
                sp.recipe_process
            ))
        })?;
        let span = spans.as_ref().and_then(|s| s.get(&sp.recipe_process));
        let process = vf::Process {
            id: vf::ProcessId::new(Uuid::now_v7()),
            name: rp.name.clone(),
            has_beginning: span.map(|s| s.begins),
            has_end: span.map(|s| s.ends),
            finished: false,
            note: rp.note.clone(),
            classified_as: rp.process_classified_as.clone(),
            in_scope_of: plan.in_scope_of.clone(),
            based_on: rp.process_conforms_to,
            nested_in: None,
            planned_within: Some(plan.id),
        };
        planned.insert(sp.recipe_process, process.id);
        ids.push(ctx.create(Draft::of(&process)?).await?);
    }
    let last = scaled.processes.last().map(|p| p.recipe_process);
    for sp in &scaled.processes {
        let process = planned[&sp.recipe_process];
        let span = spans.as_ref().and_then(|s| s.get(&sp.recipe_process));
        for f in sp.inputs.iter().chain(&sp.outputs) {
            let deliverable =
                Some(sp.recipe_process) == last && f.side == vf::FlowSide::Output && f.resource_conforms_to == wanted;
            let mut c = vf::Commitment::new(
                vf::CommitmentId::new(Uuid::now_v7()),
                f.action,
                provider,
                if deliverable { receiver } else { provider },
            );
            match f.side {
                vf::FlowSide::Input => {
                    c.input_of = Some(process);
                    c.due = span.map(|s| s.begins);
                }
                vf::FlowSide::Output => {
                    c.output_of = Some(process);
                    c.due = span.map(|s| s.ends);
                }
            }
            c.resource_conforms_to = Some(f.resource_conforms_to);
            c.resource_quantity = f.resource_quantity;
            c.effort_quantity = f.effort_quantity;
            c.stage = f.stage;
            c.created = created;
            c.in_scope_of = plan.in_scope_of.clone();
            c.planned_within = Some(plan.id);
            c.independent_demand_of = deliverable.then_some(plan.id);
            ids.push(ctx.create(Draft::of(&c)?).await?);
        }
    }
    Ok(ids)
}

/// The recipe upstream of `wanted`: the recipe processes that yield it, those that yield
/// what they take in, and so on, with every flow in or out of them.
async fn upstream(
    ctx: &mut WriteCtx<'_>,
    wanted: vf::ResourceSpecificationId,
) -> Result<(Vec<vf::RecipeProcess>, Vec<vf::RecipeFlow>), AppError> {
    let mut flows: BTreeMap<Uuid, vf::RecipeFlow> = BTreeMap::new();
    let mut processes_seen: BTreeSet<Uuid> = BTreeSet::new();
    let mut specs_seen: BTreeSet<Uuid> = BTreeSet::from([wanted.uuid()]);
    let mut specs_todo = vec![wanted.uuid()];
    while !specs_todo.is_empty() {
        let mut new: Vec<Uuid> = ctx
            .live_where::<vf::RecipeFlow>(kind::RECIPE_FLOW, "resourceConformsTo", &specs_todo)
            .await?
            .iter()
            .filter_map(vf::RecipeFlow::yielded_by)
            .map(|p| p.uuid())
            .filter(|p| processes_seen.insert(*p))
            .collect();
        new.sort();
        new.dedup();
        specs_todo.clear();
        let mut around = ctx.live_where::<vf::RecipeFlow>(kind::RECIPE_FLOW, "recipeInputOf", &new).await?;
        around.extend(ctx.live_where::<vf::RecipeFlow>(kind::RECIPE_FLOW, "recipeOutputOf", &new).await?);
        for f in around {
            if f.recipe_input_of.is_some() && specs_seen.insert(f.resource_conforms_to.uuid()) {
                specs_todo.push(f.resource_conforms_to.uuid());
            }
            flows.insert(f.id.uuid(), f);
        }
    }
    let ids: Vec<Uuid> = processes_seen.into_iter().collect();
    let mut processes = Vec::with_capacity(ids.len());
    for m in ctx.get_many(&ids).await? {
        if !m.deleted && m.kind == kind::RECIPE_PROCESS {
            processes.push(parse(&m)?);
        }
    }
    Ok((processes, flows.into_values().collect()))
}
