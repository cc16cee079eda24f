//! Rule: an event carries the quantities its action's `eventQuantity` names and
//! no other; every quantity has a unit and is non-negative unless the event is a
//! correction (the only case the ValueFlows accounting docs allow a negative).
//!
//! The docs say "either only resourceQuantity or only effortQuantity or both make
//! sense", so an `effortQuantity` on a `resource` action is refused, as is a
//! `resourceQuantity` on `work`. `use` (`both`) needs both.

use crate::action::{ActionEffects, EventQuantity};
use crate::measurement::Measure;
use crate::observation::economic_event::EconomicEvent;
use crate::observation::event_error::EventError;

const RESOURCE: &str = "resourceQuantity";
const EFFORT: &str = "effortQuantity";

fn presence(
    event: &EconomicEvent,
    field: &'static str,
    quantity: Option<&Measure>,
    wanted: bool,
    allowed: EventQuantity,
) -> Result<(), EventError> {
    match (wanted, quantity) {
        (true, None) => Err(EventError::MissingQuantity { field, action: event.action }),
        (false, Some(_)) => Err(EventError::QuantityNotAllowed {
            field,
            action: event.action,
            allowed: match allowed {
                EventQuantity::Resource => RESOURCE,
                EventQuantity::Effort => EFFORT,
                EventQuantity::Both => "resourceQuantity and effortQuantity",
            },
        }),
        _ => Ok(()),
    }
}

fn value(event: &EconomicEvent, field: &'static str, quantity: Option<&Measure>) -> Result<(), EventError> {
    let Some(quantity) = quantity else { return Ok(()) };
    if quantity.has_unit.is_none() {
        return Err(EventError::MissingUnit { field });
    }
    if quantity.is_negative() && event.corrects.is_none() {
        return Err(EventError::NegativeQuantity { field, value: quantity.has_numerical_value });
    }
    Ok(())
}

pub(super) fn check(event: &EconomicEvent, effects: &ActionEffects) -> Result<(), EventError> {
    let eq = effects.event_quantity;
    let resource = event.resource_quantity.as_ref();
    let effort = event.effort_quantity.as_ref();
    presence(event, RESOURCE, resource, matches!(eq, EventQuantity::Resource | EventQuantity::Both), eq)?;
    presence(event, EFFORT, effort, matches!(eq, EventQuantity::Effort | EventQuantity::Both), eq)?;
    value(event, RESOURCE, resource)?;
    value(event, EFFORT, effort)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::{Action, EventError};

    #[test]
    fn resource_action_without_resource_quantity_is_rejected() {
        let mut e = event(Action::Cite);
        e.resource_quantity = None;
        assert_eq!(record(e), Err(EventError::MissingQuantity { field: "resourceQuantity", action: Action::Cite }));
    }

    #[test]
    fn effort_quantity_on_resource_action_is_rejected() {
        let mut e = event(Action::Cite);
        e.effort_quantity = Some(qty("1", hour()));
        assert_eq!(record(e).map_err(|e| e.field()), Err(Some("effortQuantity")));
    }

    #[test]
    fn work_needs_effort_quantity() {
        let mut e = work_event();
        e.effort_quantity = None;
        assert_eq!(record(e).map_err(|e| e.field()), Err(Some("effortQuantity")));
    }

    #[test]
    fn resource_quantity_on_work_is_rejected() {
        let mut e = work_event();
        e.resource_quantity = Some(qty("1", kg()));
        let err = record(e).expect_err("not allowed");
        assert!(matches!(err, EventError::QuantityNotAllowed { field: "resourceQuantity", .. }));
    }

    #[test]
    fn use_needs_both_quantities() {
        assert!(record(event(Action::Use)).is_ok());
        let mut e = event(Action::Use);
        e.effort_quantity = None;
        assert_eq!(record(e).map_err(|e| e.field()), Err(Some("effortQuantity")));
        let mut e = event(Action::Use);
        e.resource_quantity = None;
        assert_eq!(record(e).map_err(|e| e.field()), Err(Some("resourceQuantity")));
    }

    #[test]
    fn quantity_without_unit_is_rejected() {
        let mut e = work_event();
        e.effort_quantity = Some(crate::Measure { has_numerical_value: dec("2"), has_unit: None });
        assert_eq!(record(e), Err(EventError::MissingUnit { field: "effortQuantity" }));
    }

    #[test]
    fn negative_quantity_without_corrects_is_rejected() {
        let mut e = work_event();
        e.effort_quantity = Some(qty("-1", hour()));
        let err = record(e).expect_err("negative");
        assert_eq!(err, EventError::NegativeQuantity { field: "effortQuantity", value: dec("-1") });
        assert_eq!(err.code(), "VALIDATION");
    }

    #[test]
    fn zero_quantity_is_accepted() {
        let mut e = work_event();
        e.effort_quantity = Some(qty("0", hour()));
        assert!(record(e).is_ok());
    }
}
