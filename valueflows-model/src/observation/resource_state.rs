//! The fold: a resource's economic state (quantities, location, accountable
//! agent, container, stage, state) derived from its events. Pure and
//! deterministic; applying events in any order gives the same state.
//!
//! Effects follow the ValueFlows 1.0 action table (see `docs/concepts/actions.md`):
//!
//! * quantities: `increment`/`decrement` act on the `resourceInventoriedAs`,
//!   `decrementIncrement` decrements it and increments the
//!   `toResourceInventoriedAs`, `incrementTo` increments the to-resource only.
//!   Corrections apply the same effects with their signed quantity.
//! * `locationEffect`: `update` / `updateTo` set the `currentLocation` of the
//!   resource / to-resource to the event's `toLocation`, when it has one (the
//!   docs: "if the economic event's toLocation exists"). `new` applies only to a
//!   resource the event creates, which gets its location at creation (see
//!   [`EconomicEvent::record`](crate::EconomicEvent::record)); the fold leaves it alone.
//! * `containedEffect`: `update` (combine) sets the resource's `containedIn` to the
//!   event's `toResourceInventoriedAs` when given; `remove` (separate) clears it.
//!   `updateTo` is used by no 1.0 action and has no effect.
//! * `accountableEffect`: the receiver becomes `primaryAccountable` of the
//!   to-resource (`updateTo`), or for `new` of the resource on the side the action
//!   creates on (`resourceInventoriedAs` for produce/raise/lower, the to-resource
//!   for copy). The docs say the receiver and accountable agent of an existing
//!   resource "should already match", so this also applies to existing resources.
//! * `stageEffect` `update`: the stage becomes the process specification of the
//!   process the event is output of, when that process has one.
//! * `stateEffect`: the event's `state`, when given, on the resource (`update`) or
//!   to-resource (`updateTo`).
//!
//! Non-sum fields are last-writer-wins by [`EventOrder`] (see
//! [`WriteOrders`]); sums are kept per unit (see [`QuantityTally`]).
//! Implied transfers (different provider and receiver on e.g. `pickup`) are not applied.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::action::{
    AccountableEffect, Action, ContainedEffect, CreateResource, LocationEffect, QuantityEffect, StageEffect,
    StateEffect,
};
use crate::ids::{AgentId, EventId, ProcessId, ProcessSpecificationId, ResourceId, SpatialThingId};
use crate::measurement::Measure;
use crate::observation::anomaly::{Anomaly, QuantityKind};
use crate::observation::economic_event::EconomicEvent;
use crate::observation::economic_resource::EconomicResource;
use crate::observation::event_order::EventOrder;
use crate::observation::quantity_tally::QuantityTally;
use crate::observation::write_orders::{WriteOrders, write_if_later};

/// A resource's economic state, derived from its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceState {
    /// The resource.
    pub resource: ResourceId,
    /// Quantity the primary accountable agent has rights to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounting_quantity: Option<Measure>,
    /// Quantity in custody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onhand_quantity: Option<Measure>,
    /// Where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_location: Option<SpatialThingId>,
    /// The agent with primary rights and responsibilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_accountable: Option<AgentId>,
    /// The resource it is packed or combined into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contained_in: Option<ResourceId>,
    /// The process specification of the last process it was output of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<ProcessSpecificationId>,
    /// Its state on output of its last process, e.g. "pass".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Oddities found (negative quantities, mixed units, overflow), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anomalies: Vec<Anomaly>,
    /// Events naming this resource that do not count yet, sorted: they come from another
    /// origin than the resource's home, which has not acknowledged them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<EventId>,
    /// The latest event (canonical order) naming this resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event: Option<EventOrder>,
    /// Bookkeeping behind `accounting_quantity`.
    #[serde(default)]
    pub accounting: QuantityTally,
    /// Bookkeeping behind `onhand_quantity`.
    #[serde(default)]
    pub onhand: QuantityTally,
    /// Bookkeeping behind the non-sum fields.
    #[serde(default)]
    pub written: WriteOrders,
}

