//! The client corpus (`tests/clients/*.graphql`): operations written the way real ValueFlows
//! frontends write them, sent unchanged (whole document, `operationName`, the variables a
//! client would send), and the answers checked for what those clients rely on.
//!
//! Flows that need only the observation-side modules come first; the planning, proposal,
//! agreement, claim, appreciation, recipe and scenario flows follow in their own tests.

use serde_json::{Value, json};
use vf_tests::{TestNode, error_code};

const AGENTS: &str = include_str!("../../clients/agent-directory.graphql");
const UNITS: &str = include_str!("../../clients/units-and-specifications.graphql");
const PROJECTS: &str = include_str!("../../clients/project-lifecycle.graphql");
const ACCOUNTING: &str = include_str!("../../clients/resource-accounting.graphql");
const PROCESSES: &str = include_str!("../../clients/production-process.graphql");
const TRACE: &str = include_str!("../../clients/track-and-trace.graphql");
const BATCHES: &str = include_str!("../../clients/product-batches.graphql");
const HISTORY: &str = include_str!("../../clients/record-history.graphql");

/// One corpus file, sent whole with `operationName` as generated client code does.
pub struct Flow<'a> {
    node: &'a TestNode,
    file: &'static str,
    doc: &'static str,
}

impl<'a> Flow<'a> {
    pub fn new(node: &'a TestNode, file: &'static str, doc: &'static str) -> Flow<'a> {
        Flow { node, file, doc }
    }

    /// The whole response body.
    pub async fn send(&self, op: &str, vars: Value) -> Value {
        self.node
            .http()
            .post(format!("{}/graphql", self.node.url))
            .bearer_auth(&self.node.write_token)
            .json(&json!({ "query": self.doc, "operationName": op, "variables": vars }))
            .send()
            .await
            .expect("sent")
            .json::<Value>()
            .await
            .expect("JSON response")
    }

    /// `data` of an operation that must succeed.
    pub async fn run(&self, op: &str, vars: Value) -> Value {
        let body = self.send(op, vars).await;
        assert!(body.get("errors").is_none(), "{}: {op} failed: {body:#}", self.file);
        body["data"].clone()
    }

    /// The error code of an operation that must fail, after checking it wrote nothing back.
    pub async fn refused(&self, op: &str, vars: Value) -> String {
        let body = self.send(op, vars).await;
        assert!(body.get("errors").is_some(), "{}: {op} should have failed: {body:#}", self.file);
        error_code(&body).unwrap_or("").to_owned()
    }
}

/// The string at `v`.
pub fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}")).to_owned()
}

/// The `id`s of a plain list of records.
pub fn list_ids(v: &Value) -> Vec<String> {
    v.as_array().unwrap_or_else(|| panic!("expected a list, got {v}")).iter().map(|x| s(&x["id"])).collect()
}

