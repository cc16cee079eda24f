//! Evidence of forked feeds: an origin signed two different ops at one seq. The feed is
//! frozen at that seq on this node; the two ops are kept as signed, to be shown and passed on.

use sea_orm::entity::prelude::*;

/// One forked feed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_fork")]
pub struct Model {
    /// The origin whose feed forked.
    #[sea_orm(primary_key, auto_increment = false)]
    pub origin: String,
    /// The first seq at which the branches differ.
    pub seq: i64,
    /// The smaller of the two op ids.
    pub op_a: String,
    /// The larger of the two op ids.
    pub op_b: String,
    /// The op with id `op_a`, as signed.
    #[sea_orm(column_type = "Text")]
    pub body_a: String,
    /// The op with id `op_b`, as signed.
    #[sea_orm(column_type = "Text")]
    pub body_b: String,
    /// Where the evidence came from: the peer whose feed diverged, or that passed the proof on.
    pub source: String,
    /// When this node found it (RFC 3339).
    pub detected_at: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
