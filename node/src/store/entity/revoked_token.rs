//! Revoked bearer tokens, by id (`jti`), kept until the token would have expired anyway.

use sea_orm::entity::prelude::*;

/// One revoked token.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "revoked_token")]
pub struct Model {
    /// The token's id (`jti`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti: String,
    /// The agent the token speaks for, when known.
    pub subject: Option<Uuid>,
    /// When the token expires (canonical RFC 3339); unknown when revoked by id alone.
    pub expires_at: Option<String>,
    /// When it was revoked (canonical RFC 3339).
    pub revoked_at: String,
    /// The agent whose admin token revoked it; None from the command line.
    pub revoked_by: Option<Uuid>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
