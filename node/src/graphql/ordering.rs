//! The ordering module: the sort direction vf-graphql declares for ordered lists.

use async_graphql::Enum;

/// A sort direction. Declared by the reference; lists here are ordered by creation (id).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub enum Sort {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}
