//! A proposal: published requests or offers, sometimes with what is expected in return.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ProposalId, ProposalListId, SpatialThingId};
use crate::proposal::purpose::ProposalPurpose;
use crate::time::Timestamp;
use crate::validation::{RecordError, check_interval, check_opt_name, check_opt_text};

/// Published requests or offers (vf-graphql `Proposal`). Its intents are linked by
/// [`ProposedIntent`](crate::ProposedIntent)s, its audience by
/// [`ProposedTo`](crate::ProposedTo)s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proposal {
    /// Its id.
    pub id: ProposalId,
    /// An informal or formal textual identifier; does not imply uniqueness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When publication begins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_beginning: Option<Timestamp>,
    /// When publication ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_end: Option<Timestamp>,
    /// The quantities are per unit and can be multiplied (price lists, e-commerce).
    #[serde(default)]
    pub unit_based: bool,
    /// When the proposal was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Agents within whose scope the proposal is made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope_of: Vec<AgentId>,
    /// Where the proposal is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_location: Option<SpatialThingId>,
    /// ValueFlows 1.0: offer or request, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<ProposalPurpose>,
    /// ValueFlows 1.0: the proposal lists this proposal is part of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listed_in: Vec<ProposalListId>,
}

impl Proposal {
    /// A name, when given, is not blank; publication does not end before it begins.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_opt_name("name", self.name.as_deref())?;
        check_interval(self.has_beginning, self.has_end)?;
        check_opt_text("note", self.note.as_deref())
    }

    /// True when `now` lies within the publication period (an open end is unbounded).
    pub fn is_active(&self, now: Timestamp) -> bool {
        self.has_beginning.is_none_or(|b| b <= now) && self.has_end.is_none_or(|e| now <= e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Option<Timestamp> {
        Timestamp::parse(s).ok()
    }

    fn proposal() -> Proposal {
        Proposal {
            id: ProposalId::new(uuid::Uuid::nil()),
            name: Some("Bike repair".into()),
            has_beginning: None,
            has_end: None,
            unit_based: false,
            created: None,
            note: None,
            in_scope_of: vec![],
            eligible_location: None,
            purpose: None,
            listed_in: vec![],
        }
    }

    #[test]
    fn publication_ending_before_it_begins_is_rejected() {
        let p = Proposal { has_beginning: ts("2026-05-02"), has_end: ts("2026-05-01"), ..proposal() };
        assert_eq!(p.validate().map_err(|e| e.field()), Err(Some("hasEnd")));
    }

    #[test]
    fn active_means_within_the_publication_period() {
        let now = ts("2026-05-10").expect("date");
        assert!(proposal().is_active(now));
        let p = Proposal { has_beginning: ts("2026-05-01"), has_end: ts("2026-05-31"), ..proposal() };
        assert!(p.is_active(now));
        assert!(!Proposal { has_end: ts("2026-05-09"), ..p.clone() }.is_active(now));
        assert!(!Proposal { has_beginning: ts("2026-05-11"), ..p }.is_active(now));
    }

    #[test]
    fn proposal_serde_round_trips_with_purpose() {
        let p = Proposal { purpose: Some(ProposalPurpose::Offer), unit_based: true, ..proposal() };
        let json = serde_json::to_value(&p).expect("serialize");
        assert_eq!(json["purpose"], "offer");
        assert_eq!(json["unitBased"], true);
        assert_eq!(serde_json::from_value::<Proposal>(json).expect("deserialize"), p);
    }
}
