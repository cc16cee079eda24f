//! Whether a proposal is an offer or a request.
//!
//! ValueFlows 1.0 gives a proposal an explicit `purpose` (offer or request) and says it
//! "also corresponds to whether the provider or receiver Agent is undefined in the primary
//! published Intent". So the explicit purpose decides when given; otherwise the primary
//! (non-reciprocal) intents do: an offer names who provides and leaves the receiver open
//! (anyone may take it), a request names who receives and leaves the provider open. The
//! reciprocal intents (what is asked in return) are never looked at, and a proposal whose
//! primary intents disagree, or name both sides, is neither.

use serde::{Deserialize, Serialize};

/// The type of a proposal (ValueFlows 1.0 `vf:ProposalPurpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProposalPurpose {
    /// The proposal is an offer.
    Offer,
    /// The proposal is a published request, need or want.
    Request,
}

impl ProposalPurpose {
    /// Its ValueFlows id: `offer` or `request`.
    pub fn id(self) -> &'static str {
        match self {
            ProposalPurpose::Offer => "offer",
            ProposalPurpose::Request => "request",
        }
    }
}

/// Which sides a published intent names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntentSides {
    /// The intent names a provider.
    pub provider: bool,
    /// The intent names a receiver.
    pub receiver: bool,
}

impl IntentSides {
    /// What a lone primary intent with these sides makes its proposal.
    fn purpose(self) -> Option<ProposalPurpose> {
        match (self.provider, self.receiver) {
            (true, false) => Some(ProposalPurpose::Offer),
            (false, true) => Some(ProposalPurpose::Request),
            _ => None,
        }
    }
}

/// The purpose of a proposal: `explicit` when given, else the one all `primary` intents
/// agree on (at least one primary intent is needed). See the module documentation.
pub fn classify(explicit: Option<ProposalPurpose>, primary: &[IntentSides]) -> Option<ProposalPurpose> {
    if explicit.is_some() {
        return explicit;
    }
    let first = primary.first()?.purpose()?;
    primary.iter().all(|s| s.purpose() == Some(first)).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIVE: IntentSides = IntentSides { provider: true, receiver: false };
    const WANT: IntentSides = IntentSides { provider: false, receiver: true };
    const BOTH: IntentSides = IntentSides { provider: true, receiver: true };

    #[test]
    fn primary_intent_with_provider_and_open_receiver_is_an_offer() {
        assert_eq!(classify(None, &[GIVE]), Some(ProposalPurpose::Offer));
        assert_eq!(classify(None, &[GIVE, GIVE]), Some(ProposalPurpose::Offer));
    }

    #[test]
    fn primary_intent_with_receiver_and_open_provider_is_a_request() {
        assert_eq!(classify(None, &[WANT]), Some(ProposalPurpose::Request));
    }

    #[test]
    fn mixed_or_fully_named_or_missing_primary_intents_classify_as_neither() {
        assert_eq!(classify(None, &[GIVE, WANT]), None);
        assert_eq!(classify(None, &[BOTH]), None);
        assert_eq!(classify(None, &[IntentSides::default()]), None);
        assert_eq!(classify(None, &[]), None);
    }

    #[test]
    fn explicit_purpose_wins_over_the_intents() {
        assert_eq!(classify(Some(ProposalPurpose::Request), &[GIVE]), Some(ProposalPurpose::Request));
        assert_eq!(classify(Some(ProposalPurpose::Offer), &[]), Some(ProposalPurpose::Offer));
    }

    #[test]
    fn purpose_serializes_as_its_valueflows_id() {
        assert_eq!(serde_json::to_value(ProposalPurpose::Offer).expect("serialize"), "offer");
        assert_eq!(ProposalPurpose::Request.id(), "request");
    }
}
