//! Derived state of each economic resource: the fold of its events, never replicated.

use sea_orm::entity::prelude::*;

/// The derived state of one resource, as JSON of `vf::ResourceState` (decimals as strings).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resource_state")]
pub struct Model {
    /// The resource id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub resource_id: Uuid,
    /// `vf::ResourceState` as JSON.
    #[sea_orm(column_type = "Text")]
    pub state: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
