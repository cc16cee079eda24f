//! Track and trace (ValueFlows "Track and trace", <https://valueflo.ws/algorithms/track/>):
//! which way value flows through events, processes and resources, and the set-based walk
//! over the lookup index that follows it.
//!
//! # The rules
//!
//! The flow graph has three kinds of nodes (economic resources, economic events and
//! processes) and these directed edges, each read "value flows from ... to ...":
//!
//! 1. **event -> process**: the event is an input of the process (`inputOf`).
//! 2. **process -> event**: the event is an output of the process (`outputOf`).
//! 3. **resource -> event**: the event takes from, uses or cites the resource: its
//!    `resourceInventoriedAs`, unless the event adds to it (rule 4). That is the resource of
//!    consume, use, cite, accept, pickup, combine and lower, and the giving side of
//!    transfers, moves and copies ([`EventLinks::from_resource`]).
//! 4. **event -> resource**: the event adds to or packs into the resource
//!    ([`EventLinks::into_resource`]): the `toResourceInventoriedAs` of the actions that add
//!    to it (transfer, transferAllRights, transferCustody, move, copy) or put something in
//!    it (combine: the container); otherwise the `resourceInventoriedAs` when the action
//!    increments it (produce, raise, dropoff, modify, separate) or the event is an output
//!    of a process.
//! 5. **containment, item -> container**: the item is in the container (its derived
//!    `containedIn`) or was created in it. What happens to a container happens to what it
//!    holds, and what a container holds is part of where it came from. Packing recorded
//!    with combine events is rule 4 (item -> combine -> container), so it stays visible
//!    after the item is unpacked. A separate (unpack) event names only the item: it adds to
//!    the item (rule 4) and links nothing back to the container it left.
//! 6. **lots, resource <-> resource**: resources of the same lot (`lot`, a ProductBatch)
//!    are linked both ways: a lot is "used to track forward or backwards to all occurrences
//!    of resources of that lot".
//!
//! `next` is one step forwards and `previous` one step backwards over rules 1 to 4 (their
//! GraphQL types hold no resource-to-resource step). `track` is everything reachable
//! forwards from a start, `trace` everything reachable backwards, over all six rules.
//! Hence: branching (a resource consumed by two processes) tracks into both branches;
//! merging (two inputs of one process) traces into both; a transfer or move tracks from the
//! giving resource into the receiving one (another agent's, or another place's) and traces
//! back; resources of a lot bring in each other's flows.
//!
//! A walk visits each record once, so cycles end: a resource repaired by a process
//! (accept, then modify, of the same resource) or going round the same processes again is
//! listed once. The result is breadth-first: by number of steps from the start, then by
//! id (ids are UUIDv7, so creation order); the start itself is not listed. A walk covers
//! the whole recorded history of each resource it reaches, not only what came before (or
//! after) a point in time: the "breadcrumbs" of the ValueFlows pseudocode
//! (`previousEvent`) are not recorded, and its pairing of pickup/dropoff, accept/modify
//! and combine/separate only keeps a walk on the same resource, which here is one record
//! visited once. `triggeredBy` is not followed (ValueFlows 1.0 dropped it); lower events
//! take from their resource (rule 3), so they are downstream of it, not upstream as in
//! the pseudocode.
//!
//! # Cost
//!
//! Each step of a walk is one statement ([`records::flow_facts`]): the flow facts of every event
//! naming the step's resources or processes, the containers or contents and the lot mates
//! of its resources, all from `record_index`. An event's facts arrive with the query that
//! finds it, so steps out of events cost nothing. The records of the result are fetched at
//! the end, in batches, through the record cache. A walk that finds more than
//! `api.max_trace_items` records stops with `LIMIT`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use uuid::Uuid;
use valueflows_model as vf;

use super::App;
use super::kinds::kind;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::{self, FactQuery};

/// What a node of the flow graph is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlowKind {
    /// An economic resource.
    Resource,
    /// An economic event.
    Event,
    /// A process.
    Process,
}

