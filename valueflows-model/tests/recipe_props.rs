//! Property tests of planning from a recipe: scaling is exact and composes (scaling by k
//! then by m is scaling by k * m), and what each planned process yields is exactly what
//! the process it supplies takes in.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;
use valueflows_model::{
    Action, Measure, RecipeFlow, RecipeFlowId, RecipeProcessId, ResourceSpecificationId, ScaledRecipe, UnitId,
    plan_from_recipe,
};

fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

const KG: u128 = 900;
const EACH: u128 = 901;
const HOUR: u128 = 902;

/// One step of a chain recipe: consume `raw` kg of its own material, work `work` hours,
/// take in `takes` of the previous step's product (if any), produce `makes` of its own.
#[derive(Clone, Debug)]
struct Step {
    raw: Decimal,
    work: Decimal,
    takes: Decimal,
    makes: Decimal,
}

/// Sizes are bounded so that every quantity of a three-step plan fits the 28 significant
/// digits of a decimal: the properties are about exactness, not about the range.
fn amount(max: i64, digits: u32) -> impl Strategy<Value = Decimal> {
    (1i64..max, 0u32..=digits).prop_map(|(m, s)| Decimal::new(m, s))
}

/// Yields whose quotients terminate (2s and 5s), so every plan has exact quantities.
fn yield_amount() -> impl Strategy<Value = Decimal> {
    prop::sample::select(vec![1i64, 2, 4, 5, 10, 20, 25]).prop_map(Decimal::from)
}

fn step() -> impl Strategy<Value = Step> {
    (amount(10_000, 2), amount(10_000, 2), amount(1_000, 1), yield_amount())
        .prop_map(|(raw, work, takes, makes)| Step { raw, work, takes, makes })
}

/// A factor: 0.1 to 1,000, with up to one fractional digit.
fn factor() -> impl Strategy<Value = Decimal> {
    amount(1_000, 1)
}

fn product(step: usize) -> ResourceSpecificationId {
    id(100 + step as u128)
}

fn flow(n: &mut u128, action: Action, spec: ResourceSpecificationId, step: usize, q: Measure) -> RecipeFlow {
    *n += 1;
    let process: RecipeProcessId = id(step as u128 + 1);
    let input = action != Action::Produce;
    RecipeFlow {
        id: id(10_000 + *n),
        action,
        resource_conforms_to: spec,
        resource_quantity: (action != Action::Work).then_some(q),
        effort_quantity: (action == Action::Work).then_some(q),
        recipe_input_of: input.then_some(process),
        recipe_output_of: (!input).then_some(process),
        recipe_clause_of: None,
        stage: None,
        state: None,
        note: None,
    }
}

/// The flows of a chain: step i takes in what step i - 1 produces; the last step's product
/// is what is wanted.
fn chain(steps: &[Step]) -> Vec<RecipeFlow> {
    let mut n = 0;
    let mut flows = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        flows.push(flow(&mut n, Action::Consume, id(200 + i as u128), i, Measure::new(s.raw, id(KG))));
        flows.push(flow(&mut n, Action::Work, id(300), i, Measure::new(s.work, id(HOUR))));
        if i > 0 {
            flows.push(flow(&mut n, Action::Consume, product(i - 1), i, Measure::new(s.takes, id(EACH))));
        }
        flows.push(flow(&mut n, Action::Produce, product(i), i, Measure::new(s.makes, id(EACH))));
    }
    flows
}

fn plan(steps: &[Step], flows: &[RecipeFlow], wanted: Decimal) -> ScaledRecipe {
    let last = steps.len() - 1;
    plan_from_recipe(&[], flows, product(last), Measure::new(wanted, id::<UnitId>(EACH))).expect("the chain plans")
}

/// Every planned flow's scaled quantity, by recipe flow.
fn quantities(plan: &ScaledRecipe) -> BTreeMap<RecipeFlowId, Decimal> {
    plan.processes
        .iter()
        .flat_map(|p| p.inputs.iter().chain(&p.outputs))
        .map(|f| (f.recipe_flow, f.resource_quantity.or(f.effort_quantity).expect("quantity").has_numerical_value))
        .collect()
}

/// The recipe with each flow's quantity replaced by its planned one.
fn rescaled(flows: &[RecipeFlow], plan: &ScaledRecipe) -> Vec<RecipeFlow> {
    let q = quantities(plan);
    flows
        .iter()
        .map(|f| {
            let mut f = f.clone();
            let v = q[&f.id];
            if let Some(m) = f.resource_quantity.as_mut() {
                m.has_numerical_value = v;
            }
            if let Some(m) = f.effort_quantity.as_mut() {
                m.has_numerical_value = v;
            }
            f
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Planning k batches' worth gives exactly k times the quantities of one batch's worth.
    #[test]
    fn scaling_is_exactly_linear(steps in prop::collection::vec(step(), 1..=3), k in factor()) {
        let flows = chain(&steps);
        let makes = steps[steps.len() - 1].makes;
        let one = quantities(&plan(&steps, &flows, makes));
        let many = quantities(&plan(&steps, &flows, makes * k));
        prop_assert_eq!(one.len(), flows.len());
        for (flow, q) in &one {
            prop_assert_eq!(many[flow], *q * k, "flow {}", flow);
        }
    }

    /// Scaling by k, then scaling the scaled recipe by m, equals scaling by k * m.
    #[test]
    fn scaling_by_k_then_m_is_scaling_by_k_times_m(
        steps in prop::collection::vec(step(), 1..=3),
        k in factor(),
        m in factor(),
    ) {
        let flows = chain(&steps);
        let makes = steps[steps.len() - 1].makes;
        let by_k = plan(&steps, &flows, makes * k);
        let scaled_recipe = rescaled(&flows, &by_k);
        let then_m = plan(&steps, &scaled_recipe, makes * k * m);
        let by_km = plan(&steps, &flows, makes * k * m);
        prop_assert_eq!(quantities(&then_m), quantities(&by_km));
    }

    /// What each supplier is planned to yield is exactly what its consumer takes in, and the
    /// last process yields exactly the quantity wanted.
    #[test]
    fn planned_supply_meets_demand_exactly(steps in prop::collection::vec(step(), 1..=3), k in factor()) {
        let flows = chain(&steps);
        let wanted = steps[steps.len() - 1].makes * k;
        let p = plan(&steps, &flows, wanted);
        prop_assert_eq!(p.processes.len(), steps.len());
        let last = &p.processes[steps.len() - 1];
        prop_assert_eq!(last.outputs[0].resource_quantity.map(|m| m.has_numerical_value), Some(wanted));
        for pair in p.processes.windows(2) {
            let made = pair[0].outputs[0].resource_quantity.expect("yield").has_numerical_value;
            let taken = pair[1].inputs.iter().find(|i| i.supplied_by == Some(pair[0].recipe_process)).expect("supplied input");
            prop_assert_eq!(taken.resource_quantity.expect("input").has_numerical_value, made);
        }
    }
}
