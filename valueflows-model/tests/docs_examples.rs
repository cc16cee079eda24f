//! The worked examples of the ValueFlows docs (production, exchange, packing),
//! recorded through the event rules against a tiny in-memory store and folded.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use uuid::Uuid;
use valueflows_model::{
    Action, AgentId, EconomicEvent, EconomicResource, EventContext, EventError, EventId, Measure, NewEconomicEvent,
    NewEconomicResource, ProcessId, ProcessSpecificationId, Recorded, ResourceId, ResourceView, Timestamp, UnitId,
    fold,
};

fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

fn one() -> UnitId {
    id(900)
}

fn hour() -> UnitId {
    id(901)
}

fn amount(s: &str, unit: UnitId) -> Option<Measure> {
    Some(Measure::new(Decimal::from_str(s).expect("decimal"), unit))
}

fn at(s: &str) -> Option<Timestamp> {
    Some(Timestamp::parse(s).expect("time"))
}

/// Records and resources in memory; views are folded on demand.
#[derive(Default)]
struct Store {
    resources: HashMap<ResourceId, EconomicResource>,
    events: Vec<EconomicEvent>,
    stages: HashMap<ProcessId, ProcessSpecificationId>,
    next: u128,
}

impl Store {
    fn view(&self, resource: Option<ResourceId>) -> Option<ResourceView> {
        let resource = self.resources.get(&resource?)?.clone();
        let state = fold(&resource, &self.events, &|p| self.stages.get(&p).copied());
        Some(ResourceView { resource, state })
    }

    fn fresh(&mut self) -> u128 {
        self.next += 1;
        self.next
    }

    fn record(&mut self, new: NewEconomicEvent, creates: Option<NewEconomicResource>) -> Result<Recorded, EventError> {
        let from = self.view(new.resource_inventoried_as);
        let to = self.view(new.to_resource_inventoried_as);
        let corrected = new.corrects.and_then(|c| self.events.iter().find(|e| e.id == c)).cloned();
        let ctx = EventContext { resource: from.as_ref(), to_resource: to.as_ref(), corrected: corrected.as_ref() };
        let event_id: EventId = id(self.fresh());
        let new_resource = creates.map(|r| (id(self.fresh() + 10_000), r));
        let recorded = EconomicEvent::record(new, event_id, new_resource, &ctx)?;
        if let Some(resource) = &recorded.created_resource {
            self.resources.insert(resource.id, resource.clone());
        }
        self.events.push(recorded.event.clone());
        Ok(recorded)
    }

    fn onhand(&self, resource: ResourceId) -> Option<Decimal> {
        self.view(Some(resource))?.state.onhand_quantity.map(|m| m.has_numerical_value)
    }

    fn accounting(&self, resource: ResourceId) -> Option<Decimal> {
        self.view(Some(resource))?.state.accounting_quantity.map(|m| m.has_numerical_value)
    }
}

fn event(action: Action, provider: u128, receiver: u128, time: &str) -> NewEconomicEvent {
    let mut e = NewEconomicEvent::new(action, id::<AgentId>(provider), id::<AgentId>(receiver));
    e.has_point_in_time = at(time);
    e
}

fn dec(s: &str) -> Option<Decimal> {
    Decimal::from_str(s).ok()
}

/// Raises a new resource with an opening balance; returns its id.
fn opening(store: &mut Store, agent: u128, quantity: &str) -> ResourceId {
    let mut raise = event(Action::Raise, agent, agent, "2019-04-01T00:00:00Z");
    raise.resource_quantity = amount(quantity, one());
    let recorded = store.record(raise, Some(NewEconomicResource::default())).expect("raise");
    recorded.event.resource_inventoried_as.expect("created")
}

#[test]
fn correcting_errors_backs_out_and_re_enters_a_consumption() {
    let mut store = Store::default();
    let plywood = opening(&mut store, 1, "10");
    let process: ProcessId = id(700);

    let mut consume = event(Action::Consume, 1, 1, "2019-04-08T10:00:00-05:00");
    consume.input_of = Some(process);
    consume.resource_inventoried_as = Some(plywood);
    consume.resource_quantity = amount("3", one());
    let original = store.record(consume.clone(), None).expect("consume").event;
    assert_eq!(store.onhand(plywood), dec("7"));

    let mut back_out = consume.clone();
    back_out.has_point_in_time = at("2019-04-08T18:00:00-05:00");
    back_out.resource_quantity = amount("-3", one());
    back_out.corrects = Some(original.id);
    store.record(back_out, None).expect("correction");

    let mut re_entered = consume;
    re_entered.resource_quantity = amount("5", one());
    store.record(re_entered, None).expect("re-entered");
    assert_eq!(store.onhand(plywood), dec("5"));
    assert_eq!(store.accounting(plywood), dec("5"));

    let mut work = event(Action::Work, 2, 1, "2019-04-08T16:30:00-05:00");
    work.input_of = Some(process);
    work.effort_quantity = amount("7", hour());
    let work = store.record(work.clone(), None).expect("work").event;
    let mut adjust = NewEconomicEvent::from(work.clone());
    adjust.effort_quantity = amount("-1", hour());
    adjust.corrects = Some(work.id);
    store.record(adjust, None).expect("work correction");
}

