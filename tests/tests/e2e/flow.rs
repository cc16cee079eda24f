//! The makerspace production flow from examples/graphql, checked value by value, then
//! the op feed (signed, chained, gap-free) and a rebuild (nothing changes).

use serde_json::{Value, json};
use valueflows_federation::{Op, OpLimits, check_chain};
use valueflows_node::store::ops;
use vf_tests::TestNode;

const DOC: &str = include_str!("../../../examples/graphql/makerspace.graphql");

pub async fn run(node: &TestNode, op: &str, vars: Value) -> Value {
    let body = node
        .http()
        .post(format!("{}/graphql", node.url))
        .bearer_auth(&node.write_token)
        .json(&json!({ "query": DOC, "operationName": op, "variables": vars }))
        .send()
        .await
        .expect("sent")
        .json::<Value>()
        .await
        .expect("json");
    assert!(body.get("errors").is_none(), "{op} failed: {body:#}");
    body["data"].clone()
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}")).to_owned()
}

/// Ids of a small makerspace: units, agents, place, specs.
#[derive(Clone)]
pub struct Shop {
    pub lab: String,
    pub kg: String,
    pub each: String,
    pub hour: String,
    pub amina: String,
    pub coop: String,
    pub place: String,
    pub steel: String,
    pub pump: String,
    pub assembly: String,
}

pub async fn shop(node: &TestNode) -> Shop {
    let me = node.ok("{ myAgent { id } }", json!({})).await;
    Shop {
        lab: s(&me["myAgent"]["id"]),
        kg: s(&run(node, "CreateUnit", json!({"label": "kilogram", "symbol": "kg"})).await["createUnit"]["unit"]["id"]),
        each: s(&run(node, "CreateUnit", json!({"label": "one", "symbol": "ea"})).await["createUnit"]["unit"]["id"]),
        hour: s(&run(node, "CreateUnit", json!({"label": "hour", "symbol": "h"})).await["createUnit"]["unit"]["id"]),
        amina: s(&run(node, "CreatePerson", json!({"name": "Amina"})).await["createPerson"]["agent"]["id"]),
        coop: s(
            &run(node, "CreateOrganization", json!({"name": "Farmers' Coop"})).await["createOrganization"]["agent"]["id"],
        ),
        place: s(
            &run(node, "CreatePlace", json!({"name": "Workshop", "lat": "-0.09", "long": 34.768})).await["createSpatialThing"]
                ["spatialThing"]["id"],
        ),
        steel: s(
            &run(node, "CreateResourceSpecification", json!({"name": "Steel sheet"})).await["createResourceSpecification"]
                ["resourceSpecification"]["id"],
        ),
        pump: s(
            &run(node, "CreateResourceSpecification", json!({"name": "Water pump"})).await["createResourceSpecification"]
                ["resourceSpecification"]["id"],
        ),
        assembly: s(
            &run(node, "CreateProcessSpecification", json!({"name": "Pump assembly"})).await["createProcessSpecification"]
                ["processSpecification"]["id"],
        ),
    }
}

/// Raises `qty` kg of steel into a new resource; returns its id.
pub async fn raise_steel(node: &TestNode, shop: &Shop, qty: &str) -> String {
    let v = run(node, "RecordEvent", json!({
        "event": {"action": "raise", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02T09:00:00Z",
                  "resourceQuantity": {"hasNumericalValue": qty, "hasUnit": shop.kg}, "resourceConformsTo": shop.steel, "atLocation": shop.place},
        "newResource": {"name": "Steel stock"}
    }))
    .await;
    s(&v["createEconomicEvent"]["economicResource"]["id"])
}

async fn resource(node: &TestNode, id: &str) -> Value {
    run(node, "Resource", json!({"id": id})).await["economicResource"].clone()
}

