//! Benchmark: a full trace from the final product of a provenance graph of 10,002 nodes
//! (events, resources and processes) recorded through the app layer into SQLite.
//!
//! The graph: 1,000 assembly processes in a tree ten levels deep. Each consumes two inputs
//! (the delivered outputs of two processes below it, or raw materials at the bottom),
//! takes an hour of work and produces one output, which is transferred into a resource of
//! the next agent up. The 1,001 raw materials are raised into lots of eight. The final
//! product is the last delivery; tracing it reaches every other node.
//!
//! Cases: `walk` (the nodes, in order, without their records), `records` (what
//! `EconomicResource.trace` gets from the app layer, with the record cache off and on),
//! `records+parse` (the same with every body parsed, as the GraphQL layer does) and
//! `graphql` (the whole `economicResource { trace { __typename ... id } }` request, in
//! process, without HTTP).
//!
//! Run: `cargo bench -p valueflows-node --bench trace`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use futures::future::try_join_all;
use rust_decimal::Decimal;
use uuid::Uuid;
use valueflows_model as vf;
use valueflows_node::app::App;
use valueflows_node::app::flow::{Direction, FlowKind, FlowRef};
use valueflows_node::app::observation::EventInput;
use valueflows_node::config::{Config, SqliteSync};

/// Assembly processes in the tree.
const PROCESSES: usize = 1_000;
/// Raw materials per lot.
const LOT_SIZE: usize = 8;

/// The ledger the benchmark traces.
struct Graph {
    /// The node that recorded it (record cache on).
    app: App,
    /// The final delivery.
    product: Uuid,
    /// Nodes in the graph.
    nodes: usize,
    _dir: tempfile::TempDir,
}

fn config(dir: &std::path::Path, cache: bool) -> Config {
    let mut cfg = Config::ephemeral(dir);
    cfg.storage.sqlite_synchronous = SqliteSync::Normal;
    cfg.storage.record_cache = cache;
    // The whole graph is one trace.
    cfg.api.max_trace_items = 20_000;
    cfg
}

fn at(hour: usize) -> vf::Timestamp {
    let base = vf::Timestamp::parse("2026-01-01T00:00:00Z").expect("time").as_datetime();
    vf::Timestamp::from(base + chrono::Duration::hours(hour as i64))
}

struct Ids {
    me: vf::AgentId,
    agents: Vec<vf::AgentId>,
    each: vf::UnitId,
    hour: vf::UnitId,
    part: vf::ResourceSpecificationId,
}

impl Ids {
    fn event(&self, action: vf::Action, receiver: vf::AgentId, time: usize) -> vf::NewEconomicEvent {
        let mut e = vf::NewEconomicEvent::new(action, self.me, receiver);
        e.has_point_in_time = Some(at(time));
        if action == vf::Action::Work {
            e.effort_quantity = Some(vf::Measure::new(Decimal::ONE, self.hour));
        } else {
            e.resource_quantity = Some(vf::Measure::new(Decimal::ONE, self.each));
            e.resource_conforms_to = Some(self.part);
        }
        e
    }
}

fn named(name: String, lot: Option<vf::ProductBatchId>) -> vf::NewEconomicResource {
    vf::NewEconomicResource { name: Some(name), lot, ..vf::NewEconomicResource::default() }
}

async fn record(app: &App, me: vf::AgentId, inputs: Vec<EventInput>) -> Vec<Option<Uuid>> {
    // Submitted together, so the writer commits them in groups.
    let done = try_join_all(inputs.into_iter().map(|i| app.record_event(i, me))).await.expect("events recorded");
    done.into_iter().map(|(_, r)| r.map(|r| r.id)).collect()
}

