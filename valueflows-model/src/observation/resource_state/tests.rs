//! Tests of each action's effect on a resource's state, and of the fold's order independence.

use std::str::FromStr;

use rust_decimal::Decimal;
use uuid::Uuid;

use super::*;
use crate::action::Action;
use crate::ids::{EventId, UnitId};
use crate::observation::economic_event::NewEconomicEvent;
use crate::time::Timestamp;

const A: u128 = 1;
const B: u128 = 2;
const C: u128 = 3;

fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

fn kg() -> UnitId {
    id(900)
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
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
        contained_in: None,
        current_location: None,
        lot: None,
    }
}

/// Event `n` on day `day` of May 2024, agent 10 -> 20, `amount` kg.
fn ev(n: u128, action: Action, day: u32, from: Option<u128>, to: Option<u128>, amount: &str) -> EconomicEvent {
    let mut e = NewEconomicEvent::new(action, id(10), id(20));
    e.has_point_in_time = Some(Timestamp::parse(&format!("2024-05-{day:02}T12:00:00Z")).expect("valid"));
    e.resource_inventoried_as = from.map(id);
    e.to_resource_inventoried_as = to.map(id);
    e.resource_quantity = Some(Measure::new(dec(amount), kg()));
    e.into_event(id(n))
}

fn no_stage(_: ProcessId) -> Option<ProcessSpecificationId> {
    None
}

fn state_of(n: u128, events: &[EconomicEvent]) -> ResourceState {
    fold(&resource(n), events, &no_stage)
}

fn kilos(s: &str) -> Option<Measure> {
    Some(Measure::new(dec(s), kg()))
}

fn quantities(state: &ResourceState) -> (Option<Measure>, Option<Measure>) {
    (state.accounting_quantity, state.onhand_quantity)
}

#[test]
fn consume_decrements_onhand_and_accounting_quantity() {
    let events = [ev(1, Action::Raise, 1, Some(A), None, "10"), ev(2, Action::Consume, 2, Some(A), None, "3")];
    assert_eq!(quantities(&state_of(A, &events)), (kilos("7"), kilos("7")));
}

#[test]
fn produce_increments_both_quantities_and_makes_the_receiver_accountable() {
    let state = state_of(A, &[ev(1, Action::Produce, 1, Some(A), None, "4.5")]);
    assert_eq!(quantities(&state), (kilos("4.5"), kilos("4.5")));
    assert_eq!(state.primary_accountable, Some(id(20)));
}

#[test]
fn lower_decrements_both_quantities() {
    let events = [ev(1, Action::Raise, 1, Some(A), None, "10"), ev(2, Action::Lower, 2, Some(A), None, "0.25")];
    assert_eq!(quantities(&state_of(A, &events)), (kilos("9.75"), kilos("9.75")));
}

#[test]
fn transfer_moves_quantities_rights_and_location_to_the_to_resource() {
    let mut transfer = ev(2, Action::Transfer, 2, Some(A), Some(B), "4");
    transfer.to_location = Some(id(77));
    let events = [ev(1, Action::Raise, 1, Some(A), None, "10"), transfer];
    let a = state_of(A, &events);
    let b = state_of(B, &events);
    assert_eq!(quantities(&a), (kilos("6"), kilos("6")));
    assert_eq!(quantities(&b), (kilos("4"), kilos("4")));
    assert_eq!(b.primary_accountable, Some(id(20)));
    assert_eq!(b.current_location, Some(id(77)));
    assert_eq!(a.current_location, None);
}

#[test]
fn transfer_all_rights_moves_only_the_accounting_quantity() {
    let events =
        [ev(1, Action::Raise, 1, Some(A), None, "10"), ev(2, Action::TransferAllRights, 2, Some(A), Some(B), "4")];
    assert_eq!(quantities(&state_of(A, &events)), (kilos("6"), kilos("10")));
    let b = state_of(B, &events);
    assert_eq!(quantities(&b), (kilos("4"), None));
    assert_eq!(b.primary_accountable, Some(id(20)));
}