async fn makerspace_flow(node: &TestNode) {
    let shop = shop(node).await;
    let stock = raise_steel(node, &shop, "50").await;
    let batch =
        s(&run(node, "CreateProcess", json!({"name": "Batch 1", "basedOn": shop.assembly, "start": "2026-03-02"}))
            .await["createProcess"]["process"]["id"]);
    run(
        node,
        "RecordEvent",
        json!({"event": {"action": "consume", "provider": shop.lab, "receiver": shop.lab, "inputOf": batch,
        "hasPointInTime": "2026-03-02T10:00:00Z", "resourceInventoriedAs": stock,
        "resourceQuantity": {"hasNumericalValue": 12.5, "hasUnit": shop.kg}}}),
    )
    .await;
    run(
        node,
        "RecordEvent",
        json!({"event": {"action": "work", "provider": shop.amina, "receiver": shop.lab, "inputOf": batch,
        "hasBeginning": "2026-03-02T09:00:00Z", "hasEnd": "2026-03-02T15:00:00Z",
        "effortQuantity": {"hasNumericalValue": "6", "hasUnit": shop.hour}}}),
    )
    .await;
    let produced = run(node, "RecordEvent", json!({
        "event": {"action": "produce", "provider": shop.lab, "receiver": shop.lab, "outputOf": batch, "atLocation": shop.place,
                  "hasPointInTime": "2026-03-02T16:00:00Z", "resourceConformsTo": shop.pump,
                  "resourceQuantity": {"hasNumericalValue": 5, "hasUnit": shop.each}},
        "newResource": {"name": "Pumps batch 1", "trackingIdentifier": "PUMP-001"}})).await;
    let pumps = s(&produced["createEconomicEvent"]["economicResource"]["id"]);
    let delivered = run(node, "RecordEvent", json!({
        "event": {"action": "transfer", "provider": shop.lab, "receiver": shop.coop, "hasPointInTime": "2026-03-03T12:00:00Z",
                  "resourceInventoriedAs": pumps, "resourceQuantity": {"hasNumericalValue": 2, "hasUnit": shop.each}},
        "newResource": {"name": "Pumps at the coop"}})).await;
    let at_coop = s(&delivered["createEconomicEvent"]["economicResource"]["id"]);

    let steel = resource(node, &stock).await;
    assert_eq!(steel["accountingQuantity"]["hasNumericalValue"], "37.5");
    assert_eq!(steel["onhandQuantity"]["hasNumericalValue"], "37.5");
    assert_eq!(steel["accountingQuantity"]["hasUnit"]["symbol"], "kg");
    assert_eq!(steel["conformsTo"]["name"], "Steel sheet");
    let p = resource(node, &pumps).await;
    assert_eq!(p["accountingQuantity"]["hasNumericalValue"], "3");
    assert_eq!(p["onhandQuantity"]["hasNumericalValue"], "3");
    assert_eq!(p["stage"]["name"], "Pump assembly");
    assert_eq!(p["currentLocation"]["name"], "Workshop");
    let c = resource(node, &at_coop).await;
    assert_eq!(c["accountingQuantity"]["hasNumericalValue"], "2");
    assert_eq!(c["primaryAccountable"]["name"], "Farmers' Coop");
    assert_eq!(c["conformsTo"]["name"], "Water pump");

    // The process sees its inputs and outputs; provenance runs both ways.
    let q = node
        .ok(
            "query($id: ID!) { process(id: $id) { observedInputs { action { id } } observedOutputs { action { id } }
               workingAgents { edges { node { name } } } involvedAgents { pageInfo { totalCount } } } }",
            json!({"id": batch}),
        )
        .await;
    let inputs: Vec<&str> = q["process"]["observedInputs"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["action"]["id"].as_str().expect("id"))
        .collect();
    assert_eq!(inputs, vec!["consume", "work"]);
    assert_eq!(q["process"]["observedOutputs"][0]["action"]["id"], "produce");
    assert_eq!(q["process"]["workingAgents"]["edges"][0]["node"]["name"], "Amina");
    assert_eq!(q["process"]["involvedAgents"]["pageInfo"]["totalCount"], 2);
    let t = node
        .ok(
            "query($id: ID!) { economicResource(id: $id) { trace { __typename ... on EconomicResource { id } ... on Process { name } } } }",
            json!({"id": at_coop}),
        )
        .await;
    let trace = t["economicResource"]["trace"].as_array().expect("trace");
    assert!(trace.iter().any(|i| i["name"] == "Batch 1"), "trace reaches the process: {trace:?}");
    assert!(trace.iter().any(|i| i["id"] == stock.as_str()), "trace reaches the steel: {trace:?}");

    // Every write is one signed op of the node's own feed, chained and gap-free.
    let app = node.node.app();
    let origin = app.did().to_string();
    let feed = ops::range(app.store().db(), &origin, 0, 10_000).await.expect("feed");
    // The node's own organization, 9 records set up by `shop`, a process, 6 events.
    assert_eq!(feed.len(), 17 - 1, "one op per write");
    let mut last: Option<(u64, valueflows_federation::OpId)> = None;
    for (i, row) in feed.iter().enumerate() {
        assert_eq!(row.seq, i as i64 + 1, "gap-free");
        let op = Op::from_json(&row.body, &OpLimits::default()).expect("parses");
        let id = op.verify().expect("signature verifies");
        assert_eq!(id.to_string(), row.op_id);
        check_chain(last.as_ref().map(|(s, id)| (*s, id)), &op, &id).expect("chained");
        last = Some((op.unsigned.seq, id));
    }

    // Derived state is a pure function of the records: a rebuild changes nothing.
    let report = app.rebuild(false).await.expect("rebuild");
    assert_eq!(report.resources, 3);
    assert!(report.changed.is_empty(), "incremental state equals the rebuild: {:?}", report.changed);
}

