//! The write path. One task owns writing: it takes the commands queued since its last
//! commit and runs them in ONE transaction (group commit). Each command is checked
//! against the records as they stand (stored, or staged by earlier commands of the same
//! batch), stages its records, derived state and one signed op of the node's feed; the
//! batch is flushed in a few multi-row statements and committed, and only then is each
//! command answered. A command that fails stages nothing. After the commit, what each
//! successful command changed is published to subscribers (`changes`). A command whose
//! caller stopped waiting before its batch began (a request cut by its timeout, a client
//! gone) is dropped unrun; once begun, a command runs to its commit or leaves nothing.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;
use uuid::Uuid;
use valueflows_federation::{NodeKey, OP_VERSION, OpId, RecordRevision, UnsignedOp};
use valueflows_model as vf;

use super::changes::{ChangeKind, Changes, Committed, RecordChange};
use super::kinds::{Draft, kind, state_terms};
use super::write_set::WriteSet;
use crate::auth::Actor;
use crate::error::AppError;
use crate::store::entity::{op, record, record_revision};
use crate::store::{ops, records, shared};

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
    /// Create a plan, its processes and commitments from a recipe.
    PlanFromRecipe(Box<super::recipe::PlanFromRecipe>),
    /// Acknowledge another origin's event on resources homed here, folding it in.
    Acknowledge(Box<super::ack::AckInput>),
    /// Store verified ops of another origin's feed (or of this node's own, restored from
    /// peers) with their records, and fold them into derived state. Adds no op of its own.
    ApplyRemote(Box<super::remote::RemoteOps>),
}

impl Command {
    /// Commands that must query the index (who refers to a record, which events touch a
    /// resource) see the database, so they run after the batch so far is flushed, in a
    /// savepoint of their own.
    fn is_barrier(&self) -> bool {
        match self {
            Command::Delete { .. } => true,
            // Resource state folds over events and the stage of their processes; recipe
            // flows and process kinds are checked for cycles through the index; a claim's
            // units are checked against the settlements found through the index, and a
            // commitment's or intent's against its fulfillments and satisfactions.
            Command::Update { kinds, .. } => {
                kinds.contains(&kind::ECONOMIC_RESOURCE)
                    || kinds.contains(&kind::PROCESS)
                    || kinds.contains(&kind::RECIPE_FLOW)
                    || kinds.contains(&kind::RECIPE_PROCESS)
                    || kinds.contains(&kind::CLAIM)
                    || kinds.contains(&kind::COMMITMENT)
                    || kinds.contains(&kind::INTENT)
            }
            Command::Create(draft) => draft.kind == kind::RECIPE_FLOW,
            Command::RecordEvent(_) => false,
            // It reads the recipe through the index.
            Command::PlanFromRecipe(_) => true,
            // It folds the event's resources again, through the index.
            Command::Acknowledge(_) => true,
            // It folds through the index, and may extend this node's own feed.
            Command::ApplyRemote(_) => true,
        }
    }
}

impl Command {
    /// A short name for logs.
    fn name(&self) -> &'static str {
        match self {
            Command::Create(_) => "create",
            Command::Update { .. } => "update",
            Command::Delete { .. } => "delete",
            Command::RecordEvent(_) => "record event",
            Command::PlanFromRecipe(_) => "plan from recipe",
            Command::Acknowledge(_) => "acknowledge event",
            Command::ApplyRemote(_) => "apply remote ops",
        }
    }

    /// Records (and resource states) the command will read: fetched for the whole
    /// batch in one query each before any command runs.
    fn reads(&self, records: &mut Vec<Uuid>, states: &mut Vec<Uuid>) {
        match self {
            Command::Create(draft) => records.extend(draft.refs.iter().map(|r| r.id)),
            Command::RecordEvent(input) => {
                let e = &input.event;
                let resources = [e.resource_inventoried_as, e.to_resource_inventoried_as];
                states.extend(resources.iter().flatten().map(|r| r.uuid()));
                records.extend(resources.iter().flatten().map(|r| r.uuid()));
                records.extend([e.provider.uuid(), e.receiver.uuid()]);
                records.extend(e.input_of.iter().chain(&e.output_of).map(|p| p.uuid()));
                records.extend(e.at_location.iter().chain(&e.to_location).map(|p| p.uuid()));
                records.extend(e.resource_conforms_to.iter().map(|p| p.uuid()));
                records.extend(e.corrects.iter().chain(&e.triggered_by).map(|p| p.uuid()));
                records.extend(e.realization_of.iter().map(|a| a.uuid()));
                records.extend(
                    [e.resource_quantity, e.effort_quantity]
                        .iter()
                        .flatten()
                        .filter_map(|m| m.has_unit)
                        .map(|u| u.uuid()),
                );
            }
            Command::Update { .. }
            | Command::Delete { .. }
            | Command::PlanFromRecipe(_)
            | Command::Acknowledge(_)
            | Command::ApplyRemote(_) => {}
        }
    }
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
    /// The rows written, main record first, as committed.
    pub rows: Vec<record::Model>,
    /// The op's position in the node's feed.
    pub seq: i64,
    /// What the command changed, published once the batch is committed.
    pub notice: Committed,
}

