//! Planning from a recipe: which recipe processes to instantiate for a wanted quantity of a
//! resource, and every flow's quantity scaled to it, in exact decimals.
//!
//! The recipe process that yields the wanted specification is scaled by
//! `wanted / what one batch yields`. Each of its inputs that another recipe process yields
//! (at the input's stage, when it names one) becomes a demand on that process, which is
//! scaled by `demand / what it yields`, and so on back to inputs nothing in the recipe
//! yields. A process that several others draw on is planned once, for the sum of their
//! demands; when its different outputs are demanded, the largest scale covers all of them.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::action::Action;
use crate::ids::{ProcessSpecificationId, RecipeFlowId, RecipeProcessId, ResourceSpecificationId};
use crate::measurement::Measure;
use crate::recipe::recipe_error::RecipeError;
use crate::recipe::recipe_flow::RecipeFlow;
use crate::recipe::recipe_graph::RecipeGraph;
use crate::recipe::recipe_process::RecipeProcess;

/// An exact ratio `numerator / denominator` (quantity wanted over quantity one recipe batch
/// makes). Kept as a ratio so that a third of a batch scales a quantity of 3 to exactly 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// Quantity wanted.
    pub numerator: Decimal,
    /// Quantity one recipe batch makes; never zero.
    pub denominator: Decimal,
}

impl Scale {
    /// `q * numerator / denominator`, or None when that has no exact decimal value within
    /// 28 significant digits (or lies outside the decimal range).
    pub fn apply(&self, q: Decimal) -> Option<Decimal> {
        exact_mul(q, self.numerator)
            .and_then(|p| exact_div(p, self.denominator))
            .or_else(|| exact_div(q, self.denominator).and_then(|p| exact_mul(p, self.numerator)))
    }

    /// True when this scale is larger than `other`; None when the comparison overflows.
    fn exceeds(&self, other: &Scale) -> Option<bool> {
        Some(exact_mul(self.numerator, other.denominator)? > exact_mul(other.numerator, self.denominator)?)
    }
}

/// `a * b` exactly, or None when the product needs more than 28 fractional digits or 96
/// bits of mantissa (rust_decimal would round it).
pub fn exact_mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    let mut mantissa = a.mantissa().checked_mul(b.mantissa())?;
    let mut scale = a.scale() + b.scale();
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    if scale > 28 {
        return None;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

/// `a / b` exactly, or None when the quotient has no exact decimal value within the range
/// (a third), or `b` is zero.
pub fn exact_div(a: Decimal, b: Decimal) -> Option<Decimal> {
    if b.is_zero() {
        return None;
    }
    let q = a.checked_div(b)?.normalize();
    (exact_mul(q, b)? == a).then_some(q)
}

/// Whether a planned flow goes into its process or comes out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowSide {
    /// An input (`recipeInputOf`).
    Input,
    /// An output (`recipeOutputOf`).
    Output,
}

/// One recipe flow with its quantities scaled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaledFlow {
    /// The recipe flow it comes from.
    pub recipe_flow: RecipeFlowId,
    /// Input or output of its process.
    pub side: FlowSide,
    /// The flow's action.
    pub action: Action,
    /// The kind of resource.
    pub resource_conforms_to: ResourceSpecificationId,
    /// The required stage (inputs).
    pub stage: Option<ProcessSpecificationId>,
    /// The required state.
    pub state: Option<String>,
    /// The resource quantity, scaled.
    pub resource_quantity: Option<Measure>,
    /// The effort quantity, scaled.
    pub effort_quantity: Option<Measure>,
    /// For an input: the planned process that yields it, when the recipe has one.
    pub supplied_by: Option<RecipeProcessId>,
}

/// One recipe process to instantiate, with its flows scaled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaledProcess {
    /// The recipe process it comes from.
    pub recipe_process: RecipeProcessId,
    /// The scale applied to all its flows.
    pub scale: Scale,
    /// Its inputs, in recipe flow id order.
    pub inputs: Vec<ScaledFlow>,
    /// Its outputs, in recipe flow id order.
    pub outputs: Vec<ScaledFlow>,
}