/// The node `id`s of a connection.
pub fn node_ids(v: &Value) -> Vec<String> {
    v["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("expected a connection, got {v}"))
        .iter()
        .map(|e| s(&e["node"]["id"]))
        .collect()
}

/// The `(__typename, id)` pairs of a union list.
fn typed(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected a list, got {v}"))
        .iter()
        .map(|x| (s(&x["__typename"]), x["id"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

fn has(items: &[(String, String)], typename: &str, id: &str) -> bool {
    items.iter().any(|(t, i)| t == typename && i == id)
}

/// The units and agents most flows start from, created through the
/// corpus's own setup operations.
pub struct Base {
    pub me: String,
    pub kg: String,
    pub hour: String,
    pub each: String,
    pub alice: String,
    pub bob: String,
    pub coop: String,
}

pub async fn base(node: &TestNode) -> Base {
    let units = Flow::new(node, "units-and-specifications", UNITS);
    let agents = Flow::new(node, "agent-directory", AGENTS);
    let me = s(&node.ok("{ myAgent { id } }", json!({})).await["myAgent"]["id"]);
    let u = units
        .run(
            "SetUpUnits",
            json!({"mass": {"label": "kilogram", "symbol": "kg"}, "time": {"label": "hour", "symbol": "h"},
                   "count": {"label": "one", "symbol": "ea"}}),
        )
        .await;
    let people = agents.run("RegisterPeople", json!({"first": {"name": "Alice"}, "second": {"name": "Bob"}})).await;
    let coop = agents.run("RegisterOrganization", json!({"organization": {"name": "Coop"}})).await;
    Base {
        me,
        kg: s(&u["mass"]["unit"]["id"]),
        hour: s(&u["time"]["unit"]["id"]),
        each: s(&u["count"]["unit"]["id"]),
        alice: s(&people["one"]["agent"]["id"]),
        bob: s(&people["two"]["agent"]["id"]),
        coop: s(&coop["createOrganization"]["agent"]["id"]),
    }
}

/// A resource specification, through the corpus.
pub async fn resource_spec(node: &TestNode, name: &str, unit: Option<&str>) -> String {
    let v = Flow::new(node, "units-and-specifications", UNITS)
        .run("DefineResourceSpecification", json!({"spec": {"name": name, "defaultUnitOfResource": unit}}))
        .await;
    s(&v["createResourceSpecification"]["resourceSpecification"]["id"])
}

/// A process specification, through the corpus.
pub async fn process_spec(node: &TestNode, name: &str) -> String {
    let v = Flow::new(node, "units-and-specifications", UNITS)
        .run("DefineProcessSpecification", json!({"spec": {"name": name}}))
        .await;
    s(&v["createProcessSpecification"]["processSpecification"]["id"])
}

/// Records one event (and maybe a new resource) with the whole-variable operation;
/// returns `createEconomicEvent`.
pub async fn record(node: &TestNode, event: Value, resource: Value) -> Value {
    Flow::new(node, "resource-accounting", ACCOUNTING)
        .run("RecordEvent", json!({"event": event, "newInventoriedResource": resource}))
        .await["createEconomicEvent"]
        .clone()
}

/// Raises `qty` of `spec` in `unit` for `agent` into a new resource; returns its id.
pub async fn raise(node: &TestNode, agent: &str, spec: &str, qty: Value, unit: &str, name: &str) -> String {
    let v = record(
        node,
        json!({"action": "raise", "provider": agent, "receiver": agent, "hasPointInTime": "2026-01-05T08:00:00.000Z",
               "resourceConformsTo": spec, "resourceQuantity": {"hasNumericalValue": qty, "hasUnit": unit}}),
        json!({"name": name}),
    )
    .await;
    s(&v["economicResource"]["id"])
}

// ----- agents ------------------------------------------------------------------------------

async fn agent_directory(node: &TestNode) {
    let f = Flow::new(node, "agent-directory", AGENTS);
    let me = s(&node.ok("{ myAgent { id } }", json!({})).await["myAgent"]["id"]);
    let reg = f
        .run(
            "RegisterPeople",
            json!({"first": {"name": "Alice", "image": "https://example.org/alice.png", "note": "Alice is the first person"},
                   "second": {"name": "Bob", "image": "https://example.org/bob.png", "note": "Bob is the second person"}}),
        )
        .await;
    let alice = s(&reg["one"]["agent"]["id"]);
    let alice_rev = s(&reg["one"]["agent"]["revisionId"]);
    let bob = s(&reg["two"]["agent"]["id"]);
    let bob_rev = s(&reg["two"]["agent"]["revisionId"]);
    assert_eq!(reg["two"]["agent"]["name"], "Bob");
    assert_ne!(alice, bob);

    // Coordinates arrive as JSON numbers and come back as exact decimal strings.
    let place = f
        .run(
            "CreateHomePlace",
            json!({"name": "Alice's workshop", "addr": "Via Roma 1, Milano", "lat": 45.4642035, "lng": 9.189982}),
        )
        .await["createSpatialThing"]["spatialThing"]
        .clone();
    assert_eq!(place["lat"], "45.4642035");
    assert_eq!(place["long"], "9.189982");
    let place = s(&place["id"]);

    let makerspace = "https://example.org/class/makerspace";
    let org = f
        .run(
            "RegisterOrganization",
            json!({"organization": {"name": "Fab Lab", "note": "Open every day", "classifiedAs": [makerspace],
                                     "primaryLocation": place}}),
        )
        .await["createOrganization"]["agent"]
        .clone();
    assert_eq!(org["classifiedAs"], json!([makerspace]));
    assert_eq!(org["primaryLocation"]["id"], place.as_str());
    let org = s(&org["id"]);

    // An update keyed by revisionId changes what it names and keeps the rest.
    let upd = f
        .run(
            "UpdateProfile",
            json!({"person": {"revisionId": alice_rev, "note": "Maker of pumps", "primaryLocation": place}}),
        )
        .await["updatePerson"]["agent"]
        .clone();
    assert_eq!(upd["id"], alice.as_str());
    assert_ne!(upd["revisionId"], alice_rev.as_str());
    assert_eq!(upd["name"], "Alice");
    assert_eq!(upd["image"], "https://example.org/alice.png");
    assert_eq!(upd["note"], "Maker of pumps");
    assert_eq!(upd["primaryLocation"]["mappableAddress"], "Via Roma 1, Milano");

    let card = f.run("ProfileCard", json!({"id": alice})).await;
    assert_eq!(card["person"]["primaryLocation"]["lat"], "45.4642035");
    assert_eq!(card["person"]["note"], "Maker of pumps");

    let d = f.run("AgentDetail", json!({"id": org})).await["agent"].clone();
    assert_eq!(d["__typename"], "Organization");
    assert_eq!(d["classifiedAs"], json!([makerspace]));
    assert_eq!(d["primaryLocation"]["name"], "Alice's workshop");
    let d = f.run("AgentDetail", json!({"id": alice})).await["agent"].clone();
    assert_eq!(d["__typename"], "Person");
    assert!(d.get("classifiedAs").is_none());

    // The node's own organization, two people and the lab, two at a time.
    let p1 = f.run("AgentDirectory", json!({"first": 2})).await["agents"].clone();
    assert_eq!(p1["pageInfo"]["totalCount"], 4);
    assert_eq!(p1["pageInfo"]["pageLimit"], 2);
    assert_eq!(p1["pageInfo"]["hasNextPage"], true);
    assert_eq!(p1["pageInfo"]["hasPreviousPage"], false);
    let p2 = f.run("AgentDirectory", json!({"first": 2, "after": p1["pageInfo"]["endCursor"]})).await["agents"].clone();
    assert_eq!(p2["pageInfo"]["hasNextPage"], false);
    assert_eq!(p2["pageInfo"]["hasPreviousPage"], true);
    let mut everyone = node_ids(&p1);
    everyone.extend(node_ids(&p2));
    for id in [&me, &alice, &bob, &org] {
        assert!(everyone.contains(id), "{id} is listed: {everyone:?}");
    }
    let last_edge = p2["edges"].as_array().expect("edges").last().expect("an edge").clone();
    assert_eq!(last_edge["cursor"], p2["pageInfo"]["endCursor"]);
    assert_eq!(
        p1["edges"].as_array().expect("edges").iter().filter(|e| e["node"]["__typename"] == "Person").count()
            + p2["edges"].as_array().expect("edges").iter().filter(|e| e["node"]["__typename"] == "Person").count(),
        2
    );

    // From the end: Bob, then before him Alice.
    let end = f.run("PeopleFromTheEnd", json!({"last": 1})).await["people"].clone();
    assert_eq!(node_ids(&end), [bob.as_str()]);
    assert_eq!(end["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(end["pageInfo"]["hasNextPage"], false);
    let before =
        f.run("PeopleFromTheEnd", json!({"last": 1, "before": end["pageInfo"]["startCursor"]})).await["people"].clone();
    assert_eq!(node_ids(&before), [alice.as_str()]);
    assert_eq!(before["pageInfo"]["hasPreviousPage"], false);

    let labs = f.run("OrganizationsClassifiedAs", json!({"classes": [makerspace]})).await;
    assert_eq!(node_ids(&labs["organizations"]), [org.as_str()]);

    let role = f
        .run("DefineMembership", json!({"role": {"roleLabel": "member of", "inverseRoleLabel": "has member"}}))
        .await["createAgentRelationshipRole"]["agentRelationshipRole"]
        .clone();
    let joined = f
        .run(
            "JoinOrganization",
            json!({"relationship": {"subject": alice, "object": org, "relationship": role["id"], "note": "since 2024"}}),
        )
        .await["createAgentRelationship"]["agentRelationship"]
        .clone();
    assert_eq!(joined["subject"]["id"], alice.as_str());
    assert_eq!(joined["object"]["id"], org.as_str());
    let members = f.run("Members", json!({"id": org})).await["organization"]["relationshipsAsObject"].clone();
    let edges = members["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"]["subject"]["name"], "Alice");
    assert_eq!(edges[0]["node"]["relationship"]["roleLabel"], "member of");
    assert_eq!(edges[0]["node"]["relationship"]["inverseRoleLabel"], "has member");

    let who = f.run("WhoAmI", json!({})).await["myAgent"].clone();
    assert_eq!(who["id"], me.as_str());
    assert_eq!(who["meta"]["retrievedRevision"]["id"], who["revisionId"]);
    assert!(who["meta"]["retrievedRevision"]["time"].is_string());

    // A deleted person is gone: the reference types `person(id:)` as nullable.
    assert_eq!(f.run("RemovePerson", json!({"revisionId": bob_rev})).await["deletePerson"], true);
    assert!(f.run("ProfileCard", json!({"id": bob})).await["person"].is_null());
}

// ----- units, specifications, actions -----------------------------------------------------

async fn units_specifications_and_actions(node: &TestNode) {
    let f = Flow::new(node, "units-and-specifications", UNITS);
    let u = f
        .run(
            "SetUpUnits",
            json!({"mass": {"label": "kilgrams", "symbol": "kig"}, "time": {"label": "hour", "symbol": "h"},
                   "count": {"label": "one", "symbol": "ea"}}),
        )
        .await;
    let kg = s(&u["mass"]["unit"]["id"]);
    let h = s(&u["time"]["unit"]["id"]);
    assert_eq!(u["count"]["unit"]["symbol"], "ea");
    let fixed = f
        .run(
            "CorrectUnit",
            json!({"unit": {"revisionId": u["mass"]["unit"]["revisionId"], "label": "kilograms", "symbol": "kg"}}),
        )
        .await["updateUnit"]["unit"]
        .clone();
    assert_eq!(fixed["id"], kg.as_str());
    assert_ne!(fixed["revisionId"], u["mass"]["unit"]["revisionId"]);
    assert_eq!(fixed["label"], "kilograms");
    assert_eq!(fixed["symbol"], "kg");

    let p1 = f.run("UnitCatalogue", json!({"first": 2})).await["units"].clone();
    assert_eq!(p1["pageInfo"]["totalCount"], 3);
    assert_eq!(p1["pageInfo"]["hasNextPage"], true);
    let p2 = f.run("UnitCatalogue", json!({"first": 2, "after": p1["pageInfo"]["endCursor"]})).await["units"].clone();
    assert_eq!(p2["pageInfo"]["hasNextPage"], false);
    let mut all = node_ids(&p1);
    all.extend(node_ids(&p2));
    assert_eq!(all.len(), 3);
    assert!(all.contains(&kg) && all.contains(&h));

    let apple = "http://www.productontology.org/doc/Apple.ttl";
    let spec = f
        .run(
            "DefineResourceSpecification",
            json!({"spec": {"name": "Apples", "note": "Any variety", "defaultUnitOfResource": kg, "defaultUnitOfEffort": h,
                            "resourceClassifiedAs": [apple], "substitutable": true}}),
        )
        .await["createResourceSpecification"]["resourceSpecification"]
        .clone();
    assert_eq!(spec["defaultUnitOfResource"]["symbol"], "kg");
    assert_eq!(spec["defaultUnitOfEffort"]["symbol"], "h");
    assert_eq!(spec["resourceClassifiedAs"], json!([apple]));
    assert_eq!(spec["substitutable"], true);
    let apples = s(&spec["id"]);
    let pressing = f
        .run("DefineProcessSpecification", json!({"spec": {"name": "Pressing", "note": "Apples into juice"}}))
        .await["createProcessSpecification"]["processSpecification"]
        .clone();
    assert_eq!(pressing["note"], "Apples into juice");

    let renamed = f
        .run(
            "RenameResourceSpecification",
            json!({"spec": {"revisionId": spec["revisionId"], "note": "Eating apples"}}),
        )
        .await["updateResourceSpecification"]["resourceSpecification"]
        .clone();
    assert_eq!(renamed["name"], "Apples");
    assert_eq!(renamed["note"], "Eating apples");
    assert_eq!(renamed["defaultUnitOfResource"]["symbol"], "kg");

    let cat = f.run("Catalogue", json!({})).await;
    assert_eq!(node_ids(&cat["resourceSpecifications"]), [apples.as_str()]);
    assert_eq!(node_ids(&cat["processSpecifications"]), [s(&pressing["id"])]);

    let detail = f.run("ResourceSpecificationDetail", json!({"id": apples})).await["resourceSpecification"].clone();
    assert_eq!(detail["defaultUnitOfResource"]["label"], "kilograms");
    assert_eq!(detail["defaultUnitOfEffort"]["label"], "hour");
    assert_eq!(detail["conformingResources"]["edges"], json!([]));
    assert_eq!(detail["economicEvents"]["edges"], json!([]));

    // The action list, and one action looked up as hREA's test of built-in actions does.
    let actions = f.run("ActionVocabulary", json!({})).await["actions"].clone();
    let ids: Vec<String> = actions.as_array().expect("list").iter().map(|a| s(&a["id"])).collect();
    for verb in [
        "accept", "cite", "consume", "dropoff", "lower", "modify", "move", "pickup", "produce", "raise", "transfer",
        "use", "work",
    ] {
        assert!(ids.iter().any(|i| i == verb), "action {verb} listed: {ids:?}");
    }
    let raise = f.run("ActionDetail", json!({"id": "raise"})).await["action"].clone();
    assert_eq!(
        raise,
        json!({"id": "raise", "label": "raise", "resourceEffect": "increment", "onhandEffect": "increment",
               "inputOutput": "notApplicable", "pairsWith": "notApplicable"})
    );
    let accept = f.run("ActionDetail", json!({"id": "accept"})).await["action"].clone();
    assert_eq!(accept["pairsWith"], "modify");
    assert_eq!(accept["inputOutput"], "input");
    // Kebab-case ids are understood; the answer carries the ValueFlows 1.0 id.
    let custody = f.run("ActionDetail", json!({"id": "transfer-custody"})).await["action"].clone();
    assert_eq!(custody["id"], "transferCustody");
    assert_eq!(custody["label"], "transfer custody");
    assert_eq!(custody["onhandEffect"], "decrementIncrement");
    assert_eq!(custody["resourceEffect"], "noEffect");
    assert!(f.run("ActionDetail", json!({"id": "fly"})).await["action"].is_null());
}

// ----- projects (a project-sharing frontend) ------------------------------------------------

async fn project_lifecycle(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "project-lifecycle", PROJECTS);
    let design = resource_spec(node, "Design", Some(&b.each)).await;
    let (maria, luca) = (b.alice.clone(), b.bob.clone());
    let created = "2026-03-02T10:15:30.123Z";
    let tags = json!(["https://example.org/tag/pump", "urn:tag:open-hardware"]);

    let p1 = s(
        &f.run("CreateProjectProcess", json!({"name": "creation of Water pump by Alice"})).await["createProcess"]["process"]
            ["id"],
    );
    let milano = f
        .run(
            "CreateProjectLocation",
            json!({"name": "Fab Lab Milano", "addr": "Via Roma 1, Milano", "lat": 45.4642035, "lng": 9.189982}),
        )
        .await["createSpatialThing"]["spatialThing"]
        .clone();
    let milano = s(&milano["id"]);
    let made = f
        .run(
            "CreateProject",
            json!({"name": "Water pump", "note": "An open hardware pump", "agent": maria, "creationTime": created,
                   "location": milano, "tags": tags, "resourceSpec": design, "oneUnit": b.each, "process": p1}),
        )
        .await["createEconomicEvent"]
        .clone();
    assert_eq!(made["economicEvent"]["action"]["id"], "produce");
    let project = s(&made["economicResource"]["id"]);
    assert_eq!(made["economicEvent"]["resourceInventoriedAs"]["id"], project.as_str());
    assert_eq!(made["economicEvent"]["resourceInventoriedAs"]["name"], "Water pump");

    let page = f.run("Project", json!({"id": project})).await["economicResource"].clone();
    assert_eq!(page["name"], "Water pump");
    assert_eq!(page["note"], "An open hardware pump");
    assert_eq!(page["classifiedAs"], tags);
    assert_eq!(page["conformsTo"]["id"], design.as_str());
    assert_eq!(page["onhandQuantity"]["hasNumericalValue"], "1");
    assert_eq!(page["onhandQuantity"]["hasUnit"]["symbol"], "ea");
    assert_eq!(page["accountingQuantity"]["hasNumericalValue"], "1");
    assert_eq!(page["primaryAccountable"]["id"], maria.as_str());
    assert_eq!(page["currentLocation"]["id"], milano.as_str());
    assert_eq!(page["currentLocation"]["lat"], "45.4642035");
    let trace = typed(&page["trace"]);
    assert!(has(&trace, "Process", &p1), "the project's trace shows its creation process: {trace:?}");
    let produced_at = page["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .find(|i| i["__typename"] == "EconomicEvent")
        .expect("the produce event")["hasPointInTime"]
        .clone();
    // The instant sent, written back in UTC with microseconds.
    assert_eq!(produced_at, "2026-03-02T10:15:30.123000Z");

    // A fork: cite the original and produce the fork in one request.
    let p2 =
        s(&f.run("CreateProjectProcess", json!({"name": "creation of Water pump fork by Bob"})).await["createProcess"]
            ["process"]["id"]);
    let fork = f
        .run(
            "ForkProject",
            json!({"agent": luca, "creationTime": "2026-03-03T08:00:00.000Z", "resource": project, "process": p2,
                   "unitOne": b.each, "tags": tags, "location": null, "spec": design, "name": "Water pump fork", "note": null}),
        )
        .await;
    let fork_id = s(&fork["produce"]["economicEvent"]["resourceInventoriedAs"]["id"]);
    let cited = f.run("CitedResources", json!({"process": p2})).await["process"]["observedInputs"].clone();
    assert_eq!(list_ids(&cited), [s(&fork["cite"]["economicEvent"]["id"])]);
    assert_eq!(cited[0]["action"]["label"], "cite");
    assert_eq!(cited[0]["resourceInventoriedAs"]["id"], project.as_str());
    assert_eq!(cited[0]["resourceInventoriedAs"]["conformsTo"]["name"], "Design");
    let fork_trace = typed(&f.run("Project", json!({"id": fork_id})).await["economicResource"]["trace"]);
    assert!(has(&fork_trace, "Process", &p2), "{fork_trace:?}");
    // The project page selects no resource fields in `trace`; a provenance view that does
    // sees the original among the fork's sources.
    let sources = typed(
        &Flow::new(node, "track-and-trace", TRACE).run("ResourceProvenance", json!({"id": fork_id})).await["economicResource"]
            ["trace"],
    );
    assert!(has(&sources, "EconomicResource", &project), "the fork traces back to the original: {sources:?}");
    // Citing takes nothing away.
    assert_eq!(
        f.run("Project", json!({"id": project})).await["economicResource"]["onhandQuantity"]["hasNumericalValue"],
        "1"
    );

    let work = f
        .run(
            "ContributeToProject",
            json!({"agent": luca, "owner": maria, "creationTime": "2026-03-04T09:00:00.000Z", "process": p1,
                   "hour": b.hour, "conformsTo": design}),
        )
        .await;
    assert_eq!(work["createEconomicEvent"]["economicEvent"]["effortQuantity"]["hasNumericalValue"], "1.5");
    assert_eq!(work["createEconomicEvent"]["economicEvent"]["effortQuantity"]["hasUnit"]["symbol"], "h");

    // Metadata update: accept then modify the same quantity, the project stays whole.
    let p3 = s(
        &f.run("CreateProjectProcess", json!({"name": "update of Water pump"})).await["createProcess"]["process"]["id"],
    );
    let one = json!({"hasNumericalValue": 1, "hasUnit": b.each});
    let upd = f
        .run(
            "UpdateProjectMetadata",
            json!({"process": p3, "agent": maria, "resource": project, "quantity": one, "now": "2026-03-05T09:00:00.000Z"}),
        )
        .await;
    assert_eq!(upd["modify"]["economicEvent"]["resourceInventoriedAs"]["onhandQuantity"]["hasNumericalValue"], "1");

    // Moving it: pickup then dropoff at the new place.
    let torino = s(&f
        .run(
            "CreateProjectLocation",
            json!({"name": "Makerspace Torino", "addr": "Via Po 2, Torino", "lat": "45.0703", "lng": 7.6869}),
        )
        .await["createSpatialThing"]["spatialThing"]["id"]);
    let p4 = s(
        &f.run("CreateProjectProcess", json!({"name": "relocation of Water pump"})).await["createProcess"]["process"]["id"],
    );
    let moved = f
        .run(
            "RelocateProject",
            json!({"process": p4, "agent": maria, "resource": project, "quantity": one,
                   "now": "2026-03-06T09:00:00.000Z", "location": torino}),
        )
        .await;
    assert_eq!(moved["dropoff"]["economicEvent"]["resourceInventoriedAs"]["currentLocation"]["id"], torino.as_str());
    let page = f.run("Project", json!({"id": project})).await["economicResource"].clone();
    assert_eq!(page["onhandQuantity"]["hasNumericalValue"], "1");
    assert_eq!(page["currentLocation"]["name"], "Makerspace Torino");

    // Handing it over to Bob creates his copy of the record.
    let given = f
        .run(
            "TransferProject",
            json!({"resource": project, "name": "Water pump (Bob)", "note": "Handed over", "provider": maria, "agent": luca,
                   "creationTime": "2026-03-07T09:00:00.000Z", "tags": ["https://example.org/tag/pump"], "oneUnit": b.each}),
        )
        .await["createEconomicEvent"]["economicEvent"]["toResourceInventoriedAs"]
        .clone();
    let transferred = s(&given["id"]);
    assert_eq!(given["name"], "Water pump (Bob)");
    assert_eq!(given["primaryAccountable"]["id"], luca.as_str());
    assert_eq!(given["conformsTo"]["id"], design.as_str());
    let page = f.run("Project", json!({"id": project})).await["economicResource"].clone();
    assert_eq!(page["accountingQuantity"]["hasNumericalValue"], "0");
    assert_eq!(page["onhandQuantity"]["hasNumericalValue"], "0");
    let timeline = f.run("ProjectTimeline", json!({"id": transferred})).await["economicResource"]["trace"].clone();
    let actions: Vec<String> = timeline
        .as_array()
        .expect("trace")
        .iter()
        .filter(|i| i["__typename"] == "EconomicEvent")
        .map(|i| s(&i["action"]["id"]))
        .collect();
    assert!(actions.contains(&"transfer".to_owned()) && actions.contains(&"produce".to_owned()), "{actions:?}");

    let retag = json!(["https://example.org/tag/pump", "https://example.org/tag/manufacturable"]);
    let retagged = f
        .run("RetagProject", json!({"revisionId": page["revisionId"], "classifiedAs": retag}))
        .await["updateEconomicResource"]["economicResource"]
        .clone();
    assert_eq!(retagged["id"], project.as_str());
    assert_eq!(retagged["classifiedAs"], retag);
    assert_ne!(retagged["revisionId"], page["revisionId"]);

    // The inventory, two at a time, then the last one from the end.
    let inv1 = f.run("Inventory", json!({"first": 2})).await["economicResources"].clone();
    assert_eq!(inv1["pageInfo"]["totalCount"], 3);
    assert_eq!(inv1["pageInfo"]["hasNextPage"], true);
    let inv2 =
        f.run("Inventory", json!({"first": 2, "after": inv1["pageInfo"]["endCursor"]})).await["economicResources"]
            .clone();
    let mut all = node_ids(&inv1);
    all.extend(node_ids(&inv2));
    assert_eq!(all, [project.clone(), fork_id.clone(), transferred.clone()]);
    let bob_copy = inv2["edges"][0]["node"].clone();
    assert_eq!(bob_copy["primaryAccountable"]["name"], "Bob");
    assert_eq!(bob_copy["accountingQuantity"]["hasUnit"]["symbol"], "ea");
    let tail = f.run("Inventory", json!({"last": 1})).await["economicResources"].clone();
    assert_eq!(node_ids(&tail), [transferred.as_str()]);
    assert_eq!(tail["pageInfo"]["hasPreviousPage"], true);

    let owned =
        f.run("OwnedProjects", json!({"agent": luca, "tag": null})).await["agent"]["inventoriedEconomicResources"]
            .clone();
    assert_eq!(node_ids(&owned), [fork_id.clone(), transferred.clone()]);
    let open = f.run("OwnedProjects", json!({"agent": luca, "tag": "urn:tag:open-hardware"})).await["agent"]
        ["inventoriedEconomicResources"]
        .clone();
    assert_eq!(node_ids(&open), [fork_id]);
}

// ----- resource accounting (a Holochain ledger client) --------------------------------------

async fn resource_accounting(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "resource-accounting", ACCOUNTING);
    let agents = Flow::new(node, "agent-directory", AGENTS);
    let apples = resource_spec(node, "Apples", Some(&b.kg)).await;
    let grower = b.alice.clone();
    let market = b.coop.clone();
    let cold = s(&agents
        .run("CreateHomePlace", json!({"name": "Cold store", "addr": "2 Dock Road", "lat": "51.5", "lng": "-0.12"}))
        .await["createSpatialThing"]["spatialThing"]["id"]);
    let apple = "http://www.productontology.org/doc/Apple.ttl";
    let kg = |n: Value| json!({"hasNumericalValue": n, "hasUnit": b.kg});
    let ev = |action: &str, at: &str, qty: Value| json!({"action": action, "provider": grower, "receiver": grower, "hasPointInTime": at, "resourceQuantity": kg(qty)});
    let with = |mut e: Value, extra: Value| {
        for (k, v) in extra.as_object().expect("object") {
            e[k] = v.clone();
        }
        e
    };

    let first = f
        .run(
            "RecordEvent",
            json!({"event": with(ev("raise", "2019-11-19T12:12:42.739+01:00", json!(8)),
                                 json!({"note": "test resource instantiation event", "resourceClassifiedAs": [apple]})),
                   "newInventoriedResource": {"name": "Apples", "note": "test resource observed in inventory", "conformsTo": apples}}),
        )
        .await["createEconomicEvent"]
        .clone();
    // The zone offset is kept as the same instant, written in UTC.
    assert_eq!(first["economicEvent"]["hasPointInTime"], "2019-11-19T11:12:42.739000Z");
    assert_eq!(first["economicEvent"]["resourceQuantity"]["hasNumericalValue"], "8");
    assert_eq!(first["economicEvent"]["resourceQuantity"]["hasUnit"]["id"], b.kg.as_str());
    assert_eq!(first["economicEvent"]["action"]["id"], "raise");
    assert_eq!(first["economicResource"]["conformsTo"]["id"], apples.as_str());
    assert_eq!(first["economicResource"]["classifiedAs"], json!([apple]));
    let src = s(&first["economicResource"]["id"]);
    assert_eq!(first["economicEvent"]["resourceInventoriedAs"]["id"], src.as_str());

    let dest = f
        .run(
            "RecordEvent",
            json!({"event": with(ev("raise", "2019-11-19T11:20:00.000Z", json!(0)), json!({"resourceConformsTo": apples})),
                   "newInventoriedResource": {"note": "destination resource for move target"}}),
        )
        .await;
    let dest = s(&dest["createEconomicEvent"]["economicResource"]["id"]);

    let balance = |id: String| async move {
        let r = Flow::new(node, "resource-accounting", ACCOUNTING).run("ResourceBalance", json!({"id": id})).await;
        r["economicResource"].clone()
    };
    let qty =
        |r: &Value| (s(&r["accountingQuantity"]["hasNumericalValue"]), s(&r["onhandQuantity"]["hasNumericalValue"]));

    let moved = f
        .run(
            "RecordEvent",
            json!({"event": with(ev("move", "2019-11-19T11:30:00.000Z", json!(1)),
                                 json!({"resourceInventoriedAs": src, "toResourceInventoriedAs": dest, "toLocation": cold}))}),
        )
        .await["createEconomicEvent"]["economicEvent"]
        .clone();
    assert_eq!(moved["toResourceInventoriedAs"]["id"], dest.as_str());
    assert_eq!(qty(&balance(src.clone()).await), ("7".into(), "7".into()));
    let d = balance(dest.clone()).await;
    assert_eq!(qty(&d), ("1".into(), "1".into()));
    assert_eq!(d["currentLocation"]["name"], "Cold store");

    let on_src = |e: Value| with(e, json!({"resourceInventoriedAs": src}));
    f.run("RecordEvent", json!({"event": on_src(ev("raise", "2019-11-19T12:00:00.000Z", json!(8)))})).await;
    f.run("RecordEvent", json!({"event": on_src(ev("lower", "2019-11-19T12:30:00.000Z", json!(2)))})).await;
    assert_eq!(qty(&balance(src.clone()).await), ("13".into(), "13".into()));

    // Kebab-case actions, as hREA and Bonfire send them.
    let custody = f
        .run(
            "RecordEvent",
            json!({"event": on_src(with(ev("transfer-custody", "2019-11-20T08:00:00.000Z", json!(1)), json!({"receiver": market})))}),
        )
        .await["createEconomicEvent"]["economicEvent"]
        .clone();
    assert_eq!(custody["action"]["id"], "transferCustody");
    assert_eq!(custody["action"]["label"], "transfer custody");
    assert_eq!(qty(&balance(src.clone()).await), ("13".into(), "12".into()));
    f.run(
        "RecordEvent",
        json!({"event": on_src(with(ev("transfer-all-rights", "2019-11-20T08:30:00.000Z", json!(1)), json!({"receiver": market})))}),
    )
    .await;
    assert_eq!(qty(&balance(src.clone()).await), ("12".into(), "12".into()));

    // Two resources in one request, then found from their specification.
    let two = f
        .run(
            "RaiseTwoResources",
            json!({"e1": with(ev("raise", "2019-11-19T04:29:55.000Z", json!(1)), json!({"resourceConformsTo": apples})),
                   "r1": {"note": "resource A"},
                   "e2": with(ev("raise", "2019-11-19T04:29:56.000Z", json!(1)), json!({"resourceConformsTo": apples})),
                   "r2": {"note": "resource B"}}),
        )
        .await;
    let r1 = s(&two["r1"]["economicResource"]["id"]);
    let r2 = s(&two["r2"]["economicResource"]["id"]);
    let conforming =
        f.run("ConformingResources", json!({"id": apples})).await["resourceSpecification"]["conformingResources"]
            .clone();
    assert_eq!(node_ids(&conforming), [src.clone(), dest.clone(), r1.clone(), r2.clone()]);

    let transfer = f
        .run(
            "RecordEvent",
            json!({"event": on_src(with(ev("transfer", "2019-11-20T08:45:00.000Z", json!(3)),
                                        json!({"receiver": market, "toResourceInventoriedAs": r1})))}),
        )
        .await["createEconomicEvent"]["economicEvent"]
        .clone();
    let r = balance(r1.clone()).await;
    assert_eq!(qty(&r), ("4".into(), "4".into()));
    assert_eq!(r["primaryAccountable"]["id"], market.as_str());
    assert_eq!(qty(&balance(src.clone()).await), ("9".into(), "9".into()));

    // Every way a client writes a Decimal: string, float and integer literals...
    let lit = f.run("AdjustWithLiterals", json!({"agent": grower, "resource": src, "unit": b.kg})).await;
    assert_eq!(lit["asString"]["economicEvent"]["resourceQuantity"]["hasNumericalValue"], "1.75");
    assert_eq!(lit["asFloat"]["economicEvent"]["resourceQuantity"]["hasNumericalValue"], "0.25");
    assert_eq!(lit["asInt"]["economicEvent"]["resourceQuantity"]["hasNumericalValue"], "2");
    assert_eq!(lit["asInt"]["economicEvent"]["resourceInventoriedAs"]["accountingQuantity"]["hasNumericalValue"], "9");
    // ...and inside variables, as a string with a trailing zero and as a JSON number; a
    // date-only time is midnight UTC.
    let e =
        f.run("RecordEvent", json!({"event": on_src(ev("raise", "2019-11-21T10:00:00+02:00", json!("2.50")))})).await;
    assert_eq!(e["createEconomicEvent"]["economicEvent"]["resourceQuantity"]["hasNumericalValue"], "2.5");
    let e = f.run("RecordEvent", json!({"event": on_src(ev("raise", "2019-11-21", json!(0.1)))})).await;
    assert_eq!(e["createEconomicEvent"]["economicEvent"]["hasPointInTime"], "2019-11-21T00:00:00.000000Z");
    let r = balance(src.clone()).await;
    assert_eq!(qty(&r), ("11.6".into(), "11.6".into()));
    assert_eq!(r["primaryAccountable"]["id"], grower.as_str());
    assert_eq!(r["classifiedAs"], json!([apple]));
    assert_eq!(r["conformsTo"]["name"], "Apples");
    assert_eq!(r["accountingQuantity"]["hasUnit"]["symbol"], "kg");

    let evs = f.run("ResourceEvents", json!({"id": src})).await["economicResource"].clone();
    let out_from = node_ids(&evs["economicEventsInOutFrom"]);
    assert_eq!(out_from.len(), 12, "{out_from:?}");
    assert!(out_from.contains(&s(&moved["id"])) && out_from.contains(&s(&transfer["id"])));
    let into_dest = f.run("ResourceEvents", json!({"id": dest})).await["economicResource"]["economicEventsTo"].clone();
    assert_eq!(node_ids(&into_dest), [s(&moved["id"])]);

    // The event log: filters, then pages forward and back.
    let count = |v: &Value| v["economicEvents"]["pageInfo"]["totalCount"].as_i64().expect("totalCount");
    let log = |filter: Value| f.run("EventLog", json!({"filter": filter}));
    let kebab = log(json!({"action": ["transfer-custody"]})).await;
    assert_eq!(count(&kebab), 1);
    assert_eq!(node_ids(&kebab["economicEvents"]), [s(&custody["id"])]);
    assert_eq!(count(&log(json!({"action": ["transferCustody"]})).await), 1);
    assert_eq!(count(&log(json!({"providerId": [market]})).await), 0);
    assert_eq!(count(&log(json!({"receiverId": [market]})).await), 3);
    assert_eq!(count(&log(json!({"startDate": "2019-11-20", "endDate": "2019-11-20T23:59:59Z"})).await), 6);
    assert_eq!(count(&log(json!({"searchString": "instantiation"})).await), 1);
    let all = f.run("EventLog", json!({})).await;
    assert_eq!(count(&all), 15);
    let every = node_ids(&all["economicEvents"]);
    let page1 = f.run("EventLog", json!({"first": 5})).await["economicEvents"].clone();
    let page2 =
        f.run("EventLog", json!({"first": 5, "after": page1["pageInfo"]["endCursor"]})).await["economicEvents"].clone();
    let page3 =
        f.run("EventLog", json!({"first": 5, "after": page2["pageInfo"]["endCursor"]})).await["economicEvents"].clone();
    assert_eq!(node_ids(&page1), every[0..5]);
    assert_eq!(node_ids(&page2), every[5..10]);
    assert_eq!(node_ids(&page3), every[10..15]);
    assert_eq!(page3["pageInfo"]["hasNextPage"], false);
    let back =
        f.run("EventLog", json!({"last": 4, "before": page3["pageInfo"]["startCursor"]})).await["economicEvents"]
            .clone();
    assert_eq!(node_ids(&back), every[6..10]);
    assert_eq!(back["pageInfo"]["hasNextPage"], true);

    let m =
        f.run("AgentEvents", json!({"id": market, "filter": {"action": "transfer-all-rights"}})).await["agent"].clone();
    assert_eq!(m["economicEvents"]["pageInfo"]["totalCount"], 1);
    assert_eq!(m["economicEventsAsReceiver"]["pageInfo"]["totalCount"], 3);
    let g = f.run("AgentEvents", json!({"id": grower, "filter": {"startDate": "2019-11-21"}})).await["agent"].clone();
    assert_eq!(g["economicEvents"]["pageInfo"]["totalCount"], 2);
    assert_eq!(g["economicEventsAsProvider"]["pageInfo"]["totalCount"], 15);
    assert_eq!(g["economicEventsAsReceiver"]["pageInfo"]["totalCount"], 12);

    let at_cold = f.run("PlaceActivity", json!({"id": cold})).await["spatialThing"].clone();
    assert_eq!(at_cold["name"], "Cold store");
    assert_eq!(node_ids(&at_cold["economicResources"]), [dest.as_str()]);

    let noted = f
        .run("AnnotateEvent", json!({"event": {"revisionId": moved["revisionId"], "note": "moved to the cold store"}}))
        .await["updateEconomicEvent"]["economicEvent"]
        .clone();
    assert_eq!(noted["id"], moved["id"]);
    assert_ne!(noted["revisionId"], moved["revisionId"]);
    assert_eq!(noted["note"], "moved to the cold store");
}

// ----- processes ---------------------------------------------------------------------------

async fn production_process(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "production-process", PROCESSES);
    let flour = resource_spec(node, "Flour", Some(&b.kg)).await;
    let bread = resource_spec(node, "Bread", Some(&b.each)).await;
    let oven_spec = resource_spec(node, "Oven", Some(&b.each)).await;
    let baking = process_spec(node, "Baking").await;
    let (bakery, baker) = (b.coop.clone(), b.alice.clone());
    let sack = raise(node, &bakery, &flour, json!(10), &b.kg, "Flour sacks").await;
    let oven = raise(node, &bakery, &oven_spec, json!(1), &b.each, "Oven").await;

    let class = "https://example.org/process/baking";
    let started = f
        .run(
            "StartProcess",
            json!({"process": {"name": "Bake bread", "note": "Morning batch", "basedOn": baking,
                               "hasBeginning": "2026-03-02T06:00:00.000Z", "hasEnd": "2026-03-02T09:00:00.000Z",
                               "classifiedAs": [class], "inScopeOf": [bakery]}}),
        )
        .await["createProcess"]["process"]
        .clone();
    let p1 = s(&started["id"]);
    assert_eq!(started["basedOn"]["name"], "Baking");
    assert_eq!(started["hasBeginning"], "2026-03-02T06:00:00.000000Z");
    assert_eq!(started["classifiedAs"], json!([class]));
    assert_ne!(started["finished"], true);
    assert_eq!(started["deletable"], true);

    let at = "2026-03-02T07:00:00.000Z";
    let flows = f
        .run(
            "RecordProcessFlows",
            json!({
                "consume": {"action": "consume", "inputOf": p1, "provider": bakery, "receiver": bakery, "hasPointInTime": at,
                            "resourceInventoriedAs": sack, "resourceQuantity": {"hasNumericalValue": 2, "hasUnit": b.kg}},
                "work": {"action": "work", "inputOf": p1, "provider": baker, "receiver": bakery, "hasBeginning": "2026-03-02T06:00:00.000Z",
                         "hasEnd": "2026-03-02T09:00:00.000Z", "effortQuantity": {"hasNumericalValue": 3, "hasUnit": b.hour}},
                "use": {"action": "use", "inputOf": p1, "provider": bakery, "receiver": bakery, "hasPointInTime": at,
                        "resourceInventoriedAs": oven, "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": b.each},
                        "effortQuantity": {"hasNumericalValue": 3, "hasUnit": b.hour}},
                "produce": {"action": "produce", "outputOf": p1, "provider": bakery, "receiver": bakery,
                            "hasPointInTime": "2026-03-02T09:00:00.000Z", "resourceConformsTo": bread,
                            "resourceQuantity": {"hasNumericalValue": 5, "hasUnit": b.each}},
                "output": {"name": "Bread batch"}
            }),
        )
        .await;
    let consumed = s(&flows["consumed"]["economicEvent"]["id"]);
    let worked = s(&flows["worked"]["economicEvent"]["id"]);
    let used = s(&flows["used"]["economicEvent"]["id"]);
    let produced = s(&flows["produced"]["economicEvent"]["id"]);
    assert_eq!(flows["produced"]["economicEvent"]["outputOf"]["id"], p1.as_str());
    let loaves = s(&flows["produced"]["economicResource"]["id"]);

    let page = f.run("ProcessPage", json!({"id": p1})).await["process"].clone();
    let mut inputs = list_ids(&page["observedInputs"]);
    inputs.sort();
    let mut expected = vec![consumed.clone(), worked.clone(), used.clone()];
    expected.sort();
    assert_eq!(inputs, expected);
    assert_eq!(page["observedInputs"][0]["inputOf"]["id"], p1.as_str());
    assert_eq!(list_ids(&page["observedOutputs"]), [produced.as_str()]);
    let mut unplanned = list_ids(&page["unplannedInputs"]);
    unplanned.sort();
    assert_eq!(unplanned, expected, "no commitment was made, so every input is unplanned");
    assert_eq!(list_ids(&page["unplannedOutputs"]), [produced.as_str()]);
    assert_eq!(node_ids(&page["workingAgents"]), [baker.as_str()]);
    assert_eq!(page["involvedAgents"]["pageInfo"]["totalCount"], 2);
    assert_eq!(page["inScopeOf"], json!([{"__typename": "Organization", "id": bakery, "name": "Coop"}]));
    assert_eq!(page["deletable"], false);

    let only = |filter: Value| f.run("ProcessInputs", json!({"id": p1, "filter": filter}));
    assert_eq!(list_ids(&only(json!({"action": ["work"]})).await["process"]["observedInputs"]), [worked.as_str()]);
    assert_eq!(list_ids(&only(json!({"providerId": [baker]})).await["process"]["observedInputs"]), [worked.as_str()]);

    assert_eq!(f.run("OutputStage", json!({"id": loaves})).await["economicResource"]["stage"]["name"], "Baking");
    let usage = f.run("ProcessSpecificationUsage", json!({"id": baking})).await["processSpecification"].clone();
    assert_eq!(node_ids(&usage["conformingProcesses"]), [p1.as_str()]);
    assert_eq!(node_ids(&usage["resourcesCurrentlyAtStage"]), [loaves.as_str()]);

    // A second process takes the bread: the two become neighbours.
    let p2 =
        s(&f.run("StartProcess", json!({"process": {"name": "Slice bread"}})).await["createProcess"]["process"]["id"]);
    f.run(
        "RecordProcessFlows",
        json!({
            "consume": {"action": "consume", "inputOf": p2, "provider": bakery, "receiver": bakery, "hasPointInTime": "2026-03-02T10:00:00Z",
                        "resourceInventoriedAs": loaves, "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": b.each}},
            "work": {"action": "work", "inputOf": p2, "provider": baker, "receiver": bakery, "hasPointInTime": "2026-03-02T10:00:00Z",
                     "effortQuantity": {"hasNumericalValue": 0.25, "hasUnit": b.hour}},
            "use": {"action": "use", "inputOf": p2, "provider": bakery, "receiver": bakery, "hasPointInTime": "2026-03-02T10:00:00Z",
                    "resourceInventoriedAs": oven, "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": b.each},
                    "effortQuantity": {"hasNumericalValue": 0.1, "hasUnit": b.hour}},
            "produce": {"action": "produce", "outputOf": p2, "provider": bakery, "receiver": bakery, "hasPointInTime": "2026-03-02T10:05:00Z",
                        "resourceConformsTo": bread, "resourceQuantity": {"hasNumericalValue": 20, "hasUnit": b.each}},
            "output": {"name": "Slices"}
        }),
    )
    .await;
    assert_eq!(list_ids(&f.run("ProcessPage", json!({"id": p1})).await["process"]["nextProcesses"]), [p2.as_str()]);
    assert_eq!(list_ids(&f.run("ProcessPage", json!({"id": p2})).await["process"]["previousProcesses"]), [p1.as_str()]);

    let done = f
        .run("UpdateProcess", json!({"process": {"revisionId": started["revisionId"], "finished": true}}))
        .await["updateProcess"]["process"]
        .clone();
    assert_eq!(done["finished"], true);
    assert_eq!(done["hasEnd"], "2026-03-02T09:00:00.000000Z");

    let listed = |filter: Value| f.run("ProcessList", json!({"filter": filter}));
    assert_eq!(node_ids(&listed(json!({"finished": true})).await["processes"]), [p1.as_str()]);
    assert_eq!(node_ids(&listed(json!({"finished": false})).await["processes"]), [p2.as_str()]);
    assert_eq!(node_ids(&listed(json!({"classifiedAs": [class]})).await["processes"]), [p1.as_str()]);
    let first = f.run("ProcessList", json!({"first": 1})).await["processes"].clone();
    assert_eq!(first["pageInfo"]["totalCount"], 2);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(node_ids(&first), [p1.as_str()]);

    let mine = f.run("AgentProcesses", json!({"id": baker})).await["agent"]["processes"].clone();
    assert_eq!(node_ids(&mine), [p1.clone(), p2.clone()]);
    let finished =
        f.run("AgentProcesses", json!({"id": bakery, "filter": {"finished": true}})).await["agent"]["processes"]
            .clone();
    assert_eq!(node_ids(&finished), [p1.as_str()]);

    // Only a process nothing refers to can be removed.
    let stray = s(&f.run("StartProcess", json!({"process": {"name": "Typo"}})).await["createProcess"]["process"]["id"]);
    assert_eq!(f.run("DiscardProcess", json!({"id": stray})).await["deleteProcess"], true);
    assert!(f.run("ProcessPage", json!({"id": stray})).await["process"].is_null());
    assert_eq!(f.refused("DiscardProcess", json!({"id": p1})).await, "CONFLICT");
    assert_eq!(f.run("ProcessPage", json!({"id": p1})).await["process"]["name"], "Bake bread");
}

// ----- track and trace ---------------------------------------------------------------------

async fn track_and_trace(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "track-and-trace", TRACE);
    let processes = Flow::new(node, "production-process", PROCESSES);
    let grain = resource_spec(node, "Grain", Some(&b.kg)).await;
    let mill_spec = resource_spec(node, "Mill", Some(&b.each)).await;
    let flour_spec = resource_spec(node, "Flour", Some(&b.kg)).await;
    let farm = b.coop.clone();
    let grain_lot = raise(node, &farm, &grain, json!(100), &b.kg, "Grain lot").await;
    let mill = raise(node, &farm, &mill_spec, json!(1), &b.each, "Mill").await;
    let p = s(
        &processes.run("StartProcess", json!({"process": {"name": "Milling"}})).await["createProcess"]["process"]["id"],
    );
    let at = "2026-04-01T08:00:00Z";
    let flows = processes
        .run(
            "RecordProcessFlows",
            json!({
                "consume": {"action": "consume", "inputOf": p, "provider": farm, "receiver": farm, "hasPointInTime": at,
                            "resourceInventoriedAs": grain_lot, "resourceQuantity": {"hasNumericalValue": 40, "hasUnit": b.kg}},
                "work": {"action": "work", "inputOf": p, "provider": b.alice, "receiver": farm, "hasPointInTime": at,
                         "effortQuantity": {"hasNumericalValue": 2, "hasUnit": b.hour}},
                "use": {"action": "use", "inputOf": p, "provider": farm, "receiver": farm, "hasPointInTime": at,
                        "resourceInventoriedAs": mill, "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": b.each},
                        "effortQuantity": {"hasNumericalValue": 2, "hasUnit": b.hour}},
                "produce": {"action": "produce", "outputOf": p, "provider": farm, "receiver": farm, "hasPointInTime": "2026-04-01T10:00:00Z",
                            "resourceConformsTo": flour_spec, "resourceQuantity": {"hasNumericalValue": 30, "hasUnit": b.kg}},
                "output": {"name": "Flour"}
            }),
        )
        .await;
    let consumed = s(&flows["consumed"]["economicEvent"]["id"]);
    let used = s(&flows["used"]["economicEvent"]["id"]);
    let produced = s(&flows["produced"]["economicEvent"]["id"]);
    let flour = s(&flows["produced"]["economicResource"]["id"]);

    // Three levels back from the flour: produce -> milling -> its inputs -> grain and mill.
    let back = f.run("TraceNested", json!({"id": flour})).await["economicResource"].clone();
    assert_eq!(list_ids(&back["previous"]), [produced.as_str()]);
    let step = &back["previous"][0]["previous"];
    assert_eq!(step[0]["__typename"], "Process");
    assert_eq!(step[0]["id"], p.as_str());
    assert_eq!(step[0]["name"], "Milling");
    let inputs = step[0]["previous"].as_array().expect("inputs");
    let mut ids: Vec<String> = inputs.iter().map(|e| s(&e["id"])).collect();
    ids.sort();
    let mut expected = vec![consumed.clone(), used.clone(), s(&flows["worked"]["economicEvent"]["id"])];
    expected.sort();
    assert_eq!(ids, expected);
    let sources: Vec<String> = inputs
        .iter()
        .flat_map(|e| e["previous"].as_array().expect("previous").clone())
        .filter(|i| i["__typename"] == "EconomicResource")
        .map(|i| s(&i["id"]))
        .collect();
    assert!(sources.contains(&grain_lot) && sources.contains(&mill), "{sources:?}");

    // And forward from the grain to the flour.
    let fwd = f.run("TrackNested", json!({"id": grain_lot})).await["economicResource"].clone();
    assert_eq!(list_ids(&fwd["next"]), [consumed.as_str()]);
    let step = &fwd["next"][0]["next"];
    assert_eq!(step[0]["__typename"], "Process");
    assert_eq!(step[0]["id"], p.as_str());
    assert_eq!(list_ids(&step[0]["next"]), [produced.as_str()]);
    assert_eq!(step[0]["next"][0]["next"][0]["__typename"], "EconomicResource");
    assert_eq!(step[0]["next"][0]["next"][0]["id"], flour.as_str());

    // Part of the flour goes to a shop; the shop's stock traces back to the grain.
    let sold = record(
        node,
        json!({"action": "transfer", "provider": farm, "receiver": b.bob, "hasPointInTime": "2026-04-02T09:00:00Z",
               "resourceInventoriedAs": flour, "resourceQuantity": {"hasNumericalValue": 10, "hasUnit": b.kg}}),
        json!({"name": "Flour at the shop"}),
    )
    .await;
    let shop = s(&sold["economicEvent"]["toResourceInventoriedAs"]["id"]);
    let transfer = s(&sold["economicEvent"]["id"]);
    let prov = f.run("ResourceProvenance", json!({"id": shop})).await["economicResource"].clone();
    let trace = typed(&prov["trace"]);
    for (t, id) in [
        ("EconomicEvent", &transfer),
        ("EconomicResource", &flour),
        ("EconomicEvent", &produced),
        ("Process", &p),
        ("EconomicEvent", &consumed),
        ("EconomicResource", &grain_lot),
        ("EconomicResource", &mill),
    ] {
        assert!(has(&trace, t, id), "trace of the shop's flour reaches {t} {id}: {trace:?}");
    }
    assert_eq!(typed(&prov["track"]), Vec::<(String, String)>::new());
    let fwd = typed(&f.run("ResourceProvenance", json!({"id": grain_lot})).await["economicResource"]["track"]);
    for (t, id) in
        [("Process", &p), ("EconomicResource", &flour), ("EconomicEvent", &transfer), ("EconomicResource", &shop)]
    {
        assert!(has(&fwd, t, id), "track of the grain reaches {t} {id}: {fwd:?}");
    }
    assert!(!has(&fwd, "EconomicResource", &mill), "a tool used is not downstream of the grain: {fwd:?}");
    let ev = f.run("EventProvenance", json!({"id": consumed})).await["economicEvent"].clone();
    assert!(has(&typed(&ev["trace"]), "EconomicResource", &grain_lot));
    let ev_track = typed(&ev["track"]);
    assert!(has(&ev_track, "Process", &p) && has(&ev_track, "EconomicResource", &shop), "{ev_track:?}");
}

