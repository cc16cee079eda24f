//! Several `vf-node serve` processes (replicas) on one PostgreSQL database.
//!
//! They serve one ledger and one feed, so the database coordinates them:
//! - one write transaction at a time takes the feed's next seq: the writer lock
//!   ([`lock_writer`], a transaction-scoped advisory lock) is taken before the head is read,
//!   and the op table's primary key `(origin, seq)` refuses a second op at a seq whatever
//!   happens;
//! - start-up (migrations, the founding agent) runs under a session advisory lock
//!   ([`InitLock`]), so replicas starting together neither race migrations nor found the
//!   node twice;
//! - every committed write batch leaves its change notices in `change_log` and a
//!   `NOTIFY vf_changes` in the same transaction; every replica listens
//!   ([`spawn_listener`]) and publishes the other replicas' notices to its own subscribers,
//!   dropping what its record cache held of them;
//! - each federation pull task runs on one replica at a time: it holds a lease
//!   ([`acquire_lease`]) in `sync_lease`, renewed as it works and taken over by another
//!   replica when it lapses.
//!
//! SQLite has one process by construction, and none of this runs there.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, Value};

use crate::app::cache::RecordCache;
use crate::app::changes::{Changes, Committed};

/// Advisory lock key of the feed's writer: "vf-node\0w".
const WRITER_LOCK: i64 = 0x7666_2d6e_6f64_6577;
/// Advisory lock key of start-up: "vf-node\0i".
const INIT_LOCK: i64 = 0x7666_2d6e_6f64_6569;
/// The channel committed write batches are announced on.
pub const CHANGES_CHANNEL: &str = "vf_changes";
/// The channel a peer's wake-up hint is passed on to every replica.
pub const WAKE_CHANNEL: &str = "vf_wake";
/// How long change notices are kept for replicas that were briefly disconnected.
const CHANGE_LOG_KEEP_MS: i64 = 3_600_000;
/// Notices read per query by a listener catching up.
const CATCH_UP_ROWS: u64 = 500;

fn pg(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// A session advisory lock held on its own connection during start-up.
#[derive(Debug)]
pub struct InitLock {
    conn: DatabaseConnection,
}

impl InitLock {
    /// Waits for the start-up lock of the database at `url` (PostgreSQL).
    pub async fn acquire(url: &str) -> Result<InitLock, DbErr> {
        let mut opts = sea_orm::ConnectOptions::new(url.to_owned());
        opts.max_connections(1).min_connections(1).sqlx_logging(false).connect_timeout(Duration::from_secs(10));
        let conn = sea_orm::Database::connect(opts).await?;
        conn.execute_raw(pg("SELECT pg_advisory_lock($1)", vec![INIT_LOCK.into()])).await?;
        Ok(InitLock { conn })
    }

    /// The locked connection (migrations run on it, so they run under the lock).
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Releases the lock (closing the session would too).
    pub async fn release(self) {
        let _ = self.conn.execute_raw(pg("SELECT pg_advisory_unlock($1)", vec![INIT_LOCK.into()])).await;
        let _ = self.conn.close().await;
    }
}

/// Serialises write transactions across replicas until `txn` ends.
#[tracing::instrument(level = "debug", name = "store.shared.lock_writer", skip_all)]
pub async fn lock_writer<C: ConnectionTrait>(txn: &C) -> Result<(), DbErr> {
    txn.execute_raw(pg("SELECT pg_advisory_xact_lock($1)", vec![WRITER_LOCK.into()])).await?;
    Ok(())
}

/// The id of the last change notice committed by any replica (0 when none is kept).
#[tracing::instrument(level = "debug", name = "store.shared.last_change", skip_all)]
pub async fn last_change<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let row = db.query_one_raw(pg("SELECT COALESCE(MAX(id), 0) AS id FROM change_log", vec![])).await?;
    Ok(match row {
        Some(r) => r.try_get::<i64>("", "id")?,
        None => 0,
    })
}

