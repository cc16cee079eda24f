//! The current revision of every record, whatever its kind: the body is the record's
//! ValueFlows JSON, exactly as its op carried it.

use sea_orm::entity::prelude::*;

/// One record's current revision.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record")]
pub struct Model {
    /// The record's id (UUIDv7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The record kind (`EconomicEvent`, `Person`, ...).
    pub kind: String,
    /// The id of the current revision.
    pub revision_id: Uuid,
    /// The DID of the feed that owns this record.
    pub origin: String,
    /// The record's JSON body.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// When the first revision was written (RFC 3339).
    pub created_at: String,
    /// When the current revision was written (RFC 3339).
    pub updated_at: String,
    /// The agent that wrote the current revision.
    pub author: Option<Uuid>,
    /// Retracted records stay as evidence but are no longer served.
    pub deleted: bool,
}

/// No foreign-key relations: references live in `record_index`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
