//! Anomalies: facts about a resource's derived state that the fold flags but
//! never rejects (events are facts; the state just reports what they add up to).

use serde::{Deserialize, Serialize};

use crate::ids::{EventId, UnitId};

/// Which of a resource's two quantities an anomaly is about.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum QuantityKind {
    /// The `accountingQuantity` (rights).
    Accounting,
    /// The `onhandQuantity` (custody).
    Onhand,
}

/// Something odd about a resource's state. Every anomaly is a function of the
/// set of events applied (not of their arrival order). Serialized with a
/// `"kind"` tag, e.g. `{"kind":"negativeOnhand","event":"…"}`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Anomaly {
    /// The onhand quantity is below zero; `event` is the latest event (in canonical order) that changed it.
    NegativeOnhand {
        /// The latest event that changed the quantity.
        event: EventId,
    },
    /// The accounting quantity is below zero; `event` is the latest event (in canonical order) that changed it.
    NegativeAccounting {
        /// The latest event that changed the quantity.
        event: EventId,
    },
    /// The quantity is below zero after two or more transfers out of the resource: more
    /// was given away than was held, as when one unit resource (a serial-numbered pump) is
    /// transferred to two agents. Flagged beside the negative quantity it explains;
    /// `event` is the latest of the transfers (canonical order).
    DoubleTransfer {
        /// Which quantity.
        quantity: QuantityKind,
        /// The latest transfer out.
        event: EventId,
    },
    /// Some events count the quantity in another unit than the first event did;
    /// they are left out of the quantity. `event` is the earliest of them.
    UnitMismatch {
        /// Which quantity.
        quantity: QuantityKind,
        /// The earliest event in the other unit.
        event: EventId,
        /// The quantity's unit (the first event's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expected: Option<UnitId>,
        /// The other unit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        found: Option<UnitId>,
    },
    /// Adding the event's quantity would exceed the decimal range (about ±7.9e28);
    /// it was left out. (Which event overflows can depend on arrival order.)
    Overflow {
        /// Which quantity.
        quantity: QuantityKind,
        /// The event left out.
        event: EventId,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anomalies_serialize_with_a_kind_tag() {
        let event = EventId::new(uuid::Uuid::nil());
        let json = serde_json::to_value(Anomaly::NegativeOnhand { event }).expect("serialize");
        assert_eq!(json, serde_json::json!({"kind": "negativeOnhand", "event": event.to_string()}));
        let overflow = Anomaly::Overflow { quantity: QuantityKind::Onhand, event };
        let json = serde_json::to_value(&overflow).expect("serialize");
        assert_eq!(json["quantity"], "onhand");
        assert_eq!(serde_json::from_value::<Anomaly>(json).expect("deserialize"), overflow);
    }
}