/// Records the notices of a write batch for the other replicas and announces them at
/// commit; returns the notice id. Every 1,024th id also forgets notices older than an hour.
#[tracing::instrument(level = "debug", name = "store.shared.log_changes", skip_all)]
pub async fn log_changes<C: ConnectionTrait>(txn: &C, replica: &str, notices: &[&Committed]) -> Result<i64, DbErr> {
    let body = serde_json::to_string(notices).map_err(|e| DbErr::Custom(format!("change notices: {e}")))?;
    let row = txn
        .query_one_raw(pg(
            "INSERT INTO change_log (replica, at_ms, body) \
             VALUES ($1, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint, $2) RETURNING id",
            vec![replica.into(), body.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("change_log insert returned nothing".to_owned()))?;
    let id: i64 = row.try_get("", "id")?;
    txn.execute_raw(pg("SELECT pg_notify($1, $2)", vec![CHANGES_CHANNEL.into(), id.to_string().into()])).await?;
    if id % 1024 == 0 {
        txn.execute_raw(pg(
            "DELETE FROM change_log WHERE at_ms < (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint - $1",
            vec![CHANGE_LOG_KEEP_MS.into()],
        ))
        .await?;
    }
    Ok(id)
}

/// Wakes the pull tasks of every replica (a peer's notify reached this one).
#[tracing::instrument(level = "debug", name = "store.shared.wake_replicas", skip_all)]
pub async fn wake_replicas(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_raw(pg("SELECT pg_notify($1, '')", vec![WAKE_CHANNEL.into()])).await?;
    Ok(())
}

/// Where a listener delivers what other replicas committed.
pub struct Listener {
    /// This process's replica id: its own notices are already published.
    pub replica: String,
    /// Notices up to this id were published before the listener started.
    pub after: i64,
    /// Dropped entries for records and states other replicas changed.
    pub cache: Option<Arc<RecordCache>>,
    /// Where this replica's subscribers listen.
    pub changes: Changes,
    /// Bumped when a peer's wake-up hint reached any replica.
    pub wake: tokio::sync::watch::Sender<u64>,
}

/// Listens for other replicas' commits for as long as the process runs, reconnecting
/// after a lost connection (and catching up from `change_log` each time).
pub fn spawn_listener(db: DatabaseConnection, listener: Listener) {
    tokio::spawn(async move {
        let mut after = listener.after;
        loop {
            match listen(&db, &listener, &mut after).await {
                Ok(()) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "replica change listener lost its connection; reconnecting");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
}

async fn listen(db: &DatabaseConnection, l: &Listener, after: &mut i64) -> Result<(), DbErr> {
    let pool = db.get_postgres_connection_pool();
    let mut pg = PgListener::connect_with(pool).await.map_err(|e| DbErr::Custom(format!("listen: {e}")))?;
    pg.listen_all([CHANGES_CHANNEL, WAKE_CHANNEL]).await.map_err(|e| DbErr::Custom(format!("listen: {e}")))?;
    // Whatever committed while this connection was not listening.
    catch_up(db, l, after).await?;
    loop {
        let n = pg.recv().await.map_err(|e| DbErr::Custom(format!("listen: {e}")))?;
        if n.channel() == WAKE_CHANNEL {
            l.wake.send_modify(|w| *w = w.wrapping_add(1));
        } else {
            catch_up(db, l, after).await?;
        }
    }
}

/// Publishes the notices committed after `after`, other replicas' only.
async fn catch_up(db: &DatabaseConnection, l: &Listener, after: &mut i64) -> Result<(), DbErr> {
    loop {
        let rows = db
            .query_all_raw(pg(
                "SELECT id, replica, body FROM change_log WHERE id > $1 ORDER BY id LIMIT $2",
                vec![(*after).into(), (CATCH_UP_ROWS as i64).into()],
            ))
            .await?;
        let n = rows.len();
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let replica: String = row.try_get("", "replica")?;
            *after = id;
            if replica == l.replica {
                continue;
            }
            let body: String = row.try_get("", "body")?;
            let notices: Vec<Committed> = match serde_json::from_str(&body) {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(id, error = %e, "unreadable change notice skipped");
                    continue;
                }
            };
            for notice in notices {
                if let Some(cache) = &l.cache {
                    let records: Vec<_> = notice.records.iter().map(|r| r.id).collect();
                    cache.invalidate(&records, &notice.states);
                }
                l.changes.publish(notice);
            }
        }
        if (n as u64) < CATCH_UP_ROWS {
            return Ok(());
        }
    }
}

/// What [`acquire_lease`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lease {
    /// This replica holds it for the lease time from now.
    Held,
    /// Another replica holds it.
    Elsewhere(String),
}

/// Takes or renews the lease `name` for `holder`, for `secs` seconds by the database's
/// clock, unless another holder's lease is still running.
#[tracing::instrument(level = "debug", name = "store.shared.acquire_lease", skip_all)]
pub async fn acquire_lease<C: ConnectionTrait>(db: &C, name: &str, holder: &str, secs: u64) -> Result<Lease, DbErr> {
    let ms = i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let got = db
        .query_one_raw(pg(
            "INSERT INTO sync_lease (name, holder, until_ms) \
             VALUES ($1, $2, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint + $3) \
             ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until_ms = EXCLUDED.until_ms \
             WHERE sync_lease.holder = EXCLUDED.holder \
                OR sync_lease.until_ms < (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint \
             RETURNING holder",
            vec![name.into(), holder.into(), ms.into()],
        ))
        .await?;
    if got.is_some() {
        return Ok(Lease::Held);
    }
    let row = db.query_one_raw(pg("SELECT holder FROM sync_lease WHERE name = $1", vec![name.into()])).await?;
    Ok(Lease::Elsewhere(match row {
        Some(r) => r.try_get("", "holder")?,
        None => String::new(),
    }))
}

/// Gives the lease up at once (a replica stopping), so another replica need not wait for
/// it to lapse.
#[tracing::instrument(level = "debug", name = "store.shared.release_lease", skip_all)]
pub async fn release_lease<C: ConnectionTrait>(db: &C, name: &str, holder: &str) -> Result<(), DbErr> {
    db.execute_raw(pg("DELETE FROM sync_lease WHERE name = $1 AND holder = $2", vec![name.into(), holder.into()]))
        .await?;
    Ok(())
}
