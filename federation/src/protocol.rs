//! The `vfsync/1` replication protocol: the documents nodes exchange over HTTP, and the
//! checks a receiver runs on a page of ops before it stores any of them. See `PROTOCOL.md`.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::chain::{ChainError, check_chain};
use crate::identity::{Did, SIGNATURE_LEN, verify_signatures};
use crate::op::{Op, OpError, OpLimits, SigningInput};
use crate::op_id::OpId;

/// The protocol name and version this crate speaks.
pub const PROTOCOL: &str = "vfsync/1";
/// Path of the node document.
pub const WELL_KNOWN_PATH: &str = "/.well-known/vf-node";
/// Path of the heads endpoint.
pub const HEADS_PATH: &str = "/vfsync/v1/heads";
/// Path of a feed's ops, with `{origin}` to fill in.
pub const OPS_PATH: &str = "/vfsync/v1/feeds/{origin}/ops";
/// Path of the notify endpoint.
pub const NOTIFY_PATH: &str = "/vfsync/v1/notify";

/// Most ops a page may hold.
pub const MAX_PAGE_OPS: u64 = 1000;
/// Most bytes of op JSON a server puts in one page (a single larger op still goes alone).
pub const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Most bytes a `notify` body may have.
pub const MAX_NOTIFY_BYTES: usize = 1024;

/// `GET /.well-known/vf-node`: who a node is and where its endpoints are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeInfo {
    /// The node's `did:key` (its feed's origin).
    pub did: String,
    /// Its ed25519 public key, base64url without padding (also inside the DID).
    pub public_key: String,
    /// Protocol versions it speaks, such as `vfsync/1`.
    pub protocols: Vec<String>,
    /// Its display name, if configured.
    pub name: Option<String>,
    /// Paths of its endpoints, relative to its base URL.
    pub endpoints: Endpoints,
}

/// Endpoint paths of a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Endpoints {
    /// `GET`: the feeds held ([`Heads`]).
    pub heads: String,
    /// `GET`, with `{origin}` to fill in: a feed's ops ([`OpsPage`]).
    pub ops: String,
    /// `POST`: a wake-up hint ([`Notify`]).
    pub notify: String,
    /// The GraphQL API.
    pub graphql: String,
}

impl Endpoints {
    /// The paths of this implementation.
    pub fn standard() -> Endpoints {
        Endpoints {
            heads: HEADS_PATH.to_owned(),
            ops: OPS_PATH.to_owned(),
            notify: NOTIFY_PATH.to_owned(),
            graphql: "/graphql".to_owned(),
        }
    }
}

/// One feed a node holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeedHead {
    /// The feed's origin.
    pub origin: String,
    /// The highest contiguous seq held.
    pub seq: u64,
    /// The id of the op at that seq.
    pub head: String,
}

/// `GET /vfsync/v1/heads`: every feed the node holds and may show the caller.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Heads {
    /// The feeds, in origin order.
    pub feeds: Vec<FeedHead>,
    /// The digest of the node's derived state for those feeds (lowercase hex SHA-256);
    /// null from a node that does not compute one.
    pub digest: Option<String>,
    /// The forks the node holds evidence of, one per frozen feed.
    #[serde(default)]
    pub forks: Vec<ForkProof>,
}

/// Evidence that an origin signed two different ops at the same seq: its feed forked, and
/// every node that holds the evidence freezes that feed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForkProof {
    /// The feed's origin.
    pub origin: String,
    /// The first seq at which the two branches differ.
    pub seq: u64,
    /// The two ops at that seq, each exactly as its origin signed it.
    pub ops: Vec<Box<RawValue>>,
}

/// A checked fork: two distinct ops of one origin at one seq, both signed by it.
#[derive(Debug, Clone)]
pub struct Fork {
    /// The origin.
    pub origin: Did,
    /// The seq.
    pub seq: u64,
    /// The two ops with their ids and wire JSON, the smaller id first.
    pub ops: [(Op, OpId, String); 2],
}

