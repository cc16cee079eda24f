//! Schema migrations, applied at start. Tables come from the entities so the two
//! backends (SQLite, PostgreSQL) get the column types sea-orm maps for each.

use sea_orm::{EntityTrait, Schema};
use sea_orm_migration::prelude::*;

use super::entity::{node_meta, op, record, record_index, record_revision, resource_state};

/// All migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(InitialSchema)]
    }
}

/// The first schema: records, revisions, the lookup index, derived state, the op log.
struct InitialSchema;

impl MigrationName for InitialSchema {
    fn name(&self) -> &str {
        "m0001_initial_schema"
    }
}

async fn create<E: EntityTrait>(manager: &SchemaManager<'_>, entity: E) -> Result<(), DbErr> {
    let schema = Schema::new(manager.get_database_backend());
    let mut stmt = schema.create_table_from_entity(entity);
    manager.create_table(stmt.if_not_exists().to_owned()).await
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
        create(manager, record::Entity).await?;
        create(manager, record_revision::Entity).await?;
        create(manager, record_index::Entity).await?;
        create(manager, resource_state::Entity).await?;
        create(manager, op::Entity).await?;
        create(manager, node_meta::Entity).await?;
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
