//! `/metrics`: the Prometheus text parses as the exposition format, its counters move by
//! exactly what the requests did, its gauges show the feeds, the pool and the peers as they
//! are at the scrape, and it can be kept to admin tokens.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::json;
use valueflows_node::Config;
use valueflows_node::store::ops;
use vf_tests::{Backend, TestNode, error_code};

// ----- the exposition format ---------------------------------------------------------------

/// A sample's labels, sorted by name.
type Labels = Vec<(String, String)>;

/// A page of Prometheus text (format 0.0.4), checked line by line as it is read.
pub(crate) struct Exposition {
    text: String,
    /// Each family's `# TYPE`.
    types: BTreeMap<String, String>,
    samples: BTreeMap<(String, Labels), f64>,
}

fn is_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A sample value: a float as Go writes it, or `NaN`, `+Inf`, `-Inf`.
fn sample_value(s: &str) -> Result<f64, String> {
    match s {
        "NaN" => Ok(f64::NAN),
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) => {
            s.parse::<f64>().map_err(|e| format!("bad value `{s}`: {e}"))
        }
        _ => Err(format!("bad value `{s}`")),
    }
}

/// `name{label="value",...} value [timestamp]`.
fn sample_line(line: &str) -> Result<(String, Labels, f64), String> {
    let name_end = line.find(['{', ' ']).ok_or("a sample needs a value")?;
    let name = &line[..name_end];
    if !is_metric_name(name) {
        return Err(format!("bad metric name `{name}`"));
    }
    let (mut labels, rest) = match line[name_end..].strip_prefix('{') {
        Some(inner) => label_set(inner)?,
        None => (Labels::new(), &line[name_end..]),
    };
    let rest = rest.strip_prefix(' ').ok_or("a blank must separate the value")?;
    let mut tokens = rest.split(' ');
    let value = sample_value(tokens.next().unwrap_or(""))?;
    if let Some(ts) = tokens.next() {
        ts.parse::<i64>().map_err(|_| format!("bad timestamp `{ts}`"))?;
    }
    if let Some(extra) = tokens.next() {
        return Err(format!("unexpected `{extra}` after the timestamp"));
    }
    labels.sort();
    Ok((name.to_owned(), labels, value))
}

/// The labels after a `{`, up to its `}`; returns them and what follows.
fn label_set(mut s: &str) -> Result<(Labels, &str), String> {
    let mut labels = Labels::new();
    loop {
        if let Some(after) = s.strip_prefix('}') {
            return Ok((labels, after));
        }
        let eq = s.find('=').ok_or("a label without `=`")?;
        let label = &s[..eq];
        if !is_label_name(label) {
            return Err(format!("bad label name `{label}`"));
        }
        let quoted = s[eq + 1..].strip_prefix('"').ok_or_else(|| format!("label `{label}`: unquoted value"))?;
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        let close = loop {
            match chars.next() {
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    other => return Err(format!("label `{label}`: bad escape {other:?}")),
                },
                Some((_, c)) => value.push(c),
                None => return Err(format!("label `{label}`: unclosed value")),
            }
        };
        if labels.iter().any(|(l, _)| l == label) {
            return Err(format!("label `{label}` given twice"));
        }
        labels.push((label.to_owned(), value));
        s = &quoted[close + 1..];
        if let Some(after) = s.strip_prefix(',') {
            s = after;
        } else if !s.starts_with('}') {
            return Err(format!("expected `,` or `}}` after label `{label}`"));
        }
    }
}

/// HELP text escapes only backslash and newline.
fn help_text_ok(doc: &str) -> bool {
    let mut chars = doc.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && !matches!(chars.next(), Some('\\' | 'n')) {
            return false;
        }
    }
    true
}

