//! Recipes and scenarios over GraphQL: a two-step pump recipe read back through its inverse
//! fields, a plan made from it for a wanted quantity (scaled, scheduled, in one op, and
//! refused with nothing written for a bad quantity), cycles refused with nothing written (also when the halves of a cycle arrive at
//! once), scenarios with processes nested in them, deletes of depended-on records refused,
//! and Relay pagination both ways.

use serde_json::{Value, json};
use valueflows_node::store::ops;
use vf_tests::{TestNode, error_code};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}")).to_owned()
}

async fn op_count(node: &TestNode) -> u64 {
    let app = node.node.app();
    ops::len(app.store().db(), app.did().as_str()).await.expect("op count")
}

async fn unit(node: &TestNode, label: &str, symbol: &str) -> String {
    let v = node
        .ok(
            "mutation($l: String!, $s: String!) { createUnit(unit: {label: $l, symbol: $s}) { unit { id } } }",
            json!({"l": label, "s": symbol}),
        )
        .await;
    s(&v["createUnit"]["unit"]["id"])
}

async fn resource_spec(node: &TestNode, name: &str) -> String {
    let v = node
        .ok(
            "mutation($n: String!) { createResourceSpecification(resourceSpecification: {name: $n}) { resourceSpecification { id } } }",
            json!({"n": name}),
        )
        .await;
    s(&v["createResourceSpecification"]["resourceSpecification"]["id"])
}

async fn process_spec(node: &TestNode, name: &str) -> String {
    let v = node
        .ok(
            "mutation($n: String!) { createProcessSpecification(processSpecification: {name: $n}) { processSpecification { id } } }",
            json!({"n": name}),
        )
        .await;
    s(&v["createProcessSpecification"]["processSpecification"]["id"])
}

async fn recipe_process(node: &TestNode, params: Value) -> String {
    let v = node
        .ok(
            "mutation($p: RecipeProcessCreateParams!) { createRecipeProcess(recipeProcess: $p) { recipeProcess { id } } }",
            json!({"p": params}),
        )
        .await;
    s(&v["createRecipeProcess"]["recipeProcess"]["id"])
}

const CREATE_FLOW: &str =
    "mutation($f: RecipeFlowCreateParams!) { createRecipeFlow(recipeFlow: $f) { recipeFlow { id revisionId } } }";

async fn flow(node: &TestNode, params: Value) -> String {
    let v = node.ok(CREATE_FLOW, json!({"f": params})).await;
    s(&v["createRecipeFlow"]["recipeFlow"]["id"])
}

fn q(value: &str, unit: &str) -> Value {
    json!({"hasNumericalValue": value, "hasUnit": unit})
}

/// Steel is cut into housing parts (4 a batch), two parts and an hour of work make a pump.
struct Pump {
    kg: String,
    each: String,
    hour: String,
    steel: String,
    parts: String,
    pump: String,
    welding: String,
    cutting: String,
    assembly: String,
    cut: String,
    assemble: String,
    flows: Vec<String>,
}

async fn pump_recipe(node: &TestNode) -> Pump {
    let (kg, each, hour) =
        (unit(node, "kilogram", "kg").await, unit(node, "one", "ea").await, unit(node, "hour", "h").await);
    let steel = resource_spec(node, "Sheet steel").await;
    let parts = resource_spec(node, "Pump housing parts").await;
    let pump = resource_spec(node, "Hand pump").await;
    let welding = resource_spec(node, "Welding").await;
    let cutting = process_spec(node, "Cutting").await;
    let assembly = process_spec(node, "Assembly").await;
    let cut = recipe_process(
        node,
        json!({"name": "Cut housing", "processConformsTo": cutting, "hasDuration": {"numericDuration": "1.5", "unitType": "hour"},
               "processClassifiedAs": ["https://example.org/metalwork"], "note": "Laser cutter"}),
    )
    .await;
    let assemble = recipe_process(node, json!({"name": "Assemble pump", "processConformsTo": assembly})).await;
    let flows = vec![
        flow(node, json!({"action": "consume", "recipeInputOf": cut, "resourceConformsTo": steel, "resourceQuantity": q("2.125", &kg)})).await,
        flow(node, json!({"action": "work", "recipeInputOf": cut, "resourceConformsTo": welding, "effortQuantity": q("2", &hour)})).await,
        flow(node, json!({"action": "produce", "recipeOutputOf": cut, "resourceConformsTo": parts, "resourceQuantity": q("4", &each)})).await,
        flow(node, json!({"action": "consume", "recipeInputOf": assemble, "resourceConformsTo": parts, "resourceQuantity": q("2", &each), "stage": cutting})).await,
        flow(node, json!({"action": "work", "recipeInputOf": assemble, "resourceConformsTo": welding, "effortQuantity": q("1", &hour)})).await,
        flow(node, json!({"action": "produce", "recipeOutputOf": assemble, "resourceConformsTo": pump, "resourceQuantity": q("1", &each), "note": "Tested"})).await,
    ];
    Pump { kg, each, hour, steel, parts, pump, welding, cutting, assembly, cut, assemble, flows }
}

const FLOW_FIELDS: &str =
    "id action { id } resourceConformsTo { id name } resourceQuantity { hasNumericalValue hasUnit { symbol } }
    effortQuantity { hasNumericalValue hasUnit { symbol } } stage { name } note";

