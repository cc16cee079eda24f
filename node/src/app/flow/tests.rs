//! The track-and-trace rules on small ledgers, each recorded through the app layer into
//! its own SQLite database.

use rust_decimal::Decimal;
use uuid::Uuid;
use valueflows_model as vf;

use super::{Direction, EventLinks, FlowKind, FlowRef};
use crate::app::App;
use crate::app::observation::EventInput;
use crate::config::{Config, SqliteSync};
use crate::error::AppError;
use crate::store::records::{self, FactQuery, MAX_BOUND};

/// A node on a temporary SQLite database, with two agents and a unit.
struct Ledger {
    app: App,
    me: vf::AgentId,
    coop: vf::AgentId,
    each: vf::UnitId,
    thing: vf::ResourceSpecificationId,
    _dir: tempfile::TempDir,
}

/// What an event is recorded with.
#[derive(Default)]
struct On {
    resource: Option<Uuid>,
    to_resource: Option<Uuid>,
    input_of: Option<Uuid>,
    output_of: Option<Uuid>,
    /// Create a resource (on the side the action creates on).
    create: bool,
    lot: Option<Uuid>,
    contained_in: Option<Uuid>,
    receiver_is_coop: bool,
}

impl Ledger {
    async fn new() -> Ledger {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cfg = Config::ephemeral(dir.path());
        cfg.storage.sqlite_synchronous = SqliteSync::Normal;
        let app = App::open(cfg).await.expect("node opens");
        let me = app.self_agent();
        let coop = vf::AgentId::new(Uuid::now_v7());
        let person = vf::Agent {
            id: coop,
            kind: vf::AgentKind::Organization,
            name: "Coop".to_owned(),
            image: None,
            note: None,
            primary_location: None,
            classified_as: Vec::new(),
        };
        app.create(&person, me).await.expect("agent");
        let each = vf::UnitId::new(Uuid::now_v7());
        app.create(&vf::Unit { id: each, label: "one".to_owned(), symbol: "ea".to_owned() }, me).await.expect("unit");
        let thing = vf::ResourceSpecificationId::new(Uuid::now_v7());
        app.create(&spec(thing), me).await.expect("resource specification");
        Ledger { app, me, coop, each, thing, _dir: dir }
    }

    async fn process(&self, name: &str) -> Uuid {
        let p = vf::Process {
            id: vf::ProcessId::new(Uuid::now_v7()),
            name: name.to_owned(),
            has_beginning: None,
            has_end: None,
            finished: false,
            note: None,
            classified_as: Vec::new(),
            in_scope_of: Vec::new(),
            based_on: None,
            nested_in: None,
            planned_within: None,
        };
        self.app.create(&p, self.me).await.expect("process").id
    }

    async fn lot(&self, number: &str) -> Uuid {
        let b = vf::ProductBatch {
            id: vf::ProductBatchId::new(Uuid::now_v7()),
            batch_number: number.to_owned(),
            expiry_date: None,
            production_date: None,
        };
        self.app.create(&b, self.me).await.expect("lot").id
    }

    /// Records an event; returns its id and the id of the resource it created.
    async fn event(&self, action: vf::Action, on: On) -> (Uuid, Option<Uuid>) {
        let receiver = if on.receiver_is_coop { self.coop } else { self.me };
        let mut e = vf::NewEconomicEvent::new(action, self.me, receiver);
        e.has_point_in_time = Some(vf::Timestamp::parse("2026-03-02T10:00:00Z").expect("time"));
        let effects = action.effects();
        if effects.event_quantity != vf::EventQuantity::Resource {
            e.effort_quantity = Some(vf::Measure::new(Decimal::ONE, self.each));
        }
        if effects.event_quantity != vf::EventQuantity::Effort {
            e.resource_quantity = Some(vf::Measure::new(Decimal::ONE, self.each));
            e.resource_conforms_to = Some(self.thing);
        }
        e.resource_inventoried_as = on.resource.map(vf::ResourceId::new);
        e.to_resource_inventoried_as = on.to_resource.map(vf::ResourceId::new);
        e.input_of = on.input_of.map(vf::ProcessId::new);
        e.output_of = on.output_of.map(vf::ProcessId::new);
        let new_resource = on.create.then(|| vf::NewEconomicResource {
            name: Some(format!("made by {action}")),
            lot: on.lot.map(vf::ProductBatchId::new),
            contained_in: on.contained_in.map(vf::ResourceId::new),
            ..vf::NewEconomicResource::default()
        });
        let (event, resource) =
            self.app.record_event(EventInput { event: e, new_resource }, self.me).await.expect("event recorded");
        (event.id, resource.map(|r| r.id))
    }