// ----- product batches ----------------------------------------------------------------------

async fn product_batches(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "product-batches", BATCHES);
    let jam = resource_spec(node, "Jam jar", Some(&b.each)).await;
    let lot = f
        .run(
            "RegisterBatch",
            json!({"batch": {"batchNumber": "LOT-2026-001", "productionDate": "2026-02-01", "expiryDate": "2026-08-01T00:00:00.000Z"}}),
        )
        .await["createProductBatch"]["productBatch"]
        .clone();
    assert_eq!(lot["productionDate"], "2026-02-01T00:00:00.000000Z");
    assert_eq!(lot["expiryDate"], "2026-08-01T00:00:00.000000Z");
    let lot_id = s(&lot["id"]);
    let made = f
        .run(
            "ProduceIntoBatch",
            json!({"event": {"action": "produce", "provider": b.coop, "receiver": b.coop, "hasPointInTime": "2026-02-01T15:00:00Z",
                             "resourceConformsTo": jam, "resourceQuantity": {"hasNumericalValue": 12, "hasUnit": b.each}},
                   "resource": {"name": "Plum jam", "lot": lot_id, "trackingIdentifier": "JAM-0001"}}),
        )
        .await["createEconomicEvent"]["economicResource"]
        .clone();
    assert_eq!(made["lot"]["batchNumber"], "LOT-2026-001");
    assert_eq!(made["trackingIdentifier"], "JAM-0001");
    let r = f.run("ResourceLot", json!({"id": made["id"]})).await["economicResource"].clone();
    assert_eq!(r["onhandQuantity"]["hasNumericalValue"], "12");
    assert_eq!(r["lot"]["id"], lot_id.as_str());
    assert_eq!(r["lot"]["expiryDate"], "2026-08-01T00:00:00.000000Z");

    let spare = s(
        &f.run("RegisterBatch", json!({"batch": {"batchNumber": "LOT-2026-002"}})).await["createProductBatch"]["productBatch"]
            ["id"],
    );
    let p1 = f.run("Batches", json!({"first": 1})).await["productBatches"].clone();
    assert_eq!(node_ids(&p1), [lot_id.as_str()]);
    assert_eq!(p1["pageInfo"]["hasNextPage"], true);
    assert_eq!(p1["pageInfo"]["totalCount"], 2);
    let p2 =
        f.run("Batches", json!({"first": 1, "after": p1["pageInfo"]["endCursor"]})).await["productBatches"].clone();
    assert_eq!(node_ids(&p2), [spare.as_str()]);

    let fixed = f
        .run("CorrectBatch", json!({"batch": {"revisionId": lot["revisionId"], "expiryDate": "2026-09-01T00:00:00Z"}}))
        .await["updateProductBatch"]["productBatch"]
        .clone();
    assert_eq!(fixed["batchNumber"], "LOT-2026-001");
    assert_eq!(fixed["expiryDate"], "2026-09-01T00:00:00.000000Z");

    assert_eq!(f.refused("DiscardBatch", json!({"id": lot_id})).await, "CONFLICT");
    assert_eq!(f.run("DiscardBatch", json!({"id": spare})).await["deleteProductBatch"], true);
    assert!(f.run("Batch", json!({"id": spare})).await["productBatch"].is_null());
    assert_eq!(f.run("Batch", json!({"id": lot_id})).await["productBatch"]["batchNumber"], "LOT-2026-001");
}