impl ResourceState {
    /// The state before any event: no quantities; location and container are the
    /// resource's initial values.
    pub fn new(resource: &EconomicResource) -> ResourceState {
        ResourceState {
            resource: resource.id,
            accounting_quantity: None,
            onhand_quantity: None,
            current_location: resource.current_location,
            primary_accountable: None,
            contained_in: resource.contained_in,
            stage: None,
            state: None,
            anomalies: Vec::new(),
            pending: Vec::new(),
            last_event: None,
            accounting: QuantityTally::default(),
            onhand: QuantityTally::default(),
            written: WriteOrders::default(),
        }
    }

    /// Applies one event's effects on this resource (as the event's resourceInventoriedAs
    /// and/or toResourceInventoriedAs; an event that names neither is a no-op).
    /// `stage_of` maps a process to its `basedOn` process specification (for stageEffect:
    /// the stage is the spec of the process the event is an output of).
    ///
    /// Applying the same event twice counts its quantities twice: deduplicate first
    /// (as [`fold`] does).
    pub fn apply(&mut self, event: &EconomicEvent, stage_of: &dyn Fn(ProcessId) -> Option<ProcessSpecificationId>) {
        if self.apply_effects(event, stage_of) {
            self.refresh();
        }
    }

    /// Notes an event naming this resource that must not change it yet (it awaits the
    /// acknowledgement of the resource's home). An event that names neither side is a
    /// no-op; noting the same event twice keeps it once.
    pub fn pend(&mut self, event: &EconomicEvent) {
        if event.names_resource(self.resource)
            && let Err(at) = self.pending.binary_search(&event.id)
        {
            self.pending.insert(at, event.id);
        }
    }

    /// Applies the effects without refreshing the derived fields; true if the event names this resource.
    fn apply_effects(
        &mut self,
        event: &EconomicEvent,
        stage_of: &dyn Fn(ProcessId) -> Option<ProcessSpecificationId>,
    ) -> bool {
        let from = event.resource_inventoried_as == Some(self.resource);
        let to = event.to_resource_inventoried_as == Some(self.resource);
        if !from && !to {
            return false;
        }
        let order = event.order_key();
        self.last_event = self.last_event.max(Some(order));
        let effects = event.action.effects();
        if let Some(quantity) = event.resource_quantity {
            apply_quantity(&mut self.accounting, effects.accounting_effect, quantity, order, from, to);
            apply_quantity(&mut self.onhand, effects.onhand_effect, quantity, order, from, to);
            if from && quantity.has_numerical_value.is_sign_positive() && !quantity.has_numerical_value.is_zero() {
                let (rights, custody) = match event.action {
                    Action::Transfer => (true, true),
                    Action::TransferAllRights => (true, false),
                    Action::TransferCustody => (false, true),
                    _ => (false, false),
                };
                if rights {
                    self.accounting.transferred_out(order);
                }
                if custody {
                    self.onhand.transferred_out(order);
                }
            }
        }
        let located = match effects.location_effect {
            LocationEffect::Update => from,
            LocationEffect::UpdateTo => to,
            LocationEffect::New | LocationEffect::NotApplicable => false,
        };
        if let (true, Some(place)) = (located, event.to_location) {
            write_if_later(&mut self.current_location, &mut self.written.current_location, Some(place), order);
        }
        match effects.contained_effect {
            ContainedEffect::Update if from => {
                if let Some(container) = event.to_resource_inventoried_as {
                    write_if_later(&mut self.contained_in, &mut self.written.contained_in, Some(container), order);
                }
            }
            ContainedEffect::Remove if from => {
                write_if_later(&mut self.contained_in, &mut self.written.contained_in, None, order);
            }
            _ => {}
        }
        let accountable = match effects.accountable_effect {
            AccountableEffect::New => match effects.create_resource {
                CreateResource::OptionalTo => to,
                CreateResource::Optional | CreateResource::NotApplicable => from,
            },
            AccountableEffect::UpdateTo => to,
            AccountableEffect::NotApplicable => false,
        };
        if accountable {
            let receiver = Some(event.receiver);
            write_if_later(&mut self.primary_accountable, &mut self.written.primary_accountable, receiver, order);
        }
        if effects.stage_effect == StageEffect::Update
            && from
            && let Some(spec) = event.output_of.and_then(stage_of)
        {
            write_if_later(&mut self.stage, &mut self.written.stage, Some(spec), order);
        }
        let stated = match effects.state_effect {
            StateEffect::Update => from,
            StateEffect::UpdateTo => to,
            StateEffect::NotApplicable => false,
        };
        if let (true, Some(state)) = (stated, &event.state) {
            write_if_later(&mut self.state, &mut self.written.state, Some(state.clone()), order);
        }
        true
    }

