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
                    let v: serde_json::Value = c
                        .post(format!("{url}/graphql"))
                        .bearer_auth(&token)
                        .json(&json!({"query": "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }",
                            "variables": {"e": {"action": "raise", "provider": lab, "receiver": lab, "hasPointInTime": "2026-03-02T10:00:00Z",
                                "resourceInventoriedAs": stock, "resourceQuantity": {"hasNumericalValue": "0.001", "hasUnit": kg}}}}))
                        .send()
                        .await
                        .expect("sent")
                        .json()
                        .await
                        .expect("json");
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

crate::on_both!(concurrent_writes_are_all_kept);
