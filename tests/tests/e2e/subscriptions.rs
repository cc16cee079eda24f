//! Subscriptions over a real WebSocket (graphql-transport-ws, and the older graphql-ws):
//! exactly the committed writes, in order; filters; tokens; limits; a client that does not
//! read; shutdown.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};
use vf_tests::{TestNode, error_code};

use crate::flow::{Shop, shop};

const RECORD: &str = "mutation($e: EconomicEventCreateParams!, $r: EconomicResourceCreateParams) {
  createEconomicEvent(event: $e, newInventoriedResource: $r) { economicEvent { id } economicResource { id } } }";

/// What the server sent.
#[derive(Debug)]
pub(crate) enum Got {
    /// A protocol message.
    Json(Value),
    /// A close frame: code and reason.
    Close(u16, String),
    /// The connection ended without a close frame.
    End,
}

/// A GraphQL WebSocket client.
pub(crate) struct Client {
    ws: WebSocketStream<TcpStream>,
}

impl Client {
    /// Opens `/graphql` with `protocol`; `header` goes in `Authorization`. A small receive
    /// buffer (`small_buffer`) makes the server's sends block as soon as the client stops
    /// reading.
    pub(crate) async fn open(
        node: &TestNode,
        protocol: &str,
        header: Option<&str>,
        small_buffer: bool,
    ) -> Result<Client, tungstenite::Error> {
        let addr = node.url.trim_start_matches("http://").to_owned();
        let mut req = format!("ws://{addr}/graphql").into_client_request()?;
        req.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_str(protocol).expect("header"));
        if let Some(h) = header {
            req.headers_mut().insert("Authorization", HeaderValue::from_str(h).expect("header"));
        }
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        if small_buffer {
            socket.set_recv_buffer_size(4096).expect("buffer size");
        }
        let tcp = socket.connect(addr.parse().expect("address")).await.expect("connect");
        let (ws, _) = tokio_tungstenite::client_async(req, tcp).await?;
        Ok(Client { ws })
    }

    /// Opens a graphql-transport-ws connection and initialises it with `payload`.
    pub(crate) async fn ready(node: &TestNode, payload: Value) -> Client {
        let mut c = Client::open(node, "graphql-transport-ws", None, false).await.expect("open");
        c.send(json!({"type": "connection_init", "payload": payload})).await;
        let ack = c.json().await;
        assert_eq!(ack["type"], "connection_ack", "{ack:#}");
        c
    }

    pub(crate) async fn send(&mut self, v: Value) {
        self.ws.send(Message::text(v.to_string())).await.expect("send");
    }

    pub(crate) async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}})).await;
    }

    /// The next message within `wait`, or None.
    pub(crate) async fn recv_within(&mut self, wait: Duration) -> Option<Got> {
        let msg = tokio::time::timeout(wait, async {
            loop {
                match self.ws.next().await {
                    Some(Ok(Message::Text(t))) => return Got::Json(serde_json::from_str(t.as_str()).expect("JSON")),
                    Some(Ok(Message::Close(frame))) => {
                        return frame.map_or(Got::Close(1005, String::new()), |f| {
                            Got::Close(u16::from(f.code), f.reason.to_string())
                        });
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(_)) | None => return Got::End,
                }
            }
        })
        .await;
        msg.ok()
    }

    pub(crate) async fn recv(&mut self) -> Got {
        self.recv_within(Duration::from_secs(30)).await.expect("a message within 30 s")
    }

    /// The next protocol message (answering pings), which must be JSON.
    pub(crate) async fn json(&mut self) -> Value {
        loop {
            match self.recv().await {
                Got::Json(v) if v["type"] == "ping" => self.send(json!({"type": "pong"})).await,
                Got::Json(v) => return v,
                other => panic!("expected a message, got {other:?}"),
            }
        }
    }

    /// The payload of the next `next` message of `id`.
    pub(crate) async fn next_of(&mut self, id: &str) -> Value {
        let v = self.json().await;
        assert_eq!((v["type"].as_str(), v["id"].as_str()), (Some("next"), Some(id)), "{v:#}");
        v["payload"].clone()
    }

    /// Writes with `poke` until subscription `id` delivers something (the server starts a
    /// subscription some time after the client asks; there is no acknowledgement).
    /// Messages of other subscriptions are skipped.
    pub(crate) async fn wait_live<F, Fut>(&mut self, id: &str, mut poke: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = String>,
    {
        for _ in 0..100 {
            poke().await;
            while let Some(got) = self.recv_within(Duration::from_millis(300)).await {
                match got {
                    Got::Json(v) if v["type"] == "next" && v["id"] != id => continue,
                    Got::Json(v) if v["type"] == "next" && v["payload"].get("errors").is_none() => return,
                    other => panic!("while waiting for {id} to start: {other:?}"),
                }
            }
        }
        panic!("subscription {id} never delivered");
    }

    /// Skips the deliveries of `id` up to the one that mentions `marker`.
    pub(crate) async fn skip_to(&mut self, id: &str, marker: &str) {
        loop {
            let v = self.json().await;
            if v["type"] == "next" && v["id"] == id && v["payload"].to_string().contains(marker) {
                return;
            }
        }
    }

    /// Waits until `id` is live, then pokes once more as a fence and skips up to it: from
    /// here on, the subscription delivers exactly what is written next.
    pub(crate) async fn until_live<F, Fut>(&mut self, id: &str, mut poke: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = String>,
    {
        self.wait_live(id, &mut poke).await;
        let fence = poke().await;
        self.skip_to(id, &fence).await;
    }
}

/// Records an event; returns its id and the new resource's id, if any.
async fn record(node: &TestNode, event: Value, resource: Option<Value>) -> (String, Option<String>) {
    let d = node.ok(RECORD, json!({"e": event, "r": resource})).await;
    let e = d["createEconomicEvent"]["economicEvent"]["id"].as_str().expect("event id").to_owned();
    (e, d["createEconomicEvent"]["economicResource"]["id"].as_str().map(str::to_owned))
}

fn raise(shop: &Shop, resource: Option<&str>, qty: &str, note: &str) -> Value {
    let mut e = json!({"action": "raise", "provider": shop.lab, "receiver": shop.lab, "note": note,
        "hasPointInTime": "2026-03-02T09:00:00Z", "resourceConformsTo": shop.steel,
        "resourceQuantity": {"hasNumericalValue": qty, "hasUnit": shop.kg}});
    if let Some(r) = resource {
        e["resourceInventoriedAs"] = json!(r);
    }
    e
}

/// A subscriber gets exactly the committed writes, in the order they were committed, and
/// nothing for a refused one; the generic feed tells created, updated and deleted apart.
async fn committed_writes_arrive_in_order(node: &TestNode) {
    let shop = shop(node).await;
    let (_, stock) = record(node, raise(&shop, None, "1", "stock"), Some(json!({"name": "Stock"}))).await;
    let stock = stock.expect("resource");

    let mut events = Client::ready(node, json!({"Authorization": format!("Bearer {}", node.read_token)})).await;
    events
        .subscribe(
            "e",
            "subscription { economicEventCreated { id note resourceQuantity { hasNumericalValue } } }",
            json!({}),
        )
        .await;
    let mut changes = Client::ready(node, json!({})).await;
    changes
        .subscribe(
            "c",
            "subscription { recordChanged(kinds: [\"EconomicEvent\", \"EconomicResource\", \"Unit\"]) {
               kind id revisionId change seq time author { name }
               record { __typename ... on EconomicEvent { note } ... on EconomicResource { name } ... on Unit { label } } } }",
            json!({}),
        )
        .await;
    let poke = || async { record(node, raise(&shop, Some(&stock), "1", "poke"), None).await.0 };
    events.wait_live("e", poke).await;
    changes.wait_live("c", poke).await;
    let fence = poke().await;
    events.skip_to("e", &fence).await;
    changes.skip_to("c", &fence).await;

    let (e1, r1) = record(node, raise(&shop, None, "5", "first"), Some(json!({"name": "Batch A"}))).await;
    let r1 = r1.expect("resource");
    let (e2, _) = record(node, raise(&shop, Some(&r1), "2.5", "second"), None).await;
    // Refused: a negative quantity without `corrects`. Nothing is written, nothing sent.
    let bad = node.gql(RECORD, json!({"e": raise(&shop, Some(&r1), "-3", "refused"), "r": null})).await;
    assert_eq!(error_code(&bad), Some("VALIDATION"), "{bad:#}");
    let (e3, _) = record(node, raise(&shop, Some(&r1), "1", "third"), None).await;
    let unit = node
        .ok("mutation { createUnit(unit: {label: \"litre\", symbol: \"l\"}) { unit { id revisionId } } }", json!({}))
        .await;
    let unit_id = unit["createUnit"]["unit"]["id"].as_str().expect("id").to_owned();
    let upd = node
        .ok(
            "mutation($r: ID!) { updateUnit(unit: {revisionId: $r, label: \"liter\"}) { unit { revisionId } } }",
            json!({"r": unit["createUnit"]["unit"]["revisionId"]}),
        )
        .await;
    node.ok("mutation($r: ID!) { deleteUnit(revisionId: $r) }", json!({"r": upd["updateUnit"]["unit"]["revisionId"]}))
        .await;

    for (id, note, qty) in [(&e1, "first", "5"), (&e2, "second", "2.5"), (&e3, "third", "1")] {
        let p = events.next_of("e").await;
        let ev = &p["data"]["economicEventCreated"];
        assert_eq!((ev["id"].as_str(), ev["note"].as_str()), (Some(id.as_str()), Some(note)), "{p:#}");
        assert_eq!(ev["resourceQuantity"]["hasNumericalValue"], qty);
    }
    // Nothing else: the next write is the next thing delivered.
    let (e4, _) = record(node, raise(&shop, Some(&r1), "1", "fourth"), None).await;
    assert_eq!(events.next_of("e").await["data"]["economicEventCreated"]["id"], e4.as_str());

    let mut seen = Vec::new();
    for _ in 0..8 {
        let p = changes.next_of("c").await;
        assert!(p.get("errors").is_none(), "{p:#}");
        seen.push(p["data"]["recordChanged"].clone());
    }
    let brief: Vec<(String, String, String)> = seen
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().expect("string").to_owned();
            (s("kind"), s("id"), s("change"))
        })
        .collect();
    let row = |k: &str, id: &str, ch: &str| (k.to_owned(), id.to_owned(), ch.to_owned());
    // One write made the event and its resource: both in that write, in either order.
    let mut first_write = brief[..2].to_vec();
    first_write.sort();
    assert_eq!(first_write, vec![row("EconomicEvent", &e1, "CREATED"), row("EconomicResource", &r1, "CREATED")]);
    assert_eq!(
        brief[2..].to_vec(),
        vec![
            row("EconomicEvent", &e2, "CREATED"),
            row("EconomicEvent", &e3, "CREATED"),
            row("Unit", &unit_id, "CREATED"),
            row("Unit", &unit_id, "UPDATED"),
            row("Unit", &unit_id, "DELETED"),
            row("EconomicEvent", &e4, "CREATED"),
        ]
    );
    // The refused write took no place in the feed: the writes' positions are consecutive.
    let seqs: Vec<i64> = seen.iter().map(|c| c["seq"].as_i64().expect("seq")).collect();
    assert_eq!(seqs[0], seqs[1]);
    for (i, w) in seqs[1..].windows(2).enumerate() {
        assert_eq!(w[1], w[0] + 1, "change {} follows {}", i + 2, i + 1);
    }
    assert_eq!(seen[0]["author"]["name"], "Test node");
    let e1_change = seen.iter().find(|c| c["id"] == e1.as_str()).expect("e1");
    assert_eq!(e1_change["record"]["__typename"], "EconomicEvent");
    assert_eq!(e1_change["record"]["note"], "first");
    let r1_change = seen.iter().find(|c| c["id"] == r1.as_str()).expect("r1");
    assert_eq!(r1_change["record"]["name"], "Batch A");
    assert_eq!(seen[3]["record"]["note"], "third");
    // A deletion carries no record.
    assert!(seen[6]["record"].is_null(), "{:#}", seen[6]);
    // The revision is the stored one; the deletion's is the last of the unit's history.
    let e3_rev = node.ok("query($id: ID!) { economicEvent(id: $id) { revisionId } }", json!({"id": e3})).await;
    assert_eq!(seen[3]["revisionId"], e3_rev["economicEvent"]["revisionId"]);
    assert_eq!(seen[4]["revisionId"], unit["createUnit"]["unit"]["revisionId"]);
    assert_eq!(seen[5]["revisionId"], upd["updateUnit"]["unit"]["revisionId"]);
    assert_ne!(seen[6]["revisionId"], seen[5]["revisionId"]);
}

