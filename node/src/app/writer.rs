//! The write path. One task owns writing: it takes queued commands, runs each in a
//! savepoint of ONE transaction (group commit), appends one signed op per command to the
//! node's feed, and answers only after the transaction has committed.

use std::sync::Arc;

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;
use valueflows_federation::{NodeKey, OP_VERSION, OpId, RecordRevision, UnsignedOp};
use valueflows_model as vf;

use super::kinds::Draft;
use crate::error::AppError;
use crate::store::entity::{op, record, record_revision};
use crate::store::{ops, records};

/// Builds a record's next revision from its current row.
pub type Revise = Box<dyn FnOnce(&record::Model) -> Result<Draft, AppError> + Send>;

/// A change to the ledger, run inside the writer's transaction.
pub enum Command {
    /// Create a record.
    Create(Draft),
    /// Revise a record: `revise` gets the current row and returns the new draft. The
    /// `revision_id` must be the record's current one.
    Update {
        /// Kinds the record may have.
        kinds: &'static [&'static str],
        /// The revision the client saw.
        revision_id: Uuid,
        /// Builds the new revision from the current row.
        revise: Revise,
    },
    /// Retract a record nothing depends on.
    Delete {
        /// Kinds the record may have.
        kinds: &'static [&'static str],
        /// Which record.
        target: DeleteTarget,
    },
    /// Record an economic event (and the resource it creates), folding it into resource state.
    RecordEvent(Box<super::observation::EventInput>),
}

/// How a delete names its record.
#[derive(Clone, Copy, Debug)]
pub enum DeleteTarget {
    /// By its current revision id (most deletes).
    Revision(Uuid),
    /// By record id (`deleteProcess(id:)`).
    Id(Uuid),
}

/// What a committed command produced.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Ids of the records written, main record first.
    pub ids: Vec<Uuid>,
    /// The op that carried it: `(seq, op id)`.
    pub seq: i64,
}

struct Job {
    cmd: Command,
    author: vf::AgentId,
    reply: oneshot::Sender<Result<Outcome, AppError>>,
}

/// Handle to the writer task.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

/// What the writer task needs.
pub struct WriterParts {
    /// Where to write.
    pub db: DatabaseConnection,
    /// Signs the node's ops.
    pub key: Arc<NodeKey>,
    /// Most commands per transaction.
    pub batch: usize,
}

impl Writer {
    /// Starts the writer task.
    pub fn spawn(parts: WriterParts) -> Writer {
        let (tx, rx) = mpsc::channel(parts.batch.max(1) * 4);
        tokio::spawn(run(parts, rx));
        Writer { tx }
    }

    /// Runs `cmd` on behalf of `author`; returns after commit.
    pub async fn submit(&self, cmd: Command, author: vf::AgentId) -> Result<Outcome, AppError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { cmd, author, reply })
            .await
            .map_err(|_| AppError::Internal("the writer has stopped".to_owned()))?;
        rx.await.map_err(|_| AppError::Internal("the writer dropped a write".to_owned()))?
    }
}

async fn run(parts: WriterParts, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(parts.batch);
    while rx.recv_many(&mut batch, parts.batch.max(1)).await > 0 {
        write_batch(&parts, std::mem::take(&mut batch)).await;
    }
}

/// The feed position the next op extends.
struct Head {
    seq: i64,
    id: Option<OpId>,
}

async fn write_batch(parts: &WriterParts, jobs: Vec<Job>) {
    let txn = match parts.db.begin().await {
        Ok(t) => t,
        Err(e) => {
            fail_all(jobs, &format!("begin: {e}"));
            return;
        }
    };
    let origin = parts.key.did().to_string();
    let mut head = match ops::head(&txn, &origin).await {
        Ok(Some((seq, id))) => match OpId::parse(&id) {
            Ok(id) => Head { seq, id: Some(id) },
            Err(e) => {
                fail_all(jobs, &format!("stored head op id: {e}"));
                return;
            }
        },
        Ok(None) => Head { seq: 0, id: None },
        Err(e) => {
            fail_all(jobs, &format!("feed head: {e}"));
            return;
        }
    };
    let mut results = Vec::with_capacity(jobs.len());
    let single = jobs.len() == 1;
    for job in jobs {
        let res = if single {
            run_one(&txn, parts, &origin, &mut head, job.cmd, job.author).await
        } else {
            in_savepoint(&txn, parts, &origin, &mut head, job.cmd, job.author).await
        };
        results.push((job.reply, res));
    }
    if let Err(e) = txn.commit().await {
        tracing::error!(error = %e, "commit failed; no write of this batch was stored");
        for (reply, res) in results {
            let _ = reply.send(res.and(Err(AppError::Internal(format!("commit: {e}")))));
        }
        return;
    }
    for (reply, res) in results {
        if let Err(AppError::Internal(detail)) = &res {
            tracing::error!(%detail, "write failed");
        }
        let _ = reply.send(res);
    }
}

