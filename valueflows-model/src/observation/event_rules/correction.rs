//! Rule: a correcting event (`corrects`) names an existing original event and has
//! its action and resources; its quantities are signed amounts added to the
//! original's (see quantities.rs for the sign rule).
//!
//! Corrections of corrections are refused: the ValueFlows accounting docs link a
//! correction "to the original event", so a wrong correction is fixed by another
//! correction of the same original, which keeps the corrected total a plain sum.

use crate::observation::economic_event::EconomicEvent;
use crate::observation::event_context::EventContext;
use crate::observation::event_error::EventError;

pub(super) fn check(event: &EconomicEvent, ctx: &EventContext) -> Result<(), EventError> {
    let Some(id) = event.corrects else { return Ok(()) };
    let original = ctx
        .corrected
        .filter(|original| original.id == id && original.id != event.id)
        .ok_or(EventError::CorrectedEventNotFound { id })?;
    if original.corrects.is_some() {
        return Err(EventError::CorrectionOfCorrection { id });
    }
    if original.action != event.action {
        return Err(EventError::CorrectionActionMismatch { expected: original.action, found: event.action });
    }
    if original.resource_inventoried_as != event.resource_inventoried_as {
        return Err(EventError::CorrectionResourceMismatch { field: "resourceInventoriedAs" });
    }
    if original.to_resource_inventoried_as != event.to_resource_inventoried_as {
        return Err(EventError::CorrectionResourceMismatch { field: "toResourceInventoriedAs" });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::ids::EventId;
    use crate::{Action, EconomicEvent, EventContext, EventError, NewEconomicResource};

    const ORIGINAL: u128 = 500;

    fn original(action: Action) -> EconomicEvent {
        event_on(action, Some(R1), None).into_event(id(ORIGINAL))
    }

    fn correction(action: Action, amount: &str) -> crate::NewEconomicEvent {
        let mut e = event_on(action, Some(R1), None);
        e.corrects = Some(id(ORIGINAL));
        e.resource_quantity = Some(qty(amount, kg()));
        e
    }

    #[test]
    fn negative_quantity_is_accepted_on_a_correction() {
        let stock = view(R1, Some(("10", kg())));
        let orig = original(Action::Consume);
        let ctx = EventContext { resource: Some(&stock), corrected: Some(&orig), ..EventContext::default() };
        let rec = record_in(correction(Action::Consume, "-3"), &ctx).expect("valid correction");
        assert_eq!(rec.event.corrects, Some(id(ORIGINAL)));
    }

    #[test]
    fn correction_must_share_the_action() {
        let stock = view(R1, Some(("10", kg())));
        let orig = original(Action::Consume);
        let ctx = EventContext { resource: Some(&stock), corrected: Some(&orig), ..EventContext::default() };
        let err = record_in(correction(Action::Lower, "-3"), &ctx).expect_err("other action");
        assert_eq!(err, EventError::CorrectionActionMismatch { expected: Action::Consume, found: Action::Lower });
        assert_eq!(err.field(), Some("action"));
    }

    #[test]
    fn correction_must_share_the_resources() {
        let stock = view(R2, Some(("10", kg())));
        let orig = original(Action::Consume);
        let ctx = EventContext { resource: Some(&stock), corrected: Some(&orig), ..EventContext::default() };
        let mut e = correction(Action::Consume, "1");
        e.resource_inventoried_as = Some(rid(R2));
        assert_eq!(record_in(e, &ctx).map_err(|e| e.field()), Err(Some("resourceInventoriedAs")));
    }

    #[test]
    fn missing_corrected_event_is_not_found() {
        let stock = view(R1, Some(("10", kg())));
        let ctx = EventContext { resource: Some(&stock), ..EventContext::default() };
        let err = record_in(correction(Action::Consume, "-3"), &ctx).expect_err("not found");
        assert_eq!((err.code(), err.field()), ("NOT_FOUND", Some("corrects")));
    }

    #[test]
    fn correction_of_a_correction_is_rejected() {
        let stock = view(R1, Some(("10", kg())));
        let mut first = original(Action::Consume);
        first.corrects = Some(EventId::new(uuid::Uuid::from_u128(1)));
        let ctx = EventContext { resource: Some(&stock), corrected: Some(&first), ..EventContext::default() };
        let err = record_in(correction(Action::Consume, "-1"), &ctx).expect_err("chain");
        assert_eq!(err, EventError::CorrectionOfCorrection { id: id(ORIGINAL) });
    }

    #[test]
    fn correction_cannot_create_a_resource() {
        let mut e = event(Action::Produce);
        e.corrects = Some(id(ORIGINAL));
        let err = record_creating(e, NewEconomicResource::default(), &EventContext::default()).expect_err("creates");
        assert_eq!(err, EventError::CorrectionCreatesResource);
    }

    #[test]
    fn effort_correction_may_be_negative() {
        let orig = work_event().into_event(id(ORIGINAL));
        let ctx = EventContext { corrected: Some(&orig), ..EventContext::default() };
        let mut e = work_event();
        e.corrects = Some(id(ORIGINAL));
        e.effort_quantity = Some(qty("-1", hour()));
        assert!(record_in(e, &ctx).is_ok());
    }
}
