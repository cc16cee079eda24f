//! Exchange: proposals (offers and requests with reciprocal intents, proposed to agents),
//! agreements realized by events, claims settled in parts, appreciations, and the refusals:
//! settlements in the wrong unit, dangling references, deletes of records others use.

use serde_json::{Value, json};
use uuid::Uuid;
use valueflows_node::store::ops;
use vf_tests::{TestNode, error_code};

use crate::flow::{Shop, shop};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}")).to_owned()
}

/// Ids of a connection's nodes, in order.
fn ids(conn: &Value) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges in {conn}"))
        .iter()
        .map(|e| s(&e["node"]["id"]))
        .collect()
}

/// Ids of a plain list's items, sorted.
fn list_ids(list: &Value) -> Vec<String> {
    let mut out: Vec<String> =
        list.as_array().unwrap_or_else(|| panic!("not a list: {list}")).iter().map(|x| s(&x["id"])).collect();
    out.sort();
    out
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Ops in the node's feed: every acknowledged write adds exactly one.
async fn op_count(node: &TestNode) -> u64 {
    let app = node.node.app();
    ops::len(app.store().db(), app.did().as_str()).await.expect("len")
}

/// An intent offered by `provider` or requested by `receiver`, created as a client would.
async fn intent(node: &TestNode, action: &str, provider: Option<&str>, receiver: Option<&str>) -> String {
    let v = node
        .ok(
            "mutation($i: IntentCreateParams!) { createIntent(intent: $i) { intent { id } } }",
            json!({ "i": { "action": action, "provider": provider, "receiver": receiver } }),
        )
        .await;
    v["createIntent"]["intent"]["id"].as_str().expect("intent id").to_owned()
}

async fn proposal(node: &TestNode, params: Value) -> Value {
    let v = node
        .ok(
            "mutation($p: ProposalCreateParams!) { createProposal(proposal: $p) { proposal { id revisionId created } } }",
            json!({ "p": params }),
        )
        .await;
    v["createProposal"]["proposal"].clone()
}

async fn propose_intent(node: &TestNode, proposal: &str, intent: &str, reciprocal: Option<bool>) -> Value {
    node.ok(
        "mutation($p: ID!, $i: ID!, $r: Boolean) { proposeIntent(publishedIn: $p, publishes: $i, reciprocal: $r) {
            proposedIntent { id revisionId reciprocal publishedIn { id } } } }",
        json!({"p": proposal, "i": intent, "r": reciprocal}),
    )
    .await["proposeIntent"]["proposedIntent"]
        .clone()
}

const PAGE: &str =
    "edges { cursor node { id name } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage totalCount }";