async fn in_savepoint(
    txn: &DatabaseTransaction,
    parts: &WriterParts,
    origin: &str,
    head: &mut Head,
    cmd: Command,
    author: vf::AgentId,
) -> Result<Outcome, AppError> {
    let sp = txn.begin().await?;
    let before = Head { seq: head.seq, id: head.id.clone() };
    match run_one(&sp, parts, origin, head, cmd, author).await {
        Ok(out) => {
            sp.commit().await?;
            Ok(out)
        }
        Err(e) => {
            *head = before;
            sp.rollback().await?;
            Err(e)
        }
    }
}

fn fail_all(jobs: Vec<Job>, why: &str) {
    tracing::error!(%why, "write batch failed");
    for j in jobs {
        let _ = j.reply.send(Err(AppError::Internal(why.to_owned())));
    }
}

/// One command: apply its records, append its op. Any error leaves the head unchanged.
async fn run_one(
    txn: &DatabaseTransaction,
    parts: &WriterParts,
    origin: &str,
    head: &mut Head,
    cmd: Command,
    author: vf::AgentId,
) -> Result<Outcome, AppError> {
    let now = vf::Timestamp::from_datetime(chrono::Utc::now()).to_rfc3339();
    let mut ctx = WriteCtx { txn, origin, now: &now, author, revisions: Vec::new(), seq: head.seq + 1 };
    let ids = match cmd {
        Command::Create(draft) => vec![ctx.create(draft).await?],
        Command::Update { kinds, revision_id, revise } => vec![ctx.update(kinds, revision_id, revise).await?],
        Command::Delete { kinds, target } => vec![ctx.delete(kinds, target).await?],
        Command::RecordEvent(input) => super::observation::record_event(&mut ctx, *input).await?,
    };
    let unsigned = UnsignedOp {
        v: OP_VERSION,
        origin: parts.key.did(),
        seq: u64::try_from(ctx.seq).map_err(|_| AppError::Internal("negative seq".to_owned()))?,
        prev: head.id.clone(),
        time: now.clone(),
        author: Some(author.to_string()),
        records: std::mem::take(&mut ctx.revisions),
    };
    let op = unsigned.sign(&parts.key)?;
    let op_id = op.id()?;
    ops::append(
        txn,
        op::Model {
            origin: origin.to_owned(),
            seq: ctx.seq,
            op_id: op_id.to_string(),
            prev: head.id.as_ref().map(ToString::to_string),
            body: op.to_json()?,
            stored_at: now.clone(),
        },
    )
    .await?;
    head.seq = ctx.seq;
    head.id = Some(op_id);
    Ok(Outcome { ids, seq: ctx.seq })
}

/// The state of one command's write, shared by the record-level operations.
pub struct WriteCtx<'a> {
    /// The open transaction (or savepoint).
    pub txn: &'a DatabaseTransaction,
    origin: &'a str,
    /// The write's time, canonical RFC 3339.
    pub now: &'a str,
    author: vf::AgentId,
    revisions: Vec<RecordRevision>,
    seq: i64,
}

