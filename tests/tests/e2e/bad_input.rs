//! Garbage in: every bad request is refused with a code, and nothing stored changes.
//! Requests are malformed in their HTTP, their JSON, their GraphQL, their values and their
//! tokens; each gets a 4xx or a GraphQL error with a code, never a 5xx, and the ledger's
//! fingerprint is what it was. The limits set small, and slow clients, are in `limits.rs`.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use valueflows_node::store::ops;
use vf_tests::{TestNode, error_code};

use crate::flow::{Shop, raise_steel, shop};

/// Ops in the node's feed and the full state of every resource: the ledger's fingerprint.
pub(crate) async fn fingerprint(node: &TestNode) -> (u64, Value) {
    let app = node.node.app();
    let n = ops::len(app.store().db(), app.did().as_str()).await.expect("len");
    let r = node
        .ok("{ economicResources(first: 1000) { edges { node { id revisionId accountingQuantity { hasNumericalValue } onhandQuantity { hasNumericalValue } } } } }", json!({}))
        .await;
    (n, r)
}

const EVENT: &str = "mutation($e: EconomicEventCreateParams!, $r: EconomicResourceCreateParams) {
  createEconomicEvent(event: $e, newInventoriedResource: $r) { economicEvent { id } } }";

fn consume(shop: &Shop, stock: &str, qty: Value, unit: &str) -> Value {
    json!({"action": "consume", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02T10:00:00Z",
           "resourceInventoriedAs": stock, "resourceQuantity": {"hasNumericalValue": qty, "hasUnit": unit}})
}