/// Why a fork proof does not prove a fork.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForkError {
    /// It does not hold exactly two ops.
    #[error("a fork proof holds two ops, this one {0}")]
    Count(usize),
    /// An op is malformed or badly signed.
    #[error("op {index} of the proof: {error}")]
    Op {
        /// Its position in the proof.
        index: usize,
        /// What is wrong with it.
        error: OpError,
    },
    /// An op is of another origin, or at another seq, than the proof names.
    #[error("op {0} of the proof is not of the origin and seq it names")]
    Mismatch(usize),
    /// The two ops are the same op.
    #[error("the two ops of the proof are one op")]
    Same,
}

impl Fork {
    /// Two ops of `origin` at `seq`, each as signed: a fork if both verify and differ.
    pub fn check(origin: &str, seq: u64, ops: &[&str], limits: &OpLimits) -> Result<Fork, ForkError> {
        if ops.len() != 2 {
            return Err(ForkError::Count(ops.len()));
        }
        let mut checked = Vec::with_capacity(2);
        for (index, text) in ops.iter().enumerate() {
            let op = Op::from_json(text, limits).map_err(|error| ForkError::Op { index, error })?;
            let id = op.verify().map_err(|error| ForkError::Op { index, error })?;
            if op.unsigned.origin.as_str() != origin || op.unsigned.seq != seq {
                return Err(ForkError::Mismatch(index));
            }
            checked.push((op, id, (*text).to_owned()));
        }
        checked.sort_by_key(|a| a.1.to_string());
        let b = checked.pop().ok_or(ForkError::Count(1))?;
        let a = checked.pop().ok_or(ForkError::Count(0))?;
        if a.1 == b.1 {
            return Err(ForkError::Same);
        }
        Ok(Fork { origin: a.0.unsigned.origin.clone(), seq, ops: [a, b] })
    }

    /// Checks a proof received from a peer.
    pub fn from_proof(proof: &ForkProof, limits: &OpLimits) -> Result<Fork, ForkError> {
        let texts: Vec<&str> = proof.ops.iter().map(|r| r.get()).collect();
        Fork::check(&proof.origin, proof.seq, &texts, limits)
    }
}

/// `GET /vfsync/v1/feeds/{origin}/ops?after=N&limit=L`: ops `N+1`, `N+2`... in seq order.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpsPage {
    /// The feed's origin.
    pub origin: String,
    /// The ops, each exactly as its origin signed and serialized it.
    pub ops: Vec<Box<RawValue>>,
    /// True when the server holds more ops after the last one.
    pub more: bool,
}

/// `POST /vfsync/v1/notify`: "I (or a feed I hold) have new ops". Only a hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    /// The feed that grew.
    pub origin: String,
    /// Its new head seq.
    pub seq: u64,
}

/// The last op a receiver holds of a feed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor {
    /// Its seq (0 for an empty feed).
    pub seq: u64,
    /// Its id (None for an empty feed).
    pub head: Option<OpId>,
}

/// Why a page was refused. Ops before the failing one are still good (`verified`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// An op is malformed, too large or badly signed.
    #[error("op {index} of the page: {error}")]
    Op {
        /// Its position in the page.
        index: usize,
        /// What is wrong with it.
        error: OpError,
    },
    /// An op of another origin than the feed asked for.
    #[error("op {index} of the page is from {got}, not from the feed asked for")]
    WrongOrigin {
        /// Its position in the page.
        index: usize,
        /// The origin it names.
        got: String,
    },
    /// The op does not continue the feed: a gap, a stale op, or a different `prev`.
    #[error("op {index} of the page does not continue the feed: {error}")]
    Chain {
        /// Its position in the page.
        index: usize,
        /// How the chain breaks.
        error: ChainError,
    },
}

impl PageError {
    /// A stable code for logs and health reports.
    pub fn code(&self) -> &'static str {
        match self {
            PageError::Op { error, .. } => error.code(),
            PageError::WrongOrigin { .. } => "wrong_origin",
            PageError::Chain { error, .. } => error.code(),
        }
    }
}