#[test]
fn transfer_custody_moves_only_the_onhand_quantity_and_not_the_rights() {
    let events =
        [ev(1, Action::Raise, 1, Some(A), None, "10"), ev(2, Action::TransferCustody, 2, Some(A), Some(B), "4")];
    assert_eq!(quantities(&state_of(A, &events)), (kilos("10"), kilos("6")));
    let b = state_of(B, &events);
    assert_eq!(quantities(&b), (None, kilos("4")));
    assert_eq!(b.primary_accountable, None);
}

#[test]
fn move_moves_both_quantities_without_changing_rights() {
    let events = [ev(2, Action::Move, 2, Some(A), Some(B), "4")];
    let b = state_of(B, &events);
    assert_eq!(quantities(&b), (kilos("4"), kilos("4")));
    assert_eq!(b.primary_accountable, None);
    assert_eq!(quantities(&state_of(A, &events)), (kilos("-4"), kilos("-4")));
}

#[test]
fn copy_increments_only_the_to_resource_and_makes_the_receiver_accountable() {
    let events = [ev(1, Action::Raise, 1, Some(A), None, "1"), ev(2, Action::Copy, 2, Some(A), Some(B), "1")];
    assert_eq!(quantities(&state_of(A, &events)), (kilos("1"), kilos("1")));
    let b = state_of(B, &events);
    assert_eq!(quantities(&b), (kilos("1"), kilos("1")));
    assert_eq!(b.primary_accountable, Some(id(20)));
}

#[test]
fn pickup_and_dropoff_change_onhand_and_location() {
    let mut pickup = ev(2, Action::Pickup, 2, Some(A), None, "3");
    pickup.to_location = Some(id(71));
    let mut dropoff = ev(3, Action::Dropoff, 3, Some(A), None, "3");
    dropoff.to_location = Some(id(72));
    let raise = ev(1, Action::Raise, 1, Some(A), None, "3");
    let during = state_of(A, &[raise.clone(), pickup.clone()]);
    assert_eq!(quantities(&during), (kilos("3"), kilos("0")));
    assert_eq!(during.current_location, Some(id(71)));
    let after = state_of(A, &[raise, pickup, dropoff]);
    assert_eq!(quantities(&after), (kilos("3"), kilos("3")));
    assert_eq!(after.current_location, Some(id(72)));
}

#[test]
fn location_is_unchanged_without_a_to_location() {
    let mut dropoff = ev(1, Action::Dropoff, 1, Some(A), None, "3");
    dropoff.at_location = Some(id(71));
    let mut initial = resource(A);
    initial.current_location = Some(id(70));
    assert_eq!(fold(&initial, &[dropoff], &no_stage).current_location, Some(id(70)));
}

#[test]
fn produce_does_not_move_an_existing_stock() {
    let mut produce = ev(1, Action::Produce, 1, Some(A), None, "3");
    produce.to_location = Some(id(71));
    let mut initial = resource(A);
    initial.current_location = Some(id(70));
    assert_eq!(fold(&initial, &[produce], &no_stage).current_location, Some(id(70)));
}

#[test]
fn accept_and_modify_set_the_stage_from_the_output_process() {
    let mut modify = ev(2, Action::Modify, 2, Some(A), None, "1");
    modify.output_of = Some(id(300));
    let events = [ev(1, Action::Accept, 1, Some(A), None, "1"), modify];
    let stage_of = |p: ProcessId| (p == id(300)).then(|| id(400));
    let state = fold(&resource(A), &events, &stage_of);
    assert_eq!(state.stage, Some(id(400)));
    assert_eq!(state.onhand_quantity, kilos("0"));
    assert_eq!(state.accounting_quantity, None);
}