struct Job {
    cmd: Command,
    author: Actor,
    reply: oneshot::Sender<Result<Outcome, AppError>>,
    /// The span that submitted it: the batch that runs it links to it.
    span: tracing::Span,
}

/// Handle to the writer task.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
    /// Commands in the batch being written now.
    writing: Arc<AtomicUsize>,
}

/// How busy the writer is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteLoad {
    /// Commands queued, not yet taken into a batch.
    pub queued: usize,
    /// Commands in the batch being written.
    pub writing: usize,
}

/// What the writer task needs.
pub struct WriterParts {
    /// Where to write.
    pub db: DatabaseConnection,
    /// Signs the node's ops.
    pub key: Arc<NodeKey>,
    /// Most commands per transaction.
    pub batch: usize,
    /// The process's record cache, kept current after each commit (None when off).
    pub cache: Option<Arc<super::cache::RecordCache>>,
    /// Where committed changes are published.
    pub changes: Changes,
    /// Set when other replicas may write the same database (PostgreSQL).
    pub shared: Option<SharedWrites>,
}

/// A writer's part in a database several replicas write (`store::shared`).
#[derive(Debug)]
pub struct SharedWrites {
    /// This process's replica id, on the change notices it leaves.
    pub replica: String,
    /// The last change notice this writer knows of: when the database holds a later one,
    /// another replica wrote, and the record cache may be stale.
    pub seen: std::sync::atomic::AtomicI64,
}

impl SharedWrites {
    /// Takes the writer lock for `txn` and drops the record cache when another replica
    /// wrote since this writer last looked.
    async fn begin(&self, txn: &DatabaseTransaction, cache: Option<&super::cache::RecordCache>) -> Result<(), DbErr> {
        use std::sync::atomic::Ordering;
        shared::lock_writer(txn).await?;
        let last = shared::last_change(txn).await?;
        if self.seen.swap(last, Ordering::AcqRel) != last
            && let Some(cache) = cache
        {
            cache.clear();
        }
        Ok(())
    }
}

impl Writer {
    /// Starts the writer task.
    pub fn spawn(parts: WriterParts) -> Writer {
        let (tx, rx) = mpsc::channel(parts.batch.max(1) * 4);
        let writing = Arc::new(AtomicUsize::new(0));
        tokio::spawn(run(parts, rx, writing.clone()));
        Writer { tx, writing }
    }

    /// Commands queued and being written now.
    pub fn load(&self) -> WriteLoad {
        WriteLoad { queued: self.tx.max_capacity() - self.tx.capacity(), writing: self.writing.load(Ordering::Relaxed) }
    }

    /// Runs `cmd` on behalf of `author`; returns after commit. Dropping the future before
    /// the writer takes the command into a batch withdraws it; after that, the command runs
    /// to its commit (or its failure) whether or not anyone waits for the answer.
    #[tracing::instrument(level = "debug", name = "writer.submit", skip_all, fields(command = cmd.name()))]
    pub async fn submit(&self, cmd: Command, author: Actor) -> Result<Outcome, AppError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { cmd, author, reply, span: tracing::Span::current() })
            .await
            .map_err(|_| AppError::Internal("the writer has stopped".to_owned()))?;
        rx.await.map_err(|_| AppError::Internal("the writer dropped a write".to_owned()))?
    }
}