// ----- history ------------------------------------------------------------------------------

async fn record_history(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "record-history", HISTORY);
    let v1 = f.run("DraftSpecification", json!({"spec": {"name": "Compost", "note": "v1"}})).await["res"]
        ["resourceSpecification"]
        .clone();
    let id = s(&v1["id"]);
    let r1 = s(&v1["revisionId"]);
    let meta = &v1["meta"];
    assert!(meta["previousRevision"].is_null());
    assert_eq!(meta["previousRevisionsCount"], 0);
    assert_eq!(meta["futureRevisionsCount"], 0);
    assert_eq!(meta["latestRevision"]["id"], r1.as_str());
    assert_eq!(meta["retrievedRevision"]["id"], r1.as_str());
    assert_eq!(meta["retrievedRevision"]["author"]["id"], b.me.as_str());
    assert!(meta["retrievedRevision"]["time"].is_string());

    let v2 = f.run("ReviseSpecification", json!({"spec": {"revisionId": r1, "name": "Compost mix"}})).await["res"]
        ["resourceSpecification"]
        .clone();
    let r2 = s(&v2["revisionId"]);
    assert_ne!(r2, r1);
    assert_eq!(v2["meta"]["previousRevision"]["id"], r1.as_str());
    let v3 = f.run("ReviseSpecification", json!({"spec": {"revisionId": r2, "note": "v3"}})).await["res"]
        ["resourceSpecification"]
        .clone();
    let r3 = s(&v3["revisionId"]);
    assert_eq!(v3["meta"]["previousRevision"]["id"], r2.as_str());
    assert_eq!(v3["name"], "Compost mix");

    let at = f.run("SpecificationAt", json!({"id": id, "revisionId": r1})).await["res"].clone();
    assert_eq!(at["name"], "Compost mix");
    assert_eq!(at["note"], "v3");
    assert_eq!(at["revisionId"], r3.as_str());
    assert_eq!(at["meta"]["previousRevisionsCount"], 2);
    assert_eq!(at["meta"]["latestRevision"]["id"], r3.as_str());
    let old = &at["revision"];
    assert_eq!(old["revisionId"], r1.as_str());
    assert_eq!(old["name"], "Compost");
    assert_eq!(old["note"], "v1");
    assert_eq!(old["meta"]["previousRevisionsCount"], 0);
    assert_eq!(old["meta"]["futureRevisionsCount"], 2);
    assert_eq!(old["meta"]["latestRevision"]["id"], r3.as_str());

    // A form submitted from a stale revision is refused, not merged.
    assert_eq!(f.refused("ReviseSpecification", json!({"spec": {"revisionId": r1, "name": "Lost"}})).await, "CONFLICT");
    let now = f.run("SpecificationAt", json!({"id": id, "revisionId": r3})).await["res"].clone();
    assert_eq!(now["name"], "Compost mix");

    let person = node.ok("query($id: ID!) { person(id: $id) { revisionId } }", json!({"id": b.bob})).await;
    let before = s(&person["person"]["revisionId"]);
    let renamed =
        f.run("RenamePerson", json!({"person": {"revisionId": before, "name": "Robert"}})).await["updatePerson"]["agent"]
            .clone();
    assert_eq!(renamed["name"], "Robert");
    let then = f.run("PersonAt", json!({"id": b.bob, "revisionId": before})).await["person"].clone();
    assert_eq!(then["name"], "Robert");
    assert_eq!(then["revision"]["name"], "Bob");
    assert_eq!(then["revision"]["revisionId"], before.as_str());
}

