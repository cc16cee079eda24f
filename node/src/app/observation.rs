//! Observation use cases: recording economic events and keeping resource state as the
//! fold of those events (incrementally on write, from scratch on rebuild).

use std::collections::{BTreeMap, HashMap};

use sea_orm::ConnectionTrait;
use uuid::Uuid;
use valueflows_model as vf;

use super::kinds::{Draft, kind, state_terms};
use super::writer::WriteCtx;
use crate::error::AppError;
use crate::store::{entity::record, records};

/// A `createEconomicEvent` request in domain form.
#[derive(Clone, Debug)]
pub struct EventInput {
    /// The event.
    pub event: vf::NewEconomicEvent,
    /// The resource it creates, if any (`newInventoriedResource`).
    pub new_resource: Option<vf::NewEconomicResource>,
}

/// Parses a stored body.
pub fn parse<T: serde::de::DeserializeOwned>(m: &record::Model) -> Result<T, AppError> {
    serde_json::from_str(&m.body)
        .map_err(|e| AppError::Internal(format!("stored {} {} does not parse: {e}", m.kind, m.id)))
}

/// A resource's record and derived state as they stand, if it exists and is live, and
/// whether it is homed at this node.
async fn resource_view(
    ctx: &mut WriteCtx<'_>,
    id: Option<vf::ResourceId>,
) -> Result<Option<(vf::ResourceView, bool)>, AppError> {
    let Some(id) = id else { return Ok(None) };
    let Some(m) = ctx.get(id.uuid()).await?.filter(|m| !m.deleted && m.kind == kind::ECONOMIC_RESOURCE) else {
        return Ok(None);
    };
    let resource: vf::EconomicResource = parse(&m)?;
    let state = match ctx.state(id.uuid()).await? {
        Some(s) => serde_json::from_str(&s)?,
        None => vf::ResourceState::new(&resource),
    };
    Ok(Some((vf::ResourceView { resource, state }, m.origin == ctx.origin())))
}

/// The process specification each of `processes` is based on.
fn stages_of(rows: &[record::Model]) -> Result<HashMap<vf::ProcessId, vf::ProcessSpecificationId>, AppError> {
    let mut out = HashMap::new();
    for m in rows {
        if m.kind == kind::PROCESS && !m.deleted {
            let p: vf::Process = parse(m)?;
            if let Some(spec) = p.based_on {
                out.insert(p.id, spec);
            }
        }
    }
    Ok(out)
}

/// Gives a quantity sent without a unit the unit it must be in: a resource quantity takes
/// the unit the resource is already counted in, else its specification's
/// `defaultUnitOfResource`; an effort quantity takes the specification's
/// `defaultUnitOfEffort`. A quantity that still has no unit is refused by the event rules.
async fn fill_default_units(
    ctx: &mut WriteCtx<'_>,
    input: &mut EventInput,
    res: Option<&vf::ResourceView>,
) -> Result<(), AppError> {
    let e = &mut input.event;
    let needs_resource_unit = e.resource_quantity.as_ref().is_some_and(|m| m.has_unit.is_none());
    let needs_effort_unit = e.effort_quantity.as_ref().is_some_and(|m| m.has_unit.is_none());
    if !needs_resource_unit && !needs_effort_unit {
        return Ok(());
    }
    let counted_in = res.and_then(|v| v.state.accounting_quantity.or(v.state.onhand_quantity)).and_then(|m| m.has_unit);
    let spec_id = e
        .resource_conforms_to
        .or_else(|| res.and_then(|v| v.resource.conforms_to))
        .or_else(|| input.new_resource.as_ref().and_then(|r| r.conforms_to));
    let spec = match spec_id {
        Some(id) => ctx
            .get(id.uuid())
            .await?
            .filter(|m| !m.deleted && m.kind == kind::RESOURCE_SPECIFICATION)
            .map(|m| parse::<vf::ResourceSpecification>(&m))
            .transpose()?,
        None => None,
    };
    if let Some(m) = e.resource_quantity.as_mut().filter(|m| m.has_unit.is_none()) {
        m.has_unit = counted_in.or_else(|| spec.as_ref().and_then(|s| s.default_unit_of_resource));
    }
    if let Some(m) = e.effort_quantity.as_mut().filter(|m| m.has_unit.is_none()) {
        m.has_unit = spec.as_ref().and_then(|s| s.default_unit_of_effort);
    }
    Ok(())
}