#[test]
fn stage_is_unchanged_when_the_process_has_no_specification() {
    let mut first = ev(1, Action::Modify, 1, Some(A), None, "1");
    first.output_of = Some(id(300));
    let mut second = ev(2, Action::Modify, 2, Some(A), None, "1");
    second.output_of = Some(id(301));
    let stage_of = |p: ProcessId| (p == id(300)).then(|| id(400));
    assert_eq!(fold(&resource(A), &[first, second], &stage_of).stage, Some(id(400)));
}

#[test]
fn combine_sets_contained_in_and_separate_clears_it() {
    let combine = ev(1, Action::Combine, 1, Some(A), Some(B), "1");
    let separate = ev(2, Action::Separate, 2, Some(A), None, "1");
    let packed = state_of(A, std::slice::from_ref(&combine));
    assert_eq!(packed.contained_in, Some(id(B)));
    assert_eq!(packed.onhand_quantity, kilos("-1"));
    assert_eq!(state_of(B, std::slice::from_ref(&combine)).onhand_quantity, None);
    let unpacked = state_of(A, &[combine, separate]);
    assert_eq!(unpacked.contained_in, None);
    assert_eq!(unpacked.onhand_quantity, kilos("0"));
}

#[test]
fn separate_clears_an_initial_container() {
    let mut packed = resource(A);
    packed.contained_in = Some(id(B));
    let state = fold(&packed, &[ev(1, Action::Separate, 1, Some(A), None, "1")], &no_stage);
    assert_eq!(state.contained_in, None);
}

#[test]
fn use_cite_and_deliver_service_leave_quantities_alone() {
    for action in [Action::Use, Action::Cite, Action::DeliverService] {
        let events = [ev(1, Action::Raise, 1, Some(A), None, "2"), ev(2, action, 2, Some(A), None, "1")];
        assert_eq!(quantities(&state_of(A, &events)), (kilos("2"), kilos("2")), "{action}");
    }
}

#[test]
fn state_is_set_on_the_resource_or_the_to_resource() {
    let mut accept = ev(1, Action::Accept, 1, Some(A), None, "1");
    accept.state = Some("failed".into());
    let mut transfer = ev(2, Action::Transfer, 2, Some(A), Some(B), "1");
    transfer.state = Some("sold".into());
    let events = [accept, transfer];
    assert_eq!(state_of(A, &events).state.as_deref(), Some("failed"));
    assert_eq!(state_of(B, &events).state.as_deref(), Some("sold"));
}

#[test]
fn resource_on_both_sides_gets_both_effects() {
    let events = [ev(1, Action::Raise, 1, Some(A), None, "5"), ev(2, Action::Transfer, 2, Some(A), Some(A), "2")];
    let state = state_of(A, &events);
    assert_eq!(quantities(&state), (kilos("5"), kilos("5")));
    assert_eq!(state.primary_accountable, Some(id(20)));
    assert_eq!(state.last_event, Some(events[1].order_key()));
}

#[test]
fn correction_applies_its_signed_quantity() {
    let consume = ev(2, Action::Consume, 2, Some(A), None, "3");
    let mut correction = ev(3, Action::Consume, 3, Some(A), None, "-1");
    correction.corrects = Some(consume.id);
    let events = [ev(1, Action::Raise, 1, Some(A), None, "10"), consume, correction];
    assert_eq!(quantities(&state_of(A, &events)), (kilos("8"), kilos("8")));
}

#[test]
fn negative_onhand_is_flagged_with_the_latest_event_not_rejected() {
    let events = [ev(1, Action::Raise, 1, Some(A), None, "1"), ev(2, Action::Consume, 2, Some(A), None, "3")];
    let state = state_of(A, &events);
    assert_eq!(state.onhand_quantity, kilos("-2"));
    assert_eq!(
        state.anomalies,
        vec![Anomaly::NegativeOnhand { event: id(2) }, Anomaly::NegativeAccounting { event: id(2) }]
    );
}

