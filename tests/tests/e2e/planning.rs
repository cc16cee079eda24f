//! Planning: a plan with processes and commitments (an NGO funds pumps, the makerspace
//! commits to make 20 of them for a farmers' coop), events that fulfil the commitments in
//! partial deliveries, intents satisfied by commitments and events, and every refusal
//! (unit mismatch, dangling or wrong-kind references, deletes of records others depend on)
//! leaving the ledger unchanged. Operations are shaped like those vf-graphql clients send.

use serde_json::{Value, json};
use valueflows_node::store::ops;
use vf_tests::{TestNode, error_code};

use crate::flow::{Shop, shop};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}")).to_owned()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap_or_else(|| panic!("expected a list, got {list}")).iter().map(|x| s(&x["id"])).collect()
}

fn edge_ids(conn: &Value) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("expected a connection, got {conn}"))
        .iter()
        .map(|e| s(&e["node"]["id"]))
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

const CREATE_PLAN: &str =
    "mutation($rs: PlanCreateParams!) { res: createPlan(plan: $rs) { plan { id revisionId name created due } } }";
const CREATE_PROCESS: &str =
    "mutation($p: ProcessCreateParams!) { createProcess(process: $p) { process { id plannedWithin { id } } } }";
const CREATE_COMMITMENT: &str = "mutation($c: CommitmentCreateParams!) { createCommitment(commitment: $c) {
    commitment { id revisionId action { id label resourceEffect } provider { id name } receiver { id name }
      resourceConformsTo { id name } resourceQuantity { hasNumericalValue hasUnit { id label symbol } }
      effortQuantity { hasNumericalValue } hasBeginning hasEnd due created finished note
      inputOf { id } outputOf { id } plannedWithin { id } independentDemandOf { id } atLocation { name } } } }";
const CREATE_EVENT: &str = "mutation($e: EconomicEventCreateParams!, $r: EconomicResourceCreateParams) {
    createEconomicEvent(event: $e, newInventoriedResource: $r) { economicEvent { id } economicResource { id } } }";
const CREATE_FULFILLMENT: &str = "mutation($f: FulfillmentCreateParams!) { createFulfillment(fulfillment: $f) {
    fulfillment { id revisionId resourceQuantity { hasNumericalValue hasUnit { symbol } } fulfills { id } fulfilledBy { id } } } }";
const CREATE_INTENT: &str = "mutation($i: IntentCreateParams!) { createIntent(intent: $i) {
    intent { id revisionId name action { id } provider { id } receiver { id name } availableQuantity { hasNumericalValue } } } }";
const CREATE_SATISFACTION: &str = "mutation($s: SatisfactionCreateParams!) { createSatisfaction(satisfaction: $s) {
    satisfaction { id satisfies { id } satisfiedBy { __typename ... on Commitment { id } ... on EconomicEvent { id } } } } }";
const COMMITMENT_PROGRESS: &str = "query($id: ID!) { commitment(id: $id) {
    finished isFulfilled deletable fulfilledQuantity { hasNumericalValue hasUnit { symbol } }
    fulfilledBy { id resourceQuantity { hasNumericalValue } fulfilledBy { id } } } }";

/// The planned economy of the example: ids of everything the suites refer to.
struct World {
    shop: Shop,
    usd: String,
    ngo: String,
    money: String,
    plan: String,
    assembly: String,
    funding: String,
    pumps: String,
    steel_input: String,
    labour: String,
    delivery: String,
}

async fn create(node: &TestNode, query: &str, vars: Value, path: &[&str]) -> String {
    let mut v = node.ok(query, vars).await;
    for p in path {
        v = v[*p].clone();
    }
    s(&v["id"])
}

async fn commitment(node: &TestNode, c: Value) -> String {
    create(node, CREATE_COMMITMENT, json!({"c": c}), &["createCommitment", "commitment"]).await
}

async fn world(node: &TestNode) -> World {
    let shop = shop(node).await;
    let usd = create(
        node,
        "mutation { createUnit(unit: {label: \"US dollar\", symbol: \"USD\"}) { unit { id } } }",
        json!({}),
        &["createUnit", "unit"],
    )
    .await;
    let ngo = create(
        node,
        "mutation($o: OrganizationCreateParams!) { createOrganization(organization: $o) { agent { id } } }",
        json!({"o": {"name": "Clean Water NGO"}}),
        &["createOrganization", "agent"],
    )
    .await;
    let money = create(
        node,
        "mutation($r: ResourceSpecificationCreateParams!) { createResourceSpecification(resourceSpecification: $r) { resourceSpecification { id } } }",
        json!({"r": {"name": "US dollars", "defaultUnitOfResource": usd}}),
        &["createResourceSpecification", "resourceSpecification"],
    )
    .await;
    let p = node
        .ok(
            CREATE_PLAN,
            json!({"rs": {"name": "Pumps for the coop", "created": "2026-03-01T08:00:00Z", "due": "2026-04-01",
                          "note": "20 hand pumps for the farmers' coop, funded by the NGO"}}),
        )
        .await;
    assert_eq!(p["res"]["plan"]["created"], "2026-03-01T08:00:00.000000Z");
    assert_eq!(p["res"]["plan"]["due"], "2026-04-01T00:00:00.000000Z");
    let plan = s(&p["res"]["plan"]["id"]);
    let assembly = create(
        node,
        CREATE_PROCESS,
        json!({"p": {"name": "Assemble 20 pumps", "plannedWithin": plan, "basedOn": shop.assembly,
                     "hasBeginning": "2026-03-10", "hasEnd": "2026-03-25"}}),
        &["createProcess", "process"],
    )
    .await;
    let funding = commitment(
        node,
        json!({"action": "transfer", "provider": ngo, "receiver": shop.lab, "plannedWithin": plan,
               "resourceConformsTo": money, "resourceQuantity": {"hasNumericalValue": "1500.50", "hasUnit": usd},
               "due": "2026-03-05", "note": "Funds for materials and labour"}),
    )
    .await;
    let made = node
        .ok(
            CREATE_COMMITMENT,
            json!({"c": {"action": "produce", "provider": shop.lab, "receiver": shop.coop, "outputOf": assembly,
                   "independentDemandOf": plan, "resourceConformsTo": shop.pump, "atLocation": shop.place,
                   "resourceQuantity": {"hasNumericalValue": 20, "hasUnit": shop.each},
                   "hasBeginning": "2026-03-10", "hasEnd": "2026-03-25", "due": "2026-03-25",
                   "note": "Twenty hand pumps"}}),
        )
        .await;
    let c = &made["createCommitment"]["commitment"];
    assert_eq!(c["action"]["id"], "produce");
    assert_eq!(c["provider"]["id"], shop.lab.as_str());
    assert_eq!(c["receiver"]["name"], "Farmers' Coop");
    assert_eq!(c["resourceQuantity"]["hasNumericalValue"], "20");
    assert_eq!(c["resourceQuantity"]["hasUnit"]["symbol"], "ea");
    assert_eq!(c["outputOf"]["id"], assembly.as_str());
    assert_eq!(c["independentDemandOf"]["id"], plan.as_str());
    assert_eq!(c["atLocation"]["name"], "Workshop");
    assert_eq!(c["finished"], false);
    assert!(c["created"].as_str().is_some_and(|t| t.ends_with('Z')), "created is set: {c}");
    let pumps = s(&c["id"]);
    let steel_input = commitment(
        node,
        json!({"action": "consume", "provider": shop.lab, "receiver": shop.lab, "inputOf": assembly,
               "resourceConformsTo": shop.steel, "resourceQuantity": {"hasNumericalValue": "62.5", "hasUnit": shop.kg},
               "hasPointInTime": "2026-03-10T09:00:00Z"}),
    )
    .await;
    let labour = commitment(
        node,
        json!({"action": "work", "provider": shop.amina, "receiver": shop.lab, "inputOf": assembly,
               "effortQuantity": {"hasNumericalValue": 40, "hasUnit": shop.hour},
               "hasBeginning": "2026-03-10", "hasEnd": "2026-03-20", "note": "Welding and assembly"}),
    )
    .await;
    let delivery = commitment(
        node,
        json!({"action": "transfer", "provider": shop.lab, "receiver": shop.coop, "plannedWithin": plan,
               "resourceConformsTo": shop.pump, "resourceQuantity": {"hasNumericalValue": 20, "hasUnit": shop.each},
               "stage": shop.assembly, "due": "2026-03-31", "note": "Deliver the pumps to the coop"}),
    )
    .await;
    World { shop, usd, ngo, money, plan, assembly, funding, pumps, steel_input, labour, delivery }
}

