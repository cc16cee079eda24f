//! Who may change a record: the agent that recorded it, or an admin; another writer gets
//! `FORBIDDEN` and the ledger stays as it was. Records homed at another node are not
//! editable at all. Every op names the agent that made it.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use valueflows_node::auth::Scope;
use valueflows_node::store::ops;
use vf_tests::{Backend, TestNode, error_code};

const PERSON: &str = "mutation($n: String!) { createPerson(person: {name: $n}) { agent { id } } }";
const UNIT: &str = "mutation($l: String!) { createUnit(unit: {label: $l, symbol: $l}) { unit { id revisionId } } }";
const UPDATE_UNIT: &str =
    "mutation($r: ID!, $l: String!) { updateUnit(unit: {revisionId: $r, label: $l}) { unit { id revisionId label } } }";
const DELETE_UNIT: &str = "mutation($r: ID!) { deleteUnit(revisionId: $r) }";
const READ_UNIT: &str = "query($id: ID!) { unit(id: $id) { label revisionId
    meta { previousRevisionsCount
           previousRevision { author { id } }
           latestRevision { author { id } }
           retrievedRevision { author { id } } } } }";
const PROCESS: &str = "mutation($n: String!) { createProcess(process: {name: $n}) { process { id revisionId } } }";
const UPDATE_PROCESS: &str =
    "mutation($r: ID!) { updateProcess(process: {revisionId: $r, note: \"changed\"}) { process { revisionId } } }";
const DELETE_PROCESS: &str = "mutation($id: ID!) { deleteProcess(id: $id) }";
const SPEC: &str = "mutation($n: String!) { createResourceSpecification(resourceSpecification: {name: $n}) \
    { resourceSpecification { id revisionId } } }";
const UPDATE_SPEC: &str = "mutation($r: ID!) { updateResourceSpecification(resourceSpecification: {revisionId: $r, \
    note: \"x\"}) { resourceSpecification { revisionId } } }";
const DELETE_SPEC: &str = "mutation($r: ID!) { deleteResourceSpecification(revisionId: $r) }";

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("a string: {v}")).to_owned()
}

/// Sends `query` as `token`; returns `data` and asserts no errors.
async fn ok_as(node: &TestNode, token: &str, query: &str, vars: Value) -> Value {
    let v = node.gql_as(Some(token), query, vars).await;
    assert!(v.get("errors").is_none(), "unexpected errors: {v:#}");
    v["data"].clone()
}

/// Asserts `query` as `token` is refused with `code`, and that the mutation returned no data.
async fn refused_as(node: &TestNode, token: &str, query: &str, vars: Value, code: &str) -> Value {
    let v = node.gql_as(Some(token), query, vars).await;
    assert_eq!(error_code(&v), Some(code), "{v:#}");
    v
}

/// The node's own feed: (seq, author) of every op.
async fn feed(node: &TestNode) -> Vec<(i64, Option<String>)> {
    let app = node.node.app();
    ops::range(app.store().db(), app.did().as_str(), 0, 10_000)
        .await
        .expect("ops")
        .into_iter()
        .map(|op| {
            let body: Value = serde_json::from_str(&op.body).expect("op JSON");
            (op.seq, body["author"].as_str().map(str::to_owned))
        })
        .collect()
}