/// `recordChanged` delivers every kind of record in its own GraphQL type.
async fn record_changes_carry_every_kind(node: &TestNode) {
    let mut changes = Client::ready(node, json!({})).await;
    changes
        .subscribe(
            "c",
            "subscription { recordChanged(kinds: [\"Plan\", \"ProcessSpecification\"]) { kind change
               record { __typename ... on Plan { name } ... on ProcessSpecification { name } } } }",
            json!({}),
        )
        .await;
    let plan = |name: &'static str| async move {
        let v =
            node.ok("mutation($n: String!) { createPlan(plan: {name: $n}) { plan { id } } }", json!({"n": name})).await;
        v["createPlan"]["plan"]["id"].as_str().expect("id").to_owned()
    };
    changes.wait_live("c", || plan("poke")).await;
    plan("fence").await;
    changes.skip_to("c", "fence").await;
    plan("Six pumps").await;
    node.ok("mutation { createProcessSpecification(processSpecification: {name: \"Cutting\"}) { processSpecification { id } } }", json!({}))
        .await;
    let p = changes.next_of("c").await;
    assert_eq!(
        p["data"]["recordChanged"],
        json!({"kind": "Plan", "change": "CREATED", "record": {"__typename": "Plan", "name": "Six pumps"}})
    );
    let p = changes.next_of("c").await;
    assert_eq!(p["data"]["recordChanged"]["record"], json!({"__typename": "ProcessSpecification", "name": "Cutting"}));
}

