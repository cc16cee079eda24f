//! Authority across nodes: a makerspace (A) transfers pumps into a cooperative's store
//! homed at another node (B). The transfer is pending on every node until B acknowledges
//! receipt; then it counts everywhere, and every node shows who confirmed it and when.

use serde_json::{Value, json};
use vf_tests::{Backend, TestNode, error_code};

use crate::flow::shop;
use crate::hostile::{FEDERATION, eventually};

const RECORD: &str = "mutation($e: EconomicEventCreateParams!, $r: EconomicResourceCreateParams) {
    createEconomicEvent(event: $e, newInventoriedResource: $r) { economicEvent { id } economicResource { id } } }";
const ACK: &str = "mutation($e: ID!, $n: String) { acknowledgeEconomicEvent(event: $e, note: $n) {
    acknowledgement { id node note acknowledgedAt acknowledgedBy { id } resources { id } event { id } } } }";
const RESOURCE: &str = "query($id: ID!) { economicResource(id: $id) { homeNode onhandQuantity { hasNumericalValue }
    accountingQuantity { hasNumericalValue } primaryAccountable { id } pendingEvents { id } } }";
const EVENT: &str = "query($id: ID!) { economicEvent(id: $id) { homeNode
    acknowledgements { id node note acknowledgedAt acknowledgedBy { id } resources { id } } } }";

async fn spawn(backend: Backend, peers: &[&TestNode], follow: &[&str]) -> TestNode {
    let peers: Vec<String> = peers.iter().map(|p| p.url.clone()).collect();
    let follow: Vec<String> = follow.iter().map(|d| (*d).to_owned()).collect();
    let node = TestNode::spawn_or_sqlite(backend, |c: &mut valueflows_node::Config| {
        c.federation.peers = peers.clone();
        c.federation.follow = follow.clone();
        c.federation.interval_secs = 1;
    })
    .await;
    node.writable().await;
    node
}

/// The heads `n` holds of the feeds of `a` and `b` (C's own feed, which A and B do not
/// follow, is left out).
async fn feeds(n: &TestNode, a: &TestNode, b: &TestNode) -> Vec<Value> {
    let all = n.ok(FEDERATION, json!({})).await["federation"]["feeds"].clone();
    let wanted = [a.node.app().did().to_string(), b.node.app().did().to_string()];
    all.as_array()
        .expect("feeds")
        .iter()
        .filter(|f| f["origin"].as_str().is_some_and(|o| wanted.iter().any(|w| w == o)))
        .cloned()
        .collect()
}

/// Waits until every node of `nodes` holds A's and B's feeds at the same heads.
async fn converged(nodes: &[&TestNode]) {
    let (a, b) = (nodes[0], nodes[1]);
    eventually("equal heads", async || {
        let first = feeds(a, a, b).await;
        for n in &nodes[1..] {
            if feeds(n, a, b).await != first {
                return false;
            }
        }
        first.len() == 2
    })
    .await;
}

async fn resource(n: &TestNode, id: &str) -> Value {
    n.ok(RESOURCE, json!({"id": id})).await["economicResource"].clone()
}

fn onhand(r: &Value) -> &Value {
    &r["onhandQuantity"]["hasNumericalValue"]
}

