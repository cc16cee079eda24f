//! Track and trace over GraphQL: a provenance chain from raw material to a pump delivered to
//! the coop, with a side branch, checked item by item in walk order.

use serde_json::{Value, json};
use vf_tests::TestNode;

use crate::flow::{Shop, run, shop};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}")).to_owned()
}

/// Records an event; returns its id and the id of the resource it created, if any.
async fn event(node: &TestNode, event: Value, new_resource: Option<Value>) -> (String, Option<String>) {
    let v = run(node, "RecordEvent", json!({"event": event, "newResource": new_resource})).await;
    let created = &v["createEconomicEvent"];
    (s(&created["economicEvent"]["id"]), created["economicResource"]["id"].as_str().map(str::to_owned))
}

async fn process(node: &TestNode, name: &str, based_on: Option<&str>) -> String {
    s(
        &run(node, "CreateProcess", json!({"name": name, "basedOn": based_on, "start": "2026-03-02"})).await["createProcess"]
            ["process"]["id"],
    )
}

fn qty(n: &str, unit: &str) -> Value {
    json!({"hasNumericalValue": n, "hasUnit": unit})
}

/// `(kind, id)` of each item of a track or trace.
fn items(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list, got {v}"))
        .iter()
        .map(|i| (s(&i["__typename"]), s(&i["id"])))
        .collect()
}

/// The expected items: hop by hop, each hop in id (creation) order.
fn hops(steps: &[&[(&str, &str)]]) -> Vec<(String, String)> {
    steps
        .iter()
        .flat_map(|hop| {
            let mut hop: Vec<(String, String)> =
                hop.iter().map(|(k, id)| ((*k).to_owned(), (*id).to_owned())).collect();
            hop.sort_by(|a, b| a.1.cmp(&b.1));
            hop
        })
        .collect()
}

const ITEMS: &str = "__typename ... on EconomicResource { id } ... on EconomicEvent { id } ... on Process { id }";
const FLOW_ITEMS: &str = "__typename ... on EconomicResource { id } ... on Process { id }";

async fn walk(node: &TestNode, root: &str, id: &str, field: &str) -> Vec<(String, String)> {
    let q = format!("query($id: ID!) {{ {root}(id: $id) {{ {field} {{ {ITEMS} }} }} }}");
    items(&node.ok(&q, json!({"id": id})).await[root][field])
}

/// The chain, with every record's id.
struct Chain {
    steel: String,
    steel_raised: String,
    motors: String,
    motors_raised: String,
    cut: String,
    cut_steel: String,
    cut_work: String,
    cut_out: String,
    housings: String,
    brackets_process: String,
    brackets_steel: String,
    brackets_out: String,
    brackets: String,
    assembly: String,
    fit_housing: String,
    fit_motor: String,
    assembly_work: String,
    assembled: String,
    pump: String,
    delivery: String,
    pump_at_coop: String,
}