/// A resource subscriber hears of the events that change it, with its new quantities.
async fn a_resource_subscriber_sees_its_quantities_change(node: &TestNode) {
    let shop = shop(node).await;
    let (_, r) = record(node, raise(&shop, None, "10", "stock"), Some(json!({"name": "Sheet stock"}))).await;
    let r = r.expect("resource");
    let (_, other) = record(node, raise(&shop, None, "1", "other"), Some(json!({"name": "Other"}))).await;
    let other = other.expect("resource");
    let mut c = Client::ready(node, json!({})).await;
    c.subscribe(
        "r",
        "subscription($id: ID!) { economicResourceChanged(id: $id) { id name onhandQuantity { hasNumericalValue } } }",
        json!({"id": r}),
    )
    .await;
    let onhand = || async {
        let v = node
            .ok(
                "query($id: ID!) { economicResource(id: $id) { onhandQuantity { hasNumericalValue } } }",
                json!({"id": r}),
            )
            .await;
        v["economicResource"]["onhandQuantity"]["hasNumericalValue"]
            .as_str()
            .expect("onhand")
            .parse::<u64>()
            .expect("whole")
    };
    // Each poke raises by one; the delivery that shows the new quantity is the poke's.
    c.until_live("r", || async {
        record(node, raise(&shop, Some(&r), "1", "poke"), None).await;
        format!("\"hasNumericalValue\":\"{}\"", onhand().await)
    })
    .await;
    let q = onhand().await;
    record(node, raise(&shop, Some(&other), "7", "elsewhere"), None).await;
    record(node, raise(&shop, Some(&r), "2", "more"), None).await;
    let p = c.next_of("r").await;
    let got = &p["data"]["economicResourceChanged"];
    assert_eq!(got["onhandQuantity"]["hasNumericalValue"], (q + 2).to_string(), "{p:#}");
    assert_eq!((got["id"].as_str(), got["name"].as_str()), (Some(r.as_str()), Some("Sheet stock")));
    let lower = json!({"action": "lower", "provider": shop.lab, "receiver": shop.lab, "resourceInventoriedAs": r,
        "hasPointInTime": "2026-03-02T10:00:00Z", "resourceQuantity": {"hasNumericalValue": "0.5", "hasUnit": shop.kg}});
    record(node, lower, None).await;
    let p = c.next_of("r").await;
    assert_eq!(
        p["data"]["economicResourceChanged"]["onhandQuantity"]["hasNumericalValue"],
        format!("{}.5", q + 1),
        "{p:#}"
    );

    let missing = uuid::Uuid::now_v7().to_string();
    c.subscribe("m", "subscription($id: ID!) { economicResourceChanged(id: $id) { id } }", json!({"id": missing}))
        .await;
    let p = c.next_of("m").await;
    assert_eq!(error_code(&p), Some("NOT_FOUND"), "{p:#}");
    assert_eq!(c.json().await, json!({"type": "complete", "id": "m"}));
}

