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
use crate::store::records;

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
        let values: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let mut found: Vec<Uuid> = records::ids_where(ctx.db, &[kind::RECIPE_FLOW], field, &values)
            .await?
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        found.sort();
        found.dedup();
        let mut out = Vec::new();
        for m in ctx.get_many(&found).await? {
            if m.deleted {
                continue;
            }
            let mut flow: vf::RecipeFlow = parse(&m)?;
            // The flow being written stands in for its stored revision.
            if let Some(new) = self.new_flow.as_ref().filter(|n| n.id == flow.id) {
                flow = new.clone();
            }
            self.flows.insert(m.id, flow.clone());
            out.push(flow);
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