/// A page's ops that verified, in order, and what stopped the check (if anything).
#[derive(Debug)]
pub struct CheckedPage {
    /// The verified ops with their recomputed ids, each continuing the one before.
    pub verified: Vec<(Op, OpId, String)>,
    /// Why the rest of the page was not accepted.
    pub error: Option<PageError>,
    /// When the page stopped at a gap: the ops from the one past the gap on that verified
    /// alone and chain to each other, for the receiver's pending area
    /// ([`crate::pending::Pending`]) until the ops in the gap arrive.
    pub past_gap: Vec<(Op, OpId, String)>,
}

/// Checks a page of `origin`'s ops against the receiver's `cursor`: each op is parsed under
/// `limits`, must be from `origin`, must verify (id recomputed, signature by the origin) and
/// must continue the chain. Stops at the first op that fails; the ops before it stand.
/// Each verified op comes with its wire JSON, to be stored as received.
pub fn check_page(origin: &Did, cursor: &Cursor, ops: &[Box<RawValue>], limits: &OpLimits) -> CheckedPage {
    // Each op parses and verifies on its own, so that part is spread over the cores; the
    // chain is then walked in order, and the first error by index ends the page, exactly
    // as checking one op after another would.
    let checked = verify_each(origin, ops, limits);
    let mut verified: Vec<(Op, OpId, String)> = Vec::with_capacity(ops.len());
    let mut last = cursor.head.clone().map(|h| (cursor.seq, h));
    let mut page = ops.iter().zip(checked).enumerate();
    while let Some((index, (raw, result))) = page.next() {
        let (op, id) = match result {
            Ok(checked) => checked,
            Err(e) => return CheckedPage { verified, error: Some(e), past_gap: Vec::new() },
        };
        let error = match check_chain(last.as_ref().map(|(s, h)| (*s, h)), &op, &id) {
            Ok(()) => {
                last = Some((op.unsigned.seq, id.clone()));
                verified.push((op, id, raw.get().to_owned()));
                continue;
            }
            Err(error) => error,
        };
        let mut past_gap = Vec::new();
        if matches!(error, ChainError::Gap { .. }) {
            let mut tail = (op.unsigned.seq, id.clone());
            past_gap.push((op, id, raw.get().to_owned()));
            for (_, (raw, result)) in page.by_ref() {
                let Ok((op, id)) = result else { break };
                if check_chain(Some((tail.0, &tail.1)), &op, &id).is_err() {
                    break;
                }
                tail = (op.unsigned.seq, id.clone());
                past_gap.push((op, id, raw.get().to_owned()));
            }
        }
        return CheckedPage { verified, error: Some(PageError::Chain { index, error }), past_gap };
    }
    CheckedPage { verified, error: None, past_gap: Vec::new() }
}

/// Fewest ops worth a thread of their own: below it, starting a thread costs more than it saves.
const OPS_PER_THREAD: usize = 32;