async fn pump_recipe_reads_back_through_inverse_fields(node: &TestNode) {
    let p = pump_recipe(node).await;
    let v = node
        .ok(
            &format!(
                "query($id: ID!) {{ recipeProcess(id: $id) {{ name note processClassifiedAs hasDuration {{ numericDuration unitType }}
                    processConformsTo {{ name conformingRecipeProcesses {{ edges {{ node {{ id }} }} }} }}
                    recipeInputs {{ {FLOW_FIELDS} recipeInputOf {{ id }} }} recipeOutputs {{ {FLOW_FIELDS} recipeOutputOf {{ id }} }}
                    meta {{ previousRevisionsCount }} }} }}"
            ),
            json!({"id": p.cut}),
        )
        .await;
    let cut = &v["recipeProcess"];
    assert_eq!(cut["name"], "Cut housing");
    assert_eq!(cut["note"], "Laser cutter");
    assert_eq!(cut["processClassifiedAs"], json!(["https://example.org/metalwork"]));
    assert_eq!(cut["hasDuration"], json!({"numericDuration": "1.5", "unitType": "hour"}));
    assert_eq!(cut["processConformsTo"]["name"], "Cutting");
    assert_eq!(cut["processConformsTo"]["conformingRecipeProcesses"]["edges"], json!([{"node": {"id": p.cut}}]));
    let inputs = cut["recipeInputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["id"], p.flows[0].as_str());
    assert_eq!(inputs[0]["action"]["id"], "consume");
    assert_eq!(inputs[0]["resourceConformsTo"]["name"], "Sheet steel");
    assert_eq!(inputs[0]["resourceQuantity"], json!({"hasNumericalValue": "2.125", "hasUnit": {"symbol": "kg"}}));
    assert_eq!(inputs[0]["recipeInputOf"]["id"], p.cut.as_str());
    assert_eq!(inputs[1]["action"]["id"], "work");
    assert_eq!(inputs[1]["effortQuantity"], json!({"hasNumericalValue": "2", "hasUnit": {"symbol": "h"}}));
    assert_eq!(inputs[1]["resourceQuantity"], Value::Null);
    let outputs = cut["recipeOutputs"].as_array().expect("outputs");
    assert_eq!(outputs.len(), 1);
    assert_eq!(outputs[0]["resourceConformsTo"]["id"], p.parts.as_str());
    assert_eq!(outputs[0]["recipeOutputOf"]["id"], p.cut.as_str());

    // From a flow back to both processes and the stage it asks for.
    let v = node
        .ok(
            "query($id: ID!, $spec: ID!) { recipeFlow(id: $id) { recipeInputOf { name recipeOutputs { resourceConformsTo { name } } } recipeOutputOf { id } stage { name } }
               processSpecification(id: $spec) { recipeFlowsRequiringStage { edges { node { id } } pageInfo { totalCount } } } }",
            json!({"id": p.flows[3], "spec": p.cutting}),
        )
        .await;
    assert_eq!(v["recipeFlow"]["recipeInputOf"]["name"], "Assemble pump");
    assert_eq!(v["recipeFlow"]["recipeInputOf"]["recipeOutputs"][0]["resourceConformsTo"]["name"], "Hand pump");
    assert_eq!(v["recipeFlow"]["recipeOutputOf"], Value::Null);
    assert_eq!(v["recipeFlow"]["stage"]["name"], "Cutting");
    assert_eq!(v["processSpecification"]["recipeFlowsRequiringStage"]["edges"], json!([{"node": {"id": p.flows[3]}}]));
    assert_eq!(v["processSpecification"]["recipeFlowsRequiringStage"]["pageInfo"]["totalCount"], 1);

    // An update keeps the earlier revision readable; null erases, absent keeps.
    let before = node.ok("query($id: ID!) { recipeFlow(id: $id) { revisionId } }", json!({"id": p.flows[5]})).await;
    let rev1 = s(&before["recipeFlow"]["revisionId"]);
    let v = node
        .ok(
            "mutation($f: RecipeFlowUpdateParams!) { updateRecipeFlow(recipeFlow: $f) { recipeFlow { revisionId note resourceQuantity { hasNumericalValue } action { id } } } }",
            json!({"f": {"revisionId": rev1, "note": null, "resourceQuantity": q("1.0000000000000000000000000001", &p.each)}}),
        )
        .await;
    let updated = &v["updateRecipeFlow"]["recipeFlow"];
    assert_eq!(updated["note"], Value::Null);
    assert_eq!(updated["action"]["id"], "produce");
    assert_eq!(updated["resourceQuantity"]["hasNumericalValue"], "1.0000000000000000000000000001");
    let old = node
        .ok(
            "query($id: ID!, $r: ID!) { recipeFlow(id: $id) { meta { previousRevisionsCount } revision(revisionId: $r) { note resourceQuantity { hasNumericalValue } } } }",
            json!({"id": p.flows[5], "r": rev1}),
        )
        .await;
    assert_eq!(old["recipeFlow"]["meta"]["previousRevisionsCount"], 1);
    assert_eq!(old["recipeFlow"]["revision"]["note"], "Tested");
    assert_eq!(old["recipeFlow"]["revision"]["resourceQuantity"]["hasNumericalValue"], "1");

    // A recipe exchange: buying the steel, read back through its clauses.
    let v = node
        .ok(
            "mutation { createRecipeExchange(recipeExchange: {name: \"Buy steel\", note: \"From the coop\"}) { recipeExchange { id name note } } }",
            json!({}),
        )
        .await;
    let exchange = s(&v["createRecipeExchange"]["recipeExchange"]["id"]);
    let clause = flow(
        node,
        json!({"action": "transfer", "recipeClauseOf": exchange, "resourceConformsTo": p.steel, "resourceQuantity": q("2.125", &p.kg)}),
    )
    .await;
    let v = node
        .ok(
            "query($id: ID!) { recipeExchange(id: $id) { name note recipeClauses { id recipeClauseOf { id } action { id } } } }",
            json!({"id": exchange}),
        )
        .await;
    assert_eq!(v["recipeExchange"]["name"], "Buy steel");
    assert_eq!(
        v["recipeExchange"]["recipeClauses"],
        json!([{"id": clause, "recipeClauseOf": {"id": exchange}, "action": {"id": "transfer"}}])
    );

    // Lists hold what was written, the process update is kept.
    let rev = node.ok("query($id: ID!) { recipeProcess(id: $id) { revisionId } }", json!({"id": p.assemble})).await;
    let v = node
        .ok(
            "mutation($p: RecipeProcessUpdateParams!) { updateRecipeProcess(recipeProcess: $p) { recipeProcess { name hasDuration { numericDuration unitType } processConformsTo { id } } } }",
            json!({"p": {"revisionId": rev["recipeProcess"]["revisionId"], "hasDuration": {"numericDuration": 45, "unitType": "minute"}}}),
        )
        .await;
    assert_eq!(v["updateRecipeProcess"]["recipeProcess"]["name"], "Assemble pump");
    assert_eq!(
        v["updateRecipeProcess"]["recipeProcess"]["hasDuration"],
        json!({"numericDuration": "45", "unitType": "minute"})
    );
    assert_eq!(v["updateRecipeProcess"]["recipeProcess"]["processConformsTo"]["id"], p.assembly.as_str());
    let v = node
        .ok("{ recipeFlows { pageInfo { totalCount } } recipeProcesses { pageInfo { totalCount } } recipeExchanges { edges { node { id } } } }", json!({}))
        .await;
    assert_eq!(v["recipeFlows"]["pageInfo"]["totalCount"], 7);
    assert_eq!(v["recipeProcesses"]["pageInfo"]["totalCount"], 2);
    assert_eq!(v["recipeExchanges"]["edges"], json!([{"node": {"id": exchange}}]));
    let _ = (&p.hour, &p.welding, &p.pump);
}

