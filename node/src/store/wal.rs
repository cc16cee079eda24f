//! Checkpoints of SQLite's write-ahead log, run by a task of their own.
//!
//! By default SQLite checkpoints from inside the commit that takes the log past 1,000 pages:
//! that commit also copies the log into the database file, so the writer, which every write
//! of the node waits on, stops for it. Here connections are opened with automatic
//! checkpoints off, and this task checkpoints every [`EVERY`] from a connection of its own,
//! while the writer goes on. A passive checkpoint never waits for anyone. When the log has
//! grown past [`RESTART_FRAMES`] anyway (a long catch-up writes faster than a passive
//! checkpoint can finish with writes arriving), a restarting checkpoint waits for the writer
//! and the readers to step aside once, so that the next write starts the log over.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use tokio::sync::watch;

/// How often the log is checkpointed.
pub const EVERY: Duration = Duration::from_secs(1);

/// Log frames (pages) past which a checkpoint restarts the log: 64 MiB of 4 KiB pages.
pub const RESTART_FRAMES: i64 = 16_384;

/// Keeps the checkpoint task running; it stops when the last clone of its store is dropped.
#[derive(Debug)]
pub struct Checkpoints {
    _alive: watch::Sender<()>,
}

/// Starts checkpointing `db`'s log (a SQLite file opened with `wal_autocheckpoint = 0`).
pub fn spawn(db: DatabaseConnection) -> Checkpoints {
    let (alive, mut gone) = watch::channel(());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = gone.changed() => break,
            }
            match checkpoint(&db, "PASSIVE").await {
                Ok(frames) if frames >= RESTART_FRAMES => {
                    if let Err(e) = checkpoint(&db, "RESTART").await {
                        tracing::warn!(error = %e, frames, "restarting the write-ahead log failed");
                    }
                }
                Ok(_) => {}
                // Closed with the store: nothing left to checkpoint.
                Err(DbErr::ConnectionAcquire(_)) => break,
                Err(e) => tracing::warn!(error = %e, "checkpointing the write-ahead log failed"),
            }
        }
    });
    Checkpoints { _alive: alive }
}

/// Runs one checkpoint in `mode`; returns the frames the log held.
async fn checkpoint(db: &DatabaseConnection, mode: &str) -> Result<i64, DbErr> {
    let sql = format!("PRAGMA wal_checkpoint({mode})");
    let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql)).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(1)).transpose()?.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sqlx::sqlite::SqliteJournalMode;
    use sea_orm::{ConnectOptions, Database};

    async fn write(db: &DatabaseConnection, rows: usize) {
        let values = vec!["(randomblob(1000))"; rows].join(",");
        db.execute_unprepared(&format!("INSERT INTO t (b) VALUES {values}")).await.expect("insert");
    }

    /// The task copies committed pages into the database file, and stops with its handle.
    #[tokio::test]
    async fn the_log_is_checkpointed_while_the_handle_lives() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("t.db");
        let mut opts = ConnectOptions::new(format!("sqlite://{}?mode=rwc", file.display()));
        opts.max_connections(2)
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|o| o.journal_mode(SqliteJournalMode::Wal).pragma("wal_autocheckpoint", "0"));
        let db = Database::connect(opts).await.expect("open");
        db.execute_unprepared("CREATE TABLE t (b BLOB)").await.expect("table");
        let size = || std::fs::metadata(&file).expect("file").len();
        // Without checkpoints, 2 MB of rows stay in the log: the database file keeps its size.
        let before = size();
        write(&db, 2000).await;
        tokio::time::sleep(EVERY * 2).await;
        assert_eq!(size(), before, "no checkpoint runs while nothing checkpoints");

        let handle = spawn(db.clone());
        tokio::time::sleep(EVERY * 2).await;
        let checkpointed = size();
        assert!(checkpointed > before + 2_000_000, "the rows reached the file: {before} -> {checkpointed}");

        drop(handle);
        tokio::time::sleep(EVERY).await;
        write(&db, 2000).await;
        tokio::time::sleep(EVERY * 2).await;
        assert_eq!(size(), checkpointed, "the task stopped with its handle");
    }
}