/// A filtered subscription gets only the events that match every given field.
async fn filtered_subscriptions_get_only_matching_events(node: &TestNode) {
    let shop = shop(node).await;
    let (_, a) = record(node, raise(&shop, None, "10", "a"), Some(json!({"name": "A"}))).await;
    let (_, b) = record(node, raise(&shop, None, "10", "b"), Some(json!({"name": "B"}))).await;
    let (a, b) = (a.expect("a"), b.expect("b"));
    let mut c = Client::ready(node, json!({})).await;
    c.subscribe(
        "f",
        "subscription($f: EconomicEventSubscriptionFilterParams) { economicEventCreated(filter: $f) { id note action { id } } }",
        json!({"f": {"resourceInventoriedAs": [a], "action": ["raise", "lower"], "providerId": [shop.lab]}}),
    )
    .await;
    c.until_live("f", || async { record(node, raise(&shop, Some(&a), "0", "poke"), None).await.0 }).await;
    let lower = |r: &str, note: &str| {
        json!({"action": "lower", "provider": shop.lab, "receiver": shop.lab, "resourceInventoriedAs": r, "note": note,
            "hasPointInTime": "2026-03-02T10:00:00Z", "resourceQuantity": {"hasNumericalValue": "1", "hasUnit": shop.kg}})
    };
    let work = json!({"action": "work", "provider": shop.amina, "receiver": shop.lab, "note": "work",
        "hasPointInTime": "2026-03-02T10:00:00Z", "effortQuantity": {"hasNumericalValue": "1", "hasUnit": shop.hour}});
    let mut expected = Vec::new();
    record(node, raise(&shop, Some(&b), "1", "b raised"), None).await;
    expected.push(record(node, raise(&shop, Some(&a), "1", "a raised"), None).await.0);
    record(node, work, None).await;
    record(node, lower(&b, "b lowered"), None).await;
    expected.push(record(node, lower(&a, "a lowered"), None).await.0);
    let moved = json!({"action": "move", "provider": shop.lab, "receiver": shop.lab, "resourceInventoriedAs": a,
        "toResourceInventoriedAs": b, "hasPointInTime": "2026-03-02T11:00:00Z",
        "resourceQuantity": {"hasNumericalValue": "1", "hasUnit": shop.kg}});
    record(node, moved, None).await;
    expected.push(record(node, raise(&shop, Some(&a), "2", "a again"), None).await.0);
    for id in &expected {
        let p = c.next_of("f").await;
        assert_eq!(p["data"]["economicEventCreated"]["id"], id.as_str(), "{p:#}");
    }
    assert!(c.recv_within(Duration::from_millis(300)).await.is_none(), "nothing more matches");

    // Bad filters and kinds are refused with a code, and the subscription completes.
    c.subscribe("bad", "subscription { economicEventCreated(filter: {action: [\"fly\"]}) { id } }", json!({})).await;
    let p = c.next_of("bad").await;
    assert_eq!(error_code(&p), Some("VALIDATION"), "{p:#}");
    assert_eq!(c.json().await, json!({"type": "complete", "id": "bad"}));
    c.subscribe("kind", "subscription { recordChanged(kinds: [\"EconomicEvents\"]) { id } }", json!({})).await;
    let p = c.next_of("kind").await;
    assert_eq!(error_code(&p), Some("VALIDATION"), "{p:#}");
    assert_eq!(p["errors"][0]["extensions"]["field"], "kinds");
    assert_eq!(c.json().await, json!({"type": "complete", "id": "kind"}));
}