    /// A new resource raised from nothing; returns (raise event, resource).
    async fn raise(&self, on: On) -> (Uuid, Uuid) {
        let (e, r) = self.event(vf::Action::Raise, On { create: true, ..on }).await;
        (e, r.expect("raised resource"))
    }

    async fn walk(&self, start: FlowRef, dir: Direction) -> Vec<Uuid> {
        self.app.flow_walk(start, dir, 1000).await.expect("walk").into_iter().map(|f| f.id).collect()
    }

    async fn track(&self, start: FlowRef) -> Vec<Uuid> {
        self.walk(start, Direction::Forward).await
    }

    async fn trace(&self, start: FlowRef) -> Vec<Uuid> {
        self.walk(start, Direction::Backward).await
    }
}

fn spec(id: vf::ResourceSpecificationId) -> vf::ResourceSpecification {
    vf::ResourceSpecification {
        id,
        name: "Thing".to_owned(),
        image: None,
        image_list: Vec::new(),
        resource_classified_as: Vec::new(),
        note: None,
        default_unit_of_resource: None,
        default_unit_of_effort: None,
        substitutable: None,
        medium_of_exchange: None,
    }
}

/// The expected order: hop by hop, each hop in id order.
fn hops(steps: &[&[Uuid]]) -> Vec<Uuid> {
    steps
        .iter()
        .flat_map(|s| {
            let mut s = s.to_vec();
            s.sort();
            s
        })
        .collect()
}

fn some(id: Uuid) -> Option<Uuid> {
    Some(id)
}

// ----- which side of an event a resource is on -----------------------------------------

fn links(action: vf::Action, resource: Option<Uuid>, to_resource: Option<Uuid>, output: bool) -> EventLinks {
    EventLinks { action, resource, to_resource, input_of: None, output_of: output.then(Uuid::now_v7) }
}

#[test]
fn transfers_and_moves_flow_from_the_resource_into_the_to_resource() {
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    for action in [vf::Action::Transfer, vf::Action::TransferAllRights, vf::Action::TransferCustody, vf::Action::Move] {
        let l = links(action, some(a), some(b), false);
        assert_eq!((l.from_resource(), l.into_resource()), (some(a), some(b)), "{action}");
        // Only the giving side inventoried: the value leaves the ledger.
        let l = links(action, some(a), None, false);
        assert_eq!((l.from_resource(), l.into_resource()), (some(a), None), "{action}");
        // Only the receiving side inventoried.
        let l = links(action, None, some(b), false);
        assert_eq!((l.from_resource(), l.into_resource()), (None, some(b)), "{action}");
    }
}

#[test]
fn combine_packs_the_resource_into_its_container() {
    let (item, container) = (Uuid::now_v7(), Uuid::now_v7());
    let l = links(vf::Action::Combine, some(item), some(container), false);
    assert_eq!((l.from_resource(), l.into_resource()), (some(item), some(container)));
    let l = links(vf::Action::Separate, some(item), None, true);
    assert_eq!((l.from_resource(), l.into_resource()), (None, some(item)));
}

