//! Scheduling a scaled recipe back from a due date: the process that yields the wanted
//! resource ends when it is due, each process begins its recipe duration before it ends,
//! and each supplier ends when the first process it supplies begins.
//!
//! A recipe duration is for one batch of the recipe and planning does not stretch it with
//! the scale: how long a process takes does not grow in proportion to how much it makes
//! (an oven bakes four loaves as fast as one). A process without a duration takes no time.

use std::collections::BTreeMap;

use chrono::{Months, TimeDelta};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::ids::RecipeProcessId;
use crate::measurement::{Duration, TimeUnit};
use crate::recipe::recipe_error::RecipeError;
use crate::recipe::recipe_process::RecipeProcess;
use crate::recipe::scaling::ScaledRecipe;
use crate::time::Timestamp;

/// When a planned process begins and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Planned beginning.
    pub begins: Timestamp,
    /// Planned end.
    pub ends: Timestamp,
}

/// The instant `duration` before `end`, or None when the duration is a fraction of a
/// calendar unit (months and years have no fixed length) or the result leaves chrono's
/// range. Fixed units are exact to the microsecond.
pub fn before(end: Timestamp, duration: &Duration) -> Option<Timestamp> {
    let n = duration.numeric_duration;
    let dt = end.as_datetime();
    let calendar = |months_per_unit: u32| -> Option<Timestamp> {
        if !n.fract().is_zero() {
            return None;
        }
        let months = n.to_u32()?.checked_mul(months_per_unit)?;
        dt.checked_sub_months(Months::new(months)).map(Timestamp::from_datetime)
    };
    let seconds_per_unit: i64 = match duration.unit_type {
        TimeUnit::Year => return calendar(12),
        TimeUnit::Month => return calendar(1),
        TimeUnit::Week => 7 * 86_400,
        TimeUnit::Day => 86_400,
        TimeUnit::Hour => 3_600,
        TimeUnit::Minute => 60,
        TimeUnit::Second => 1,
    };
    let micros = n.checked_mul(Decimal::from(seconds_per_unit))?.checked_mul(Decimal::from(1_000_000))?;
    let delta = TimeDelta::microseconds(micros.trunc().to_i64()?);
    dt.checked_sub_signed(delta).map(Timestamp::from_datetime)
}

