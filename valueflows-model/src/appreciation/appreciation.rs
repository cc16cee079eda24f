//! An appreciation: ties an event given as a gift to the event it appreciates.

use serde::{Deserialize, Serialize};

use crate::ids::{AppreciationId, EventId};
use crate::validation::{RecordError, check_opt_text};

/// An economic event given in loose fulfilment of another, without commitments or
/// expectations (vf-graphql `Appreciation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appreciation {
    /// Its id.
    pub id: AppreciationId,
    /// The event this appreciation acknowledges.
    pub appreciation_of: EventId,
    /// The event given as a gift in appreciation.
    pub appreciation_with: EventId,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Appreciation {
    /// An event cannot appreciate itself; the note stays within the limits.
    pub fn validate(&self) -> Result<(), RecordError> {
        if self.appreciation_of == self.appreciation_with {
            return Err(RecordError::SelfReference { field: "appreciationWith" });
        }
        check_opt_text("note", self.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: u128) -> EventId {
        EventId::new(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn event_appreciating_itself_is_rejected() {
        let a = Appreciation {
            id: AppreciationId::new(uuid::Uuid::nil()),
            appreciation_of: event(1),
            appreciation_with: event(1),
            note: None,
        };
        assert_eq!(a.validate().map_err(|e| e.field()), Err(Some("appreciationWith")));
        let ok = Appreciation { appreciation_with: event(2), ..a };
        assert_eq!(ok.validate(), Ok(()));
    }
}
