//! Feed continuity: each origin's ops form a hash chain (`seq` 1, 2, 3… with `prev` = previous op id).

use thiserror::Error;

use crate::op::Op;
use crate::op_id::OpId;

/// `next` does not continue the feed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChainError {
    /// `next.seq` is beyond the next position: ops are missing in between.
    #[error("op {op} has seq {got} but the feed expects seq {expected} (gap)")]
    Gap {
        /// Id of the rejected op.
        op: OpId,
        /// The seq the feed expects next.
        expected: u64,
        /// The op's seq.
        got: u64,
    },
    /// `next.seq` is at or below the feed's last seq: a replay or a fork.
    #[error("op {op} has seq {got} but the feed already reached seq {last} (expected {expected})")]
    Stale {
        /// Id of the rejected op.
        op: OpId,
        /// The feed's last seq.
        last: u64,
        /// The seq the feed expects next.
        expected: u64,
        /// The op's seq.
        got: u64,
    },
    /// `next.prev` does not name the feed's last op (or is set on the first op).
    #[error("op {op} (seq {seq}) has prev {got} but the feed expects prev {expected}")]
    PrevMismatch {
        /// Id of the rejected op.
        op: OpId,
        /// The op's seq.
        seq: u64,
        /// The `prev` the feed expects (`none` for the first op).
        expected: PrevRef,
        /// The op's `prev`.
        got: PrevRef,
    },
}

impl ChainError {
    /// Stable error code for logs and API responses.
    pub fn code(&self) -> &'static str {
        match self {
            ChainError::Gap { .. } => "CHAIN_GAP",
            ChainError::Stale { .. } => "CHAIN_STALE",
            ChainError::PrevMismatch { .. } => "CHAIN_MISMATCH",
        }
    }
}

/// A `prev` value for error messages: an op id or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrevRef(pub Option<OpId>);

impl std::fmt::Display for PrevRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(id) => write!(f, "{id}"),
            None => f.write_str("none"),
        }
    }
}

/// Checks that `next` continues a feed whose last op is `(seq, id)` (or an empty feed when None):
/// same origin assumed by caller, seq = last+1, prev = last id.
///
/// `next_id` is the verified id of `next` (from [`Op::verify`]); it is used in error reports.
pub fn check_chain(last: Option<(u64, &OpId)>, next: &Op, next_id: &OpId) -> Result<(), ChainError> {
    let got = next.unsigned.seq;
    let (last_seq, expected_prev) = match last {
        Some((seq, id)) => (seq, Some(id)),
        None => (0, None),
    };
    match last_seq.checked_add(1) {
        Some(expected) if got > expected => {
            return Err(ChainError::Gap { op: next_id.clone(), expected, got });
        }
        Some(expected) if got == expected => {}
        expected => {
            return Err(ChainError::Stale {
                op: next_id.clone(),
                last: last_seq,
                expected: expected.unwrap_or(u64::MAX),
                got,
            });
        }
    }
    if next.unsigned.prev.as_ref() != expected_prev {
        return Err(ChainError::PrevMismatch {
            op: next_id.clone(),
            seq: got,
            expected: PrevRef(expected_prev.cloned()),
            got: PrevRef(next.unsigned.prev.clone()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::NodeKey;
    use crate::op::test_support::{signed_chain, unsigned_op};
    use serde_json::json;

    #[test]
    fn chain_of_three_is_accepted() {
        let key = NodeKey::generate();
        let feed = signed_chain(&key, 3);
        let mut last: Option<(u64, &OpId)> = None;
        for (op, id) in &feed {
            assert_eq!(check_chain(last, op, id), Ok(()));
            last = Some((op.unsigned.seq, id));
        }
    }

    #[test]
    fn first_op_must_have_seq_one() {
        let key = NodeKey::generate();
        let feed = signed_chain(&key, 2);
        let (op, id) = &feed[1];
        let err = check_chain(None, op, id).expect_err("must fail");
        assert_eq!(err.code(), "CHAIN_GAP");
    }

    #[test]
    fn gap_is_rejected() {
        let key = NodeKey::generate();
        let feed = signed_chain(&key, 3);
        let (first, first_id) = &feed[0];
        let (third, third_id) = &feed[2];
        let err = check_chain(Some((first.unsigned.seq, first_id)), third, third_id).expect_err("must fail");
        assert_eq!(err, ChainError::Gap { op: third_id.clone(), expected: 2, got: 3 });
    }

    #[test]
    fn replayed_op_is_stale() {
        let key = NodeKey::generate();
        let feed = signed_chain(&key, 2);
        let (second, second_id) = &feed[1];
        let err = check_chain(Some((2, second_id)), second, second_id).expect_err("must fail");
        assert_eq!(err.code(), "CHAIN_STALE");
    }

    #[test]
    fn wrong_prev_is_rejected() {
        let key = NodeKey::generate();
        let feed = signed_chain(&key, 2);
        let (second, second_id) = &feed[1];
        let other = OpId::of_canonical_bytes(b"some other op");
        let err = check_chain(Some((1, &other)), second, second_id).expect_err("must fail");
        assert_eq!(err.code(), "CHAIN_MISMATCH");
        assert!(err.to_string().contains(other.as_str()));
    }

    #[test]
    fn seq_one_with_prev_is_rejected() {
        let key = NodeKey::generate();
        // Built without signing: `sign` refuses this shape, but a peer could still send it.
        let op = crate::op::Op {
            unsigned: unsigned_op(&key, 1, Some(OpId::of_canonical_bytes(b"x")), json!({})),
            proof: crate::op::Proof::ed25519(&[0u8; 64]),
        };
        let id = op.id().expect("id");
        let err = check_chain(None, &op, &id).expect_err("must fail");
        assert_eq!(
            err,
            ChainError::PrevMismatch {
                op: id.clone(),
                seq: 1,
                expected: PrevRef(None),
                got: PrevRef(Some(OpId::of_canonical_bytes(b"x")))
            }
        );
        assert!(err.to_string().contains("expects prev none"));
    }
}
