//! How the processes of a recipe depend on each other: a recipe process supplies another
//! when it yields a resource specification the other takes in (at the stage the input asks
//! for, if it asks for one). Planning walks these links backwards from the wanted output,
//! so they must never form a cycle.

use std::collections::{BTreeMap, BTreeSet};

use crate::ids::{ProcessSpecificationId, RecipeProcessId, ResourceSpecificationId};
use crate::recipe::recipe_flow::RecipeFlow;
use crate::recipe::recipe_process::RecipeProcess;

/// The supply links between the recipe processes of a set of flows.
#[derive(Debug, Clone, Default)]
pub struct RecipeGraph {
    /// The kind of each known recipe process (its `processConformsTo`).
    kinds: BTreeMap<RecipeProcessId, Option<ProcessSpecificationId>>,
    /// Which recipe processes yield each resource specification.
    yielders: BTreeMap<ResourceSpecificationId, BTreeSet<RecipeProcessId>>,
    /// Each recipe process's inputs: (specification, required stage).
    inputs: BTreeMap<RecipeProcessId, Vec<(ResourceSpecificationId, Option<ProcessSpecificationId>)>>,
}

impl RecipeGraph {
    /// The graph of `flows`. `processes` gives the `processConformsTo` of the processes the
    /// flows name; a process missing from it matches no input that asks for a stage.
    pub fn new(processes: &[RecipeProcess], flows: &[RecipeFlow]) -> RecipeGraph {
        let mut g = RecipeGraph::default();
        for p in processes {
            g.kinds.insert(p.id, p.process_conforms_to);
        }
        for f in flows {
            if let Some(p) = f.yielded_by() {
                g.yielders.entry(f.resource_conforms_to).or_default().insert(p);
            }
            if let Some(p) = f.recipe_input_of {
                g.inputs.entry(p).or_default().push((f.resource_conforms_to, f.stage));
            }
        }
        g
    }

    /// The recipe processes that can supply an input of `spec` at `stage` (any stage when
    /// `None`), in id order.
    pub fn suppliers(
        &self,
        spec: ResourceSpecificationId,
        stage: Option<ProcessSpecificationId>,
    ) -> Vec<RecipeProcessId> {
        let Some(yielders) = self.yielders.get(&spec) else { return Vec::new() };
        yielders.iter().copied().filter(|p| stage.is_none() || self.kinds.get(p).copied().flatten() == stage).collect()
    }

    /// The recipe processes `process` takes inputs from, in id order.
    pub fn supplying(&self, process: RecipeProcessId) -> Vec<RecipeProcessId> {
        let mut out = BTreeSet::new();
        for (spec, stage) in self.inputs.get(&process).map(Vec::as_slice).unwrap_or_default() {
            out.extend(self.suppliers(*spec, *stage));
        }
        out.into_iter().collect()
    }

    /// A cycle of supply, if there is one: processes in the order resources flow, each
    /// supplying the next and the last supplying the first, starting at the lowest id.
    /// Deterministic: the same graph gives the same cycle.
    pub fn find_cycle(&self) -> Option<Vec<RecipeProcessId>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Open,
            Done,
        }
        let mut marks: BTreeMap<RecipeProcessId, Mark> = BTreeMap::new();
        let starts: BTreeSet<RecipeProcessId> = self.inputs.keys().copied().collect();
        for start in starts {
            if marks.contains_key(&start) {
                continue;
            }
            // Depth-first along "is supplied by", with an explicit stack of (process, its
            // suppliers, next supplier to visit) so deep recipes cannot overflow the stack.
            let mut stack: Vec<(RecipeProcessId, Vec<RecipeProcessId>, usize)> =
                vec![(start, self.supplying(start), 0)];
            marks.insert(start, Mark::Open);
            while let Some((node, next, at)) = stack.last_mut() {
                let Some(&s) = next.get(*at) else {
                    marks.insert(*node, Mark::Done);
                    stack.pop();
                    continue;
                };
                *at += 1;
                match marks.get(&s) {
                    Some(Mark::Done) => {}
                    Some(Mark::Open) => {
                        let from = stack.iter().position(|(n, _, _)| *n == s).unwrap_or(0);
                        // The stack runs against the flow of resources: turn it around and
                        // start at the lowest id, so one cycle always reads the same.
                        let mut cycle: Vec<RecipeProcessId> = stack[from..].iter().rev().map(|(n, _, _)| *n).collect();
                        let lowest = cycle.iter().enumerate().min_by_key(|(_, p)| **p).map_or(0, |(i, _)| i);
                        cycle.rotate_left(lowest);
                        return Some(cycle);
                    }
                    None => {
                        marks.insert(s, Mark::Open);
                        let suppliers = self.supplying(s);
                        stack.push((s, suppliers, 0));
                    }
                }
            }
        }
        None
    }
}

