//! What the event rules need to know of stored records, and what recording returns.

use serde::{Deserialize, Serialize};

use crate::observation::economic_event::EconomicEvent;
use crate::observation::economic_resource::EconomicResource;
use crate::observation::resource_state::ResourceState;

/// A stored resource together with its derived state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceView {
    /// The resource record.
    pub resource: EconomicResource,
    /// Its state, folded from its events.
    pub state: ResourceState,
}

impl ResourceView {
    /// A resource without events yet.
    pub fn new(resource: EconomicResource) -> ResourceView {
        let state = ResourceState::new(&resource);
        ResourceView { resource, state }
    }
}

/// What the event rules need to know of stored records (loaded by the caller).
///
/// Each field must hold the record the event names (`resourceInventoriedAs`,
/// `toResourceInventoriedAs`, `corrects`), or `None` when the caller found none:
/// the rules then answer `NOT_FOUND`.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventContext<'a> {
    /// The event's `resourceInventoriedAs`, when it names an existing one.
    pub resource: Option<&'a ResourceView>,
    /// The event's `toResourceInventoriedAs`, when it names an existing one.
    pub to_resource: Option<&'a ResourceView>,
    /// The event named by `corrects`.
    pub corrected: Option<&'a EconomicEvent>,
}

/// A recorded event, and the resource it created if any (to be stored together).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recorded {
    /// The event, with the created resource's id filled in.
    pub event: EconomicEvent,
    /// The resource the event created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_resource: Option<EconomicResource>,
}
