//! Benchmark: what checking received ops costs, per op and per page. Each op carries one
//! `Unit` record (about 560 bytes of JSON), as in the catch-up figure of `vf-sync-bench`.
//! `op` is one op parsed under the intake limits and verified (id recomputed, signature) on
//! one thread; `page` is `check_page` over a page of 1,000 ops, spread over the cores.
//!
//! Run: `cargo bench -p valueflows-federation --bench verify`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::value::RawValue;
use valueflows_federation::protocol::{Cursor, check_page};
use valueflows_federation::{NodeKey, OP_VERSION, Op, OpLimits, RecordRevision, UnsignedOp};

/// A feed of `n` ops signed by `key`, as wire JSON.
fn feed(key: &NodeKey, n: u64) -> Vec<Box<RawValue>> {
    let mut prev = None;
    (1..=n)
        .map(|seq| {
            let id = uuid::Uuid::now_v7();
            let op = UnsignedOp {
                v: OP_VERSION,
                origin: key.did(),
                seq,
                prev: prev.clone(),
                time: format!("2026-05-01T10:{:02}:{:02}Z", (seq / 60) % 60, seq % 60),
                author: None,
                records: vec![RecordRevision {
                    kind: "Unit".to_owned(),
                    id,
                    revision_id: id,
                    retracted: false,
                    body: serde_json::json!({"id": id.to_string(), "label": format!("bench unit {seq}"), "symbol": format!("u{seq}")}),
                }],
            }
            .sign(key)
            .expect("signs");
            prev = Some(op.id().expect("id"));
            RawValue::from_string(op.to_json().expect("json")).expect("raw")
        })
        .collect()
}

fn verify(c: &mut Criterion) {
    let key = NodeKey::generate();
    let ops = feed(&key, 1_000);
    let limits = OpLimits::default();
    let mut group = c.benchmark_group("verify");
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(1));
    group.bench_function("op", |b| {
        let raw = ops[500].get();
        b.iter(|| Op::from_json(black_box(raw), &limits).and_then(|op| op.verify()).expect("verifies"));
    });
    group.throughput(Throughput::Elements(ops.len() as u64));
    group.bench_function("page", |b| {
        let origin = key.did();
        b.iter(|| {
            let page = check_page(&origin, &Cursor::default(), black_box(&ops), &limits);
            assert!(page.error.is_none() && page.verified.len() == ops.len());
        });
    });
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