/// With reads closed, a subscription needs a read token: in `connection_init` or in the
/// upgrade's `Authorization` header. Without one it is refused; a bad one ends the
/// connection. The older graphql-ws protocol works the same way.
async fn closed_reads_need_a_token_to_subscribe(node: &TestNode) {
    let closed = TestNode::spawn(node.backend, |c| c.auth.open_reads = false).await.expect("node with closed reads");
    let shop = shop(&closed).await;
    let (_, r) = record(&closed, raise(&shop, None, "1", "r"), Some(json!({"name": "R"}))).await;
    let r = r.expect("resource");
    let poke = || async { record(&closed, raise(&shop, Some(&r), "1", "poke"), None).await.0 };
    let query = "subscription { economicEventCreated { id note } }";

    for payload in
        [json!({"authToken": closed.read_token}), json!({"Authorization": format!("Bearer {}", closed.read_token)})]
    {
        let mut c = Client::ready(&closed, payload).await;
        c.subscribe("1", query, json!({})).await;
        c.until_live("1", poke).await;
        let (id, _) = record(&closed, raise(&shop, Some(&r), "1", "seen"), None).await;
        assert_eq!(c.next_of("1").await["data"]["economicEventCreated"]["id"], id.as_str());
    }

    // The token in the upgrade request's header.
    let auth = format!("Bearer {}", closed.read_token);
    let mut c = Client::open(&closed, "graphql-transport-ws", Some(&auth), false).await.expect("open");
    c.send(json!({"type": "connection_init"})).await;
    assert_eq!(c.json().await["type"], "connection_ack");
    c.subscribe("1", query, json!({})).await;
    c.until_live("1", poke).await;

    // No token: connected, but the subscription is refused and completes.
    let mut c = Client::ready(&closed, json!({})).await;
    c.subscribe("1", query, json!({})).await;
    let p = c.next_of("1").await;
    assert_eq!(error_code(&p), Some("UNAUTHENTICATED"), "{p:#}");
    assert!(p["data"].is_null(), "{p:#}");
    assert_eq!(c.json().await, json!({"type": "complete", "id": "1"}));

    // A bad token in connection_init closes the connection with 4403.
    let mut c = Client::open(&closed, "graphql-transport-ws", None, false).await.expect("open");
    c.send(json!({"type": "connection_init", "payload": {"authToken": "not.a.token"}})).await;
    match c.recv().await {
        Got::Close(code, reason) => assert_eq!(code, 4403, "{reason}"),
        other => panic!("expected a close, got {other:?}"),
    }
    // A bad token in the header is refused before the upgrade.
    match Client::open(&closed, "graphql-transport-ws", Some("Bearer not.a.token"), false).await {
        Err(tungstenite::Error::Http(resp)) => assert_eq!(resp.status().as_u16(), 401),
        Err(e) => panic!("expected HTTP 401, got {e}"),
        Ok(_) => panic!("a bad token must not upgrade"),
    }
    // No known subprotocol: refused.
    match Client::open(&closed, "chat", None, false).await {
        Err(tungstenite::Error::Http(resp)) => assert_eq!(resp.status().as_u16(), 400),
        Err(e) => panic!("expected HTTP 400, got {e}"),
        Ok(_) => panic!("an unknown subprotocol must not upgrade"),
    }

    // The older graphql-ws protocol: `start` and `data`.
    let mut c = Client::open(&closed, "graphql-ws", None, false).await.expect("open");
    c.send(json!({"type": "connection_init", "payload": {"authToken": closed.read_token}})).await;
    assert_eq!(c.json().await["type"], "connection_ack");
    c.send(json!({"id": "old", "type": "start", "payload": {"query": query}})).await;
    let mut live = false;
    let mut written = Vec::new();
    for _ in 0..100 {
        written.push(record(&closed, raise(&shop, Some(&r), "1", "legacy"), None).await.0);
        if let Some(Got::Json(v)) = c.recv_within(Duration::from_millis(300)).await {
            assert_eq!((v["type"].as_str(), v["id"].as_str()), (Some("data"), Some("old")), "{v:#}");
            let id = v["payload"]["data"]["economicEventCreated"]["id"].as_str().expect("id").to_owned();
            assert!(written.contains(&id), "{v:#}");
            live = true;
            break;
        }
    }
    assert!(live, "the graphql-ws subscription never delivered");
    closed.stop().await;
}

