//! Rule: a resource created by the event goes where the action's
//! `createResource` says: the `resourceInventoriedAs` for `optional`, the
//! `toResourceInventoriedAs` for `optionalTo`; other actions cannot create one.
//!
//! The new resource's `conformsTo` falls back to the event's
//! `resourceConformsTo` and the other way round; if both are given they must
//! agree. A to-resource created by a transfer or move that gives neither is of
//! the same specification as the resource it comes from. Its classifications are the event's `resourceClassifiedAs`. Its
//! initial location, unless given, is the event's `toLocation` when the action
//! moves the created resource (`locationEffect` `new`/`updateTo`), and for
//! `new` (produce, copy) the event's `atLocation` when there is no `toLocation`:
//! a new resource is where it was made.

use crate::action::{ActionEffects, CreateResource, LocationEffect};
use crate::ids::ResourceId;
use crate::observation::economic_event::EconomicEvent;
use crate::observation::economic_resource::{EconomicResource, NewEconomicResource};
use crate::observation::event_context::EventContext;
use crate::observation::event_error::EventError;

pub(super) fn place(
    event: &mut EconomicEvent,
    effects: &ActionEffects,
    new_resource: Option<(ResourceId, NewEconomicResource)>,
    ctx: &EventContext,
) -> Result<Option<EconomicResource>, EventError> {
    let Some((id, new)) = new_resource else { return Ok(None) };
    if event.corrects.is_some() {
        return Err(EventError::CorrectionCreatesResource);
    }
    let (field, slot) = match effects.create_resource {
        CreateResource::Optional => ("resourceInventoriedAs", &mut event.resource_inventoried_as),
        CreateResource::OptionalTo => ("toResourceInventoriedAs", &mut event.to_resource_inventoried_as),
        CreateResource::NotApplicable => {
            return Err(EventError::NewResourceNotAllowed { action: event.action });
        }
    };
    match *slot {
        Some(given) if given != id => {
            return Err(EventError::ConflictingResource { field, given, created: id });
        }
        _ => *slot = Some(id),
    }
    let conforms_to = match (event.resource_conforms_to, new.conforms_to) {
        (Some(event), Some(resource)) if event != resource => {
            return Err(EventError::ConformsToMismatch { event, resource });
        }
        (from_event, from_resource) => from_resource.or(from_event).or_else(|| {
            // A transfer into a new resource moves the same kind of thing.
            (effects.create_resource == CreateResource::OptionalTo)
                .then(|| ctx.resource.and_then(|v| v.resource.conforms_to))
                .flatten()
        }),
    };
    event.resource_conforms_to = conforms_to;
    let moved_to = match effects.location_effect {
        LocationEffect::New => event.to_location.or(event.at_location),
        LocationEffect::UpdateTo => event.to_location,
        LocationEffect::Update | LocationEffect::NotApplicable => None,
    };
    let resource = EconomicResource {
        id,
        name: new.name,
        tracking_identifier: new.tracking_identifier,
        image: new.image,
        image_list: new.image_list,
        classified_as: event.resource_classified_as.clone(),
        conforms_to,
        note: new.note,
        unit_of_effort: None,
        contained_in: new.contained_in,
        current_location: new.current_location.or(moved_to),
        lot: new.lot,
    };
    resource.validate().map_err(EventError::InvalidNewResource)?;
    Ok(Some(resource))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::ids::{ResourceSpecificationId, SpatialThingId};
    use crate::{Action, EventContext, EventError, NewEconomicResource};

    fn spec(n: u128) -> Option<ResourceSpecificationId> {
        Some(id(n))
    }

    fn place(n: u128) -> Option<SpatialThingId> {
        Some(id(n))
    }

    #[test]
    fn produce_creates_the_resource_inventoried_as() {
        let rec = record_creating(event(Action::Produce), NewEconomicResource::default(), &EventContext::default())
            .expect("valid");
        assert_eq!(rec.event.resource_inventoried_as, Some(rid(NEW)));
        assert_eq!(rec.created_resource.map(|r| r.id), Some(rid(NEW)));
    }

    #[test]
    fn transfer_creates_the_to_resource() {
        let from = view(R1, Some(("10", kg())));
        let ctx = EventContext { resource: Some(&from), ..EventContext::default() };
        let rec = record_creating(event_on(Action::Transfer, Some(R1), None), NewEconomicResource::default(), &ctx)
            .expect("valid");
        assert_eq!(rec.event.to_resource_inventoried_as, Some(rid(NEW)));
        assert_eq!(rec.event.resource_inventoried_as, Some(rid(R1)));
    }

    #[test]
    fn copy_may_create_a_resource_without_a_source() {
        let rec = record_creating(event(Action::Copy), NewEconomicResource::default(), &EventContext::default())
            .expect("valid");
        assert_eq!(rec.event.to_resource_inventoried_as, Some(rid(NEW)));
        assert_eq!(rec.event.resource_inventoried_as, None);
    }

    #[test]
    fn action_that_cannot_create_a_resource_rejects_a_new_one() {
        let err = record_creating(event(Action::Consume), NewEconomicResource::default(), &EventContext::default())
            .expect_err("consume creates nothing");
        assert_eq!(err, EventError::NewResourceNotAllowed { action: Action::Consume });
        assert_eq!(err.field(), Some("newInventoriedResource"));
    }

    #[test]
    fn new_resource_cannot_replace_a_named_one() {
        let e = event_on(Action::Produce, Some(R1), None);
        let err = record_creating(e, NewEconomicResource::default(), &EventContext::default()).expect_err("conflict");
        assert_eq!(err.field(), Some("resourceInventoriedAs"));
    }

    #[test]
    fn conforms_to_falls_back_both_ways() {
        let mut e = event(Action::Produce);
        e.resource_conforms_to = spec(1);
        let rec = record_creating(e, NewEconomicResource::default(), &EventContext::default()).expect("valid");
        assert_eq!(rec.created_resource.and_then(|r| r.conforms_to), spec(1));

        let new = NewEconomicResource { conforms_to: spec(2), ..NewEconomicResource::default() };
        let rec = record_creating(event(Action::Produce), new, &EventContext::default()).expect("valid");
        assert_eq!(rec.event.resource_conforms_to, spec(2));
    }

    #[test]
    fn conflicting_conforms_to_is_rejected() {
        let mut e = event(Action::Produce);
        e.resource_conforms_to = spec(1);
        let new = NewEconomicResource { conforms_to: spec(2), ..NewEconomicResource::default() };
        let err = record_creating(e, new, &EventContext::default()).expect_err("mismatch");
        assert_eq!(err.field(), Some("resourceConformsTo"));
    }

    #[test]
    fn produced_resource_is_where_it_was_made() {
        let mut e = event(Action::Produce);
        e.at_location = place(1);
        let rec = record_creating(e.clone(), NewEconomicResource::default(), &EventContext::default()).expect("valid");
        assert_eq!(rec.created_resource.and_then(|r| r.current_location), place(1));

        e.to_location = place(2);
        let rec = record_creating(e.clone(), NewEconomicResource::default(), &EventContext::default()).expect("valid");
        assert_eq!(rec.created_resource.and_then(|r| r.current_location), place(2));

        let given = NewEconomicResource { current_location: place(3), ..NewEconomicResource::default() };
        let rec = record_creating(e, given, &EventContext::default()).expect("valid");
        assert_eq!(rec.created_resource.and_then(|r| r.current_location), place(3));
    }

    #[test]
    fn new_resource_takes_the_event_classifications() {
        let mut e = event(Action::Raise);
        e.resource_classified_as = vec!["https://example.org/grain".into()];
        let rec = record_creating(e, NewEconomicResource::default(), &EventContext::default()).expect("valid");
        assert_eq!(rec.created_resource.map(|r| r.classified_as), Some(vec!["https://example.org/grain".to_owned()]));
    }

    #[test]
    fn blank_new_resource_name_is_rejected() {
        let new = NewEconomicResource { name: Some(" ".into()), ..NewEconomicResource::default() };
        let err = record_creating(event(Action::Produce), new, &EventContext::default()).expect_err("blank");
        assert_eq!((err.code(), err.field()), ("VALIDATION", Some("name")));
    }
}
