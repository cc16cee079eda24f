//! Acknowledgements: a resource's home origin confirming an event another origin recorded.
//!
//! Derived state is a function of the records a node holds, and every node must compute the
//! same state. An event changes a resource only when its origin is the resource's home, or
//! when the home origin has signed an [`Acknowledgement`] of it (a record in its own feed).
//! Until then the event is listed in the resource's `pending` events and changes nothing:
//! a transfer into another network's inventory shows as pending until the receiving node
//! confirms receipt. The acknowledgement carries who confirmed (the op's author) and when
//! (the op's time), and travels to every node like any other record.
//!
//! An acknowledgement's id is derived from the acknowledging origin and the event, so one
//! origin acknowledges one event once, on every node alike.

use std::collections::{BTreeSet, HashSet};

use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use valueflows_model as vf;

use super::kinds::{Draft, Record, Ref, kind};
use super::observation::{parse, refold};
use super::writer::WriteCtx;
use crate::error::AppError;
use crate::store::records;

/// Longest note an acknowledgement may carry, in characters.
pub const NOTE_MAX: usize = 2_000;

/// A home origin's signed confirmation of an event recorded by another origin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Acknowledgement {
    /// `ack_id(origin, event)`.
    pub id: Uuid,
    /// The event acknowledged.
    pub event: vf::EventId,
    /// A remark, e.g. what was checked on receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Record for Acknowledgement {
    fn kind(&self) -> &'static str {
        kind::ACKNOWLEDGEMENT
    }
    fn id(&self) -> Uuid {
        self.id
    }
    fn refs(&self) -> Vec<Ref> {
        vec![Ref { field: "event", id: self.event.uuid(), kinds: &[kind::ECONOMIC_EVENT] }]
    }
    fn validate(&self) -> Result<(), AppError> {
        match &self.note {
            Some(n) if n.chars().count() > NOTE_MAX => {
                Err(AppError::invalid("note", format!("a note holds at most {NOTE_MAX} characters")))
            }
            _ => Ok(()),
        }
    }
}

/// The id of `origin`'s acknowledgement of `event`: the first 16 bytes of
/// SHA-256("vf-ack\n" origin "\n" event), as a version 8 UUID.
pub fn ack_id(origin: &str, event: Uuid) -> Uuid {
    let hash = Sha256::new()
        .chain_update(b"vf-ack\n")
        .chain_update(origin.as_bytes())
        .chain_update(b"\n")
        .chain_update(event.as_hyphenated().to_string().as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The ids of `events` that `home` has acknowledged, among the records `db` holds.
pub async fn acknowledged_by<C: ConnectionTrait>(
    db: &C,
    home: &str,
    events: &[Uuid],
) -> Result<HashSet<Uuid>, AppError> {
    if events.is_empty() {
        return Ok(HashSet::new());
    }
    // Only `home`'s own acknowledgement counts, and its id says which one that is.
    let wanted: Vec<Uuid> = events.iter().map(|e| ack_id(home, *e)).collect();
    let mut out = HashSet::new();
    for m in records::get_many(db, &wanted).await? {
        if m.kind == kind::ACKNOWLEDGEMENT && !m.deleted && m.origin == home {
            let ack: Acknowledgement = parse(&m)?;
            out.insert(ack.event.uuid());
        }
    }
    Ok(out)
}

/// The live resources of `event` homed at `origin`: those `origin`'s acknowledgement lets
/// it change. None when the event is not held.
pub async fn resources_of(
    ctx: &mut WriteCtx<'_>,
    origin: &str,
    event: vf::EventId,
) -> Result<BTreeSet<Uuid>, AppError> {
    let Some(m) = ctx.get(event.uuid()).await?.filter(|m| m.kind == kind::ECONOMIC_EVENT) else {
        return Ok(BTreeSet::new());
    };
    let event: vf::EconomicEvent = parse(&m)?;
    let mut out = BTreeSet::new();
    for r in [event.resource_inventoried_as, event.to_resource_inventoried_as].into_iter().flatten() {
        if ctx.get(r.uuid()).await?.is_some_and(|res| res.origin == origin && !res.deleted) {
            out.insert(r.uuid());
        }
    }
    Ok(out)
}

/// A request to acknowledge an event.
#[derive(Clone, Debug)]
pub struct AckInput {
    /// The event.
    pub event: vf::EventId,
    /// A remark.
    pub note: Option<String>,
}

/// Acknowledges an event inside the writer (a barrier command): stages the record and
/// refolds the resources it lets the event change. Refused when the event is unknown, was
/// recorded by this node itself, or names no resource homed here.
pub async fn acknowledge(ctx: &mut WriteCtx<'_>, input: AckInput) -> Result<Vec<Uuid>, AppError> {
    let here = ctx.origin().to_owned();
    let event_row = ctx
        .get(input.event.uuid())
        .await?
        .filter(|m| m.kind == kind::ECONOMIC_EVENT && !m.deleted)
        .ok_or_else(|| AppError::NotFound(format!("`event`: no economic event with id {}", input.event)))?;
    if event_row.origin == here {
        return Err(AppError::invalid(
            "event",
            "this node recorded the event itself: it already counts for the resources homed here",
        ));
    }
    let homed_here = resources_of(ctx, &here, input.event).await?;
    if homed_here.is_empty() {
        return Err(AppError::invalid(
            "event",
            "the event names no economic resource homed at this node: only a resource's home node acknowledges events on it",
        ));
    }
    let id = ack_id(&here, input.event.uuid());
    if ctx.get(id).await?.is_some() {
        return Err(AppError::Conflict(format!("event {} is already acknowledged by this node", input.event)));
    }
    let ack = Acknowledgement { id, event: input.event, note: input.note };
    let draft = Draft::of(&ack)?;
    ctx.check_refs(&draft).await?;
    ctx.put(draft, None, false)?;
    // The fold finds acknowledgements in the database.
    ctx.flush_own().await?;
    for r in homed_here {
        refold(ctx, r).await?;
    }
    Ok(vec![id])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_origin_gets_one_id_per_event_and_origins_differ() {
        let e = Uuid::now_v7();
        assert_eq!(ack_id("did:key:za", e), ack_id("did:key:za", e));
        assert_ne!(ack_id("did:key:za", e), ack_id("did:key:zb", e));
        assert_ne!(ack_id("did:key:za", e), ack_id("did:key:za", Uuid::now_v7()));
        assert_eq!(ack_id("did:key:za", e).get_version_num(), 8);
    }

    #[test]
    fn a_long_note_is_refused() {
        let ack = Acknowledgement {
            id: Uuid::nil(),
            event: vf::EventId::new(Uuid::nil()),
            note: Some("x".repeat(NOTE_MAX + 1)),
        };
        assert!(matches!(ack.validate(), Err(AppError::Validation { .. })));
    }
}
