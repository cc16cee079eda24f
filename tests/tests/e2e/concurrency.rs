//! Many clients writing at once: every acknowledged write is stored exactly once, the
//! feed stays gap-free, and quantities are exact.

use serde_json::json;
use valueflows_node::store::ops;
use vf_tests::TestNode;

async fn concurrent_writes_are_all_kept(node: &TestNode) {
    let shop = crate::flow::shop(node).await;
    let stock = crate::flow::raise_steel(node, &shop, "0").await;
    let before = ops::len(node.node.app().store().db(), node.node.app().did().as_str()).await.expect("len");
    let clients = 16;
    let per = 10;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let url = node.url.clone();
            let token = node.write_token.clone();
            let (lab, kg, stock) = (shop.lab.clone(), shop.kg.clone(), stock.clone());
            tokio::spawn(async move {
                let c = reqwest::Client::new();
                let mut ok = 0;
                for _ in 0..per {
                    let query = "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }";
                    let vars = json!({"e": {"action": "raise", "provider": lab, "receiver": lab, "hasPointInTime": "2026-03-02T10:00:00Z",
                        "resourceInventoriedAs": stock, "resourceQuantity": {"hasNumericalValue": "0.001", "hasUnit": kg}}});
                    let v = vf_tests::graphql(&c, &url, Some(&token), query, vars).await;
                    assert!(v.get("errors").is_none(), "{v:#}");
                    ok += 1;
                }
                ok
            })
        })
        .collect();
    let mut acked = 0;
    for t in tasks {
        acked += t.await.expect("task");
    }
    assert_eq!(acked, clients * per);
    let app = node.node.app();
    let after = ops::len(app.store().db(), app.did().as_str()).await.expect("len");
    assert_eq!(after - before, acked as u64, "one op per acknowledged write");
    let feed = ops::range(app.store().db(), app.did().as_str(), 0, 100_000).await.expect("feed");
    assert!(feed.iter().enumerate().all(|(i, o)| o.seq == i as i64 + 1), "gap-free");
    let v = node
        .ok(
            "query($id: ID!) { economicResource(id: $id) { onhandQuantity { hasNumericalValue } } }",
            json!({"id": stock}),
        )
        .await;
    assert_eq!(v["economicResource"]["onhandQuantity"]["hasNumericalValue"], "0.16");
    assert!(app.rebuild(false).await.expect("rebuild").changed.is_empty());
}

/// Good and bad writes arriving together land in the same batches: each bad one is
/// refused alone, every good one is kept, and the feed has no hole where a bad one was.
async fn failures_in_a_batch_stage_nothing(node: &TestNode) {
    let shop = crate::flow::shop(node).await;
    let stock = crate::flow::raise_steel(node, &shop, "100").await;
    let app = node.node.app().clone();
    let before = ops::len(app.store().db(), app.did().as_str()).await.expect("len");
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let (app, lab, kg, each, stock) =
                (app.clone(), shop.lab.clone(), shop.kg.clone(), shop.each.clone(), stock.clone());
            tokio::spawn(async move {
                let unit = if i % 2 == 0 { kg } else { each };
                let e = valueflows_model::NewEconomicEvent {
                    resource_inventoried_as: Some(valueflows_model::ResourceId::parse(&stock).expect("id")),
                    resource_quantity: Some(valueflows_model::Measure::new(
                        "1.5".parse().expect("decimal"),
                        valueflows_model::UnitId::parse(&unit).expect("id"),
                    )),
                    has_point_in_time: Some(valueflows_model::Timestamp::parse("2026-03-03").expect("time")),
                    ..valueflows_model::NewEconomicEvent::new(
                        valueflows_model::Action::Consume,
                        valueflows_model::AgentId::parse(&lab).expect("id"),
                        valueflows_model::AgentId::parse(&lab).expect("id"),
                    )
                };
                let input = valueflows_node::app::observation::EventInput { event: e, new_resource: None };
                app.record_event(input, app.self_agent()).await.map(|_| ())
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(()) => ok += 1,
            Err(e) => assert_eq!(e.code(), "VALIDATION", "{e}"),
        }
    }
    assert_eq!(ok, 20);
    let after = ops::len(app.store().db(), app.did().as_str()).await.expect("len");
    assert_eq!(after - before, 20);
    let feed = ops::range(app.store().db(), app.did().as_str(), 0, 100_000).await.expect("feed");
    assert!(feed.iter().enumerate().all(|(i, o)| o.seq == i as i64 + 1), "gap-free");
    let v = node
        .ok(
            "query($id: ID!) { economicResource(id: $id) { onhandQuantity { hasNumericalValue } } }",
            json!({"id": stock}),
        )
        .await;
    assert_eq!(v["economicResource"]["onhandQuantity"]["hasNumericalValue"], "70");
    assert!(app.rebuild(false).await.expect("rebuild").changed.is_empty());
}

crate::on_both!(concurrent_writes_are_all_kept, failures_in_a_batch_stage_nothing);