async fn run(parts: WriterParts, mut rx: mpsc::Receiver<Job>, writing: Arc<AtomicUsize>) {
    let mut batch = Vec::with_capacity(parts.batch);
    while rx.recv_many(&mut batch, parts.batch.max(1)).await > 0 {
        // Nobody waits for these any more (their request timed out, or its client left):
        // not running them keeps a cut request from writing after it was refused. Those
        // taken below run to their commit whatever happens to their callers.
        let taken = batch.len();
        batch.retain(|job| !job.reply.is_closed());
        if batch.len() < taken {
            tracing::debug!(dropped = taken - batch.len(), "writes withdrawn by their callers before they ran");
        }
        if batch.is_empty() {
            continue;
        }
        writing.store(batch.len(), Ordering::Relaxed);
        write_batch(&parts, std::mem::take(&mut batch)).await;
        writing.store(0, Ordering::Relaxed);
    }
}

/// The feed position the next op extends.
#[derive(Clone)]
struct Head {
    seq: i64,
    id: Option<OpId>,
}

/// Database reads made during one batch, so each record is fetched once per batch.
#[derive(Default)]
pub struct ReadCache {
    records: HashMap<Uuid, Option<record::Model>>,
    states: HashMap<Uuid, Option<String>>,
}

impl ReadCache {
    /// Fetches what the batch's commands will read, in two queries.
    #[tracing::instrument(level = "debug", name = "writer.prefetch", skip_all)]
    async fn prefetch(
        &mut self,
        db: &DatabaseTransaction,
        shared: Option<&super::cache::RecordCache>,
        mut ids: Vec<Uuid>,
        mut state_ids: Vec<Uuid>,
    ) -> Result<(), AppError> {
        ids.sort();
        ids.dedup();
        state_ids.sort();
        state_ids.dedup();
        // This task is the only writer: the process cache holds what is committed.
        if let Some(shared) = shared {
            for (id, m) in shared.records(&ids) {
                self.records.insert(id, Some((*m).clone()));
            }
            for (id, s) in shared.states(&state_ids) {
                self.states.insert(id, Some((*s).clone()));
            }
            ids.retain(|id| !self.records.contains_key(id));
            state_ids.retain(|id| !self.states.contains_key(id));
        }
        let mut found: HashMap<Uuid, record::Model> =
            records::get_many(db, &ids).await?.into_iter().map(|m| (m.id, m)).collect();
        for id in ids {
            self.records.insert(id, found.remove(&id));
        }
        let mut states = records::states(db, &state_ids).await?;
        for id in state_ids {
            self.states.insert(id, states.remove(&id));
        }
        Ok(())
    }
}

async fn head(txn: &DatabaseTransaction, origin: &str) -> Result<Head, AppError> {
    Ok(match ops::head(txn, origin).await? {
        Some((seq, id)) => {
            Head { seq, id: Some(OpId::parse(&id).map_err(|e| AppError::Internal(format!("stored head: {e}")))?) }
        }
        None => Head { seq: 0, id: None },
    })
}