impl Exposition {
    fn parse(text: &str) -> Result<Exposition, String> {
        if !text.is_empty() && !text.ends_with('\n') {
            return Err("the page must end with a newline".to_owned());
        }
        let mut types = BTreeMap::new();
        let mut helps = BTreeSet::new();
        let mut samples = BTreeMap::new();
        let mut done: BTreeSet<String> = BTreeSet::new();
        let mut current: Option<String> = None;
        for (n, line) in text.lines().enumerate() {
            let at = |why: String| format!("line {}: {why}: {line:?}", n + 1);
            if line.is_empty() {
                continue;
            }
            if line.contains('\r') {
                return Err(at("carriage return".to_owned()));
            }
            if let Some(comment) = line.strip_prefix('#') {
                let mut parts = comment.trim_start_matches(' ').splitn(3, ' ');
                match parts.next() {
                    Some("HELP") => {
                        let name = parts.next().unwrap_or("");
                        if !is_metric_name(name) {
                            return Err(at(format!("HELP of a bad name `{name}`")));
                        }
                        if !help_text_ok(parts.next().unwrap_or("")) {
                            return Err(at("HELP text may escape only backslash and newline".to_owned()));
                        }
                        if !helps.insert(name.to_owned()) {
                            return Err(at(format!("second HELP for `{name}`")));
                        }
                    }
                    Some("TYPE") => {
                        let name = parts.next().unwrap_or("");
                        let ty = parts.next().unwrap_or("");
                        if !is_metric_name(name) {
                            return Err(at(format!("TYPE of a bad name `{name}`")));
                        }
                        if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&ty) {
                            return Err(at(format!("unknown type `{ty}`")));
                        }
                        if done.contains(name) || current.as_deref() == Some(name) {
                            return Err(at(format!("TYPE of `{name}` after its samples")));
                        }
                        if types.insert(name.to_owned(), ty.to_owned()).is_some() {
                            return Err(at(format!("second TYPE for `{name}`")));
                        }
                    }
                    _ => {}
                }
                continue;
            }
            let (name, labels, value) = sample_line(line).map_err(at)?;
            let family = family_of(&name, &labels, &types).map_err(at)?;
            if current.as_deref() != Some(family.as_str()) {
                if done.contains(&family) {
                    return Err(at(format!("the samples of `{family}` are not together")));
                }
                if let Some(previous) = current.replace(family.clone()) {
                    done.insert(previous);
                }
            }
            if samples.insert((name.clone(), labels), value).is_some() {
                return Err(at(format!("a second `{name}` sample with the same labels")));
            }
        }
        let page = Exposition { text: text.to_owned(), types, samples };
        page.check_histograms()?;
        Ok(page)
    }

    /// Buckets are cumulative, end at `+Inf`, and `+Inf` equals `_count`.
    fn check_histograms(&self) -> Result<(), String> {
        for (family, _) in self.types.iter().filter(|(_, t)| *t == "histogram") {
            let bucket = format!("{family}_bucket");
            let mut series: BTreeMap<Labels, Vec<(f64, f64)>> = BTreeMap::new();
            for ((name, labels), value) in &self.samples {
                if *name != bucket {
                    continue;
                }
                let le = labels.iter().find(|(l, _)| l == "le").map(|(_, v)| v).ok_or("a bucket without `le`")?;
                let le = sample_value(le)?;
                let rest: Labels = labels.iter().filter(|(l, _)| l != "le").cloned().collect();
                series.entry(rest).or_default().push((le, *value));
            }
            for (labels, mut buckets) in series {
                buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
                if buckets.windows(2).any(|w| w[1].1 < w[0].1) {
                    return Err(format!("{family}{labels:?}: buckets are not cumulative: {buckets:?}"));
                }
                let last = buckets.last().ok_or("no buckets")?;
                if last.0 != f64::INFINITY {
                    return Err(format!("{family}{labels:?}: no +Inf bucket"));
                }
                let count = self.samples.get(&(format!("{family}_count"), labels.clone()));
                if count != Some(&last.1) {
                    return Err(format!("{family}{labels:?}: +Inf bucket {} but _count {count:?}", last.1));
                }
                if !self.samples.contains_key(&(format!("{family}_sum"), labels.clone())) {
                    return Err(format!("{family}{labels:?}: no _sum"));
                }
            }
        }
        Ok(())
    }

    /// The sample `name{labels}`, if the page has it.
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let mut labels: Labels = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        labels.sort();
        self.samples.get(&(name.to_owned(), labels)).copied()
    }

    /// A sample the page must have.
    pub(crate) fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.get(name, labels).unwrap_or_else(|| panic!("no sample {name}{labels:?} in:\n{}", self.text))
    }

    /// A counter, 0 while the page does not show it yet.
    pub(crate) fn count(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.get(name, labels).unwrap_or(0.0)
    }

    /// Every sample of `name`, whatever its labels.
    fn series(&self, name: &str) -> Vec<(&Labels, f64)> {
        self.samples.iter().filter(|((n, _), _)| n == name).map(|((_, l), v)| (l, *v)).collect()
    }
}

