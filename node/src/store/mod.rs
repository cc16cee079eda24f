//! Storage through sea-orm: SQLite in the data directory by default, PostgreSQL when a
//! `postgres://` URL is configured. The same queries serve both.

pub mod entity;
pub mod forks;
pub mod migration;
pub mod ops;
pub mod records;
pub mod revocations;
pub mod shared;
pub mod wal;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::MigratorTrait;

use crate::config::SqliteSync;

/// A connected, migrated database.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    /// The start-up lock, held from migration until the node is founded (PostgreSQL).
    init: Arc<Mutex<Option<shared::InitLock>>>,
    /// The task checkpointing the write-ahead log (a SQLite file).
    _checkpoints: Option<Arc<wal::Checkpoints>>,
}

impl Store {
    /// Connects to `url` (`sqlite://...` or `postgres://...`) and applies pending migrations.
    pub async fn open(url: &str, sync: SqliteSync, max_connections: u32) -> Result<Store, DbErr> {
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(30));
        let sqlite = url.starts_with("sqlite:");
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        if sqlite {
            // An in-memory database lives in one connection; a file takes readers in
            // parallel with the single writer (WAL).
            opts.max_connections(if memory { 1 } else { max_connections }).min_connections(1);
            let synchronous = match sync {
                SqliteSync::Full => SqliteSynchronous::Full,
                SqliteSync::Normal => SqliteSynchronous::Normal,
            };
            opts.map_sqlx_sqlite_opts(move |o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(synchronous)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(30))
                    .create_if_missing(true)
                    .pragma("cache_size", "-32768")
                    .pragma("mmap_size", "268435456")
                    .pragma("temp_store", "memory")
                    // Checkpoints run apart from the writer's commits (`wal`).
                    .pragma("wal_autocheckpoint", if memory { "1000" } else { "0" })
            });
        } else {
            opts.max_connections(max_connections);
        }
        let db = Database::connect(opts).await?;
        if db.get_database_backend() == DbBackend::Postgres {
            // Replicas starting together take turns: the first migrates, the others find
            // nothing pending. The lock is held until the node is founded ([`Store::founded`]).
            let lock = shared::InitLock::acquire(url).await?;
            migration::Migrator::up(lock.conn(), None).await?;
            return Ok(Store { db, init: Arc::new(Mutex::new(Some(lock))), _checkpoints: None });
        }
        migration::Migrator::up(&db, None).await?;
        let checkpoints = (sqlite && !memory).then(|| Arc::new(wal::spawn(db.clone())));
        Ok(Store { db, init: Arc::default(), _checkpoints: checkpoints })
    }

    /// Start-up is over (migrated, the node's own agent known): other replicas waiting to
    /// start on this database may go on.
    pub async fn founded(&self) {
        let lock = self.init.lock().await.take();
        if let Some(lock) = lock {
            lock.release().await;
        }
    }

    /// True when other processes may share this database (PostgreSQL): writes take the
    /// writer lock and announce their changes (`store::shared`).
    pub fn is_shared(&self) -> bool {
        self.backend() == DbBackend::Postgres
    }

    /// The connection pool.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Which database this is.
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// True when the database answers and the migrations are applied.
    #[tracing::instrument(level = "debug", name = "store.ready", skip_all)]
    pub async fn ready(&self) -> bool {
        matches!(migration::Migrator::get_pending_migrations(&self.db).await, Ok(p) if p.is_empty())
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(self) -> Result<(), DbErr> {
        self.db.close().await
    }
}