async fn progress(node: &TestNode, id: &str) -> Value {
    node.ok(COMMITMENT_PROGRESS, json!({"id": id})).await["commitment"].clone()
}

/// The ledger's fingerprint: the feed length and every planning record with its revision.
async fn fingerprint(node: &TestNode) -> (u64, Value) {
    let app = node.node.app();
    let n = ops::len(app.store().db(), app.did().as_str()).await.expect("len");
    let all = node
        .ok(
            "{ commitments(first: 100) { edges { node { id revisionId } } } intents(first: 100) { edges { node { id revisionId } } }
               fulfillments(first: 100) { edges { node { id revisionId } } } satisfactions(first: 100) { edges { node { id revisionId } } }
               plans(first: 100) { edges { node { id revisionId } } } processes(first: 100) { edges { node { id revisionId } } } }",
            json!({}),
        )
        .await;
    (n, all)
}

async fn plan_with_partial_fulfillments(node: &TestNode) {
    let w = world(node).await;
    let shop = &w.shop;

    // The plan as a planning client reads it.
    let q = node
        .ok(
            "query($id: ID!) { plan(id: $id) { id name deletable finished
               independentDemands { id receiver { name } resourceQuantity { hasNumericalValue hasUnit { label } } resourceConformsTo { name } }
               nonProcessCommitments { id }
               processes { id name basedOn { name } plannedWithin { id }
                 committedInputs { id action { id } provider { name } effortQuantity { hasNumericalValue } }
                 committedOutputs { id action { id } resourceQuantity { hasNumericalValue } } }
               involvedAgents { edges { node { name } } pageInfo { totalCount } }
               meta { retrievedRevision { id } } } }",
            json!({"id": w.plan}),
        )
        .await;
    let plan = &q["plan"];
    assert_eq!(plan["name"], "Pumps for the coop");
    assert_eq!(plan["deletable"], false, "processes and commitments refer to the plan");
    assert_eq!(plan["finished"], false);
    assert_eq!(ids(&plan["independentDemands"]), vec![w.pumps.clone()]);
    assert_eq!(plan["independentDemands"][0]["receiver"]["name"], "Farmers' Coop");
    assert_eq!(plan["independentDemands"][0]["resourceConformsTo"]["name"], "Water pump");
    assert_eq!(sorted(ids(&plan["nonProcessCommitments"])), sorted(vec![w.funding.clone(), w.delivery.clone()]));
    assert_eq!(ids(&plan["processes"]), vec![w.assembly.clone()]);
    let process = &plan["processes"][0];
    assert_eq!(process["basedOn"]["name"], "Pump assembly");
    assert_eq!(process["plannedWithin"]["id"], w.plan.as_str());
    assert_eq!(sorted(ids(&process["committedInputs"])), sorted(vec![w.steel_input.clone(), w.labour.clone()]));
    assert_eq!(ids(&process["committedOutputs"]), vec![w.pumps.clone()]);
    assert_eq!(process["committedOutputs"][0]["resourceQuantity"]["hasNumericalValue"], "20");
    // Lab, coop, NGO (commitments) and Amina (labour).
    assert_eq!(plan["involvedAgents"]["pageInfo"]["totalCount"], 4);

    // Nothing fulfilled yet.
    let p = progress(node, &w.pumps).await;
    assert_eq!(p["fulfilledQuantity"]["hasNumericalValue"], "0");
    assert_eq!(p["isFulfilled"], false);
    assert_eq!(p["deletable"], true);

    // First delivery: 12 pumps out of the assembly, fulfilling 12 of the 20 promised.
    let first = node
        .ok(
            CREATE_EVENT,
            json!({"e": {"action": "produce", "provider": shop.lab, "receiver": shop.lab, "outputOf": w.assembly,
                   "resourceConformsTo": shop.pump, "hasPointInTime": "2026-03-18T16:00:00Z",
                   "resourceQuantity": {"hasNumericalValue": 12, "hasUnit": shop.each}},
                   "r": {"name": "Hand pumps", "trackingIdentifier": "PUMPS-2026-03"}}),
        )
        .await;
    let first_event = s(&first["createEconomicEvent"]["economicEvent"]["id"]);
    let pump_stock = s(&first["createEconomicEvent"]["economicResource"]["id"]);
    let f1 = node
        .ok(
            CREATE_FULFILLMENT,
            json!({"f": {"fulfilledBy": first_event, "fulfills": w.pumps, "note": "first batch",
                         "resourceQuantity": {"hasNumericalValue": 12, "hasUnit": shop.each}}}),
        )
        .await;
    let f1 = &f1["createFulfillment"]["fulfillment"];
    assert_eq!(f1["fulfills"]["id"], w.pumps.as_str());
    assert_eq!(f1["fulfilledBy"]["id"], first_event.as_str());
    assert_eq!(f1["resourceQuantity"]["hasUnit"]["symbol"], "ea");
    let p = progress(node, &w.pumps).await;
    assert_eq!(p["fulfilledQuantity"]["hasNumericalValue"], "12");
    assert_eq!(p["fulfilledQuantity"]["hasUnit"]["symbol"], "ea");
    assert_eq!(p["isFulfilled"], false, "12 of 20");
    assert_eq!(p["deletable"], false, "a fulfillment refers to it");

    // Second delivery: 8 more into the same stock; the fulfillment gives no quantity, so the
    // event's whole 8 counts.
    let second = node
        .ok(
            CREATE_EVENT,
            json!({"e": {"action": "produce", "provider": shop.lab, "receiver": shop.lab, "outputOf": w.assembly,
                   "resourceInventoriedAs": pump_stock, "hasPointInTime": "2026-03-24T16:00:00Z",
                   "resourceQuantity": {"hasNumericalValue": 8, "hasUnit": shop.each}}}),
        )
        .await;
    let second_event = s(&second["createEconomicEvent"]["economicEvent"]["id"]);
    node.ok(CREATE_FULFILLMENT, json!({"f": {"fulfilledBy": second_event, "fulfills": w.pumps}})).await;
    let p = progress(node, &w.pumps).await;
    assert_eq!(p["fulfilledQuantity"]["hasNumericalValue"], "20");
    assert_eq!(p["isFulfilled"], true);
    assert_eq!(p["finished"], false, "finished stays what the agents set");
    assert_eq!(p["fulfilledBy"].as_array().map(Vec::len), Some(2));

    // The events know what they fulfil; planned outputs are no longer "unplanned".
    let e = node
        .ok(
            "query($id: ID!, $p: ID!) { economicEvent(id: $id) { fulfills { fulfills { id } } }
               process(id: $p) { unplannedOutputs { id } observedOutputs { id } } }",
            json!({"id": first_event, "p": w.assembly}),
        )
        .await;
    assert_eq!(e["economicEvent"]["fulfills"][0]["fulfills"]["id"], w.pumps.as_str());
    assert_eq!(e["process"]["observedOutputs"].as_array().map(Vec::len), Some(2));
    assert_eq!(e["process"]["unplannedOutputs"], json!([]));

    // The NGO's funds arrive in two transfers; exact decimals all the way.
    let raised = node
        .ok(
            CREATE_EVENT,
            json!({"e": {"action": "raise", "provider": w.ngo, "receiver": w.ngo, "resourceConformsTo": w.money,
                   "hasPointInTime": "2026-03-01T09:00:00Z", "resourceQuantity": {"hasNumericalValue": "10000", "hasUnit": w.usd}},
                   "r": {"name": "NGO account"}}),
        )
        .await;
    let ngo_account = s(&raised["createEconomicEvent"]["economicResource"]["id"]);
    let t1 = node
        .ok(
            CREATE_EVENT,
            json!({"e": {"action": "transfer", "provider": w.ngo, "receiver": shop.lab, "resourceInventoriedAs": ngo_account,
                   "hasPointInTime": "2026-03-02T09:00:00Z", "resourceQuantity": {"hasNumericalValue": "1000.25", "hasUnit": w.usd}},
                   "r": {"name": "Makerspace account"}}),
        )
        .await;
    let lab_account = s(&t1["createEconomicEvent"]["economicResource"]["id"]);
    let t1 = s(&t1["createEconomicEvent"]["economicEvent"]["id"]);
    node.ok(CREATE_FULFILLMENT, json!({"f": {"fulfilledBy": t1, "fulfills": w.funding}})).await;
    let p = progress(node, &w.funding).await;
    assert_eq!(p["fulfilledQuantity"]["hasNumericalValue"], "1000.25");
    assert_eq!(p["fulfilledQuantity"]["hasUnit"]["symbol"], "USD");
    assert_eq!(p["isFulfilled"], false);
    let t2 = create(
        node,
        CREATE_EVENT,
        json!({"e": {"action": "transfer", "provider": w.ngo, "receiver": shop.lab, "resourceInventoriedAs": ngo_account,
               "toResourceInventoriedAs": lab_account, "hasPointInTime": "2026-03-04T09:00:00Z",
               "resourceQuantity": {"hasNumericalValue": "500.25", "hasUnit": w.usd}}}),
        &["createEconomicEvent", "economicEvent"],
    )
    .await;
    node.ok(
        CREATE_FULFILLMENT,
        json!({"f": {"fulfilledBy": t2, "fulfills": w.funding, "resourceQuantity": {"hasNumericalValue": "500.25", "hasUnit": w.usd}}}),
    )
    .await;
    let p = progress(node, &w.funding).await;
    assert_eq!(p["fulfilledQuantity"]["hasNumericalValue"], "1500.5");
    assert_eq!(p["isFulfilled"], true);

    // The agents mark the commitment finished; its plan is finished once everything is.
    let rev = s(
        &node.ok("query($id: ID!) { commitment(id: $id) { revisionId } }", json!({"id": w.pumps})).await["commitment"]
            ["revisionId"],
    );
    let u = node
        .ok(
            "mutation($c: CommitmentUpdateParams!) { updateCommitment(commitment: $c) { commitment { finished note revisionId } } }",
            json!({"c": {"revisionId": rev, "finished": true}}),
        )
        .await;
    assert_eq!(u["updateCommitment"]["commitment"]["finished"], true);
    assert_eq!(u["updateCommitment"]["commitment"]["note"], "Twenty hand pumps", "omitted fields stay");

    // Removing a fulfillment lowers the sum again.
    let f_rev = s(&node
        .ok(
            "query($id: ID!) { commitment(id: $id) { fulfilledBy { revisionId fulfilledBy { id } } } }",
            json!({"id": w.funding}),
        )
        .await["commitment"]["fulfilledBy"][1]["revisionId"]);
    let d = node.ok("mutation($r: ID!) { deleteFulfillment(revisionId: $r) }", json!({"r": f_rev})).await;
    assert_eq!(d["deleteFulfillment"], true);
    let p = progress(node, &w.funding).await;
    assert_eq!(p["fulfilledQuantity"]["hasNumericalValue"], "1000.25");
    assert_eq!(p["isFulfilled"], false);

    // Rebuild still equals incremental state: planning records do not disturb resources.
    let report = node.node.app().rebuild(false).await.expect("rebuild");
    assert!(report.changed.is_empty(), "{:?}", report.changed);
}