crate::on_both!(
    agent_directory,
    units_specifications_and_actions,
    project_lifecycle,
    resource_accounting,
    production_process,
    track_and_trace,
    product_batches,
    record_history,
);

// ===== Flows through the planning, proposal, agreement, claim, appreciation, recipe and
// ===== scenario modules.

const MARKET: &str = include_str!("../../clients/marketplace-offers.graphql");
const CONTRIBUTION: &str = include_str!("../../clients/contribution-proposal.graphql");
const PLANNING: &str = include_str!("../../clients/production-plan.graphql");
const AGREEMENTS: &str = include_str!("../../clients/agreements.graphql");
const CLAIMS: &str = include_str!("../../clients/claims-and-settlements.graphql");
const APPRECIATIONS: &str = include_str!("../../clients/appreciations.graphql");
const RECIPES: &str = include_str!("../../clients/recipes.graphql");
const SCENARIOS: &str = include_str!("../../clients/scenarios.graphql");

/// A unit, through the corpus.
async fn unit(node: &TestNode, label: &str, symbol: &str) -> String {
    let v = Flow::new(node, "units-and-specifications", UNITS)
        .run("CreateUnit", json!({"unit": {"label": label, "symbol": symbol}}))
        .await;
    s(&v["createUnit"]["unit"]["id"])
}

/// Sorted copy, for comparing sets of ids.
fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

// ----- offers and requests (a marketplace frontend) ---------------------------------------

async fn marketplace_offers(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "marketplace-offers", MARKET);
    let design = resource_spec(node, "Design", Some(&b.each)).await;
    let eur = resource_spec(node, "Euro", None).await;
    let (seller, buyer) = (b.alice.clone(), b.bob.clone());
    let pump = raise(node, &seller, &design, json!(1), &b.each, "Water pump").await;

    let offer = s(
        &f.run("CreateProposal", json!({"name": "Water pump", "note": "Selling my pump"})).await["createProposal"]["proposal"]
            ["id"],
    );
    let intents = f
        .run(
            "OfferItemForPayment",
            json!({"agent": seller, "resource": pump, "oneUnit": b.each, "currency": eur, "howMuch": 120.5}),
        )
        .await;
    let item = s(&intents["item"]["intent"]["id"]);
    let item_rev = s(&intents["item"]["intent"]["revisionId"]);
    let payment = s(&intents["payment"]["intent"]["id"]);
    let links = f.run("LinkOfferIntents", json!({"proposal": offer, "item": item, "payment": payment})).await;
    assert_eq!(links["linkItem"]["proposedIntent"]["reciprocal"], false);
    assert_eq!(links["linkPayment"]["proposedIntent"]["reciprocal"], true);

    // A request: one intent naming only a receiver, in a proposal built from a whole variable.
    let wanted = f
        .run(
            "PostIntent",
            json!({"intent": {"action": "transfer", "name": "Looking for a pump design", "receiver": buyer,
                              "resourceConformsTo": design, "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": b.each},
                              "due": "2026-05-01T00:00:00.000Z"}}),
        )
        .await["res"]["intent"]
        .clone();
    assert_eq!(wanted["due"], "2026-05-01T00:00:00.000000Z");
    assert_ne!(wanted["finished"], true);
    let wanted = s(&wanted["id"]);
    let stamp = "2019-11-19T00:00:00.056Z";
    let request = f
        .run(
            "PublishProposal",
            json!({"proposal": {"name": "Pump design wanted", "hasBeginning": stamp, "hasEnd": stamp, "unitBased": true,
                                "created": stamp, "note": "note"}}),
        )
        .await["res"]["proposal"]
        .clone();
    assert_eq!(request["created"], "2019-11-19T00:00:00.056000Z");
    assert_eq!(request["hasEnd"], "2019-11-19T00:00:00.056000Z");
    assert_eq!(request["unitBased"], true);
    let request_rev = s(&request["revisionId"]);
    let request = s(&request["id"]);
    let linked = f.run("ProposeIntent", json!({"publishedIn": request, "publishes": wanted, "reciprocal": null})).await
        ["res"]["proposedIntent"]
        .clone();
    assert_eq!(linked["publishedIn"]["id"], request.as_str());
    assert_eq!(linked["publishes"]["id"], wanted.as_str());
    assert_ne!(linked["reciprocal"], true);

    let sent =
        f.run("SendProposalTo", json!({"proposed": offer, "proposedTo": buyer})).await["res"]["proposedTo"].clone();
    assert_eq!(sent["proposed"]["id"], offer.as_str());
    assert_eq!(sent["proposedTo"]["name"], "Bob");

    // The marketplace listings.
    let offers = f.run("Offers", json!({})).await["offers"].clone();
    assert_eq!(node_ids(&offers), [offer.as_str()]);
    let listed = &offers["edges"][0]["node"];
    assert_eq!(list_ids(&listed["primaryIntents"]), [item.as_str()]);
    let primary = &listed["primaryIntents"][0];
    assert_eq!(primary["action"]["id"], "transfer");
    assert_eq!(primary["provider"]["id"], seller.as_str());
    assert!(primary["receiver"].is_null());
    assert_eq!(primary["resourceInventoriedAs"]["id"], pump.as_str());
    assert_eq!(primary["resourceInventoriedAs"]["primaryAccountable"]["name"], "Alice");
    assert_eq!(primary["resourceInventoriedAs"]["onhandQuantity"]["hasUnit"]["label"], "one");
    let price = &listed["reciprocalIntents"][0]["resourceQuantity"];
    assert_eq!(price["hasNumericalValue"], "120.5");
    assert_eq!(price["hasUnit"]["symbol"], "ea");
    let requests = f.run("Requests", json!({})).await["requests"].clone();
    assert_eq!(node_ids(&requests), [request.as_str()]);
    assert_eq!(requests["edges"][0]["node"]["primaryIntents"][0]["receiver"]["name"], "Bob");

    let proposals = |filter: Value| f.run("Proposals", json!({"filter": filter}));
    assert_eq!(node_ids(&proposals(json!({"isOffer": true})).await["proposals"]), [offer.as_str()]);
    assert_eq!(node_ids(&proposals(json!({"isRequest": true})).await["proposals"]), [request.as_str()]);
    let page = f.run("Proposals", json!({"first": 1})).await["proposals"].clone();
    assert_eq!(page["pageInfo"]["totalCount"], 2);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let rest =
        f.run("Proposals", json!({"first": 1, "after": page["pageInfo"]["endCursor"]})).await["proposals"].clone();
    assert_eq!(sorted([node_ids(&page), node_ids(&rest)].concat()), sorted(vec![offer.clone(), request.clone()]));
    let tail = f.run("Proposals", json!({"last": 1})).await["proposals"].clone();
    assert_eq!(node_ids(&tail), node_ids(&rest));

    let detail = f.run("ProposalDetail", json!({"id": offer})).await["proposal"].clone();
    assert_eq!(detail["name"], "Water pump");
    let mut published: Vec<(String, bool)> = detail["publishes"]
        .as_array()
        .expect("publishes")
        .iter()
        .map(|p| (s(&p["publishes"]["id"]), p["reciprocal"] == true))
        .collect();
    published.sort();
    let mut expected = vec![(item.clone(), false), (payment.clone(), true)];
    expected.sort();
    assert_eq!(published, expected);
    assert_eq!(detail["publishedTo"][0]["proposedTo"]["id"], buyer.as_str());
    assert_eq!(list_ids(&detail["reciprocalIntents"]), [payment.as_str()]);
    assert_eq!(detail["reciprocalIntents"][0]["resourceConformsTo"]["name"], "Euro");

    let market = |filter: Value| f.run("IntentMarket", json!({"filter": filter}));
    let by_seller = market(json!({"action": ["transfer"], "providerId": [seller]})).await["intents"].clone();
    assert_eq!(node_ids(&by_seller), [item.as_str()]);
    assert_eq!(by_seller["edges"][0]["node"]["publishedIn"][0]["publishedIn"]["id"], offer.as_str());
    assert_eq!(by_seller["edges"][0]["node"]["publishedIn"][0]["reciprocal"], false);
    assert_eq!(node_ids(&market(json!({"receiverId": [buyer]})).await["intents"]), [wanted.as_str()]);
    assert_eq!(market(json!({"finished": false})).await["intents"]["pageInfo"]["totalCount"], 3);

    let bob = f.run("AgentMarket", json!({"id": buyer})).await["agent"].clone();
    assert_eq!(node_ids(&bob["intentsAsReceiver"]), [wanted.as_str()]);
    assert_eq!(node_ids(&bob["proposalsTo"]), [offer.as_str()]);
    let alice = f.run("AgentMarket", json!({"id": seller})).await["agent"].clone();
    assert_eq!(node_ids(&alice["intentsAsProvider"]), [item.as_str()]);
    assert_eq!(node_ids(&alice["intentsAsReceiver"]), [payment.as_str()]);
    let about = f.run("ResourceOffers", json!({"id": pump})).await["economicResource"]["intents"].clone();
    assert_eq!(node_ids(&about), [item.as_str()]);
    assert_eq!(about["edges"][0]["node"]["publishedIn"][0]["publishedIn"]["id"], offer.as_str());

    let revised = f
        .run(
            "ReviseProposal",
            json!({"proposal": {"revisionId": request_rev, "name": "Pump design wanted soon", "unitBased": false}}),
        )
        .await["res"]["proposal"]
        .clone();
    assert_eq!(revised["name"], "Pump design wanted soon");
    assert_eq!(revised["note"], "note");
    assert_eq!(revised["unitBased"], false);
    assert_eq!(revised["created"], "2019-11-19T00:00:00.056000Z");

    // Unlinking the price and the addressee, then selling out.
    assert_eq!(
        f.run("WithdrawIntent", json!({"revisionId": links["linkPayment"]["proposedIntent"]["revisionId"]})).await["res"],
        true
    );
    assert_eq!(f.run("Unsend", json!({"revisionId": sent["revisionId"]})).await["res"], true);
    let detail = f.run("ProposalDetail", json!({"id": offer})).await["proposal"].clone();
    assert_eq!(detail["reciprocalIntents"], json!([]));
    assert_eq!(detail["publishedTo"], json!([]));
    assert_eq!(detail["publishes"].as_array().expect("publishes").len(), 1);
    assert_eq!(f.run("CloseIntent", json!({"revisionId": item_rev})).await["updateIntent"]["intent"]["finished"], true);
    assert_eq!(market(json!({"finished": false})).await["intents"]["pageInfo"]["totalCount"], 2);
    assert_eq!(node_ids(&market(json!({"finished": true})).await["intents"]), [item.as_str()]);

    // A proposal still publishing an intent is not deleted; unlinked, it is.
    let current = s(&revised["revisionId"]);
    assert_eq!(f.refused("DeleteProposal", json!({"revisionId": current})).await, "CONFLICT");
    assert_eq!(f.run("WithdrawIntent", json!({"revisionId": linked["revisionId"]})).await["res"], true);
    assert_eq!(f.run("DeleteProposal", json!({"revisionId": current})).await["res"], true);
    assert!(f.run("ProposalDetail", json!({"id": request})).await["proposal"].is_null());
}

