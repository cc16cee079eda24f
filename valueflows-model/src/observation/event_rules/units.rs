//! Rule: the event's `resourceQuantity` is in the unit of every resource quantity
//! it changes: the `resourceInventoriedAs`'s accounting and onhand quantities
//! when the action changes them, and the `toResourceInventoriedAs`'s likewise.
//! A resource without quantities yet accepts any unit. Resources the action
//! does not count (the tool of `use`, the container of `combine`) are not checked.

use crate::action::ActionEffects;
use crate::ids::{ResourceId, UnitId};
use crate::observation::economic_event::EconomicEvent;
use crate::observation::event_context::{EventContext, ResourceView};
use crate::observation::event_error::EventError;

fn side(view: Option<&ResourceView>, found: UnitId, changes: bool) -> Result<(), EventError> {
    let Some(view) = view.filter(|_| changes) else { return Ok(()) };
    let state = &view.state;
    for quantity in [&state.accounting_quantity, &state.onhand_quantity].into_iter().flatten() {
        if let Some(expected) = quantity.has_unit.filter(|unit| *unit != found) {
            return Err(EventError::UnitMismatch { resource: view.resource.id, expected, found });
        }
    }
    Ok(())
}

/// The loaded view, if it is the resource the event names.
fn named(view: Option<&ResourceView>, id: Option<ResourceId>) -> Option<&ResourceView> {
    view.filter(|v| Some(v.resource.id) == id)
}

pub(super) fn check(event: &EconomicEvent, effects: &ActionEffects, ctx: &EventContext) -> Result<(), EventError> {
    let Some(found) = event.resource_quantity.and_then(|q| q.has_unit) else { return Ok(()) };
    side(named(ctx.resource, event.resource_inventoried_as), found, effects.changes_from_quantity())?;
    side(named(ctx.to_resource, event.to_resource_inventoried_as), found, effects.changes_to_quantity())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::{Action, EventContext, EventError};

    #[test]
    fn unit_mismatch_with_the_resource_is_rejected() {
        let stock = view(R1, Some(("10", pound())));
        let ctx = EventContext { resource: Some(&stock), ..EventContext::default() };
        let err = record_in(event_on(Action::Consume, Some(R1), None), &ctx).expect_err("lb vs kg");
        assert_eq!(err, EventError::UnitMismatch { resource: rid(R1), expected: pound(), found: kg() });
        assert_eq!((err.code(), err.field()), ("VALIDATION", Some("resourceQuantity")));
    }

    #[test]
    fn unit_mismatch_with_the_to_resource_is_rejected() {
        let from = view(R1, Some(("10", kg())));
        let to = view(R2, Some(("10", pound())));
        let ctx = EventContext { resource: Some(&from), to_resource: Some(&to), ..EventContext::default() };
        let err = record_in(event_on(Action::Transfer, Some(R1), Some(R2)), &ctx).expect_err("lb vs kg");
        assert!(matches!(err, EventError::UnitMismatch { resource, .. } if resource == rid(R2)));
    }

    #[test]
    fn resource_without_quantity_accepts_any_unit() {
        let stock = view(R1, None);
        let ctx = EventContext { resource: Some(&stock), ..EventContext::default() };
        assert!(record_in(event_on(Action::Produce, Some(R1), None), &ctx).is_ok());
    }

    #[test]
    fn uncounted_container_of_combine_is_not_unit_checked() {
        let item = view(R1, Some(("1", kg())));
        let bag = view(R2, Some(("1", pound())));
        let ctx = EventContext { resource: Some(&item), to_resource: Some(&bag), ..EventContext::default() };
        assert!(record_in(event_on(Action::Combine, Some(R1), Some(R2)), &ctx).is_ok());
    }
}