async fn intents_satisfied_by_commitments_and_events(node: &TestNode) {
    let w = world(node).await;
    let shop = &w.shop;
    // The coop requests 20 pumps; the makerspace's delivery commitment satisfies it whole.
    let request = node
        .ok(
            CREATE_INTENT,
            json!({"i": {"action": "transfer", "name": "Pumps wanted", "receiver": shop.coop, "resourceConformsTo": shop.pump,
                         "resourceQuantity": {"hasNumericalValue": 20, "hasUnit": shop.each}, "due": "2026-03-31",
                         "atLocation": shop.place, "note": "For the irrigation season"}}),
        )
        .await;
    let request = &request["createIntent"]["intent"];
    assert_eq!(request["receiver"]["name"], "Farmers' Coop");
    assert!(request["provider"].is_null());
    let request = s(&request["id"]);
    let sat = node.ok(CREATE_SATISFACTION, json!({"s": {"satisfies": request, "satisfiedBy": w.delivery}})).await;
    let sat = &sat["createSatisfaction"]["satisfaction"];
    assert_eq!(sat["satisfiedBy"]["__typename"], "Commitment");
    assert_eq!(sat["satisfiedBy"]["id"], w.delivery.as_str());
    const INTENT_PROGRESS: &str = "query($id: ID!) { intent(id: $id) { isSatisfied deletable
        satisfiedQuantity { hasNumericalValue hasUnit { symbol } }
        satisfiedBy { satisfiedBy { __typename ... on Commitment { id } ... on EconomicEvent { id } } } } }";
    let i = node.ok(INTENT_PROGRESS, json!({"id": request})).await;
    assert_eq!(i["intent"]["satisfiedQuantity"]["hasNumericalValue"], "20");
    assert_eq!(i["intent"]["isSatisfied"], true);
    assert_eq!(i["intent"]["deletable"], false);

    // The NGO offers 2000 dollars; a transfer event satisfies part of the offer.
    let offer = node
        .ok(
            CREATE_INTENT,
            json!({"i": {"action": "transfer", "name": "Grant for water projects", "provider": w.ngo, "resourceConformsTo": w.money,
                         "resourceQuantity": {"hasNumericalValue": "2000", "hasUnit": w.usd},
                         "availableQuantity": {"hasNumericalValue": "5000.00", "hasUnit": w.usd}}}),
        )
        .await;
    assert_eq!(offer["createIntent"]["intent"]["availableQuantity"]["hasNumericalValue"], "5000");
    let offer = s(&offer["createIntent"]["intent"]["id"]);
    let raised = node
        .ok(
            CREATE_EVENT,
            json!({"e": {"action": "raise", "provider": w.ngo, "receiver": w.ngo, "resourceConformsTo": w.money,
                   "hasPointInTime": "2026-03-01T09:00:00Z", "resourceQuantity": {"hasNumericalValue": "10000", "hasUnit": w.usd}},
                   "r": {"name": "NGO account"}}),
        )
        .await;
    let account = s(&raised["createEconomicEvent"]["economicResource"]["id"]);
    let paid = create(
        node,
        CREATE_EVENT,
        json!({"e": {"action": "transfer", "provider": w.ngo, "receiver": shop.lab, "resourceInventoriedAs": account,
               "hasPointInTime": "2026-03-02T09:00:00Z", "resourceQuantity": {"hasNumericalValue": "1000.25", "hasUnit": w.usd}},
               "r": {"name": "Makerspace account"}}),
        &["createEconomicEvent", "economicEvent"],
    )
    .await;
    let sat = node
        .ok(CREATE_SATISFACTION, json!({"s": {"satisfies": offer, "satisfiedBy": paid, "note": "first tranche"}}))
        .await;
    assert_eq!(sat["createSatisfaction"]["satisfaction"]["satisfiedBy"]["__typename"], "EconomicEvent");
    node.ok(
        CREATE_SATISFACTION,
        json!({"s": {"satisfies": offer, "satisfiedBy": w.funding, "resourceQuantity": {"hasNumericalValue": "0.75", "hasUnit": w.usd}}}),
    )
    .await;
    let i = node.ok(INTENT_PROGRESS, json!({"id": offer})).await;
    assert_eq!(i["intent"]["satisfiedQuantity"]["hasNumericalValue"], "1001");
    assert_eq!(i["intent"]["satisfiedQuantity"]["hasUnit"]["symbol"], "USD");
    assert_eq!(i["intent"]["isSatisfied"], false);
    let e = node
        .ok(
            "query($id: ID!, $c: ID!) { economicEvent(id: $id) { satisfies { satisfies { id } } }
               commitment(id: $c) { satisfies { satisfies { id } } } }",
            json!({"id": paid, "c": w.funding}),
        )
        .await;
    assert_eq!(e["economicEvent"]["satisfies"][0]["satisfies"]["id"], offer.as_str());
    assert_eq!(e["commitment"]["satisfies"][0]["satisfies"]["id"], offer.as_str());

    // Agents' inverse lists and the satisfaction filters.
    let a = node
        .ok(
            "query($coop: ID!, $ngo: ID!, $i: ID!) {
               coop: agent(id: $coop) { intents { edges { node { id } } } intentsAsReceiver { edges { node { id } } } intentsAsProvider { edges { node { id } } } }
               ngo: agent(id: $ngo) { intentsAsProvider { edges { node { id } } } }
               satisfactions(filter: {satisfies: [$i]}) { edges { node { id } } pageInfo { totalCount } } }",
            json!({"coop": shop.coop, "ngo": w.ngo, "i": offer}),
        )
        .await;
    assert_eq!(edge_ids(&a["coop"]["intents"]), vec![request.clone()]);
    assert_eq!(edge_ids(&a["coop"]["intentsAsReceiver"]), vec![request.clone()]);
    assert!(edge_ids(&a["coop"]["intentsAsProvider"]).is_empty());
    assert_eq!(edge_ids(&a["ngo"]["intentsAsProvider"]), vec![offer.clone()]);
    assert_eq!(a["satisfactions"]["pageInfo"]["totalCount"], 2);
    let place = node
        .ok(
            "query($id: ID!) { spatialThing(id: $id) { intents { id } commitments { id } } }",
            json!({"id": shop.place}),
        )
        .await;
    assert_eq!(ids(&place["spatialThing"]["intents"]), vec![request.clone()]);
    assert_eq!(ids(&place["spatialThing"]["commitments"]), vec![w.pumps.clone()]);
}