/// One transaction for `jobs`. Its span is the root of a trace of its own, linked to the
/// span of every command's submitter (each of which waits on the batch).
#[tracing::instrument(level = "debug", name = "writer.batch", skip_all, fields(jobs = jobs.len()))]
async fn write_batch(parts: &WriterParts, jobs: Vec<Job>) {
    let batch = tracing::Span::current();
    for j in &jobs {
        batch.follows_from(&j.span);
    }
    // On SQLite, take the write lock at BEGIN: a transaction that reads first and then finds
    // the lock held by another process (a backup, a tool) gets SQLITE_BUSY at once, since
    // SQLite will not wait to upgrade a read; at BEGIN it waits `busy_timeout`.
    let immediate = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    let txn = match parts.db.begin_with_options(immediate).await {
        Ok(t) => t,
        Err(e) => return fail_all(jobs.into_iter().map(|j| j.reply).collect(), &format!("begin: {e}")),
    };
    if let Some(sh) = &parts.shared
        && let Err(e) = sh.begin(&txn, parts.cache.as_deref()).await
    {
        return fail_all(jobs.into_iter().map(|j| j.reply).collect(), &format!("writer lock: {e}"));
    }
    let origin = parts.key.did().to_string();
    let mut head = match head(&txn, &origin).await {
        Ok(h) => h,
        Err(e) => return fail_all(jobs.into_iter().map(|j| j.reply).collect(), &e.to_string()),
    };
    let mut staged = WriteSet::default();
    let mut cache = ReadCache::default();
    let (mut ids, mut state_ids) = (Vec::new(), Vec::new());
    for j in &jobs {
        j.cmd.reads(&mut ids, &mut state_ids);
    }
    if let Err(e) = cache.prefetch(&txn, parts.cache.as_deref(), ids, state_ids).await {
        return fail_all(jobs.into_iter().map(|j| j.reply).collect(), &e.to_string());
    }
    let mut results = Vec::with_capacity(jobs.len());
    let started = std::time::Instant::now();
    let count = jobs.len();
    let mut jobs = jobs.into_iter();
    let (mut touched_records, mut touched_states) = (Vec::new(), Vec::new());
    let mut barrier = false;
    while let Some(job) = jobs.next() {
        barrier |= job.cmd.is_barrier();
        if job.cmd.is_barrier() && !staged.is_empty() {
            let (r, st) = staged.touched();
            touched_records.extend(r);
            touched_states.extend(st);
            // A barrier queries the database: the batch so far must be in it first. If that
            // fails, earlier commands may be partly written, so the whole batch is abandoned.
            if let Err(e) = staged.flush(&txn).await {
                let why = format!("flush before {}: {e}", job.cmd.name());
                let replies = results.into_iter().map(|(r, _)| r).chain([job.reply]).chain(jobs.map(|j| j.reply));
                return fail_all(replies.collect(), &why);
            }
            cache = ReadCache::default();
        }
        let res = run_job(&txn, parts, &origin, &mut head, &mut staged, &mut cache, job.cmd, job.author).await;
        results.push((job.reply, res));
    }
    let staged_at = started.elapsed();
    let (r, st) = staged.touched();
    touched_records.extend(r);
    touched_states.extend(st);
    let flushed = staged.flush(&txn).await;
    let flushed_at = started.elapsed();
    let done = match flushed {
        Ok(()) => match announce(&txn, parts, results.iter().map(|(_, r)| r)).await {
            Ok(id) => match txn.commit().instrument(tracing::debug_span!("writer.commit")).await {
                Ok(()) => {
                    if let (Some(sh), Some(id)) = (&parts.shared, id) {
                        sh.seen.store(id, std::sync::atomic::Ordering::Release);
                    }
                    Ok(())
                }
                Err(e) => Err(format!("commit: {e}")),
            },
            Err(e) => Err(format!("change notices: {e}")),
        },
        Err(e) => Err(format!("flush: {e}")),
    };
    tracing::debug!(
        jobs = count,
        stage_us = staged_at.as_micros() as u64,
        flush_us = (flushed_at - staged_at).as_micros() as u64,
        commit_us = (started.elapsed() - flushed_at).as_micros() as u64,
        "write batch"
    );
    // Before anyone is answered, so a client never reads its own write back from a stale cache.
    if let Some(shared) = &parts.cache {
        if barrier {
            shared.clear();
        } else {
            shared.invalidate(&touched_records, &touched_states);
        }
    }
    if let Err(why) = done {
        tracing::error!(%why, "no write of this batch was stored");
        for (reply, res) in results {
            let _ = reply.send(res.and(Err(AppError::Internal(why.clone()))));
        }
        return;
    }
    // Committed, and the cache no longer holds what changed: subscribers may read it now.
    // In command order, which is feed order.
    for (_, res) in &mut results {
        if let Ok(out) = res {
            parts.changes.publish(std::mem::take(&mut out.notice));
        }
    }
    for (reply, res) in results {
        if let Err(AppError::Internal(detail)) = &res {
            tracing::error!(%detail, "write failed");
        }
        let _ = reply.send(res);
    }
}

/// Leaves the batch's change notices for the other replicas, in the batch's transaction.
async fn announce(
    txn: &DatabaseTransaction,
    parts: &WriterParts,
    results: impl Iterator<Item = &Result<Outcome, AppError>>,
) -> Result<Option<i64>, DbErr> {
    let Some(sh) = &parts.shared else { return Ok(None) };
    let notices: Vec<&Committed> = results.filter_map(|r| r.as_ref().ok().map(|o| &o.notice)).collect();
    if notices.is_empty() {
        return Ok(None);
    }
    shared::log_changes(txn, &sh.replica, &notices).await.map(Some)
}

fn fail_all(replies: Vec<oneshot::Sender<Result<Outcome, AppError>>>, why: &str) {
    tracing::error!(%why, "write batch failed");
    for r in replies {
        let _ = r.send(Err(AppError::Internal(why.to_owned())));
    }
}