    /// Recomputes quantities and anomalies from the tallies.
    fn refresh(&mut self) {
        self.accounting_quantity = self.accounting.measure();
        self.onhand_quantity = self.onhand.measure();
        let mut anomalies = Vec::new();
        for (kind, tally) in [(QuantityKind::Accounting, &self.accounting), (QuantityKind::Onhand, &self.onhand)] {
            if let Some(primary) = tally.primary().filter(|t| t.sum.is_sign_negative() && !t.sum.is_zero()) {
                let event = primary.last.id;
                anomalies.push(match kind {
                    QuantityKind::Accounting => Anomaly::NegativeAccounting { event },
                    QuantityKind::Onhand => Anomaly::NegativeOnhand { event },
                });
                if let Some(last) = tally.last_transfer_out.filter(|_| tally.transfers_out >= 2) {
                    anomalies.push(Anomaly::DoubleTransfer { quantity: kind, event: last.id });
                }
            }
            let expected = tally.primary().and_then(|t| t.unit);
            for other in tally.mismatched() {
                anomalies.push(Anomaly::UnitMismatch {
                    quantity: kind,
                    event: other.first.id,
                    expected,
                    found: other.unit,
                });
            }
            for &event in &tally.overflows {
                anomalies.push(Anomaly::Overflow { quantity: kind, event });
            }
        }
        anomalies.sort();
        self.anomalies = anomalies;
    }
}

/// Adds the event's signed quantity to one tally as the effect says.
fn apply_quantity(
    tally: &mut QuantityTally,
    effect: QuantityEffect,
    quantity: Measure,
    order: EventOrder,
    from: bool,
    to: bool,
) {
    let value = quantity.has_numerical_value;
    let unit = quantity.has_unit;
    if from {
        match effect {
            QuantityEffect::Increment => tally.add(value, unit, order),
            QuantityEffect::Decrement | QuantityEffect::DecrementIncrement => tally.add(-value, unit, order),
            QuantityEffect::IncrementTo | QuantityEffect::NotApplicable => {}
        }
    }
    if to && matches!(effect, QuantityEffect::DecrementIncrement | QuantityEffect::IncrementTo) {
        tally.add(value, unit, order);
    }
}

/// Folds a set of events into a resource's state: dedupes by event id, sorts by EventOrder, applies. Pure and deterministic.
///
/// Events not naming the resource are skipped. Events sharing an id are taken to
/// be copies of one event; the earliest in canonical order is kept.
pub fn fold(
    resource: &EconomicResource,
    events: &[EconomicEvent],
    stage_of: &dyn Fn(ProcessId) -> Option<ProcessSpecificationId>,
) -> ResourceState {
    let mut relevant: Vec<(EventOrder, &EconomicEvent)> =
        events.iter().filter(|e| e.names_resource(resource.id)).map(|e| (e.order_key(), e)).collect();
    relevant.sort_unstable_by_key(|(order, _)| *order);
    let mut seen = HashSet::with_capacity(relevant.len());
    let mut state = ResourceState::new(resource);
    for (_, event) in relevant {
        if seen.insert(event.id) {
            state.apply_effects(event, stage_of);
        }
    }
    state.refresh();
    state
}

#[cfg(test)]
mod tests;
