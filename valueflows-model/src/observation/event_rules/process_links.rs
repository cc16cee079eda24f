//! Rule: `inputOf` / `outputOf` follow the action's `inputOutput`: an `input`
//! action cannot be an output, an `output` action cannot be an input, a
//! `notApplicable` action is neither, and `outputInput` (deliverService) may be
//! the output of one process and the input of another.

use crate::action::{ActionEffects, InputOutput};
use crate::observation::economic_event::EconomicEvent;
use crate::observation::event_error::EventError;

pub(super) fn check(event: &EconomicEvent, effects: &ActionEffects) -> Result<(), EventError> {
    let io = effects.input_output;
    let refuse = |field| EventError::ProcessNotAllowed { field, action: event.action, input_output: io.as_str() };
    let input_allowed = matches!(io, InputOutput::Input | InputOutput::OutputInput);
    let output_allowed = matches!(io, InputOutput::Output | InputOutput::OutputInput);
    if event.input_of.is_some() && !input_allowed {
        return Err(refuse("inputOf"));
    }
    if event.output_of.is_some() && !output_allowed {
        return Err(refuse("outputOf"));
    }
    if event.input_of.is_some() && event.input_of == event.output_of {
        return Err(EventError::SameProcess);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::ids::ProcessId;
    use crate::{Action, EventError};

    fn process(n: u128) -> Option<ProcessId> {
        Some(id(n))
    }

    #[test]
    fn input_action_cannot_be_output_of_a_process() {
        let mut e = work_event();
        e.output_of = process(1);
        let err = record(e).expect_err("work is input");
        assert!(matches!(err, EventError::ProcessNotAllowed { field: "outputOf", .. }));
        let mut e = work_event();
        e.input_of = process(1);
        assert!(record(e).is_ok());
    }

    #[test]
    fn output_action_cannot_be_input_of_a_process() {
        let mut e = event(Action::DeliverService);
        e.input_of = process(1);
        assert!(record(e).is_ok());
        let mut e = event(Action::Produce);
        e.input_of = process(1);
        let ctx_err = record(e).expect_err("produce is output");
        assert_eq!(ctx_err.field(), Some("inputOf"));
    }

    #[test]
    fn not_applicable_action_has_no_process() {
        for field in ["inputOf", "outputOf"] {
            let mut e = event_on(Action::Transfer, Some(R1), Some(R2));
            if field == "inputOf" {
                e.input_of = process(1);
            } else {
                e.output_of = process(1);
            }
            assert_eq!(record(e).map_err(|e| e.field()), Err(Some(field)));
        }
    }

    #[test]
    fn deliver_service_may_be_output_of_one_process_and_input_of_another() {
        let mut e = event(Action::DeliverService);
        e.output_of = process(1);
        e.input_of = process(2);
        assert!(record(e).is_ok());
    }

    #[test]
    fn deliver_service_cannot_be_input_and_output_of_the_same_process() {
        let mut e = event(Action::DeliverService);
        e.output_of = process(1);
        e.input_of = process(1);
        assert_eq!(record(e), Err(EventError::SameProcess));
    }
}