/// Parses each op under `limits`, checks its origin and verifies its id and signature, on
/// up to one thread per core; results in page order. Each thread checks the signatures of
/// its share of the page in one batch ([`verify_signatures`]), which judges every op
/// exactly as checking it alone would.
fn verify_each(origin: &Did, ops: &[Box<RawValue>], limits: &OpLimits) -> Vec<Result<(Op, OpId), PageError>> {
    let part = |first: usize, part: &[Box<RawValue>]| -> Vec<Result<(Op, OpId), PageError>> {
        let prepared: Vec<Result<(Op, SigningInput), PageError>> = part
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let index = first + i;
                let op = Op::from_json(raw.get(), limits).map_err(|error| PageError::Op { index, error })?;
                if op.unsigned.origin != *origin {
                    return Err(PageError::WrongOrigin { index, got: op.unsigned.origin.to_string() });
                }
                let input = op.signing_input().map_err(|error| PageError::Op { index, error })?;
                Ok((op, input))
            })
            .collect();
        let items: Vec<(&[u8], &[u8; SIGNATURE_LEN])> =
            prepared.iter().flatten().map(|(_, input)| (input.bytes.as_slice(), &input.signature)).collect();
        let mut signatures = verify_signatures(origin, &items).into_iter();
        prepared
            .into_iter()
            .enumerate()
            .map(|(i, checked)| {
                let (op, input) = checked?;
                match signatures.next() {
                    Some(Ok(())) => Ok((op, input.id)),
                    Some(Err(e)) => Err(PageError::Op { index: first + i, error: e.into() }),
                    None => unreachable!("one signature result per prepared op"),
                }
            })
            .collect()
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = cores.min(ops.len() / OPS_PER_THREAD).max(1);
    if threads == 1 {
        return part(0, ops);
    }
    let chunk = ops.len().div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = ops
            .chunks(chunk)
            .enumerate()
            .map(|(c, ops)| {
                let part = &part;
                s.spawn(move || part(c * chunk, ops))
            })
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::NodeKey;
    use crate::op::{OP_VERSION, UnsignedOp};

    fn chain(key: &NodeKey, n: u64, time: &str) -> Vec<(Op, OpId)> {
        let mut out: Vec<(Op, OpId)> = Vec::new();
        for seq in 1..=n {
            let op = UnsignedOp {
                v: OP_VERSION,
                origin: key.did(),
                seq,
                prev: out.last().map(|(_, id)| id.clone()),
                time: time.to_owned(),
                author: None,
                records: Vec::new(),
            }
            .sign(key)
            .expect("sign");
            let id = op.id().expect("id");
            out.push((op, id));
        }
        out
    }

    const T1: &str = "2026-01-01T00:00:00Z";
    const T2: &str = "2026-01-02T00:00:00Z";

    fn raw(ops: &[(Op, OpId)]) -> Vec<Box<RawValue>> {
        ops.iter().map(|(op, _)| RawValue::from_string(op.to_json().expect("json")).expect("raw")).collect()
    }

    #[test]
    fn a_page_continuing_the_cursor_verifies() {
        let key = NodeKey::generate();
        let ops = chain(&key, 5, T1);
        let cursor = Cursor { seq: 2, head: Some(ops[1].1.clone()) };
        let page = check_page(&key.did(), &cursor, &raw(&ops[2..]), &OpLimits::default());
        assert!(page.error.is_none(), "{:?}", page.error);
        assert_eq!(page.verified.iter().map(|(o, _, _)| o.unsigned.seq).collect::<Vec<_>>(), vec![3, 4, 5]);
    }

    #[test]
    fn a_gap_another_origin_or_a_forged_op_stops_the_page() {
        let key = NodeKey::generate();
        let ops = chain(&key, 4, T1);
        let empty = Cursor::default();
        // A gap: op 3 right after op 1.
        let gapped = [ops[0].clone(), ops[2].clone()];
        let page = check_page(&key.did(), &empty, &raw(&gapped), &OpLimits::default());
        assert_eq!(page.verified.len(), 1);
        assert_eq!(page.error.as_ref().map(PageError::code), Some("CHAIN_GAP"));
        assert_eq!(page.past_gap.len(), 1, "op 3 waits for op 2");
        // Another origin's op in this feed's page.
        let other = NodeKey::generate();
        let page = check_page(&other.did(), &empty, &raw(&ops), &OpLimits::default());
        assert!(matches!(page.error, Some(PageError::WrongOrigin { index: 0, .. })));
        // A changed record list under the original signature.
        let mut forged = ops[0].0.clone();
        forged.unsigned.author = Some("someone else".to_owned());
        let page = check_page(&key.did(), &empty, &raw(&[(forged, ops[0].1.clone())]), &OpLimits::default());
        assert!(matches!(page.error, Some(PageError::Op { index: 0, .. })), "{:?}", page.error);
        // A different op at the cursor's next seq: a fork of the feed.
        let fork = chain(&key, 2, T2);
        let cursor = Cursor { seq: 1, head: Some(ops[0].1.clone()) };
        let page = check_page(&key.did(), &cursor, &raw(&fork[1..]), &OpLimits::default());
        assert!(page.verified.is_empty());
        assert_eq!(page.error.as_ref().map(PageError::code), Some("CHAIN_MISMATCH"));
    }

    #[test]
    fn a_long_page_checked_on_several_threads_stops_at_its_first_bad_op() {
        let key = NodeKey::generate();
        let ops = chain(&key, 300, T1);
        let empty = Cursor::default();
        let page = check_page(&key.did(), &empty, &raw(&ops), &OpLimits::default());
        assert!(page.error.is_none(), "{:?}", page.error);
        assert_eq!(page.verified.len(), 300);
        assert!(page.verified.iter().zip(&ops).all(|((op, id, _), (want, want_id))| op == want && id == want_id));
        // A forged op late in the page, and a gap after it: the page ends at the forgery.
        let mut bad = ops.clone();
        bad[217].0.unsigned.author = Some("someone else".to_owned());
        bad.remove(260);
        let page = check_page(&key.did(), &empty, &raw(&bad), &OpLimits::default());
        assert_eq!(page.verified.len(), 217);
        assert!(matches!(page.error, Some(PageError::Op { index: 217, .. })), "{:?}", page.error);
        // A gap alone: the ops before it are kept, in order.
        let mut gapped = ops;
        gapped.remove(100);
        let page = check_page(&key.did(), &empty, &raw(&gapped), &OpLimits::default());
        assert_eq!(
            page.verified.iter().map(|(o, _, _)| o.unsigned.seq).collect::<Vec<_>>(),
            (1..=100).collect::<Vec<_>>()
        );
        assert_eq!(page.error.as_ref().map(PageError::code), Some("CHAIN_GAP"));
        // The ops past the gap that verify and chain to each other come back for the
        // pending area; a forged one ends that run too.
        let past: Vec<u64> = page.past_gap.iter().map(|(o, _, _)| o.unsigned.seq).collect();
        assert_eq!(past, (102..=300).collect::<Vec<_>>());
        let mut forged_late = gapped;
        forged_late[150].0.proof = forged_late[151].0.proof.clone();
        let page = check_page(&key.did(), &empty, &raw(&forged_late), &OpLimits::default());
        let past: Vec<u64> = page.past_gap.iter().map(|(o, _, _)| o.unsigned.seq).collect();
        assert_eq!(past, (102..=151).collect::<Vec<_>>());
        assert!(page.verified.len() == 100 && page.error.as_ref().map(PageError::code) == Some("CHAIN_GAP"));
    }

    #[test]
    fn two_signed_ops_at_one_seq_prove_a_fork_and_nothing_else_does() {
        let key = NodeKey::generate();
        let a = chain(&key, 2, T1);
        let b = chain(&key, 2, T2);
        let json = |op: &Op| op.to_json().expect("json");
        let (a2, b2) = (json(&a[1].0), json(&b[1].0));
        let origin = key.did().to_string();
        let fork = Fork::check(&origin, 2, &[&a2, &b2], &OpLimits::default()).expect("a fork");
        assert_eq!(fork.seq, 2);
        assert!(fork.ops[0].1.to_string() < fork.ops[1].1.to_string(), "the smaller id comes first");
        // Either order gives the same fork.
        let again = Fork::check(&origin, 2, &[&b2, &a2], &OpLimits::default()).expect("a fork");
        assert_eq!(again.ops[0].1, fork.ops[0].1);
        // The same op twice, ops at other seqs, another origin's op, one op, a forgery.
        let limits = OpLimits::default();
        assert_eq!(Fork::check(&origin, 2, &[&a2, &a2], &limits).err(), Some(ForkError::Same));
        assert_eq!(Fork::check(&origin, 1, &[&a2, &b2], &limits).err(), Some(ForkError::Mismatch(0)));
        let other = NodeKey::generate().did().to_string();
        assert_eq!(Fork::check(&other, 2, &[&a2, &b2], &limits).err(), Some(ForkError::Mismatch(0)));
        assert_eq!(Fork::check(&origin, 2, &[&a2], &limits).err(), Some(ForkError::Count(1)));
        let mut forged = b[1].0.clone();
        forged.unsigned.author = Some("someone else".to_owned());
        let forged = json(&forged);
        assert!(matches!(Fork::check(&origin, 2, &[&a2, &forged], &limits), Err(ForkError::Op { index: 1, .. })));
    }
}
