//! Updates keep history: `revisionId`, `revision(revisionId:)`, `meta`, stale revisions refused.

use serde_json::json;
use vf_tests::{TestNode, error_code};

async fn updates_keep_history(node: &TestNode) {
    let c = node
        .ok(
            "mutation { createPerson(person: {name: \"Ana\", note: \"first\"}) { agent { id revisionId } } }",
            json!({}),
        )
        .await;
    let id = c["createPerson"]["agent"]["id"].as_str().expect("id").to_owned();
    let r1 = c["createPerson"]["agent"]["revisionId"].as_str().expect("rev").to_owned();
    let u = node
        .ok("mutation($r: ID!) { updatePerson(person: {revisionId: $r, name: \"Ana Maria\"}) { agent { revisionId name note } } }", json!({"r": r1}))
        .await;
    let r2 = u["updatePerson"]["agent"]["revisionId"].as_str().expect("rev").to_owned();
    assert_ne!(r1, r2);
    assert_eq!(u["updatePerson"]["agent"]["name"], "Ana Maria");
    assert_eq!(u["updatePerson"]["agent"]["note"], "first", "omitted fields stay");
    let u = node
        .ok(
            "mutation($r: ID!) { updatePerson(person: {revisionId: $r, note: null}) { agent { revisionId note } } }",
            json!({"r": r2}),
        )
        .await;
    assert!(u["updatePerson"]["agent"]["note"].is_null(), "null erases");
    let r3 = u["updatePerson"]["agent"]["revisionId"].as_str().expect("rev").to_owned();

    let v = node
        .ok(
            "query($id: ID!, $r: ID!) { person(id: $id) { name meta { previousRevisionsCount futureRevisionsCount latestRevision { id } }
               revision(revisionId: $r) { name note meta { futureRevisionsCount previousRevision { id } retrievedRevision { id } } } } }",
            json!({"id": id, "r": r1}),
        )
        .await;
    let p = &v["person"];
    assert_eq!(p["meta"]["previousRevisionsCount"], 2);
    assert_eq!(p["meta"]["futureRevisionsCount"], 0);
    assert_eq!(p["meta"]["latestRevision"]["id"], r3.as_str());
    assert_eq!(p["revision"]["name"], "Ana");
    assert_eq!(p["revision"]["note"], "first");
    assert_eq!(p["revision"]["meta"]["futureRevisionsCount"], 2);
    assert!(p["revision"]["meta"]["previousRevision"].is_null());
    assert_eq!(p["revision"]["meta"]["retrievedRevision"]["id"], r1.as_str());

    // An update from a stale revision is a conflict and changes nothing.
    let v = node
        .gql(
            "mutation($r: ID!) { updatePerson(person: {revisionId: $r, name: \"Late\"}) { agent { name } } }",
            json!({"r": r1}),
        )
        .await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
    let v = node.ok("query($id: ID!) { person(id: $id) { name } }", json!({"id": id})).await;
    assert_eq!(v["person"]["name"], "Ana Maria");
    // Required fields cannot be erased.
    let v = node
        .gql(
            "mutation($r: ID!) { updatePerson(person: {revisionId: $r, name: null}) { agent { name } } }",
            json!({"r": r3}),
        )
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
}

async fn event_effects_cannot_be_edited(node: &TestNode) {
    let shop = crate::flow::shop(node).await;
    let stock = crate::flow::raise_steel(node, &shop, "10").await;
    let e = node.ok("query($id: ID!) { economicResource(id: $id) { economicEventsInOutFrom { edges { node { id revisionId } } } } }", json!({"id": stock})).await;
    let ev = &e["economicResource"]["economicEventsInOutFrom"]["edges"][0]["node"];
    let u = node
        .ok("mutation($r: ID!) { updateEconomicEvent(event: {revisionId: $r, note: \"counted twice\"}) { economicEvent { note resourceQuantity { hasNumericalValue } } } }", json!({"r": ev["revisionId"]}))
        .await;
    assert_eq!(u["updateEconomicEvent"]["economicEvent"]["note"], "counted twice");
    assert_eq!(u["updateEconomicEvent"]["economicEvent"]["resourceQuantity"]["hasNumericalValue"], "10");
    // Quantities are not among the update params: the schema refuses them.
    let v = node
        .gql("mutation($r: ID!) { updateEconomicEvent(event: {revisionId: $r, resourceQuantity: {hasNumericalValue: 1}}) { economicEvent { id } } }", json!({"r": ev["revisionId"]}))
        .await;
    assert!(error_code(&v).is_some(), "{v:#}");
}

crate::on_both!(updates_keep_history, event_effects_cannot_be_edited);

async fn product_batches_round_trip(node: &TestNode) {
    let c = node
        .ok("mutation { createProductBatch(productBatch: {batchNumber: \"LOT-7\", productionDate: \"2026-03-02\"}) { productBatch { id revisionId batchNumber productionDate } } }", json!({}))
        .await;
    let b = &c["createProductBatch"]["productBatch"];
    assert_eq!(b["productionDate"], "2026-03-02T00:00:00.000000Z");
    let v = node
        .gql("mutation($r: ID!) { updateProductBatch(productBatch: {revisionId: $r, expiryDate: \"2026-01-01\"}) { productBatch { id } } }", json!({"r": b["revisionId"]}))
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "expires before it was made: {v:#}");
    let u = node
        .ok("mutation($r: ID!) { updateProductBatch(productBatch: {revisionId: $r, expiryDate: \"2028-01-01\"}) { productBatch { expiryDate batchNumber } } }", json!({"r": b["revisionId"]}))
        .await;
    assert_eq!(u["updateProductBatch"]["productBatch"]["batchNumber"], "LOT-7");
    let l = node.ok("{ productBatches { edges { node { batchNumber } } pageInfo { totalCount } } }", json!({})).await;
    assert_eq!(l["productBatches"]["pageInfo"]["totalCount"], 1);
    // A resource of the lot keeps the lot from being deleted.
    let shop = crate::flow::shop(node).await;
    let v = node
        .ok("mutation($e: EconomicEventCreateParams!, $r: EconomicResourceCreateParams) { createEconomicEvent(event: $e, newInventoriedResource: $r) { economicResource { id lot { batchNumber } } } }",
            json!({"e": {"action": "raise", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02",
                         "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": shop.each}, "resourceConformsTo": shop.pump},
                   "r": {"name": "Pump 7", "lot": b["id"]}}))
        .await;
    assert_eq!(v["createEconomicEvent"]["economicResource"]["lot"]["batchNumber"], "LOT-7");
    let d = node.gql("mutation($id: ID!) { deleteProductBatch(id: $id) }", json!({"id": b["id"]})).await;
    assert_eq!(error_code(&d), Some("CONFLICT"), "{d:#}");
    let spare = node
        .ok(
            "mutation { createProductBatch(productBatch: {batchNumber: \"LOT-8\"}) { productBatch { id } } }",
            json!({}),
        )
        .await;
    let d = node
        .ok(
            "mutation($id: ID!) { deleteProductBatch(id: $id) }",
            json!({"id": spare["createProductBatch"]["productBatch"]["id"]}),
        )
        .await;
    assert_eq!(d["deleteProductBatch"], true);
    let l = node.ok("{ productBatches { pageInfo { totalCount } } }", json!({})).await;
    assert_eq!(l["productBatches"]["pageInfo"]["totalCount"], 1);
}

crate::on_both!(product_batches_round_trip);
