//! Relay pagination: forward and backward, cursors, totals.

use serde_json::{Value, json};
use vf_tests::TestNode;

fn names(v: &Value) -> Vec<String> {
    v["units"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["label"].as_str().expect("label").to_owned())
        .collect()
}

async fn pages_forward_and_backward(node: &TestNode) {
    for i in 0..7 {
        node.ok(
            "mutation($l: String!) { createUnit(unit: {label: $l, symbol: \"u\"}) { unit { id } } }",
            json!({"l": format!("u{i}")}),
        )
        .await;
    }
    const Q: &str = "query($f: Int, $a: String, $l: Int, $b: String) { units(first: $f, after: $a, last: $l, before: $b) {
        edges { cursor node { label } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage totalCount pageLimit } } }";
    let p1 = node.ok(Q, json!({"f": 3})).await;
    assert_eq!(names(&p1), ["u0", "u1", "u2"]);
    assert_eq!(p1["units"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(p1["units"]["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(p1["units"]["pageInfo"]["totalCount"], 7);
    assert_eq!(p1["units"]["pageInfo"]["pageLimit"], 3);
    let p2 = node.ok(Q, json!({"f": 3, "a": p1["units"]["pageInfo"]["endCursor"]})).await;
    assert_eq!(names(&p2), ["u3", "u4", "u5"]);
    assert_eq!(p2["units"]["pageInfo"]["hasPreviousPage"], true);
    let p3 = node.ok(Q, json!({"f": 3, "a": p2["units"]["pageInfo"]["endCursor"]})).await;
    assert_eq!(names(&p3), ["u6"]);
    assert_eq!(p3["units"]["pageInfo"]["hasNextPage"], false);
    let back = node.ok(Q, json!({"l": 2, "b": p3["units"]["pageInfo"]["startCursor"]})).await;
    assert_eq!(names(&back), ["u4", "u5"]);
    assert_eq!(back["units"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(back["units"]["pageInfo"]["hasNextPage"], true);
    let last = node.ok(Q, json!({"l": 2})).await;
    assert_eq!(names(&last), ["u5", "u6"]);
    assert_eq!(last["units"]["pageInfo"]["hasNextPage"], false);
    let cursor = p1["units"]["edges"][0]["cursor"].clone();
    assert_eq!(cursor, p1["units"]["pageInfo"]["startCursor"]);
}

async fn filters_select_events(node: &TestNode) {
    let shop = crate::flow::shop(node).await;
    let stock = crate::flow::raise_steel(node, &shop, "10").await;
    node.ok("mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }",
        json!({"e": {"action": "consume", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-05-01",
                     "resourceInventoriedAs": stock, "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": shop.kg}, "note": "Cut for frame"}})).await;
    node.ok(
        "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }",
        json!({"e": {"action": "work", "provider": shop.amina, "receiver": shop.lab, "hasPointInTime": "2026-06-01",
                     "effortQuantity": {"hasNumericalValue": 2, "hasUnit": shop.hour}}}),
    )
    .await;
    const Q: &str = "query($f: EconomicEventFilterParams) { economicEvents(filter: $f) { edges { node { action { id } } } pageInfo { totalCount } } }";
    let count = |v: &Value| v["economicEvents"]["pageInfo"]["totalCount"].as_i64().expect("count");
    assert_eq!(count(&node.ok(Q, json!({"f": {"action": ["work"]}})).await), 1);
    assert_eq!(count(&node.ok(Q, json!({"f": {"providerId": [shop.amina]}})).await), 1);
    assert_eq!(count(&node.ok(Q, json!({"f": {"providerId": [shop.lab], "action": ["consume", "raise"]}})).await), 2);
    assert_eq!(count(&node.ok(Q, json!({"f": {"startDate": "2026-04-01", "endDate": "2026-05-15"}})).await), 1);
    assert_eq!(count(&node.ok(Q, json!({"f": {"searchString": "FRAME"}})).await), 1);
    assert_eq!(count(&node.ok(Q, json!({"f": {"action": ["transfer-custody"]}})).await), 0);
    let a = node.ok("query($id: ID!) { agent(id: $id) { economicEvents(filter: {action: \"work\"}) { pageInfo { totalCount } } } }", json!({"id": shop.amina})).await;
    assert_eq!(a["agent"]["economicEvents"]["pageInfo"]["totalCount"], 1);
    let inv = node
        .ok(
            "query($id: ID!) { agent(id: $id) { inventoriedEconomicResources { edges { node { id } } } } }",
            json!({"id": shop.lab}),
        )
        .await;
    assert_eq!(inv["agent"]["inventoriedEconomicResources"]["edges"][0]["node"]["id"], stock.as_str());
}

crate::on_both!(pages_forward_and_backward, filters_select_events);

/// Nested first pages of many parents are loaded together; they must equal what each
/// parent's own query returns, page flags and totals included.
async fn nested_pages_of_many_parents_match_their_own_queries(node: &TestNode) {
    let shop = crate::flow::shop(node).await;
    let mut people = Vec::new();
    for (name, n) in [("Ada", 0), ("Bo", 1), ("Cy", 3)] {
        let p = node
            .ok("mutation($n: String!) { createPerson(person: {name: $n}) { agent { id } } }", json!({"n": name}))
            .await;
        let id = p["createPerson"]["agent"]["id"].as_str().expect("id").to_owned();
        for _ in 0..n {
            node.ok(
                "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }",
                json!({"e": {"action": "work", "provider": id, "receiver": shop.lab, "hasPointInTime": "2026-05-01",
                             "effortQuantity": {"hasNumericalValue": 1, "hasUnit": shop.hour}}}),
            )
            .await;
        }
        people.push(id);
    }
    const PAGE: &str = "edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage totalCount endCursor }";
    let all = node.ok(&format!("{{ people(first: 10) {{ edges {{ node {{ id economicEventsAsProvider(first: 2) {{ {PAGE} }} }} }} }} }}"), json!({})).await;
    let edges = all["people"]["edges"].as_array().expect("edges");
    for id in &people {
        let nested =
            &edges.iter().find(|e| e["node"]["id"] == id.as_str()).expect("listed")["node"]["economicEventsAsProvider"];
        let own = node
            .ok(
                &format!("query($id: ID!) {{ person(id: $id) {{ economicEventsAsProvider(first: 2) {{ {PAGE} }} }} }}"),
                json!({"id": id}),
            )
            .await;
        assert_eq!(nested, &own["person"]["economicEventsAsProvider"], "agent {id}");
    }
    let cy =
        &edges.iter().find(|e| e["node"]["id"] == people[2].as_str()).expect("Cy")["node"]["economicEventsAsProvider"];
    assert_eq!(cy["edges"].as_array().expect("edges").len(), 2);
    assert_eq!(cy["pageInfo"]["hasNextPage"], true);
    assert_eq!(cy["pageInfo"]["totalCount"], 3);
    // The next page goes through the cursor path and continues where the first ended.
    let next = node
        .ok(&format!("query($id: ID!, $a: String) {{ person(id: $id) {{ economicEventsAsProvider(first: 2, after: $a) {{ {PAGE} }} }} }}"),
            json!({"id": people[2], "a": cy["pageInfo"]["endCursor"]}))
        .await;
    let next = &next["person"]["economicEventsAsProvider"];
    assert_eq!(next["edges"].as_array().expect("edges").len(), 1);
    assert_eq!(next["pageInfo"]["hasNextPage"], false);
    assert_eq!(next["pageInfo"]["hasPreviousPage"], true);
}

crate::on_both!(nested_pages_of_many_parents_match_their_own_queries);