async fn refused(node: &TestNode, vars: Value, code: &str, why: &str) {
    let v = node.gql(EVENT, vars).await;
    assert_eq!(error_code(&v), Some(code), "{why}: {v:#}");
    assert!(v["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{why}: a message");
}

async fn bad_events_are_refused_and_change_nothing(node: &TestNode) {
    let shop = shop(node).await;
    let stock = raise_steel(node, &shop, "50").await;
    let before = fingerprint(node).await;

    refused(node, json!({"e": consume(&shop, &stock, json!(1), &shop.each)}), "VALIDATION", "wrong unit").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["action"] = json!("teleport");
    refused(node, json!({"e": e}), "VALIDATION", "unknown action").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["provider"] = json!(uuid::Uuid::now_v7().to_string());
    refused(node, json!({"e": e}), "NOT_FOUND", "unknown provider").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["provider"] = json!("not-an-id");
    refused(node, json!({"e": e}), "VALIDATION", "malformed id").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["resourceInventoriedAs"] = json!(uuid::Uuid::now_v7().to_string());
    refused(node, json!({"e": e}), "NOT_FOUND", "unknown resource").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e.as_object_mut().expect("obj").remove("resourceQuantity");
    refused(node, json!({"e": e}), "VALIDATION", "missing quantity").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e.as_object_mut().expect("obj").remove("hasPointInTime");
    refused(node, json!({"e": e}), "VALIDATION", "no time").await;
    refused(node, json!({"e": consume(&shop, &stock, json!(-5), &shop.kg)}), "VALIDATION", "negative quantity").await;
    refused(node, json!({"e": consume(&shop, &stock, json!("1e40"), &shop.kg)}), "VALIDATION", "too large").await;
    refused(node, json!({"e": consume(&shop, &stock, json!("12abc"), &shop.kg)}), "VALIDATION", "not a number").await;
    refused(node, json!({"e": consume(&shop, &stock, json!(true), &shop.kg)}), "VALIDATION", "wrong type").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["hasPointInTime"] = json!("yesterday");
    refused(node, json!({"e": e}), "VALIDATION", "bad date").await;
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["outputOf"] = json!(uuid::Uuid::now_v7().to_string());
    refused(node, json!({"e": e}), "VALIDATION", "consume cannot be an output").await;
    let work = json!({"action": "work", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02T10:00:00Z",
                      "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": shop.hour}});
    refused(node, json!({"e": work}), "VALIDATION", "work needs effort, not resource quantity").await;
    let raise = json!({"action": "raise", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02T10:00:00Z",
                       "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": shop.kg}});
    refused(node, json!({"e": raise, "r": {"name": "no spec"}}), "VALIDATION", "a new resource needs a specification")
        .await;
    let v = node.gql("mutation { createUnit(unit: { label: \"x\" }) { unit { id } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "missing required field: {v:#}");
    let v =
        node.gql("mutation { createUnit(unit: { label: \"  \", symbol: \"x\" }) { unit { id } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "blank label: {v:#}");
    let v = node.gql("{ economicEvents(first: -1) { edges { cursor } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "negative page: {v:#}");
    let v = node.gql("{ economicEvents(first: 100000) { edges { cursor } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("LIMIT"), "page too large: {v:#}");
    let v = node.gql("{ economicEvents(after: \"nope\") { edges { cursor } } }", json!({})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "bad cursor: {v:#}");
    let v = node.gql("{ nosuchfield }", json!({})).await;
    assert!(error_code(&v).is_some(), "unknown field carries a code: {v:#}");
    let v = node.gql("{ economicEvents(", json!({})).await;
    assert!(error_code(&v).is_some(), "syntax error carries a code: {v:#}");
    let v = node.gql("{ economicEvent(id: \"00000000-0000-7000-8000-000000000000\") { id } }", json!({})).await;
    assert!(v.get("errors").is_none() && v["data"]["economicEvent"].is_null(), "unknown id reads as null: {v:#}");
    let v = node
        .gql(
            "mutation { createPerson(person: { name: \"Robert'); DROP TABLE record;--\\u0000\" }) { agent { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "NUL in text is refused: {v:#}");
    let v = node.ok("mutation { createPerson(person: { name: \"Robert'); DROP TABLE record;-- ☃\\u200b\" }) { agent { name } } }", json!({})).await;
    assert_eq!(v["createPerson"]["agent"]["name"], "Robert'); DROP TABLE record;-- ☃\u{200b}", "odd text is just text");

    // Raw HTTP garbage.
    let url = format!("{}/graphql", node.url);
    for (ctype, body) in [
        ("application/json", "{not json"),
        ("application/json", ""),
        ("text/plain", "hello"),
        ("application/json", "[1,2"),
    ] {
        let r = node
            .http()
            .post(&url)
            .header("content-type", ctype)
            .bearer_auth(&node.write_token)
            .body(body)
            .send()
            .await
            .expect("sent");
        assert!(r.status().is_client_error(), "{ctype} {body:?} -> {}", r.status());
    }
    let huge = "x".repeat(2 * 1024 * 1024);
    // Refused from its Content-Length before it is read: a 413, or the connection closed
    // under a client still writing the body.
    match node.http().post(&url).header("content-type", "application/json").body(huge).send().await {
        Ok(r) => assert_eq!(r.status().as_u16(), 413, "oversized body"),
        Err(e) => assert!(e.is_request() || e.is_body(), "oversized body: {e}"),
    }
    let r = node.http().get(format!("{}/health", node.url)).send().await.expect("still up");
    assert!(r.status().is_success());

    let after = fingerprint(node).await;
    // The one accepted write above (the person with odd text) added one op.
    assert_eq!((before.0 + 1, &before.1), (after.0, &after.1), "nothing else stored changed");
}

async fn deleting_what_others_use_is_a_conflict(node: &TestNode) {
    let shop = shop(node).await;
    let _stock = raise_steel(node, &shop, "5").await;
    let unit = node.ok("query($id: ID!) { unit(id: $id) { revisionId } }", json!({"id": shop.kg})).await;
    let v =
        node.gql("mutation($r: ID!) { deleteUnit(revisionId: $r) }", json!({"r": unit["unit"]["revisionId"]})).await;
    assert_eq!(error_code(&v), Some("CONFLICT"), "{v:#}");
    let still = node.ok("query($id: ID!) { unit(id: $id) { id } }", json!({"id": shop.kg})).await;
    assert_eq!(still["unit"]["id"], shop.kg.as_str());
    // An unused unit goes.
    let spare = node
        .ok("mutation { createUnit(unit: {label: \"litre\", symbol: \"l\"}) { unit { id revisionId } } }", json!({}))
        .await;
    let r = &spare["createUnit"]["unit"];
    let v = node.ok("mutation($r: ID!) { deleteUnit(revisionId: $r) }", json!({"r": r["revisionId"]})).await;
    assert_eq!(v["deleteUnit"], true);
    let gone = node.ok("query($id: ID!) { unit(id: $id) { id } }", json!({"id": r["id"]})).await;
    assert!(gone["unit"].is_null());
    // A process with events is not deletable; an empty one is.
    let p =
        node.ok("mutation { createProcess(process: {name: \"empty\"}) { process { id deletable } } }", json!({})).await;
    assert_eq!(p["createProcess"]["process"]["deletable"], true);
    let v = node
        .ok("mutation($id: ID!) { deleteProcess(id: $id) }", json!({"id": p["createProcess"]["process"]["id"]}))
        .await;
    assert_eq!(v["deleteProcess"], true);
}

/// What the node answered: the status and the body (`Null` when it is not JSON).
async fn raw(
    node: &TestNode,
    ctype: Option<&str>,
    token: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let mut req = node.http().post(format!("{}/graphql", node.url)).body(body);
    if let Some(c) = ctype {
        req = req.header("content-type", c);
    }
    if let Some(t) = token {
        req = req.header("authorization", t);
    }
    let r = req.send().await.expect("sent");
    let status = r.status().as_u16();
    let bytes = r.bytes().await.expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// POSTs `body` to `/graphql` in 64 KiB chunks over HTTP/1.1, without a length, and
/// returns what the node answered before it closed the connection.
async fn chunked(node: &TestNode, body: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = node.url.strip_prefix("http://").expect("http");
    let mut conn = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = "POST /graphql HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n\
                Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    conn.write_all(head.as_bytes()).await.expect("head");
    for chunk in body.chunks(64 * 1024) {
        // The node may answer and close before the body ends.
        if conn.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.is_err()
            || conn.write_all(chunk).await.is_err()
            || conn.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = conn.write_all(b"0\r\n\r\n").await;
    let mut got = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), conn.read_to_end(&mut got)).await;
    String::from_utf8_lossy(&got).into_owned()
}

/// A refusal: a 4xx, or a GraphQL error, with a code either way. Returns the code.
fn refusal<'v>(status: u16, v: &'v Value, why: &str) -> &'v str {
    assert!((200..500).contains(&status), "{why}: status {status}, {v:#}");
    assert!(status >= 400 || v.get("errors").is_some(), "{why}: accepted: {v:#}");
    let code = error_code(v).unwrap_or_else(|| panic!("{why}: no code in {v:#}"));
    assert!(v["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{why}: a message");
    code
}

const JSON: Option<&str> = Some("application/json");

const CREATE_UNIT: &str =
    "mutation($l: String!, $s: String!) { createUnit(unit: {label: $l, symbol: $s}) { unit { id label } } }";

fn unit_body(label: &str) -> String {
    json!({"query": CREATE_UNIT, "variables": {"l": label, "s": "u"}}).to_string()
}

/// The HTTP and JSON layer: content types, malformed and odd JSON, sizes, batches.
async fn malformed_requests_are_refused_and_change_nothing(node: &TestNode) {
    let before = fingerprint(node).await;
    let bearer = format!("Bearer {}", node.write_token);
    let token = Some(bearer.as_str());
    // A valid mutation under any other content type is refused unread.
    for ctype in [
        None,
        Some("text/plain"),
        Some("text/plain; charset=utf-8"),
        Some("application/xml"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/graphql"),
        Some("application/jsonx"),
        Some(""),
    ] {
        let (status, v) = raw(node, ctype, token, unit_body("wrong content type")).await;
        assert_eq!(status, 415, "{ctype:?}: {v:#}");
        assert_eq!(refusal(status, &v, &format!("{ctype:?}")), "BAD_REQUEST");
    }
    let (status, v) =
        raw(node, Some("Application/JSON; charset=utf-8"), None, r#"{"query":"{ actions { id } }"}"#).await;
    assert_eq!(status, 200, "JSON with parameters, in any case: {v:#}");
    for body in [
        "{not json",
        "",
        "   ",
        "[1,2",
        "{\"query\": }",
        "{\"query\": 1}",
        "{\"query\": null}",
        "null",
        "42",
        "\"{ actions { id } }\"",
        "{}",
        "{\"query\": \"{ actions { id } }\"} trailing",
        "{\"query\": \"{ actions { id } }\", \"variables\": \"x\"}",
        "{\"query\": \"{ actions { id } }\", \"variables\": [1]}",
        "{\"query\": \"{ actions { id } }\", \"operationName\": 7}",
        "{\"query\": \"{ actions { id } }\", \"query\": \"{ units { edges { cursor } } }\"}",
        "{\"query\": \"{ actions { id } }\"",
    ] {
        let (status, v) = raw(node, JSON, token, body).await;
        refusal(status, &v, body);
    }
    // Bodies that are not UTF-8, or whose escapes name no character.
    let mutation = |name: &[u8]| {
        let mut b = br#"{"query":"mutation($n: String!) { createPerson(person: {name: $n}) { agent { id } } }","variables":{"n":""#.to_vec();
        b.extend_from_slice(name);
        b.extend_from_slice(br#""}}"#);
        b
    };
    for (name, why) in [
        (&b"\\ud800"[..], "a lone leading surrogate"),
        (&b"a\\udc00b"[..], "a lone trailing surrogate"),
        (&b"\\ud800\\u0041"[..], "a leading surrogate before a non-surrogate"),
        (&b"\xc0\xaf"[..], "overlong UTF-8 for `/`"),
        (&b"\xe0\x80\xaf"[..], "overlong UTF-8 in three bytes"),
        (&b"\xed\xa0\x80"[..], "a surrogate encoded in UTF-8"),
        (&b"\xff\xfe"[..], "bytes that are never UTF-8"),
        (&b"\\u00"[..], "a short escape"),
        (&b"\x00"[..], "a raw NUL in a JSON string"),
    ] {
        let (status, v) = raw(node, JSON, token, mutation(name)).await;
        assert_eq!(status, 400, "{why}: {v:#}");
        assert_eq!(refusal(status, &v, why), "BAD_REQUEST", "{why}");
    }
    // The same inside GraphQL string literals, past JSON.
    for (literal, why) in [("\\\\uD800", "a lone surrogate"), ("\\\\u{110000}", "past the last code point")] {
        let q = format!(
            "{{\"query\": \"mutation {{ createPerson(person: {{name: \\\"{literal}\\\"}}) {{ agent {{ id }} }} }}\"}}"
        );
        let (status, v) = raw(node, JSON, token, q).await;
        refusal(status, &v, why);
    }
    // Sizes and batches.
    let max = node.node.app().config().api.max_body_bytes;
    let huge = unit_body(&"x".repeat(max));
    match node
        .http()
        .post(format!("{}/graphql", node.url))
        .header("content-type", "application/json")
        .body(huge.clone())
        .send()
        .await
    {
        Ok(r) => {
            assert_eq!(r.status().as_u16(), 413, "oversized, with its length");
            let v: Value = r.json().await.expect("GraphQL's error shape");
            assert_eq!((error_code(&v), v["errors"][0]["extensions"]["limit"].as_str()), (Some("LIMIT"), Some("body")));
        }
        Err(e) => assert!(e.is_request() || e.is_body(), "oversized body: {e}"),
    }
    // Chunked, so that no length announces it: refused once past the limit.
    let got = chunked(node, huge.as_bytes()).await;
    assert!(got.starts_with("HTTP/1.1 413"), "oversized, chunked: {}", got.lines().next().unwrap_or(""));
    let v: Value =
        serde_json::from_str(got.split_once("\r\n\r\n").map_or("", |(_, b)| b)).expect("GraphQL's error shape");
    assert_eq!(error_code(&v), Some("LIMIT"));
    let batch = Value::Array(vec![serde_json::from_str(&unit_body("batched")).expect("json"); 500]).to_string();
    let (status, v) = raw(node, JSON, token, batch).await;
    assert_eq!((status, refusal(status, &v, "batch")), (400, "BAD_REQUEST"));

    let r = node.http().get(format!("{}/health", node.url)).send().await.expect("still up");
    assert!(r.status().is_success());
    assert_eq!(fingerprint(node).await, before, "nothing stored changed");
}

/// The GraphQL layer and the values in it: shapes too deep, wide or aliased, variables of
/// the wrong type, decimals and ids that are none, text that looks like code.
async fn hostile_documents_and_values_are_refused(node: &TestNode) {
    let shop = shop(node).await;
    let stock = raise_steel(node, &shop, "50").await;
    let note = json!({"e": {"action": "raise", "provider": shop.lab, "receiver": shop.lab, "hasPointInTime": "2026-03-02T11:00:00Z",
        "resourceInventoriedAs": stock, "resourceQuantity": {"hasNumericalValue": 1, "hasUnit": shop.kg}, "note": "steel offcut"}});
    node.ok(EVENT, note).await;
    let before = fingerprint(node).await;

    // Deep: a real path of the schema, nested past api.max_depth (24).
    let hop = "economicEventsAsProvider { edges { node { provider { ";
    // Six hops pass the parser's nesting guard (32) and break the depth limit; sixty break both.
    for hops in [6, 60] {
        let deep =
            format!("{{ agents {{ edges {{ node {{ {} id {} }} }} }} }}", hop.repeat(hops), "} } } } ".repeat(hops));
        let v = node.gql(&deep, json!({})).await;
        let limit = v["errors"][0]["extensions"]["limit"].as_str();
        assert_eq!((error_code(&v), limit), (Some("LIMIT"), Some("depth")), "{hops} hops: {v:#}");
    }
    // Wide: one field asked for again and again, past api.max_complexity (20000).
    let wide = format!("{{ {} }}", "actions { id label } ".repeat(8000));
    let v = node.gql(&wide, json!({})).await;
    assert_eq!(
        (error_code(&v), v["errors"][0]["extensions"]["limit"].as_str()),
        (Some("LIMIT"), Some("complexity")),
        "{v:#}"
    );
    // Aliased past api.max_aliases (50).
    let aliased: String = (0..51).map(|i| format!("a{i}: actions {{ id }} ")).collect();
    let v = node.gql(&format!("{{ {aliased} }}"), json!({})).await;
    assert_eq!(
        (error_code(&v), v["errors"][0]["extensions"]["limit"].as_str()),
        (Some("LIMIT"), Some("aliases")),
        "{v:#}"
    );

    // Variables of the wrong type.
    let page = "query($n: Int) { economicEvents(first: $n) { edges { cursor } } }";
    let unit = "query($id: ID!) { unit(id: $id) { id } }";
    let person = "mutation($n: String!) { createPerson(person: {name: $n}) { agent { id } } }";
    for (q, vars, why) in [
        (page, json!({"n": "ten"}), "a string for an Int"),
        (page, json!({"n": 1.5}), "a fraction for an Int"),
        (page, json!({"n": 1u64 << 40}), "an Int past 32 bits"),
        (page, json!({"n": [1]}), "a list for an Int"),
        (unit, json!({"id": {"a": 1}}), "an object for an ID"),
        (unit, json!({"id": [["x"]]}), "a nested list for an ID"),
        (unit, json!({"id": null}), "null for ID!"),
        (unit, json!({}), "ID! missing"),
        (person, json!({"n": 5}), "a number for a String"),
        (person, json!({"n": {"$ne": ""}}), "an operator object for a String"),
        ("query($x: Nope) { actions { id } }", json!({}), "an unknown type"),
        ("{ units(first: $n) { edges { cursor } } }", json!({"n": 1}), "an undeclared variable"),
    ] {
        let v = node.gql(q, vars).await;
        assert_eq!(error_code(&v), Some("VALIDATION"), "{why}: {v:#}");
    }

    // Decimals that are no numbers, or no number the node can hold.
    for qty in [
        "NaN",
        "Infinity",
        "-Infinity",
        "inf",
        "",
        "0x10",
        "1,5",
        "1.2.3",
        "--1",
        "\u{663}",
        "1e400",
        "1e-400",
        &"9".repeat(100),
        "1 000",
        "½",
    ] {
        refused(
            node,
            json!({"e": consume(&shop, &stock, json!(qty), &shop.kg)}),
            "VALIDATION",
            &format!("decimal {qty:?}"),
        )
        .await;
    }
    // Ids that are none.
    for id in [
        "",
        " ",
        "not-an-id",
        "' OR 1=1 --",
        "../../etc/passwd",
        "00000000-0000-0000-0000-00000000000g",
        "{00000000-0000-7000-8000-000000000000}x",
        "a\u{0}b",
        &"7".repeat(10_000),
    ] {
        let mut e = consume(&shop, &stock, json!(1), &shop.kg);
        e["provider"] = json!(id);
        refused(node, json!({"e": e}), "VALIDATION", &format!("id {:?}", id.chars().take(40).collect::<String>()))
            .await;
        let v = node.gql("query($id: ID!) { economicEvent(id: $id) { id } }", json!({"id": id})).await;
        assert_eq!(
            error_code(&v),
            Some("VALIDATION"),
            "read by id {:?}: {v:#}",
            id.chars().take(40).collect::<String>()
        );
    }
    let mut e = consume(&shop, &stock, json!(1), &shop.kg);
    e["provider"] = json!("00000000-0000-0000-0000-000000000000");
    refused(node, json!({"e": e}), "NOT_FOUND", "the nil id").await;

    // Text that looks like code is text: searches match it literally.
    let search = |s: &str| {
        let s = s.to_owned();
        async move {
            let v = node
                .ok(
                    "query($s: String) { economicEvents(filter: {searchString: $s}) { pageInfo { totalCount } } }",
                    json!({"s": s}),
                )
                .await;
            v["economicEvents"]["pageInfo"]["totalCount"].as_u64().expect("count")
        }
    };
    assert_eq!(search("offcut").await, 1);
    for s in ["%", "_", "%offcut%", "' OR '1'='1", "\\", "offcut' --", "*"] {
        assert_eq!(search(s).await, 0, "{s:?} is matched literally");
    }
    let v = node.gql(person, json!({"n": "a\u{0}b"})).await;
    assert_eq!(error_code(&v), Some("VALIDATION"), "NUL in a variable: {v:#}");
    assert_eq!(fingerprint(node).await, before, "nothing refused was stored");

    // Odd but valid text is stored as sent: right-to-left overrides, zero-width and
    // combining characters, a byte order mark, GraphQL and SQL in a string.
    let odd = [
        "\u{202e}gnp.exe\u{202c}",
        "a\u{200d}b\u{200b}c\u{2060}",
        "e\u{301}\u{301}\u{301}",
        "\u{feff}BOM",
        "\"} } mutation { deleteUnit(revisionId: \"x\") } #",
        "Robert'); DROP TABLE record;--",
        "\u{1f3ed}\u{fe0f}",
    ];
    for name in odd {
        let v = node.ok(person.replace("{ id }", "{ id name }").as_str(), json!({"n": name})).await;
        assert_eq!(v["createPerson"]["agent"]["name"], name, "{name:?} kept as sent");
    }
    let after = fingerprint(node).await;
    assert_eq!(
        (after.0, &after.1),
        (before.0 + odd.len() as u64, &before.1),
        "one op per accepted write, no other change"
    );
}

/// The issuer and audience of the node's tokens, to forge them with.
fn claims(node: &TestNode, scope: &str, iat: i64, exp: i64) -> Value {
    let app = node.node.app();
    json!({"iss": app.did().to_string(), "sub": app.self_agent().to_string(), "aud": "vf-node", "scope": scope,
           "iat": iat, "nbf": iat, "exp": exp, "jti": uuid::Uuid::now_v7().to_string()})
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens that must not open the node: forged, expired, unsigned, signed with the public key
/// as an HMAC secret, signed by another key, or with claims the node did not give.
async fn hostile_tokens_are_refused(node: &TestNode) {
    let before = fingerprint(node).await;
    let app = node.node.app();
    let now = chrono::Utc::now().timestamp();
    let own = EncodingKey::from_ed_der(&app.key().to_pkcs8_der().expect("der"));
    let sign_own = |c: Value| jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &c, &own).expect("token");
    let other = valueflows_federation::NodeKey::generate();
    let other_key = EncodingKey::from_ed_der(&other.to_pkcs8_der().expect("der"));
    let public = app.key().public_key_bytes();
    let hs256 = |secret: &[u8]| {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims(node, "admin", now, now + 600),
            &EncodingKey::from_secret(secret),
        )
        .expect("token")
    };
    let mut forged = node.write_token.clone();
    let last = forged.pop().expect("a char");
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let payload = b64(claims(node, "admin", now, now + 600).to_string().as_bytes());
    let mut tokens = vec![
        ("a forged signature", format!("Bearer {forged}")),
        ("expired", format!("Bearer {}", sign_own(claims(node, "write", now - 7200, now - 3600)))),
        ("not valid yet", format!("Bearer {}", sign_own(claims(node, "write", now + 3600, now + 7200)))),
        ("alg none", format!("Bearer {}.{payload}.", b64(br#"{"alg":"none","typ":"JWT"}"#))),
        ("alg None", format!("Bearer {}.{payload}.", b64(br#"{"alg":"None","typ":"JWT"}"#))),
        (
            "alg none, a signature kept",
            format!(
                "Bearer {}.{payload}.{}",
                b64(br#"{"alg":"none"}"#),
                node.write_token.rsplit('.').next().expect("sig")
            ),
        ),
        ("HS256 keyed with the raw public key", format!("Bearer {}", hs256(&public))),
        ("HS256 keyed with the public key in base64url", format!("Bearer {}", hs256(b64(&public).as_bytes()))),
        ("HS256 keyed with the DID", format!("Bearer {}", hs256(app.did().as_str().as_bytes()))),
        (
            "another node's key",
            format!(
                "Bearer {}",
                jsonwebtoken::encode(
                    &Header::new(Algorithm::EdDSA),
                    &claims(node, "admin", now, now + 600),
                    &other_key
                )
                .expect("token")
            ),
        ),
        (
            "another audience",
            format!(
                "Bearer {}",
                sign_own({
                    let mut c = claims(node, "write", now, now + 600);
                    c["aud"] = json!("other");
                    c
                })
            ),
        ),
        (
            "another issuer",
            format!(
                "Bearer {}",
                sign_own({
                    let mut c = claims(node, "write", now, now + 600);
                    c["iss"] = json!(other.did().to_string());
                    c
                })
            ),
        ),
        (
            "a subject that is no agent",
            format!(
                "Bearer {}",
                sign_own({
                    let mut c = claims(node, "write", now, now + 600);
                    c["sub"] = json!("root");
                    c
                })
            ),
        ),
        ("an unknown scope", format!("Bearer {}", sign_own(claims(node, "root", now, now + 600)))),
        (
            "no expiry",
            format!(
                "Bearer {}",
                sign_own({
                    let mut c = claims(node, "write", now, 0);
                    c.as_object_mut().expect("obj").remove("exp");
                    c
                })
            ),
        ),
        ("an empty bearer", "Bearer ".to_owned()),
        ("no scheme", node.write_token.clone()),
        ("Basic", format!("Basic {}", b64(b"admin:admin"))),
        ("three dots", "Bearer ...".to_owned()),
        ("a huge token", format!("Bearer {}.{}.{}", "e".repeat(40_000), "e".repeat(40_000), "e".repeat(40_000))),
    ];
    tokens.push(("the header twice over", format!("Bearer {} {}", node.write_token, node.write_token)));
    for (why, auth) in &tokens {
        let (status, v) = raw(node, JSON, Some(auth), unit_body("forged")).await;
        assert_eq!(status, 401, "{why}: {v:#}");
        assert_eq!(refusal(status, &v, why), "UNAUTHENTICATED", "{why}");
    }
    // A header that is not text.
    let r = node
        .http()
        .post(format!("{}/graphql", node.url))
        .header("content-type", "application/json")
        .header("authorization", reqwest::header::HeaderValue::from_bytes(b"Bearer \xff\xfe").expect("bytes"))
        .body(unit_body("forged"))
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status().as_u16(), 401, "a header that is not text");
    // A read token on mutations: a GraphQL error, and nothing written.
    for q in [CREATE_UNIT, "mutation { createPerson(person: {name: \"x\"}) { agent { id } } }"] {
        let v = node.gql_as(Some(&node.read_token), q, json!({"l": "read", "s": "r"})).await;
        assert_eq!(error_code(&v), Some("FORBIDDEN"), "{v:#}");
    }
    assert_eq!(fingerprint(node).await, before, "no forged token wrote anything");
    // The true token still works.
    node.ok("{ myAgent { id } }", json!({})).await;
}

crate::on_both!(
    bad_events_are_refused_and_change_nothing,
    deleting_what_others_use_is_a_conflict,
    malformed_requests_are_refused_and_change_nothing,
    hostile_documents_and_values_are_refused,
    hostile_tokens_are_refused,
);