impl FlowKind {
    /// The record kind it is stored as.
    pub fn record_kind(self) -> &'static str {
        match self {
            FlowKind::Resource => kind::ECONOMIC_RESOURCE,
            FlowKind::Event => kind::ECONOMIC_EVENT,
            FlowKind::Process => kind::PROCESS,
        }
    }
}

/// A node of the flow graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowRef {
    /// Its kind.
    pub kind: FlowKind,
    /// Its record id.
    pub id: Uuid,
}

impl FlowRef {
    /// A resource.
    pub fn resource(id: Uuid) -> FlowRef {
        FlowRef { kind: FlowKind::Resource, id }
    }
    /// An event.
    pub fn event(id: Uuid) -> FlowRef {
        FlowRef { kind: FlowKind::Event, id }
    }
    /// A process.
    pub fn process(id: Uuid) -> FlowRef {
        FlowRef { kind: FlowKind::Process, id }
    }
}

/// Which way to follow the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Downstream, to where value went: `next`, `track`.
    Forward,
    /// Upstream, to where it came from: `previous`, `trace`.
    Backward,
}

/// A node of a walk's result with its stored record.
#[derive(Clone, Debug)]
pub struct FlowRecord {
    /// Its kind.
    pub kind: FlowKind,
    /// Its current record.
    pub row: Arc<record::Model>,
}

/// The facts of an event that place it in the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventLinks {
    /// What the event did.
    pub action: vf::Action,
    /// `resourceInventoriedAs`.
    pub resource: Option<Uuid>,
    /// `toResourceInventoriedAs`.
    pub to_resource: Option<Uuid>,
    /// `inputOf`.
    pub input_of: Option<Uuid>,
    /// `outputOf`.
    pub output_of: Option<Uuid>,
}

impl EventLinks {
    /// The links of a parsed event.
    pub fn of(e: &vf::EconomicEvent) -> EventLinks {
        EventLinks {
            action: e.action,
            resource: e.resource_inventoried_as.map(|r| r.uuid()),
            to_resource: e.to_resource_inventoried_as.map(|r| r.uuid()),
            input_of: e.input_of.map(|p| p.uuid()),
            output_of: e.output_of.map(|p| p.uuid()),
        }
    }

    /// The resource the event adds to or packs into (rule 4 of the module docs).
    pub fn into_resource(&self) -> Option<Uuid> {
        let fx = self.action.effects();
        if self.to_resource.is_some()
            && (fx.changes_to_quantity() || fx.contained_effect == vf::ContainedEffect::Update)
        {
            return self.to_resource;
        }
        let increments = [fx.accounting_effect, fx.onhand_effect].contains(&vf::QuantityEffect::Increment);
        if increments || self.output_of.is_some() { self.resource } else { None }
    }

    /// The resource the event takes from, uses or cites (rule 3 of the module docs).
    pub fn from_resource(&self) -> Option<Uuid> {
        match (self.resource, self.into_resource()) {
            (Some(r), Some(into)) if r == into => None,
            (r, _) => r,
        }
    }

    /// The nodes one step away in `dir` (rules 1 to 4).
    fn neighbours(&self, dir: Direction) -> impl Iterator<Item = FlowRef> {
        let (process, resource) = match dir {
            Direction::Forward => (self.input_of, self.into_resource()),
            Direction::Backward => (self.output_of, self.from_resource()),
        };
        process.map(FlowRef::process).into_iter().chain(resource.map(FlowRef::resource))
    }
}

/// The resource `e` adds to or packs into (rule 4 of the module docs).
pub fn into_resource(e: &vf::EconomicEvent) -> Option<vf::ResourceId> {
    EventLinks::of(e).into_resource().map(vf::ResourceId::new)
}

/// The resource `e` takes from, uses or cites (rule 3 of the module docs).
pub fn from_resource(e: &vf::EconomicEvent) -> Option<vf::ResourceId> {
    EventLinks::of(e).from_resource().map(vf::ResourceId::new)
}

