//! Agents (people and organizations) and the relationships between them.

#[allow(clippy::module_inception)]
pub mod agent;
pub mod relationship;

pub use agent::{Agent, AgentKind};
pub use relationship::{AgentRelationship, AgentRelationshipRole};
