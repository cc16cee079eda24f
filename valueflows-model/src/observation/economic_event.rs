//! An economic event: an observed flow of a resource or of effort, from a
//! provider to a receiver. Immutable once recorded; errors are fixed by
//! correcting events.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::ids::{AgentId, AgreementId, EventId, ProcessId, ResourceId, ResourceSpecificationId, SpatialThingId};
use crate::measurement::Measure;
use crate::observation::event_order::EventOrder;
use crate::time::Timestamp;

/// A recorded economic event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EconomicEvent {
    /// Its id (a UUIDv7).
    pub id: EventId,
    /// What the event does.
    pub action: Action,
    /// The agent from whom the resource or effort flows.
    pub provider: AgentId,
    /// The agent to whom the resource or effort flows.
    pub receiver: AgentId,
    /// The resource affected (the "from" resource of transfers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_inventoried_as: Option<ResourceId>,
    /// The "to" resource of transfers, moves and copies; the container of `combine`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_resource_inventoried_as: Option<ResourceId>,
    /// Classifications of the resource, when no resource is inventoried.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_classified_as: Vec<String>,
    /// The kind of resource (or of work, for `work`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_conforms_to: Option<ResourceSpecificationId>,
    /// How much resource flowed; changes resource quantities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Measure>,
    /// How much effort (time, usually) was spent; never changes resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_quantity: Option<Measure>,
    /// When the event began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_beginning: Option<Timestamp>,
    /// When the event ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_end: Option<Timestamp>,
    /// When the (instantaneous) event happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_point_in_time: Option<Timestamp>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Reference to the agreement the event is part of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed_in: Option<String>,
    /// The agreement this event realizes (occurs as part of).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realization_of: Option<AgreementId>,
    /// The event that caused this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggered_by: Option<EventId>,
    /// Where the event happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_location: Option<SpatialThingId>,
    /// The new location of the affected resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_location: Option<SpatialThingId>,
    /// The process this event is an input of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_of: Option<ProcessId>,
    /// The process this event is an output of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_of: Option<ProcessId>,
    /// Agents within whose scope the event happened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope_of: Vec<AgentId>,
    /// The event this one corrects; its quantities are then signed amounts to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<EventId>,
    /// The state the resource is in after the event, e.g. "pass".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

impl EconomicEvent {
    /// `hasPointInTime`, else `hasEnd`, else `hasBeginning`. [`EconomicEvent::record`]
    /// guarantees one exists; an event without any (only possible from unchecked
    /// data) counts as happening at the Unix epoch.
    pub fn effective_time(&self) -> Timestamp {
        self.has_point_in_time.or(self.has_end).or(self.has_beginning).unwrap_or_else(Timestamp::unix_epoch)
    }

    /// The event's place in the canonical order.
    pub fn order_key(&self) -> EventOrder {
        EventOrder { effective: self.effective_time(), id: self.id }
    }

    /// True when the event names `resource` as either of its resources.
    pub fn names_resource(&self, resource: ResourceId) -> bool {
        self.resource_inventoried_as == Some(resource) || self.to_resource_inventoried_as == Some(resource)
    }
}

/// An event as submitted, before it has an id and before the rules have run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEconomicEvent {
    /// See [`EconomicEvent::action`].
    pub action: Action,
    /// See [`EconomicEvent::provider`].
    pub provider: AgentId,
    /// See [`EconomicEvent::receiver`].
    pub receiver: AgentId,
    /// See [`EconomicEvent::resource_inventoried_as`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_inventoried_as: Option<ResourceId>,
    /// See [`EconomicEvent::to_resource_inventoried_as`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_resource_inventoried_as: Option<ResourceId>,
    /// See [`EconomicEvent::resource_classified_as`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_classified_as: Vec<String>,
    /// See [`EconomicEvent::resource_conforms_to`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_conforms_to: Option<ResourceSpecificationId>,
    /// See [`EconomicEvent::resource_quantity`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Measure>,
    /// See [`EconomicEvent::effort_quantity`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_quantity: Option<Measure>,
    /// See [`EconomicEvent::has_beginning`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_beginning: Option<Timestamp>,
    /// See [`EconomicEvent::has_end`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_end: Option<Timestamp>,
    /// See [`EconomicEvent::has_point_in_time`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_point_in_time: Option<Timestamp>,
    /// See [`EconomicEvent::note`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// See [`EconomicEvent::agreed_in`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed_in: Option<String>,
    /// See [`EconomicEvent::realization_of`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realization_of: Option<AgreementId>,
    /// See [`EconomicEvent::triggered_by`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggered_by: Option<EventId>,
    /// See [`EconomicEvent::at_location`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_location: Option<SpatialThingId>,
    /// See [`EconomicEvent::to_location`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_location: Option<SpatialThingId>,
    /// See [`EconomicEvent::input_of`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_of: Option<ProcessId>,
    /// See [`EconomicEvent::output_of`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_of: Option<ProcessId>,
    /// See [`EconomicEvent::in_scope_of`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope_of: Vec<AgentId>,
    /// See [`EconomicEvent::corrects`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<EventId>,
    /// See [`EconomicEvent::state`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

