//! Property tests of the fold: the derived state depends only on the set of
//! events, not on their order, duplicates or the order they arrive in.

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::sample::Index;
use rust_decimal::Decimal;
use uuid::Uuid;
use valueflows_model::{
    Action, EconomicEvent, EconomicResource, EventId, Measure, NewEconomicEvent, ProcessId, ProcessSpecificationId,
    ResourceId, ResourceState, Timestamp, fold,
};

const RESOURCES: u128 = 3;

fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

fn resource(n: u128) -> EconomicResource {
    EconomicResource {
        id: id(n),
        name: None,
        tracking_identifier: None,
        image: None,
        image_list: vec![],
        classified_as: vec![],
        conforms_to: None,
        note: None,
        unit_of_effort: None,
        contained_in: if n == 1 { Some(id(2)) } else { None },
        current_location: if n == 2 { Some(id(500)) } else { None },
        lot: None,
    }
}

/// Processes 0 and 1 are based on specifications 100 and 101; process 2 on none.
fn stage_of(process: ProcessId) -> Option<ProcessSpecificationId> {
    match process.uuid().as_u128() {
        0 => Some(id(100)),
        1 => Some(id(101)),
        _ => None,
    }
}

fn resource_ref() -> impl Strategy<Value = Option<ResourceId>> {
    prop::option::weighted(0.85, (1..=RESOURCES).prop_map(id::<ResourceId>))
}

/// Up to 18 significant digits, 0 to 6 of them fractional, mostly positive; a few in a second unit.
fn quantity() -> impl Strategy<Value = Option<Measure>> {
    let value = (-1_000_000_000_000_000_000i64..1_000_000_000_000_000_000i64, 0u32..=6)
        .prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale));
    let unit = prop_oneof![9 => Just(900u128), 1 => Just(902u128)];
    prop::option::weighted(0.9, (value, unit).prop_map(|(v, u)| Measure::new(v, id(u))))
}

/// Few distinct times, so ties broken by id are common.
fn time() -> impl Strategy<Value = Timestamp> {
    (1u32..=4, 0u32..3).prop_map(|(day, second)| {
        Timestamp::parse(&format!("2024-05-{day:02}T10:00:{second:02}Z")).expect("valid time")
    })
}

fn event() -> impl Strategy<Value = NewEconomicEvent> {
    (
        (prop::sample::select(Action::ALL.to_vec()), 0u128..3, resource_ref(), resource_ref(), quantity()),
        (time(), prop::option::of(time()), any::<bool>()),
        (
            prop::option::of((0u128..4).prop_map(id)),
            prop::option::of((0u128..4).prop_map(id)),
            prop::option::of(prop::sample::select(vec!["pass", "fail", "new"])),
            prop::option::of((0u128..3).prop_map(id)),
            any::<bool>(),
        ),
    )
        .prop_map(
            |((action, receiver, from, to, quantity), (t1, t2, point), (at, to_loc, state, output_of, corrects))| {
                let mut e = NewEconomicEvent::new(action, id(7), id(receiver));
                e.resource_inventoried_as = from;
                e.to_resource_inventoried_as = to;
                e.resource_quantity = quantity;
                if point {
                    e.has_point_in_time = Some(t1);
                } else {
                    e.has_beginning = Some(t1);
                    e.has_end = t2;
                }
                e.at_location = at;
                e.to_location = to_loc;
                e.state = state.map(str::to_owned);
                e.output_of = output_of;
                e.corrects = corrects.then(|| id(424242));
                e
            },
        )
}

/// Random events with unique ids whose order is unrelated to their position.
fn events() -> impl Strategy<Value = Vec<EconomicEvent>> {
    prop::collection::vec((event(), any::<u64>()), 0..40).prop_map(|drafts| {
        drafts
            .into_iter()
            .enumerate()
            .map(|(i, (draft, high))| draft.into_event(id((u128::from(high) << 64) | i as u128)))
            .collect()
    })
}

fn fold_all(events: &[EconomicEvent]) -> Vec<ResourceState> {
    (1..=RESOURCES).map(|n| fold(&resource(n), events, &stage_of)).collect()
}

fn scenario() -> impl Strategy<Value = (Vec<EconomicEvent>, Vec<EconomicEvent>, Vec<Index>)> {
    events().prop_flat_map(|events| {
        let shuffled = Just(events.clone()).prop_shuffle();
        (Just(events), shuffled, prop::collection::vec(any::<Index>(), 0..15))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fold_of_any_permutation_equals_fold_of_the_original((events, shuffled, _) in scenario()) {
        prop_assert_eq!(fold_all(&shuffled), fold_all(&events));
    }

    #[test]
    fn fold_with_duplicated_events_equals_fold_without((events, shuffled, picks) in scenario()) {
        let mut with_dups = shuffled;
        if !events.is_empty() {
            with_dups.extend(picks.iter().map(|pick| pick.get(&events).clone()));
            let shift = picks.len().min(with_dups.len());
            with_dups.rotate_left(shift);
        }
        prop_assert_eq!(fold_all(&with_dups), fold_all(&events));
    }

    #[test]
    fn applying_in_arrival_order_equals_fold((events, shuffled, _) in scenario()) {
        let mut seen: HashSet<EventId> = HashSet::new();
        let arrivals: Vec<&EconomicEvent> = shuffled.iter().filter(|e| seen.insert(e.id)).collect();
        for n in 1..=RESOURCES {
            let resource = resource(n);
            let mut state = ResourceState::new(&resource);
            for event in &arrivals {
                state.apply(event, &stage_of);
            }
            prop_assert_eq!(&state, &fold(&resource, &events, &stage_of));
        }
    }

    #[test]
    fn raised_and_lowered_quantities_sum_exactly(
        adjustments in prop::collection::vec((any::<bool>(), quantity(), time()), 1..40)
    ) {
        let target: ResourceId = id(1);
        let mut expected = Decimal::ZERO;
        let mut events = Vec::new();
        for (i, (raise, quantity, at)) in adjustments.into_iter().enumerate() {
            let Some(amount) = quantity.map(|q| q.has_numerical_value) else { continue };
            let action = if raise { Action::Raise } else { Action::Lower };
            let mut e = NewEconomicEvent::new(action, id(7), id(8));
            e.resource_inventoried_as = Some(target);
            e.resource_quantity = Some(Measure::new(amount, id(900)));
            e.has_point_in_time = Some(at);
            events.push(e.into_event(id(i as u128)));
            expected = if raise { expected + amount } else { expected - amount };
        }
        let state = fold(&resource(1), &events, &stage_of);
        let want = (!events.is_empty()).then_some(expected);
        prop_assert_eq!(state.onhand_quantity.map(|m| m.has_numerical_value), want);
        prop_assert_eq!(state.accounting_quantity.map(|m| m.has_numerical_value), want);
    }

    #[test]
    fn record_never_panics_and_accepted_events_have_a_time(draft in event()) {
        let ctx = valueflows_model::EventContext::default();
        if let Ok(recorded) = EconomicEvent::record(draft, id(99), None, &ctx) {
            let e = recorded.event;
            prop_assert!(e.has_point_in_time.is_some() || e.has_beginning.is_some() || e.has_end.is_some());
        }
    }
}
