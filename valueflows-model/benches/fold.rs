//! Benchmark: folding 100,000 events over 100 resources (1,000-odd events each,
//! transfers counting on both sides), and applying them one by one.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rust_decimal::Decimal;
use uuid::Uuid;
use valueflows_model::{
    Action, EconomicEvent, EconomicResource, Measure, NewEconomicEvent, ProcessId, ProcessSpecificationId,
    ResourceState, Timestamp, fold,
};

const EVENTS: usize = 100_000;
const RESOURCES: usize = 100;

fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

fn resource(n: usize) -> EconomicResource {
    EconomicResource {
        id: id(n as u128 + 1),
        name: None,
        tracking_identifier: None,
        image: None,
        image_list: vec![],
        classified_as: vec![],
        conforms_to: None,
        note: None,
        unit_of_effort: None,
        contained_in: None,
        current_location: None,
        lot: None,
    }
}

/// A deterministic pseudo-random sequence (xorshift), so every run folds the same events.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn events() -> Vec<EconomicEvent> {
    let actions = [Action::Raise, Action::Produce, Action::Consume, Action::Transfer, Action::Move, Action::Dropoff];
    let base = Timestamp::parse("2024-01-01T00:00:00Z").expect("valid time").as_datetime();
    let mut seq = Sequence(0x9E37_79B9_7F4A_7C15);
    (0..EVENTS)
        .map(|i| {
            let action = actions[(seq.next() % actions.len() as u64) as usize];
            let mut e = NewEconomicEvent::new(action, id(1), id(2 + u128::from(seq.next() % 5)));
            e.resource_inventoried_as = Some(resource((seq.next() % RESOURCES as u64) as usize).id);
            if matches!(action, Action::Transfer | Action::Move) {
                e.to_resource_inventoried_as = Some(resource((seq.next() % RESOURCES as u64) as usize).id);
            }
            e.resource_quantity = Some(Measure::new(Decimal::new((seq.next() % 1_000_000) as i64, 3), id(900)));
            e.to_location = Some(id(u128::from(seq.next() % 20)));
            e.state = Some("ok".to_owned());
            let seconds = (seq.next() % 31_536_000) as i64;
            e.has_point_in_time = Some(Timestamp::from_datetime(base + chrono::Duration::seconds(seconds)));
            e.into_event(id(((seq.next() as u128) << 64) | i as u128))
        })
        .collect()
}

fn stage_of(_: ProcessId) -> Option<ProcessSpecificationId> {
    None
}

fn bench(c: &mut Criterion) {
    let events = events();
    let resources: Vec<EconomicResource> = (0..RESOURCES).map(resource).collect();
    let per_resource: Vec<Vec<EconomicEvent>> =
        resources.iter().map(|r| events.iter().filter(|e| e.names_resource(r.id)).cloned().collect()).collect();

    let mut group = c.benchmark_group("fold");
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.bench_function("fold_100k_events_100_resources", |b| {
        b.iter(|| {
            for (resource, events) in resources.iter().zip(&per_resource) {
                black_box(fold(resource, black_box(events), &stage_of));
            }
        })
    });
    group.bench_function("apply_100k_events_100_resources", |b| {
        b.iter(|| {
            for (resource, events) in resources.iter().zip(&per_resource) {
                let mut state = ResourceState::new(resource);
                for event in events {
                    state.apply(black_box(event), &stage_of);
                }
                black_box(state);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