impl NewEconomicEvent {
    /// An event with only its action and agents; set the other fields directly.
    pub fn new(action: Action, provider: AgentId, receiver: AgentId) -> NewEconomicEvent {
        NewEconomicEvent {
            action,
            provider,
            receiver,
            resource_inventoried_as: None,
            to_resource_inventoried_as: None,
            resource_classified_as: Vec::new(),
            resource_conforms_to: None,
            resource_quantity: None,
            effort_quantity: None,
            has_beginning: None,
            has_end: None,
            has_point_in_time: None,
            note: None,
            agreed_in: None,
            realization_of: None,
            triggered_by: None,
            at_location: None,
            to_location: None,
            input_of: None,
            output_of: None,
            in_scope_of: Vec::new(),
            corrects: None,
            state: None,
        }
    }

    /// The event with `id`, without checking any rule (see [`EconomicEvent::record`]).
    pub fn into_event(self, id: EventId) -> EconomicEvent {
        EconomicEvent {
            id,
            action: self.action,
            provider: self.provider,
            receiver: self.receiver,
            resource_inventoried_as: self.resource_inventoried_as,
            to_resource_inventoried_as: self.to_resource_inventoried_as,
            resource_classified_as: self.resource_classified_as,
            resource_conforms_to: self.resource_conforms_to,
            resource_quantity: self.resource_quantity,
            effort_quantity: self.effort_quantity,
            has_beginning: self.has_beginning,
            has_end: self.has_end,
            has_point_in_time: self.has_point_in_time,
            note: self.note,
            agreed_in: self.agreed_in,
            realization_of: self.realization_of,
            triggered_by: self.triggered_by,
            at_location: self.at_location,
            to_location: self.to_location,
            input_of: self.input_of,
            output_of: self.output_of,
            in_scope_of: self.in_scope_of,
            corrects: self.corrects,
            state: self.state,
        }
    }
}

impl From<EconomicEvent> for NewEconomicEvent {
    fn from(e: EconomicEvent) -> NewEconomicEvent {
        NewEconomicEvent {
            action: e.action,
            provider: e.provider,
            receiver: e.receiver,
            resource_inventoried_as: e.resource_inventoried_as,
            to_resource_inventoried_as: e.to_resource_inventoried_as,
            resource_classified_as: e.resource_classified_as,
            resource_conforms_to: e.resource_conforms_to,
            resource_quantity: e.resource_quantity,
            effort_quantity: e.effort_quantity,
            has_beginning: e.has_beginning,
            has_end: e.has_end,
            has_point_in_time: e.has_point_in_time,
            note: e.note,
            agreed_in: e.agreed_in,
            realization_of: e.realization_of,
            triggered_by: e.triggered_by,
            at_location: e.at_location,
            to_location: e.to_location,
            input_of: e.input_of,
            output_of: e.output_of,
            in_scope_of: e.in_scope_of,
            corrects: e.corrects,
            state: e.state,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(n: u128) -> AgentId {
        AgentId::new(uuid::Uuid::from_u128(n))
    }

    fn ts(s: &str) -> Option<Timestamp> {
        Timestamp::parse(s).ok()
    }

    fn event() -> EconomicEvent {
        NewEconomicEvent::new(Action::Work, agent(1), agent(2)).into_event(EventId::new(uuid::Uuid::from_u128(7)))
    }

    #[test]
    fn effective_time_prefers_point_in_time_then_end_then_beginning() {
        let mut e = event();
        e.has_beginning = ts("2024-05-01");
        assert_eq!(Some(e.effective_time()), ts("2024-05-01"));
        e.has_end = ts("2024-05-02");
        assert_eq!(Some(e.effective_time()), ts("2024-05-02"));
        e.has_point_in_time = ts("2024-05-03");
        assert_eq!(Some(e.effective_time()), ts("2024-05-03"));
    }

    #[test]
    fn order_key_pairs_effective_time_and_id() {
        let mut e = event();
        e.has_point_in_time = ts("2024-05-03");
        assert_eq!(e.order_key(), EventOrder { effective: e.effective_time(), id: e.id });
    }

    #[test]
    fn event_serde_is_camel_case_and_skips_empty_fields() {
        let mut e = event();
        e.has_point_in_time = ts("2024-05-03");
        let json = serde_json::to_value(&e).expect("serialize");
        let mut keys: Vec<&String> = json.as_object().expect("object").keys().collect();
        keys.sort();
        assert_eq!(keys, ["action", "hasPointInTime", "id", "provider", "receiver"]);
        assert_eq!(json["action"], "work");
        let mut with_extra = json.clone();
        with_extra["addedInVf2"] = serde_json::json!({"x": 1});
        assert_eq!(serde_json::from_value::<EconomicEvent>(with_extra).expect("deserialize"), e);
    }

    #[test]
    fn new_event_converts_both_ways() {
        let e = event();
        let back = NewEconomicEvent::from(e.clone()).into_event(e.id);
        assert_eq!(back, e);
    }
}
