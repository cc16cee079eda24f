//! Rule: an event says what resource flowed, and names only existing resources.
//! ValueFlows applies quantity effects "if there is an inventoried resource": an
//! event about stock nobody inventories (bolts, solder, a sale to an outside
//! buyer) is valid without one. So an action with a quantity effect needs either
//! a resource (`resourceInventoriedAs` or `toResourceInventoriedAs`, existing or
//! created) or a description of the kind of resource (`resourceConformsTo` or
//! `resourceClassifiedAs`); a transfer may name only the side that is
//! inventoried. `work` names no resources. Any named resource that the event does
//! not create must be in the context, else `NOT_FOUND`. `combine` cannot put a
//! resource into itself.

use crate::action::{ActionEffects, ContainedEffect, CreateResource, EventQuantity};
use crate::ids::ResourceId;
use crate::observation::economic_event::EconomicEvent;
use crate::observation::event_context::{EventContext, ResourceView};
use crate::observation::event_error::EventError;

fn side(
    event: &EconomicEvent,
    field: &'static str,
    named: Option<ResourceId>,
    loaded: Option<&ResourceView>,
    created: Option<ResourceId>,
    required: bool,
) -> Result<(), EventError> {
    let Some(id) = named else {
        return if required { Err(EventError::ResourceRequired { field, action: event.action }) } else { Ok(()) };
    };
    if event.action.effects().event_quantity == EventQuantity::Effort {
        return Err(EventError::ResourceNotAllowed { field, action: event.action });
    }
    let exists = Some(id) == created || loaded.is_some_and(|view| view.resource.id == id);
    if !exists {
        return Err(EventError::ResourceNotFound { field, id });
    }
    Ok(())
}

pub(super) fn check(
    event: &EconomicEvent,
    effects: &ActionEffects,
    ctx: &EventContext,
    created: Option<ResourceId>,
) -> Result<(), EventError> {
    let created_on = |slot| created.filter(|_| effects.create_resource == slot);
    let describes_kind = event.resource_conforms_to.is_some() || !event.resource_classified_as.is_empty();
    let names_any = event.resource_inventoried_as.is_some() || event.to_resource_inventoried_as.is_some();
    let needs_one = !describes_kind && !names_any;
    side(
        event,
        "resourceInventoriedAs",
        event.resource_inventoried_as,
        ctx.resource,
        created_on(CreateResource::Optional),
        needs_one && effects.changes_from_quantity(),
    )?;
    side(
        event,
        "toResourceInventoriedAs",
        event.to_resource_inventoried_as,
        ctx.to_resource,
        created_on(CreateResource::OptionalTo),
        needs_one && !effects.changes_from_quantity() && effects.changes_to_quantity(),
    )?;
    if effects.contained_effect == ContainedEffect::Update
        && event.resource_inventoried_as.is_some()
        && event.resource_inventoried_as == event.to_resource_inventoried_as
    {
        return Err(EventError::ContainedInItself);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::{Action, EventContext, EventError};

    #[test]
    fn consume_without_a_resource_is_rejected() {
        let err = record(event(Action::Consume)).expect_err("no resource");
        assert_eq!(err, EventError::ResourceRequired { field: "resourceInventoriedAs", action: Action::Consume });
    }

    #[test]
    fn transfer_may_name_only_the_inventoried_side() {
        let from = view(R1, Some(("10", kg())));
        let ctx = EventContext { resource: Some(&from), ..EventContext::default() };
        assert!(record_in(event_on(Action::Transfer, Some(R1), None), &ctx).is_ok());
        let to = view(R2, None);
        let ctx = EventContext { to_resource: Some(&to), ..EventContext::default() };
        assert!(record_in(event_on(Action::TransferCustody, None, Some(R2)), &ctx).is_ok());
    }

    #[test]
    fn consume_of_uninventoried_stock_needs_its_kind() {
        let mut e = event(Action::Consume);
        e.resource_conforms_to = Some(crate::ResourceSpecificationId::new(uuid::Uuid::from_u128(77)));
        assert!(record(e).is_ok());
        let mut e = event(Action::Consume);
        e.resource_classified_as = vec!["https://example.org/solder".to_owned()];
        assert!(record(e).is_ok());
    }

    #[test]
    fn transfer_naming_nothing_is_rejected() {
        let err = record(event(Action::Transfer)).expect_err("nothing named");
        assert_eq!(err.field(), Some("resourceInventoriedAs"));
    }

    #[test]
    fn named_resource_missing_from_the_context_is_not_found() {
        let err = record(event_on(Action::Consume, Some(R1), None)).expect_err("missing");
        assert_eq!(err, EventError::ResourceNotFound { field: "resourceInventoriedAs", id: rid(R1) });
        assert_eq!(err.code(), "NOT_FOUND");
    }

    #[test]
    fn context_holding_another_resource_is_not_found() {
        let other = view(R2, None);
        let ctx = EventContext { resource: Some(&other), ..EventContext::default() };
        let err = record_in(event_on(Action::Consume, Some(R1), None), &ctx).expect_err("wrong one");
        assert_eq!(err.code(), "NOT_FOUND");
    }

    #[test]
    fn work_must_not_name_resources() {
        let stock = view(R1, None);
        let ctx = EventContext { resource: Some(&stock), ..EventContext::default() };
        let mut e = work_event();
        e.resource_inventoried_as = Some(rid(R1));
        let err = record_in(e, &ctx).expect_err("work names no resource");
        assert_eq!(err, EventError::ResourceNotAllowed { field: "resourceInventoriedAs", action: Action::Work });
    }

    #[test]
    fn use_and_cite_may_name_a_resource_or_none() {
        let tool = view(R1, None);
        let ctx = EventContext { resource: Some(&tool), ..EventContext::default() };
        assert!(record_in(event_on(Action::Use, Some(R1), None), &ctx).is_ok());
        assert!(record(event(Action::Use)).is_ok());
        assert!(record(event(Action::Cite)).is_ok());
    }

    #[test]
    fn combine_into_a_container_is_accepted_but_not_into_itself() {
        let item = view(R1, Some(("1", kg())));
        let bag = view(R2, None);
        let ctx = EventContext { resource: Some(&item), to_resource: Some(&bag), ..EventContext::default() };
        assert!(record_in(event_on(Action::Combine, Some(R1), Some(R2)), &ctx).is_ok());
        let ctx = EventContext { resource: Some(&item), to_resource: Some(&item), ..EventContext::default() };
        let err = record_in(event_on(Action::Combine, Some(R1), Some(R1)), &ctx).expect_err("itself");
        assert_eq!(err, EventError::ContainedInItself);
    }

    #[test]
    fn transfer_between_existing_resources_is_accepted() {
        let from = view(R1, Some(("10", kg())));
        let to = view(R2, Some(("1", kg())));
        let ctx = EventContext { resource: Some(&from), to_resource: Some(&to), ..EventContext::default() };
        let rec = record_in(event_on(Action::Transfer, Some(R1), Some(R2)), &ctx).expect("valid");
        assert_eq!(rec.created_resource, None);
    }
}