// ----- contributions (intents, a proposal, satisfactions) -----------------------------------

async fn contribution_proposal(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "contribution-proposal", CONTRIBUTION);
    let projects = Flow::new(node, "project-lifecycle", PROJECTS);
    let design = resource_spec(node, "Design", Some(&b.each)).await;
    let (owner, proposer) = (b.alice.clone(), b.bob.clone());
    let origin = raise(node, &owner, &design, json!(1), &b.each, "Water pump").await;
    let forked = raise(node, &proposer, &design, json!(1), &b.each, "Water pump fork").await;
    let process = |name: &'static str| {
        let projects = &projects;
        async move {
            s(&projects.run("CreateProjectProcess", json!({"name": name})).await["createProcess"]["process"]["id"])
        }
    };
    let p = process("contribution of Bob to Water pump").await;
    let when = "2026-03-10T14:00:00.000Z";
    let vars = json!({"process": p, "owner": owner, "proposer": proposer, "creationTime": when,
                      "resourceForked": forked, "unitOne": b.each, "resourceOrigin": origin});
    let proposed = f.run("ProposeContribution", vars.clone()).await;
    let cite_i = s(&proposed["citeResourceForked"]["intent"]["id"]);
    let accept_i = s(&proposed["acceptResourceOrigin"]["intent"]["id"]);
    let modify_i = s(&proposed["modifyResourceOrigin"]["intent"]["id"]);
    let proposal = s(&f
        .run(
            "CreateContributionProposal",
            json!({"name": "Contribution to Water pump", "note": "I improved the impeller"}),
        )
        .await["createProposal"]["proposal"]["id"]);
    f.run(
        "LinkContribution",
        json!({"proposal": proposal, "citeIntent": cite_i, "acceptIntent": accept_i, "modifyIntent": modify_i}),
    )
    .await;

    let review = f.run("ContributionReview", json!({"id": proposal})).await["proposal"].clone();
    assert_eq!(
        sorted(list_ids(&review["primaryIntents"])),
        sorted(vec![cite_i.clone(), accept_i.clone(), modify_i.clone()]),
        "intents proposed without `reciprocal` are primary"
    );
    assert_eq!(review["reciprocalIntents"], json!([]));
    let by_id = |id: &str| {
        review["primaryIntents"].as_array().expect("intents").iter().find(|i| i["id"] == id).expect("listed").clone()
    };
    let cite = by_id(&cite_i);
    assert_eq!(cite["action"]["id"], "cite");
    assert_eq!(cite["provider"]["name"], "Bob");
    assert!(cite["receiver"].is_null());
    assert_eq!(cite["inputOf"]["id"], p.as_str());
    assert_eq!(cite["hasPointInTime"], "2026-03-10T14:00:00.000000Z");
    let accept = by_id(&accept_i);
    assert_eq!(accept["receiver"]["id"], owner.as_str());
    assert_eq!(accept["resourceInventoriedAs"]["id"], origin.as_str());
    assert_eq!(accept["resourceInventoriedAs"]["primaryAccountable"]["name"], "Alice");
    assert_eq!(accept["resourceInventoriedAs"]["onhandQuantity"]["hasNumericalValue"], "1");
    assert_eq!(by_id(&modify_i)["outputOf"]["id"], p.as_str());
    let open = f.run("OpenContributionIntents", json!({"process": p})).await["process"].clone();
    assert_eq!(sorted(list_ids(&open["intendedInputs"])), sorted(vec![cite_i.clone(), accept_i.clone()]));
    assert_eq!(list_ids(&open["intendedOutputs"]), [modify_i.as_str()]);

    // The owner accepts: three events, then three satisfactions.
    let events = f
        .run(
            "AcceptContribution",
            json!({"process": p, "owner": owner, "proposer": proposer, "unitOne": b.each, "resourceForked": forked,
                   "resourceOrigin": origin, "creationTime": "2026-03-11T09:30:00.000Z"}),
        )
        .await;
    let cite_e = s(&events["cite"]["economicEvent"]["id"]);
    let accept_e = s(&events["accept"]["economicEvent"]["id"]);
    let modify_e = s(&events["modify"]["economicEvent"]["id"]);
    let sat = f
        .run(
            "SatisfyIntents",
            json!({"unitOne": b.each, "intentCited": cite_i, "intentAccepted": accept_i, "intentModify": modify_i,
                   "eventCite": cite_e, "eventAccept": accept_e, "eventModify": modify_e}),
        )
        .await;
    let progress = f.run("IntentProgress", json!({"id": accept_i})).await["intent"].clone();
    assert_eq!(list_ids(&progress["satisfiedBy"]), [s(&sat["accept"]["satisfaction"]["id"])]);
    let by = &progress["satisfiedBy"][0];
    assert_eq!(by["resourceQuantity"]["hasNumericalValue"], "1");
    assert_eq!(by["satisfiedBy"]["__typename"], "EconomicEvent");
    assert_eq!(by["satisfiedBy"]["id"], accept_e.as_str());
    assert_eq!(by["satisfiedBy"]["action"]["id"], "accept");
    let back = f.run("EventSatisfies", json!({"id": modify_e})).await["economicEvent"]["satisfies"].clone();
    assert_eq!(list_ids(&back), [s(&sat["modify"]["satisfaction"]["id"])]);
    assert_eq!(back[0]["satisfies"]["id"], modify_i.as_str());
    let project = projects.run("Project", json!({"id": origin})).await["economicResource"].clone();
    assert_eq!(project["onhandQuantity"]["hasNumericalValue"], "1");
    assert_eq!(project["accountingQuantity"]["hasNumericalValue"], "1");

    // Another contribution, declined: its intents are closed.
    let p2 = process("second contribution of Bob to Water pump").await;
    let mut vars = vars;
    vars["process"] = json!(p2);
    let second = f.run("ProposeContribution", vars).await;
    let declined = f
        .run(
            "DeclineContribution",
            json!({"intentCite": second["citeResourceForked"]["intent"]["revisionId"],
                   "intentAccept": second["acceptResourceOrigin"]["intent"]["revisionId"],
                   "intentModify": second["modifyResourceOrigin"]["intent"]["revisionId"]}),
        )
        .await;
    for alias in ["cite", "accept", "modify"] {
        assert_eq!(declined[alias]["intent"]["finished"], true, "{alias}");
    }
    let closed = f.run("OpenContributionIntents", json!({"process": p2})).await["process"].clone();
    for i in closed["intendedInputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .chain(closed["intendedOutputs"].as_array().expect("outputs"))
    {
        assert_eq!(i["finished"], true);
    }
    assert_eq!(closed["intendedInputs"].as_array().expect("inputs").len(), 2);
}

// ----- plans, commitments, fulfilments, satisfactions ----------------------------------------