async fn exact_decimals(node: &TestNode) {
    let shop = shop(node).await;
    let stock = raise_steel(node, &shop, "1234567890.123456789012345678").await;
    let r = resource(node, &stock).await;
    assert_eq!(r["accountingQuantity"]["hasNumericalValue"], "1234567890.123456789012345678");
    let v = node
        .ok("{ economicEvents(first: 1) { edges { node { resourceQuantity { hasNumericalValue } } } } }", json!({}))
        .await;
    assert_eq!(
        v["economicEvents"]["edges"][0]["node"]["resourceQuantity"]["hasNumericalValue"],
        "1234567890.123456789012345678"
    );
    // 0.1 + 0.2 is exactly 0.3 here.
    let stock2 = raise_steel(node, &shop, "0.1").await;
    run(
        node,
        "RecordEvent",
        json!({"event": {"action": "raise", "provider": shop.lab, "receiver": shop.lab,
        "hasPointInTime": "2026-03-02T11:00:00Z", "resourceInventoriedAs": stock2,
        "resourceQuantity": {"hasNumericalValue": 0.2, "hasUnit": shop.kg}}}),
    )
    .await;
    assert_eq!(resource(node, &stock2).await["accountingQuantity"]["hasNumericalValue"], "0.3");
}

async fn correction_adjusts_the_original(node: &TestNode) {
    let shop = shop(node).await;
    let stock = raise_steel(node, &shop, "50").await;
    let consumed = run(
        node,
        "RecordEvent",
        json!({"event": {"action": "consume", "provider": shop.lab, "receiver": shop.lab,
        "hasPointInTime": "2026-03-02T10:00:00Z", "resourceInventoriedAs": stock,
        "resourceQuantity": {"hasNumericalValue": 20, "hasUnit": shop.kg}}}),
    )
    .await;
    let wrong = s(&consumed["createEconomicEvent"]["economicEvent"]["id"]);
    assert_eq!(resource(node, &stock).await["onhandQuantity"]["hasNumericalValue"], "30");
    // Only 12 kg were consumed: a correction of -8 kg, same action, linked with `corrects`.
    let fix = node.gql("mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id corrects { id } } } }",
        json!({"e": {"action": "consume", "provider": shop.lab, "receiver": shop.lab, "corrects": wrong,
            "hasPointInTime": "2026-03-04T10:00:00Z", "resourceInventoriedAs": stock,
            "resourceQuantity": {"hasNumericalValue": "-8", "hasUnit": shop.kg}}})).await;
    assert!(fix.get("errors").is_none(), "{fix:#}");
    assert_eq!(fix["data"]["createEconomicEvent"]["economicEvent"]["corrects"]["id"], wrong.as_str());
    let r = resource(node, &stock).await;
    assert_eq!(r["onhandQuantity"]["hasNumericalValue"], "38");
    assert_eq!(r["accountingQuantity"]["hasNumericalValue"], "38");
    let report = node.node.app().rebuild(false).await.expect("rebuild");
    assert!(report.changed.is_empty());
}

crate::on_both!(makerspace_flow, exact_decimals, correction_adjusts_the_original);

/// Two mutations in one request: the second answers with state that includes the first
/// (nothing the request read before a write is served after it).
async fn later_mutations_in_a_request_see_earlier_ones(node: &TestNode) {
    let shop = shop(node).await;
    let stock = raise_steel(node, &shop, "1").await;
    let raise = |alias: &str| {
        format!(
            "{alias}: createEconomicEvent(event: {{action: \"raise\", provider: $p, receiver: $p, hasPointInTime: \"2026-03-05\",
               resourceInventoriedAs: $r, resourceQuantity: {{hasNumericalValue: 2, hasUnit: $u}}}}) {{
               economicEvent {{ resourceInventoriedAs {{ onhandQuantity {{ hasNumericalValue }} }} }} }}"
        )
    };
    let q = format!("mutation($p: ID!, $r: ID!, $u: ID!) {{ {} {} }}", raise("a"), raise("b"));
    let v = node.ok(&q, json!({"p": shop.lab, "r": stock, "u": shop.kg})).await;
    let onhand =
        |k: &str| v[k]["economicEvent"]["resourceInventoriedAs"]["onhandQuantity"]["hasNumericalValue"].clone();
    assert_eq!(onhand("a"), "3");
    assert_eq!(onhand("b"), "5");
}

