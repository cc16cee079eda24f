//! ValueFlows 1.0 terms served beside the vf-graphql 0.9 shapes: batch and lot records and
//! media of exchange.

use serde_json::json;
use vf_tests::{TestNode, error_code};

async fn batch_lot_records_are_product_batches(node: &TestNode) {
    let c = node
        .ok(
            "mutation { createBatchLotRecord(batchLotRecord: {batchLotCode: \"PUMP-2026-11\", expirationDate: \"2031-11-30\"}) {
               batchLotRecord { id revisionId batchLotCode expirationDate } } }",
            json!({}),
        )
        .await;
    let rec = &c["createBatchLotRecord"]["batchLotRecord"];
    let id = rec["id"].as_str().expect("id").to_owned();
    assert_eq!(rec["batchLotCode"], "PUMP-2026-11");
    assert!(rec["expirationDate"].as_str().expect("date").starts_with("2031-11-30T00:00:00"));

    // The same record answers as a 0.9 ProductBatch, and an update under either name shows under both.
    let v = node.ok("query($id: ID!) { productBatch(id: $id) { batchNumber revisionId } }", json!({"id": id})).await;
    assert_eq!(v["productBatch"]["batchNumber"], "PUMP-2026-11");
    let rev = v["productBatch"]["revisionId"].as_str().expect("rev").to_owned();
    node.ok(
        "mutation($r: ID!) { updateProductBatch(productBatch: {revisionId: $r, batchNumber: \"PUMP-2026-11B\"}) { productBatch { id } } }",
        json!({"r": rev}),
    )
    .await;
    let v = node
        .ok(
            "query($id: ID!) { batchLotRecord(id: $id) { batchLotCode productBatch { batchNumber } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(v["batchLotRecord"]["batchLotCode"], "PUMP-2026-11B");
    assert_eq!(v["batchLotRecord"]["productBatch"]["batchNumber"], "PUMP-2026-11B");

    // A resource of the lot names it under `lot` and `ofBatchLot`.
    let ids = node
        .ok(
            "mutation { u: createUnit(unit: {label: \"each\", symbol: \"ea\"}) { unit { id } }
                        s: createResourceSpecification(resourceSpecification: {name: \"Pump\"}) { resourceSpecification { id } } }",
            json!({}),
        )
        .await;
    let unit = ids["u"]["unit"]["id"].as_str().expect("unit").to_owned();
    let spec = ids["s"]["resourceSpecification"]["id"].as_str().expect("spec").to_owned();
    let me = node.ok("{ myAgent { id } }", json!({})).await["myAgent"]["id"].as_str().expect("me").to_owned();
    let e = node
        .ok(
            "mutation($me: ID!, $u: ID!, $s: ID!, $lot: ID!) { createEconomicEvent(
               event: {action: \"raise\", provider: $me, receiver: $me, hasPointInTime: \"2026-11-21T10:00:00Z\",
                       resourceQuantity: {hasNumericalValue: 20, hasUnit: $u}}
               newInventoriedResource: {name: \"Pumps\", conformsTo: $s, lot: $lot}) {
               economicEvent { resourceInventoriedAs { lot { batchNumber } ofBatchLot { id batchLotCode } } } } }",
            json!({"me": me, "u": unit, "s": spec, "lot": id}),
        )
        .await;
    let r = &e["createEconomicEvent"]["economicEvent"]["resourceInventoriedAs"];
    assert_eq!(r["lot"]["batchNumber"], "PUMP-2026-11B");
    assert_eq!(r["ofBatchLot"]["id"], id.as_str());

    // Depended on: refused under either name; the record stays.
    let v = node.gql("mutation($id: ID!) { deleteBatchLotRecord(id: $id) }", json!({"id": id})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
    let v = node.ok("{ batchLotRecords { edges { node { id } } pageInfo { totalCount } } }", json!({})).await;
    assert_eq!(v["batchLotRecords"]["pageInfo"]["totalCount"], 1);

    // A blank code is refused and writes nothing.
    let v = node
        .gql(
            "mutation { createBatchLotRecord(batchLotRecord: {batchLotCode: \" \"}) { batchLotRecord { id } } }",
            json!({}),
        )
        .await;
    assert!(error_code(&v).is_some(), "{v:#}");
    let v = node.ok("{ batchLotRecords { pageInfo { totalCount } } }", json!({})).await;
    assert_eq!(v["batchLotRecords"]["pageInfo"]["totalCount"], 1);
}

async fn medium_of_exchange_is_kept(node: &TestNode) {
    let c = node
        .ok(
            "mutation { createResourceSpecification(resourceSpecification: {name: \"Euro\", mediumOfExchange: true}) {
               resourceSpecification { id revisionId mediumOfExchange } } }",
            json!({}),
        )
        .await;
    let s = &c["createResourceSpecification"]["resourceSpecification"];
    assert_eq!(s["mediumOfExchange"], true);
    let v = node
        .ok(
            "mutation($r: ID!) { updateResourceSpecification(resourceSpecification: {revisionId: $r, mediumOfExchange: null}) {
               resourceSpecification { mediumOfExchange name } } }",
            json!({"r": s["revisionId"]}),
        )
        .await;
    assert!(v["updateResourceSpecification"]["resourceSpecification"]["mediumOfExchange"].is_null());
    assert_eq!(v["updateResourceSpecification"]["resourceSpecification"]["name"], "Euro");
}

crate::on_both!(batch_lot_records_are_product_batches, medium_of_exchange_is_kept);
