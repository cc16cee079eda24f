//! The lookup index over record bodies: references (`provider` -> agent id), terms
//! (`action` -> `produce`) and times, so filters and inverse relations are one indexed query.

use sea_orm::entity::prelude::*;

/// One `(record, field, value)` fact.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_index")]
pub struct Model {
    /// The record the fact is about.
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_id: Uuid,
    /// The field, in GraphQL spelling (`provider`, `inputOf`, `state.currentLocation`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub field: String,
    /// The value: an id in hyphenated form, a term, or a canonical RFC 3339 time.
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