async fn production_plan(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "production-plan", PLANNING);
    let bike = resource_spec(node, "Bike", Some(&b.each)).await;
    let steel = resource_spec(node, "Steel", Some(&b.kg)).await;
    let (alice, bob) = (b.alice.clone(), b.bob.clone());
    let each = |n: Value| json!({"hasNumericalValue": n, "hasUnit": b.each});

    let plan = f
        .run(
            "CreatePlan",
            json!({"plan": {"name": "Spring production", "created": "2026-03-01T09:00:00.000Z",
                            "due": "2026-04-01T17:00:00.000Z", "note": "just testing, nothing was rly planned"}}),
        )
        .await["res"]["plan"]
        .clone();
    assert_eq!(plan["created"], "2026-03-01T09:00:00.000000Z");
    assert_eq!(plan["due"], "2026-04-01T17:00:00.000000Z");
    let plan = s(&plan["id"]);
    let first = f
        .run(
            "PlanProcessAndDemand",
            json!({"p": {"plannedWithin": plan, "name": "Assemble bikes", "note": "linked process note 1"},
                   "c": {"independentDemandOf": plan, "plannedWithin": plan, "note": "bikes for the coop",
                         "due": "2026-04-01T12:00:00.000Z", "action": "transfer", "provider": alice, "receiver": bob,
                         "resourceConformsTo": bike, "resourceQuantity": each(json!(10))}}),
        )
        .await;
    let p = s(&first["process"]["process"]["id"]);
    let demand = s(&first["commitment"]["commitment"]["id"]);
    let cp = f.run("CommitmentPlan", json!({"id": demand})).await["commitment"].clone();
    assert_eq!(cp["independentDemandOf"]["id"], plan.as_str());
    assert_eq!(cp["plannedWithin"]["id"], plan.as_str());
    let view = f.run("PlanView", json!({"id": plan})).await["plan"].clone();
    assert_eq!(list_ids(&view["independentDemands"]), [demand.as_str()]);
    assert_eq!(list_ids(&view["processes"]), [p.as_str()]);
    assert_eq!(view["processes"][0]["name"], "Assemble bikes");
    assert!(list_ids(&view["nonProcessCommitments"]).contains(&demand));
    assert_eq!(view["deletable"], false);

    // An input and an output of each kind for the process, in one request.
    let t = "2026-03-10T04:27:55.056Z";
    let due = "2026-03-10T04:29:55.056Z";
    let flows = f
        .run(
            "ProcessFlows",
            json!({
                "intentI": {"action": "consume", "inputOf": p, "receiver": bob, "resourceConformsTo": steel,
                            "note": "some input is required"},
                "commitmentI": {"action": "consume", "inputOf": p, "provider": alice, "receiver": bob, "due": due,
                                "resourceConformsTo": steel, "resourceQuantity": {"hasNumericalValue": 4, "hasUnit": b.kg},
                                "resourceClassifiedAs": ["some-resource-type"], "note": "some input will be provided"},
                "eventI": {"action": "consume", "inputOf": p, "provider": alice, "receiver": bob, "hasPointInTime": t,
                           "resourceConformsTo": steel, "resourceQuantity": {"hasNumericalValue": 4, "hasUnit": b.kg},
                           "resourceClassifiedAs": ["some-resource-type"], "note": "some input was used up"},
                "intentO": {"action": "produce", "outputOf": p, "provider": alice, "resourceConformsTo": bike,
                            "note": "please make the thing happen"},
                "commitmentO": {"action": "produce", "outputOf": p, "provider": alice, "receiver": bob, "due": due,
                                "resourceConformsTo": bike, "resourceQuantity": each(json!(10)), "note": "I'll make the thing happen"},
                "eventO": {"action": "produce", "outputOf": p, "provider": alice, "receiver": bob, "hasPointInTime": t,
                           "resourceConformsTo": bike, "resourceQuantity": each(json!(4)), "note": "hooray, the thing happened!"}
            }),
        )
        .await;
    let id = |alias: &str, kind: &str| s(&flows[alias][kind]["id"]);
    let (intent_i, commitment_i, event_i) =
        (id("inputIntent", "intent"), id("inputCommitment", "commitment"), id("inputEvent", "economicEvent"));
    let (intent_o, commitment_o, event_o) =
        (id("outputIntent", "intent"), id("outputCommitment", "commitment"), id("outputEvent", "economicEvent"));
    let pv = f.run("ProcessPlanView", json!({"id": p})).await["process"].clone();
    assert_eq!(pv["plannedWithin"]["id"], plan.as_str());
    assert_eq!(list_ids(&pv["observedInputs"]), [event_i.as_str()]);
    assert_eq!(list_ids(&pv["committedInputs"]), [commitment_i.as_str()]);
    assert_eq!(list_ids(&pv["intendedInputs"]), [intent_i.as_str()]);
    assert_eq!(list_ids(&pv["observedOutputs"]), [event_o.as_str()]);
    assert_eq!(list_ids(&pv["committedOutputs"]), [commitment_o.as_str()]);
    assert_eq!(list_ids(&pv["intendedOutputs"]), [intent_o.as_str()]);
    let side =
        f.run("FlowsSideBySide", json!({"event": event_i, "commitment": commitment_i, "intent": intent_i})).await;
    for alias in ["inputEvent", "inputCommitment", "inputIntent"] {
        assert_eq!(side[alias]["inputOf"]["id"], p.as_str(), "{alias}");
    }
    assert_eq!(side["inputEvent"]["fulfills"], json!([]));
    assert_eq!(side["inputCommitment"]["fulfilledBy"], json!([]));
    assert_eq!(side["inputIntent"]["satisfiedBy"], json!([]));

    // The output commitment is delivered by two events, each fulfilling part of it.
    let event_o2 = s(&record(
        node,
        json!({"action": "produce", "outputOf": p, "provider": alice, "receiver": bob, "hasPointInTime": "2026-03-12T10:00:00Z",
               "resourceConformsTo": bike, "resourceQuantity": each(json!(6))}),
        Value::Null,
    )
    .await["economicEvent"]["id"]);
    let ful = f
        .run(
            "FulfilTwice",
            json!({"first": {"fulfills": commitment_o, "fulfilledBy": event_o, "resourceQuantity": each(json!(4)), "note": "first delivery"},
                   "second": {"fulfills": commitment_o, "fulfilledBy": event_o2, "resourceQuantity": each(json!("6"))}}),
        )
        .await;
    let progress = f.run("CommitmentProgress", json!({"id": commitment_o})).await["commitment"].clone();
    assert_eq!(progress["resourceQuantity"]["hasNumericalValue"], "10");
    let mut delivered: Vec<(String, String, String)> = progress["fulfilledBy"]
        .as_array()
        .expect("fulfilledBy")
        .iter()
        .map(|f| {
            assert_eq!(f["fulfills"]["id"], commitment_o.as_str());
            assert_eq!(f["resourceQuantity"]["hasUnit"]["symbol"], "ea");
            assert_eq!(
                f["fulfilledBy"]["resourceQuantity"]["hasNumericalValue"],
                f["resourceQuantity"]["hasNumericalValue"]
            );
            (s(&f["id"]), s(&f["fulfilledBy"]["id"]), s(&f["resourceQuantity"]["hasNumericalValue"]))
        })
        .collect();
    delivered.sort();
    let mut expected = vec![
        (s(&ful["first"]["fulfillment"]["id"]), event_o.clone(), "4".to_owned()),
        (s(&ful["second"]["fulfillment"]["id"]), event_o2.clone(), "6".to_owned()),
    ];
    expected.sort();
    assert_eq!(delivered, expected);
    assert!(list_ids(&progress["involvedAgents"]).contains(&alice));

    // The input: fulfilled by its event; the intent satisfied by the event and by the commitment.
    let input_ful = s(&f
        .run("Fulfil", json!({"fulfillment": {"fulfills": commitment_i, "fulfilledBy": event_i}}))
        .await["res"]["fulfillment"]["id"]);
    let sats = f
        .run(
            "SatisfyBoth",
            json!({"byEvent": {"satisfies": intent_i, "satisfiedBy": event_i},
                   "byCommitment": {"satisfies": intent_i, "satisfiedBy": commitment_i,
                                    "resourceQuantity": {"hasNumericalValue": 4, "hasUnit": b.kg}}}),
        )
        .await;
    let (ies, ics) = (s(&sats["ies"]["satisfaction"]["id"]), s(&sats["ics"]["satisfaction"]["id"]));
    let side =
        f.run("FlowsSideBySide", json!({"event": event_i, "commitment": commitment_i, "intent": intent_i})).await;
    assert_eq!(list_ids(&side["inputEvent"]["fulfills"]), [input_ful.as_str()]);
    assert_eq!(list_ids(&side["inputEvent"]["satisfies"]), [ies.as_str()]);
    assert_eq!(list_ids(&side["inputCommitment"]["fulfilledBy"]), [input_ful.as_str()]);
    assert_eq!(list_ids(&side["inputCommitment"]["satisfies"]), [ics.as_str()]);
    assert_eq!(sorted(list_ids(&side["inputIntent"]["satisfiedBy"])), sorted(vec![ies.clone(), ics.clone()]));
    let by_event = f.run("SatisfactionView", json!({"id": ies})).await["satisfaction"].clone();
    assert_eq!(by_event["satisfies"]["id"], intent_i.as_str());
    assert_eq!(by_event["satisfiedBy"], json!({"__typename": "EconomicEvent", "id": event_i}));
    let by_commitment = f.run("SatisfactionView", json!({"id": ics})).await["satisfaction"].clone();
    assert_eq!(by_commitment["satisfiedBy"], json!({"__typename": "Commitment", "id": commitment_i}));
    assert_eq!(by_commitment["resourceQuantity"]["hasNumericalValue"], "4");

    // Listing and the agents on both sides.
    let list = |filter: Value| f.run("CommitmentList", json!({"filter": filter}));
    assert_eq!(
        node_ids(&list(json!({"providerId": [alice], "action": ["produce"]})).await["commitments"]),
        [commitment_o.as_str()]
    );
    assert_eq!(
        sorted(node_ids(&list(json!({"resourceConformsTo": [bike]})).await["commitments"])),
        sorted(vec![demand.clone(), commitment_o.clone()])
    );
    let page = f.run("CommitmentList", json!({"first": 2})).await["commitments"].clone();
    assert_eq!(page["pageInfo"]["totalCount"], 3);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let links = f.run("AgentLinks", json!({"provider": alice, "receiver": bob})).await;
    assert_eq!(
        sorted(node_ids(&links["aliceQuery"]["commitmentsAsProvider"])),
        sorted(vec![demand.clone(), commitment_i.clone(), commitment_o.clone()])
    );
    assert_eq!(node_ids(&links["aliceQuery"]["intentsAsProvider"]), [intent_o.as_str()]);
    assert_eq!(
        sorted(node_ids(&links["aliceQuery"]["economicEventsAsProvider"])),
        sorted(vec![event_i.clone(), event_o.clone(), event_o2.clone()])
    );
    assert_eq!(node_ids(&links["bobQuery"]["commitmentsAsReceiver"]).len(), 3);
    assert_eq!(node_ids(&links["bobQuery"]["intentsAsReceiver"]), [intent_i.as_str()]);
    assert_eq!(node_ids(&links["bobQuery"]["economicEventsAsReceiver"]).len(), 3);
    let demand_for_bikes = f.run("SpecificationDemand", json!({"id": bike})).await["resourceSpecification"].clone();
    assert_eq!(sorted(node_ids(&demand_for_bikes["commitments"])), sorted(vec![demand.clone(), commitment_o.clone()]));
    assert_eq!(node_ids(&demand_for_bikes["intents"]), [intent_o.as_str()]);

    // Closing the delivered commitment keeps everything else.
    let closed = f
        .run(
            "UpdateCommitment",
            json!({"commitment": {"revisionId": flows["outputCommitment"]["commitment"]["revisionId"], "finished": true}}),
        )
        .await["res"]["commitment"]
        .clone();
    assert_eq!(closed["finished"], true);
    assert_eq!(closed["note"], "I'll make the thing happen");
    assert_eq!(closed["resourceQuantity"]["hasNumericalValue"], "10");
    assert_eq!(closed["due"], "2026-03-10T04:29:55.056000Z");
    assert_eq!(node_ids(&list(json!({"finished": true})).await["commitments"]), [commitment_o.as_str()]);

    let all = f.run("Fulfillments", json!({})).await;
    assert_eq!(node_ids(&all["fulfillments"]).len(), 3);
    assert_eq!(sorted(node_ids(&all["satisfactions"])), sorted(vec![ies, ics]));

    // A fulfilment corrected, then one removed.
    let corrected = f
        .run(
            "CorrectFulfillment",
            json!({"fulfillment": {"revisionId": ful["second"]["fulfillment"]["revisionId"],
                                   "resourceQuantity": {"hasNumericalValue": "5.50", "hasUnit": b.each}}}),
        )
        .await["res"]["fulfillment"]
        .clone();
    assert_eq!(corrected["resourceQuantity"]["hasNumericalValue"], "5.5");
    assert_eq!(
        f.run("RemoveFulfillment", json!({"revisionId": ful["first"]["fulfillment"]["revisionId"]})).await["res"],
        true
    );
    let progress = f.run("CommitmentProgress", json!({"id": commitment_o})).await["commitment"].clone();
    assert_eq!(list_ids(&progress["fulfilledBy"]), [s(&ful["second"]["fulfillment"]["id"])]);
    assert_eq!(progress["fulfilledBy"][0]["resourceQuantity"]["hasNumericalValue"], "5.5");
}

// ----- agreements ---------------------------------------------------------------------------

async fn agreements(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "agreements", AGREEMENTS);
    let accounting = Flow::new(node, "resource-accounting", ACCOUNTING);
    let apples = resource_spec(node, "Apples", Some(&b.kg)).await;
    let euro = unit(node, "euro", "EUR").await;
    let eur = resource_spec(node, "Euro", Some(&euro)).await;
    let (alice, bob) = (b.alice.clone(), b.bob.clone());

    // An event recorded before the agreement was written down.
    let earlier = accounting
        .run(
            "RecordEvent",
            json!({"event": {"action": "transfer", "provider": alice, "receiver": bob, "hasPointInTime": "2026-02-20T10:00:00Z",
                             "resourceConformsTo": apples, "resourceQuantity": {"hasNumericalValue": 2, "hasUnit": b.kg}}}),
        )
        .await["createEconomicEvent"]["economicEvent"]
        .clone();

    let a = f
        .run(
            "CreateAgreement",
            json!({"rs": {"name": "test agreement", "created": "2026-03-01T10:00:00.000Z", "note": "just testing, nothing was rly agreed"}}),
        )
        .await["res"]["agreement"]
        .clone();
    assert_eq!(a["created"], "2026-03-01T10:00:00.000000Z");
    let r1 = s(&a["revisionId"]);
    let a = s(&a["id"]);
    let terms = |n: u32| {
        json!({
            "e": {"realizationOf": a, "note": format!("linked event {n}"), "hasPointInTime": format!("2026-03-0{n}T12:00:00.000Z"),
                  "action": "transfer", "provider": alice, "receiver": bob, "resourceConformsTo": apples,
                  "resourceQuantity": {"hasNumericalValue": 5, "hasUnit": b.kg}},
            "c": {"clauseOf": a, "note": format!("linked commitment {n}"), "due": format!("2026-03-1{n}T12:00:00.000Z"),
                  "action": "transfer", "provider": bob, "receiver": alice, "resourceConformsTo": eur,
                  "resourceQuantity": {"hasNumericalValue": "12.5", "hasUnit": euro}}
        })
    };
    let t1 = f.run("AgreementTerms", terms(1)).await;
    let (e1, c1) = (s(&t1["event"]["economicEvent"]["id"]), s(&t1["commitment"]["commitment"]["id"]));
    assert_eq!(t1["event"]["economicEvent"]["realizationOf"]["id"], a.as_str());
    assert_eq!(t1["commitment"]["commitment"]["clauseOf"]["id"], a.as_str());
    let links = f.run("AgreementLinks", json!({"event": e1, "commitment": c1, "agreement": a})).await;
    assert_eq!(links["economicEvent"]["realizationOf"]["id"], a.as_str());
    assert_eq!(links["commitment"]["clauseOf"]["name"], "test agreement");
    assert_eq!(list_ids(&links["agreement"]["commitments"]), [c1.as_str()]);
    assert_eq!(list_ids(&links["agreement"]["economicEvents"]), [e1.as_str()]);

    let t2 = f.run("AgreementTerms", terms(2)).await;
    let (e2, c2) = (s(&t2["event"]["economicEvent"]["id"]), s(&t2["commitment"]["commitment"]["id"]));
    let linked = f
        .run("LinkEventToAgreement", json!({"event": {"revisionId": earlier["revisionId"], "realizationOf": a}}))
        .await["updateEconomicEvent"]["economicEvent"]
        .clone();
    assert_eq!(linked["realizationOf"]["id"], a.as_str());
    let links = f.run("AgreementLinks", json!({"event": e2, "commitment": c2, "agreement": a})).await;
    assert_eq!(sorted(list_ids(&links["agreement"]["commitments"])), sorted(vec![c1, c2]));
    assert_eq!(sorted(list_ids(&links["agreement"]["economicEvents"])), sorted(vec![e1, e2, s(&earlier["id"])]));

    // Renamed twice; each answer points back at the revision it replaced.
    let v2 = f.run("ReviseAgreement", json!({"record": {"revisionId": r1, "name": "test agreement 2"}})).await["res"]
        ["agreement"]
        .clone();
    assert_eq!(v2["meta"]["previousRevision"]["id"], r1.as_str());
    let v3 = f
        .run("ReviseAgreement", json!({"record": {"revisionId": v2["revisionId"], "name": "test agreement 3"}}))
        .await["res"]["agreement"]
        .clone();
    assert_eq!(v3["meta"]["previousRevision"]["id"], v2["revisionId"]);
    assert_eq!(v3["name"], "test agreement 3");

    let spare = f.run("CreateAgreement", json!({"rs": {"name": "draft"}})).await["res"]["agreement"].clone();
    let page = f.run("Agreements", json!({"first": 1})).await["agreements"].clone();
    assert_eq!(page["pageInfo"]["totalCount"], 2);
    assert_eq!(node_ids(&page), [a.as_str()]);
    let next =
        f.run("Agreements", json!({"first": 1, "after": page["pageInfo"]["endCursor"]})).await["agreements"].clone();
    assert_eq!(node_ids(&next), [s(&spare["id"])]);
    assert_eq!(f.refused("DeleteAgreement", json!({"revisionId": v3["revisionId"]})).await, "CONFLICT");
    assert_eq!(f.run("DeleteAgreement", json!({"revisionId": spare["revisionId"]})).await["res"], true);
    assert!(f.run("Agreement", json!({"id": spare["id"]})).await["agreement"].is_null());
}

// ----- claims and settlements ----------------------------------------------------------------