async fn only_the_recorder_or_an_admin_changes_a_record(node: &TestNode) {
    let ana = s(&node.ok(PERSON, json!({"n": "Ana"})).await["createPerson"]["agent"]["id"]);
    let bob = s(&node.ok(PERSON, json!({"n": "Bob"})).await["createPerson"]["agent"]["id"]);
    let (ana_t, bob_t) = (node.token_for(&ana, Scope::Write), node.token_for(&bob, Scope::Write));
    let admin = node.admin_token();
    let org = node.node.app().self_agent().to_string();

    // myAgent is the token's agent.
    for (t, who) in [(&ana_t, &ana), (&bob_t, &bob), (&admin, &org)] {
        assert_eq!(ok_as(node, t, "{ myAgent { id } }", json!({})).await["myAgent"]["id"], who.as_str());
    }

    let unit = ok_as(node, &ana_t, UNIT, json!({"l": "crate"})).await["createUnit"]["unit"].clone();
    let (id, r1) = (s(&unit["id"]), s(&unit["revisionId"]));
    let before = feed(node).await;

    // Another writer may neither update nor delete it; nothing is written.
    let v = refused_as(node, &bob_t, UPDATE_UNIT, json!({"r": r1, "l": "box"}), "FORBIDDEN").await;
    assert!(v["errors"][0]["message"].as_str().is_some_and(|m| m.contains("admin")), "{v:#}");
    assert!(v["data"].is_null() || v["data"]["updateUnit"].is_null(), "{v:#}");
    refused_as(node, &bob_t, DELETE_UNIT, json!({"r": r1}), "FORBIDDEN").await;
    let read = node.ok(READ_UNIT, json!({"id": id})).await["unit"].clone();
    assert_eq!((read["label"].clone(), read["revisionId"].clone()), (json!("crate"), json!(r1)), "unchanged");
    assert_eq!(feed(node).await, before, "no op was signed for a refused write");
    // A read token is refused before ownership is asked.
    refused_as(node, &node.read_token, UPDATE_UNIT, json!({"r": r1, "l": "box"}), "FORBIDDEN").await;

    // The recorder may.
    let r2 = s(
        &ok_as(node, &ana_t, UPDATE_UNIT, json!({"r": r1, "l": "crate v2"})).await["updateUnit"]["unit"]["revisionId"],
    );
    // An admin may; the record stays Ana's (she recorded its first revision).
    let r3 = s(
        &ok_as(node, &admin, UPDATE_UNIT, json!({"r": r2, "l": "crate v3"})).await["updateUnit"]["unit"]["revisionId"],
    );
    refused_as(node, &bob_t, UPDATE_UNIT, json!({"r": r3, "l": "box"}), "FORBIDDEN").await;
    let r4 = s(
        &ok_as(node, &ana_t, UPDATE_UNIT, json!({"r": r3, "l": "crate v4"})).await["updateUnit"]["unit"]["revisionId"],
    );

    // The history names each revision's author.
    let read = node.ok(READ_UNIT, json!({"id": id})).await["unit"].clone();
    assert_eq!(read["meta"]["previousRevisionsCount"], 3, "{read:#}");
    assert_eq!(read["meta"]["latestRevision"]["author"]["id"], ana.as_str(), "{read:#}");
    assert_eq!(read["meta"]["previousRevision"]["author"]["id"], org.as_str(), "the admin's revision: {read:#}");
    let authors = [(&r1, &ana), (&r2, &ana), (&r3, &org), (&r4, &ana)];
    for (rev, who) in authors {
        let q = "query($id: ID!, $r: ID!) { unit(id: $id) { revision(revisionId: $r) { meta { retrievedRevision { id author { id } } } } } }";
        let v = node.ok(q, json!({"id": id, "r": rev})).await;
        let retrieved = &v["unit"]["revision"]["meta"]["retrievedRevision"];
        assert_eq!((&retrieved["id"], &retrieved["author"]["id"]), (&json!(rev), &json!(who)), "{v:#}");
    }
    // And so does every op of the feed: the last four are Ana's create, her update, the
    // admin's (the node's organization), her update.
    let after = feed(node).await;
    let tail: Vec<Option<&str>> = after[after.len() - 4..].iter().map(|(_, a)| a.as_deref()).collect();
    assert_eq!(tail, [Some(ana.as_str()), Some(ana.as_str()), Some(org.as_str()), Some(ana.as_str())]);

    // Deletes: Bob cannot, Ana can.
    refused_as(node, &bob_t, DELETE_UNIT, json!({"r": r4}), "FORBIDDEN").await;
    assert_eq!(ok_as(node, &ana_t, DELETE_UNIT, json!({"r": r4})).await["deleteUnit"], true);
    assert!(node.ok(READ_UNIT, json!({"id": id})).await["unit"].is_null(), "deleted");

    // The same rule for other kinds, whatever the resolver: a process (deleted by id) and
    // a resource specification, recorded by Bob.
    let p = ok_as(node, &bob_t, PROCESS, json!({"n": "assembly"})).await["createProcess"]["process"].clone();
    refused_as(node, &ana_t, UPDATE_PROCESS, json!({"r": p["revisionId"]}), "FORBIDDEN").await;
    refused_as(node, &ana_t, DELETE_PROCESS, json!({"id": p["id"]}), "FORBIDDEN").await;
    let spec =
        ok_as(node, &bob_t, SPEC, json!({"n": "pump"})).await["createResourceSpecification"]["resourceSpecification"]
            .clone();
    refused_as(node, &ana_t, UPDATE_SPEC, json!({"r": spec["revisionId"]}), "FORBIDDEN").await;
    refused_as(node, &ana_t, DELETE_SPEC, json!({"r": spec["revisionId"]}), "FORBIDDEN").await;
    // The admin may delete Bob's records.
    assert_eq!(ok_as(node, &admin, DELETE_PROCESS, json!({"id": p["id"]})).await["deleteProcess"], true);
    assert_eq!(
        ok_as(node, &admin, DELETE_SPEC, json!({"r": spec["revisionId"]})).await["deleteResourceSpecification"],
        true
    );
    // An update of an event follows the same rule.
    let spec =
        ok_as(node, &ana_t, SPEC, json!({"n": "steel"})).await["createResourceSpecification"]["resourceSpecification"]
            ["id"]
            .clone();
    let kg = ok_as(node, &ana_t, UNIT, json!({"l": "kg"})).await["createUnit"]["unit"]["id"].clone();
    let raise = "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e, newInventoriedResource: {name: \"stock\"}) { economicEvent { revisionId } economicResource { revisionId } } }";
    let e = json!({"action": "raise", "provider": ana, "receiver": ana, "hasPointInTime": "2026-03-02T09:00:00Z",
                   "resourceConformsTo": spec, "resourceQuantity": {"hasNumericalValue": "5", "hasUnit": kg}});
    let made = ok_as(node, &ana_t, raise, json!({"e": e})).await["createEconomicEvent"].clone();
    let update_event = "mutation($r: ID!) { updateEconomicEvent(event: {revisionId: $r, note: \"n\"}) { economicEvent { revisionId } } }";
    refused_as(node, &bob_t, update_event, json!({"r": made["economicEvent"]["revisionId"]}), "FORBIDDEN").await;
    let update_resource = "mutation($r: ID!) { updateEconomicResource(resource: {revisionId: $r, note: \"n\"}) { economicResource { revisionId } } }";
    refused_as(node, &bob_t, update_resource, json!({"r": made["economicResource"]["revisionId"]}), "FORBIDDEN").await;
    ok_as(node, &ana_t, update_event, json!({"r": made["economicEvent"]["revisionId"]})).await;
    ok_as(node, &ana_t, update_resource, json!({"r": made["economicResource"]["revisionId"]})).await;
}