/// The result of planning from a recipe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaledRecipe {
    /// The specification wanted.
    pub wanted: ResourceSpecificationId,
    /// The quantity wanted.
    pub quantity: Measure,
    /// The processes to instantiate, each after every process that supplies it: the last
    /// one yields the wanted resource.
    pub processes: Vec<ScaledProcess>,
}

/// Plans `quantity` of `wanted` from the recipe made of `processes` and `flows` (flows of
/// exchanges and of processes the plan does not need are ignored).
///
/// Refused: a quantity that is not more than zero ([`RecipeError::NonPositiveQuantity`]);
/// no recipe process, or several, yielding `wanted` ([`RecipeError::NoRecipe`],
/// [`RecipeError::AmbiguousSupplier`]); an input several processes could supply; a yield
/// or a supplied input without a resource quantity; a zero yield; different units where
/// quantities are compared or summed ([`RecipeError::UnitMismatch`]); a cycle; a scaled
/// quantity with no exact decimal value ([`RecipeError::Inexact`]).
pub fn plan_from_recipe(
    processes: &[RecipeProcess],
    flows: &[RecipeFlow],
    wanted: ResourceSpecificationId,
    quantity: Measure,
) -> Result<ScaledRecipe, RecipeError> {
    if quantity.has_numerical_value <= Decimal::ZERO {
        return Err(RecipeError::NonPositiveQuantity { value: quantity.has_numerical_value });
    }
    let graph = RecipeGraph::new(processes, flows);
    let root = match graph.suppliers(wanted, None).as_slice() {
        [] => return Err(RecipeError::NoRecipe { spec: wanted }),
        [one] => *one,
        many => return Err(RecipeError::AmbiguousSupplier { spec: wanted, processes: many.to_vec() }),
    };
    let mut sorted: Vec<&RecipeFlow> = flows.iter().collect();
    sorted.sort_by_key(|f| f.id);
    let mut inputs: BTreeMap<RecipeProcessId, Vec<&RecipeFlow>> = BTreeMap::new();
    let mut outputs: BTreeMap<RecipeProcessId, Vec<&RecipeFlow>> = BTreeMap::new();
    for f in sorted {
        if let Some(p) = f.recipe_input_of {
            inputs.entry(p).or_default().push(f);
        }
        if let Some(p) = f.recipe_output_of {
            outputs.entry(p).or_default().push(f);
        }
    }

    // The processes needed, the supplier of each input, and how many inputs each supplies.
    let mut supplier: BTreeMap<RecipeFlowId, RecipeProcessId> = BTreeMap::new();
    let mut consumers: BTreeMap<RecipeProcessId, usize> = BTreeMap::from([(root, 0)]);
    let mut todo = vec![root];
    let mut seen = BTreeSet::from([root]);
    while let Some(p) = todo.pop() {
        for i in inputs.get(&p).map(Vec::as_slice).unwrap_or_default() {
            let s = match graph.suppliers(i.resource_conforms_to, i.stage).as_slice() {
                [] => continue,
                [one] => *one,
                many => {
                    return Err(RecipeError::AmbiguousSupplier {
                        spec: i.resource_conforms_to,
                        processes: many.to_vec(),
                    });
                }
            };
            supplier.insert(i.id, s);
            *consumers.entry(s).or_default() += 1;
            if seen.insert(s) {
                todo.push(s);
            }
        }
    }

    // Consumers before suppliers, so each process is scaled once all demand on it is known.
    let mut demand: BTreeMap<RecipeProcessId, Demand> = BTreeMap::new();
    demand.entry(root).or_default().insert(wanted, (quantity, None));
    let mut ready: BTreeSet<RecipeProcessId> = BTreeSet::from([root]);
    let mut planned: Vec<ScaledProcess> = Vec::new();
    if consumers.get(&root).copied().unwrap_or(0) > 0 {
        ready.clear();
    }
    while let Some(p) = ready.pop_first() {
        let scale = scale_of(p, demand.remove(&p).unwrap_or_default(), &outputs)?;
        let scaled_inputs = scale_flows(inputs.get(&p), FlowSide::Input, scale, &supplier)?;
        let scaled_outputs = scale_flows(outputs.get(&p), FlowSide::Output, scale, &supplier)?;
        for i in &scaled_inputs {
            let Some(s) = i.supplied_by else { continue };
            let q = i.resource_quantity.ok_or(RecipeError::MissingQuantity { flow: i.recipe_flow })?;
            let slot = demand.entry(s).or_default();
            match slot.get_mut(&i.resource_conforms_to) {
                None => {
                    slot.insert(i.resource_conforms_to, (q, Some(i.recipe_flow)));
                }
                Some((sum, _)) => {
                    if sum.has_unit != q.has_unit {
                        return Err(RecipeError::UnitMismatch {
                            flow: i.recipe_flow,
                            expected: sum.has_unit,
                            found: q.has_unit,
                        });
                    }
                    sum.has_numerical_value =
                        sum.has_numerical_value.checked_add(q.has_numerical_value).ok_or(RecipeError::Inexact {
                            flow: i.recipe_flow,
                            field: "resourceQuantity",
                            numerator: scale.numerator,
                            denominator: scale.denominator,
                        })?;
                }
            }
            let left = consumers.entry(s).or_default();
            *left = left.saturating_sub(1);
            if *left == 0 {
                ready.insert(s);
            }
        }
        planned.push(ScaledProcess { recipe_process: p, scale, inputs: scaled_inputs, outputs: scaled_outputs });
    }
    if planned.len() < seen.len() {
        let processes = graph.find_cycle().unwrap_or_else(|| seen.into_iter().collect());
        return Err(RecipeError::Cycle { field: "recipeInputOf", processes });
    }
    planned.reverse();
    Ok(ScaledRecipe { wanted, quantity, processes: planned })
}

