//! Ops: signed, content-addressed batches of record revisions from one origin.
//!
//! See `PROTOCOL.md` for the wire format; [`UnsignedOp::canonical_bytes`] is what gets hashed and signed.

mod error;
mod limits;
mod parse;
mod record;
mod serde_rules;
mod signed;
mod unsigned;
mod wire;

pub use crate::chain::{ChainError, check_chain};
pub use crate::op_id::OpId;
pub use error::OpError;
pub use limits::OpLimits;
pub use record::RecordRevision;
pub use signed::{Op, PROOF_ALG, Proof, SigningInput};
pub use unsigned::UnsignedOp;

/// The op format version this crate writes and accepts (the `v` field).
pub const OP_VERSION: u32 = 1;

#[cfg(test)]
mod known_answer;
#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod test_support;