/// Records the graph; returns the node and the final product.
async fn build(dir: tempfile::TempDir) -> Graph {
    let app = App::open(config(dir.path(), true)).await.expect("node opens");
    let me = app.self_agent();
    let mut agents = Vec::new();
    for n in 0..10 {
        let a = vf::Agent {
            id: vf::AgentId::new(Uuid::now_v7()),
            kind: vf::AgentKind::Organization,
            name: format!("Workshop {n}"),
            image: None,
            note: None,
            primary_location: None,
            classified_as: Vec::new(),
        };
        app.create(&a, me).await.expect("agent");
        agents.push(a.id);
    }
    let each = vf::UnitId::new(Uuid::now_v7());
    app.create(&vf::Unit { id: each, label: "one".to_owned(), symbol: "ea".to_owned() }, me).await.expect("unit");
    let hour = vf::UnitId::new(Uuid::now_v7());
    app.create(&vf::Unit { id: hour, label: "hour".to_owned(), symbol: "h".to_owned() }, me).await.expect("unit");
    let part = vf::ResourceSpecification {
        id: vf::ResourceSpecificationId::new(Uuid::now_v7()),
        name: "Part".to_owned(),
        image: None,
        image_list: Vec::new(),
        resource_classified_as: Vec::new(),
        note: None,
        default_unit_of_resource: Some(each),
        default_unit_of_effort: None,
        substitutable: None,
        medium_of_exchange: None,
    };
    app.create(&part, me).await.expect("resource specification");
    let ids = Ids { me, agents, each, hour, part: part.id };

    // Process i (1-based, heap order) takes in the deliveries of processes 2i and 2i+1,
    // or raw materials where those do not exist.
    let leaves: Vec<usize> = (1..=PROCESSES).flat_map(|i| [2 * i, 2 * i + 1]).filter(|c| *c > PROCESSES).collect();
    let lots = try_join_all((0..leaves.len().div_ceil(LOT_SIZE)).map(|n| {
        let b = vf::ProductBatch {
            id: vf::ProductBatchId::new(Uuid::now_v7()),
            batch_number: format!("RAW-{n}"),
            expiry_date: None,
            production_date: None,
        };
        let app = app.clone();
        async move { app.create(&b, me).await.map(|_| b.id) }
    }))
    .await
    .expect("lots");
    let raised = record(
        &app,
        me,
        leaves
            .iter()
            .enumerate()
            .map(|(n, c)| EventInput {
                event: ids.event(vf::Action::Raise, me, 0),
                new_resource: Some(named(format!("raw {c}"), Some(lots[n / LOT_SIZE]))),
            })
            .collect(),
    )
    .await;
    let mut delivered: std::collections::HashMap<usize, Uuid> =
        leaves.iter().zip(raised).map(|(c, r)| (*c, r.expect("raised"))).collect();
    let mut nodes = 2 * leaves.len();

    // Level by level from the bottom: a level's inputs are the level below's deliveries.
    let depth = |i: usize| usize::BITS - i.leading_zeros();
    let deepest = depth(PROCESSES);
    for level in (1..=deepest).rev() {
        let here: Vec<usize> = (1..=PROCESSES).filter(|i| depth(*i) == level).collect();
        let time = (deepest - level + 1) as usize * 10;
        let processes = try_join_all(here.iter().map(|i| {
            let p = vf::Process {
                id: vf::ProcessId::new(Uuid::now_v7()),
                name: format!("assembly {i}"),
                has_beginning: None,
                has_end: None,
                finished: true,
                note: None,
                classified_as: Vec::new(),
                in_scope_of: Vec::new(),
                based_on: None,
                nested_in: None,
                planned_within: None,
            };
            let app = app.clone();
            async move { app.create(&p, me).await.map(|_| p.id) }
        }))
        .await
        .expect("processes");
        let mut inputs = Vec::new();
        for (i, p) in here.iter().zip(&processes) {
            for child in [2 * i, 2 * i + 1] {
                let mut e = ids.event(vf::Action::Consume, me, time);
                e.resource_inventoried_as = Some(vf::ResourceId::new(delivered[&child]));
                e.input_of = Some(*p);
                inputs.push(EventInput { event: e, new_resource: None });
            }
            let mut work = ids.event(vf::Action::Work, me, time);
            work.input_of = Some(*p);
            inputs.push(EventInput { event: work, new_resource: None });
            let mut out = ids.event(vf::Action::Produce, me, time + 1);
            out.output_of = Some(*p);
            inputs.push(EventInput { event: out, new_resource: Some(named(format!("part {i}"), None)) });
        }
        let made = record(&app, me, inputs).await;
        let outputs: Vec<Uuid> = made.into_iter().flatten().collect();
        let transfers = here
            .iter()
            .zip(&outputs)
            .map(|(i, r)| {
                let receiver = ids.agents[i % ids.agents.len()];
                let mut e = ids.event(vf::Action::Transfer, receiver, time + 2);
                e.resource_inventoried_as = Some(vf::ResourceId::new(*r));
                EventInput { event: e, new_resource: Some(named(format!("delivered part {i}"), None)) }
            })
            .collect();
        let received = record(&app, me, transfers).await;
        for (i, r) in here.iter().zip(received) {
            delivered.insert(*i, r.expect("delivered"));
        }
        nodes += here.len() * 8;
    }
    Graph { app, product: delivered[&1], nodes, _dir: dir }
}