/// The facts an event's links are read from.
const EVENT_FIELDS: &[&str] = &["action", "resourceInventoriedAs", "toResourceInventoriedAs", "outputOf", "inputOf"];
/// The fields saying which container a resource is in (now, or since it was created).
const CONTAINED_FIELDS: &[&str] = &["state.containedIn", "initialContainedIn"];
/// The fields by which an event names a resource that may be its from-resource.
const FROM_FIELDS: &[&str] = &["resourceInventoriedAs"];
/// The fields by which an event names a resource that may be its into-resource.
const INTO_FIELDS: &[&str] = &["resourceInventoriedAs", "toResourceInventoriedAs"];

/// Event links from the values of [`EVENT_FIELDS`], as [`records::flow_facts`] returns them
/// (a walk backwards leaves out `inputOf`, which it never follows).
fn links_from(values: &[Option<String>]) -> Option<EventLinks> {
    let id = |i: usize| values.get(i).and_then(|v| v.as_deref()).and_then(|v| Uuid::parse_str(v).ok());
    Some(EventLinks {
        action: vf::Action::parse(values.first()?.as_deref()?).ok()?,
        resource: id(1),
        to_resource: id(2),
        output_of: id(3),
        input_of: id(4),
    })
}

/// What a step looks up, besides the production flow.
#[derive(Clone, Copy, Debug)]
struct Extra {
    /// Follow rule 5 (containment).
    containment: bool,
    /// Follow rule 6 (lots).
    lots: bool,
}

/// The parts of one step's lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// Facts of events of the frontier not seen before.
    Unknown,
    /// Facts of events naming a resource of the frontier.
    ResourceEvents,
    /// Facts of events in or out of a process of the frontier.
    ProcessEvents,
    /// Containers (forward) or contents (backward) of the frontier's resources.
    Containment,
    /// Resources sharing a lot with the frontier's resources.
    Lots,
}

/// A walk in progress: its direction, and the links of every event met so far.
struct Walker<'a> {
    app: &'a App,
    dir: Direction,
    extra: Extra,
    event_fields: &'static [&'static str],
    events: HashMap<Uuid, EventLinks>,
}