/// A connection and the node hold a limited number of subscriptions; past either limit a
/// subscription is refused with `LIMIT`, and a place frees up when one completes.
async fn subscriptions_are_limited(node: &TestNode) {
    let limited = TestNode::spawn(node.backend, |c| {
        c.api.max_subscriptions_per_connection = 2;
        c.api.max_subscriptions = 3;
    })
    .await
    .expect("node");
    // A connection that never sends connection_init is closed after a while (4408).
    let mut idle = Client::open(&limited, "graphql-transport-ws", None, false).await.expect("open");
    let query = "subscription { recordChanged { id } }";
    let limit_errors = |got: &[Value]| got.iter().filter(|p| error_code(p) == Some("LIMIT")).count();

    let mut one = Client::ready(&limited, json!({})).await;
    for id in ["a", "b", "c"] {
        one.subscribe(id, query, json!({})).await;
    }
    // One of the three is refused (and completes); the other two hold their places.
    let refused = one.json().await;
    assert_eq!(refused["type"], "next", "{refused:#}");
    assert_eq!(limit_errors(&[refused["payload"].clone()]), 1, "{refused:#}");
    let refused_id = refused["id"].as_str().expect("id").to_owned();
    assert_eq!(one.json().await, json!({"type": "complete", "id": refused_id}));
    let held: Vec<&str> = ["a", "b", "c"].into_iter().filter(|i| *i != refused_id).collect();

    // The node's limit: two held on the first connection, one more fits.
    let mut two = Client::ready(&limited, json!({})).await;
    two.subscribe("x", query, json!({})).await;
    two.subscribe("y", query, json!({})).await;
    let refused = two.json().await;
    assert_eq!(limit_errors(&[refused["payload"].clone()]), 1, "{refused:#}");
    let why = refused["payload"]["errors"][0]["message"].as_str().expect("message");
    assert!(why.contains("(api.max_subscriptions)"), "{why}");
    let refused_id = refused["id"].as_str().expect("id").to_owned();
    assert_eq!(two.json().await, json!({"type": "complete", "id": refused_id}));

    // Completing one frees a place.
    one.send(json!({"id": held[0], "type": "complete"})).await;
    assert_eq!(one.json().await, json!({"type": "complete", "id": held[0]}));
    two.subscribe("z", query, json!({})).await;
    two.until_live("z", || async {
        limited.ok("mutation { createUnit(unit: {label: \"poke\", symbol: \"p\"}) { unit { id } } }", json!({})).await
            ["createUnit"]["unit"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    })
    .await;
    match idle.recv_within(Duration::from_secs(10)).await {
        Some(Got::Close(code, reason)) => assert_eq!(code, 4408, "{reason}"),
        other => panic!("expected a close for the idle connection, got {other:?}"),
    }
    limited.stop().await;
}

/// A client that stops reading holds up neither the writer nor other subscribers; once it
/// reads again it learns how many changes it missed and its subscription ends.
async fn a_client_that_does_not_read_does_not_stall_writes(node: &TestNode) {
    const WRITES: usize = 200;
    // Room for a few batches of the 8 concurrent writers below: a reading subscriber keeps
    // up, one that does not read falls behind.
    let slow_node = TestNode::spawn(node.backend, |c| c.api.subscription_buffer = 64).await.expect("node");
    let node = &slow_node;
    let shop = shop(node).await;
    let (_, r) = record(node, raise(&shop, None, "1", "r"), Some(json!({"name": "R"}))).await;
    let r = r.expect("resource");
    let poke = || async { record(node, raise(&shop, Some(&r), "0", "poke"), None).await.0 };

    // Large messages, so that the connection's buffers fill up quickly.
    let big: String = (0..16).map(|i| format!("n{i}: record {{ ... on EconomicEvent {{ note }} }} ")).collect();
    let mut slow = Client::open(node, "graphql-transport-ws", None, true).await.expect("open");
    slow.send(json!({"type": "connection_init"})).await;
    assert_eq!(slow.json().await["type"], "connection_ack");
    slow.subscribe(
        "slow",
        &format!("subscription {{ recordChanged(kinds: [\"EconomicEvent\"]) {{ id seq {big} }} }}"),
        json!({}),
    )
    .await;
    slow.until_live("slow", poke).await;
    let mut reader = Client::ready(node, json!({})).await;
    reader.subscribe("fast", "subscription { economicEventCreated { id } }", json!({})).await;
    reader.until_live("fast", poke).await;
    let fast = tokio::spawn(async move {
        let mut ids = Vec::new();
        loop {
            let p = reader.next_of("fast").await;
            assert!(p.get("errors").is_none(), "the reading subscriber lagged: {p:#}");
            let id = p["data"]["economicEventCreated"]["id"].as_str().expect("id").to_owned();
            if ids.contains(&id) {
                panic!("delivered twice: {id}");
            }
            ids.push(id);
            if ids.len() == WRITES {
                return ids;
            }
        }
    });

    // The slow client reads nothing while the events, with long notes, are written.
    let note = "x".repeat(8000);
    let writes = futures::stream::iter(0..WRITES)
        .map(|i| {
            let e = raise(&shop, Some(&r), "1", &format!("{i} {note}"));
            async move { record(node, e, None).await.0 }
        })
        .buffer_unordered(8)
        .collect::<Vec<String>>();
    let mut written =
        tokio::time::timeout(Duration::from_secs(120), writes).await.expect("writes complete while a client lags");
    let mut delivered =
        tokio::time::timeout(Duration::from_secs(60), fast).await.expect("reader done").expect("reader");
    written.sort();
    delivered.sort();
    assert_eq!(delivered, written, "the reading subscriber got every write");

    // Now the slow client reads: what was in flight, then the error, then the end.
    let mut seqs = Vec::new();
    let missed = loop {
        let v = slow.json().await;
        assert_eq!((v["type"].as_str(), v["id"].as_str()), (Some("next"), Some("slow")), "{v:#}");
        if v["payload"].get("errors").is_some() {
            assert_eq!(error_code(&v["payload"]), Some("LIMIT"), "{v:#}");
            break v["payload"]["errors"][0]["extensions"]["missed"].as_u64().expect("missed");
        }
        seqs.push(v["payload"]["data"]["recordChanged"]["seq"].as_i64().expect("seq"));
    };
    assert_eq!(slow.json().await, json!({"type": "complete", "id": "slow"}));
    assert!(missed > 0, "missed {missed}, delivered {}", seqs.len());
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
    slow_node.stop().await;
}

/// At shutdown every open subscription completes and the connection closes; the node
/// stops promptly.
async fn shutdown_completes_subscriptions(node: &TestNode) {
    let stopping = TestNode::spawn(node.backend, |_| {}).await.expect("node");
    let mut c = Client::ready(&stopping, json!({})).await;
    c.subscribe("one", "subscription { recordChanged { id } }", json!({})).await;
    c.subscribe("two", "subscription { economicEventCreated { id } }", json!({})).await;
    let poke = || async {
        stopping.ok("mutation { createUnit(unit: {label: \"poke\", symbol: \"p\"}) { unit { id } } }", json!({})).await
            ["createUnit"]["unit"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    c.until_live("one", poke).await;
    let stop = tokio::spawn(stopping.stop());
    let mut completed = Vec::new();
    let close = loop {
        match c.recv().await {
            Got::Json(v) if v["type"] == "complete" => completed.push(v["id"].as_str().expect("id").to_owned()),
            Got::Json(v) => panic!("unexpected at shutdown: {v:#}"),
            other => break other,
        }
    };
    completed.sort();
    assert_eq!(completed, ["one", "two"]);
    assert!(matches!(close, Got::Close(1001, _)), "{close:?}");
    tokio::time::timeout(Duration::from_secs(10), stop).await.expect("the node stops promptly").expect("stopped");
}

crate::on_both!(
    committed_writes_arrive_in_order,
    record_changes_carry_every_kind,
    a_resource_subscriber_sees_its_quantities_change,
    filtered_subscriptions_get_only_matching_events,
    closed_reads_need_a_token_to_subscribe,
    subscriptions_are_limited,
    a_client_that_does_not_read_does_not_stall_writes,
    shutdown_completes_subscriptions,
);
