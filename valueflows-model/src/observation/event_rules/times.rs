//! Rule: an event has a time, either a point in time or an interval (possibly
//! open at one end), and the interval does not end before it begins.

use crate::observation::economic_event::EconomicEvent;
use crate::observation::event_error::EventError;

pub(super) fn check(event: &EconomicEvent) -> Result<(), EventError> {
    match (event.has_point_in_time, event.has_beginning, event.has_end) {
        (None, None, None) => Err(EventError::MissingTime),
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(EventError::PointInTimeWithInterval),
        (None, Some(beginning), Some(end)) if end < beginning => Err(EventError::EndBeforeBeginning { beginning, end }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use crate::{Action, EventError};

    #[test]
    fn event_without_any_time_is_rejected() {
        let mut e = work_event();
        e.has_point_in_time = None;
        let err = record(e).expect_err("no time");
        assert_eq!(err, EventError::MissingTime);
        assert_eq!(err.field(), Some("hasPointInTime"));
    }

    #[test]
    fn point_in_time_with_interval_is_rejected() {
        let mut e = work_event();
        e.has_end = Some(at("2024-05-01T12:00:00Z"));
        assert_eq!(record(e), Err(EventError::PointInTimeWithInterval));
    }

    #[test]
    fn interval_ending_before_it_begins_is_rejected() {
        let mut e = work_event();
        e.has_point_in_time = None;
        e.has_beginning = Some(at("2024-05-02"));
        e.has_end = Some(at("2024-05-01"));
        assert_eq!(record(e).map_err(|e| e.field()), Err(Some("hasEnd")));
    }

    #[test]
    fn open_or_closed_interval_is_accepted() {
        for (b, e) in [(Some("2024-05-01"), None), (None, Some("2024-05-01")), (Some("2024-05-01"), Some("2024-05-01"))]
        {
            let mut ev = work_event();
            ev.has_point_in_time = None;
            ev.has_beginning = b.map(at);
            ev.has_end = e.map(at);
            assert!(record(ev).is_ok(), "{b:?} {e:?}");
        }
    }

    #[test]
    fn date_only_time_is_recorded_as_midnight() {
        let mut e = event(Action::Work);
        e.has_point_in_time = Some(at("2024-05-01"));
        let rec = record(e).expect("valid");
        assert_eq!(rec.event.effective_time().to_rfc3339(), "2024-05-01T00:00:00.000000Z");
    }
}
