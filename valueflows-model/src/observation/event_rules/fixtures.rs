//! Shared builders for the event rule tests.

use std::str::FromStr;

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::action::{Action, EventQuantity};
use crate::ids::{AgentId, EventId, ResourceId, UnitId};
use crate::measurement::Measure;
use crate::observation::{
    EconomicEvent, EconomicResource, EventContext, EventError, NewEconomicEvent, NewEconomicResource, Recorded,
    ResourceState, ResourceView,
};
use crate::time::Timestamp;

pub const R1: u128 = 11;
pub const R2: u128 = 12;
pub const NEW: u128 = 13;
pub const EVENT: u128 = 1000;

pub fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

pub fn rid(n: u128) -> ResourceId {
    id(n)
}

pub fn agent(n: u128) -> AgentId {
    id(n)
}

pub fn kg() -> UnitId {
    id(900)
}

pub fn hour() -> UnitId {
    id(901)
}

pub fn pound() -> UnitId {
    id(902)
}

pub fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("valid time")
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("valid decimal")
}

pub fn qty(s: &str, unit: UnitId) -> Measure {
    Measure::new(dec(s), unit)
}

/// A valid-looking event: agents 1 -> 2, a point in time, 5 kg and/or 2 hours as the
/// action carries them. No resources.
pub fn event(action: Action) -> NewEconomicEvent {
    let mut e = NewEconomicEvent::new(action, agent(1), agent(2));
    e.has_point_in_time = Some(at("2024-05-01T10:00:00Z"));
    let eq = action.effects().event_quantity;
    if matches!(eq, EventQuantity::Resource | EventQuantity::Both) {
        e.resource_quantity = Some(qty("5", kg()));
    }
    if matches!(eq, EventQuantity::Effort | EventQuantity::Both) {
        e.effort_quantity = Some(qty("2", hour()));
    }
    e
}

pub fn work_event() -> NewEconomicEvent {
    event(Action::Work)
}

/// `event(action)` on existing resource(s).
pub fn event_on(action: Action, from: Option<u128>, to: Option<u128>) -> NewEconomicEvent {
    let mut e = event(action);
    e.resource_inventoried_as = from.map(rid);
    e.to_resource_inventoried_as = to.map(rid);
    e
}

pub fn record(new: NewEconomicEvent) -> Result<Recorded, EventError> {
    EconomicEvent::record(new, id(EVENT), None, &EventContext::default())
}

pub fn record_in(new: NewEconomicEvent, ctx: &EventContext) -> Result<Recorded, EventError> {
    EconomicEvent::record(new, id(EVENT), None, ctx)
}

pub fn record_creating(
    new: NewEconomicEvent,
    resource: NewEconomicResource,
    ctx: &EventContext,
) -> Result<Recorded, EventError> {
    EconomicEvent::record(new, id(EVENT), Some((rid(NEW), resource)), ctx)
}

pub fn resource(n: u128) -> EconomicResource {
    EconomicResource {
        id: rid(n),
        name: Some(format!("resource {n}")),
        tracking_identifier: None,
        image: None,
        image_list: vec![],
        classified_as: vec![],
        conforms_to: None,
        note: None,
        unit_of_effort: None,
        contained_in: None,
        current_location: None,
        lot: None,
    }
}

/// A stored resource holding `amount` of `unit` (raised by an earlier event),
/// or no quantity at all.
pub fn view(n: u128, amount: Option<(&str, UnitId)>) -> ResourceView {
    let resource = resource(n);
    let mut state = ResourceState::new(&resource);
    if let Some((value, unit)) = amount {
        let mut raise = event_on(Action::Raise, Some(n), None);
        raise.resource_quantity = Some(qty(value, unit));
        raise.has_point_in_time = Some(at("2024-01-01"));
        let raise: EconomicEvent = raise.into_event(EventId::new(Uuid::from_u128(n + 5000)));
        state.apply(&raise, &|_| None);
    }
    ResourceView { resource, state }
}