async fn offers_and_requests(node: &TestNode) {
    let shop = shop(node).await;
    let farm = shop.coop.clone();
    // An offer as marketplaces publish one: Amina gives a bike repair (primary intent, no
    // receiver yet) and asks for payment in return (reciprocal intent, she receives).
    let repair = intent(node, "deliverService", Some(&shop.amina), None).await;
    let payment = intent(node, "transfer", None, Some(&shop.amina)).await;
    let offer = proposal(
        node,
        json!({"name": "Bike repair", "note": "Saturdays", "unitBased": true, "inScopeOf": [shop.amina]}),
    )
    .await;
    let offer_id = s(&offer["id"]);
    assert!(offer["created"].is_string(), "created defaults to the time of the write");
    let primary = propose_intent(node, &offer_id, &repair, None).await;
    assert_eq!(primary["reciprocal"], false);
    assert_eq!(primary["publishedIn"]["id"], offer_id.as_str());
    let reciprocal = propose_intent(node, &offer_id, &payment, Some(true)).await;
    assert_eq!(reciprocal["reciprocal"], true);
    let to = node
        .ok(
            "mutation($p: ID!, $a: ID!) { proposeTo(proposed: $p, proposedTo: $a) { proposedTo { id proposedTo { id name } proposed { id } } } }",
            json!({"p": offer_id, "a": farm}),
        )
        .await;
    assert_eq!(to["proposeTo"]["proposedTo"]["proposedTo"]["name"], "Farmers' Coop");
    assert_eq!(to["proposeTo"]["proposedTo"]["proposed"]["id"], offer_id.as_str());

    // A request: the coop wants seedlings (it receives; provider open), paying in return.
    let seedlings = intent(node, "transfer", None, Some(&farm)).await;
    let pay = intent(node, "transfer", Some(&farm), None).await;
    let request_id =
        s(&proposal(node, json!({"name": "Seedlings wanted", "hasBeginning": "2020-01-01", "hasEnd": "2020-02-01"}))
            .await["id"]);
    propose_intent(node, &request_id, &seedlings, Some(false)).await;
    propose_intent(node, &request_id, &pay, Some(true)).await;
    // Stated ValueFlows 1.0 purpose wins over the intents; a proposal with no intents and
    // no purpose is neither; mixed primary intents are neither.
    let stated_id = s(&proposal(node, json!({"name": "Tool library", "purpose": "offer"})).await["id"]);
    let empty_id = s(&proposal(node, json!({"name": "Draft"})).await["id"]);
    let mixed_id = s(&proposal(node, json!({"name": "Swap"})).await["id"]);
    propose_intent(node, &mixed_id, &repair, None).await;
    propose_intent(node, &mixed_id, &seedlings, None).await;

    let lists = node
        .ok(
            &format!("{{ offers {{ {PAGE} }} requests {{ {PAGE} }} proposals {{ pageInfo {{ totalCount }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(ids(&lists["offers"]), vec![offer_id.clone(), stated_id.clone()]);
    assert_eq!(ids(&lists["requests"]), vec![request_id.clone()]);
    assert_eq!(lists["offers"]["pageInfo"]["totalCount"], 2);
    assert_eq!(lists["proposals"]["pageInfo"]["totalCount"], 5);

    // The offer as a marketplace reads it.
    let read = node
        .ok(
            "query($id: ID!) { proposal(id: $id) { name note unitBased purpose deletable
                inScopeOf { ... on Person { id } }
                publishes { reciprocal publishedIn { id } }
                publishedTo { proposedTo { id } } } }",
            json!({"id": offer_id}),
        )
        .await;
    let p = &read["proposal"];
    assert_eq!((p["name"].as_str(), p["unitBased"].as_bool()), (Some("Bike repair"), Some(true)));
    assert!(p["purpose"].is_null(), "no purpose stated");
    assert_eq!(p["deletable"], false);
    assert_eq!(p["inScopeOf"][0]["id"], shop.amina.as_str());
    let mut flags: Vec<bool> =
        p["publishes"].as_array().expect("list").iter().map(|x| x["reciprocal"] == true).collect();
    flags.sort();
    assert_eq!(flags, [false, true]);
    assert_eq!(p["publishedTo"][0]["proposedTo"]["id"], farm.as_str());

    // Filters: each alone, then combined (ANDed).
    const F: &str = "query($f: ProposalFilterParams) { proposals(filter: $f) { edges { node { id } } } }";
    let filtered = |v: Value| ids(&v["proposals"]);
    assert_eq!(filtered(node.ok(F, json!({"f": {"isOffer": true}})).await), vec![offer_id.clone(), stated_id.clone()]);
    assert_eq!(filtered(node.ok(F, json!({"f": {"isRequest": true}})).await), vec![request_id.clone()]);
    assert_eq!(
        filtered(node.ok(F, json!({"f": {"isOffer": false, "isRequest": false}})).await),
        vec![empty_id.clone(), mixed_id.clone()]
    );
    assert_eq!(filtered(node.ok(F, json!({"f": {"active": false}})).await), vec![request_id.clone()]);
    assert_eq!(filtered(node.ok(F, json!({"f": {"active": true, "isRequest": true}})).await), Vec::<String>::new());
    assert_eq!(
        filtered(node.ok(F, json!({"f": {"inScopeOf": [shop.amina], "isOffer": true}})).await),
        vec![offer_id.clone()]
    );
    assert_eq!(
        filtered(node.ok(F, json!({"f": {"inScopeOf": [shop.amina], "isRequest": true}})).await),
        Vec::<String>::new()
    );

    // The agents' side.
    const A: &str = "query($id: ID!) { agent(id: $id) {
        proposals { edges { node { id } } }
        found: proposals(filter: {searchString: \"SATURDAY\"}) { edges { node { id } } }
        proposalsInScope { edges { node { id } } }
        proposalsTo { edges { node { id } } } } }";
    let amina = node.ok(A, json!({"id": shop.amina})).await;
    assert_eq!(ids(&amina["agent"]["proposals"]), vec![offer_id.clone(), mixed_id.clone()]);
    assert_eq!(ids(&amina["agent"]["found"]), vec![offer_id.clone()]);
    assert_eq!(ids(&amina["agent"]["proposalsInScope"]), vec![offer_id.clone()]);
    let coop = node.ok(A, json!({"id": farm})).await;
    assert_eq!(ids(&coop["agent"]["proposals"]), vec![request_id.clone(), mixed_id.clone()]);
    assert_eq!(ids(&coop["agent"]["proposalsTo"]), vec![offer_id.clone()]);

    // Stating a purpose on update moves a proposal between the lists; null unstates it.
    const U: &str =
        "mutation($p: ProposalUpdateParams!) { updateProposal(proposal: $p) { proposal { id revisionId purpose } } }";
    let rev = node.ok("query($id: ID!) { proposal(id: $id) { revisionId } }", json!({"id": mixed_id})).await;
    let up = node.ok(U, json!({"p": {"revisionId": rev["proposal"]["revisionId"], "purpose": "request"}})).await;
    assert_eq!(up["updateProposal"]["proposal"]["purpose"], "request");
    let both = node.ok("{ offers { edges { node { id } } } requests { edges { node { id } } } }", json!({})).await;
    assert_eq!(ids(&both["requests"]), vec![request_id.clone(), mixed_id.clone()]);
    let up =
        node.ok(U, json!({"p": {"revisionId": up["updateProposal"]["proposal"]["revisionId"], "purpose": null}})).await;
    assert!(up["updateProposal"]["proposal"]["purpose"].is_null());
    let both = node.ok("{ requests { edges { node { id } } } }", json!({})).await;
    assert_eq!(ids(&both["requests"]), vec![request_id.clone()]);
}

