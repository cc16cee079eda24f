//! How far a planned quantity is covered by what was linked to it: the exact sum of the
//! fulfillments of a commitment, or of the satisfactions of an intent, in the planned unit.

use rust_decimal::Decimal;

use crate::measurement::Measure;
use crate::planning::planning_error::PlanningError;

/// The sum of `linked` quantities counted in `planned`'s unit; `None` when nothing is
/// planned. Quantities in another unit cannot be added and are left out: the node refuses
/// them on write, so they only arise from records written elsewhere.
pub fn covered(
    field: &'static str,
    planned: Option<&Measure>,
    linked: impl IntoIterator<Item = Measure>,
) -> Result<Option<Measure>, PlanningError> {
    let Some(planned) = planned else { return Ok(None) };
    let mut sum = Decimal::ZERO;
    for m in linked.into_iter().filter(|m| m.has_unit == planned.has_unit) {
        sum = sum.checked_add(m.has_numerical_value).ok_or(PlanningError::Overflow { field })?;
    }
    Ok(Some(Measure { has_numerical_value: sum, has_unit: planned.has_unit }))
}

/// Whether what was done covers what was planned: every planned quantity (resource,
/// effort) is reached. A flow that plans no quantity counts as done once anything at all
/// is linked to it.
pub fn is_complete(
    planned_resource: Option<&Measure>,
    done_resource: Option<&Measure>,
    planned_effort: Option<&Measure>,
    done_effort: Option<&Measure>,
    links: usize,
) -> bool {
    let reached = |planned: Option<&Measure>, done: Option<&Measure>| match (planned, done) {
        (Some(p), Some(d)) => d.has_numerical_value >= p.has_numerical_value,
        (Some(_), None) => false,
        (None, _) => true,
    };
    if planned_resource.is_none() && planned_effort.is_none() {
        return links > 0;
    }
    reached(planned_resource, done_resource) && reached(planned_effort, done_effort)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::ids::UnitId;

    fn unit(n: u128) -> UnitId {
        UnitId::new(uuid::Uuid::from_u128(n))
    }

    fn m(v: &str, u: u128) -> Measure {
        Measure::new(Decimal::from_str(v).expect("decimal"), unit(u))
    }

    #[test]
    fn partial_deliveries_sum_exactly_in_the_planned_unit() {
        let planned = m("20", 1);
        let done = covered("resourceQuantity", Some(&planned), [m("12.5", 1), m("7.5", 1)]).expect("sum");
        assert_eq!(done, Some(m("20", 1)));
        let tenths = covered("resourceQuantity", Some(&planned), [m("0.1", 1), m("0.2", 1)]).expect("sum");
        assert_eq!(tenths.map(|q| q.has_numerical_value.to_string()), Some("0.3".to_owned()));
    }

    #[test]
    fn quantities_in_another_unit_are_left_out_of_the_sum() {
        let done = covered("resourceQuantity", Some(&m("20", 1)), [m("5", 1), m("100", 2)]).expect("sum");
        assert_eq!(done, Some(m("5", 1)));
    }

    #[test]
    fn nothing_planned_has_no_covered_quantity() {
        assert_eq!(covered("resourceQuantity", None, [m("5", 1)]), Ok(None));
    }

    #[test]
    fn overflowing_sum_is_an_error() {
        let big = Measure::new(Decimal::MAX, unit(1));
        let err = covered("resourceQuantity", Some(&big), [big, big]).expect_err("overflow");
        assert_eq!(err.field(), Some("resourceQuantity"));
    }

    #[test]
    fn completion_needs_every_planned_quantity() {
        let (p, half, full) = (m("20", 1), m("10", 1), m("20", 1));
        assert!(!is_complete(Some(&p), Some(&half), None, None, 1));
        assert!(is_complete(Some(&p), Some(&full), None, None, 2));
        assert!(!is_complete(Some(&p), Some(&full), Some(&m("3", 2)), Some(&m("1", 2)), 2));
        assert!(is_complete(Some(&p), Some(&m("25", 1)), None, None, 2), "more than planned is complete");
    }

    #[test]
    fn without_planned_quantity_any_link_completes() {
        assert!(!is_complete(None, None, None, None, 0));
        assert!(is_complete(None, None, None, None, 1));
    }
}
