//! A proposed intent: one intent published in one proposal, as a primary or a
//! reciprocal intent.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{ProposalId, ProposedIntentId};

/// Links an intent to a proposal that publishes it (vf-graphql `ProposedIntent`). An
/// intent can be in many proposals and a proposal can publish many intents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposedIntent {
    /// Its id.
    pub id: ProposedIntentId,
    /// The proposal the intent is published in.
    pub published_in: ProposalId,
    /// The id of the intent published (an `Intent` record of the planning module).
    pub publishes: Uuid,
    /// A reciprocal intent (what is expected in return), not a primary one; reciprocal
    /// intents are not meant for intent matching.
    #[serde(default)]
    pub reciprocal: bool,
}

impl ProposedIntent {
    /// Nothing to check beyond the references, which the store checks.
    pub fn validate(&self) -> Result<(), crate::RecordError> {
        Ok(())
    }
}