async fn refusals_write_nothing(node: &TestNode) {
    let w = world(node).await;
    let shop = &w.shop;
    let made = node
        .ok(
            CREATE_EVENT,
            json!({"e": {"action": "produce", "provider": shop.lab, "receiver": shop.lab, "outputOf": w.assembly,
                   "resourceConformsTo": shop.pump, "hasPointInTime": "2026-03-18T16:00:00Z",
                   "resourceQuantity": {"hasNumericalValue": 12, "hasUnit": shop.each}}, "r": {"name": "Hand pumps"}}),
        )
        .await;
    let event = s(&made["createEconomicEvent"]["economicEvent"]["id"]);
    node.ok(CREATE_FULFILLMENT, json!({"f": {"fulfilledBy": event, "fulfills": w.pumps}})).await;
    let request = create(
        node,
        CREATE_INTENT,
        json!({"i": {"action": "transfer", "receiver": shop.coop, "resourceQuantity": {"hasNumericalValue": 20, "hasUnit": shop.each}}}),
        &["createIntent", "intent"],
    )
    .await;
    node.ok(CREATE_SATISFACTION, json!({"s": {"satisfies": request, "satisfiedBy": w.delivery}})).await;
    let before = fingerprint(node).await;
    let missing = uuid::Uuid::now_v7().to_string();

    let refused = |v: Value, code: &str, field: Option<&str>, why: &str| {
        assert_eq!(error_code(&v), Some(code), "{why}: {v:#}");
        assert!(v["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{why}: a message");
        if let Some(f) = field {
            assert_eq!(v["errors"][0]["extensions"]["field"], f, "{why}: {v:#}");
        }
    };

    // Unit mismatches: a fulfillment in kilograms of a commitment counted in pumps, and one
    // that would count a pump event (each) against a commitment in dollars.
    let v = node
        .gql(
            CREATE_FULFILLMENT,
            json!({"f": {"fulfilledBy": event, "fulfills": w.pumps, "resourceQuantity": {"hasNumericalValue": 3, "hasUnit": shop.kg}}}),
        )
        .await;
    refused(v.clone(), "VALIDATION", Some("resourceQuantity.hasUnit"), "fulfillment in another unit");
    let msg = s(&v["errors"][0]["message"]);
    assert!(msg.contains("same unit") && msg.contains(&shop.kg) && msg.contains(&shop.each), "{msg}");
    let v = node.gql(CREATE_FULFILLMENT, json!({"f": {"fulfilledBy": event, "fulfills": w.funding}})).await;
    refused(v, "VALIDATION", Some("fulfilledBy"), "event counted in another unit than the commitment");
    let v = node.gql(CREATE_SATISFACTION, json!({"s": {"satisfies": request, "satisfiedBy": w.funding}})).await;
    refused(v, "VALIDATION", Some("satisfiedBy"), "dollars cannot satisfy a request for pumps");
    let v = node
        .gql(
            CREATE_SATISFACTION,
            json!({"s": {"satisfies": request, "satisfiedBy": event, "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": w.usd}}}),
        )
        .await;
    refused(v, "VALIDATION", Some("resourceQuantity.hasUnit"), "satisfaction in another unit");
    // Changing a commitment's unit under its fulfillments conflicts with them.
    let rev = s(
        &node.ok("query($id: ID!) { commitment(id: $id) { revisionId } }", json!({"id": w.pumps})).await["commitment"]
            ["revisionId"],
    );
    let v = node
        .gql(
            "mutation($c: CommitmentUpdateParams!) { updateCommitment(commitment: $c) { commitment { id } } }",
            json!({"c": {"revisionId": rev, "resourceQuantity": {"hasNumericalValue": 500, "hasUnit": shop.kg}}}),
        )
        .await;
    refused(v, "CONFLICT", None, "new unit does not fit the fulfillments");

    // Dangling and wrong-kind references.
    let v = node.gql(CREATE_FULFILLMENT, json!({"f": {"fulfilledBy": event, "fulfills": missing}})).await;
    refused(v, "NOT_FOUND", None, "unknown commitment");
    let v = node.gql(CREATE_FULFILLMENT, json!({"f": {"fulfilledBy": event, "fulfills": event}})).await;
    refused(v, "NOT_FOUND", None, "an event is not a commitment");
    let v = node.gql(CREATE_FULFILLMENT, json!({"f": {"fulfilledBy": w.pumps, "fulfills": w.pumps}})).await;
    refused(v, "NOT_FOUND", None, "a commitment is not an event");
    let v = node.gql(CREATE_SATISFACTION, json!({"s": {"satisfies": request, "satisfiedBy": w.plan}})).await;
    refused(v, "NOT_FOUND", None, "a plan neither an event nor a commitment");
    let v = node.gql(CREATE_SATISFACTION, json!({"s": {"satisfies": w.pumps, "satisfiedBy": event}})).await;
    refused(v, "NOT_FOUND", None, "a commitment is not an intent");
    let base = json!({"action": "transfer", "provider": shop.lab, "receiver": shop.coop});
    let with = |k: &str, v: Value| {
        let mut c = base.clone();
        c[k] = v;
        json!({"c": c})
    };
    for (field, value) in [
        ("plannedWithin", json!(missing)),
        ("independentDemandOf", json!(w.assembly)),
        ("provider", json!(missing)),
        ("resourceConformsTo", json!(shop.place)),
        ("atLocation", json!(w.plan)),
    ] {
        let v = node.gql(CREATE_COMMITMENT, with(field, value)).await;
        refused(v, "NOT_FOUND", None, field);
    }
    let v = node.gql(CREATE_PROCESS, json!({"p": {"name": "Orphan", "plannedWithin": missing}})).await;
    refused(v, "NOT_FOUND", None, "process in an unknown plan");

    // Rules of planned flows.
    let v = node.gql(CREATE_COMMITMENT, with("action", json!("teleport"))).await;
    refused(v, "VALIDATION", Some("action"), "unknown action");
    let v = node.gql(CREATE_COMMITMENT, with("inputOf", json!(w.assembly))).await;
    refused(v, "VALIDATION", Some("inputOf"), "a transfer is not a process input");
    let v = node
        .gql(CREATE_COMMITMENT, with("effortQuantity", json!({"hasNumericalValue": 1, "hasUnit": shop.hour})))
        .await;
    refused(v, "VALIDATION", Some("effortQuantity"), "a transfer carries no effort");
    let v = node
        .gql(CREATE_COMMITMENT, with("resourceQuantity", json!({"hasNumericalValue": -2, "hasUnit": shop.each})))
        .await;
    refused(v, "VALIDATION", Some("resourceQuantity"), "negative quantity");
    let v = node.gql(CREATE_COMMITMENT, with("resourceQuantity", json!({"hasNumericalValue": 2}))).await;
    refused(v, "VALIDATION", Some("resourceQuantity"), "quantity without unit");
    let mut both = base.clone();
    both["hasBeginning"] = json!("2026-03-10");
    both["hasEnd"] = json!("2026-03-01");
    let v = node.gql(CREATE_COMMITMENT, json!({"c": both})).await;
    refused(v, "VALIDATION", Some("hasEnd"), "ends before it begins");
    let v = node
        .gql(CREATE_INTENT, json!({"i": {"action": "transfer", "provider": shop.lab, "receiver": shop.coop}}))
        .await;
    refused(v, "VALIDATION", Some("receiver"), "an intent with both agents is a commitment");
    let v = node.gql(CREATE_INTENT, json!({"i": {"action": "transfer"}})).await;
    refused(v, "VALIDATION", Some("provider"), "an intent needs an agent");
    let v =
        node.gql(CREATE_PLAN, json!({"rs": {"name": "Backwards", "created": "2026-03-02", "due": "2026-03-01"}})).await;
    refused(v, "VALIDATION", Some("due"), "due before created");

    // Deletes of records others depend on.
    let c = node.ok(COMMITMENT_PROGRESS, json!({"id": w.pumps})).await;
    assert_eq!(c["commitment"]["deletable"], false);
    let v = node.gql("mutation($r: ID!) { deleteCommitment(revisionId: $r) }", json!({"r": rev})).await;
    refused(v, "CONFLICT", None, "a fulfilled commitment");
    let d_rev = s(&node
        .ok("query($id: ID!) { commitment(id: $id) { revisionId deletable } }", json!({"id": w.delivery}))
        .await["commitment"]["revisionId"]);
    let v = node.gql("mutation($r: ID!) { deleteCommitment(revisionId: $r) }", json!({"r": d_rev})).await;
    refused(v, "CONFLICT", None, "a commitment satisfying an intent");
    let i_rev = s(
        &node.ok("query($id: ID!) { intent(id: $id) { revisionId } }", json!({"id": request})).await["intent"]["revisionId"],
    );
    let v = node.gql("mutation($r: ID!) { deleteIntent(revisionId: $r) }", json!({"r": i_rev})).await;
    refused(v, "CONFLICT", None, "a satisfied intent");
    let p = node.ok("query($id: ID!) { plan(id: $id) { revisionId deletable } }", json!({"id": w.plan})).await;
    assert_eq!(p["plan"]["deletable"], false);
    let v = node.gql("mutation($r: ID!) { deletePlan(revisionId: $r) }", json!({"r": p["plan"]["revisionId"]})).await;
    refused(v, "CONFLICT", None, "a plan with processes and commitments");
    let v = node.gql("mutation($id: ID!) { deleteProcess(id: $id) }", json!({"id": w.assembly})).await;
    refused(v, "CONFLICT", None, "a process with commitments");

    assert_eq!(fingerprint(node).await, before, "no refusal wrote anything");

    // What nothing depends on can go, and `deletable` said so beforehand.
    let empty = node.ok(CREATE_PLAN, json!({"rs": {"name": "Spare plan"}})).await;
    let empty_rev = s(&empty["res"]["plan"]["revisionId"]);
    let empty_id = s(&empty["res"]["plan"]["id"]);
    assert!(empty["res"]["plan"]["created"].as_str().is_some(), "created defaults to now");
    let d = node.ok("query($id: ID!) { plan(id: $id) { deletable finished } }", json!({"id": empty_id})).await;
    assert_eq!(d["plan"]["deletable"], true);
    assert_eq!(d["plan"]["finished"], false, "an empty plan is not finished");
    assert_eq!(
        node.ok("mutation($r: ID!) { deletePlan(revisionId: $r) }", json!({"r": empty_rev})).await["deletePlan"],
        true
    );
    assert!(node.ok("query($id: ID!) { plan(id: $id) { id } }", json!({"id": empty_id})).await["plan"].is_null());
    let labour =
        node.ok("query($id: ID!) { commitment(id: $id) { revisionId deletable } }", json!({"id": w.labour})).await;
    assert_eq!(labour["commitment"]["deletable"], true);
    let gone = node
        .ok("mutation($r: ID!) { deleteCommitment(revisionId: $r) }", json!({"r": labour["commitment"]["revisionId"]}))
        .await;
    assert_eq!(gone["deleteCommitment"], true);
    assert!(
        node.ok("query($id: ID!) { commitment(id: $id) { id } }", json!({"id": w.labour})).await["commitment"]
            .is_null()
    );
}