#[test]
fn a_unit_resource_transferred_twice_is_flagged_as_a_double_transfer() {
    let events = [
        ev(1, Action::Raise, 1, Some(A), None, "1"),
        ev(2, Action::Transfer, 2, Some(A), Some(B), "1"),
        ev(3, Action::Transfer, 3, Some(A), Some(C), "1"),
    ];
    let expected = vec![
        Anomaly::NegativeOnhand { event: id(3) },
        Anomaly::NegativeAccounting { event: id(3) },
        Anomaly::DoubleTransfer { quantity: QuantityKind::Accounting, event: id(3) },
        Anomaly::DoubleTransfer { quantity: QuantityKind::Onhand, event: id(3) },
    ];
    assert_eq!(state_of(A, &events).anomalies, expected);
    let mut reversed = events.clone();
    reversed.reverse();
    assert_eq!(state_of(A, &reversed).anomalies, expected, "the same whatever the order");
    // The receivers are fine: each holds one.
    assert!(state_of(B, &events).anomalies.is_empty());
    assert!(state_of(C, &events).anomalies.is_empty());
}

#[test]
fn only_transfers_that_overdraw_make_a_double_transfer() {
    // Two transfers of what was held: no anomaly at all.
    let held = [
        ev(1, Action::Raise, 1, Some(A), None, "2"),
        ev(2, Action::Transfer, 2, Some(A), Some(B), "1"),
        ev(3, Action::Transfer, 3, Some(A), Some(C), "1"),
    ];
    assert!(state_of(A, &held).anomalies.is_empty());
    // One transfer and a consumption overdraw it: negative, but not a double transfer.
    let consumed = [
        ev(1, Action::Raise, 1, Some(A), None, "1"),
        ev(2, Action::Transfer, 2, Some(A), Some(B), "1"),
        ev(3, Action::Consume, 3, Some(A), None, "1"),
    ];
    assert_eq!(
        state_of(A, &consumed).anomalies,
        vec![Anomaly::NegativeOnhand { event: id(3) }, Anomaly::NegativeAccounting { event: id(3) }]
    );
    // Custody given twice: only the on-hand quantity, which custody moves.
    let custody = [
        ev(1, Action::Raise, 1, Some(A), None, "1"),
        ev(2, Action::TransferCustody, 2, Some(A), Some(B), "1"),
        ev(3, Action::TransferCustody, 3, Some(A), Some(C), "1"),
    ];
    assert_eq!(
        state_of(A, &custody).anomalies,
        vec![
            Anomaly::NegativeOnhand { event: id(3) },
            Anomaly::DoubleTransfer { quantity: QuantityKind::Onhand, event: id(3) },
        ]
    );
}

#[test]
fn negative_balance_repaired_by_a_backdated_event_is_not_an_anomaly() {
    let events = [ev(2, Action::Consume, 2, Some(A), None, "3"), ev(1, Action::Raise, 1, Some(A), None, "5")];
    assert!(state_of(A, &events).anomalies.is_empty());
}

#[test]
fn unit_of_the_state_is_the_first_events_and_others_are_flagged() {
    let mut pounds = ev(2, Action::Raise, 2, Some(A), None, "7");
    pounds.resource_quantity = Some(Measure::new(dec("7"), id(902)));
    let events = [pounds, ev(1, Action::Raise, 1, Some(A), None, "1")];
    let state = state_of(A, &events);
    assert_eq!(state.onhand_quantity, kilos("1"));
    assert!(state.anomalies.contains(&Anomaly::UnitMismatch {
        quantity: QuantityKind::Onhand,
        event: id(2),
        expected: Some(kg()),
        found: Some(id(902)),
    }));
}

#[test]
fn events_on_other_resources_are_ignored() {
    let state = state_of(A, &[ev(1, Action::Produce, 1, Some(B), None, "5")]);
    assert_eq!(state, ResourceState::new(&resource(A)));
}