crate::on_both!(only_the_recorder_or_an_admin_changes_a_record);

/// A record that came from another node is read-only here, even for an admin: only its
/// home node may change it. Nothing is written, and the record stays the origin's.
async fn records_of_another_origin_are_not_editable(backend: Backend) {
    let a = TestNode::spawn_or_sqlite(backend, |_| {}).await;
    let a_did = a.node.app().did().to_string();
    let peer = a.url.clone();
    let b = TestNode::spawn_or_sqlite(backend, |c| {
        c.federation.peers = vec![peer.clone()];
        c.federation.follow = vec![a_did.clone()];
        c.federation.interval_secs = 1;
    })
    .await;
    b.writable().await;
    let unit = a.ok(UNIT, json!({"l": "litre"})).await["createUnit"]["unit"].clone();
    let (id, rev) = (s(&unit["id"]), s(&unit["revisionId"]));
    let deadline = Instant::now() + Duration::from_secs(60);
    while b.ok(READ_UNIT, json!({"id": id})).await["unit"].is_null() {
        assert!(Instant::now() < deadline, "B never received A's unit");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let own_before = feed(&b).await;
    let admin = b.admin_token();
    for (q, vars) in [(UPDATE_UNIT, json!({"r": rev, "l": "pint"})), (DELETE_UNIT, json!({"r": rev}))] {
        let v = refused_as(&b, &admin, q, vars, "FORBIDDEN").await;
        let msg = v["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(msg.contains(&a_did) && msg.contains("only that node"), "{v:#}");
    }
    assert_eq!(feed(&b).await, own_before, "B signed nothing");
    let row = valueflows_node::store::records::get(b.node.app().store().db(), uuid::Uuid::parse_str(&id).expect("id"))
        .await
        .expect("read")
        .expect("held");
    assert_eq!(
        (row.origin.as_str(), row.revision_id.to_string()),
        (a_did.as_str(), rev.clone()),
        "A's record, as A wrote it"
    );
    // At home it may change.
    a.ok(UPDATE_UNIT, json!({"r": rev, "l": "pint"})).await;
    b.stop().await;
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_of_another_origin_are_not_editable_sqlite() {
    records_of_another_origin_are_not_editable(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_of_another_origin_are_not_editable_postgres() {
    records_of_another_origin_are_not_editable(Backend::Postgres).await;
}