/// What is asked of a process: per specification, the quantity and the first input asking
/// (None for the wanted quantity itself).
type Demand = BTreeMap<ResourceSpecificationId, (Measure, Option<RecipeFlowId>)>;

/// The scale of process `p` that meets every demand on its yields: the largest of
/// `demand / yield` over the specifications demanded (zero when nothing is demanded).
fn scale_of(
    p: RecipeProcessId,
    demanded: Demand,
    outputs: &BTreeMap<RecipeProcessId, Vec<&RecipeFlow>>,
) -> Result<Scale, RecipeError> {
    let mut best: Option<(Scale, RecipeFlowId)> = None;
    for (spec, (want, asked_by)) in demanded {
        let mut made: Option<(Measure, RecipeFlowId)> = None;
        let yields = outputs
            .get(&p)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|o| o.yielded_by() == Some(p) && o.resource_conforms_to == spec);
        for o in yields {
            let q = o.resource_quantity.ok_or(RecipeError::MissingQuantity { flow: o.id })?;
            if q.has_unit != want.has_unit {
                // The wanted quantity (or the input asking) is in another unit than the yield.
                return Err(RecipeError::UnitMismatch {
                    flow: asked_by.unwrap_or(o.id),
                    expected: q.has_unit,
                    found: want.has_unit,
                });
            }
            made = Some(match made {
                None => (q, o.id),
                Some((sum, first)) => {
                    let total =
                        sum.has_numerical_value.checked_add(q.has_numerical_value).ok_or(RecipeError::Inexact {
                            flow: o.id,
                            field: "resourceQuantity",
                            numerator: want.has_numerical_value,
                            denominator: q.has_numerical_value,
                        })?;
                    (Measure { has_numerical_value: total, has_unit: sum.has_unit }, first)
                }
            });
        }
        // Only processes found to yield `spec` are ever demanded, so `made` is set.
        let Some((made, first)) = made else { return Err(RecipeError::NoRecipe { spec }) };
        if made.has_numerical_value.is_zero() {
            return Err(RecipeError::ZeroOutput { flow: first });
        }
        let s = Scale { numerator: want.has_numerical_value, denominator: made.has_numerical_value };
        best = match best {
            None => Some((s, first)),
            Some((b, bf)) => {
                let larger = s.exceeds(&b).ok_or(RecipeError::Inexact {
                    flow: first,
                    field: "resourceQuantity",
                    numerator: s.numerator,
                    denominator: s.denominator,
                })?;
                Some(if larger { (s, first) } else { (b, bf) })
            }
        };
    }
    Ok(best.map_or(Scale { numerator: Decimal::ZERO, denominator: Decimal::ONE }, |(s, _)| s))
}