async fn bad_recipe_flows_are_refused_with_a_code(node: &TestNode) {
    let p = pump_recipe(node).await;
    let before = op_count(node).await;
    let cases = [
        (
            json!({"action": "produce", "recipeInputOf": p.cut, "resourceConformsTo": p.parts}),
            "VALIDATION",
            Some("recipeInputOf"),
        ),
        (
            json!({"action": "consume", "recipeOutputOf": p.cut, "resourceConformsTo": p.parts}),
            "VALIDATION",
            Some("recipeOutputOf"),
        ),
        (
            json!({"action": "consume", "recipeInputOf": p.cut, "resourceConformsTo": p.steel, "resourceQuantity": {"hasNumericalValue": 1}}),
            "VALIDATION",
            Some("resourceQuantity"),
        ),
        (
            json!({"action": "consume", "recipeInputOf": p.cut, "resourceConformsTo": p.steel, "resourceQuantity": q("-1", &p.kg)}),
            "VALIDATION",
            Some("resourceQuantity"),
        ),
        (
            json!({"action": "work", "recipeInputOf": p.cut, "resourceConformsTo": p.welding, "resourceQuantity": q("1", &p.hour)}),
            "VALIDATION",
            Some("resourceQuantity"),
        ),
        (json!({"action": "fly", "recipeInputOf": p.cut, "resourceConformsTo": p.steel}), "VALIDATION", Some("action")),
        (json!({"action": "consume", "recipeInputOf": p.cut, "resourceConformsTo": p.cut}), "NOT_FOUND", None),
        (json!({"action": "consume", "recipeInputOf": p.steel, "resourceConformsTo": p.steel}), "NOT_FOUND", None),
        (
            json!({"action": "consume", "recipeInputOf": p.cut, "resourceConformsTo": p.steel, "stage": p.steel}),
            "NOT_FOUND",
            None,
        ),
    ];
    for (params, code, field) in cases {
        let v = node.gql(CREATE_FLOW, json!({"f": params})).await;
        assert_eq!(error_code(&v), Some(code), "{params}: {v:#}");
        if let Some(field) = field {
            assert_eq!(v["errors"][0]["extensions"]["field"], field, "{params}: {v:#}");
        }
    }
    let v = node
        .gql(
            "mutation { createRecipeProcess(recipeProcess: {name: \"x\", hasDuration: {numericDuration: -1, unitType: day}}) { recipeProcess { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    assert_eq!(v["errors"][0]["extensions"]["field"], "hasDuration");
    assert_eq!(op_count(node).await, before, "refused writes wrote nothing");
}

async fn recipe_flow_count(node: &TestNode) -> i64 {
    node.ok("{ recipeFlows { pageInfo { totalCount } } }", json!({})).await["recipeFlows"]["pageInfo"]["totalCount"]
        .as_i64()
        .expect("count")
}

async fn a_cycle_is_refused_with_nothing_written(node: &TestNode) {
    let p = pump_recipe(node).await;
    let (ops_before, flows_before) = (op_count(node).await, recipe_flow_count(node).await);

    // Cutting would take in the pump that assembly makes from what cutting makes.
    let v = node
        .gql(CREATE_FLOW, json!({"f": {"action": "consume", "recipeInputOf": p.cut, "resourceConformsTo": p.pump, "resourceQuantity": q("1", &p.each)}}))
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    assert_eq!(v["errors"][0]["extensions"]["field"], "recipeInputOf");
    let message = s(&v["errors"][0]["message"]);
    assert!(message.contains("cycle") && message.contains(&p.cut) && message.contains(&p.assemble), "{message}");
    // Assembly yielding the steel cutting takes in closes the same loop from the other side.
    let v = node
        .gql(CREATE_FLOW, json!({"f": {"action": "produce", "recipeOutputOf": p.assemble, "resourceConformsTo": p.steel, "resourceQuantity": q("1", &p.kg)}}))
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    assert_eq!(v["errors"][0]["extensions"]["field"], "recipeOutputOf");
    // A process consuming what it itself produces.
    let v = node
        .gql(CREATE_FLOW, json!({"f": {"action": "consume", "recipeInputOf": p.assemble, "resourceConformsTo": p.pump, "resourceQuantity": q("1", &p.each)}}))
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    assert_eq!((op_count(node).await, recipe_flow_count(node).await), (ops_before, flows_before));

    // An update that would close the cycle is refused and leaves the flow as it was.
    let scrap = resource_spec(node, "Scrap").await;
    let v = node
        .ok(CREATE_FLOW, json!({"f": {"action": "consume", "recipeInputOf": p.cut, "resourceConformsTo": scrap, "resourceQuantity": q("1", &p.kg)}}))
        .await;
    let (id, rev) =
        (s(&v["createRecipeFlow"]["recipeFlow"]["id"]), s(&v["createRecipeFlow"]["recipeFlow"]["revisionId"]));
    let ops_mid = op_count(node).await;
    let v = node
        .gql(
            "mutation($f: RecipeFlowUpdateParams!) { updateRecipeFlow(recipeFlow: $f) { recipeFlow { id } } }",
            json!({"f": {"revisionId": rev, "resourceConformsTo": p.pump, "resourceQuantity": q("1", &p.each)}}),
        )
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    let still = node
        .ok("query($id: ID!) { recipeFlow(id: $id) { revisionId resourceConformsTo { id } } }", json!({"id": id}))
        .await;
    assert_eq!(still["recipeFlow"]["revisionId"], rev.as_str());
    assert_eq!(still["recipeFlow"]["resourceConformsTo"]["id"], scrap.as_str());
    assert_eq!(op_count(node).await, ops_mid);

    // A stage keeps a rework step from supplying assembly, until the step's kind changes.
    let rework = recipe_process(node, json!({"name": "Rework pump into parts"})).await;
    flow(node, json!({"action": "consume", "recipeInputOf": rework, "resourceConformsTo": p.pump, "resourceQuantity": q("1", &p.each)})).await;
    flow(node, json!({"action": "produce", "recipeOutputOf": rework, "resourceConformsTo": p.parts, "resourceQuantity": q("2", &p.each)})).await;
    let rev = node.ok("query($id: ID!) { recipeProcess(id: $id) { revisionId } }", json!({"id": rework})).await;
    let v = node
        .gql(
            "mutation($p: RecipeProcessUpdateParams!) { updateRecipeProcess(recipeProcess: $p) { recipeProcess { id } } }",
            json!({"p": {"revisionId": rev["recipeProcess"]["revisionId"], "processConformsTo": p.cutting}}),
        )
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    assert_eq!(v["errors"][0]["extensions"]["field"], "processConformsTo");
    let after =
        node.ok("query($id: ID!) { recipeProcess(id: $id) { processConformsTo { id } } }", json!({"id": rework})).await;
    assert_eq!(after["recipeProcess"]["processConformsTo"], Value::Null);

    // Modify hands back the resource accepted: repairing a pump is no cycle.
    let repair = recipe_process(node, json!({"name": "Repair pump"})).await;
    flow(node, json!({"action": "accept", "recipeInputOf": repair, "resourceConformsTo": p.pump, "resourceQuantity": q("1", &p.each)})).await;
    flow(node, json!({"action": "modify", "recipeOutputOf": repair, "resourceConformsTo": p.pump, "resourceQuantity": q("1", &p.each)})).await;
}

/// The two halves of many cycles submitted at once, so that they share the writer's
/// batches: the writer checks each against what the ones before it wrote, so exactly one
/// of each pair is kept and the other refused, and the refused ones write nothing.
async fn concurrent_halves_of_a_cycle_keep_one(node: &TestNode) {
    use valueflows_model as vf;
    let each = vf::UnitId::parse(&unit(node, "one", "ea").await).expect("unit");
    let mut halves = Vec::new();
    for round in 0..12 {
        let (a_spec, b_spec) =
            (resource_spec(node, &format!("a{round}")).await, resource_spec(node, &format!("b{round}")).await);
        let a = recipe_process(node, json!({"name": format!("A{round}")})).await;
        let b = recipe_process(node, json!({"name": format!("B{round}")})).await;
        // A supplies B...
        let one = q("1", &each.to_string());
        flow(
            node,
            json!({"action": "produce", "recipeOutputOf": a, "resourceConformsTo": a_spec, "resourceQuantity": one}),
        )
        .await;
        flow(
            node,
            json!({"action": "consume", "recipeInputOf": b, "resourceConformsTo": a_spec, "resourceQuantity": one}),
        )
        .await;
        // ...and each of these would make B supply A.
        let half = |action: vf::Action, input: Option<&str>, output: Option<&str>| vf::RecipeFlow {
            id: vf::RecipeFlowId::new(uuid::Uuid::now_v7()),
            action,
            resource_conforms_to: vf::ResourceSpecificationId::parse(&b_spec).expect("spec"),
            resource_quantity: Some(vf::Measure::new(1.into(), each)),
            effort_quantity: None,
            recipe_input_of: input.map(|p| vf::RecipeProcessId::parse(p).expect("process")),
            recipe_output_of: output.map(|p| vf::RecipeProcessId::parse(p).expect("process")),
            recipe_clause_of: None,
            stage: None,
            state: None,
            note: None,
        };
        halves.push((round, half(vf::Action::Produce, None, Some(&b))));
        halves.push((round, half(vf::Action::Consume, Some(&a), None)));
    }
    let app = node.node.app().clone();
    let before = op_count(node).await;
    let tasks: Vec<_> = halves
        .into_iter()
        .map(|(round, flow)| {
            let app = app.clone();
            tokio::spawn(async move { (round, app.create(&flow, app.self_agent()).await.map(|_| ())) })
        })
        .collect();
    let mut kept = [0; 12];
    for t in tasks {
        let (round, result) = t.await.expect("task");
        match result {
            Ok(()) => kept[round] += 1,
            Err(e) => assert_eq!(e.code(), "VALIDATION", "{e}"),
        }
    }
    assert_eq!(kept, [1; 12], "one half of each cycle is kept");
    assert_eq!(op_count(node).await, before + 12);
}

async fn scenarios_hold_nested_processes(node: &TestNode) {
    let me = s(&node.ok("{ myAgent { id } }", json!({})).await["myAgent"]["id"]);
    let v = node
        .ok(
            "mutation { createScenarioDefinition(plan: {name: \"Yearly budget\", hasDuration: {numericDuration: 1, unitType: year}}) { scenarioDefinition { id hasDuration { numericDuration unitType } } } }",
            json!({}),
        )
        .await;
    let yearly = s(&v["createScenarioDefinition"]["scenarioDefinition"]["id"]);
    assert_eq!(
        v["createScenarioDefinition"]["scenarioDefinition"]["hasDuration"],
        json!({"numericDuration": "1", "unitType": "year"})
    );
    const CREATE: &str =
        "mutation($p: ScenarioCreateParams!) { createScenario(plan: $p) { scenario { id revisionId } } }";
    let v = node
        .ok(CREATE, json!({"p": {"name": "Budget 2027", "definedAs": yearly, "hasBeginning": "2027-01-01", "hasEnd": "2027-12-31", "inScopeOf": [me]}}))
        .await;
    let (budget, budget_rev) =
        (s(&v["createScenario"]["scenario"]["id"]), s(&v["createScenario"]["scenario"]["revisionId"]));
    let v = node.ok(CREATE, json!({"p": {"name": "Q1 2027", "refinementOf": budget, "hasBeginning": "2027-01-01", "hasEnd": "2027-03-31"}})).await;
    let q1 = s(&v["createScenario"]["scenario"]["id"]);
    const PROCESS: &str = "mutation($p: ProcessCreateParams!) { createProcess(process: $p) { process { id revisionId nestedIn { id } } } }";
    let mut processes = Vec::new();
    for (name, scenario) in [("Build pumps", &budget), ("Sell pumps", &budget), ("Order steel", &q1)] {
        let v = node.ok(PROCESS, json!({"p": {"name": name, "nestedIn": scenario}})).await;
        assert_eq!(v["createProcess"]["process"]["nestedIn"]["id"], scenario.as_str());
        processes.push((s(&v["createProcess"]["process"]["id"]), s(&v["createProcess"]["process"]["revisionId"])));
    }

    let v = node
        .ok(
            "query($id: ID!) { scenario(id: $id) { name hasBeginning hasEnd definedAs { name scenarios { edges { node { id } } } }
                refinementOf { id } refinements { id name refinementOf { id } } inScopeOf { __typename ... on Organization { id } }
                processes { edges { node { name nestedIn { id } } } pageInfo { totalCount } } } }",
            json!({"id": budget}),
        )
        .await;
    let sc = &v["scenario"];
    assert_eq!(sc["name"], "Budget 2027");
    assert_eq!(sc["hasBeginning"], "2027-01-01T00:00:00.000000Z");
    assert_eq!(sc["hasEnd"], "2027-12-31T00:00:00.000000Z");
    assert_eq!(sc["definedAs"]["name"], "Yearly budget");
    assert_eq!(sc["definedAs"]["scenarios"]["edges"], json!([{"node": {"id": budget}}]));
    assert_eq!(sc["refinementOf"], Value::Null);
    assert_eq!(sc["refinements"], json!([{"id": q1, "name": "Q1 2027", "refinementOf": {"id": budget}}]));
    assert_eq!(sc["inScopeOf"], json!([{"__typename": "Organization", "id": me}]));
    let names: Vec<&str> = sc["processes"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Build pumps", "Sell pumps"]);
    assert_eq!(sc["processes"]["pageInfo"]["totalCount"], 2);
    let v = node
        .ok("query($id: ID!) { agent(id: $id) { scenariosInScope { edges { node { id } } } } }", json!({"id": me}))
        .await;
    assert_eq!(v["agent"]["scenariosInScope"]["edges"], json!([{"node": {"id": budget}}]));

    // Taking a process out of its scenario, and the process's own deletable flag.
    let v = node
        .ok(
            "mutation($p: ProcessUpdateParams!) { updateProcess(process: $p) { process { nestedIn { id } deletable } } }",
            json!({"p": {"revisionId": processes[1].1, "nestedIn": null}}),
        )
        .await;
    assert_eq!(v["updateProcess"]["process"], json!({"nestedIn": null, "deletable": true}));
    let v = node
        .ok("query($id: ID!) { scenario(id: $id) { processes { pageInfo { totalCount } } } }", json!({"id": budget}))
        .await;
    assert_eq!(v["scenario"]["processes"]["pageInfo"]["totalCount"], 1);

    // A scenario refining one of its own refinements, or itself, is refused.
    const UPDATE: &str = "mutation($p: ScenarioUpdateParams!) { updateScenario(plan: $p) { scenario { id } } }";
    let before = op_count(node).await;
    let v = node.gql(UPDATE, json!({"p": {"revisionId": budget_rev, "refinementOf": q1}})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    assert_eq!(v["errors"][0]["extensions"]["field"], "refinementOf");
    let v = node.gql(UPDATE, json!({"p": {"revisionId": budget_rev, "refinementOf": budget}})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    let v = node.gql(UPDATE, json!({"p": {"revisionId": budget_rev, "hasEnd": "2026-01-01"}})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    assert_eq!(v["errors"][0]["extensions"]["field"], "hasEnd");
    assert_eq!(op_count(node).await, before);
    let v = node
        .ok(UPDATE, json!({"p": {"revisionId": budget_rev, "name": "Budget 2027 (revised)", "inScopeOf": null}}))
        .await;
    assert!(v["updateScenario"]["scenario"]["id"].is_string());
    let v = node
        .ok("query($id: ID!, $me: ID!) { scenario(id: $id) { name inScopeOf { __typename } meta { previousRevisionsCount } } agent(id: $me) { scenariosInScope { edges { node { id } } } } }",
            json!({"id": budget, "me": me}))
        .await;
    assert_eq!(v["scenario"]["name"], "Budget 2027 (revised)");
    assert_eq!(v["scenario"]["inScopeOf"], Value::Null);
    assert_eq!(v["scenario"]["meta"]["previousRevisionsCount"], 1);
    assert_eq!(v["agent"]["scenariosInScope"]["edges"], json!([]));
}

async fn deletes_of_depended_on_records_are_refused(node: &TestNode) {
    let p = pump_recipe(node).await;
    let rev = |q: &'static str, id: String| async move {
        let v = node.ok(q, json!({"id": id})).await;
        s(v.as_object().and_then(|o| o.values().next()).map(|r| &r["revisionId"]).expect("record"))
    };
    let process_rev = rev("query($id: ID!) { recipeProcess(id: $id) { revisionId } }", p.cut.clone()).await;
    let before = op_count(node).await;
    let refused = [
        ("mutation($r: ID!) { deleteRecipeProcess(revisionId: $r) }", process_rev.clone()),
        (
            "mutation($r: ID!) { deleteResourceSpecification(revisionId: $r) }",
            rev("query($id: ID!) { resourceSpecification(id: $id) { revisionId } }", p.steel.clone()).await,
        ),
        (
            "mutation($r: ID!) { deleteProcessSpecification(revisionId: $r) }",
            rev("query($id: ID!) { processSpecification(id: $id) { revisionId } }", p.cutting.clone()).await,
        ),
        (
            "mutation($r: ID!) { deleteUnit(revisionId: $r) }",
            rev("query($id: ID!) { unit(id: $id) { revisionId } }", p.kg.clone()).await,
        ),
    ];
    for (mutation, r) in &refused {
        let v = node.gql(mutation, json!({"r": r})).await;
        assert_eq!(error_code(&v), Some("CONFLICT"), "{mutation}: {v:#}");
    }

    let v = node
        .ok(
            "mutation { createRecipeExchange(recipeExchange: {name: \"Sell\"}) { recipeExchange { id revisionId } } }",
            json!({}),
        )
        .await;
    let (exchange, exchange_rev) = (
        s(&v["createRecipeExchange"]["recipeExchange"]["id"]),
        s(&v["createRecipeExchange"]["recipeExchange"]["revisionId"]),
    );
    let clause =
        flow(node, json!({"action": "transfer", "recipeClauseOf": exchange, "resourceConformsTo": p.pump})).await;
    let v = node.gql("mutation($r: ID!) { deleteRecipeExchange(revisionId: $r) }", json!({"r": exchange_rev})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");

    let v = node
        .ok(
            "mutation { createScenarioDefinition(plan: {name: \"Quarter\"}) { scenarioDefinition { id revisionId } } }",
            json!({}),
        )
        .await;
    let (definition, definition_rev) = (
        s(&v["createScenarioDefinition"]["scenarioDefinition"]["id"]),
        s(&v["createScenarioDefinition"]["scenarioDefinition"]["revisionId"]),
    );
    let v = node
        .ok(
            "mutation($d: ID!) { createScenario(plan: {name: \"Q2\", definedAs: $d}) { scenario { id revisionId } } }",
            json!({"d": definition}),
        )
        .await;
    let (scenario, scenario_rev) =
        (s(&v["createScenario"]["scenario"]["id"]), s(&v["createScenario"]["scenario"]["revisionId"]));
    let v = node
        .ok(
            "mutation($s: ID!) { createProcess(process: {name: \"Plan Q2\", nestedIn: $s}) { process { id } } }",
            json!({"s": scenario}),
        )
        .await;
    let process = s(&v["createProcess"]["process"]["id"]);
    let v =
        node.gql("mutation($r: ID!) { deleteScenarioDefinition(revisionId: $r) }", json!({"r": definition_rev})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
    let v = node.gql("mutation($r: ID!) { deleteScenario(revisionId: $r) }", json!({"r": scenario_rev})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
    let mid = op_count(node).await;
    assert_eq!(mid, before + 5, "only the five creates were written");

    // Once nothing refers to them, they go.
    node.ok("mutation($id: ID!) { deleteProcess(id: $id) }", json!({"id": process})).await;
    assert_eq!(
        node.ok("mutation($r: ID!) { deleteScenario(revisionId: $r) }", json!({"r": scenario_rev})).await["deleteScenario"],
        true
    );
    assert_eq!(
        node.ok("mutation($r: ID!) { deleteScenarioDefinition(revisionId: $r) }", json!({"r": definition_rev})).await["deleteScenarioDefinition"],
        true
    );
    let clause_rev = rev("query($id: ID!) { recipeFlow(id: $id) { revisionId } }", clause).await;
    node.ok("mutation($r: ID!) { deleteRecipeFlow(revisionId: $r) }", json!({"r": clause_rev})).await;
    assert_eq!(
        node.ok("mutation($r: ID!) { deleteRecipeExchange(revisionId: $r) }", json!({"r": exchange_rev})).await["deleteRecipeExchange"],
        true
    );
    for f in &p.flows[..3] {
        let r = rev("query($id: ID!) { recipeFlow(id: $id) { revisionId } }", f.clone()).await;
        node.ok("mutation($r: ID!) { deleteRecipeFlow(revisionId: $r) }", json!({"r": r})).await;
    }
    let v = node.ok("mutation($r: ID!) { deleteRecipeProcess(revisionId: $r) }", json!({"r": process_rev})).await;
    assert_eq!(v["deleteRecipeProcess"], true);
    let v = node
        .ok("query($id: ID!, $s: ID!) { recipeProcess(id: $id) { id } scenario(id: $s) { id } recipeFlows { pageInfo { totalCount } } }", json!({"id": p.cut, "s": scenario}))
        .await;
    assert_eq!(v["recipeProcess"], Value::Null);
    assert_eq!(v["scenario"], Value::Null);
    assert_eq!(v["recipeFlows"]["pageInfo"]["totalCount"], 3);
    // Deleting again finds nothing.
    let v = node.gql("mutation($r: ID!) { deleteRecipeProcess(revisionId: $r) }", json!({"r": process_rev})).await;
    assert_eq!(error_code(&v), Some("NOT_FOUND"), "{v:#}");
}

fn ids(v: &Value) -> Vec<String> {
    v["edges"].as_array().expect("edges").iter().map(|e| s(&e["node"]["id"])).collect()
}

async fn recipe_and_scenario_lists_page_both_ways(node: &TestNode) {
    let spec = process_spec(node, "Milling").await;
    let mut all = Vec::new();
    for i in 0..5 {
        all.push(recipe_process(node, json!({"name": format!("step {i}"), "processConformsTo": spec})).await);
    }
    const Q: &str = "query($f: Int, $a: String, $l: Int, $b: String) { recipeProcesses(first: $f, after: $a, last: $l, before: $b) {
        edges { cursor node { id } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage totalCount } } }";
    let p1 = node.ok(Q, json!({"f": 2})).await["recipeProcesses"].clone();
    assert_eq!(ids(&p1), all[..2]);
    assert_eq!(
        (p1["pageInfo"]["hasNextPage"].clone(), p1["pageInfo"]["hasPreviousPage"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(p1["pageInfo"]["totalCount"], 5);
    let p2 = node.ok(Q, json!({"f": 2, "a": p1["pageInfo"]["endCursor"]})).await["recipeProcesses"].clone();
    assert_eq!(ids(&p2), all[2..4]);
    assert_eq!(p2["pageInfo"]["hasPreviousPage"], true);
    let last = node.ok(Q, json!({"l": 2})).await["recipeProcesses"].clone();
    assert_eq!(ids(&last), all[3..]);
    assert_eq!(last["pageInfo"]["hasNextPage"], false);
    assert_eq!(last["pageInfo"]["hasPreviousPage"], true);
    let back = node.ok(Q, json!({"l": 2, "b": last["pageInfo"]["startCursor"]})).await["recipeProcesses"].clone();
    assert_eq!(ids(&back), all[1..3]);
    assert_eq!(
        (back["pageInfo"]["hasNextPage"].clone(), back["pageInfo"]["hasPreviousPage"].clone()),
        (json!(true), json!(true))
    );

    // The inverse connection pages the same way, nested.
    let nested = |args: &str| {
        let vars = if args.contains("$c") { "$id: ID!, $c: String" } else { "$id: ID!" };
        format!(
            "query({vars}) {{ processSpecification(id: $id) {{ conformingRecipeProcesses({args}) {{ edges {{ node {{ id }} }} pageInfo {{ startCursor hasNextPage hasPreviousPage }} }} }} }}"
        )
    };
    let v = node.ok(&nested("last: 3"), json!({"id": spec})).await;
    let page = &v["processSpecification"]["conformingRecipeProcesses"];
    assert_eq!(ids(page), all[2..]);
    let v = node.ok(&nested("last: 3, before: $c"), json!({"id": spec, "c": page["pageInfo"]["startCursor"]})).await;
    let page = &v["processSpecification"]["conformingRecipeProcesses"];
    assert_eq!(ids(page), all[..2]);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], false);
    let v = node.ok(&nested("first: 1, after: $c"), json!({"id": spec, "c": all[3]})).await;
    assert_eq!(ids(&v["processSpecification"]["conformingRecipeProcesses"]), all[4..]);

    // Scenarios and scenario definitions are connections too.
    let mut scenarios = Vec::new();
    for i in 0..3 {
        let v = node
            .ok(
                "mutation($n: String!) { createScenario(plan: {name: $n}) { scenario { id } } }",
                json!({"n": format!("s{i}")}),
            )
            .await;
        scenarios.push(s(&v["createScenario"]["scenario"]["id"]));
    }
    let v = node.ok("query($b: String) { scenarios(last: 1, before: $b) { edges { node { id } } pageInfo { hasPreviousPage } } }", json!({"b": scenarios[2]})).await;
    assert_eq!(ids(&v["scenarios"]), scenarios[1..2]);
    assert_eq!(v["scenarios"]["pageInfo"]["hasPreviousPage"], true);
    let v = node.ok("{ scenarioDefinitions(first: 5) { edges { node { id } } pageInfo { totalCount } } recipeFlows(last: 2) { edges { node { id } } } }", json!({})).await;
    assert_eq!(v["scenarioDefinitions"]["pageInfo"]["totalCount"], 0);
    assert_eq!(v["recipeFlows"]["edges"], json!([]));
    let v = node.gql("{ recipeProcesses(first: 1, last: 1) { edges { node { id } } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
}

const PLAN_FROM_RECIPE: &str = "mutation($p: PlanCreateParams!, $d: PlanFromRecipeParams!) {
    createPlanFromRecipe(plan: $p, demand: $d) { plan { id } } }";

async fn plan_count(node: &TestNode) -> usize {
    let v = node.ok("{ plans(first: 100) { edges { node { id } } } }", json!({})).await;
    v["plans"]["edges"].as_array().expect("plans").len()
}

fn quantity(c: &Value, field: &str) -> Value {
    json!([c[field]["hasNumericalValue"], c[field]["hasUnit"]["symbol"]])
}

async fn a_plan_from_the_recipe_is_scaled_and_scheduled(node: &TestNode) {
    let p = pump_recipe(node).await;
    let coop = node
        .ok("mutation { createOrganization(organization: {name: \"Farmers' coop\"}) { agent { id } } }", json!({}))
        .await;
    let coop = s(&coop["createOrganization"]["agent"]["id"]);
    let ops_before = op_count(node).await;
    let v = node
        .ok(
            PLAN_FROM_RECIPE,
            json!({"p": {"name": "Six pumps", "due": "2026-12-01T12:00:00Z"},
                   "d": {"resourceConformsTo": p.pump, "resourceQuantity": q("6", &p.each), "receiver": coop}}),
        )
        .await;
    let plan = s(&v["createPlanFromRecipe"]["plan"]["id"]);
    assert_eq!(op_count(node).await, ops_before + 1, "the plan, its processes and commitments are one op");

    let commitment = "action { id } resourceConformsTo { name } stage { name } due provider { id } receiver { id }
        resourceQuantity { hasNumericalValue hasUnit { symbol } } effortQuantity { hasNumericalValue hasUnit { symbol } }";
    let v = node
        .ok(
            &format!(
                "query($id: ID!) {{ plan(id: $id) {{ name due deletable
                    processes {{ name hasBeginning hasEnd basedOn {{ name }} classifiedAs plannedWithin {{ id }}
                        committedInputs {{ {commitment} }} committedOutputs {{ {commitment} }} }}
                    independentDemands {{ {commitment} independentDemandOf {{ id }} plannedWithin {{ id }} }} }} }}"
            ),
            json!({"id": plan}),
        )
        .await;
    let plan_v = &v["plan"];
    assert_eq!(plan_v["name"], "Six pumps");
    assert_eq!(plan_v["deletable"], false, "processes and commitments are planned within it");
    let mut processes = plan_v["processes"].as_array().expect("processes").clone();
    processes.sort_by_key(|p| p["name"].as_str().map(str::to_owned));
    assert_eq!(processes.len(), 2);
    let (assemble, cut) = (&processes[0], &processes[1]);
    assert_eq!(assemble["name"], "Assemble pump");
    assert_eq!(cut["name"], "Cut housing");
    assert_eq!(cut["basedOn"]["name"], "Cutting");
    assert_eq!(cut["classifiedAs"], json!(["https://example.org/metalwork"]));
    assert_eq!(cut["plannedWithin"]["id"], plan.as_str());
    // Assembly takes no time and ends when the pumps are due; cutting (1.5 h) ends before it begins.
    assert_eq!(assemble["hasBeginning"], "2026-12-01T12:00:00.000000Z");
    assert_eq!(assemble["hasEnd"], "2026-12-01T12:00:00.000000Z");
    assert_eq!(cut["hasBeginning"], "2026-12-01T10:30:00.000000Z");
    assert_eq!(cut["hasEnd"], "2026-12-01T12:00:00.000000Z");

    // 6 pumps need 12 parts: three batches of cutting, 6.375 kg of steel (2.125 x 3).
    let inputs = |p: &Value| -> Vec<Value> {
        let mut out: Vec<Value> = p["committedInputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .map(|c| {
                json!([
                    c["action"]["id"],
                    c["resourceConformsTo"]["name"],
                    quantity(c, "resourceQuantity"),
                    quantity(c, "effortQuantity"),
                    c["stage"]["name"],
                    c["due"]
                ])
            })
            .collect();
        out.sort_by_key(|v| v.to_string());
        out
    };
    assert_eq!(
        inputs(cut),
        vec![
            json!(["consume", "Sheet steel", ["6.375", "kg"], [null, null], null, "2026-12-01T10:30:00.000000Z"]),
            json!(["work", "Welding", [null, null], ["6", "h"], null, "2026-12-01T10:30:00.000000Z"]),
        ]
    );
    assert_eq!(
        inputs(assemble),
        vec![
            json!([
                "consume",
                "Pump housing parts",
                ["12", "ea"],
                [null, null],
                "Cutting",
                "2026-12-01T12:00:00.000000Z"
            ]),
            json!(["work", "Welding", [null, null], ["6", "h"], null, "2026-12-01T12:00:00.000000Z"]),
        ]
    );
    let parts = &cut["committedOutputs"][0];
    assert_eq!(quantity(parts, "resourceQuantity"), json!(["12", "ea"]));
    assert_eq!(parts["receiver"]["id"], parts["provider"]["id"], "work inside the plan stays with the provider");
    let demands = plan_v["independentDemands"].as_array().expect("demands");
    assert_eq!(demands.len(), 1);
    let pumps = &demands[0];
    assert_eq!(pumps["action"]["id"], "produce");
    assert_eq!(quantity(pumps, "resourceQuantity"), json!(["6", "ea"]));
    assert_eq!(pumps["receiver"]["id"], coop.as_str());
    assert_eq!(pumps["due"], "2026-12-01T12:00:00.000000Z");
    assert_eq!(pumps["independentDemandOf"]["id"], plan.as_str());
    assert_eq!(pumps["plannedWithin"]["id"], plan.as_str());

    // Without a unit the wanted quantity is counted in the recipe's; without a due date
    // nothing is scheduled. Half a pump needs a quarter of a batch of cutting, exactly.
    let v = node
        .ok(
            PLAN_FROM_RECIPE,
            json!({"p": {"name": "Half a pump"}, "d": {"resourceConformsTo": p.pump, "resourceQuantity": {"hasNumericalValue": 0.5}}}),
        )
        .await;
    let v = node
        .ok(
            "query($id: ID!) { plan(id: $id) { due processes { name hasBeginning committedInputs { resourceConformsTo { name } resourceQuantity { hasNumericalValue } } } } }",
            json!({"id": v["createPlanFromRecipe"]["plan"]["id"]}),
        )
        .await;
    let processes = v["plan"]["processes"].as_array().expect("processes");
    let cut = processes.iter().find(|p| p["name"] == "Cut housing").expect("cutting planned");
    assert_eq!(cut["hasBeginning"], Value::Null);
    let steel = cut["committedInputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|c| c["resourceConformsTo"]["name"] == "Sheet steel")
        .expect("steel");
    assert_eq!(steel["resourceQuantity"]["hasNumericalValue"], "0.53125");
}

