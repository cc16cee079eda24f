//! Typed identifiers: one newtype over [`uuid::Uuid`] per kind of record, so an
//! agent id can never be passed where a resource id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The longest slice of rejected text quoted back in an [`IdError`].
const QUOTED_TEXT_MAX: usize = 80;

/// A text that is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} id {text:?}: expected a UUID such as 0190c5d2-7b3e-7a4c-9d1e-2f3a4b5c6d7e")]
pub struct IdError {
    /// Which kind of id was being parsed, e.g. `"agent"`.
    pub kind: &'static str,
    /// The rejected text (cut to 80 characters).
    pub text: String,
}

impl IdError {
    fn new(kind: &'static str, text: &str) -> Self {
        IdError { kind, text: text.chars().take(QUOTED_TEXT_MAX).collect() }
    }
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID.
            pub fn new(u: Uuid) -> Self {
                $name(u)
            }

            /// The UUID inside.
            pub fn uuid(self) -> Uuid {
                self.0
            }

            /// Parses any textual UUID form (hyphenated, simple, braced or urn).
            pub fn parse(s: &str) -> Result<Self, IdError> {
                Uuid::parse_str(s.trim())
                    .map($name)
                    .map_err(|_| IdError::new($kind, s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(s: &str) -> Result<Self, IdError> {
                $name::parse(s)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                $name(u)
            }
        }
    };
}

typed_id!(
    /// Identifies an [`Agent`](crate::Agent) (person or organization).
    AgentId,
    "agent"
);
typed_id!(
    /// Identifies a [`Unit`](crate::Unit) of measure.
    UnitId,
    "unit"
);
typed_id!(
    /// Identifies a [`SpatialThing`](crate::SpatialThing) (a location).
    SpatialThingId,
    "spatial thing"
);
typed_id!(
    /// Identifies a [`ResourceSpecification`](crate::ResourceSpecification).
    ResourceSpecificationId,
    "resource specification"
);
typed_id!(
    /// Identifies a [`ProcessSpecification`](crate::ProcessSpecification).
    ProcessSpecificationId,
    "process specification"
);
typed_id!(
    /// Identifies a [`Process`](crate::Process).
    ProcessId,
    "process"
);
typed_id!(
    /// Identifies an [`EconomicEvent`](crate::EconomicEvent). Expected to be a UUIDv7 so
    /// that ids break ties between events at the same time the same way everywhere.
    EventId,
    "economic event"
);
typed_id!(
    /// Identifies an [`EconomicResource`](crate::EconomicResource).
    ResourceId,
    "economic resource"
);
typed_id!(
    /// Identifies an [`AgentRelationship`](crate::AgentRelationship).
    AgentRelationshipId,
    "agent relationship"
);
typed_id!(
    /// Identifies an [`AgentRelationshipRole`](crate::AgentRelationshipRole).
    AgentRelationshipRoleId,
    "agent relationship role"
);
typed_id!(
    /// Identifies a [`ProductBatch`](crate::ProductBatch).
    ProductBatchId,
    "product batch"
);
typed_id!(
    /// Identifies a [`Commitment`](crate::Commitment).
    CommitmentId,
    "commitment"
);
typed_id!(
    /// Identifies an [`Intent`](crate::Intent).
    IntentId,
    "intent"
);
typed_id!(
    /// Identifies a [`Fulfillment`](crate::Fulfillment).
    FulfillmentId,
    "fulfillment"
);
typed_id!(
    /// Identifies a [`Satisfaction`](crate::Satisfaction).
    SatisfactionId,
    "satisfaction"
);
typed_id!(
    /// Identifies what satisfies an intent: an [`EconomicEvent`](crate::EconomicEvent) or a
    /// [`Commitment`](crate::Commitment) (which of the two is known once the record is looked up).
    SatisfierId,
    "economic event or commitment"
);
typed_id!(
    /// Identifies a [`Plan`](crate::Plan).
    PlanId,
    "plan"
);
typed_id!(
    /// Identifies a [`RecipeProcess`](crate::RecipeProcess).
    RecipeProcessId,
    "recipe process"
);
typed_id!(
    /// Identifies a [`RecipeFlow`](crate::RecipeFlow).
    RecipeFlowId,
    "recipe flow"
);
typed_id!(
    /// Identifies a [`RecipeExchange`](crate::RecipeExchange).
    RecipeExchangeId,
    "recipe exchange"
);
typed_id!(
    /// Identifies a [`Scenario`](crate::Scenario).
    ScenarioId,
    "scenario"
);
typed_id!(
    /// Identifies a [`ScenarioDefinition`](crate::ScenarioDefinition).
    ScenarioDefinitionId,
    "scenario definition"
);
typed_id!(
    /// Identifies an [`Agreement`](crate::Agreement).
    AgreementId,
    "agreement"
);
typed_id!(
    /// Identifies a [`Proposal`](crate::Proposal).
    ProposalId,
    "proposal"
);
typed_id!(
    /// Identifies a [`ProposedIntent`](crate::ProposedIntent).
    ProposedIntentId,
    "proposed intent"
);
typed_id!(
    /// Identifies a [`ProposedTo`](crate::ProposedTo).
    ProposedToId,
    "proposed to"
);
typed_id!(
    /// Identifies a [`ProposalList`](crate::ProposalList).
    ProposalListId,
    "proposal list"
);
typed_id!(
    /// Identifies a [`Claim`](crate::Claim).
    ClaimId,
    "claim"
);
typed_id!(
    /// Identifies a [`Settlement`](crate::Settlement).
    SettlementId,
    "settlement"
);
typed_id!(
    /// Identifies an [`Appreciation`](crate::Appreciation).
    AppreciationId,
    "appreciation"
);
typed_id!(
    /// Identifies one revision of a record (for replication and history).
    RevisionId,
    "revision"
);

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "0190c5d2-7b3e-7a4c-9d1e-2f3a4b5c6d7e";

    #[test]
    fn display_is_hyphenated_lowercase() {
        let id = AgentId::parse("0190C5D27B3E7A4C9D1E2F3A4B5C6D7E").expect("valid");
        assert_eq!(id.to_string(), TEXT);
    }

    #[test]
    fn parse_round_trips_through_display() {
        let id: ResourceId = TEXT.parse().expect("valid");
        assert_eq!(ResourceId::parse(&id.to_string()), Ok(id));
        assert_eq!(ResourceId::new(id.uuid()), id);
    }

    #[test]
    fn bad_text_is_named_in_the_error() {
        let err = EventId::parse("not-a-uuid").expect_err("invalid");
        let msg = err.to_string();
        assert!(msg.contains("\"not-a-uuid\""), "{msg}");
        assert!(msg.contains("economic event"), "{msg}");
    }

    #[test]
    fn long_bad_text_is_cut_in_the_error() {
        let long = "x".repeat(10_000);
        let err = UnitId::parse(&long).expect_err("invalid");
        assert!(err.to_string().len() < 300);
    }

    #[test]
    fn serde_is_a_plain_string() {
        let id = ProcessId::parse(TEXT).expect("valid");
        let json = serde_json::to_string(&id).expect("serialize");
        assert_eq!(json, format!("\"{TEXT}\""));
        let back: ProcessId = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, id);
    }
}