#[test]
fn later_event_wins_whatever_the_arrival_order() {
    let mut early = ev(1, Action::Dropoff, 1, Some(A), None, "1");
    early.to_location = Some(id(71));
    let mut late = ev(2, Action::Dropoff, 2, Some(A), None, "1");
    late.to_location = Some(id(72));
    let mut in_order = ResourceState::new(&resource(A));
    in_order.apply(&early, &no_stage);
    in_order.apply(&late, &no_stage);
    let mut reversed = ResourceState::new(&resource(A));
    reversed.apply(&late, &no_stage);
    reversed.apply(&early, &no_stage);
    assert_eq!(in_order.current_location, Some(id(72)));
    assert_eq!(in_order, reversed);
    assert_eq!(in_order, state_of(A, &[late, early]));
}

#[test]
fn same_time_events_are_ordered_by_id() {
    let mut low = ev(1, Action::Dropoff, 1, Some(A), None, "1");
    low.to_location = Some(id(71));
    let mut high = ev(2, Action::Dropoff, 1, Some(A), None, "1");
    high.to_location = Some(id(72));
    assert_eq!(state_of(A, &[high, low]).current_location, Some(id(72)));
}

#[test]
fn fold_counts_a_duplicated_event_once() {
    let raise = ev(1, Action::Raise, 1, Some(A), None, "5");
    let state = state_of(A, &[raise.clone(), raise.clone(), raise]);
    assert_eq!(state.onhand_quantity, kilos("5"));
}

#[test]
fn work_names_no_resource_and_changes_nothing() {
    let mut work = NewEconomicEvent::new(Action::Work, id(10), id(20));
    work.effort_quantity = Some(Measure::new(dec("8"), id(901)));
    let work = work.into_event(EventId::new(Uuid::from_u128(9)));
    assert_eq!(state_of(A, &[work]), ResourceState::new(&resource(A)));
}

#[test]
fn state_serde_round_trips() {
    let mut transfer = ev(2, Action::Transfer, 2, Some(A), Some(B), "1.000001");
    transfer.state = Some("sold".into());
    let state = state_of(B, &[transfer]);
    let json = serde_json::to_value(&state).expect("serialize");
    assert_eq!(json["onhandQuantity"]["hasNumericalValue"], "1.000001");
    assert_eq!(serde_json::from_value::<ResourceState>(json).expect("deserialize"), state);
}

#[test]
fn a_pending_event_is_noted_once_and_changes_nothing() {
    let raise = ev(1, Action::Raise, 1, Some(B), None, "10");
    let transfer = ev(2, Action::Transfer, 2, Some(A), Some(B), "4");
    let mut state = state_of(B, std::slice::from_ref(&raise));
    let before = state.clone();
    state.pend(&transfer);
    state.pend(&transfer);
    state.pend(&ev(3, Action::Raise, 3, Some(A), None, "1"));
    assert_eq!(state.pending, vec![transfer.id]);
    assert_eq!(quantities(&state), quantities(&before));
    assert_eq!(state.primary_accountable, before.primary_accountable);
    // Once acknowledged it is folded like any other event, and no longer pending.
    assert_eq!(quantities(&state_of(B, &[raise, transfer])), (kilos("14"), kilos("14")));
}

#[test]
fn pending_events_stay_sorted_whatever_the_order_they_are_noted_in() {
    let events: Vec<EconomicEvent> = (0..5).map(|n| ev(10 - n, Action::Transfer, 2, Some(A), Some(B), "1")).collect();
    let mut forward = ResourceState::new(&resource(B));
    let mut backward = ResourceState::new(&resource(B));
    events.iter().for_each(|e| forward.pend(e));
    events.iter().rev().for_each(|e| backward.pend(e));
    assert_eq!(forward, backward);
    assert!(forward.pending.windows(2).all(|w| w[0] < w[1]));
}
