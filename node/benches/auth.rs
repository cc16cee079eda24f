//! Benchmark: what checking a bearer token costs per request. `verify` is the signature
//! and claims alone (EdDSA); `authenticate` adds the revocation lookup in the database (one
//! primary-key read of `revoked_token`, holding 1,000 revoked ids), on SQLite and, when
//! `DATABASE_URL` names a PostgreSQL server, on a fresh database there.
//!
//! Run: `cargo bench -p valueflows-node --bench auth`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sea_orm::{ConnectionTrait, Database};
use valueflows_node::app::App;
use valueflows_node::app::tokens::Revoke;
use valueflows_node::auth::Scope;
use valueflows_node::config::Config;

/// Revoked ids held while measuring.
const REVOKED: usize = 1_000;

async fn node(dir: &std::path::Path, database_url: Option<String>) -> App {
    let mut cfg = Config::ephemeral(dir);
    cfg.database_url = database_url;
    let app = App::open(cfg).await.expect("node");
    for i in 0..REVOKED {
        let id = format!("revoked-{i}");
        app.revoke_token(Revoke::Id { id, expires_at: None }, None).await.expect("revoke");
    }
    app
}

/// A fresh PostgreSQL database on the server at `DATABASE_URL`, if there is one.
async fn postgres() -> Option<(String, String)> {
    let admin_url = std::env::var("DATABASE_URL").ok().filter(|u| u.starts_with("postgres"))?;
    let admin = Database::connect(&admin_url).await.ok()?;
    let name = format!("vf_bench_{}", uuid::Uuid::now_v7().simple());
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.ok()?;
    let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b);
    Some((format!("{base}/{name}"), name))
}

fn auth(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = rt.block_on(node(dir.path(), None));
    let token = sqlite.authority().issue(sqlite.self_agent(), Scope::Write, 3600, chrono::Utc::now().timestamp());
    let token = token.expect("token");
    rt.block_on(sqlite.authenticate(&token)).expect("valid");

    let mut g = c.benchmark_group("auth");
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("verify", |b| b.iter(|| black_box(sqlite.authority().verify(&token).expect("valid"))));
    g.bench_function("authenticate, SQLite", |b| {
        b.iter(|| black_box(rt.block_on(sqlite.authenticate(&token)).expect("valid")))
    });
    if let Some((url, name)) = rt.block_on(postgres()) {
        let pg_dir = tempfile::tempdir().expect("temp dir");
        let pg = rt.block_on(node(pg_dir.path(), Some(url)));
        let token = pg.authority().issue(pg.self_agent(), Scope::Write, 3600, chrono::Utc::now().timestamp());
        let token = token.expect("token");
        g.bench_function("authenticate, PostgreSQL", |b| {
            b.iter(|| black_box(rt.block_on(pg.authenticate(&token)).expect("valid")))
        });
        rt.block_on(async {
            pg.store().clone().close().await.ok();
            if let Ok(admin) = Database::connect(std::env::var("DATABASE_URL").unwrap_or_default()).await {
                let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
            }
        });
    }
    g.finish();
}

criterion_group!(benches, auth);
criterion_main!(benches);