/// A cycle of supply among `flows`, if any (see [`RecipeGraph::find_cycle`]).
pub fn find_cycle(processes: &[RecipeProcess], flows: &[RecipeFlow]) -> Option<Vec<RecipeProcessId>> {
    RecipeGraph::new(processes, flows).find_cycle()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::ids::RecipeFlowId;

    fn pid(n: u128) -> RecipeProcessId {
        RecipeProcessId::new(uuid::Uuid::from_u128(n))
    }
    fn spec(n: u128) -> ResourceSpecificationId {
        ResourceSpecificationId::new(uuid::Uuid::from_u128(1000 + n))
    }
    fn kind(n: u128) -> ProcessSpecificationId {
        ProcessSpecificationId::new(uuid::Uuid::from_u128(2000 + n))
    }

    fn process(n: u128, conforms: Option<u128>) -> RecipeProcess {
        RecipeProcess {
            id: pid(n),
            name: format!("p{n}"),
            has_duration: None,
            process_classified_as: vec![],
            process_conforms_to: conforms.map(kind),
            note: None,
        }
    }

    fn flow(action: Action, s: u128) -> RecipeFlow {
        RecipeFlow {
            id: RecipeFlowId::new(uuid::Uuid::now_v7()),
            action,
            resource_conforms_to: spec(s),
            resource_quantity: None,
            effort_quantity: None,
            recipe_input_of: None,
            recipe_output_of: None,
            recipe_clause_of: None,
            stage: None,
            state: None,
            note: None,
        }
    }

    fn input(p: u128, s: u128) -> RecipeFlow {
        RecipeFlow { recipe_input_of: Some(pid(p)), ..flow(Action::Consume, s) }
    }
    fn output(p: u128, s: u128) -> RecipeFlow {
        RecipeFlow { recipe_output_of: Some(pid(p)), ..flow(Action::Produce, s) }
    }

    /// Steel -> cut -> parts -> assemble -> pump.
    fn pump() -> Vec<RecipeFlow> {
        vec![input(1, 1), output(1, 2), input(2, 2), output(2, 3)]
    }

    #[test]
    fn a_two_step_recipe_has_no_cycle() {
        let g = RecipeGraph::new(&[], &pump());
        assert_eq!(g.find_cycle(), None);
        assert_eq!(g.supplying(pid(2)), vec![pid(1)]);
        assert_eq!(g.supplying(pid(1)), vec![]);
        assert_eq!(g.suppliers(spec(3), None), vec![pid(2)]);
    }

    #[test]
    fn feeding_the_final_output_back_into_the_first_step_is_a_cycle() {
        let mut flows = pump();
        flows.push(input(1, 3));
        let cycle = find_cycle(&[], &flows).expect("cycle");
        assert_eq!(cycle.len(), 2);
        assert!(cycle.contains(&pid(1)) && cycle.contains(&pid(2)));
    }

    #[test]
    fn a_long_cycle_is_found_and_listed_in_supply_order() {
        // p1 -> s1 -> p2 -> s2 -> p3 -> s3 -> p1 (each process consumes what the previous yields).
        let flows = vec![output(1, 1), input(2, 1), output(2, 2), input(3, 2), output(3, 3), input(1, 3)];
        let cycle = find_cycle(&[], &flows).expect("cycle");
        assert_eq!(cycle, vec![pid(1), pid(2), pid(3)]);
    }

    #[test]
    fn consuming_what_the_same_process_produces_is_a_cycle() {
        let flows = vec![input(1, 1), output(1, 1)];
        assert_eq!(find_cycle(&[], &flows), Some(vec![pid(1)]));
    }

    #[test]
    fn accept_then_modify_of_the_same_resource_is_not_a_cycle() {
        let accept = RecipeFlow { recipe_input_of: Some(pid(1)), ..flow(Action::Accept, 1) };
        let modify = RecipeFlow { recipe_output_of: Some(pid(1)), ..flow(Action::Modify, 1) };
        assert_eq!(find_cycle(&[], &[accept, modify]), None);
    }

    #[test]
    fn use_and_cite_inputs_count_as_dependencies() {
        // A jig made by p2 is used by p1, whose output p2 consumes.
        let uses = RecipeFlow { recipe_input_of: Some(pid(1)), ..flow(Action::Use, 9) };
        let flows = vec![uses, output(2, 9), output(1, 1), input(2, 1)];
        assert!(find_cycle(&[], &flows).is_some());
    }

    #[test]
    fn a_stage_picks_the_supplier_and_can_avoid_a_cycle() {
        // p1 (drafting) yields a document; p2 (final edit) takes a drafted document and
        // yields a document too. Without the stage p2 would also supply itself.
        let processes = [process(1, Some(1)), process(2, Some(2))];
        let mut staged_input = input(2, 1);
        staged_input.stage = Some(kind(1));
        let flows = vec![output(1, 1), staged_input.clone(), output(2, 1)];
        let g = RecipeGraph::new(&processes, &flows);
        assert_eq!(g.find_cycle(), None);
        assert_eq!(g.suppliers(spec(1), Some(kind(1))), vec![pid(1)]);
        assert_eq!(g.suppliers(spec(1), None), vec![pid(1), pid(2)]);
        // The same input asking for no stage makes p2 its own supplier.
        let unstaged = RecipeFlow { stage: None, ..staged_input };
        let flows = vec![output(1, 1), unstaged, output(2, 1)];
        assert_eq!(find_cycle(&processes, &flows), Some(vec![pid(2)]));
    }

    #[test]
    fn a_process_of_unknown_kind_matches_no_staged_input() {
        let mut staged = input(2, 1);
        staged.stage = Some(kind(1));
        let g = RecipeGraph::new(&[], &[output(1, 1), staged]);
        assert_eq!(g.supplying(pid(2)), vec![]);
    }

    #[test]
    fn a_diamond_is_not_a_cycle() {
        // p1 yields s1 used by both p2 and p3, whose outputs p4 consumes.
        let flows = vec![
            output(1, 1),
            input(2, 1),
            input(3, 1),
            output(2, 2),
            output(3, 3),
            input(4, 2),
            input(4, 3),
            output(4, 4),
        ];
        assert_eq!(find_cycle(&[], &flows), None);
    }

    #[test]
    fn a_very_deep_chain_is_checked_without_recursion() {
        // p(n) consumes what p(n + 1) yields, so the search from p0 goes 20,000 deep.
        let mut flows = Vec::new();
        for n in 0..20_000u128 {
            flows.push(output(n, n));
            flows.push(input(n, n + 1));
        }
        assert_eq!(find_cycle(&[], &flows), None);
        flows.push(input(19_999, 0));
        let cycle = find_cycle(&[], &flows).expect("cycle");
        assert_eq!(cycle.len(), 20_000);
        assert_eq!((cycle[0], cycle[1]), (pid(0), pid(19_999)));
    }
}