#[test]
fn negative_consumption_without_corrects_is_refused() {
    let mut store = Store::default();
    let plywood = opening(&mut store, 1, "10");
    let mut consume = event(Action::Consume, 1, 1, "2019-04-08T10:00:00Z");
    consume.resource_inventoried_as = Some(plywood);
    consume.resource_quantity = amount("-3", one());
    let err = store.record(consume, None).expect_err("negative");
    assert_eq!((err.code(), err.field()), ("VALIDATION", Some("resourceQuantity")));
}

#[test]
fn move_between_wallets_decrements_one_and_increments_the_other() {
    let mut store = Store::default();
    let first = opening(&mut store, 2, "540");
    let second = opening(&mut store, 2, "480");
    let mut mv = event(Action::Move, 2, 2, "2019-04-18T08:30:08-05:00");
    mv.resource_inventoried_as = Some(first);
    mv.to_resource_inventoried_as = Some(second);
    mv.resource_quantity = amount("100", one());
    store.record(mv, None).expect("move");
    assert_eq!((store.accounting(first), store.onhand(first)), (dec("440"), dec("440")));
    assert_eq!((store.accounting(second), store.onhand(second)), (dec("580"), dec("580")));
}

#[test]
fn transfer_into_a_new_resource_gives_it_to_the_receiver() {
    let mut store = Store::default();
    let apples = opening(&mut store, 1, "30");
    let mut transfer = event(Action::Transfer, 1, 3, "2019-04-20T00:00:00Z");
    transfer.resource_inventoried_as = Some(apples);
    transfer.resource_quantity = amount("30", one());
    transfer.to_location = Some(id(55));
    let recorded = store.record(transfer, Some(NewEconomicResource::default())).expect("transfer");
    let bobs = recorded.event.to_resource_inventoried_as.expect("created to-resource");
    let view = store.view(Some(bobs)).expect("stored");
    assert_eq!(view.state.primary_accountable, Some(id(3)));
    assert_eq!(view.state.current_location, Some(id(55)));
    assert_eq!(store.onhand(bobs), dec("30"));
    assert_eq!(store.onhand(apples), dec("0"));
}

#[test]
fn packing_and_unpacking_sets_and_clears_the_container() {
    let mut store = Store::default();
    let gown = opening(&mut store, 1, "1");
    let mut produce = event(Action::Produce, 1, 1, "2019-04-09T00:00:00Z");
    produce.resource_quantity = amount("1", one());
    let package = store
        .record(produce, Some(NewEconomicResource::default()))
        .expect("package")
        .event
        .resource_inventoried_as
        .expect("created");

    let mut combine = event(Action::Combine, 1, 1, "2019-04-09T01:00:00Z");
    combine.resource_inventoried_as = Some(gown);
    combine.to_resource_inventoried_as = Some(package);
    combine.resource_quantity = amount("1", one());
    store.record(combine, None).expect("combine");
    assert_eq!(store.view(Some(gown)).expect("gown").state.contained_in, Some(package));

    let mut separate = event(Action::Separate, 1, 1, "2019-04-10T00:00:00Z");
    separate.resource_inventoried_as = Some(gown);
    separate.resource_quantity = amount("1", one());
    store.record(separate, None).expect("separate");
    let gown_view = store.view(Some(gown)).expect("gown");
    assert_eq!(gown_view.state.contained_in, None);
    assert_eq!(store.onhand(gown), dec("1"));
}

#[test]
fn modify_output_of_a_specified_process_sets_the_stage() {
    let mut store = Store::default();
    let translation = opening(&mut store, 1, "1");
    let proofreading: ProcessId = id(800);
    store.stages.insert(proofreading, id(801));

    let mut accept = event(Action::Accept, 1, 1, "2019-05-01T09:00:00Z");
    accept.input_of = Some(proofreading);
    accept.resource_inventoried_as = Some(translation);
    accept.resource_quantity = amount("1", one());
    store.record(accept, None).expect("accept");

    let mut modify = event(Action::Modify, 1, 1, "2019-05-01T17:00:00Z");
    modify.output_of = Some(proofreading);
    modify.resource_inventoried_as = Some(translation);
    modify.resource_quantity = amount("1", one());
    modify.state = Some("pass".into());
    store.record(modify, None).expect("modify");

    let state = store.view(Some(translation)).expect("stored").state;
    assert_eq!(state.stage, Some(id(801)));
    assert_eq!(state.state.as_deref(), Some("pass"));
    assert_eq!(store.onhand(translation), dec("1"));
}