/// The family a sample belongs to, by the declared types (every family must declare one).
fn family_of(name: &str, labels: &Labels, types: &BTreeMap<String, String>) -> Result<String, String> {
    let has_le = labels.iter().any(|(l, _)| l == "le");
    let has_quantile = labels.iter().any(|(l, _)| l == "quantile");
    match types.get(name).map(String::as_str) {
        Some("counter" | "gauge" | "untyped") if !has_le && !has_quantile => return Ok(name.to_owned()),
        Some("summary") if has_quantile => return Ok(name.to_owned()),
        Some(ty) => return Err(format!("a `{name}` sample does not fit its type {ty}")),
        None => {}
    }
    for (suffix, types_ok, needs_le) in [
        ("_bucket", &["histogram"][..], true),
        ("_sum", &["histogram", "summary"][..], false),
        ("_count", &["histogram", "summary"][..], false),
    ] {
        if let Some(base) = name.strip_suffix(suffix)
            && let Some(ty) = types.get(base)
        {
            if !types_ok.contains(&ty.as_str()) || needs_le != has_le {
                return Err(format!("`{name}` does not fit `{base}`, a {ty}"));
            }
            return Ok(base.to_owned());
        }
    }
    Err(format!("`{name}` has no TYPE"))
}

#[test]
fn the_format_check_refuses_malformed_pages() {
    let good = "# HELP a_total A count.\n# TYPE a_total counter\na_total{x=\"1\",y=\"q\\\"\"} 3\n\
                # TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1.5\nh_count 2\n";
    let page = Exposition::parse(good).expect("a good page");
    assert_eq!(page.value("a_total", &[("x", "1"), ("y", "q\"")]), 3.0);
    for bad in [
        "a 1",                                                                                     // no newline at the end
        "a 1\n",                                                                                   // no TYPE
        "# TYPE a gauge\na{x=1} 1\n",                               // unquoted label value
        "# TYPE a gauge\na{x=\"1\" 1\n",                            // unclosed labels
        "# TYPE a gauge\na one\n",                                  // bad value
        "# TYPE a gauge\na 1\na 2\n",                               // duplicate sample
        "# TYPE a gauge\n# TYPE a gauge\na 1\n",                    // second TYPE
        "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"y\"} 1\n", // family split
        "# TYPE a wobble\na 1\n",                                   // unknown type
        "# HELP a A \\q.\n# TYPE a gauge\na 1\n",                   // bad HELP escape
        "# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n",                   // label twice
        "# TYPE 1a gauge\n1a 1\n",                                  // bad name
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", // not cumulative
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", // +Inf != count
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", // no +Inf
    ] {
        assert!(Exposition::parse(bad).is_err(), "accepted: {bad:?}");
    }
}

// ----- the node's page ---------------------------------------------------------------------

