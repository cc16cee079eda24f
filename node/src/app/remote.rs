//! Applying ops that came from peers: each op is stored exactly as its origin signed it,
//! with the record revisions it carries, and the resources its events touch are folded
//! again from the records now held, so derived state stays a function of the record set.
//!
//! The ops arrive verified (`valueflows_federation::protocol::check_page`: id, signature,
//! origin, chain). Inside the transaction they are checked once more against the feed as
//! stored, since another sync task may have stored some of them meanwhile: an op already
//! held is skipped, one that does not continue the stored head is refused.
//!
//! A record revision that cannot be applied never blocks the feed: its op is stored, the
//! revision is left out and logged with the reason. That happens when the record's id is
//! homed at another origin (only a record's home origin may revise it), when its body breaks
//! this node's rules for its kind, when its kind is unknown, or when it is an
//! acknowledgement whose id is not its origin's for its event (see [`super::ack`]).

use std::collections::BTreeSet;

use uuid::Uuid;
use valueflows_federation::{Op, OpId};
use valueflows_model as vf;

use super::ack::{Acknowledgement, ack_id, resources_of};
use super::kinds::{draft_from_json, kind};
use super::observation::{parse, refold};
use super::writer::{Provenance, WriteCtx};
use crate::error::AppError;
use crate::store::entity::op;
use crate::store::{forks, ops};

/// Verified ops of one origin's feed, in seq order, each with its id and wire JSON.
#[derive(Debug, Clone)]
pub struct RemoteOps {
    /// The feed's origin (`did:key`).
    pub origin: String,
    /// The ops.
    pub ops: Vec<(Op, OpId, String)>,
}

/// Stores `remote` and folds what it changed; returns the feed's seq after it.
pub async fn apply(ctx: &mut WriteCtx<'_>, remote: RemoteOps) -> Result<i64, AppError> {
    let RemoteOps { origin, ops } = remote;
    if let Some(fork) = forks::get(ctx.db, &origin).await? {
        // Found forked while this page was on its way: the feed stays where it is.
        tracing::warn!(%origin, seq = fork.seq, "ops of a forked feed not applied");
        return Ok(ops::head(ctx.db, &origin).await?.map_or(0, |(s, _)| s));
    }
    let (mut seq, mut head) = match ops::head(ctx.db, &origin).await? {
        Some((s, id)) => (s, Some(id)),
        None => (0, None),
    };
    // Every revision first looks its record up: one query per few hundred, not one each.
    let ids: Vec<Uuid> = ops.iter().flat_map(|(op, _, _)| op.unsigned.records.iter().map(|r| r.id)).collect();
    ctx.prefetch(&ids).await?;
    let mut resources: BTreeSet<Uuid> = BTreeSet::new();
    for (op, id, json) in ops {
        let op_seq = i64::try_from(op.unsigned.seq).map_err(|_| AppError::invalid("seq", "out of range"))?;
        if op_seq <= seq {
            // Already held (another task stored it first); a different op there is a fork,
            // which the page check against the stored head reports.
            continue;
        }
        let prev = op.unsigned.prev.as_ref().map(ToString::to_string);
        if op_seq != seq + 1 || prev != head {
            return Err(AppError::Conflict(format!(
                "op {id} ({origin} seq {op_seq}) does not continue the stored feed at seq {seq}"
            )));
        }
        let author = op.unsigned.author.as_deref().and_then(|a| Uuid::parse_str(a).ok());
        for rev in &op.unsigned.records {
            match apply_revision(ctx, &origin, op_seq, &op.unsigned.time, author, rev).await {
                Ok(touched) => resources.extend(touched),
                Err(why) => tracing::warn!(
                    %origin, seq = op_seq, record = %rev.id, kind = %rev.kind, %why,
                    "record revision not applied"
                ),
            }
        }
        ctx.put_foreign_op(op::Model {
            origin: origin.clone(),
            seq: op_seq,
            op_id: id.to_string(),
            prev,
            body: json,
            stored_at: ctx.now.clone(),
        });
        seq = op_seq;
        head = Some(id.to_string());
    }
    // Folding reads events through the database: everything staged goes in first.
    ctx.flush_own().await?;
    for r in resources {
        let held = ctx.get(r).await?.is_some_and(|m| !m.deleted && m.kind == kind::ECONOMIC_RESOURCE);
        if held {
            refold(ctx, r).await?;
        }
    }
    Ok(seq)
}

/// Stages one revision; returns the resources whose state it may change.
async fn apply_revision(
    ctx: &mut WriteCtx<'_>,
    origin: &str,
    seq: i64,
    time: &str,
    author: Option<Uuid>,
    rev: &valueflows_federation::RecordRevision,
) -> Result<Vec<Uuid>, AppError> {
    let existing = ctx.get(rev.id).await?;
    if let Some(m) = &existing {
        if m.origin != origin {
            return Err(AppError::Conflict(format!("record {} is homed at {}, not at {origin}", rev.id, m.origin)));
        }
        if m.revision_id == rev.revision_id {
            return Ok(Vec::new());
        }
    }
    let draft = draft_from_json(&rev.kind, rev.body.clone())?;
    if draft.id != rev.id {
        return Err(AppError::invalid("id", format!("the body is record {}, the revision names {}", draft.id, rev.id)));
    }
    let mut touched = Vec::new();
    match draft.kind {
        kind::ECONOMIC_RESOURCE => touched.push(draft.id),
        // An acknowledgement's id names its origin and event: one per pair, on every node.
        kind::ACKNOWLEDGEMENT => {
            let ack: Acknowledgement =
                serde_json::from_value(draft.body.clone()).map_err(|e| AppError::invalid("body", e.to_string()))?;
            if draft.id != ack_id(origin, ack.event.uuid()) {
                return Err(AppError::invalid("id", "not the id of this origin's acknowledgement of this event"));
            }
            touched.extend(resources_of(ctx, origin, ack.event).await?);
        }
        // The resources an event names are among the references its draft carries.
        kind::ECONOMIC_EVENT => touched.extend(
            draft
                .refs
                .iter()
                .filter(|r| matches!(r.field, "resourceInventoriedAs" | "toResourceInventoriedAs"))
                .map(|r| r.id),
        ),
        _ => {}
    }
    // An event that was already folded and is now retracted changes its resources too.
    if let Some(m) = existing.as_ref().filter(|m| m.kind == kind::ECONOMIC_EVENT) {
        let before: vf::EconomicEvent = parse(m)?;
        touched.extend(
            [before.resource_inventoried_as, before.to_resource_inventoried_as].iter().flatten().map(|r| r.uuid()),
        );
    }
    ctx.put_foreign(
        draft,
        Provenance {
            origin: origin.to_owned(),
            seq,
            revision_id: rev.revision_id,
            time: time.to_owned(),
            author,
            first: existing.is_none(),
            created_at: existing.map_or_else(|| time.to_owned(), |m| m.created_at),
            retracted: rev.retracted,
        },
    )?;
    Ok(touched)
}