#[test]
fn increments_and_outputs_add_to_their_resource_and_the_rest_take_from_it() {
    let r = Uuid::now_v7();
    for action in [vf::Action::Produce, vf::Action::Raise, vf::Action::Dropoff, vf::Action::Modify] {
        let l = links(action, some(r), None, false);
        assert_eq!((l.from_resource(), l.into_resource()), (None, some(r)), "{action}");
    }
    for action in [
        vf::Action::Consume,
        vf::Action::Use,
        vf::Action::Cite,
        vf::Action::Accept,
        vf::Action::Pickup,
        vf::Action::Lower,
    ] {
        let l = links(action, some(r), None, false);
        assert_eq!((l.from_resource(), l.into_resource()), (some(r), None), "{action}");
        // A to-resource the action does not act on is not where value goes.
        let l = links(action, some(r), some(Uuid::now_v7()), false);
        assert_eq!((l.from_resource(), l.into_resource()), (some(r), None), "{action}");
    }
    // A service delivered as the output of a process, naming a resource, adds to it.
    let l = links(vf::Action::DeliverService, some(r), None, true);
    assert_eq!((l.from_resource(), l.into_resource()), (None, some(r)));
}

// ----- walks ------------------------------------------------------------------------------

#[tokio::test]
async fn a_resource_consumed_by_two_processes_tracks_into_both_branches() {
    let l = Ledger::new().await;
    let (raised, steel) = l.raise(On::default()).await;
    let (cut, weld) = (l.process("cut").await, l.process("weld").await);
    let (c1, _) =
        l.event(vf::Action::Consume, On { resource: some(steel), input_of: some(cut), ..On::default() }).await;
    let (c2, _) =
        l.event(vf::Action::Consume, On { resource: some(steel), input_of: some(weld), ..On::default() }).await;
    let (p1, parts) = l.event(vf::Action::Produce, On { output_of: some(cut), create: true, ..On::default() }).await;
    let (p2, frame) = l.event(vf::Action::Produce, On { output_of: some(weld), create: true, ..On::default() }).await;
    let (parts, frame) = (parts.expect("parts"), frame.expect("frame"));

    assert_eq!(l.track(FlowRef::resource(steel)).await, hops(&[&[c1, c2], &[cut, weld], &[p1, p2], &[parts, frame]]));
    // Tracing one branch does not wander into the other.
    assert_eq!(l.trace(FlowRef::resource(parts)).await, hops(&[&[p1], &[cut], &[c1], &[steel], &[raised]]));
    // From an event and from a process.
    assert_eq!(l.track(FlowRef::event(c2)).await, hops(&[&[weld], &[p2], &[frame]]));
    assert_eq!(l.trace(FlowRef::process(weld)).await, hops(&[&[c2], &[steel], &[raised]]));
}

#[tokio::test]
async fn two_inputs_merging_into_one_process_are_both_traced() {
    let l = Ledger::new().await;
    let (r1_raised, r1) = l.raise(On::default()).await;
    let (r2_raised, r2) = l.raise(On::default()).await;
    let asm = l.process("assemble").await;
    let (c1, _) = l.event(vf::Action::Consume, On { resource: some(r1), input_of: some(asm), ..On::default() }).await;
    let (c2, _) = l.event(vf::Action::Consume, On { resource: some(r2), input_of: some(asm), ..On::default() }).await;
    let (w, _) = l.event(vf::Action::Work, On { input_of: some(asm), ..On::default() }).await;
    let (out, pump) = l.event(vf::Action::Produce, On { output_of: some(asm), create: true, ..On::default() }).await;
    let pump = pump.expect("pump");

    assert_eq!(
        l.trace(FlowRef::resource(pump)).await,
        hops(&[&[out], &[asm], &[c1, c2, w], &[r1, r2], &[r1_raised, r2_raised]])
    );
    // Tracking one input reaches the product, not the other input.
    assert_eq!(l.track(FlowRef::resource(r1)).await, hops(&[&[c1], &[asm], &[out], &[pump]]));
}

#[tokio::test]
async fn a_transfer_leads_into_the_other_agents_resource_and_back() {
    let l = Ledger::new().await;
    let (raised, pumps) = l.raise(On::default()).await;
    let (t, theirs) = l
        .event(
            vf::Action::Transfer,
            On { resource: some(pumps), create: true, receiver_is_coop: true, ..On::default() },
        )
        .await;
    let theirs = theirs.expect("the coop's resource");
    // The coop consumes its pumps in a process of its own.
    let install = l.process("install").await;
    let (used, _) =
        l.event(vf::Action::Use, On { resource: some(theirs), input_of: some(install), ..On::default() }).await;

    assert_eq!(l.track(FlowRef::resource(pumps)).await, hops(&[&[t], &[theirs], &[used], &[install]]));
    assert_eq!(l.trace(FlowRef::resource(theirs)).await, hops(&[&[t], &[pumps], &[raised]]));
    assert_eq!(l.trace(FlowRef::process(install)).await, hops(&[&[used], &[theirs], &[t], &[pumps], &[raised]]));
}

