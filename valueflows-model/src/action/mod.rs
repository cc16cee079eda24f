//! The 19 ValueFlows 1.0 actions: what an economic event does, and (through
//! [`Action::effects`]) how it affects processes and economic resources.

pub mod effects;
mod legacy;
mod table;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use effects::{
    AccountableEffect, ActionEffects, ContainedEffect, CreateResource, EventQuantity, InputOutput, LocationEffect,
    QuantityEffect, StageEffect, StateEffect, UnknownEffect,
};

/// The longest slice of rejected text quoted back in an [`UnknownAction`].
const QUOTED_TEXT_MAX: usize = 80;

/// A text that names no ValueFlows 1.0 action. Holds the rejected text (cut to 80 characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action {0:?}: expected a ValueFlows 1.0 action id such as \"produce\" or \"transferCustody\"")]
pub struct UnknownAction(pub String);

/// A ValueFlows 1.0 action.
///
/// Serialized as its 1.0 id (`"transferCustody"`); deserialized through [`Action::parse`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// A resource enters a process for repair, modification or testing; it comes out with `modify`.
    Accept,
    /// A resource is referenced by a process without being used or consumed (a design).
    Cite,
    /// A resource is put into a package or combination resource.
    Combine,
    /// A resource is used up by a process.
    Consume,
    /// A digital resource is copied for the receiver.
    Copy,
    /// A service is produced and delivered at the same time.
    DeliverService,
    /// A transported resource leaves the transport process.
    Dropoff,
    /// A quantity is adjusted down (inventory count, opening balance).
    Lower,
    /// A resource accepted into a process comes out of it, modified.
    Modify,
    /// A resource changes location without changing rights or custody.
    Move,
    /// A transported resource enters the transport process.
    Pickup,
    /// A process creates a resource or adds to a stock.
    Produce,
    /// A quantity is adjusted up (inventory count, opening balance).
    Raise,
    /// A resource is taken out of a package or combination resource.
    Separate,
    /// Rights and custody pass to another agent.
    Transfer,
    /// Rights (without custody) pass to another agent.
    TransferAllRights,
    /// Custody (without rights) passes to another agent.
    TransferCustody,
    /// A resource (equipment, tool) is used by a process but not consumed.
    Use,
    /// Labour applied to a process.
    Work,
}

impl Action {
    /// All 19 actions, in alphabetical order of their ids.
    pub const ALL: [Action; 19] = [
        Action::Accept,
        Action::Cite,
        Action::Combine,
        Action::Consume,
        Action::Copy,
        Action::DeliverService,
        Action::Dropoff,
        Action::Lower,
        Action::Modify,
        Action::Move,
        Action::Pickup,
        Action::Produce,
        Action::Raise,
        Action::Separate,
        Action::Transfer,
        Action::TransferAllRights,
        Action::TransferCustody,
        Action::Use,
        Action::Work,
    ];

    /// The ValueFlows 1.0 id, camelCase: `"transferCustody"`, `"deliverService"`.
    pub fn id(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Cite => "cite",
            Action::Combine => "combine",
            Action::Consume => "consume",
            Action::Copy => "copy",
            Action::DeliverService => "deliverService",
            Action::Dropoff => "dropoff",
            Action::Lower => "lower",
            Action::Modify => "modify",
            Action::Move => "move",
            Action::Pickup => "pickup",
            Action::Produce => "produce",
            Action::Raise => "raise",
            Action::Separate => "separate",
            Action::Transfer => "transfer",
            Action::TransferAllRights => "transferAllRights",
            Action::TransferCustody => "transferCustody",
            Action::Use => "use",
            Action::Work => "work",
        }
    }

    /// The human label: `"transfer custody"`. (The ontology labels `separate` as
    /// "unpack"; this returns "separate" so that label and id agree.)
    pub fn label(self) -> &'static str {
        match self {
            Action::DeliverService => "deliver service",
            Action::TransferAllRights => "transfer all rights",
            Action::TransferCustody => "transfer custody",
            other => other.id(),
        }
    }

    /// Parses an action: the 1.0 camelCase id, a kebab-case alias
    /// (`"transfer-custody"`), the label (`"transfer custody"`), in any ASCII case.
    /// `-`, `_` and spaces are ignored, so `"TRANSFER_CUSTODY"` is accepted too.
    pub fn parse(s: &str) -> Result<Action, UnknownAction> {
        let key: String =
            s.trim().chars().filter(|c| !matches!(c, '-' | '_' | ' ')).map(|c| c.to_ascii_lowercase()).collect();
        Action::ALL
            .into_iter()
            .find(|a| a.id().eq_ignore_ascii_case(&key))
            .ok_or_else(|| UnknownAction(s.chars().take(QUOTED_TEXT_MAX).collect()))
    }

    /// The action's behaviour properties, from the ValueFlows 1.0 ontology.
    pub fn effects(self) -> ActionEffects {
        table::effects(self)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Action {
    type Err = UnknownAction;

    fn from_str(s: &str) -> Result<Action, UnknownAction> {
        Action::parse(s)
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Action::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_parses_back_to_its_action() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.id()), Ok(a));
            assert_eq!(Action::parse(a.label()), Ok(a));
        }
    }

    #[test]
    fn kebab_case_aliases_are_accepted() {
        assert_eq!(Action::parse("transfer-custody"), Ok(Action::TransferCustody));
        assert_eq!(Action::parse("deliver-service"), Ok(Action::DeliverService));
        assert_eq!(Action::parse("transfer-all-rights"), Ok(Action::TransferAllRights));
    }

    #[test]
    fn any_ascii_case_is_accepted() {
        assert_eq!(Action::parse("TransferCustody"), Ok(Action::TransferCustody));
        assert_eq!(Action::parse("transfercustody"), Ok(Action::TransferCustody));
        assert_eq!(Action::parse("PRODUCE"), Ok(Action::Produce));
    }

    #[test]
    fn unknown_action_is_rejected_naming_the_value() {
        let err = Action::parse("teleport").expect_err("unknown");
        assert_eq!(err, UnknownAction("teleport".into()));
        assert!(err.to_string().contains("\"teleport\""));
        let huge = "z".repeat(100_000);
        assert!(Action::parse(&huge).expect_err("unknown").to_string().len() < 300);
    }

    #[test]
    fn empty_text_is_not_an_action() {
        assert!(Action::parse("").is_err());
        assert!(Action::parse("--").is_err());
    }

    #[test]
    fn labels_are_human_words() {
        assert_eq!(Action::TransferCustody.label(), "transfer custody");
        assert_eq!(Action::DeliverService.label(), "deliver service");
        assert_eq!(Action::Produce.label(), "produce");
    }

    #[test]
    fn serde_uses_the_1_0_id() {
        let json = serde_json::to_string(&Action::TransferAllRights).expect("serialize");
        assert_eq!(json, "\"transferAllRights\"");
        let back: Action = serde_json::from_str("\"transfer-all-rights\"").expect("deserialize");
        assert_eq!(back, Action::TransferAllRights);
        assert!(serde_json::from_str::<Action>("\"fly\"").is_err());
    }

    #[test]
    fn ids_are_unique_and_sorted() {
        let ids: Vec<&str> = Action::ALL.iter().map(|a| a.id()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }
}