crate::on_both!(later_mutations_in_a_request_see_earlier_ones);

/// Clients that leave out `hasUnit` (hREA's do) get the unit the quantity must be in: the
/// resource's own, else the specification's default; with neither, the event is refused.
async fn quantities_without_a_unit_take_the_default(node: &TestNode) {
    let ids = node
        .ok(
            "mutation { kg: createUnit(unit: {label: \"kilogram\", symbol: \"kg\"}) { unit { id } }
                        h: createUnit(unit: {label: \"hour\", symbol: \"h\"}) { unit { id } } }",
            json!({}),
        )
        .await;
    let (kg, h) = (ids["kg"]["unit"]["id"].as_str().expect("kg"), ids["h"]["unit"]["id"].as_str().expect("h"));
    let s = node
        .ok(
            "mutation($kg: ID!, $h: ID!) {
               a: createResourceSpecification(resourceSpecification: {name: \"PLA\", defaultUnitOfResource: $kg, defaultUnitOfEffort: $h}) { resourceSpecification { id } }
               b: createResourceSpecification(resourceSpecification: {name: \"Unitless\"}) { resourceSpecification { id } } }",
            json!({"kg": kg, "h": h}),
        )
        .await;
    let pla = s["a"]["resourceSpecification"]["id"].as_str().expect("pla");
    let bare = s["b"]["resourceSpecification"]["id"].as_str().expect("bare");
    let me = node.ok("{ myAgent { id } }", json!({})).await["myAgent"]["id"].as_str().expect("me").to_owned();
    let e = node
        .ok(
            "mutation($me: ID!, $s: ID!) { createEconomicEvent(
               event: {action: \"raise\", provider: $me, receiver: $me, hasPointInTime: \"2026-11-21T10:00:00Z\",
                       resourceQuantity: {hasNumericalValue: 12.5}}
               newInventoriedResource: {name: \"PLA spool\", conformsTo: $s}) {
               economicEvent { resourceQuantity { hasUnit { symbol } } resourceInventoriedAs { id accountingQuantity { hasNumericalValue hasUnit { symbol } } } } } }",
            json!({"me": me, "s": pla}),
        )
        .await;
    let ev = &e["createEconomicEvent"]["economicEvent"];
    assert_eq!(ev["resourceQuantity"]["hasUnit"]["symbol"], "kg");
    assert_eq!(ev["resourceInventoriedAs"]["accountingQuantity"]["hasNumericalValue"], "12.5");
    let res = ev["resourceInventoriedAs"]["id"].as_str().expect("res").to_owned();
    // A later event on the resource takes the unit it is counted in; effort takes the spec's.
    let e = node
        .ok(
            "mutation($me: ID!, $r: ID!) { createEconomicEvent(event: {action: \"use\", provider: $me, receiver: $me,
               hasPointInTime: \"2026-11-21T11:00:00Z\", resourceInventoriedAs: $r,
               resourceQuantity: {hasNumericalValue: 1}, effortQuantity: {hasNumericalValue: 2}}) {
               economicEvent { resourceQuantity { hasUnit { symbol } } effortQuantity { hasUnit { symbol } } } } }",
            json!({"me": me, "r": res}),
        )
        .await;
    assert_eq!(e["createEconomicEvent"]["economicEvent"]["effortQuantity"]["hasUnit"]["symbol"], "h");
    assert_eq!(e["createEconomicEvent"]["economicEvent"]["resourceQuantity"]["hasUnit"]["symbol"], "kg");
    // No unit anywhere: refused, nothing written.
    let before = node.ok("{ economicEvents { pageInfo { totalCount } } }", json!({})).await;
    let v = node
        .gql(
            "mutation($me: ID!, $s: ID!) { createEconomicEvent(
               event: {action: \"raise\", provider: $me, receiver: $me, resourceConformsTo: $s, resourceQuantity: {hasNumericalValue: 1}}) {
               economicEvent { id } } }",
            json!({"me": me, "s": bare}),
        )
        .await;
    assert!(vf_tests::error_code(&v).is_some(), "{v:#}");
    let after = node.ok("{ economicEvents { pageInfo { totalCount } } }", json!({})).await;
    assert_eq!(before, after);
}

crate::on_both!(quantities_without_a_unit_take_the_default);

/// Events are facts: consuming more than is on hand is recorded, and the resource reports
/// it among its anomalies with the event concerned.
async fn anomalies_are_flagged_not_refused(node: &TestNode) {
    let shop = shop(node).await;
    let stock = raise_steel(node, &shop, "2").await;
    let record = "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }";
    let consume = |qty: &str, unit: &str, at: &str| {
        json!({"e": {"action": "consume", "provider": shop.lab, "receiver": shop.lab, "resourceInventoriedAs": stock,
            "hasPointInTime": at, "resourceQuantity": {"hasNumericalValue": qty, "hasUnit": unit}}})
    };
    let query = "query($id: ID!) { economicResource(id: $id) { onhandQuantity { hasNumericalValue }
        anomalies { kind quantity event { id } expectedUnit { id } foundUnit { id } } } }";
    let anomalies = async || node.ok(query, json!({"id": stock})).await["economicResource"].clone();
    assert_eq!(anomalies().await["anomalies"], json!([]), "none while the events add up");

    let over = node.ok(record, consume("3.5", &shop.kg, "2026-03-03T09:00:00Z")).await;
    let over = s(&over["createEconomicEvent"]["economicEvent"]["id"]);
    let r = anomalies().await;
    assert_eq!(r["onhandQuantity"]["hasNumericalValue"], json!("-1.5"), "{r:#}");
    assert_eq!(
        r["anomalies"],
        json!([
            {"kind": "NEGATIVE_ONHAND", "quantity": "ONHAND", "event": {"id": over}, "expectedUnit": null, "foundUnit": null},
            {"kind": "NEGATIVE_ACCOUNTING", "quantity": "ACCOUNTING", "event": {"id": over}, "expectedUnit": null,
             "foundUnit": null},
        ]),
        "a consume takes from both quantities"
    );

    let other = node.gql(record, consume("1", &shop.hour, "2026-03-04T09:00:00Z")).await;
    // Here a quantity in another unit is refused; a mismatch can only come from an event
    // another node recorded, and is then flagged as UNIT_MISMATCH.
    assert_eq!(vf_tests::error_code(&other), Some("VALIDATION"), "{other:#}");
    assert_eq!(anomalies().await["anomalies"].as_array().map(Vec::len), Some(2), "nothing changed");
}

