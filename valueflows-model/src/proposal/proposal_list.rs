//! A proposal list (ValueFlows 1.0): a user-defined grouping of proposals published
//! together, for example a price list.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ProposalListId};
use crate::time::Timestamp;
use crate::validation::{RecordError, check_opt_name, check_opt_text};

/// A grouping of proposals, for publishing as a list (ValueFlows 1.0 `vf:ProposalList`).
/// Proposals name the lists they are in (`Proposal::listed_in`); the list's
/// `proposedTo` agents are its audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposalList {
    /// Its id.
    pub id: ProposalListId,
    /// An informal or formal textual identifier; does not imply uniqueness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When the list was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// The agents the list is published to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposed_to: Vec<AgentId>,
}

impl ProposalList {
    /// A name, when given, is not blank; the note stays within the limits.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_opt_name("name", self.name.as_deref())?;
        check_opt_text("note", self.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_list_name_is_rejected() {
        let l = ProposalList {
            id: ProposalListId::new(uuid::Uuid::nil()),
            name: Some("".into()),
            note: None,
            created: None,
            proposed_to: vec![],
        };
        assert_eq!(l.validate().map_err(|e| e.field()), Err(Some("name")));
        assert_eq!(ProposalList { name: Some("Spring price list".into()), ..l }.validate(), Ok(()));
    }
}
