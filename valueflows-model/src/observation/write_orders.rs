//! Last-writer-wins bookkeeping for a resource's non-sum fields: each field
//! remembers the canonical order of the event that set it, and only a later
//! event may overwrite it. Applying events in any order gives the same result.

use serde::{Deserialize, Serialize};

use crate::observation::event_order::EventOrder;

/// For each non-sum field of a [`ResourceState`](crate::ResourceState), the
/// order of the event that last set it (`None`: still the resource's initial value).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteOrders {
    /// Setter of `currentLocation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_location: Option<EventOrder>,
    /// Setter of `primaryAccountable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_accountable: Option<EventOrder>,
    /// Setter of `containedIn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contained_in: Option<EventOrder>,
    /// Setter of `stage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<EventOrder>,
    /// Setter of `state`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<EventOrder>,
}

/// Writes `value` (possibly `None`, a removal) into `slot` if the event at
/// `order` is later than the one that last wrote it.
pub fn write_if_later<T>(slot: &mut Option<T>, written: &mut Option<EventOrder>, value: Option<T>, order: EventOrder) {
    if written.is_none_or(|previous| order > previous) {
        *slot = value;
        *written = Some(order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::EventId;
    use crate::time::Timestamp;

    fn order(day: u32) -> EventOrder {
        EventOrder {
            effective: Timestamp::parse(&format!("2024-05-{day:02}")).expect("valid"),
            id: EventId::new(uuid::Uuid::nil()),
        }
    }

    #[test]
    fn later_write_wins_whatever_the_arrival_order() {
        let (mut a, mut a_at) = (None, None);
        write_if_later(&mut a, &mut a_at, Some("late"), order(9));
        write_if_later(&mut a, &mut a_at, Some("early"), order(1));
        let (mut b, mut b_at) = (None, None);
        write_if_later(&mut b, &mut b_at, Some("early"), order(1));
        write_if_later(&mut b, &mut b_at, Some("late"), order(9));
        assert_eq!((a, a_at), (Some("late"), Some(order(9))));
        assert_eq!((a, a_at), (b, b_at));
    }

    #[test]
    fn removal_is_a_write_of_none() {
        let (mut slot, mut at) = (Some("box"), None);
        write_if_later(&mut slot, &mut at, None, order(2));
        write_if_later(&mut slot, &mut at, Some("crate"), order(1));
        assert_eq!(slot, None);
    }
}