crate::on_both!(anomalies_are_flagged_not_refused);

/// One serial-numbered pump given to two agents: both transfers stand (events are facts),
/// and the pump's state says what happened.
async fn a_pump_transferred_twice_is_a_double_transfer(node: &TestNode) {
    let shop = shop(node).await;
    let raised = run(node, "RecordEvent", json!({
        "event": {"action": "raise", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02T09:00:00Z",
                  "resourceQuantity": {"hasNumericalValue": "1", "hasUnit": shop.each}, "resourceConformsTo": shop.pump},
        "newResource": {"name": "Pump", "trackingIdentifier": "PUMP-0017"}
    }))
    .await;
    let pump = s(&raised["createEconomicEvent"]["economicResource"]["id"]);
    let record = "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }";
    let give = |to: &str, at: &str| {
        json!({"e": {"action": "transfer", "provider": shop.lab, "receiver": to, "resourceInventoriedAs": pump,
            "hasPointInTime": at, "resourceQuantity": {"hasNumericalValue": "1", "hasUnit": shop.each}}})
    };
    let query = "query($id: ID!) { economicResource(id: $id) { onhandQuantity { hasNumericalValue }
        anomalies { kind quantity event { id } } } }";
    node.ok(record, give(&shop.coop, "2026-03-03T09:00:00Z")).await;
    let once = node.ok(query, json!({"id": pump})).await;
    assert_eq!(once["economicResource"]["anomalies"], json!([]), "one transfer of what is held: {once:#}");

    let again = node.ok(record, give(&shop.amina, "2026-03-04T09:00:00Z")).await;
    let again = s(&again["createEconomicEvent"]["economicEvent"]["id"]);
    let r = node.ok(query, json!({"id": pump})).await;
    assert_eq!(r["economicResource"]["onhandQuantity"]["hasNumericalValue"], json!("-1"), "{r:#}");
    assert_eq!(
        r["economicResource"]["anomalies"],
        json!([
            {"kind": "NEGATIVE_ONHAND", "quantity": "ONHAND", "event": {"id": again}},
            {"kind": "NEGATIVE_ACCOUNTING", "quantity": "ACCOUNTING", "event": {"id": again}},
            {"kind": "DOUBLE_TRANSFER", "quantity": "ACCOUNTING", "event": {"id": again}},
            {"kind": "DOUBLE_TRANSFER", "quantity": "ONHAND", "event": {"id": again}},
        ]),
        "{r:#}"
    );
}

crate::on_both!(a_pump_transferred_twice_is_a_double_transfer);
