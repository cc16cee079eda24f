//! The pending area: verified ops that arrived past a gap in their feed, held until the ops
//! before them arrive (from any peer) so they need not be fetched again.
//!
//! An op is only held after it verified on its own (id, signature, origin), so everything
//! here is signed by its origin; what is unknown is only whether it continues the feed as
//! stored. The area is bounded by a count and by bytes of wire JSON. When an offer would
//! pass either bound, the ops furthest from being usable (the highest seqs of the feed
//! holding the most) are dropped first; a dropped op is simply pulled again later.

use std::collections::BTreeMap;

use crate::chain::check_chain;
use crate::op::Op;
use crate::op_id::OpId;

/// A verified op with its id and wire JSON, as [`crate::protocol::check_page`] returns them.
pub type HeldOp = (Op, OpId, String);

/// Verified ops waiting for the ops before them, per origin, within fixed bounds.
#[derive(Debug)]
pub struct Pending {
    max_ops: usize,
    max_bytes: usize,
    /// Per origin, per seq: the op and the peer it came from.
    feeds: BTreeMap<String, BTreeMap<u64, (HeldOp, String)>>,
    ops: usize,
    bytes: usize,
}

/// What [`Pending::take_ready`] found for a feed at a given head.
#[derive(Debug, Default)]
pub struct Ready {
    /// Ops that continue the head, in seq order, each continuing the one before.
    pub ops: Vec<HeldOp>,
    /// Held ops at or below the head, each with the peer it came from: each is either the op
    /// already stored at its seq or, when its id differs, evidence that the origin signed two
    /// ops at one seq (which that peer supplied).
    pub stale: Vec<(HeldOp, String)>,
    /// Held ops that were dropped because they do not continue the chain (a `prev` that is
    /// not the op before them).
    pub broken: usize,
}

impl Pending {
    /// An empty area holding at most `max_ops` ops and `max_bytes` bytes of their JSON.
    pub fn new(max_ops: usize, max_bytes: usize) -> Pending {
        Pending { max_ops, max_bytes, feeds: BTreeMap::new(), ops: 0, bytes: 0 }
    }

    /// Ops held.
    pub fn len(&self) -> usize {
        self.ops
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.ops == 0
    }

    /// Bytes of wire JSON held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Ops held for `origin`.
    pub fn len_of(&self, origin: &str) -> usize {
        self.feeds.get(origin).map_or(0, BTreeMap::len)
    }

    /// Holds verified ops of `origin` that came from the peer at `source` (an op at a seq
    /// already held replaces nothing: the first one stays). Returns how many of `ops` are
    /// held once the bounds are kept; an op larger than the whole area is never held.
    pub fn hold(&mut self, origin: &str, source: &str, ops: impl IntoIterator<Item = HeldOp>) -> usize {
        let mut added = Vec::new();
        for op in ops {
            let size = op.2.len();
            if size > self.max_bytes || self.max_ops == 0 {
                continue;
            }
            let seq = op.0.unsigned.seq;
            let feed = self.feeds.entry(origin.to_owned()).or_default();
            if feed.contains_key(&seq) {
                continue;
            }
            feed.insert(seq, (op, source.to_owned()));
            self.ops += 1;
            self.bytes += size;
            added.push(seq);
        }
        self.shed();
        let kept = self.feeds.get(origin);
        added.iter().filter(|s| kept.is_some_and(|f| f.contains_key(s))).count()
    }

    /// Drops the highest seqs of the largest feeds until both bounds hold.
    fn shed(&mut self) {
        while self.ops > self.max_ops || self.bytes > self.max_bytes {
            let Some(origin) = self.feeds.iter().max_by_key(|(_, f)| f.len()).map(|(o, _)| o.clone()) else {
                break;
            };
            let Some(feed) = self.feeds.get_mut(&origin) else { break };
            if let Some((_, (op, _))) = feed.pop_last() {
                self.ops -= 1;
                self.bytes -= op.2.len();
            }
            if feed.is_empty() {
                self.feeds.remove(&origin);
            }
        }
    }