impl<'a> Walker<'a> {
    fn new(app: &'a App, dir: Direction, extra: Extra) -> Walker<'a> {
        // Backwards, an event leads to the process it is an output of and to its
        // from-resource: its `inputOf` is never needed, and not reading it saves a lookup.
        let event_fields = match dir {
            Direction::Forward => EVENT_FIELDS,
            Direction::Backward => &EVENT_FIELDS[..4],
        };
        Walker { app, dir, extra, event_fields, events: HashMap::new() }
    }

    /// The nodes one step from `frontier` (unsorted; may repeat, and may include nodes met
    /// before). One statement, or none when the step only leaves events already known (more
    /// only past [`records::MAX_BOUND`] values).
    async fn step(&mut self, frontier: &[FlowRef]) -> Result<Vec<FlowRef>, AppError> {
        let forward = self.dir == Direction::Forward;
        let mut resources: BTreeSet<Uuid> = BTreeSet::new();
        let mut processes: BTreeSet<Uuid> = BTreeSet::new();
        let mut events: Vec<Uuid> = Vec::new();
        for f in frontier {
            match f.kind {
                FlowKind::Resource => {
                    resources.insert(f.id);
                }
                FlowKind::Process => {
                    processes.insert(f.id);
                }
                FlowKind::Event => events.push(f.id),
            }
        }
        events.sort_unstable();
        events.dedup();
        let unknown: Vec<Uuid> = events.iter().copied().filter(|e| !self.events.contains_key(e)).collect();
        let resource_ids: Vec<Uuid> = resources.iter().copied().collect();
        let resource_values: Vec<String> = resources.iter().map(Uuid::to_string).collect();
        let process_values: Vec<String> = processes.iter().map(Uuid::to_string).collect();

        let mut parts: Vec<(Part, FactQuery<'_>)> = Vec::new();
        if !unknown.is_empty() {
            parts.push((Part::Unknown, FactQuery::Of { ids: &unknown, fields: self.event_fields }));
        }
        if !resources.is_empty() {
            let via = if forward { FROM_FIELDS } else { INTO_FIELDS };
            parts.push((
                Part::ResourceEvents,
                FactQuery::Referring {
                    kind: kind::ECONOMIC_EVENT,
                    via,
                    values: &resource_values,
                    fields: self.event_fields,
                },
            ));
            if self.extra.containment {
                let q = if forward {
                    FactQuery::Of { ids: &resource_ids, fields: CONTAINED_FIELDS }
                } else {
                    FactQuery::Referring {
                        kind: kind::ECONOMIC_RESOURCE,
                        via: CONTAINED_FIELDS,
                        values: &resource_values,
                        fields: CONTAINED_FIELDS,
                    }
                };
                parts.push((Part::Containment, q));
            }
            if self.extra.lots {
                parts.push((
                    Part::Lots,
                    FactQuery::Sharing { kind: kind::ECONOMIC_RESOURCE, field: "lot", ids: &resource_ids },
                ));
            }
        }
        if !processes.is_empty() {
            let via: &[&str] = if forward { &["outputOf"] } else { &["inputOf"] };
            parts.push((
                Part::ProcessEvents,
                FactQuery::Referring {
                    kind: kind::ECONOMIC_EVENT,
                    via,
                    values: &process_values,
                    fields: self.event_fields,
                },
            ));
        }
        let facts = if parts.is_empty() {
            Vec::new()
        } else {
            let queries: Vec<FactQuery<'_>> = parts.iter().map(|(_, q)| *q).collect();
            records::flow_facts(self.app.store().db(), &queries).await?
        };

        let mut out = Vec::new();
        let mut resource_events: BTreeSet<Uuid> = BTreeSet::new();
        for row in facts {
            let part = parts[row.part].0;
            match part {
                Part::Unknown | Part::ResourceEvents | Part::ProcessEvents => {
                    let links = links_from(&row.values).ok_or_else(|| {
                        AppError::Internal(format!("economic event {} has no action in the index", row.record_id))
                    })?;
                    self.events.insert(row.record_id, links);
                    if part == Part::ResourceEvents {
                        resource_events.insert(row.record_id);
                    } else if part == Part::ProcessEvents {
                        out.push(FlowRef::event(row.record_id));
                    }
                }
                Part::Containment if forward => {
                    let containers = row.values.iter().flatten().filter_map(|v| Uuid::parse_str(v).ok());
                    out.extend(containers.map(FlowRef::resource));
                }
                Part::Containment | Part::Lots => out.push(FlowRef::resource(row.record_id)),
            }
        }
        for id in &events {
            let links = self
                .events
                .get(id)
                .ok_or_else(|| AppError::NotFound(format!("economic event {id} is not recorded")))?;
            out.extend(links.neighbours(self.dir));
        }
        // An event naming a frontier resource is a step away only if it flows out of that
        // resource (forward) or into it (backward): the others are on its other side.
        for id in resource_events {
            if let Some(links) = self.events.get(&id) {
                let side = if forward { links.from_resource() } else { links.into_resource() };
                if side.is_some_and(|r| resources.contains(&r)) {
                    out.push(FlowRef::event(id));
                }
            }
        }
        Ok(out)
    }
}

impl App {
    /// Every node downstream of `start` (`track`), breadth-first; see the module docs.
    pub async fn track(&self, start: FlowRef) -> Result<Vec<FlowRecord>, AppError> {
        self.flow_records(start, Direction::Forward).await
    }

    /// Every node upstream of `start` (`trace`), breadth-first; see the module docs.
    pub async fn trace(&self, start: FlowRef) -> Result<Vec<FlowRecord>, AppError> {
        self.flow_records(start, Direction::Backward).await
    }

    /// The nodes reachable from `start` in `dir`, breadth-first, without their records.
    /// Fails with `LIMIT` past `max` nodes.
    pub async fn flow_walk(&self, start: FlowRef, dir: Direction, max: usize) -> Result<Vec<FlowRef>, AppError> {
        let mut walker = Walker::new(self, dir, Extra { containment: true, lots: true });
        let mut seen: HashSet<Uuid> = HashSet::from([start.id]);
        let mut out = Vec::new();
        let mut frontier = vec![start];
        while !frontier.is_empty() {
            let mut found: Vec<FlowRef> =
                walker.step(&frontier).await?.into_iter().filter(|f| seen.insert(f.id)).collect();
            found.sort_unstable_by_key(|f| f.id);
            out.extend_from_slice(&found);
            if out.len() > max {
                let what = if dir == Direction::Forward { "track" } else { "trace" };
                return Err(AppError::Limit(format!(
                    "the {what} holds more than {max} items (api.max_trace_items); start from a later or smaller part of the flow"
                )));
            }
            frontier = found;
        }
        Ok(out)
    }

    /// The processes one resource hop away from `process`: forward, those taking in what it
    /// put out (`nextProcesses`); backward, those whose outputs it took in
    /// (`previousProcesses`). Directly (an event output of one and input of the other) or
    /// through a resource; never the process itself. In id order.
    pub async fn adjacent_processes(&self, process: Uuid, dir: Direction) -> Result<Vec<Arc<record::Model>>, AppError> {
        let mut walker = Walker::new(self, dir, Extra { containment: false, lots: false });
        // process -> its events -> processes (directly) or resources -> their events -> processes.
        let events = walker.step(&[FlowRef::process(process)]).await?;
        let second = walker.step(&events).await?;
        let (mut found, resources): (Vec<FlowRef>, Vec<FlowRef>) =
            second.into_iter().partition(|f| f.kind == FlowKind::Process);
        let third = walker.step(&resources).await?;
        found.extend(walker.step(&third).await?.into_iter().filter(|f| f.kind == FlowKind::Process));
        let ids: BTreeSet<Uuid> = found.into_iter().map(|f| f.id).filter(|id| *id != process).collect();
        let ids: Vec<Uuid> = ids.into_iter().collect();
        let mut rows = self.live_rows(&ids).await?;
        Ok(ids.iter().filter_map(|id| rows.remove(id)).filter(|m| m.kind == kind::PROCESS).collect())
    }

    async fn flow_records(&self, start: FlowRef, dir: Direction) -> Result<Vec<FlowRecord>, AppError> {
        let refs = self.flow_walk(start, dir, self.config().api.max_trace_items).await?;
        let ids: Vec<Uuid> = refs.iter().map(|f| f.id).collect();
        let mut rows = self.live_rows(&ids).await?;
        Ok(refs
            .into_iter()
            .filter_map(|f| {
                let row = rows.remove(&f.id)?;
                (row.kind == f.kind.record_kind()).then_some(FlowRecord { kind: f.kind, row })
            })
            .collect())
    }

    /// Live records by id: from the record cache when on, the rest in batched queries.
    pub async fn live_rows(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Arc<record::Model>>, AppError> {
        let mut found: HashMap<Uuid, Arc<record::Model>> = HashMap::with_capacity(ids.len());
        let missing: Vec<Uuid> = match self.cache() {
            Some(cache) => {
                found.extend(cache.records(ids));
                ids.iter().copied().filter(|id| !found.contains_key(id)).collect()
            }
            None => ids.to_vec(),
        };
        if !missing.is_empty() {
            let generation = self.cache().map(|c| c.generation());
            let rows: Vec<Arc<record::Model>> =
                records::get_many(self.store().db(), &missing).await?.into_iter().map(Arc::new).collect();
            if let (Some(cache), Some(generation)) = (self.cache(), generation) {
                cache.fill_records(generation, rows.iter().cloned());
            }
            found.extend(rows.into_iter().map(|m| (m.id, m)));
        }
        found.retain(|_, m| !m.deleted);
        Ok(found)
    }
}

#[cfg(test)]
mod tests;