async fn a_bad_plan_from_the_recipe_writes_nothing(node: &TestNode) {
    let p = pump_recipe(node).await;
    let (plans, ops) = (plan_count(node).await, op_count(node).await);
    let demand = |value: Value, unit: &str| json!({"resourceConformsTo": p.pump, "resourceQuantity": {"hasNumericalValue": value, "hasUnit": unit}});
    let cases = [
        (demand(json!("0"), &p.each), "VALIDATION", "zero"),
        (demand(json!("-2"), &p.each), "VALIDATION", "negative"),
        (demand(json!("2"), &p.kg), "VALIDATION", "pumps are not counted in kilograms"),
        (
            json!({"resourceConformsTo": p.steel, "resourceQuantity": q("1", &p.kg)}),
            "NOT_FOUND",
            "nothing produces steel",
        ),
        (
            json!({"resourceConformsTo": p.pump, "resourceQuantity": q("1", &p.each), "receiver": p.pump}),
            "NOT_FOUND",
            "a receiver that is no agent",
        ),
        (
            json!({"resourceConformsTo": "not-an-id", "resourceQuantity": q("1", &p.each)}),
            "VALIDATION",
            "a malformed id",
        ),
    ];
    for (d, code, why) in cases {
        let v = node.gql(PLAN_FROM_RECIPE, json!({"p": {"name": "Bad"}, "d": d})).await;
        assert_eq!(error_code(&v), Some(code), "{why}: {v}");
    }
    let v = node.gql(PLAN_FROM_RECIPE, json!({"p": {"name": "Bad"}, "d": demand(json!("1.5.2"), &p.each)})).await;
    assert!(v["errors"].is_array(), "a malformed decimal is refused: {v}");
    // A second recipe for housing parts makes the recipe ambiguous.
    let other = recipe_process(node, json!({"name": "Cast housing", "processConformsTo": p.cutting})).await;
    flow(node, json!({"action": "produce", "recipeOutputOf": other, "resourceConformsTo": p.parts, "resourceQuantity": q("1", &p.each)})).await;
    let ops = ops + 2;
    let v = node.gql(PLAN_FROM_RECIPE, json!({"p": {"name": "Bad"}, "d": demand(json!("1"), &p.each)})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "two recipes make housing parts: {v}");
    assert_eq!(plan_count(node).await, plans, "no plan was written");
    assert_eq!(op_count(node).await, ops, "no op was written");
    let v = node
        .ok(
            "{ processes(first: 100) { edges { node { id } } } commitments(first: 100) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(v["processes"]["edges"], json!([]));
    assert_eq!(v["commitments"]["edges"], json!([]));
}

crate::on_both!(
    a_plan_from_the_recipe_is_scaled_and_scheduled,
    a_bad_plan_from_the_recipe_writes_nothing,
    pump_recipe_reads_back_through_inverse_fields,
    bad_recipe_flows_are_refused_with_a_code,
    a_cycle_is_refused_with_nothing_written,
    concurrent_halves_of_a_cycle_keep_one,
    scenarios_hold_nested_processes,
    deletes_of_depended_on_records_are_refused,
    recipe_and_scenario_lists_page_both_ways,
);