/// Raw steel is cut into housings (and, on a side branch, brackets); a housing and a motor
/// are assembled into a pump; the pump is transferred to the coop.
async fn chain(node: &TestNode, shop: &Shop) -> Chain {
    let t = |h: u32| format!("2026-03-02T{h:02}:00:00Z");
    let lab = shop.lab.as_str();
    let spec = |name: &'static str| async move {
        s(
            &run(node, "CreateResourceSpecification", json!({"name": name})).await["createResourceSpecification"]["resourceSpecification"]
                ["id"],
        )
    };
    let (motor, housing, bracket) = (spec("Motor").await, spec("Pump housing").await, spec("Bracket").await);
    let (steel_raised, steel) = event(
        node,
        json!({"action": "raise", "provider": lab, "receiver": lab, "hasPointInTime": t(8),
               "resourceConformsTo": shop.steel, "resourceQuantity": qty("50", &shop.kg)}),
        Some(json!({"name": "Steel sheet"})),
    )
    .await;
    let (motors_raised, motors) = event(
        node,
        json!({"action": "raise", "provider": lab, "receiver": lab, "hasPointInTime": t(8),
               "resourceConformsTo": motor, "resourceQuantity": qty("4", &shop.each)}),
        Some(json!({"name": "Motors"})),
    )
    .await;
    let (steel, motors) = (steel.expect("steel"), motors.expect("motors"));

    let cut = process(node, "Cut housings", None).await;
    let (cut_steel, _) = event(
        node,
        json!({"action": "consume", "provider": lab, "receiver": lab, "inputOf": cut, "hasPointInTime": t(9),
               "resourceInventoriedAs": steel, "resourceQuantity": qty("10", &shop.kg)}),
        None,
    )
    .await;
    let (cut_work, _) = event(
        node,
        json!({"action": "work", "provider": shop.amina, "receiver": lab, "inputOf": cut, "hasPointInTime": t(10),
               "effortQuantity": qty("2", &shop.hour)}),
        None,
    )
    .await;
    let (cut_out, housings) = event(
        node,
        json!({"action": "produce", "provider": lab, "receiver": lab, "outputOf": cut, "hasPointInTime": t(11),
               "resourceConformsTo": housing, "resourceQuantity": qty("4", &shop.each)}),
        Some(json!({"name": "Pump housings"})),
    )
    .await;

    // The side branch: the same steel, consumed by another process.
    let brackets_process = process(node, "Cut brackets", None).await;
    let (brackets_steel, _) = event(
        node,
        json!({"action": "consume", "provider": lab, "receiver": lab, "inputOf": brackets_process,
               "hasPointInTime": t(9), "resourceInventoriedAs": steel, "resourceQuantity": qty("5", &shop.kg)}),
        None,
    )
    .await;
    let (brackets_out, brackets) = event(
        node,
        json!({"action": "produce", "provider": lab, "receiver": lab, "outputOf": brackets_process,
               "hasPointInTime": t(11), "resourceConformsTo": bracket, "resourceQuantity": qty("20", &shop.each)}),
        Some(json!({"name": "Brackets"})),
    )
    .await;

    let housings = housings.expect("housings");
    let assembly = process(node, "Assemble pump", Some(&shop.assembly)).await;
    let (fit_housing, _) = event(
        node,
        json!({"action": "consume", "provider": lab, "receiver": lab, "inputOf": assembly, "hasPointInTime": t(12),
               "resourceInventoriedAs": housings, "resourceQuantity": qty("1", &shop.each)}),
        None,
    )
    .await;
    let (fit_motor, _) = event(
        node,
        json!({"action": "consume", "provider": lab, "receiver": lab, "inputOf": assembly, "hasPointInTime": t(12),
               "resourceInventoriedAs": motors, "resourceQuantity": qty("1", &shop.each)}),
        None,
    )
    .await;
    let (assembly_work, _) = event(
        node,
        json!({"action": "work", "provider": shop.amina, "receiver": lab, "inputOf": assembly,
               "hasPointInTime": t(13), "effortQuantity": qty("3", &shop.hour)}),
        None,
    )
    .await;
    let (assembled, pump) = event(
        node,
        json!({"action": "produce", "provider": lab, "receiver": lab, "outputOf": assembly, "hasPointInTime": t(14),
               "resourceConformsTo": shop.pump, "resourceQuantity": qty("1", &shop.each)}),
        Some(json!({"name": "Water pump", "trackingIdentifier": "PUMP-7"})),
    )
    .await;
    let pump = pump.expect("pump");
    let (delivery, pump_at_coop) = event(
        node,
        json!({"action": "transfer", "provider": lab, "receiver": shop.coop, "hasPointInTime": t(16),
               "resourceInventoriedAs": pump, "resourceQuantity": qty("1", &shop.each)}),
        Some(json!({"name": "Pump at the coop"})),
    )
    .await;
    Chain {
        steel,
        steel_raised,
        motors,
        motors_raised,
        cut,
        cut_steel,
        cut_work,
        cut_out,
        housings,
        brackets_process,
        brackets_steel,
        brackets_out,
        brackets: brackets.expect("brackets"),
        assembly,
        fit_housing,
        fit_motor,
        assembly_work,
        assembled,
        pump,
        delivery,
        pump_at_coop: pump_at_coop.expect("the coop's pump"),
    }
}

const R: &str = "EconomicResource";
const E: &str = "EconomicEvent";
const P: &str = "Process";