/// One command. On success its writes join `staged` (or, for a barrier command, are
/// already in the database inside a released savepoint); on failure nothing remains.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(level = "debug", name = "writer.command", skip_all, fields(command = cmd.name()))]
async fn run_job(
    txn: &DatabaseTransaction,
    parts: &WriterParts,
    origin: &str,
    head: &mut Head,
    staged: &mut WriteSet,
    cache: &mut ReadCache,
    cmd: Command,
    author: Actor,
) -> Result<Outcome, AppError> {
    if !cmd.is_barrier() {
        let (set, out) = {
            let mut ctx = WriteCtx::new(txn, staged, cache, origin, author, head.seq + 1);
            let ids = ctx.execute(cmd).await?;
            let out = ctx.seal(parts, head, ids)?;
            (ctx.job, out)
        };
        staged.merge(set);
        return Ok(out);
    }
    // A barrier (the batch so far is already flushed): run in a savepoint.
    let sp = txn.begin().await?;
    let empty = WriteSet::default();
    let before = head.clone();
    // Ops of this node's own feed, restored from a peer, move the head.
    let own_feed = matches!(&cmd, Command::ApplyRemote(r) if r.origin == origin);
    let result = async {
        let mut ctx = WriteCtx::new(&sp, &empty, cache, origin, author, head.seq + 1);
        let out = match cmd {
            Command::ApplyRemote(remote) => {
                let seq = super::remote::apply(&mut ctx, *remote).await?;
                let rows = std::mem::take(&mut ctx.rows);
                Outcome { rows, seq, notice: ctx.notice(seq, None) }
            }
            cmd => {
                let ids = ctx.execute(cmd).await?;
                ctx.seal(parts, head, ids)?
            }
        };
        let mut set = ctx.job;
        set.flush(&sp).await?;
        Ok::<_, AppError>(out)
    }
    .await;
    // Whatever the barrier read may now be stale.
    *cache = ReadCache::default();
    match result {
        Ok(out) => {
            sp.commit().await?;
            if own_feed {
                *head = self::head(txn, origin).await?;
            }
            Ok(out)
        }
        Err(e) => {
            *head = before;
            sp.rollback().await?;
            Err(e)
        }
    }
}

/// Where a revision comes from: this node's write, or another origin's op.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The record's home origin.
    pub origin: String,
    /// The op's seq in that origin's feed.
    pub seq: i64,
    /// The revision id the origin gave it.
    pub revision_id: Uuid,
    /// The op's time.
    pub time: String,
    /// The agent the op names.
    pub author: Option<Uuid>,
    /// When the record was first written (its first revision's time).
    pub created_at: String,
    /// The record's first revision.
    pub first: bool,
    /// A retraction.
    pub retracted: bool,
}

/// The state of one command's write: where to read, what it has staged so far.
pub struct WriteCtx<'a> {
    /// The open transaction (or savepoint), for queries.
    pub db: &'a DatabaseTransaction,
    batch: &'a WriteSet,
    cache: &'a mut ReadCache,
    job: WriteSet,
    origin: &'a str,
    /// The write's time, canonical RFC 3339.
    pub now: String,
    author: vf::AgentId,
    /// The author's token has scope `admin`.
    admin: bool,
    revisions: Vec<RecordRevision>,
    rows: Vec<record::Model>,
    changes: Vec<RecordChange>,
    states: Vec<Uuid>,
    seq: i64,
}