async fn proposal_lists_and_paging(node: &TestNode) {
    let shop = shop(node).await;
    const NONE: &str = "{ offers { pageInfo { totalCount } } requests { edges { node { id } } }
        notRequests: proposals(filter: {isRequest: false}) { pageInfo { totalCount } } }";
    let empty = node.ok(NONE, json!({})).await;
    assert_eq!(empty["offers"]["pageInfo"]["totalCount"], 0);
    assert!(ids(&empty["requests"]).is_empty());
    assert_eq!(empty["notRequests"]["pageInfo"]["totalCount"], 0);
    let mut offers = Vec::new();
    for i in 0..5 {
        offers.push(s(&proposal(node, json!({"name": format!("Price {i}"), "purpose": "offer"})).await["id"]));
    }
    // No request at all: every proposal is "not a request".
    assert_eq!(node.ok(NONE, json!({})).await["notRequests"]["pageInfo"]["totalCount"], 5);
    const Q: &str =
        "query($f: Int, $a: String, $l: Int, $b: String) { offers(first: $f, after: $a, last: $l, before: $b) {
        edges { cursor node { id } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage totalCount } } }";
    let p1 = node.ok(Q, json!({"f": 2})).await;
    assert_eq!(ids(&p1["offers"]), offers[0..2]);
    assert_eq!(p1["offers"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(p1["offers"]["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(p1["offers"]["pageInfo"]["totalCount"], 5);
    let p2 = node.ok(Q, json!({"f": 2, "a": p1["offers"]["pageInfo"]["endCursor"]})).await;
    assert_eq!(ids(&p2["offers"]), offers[2..4]);
    assert_eq!(p2["offers"]["pageInfo"]["hasPreviousPage"], true);
    let last = node.ok(Q, json!({"l": 2})).await;
    assert_eq!(ids(&last["offers"]), offers[3..5]);
    assert_eq!(last["offers"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(last["offers"]["pageInfo"]["hasPreviousPage"], true);
    let back = node.ok(Q, json!({"l": 2, "b": last["offers"]["pageInfo"]["startCursor"]})).await;
    assert_eq!(ids(&back["offers"]), offers[1..3]);
    assert_eq!(back["offers"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(back["offers"]["pageInfo"]["hasPreviousPage"], true);

    // ValueFlows 1.0 proposal lists: a price list proposed to the coop publishes its proposals to it.
    let list = node
        .ok(
            "mutation($l: ProposalListCreateParams!) { createProposalList(proposalList: $l) { proposalList { id revisionId name created proposedTo { id } } } }",
            json!({"l": {"name": "Spring prices", "proposedTo": [shop.coop]}}),
        )
        .await["createProposalList"]["proposalList"]
        .clone();
    assert_eq!(list["proposedTo"][0]["id"], shop.coop.as_str());
    let list_id = s(&list["id"]);
    const U: &str =
        "mutation($p: ProposalUpdateParams!) { updateProposal(proposal: $p) { proposal { listedIn { id name } } } }";
    for id in &offers[0..2] {
        let rev = node.ok("query($id: ID!) { proposal(id: $id) { revisionId } }", json!({"id": id})).await;
        let up = node.ok(U, json!({"p": {"revisionId": rev["proposal"]["revisionId"], "listedIn": [list_id]}})).await;
        assert_eq!(up["updateProposal"]["proposal"]["listedIn"][0]["name"], "Spring prices");
    }
    let read = node
        .ok("query($id: ID!) { proposalList(id: $id) { lists { id } deletable } proposalLists { pageInfo { totalCount } } }", json!({"id": list_id}))
        .await;
    assert_eq!(list_ids(&read["proposalList"]["lists"]), sorted(offers[0..2].to_vec()));
    assert_eq!(read["proposalList"]["deletable"], false);
    assert_eq!(read["proposalLists"]["pageInfo"]["totalCount"], 1);
    let to = node
        .ok("query($id: ID!) { agent(id: $id) { proposalsTo { edges { node { id } } } } }", json!({"id": shop.coop}))
        .await;
    assert_eq!(ids(&to["agent"]["proposalsTo"]), offers[0..2]);
    let v =
        node.gql("mutation($r: ID!) { deleteProposalList(revisionId: $r) }", json!({"r": list["revisionId"]})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "a list with proposals stays: {v:#}");
}

/// An event, recorded; returns its id.
async fn event(node: &TestNode, e: Value) -> String {
    let v = node
        .ok(
            "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }",
            json!({ "e": e }),
        )
        .await;
    s(&v["createEconomicEvent"]["economicEvent"]["id"])
}

async fn eur(node: &TestNode) -> String {
    s(
        &node.ok("mutation { createUnit(unit: {label: \"euro\", symbol: \"EUR\"}) { unit { id } } }", json!({})).await
            ["createUnit"]["unit"]["id"],
    )
}

fn delivery(shop: &Shop, agreement: Option<&str>) -> Value {
    json!({"action": "transfer", "provider": shop.lab, "receiver": shop.coop, "hasPointInTime": "2026-04-01T10:00:00Z",
           "resourceConformsTo": shop.pump, "resourceQuantity": {"hasNumericalValue": 2, "hasUnit": shop.each},
           "realizationOf": agreement})
}

fn payment(shop: &Shop, eur: &str, amount: &str, day: &str) -> Value {
    json!({"action": "transfer", "provider": shop.coop, "receiver": shop.lab, "hasPointInTime": day,
           "resourceClassifiedAs": ["https://www.wikidata.org/wiki/Q4916"],
           "resourceQuantity": {"hasNumericalValue": amount, "hasUnit": eur}})
}

async fn agreement_realized_by_events(node: &TestNode) {
    let shop = shop(node).await;
    let euro = eur(node).await;
    let a = node
        .ok(
            "mutation { createAgreement(agreement: {name: \"Pump sale\", note: \"2 pumps for 300 EUR\", created: \"2026-03-30\"}) { agreement { id revisionId name created } } }",
            json!({}),
        )
        .await["createAgreement"]["agreement"]
        .clone();
    let agreement = s(&a["id"]);
    assert_eq!(a["created"], "2026-03-30T00:00:00.000000Z");
    let goods = event(node, delivery(&shop, Some(&agreement))).await;
    let paid = event(node, payment(&shop, &euro, "300", "2026-04-02T10:00:00Z")).await;
    // The payment joins the agreement afterwards: realizationOf is one of the few fields an event may change.
    let rev = node.ok("query($id: ID!) { economicEvent(id: $id) { revisionId } }", json!({"id": paid})).await;
    let up = node
        .ok(
            "mutation($e: EconomicEventUpdateParams!) { updateEconomicEvent(event: $e) { economicEvent { realizationOf { id name } } } }",
            json!({"e": {"revisionId": rev["economicEvent"]["revisionId"], "realizationOf": agreement}}),
        )
        .await;
    assert_eq!(up["updateEconomicEvent"]["economicEvent"]["realizationOf"]["name"], "Pump sale");
    let read = node
        .ok(
            "query($id: ID!) { agreement(id: $id) { name note deletable
                economicEvents { id } unplannedEconomicEvents { id }
                involvedAgents { edges { node { id } } pageInfo { totalCount } } } }",
            json!({"id": agreement}),
        )
        .await;
    let r = &read["agreement"];
    assert_eq!(list_ids(&r["economicEvents"]), sorted(vec![goods.clone(), paid.clone()]));
    assert_eq!(list_ids(&r["unplannedEconomicEvents"]), sorted(vec![goods.clone(), paid.clone()]));
    assert_eq!(sorted(ids(&r["involvedAgents"])), sorted(vec![shop.lab.clone(), shop.coop.clone()]));
    assert_eq!(r["involvedAgents"]["pageInfo"]["totalCount"], 2);
    assert_eq!(r["deletable"], false);
    let ev = node.ok("query($id: ID!) { economicEvent(id: $id) { realizationOf { id } } }", json!({"id": goods})).await;
    assert_eq!(ev["economicEvent"]["realizationOf"]["id"], agreement.as_str());
    // An agreement events realize is kept; an unused one goes.
    let v = node.gql("mutation($r: ID!) { deleteAgreement(revisionId: $r) }", json!({"r": a["revisionId"]})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
    let spare = node.ok("mutation { createAgreement { agreement { id revisionId deletable } } }", json!({})).await;
    let spare = &spare["createAgreement"]["agreement"];
    assert_eq!(spare["deletable"], true);
    let v = node.ok("mutation($r: ID!) { deleteAgreement(revisionId: $r) }", json!({"r": spare["revisionId"]})).await;
    assert_eq!(v["deleteAgreement"], true);
    let all = node.ok("{ agreements { edges { node { id } } } }", json!({})).await;
    assert_eq!(ids(&all["agreements"]), vec![agreement.clone()]);
    // Renaming keeps the rest.
    let up = node
        .ok(
            "mutation($a: AgreementUpdateParams) { updateAgreement(agreement: $a) { agreement { name note } } }",
            json!({"a": {"revisionId": a["revisionId"], "name": "Pump sale (signed)"}}),
        )
        .await;
    assert_eq!(up["updateAgreement"]["agreement"]["name"], "Pump sale (signed)");
    assert_eq!(up["updateAgreement"]["agreement"]["note"], "2 pumps for 300 EUR");
}

const CLAIM: &str = "mutation($c: ClaimCreateParams!) { createClaim(claim: $c) { claim { id revisionId action { id } triggeredBy { id } due finished
    resourceQuantity { hasNumericalValue hasUnit { symbol } } settledResourceQuantity { hasNumericalValue hasUnit { symbol } } } } }";
const SETTLE: &str = "mutation($s: SettlementCreateParams!) { createSettlement(settlement: $s) { settlement { id revisionId settles { id } settledBy { id } resourceQuantity { hasNumericalValue } } } }";

async fn claim_settled_in_two_parts(node: &TestNode) {
    let shop = shop(node).await;
    let euro = eur(node).await;
    let goods = event(node, delivery(&shop, None)).await;
    let c = node
        .ok(
            CLAIM,
            json!({"c": {"action": "transfer", "triggeredBy": goods, "provider": shop.coop, "receiver": shop.lab,
                         "resourceQuantity": {"hasNumericalValue": "300.000000000000000000000001", "hasUnit": euro},
                         "resourceClassifiedAs": ["https://www.wikidata.org/wiki/Q4916"], "resourceConformsTo": shop.pump,
                         "due": "2026-04-30", "note": "Invoice 17"}}),
        )
        .await["createClaim"]["claim"]
        .clone();
    let claim = s(&c["id"]);
    assert_eq!(c["triggeredBy"]["id"], goods.as_str());
    assert_eq!(c["action"]["id"], "transfer");
    assert_eq!(c["finished"], false);
    assert_eq!(c["settledResourceQuantity"]["hasNumericalValue"], "0");
    assert_eq!(c["settledResourceQuantity"]["hasUnit"]["symbol"], "EUR");

    let first = event(node, payment(&shop, &euro, "120.5", "2026-04-10T10:00:00Z")).await;
    let second = event(node, payment(&shop, &euro, "179.500000000000000000000001", "2026-04-20T10:00:00Z")).await;
    let mut settlements = Vec::new();
    for (by, amount) in [(&first, "120.5"), (&second, "179.500000000000000000000001")] {
        let v = node
            .ok(SETTLE, json!({"s": {"settles": claim, "settledBy": by, "resourceQuantity": {"hasNumericalValue": amount, "hasUnit": euro}}}))
            .await;
        let st = &v["createSettlement"]["settlement"];
        assert_eq!(
            (st["settles"]["id"].as_str(), st["settledBy"]["id"].as_str()),
            (Some(claim.as_str()), Some(by.as_str()))
        );
        assert_eq!(st["resourceQuantity"]["hasNumericalValue"], amount);
        settlements.push(s(&st["id"]));
    }
    let read = node
        .ok(
            "query($id: ID!) { claim(id: $id) { deletable note provider { id } receiver { id } resourceConformsTo { name }
                resourceClassifiedAs
                settledResourceQuantity { hasNumericalValue hasUnit { symbol } } settledEffortQuantity { hasNumericalValue }
                settledBy { edges { node { id } } pageInfo { totalCount } }
                first: settledBy(first: 1) { edges { node { id } } pageInfo { hasNextPage endCursor } }
                last: settledBy(last: 1) { edges { node { id } } pageInfo { hasPreviousPage startCursor } } } }",
            json!({"id": claim}),
        )
        .await;
    let r = &read["claim"];
    assert_eq!(r["settledResourceQuantity"]["hasNumericalValue"], "300.000000000000000000000001");
    assert_eq!(r["settledResourceQuantity"]["hasUnit"]["symbol"], "EUR");
    assert!(r["settledEffortQuantity"].is_null(), "the claim claims no effort");
    assert_eq!(ids(&r["settledBy"]), settlements);
    assert_eq!(r["settledBy"]["pageInfo"]["totalCount"], 2);
    assert_eq!(ids(&r["first"]), settlements[0..1]);
    assert_eq!(r["first"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(ids(&r["last"]), settlements[1..2]);
    assert_eq!(r["last"]["pageInfo"]["hasPreviousPage"], true);
    let before = node
        .ok(
            "query($id: ID!, $b: String) { claim(id: $id) { settledBy(last: 5, before: $b) { edges { node { id } } } } }",
            json!({"id": claim, "b": r["last"]["pageInfo"]["startCursor"]}),
        )
        .await;
    assert_eq!(ids(&before["claim"]["settledBy"]), settlements[0..1]);
    assert_eq!(
        (r["provider"]["id"].as_str(), r["receiver"]["id"].as_str()),
        (Some(shop.coop.as_str()), Some(shop.lab.as_str()))
    );
    assert_eq!(r["resourceConformsTo"]["name"], "Water pump");
    assert_eq!(r["deletable"], false);
    let ev = node
        .ok("query($id: ID!) { economicEvent(id: $id) { settles { id settles { id } } } }", json!({"id": second}))
        .await;
    assert_eq!(ev["economicEvent"]["settles"][0]["id"], settlements[1].as_str());

    // Claims from the agents' and the specification's side, and the filters.
    let coop = node
        .ok(
            "query($id: ID!) { agent(id: $id) { claims { edges { node { id } } } claimsAsProvider { edges { node { id } } }
                claimsAsReceiver { edges { node { id } } } claimsInScope { edges { node { id } } } } }",
            json!({"id": shop.coop}),
        )
        .await;
    assert_eq!(ids(&coop["agent"]["claims"]), vec![claim.clone()]);
    assert_eq!(ids(&coop["agent"]["claimsAsProvider"]), vec![claim.clone()]);
    assert!(ids(&coop["agent"]["claimsAsReceiver"]).is_empty());
    assert!(ids(&coop["agent"]["claimsInScope"]).is_empty());
    let spec = node
        .ok(
            "query($id: ID!) { resourceSpecification(id: $id) { claims { edges { node { id } } } } }",
            json!({"id": shop.pump}),
        )
        .await;
    assert_eq!(ids(&spec["resourceSpecification"]["claims"]), vec![claim.clone()]);
    let other = node
        .ok(CLAIM, json!({"c": {"action": "work", "triggeredBy": first, "receiver": shop.amina, "finished": true, "inScopeOf": [shop.coop],
                                "effortQuantity": {"hasNumericalValue": 2, "hasUnit": shop.hour}, "due": "2026-06-01"}}))
        .await["createClaim"]["claim"]["id"]
        .clone();
    let other = s(&other);
    const F: &str = "query($f: ClaimFilterParams) { claims(filter: $f) { edges { node { id } } } }";
    let claims = |v: Value| ids(&v["claims"]);
    assert_eq!(claims(node.ok(F, json!({"f": null})).await), vec![claim.clone(), other.clone()]);
    assert_eq!(claims(node.ok(F, json!({"f": {"providerId": [shop.coop]}})).await), vec![claim.clone()]);
    assert_eq!(claims(node.ok(F, json!({"f": {"receiverId": [shop.amina]}})).await), vec![other.clone()]);
    assert_eq!(claims(node.ok(F, json!({"f": {"action": ["work"]}})).await), vec![other.clone()]);
    assert_eq!(claims(node.ok(F, json!({"f": {"finished": false}})).await), vec![claim.clone()]);
    assert_eq!(claims(node.ok(F, json!({"f": {"resourceConformsTo": [shop.pump]}})).await), vec![claim.clone()]);
    assert_eq!(
        claims(node.ok(F, json!({"f": {"resourceClassifiedAs": ["https://www.wikidata.org/wiki/Q4916"]}})).await),
        vec![claim.clone()]
    );
    assert_eq!(claims(node.ok(F, json!({"f": {"inScopeOf": [shop.coop]}})).await), vec![other.clone()]);
    assert_eq!(claims(node.ok(F, json!({"f": {"startDate": "2026-05-01"}})).await), vec![other.clone()]);
    assert_eq!(claims(node.ok(F, json!({"f": {"endDate": "2026-05-01"}})).await), vec![claim.clone()]);
    assert_eq!(
        claims(node.ok(F, json!({"f": {"finished": true, "action": ["transfer"]}})).await),
        Vec::<String>::new()
    );
    let scoped = node
        .ok("query($id: ID!) { agent(id: $id) { claimsInScope { edges { node { id } } } } }", json!({"id": shop.coop}))
        .await;
    assert_eq!(ids(&scoped["agent"]["claimsInScope"]), vec![other.clone()]);

    // A settlement can move to the right amount; the total follows.
    let rev = node.ok("query($id: ID!) { settlement(id: $id) { revisionId } }", json!({"id": settlements[0]})).await;
    node.ok(
        "mutation($s: SettlementUpdateParams!) { updateSettlement(settlement: $s) { settlement { id } } }",
        json!({"s": {"revisionId": rev["settlement"]["revisionId"], "resourceQuantity": {"hasNumericalValue": "20.5", "hasUnit": euro}}}),
    )
    .await;
    let total = node.ok("query($id: ID!) { claim(id: $id) { settledResourceQuantity { hasNumericalValue } } settlements { pageInfo { totalCount } } }", json!({"id": claim})).await;
    assert_eq!(total["claim"]["settledResourceQuantity"]["hasNumericalValue"], "200.000000000000000000000001");
    assert_eq!(total["settlements"]["pageInfo"]["totalCount"], 2);
}

async fn wrong_units_and_dangling_refs_write_nothing(node: &TestNode) {
    let shop = shop(node).await;
    let euro = eur(node).await;
    let goods = event(node, delivery(&shop, None)).await;
    let paid = event(node, payment(&shop, &euro, "10", "2026-04-10T10:00:00Z")).await;
    let c = node
        .ok(CLAIM, json!({"c": {"action": "transfer", "triggeredBy": goods, "resourceQuantity": {"hasNumericalValue": 10, "hasUnit": euro}}}))
        .await["createClaim"]["claim"]
        .clone();
    let claim = s(&c["id"]);
    let settled = node
        .ok(SETTLE, json!({"s": {"settles": claim, "settledBy": paid, "resourceQuantity": {"hasNumericalValue": 4, "hasUnit": euro}}}))
        .await["createSettlement"]["settlement"]
        .clone();
    let before = op_count(node).await;

    let refused = |v: &Value, code: &str, field: Option<&str>, why: &str| {
        assert_eq!(error_code(v), Some(code), "{why}: {v:#}");
        if let Some(f) = field {
            assert_eq!(v["errors"][0]["extensions"]["field"], f, "{why}: {v:#}");
        }
        assert!(
            v["data"].is_null() || v["data"].as_object().is_some_and(|d| d.values().all(Value::is_null)),
            "{why}: no data"
        );
    };
    // Settlements in a unit the claim does not count.
    let v = node
        .gql(SETTLE, json!({"s": {"settles": claim, "settledBy": paid, "resourceQuantity": {"hasNumericalValue": 4, "hasUnit": shop.kg}}}))
        .await;
    refused(&v, "VALIDATION", Some("resourceQuantity.hasUnit"), "kg against a EUR claim");
    assert!(
        v["errors"][0]["message"].as_str().is_some_and(|m| m.contains(&shop.kg) && m.contains(&euro)),
        "names both units: {v:#}"
    );
    let v = node
        .gql(SETTLE, json!({"s": {"settles": claim, "settledBy": paid, "effortQuantity": {"hasNumericalValue": 1, "hasUnit": shop.hour}}}))
        .await;
    refused(&v, "VALIDATION", Some("effortQuantity"), "effort against a claim of none");
    let v = node
        .gql(SETTLE, json!({"s": {"settles": claim, "settledBy": paid, "resourceQuantity": {"hasNumericalValue": 4}}}))
        .await;
    refused(&v, "VALIDATION", Some("resourceQuantity.hasUnit"), "no unit");
    let v = node
        .gql(SETTLE, json!({"s": {"settles": claim, "settledBy": paid, "resourceQuantity": {"hasNumericalValue": -4, "hasUnit": euro}}}))
        .await;
    refused(&v, "VALIDATION", Some("resourceQuantity"), "negative");
    let v = node
        .gql(
            "mutation($s: SettlementUpdateParams!) { updateSettlement(settlement: $s) { settlement { id } } }",
            json!({"s": {"revisionId": settled["revisionId"], "resourceQuantity": {"hasNumericalValue": 4, "hasUnit": shop.each}}}),
        )
        .await;
    refused(&v, "VALIDATION", Some("resourceQuantity.hasUnit"), "update into another unit");
    // A claim cannot change unit under its settlements.
    let v = node
        .gql(
            "mutation($c: ClaimUpdateParams!) { updateClaim(claim: $c) { claim { id } } }",
            json!({"c": {"revisionId": c["revisionId"], "resourceQuantity": {"hasNumericalValue": 10, "hasUnit": shop.kg}}}),
        )
        .await;
    refused(&v, "CONFLICT", None, "claim unit under settlements");

    // Dangling references, each refused as NOT_FOUND.
    let nobody = Uuid::now_v7().to_string();
    let cases: Vec<(&str, Value, &str)> = vec![
        (CLAIM, json!({"c": {"action": "transfer", "triggeredBy": nobody}}), "claim on no event"),
        (CLAIM, json!({"c": {"action": "transfer", "triggeredBy": claim}}), "claim triggered by a claim"),
        (CLAIM, json!({"c": {"action": "transfer", "triggeredBy": goods, "provider": nobody}}), "claim from nobody"),
        (SETTLE, json!({"s": {"settles": nobody, "settledBy": paid}}), "settling no claim"),
        (SETTLE, json!({"s": {"settles": claim, "settledBy": nobody}}), "settled by no event"),
        (
            "mutation($a: AppreciationCreateParams!) { createAppreciation(appreciation: $a) { appreciation { id } } }",
            json!({"a": {"appreciationOf": goods, "appreciationWith": nobody}}),
            "appreciation with no event",
        ),
        (
            "mutation($p: ProposalCreateParams!) { createProposal(proposal: $p) { proposal { id } } }",
            json!({"p": {"name": "x", "eligibleLocation": nobody}}),
            "proposal at no place",
        ),
        (
            "mutation($p: ProposalCreateParams!) { createProposal(proposal: $p) { proposal { id } } }",
            json!({"p": {"name": "x", "listedIn": [nobody]}}),
            "proposal in no list",
        ),
        (
            "mutation($p: ID!, $i: ID!) { proposeIntent(publishedIn: $p, publishes: $i) { proposedIntent { id } } }",
            json!({"p": nobody, "i": nobody}),
            "intent into no proposal",
        ),
        (
            "mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }",
            json!({"e": delivery(&shop, Some(&nobody))}),
            "event realizing no agreement",
        ),
    ];
    for (q, vars, why) in cases {
        let v = node.gql(q, vars).await;
        refused(&v, "NOT_FOUND", None, why);
    }
    let p = s(&proposal(node, json!({"name": "Real proposal"})).await["id"]);
    let before_intent = op_count(node).await;
    for (vars, why) in
        [(json!({"p": p, "i": nobody}), "no intent"), (json!({"p": p, "i": goods}), "an event is not an intent")]
    {
        let v = node
            .gql("mutation($p: ID!, $i: ID!) { proposeIntent(publishedIn: $p, publishes: $i) { proposedIntent { id } } }", vars)
            .await;
        refused(&v, "NOT_FOUND", None, why);
    }
    let v = node
        .gql(
            "mutation($p: ID!, $a: ID!) { proposeTo(proposed: $p, proposedTo: $a) { proposedTo { id } } }",
            json!({"p": p, "a": nobody}),
        )
        .await;
    refused(&v, "NOT_FOUND", None, "proposed to nobody");
    let v = node.gql("query($id: ID!) { appreciation(id: $id) { id } }", json!({"id": nobody})).await;
    assert_eq!(error_code(&v), Some("NOT_FOUND"), "appreciation(id:) is non-null: {v:#}");
    assert_eq!(op_count(node).await, before_intent, "nothing written by the refused proposal links");
    // Only the one proposal above was written since the fingerprint.
    assert_eq!(op_count(node).await, before + 1, "refused writes add no op");
    let total = node.ok("query($id: ID!) { claim(id: $id) { resourceQuantity { hasUnit { id } } settledResourceQuantity { hasNumericalValue } settledBy { pageInfo { totalCount } } } }", json!({"id": claim})).await;
    assert_eq!(total["claim"]["settledResourceQuantity"]["hasNumericalValue"], "4");
    assert_eq!(total["claim"]["resourceQuantity"]["hasUnit"]["id"], euro.as_str());
    assert_eq!(total["claim"]["settledBy"]["pageInfo"]["totalCount"], 1);
}

async fn deletes_keep_what_others_use(node: &TestNode) {
    let shop = shop(node).await;
    let euro = eur(node).await;
    let goods = event(node, delivery(&shop, None)).await;
    let paid = event(node, payment(&shop, &euro, "10", "2026-04-10T10:00:00Z")).await;

    // Proposal <- ProposedTo.
    let p = proposal(node, json!({"name": "Seeds"})).await;
    let to = node
        .ok(
            "mutation($p: ID!, $a: ID!) { proposeTo(proposed: $p, proposedTo: $a) { proposedTo { id revisionId deletable } } }",
            json!({"p": p["id"], "a": shop.amina}),
        )
        .await["proposeTo"]["proposedTo"]
        .clone();
    assert_eq!(to["deletable"], true);
    let deletable = |q: &'static str, id: Value| async move {
        node.ok(q, json!({"id": id})).await.as_object().and_then(|o| o.values().next().cloned()).expect("record")["deletable"].clone()
    };
    const PQ: &str = "query($id: ID!) { proposal(id: $id) { deletable } }";
    assert_eq!(deletable(PQ, p["id"].clone()).await, false);
    let v = node.gql("mutation($r: ID!) { deleteProposal(revisionId: $r) }", json!({"r": p["revisionId"]})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
    assert!(
        v["errors"][0]["message"].as_str().is_some_and(|m| m.contains(to["id"].as_str().expect("id"))),
        "names the dependent: {v:#}"
    );
    let v = node.ok("mutation($r: ID!) { deleteProposedTo(revisionId: $r) }", json!({"r": to["revisionId"]})).await;
    assert_eq!(v["deleteProposedTo"], true);
    assert_eq!(deletable(PQ, p["id"].clone()).await, true);
    let v = node.ok("mutation($r: ID!) { deleteProposal(revisionId: $r) }", json!({"r": p["revisionId"]})).await;
    assert_eq!(v["deleteProposal"], true);
    assert!(node.ok(PQ, json!({"id": p["id"]})).await["proposal"].is_null());

    // Proposal <- ProposedIntent -> Intent: the intent cannot go while proposed.
    let p = proposal(node, json!({"name": "Tomatoes"})).await;
    let want = intent(node, "transfer", None, Some(&shop.amina)).await;
    let pi = propose_intent(node, &s(&p["id"]), &want, None).await;
    let v = node.gql("mutation($r: ID!) { deleteProposal(revisionId: $r) }", json!({"r": p["revisionId"]})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
    let v = node.ok("mutation($r: ID!) { deleteProposedIntent(revisionId: $r) }", json!({"r": pi["revisionId"]})).await;
    assert_eq!(v["deleteProposedIntent"], true);
    assert_eq!(deletable(PQ, p["id"].clone()).await, true);

    // Claim <- Settlement.
    let c = node
        .ok(CLAIM, json!({"c": {"action": "transfer", "triggeredBy": goods, "resourceQuantity": {"hasNumericalValue": 10, "hasUnit": euro}}}))
        .await["createClaim"]["claim"]
        .clone();
    let st = node
        .ok(SETTLE, json!({"s": {"settles": c["id"], "settledBy": paid, "resourceQuantity": {"hasNumericalValue": 10, "hasUnit": euro}}}))
        .await["createSettlement"]["settlement"]
        .clone();
    const CQ: &str = "query($id: ID!) { claim(id: $id) { deletable } }";
    assert_eq!(deletable(CQ, c["id"].clone()).await, false);
    let v = node.gql("mutation($r: ID!) { deleteClaim(revisionId: $r) }", json!({"r": c["revisionId"]})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
    let v = node.ok("mutation($r: ID!) { deleteSettlement(revisionId: $r) }", json!({"r": st["revisionId"]})).await;
    assert_eq!(v["deleteSettlement"], true);
    let left = node
        .ok(
            "query($id: ID!) { claim(id: $id) { deletable settledResourceQuantity { hasNumericalValue } } }",
            json!({"id": c["id"]}),
        )
        .await;
    assert_eq!(left["claim"]["deletable"], true);
    assert_eq!(left["claim"]["settledResourceQuantity"]["hasNumericalValue"], "0");
    // With no settlement left, the claim may change unit.
    let up = node
        .ok(
            "mutation($c: ClaimUpdateParams!) { updateClaim(claim: $c) { claim { revisionId resourceQuantity { hasUnit { symbol } } } } }",
            json!({"c": {"revisionId": c["revisionId"], "resourceQuantity": {"hasNumericalValue": 2, "hasUnit": shop.each}}}),
        )
        .await;
    assert_eq!(up["updateClaim"]["claim"]["resourceQuantity"]["hasUnit"]["symbol"], "ea");
    let v = node
        .ok("mutation($r: ID!) { deleteClaim(revisionId: $r) }", json!({"r": up["updateClaim"]["claim"]["revisionId"]}))
        .await;
    assert_eq!(v["deleteClaim"], true);

    // Events are never deleted, so what they refer to stays too (the claim's event, the units).
    let unit = node.ok("query($id: ID!) { unit(id: $id) { revisionId } }", json!({"id": euro})).await;
    let v =
        node.gql("mutation($r: ID!) { deleteUnit(revisionId: $r) }", json!({"r": unit["unit"]["revisionId"]})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
}

async fn appreciations_link_gifts(node: &TestNode) {
    let shop = shop(node).await;
    let help = event(
        node,
        json!({"action": "work", "provider": shop.amina, "receiver": shop.coop, "hasPointInTime": "2026-05-01T08:00:00Z",
               "effortQuantity": {"hasNumericalValue": 3, "hasUnit": shop.hour}}),
    )
    .await;
    let gift = event(
        node,
        json!({"action": "transfer", "provider": shop.coop, "receiver": shop.amina, "hasPointInTime": "2026-05-02T08:00:00Z",
               "resourceClassifiedAs": ["https://example.org/honey"], "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": shop.each}}),
    )
    .await;
    let a = node
        .ok(
            "mutation($a: AppreciationCreateParams!) { createAppreciation(appreciation: $a) { appreciation { id revisionId note deletable appreciationOf { id } appreciationWith { id } } } }",
            json!({"a": {"appreciationOf": help, "appreciationWith": gift, "note": "Thanks for the harvest help"}}),
        )
        .await["createAppreciation"]["appreciation"]
        .clone();
    assert_eq!(
        (a["appreciationOf"]["id"].as_str(), a["appreciationWith"]["id"].as_str()),
        (Some(help.as_str()), Some(gift.as_str()))
    );
    assert_eq!(a["deletable"], true);
    const E: &str = "query($id: ID!) { economicEvent(id: $id) { appreciationOf { id } appreciationWith { id } } }";
    let h = node.ok(E, json!({"id": help})).await;
    assert_eq!(list_ids(&h["economicEvent"]["appreciationOf"]), vec![s(&a["id"])]);
    assert!(list_ids(&h["economicEvent"]["appreciationWith"]).is_empty());
    let g = node.ok(E, json!({"id": gift})).await;
    assert_eq!(list_ids(&g["economicEvent"]["appreciationWith"]), vec![s(&a["id"])]);
    let one = node
        .ok(
            "query($id: ID!) { appreciation(id: $id) { note } appreciations { pageInfo { totalCount } } }",
            json!({"id": a["id"]}),
        )
        .await;
    assert_eq!(one["appreciation"]["note"], "Thanks for the harvest help");
    assert_eq!(one["appreciations"]["pageInfo"]["totalCount"], 1);
    // An event does not appreciate itself.
    let v = node
        .gql(
            "mutation($a: AppreciationUpdateParams!) { updateAppreciation(appreciation: $a) { appreciation { id } } }",
            json!({"a": {"revisionId": a["revisionId"], "appreciationWith": help}}),
        )
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "{v:#}");
    assert_eq!(v["errors"][0]["extensions"]["field"], "appreciationWith");
    let v = node.ok("mutation($r: ID!) { deleteAppreciation(revisionId: $r) }", json!({"r": a["revisionId"]})).await;
    assert_eq!(v["deleteAppreciation"], true);
    let h = node.ok(E, json!({"id": help})).await;
    assert!(list_ids(&h["economicEvent"]["appreciationOf"]).is_empty());
}

crate::on_both!(
    offers_and_requests,
    proposal_lists_and_paging,
    agreement_realized_by_events,
    claim_settled_in_two_parts,
    wrong_units_and_dangling_refs_write_nothing,
    deletes_keep_what_others_use,
    appreciations_link_gifts,
);
