//! Signed, hash-chained op feeds for ValueFlows nodes: canonical JSON, op ids,
//! ed25519 signatures and `did:key` node identity.
//!
//! Every write on a node is an [`Op`] appended to that node's own feed. An op
//! is a signed, content-addressed batch of [`RecordRevision`]s from one origin
//! ([`Did`]). Its [`OpId`] is the SHA-256 of the RFC 8785 canonical JSON of the
//! op without its proof; the origin's [`NodeKey`] signs those same canonical
//! bytes. Each origin's ops form a hash chain (`seq` 1, 2, 3… with `prev`
//! naming the previous op's id), checked by [`check_chain`]. The wire format is
//! specified in `PROTOCOL.md` next to this crate's `Cargo.toml`.
//!
//! # Layout
//!
//! - [`identity`]: [`NodeKey`], [`Did`] (`did:key`), [`verify_signature`] and their errors.
//! - [`canonical`]: RFC 8785 canonical JSON and the number rules (no floats, safe integers).
//! - [`json_guard`]: pre-parse nesting scan, strict (duplicate-key rejecting) parse, depth of parsed values.
//! - [`op_id`]: [`OpId`], the lowercase-hex SHA-256 content address of an op.
//! - [`op`]: [`RecordRevision`], [`UnsignedOp`], [`Op`], [`Proof`], [`OpLimits`], [`OpError`].
//! - [`chain`]: [`check_chain`] and [`ChainError`] for per-origin hash chains.
//! - [`protocol`]: the `vfsync/1` documents and [`protocol::check_page`], run on every page received.
//! - [`pending`]: [`pending::Pending`], the bounded area for verified ops that arrived past a gap.
//! - [`peer_token`]: the short-lived EdDSA JWT a node signs to call a peer.

#![warn(missing_docs)]

pub mod canonical;
pub mod chain;
pub mod identity;
pub mod json_guard;
pub mod op;
pub mod op_id;
pub mod peer_token;
pub mod pending;
pub mod protocol;

pub use chain::{ChainError, PrevRef, check_chain};
pub use identity::{Did, DidError, KeyError, NodeKey, SignatureError, verify_signature};
pub use op::{OP_VERSION, Op, OpError, OpLimits, PROOF_ALG, Proof, RecordRevision, UnsignedOp};
pub use op_id::OpId;
