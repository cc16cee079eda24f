//! The op log: every signed op this node holds, its own feed and (later) its peers'.

use sea_orm::entity::prelude::*;

/// One signed op of one origin's feed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "op")]
pub struct Model {
    /// The origin's DID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub origin: String,
    /// Position in the origin's feed, from 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    /// sha256 of the canonical unsigned op, lowercase hex.
    #[sea_orm(unique)]
    pub op_id: String,
    /// The previous op's id (None for seq 1).
    pub prev: Option<String>,
    /// The op's canonical JSON, proof included.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// When this node stored it (RFC 3339).
    pub stored_at: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