fn scale_flows(
    flows: Option<&Vec<&RecipeFlow>>,
    side: FlowSide,
    scale: Scale,
    supplier: &BTreeMap<RecipeFlowId, RecipeProcessId>,
) -> Result<Vec<ScaledFlow>, RecipeError> {
    let scaled =
        |flow: RecipeFlowId, field: &'static str, m: Option<Measure>| -> Result<Option<Measure>, RecipeError> {
            let Some(m) = m else { return Ok(None) };
            let value = scale.apply(m.has_numerical_value).ok_or(RecipeError::Inexact {
                flow,
                field,
                numerator: scale.numerator,
                denominator: scale.denominator,
            })?;
            Ok(Some(Measure { has_numerical_value: value, has_unit: m.has_unit }))
        };
    flows
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|f| {
            Ok(ScaledFlow {
                recipe_flow: f.id,
                side,
                action: f.action,
                resource_conforms_to: f.resource_conforms_to,
                stage: f.stage,
                state: f.state.clone(),
                resource_quantity: scaled(f.id, "resourceQuantity", f.resource_quantity)?,
                effort_quantity: scaled(f.id, "effortQuantity", f.effort_quantity)?,
                supplied_by: if side == FlowSide::Input { supplier.get(&f.id).copied() } else { None },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::ids::UnitId;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }
    fn unit(n: u128) -> UnitId {
        UnitId::new(uuid::Uuid::from_u128(500 + n))
    }
    fn kg() -> UnitId {
        unit(1)
    }
    fn each() -> UnitId {
        unit(2)
    }
    fn hour() -> UnitId {
        unit(3)
    }
    fn pid(n: u128) -> RecipeProcessId {
        RecipeProcessId::new(uuid::Uuid::from_u128(n))
    }
    fn spec(n: u128) -> ResourceSpecificationId {
        ResourceSpecificationId::new(uuid::Uuid::from_u128(1000 + n))
    }
    const STEEL: u128 = 1;
    const PARTS: u128 = 2;
    const PUMP: u128 = 3;
    const WELDER: u128 = 4;
    const SCRAP: u128 = 5;

    struct Recipe {
        flows: Vec<RecipeFlow>,
        next: u128,
    }

    impl Recipe {
        fn new() -> Recipe {
            Recipe { flows: Vec::new(), next: 1 }
        }
        fn add(&mut self, action: Action, p: u128, s: u128, q: Option<(&str, UnitId)>) -> RecipeFlowId {
            let id = RecipeFlowId::new(uuid::Uuid::from_u128(10_000 + self.next));
            self.next += 1;
            let input = action.effects().input_output != crate::action::InputOutput::Output;
            let measure = q.map(|(v, u)| Measure::new(dec(v), u));
            let (resource_quantity, effort_quantity) =
                if action == Action::Work { (None, measure) } else { (measure, None) };
            self.flows.push(RecipeFlow {
                id,
                action,
                resource_conforms_to: spec(s),
                resource_quantity,
                effort_quantity,
                recipe_input_of: input.then(|| pid(p)),
                recipe_output_of: (!input).then(|| pid(p)),
                recipe_clause_of: None,
                stage: None,
                state: None,
                note: None,
            });
            id
        }
    }

    /// Cut: 3 kg steel and 2 h of welding into 4 parts. Assemble: 2 parts and 1 h into a pump.
    fn pump() -> Recipe {
        let mut r = Recipe::new();
        r.add(Action::Consume, 1, STEEL, Some(("3", kg())));
        r.add(Action::Work, 1, WELDER, Some(("2", hour())));
        r.add(Action::Produce, 1, PARTS, Some(("4", each())));
        r.add(Action::Consume, 2, PARTS, Some(("2", each())));
        r.add(Action::Work, 2, WELDER, Some(("1", hour())));
        r.add(Action::Produce, 2, PUMP, Some(("1", each())));
        r
    }

    fn plan(r: &Recipe, wanted: u128, q: &str, u: UnitId) -> Result<ScaledRecipe, RecipeError> {
        plan_from_recipe(&[], &r.flows, spec(wanted), Measure::new(dec(q), u))
    }

    fn quantities(p: &ScaledProcess) -> Vec<String> {
        p.inputs
            .iter()
            .chain(&p.outputs)
            .map(|f| {
                let m = f.resource_quantity.or(f.effort_quantity).expect("a quantity");
                m.has_numerical_value.to_string()
            })
            .collect()
    }

    #[test]
    fn ten_pumps_plan_both_steps_with_exact_quantities() {
        let out = plan(&pump(), PUMP, "10", each()).expect("plan");
        assert_eq!(out.processes.len(), 2);
        let (cut, assemble) = (&out.processes[0], &out.processes[1]);
        assert_eq!(cut.recipe_process, pid(1));
        assert_eq!(assemble.recipe_process, pid(2));
        assert_eq!(assemble.scale, Scale { numerator: dec("10"), denominator: dec("1") });
        assert_eq!(quantities(assemble), ["20", "10", "10"]);
        // 20 parts at 4 a batch: five batches of cutting.
        assert_eq!(cut.scale, Scale { numerator: dec("20"), denominator: dec("4") });
        assert_eq!(quantities(cut), ["15", "10", "20"]);
        assert_eq!(assemble.inputs[0].supplied_by, Some(pid(1)));
        assert_eq!(assemble.inputs[1].supplied_by, None);
        assert_eq!(cut.inputs[0].resource_quantity.and_then(|m| m.has_unit), Some(kg()));
    }

    #[test]
    fn fractional_wanted_quantities_stay_exact_to_28_digits() {
        let out = plan(&pump(), PUMP, "0.0000000000000000000000000002", each()).expect("plan");
        assert_eq!(
            quantities(&out.processes[1]),
            ["0.0000000000000000000000000004", "0.0000000000000000000000000002", "0.0000000000000000000000000002"]
        );
        assert_eq!(quantities(&out.processes[0])[2], "0.0000000000000000000000000004");
        assert_eq!(quantities(&out.processes[0])[0], "0.0000000000000000000000000003");
    }

    #[test]
    fn a_third_of_a_batch_is_exact_where_it_can_be_and_refused_where_not() {
        let mut r = Recipe::new();
        r.add(Action::Consume, 1, STEEL, Some(("6", kg())));
        r.add(Action::Produce, 1, PUMP, Some(("3", each())));
        let out = plan(&r, PUMP, "1", each()).expect("plan");
        assert_eq!(quantities(&out.processes[0]), ["2", "1"]);
        r.add(Action::Work, 1, WELDER, Some(("1", hour())));
        let err = plan(&r, PUMP, "1", each()).expect_err("a third of an hour");
        assert!(matches!(err, RecipeError::Inexact { field: "effortQuantity", .. }), "{err}");
        assert_eq!(err.code(), "VALIDATION");
    }

    #[test]
    fn zero_or_negative_wanted_quantity_is_refused() {
        for q in ["0", "-1", "-0.001"] {
            let err = plan(&pump(), PUMP, q, each()).expect_err("not more than zero");
            assert!(matches!(err, RecipeError::NonPositiveQuantity { .. }), "{q}: {err}");
            assert_eq!(err.field(), Some("hasNumericalValue"));
        }
    }

    #[test]
    fn wanted_quantity_in_another_unit_is_refused() {
        let err = plan(&pump(), PUMP, "10", kg()).expect_err("pumps are counted each");
        assert!(
            matches!(err, RecipeError::UnitMismatch { expected: Some(u), found: Some(f), .. } if u == each() && f == kg())
        );
    }

    #[test]
    fn an_input_in_another_unit_than_its_supplier_yields_is_refused() {
        let mut r = Recipe::new();
        r.add(Action::Consume, 1, STEEL, Some(("3", kg())));
        r.add(Action::Produce, 1, PARTS, Some(("4", each())));
        let asking = r.add(Action::Consume, 2, PARTS, Some(("2", kg())));
        r.add(Action::Produce, 2, PUMP, Some(("1", each())));
        let err = plan(&r, PUMP, "1", each()).expect_err("parts in kg");
        assert_eq!(err, RecipeError::UnitMismatch { flow: asking, expected: Some(each()), found: Some(kg()) });
    }

    #[test]
    fn nothing_yielding_the_wanted_specification_is_not_found() {
        let err = plan(&pump(), SCRAP, "1", each()).expect_err("no scrap recipe");
        assert_eq!(err, RecipeError::NoRecipe { spec: spec(SCRAP) });
        assert_eq!(err.code(), "NOT_FOUND");
    }

    #[test]
    fn two_processes_yielding_an_input_is_ambiguous() {
        let mut r = pump();
        r.add(Action::Produce, 3, PARTS, Some(("1", each())));
        let err = plan(&r, PUMP, "1", each()).expect_err("two part makers");
        assert_eq!(err, RecipeError::AmbiguousSupplier { spec: spec(PARTS), processes: vec![pid(1), pid(3)] });
    }

    #[test]
    fn a_stage_on_the_input_chooses_between_suppliers() {
        let mut r = pump();
        r.add(Action::Produce, 3, PARTS, Some(("1", each())));
        let cutting = ProcessSpecificationId::new(uuid::Uuid::from_u128(77));
        r.flows[3].stage = Some(cutting);
        let cut = RecipeProcess {
            id: pid(1),
            name: "cut".into(),
            has_duration: None,
            process_classified_as: vec![],
            process_conforms_to: Some(cutting),
            note: None,
        };
        let out = plan_from_recipe(&[cut], &r.flows, spec(PUMP), Measure::new(dec("2"), each())).expect("plan");
        let ids: Vec<_> = out.processes.iter().map(|p| p.recipe_process).collect();
        assert_eq!(ids, [pid(1), pid(2)]);
    }

    #[test]
    fn a_shared_supplier_is_planned_once_for_the_sum_of_demands() {
        // Pump takes 2 parts and a frame; the frame takes 3 parts. Parts come 1 per batch.
        let mut r = Recipe::new();
        r.add(Action::Consume, 1, STEEL, Some(("0.5", kg())));
        r.add(Action::Produce, 1, PARTS, Some(("1", each())));
        r.add(Action::Consume, 2, PARTS, Some(("3", each())));
        r.add(Action::Produce, 2, SCRAP, Some(("1", each())));
        r.add(Action::Consume, 3, PARTS, Some(("2", each())));
        r.add(Action::Consume, 3, SCRAP, Some(("1", each())));
        r.add(Action::Produce, 3, PUMP, Some(("1", each())));
        let out = plan(&r, PUMP, "4", each()).expect("plan");
        let ids: Vec<_> = out.processes.iter().map(|p| p.recipe_process).collect();
        assert_eq!(ids, [pid(1), pid(2), pid(3)]);
        // 4 pumps: 8 parts directly, 4 frames needing 12 parts: 20 parts, 10 kg of steel.
        assert_eq!(quantities(&out.processes[0]), ["10", "20"]);
        assert_eq!(out.processes[0].scale, Scale { numerator: dec("20"), denominator: dec("1") });
    }

    #[test]
    fn when_two_outputs_of_a_process_are_demanded_the_larger_scale_covers_both() {
        // Cut yields 4 parts and 1 scrap; assembly needs 2 parts and 1 scrap.
        let mut r = pump();
        r.add(Action::Produce, 1, SCRAP, Some(("1", each())));
        r.add(Action::Consume, 2, SCRAP, Some(("1", each())));
        let out = plan(&r, PUMP, "10", each()).expect("plan");
        // 20 parts need 5 batches, 10 scrap need 10: cut runs 10 times.
        assert_eq!(out.processes[0].scale, Scale { numerator: dec("10"), denominator: dec("1") });
        assert_eq!(quantities(&out.processes[0]), ["30", "20", "40", "10"]);
    }

    #[test]
    fn a_yield_without_quantity_or_of_zero_cannot_be_scaled() {
        let mut r = pump();
        r.flows[5].resource_quantity = None;
        let pump_flow = r.flows[5].id;
        assert_eq!(plan(&r, PUMP, "1", each()), Err(RecipeError::MissingQuantity { flow: pump_flow }));
        let mut r = pump();
        r.flows[2].resource_quantity = Some(Measure::new(Decimal::ZERO, each()));
        let parts_flow = r.flows[2].id;
        assert_eq!(plan(&r, PUMP, "1", each()), Err(RecipeError::ZeroOutput { flow: parts_flow }));
    }

    #[test]
    fn a_supplied_input_without_quantity_is_refused() {
        let mut r = pump();
        r.flows[3].resource_quantity = None;
        let parts_in = r.flows[3].id;
        assert_eq!(plan(&r, PUMP, "1", each()), Err(RecipeError::MissingQuantity { flow: parts_in }));
    }

    #[test]
    fn a_cycle_is_refused_rather_than_followed() {
        let mut r = pump();
        r.add(Action::Consume, 1, PUMP, Some(("1", each())));
        let err = plan(&r, PUMP, "1", each()).expect_err("cycle");
        assert!(matches!(err, RecipeError::Cycle { ref processes, .. } if processes.len() == 2), "{err}");
    }

    #[test]
    fn exchange_flows_and_unneeded_processes_are_left_out() {
        let mut r = pump();
        r.add(Action::Produce, 9, SCRAP, Some(("1", each())));
        r.flows.push(RecipeFlow {
            id: RecipeFlowId::new(uuid::Uuid::from_u128(99_999)),
            action: Action::Transfer,
            resource_conforms_to: spec(STEEL),
            resource_quantity: Some(Measure::new(dec("3"), kg())),
            effort_quantity: None,
            recipe_input_of: None,
            recipe_output_of: None,
            recipe_clause_of: Some(crate::ids::RecipeExchangeId::new(uuid::Uuid::from_u128(1))),
            stage: None,
            state: None,
            note: None,
        });
        let out = plan(&r, PUMP, "1", each()).expect("plan");
        assert_eq!(out.processes.len(), 2);
    }

    #[test]
    fn exact_arithmetic_refuses_what_it_would_have_to_round() {
        assert_eq!(
            exact_mul(dec("0.00000000000001"), dec("0.00000000000001")),
            Some(dec("0.0000000000000000000000000001"))
        );
        assert_eq!(exact_mul(dec("0.000000000000001"), dec("0.00000000000001")), None);
        assert_eq!(
            exact_mul(dec("0.000000000000005"), dec("0.00000000000002")),
            Some(dec("0.0000000000000000000000000001"))
        );
        assert_eq!(exact_mul(Decimal::MAX, dec("2")), None);
        assert_eq!(exact_mul(dec("1.0000000000000000000000000001"), dec("1.0000000000000000000000000001")), None);
        assert_eq!(exact_div(dec("1"), dec("3")), None);
        assert_eq!(exact_div(dec("1"), dec("8")), Some(dec("0.125")));
        assert_eq!(exact_div(dec("1"), Decimal::ZERO), None);
        let third = Scale { numerator: dec("1"), denominator: dec("3") };
        assert_eq!(third.apply(dec("6")), Some(dec("2")));
        assert_eq!(third.apply(dec("1")), None);
    }
}