fn id(v: &Value) -> String {
    v.as_str().expect("an id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_to_another_node_waits_for_its_acknowledgement() {
    let a = spawn(Backend::Sqlite, &[], &[]).await;
    let a_did = a.node.app().did().to_string();
    let b = spawn(Backend::Postgres, &[&a], &[&a_did]).await;
    let b_did = b.node.app().did().to_string();
    // A follows B back; C only talks to B and follows both.
    let admin = a.admin_token();
    let r = a.gql_as(Some(&admin), "mutation($d: String!) { followFeed(did: $d) }", json!({"d": b_did})).await;
    assert!(r.get("errors").is_none(), "{r}");
    let r = a
        .gql_as(Some(&admin), "mutation($u: String!) { addFederationPeer(url: $u) { url } }", json!({"u": b.url}))
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    let c = spawn(Backend::Sqlite, &[&b], &[&a_did, &b_did]).await;

    // A makes pumps; B, once it holds A's units and specifications, opens its store.
    let s = shop(&a).await;
    let made = a
        .ok(
            RECORD,
            json!({"e": {"action": "produce", "provider": s.lab, "receiver": s.lab, "hasPointInTime": "2026-05-01T10:00:00Z",
                "resourceQuantity": {"hasNumericalValue": "10", "hasUnit": s.each}, "resourceConformsTo": s.pump},
                "r": {"name": "Pumps"}}),
        )
        .await;
    let pumps = id(&made["createEconomicEvent"]["economicResource"]["id"]);
    converged(&[&a, &b]).await;
    let coop = id(&b.ok("{ myAgent { id } }", json!({})).await["myAgent"]["id"]);
    let opened = b
        .ok(
            RECORD,
            json!({"e": {"action": "raise", "provider": coop, "receiver": coop, "hasPointInTime": "2026-05-01T11:00:00Z",
                "resourceQuantity": {"hasNumericalValue": "1", "hasUnit": s.each}, "resourceConformsTo": s.pump},
                "r": {"name": "Co-op store"}}),
        )
        .await;
    let store = id(&opened["createEconomicEvent"]["economicResource"]["id"]);
    converged(&[&a, &b, &c]).await;

    // A transfers four pumps into B's store: its own stock drops at once, B's store waits.
    let sent = a
        .ok(
            RECORD,
            json!({"e": {"action": "transfer", "provider": s.lab, "receiver": coop, "hasPointInTime": "2026-05-02T09:00:00Z",
                "resourceInventoriedAs": pumps, "toResourceInventoriedAs": store,
                "resourceQuantity": {"hasNumericalValue": "4", "hasUnit": s.each}}}),
        )
        .await;
    let transfer = id(&sent["createEconomicEvent"]["economicEvent"]["id"]);
    converged(&[&a, &b, &c]).await;
    for n in [&a, &b, &c] {
        let p = resource(n, &pumps).await;
        assert_eq!(onhand(&p), "6", "the sender's own resource counts its own event: {p}");
        let st = resource(n, &store).await;
        assert_eq!(st["homeNode"], b_did);
        assert_eq!(onhand(&st), "1", "pending at {}: {st}", n.url);
        assert_eq!(st["pendingEvents"], json!([{"id": transfer}]));
        assert_eq!(st["primaryAccountable"]["id"], coop);
        let e = n.ok(EVENT, json!({"id": transfer})).await;
        assert_eq!(e["economicEvent"]["homeNode"], a_did);
        assert_eq!(e["economicEvent"]["acknowledgements"], json!([]));
    }

    // Only B may confirm, with a write token, and only an event that exists.
    let r = a.gql(ACK, json!({"e": transfer})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "the sender cannot confirm its own transfer: {r}");
    let r = c.gql(ACK, json!({"e": transfer})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "C homes none of its resources: {r}");
    let r = b.gql_as(Some(&b.read_token), ACK, json!({"e": transfer})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "{r}");
    let r = b.gql(ACK, json!({"e": uuid::Uuid::now_v7().to_string()})).await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"), "{r}");
    let r = b.gql(ACK, json!({"e": "not-an-id"})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "{r}");
    assert_eq!(onhand(&resource(&b, &store).await), "1", "refusals change nothing");

    let ack = b.ok(ACK, json!({"e": transfer, "n": "4 pumps received, seals intact"})).await;
    let ack = &ack["acknowledgeEconomicEvent"]["acknowledgement"];
    assert_eq!(ack["node"], b_did);
    assert_eq!(ack["acknowledgedBy"]["id"], coop);
    assert_eq!(ack["resources"], json!([{"id": store}]));
    assert_eq!(ack["event"]["id"], transfer);
    let r = b.gql(ACK, json!({"e": transfer})).await;
    assert_eq!(error_code(&r), Some("CONFLICT"), "one acknowledgement per event and node: {r}");

    converged(&[&a, &b, &c]).await;
    let digest = a.ok(FEDERATION, json!({})).await["federation"]["digest"].clone();
    for n in [&a, &b, &c] {
        let st = resource(n, &store).await;
        assert_eq!(onhand(&st), "5", "confirmed at {}: {st}", n.url);
        assert_eq!(st["accountingQuantity"]["hasNumericalValue"], "5");
        assert_eq!(st["pendingEvents"], json!([]));
        assert_eq!(onhand(&resource(n, &pumps).await), "6");
        let e = n.ok(EVENT, json!({"id": transfer})).await;
        let acks = &e["economicEvent"]["acknowledgements"];
        assert_eq!(acks.as_array().map(Vec::len), Some(1), "{e}");
        assert_eq!(acks[0]["id"], ack["id"]);
        assert_eq!(acks[0]["node"], b_did);
        assert_eq!(acks[0]["note"], "4 pumps received, seals intact");
        assert_eq!(acks[0]["acknowledgedAt"], ack["acknowledgedAt"]);
        assert_eq!(acks[0]["acknowledgedBy"]["id"], coop);
        if n.url != c.url {
            // C also holds its own feed, which the others do not follow.
            assert_eq!(n.ok(FEDERATION, json!({})).await["federation"]["digest"], digest, "same state at A and B");
        }
        let report = n.node.app().rebuild(false).await.expect("rebuild");
        assert!(report.changed.is_empty(), "stored state equals a rebuild at {}: {report:?}", n.url);
    }
    for n in [a, b, c] {
        n.stop().await;
    }
}

/// An origin may only publish its own acknowledgement of an event: one carrying the id of
/// another origin's acknowledgement is left out, so it cannot take that id first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_origin_cannot_take_another_origins_acknowledgement_id() {
    use valueflows_federation::{NodeKey, OP_VERSION, RecordRevision, UnsignedOp};
    use valueflows_node::app::ack::ack_id;
    use valueflows_node::app::remote::RemoteOps;

    let node = TestNode::sqlite().await;
    let rogue = NodeKey::generate();
    let home = NodeKey::generate().did().to_string();
    let event = uuid::Uuid::now_v7();
    let squatted = ack_id(&home, event);
    let own = ack_id(rogue.did().as_str(), event);
    let mut ops = Vec::new();
    for (seq, id) in [(1u64, squatted), (2, own)] {
        let op = UnsignedOp {
            v: OP_VERSION,
            origin: rogue.did(),
            seq,
            prev: ops.last().map(|(_, id, _): &(_, valueflows_federation::OpId, String)| id.clone()),
            time: "2026-05-03T10:00:00Z".to_owned(),
            author: None,
            records: vec![RecordRevision {
                kind: "Acknowledgement".to_owned(),
                id,
                revision_id: uuid::Uuid::now_v7(),
                retracted: false,
                body: json!({"id": id.to_string(), "event": event.to_string()}),
            }],
        }
        .sign(&rogue)
        .expect("signs");
        let op_id = op.id().expect("id");
        let json = op.to_json().expect("json");
        ops.push((op, op_id, json));
    }
    let app = node.node.app();
    let seq = app.apply_remote(RemoteOps { origin: rogue.did().to_string(), ops }).await.expect("applied");
    assert_eq!(seq, 2, "both ops are stored: a bad revision never blocks the feed");
    let db = app.store().db();
    let held = valueflows_node::store::records::get_many(db, &[squatted, own]).await.expect("records");
    let ids: Vec<uuid::Uuid> = held.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![own], "only the rogue's own acknowledgement is held");
    node.stop().await;
}