async fn lists_page_and_filter(node: &TestNode) {
    let w = world(node).await;
    let shop = &w.shop;
    let all = [w.funding.clone(), w.pumps.clone(), w.steel_input.clone(), w.labour.clone(), w.delivery.clone()];
    const PAGE: &str =
        "query($f: Int, $a: String, $l: Int, $b: String) { commitments(first: $f, after: $a, last: $l, before: $b) {
        edges { cursor node { id } } pageInfo { startCursor endCursor hasPreviousPage hasNextPage totalCount } } }";
    let last = node.ok(PAGE, json!({"l": 2})).await;
    assert_eq!(edge_ids(&last["commitments"]), all[3..].to_vec());
    assert_eq!(last["commitments"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(last["commitments"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(last["commitments"]["pageInfo"]["totalCount"], 5);
    let before = node.ok(PAGE, json!({"l": 2, "b": last["commitments"]["pageInfo"]["startCursor"]})).await;
    assert_eq!(edge_ids(&before["commitments"]), all[1..3].to_vec());
    assert_eq!(before["commitments"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(before["commitments"]["pageInfo"]["hasNextPage"], true);
    let first = node.ok(PAGE, json!({"l": 2, "b": before["commitments"]["pageInfo"]["startCursor"]})).await;
    assert_eq!(edge_ids(&first["commitments"]), all[..1].to_vec());
    assert_eq!(first["commitments"]["pageInfo"]["hasPreviousPage"], false);
    let fwd = node.ok(PAGE, json!({"f": 2, "a": first["commitments"]["pageInfo"]["endCursor"]})).await;
    assert_eq!(edge_ids(&fwd["commitments"]), all[1..3].to_vec());

    const FILTER: &str = "query($f: CommitmentFilterParams) { commitments(filter: $f) { edges { node { id } } } }";
    let check = |v: &Value, want: &[&String], why: &str| {
        let got = sorted(edge_ids(&v["commitments"]));
        let want = sorted(want.iter().map(|x| (*x).clone()).collect());
        assert_eq!(got, want, "{why}");
    };
    let v = node.ok(FILTER, json!({"f": {"providerId": [w.ngo]}})).await;
    check(&v, &[&w.funding], "provider");
    let v = node.ok(FILTER, json!({"f": {"action": ["transfer"], "providerId": [shop.lab]}})).await;
    check(&v, &[&w.delivery], "action AND provider");
    let v = node.ok(FILTER, json!({"f": {"receiverId": [shop.coop, w.ngo]}})).await;
    check(&v, &[&w.pumps, &w.delivery], "any of the receivers");
    let v = node.ok(FILTER, json!({"f": {"resourceConformsTo": [shop.pump], "finished": false}})).await;
    check(&v, &[&w.pumps, &w.delivery], "specification AND not finished");
    let v = node.ok(FILTER, json!({"f": {"searchString": "PUMPS"}})).await;
    check(&v, &[&w.pumps, &w.delivery], "search in notes, any case");
    let v = node.ok(FILTER, json!({"f": {"startDate": "2026-03-21", "endDate": "2026-03-30"}})).await;
    check(&v, &[&w.pumps], "planned span overlapping the dates");
    let v = node.ok(FILTER, json!({"f": {"startDate": "2026-03-06"}})).await;
    check(&v, &[&w.pumps, &w.steel_input, &w.labour, &w.delivery], "planned to end after the date");
    let v = node.gql(FILTER, json!({"f": {"action": ["teleport"]}})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");

    // Inverse lists, with their filters.
    let q = node
        .ok(
            "query($amina: ID!, $lab: ID!, $coop: ID!, $p: ID!, $spec: ID!, $stage: ID!) {
               amina: agent(id: $amina) { commitments(filter: {action: \"work\"}) { edges { node { id } } }
                 commitmentsAsProvider { edges { node { id } } } commitmentsAsReceiver { edges { node { id } } } }
               lab: agent(id: $lab) { commitmentsAsReceiver(last: 1) { edges { node { id } } pageInfo { hasPreviousPage } }
                 commitments(filter: {startDate: \"2026-03-26\"}) { edges { node { id } } } }
               coop: agent(id: $coop) { plans { edges { node { id name } } } done: plans(filter: {finished: true}) { edges { node { id } } }
                 named: plans(filter: {searchString: \"coop\"}) { edges { node { id } } } }
               process(id: $p) { committedInputs(filter: {action: [\"work\"], providerId: [$amina]}) { id }
                 all: committedInputs { id } committedOutputs(filter: {startDate: \"2026-04-01\"}) { id } }
               resourceSpecification(id: $spec) { commitments { edges { node { id } } } }
               processSpecification(id: $stage) { commitmentsRequiringStage { edges { node { id } } } } }",
            json!({"amina": shop.amina, "lab": shop.lab, "coop": shop.coop, "p": w.assembly, "spec": shop.pump, "stage": shop.assembly}),
        )
        .await;
    assert_eq!(edge_ids(&q["amina"]["commitments"]), vec![w.labour.clone()]);
    assert_eq!(edge_ids(&q["amina"]["commitmentsAsProvider"]), vec![w.labour.clone()]);
    assert!(edge_ids(&q["amina"]["commitmentsAsReceiver"]).is_empty());
    assert_eq!(edge_ids(&q["lab"]["commitmentsAsReceiver"]), vec![w.labour.clone()]);
    assert_eq!(q["lab"]["commitmentsAsReceiver"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(sorted(edge_ids(&q["lab"]["commitments"])), sorted(vec![w.delivery.clone()]));
    assert_eq!(edge_ids(&q["coop"]["plans"]), vec![w.plan.clone()]);
    assert_eq!(q["coop"]["plans"]["edges"][0]["node"]["name"], "Pumps for the coop");
    assert!(edge_ids(&q["coop"]["done"]).is_empty());
    assert_eq!(edge_ids(&q["coop"]["named"]), vec![w.plan.clone()]);
    assert_eq!(ids(&q["process"]["committedInputs"]), vec![w.labour.clone()]);
    assert_eq!(ids(&q["process"]["all"]).len(), 2);
    assert!(ids(&q["process"]["committedOutputs"]).is_empty(), "the pumps are planned to end by 2026-03-25");
    assert_eq!(
        sorted(edge_ids(&q["resourceSpecification"]["commitments"])),
        sorted(vec![w.pumps.clone(), w.delivery.clone()])
    );
    assert_eq!(edge_ids(&q["processSpecification"]["commitmentsRequiringStage"]), vec![w.delivery.clone()]);

    // Intents: pages backwards and filters.
    let mut intents = Vec::new();
    for (i, (who, side)) in
        [(&shop.coop, "receiver"), (&w.ngo, "provider"), (&shop.amina, "provider")].iter().enumerate()
    {
        let mut body = json!({"action": if i == 2 { "work" } else { "transfer" }, "name": format!("intent {i}")});
        body[*side] = json!(who);
        if i == 2 {
            body["effortQuantity"] = json!({"hasNumericalValue": "7.5", "hasUnit": shop.hour});
            body["hasPointInTime"] = json!("2026-05-02T08:00:00Z");
        }
        intents.push(create(node, CREATE_INTENT, json!({"i": body}), &["createIntent", "intent"]).await);
    }
    const INTENTS: &str =
        "query($f: IntentFilterParams, $l: Int, $b: String) { intents(filter: $f, last: $l, before: $b) {
        edges { node { id } } pageInfo { startCursor hasPreviousPage hasNextPage totalCount } } }";
    let v = node.ok(INTENTS, json!({"l": 1})).await;
    assert_eq!(edge_ids(&v["intents"]), vec![intents[2].clone()]);
    let v = node.ok(INTENTS, json!({"l": 5, "b": v["intents"]["pageInfo"]["startCursor"]})).await;
    assert_eq!(edge_ids(&v["intents"]), intents[..2].to_vec());
    assert_eq!(v["intents"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(v["intents"]["pageInfo"]["hasPreviousPage"], false);
    let v = node.ok(INTENTS, json!({"f": {"receiverId": [shop.coop]}})).await;
    assert_eq!(edge_ids(&v["intents"]), vec![intents[0].clone()]);
    let v = node.ok(INTENTS, json!({"f": {"action": ["transfer"], "agent": [w.ngo]}})).await;
    assert_eq!(edge_ids(&v["intents"]), vec![intents[1].clone()]);
    let v = node.ok(INTENTS, json!({"f": {"action": ["work"], "startDate": "2026-05-01", "endDate": "2026-05-03", "searchString": "Intent 2"}})).await;
    assert_eq!(edge_ids(&v["intents"]), vec![intents[2].clone()]);
    let v = node.ok(INTENTS, json!({"f": {"action": ["work"], "endDate": "2026-04-30"}})).await;
    assert!(edge_ids(&v["intents"]).is_empty(), "planned after the end date");
    let v = node
        .ok(
            "query($a: ID!) { agent(id: $a) { intents(filter: {action: \"work\"}) { edges { node { id } } } } }",
            json!({"a": shop.amina}),
        )
        .await;
    assert_eq!(edge_ids(&v["agent"]["intents"]), vec![intents[2].clone()]);
}

async fn updates_keep_the_rules(node: &TestNode) {
    let w = world(node).await;
    let shop = &w.shop;
    let rev = |v: &Value| s(&v["revisionId"]);

    // A plan: rename, erase its due date (null erases, omitted stays), and read it back.
    let p = node.ok("query($id: ID!) { plan(id: $id) { revisionId } }", json!({"id": w.plan})).await;
    let u = node
        .ok(
            "mutation($p: PlanUpdateParams!) { updatePlan(plan: $p) { plan { name due note created revisionId } } }",
            json!({"p": {"revisionId": rev(&p["plan"]), "name": "Pumps for the coop, phase 1", "due": null}}),
        )
        .await;
    let plan = &u["updatePlan"]["plan"];
    assert_eq!(plan["name"], "Pumps for the coop, phase 1");
    assert!(plan["due"].is_null());
    assert_eq!(plan["note"], "20 hand pumps for the farmers' coop, funded by the NGO");
    assert_eq!(plan["created"], "2026-03-01T08:00:00.000000Z");
    let stale = node
        .gql(
            "mutation($p: PlanUpdateParams!) { updatePlan(plan: $p) { plan { id } } }",
            json!({"p": {"revisionId": rev(&p["plan"]), "name": "again"}}),
        )
        .await;
    assert_eq!(error_code(&stale), Some("CONFLICT"), "a stale revision: {stale:#}");

    // A plan's processes, filtered, and its agents, paged.
    let q = node
        .ok(
            "query($id: ID!) { plan(id: $id) { named: processes(filter: {searchString: \"ASSEMBLE\"}) { id }
               late: processes(filter: {after: \"2026-03-26\"}) { id } done: processes(filter: {finished: true}) { id }
               window: processes(filter: {after: \"2026-03-20\", before: \"2026-03-21\", finished: false}) { id }
               involvedAgents(first: 3) { edges { node { name } } pageInfo { hasNextPage endCursor } } } }",
            json!({"id": w.plan}),
        )
        .await;
    assert_eq!(ids(&q["plan"]["named"]), vec![w.assembly.clone()]);
    assert!(ids(&q["plan"]["late"]).is_empty(), "the assembly ends on 2026-03-25");
    assert!(ids(&q["plan"]["done"]).is_empty());
    assert_eq!(ids(&q["plan"]["window"]), vec![w.assembly.clone()]);
    assert_eq!(q["plan"]["involvedAgents"]["edges"].as_array().map(Vec::len), Some(3));
    assert_eq!(q["plan"]["involvedAgents"]["pageInfo"]["hasNextPage"], true);
    let rest = node
        .ok(
            "query($id: ID!, $a: String) { plan(id: $id) { involvedAgents(first: 3, after: $a) { edges { node { name } } pageInfo { hasNextPage } } } }",
            json!({"id": w.plan, "a": q["plan"]["involvedAgents"]["pageInfo"]["endCursor"]}),
        )
        .await;
    assert_eq!(rest["plan"]["involvedAgents"]["edges"].as_array().map(Vec::len), Some(1));
    assert_eq!(rest["plan"]["involvedAgents"]["pageInfo"]["hasNextPage"], false);

    // An intent: its action may change; it may switch from request to offer, never be both.
    let i = node
        .ok(
            CREATE_INTENT,
            json!({"i": {"action": "transfer", "receiver": shop.coop, "resourceQuantity": {"hasNumericalValue": 4, "hasUnit": shop.each}}}),
        )
        .await;
    let i = &i["createIntent"]["intent"];
    const UPDATE_INTENT: &str = "mutation($i: IntentUpdateParams!) { updateIntent(intent: $i) {
        intent { revisionId action { id } provider { id } receiver { id } resourceQuantity { hasNumericalValue } } } }";
    let v = node.gql(UPDATE_INTENT, json!({"i": {"revisionId": rev(i), "provider": shop.lab}})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    assert_eq!(v["errors"][0]["extensions"]["field"], "receiver");
    let u = node.ok(UPDATE_INTENT, json!({"i": {"revisionId": rev(i), "provider": shop.lab, "receiver": null}})).await;
    let offer = &u["updateIntent"]["intent"];
    assert_eq!(offer["provider"]["id"], shop.lab.as_str());
    assert!(offer["receiver"].is_null());
    assert_eq!(offer["resourceQuantity"]["hasNumericalValue"], "4");
    let v = node.gql(UPDATE_INTENT, json!({"i": {"revisionId": rev(offer), "action": "work"}})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "work carries no resource quantity: {v:#}");
    let u = node
        .ok(
            UPDATE_INTENT,
            json!({"i": {"revisionId": rev(offer), "action": "work", "resourceQuantity": null,
                                        "effortQuantity": {"hasNumericalValue": 3, "hasUnit": shop.hour}}}),
        )
        .await;
    assert_eq!(u["updateIntent"]["intent"]["action"]["id"], "work");

    // A fulfillment's quantity can be corrected, but only in the commitment's unit.
    let ev = create(
        node,
        CREATE_EVENT,
        json!({"e": {"action": "consume", "provider": shop.lab, "receiver": shop.lab, "inputOf": w.assembly,
               "hasPointInTime": "2026-03-11T09:00:00Z", "resourceInventoriedAs": crate::flow::raise_steel(node, shop, "100").await,
               "resourceQuantity": {"hasNumericalValue": "62.5", "hasUnit": shop.kg}}}),
        &["createEconomicEvent", "economicEvent"],
    )
    .await;
    let f = node.ok(CREATE_FULFILLMENT, json!({"f": {"fulfilledBy": ev, "fulfills": w.steel_input}})).await;
    let f = &f["createFulfillment"]["fulfillment"];
    assert_eq!(progress(node, &w.steel_input).await["fulfilledQuantity"]["hasNumericalValue"], "62.5");
    assert_eq!(progress(node, &w.steel_input).await["isFulfilled"], true);
    const UPDATE_F: &str = "mutation($f: FulfillmentUpdateParams!) { updateFulfillment(fulfillment: $f) { fulfillment { revisionId note } } }";
    let v = node
        .gql(
            UPDATE_F,
            json!({"f": {"revisionId": rev(f), "resourceQuantity": {"hasNumericalValue": 60, "hasUnit": shop.each}}}),
        )
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    let v = node.gql(UPDATE_F, json!({"f": {"revisionId": rev(f), "fulfills": null}})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "fulfills cannot be erased: {v:#}");
    let u = node
        .ok(
            UPDATE_F,
            json!({"f": {"revisionId": rev(f), "note": "60.25 kg went in; the rest was offcuts",
                                   "resourceQuantity": {"hasNumericalValue": "60.25", "hasUnit": shop.kg}}}),
        )
        .await;
    assert_eq!(u["updateFulfillment"]["fulfillment"]["note"], "60.25 kg went in; the rest was offcuts");
    let p = progress(node, &w.steel_input).await;
    assert_eq!(p["fulfilledQuantity"]["hasNumericalValue"], "60.25");
    assert_eq!(p["isFulfilled"], false);
    // The process's inputs: the consumption is planned, nothing else came in.
    let pr = node
        .ok(
            "query($id: ID!) { process(id: $id) { unplannedInputs { id } observedInputs { id } } }",
            json!({"id": w.assembly}),
        )
        .await;
    assert_eq!(ids(&pr["process"]["observedInputs"]), vec![ev.clone()]);
    assert_eq!(pr["process"]["unplannedInputs"], json!([]));

    // A satisfaction's note and quantity change; the intent's sum follows.
    let req = create(
        node,
        CREATE_INTENT,
        json!({"i": {"action": "transfer", "receiver": shop.coop, "resourceQuantity": {"hasNumericalValue": 40, "hasUnit": shop.each}}}),
        &["createIntent", "intent"],
    )
    .await;
    let sat = node.ok(CREATE_SATISFACTION, json!({"s": {"satisfies": req, "satisfiedBy": w.delivery}})).await;
    let sat_id = s(&sat["createSatisfaction"]["satisfaction"]["id"]);
    let sat_rev = s(&node.ok("query($id: ID!) { satisfaction(id: $id) { revisionId } }", json!({"id": sat_id})).await
        ["satisfaction"]["revisionId"]);
    let u = node
        .ok(
            "mutation($s: SatisfactionUpdateParams!) { updateSatisfaction(satisfaction: $s) { satisfaction { note resourceQuantity { hasNumericalValue } } } }",
            json!({"s": {"revisionId": sat_rev, "note": "half of the order", "resourceQuantity": {"hasNumericalValue": "19.5", "hasUnit": shop.each}}}),
        )
        .await;
    assert_eq!(u["updateSatisfaction"]["satisfaction"]["note"], "half of the order");
    let i = node
        .ok(
            "query($id: ID!) { intent(id: $id) { satisfiedQuantity { hasNumericalValue } isSatisfied } }",
            json!({"id": req}),
        )
        .await;
    assert_eq!(i["intent"]["satisfiedQuantity"]["hasNumericalValue"], "19.5");
    assert_eq!(i["intent"]["isSatisfied"], false);
}

crate::on_both!(
    plan_with_partial_fulfillments,
    intents_satisfied_by_commitments_and_events,
    refusals_write_nothing,
    lists_page_and_filter,
    updates_keep_the_rules
);