/// Parses every body, as the GraphQL layer does when it wraps the records.
fn parse_all(items: &[valueflows_node::app::flow::FlowRecord]) -> usize {
    let mut n = 0;
    for i in items {
        let ok = match i.kind {
            FlowKind::Resource => serde_json::from_str::<vf::EconomicResource>(&i.row.body).is_ok(),
            FlowKind::Event => serde_json::from_str::<vf::EconomicEvent>(&i.row.body).is_ok(),
            FlowKind::Process => serde_json::from_str::<vf::Process>(&i.row.body).is_ok(),
        };
        n += usize::from(ok);
    }
    n
}

fn trace(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let started = Instant::now();
    let graph = rt.block_on(build(tempfile::tempdir().expect("temp dir")));
    eprintln!("recorded {} nodes in {:.1?}", graph.nodes, started.elapsed());
    let start = FlowRef::resource(graph.product);
    let cold = rt.block_on(App::open(config(graph._dir.path(), false))).expect("second reader");
    let found = rt.block_on(graph.app.flow_walk(start, Direction::Backward, 20_000)).expect("trace");
    assert_eq!(found.len() + 1, graph.nodes, "the trace reaches every node");
    let records = rt.block_on(cold.trace(start)).expect("trace");
    assert_eq!(records.len(), found.len());
    assert_eq!(parse_all(&records), records.len());

    let mut g = c.benchmark_group("trace");
    g.sample_size(30).measurement_time(Duration::from_secs(10));
    g.bench_function("walk", |b| {
        b.iter(|| black_box(rt.block_on(graph.app.flow_walk(start, Direction::Backward, 20_000)).expect("walk")))
    });
    g.bench_function("records, cache off", |b| b.iter(|| black_box(rt.block_on(cold.trace(start)).expect("trace"))));
    g.bench_function("records, cache on", |b| {
        b.iter(|| black_box(rt.block_on(graph.app.trace(start)).expect("trace")))
    });
    g.bench_function("records+parse, cache on", |b| {
        b.iter(|| {
            let items = rt.block_on(graph.app.trace(start)).expect("trace");
            black_box(parse_all(&items))
        })
    });
    // The same trace as a GraphQL request, in process (no HTTP): what the API adds.
    let schema = valueflows_node::graphql::schema(Some(graph.app.clone()));
    let query = format!(
        "{{ economicResource(id: \"{}\") {{ trace {{ __typename ... on EconomicResource {{ id }} \
         ... on EconomicEvent {{ id }} ... on Process {{ id }} }} }} }}",
        graph.product
    );
    let request =
        || async_graphql::Request::new(query.clone()).data(valueflows_node::graphql::loaders::Loaders::new(&graph.app));
    let answer = rt.block_on(schema.execute(request()));
    assert!(answer.errors.is_empty(), "{:?}", answer.errors);
    g.bench_function("graphql, cache on", |b| b.iter(|| black_box(rt.block_on(schema.execute(request())))));
    g.finish();
}

criterion_group!(benches, trace);
criterion_main!(benches);
