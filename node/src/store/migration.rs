//! Schema migrations, applied at start. Tables come from the entities so the two
//! backends (SQLite, PostgreSQL) get the column types sea-orm maps for each.

use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Schema};
use sea_orm_migration::prelude::*;

use super::entity::{feed_fork, node_meta, op, record, record_index, record_revision, resource_state, revoked_token};

/// All migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(InitialSchema), Box::new(FeedForks), Box::new(Replicas), Box::new(RevokedTokens)]
    }
}

/// The first schema: records, revisions, the lookup index, derived state, the op log.
struct InitialSchema;

impl MigrationName for InitialSchema {
    fn name(&self) -> &str {
        "m0001_initial_schema"
    }
}

async fn create<E: EntityTrait>(manager: &SchemaManager<'_>, entity: E, small_rows: bool) -> Result<(), DbErr> {
    let backend = manager.get_database_backend();
    let schema = Schema::new(backend);
    let mut stmt = schema.create_table_from_entity(entity);
    stmt.if_not_exists();
    if backend == DbBackend::Sqlite && small_rows {
        // A table of small rows with a non-integer primary key: without a rowid, the
        // primary key is its only B-tree instead of a second one beside it. Tables with
        // large JSON bodies keep the rowid (measured: they insert faster with it).
        let sql = format!("{} WITHOUT ROWID", backend.build(&stmt));
        manager.get_connection().execute_unprepared(&sql).await?;
        return Ok(());
    }
    manager.create_table(stmt.to_owned()).await
}

async fn index(manager: &SchemaManager<'_>, name: &str, table: &str, cols: &[&str]) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(Alias::new(table)).if_not_exists();
    for c in cols {
        stmt.col(Alias::new(*c));
    }
    manager.create_index(stmt.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for InitialSchema {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(manager, record::Entity, false).await?;
        create(manager, record_revision::Entity, false).await?;
        create(manager, record_index::Entity, true).await?;
        create(manager, resource_state::Entity, true).await?;
        create(manager, op::Entity, false).await?;
        create(manager, node_meta::Entity, true).await?;
        // Listing by kind in id order is the path of every root connection.
        index(manager, "record_kind_id", "record", &["kind", "id"]).await?;
        index(manager, "record_revision_record", "record_revision", &["record_id", "revision_id"]).await?;
        // Inverse relations and filters: field = ? AND value IN (...) -> record ids.
        index(manager, "record_index_lookup", "record_index", &["field", "value", "record_id"]).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["node_meta", "op", "resource_state", "record_index", "record_revision", "record"] {
            manager.drop_table(Table::drop().table(Alias::new(t)).to_owned()).await?;
        }
        Ok(())
    }
}

/// Evidence of forked feeds (federation).
struct FeedForks;

impl MigrationName for FeedForks {
    fn name(&self) -> &str {
        "m0002_feed_fork"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for FeedForks {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(manager, feed_fork::Entity, false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("feed_fork")).to_owned()).await
    }
}

/// What replicas on one PostgreSQL database coordinate through (`store::shared`): the
/// change notices they pass each other and the leases of federation pull tasks. SQLite
/// serves one process and gets neither.
struct Replicas;

impl MigrationName for Replicas {
    fn name(&self) -> &str {
        "m0003_replicas"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Replicas {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE IF NOT EXISTS change_log (\
               id BIGSERIAL PRIMARY KEY, replica TEXT NOT NULL, at_ms BIGINT NOT NULL, body TEXT NOT NULL)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TABLE IF NOT EXISTS sync_lease (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until_ms BIGINT NOT NULL)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE IF EXISTS sync_lease").await?;
        db.execute_unprepared("DROP TABLE IF EXISTS change_log").await?;
        Ok(())
    }
}

/// Revoked bearer tokens, read on every authenticated request (by primary key).
struct RevokedTokens;

impl MigrationName for RevokedTokens {
    fn name(&self) -> &str {
        "m0004_revoked_token"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for RevokedTokens {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(manager, revoked_token::Entity, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("revoked_token")).to_owned()).await
    }
}