/// Each planned process's span when the wanted resource is due at `due`. `processes`
/// gives the recipe durations (`hasDuration`); a process missing from it takes no time.
///
/// Refused ([`RecipeError::Unschedulable`]): a duration in months or years that is not
/// whole, or one that reaches outside the calendar's range.
pub fn schedule_back(
    scaled: &ScaledRecipe,
    processes: &[RecipeProcess],
    due: Timestamp,
) -> Result<BTreeMap<RecipeProcessId, Span>, RecipeError> {
    let durations: BTreeMap<RecipeProcessId, Option<Duration>> =
        processes.iter().map(|p| (p.id, p.has_duration)).collect();
    // The latest each process may end: its consumers' earliest beginning.
    let mut latest_end: BTreeMap<RecipeProcessId, Timestamp> = BTreeMap::new();
    let mut spans = BTreeMap::new();
    // The list is suppliers first, so walking it backwards meets every consumer of a
    // process before the process itself.
    for (i, p) in scaled.processes.iter().enumerate().rev() {
        let is_last = i + 1 == scaled.processes.len();
        let ends = if is_last { due } else { latest_end.get(&p.recipe_process).copied().unwrap_or(due) };
        let begins = match durations.get(&p.recipe_process).copied().flatten() {
            Some(d) => before(ends, &d).ok_or(RecipeError::Unschedulable { process: p.recipe_process, duration: d })?,
            None => ends,
        };
        for s in p.inputs.iter().filter_map(|f| f.supplied_by) {
            let slot = latest_end.entry(s).or_insert(begins);
            *slot = (*slot).min(begins);
        }
        spans.insert(p.recipe_process, Span { begins, ends });
    }
    Ok(spans)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::action::Action;
    use crate::ids::{RecipeFlowId, ResourceSpecificationId, UnitId};
    use crate::measurement::Measure;
    use crate::recipe::recipe_flow::RecipeFlow;
    use crate::recipe::scaling::plan_from_recipe;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).expect("timestamp")
    }

    fn dur(n: &str, unit_type: TimeUnit) -> Duration {
        Duration { numeric_duration: Decimal::from_str(n).expect("decimal"), unit_type }
    }

    #[test]
    fn fixed_units_are_exact_and_calendar_units_follow_the_calendar() {
        let end = ts("2026-03-31T12:00:00Z");
        assert_eq!(before(end, &dur("1.5", TimeUnit::Hour)), Some(ts("2026-03-31T10:30:00Z")));
        assert_eq!(before(end, &dur("2", TimeUnit::Week)), Some(ts("2026-03-17T12:00:00Z")));
        assert_eq!(before(end, &dur("0.000001", TimeUnit::Second)), Some(ts("2026-03-31T11:59:59.999999Z")));
        // One month before 31 March is the last day of February.
        assert_eq!(before(end, &dur("1", TimeUnit::Month)), Some(ts("2026-02-28T12:00:00Z")));
        assert_eq!(before(end, &dur("1", TimeUnit::Year)), Some(ts("2025-03-31T12:00:00Z")));
        assert_eq!(before(end, &dur("0.5", TimeUnit::Month)), None);
        assert_eq!(before(end, &dur("1000000000", TimeUnit::Year)), None);
    }

    fn process(n: u128, duration: Option<Duration>) -> RecipeProcess {
        RecipeProcess {
            id: RecipeProcessId::new(uuid::Uuid::from_u128(n)),
            name: format!("step {n}"),
            has_duration: duration,
            process_classified_as: vec![],
            process_conforms_to: None,
            note: None,
        }
    }

    fn flow(n: u128, action: Action, spec: u128, input_of: Option<u128>, output_of: Option<u128>) -> RecipeFlow {
        RecipeFlow {
            id: RecipeFlowId::new(uuid::Uuid::from_u128(n)),
            action,
            resource_conforms_to: ResourceSpecificationId::new(uuid::Uuid::from_u128(spec)),
            resource_quantity: Some(Measure::new(Decimal::ONE, UnitId::new(uuid::Uuid::from_u128(99)))),
            effort_quantity: None,
            recipe_input_of: input_of.map(|p| RecipeProcessId::new(uuid::Uuid::from_u128(p))),
            recipe_output_of: output_of.map(|p| RecipeProcessId::new(uuid::Uuid::from_u128(p))),
            recipe_clause_of: None,
            stage: None,
            state: None,
            note: None,
        }
    }

    /// Two suppliers (1 and 2) feed the final step (3); 1 also feeds 2.
    #[test]
    fn suppliers_end_when_their_first_consumer_begins() {
        let processes =
            [process(1, Some(dur("1", TimeUnit::Day))), process(2, Some(dur("2", TimeUnit::Hour))), process(3, None)];
        let flows = [
            flow(10, Action::Produce, 100, None, Some(1)),
            flow(11, Action::Consume, 100, Some(2), None),
            flow(12, Action::Consume, 100, Some(3), None),
            flow(13, Action::Produce, 200, None, Some(2)),
            flow(14, Action::Consume, 200, Some(3), None),
            flow(15, Action::Produce, 300, None, Some(3)),
        ];
        let unit = UnitId::new(uuid::Uuid::from_u128(99));
        let scaled = plan_from_recipe(
            &processes,
            &flows,
            ResourceSpecificationId::new(uuid::Uuid::from_u128(300)),
            Measure::new(Decimal::ONE, unit),
        )
        .expect("plan");
        let due = ts("2026-06-01T09:00:00Z");
        let spans = schedule_back(&scaled, &processes, due).expect("schedule");
        let span = |n: u128| spans[&RecipeProcessId::new(uuid::Uuid::from_u128(n))];
        assert_eq!(span(3), Span { begins: due, ends: due });
        assert_eq!(span(2), Span { begins: ts("2026-06-01T07:00:00Z"), ends: due });
        // Step 1 must be done before step 2 begins, the earlier of its two consumers.
        assert_eq!(span(1), Span { begins: ts("2026-05-31T07:00:00Z"), ends: ts("2026-06-01T07:00:00Z") });
        for p in &scaled.processes {
            let s = span(p.recipe_process.uuid().as_u128());
            assert!(s.begins <= s.ends);
        }
    }

    #[test]
    fn a_fractional_month_cannot_be_scheduled() {
        let processes = [process(1, Some(dur("1.5", TimeUnit::Month)))];
        let flows = [flow(10, Action::Produce, 100, None, Some(1))];
        let unit = UnitId::new(uuid::Uuid::from_u128(99));
        let scaled = plan_from_recipe(
            &processes,
            &flows,
            ResourceSpecificationId::new(uuid::Uuid::from_u128(100)),
            Measure::new(Decimal::ONE, unit),
        )
        .expect("plan");
        let err = schedule_back(&scaled, &processes, ts("2026-06-01T00:00:00Z")).expect_err("refused");
        assert_eq!(err.field(), Some("hasDuration"));
        assert_eq!(err.code(), "VALIDATION");
    }
}