#[tokio::test]
async fn a_move_leads_into_the_resource_at_the_new_place() {
    let l = Ledger::new().await;
    let (raised_here, here) = l.raise(On::default()).await;
    let (raised_there, there) = l.raise(On::default()).await;
    let (moved, _) =
        l.event(vf::Action::Move, On { resource: some(here), to_resource: some(there), ..On::default() }).await;
    let (sold, _) = l.event(vf::Action::Lower, On { resource: some(there), ..On::default() }).await;

    assert_eq!(l.track(FlowRef::resource(here)).await, hops(&[&[moved], &[there], &[sold]]));
    assert_eq!(l.trace(FlowRef::resource(there)).await, hops(&[&[raised_there, moved], &[here], &[raised_here]]));
    // Lower takes from the resource: it is downstream, never upstream.
    assert!(!l.trace(FlowRef::resource(there)).await.contains(&sold));
}

#[tokio::test]
async fn resources_of_one_lot_bring_in_each_others_flows_both_ways() {
    let l = Ledger::new().await;
    let lot = l.lot("L-42").await;
    let (cow_raised, cow) = l.raise(On::default()).await;
    let butcher = l.process("butcher").await;
    let (killed, _) =
        l.event(vf::Action::Consume, On { resource: some(cow), input_of: some(butcher), ..On::default() }).await;
    let (steaks_made, steaks) = l
        .event(vf::Action::Produce, On { output_of: some(butcher), create: true, lot: some(lot), ..On::default() })
        .await;
    let (mince_made, mince) = l
        .event(vf::Action::Produce, On { output_of: some(butcher), create: true, lot: some(lot), ..On::default() })
        .await;
    let (steaks, mince) = (steaks.expect("steaks"), mince.expect("mince"));
    // Another resource of the lot, recorded without its flow (an inventory count).
    let (counted, found) = l.raise(On { lot: some(lot), ..On::default() }).await;
    let (sold, shop) = l
        .event(
            vf::Action::Transfer,
            On { resource: some(found), create: true, receiver_is_coop: true, ..On::default() },
        )
        .await;
    let shop = shop.expect("the coop's resource");
    // A resource outside the lot, from the same process, is not a lot mate.
    let (_, bones) = l.event(vf::Action::Produce, On { output_of: some(butcher), create: true, ..On::default() }).await;
    let bones = bones.expect("bones");

    // Tracking the steaks finds the other resources of the lot and where they went.
    assert_eq!(l.track(FlowRef::resource(steaks)).await, hops(&[&[mince, found], &[sold], &[shop]]));
    // Tracing the mince finds how each resource of the lot came about.
    assert_eq!(
        l.trace(FlowRef::resource(mince)).await,
        hops(&[&[mince_made, steaks, found], &[butcher, steaks_made, counted], &[killed], &[cow], &[cow_raised]])
    );
    assert!(!l.trace(FlowRef::resource(mince)).await.contains(&bones));
    assert!(!l.trace(FlowRef::resource(bones)).await.contains(&mince));
}

