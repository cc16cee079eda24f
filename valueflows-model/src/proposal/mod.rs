//! The proposal module: published offers and requests (proposals), the intents they
//! publish (primary or reciprocal), the agents they are proposed to, and ValueFlows 1.0
//! proposal lists.

#[allow(clippy::module_inception)]
pub mod proposal;
pub mod proposal_list;
pub mod proposed_intent;
pub mod proposed_to;
pub mod purpose;

pub use proposal::Proposal;
pub use proposal_list::ProposalList;
pub use proposed_intent::ProposedIntent;
pub use proposed_to::ProposedTo;
pub use purpose::{IntentSides, ProposalPurpose, classify};
