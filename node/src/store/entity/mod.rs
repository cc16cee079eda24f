//! sea-orm entities: the row form of everything the node stores.

pub mod feed_fork;
pub mod node_meta;
pub mod op;
pub mod record;
pub mod record_index;
pub mod record_revision;
pub mod resource_state;
pub mod revoked_token;