impl<'a> WriteCtx<'a> {
    fn new(
        db: &'a DatabaseTransaction,
        batch: &'a WriteSet,
        cache: &'a mut ReadCache,
        origin: &'a str,
        author: Actor,
        seq: i64,
    ) -> WriteCtx<'a> {
        WriteCtx {
            db,
            batch,
            cache,
            job: WriteSet::default(),
            origin,
            now: vf::Timestamp::from_datetime(chrono::Utc::now()).to_rfc3339(),
            author: author.agent,
            admin: author.admin,
            revisions: Vec::new(),
            rows: Vec::new(),
            changes: Vec::new(),
            states: Vec::new(),
            seq,
        }
    }

    async fn execute(&mut self, cmd: Command) -> Result<Vec<Uuid>, AppError> {
        Ok(match cmd {
            Command::Create(draft) => vec![self.create(draft).await?],
            Command::Update { kinds, revision_id, revise } => vec![self.update(kinds, revision_id, revise).await?],
            Command::Delete { kinds, target } => vec![self.delete(kinds, target).await?],
            Command::RecordEvent(input) => super::observation::record_event(self, *input).await?,
            Command::PlanFromRecipe(input) => super::recipe::plan_from_recipe(self, *input).await?,
            Command::Acknowledge(input) => super::ack::acknowledge(self, *input).await?,
            Command::ApplyRemote(_) => return Err(AppError::Internal("remote ops are applied apart".to_owned())),
        })
    }

    /// Signs and stages the command's op; advances the head.
    fn seal(&mut self, parts: &WriterParts, head: &mut Head, ids: Vec<Uuid>) -> Result<Outcome, AppError> {
        let unsigned = UnsignedOp {
            v: OP_VERSION,
            origin: parts.key.did(),
            seq: u64::try_from(self.seq).map_err(|_| AppError::Internal("negative seq".to_owned()))?,
            prev: head.id.clone(),
            time: self.now.clone(),
            author: Some(self.author.to_string()),
            records: std::mem::take(&mut self.revisions),
        };
        let op = unsigned.sign(&parts.key)?;
        let op_id = op.id()?;
        self.job.push_op(op::Model {
            origin: self.origin.to_owned(),
            seq: self.seq,
            op_id: op_id.to_string(),
            prev: head.id.as_ref().map(ToString::to_string),
            body: op.to_json()?,
            stored_at: self.now.clone(),
        });
        head.seq = self.seq;
        head.id = Some(op_id);
        let mut rows = std::mem::take(&mut self.rows);
        // Main record first, in the order the command named them.
        rows.sort_by_key(|m| ids.iter().position(|i| *i == m.id).unwrap_or(usize::MAX));
        rows.dedup_by_key(|m| m.id);
        let notice = self.notice(self.seq, Some(self.author.uuid()));
        Ok(Outcome { rows, seq: self.seq, notice })
    }

    /// What the command changed, for subscribers: the op at `seq` by `author`.
    fn notice(&mut self, seq: i64, author: Option<Uuid>) -> Committed {
        let mut states = std::mem::take(&mut self.states);
        states.sort();
        states.dedup();
        Committed { seq, time: self.now.clone(), author, records: std::mem::take(&mut self.changes), states }
    }

    /// The origin this node writes as (its own feed's DID).
    pub fn origin(&self) -> &str {
        self.origin
    }

    /// Who makes this write.
    pub fn actor(&self) -> Actor {
        Actor { agent: self.author, admin: self.admin }
    }

    /// The author of the first revision of `current` (the agent that recorded it), stored or
    /// staged by this batch.
    pub async fn recorder(&mut self, current: &record::Model) -> Result<Option<Uuid>, AppError> {
        if let Some(author) = records::first_author(self.db, current.id, &current.created_at).await? {
            return Ok(author);
        }
        let first = |set: &WriteSet| set.first_revision(current.id, &current.created_at).map(|r| r.author);
        Ok(first(self.batch).or_else(|| first(&self.job)).flatten())
    }

    /// A record as it stands: staged by this command or the batch, else stored.
    pub async fn get(&mut self, id: Uuid) -> Result<Option<record::Model>, AppError> {
        if let Some(m) = self.job.record(&id).or_else(|| self.batch.record(&id)) {
            return Ok(Some(m.clone()));
        }
        if let Some(m) = self.cache.records.get(&id) {
            return Ok(m.clone());
        }
        let m = records::get(self.db, id).await?;
        self.cache.records.insert(id, m.clone());
        Ok(m)
    }

    /// Reads the records of `ids` not yet at hand in a few queries, so that the [`Self::get`]s
    /// that follow find them (or find them missing) without a query each.
    pub async fn prefetch(&mut self, ids: &[Uuid]) -> Result<(), AppError> {
        let mut missing: Vec<Uuid> = ids
            .iter()
            .copied()
            .filter(|id| {
                self.job.record(id).is_none() && self.batch.record(id).is_none() && !self.cache.records.contains_key(id)
            })
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        // An id named twice must not find its row taken by its first mention.
        missing.sort_unstable();
        missing.dedup();
        let mut found: HashMap<Uuid, record::Model> =
            records::get_many(self.db, &missing).await?.into_iter().map(|m| (m.id, m)).collect();
        for id in missing {
            self.cache.records.insert(id, found.remove(&id));
        }
        Ok(())
    }

    /// Many records as they stand (missing ones left out).
    pub async fn get_many(&mut self, ids: &[Uuid]) -> Result<Vec<record::Model>, AppError> {
        self.prefetch(ids).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(m) = self.get(*id).await? {
                out.push(m);
            }
        }
        Ok(out)
    }

    /// The live records of kind `k` whose index fact `field` names one of `ids`, parsed, in
    /// id order. Reads the index, so it sees what is flushed (barrier commands).
    pub async fn live_where<T: serde::de::DeserializeOwned>(
        &mut self,
        k: &'static str,
        field: &str,
        ids: &[Uuid],
    ) -> Result<Vec<T>, AppError> {
        let values: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let mut found: Vec<Uuid> =
            records::ids_where(self.db, &[k], field, &values).await?.into_iter().map(|(_, id)| id).collect();
        found.sort();
        found.dedup();
        self.get_many(&found)
            .await?
            .iter()
            .filter(|m| !m.deleted && m.kind == k)
            .map(super::observation::parse)
            .collect()
    }

    /// Writes what this command staged so far into its savepoint, so queries see it
    /// (barrier commands only: the batch before them is already flushed).
    pub async fn flush_own(&mut self) -> Result<(), AppError> {
        self.job.flush(self.db).await?;
        *self.cache = ReadCache::default();
        Ok(())
    }

    /// A resource's derived state as it stands.
    pub async fn state(&mut self, id: Uuid) -> Result<Option<String>, AppError> {
        if let Some(s) = self.job.state(&id).or_else(|| self.batch.state(&id)) {
            return Ok(Some(s.clone()));
        }
        if let Some(s) = self.cache.states.get(&id) {
            return Ok(s.clone());
        }
        let s = records::states(self.db, &[id]).await?.remove(&id);
        self.cache.states.insert(id, s.clone());
        Ok(s)
    }

    /// Stages a resource's derived state.
    pub fn put_state(&mut self, state: &vf::ResourceState) -> Result<(), AppError> {
        self.job.put_state(state.resource.uuid(), serde_json::to_string(state)?, state_terms(state));
        self.states.push(state.resource.uuid());
        Ok(())
    }

    /// Fails unless every reference names a live record of an allowed kind.
    pub async fn check_refs(&mut self, draft: &Draft) -> Result<(), AppError> {
        let ids: Vec<Uuid> = draft.refs.iter().map(|r| r.id).collect();
        let found = self.get_many(&ids).await?;
        for r in &draft.refs {
            let ok = found.iter().any(|m| m.id == r.id && !m.deleted && r.kinds.contains(&m.kind.as_str()));
            if !ok {
                return Err(AppError::NotFound(format!("`{}`: no {} with id {}", r.field, r.kinds.join(" or "), r.id)));
            }
        }
        Ok(())
    }

    /// Stages a new revision of a record and adds it to the op. `created_at` is the
    /// existing record's creation time; None means the record is new.
    pub fn put(&mut self, draft: Draft, created_at: Option<String>, retracted: bool) -> Result<Uuid, AppError> {
        let from = Provenance {
            origin: self.origin.to_owned(),
            seq: self.seq,
            revision_id: Uuid::now_v7(),
            time: self.now.clone(),
            author: Some(self.author.uuid()),
            first: created_at.is_none(),
            created_at: created_at.unwrap_or_else(|| self.now.clone()),
            retracted,
        };
        let revision = RecordRevision {
            kind: draft.kind.to_owned(),
            id: draft.id,
            revision_id: from.revision_id,
            retracted,
            body: draft.body.clone(),
        };
        let id = self.stage(draft, from)?;
        self.revisions.push(revision);
        Ok(id)
    }

    /// Stages an op received from a peer, exactly as its origin signed it.
    pub fn put_foreign_op(&mut self, row: op::Model) {
        self.job.push_op(row);
    }

    /// Stages a revision of a record as its home origin wrote it: same revision id, same
    /// body, its origin and place in that origin's feed. It joins no op of this node's.
    pub fn put_foreign(&mut self, draft: Draft, from: Provenance) -> Result<Uuid, AppError> {
        self.stage(draft, from)
    }

    /// Stages a record's current row, its history row and its index facts, and notes
    /// the change for subscribers.
    fn stage(&mut self, draft: Draft, from: Provenance) -> Result<Uuid, AppError> {
        let change = match (from.retracted, from.first) {
            (true, _) => ChangeKind::Deleted,
            (false, true) => ChangeKind::Created,
            (false, false) => ChangeKind::Updated,
        };
        self.changes.push(RecordChange { kind: draft.kind, id: draft.id, revision_id: from.revision_id, change });
        let body = serde_json::to_string(&draft.body)?;
        let row = record::Model {
            id: draft.id,
            kind: draft.kind.to_owned(),
            revision_id: from.revision_id,
            origin: from.origin.clone(),
            body: body.clone(),
            created_at: from.created_at,
            updated_at: from.time.clone(),
            author: from.author,
            deleted: from.retracted,
        };
        let revision = record_revision::Model {
            revision_id: from.revision_id,
            record_id: draft.id,
            kind: draft.kind.to_owned(),
            body,
            time: from.time,
            author: from.author,
            retracted: from.retracted,
            origin: from.origin,
            seq: from.seq,
        };
        self.rows.push(row.clone());
        self.job.put_record(row, revision);
        // A retracted record is no longer found through the index.
        self.job.replace_index(draft.id, if from.retracted { Vec::new() } else { draft.index });
        Ok(draft.id)
    }

    /// Creates a record: its references must be live and its rules hold.
    pub async fn create(&mut self, draft: Draft) -> Result<Uuid, AppError> {
        self.check_refs(&draft).await?;
        self.check_links(&draft, false).await?;
        super::claim::check(self, &draft, false).await?;
        super::planning::check_links(self, &draft, false).await?;
        self.put(draft, None, false)
    }

    /// Rules that read other records than the ones `draft` refers to. A new recipe process
    /// has no flows yet, so only its revisions can close a cycle.
    async fn check_links(&mut self, draft: &Draft, revising: bool) -> Result<(), AppError> {
        match draft.kind {
            kind::RECIPE_FLOW => super::recipe::check_no_cycle(self, draft).await,
            kind::RECIPE_PROCESS if revising => super::recipe::check_no_cycle(self, draft).await,
            kind::SCENARIO => super::scenario::check_refinement(self, draft).await,
            _ => Ok(()),
        }
    }

    async fn current(&mut self, kinds: &[&str], revision_id: Uuid) -> Result<record::Model, AppError> {
        let staged = self.job.revision(&revision_id).or_else(|| self.batch.revision(&revision_id)).cloned();
        let rev = match staged {
            Some(r) => Some(r),
            None => records::revision(self.db, revision_id).await?,
        };
        let rev = rev
            .filter(|r| kinds.contains(&r.kind.as_str()))
            .ok_or_else(|| AppError::NotFound(format!("no {} revision {revision_id}", kinds.join(" or "))))?;
        let current = self
            .get(rev.record_id)
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
        super::ownership::check(self, &current).await?;
        let draft = revise(&current)?;
        if draft.id != current.id || !kinds.contains(&draft.kind) {
            return Err(AppError::Internal("an update changed the record's id or kind".to_owned()));
        }
        self.check_refs(&draft).await?;
        self.check_links(&draft, true).await?;
        super::claim::check(self, &draft, true).await?;
        super::planning::check_links(self, &draft, true).await?;
        let before = current.body.clone();
        let id = self.put(draft, Some(current.created_at.clone()), false)?;
        if current.kind == kind::ECONOMIC_RESOURCE {
            super::observation::refold(self, id).await?;
        }
        if current.kind == kind::PROCESS {
            super::observation::refold_outputs_if_restaged(self, id, &before).await?;
        }
        Ok(id)
    }

    async fn delete(&mut self, kinds: &'static [&'static str], target: DeleteTarget) -> Result<Uuid, AppError> {
        let current = match target {
            DeleteTarget::Revision(rev) => self.current(kinds, rev).await?,
            DeleteTarget::Id(id) => self
                .get(id)
                .await?
                .filter(|m| !m.deleted && kinds.contains(&m.kind.as_str()))
                .ok_or_else(|| AppError::NotFound(format!("no {} with id {id}", kinds.join(" or "))))?,
        };
        super::ownership::check(self, &current).await?;
        let dependents = records::referrers(self.db, &current.id.to_string()).await?;
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
        self.put(draft, Some(current.created_at.clone()), true)
    }
}