const RETRACTED: &str = "{ federation { retractedReferences { recordId recordKind recordOrigin field
    targetId targetKind targetOrigin } } }";

/// A record retracted by its home node while another node's event names it: every node
/// holding both lists the reference, the same way; the node that retracted it, which never
/// saw the event, lists nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reference_to_a_record_retracted_elsewhere_is_flagged_alike() {
    let a = spawn(Backend::Sqlite, &[], &[]).await;
    let a_did = a.node.app().did().to_string();
    let b = spawn(Backend::Postgres, &[&a], &[&a_did]).await;
    let b_did = b.node.app().did().to_string();
    let c = spawn(Backend::Sqlite, &[&b], &[&a_did, &b_did]).await;

    let person = a
        .ok("mutation { createPerson(person: {name: \"Visiting welder\"}) { agent { id revisionId } } }", json!({}))
        .await;
    let (welder, revision) =
        (id(&person["createPerson"]["agent"]["id"]), id(&person["createPerson"]["agent"]["revisionId"]));
    eventually("B holds A's person", async || {
        b.ok("query($id: ID!) { person(id: $id) { id } }", json!({"id": welder})).await["person"]["id"]
            == welder.as_str()
    })
    .await;

    // B records the welder's work for its own workshop.
    let s = shop(&b).await;
    let work = b
        .ok(
            RECORD,
            json!({"e": {"action": "work", "provider": welder, "receiver": s.lab, "hasPointInTime": "2026-05-03T09:00:00Z",
                "effortQuantity": {"hasNumericalValue": "3", "hasUnit": s.hour}}}),
        )
        .await;
    let work = id(&work["createEconomicEvent"]["economicEvent"]["id"]);
    for n in [&a, &b, &c] {
        assert_eq!(n.ok(RETRACTED, json!({})).await["federation"]["retractedReferences"], json!([]));
    }

    // A, which does not follow B, knows of no event naming the welder: it may retract them.
    let gone = a.ok("mutation($r: ID!) { deletePerson(revisionId: $r) }", json!({"r": revision})).await;
    assert_eq!(gone["deletePerson"], true);
    let expected = json!([{"recordId": work, "recordKind": "EconomicEvent", "recordOrigin": b_did, "field": "provider",
        "targetId": welder, "targetKind": "Person", "targetOrigin": a_did}]);
    for n in [&b, &c] {
        eventually("the retraction reaches every node holding the event", async || {
            n.ok(RETRACTED, json!({})).await["federation"]["retractedReferences"] == expected
        })
        .await;
    }
    assert_eq!(a.ok(RETRACTED, json!({})).await["federation"]["retractedReferences"], json!([]));
    // The event stands (events are facts); asking for its provider says it is not found.
    let ev = c.gql("query($id: ID!) { economicEvent(id: $id) { id provider { id } } }", json!({"id": work})).await;
    assert_eq!(ev["data"]["economicEvent"]["id"], work.as_str(), "{ev}");
    assert_eq!(error_code(&ev), Some("NOT_FOUND"), "{ev}");
}