    /// Takes out of the area what a feed whose stored head is `head` (seq and op id; None for
    /// an empty feed) can use now: the run of held ops continuing it, and the held ops it has
    /// passed. A held op at the next seq that does not name the head as `prev` is dropped,
    /// with everything held above it (they chain from it).
    pub fn take_ready(&mut self, origin: &str, head: Option<(u64, &OpId)>) -> Ready {
        let mut ready = Ready::default();
        let Some(feed) = self.feeds.get_mut(origin) else { return ready };
        let head_seq = head.map_or(0, |(s, _)| s);
        let above = feed.split_off(&(head_seq + 1));
        for (_, (op, source)) in std::mem::replace(feed, above) {
            self.ops -= 1;
            self.bytes -= op.2.len();
            ready.stale.push((op, source));
        }
        let mut last = head.map(|(s, id)| (s, id.clone()));
        while let Some(entry) = feed.first_entry() {
            let ((op, id, _), _) = entry.get();
            let continues = check_chain(last.as_ref().map(|(s, id)| (*s, id)), op, id).is_ok();
            let next_seq = last.as_ref().map_or(0, |(s, _)| *s) + 1;
            if !continues && *entry.key() != next_seq {
                // A gap still: wait for the ops before it.
                break;
            }
            let (op, _) = entry.remove();
            self.ops -= 1;
            self.bytes -= op.2.len();
            if !continues {
                // At the next seq but not chained to the head: it and whatever chains from
                // it belong to another branch of the feed.
                ready.broken += 1 + feed.len();
                for (_, (rest, _)) in std::mem::take(feed) {
                    self.ops -= 1;
                    self.bytes -= rest.2.len();
                }
                break;
            }
            last = Some((op.0.unsigned.seq, op.1.clone()));
            ready.ops.push(op);
        }
        if feed.is_empty() {
            self.feeds.remove(origin);
        }
        ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::NodeKey;
    use crate::op::test_support::signed_chain;

    fn held(feed: &[(Op, OpId)]) -> Vec<HeldOp> {
        feed.iter().map(|(op, id)| (op.clone(), id.clone(), op.to_json().expect("json"))).collect()
    }

    #[test]
    fn ops_past_a_gap_wait_until_the_gap_is_filled() {
        let key = NodeKey::generate();
        let origin = key.did().to_string();
        let feed = held(&signed_chain(&key, 8));
        let mut pending = Pending::new(100, 1 << 20);
        assert_eq!(pending.hold(&origin, "https://peer.example", feed[4..].iter().cloned()), 4);
        assert_eq!(pending.len_of(&origin), 4);

        // Stored up to 3: op 4 is still missing, nothing is ready.
        let at3 = Some((3, &feed[2].1));
        let ready = pending.take_ready(&origin, at3);
        assert!(ready.ops.is_empty() && ready.stale.is_empty());
        assert_eq!(pending.len(), 4);

        // Stored up to 4: 5..8 continue it, in order.
        let ready = pending.take_ready(&origin, Some((4, &feed[3].1)));
        let seqs: Vec<u64> = ready.ops.iter().map(|(op, _, _)| op.unsigned.seq).collect();
        assert_eq!(seqs, [5, 6, 7, 8]);
        assert!(pending.is_empty() && pending.bytes() == 0);
    }

    #[test]
    fn ops_the_feed_has_passed_come_back_as_stale() {
        let key = NodeKey::generate();
        let origin = key.did().to_string();
        let feed = held(&signed_chain(&key, 6));
        let mut pending = Pending::new(100, 1 << 20);
        pending.hold(&origin, "https://peer.example", feed[2..].iter().cloned());
        let ready = pending.take_ready(&origin, Some((4, &feed[3].1)));
        let stale: Vec<u64> = ready.stale.iter().map(|((op, _, _), _)| op.unsigned.seq).collect();
        assert!(ready.stale.iter().all(|(_, source)| source == "https://peer.example"), "each with its peer");
        assert_eq!(stale, [3, 4]);
        assert_eq!(ready.ops.len(), 2);
        assert!(pending.is_empty());
    }

    #[test]
    fn another_branch_is_dropped_not_applied() {
        let key = NodeKey::generate();
        let origin = key.did().to_string();
        let honest = held(&signed_chain(&key, 2));
        // The same origin also signed another op 2, and ops 3 and 4 after that one.
        let other = held(&crate::op::test_support::signed_branch(&key, &signed_chain(&key, 1), 4, "other"));
        let mut pending = Pending::new(100, 1 << 20);
        pending.hold(&origin, "https://peer.example", other[2..].iter().cloned());
        let ready = pending.take_ready(&origin, Some((2, &honest[1].1)));
        assert!(ready.ops.is_empty());
        assert_eq!(ready.broken, 2);
        assert!(pending.is_empty());
    }

    #[test]
    fn the_bounds_hold_and_the_furthest_ops_go_first() {
        let key = NodeKey::generate();
        let origin = key.did().to_string();
        let feed = held(&signed_chain(&key, 30));
        let mut pending = Pending::new(10, 1 << 20);
        assert_eq!(pending.hold(&origin, "https://peer.example", feed[5..].iter().cloned()), 10);
        assert_eq!(pending.len(), 10);
        // The nearest ten are kept: 6..=15.
        let ready = pending.take_ready(&origin, Some((5, &feed[4].1)));
        let seqs: Vec<u64> = ready.ops.iter().map(|(op, _, _)| op.unsigned.seq).collect();
        assert_eq!(seqs, (6..=15).collect::<Vec<_>>());

        // By bytes: room for about three ops.
        let size = feed[0].2.len();
        let mut pending = Pending::new(100, size * 3 + size / 2);
        pending.hold(&origin, "https://peer.example", feed[10..20].iter().cloned());
        assert_eq!(pending.len(), 3);
        assert!(pending.bytes() <= size * 3 + size / 2);

        // A second feed competes: the larger feed sheds first.
        let key2 = NodeKey::generate();
        let origin2 = key2.did().to_string();
        let feed2 = held(&signed_chain(&key2, 5));
        let mut pending = Pending::new(6, 1 << 20);
        pending.hold(&origin, "https://peer.example", feed[1..6].iter().cloned());
        pending.hold(&origin2, "https://peer.example", feed2[1..3].iter().cloned());
        assert_eq!(pending.len(), 6);
        assert_eq!(pending.len_of(&origin2), 2);
        assert_eq!(pending.len_of(&origin), 4);
    }
}
