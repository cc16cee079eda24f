//! `kill -9` during replication: a node pulling a long feed in small pages is killed while
//! it syncs, restarted on the same data directory, and must end with exactly the origin's
//! feed (no op lost, none twice), state equal to a rebuild, and the origin's digest.

use super::*;

/// Ops A writes before B starts pulling (a unit or an event each).
const OPS: usize = 1_200;
/// Ops per GraphQL request (aliased mutations, run in order): units and one event.
const PER_REQUEST: usize = 20;
/// Longest a node may take to reach a head.
const SYNC_DEADLINE: Duration = Duration::from_secs(120);

/// `serve` for `dir` with extra flags and environment.
fn serve_with(dir: &DataDir, flags: &[&str], env: &[(&str, &str)]) -> Server {
    let mut args = vec!["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0"];
    args.extend(flags);
    Server::start_with_env(&args, env)
}

/// The seq and head op id that `server` holds of `origin`'s feed.
fn head_of(server: &Server, origin: &str) -> (u64, Option<String>) {
    let (_, json) = server.graphql("{ federation { feeds { origin seq head } } }", None);
    assert_no_errors(&json);
    json["data"]["federation"]["feeds"]
        .as_array()
        .expect("feeds")
        .iter()
        .find(|f| f["origin"] == origin)
        .map_or((0, None), |f| (f["seq"].as_u64().expect("seq"), f["head"].as_str().map(str::to_owned)))
}

fn digest(server: &Server) -> String {
    let (_, json) = server.graphql("{ federation { digest } }", None);
    json["data"]["federation"]["digest"].as_str().expect("digest").to_owned()
}

/// Polls until `server` holds `origin`'s feed at `want`.
fn wait_for_head(server: &Server, origin: &str, want: &(u64, Option<String>)) {
    let deadline = Instant::now() + SYNC_DEADLINE;
    loop {
        let got = head_of(server, origin);
        if got == *want {
            return;
        }
        assert!(Instant::now() < deadline, "never reached {want:?} of {origin}; holds {got:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_node_killed_during_a_sync_page_resumes_without_loss_or_duplicates() {
    let a_dir = DataDir::new();
    let a_did = a_dir.init(Some("Lab A")).did;
    let mut a = a_dir.serve();
    let write = a_dir.token("write", &[]);
    let admin = a_dir.token("admin", &[]);
    let ok = |q: &str| {
        let (_, json) = a.graphql(q, Some(&write));
        assert_no_errors(&json);
        json["data"].clone()
    };
    let me = ok("{ myAgent { id } }")["myAgent"]["id"].clone();
    let kg = ok(CREATE_UNIT)["createUnit"]["unit"]["id"].clone();
    let spec = ok(r#"mutation { createResourceSpecification(resourceSpecification: {name: "Steel"}) { resourceSpecification { id } } }"#)
        ["createResourceSpecification"]["resourceSpecification"]["id"]
        .clone();
    let steel = ok(&format!(
        r#"mutation {{ createEconomicEvent(event: {{action: "raise", provider: {me}, receiver: {me},
            hasPointInTime: "2026-03-02T09:00:00Z", resourceQuantity: {{hasNumericalValue: "100", hasUnit: {kg}}},
            resourceConformsTo: {spec}}}, newInventoriedResource: {{name: "Steel"}}) {{ economicResource {{ id }} }} }}"#
    ))["createEconomicEvent"]["economicResource"]["id"]
        .clone();
    let batches = OPS / PER_REQUEST;
    for batch in 0..batches {
        let mut fields: Vec<String> = (1..PER_REQUEST)
            .map(|i| {
                format!(r#"u{i}: createUnit(unit: {{label: "unit {batch}.{i}", symbol: "u"}}) {{ unit {{ id }} }}"#)
            })
            .collect();
        fields.push(format!(
            r#"e: createEconomicEvent(event: {{action: "consume", provider: {me}, receiver: {me},
                resourceInventoriedAs: {steel}, hasPointInTime: "2026-03-03T09:00:00Z",
                resourceQuantity: {{hasNumericalValue: "0.5", hasUnit: {kg}}}}}) {{ economicEvent {{ id }} }}"#
        ));
        ok(&format!("mutation {{ {} }}", fields.join(" ")));
    }
    let a_head = head_of(&a, &a_did);
    assert!(a_head.0 > OPS as u64, "A's feed holds its founding op and {OPS} more: {a_head:?}");

    // B pulls A's feed ten ops a page; it is killed while pages are landing.
    let b_dir = DataDir::new();
    let b_did = b_dir.init(Some("Lab B")).did;
    let peer = format!("http://{}", a.addr);
    let flags = ["--peer", peer.as_str(), "--follow", a_did.as_str()];
    let env = [("VF_FEDERATION__PAGE_OPS", "10"), ("VF_FEDERATION__INTERVAL_SECS", "1")];
    let mut b = serve_with(&b_dir, &flags, &env);
    let deadline = Instant::now() + SYNC_DEADLINE;
    let at_kill = loop {
        let (seq, _) = head_of(&b, &a_did);
        if seq > 50 {
            break seq;
        }
        assert!(Instant::now() < deadline, "B never started pulling A's feed");
        std::thread::sleep(Duration::from_millis(5));
    };
    b.child.kill().expect("SIGKILL B");
    b.child.wait().expect("reap B");
    assert!(at_kill < a_head.0, "B was killed before it had the whole feed ({at_kill} of {})", a_head.0);

    // Restarted on the same data, B resumes from what it committed.
    let mut b = serve_with(&b_dir, &flags, &env);
    let resumed = head_of(&b, &a_did).0;
    assert!(resumed >= at_kill, "what B reported before the kill was committed ({resumed} < {at_kill})");
    wait_for_head(&b, &a_did, &a_head);

    // A follows B back, so both hold the same two feeds: equal digests mean equal state.
    let b_url = format!("http://{}", b.addr);
    for q in [
        format!(r#"mutation {{ followFeed(did: "{b_did}") }}"#),
        format!(r#"mutation {{ addFederationPeer(url: "{b_url}") {{ url }} }}"#),
    ] {
        let (_, json) = a.graphql(&q, Some(&admin));
        assert_no_errors(&json);
    }
    let b_head = head_of(&b, &b_did);
    wait_for_head(&a, &b_did, &b_head);
    assert_eq!(digest(&a), digest(&b), "equal heads, equal state");

    // Every op once: each unit and each event held, none twice.
    let (_, json) = b.graphql(
        &format!(
            "{{ units(first: 1) {{ pageInfo {{ totalCount }} }} economicEvents(first: 1) {{ pageInfo {{ totalCount }} }}
              economicResource(id: {steel}) {{ onhandQuantity {{ hasNumericalValue }} }} }}"
        ),
        None,
    );
    assert_no_errors(&json);
    assert_eq!(json["data"]["units"]["pageInfo"]["totalCount"], 1 + batches * (PER_REQUEST - 1), "{json}");
    assert_eq!(json["data"]["economicEvents"]["pageInfo"]["totalCount"], 1 + batches, "{json}");
    let left =
        rust_decimal::Decimal::from(100) - rust_decimal::Decimal::new(5, 1) * rust_decimal::Decimal::from(batches);
    assert_eq!(json["data"]["economicResource"]["onhandQuantity"]["hasNumericalValue"], left.normalize().to_string());

    b.stop_cleanly();
    a.stop_cleanly();
    let check = vf_node(&["rebuild", "--check", "--data-dir", b_dir.arg()]).expect_success("rebuild --check");
    assert!(check.stdout.contains("unchanged"), "stored state equals a rebuild: {}", check.describe());
}
