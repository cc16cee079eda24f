//! The running sum behind one resource quantity, kept per unit so that the
//! result does not depend on the order events are added in.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::{EventId, UnitId};
use crate::measurement::Measure;
use crate::observation::event_order::EventOrder;

/// The sum of the quantities in one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitTally {
    /// The unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitId>,
    /// The signed sum.
    #[serde(with = "rust_decimal::serde::str")]
    pub sum: Decimal,
    /// The earliest event counted (canonical order).
    pub first: EventOrder,
    /// The latest event counted (canonical order).
    pub last: EventOrder,
}

/// Every signed quantity applied to one resource quantity, summed per unit.
/// The quantity's unit is that of the earliest event; sums in other units are
/// reported as anomalies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantityTally {
    /// One tally per unit seen, sorted by unit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_unit: Vec<UnitTally>,
    /// Events whose quantity could not be added without overflowing, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overflows: Vec<EventId>,
    /// How many events transferred this quantity out of the resource to another agent.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub transfers_out: u64,
    /// The latest of them (canonical order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transfer_out: Option<EventOrder>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl QuantityTally {
    /// Adds `value` (in `unit`) from the event at `order`. On overflow the sum is
    /// left as it was and the event is listed in `overflows`.
    pub fn add(&mut self, value: Decimal, unit: Option<UnitId>, order: EventOrder) {
        let index = match self.by_unit.binary_search_by(|t| t.unit.cmp(&unit)) {
            Ok(index) => index,
            Err(index) => {
                let fresh = UnitTally { unit, sum: Decimal::ZERO, first: order, last: order };
                self.by_unit.insert(index, fresh);
                index
            }
        };
        let Some(tally) = self.by_unit.get_mut(index) else { return };
        tally.first = tally.first.min(order);
        tally.last = tally.last.max(order);
        match tally.sum.checked_add(value) {
            Some(sum) => tally.sum = sum,
            None => {
                if let Err(at) = self.overflows.binary_search(&order.id) {
                    self.overflows.insert(at, order.id);
                }
            }
        }
    }

    /// Counts the event at `order` as a transfer of this quantity out of the resource.
    pub fn transferred_out(&mut self, order: EventOrder) {
        self.transfers_out = self.transfers_out.saturating_add(1);
        self.last_transfer_out = self.last_transfer_out.max(Some(order));
    }

    /// The tally in the quantity's unit: the one holding the earliest event.
    pub fn primary(&self) -> Option<&UnitTally> {
        self.by_unit.iter().min_by_key(|t| t.first)
    }

    /// The quantity: the primary tally's sum and unit, or `None` before any event.
    pub fn measure(&self) -> Option<Measure> {
        self.primary().map(|t| Measure { has_numerical_value: t.sum, has_unit: t.unit })
    }

    /// Tallies in units other than the quantity's.
    pub fn mismatched(&self) -> impl Iterator<Item = &UnitTally> {
        let primary = self.primary().map(|t| t.unit);
        self.by_unit.iter().filter(move |t| Some(t.unit) != primary)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::time::Timestamp;

    fn order(day: u32, id: u128) -> EventOrder {
        EventOrder {
            effective: Timestamp::parse(&format!("2024-05-{day:02}")).expect("valid"),
            id: EventId::new(uuid::Uuid::from_u128(id)),
        }
    }

    fn unit(n: u128) -> Option<UnitId> {
        Some(UnitId::new(uuid::Uuid::from_u128(n)))
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn unit_of_the_quantity_is_the_earliest_events_even_if_it_arrives_last() {
        let mut t = QuantityTally::default();
        t.add(dec("2"), unit(2), order(5, 1));
        t.add(dec("3"), unit(1), order(1, 2));
        assert_eq!(t.measure(), Some(Measure { has_numerical_value: dec("3"), has_unit: unit(1) }));
        assert_eq!(t.mismatched().count(), 1);
    }

    #[test]
    fn overflow_leaves_the_sum_and_lists_the_event() {
        let mut t = QuantityTally::default();
        t.add(Decimal::MAX, unit(1), order(1, 1));
        t.add(dec("1"), unit(1), order(2, 2));
        assert_eq!(t.measure().map(|m| m.has_numerical_value), Some(Decimal::MAX));
        assert_eq!(t.overflows, vec![EventId::new(uuid::Uuid::from_u128(2))]);
    }

    #[test]
    fn sums_of_twenty_eight_digit_decimals_are_exact() {
        let mut t = QuantityTally::default();
        t.add(dec("0.0000000000000000000000000001"), unit(1), order(1, 1));
        t.add(dec("0.0000000000000000000000000002"), unit(1), order(2, 2));
        assert_eq!(
            t.measure().map(|m| m.has_numerical_value.to_string()),
            Some("0.0000000000000000000000000003".into())
        );
    }
}