/// GETs `/metrics` (with `token`), which must answer 200 with a well-formed page.
pub(crate) async fn scrape(node: &TestNode, token: Option<&str>) -> Exposition {
    let mut req = node.http().get(format!("{}/metrics", node.url));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("sent");
    assert_eq!(r.status().as_u16(), 200, "/metrics");
    let ctype = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(ctype, "text/plain; version=0.0.4", "the Prometheus text content type");
    let text = r.text().await.expect("text");
    Exposition::parse(&text).unwrap_or_else(|e| panic!("not Prometheus text ({e}):\n{text}"))
}

const CREATE_UNIT: &str = "mutation { createUnit(unit: {label: \"kilogram\", symbol: \"kg\"}) { unit { id } } }";

/// A small body limit, so that an oversized request is refused whole, not mid-write.
fn small_bodies(c: &mut Config) {
    c.api.max_body_bytes = 4096;
}

async fn counters_move_by_what_the_requests_did(node: &TestNode) {
    let graphql = format!("{}/graphql", node.url);
    let before = scrape(node, None).await;

    // Good: three queries (one over GET) and a mutation.
    node.ok("{ actions { id } }", json!({})).await;
    node.ok("query Units { units { edges { node { id } } } }", json!({})).await;
    node.ok(CREATE_UNIT, json!({})).await;
    let r = node.http().get(format!("{graphql}?query=%7Bactions%7Bid%7D%7D")).send().await.expect("sent");
    assert_eq!(r.status().as_u16(), 200);
    // Bad: a syntax error, an unknown field, a query past the depth limit, a mutation
    // with a read token.
    assert_eq!(error_code(&node.gql("{ actions { id ", json!({})).await), Some("VALIDATION"));
    assert_eq!(error_code(&node.gql("{ nosuchfield }", json!({})).await), Some("VALIDATION"));
    let deep = format!("{{ __type(name: \"Query\") {{ {} name {} }} }}", "ofType { ".repeat(30), "} ".repeat(30));
    let v = node.gql(&deep, json!({})).await;
    assert_eq!(error_code(&v), Some("LIMIT"), "depth: {v}");
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(1), "{v}");
    let v = node.gql_as(Some(&node.read_token), CREATE_UNIT, json!({})).await;
    assert_eq!(error_code(&v), Some("FORBIDDEN"), "{v}");
    // Refused before GraphQL runs: a bad token, a body over the limit, a body that is
    // no GraphQL request.
    let r = node.http().post(&graphql).bearer_auth("not-a-token").json(&json!({"query": "{ actions { id } }"}));
    assert_eq!(r.send().await.expect("sent").status().as_u16(), 401);
    let huge = json!({"query": format!("{{ actions {{ id }} }} #{}", "x".repeat(8192))}).to_string();
    let r = node.http().post(&graphql).header("content-type", "application/json").body(huge);
    assert_eq!(r.send().await.expect("sent").status().as_u16(), 413);
    let r = node.http().post(&graphql).header("content-type", "application/json").body("{not json");
    assert_eq!(r.send().await.expect("sent").status().as_u16(), 400);
    let r = node.http().get(format!("{}/no/such/page", node.url)).send().await.expect("sent");
    assert_eq!(r.status().as_u16(), 404);

    let after = scrape(node, None).await;
    let moved = |name: &str, labels: &[(&str, &str)]| after.count(name, labels) - before.count(name, labels);

    for (op, n) in [("query", 5.0), ("mutation", 2.0), ("unknown", 1.0), ("subscription", 0.0)] {
        assert_eq!(moved("vf_graphql_operations_total", &[("operation", op)]), n, "{op} operations");
        assert!(before.get("vf_graphql_operations_total", &[("operation", op)]).is_some(), "{op} shown from zero");
    }
    for (op, n) in [("query", 5.0), ("mutation", 2.0), ("unknown", 1.0)] {
        let timed = moved("vf_graphql_operation_duration_seconds_count", &[("operation", op)]);
        assert_eq!(timed, n, "{op} operations timed");
    }
    for (code, n) in [
        ("VALIDATION", 2.0),
        ("LIMIT", 2.0),
        ("FORBIDDEN", 1.0),
        ("UNAUTHENTICATED", 1.0),
        ("BAD_REQUEST", 1.0),
        ("NOT_FOUND", 0.0),
        ("CONFLICT", 0.0),
        ("UNAVAILABLE", 0.0),
        ("INTERNAL", 0.0),
        ("OTHER", 0.0),
    ] {
        assert_eq!(moved("vf_graphql_errors_total", &[("code", code)]), n, "{code} errors");
    }
    let http = "vf_http_requests_total";
    let post = |status| [("route", "/graphql"), ("method", "POST"), ("status", status)];
    assert_eq!(moved(http, &post("200")), 7.0, "GraphQL answers over POST");
    assert_eq!(moved(http, &post("401")), 1.0);
    assert_eq!(moved(http, &post("413")), 1.0);
    assert_eq!(moved(http, &post("400")), 1.0);
    assert_eq!(moved(http, &[("route", "/graphql"), ("method", "GET"), ("status", "200")]), 1.0);
    assert_eq!(moved(http, &[("route", "unmatched"), ("method", "GET"), ("status", "404")]), 1.0);
    assert_eq!(moved(http, &[("route", "/metrics"), ("method", "GET"), ("status", "200")]), 1.0, "the first scrape");
    let timed = moved("vf_http_request_duration_seconds_count", &[("route", "/graphql"), ("method", "POST")]);
    assert_eq!(timed, 10.0);
    assert!(
        after.series(http).iter().all(|(l, _)| !l.iter().any(|(_, v)| v.contains("no/such"))),
        "paths are no labels"
    );

    // Read at the scrape: one write, one op of the node's own feed.
    let own = node.node.app().did().to_string();
    let (seq, _) = ops::head(node.node.app().store().db(), &own).await.expect("head").expect("a feed");
    assert_eq!(after.value("vf_own_feed_seq", &[]), seq as f64);
    assert_eq!(after.value("vf_own_feed_seq", &[]) - before.value("vf_own_feed_seq", &[]), 1.0);
    assert_eq!(after.value("vf_ops_held", &[]), seq as f64, "one feed");
    assert_eq!(after.value("vf_feeds_held", &[]), 1.0);
    assert_eq!(after.value("vf_forked_feeds", &[]), 0.0);
    assert_eq!(after.value("vf_store_up", &[]), 1.0);
    let max = node.node.app().config().storage.max_connections;
    assert_eq!(after.value("vf_db_pool_max_connections", &[]), f64::from(max));
    let open = after.value("vf_db_pool_connections", &[]);
    let idle = after.value("vf_db_pool_idle_connections", &[]);
    assert!(open >= 1.0 && idle <= open && open <= f64::from(max), "pool: {open} open, {idle} idle");
    assert_eq!(after.value("vf_federation_peers", &[]), 0.0);
    assert!(after.series("vf_federation_peer_failures").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_move_by_what_the_requests_did_sqlite() {
    let node = TestNode::spawn(Backend::Sqlite, small_bodies).await.expect("a SQLite node");
    counters_move_by_what_the_requests_did(&node).await;
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_move_by_what_the_requests_did_postgres() {
    if let Some(node) = TestNode::postgres_with(small_bodies).await {
        counters_move_by_what_the_requests_did(&node).await;
        node.stop().await;
    }
}

/// Peers as `Sync::health` has them, named without their credentials; and `/metrics` for
/// admin tokens only when the node says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peers_show_at_the_scrape_and_an_admin_token_can_be_required() {
    let a = TestNode::sqlite().await;
    a.ok(CREATE_UNIT, json!({})).await;
    let a_did = a.node.app().did().to_string();
    let (a_seq, _) = ops::head(a.node.app().store().db(), &a_did).await.expect("head").expect("A's feed");
    // A port nobody listens on: the listener is dropped at once.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind").local_addr().expect("addr");
    let dead = format!("http://ops:s3cret@{closed}");
    let peers = vec![a.url.clone(), dead.clone()];
    let follow = vec![a_did.clone()];
    let b = TestNode::spawn(Backend::Sqlite, move |c| {
        c.federation.peers = peers;
        c.federation.follow = follow;
        c.federation.interval_secs = 1;
        c.federation.catch_up_secs = 0;
        c.metrics.require_admin = true;
    })
    .await
    .expect("node B");
    let dead_label = format!("http://{closed}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let held = ops::head(b.node.app().store().db(), &a_did).await.expect("head").map(|(s, _)| s);
        let health = b.node.sync().health();
        let failed = health.iter().any(|h| h.url == dead && h.failures >= 1);
        if held == Some(a_seq) && failed {
            break;
        }
        assert!(Instant::now() < deadline, "B never caught up with A and failed on the dead peer: {health:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let url = format!("{}/metrics", b.url);
    let r = b.http().get(&url).send().await.expect("sent");
    assert_eq!(r.status().as_u16(), 401, "no token");
    assert_eq!(r.headers().get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
    let r = b.http().get(&url).bearer_auth(&b.read_token).send().await.expect("sent");
    assert_eq!(r.status().as_u16(), 403, "a read token");
    let r = b.http().get(&url).bearer_auth(&a.write_token).send().await.expect("sent");
    assert_eq!(r.status().as_u16(), 401, "another node's token");
    let page = scrape(&b, Some(&b.admin_token())).await;

    assert!(!page.text.contains("s3cret"), "credentials stay out of labels:\n{}", page.text);
    assert_eq!(page.value("vf_federation_peers", &[]), 2.0);
    let at_a = [("peer", a.url.as_str())];
    assert_eq!(page.value("vf_federation_peer_pulled_ops_total", &at_a), a_seq as f64, "all of A's feed");
    assert_eq!(page.value("vf_federation_peer_lag_ops", &at_a), 0.0);
    assert_eq!(page.value("vf_federation_peer_lag_seconds", &at_a), 0.0);
    assert_eq!(page.value("vf_federation_peer_failures", &at_a), 0.0);
    assert_eq!(page.value("vf_federation_peer_backoff_seconds", &at_a), 0.0);
    let last = page.value("vf_federation_peer_last_success_timestamp_seconds", &at_a);
    let now = chrono::Utc::now().timestamp() as f64;
    assert!(last > now - 120.0 && last <= now + 1.0, "last success {last}, now {now}");
    let at_dead = [("peer", dead_label.as_str())];
    assert!(page.value("vf_federation_peer_failures", &at_dead) >= 1.0);
    let backoff = page.value("vf_federation_peer_backoff_seconds", &at_dead);
    let max = b.node.app().config().federation.max_backoff_secs as f64;
    assert!(backoff > 0.0 && backoff <= max, "backoff {backoff}");
    assert_eq!(page.value("vf_federation_peer_pulled_ops_total", &at_dead), 0.0);
    assert!(page.get("vf_federation_peer_last_success_timestamp_seconds", &at_dead).is_none(), "never succeeded");

    // B holds its own feed and A's.
    let b_did = b.node.app().did().to_string();
    let (b_seq, _) = ops::head(b.node.app().store().db(), &b_did).await.expect("head").expect("B's feed");
    assert_eq!(page.value("vf_feeds_held", &[]), 2.0);
    assert_eq!(page.value("vf_own_feed_seq", &[]), b_seq as f64);
    assert_eq!(page.value("vf_ops_held", &[]), (a_seq + b_seq) as f64);
    b.stop().await;
    a.stop().await;
}
