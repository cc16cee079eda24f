//! Every revision a record ever had, for `revision(revisionId:)` and `meta`.

use sea_orm::entity::prelude::*;

/// One revision of one record.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_revision")]
pub struct Model {
    /// The revision id (UUIDv7, so revisions of a record sort by time).
    #[sea_orm(primary_key, auto_increment = false)]
    pub revision_id: Uuid,
    /// The record this is a revision of.
    pub record_id: Uuid,
    /// The record kind.
    pub kind: String,
    /// The body as of this revision.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// When this revision was written (RFC 3339).
    pub time: String,
    /// The agent that wrote it.
    pub author: Option<Uuid>,
    /// Whether this revision retracted the record.
    pub retracted: bool,
    /// The feed (origin DID) and sequence number of the op that carried it.
    pub origin: String,
    /// Sequence number of the op in its origin's feed.
    pub seq: i64,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