async fn provenance_of_a_pump(node: &TestNode) {
    let shop = shop(node).await;
    let c = chain(node, &shop).await;

    // Where the raw steel went: both branches, down to the coop's pump.
    assert_eq!(
        walk(node, "economicResource", &c.steel, "track").await,
        hops(&[
            &[(E, &c.cut_steel), (E, &c.brackets_steel)],
            &[(P, &c.cut), (P, &c.brackets_process)],
            &[(E, &c.cut_out), (E, &c.brackets_out)],
            &[(R, &c.housings), (R, &c.brackets)],
            &[(E, &c.fit_housing)],
            &[(P, &c.assembly)],
            &[(E, &c.assembled)],
            &[(R, &c.pump)],
            &[(E, &c.delivery)],
            &[(R, &c.pump_at_coop)],
        ])
    );

    // Where the coop's pump came from: both inputs of the assembly and their sources, with
    // the work that went in; not the brackets.
    assert_eq!(
        walk(node, "economicResource", &c.pump_at_coop, "trace").await,
        hops(&[
            &[(E, &c.delivery)],
            &[(R, &c.pump)],
            &[(E, &c.assembled)],
            &[(P, &c.assembly)],
            &[(E, &c.fit_housing), (E, &c.fit_motor), (E, &c.assembly_work)],
            &[(R, &c.housings), (R, &c.motors)],
            &[(E, &c.cut_out), (E, &c.motors_raised)],
            &[(P, &c.cut)],
            &[(E, &c.cut_steel), (E, &c.cut_work)],
            &[(R, &c.steel)],
            &[(E, &c.steel_raised)],
        ])
    );

    // From an event and from a process.
    assert_eq!(
        walk(node, "economicEvent", &c.fit_motor, "track").await,
        hops(&[
            &[(P, &c.assembly)],
            &[(E, &c.assembled)],
            &[(R, &c.pump)],
            &[(E, &c.delivery)],
            &[(R, &c.pump_at_coop)]
        ])
    );
    assert_eq!(
        walk(node, "process", &c.cut, "trace").await,
        hops(&[&[(E, &c.cut_steel), (E, &c.cut_work)], &[(R, &c.steel)], &[(E, &c.steel_raised)]])
    );
    assert_eq!(
        walk(node, "economicEvent", &c.brackets_out, "trace").await,
        hops(&[&[(P, &c.brackets_process)], &[(E, &c.brackets_steel)], &[(R, &c.steel)], &[(E, &c.steel_raised)]])
    );

    // One step at a time.
    let q = node
        .ok(
            &format!(
                "query($pump: ID!, $delivery: ID!, $cut: ID!, $asm: ID!, $brackets: ID!) {{
                   economicResource(id: $pump) {{ previous {{ id }} next {{ id }} }}
                   economicEvent(id: $delivery) {{ previous {{ {FLOW_ITEMS} }} next {{ {FLOW_ITEMS} }} }}
                   cut: process(id: $cut) {{ nextProcesses {{ id }} previousProcesses {{ id }} }}
                   asm: process(id: $asm) {{ previousProcesses {{ id }} nextProcesses {{ id }} }}
                   brackets: process(id: $brackets) {{ nextProcesses {{ id }} }} }}"
            ),
            json!({"pump": c.pump, "delivery": c.delivery, "cut": c.cut, "asm": c.assembly, "brackets": c.brackets_process}),
        )
        .await;
    assert_eq!(q["economicResource"]["previous"], json!([{"id": c.assembled}]));
    assert_eq!(q["economicResource"]["next"], json!([{"id": c.delivery}]));
    assert_eq!(items(&q["economicEvent"]["previous"]), hops(&[&[(R, &c.pump)]]));
    assert_eq!(items(&q["economicEvent"]["next"]), hops(&[&[(R, &c.pump_at_coop)]]));
    assert_eq!(q["cut"]["nextProcesses"], json!([{"id": c.assembly}]));
    assert_eq!(q["cut"]["previousProcesses"], json!([]));
    assert_eq!(q["asm"]["previousProcesses"], json!([{"id": c.cut}]));
    assert_eq!(q["asm"]["nextProcesses"], json!([]));
    assert_eq!(q["brackets"]["nextProcesses"], json!([]));

    // The items come back as full records.
    let t = node
        .ok(
            "query($id: ID!) { economicResource(id: $id) { trace { ... on EconomicResource { name }
               ... on Process { name } ... on EconomicEvent { action { id } } } } }",
            json!({"id": c.pump_at_coop}),
        )
        .await;
    let trace = t["economicResource"]["trace"].as_array().expect("trace");
    assert_eq!(trace[1]["name"], "Water pump");
    assert_eq!(trace[3]["name"], "Assemble pump");
    assert_eq!(trace.last().expect("last")["action"]["id"], "raise");

    // A node whose cap is smaller than the flow refuses with LIMIT.
    let capped = TestNode::spawn(node.backend, |c| c.api.max_trace_items = 3).await.expect("capped node");
    let small = shop_chain_start(&capped).await;
    let body = capped
        .gql(
            &format!("query($id: ID!) {{ economicResource(id: $id) {{ track {{ {ITEMS} }} }} }}"),
            json!({"id": small}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "LIMIT", "{body:#}");
    capped.stop().await;
}

/// On `node`: steel consumed by a process that produces parts; returns the steel's id.
async fn shop_chain_start(node: &TestNode) -> String {
    let shop = shop(node).await;
    let lab = shop.lab.as_str();
    let (_, steel) = event(
        node,
        json!({"action": "raise", "provider": lab, "receiver": lab, "hasPointInTime": "2026-03-02T08:00:00Z",
               "resourceConformsTo": shop.steel, "resourceQuantity": qty("5", &shop.kg)}),
        Some(json!({"name": "Steel"})),
    )
    .await;
    let steel = steel.expect("steel");
    let cut = process(node, "Cut", None).await;
    event(
        node,
        json!({"action": "consume", "provider": lab, "receiver": lab, "inputOf": cut,
               "hasPointInTime": "2026-03-02T09:00:00Z", "resourceInventoriedAs": steel, "resourceQuantity": qty("1", &shop.kg)}),
        None,
    )
    .await;
    event(
        node,
        json!({"action": "produce", "provider": lab, "receiver": lab, "outputOf": cut,
               "hasPointInTime": "2026-03-02T10:00:00Z", "resourceConformsTo": shop.pump, "resourceQuantity": qty("1", &shop.each)}),
        Some(json!({"name": "Parts"})),
    )
    .await;
    steel
}

crate::on_both!(provenance_of_a_pump);
