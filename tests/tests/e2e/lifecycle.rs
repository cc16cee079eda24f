//! Restarts and changes that reach back into derived state.

use sea_orm::ConnectionTrait;
use serde_json::json;
use valueflows_node::app::App;
use vf_tests::TestNode;

use crate::flow::{raise_steel, run, shop};

/// A first start that stopped after writing the node's Organization but before noting
/// it adopts that Organization on the next start instead of creating a second one.
async fn restart_after_interrupted_init_adopts_the_founding_agent(node: &TestNode) {
    let app = node.node.app();
    let founder = app.self_agent();
    app.store().db().execute_unprepared("DELETE FROM node_meta").await.expect("forget the agent");
    let reopened = App::open(app.config().clone()).await.expect("reopen");
    assert_eq!(reopened.self_agent(), founder);
    let orgs = node.ok("{ organizations { pageInfo { totalCount } } }", json!({})).await;
    assert_eq!(orgs["organizations"]["pageInfo"]["totalCount"], 1);
}

/// A resource's stage is the specification of the process it came out of: changing the
/// process's `basedOn` restages its outputs, and the state still equals a rebuild.
async fn changing_a_process_specification_restages_its_outputs(node: &TestNode) {
    let shop = shop(node).await;
    let _steel = raise_steel(node, &shop, "5").await;
    let batch = run(node, "CreateProcess", json!({"name": "Batch", "basedOn": shop.assembly})).await;
    let batch = batch["createProcess"]["process"]["id"].as_str().expect("id").to_owned();
    let made = run(
        node,
        "RecordEvent",
        json!({
        "event": {"action": "produce", "provider": shop.lab, "receiver": shop.lab, "outputOf": batch,
                  "hasPointInTime": "2026-03-02T16:00:00Z", "resourceConformsTo": shop.pump,
                  "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": shop.each}},
        "newResource": {"name": "Pump"}}),
    )
    .await;
    let pump = made["createEconomicEvent"]["economicResource"]["id"].as_str().expect("id").to_owned();
    let testing = run(node, "CreateProcessSpecification", json!({"name": "Pump testing"})).await;
    let testing = testing["createProcessSpecification"]["processSpecification"]["id"].clone();
    let p = node.ok("query($id: ID!) { process(id: $id) { revisionId } }", json!({"id": batch})).await;
    node.ok(
        "mutation($r: ID!, $s: ID) { updateProcess(process: {revisionId: $r, basedOn: $s}) { process { basedOn { name } } } }",
        json!({"r": p["process"]["revisionId"], "s": testing}),
    )
    .await;
    let r = node.ok("query($id: ID!) { economicResource(id: $id) { stage { name } } }", json!({"id": pump})).await;
    assert_eq!(r["economicResource"]["stage"]["name"], "Pump testing");
    let report = node.node.app().rebuild(false).await.expect("rebuild");
    assert!(report.changed.is_empty(), "{:?}", report.changed);
}

crate::on_both!(
    restart_after_interrupted_init_adopts_the_founding_agent,
    changing_a_process_specification_restages_its_outputs
);
