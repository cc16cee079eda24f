//! The canonical order of economic events, shared by every node.

use serde::{Deserialize, Serialize};

use crate::ids::EventId;
use crate::time::Timestamp;

/// The canonical order of events: (effective time, event id). Event ids are
/// UUIDv7 so ties are broken the same way on every node.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventOrder {
    /// The event's effective time (see [`EconomicEvent::effective_time`](crate::EconomicEvent::effective_time)).
    pub effective: Timestamp,
    /// The event's id, breaking ties.
    pub id: EventId,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(time: &str, id: u128) -> EventOrder {
        EventOrder { effective: Timestamp::parse(time).expect("valid"), id: EventId::new(uuid::Uuid::from_u128(id)) }
    }

    #[test]
    fn earlier_time_sorts_first_whatever_the_id() {
        assert!(order("2024-05-01", 9) < order("2024-05-02", 1));
    }

    #[test]
    fn equal_times_are_ordered_by_id() {
        assert!(order("2024-05-01", 1) < order("2024-05-01", 2));
    }
}