async fn claims_and_settlements(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "claims-and-settlements", CLAIMS);
    let apples = resource_spec(node, "Apples", Some(&b.kg)).await;
    let euro = unit(node, "euro", "EUR").await;
    let eur = resource_spec(node, "Euro", Some(&euro)).await;
    let (supplier, customer) = (b.alice.clone(), b.bob.clone());
    let pay = |amount: Value, at: &str| {
        json!({"action": "transfer", "provider": customer, "receiver": supplier, "hasPointInTime": at,
               "resourceConformsTo": eur, "resourceQuantity": {"hasNumericalValue": amount, "hasUnit": euro}})
    };
    let delivery = s(&record(
        node,
        json!({"action": "transfer", "provider": supplier, "receiver": customer, "hasPointInTime": "2026-04-01T08:00:00Z",
               "resourceConformsTo": apples, "resourceQuantity": {"hasNumericalValue": 20, "hasUnit": b.kg}}),
        Value::Null,
    )
    .await["economicEvent"]["id"]);

    let claim = f
        .run(
            "MakeClaim",
            json!({"claim": {"action": "transfer", "triggeredBy": delivery, "provider": customer, "receiver": supplier,
                             "resourceConformsTo": eur, "resourceQuantity": {"hasNumericalValue": "49.90", "hasUnit": euro},
                             "due": "2026-04-30", "created": "2026-04-01T09:00:00.000Z", "note": "invoice 42"}}),
        )
        .await["createClaim"]["claim"]
        .clone();
    assert_eq!(claim["action"]["id"], "transfer");
    assert_eq!(claim["triggeredBy"]["id"], delivery.as_str());
    assert_eq!(claim["resourceQuantity"]["hasNumericalValue"], "49.9");
    assert_eq!(claim["resourceQuantity"]["hasUnit"]["symbol"], "EUR");
    assert_eq!(claim["due"], "2026-04-30T00:00:00.000000Z");
    assert_ne!(claim["finished"], true);
    let claim_id = s(&claim["id"]);

    let pay1 = s(&record(node, pay(json!(30), "2026-04-10T10:00:00Z"), Value::Null).await["economicEvent"]["id"]);
    let pay2 = s(&record(node, pay(json!("19.90"), "2026-04-20T10:00:00Z"), Value::Null).await["economicEvent"]["id"]);
    for (event, amount) in [(&pay1, json!(30)), (&pay2, json!(19.9))] {
        let st = f
            .run(
                "Settle",
                json!({"settlement": {"settles": claim_id, "settledBy": event,
                                      "resourceQuantity": {"hasNumericalValue": amount, "hasUnit": euro}}}),
            )
            .await["createSettlement"]["settlement"]
            .clone();
        assert_eq!(st["settles"]["id"], claim_id.as_str());
        assert_eq!(st["settledBy"]["id"], event.as_str());
    }
    let status = f.run("ClaimStatus", json!({"id": claim_id})).await["claim"].clone();
    assert_eq!(status["settledBy"]["pageInfo"]["totalCount"], 2);
    let mut settled: Vec<(String, String)> = status["settledBy"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| (s(&e["node"]["settledBy"]["id"]), s(&e["node"]["resourceQuantity"]["hasNumericalValue"])))
        .collect();
    settled.sort();
    let mut expected = vec![(pay1.clone(), "30".to_owned()), (pay2.clone(), "19.9".to_owned())];
    expected.sort();
    assert_eq!(settled, expected);
    let settles = f.run("EventSettles", json!({"id": pay1})).await["economicEvent"]["settles"].clone();
    assert_eq!(settles.as_array().expect("settles").len(), 1);
    assert_eq!(settles[0]["settles"]["id"], claim_id.as_str());

    let claims = |filter: Value| f.run("Claims", json!({"filter": filter}));
    let total = |v: &Value| v["claims"]["pageInfo"]["totalCount"].as_i64().expect("totalCount");
    assert_eq!(total(&claims(json!({"providerId": [customer]})).await), 1);
    assert_eq!(total(&claims(json!({"receiverId": [customer]})).await), 0);
    let open = claims(json!({"action": ["transfer"], "finished": false})).await;
    assert_eq!(node_ids(&open["claims"]), [claim_id.as_str()]);
    assert_eq!(node_ids(&open["settlements"]).len(), 2);
    assert_eq!(
        node_ids(&f.run("CurrencyClaims", json!({"id": eur})).await["resourceSpecification"]["claims"]),
        [claim_id.as_str()]
    );

    let closed = f
        .run("CloseClaim", json!({"claim": {"revisionId": claim["revisionId"], "finished": true}}))
        .await["updateClaim"]["claim"]
        .clone();
    assert_eq!(closed["finished"], true);
    assert_eq!(closed["due"], "2026-04-30T00:00:00.000000Z");
    assert_eq!(total(&claims(json!({"finished": true})).await), 1);
    assert_eq!(total(&claims(json!({"finished": false})).await), 0);
}

// ----- appreciations -------------------------------------------------------------------------

async fn appreciations(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "appreciations", APPRECIATIONS);
    let apples = resource_spec(node, "Apples", Some(&b.kg)).await;
    let jam = resource_spec(node, "Jam", Some(&b.each)).await;
    let gift = s(&record(
        node,
        json!({"action": "transfer", "provider": b.alice, "receiver": b.bob, "hasPointInTime": "2026-05-01T10:00:00Z",
               "resourceConformsTo": apples, "resourceQuantity": {"hasNumericalValue": 3, "hasUnit": b.kg}, "note": "a gift"}),
        Value::Null,
    )
    .await["economicEvent"]["id"]);
    let thanks = s(&record(
        node,
        json!({"action": "transfer", "provider": b.bob, "receiver": b.alice, "hasPointInTime": "2026-05-08T10:00:00Z",
               "resourceConformsTo": jam, "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": b.each}}),
        Value::Null,
    )
    .await["economicEvent"]["id"]);
    let a = f
        .run(
            "Appreciate",
            json!({"appreciation": {"appreciationOf": gift, "appreciationWith": thanks, "note": "thank you"}}),
        )
        .await["createAppreciation"]["appreciation"]
        .clone();
    assert_eq!(a["appreciationOf"]["id"], gift.as_str());
    assert_eq!(a["appreciationWith"]["id"], thanks.as_str());
    let id = s(&a["id"]);
    let page = f.run("AppreciationPage", json!({"id": id})).await["appreciation"].clone();
    assert_eq!(page["appreciationOf"]["provider"]["name"], "Alice");
    assert_eq!(page["appreciationWith"]["provider"]["name"], "Bob");
    assert_eq!(page["appreciationWith"]["action"]["id"], "transfer");
    // Each event names the appreciation once, on one side or the other.
    for event in [&gift, &thanks] {
        let e = f.run("EventAppreciations", json!({"id": event})).await["economicEvent"].clone();
        let both = [list_ids(&e["appreciationOf"]), list_ids(&e["appreciationWith"])].concat();
        assert_eq!(both, [id.as_str()], "event {event}");
    }
    assert_eq!(node_ids(&f.run("Appreciations", json!({})).await["appreciations"]), [id.as_str()]);
    let edited = f
        .run("EditAppreciation", json!({"appreciation": {"revisionId": a["revisionId"], "note": "thank you so much"}}))
        .await["updateAppreciation"]["appreciation"]
        .clone();
    assert_eq!(edited["note"], "thank you so much");
    assert_eq!(
        f.run("WithdrawAppreciation", json!({"revisionId": edited["revisionId"]})).await["deleteAppreciation"],
        true
    );
    assert_eq!(node_ids(&f.run("Appreciations", json!({})).await["appreciations"]), Vec::<String>::new());
}

// ----- recipes -------------------------------------------------------------------------------

async fn recipes(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "recipes", RECIPES);
    let baking = process_spec(node, "Baking").await;
    let milling = process_spec(node, "Milling").await;
    let flour = resource_spec(node, "Flour", Some(&b.kg)).await;
    let bread = resource_spec(node, "Bread", Some(&b.each)).await;
    let skill = resource_spec(node, "Baking skill", Some(&b.hour)).await;
    let rp = f
        .run(
            "DefineRecipeProcess",
            json!({"rp": {"name": "Bake a loaf", "note": "Sourdough", "processConformsTo": baking,
                          "processClassifiedAs": ["https://example.org/process/baking"],
                          "hasDuration": {"numericDuration": 2, "unitType": "hour"}}}),
        )
        .await["createRecipeProcess"]["recipeProcess"]
        .clone();
    assert_eq!(rp["hasDuration"], json!({"numericDuration": "2", "unitType": "hour"}));
    assert_eq!(rp["processConformsTo"]["name"], "Baking");
    let rp_id = s(&rp["id"]);
    let flows = f
        .run(
            "DefineRecipeFlows",
            json!({
                "input": {"action": "consume", "recipeInputOf": rp_id, "resourceConformsTo": flour, "stage": milling,
                          "resourceQuantity": {"hasNumericalValue": 0.5, "hasUnit": b.kg}, "note": "flour"},
                "work": {"action": "work", "recipeInputOf": rp_id, "resourceConformsTo": skill,
                         "effortQuantity": {"hasNumericalValue": 2, "hasUnit": b.hour}, "note": "baker"},
                "output": {"action": "produce", "recipeOutputOf": rp_id, "resourceConformsTo": bread,
                           "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": b.each}, "note": "loaf"}
            }),
        )
        .await;
    let input = s(&flows["input"]["recipeFlow"]["id"]);
    let rx = s(
        &f.run("DefineRecipeExchange", json!({"rx": {"name": "Sell a loaf", "note": "at the market"}})).await["createRecipeExchange"]
            ["recipeExchange"]["id"],
    );
    let clause = f
        .run(
            "DefineClause",
            json!({"flow": {"action": "transfer", "recipeClauseOf": rx, "resourceConformsTo": bread,
                            "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": b.each}, "note": "the loaf"}}),
        )
        .await["createRecipeFlow"]["recipeFlow"]
        .clone();
    assert_eq!(clause["recipeClauseOf"]["name"], "Sell a loaf");

    let all = f.run("RecipeFlows", json!({"first": 10})).await["recipeFlows"].clone();
    assert_eq!(all["pageInfo"]["totalCount"], 4);
    let by_note = |note: &str| {
        all["edges"].as_array().expect("edges").iter().find(|e| e["node"]["note"] == note).expect("listed")["node"]
            .clone()
    };
    let flour_in = by_note("flour");
    assert_eq!(flour_in["action"]["id"], "consume");
    assert_eq!(flour_in["recipeInputOf"]["name"], "Bake a loaf");
    assert_eq!(flour_in["resourceQuantity"], json!({"hasNumericalValue": "0.5", "hasUnit": {"symbol": "kg"}}));
    assert_eq!(flour_in["resourceConformsTo"]["name"], "Flour");
    assert_eq!(by_note("baker")["effortQuantity"], json!({"hasNumericalValue": "2", "hasUnit": {"symbol": "h"}}));
    assert_eq!(by_note("loaf")["recipeOutputOf"]["id"], rp_id.as_str());
    assert_eq!(by_note("the loaf")["recipeClauseOf"]["id"], rx.as_str());

    let cat = f.run("RecipeCatalogue", json!({})).await;
    assert_eq!(node_ids(&cat["recipeProcesses"]), [rp_id.as_str()]);
    assert_eq!(node_ids(&cat["recipeExchanges"]), [rx.as_str()]);
    let spec = |id: &str| f.run("ProcessSpecificationRecipes", json!({"id": id}));
    assert_eq!(node_ids(&spec(&baking).await["processSpecification"]["conformingRecipeProcesses"]), [rp_id.as_str()]);
    assert_eq!(node_ids(&spec(&milling).await["processSpecification"]["recipeFlowsRequiringStage"]), [input]);

    let revised = f
        .run(
            "ReviseRecipeProcess",
            json!({"rp": {"revisionId": rp["revisionId"], "hasDuration": {"numericDuration": 90, "unitType": "minute"}}}),
        )
        .await["updateRecipeProcess"]["recipeProcess"]
        .clone();
    assert_eq!(revised["name"], "Bake a loaf");
    assert_eq!(revised["hasDuration"], json!({"numericDuration": "90", "unitType": "minute"}));
    // A flow taken out of the recipe.
    let removed = f
        .run("RemoveRecipeFlow", json!({"revisionId": flows["output"]["recipeFlow"]["revisionId"]}))
        .await["deleteRecipeFlow"]
        .clone();
    assert_eq!(removed, true);
    assert!(f.run("RecipeFlow", json!({"id": flows["output"]["recipeFlow"]["id"]})).await["recipeFlow"].is_null());
    assert_eq!(f.run("RecipeFlows", json!({"first": 10})).await["recipeFlows"]["pageInfo"]["totalCount"], 3);
}

// ----- scenarios -----------------------------------------------------------------------------

async fn scenarios(node: &TestNode) {
    let b = base(node).await;
    let f = Flow::new(node, "scenarios", SCENARIOS);
    let def = f
        .run(
            "DefineScenario",
            json!({"plan": {"name": "Quarter", "hasDuration": {"numericDuration": 3, "unitType": "month"}, "note": "a season"}}),
        )
        .await["createScenarioDefinition"]["scenarioDefinition"]
        .clone();
    assert_eq!(def["hasDuration"], json!({"numericDuration": "3", "unitType": "month"}));
    let def = s(&def["id"]);
    let q2 = f
        .run(
            "OpenScenario",
            json!({"plan": {"name": "Q2 2026", "definedAs": def, "hasBeginning": "2026-04-01", "hasEnd": "2026-06-30T23:59:59Z",
                            "inScopeOf": [b.coop]}}),
        )
        .await["createScenario"]["scenario"]
        .clone();
    assert_eq!(q2["hasBeginning"], "2026-04-01T00:00:00.000000Z");
    assert_eq!(q2["definedAs"]["id"], def.as_str());
    assert_eq!(q2["inScopeOf"], json!([{"__typename": "Organization", "id": b.coop}]));
    let q2_rev = s(&q2["revisionId"]);
    let q2 = s(&q2["id"]);
    let dry = f
        .run("OpenScenario", json!({"plan": {"name": "Q2 2026, little rain", "refinementOf": q2}}))
        .await["createScenario"]["scenario"]
        .clone();
    assert_eq!(dry["refinementOf"]["id"], q2.as_str());
    let dry = s(&dry["id"]);
    let plan = f
        .run("PlanUnderScenario", json!({"plan": {"name": "Irrigation", "refinementOf": q2}}))
        .await["createPlan"]["plan"]
        .clone();
    assert_eq!(plan["refinementOf"]["id"], q2.as_str());

    let page = f.run("ScenarioPage", json!({"id": q2})).await["scenario"].clone();
    assert_eq!(list_ids(&page["refinements"]), [dry.as_str()]);
    assert_eq!(list_ids(&page["plans"]), [s(&plan["id"])]);
    assert_eq!(page["plans"][0]["name"], "Irrigation");
    assert_eq!(page["definedAs"]["name"], "Quarter");
    assert_eq!(node_ids(&page["definedAs"]["scenarios"]), [q2.as_str()]);
    assert!(page["refinementOf"].is_null());
    let all = f.run("Scenarios", json!({})).await;
    assert_eq!(all["scenarios"]["pageInfo"]["totalCount"], 2);
    assert_eq!(node_ids(&all["scenarioDefinitions"]), [def.as_str()]);
    assert_eq!(
        node_ids(&f.run("ScenariosInScope", json!({"id": b.coop})).await["organization"]["scenariosInScope"]),
        [q2.as_str()]
    );
    let moved = f
        .run("ReviseScenario", json!({"plan": {"revisionId": q2_rev, "hasEnd": "2026-07-15T00:00:00Z"}}))
        .await["updateScenario"]["scenario"]
        .clone();
    assert_eq!(moved["name"], "Q2 2026");
    assert_eq!(moved["hasEnd"], "2026-07-15T00:00:00.000000Z");
}

crate::on_both!(
    marketplace_offers,
    contribution_proposal,
    production_plan,
    agreements,
    claims_and_settlements,
    appreciations,
    recipes,
    scenarios,
);