#[tokio::test]
async fn a_packed_item_goes_where_its_container_goes() {
    let l = Ledger::new().await;
    let (gown_raised, gown) = l.raise(On::default()).await;
    let (box_raised, crate_) = l.raise(On::default()).await;
    let (packed, _) =
        l.event(vf::Action::Combine, On { resource: some(gown), to_resource: some(crate_), ..On::default() }).await;
    // A label created inside the crate (no combine event: its record says where it is).
    let (label_raised, label) = l.raise(On { contained_in: some(crate_), ..On::default() }).await;
    let (shipped, landed) = l
        .event(
            vf::Action::Transfer,
            On { resource: some(crate_), create: true, receiver_is_coop: true, ..On::default() },
        )
        .await;
    let landed = landed.expect("the coop's crate");

    // Item -> its container (derived containedIn) and the combine event -> the crate -> where it went.
    assert_eq!(l.track(FlowRef::resource(gown)).await, hops(&[&[packed, crate_], &[shipped], &[landed]]));
    assert_eq!(l.track(FlowRef::resource(label)).await, hops(&[&[crate_], &[shipped], &[landed]]));
    // What the crate holds is part of where the delivery came from.
    assert_eq!(
        l.trace(FlowRef::resource(landed)).await,
        hops(&[&[shipped], &[crate_], &[box_raised, packed, gown, label], &[gown_raised, label_raised]])
    );

    // Unpacked: the gown is out of the crate now, but was packed by the combine event.
    let (unpacked, _) = l.event(vf::Action::Separate, On { resource: some(gown), ..On::default() }).await;
    assert_eq!(l.track(FlowRef::resource(gown)).await, hops(&[&[packed], &[crate_], &[shipped], &[landed]]));
    assert_eq!(l.trace(FlowRef::resource(gown)).await, hops(&[&[gown_raised, unpacked]]));
    let contents = l.trace(FlowRef::resource(crate_)).await;
    assert!(contents.contains(&label) && contents.contains(&gown), "{contents:?}");
}

#[tokio::test]
async fn a_repaired_item_going_round_the_same_process_is_visited_once() {
    let l = Ledger::new().await;
    let (raised, pump) = l.raise(On::default()).await;
    let repair = l.process("repair").await;
    let (in1, _) =
        l.event(vf::Action::Accept, On { resource: some(pump), input_of: some(repair), ..On::default() }).await;
    let (out1, _) =
        l.event(vf::Action::Modify, On { resource: some(pump), output_of: some(repair), ..On::default() }).await;
    let (in2, _) =
        l.event(vf::Action::Accept, On { resource: some(pump), input_of: some(repair), ..On::default() }).await;
    let (out2, _) =
        l.event(vf::Action::Modify, On { resource: some(pump), output_of: some(repair), ..On::default() }).await;
    let (part_raised, part) = l.raise(On::default()).await;
    let (fitted, _) =
        l.event(vf::Action::Consume, On { resource: some(part), input_of: some(repair), ..On::default() }).await;

    assert_eq!(l.track(FlowRef::resource(pump)).await, hops(&[&[in1, in2], &[repair], &[out1, out2]]));
    assert_eq!(
        l.trace(FlowRef::resource(pump)).await,
        hops(&[&[raised, out1, out2], &[repair], &[in1, in2, fitted], &[part], &[part_raised]])
    );
    // A longer cycle: the pump is consumed into a process whose output is recycled back into it.
    let recycle = l.process("recycle").await;
    let (scrapped, _) =
        l.event(vf::Action::Consume, On { resource: some(pump), input_of: some(recycle), ..On::default() }).await;
    let (reclaimed, _) =
        l.event(vf::Action::Produce, On { resource: some(part), output_of: some(recycle), ..On::default() }).await;
    let tracked = l.track(FlowRef::resource(pump)).await;
    assert_eq!(
        tracked,
        hops(&[&[in1, in2, scrapped], &[repair, recycle], &[out1, out2, reclaimed], &[part], &[fitted]])
    );
    let mut unique = tracked.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), tracked.len(), "each record once");
}

#[tokio::test]
async fn next_and_previous_processes_go_through_resources_and_services() {
    let l = Ledger::new().await;
    let (cut, weld, paint, advise) =
        (l.process("cut").await, l.process("weld").await, l.process("paint").await, l.process("advise").await);
    let (_, parts) = l.event(vf::Action::Produce, On { output_of: some(cut), create: true, ..On::default() }).await;
    let parts = parts.expect("parts");
    l.event(vf::Action::Consume, On { resource: some(parts), input_of: some(weld), ..On::default() }).await;
    l.event(vf::Action::Use, On { resource: some(parts), input_of: some(paint), ..On::default() }).await;
    // A service delivered by one process into another, with no resource between them.
    l.event(vf::Action::DeliverService, On { output_of: some(advise), input_of: some(cut), ..On::default() }).await;

    let ids = |rows: Vec<std::sync::Arc<crate::store::entity::record::Model>>| -> Vec<Uuid> {
        rows.iter().map(|m| m.id).collect()
    };
    assert_eq!(ids(l.app.adjacent_processes(cut, Direction::Forward).await.expect("next")), hops(&[&[weld, paint]]));
    assert_eq!(ids(l.app.adjacent_processes(weld, Direction::Backward).await.expect("previous")), vec![cut]);
    assert_eq!(ids(l.app.adjacent_processes(advise, Direction::Forward).await.expect("next")), vec![cut]);
    assert_eq!(ids(l.app.adjacent_processes(cut, Direction::Backward).await.expect("previous")), vec![advise]);
    assert!(l.app.adjacent_processes(paint, Direction::Forward).await.expect("next").is_empty());
}

