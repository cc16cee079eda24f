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

/// Units, agents, places and specifications most flows start from, created through the
/// corpus's own setup operations.
pub struct Base {
    pub me: String,
    pub kg: String,
    pub hour: String,
    pub each: String,
    pub alice: String,
    pub bob: String,
    pub coop: String,
    pub place: String,
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
    let place = agents
        .run("CreateHomePlace", json!({"name": "Workshop", "addr": "1 Mill Lane", "lat": 51.5072, "lng": -0.1276}))
        .await;
    let coop = agents.run("RegisterOrganization", json!({"organization": {"name": "Coop"}})).await;
    Base {
        me,
        kg: s(&u["mass"]["unit"]["id"]),
        hour: s(&u["time"]["unit"]["id"]),
        each: s(&u["count"]["unit"]["id"]),
        alice: s(&people["one"]["agent"]["id"]),
        bob: s(&people["two"]["agent"]["id"]),
        coop: s(&coop["createOrganization"]["agent"]["id"]),
        place: s(&place["createSpatialThing"]["spatialThing"]["id"]),
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
    assert_eq!(node_ids(&end), [bob.clone()]);
    assert_eq!(end["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(end["pageInfo"]["hasNextPage"], false);
    let before =
        f.run("PeopleFromTheEnd", json!({"last": 1, "before": end["pageInfo"]["startCursor"]})).await["people"].clone();
    assert_eq!(node_ids(&before), [alice.clone()]);
    assert_eq!(before["pageInfo"]["hasPreviousPage"], false);

    let labs = f.run("OrganizationsClassifiedAs", json!({"classes": [makerspace]})).await;
    assert_eq!(node_ids(&labs["organizations"]), [org.clone()]);

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
    assert_eq!(node_ids(&cat["resourceSpecifications"]), [apples.clone()]);
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
    assert_eq!(node_ids(&tail), [transferred.clone()]);
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
    assert_eq!(node_ids(&at_cold["economicResources"]), [dest.clone()]);

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
    assert_eq!(list_ids(&page["observedOutputs"]), [produced.clone()]);
    let mut unplanned = list_ids(&page["unplannedInputs"]);
    unplanned.sort();
    assert_eq!(unplanned, expected, "no commitment was made, so every input is unplanned");
    assert_eq!(list_ids(&page["unplannedOutputs"]), [produced.clone()]);
    assert_eq!(node_ids(&page["workingAgents"]), [baker.clone()]);
    assert_eq!(page["involvedAgents"]["pageInfo"]["totalCount"], 2);
    assert_eq!(page["inScopeOf"], json!([{"__typename": "Organization", "id": bakery, "name": "Coop"}]));
    assert_eq!(page["deletable"], false);

    let only = |filter: Value| f.run("ProcessInputs", json!({"id": p1, "filter": filter}));
    assert_eq!(list_ids(&only(json!({"action": ["work"]})).await["process"]["observedInputs"]), [worked.clone()]);
    assert_eq!(list_ids(&only(json!({"providerId": [baker]})).await["process"]["observedInputs"]), [worked.clone()]);

    assert_eq!(f.run("OutputStage", json!({"id": loaves})).await["economicResource"]["stage"]["name"], "Baking");
    let usage = f.run("ProcessSpecificationUsage", json!({"id": baking})).await["processSpecification"].clone();
    assert_eq!(node_ids(&usage["conformingProcesses"]), [p1.clone()]);
    assert_eq!(node_ids(&usage["resourcesCurrentlyAtStage"]), [loaves.clone()]);

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
    assert_eq!(list_ids(&f.run("ProcessPage", json!({"id": p1})).await["process"]["nextProcesses"]), [p2.clone()]);
    assert_eq!(list_ids(&f.run("ProcessPage", json!({"id": p2})).await["process"]["previousProcesses"]), [p1.clone()]);

    let done = f
        .run("UpdateProcess", json!({"process": {"revisionId": started["revisionId"], "finished": true}}))
        .await["updateProcess"]["process"]
        .clone();
    assert_eq!(done["finished"], true);
    assert_eq!(done["hasEnd"], "2026-03-02T09:00:00.000000Z");

    let listed = |filter: Value| f.run("ProcessList", json!({"filter": filter}));
    assert_eq!(node_ids(&listed(json!({"finished": true})).await["processes"]), [p1.clone()]);
    assert_eq!(node_ids(&listed(json!({"finished": false})).await["processes"]), [p2.clone()]);
    assert_eq!(node_ids(&listed(json!({"classifiedAs": [class]})).await["processes"]), [p1.clone()]);
    let first = f.run("ProcessList", json!({"first": 1})).await["processes"].clone();
    assert_eq!(first["pageInfo"]["totalCount"], 2);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(node_ids(&first), [p1.clone()]);

    let mine = f.run("AgentProcesses", json!({"id": baker})).await["agent"]["processes"].clone();
    assert_eq!(node_ids(&mine), [p1.clone(), p2.clone()]);
    let finished =
        f.run("AgentProcesses", json!({"id": bakery, "filter": {"finished": true}})).await["agent"]["processes"]
            .clone();
    assert_eq!(node_ids(&finished), [p1.clone()]);

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
    assert_eq!(list_ids(&back["previous"]), [produced.clone()]);
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
    assert_eq!(list_ids(&fwd["next"]), [consumed.clone()]);
    let step = &fwd["next"][0]["next"];
    assert_eq!(step[0]["__typename"], "Process");
    assert_eq!(step[0]["id"], p.as_str());
    assert_eq!(list_ids(&step[0]["next"]), [produced.clone()]);
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
    assert_eq!(node_ids(&p1), [lot_id.clone()]);
    assert_eq!(p1["pageInfo"]["hasNextPage"], true);
    assert_eq!(p1["pageInfo"]["totalCount"], 2);
    let p2 =
        f.run("Batches", json!({"first": 1, "after": p1["pageInfo"]["endCursor"]})).await["productBatches"].clone();
    assert_eq!(node_ids(&p2), [spare.clone()]);

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