/// Records one event inside the writer's batch; returns `[event id, created resource id?]`.
pub async fn record_event(ctx: &mut WriteCtx<'_>, input: EventInput) -> Result<Vec<Uuid>, AppError> {
    let (res, res_home) = resource_view(ctx, input.event.resource_inventoried_as).await?.unzip();
    let (to_res, to_res_home) = resource_view(ctx, input.event.to_resource_inventoried_as).await?.unzip();
    let corrected = match input.event.corrects {
        Some(id) => ctx
            .get(id.uuid())
            .await?
            .filter(|m| !m.deleted && m.kind == kind::ECONOMIC_EVENT)
            .map(|m| parse::<vf::EconomicEvent>(&m))
            .transpose()?,
        None => None,
    };
    let mut input = input;
    fill_default_units(ctx, &mut input, res.as_ref()).await?;
    let event_id = vf::EventId::new(Uuid::now_v7());
    let new_resource = input.new_resource.map(|r| (vf::ResourceId::new(Uuid::now_v7()), r));
    let recorded = vf::EconomicEvent::record(
        input.event,
        event_id,
        new_resource,
        &vf::EventContext { resource: res.as_ref(), to_resource: to_res.as_ref(), corrected: corrected.as_ref() },
    )?;

    // Each resource with whether this node is its home (an event recorded here changes a
    // resource homed elsewhere only once its home acknowledges it).
    let mut states: BTreeMap<vf::ResourceId, (vf::ResourceState, bool)> = BTreeMap::new();
    for (v, home) in [res.zip(res_home), to_res.zip(to_res_home)].into_iter().flatten() {
        states.insert(v.resource.id, (v.state, home));
    }
    let mut ids = vec![event_id.uuid()];
    if let Some(created) = &recorded.created_resource {
        // vf-graphql types `EconomicResource.conformsTo` as non-null: every resource needs one.
        if created.conforms_to.is_none() {
            return Err(AppError::invalid(
                "newInventoriedResource.conformsTo",
                "a new resource needs a resource specification: give `newInventoriedResource.conformsTo` or `event.resourceConformsTo`",
            ));
        }
        let draft = Draft::of(created)?;
        ctx.check_refs(&draft).await?;
        ctx.put(draft, None, false)?;
        states.insert(created.id, (vf::ResourceState::new(created), true));
        ids.push(created.id.uuid());
    }
    let event = recorded.event;
    let draft = Draft::of(&event)?;
    ctx.check_refs(&draft).await?;
    ctx.put(draft, None, false)?;

    let process_rows = match event.output_of {
        Some(p) => ctx.get_many(&[p.uuid()]).await?,
        None => Vec::new(),
    };
    let stage_map = stages_of(&process_rows)?;
    let stage_of = |p: vf::ProcessId| stage_map.get(&p).copied();
    for (state, home) in states.values_mut() {
        if *home {
            state.apply(&event, &stage_of);
        } else {
            state.pend(&event);
        }
        ctx.put_state(state)?;
    }
    Ok(ids)
}

/// The live events that touch `resource`, as stored, with their origins.
async fn events_of<C: ConnectionTrait>(db: &C, resource: Uuid) -> Result<Vec<(vf::EconomicEvent, String)>, AppError> {
    let key = vec![resource.to_string()];
    let mut ids: Vec<Uuid> = Vec::new();
    for field in ["resourceInventoriedAs", "toResourceInventoriedAs"] {
        ids.extend(records::ids_where(db, &[kind::ECONOMIC_EVENT], field, &key).await?.into_iter().map(|(_, id)| id));
    }
    ids.sort();
    ids.dedup();
    records::get_many(db, &ids).await?.into_iter().filter(|m| !m.deleted).map(|m| Ok((parse(&m)?, m.origin))).collect()
}