#[tokio::test]
async fn a_walk_past_the_cap_is_refused_and_records_come_back_in_walk_order() {
    let l = Ledger::new().await;
    let (_, steel) = l.raise(On::default()).await;
    let cut = l.process("cut").await;
    l.event(vf::Action::Consume, On { resource: some(steel), input_of: some(cut), ..On::default() }).await;
    let (_, parts) = l.event(vf::Action::Produce, On { output_of: some(cut), create: true, ..On::default() }).await;
    let err = l.app.flow_walk(FlowRef::resource(steel), Direction::Forward, 2).await.expect_err("capped");
    assert!(matches!(err, AppError::Limit(_)), "{err:?}");
    assert_eq!(l.app.flow_walk(FlowRef::resource(steel), Direction::Forward, 4).await.expect("fits").len(), 4);

    let records = l.app.track(FlowRef::resource(steel)).await.expect("track");
    let kinds: Vec<FlowKind> = records.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![FlowKind::Event, FlowKind::Process, FlowKind::Event, FlowKind::Resource]);
    assert_eq!(records[3].row.id, parts.expect("parts"));
    assert!(records.iter().all(|r| r.row.kind == r.kind.record_kind()));
}

#[tokio::test]
async fn an_unknown_start_event_is_not_found() {
    let l = Ledger::new().await;
    let err = l.app.flow_walk(FlowRef::event(Uuid::now_v7()), Direction::Backward, 10).await.expect_err("unknown");
    assert!(matches!(err, AppError::NotFound(_)), "{err:?}");
    assert!(l.trace(FlowRef::resource(Uuid::now_v7())).await.is_empty());
}

#[tokio::test]
async fn a_lookup_wider_than_one_statement_is_split_and_finds_everything() {
    let l = Ledger::new().await;
    let (raised, steel) = l.raise(On::default()).await;
    let cut = l.process("cut").await;
    let (consumed, _) =
        l.event(vf::Action::Consume, On { resource: some(steel), input_of: some(cut), ..On::default() }).await;
    // The real resource among more values than one statement may bind, near both ends.
    let mut values: Vec<String> = (0..MAX_BOUND + 2_000).map(|_| Uuid::now_v7().to_string()).collect();
    values[1] = steel.to_string();
    values[MAX_BOUND + 1_500] = steel.to_string();
    let mut ids: Vec<Uuid> = (0..MAX_BOUND + 10).map(|_| Uuid::now_v7()).collect();
    ids.push(consumed);
    let rows = records::flow_facts(
        l.app.store().db(),
        &[
            FactQuery::Referring {
                kind: crate::app::kinds::kind::ECONOMIC_EVENT,
                via: &["resourceInventoriedAs"],
                values: &values,
                fields: &["action", "inputOf"],
            },
            FactQuery::Of { ids: &ids, fields: &["action"] },
        ],
    )
    .await
    .expect("facts");
    let mut found: Vec<(usize, Uuid, Vec<Option<String>>)> =
        rows.into_iter().map(|r| (r.part, r.record_id, r.values)).collect();
    found.sort();
    found.dedup();
    let (raise, consume) = (Some("raise".to_owned()), Some("consume".to_owned()));
    assert_eq!(
        found,
        vec![
            (0, raised, vec![raise, None]),
            (0, consumed, vec![consume.clone(), Some(cut.to_string())]),
            (1, consumed, vec![consume]),
        ]
    );
}
