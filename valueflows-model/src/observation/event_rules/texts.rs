//! Rule: an event's free texts are within the length limits and its labels are not blank.

use crate::observation::economic_event::EconomicEvent;
use crate::observation::event_error::EventError;
use crate::validation::{check_opt_name, check_opt_reference, check_opt_text, check_references};

pub(super) fn check(event: &EconomicEvent) -> Result<(), EventError> {
    check_opt_text("note", event.note.as_deref())
        .and_then(|()| check_opt_reference("agreedIn", event.agreed_in.as_deref()))
        .and_then(|()| check_opt_name("state", event.state.as_deref()))
        .and_then(|()| check_references("resourceClassifiedAs", &event.resource_classified_as))
        .map_err(EventError::InvalidField)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;

    #[test]
    fn blank_state_is_rejected() {
        let mut e = work_event();
        e.state = Some("  ".into());
        assert_eq!(record(e).map_err(|e| e.field()), Err(Some("state")));
    }

    #[test]
    fn oversized_note_is_rejected() {
        let mut e = work_event();
        e.note = Some("n".repeat(crate::validation::MAX_TEXT_CHARS + 1));
        let err = record(e).expect_err("too long");
        assert_eq!((err.code(), err.field()), ("VALIDATION", Some("note")));
    }
}