/// The state of the resource `row` folded from scratch from its stored events. An event
/// counts when its origin is the resource's home (`row.origin`) or the home acknowledged
/// it (see [`super::ack`]); the others are listed as pending.
pub async fn fold_from_records<C: ConnectionTrait>(db: &C, row: &record::Model) -> Result<vf::ResourceState, AppError> {
    let resource: vf::EconomicResource = parse(row)?;
    let events = events_of(db, row.id).await?;
    let foreign: Vec<Uuid> = events.iter().filter(|(_, o)| *o != row.origin).map(|(e, _)| e.id.uuid()).collect();
    let acked = super::ack::acknowledged_by(db, &row.origin, &foreign).await?;
    let (counted, pending): (Vec<_>, Vec<_>) =
        events.into_iter().partition(|(e, o)| *o == row.origin || acked.contains(&e.id.uuid()));
    let counted: Vec<vf::EconomicEvent> = counted.into_iter().map(|(e, _)| e).collect();
    let processes: Vec<Uuid> = counted.iter().filter_map(|e| e.output_of).map(|p| p.uuid()).collect();
    let stage_map = stages_of(&records::get_many(db, &processes).await?)?;
    let stage_of = |p: vf::ProcessId| stage_map.get(&p).copied();
    let mut state = vf::fold(&resource, &counted, &stage_of);
    for (e, _) in &pending {
        state.pend(e);
    }
    Ok(state)
}

/// Recomputes and stages one resource's state from its events.
/// Runs as a barrier command: every event is already in the database.
pub async fn refold(ctx: &mut WriteCtx<'_>, id: Uuid) -> Result<(), AppError> {
    let m = ctx.get(id).await?.ok_or_else(|| AppError::NotFound(format!("no resource {id}")))?;
    let state = fold_from_records(ctx.db, &m).await?;
    ctx.put_state(&state)
}

/// After a process changed, refolds the resources its outputs went to if the process's
/// specification (their `stage`) changed. Runs as a barrier command.
pub async fn refold_outputs_if_restaged(ctx: &mut WriteCtx<'_>, id: Uuid, before: &str) -> Result<(), AppError> {
    let old: vf::Process = serde_json::from_str(before)?;
    let new: vf::Process = match ctx.get(id).await? {
        Some(m) => parse(&m)?,
        None => return Ok(()),
    };
    if old.based_on == new.based_on {
        return Ok(());
    }
    // The fold reads processes from the database: the new revision must be there.
    ctx.flush_own().await?;
    let key = vec![id.to_string()];
    let outputs: Vec<Uuid> = records::ids_where(ctx.db, &[kind::ECONOMIC_EVENT], "outputOf", &key)
        .await?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let mut resources: Vec<Uuid> = Vec::new();
    for m in records::get_many(ctx.db, &outputs).await? {
        let e: vf::EconomicEvent = parse(&m)?;
        resources
            .extend([e.resource_inventoried_as, e.to_resource_inventoried_as].into_iter().flatten().map(|r| r.uuid()));
    }
    resources.sort();
    resources.dedup();
    for r in resources {
        refold(ctx, r).await?;
    }
    Ok(())
}

/// What `rebuild` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebuildReport {
    /// Resources whose state was recomputed.
    pub resources: usize,
    /// Resources whose stored state differed from the recomputed one.
    pub changed: Vec<Uuid>,
}

/// Recomputes every resource's state from its events; stores the result when `apply`.
pub async fn rebuild<C: ConnectionTrait>(db: &C, apply: bool) -> Result<RebuildReport, AppError> {
    let q = records::ListQuery { kinds: vec![kind::ECONOMIC_RESOURCE], filters: Vec::new() };
    let mut report = RebuildReport::default();
    let mut cursor = None;
    loop {
        let (page, more) = records::page(db, &q, records::PageWindow { forward: true, cursor, limit: 500 }).await?;
        let ids: Vec<Uuid> = page.iter().map(|m| m.id).collect();
        let stored = records::states(db, &ids).await?;
        for m in &page {
            let fresh = fold_from_records(db, m).await?;
            let fresh_json = serde_json::to_value(&fresh)?;
            let old_json = match stored.get(&m.id) {
                Some(s) => Some(serde_json::from_str::<serde_json::Value>(s)?),
                None => None,
            };
            report.resources += 1;
            if old_json.as_ref() != Some(&fresh_json) {
                report.changed.push(m.id);
                if apply {
                    let id = fresh.resource.uuid();
                    records::put_state(db, id, serde_json::to_string(&fresh)?).await?;
                    records::replace_index(db, id, "state.", &state_terms(&fresh)).await?;
                }
            }
        }
        cursor = page.last().map(|m| m.id);
        if !more {
            break;
        }
    }
    Ok(report)
}