impl WriteCtx<'_> {
    /// Fails unless every reference names a live record of an allowed kind.
    pub async fn check_refs(&self, draft: &Draft) -> Result<(), AppError> {
        let ids: Vec<Uuid> = draft.refs.iter().map(|r| r.id).collect();
        let found = records::get_many(self.txn, &ids).await?;
        for r in &draft.refs {
            let ok = found.iter().any(|m| m.id == r.id && !m.deleted && r.kinds.contains(&m.kind.as_str()));
            if !ok {
                return Err(AppError::NotFound(format!("`{}`: no {} with id {}", r.field, r.kinds.join(" or "), r.id)));
            }
        }
        Ok(())
    }

    /// Writes a new revision of a record (new or existing) and queues it for the op.
    pub async fn put(&mut self, draft: Draft, created_at: Option<String>, retracted: bool) -> Result<Uuid, AppError> {
        let revision_id = Uuid::now_v7();
        let body = serde_json::to_string(&draft.body)?;
        records::upsert(
            self.txn,
            record::Model {
                id: draft.id,
                kind: draft.kind.to_owned(),
                revision_id,
                origin: self.origin.to_owned(),
                body: body.clone(),
                created_at: created_at.unwrap_or_else(|| self.now.to_owned()),
                updated_at: self.now.to_owned(),
                author: Some(self.author.uuid()),
                deleted: retracted,
            },
        )
        .await?;
        records::add_revision(
            self.txn,
            record_revision::Model {
                revision_id,
                record_id: draft.id,
                kind: draft.kind.to_owned(),
                body,
                time: self.now.to_owned(),
                author: Some(self.author.uuid()),
                retracted,
                origin: self.origin.to_owned(),
                seq: self.seq,
            },
        )
        .await?;
        // Derived (`state.*`) facts are the fold's business, not the record's.
        let own: Vec<(String, String)> = if retracted { Vec::new() } else { draft.index.clone() };
        records::replace_index(self.txn, draft.id, "", &own).await?;
        self.revisions.push(RecordRevision {
            kind: draft.kind.to_owned(),
            id: draft.id,
            revision_id,
            retracted,
            body: draft.body,
        });
        Ok(draft.id)
    }

    async fn create(&mut self, draft: Draft) -> Result<Uuid, AppError> {
        self.check_refs(&draft).await?;
        self.put(draft, None, false).await
    }

    async fn current(&self, kinds: &[&str], revision_id: Uuid) -> Result<record::Model, AppError> {
        let rev = records::revision(self.txn, revision_id)
            .await?
            .filter(|r| kinds.contains(&r.kind.as_str()))
            .ok_or_else(|| AppError::NotFound(format!("no {} revision {revision_id}", kinds.join(" or "))))?;
        let current = records::get(self.txn, rev.record_id)
            .await?
            .filter(|m| !m.deleted)
            .ok_or_else(|| AppError::NotFound(format!("record {} was deleted", rev.record_id)))?;
        if current.revision_id != revision_id {
            return Err(AppError::Conflict(format!(
                "revision {revision_id} is not the latest of {}; the latest is {}",
                current.id, current.revision_id
            )));
        }
        Ok(current)
    }

    async fn update(
        &mut self,
        kinds: &'static [&'static str],
        revision_id: Uuid,
        revise: Revise,
    ) -> Result<Uuid, AppError> {
        let current = self.current(kinds, revision_id).await?;
        let draft = revise(&current)?;
        if draft.id != current.id || !kinds.contains(&draft.kind) {
            return Err(AppError::Internal("an update changed the record's id or kind".to_owned()));
        }
        self.check_refs(&draft).await?;
        let id = self.put(draft, Some(current.created_at.clone()), false).await?;
        if current.kind == super::kinds::kind::ECONOMIC_RESOURCE {
            super::observation::refold(self, id).await?;
        }
        Ok(id)
    }

    async fn delete(&mut self, kinds: &'static [&'static str], target: DeleteTarget) -> Result<Uuid, AppError> {
        let current = match target {
            DeleteTarget::Revision(rev) => self.current(kinds, rev).await?,
            DeleteTarget::Id(id) => records::get(self.txn, id)
                .await?
                .filter(|m| !m.deleted && kinds.contains(&m.kind.as_str()))
                .ok_or_else(|| AppError::NotFound(format!("no {} with id {id}", kinds.join(" or "))))?,
        };
        let dependents = records::referrers(self.txn, &current.id.to_string()).await?;
        let others: Vec<_> = dependents.iter().filter(|(id, _)| *id != current.id).collect();
        if !others.is_empty() {
            let list: Vec<String> = others.iter().map(|(id, f)| format!("{id} ({f})")).collect();
            return Err(AppError::Conflict(format!(
                "{} {} cannot be deleted: other records refer to it: {}",
                current.kind,
                current.id,
                list.join(", ")
            )));
        }
        let body: serde_json::Value = serde_json::from_str(&current.body)?;
        let kind = kinds
            .iter()
            .find(|k| **k == current.kind)
            .copied()
            .ok_or_else(|| AppError::Internal("kind vanished".to_owned()))?;
        let draft = Draft { kind, id: current.id, body, refs: Vec::new(), index: Vec::new() };
        self.put(draft, Some(current.created_at.clone()), true).await
    }
}
