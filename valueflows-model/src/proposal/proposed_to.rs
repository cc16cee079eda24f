//! A proposal published to one agent.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ProposalId, ProposedToId};

/// An agent to which a proposal is published (vf-graphql `ProposedTo`). A proposal can
/// be published to many agents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposedTo {
    /// Its id.
    pub id: ProposedToId,
    /// The proposal published.
    pub proposed: ProposalId,
    /// The agent it is published to.
    pub proposed_to: AgentId,
}

impl ProposedTo {
    /// Nothing to check beyond the references, which the store checks.
    pub fn validate(&self) -> Result<(), crate::RecordError> {
        Ok(())
    }
}
