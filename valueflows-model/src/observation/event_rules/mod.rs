//! The rules an economic event must pass to be recorded, driven by its action's
//! effects. Each rule lives in its own file next to its tests.

mod correction;
mod new_resource;
mod process_links;
mod quantities;
mod resources;
mod texts;
mod times;
mod units;

#[cfg(test)]
mod fixtures;

use crate::ids::{EventId, ResourceId};
use crate::observation::economic_event::{EconomicEvent, NewEconomicEvent};
use crate::observation::economic_resource::NewEconomicResource;
use crate::observation::event_context::{EventContext, Recorded};
use crate::observation::event_error::EventError;

impl EconomicEvent {
    /// Checks `new` against its action's rules; id(s) come from the caller.
    ///
    /// `new_resource` is a resource the event creates: it becomes the
    /// `resourceInventoriedAs` when the action's `createResource` is `optional`, the
    /// `toResourceInventoriedAs` when it is `optionalTo`. `ctx` holds the stored
    /// records the event names. The rules, in the order they are checked:
    ///
    /// 1. time: `hasPointInTime`, or `hasBeginning` and/or `hasEnd` (not both kinds);
    ///    `hasBeginning <= hasEnd`;
    /// 2. texts within limits (`note`, `agreedIn`, `state`, `resourceClassifiedAs`);
    /// 3. quantities as the action's `eventQuantity` says, each with a unit, none
    ///    negative unless the event `corrects` another;
    /// 4. `inputOf` / `outputOf` as the action's `inputOutput` says;
    /// 5. the new resource goes where `createResource` says (conformsTo falls back both ways);
    /// 6. a correction names an existing original event with the same action and resources;
    /// 7. resources: present where the action changes a quantity, existing in `ctx`,
    ///    absent on `work`;
    /// 8. the event's unit equals the unit of every resource quantity it changes.
    pub fn record(
        new: NewEconomicEvent,
        id: EventId,
        new_resource: Option<(ResourceId, NewEconomicResource)>,
        ctx: &EventContext,
    ) -> Result<Recorded, EventError> {
        let effects = new.action.effects();
        let mut event = new.into_event(id);
        times::check(&event)?;
        texts::check(&event)?;
        quantities::check(&event, &effects)?;
        process_links::check(&event, &effects)?;
        let created = new_resource::place(&mut event, &effects, new_resource, ctx)?;
        correction::check(&event, ctx)?;
        resources::check(&event, &effects, ctx, created.as_ref().map(|r| r.id))?;
        units::check(&event, &effects, ctx)?;
        Ok(Recorded { event, created_resource: created })
    }
}
