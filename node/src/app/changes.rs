//! Change notices: after each commit the writer publishes, for every write of the batch,
//! which records it revised and which resource states it changed. Subscribers load what
//! they need through the normal read path, so they only ever see committed data.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

/// How a revision changed its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    /// The record's first revision.
    Created,
    /// A later revision.
    Updated,
    /// A retraction.
    Deleted,
}

/// One record revision a committed write carried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordChange {
    /// The record's kind (`EconomicEvent`, `Person`, ...).
    pub kind: &'static str,
    /// The record.
    pub id: Uuid,
    /// The revision written.
    pub revision_id: Uuid,
    /// Created, updated or deleted.
    pub change: ChangeKind,
}

/// A [`RecordChange`] as read back: its kind still a string.
#[derive(Deserialize)]
struct RecordChangeWire {
    kind: String,
    id: Uuid,
    revision_id: Uuid,
    change: ChangeKind,
}

impl<'de> Deserialize<'de> for RecordChange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RecordChange, D::Error> {
        let w = RecordChangeWire::deserialize(d)?;
        let kind = super::kinds::kind::named(&w.kind)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown record kind `{}`", w.kind)))?;
        Ok(RecordChange { kind, id: w.id, revision_id: w.revision_id, change: w.change })
    }
}

/// What one committed write (one op of the node's feed) changed. Serialisable: replicas
/// on one database pass their notices to each other (`store::shared`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Committed {
    /// The op's position in the node's feed.
    pub seq: i64,
    /// When the write was made, canonical RFC 3339.
    pub time: String,
    /// The agent that made it.
    pub author: Option<Uuid>,
    /// The revisions the op carried, in its order.
    pub records: Vec<RecordChange>,
    /// Resources whose derived state the write changed.
    pub states: Vec<Uuid>,
}

/// The channel the writer publishes on. A slow receiver never holds up the writer or
/// other receivers: it loses the oldest notices and learns how many it missed.
#[derive(Clone, Debug)]
pub struct Changes {
    tx: broadcast::Sender<Arc<Committed>>,
}

impl Changes {
    /// A channel that keeps at most `capacity` notices for the slowest receiver.
    pub fn new(capacity: usize) -> Changes {
        let (tx, _) = broadcast::channel(capacity.max(1));
        Changes { tx }
    }

    /// Publishes a committed write (a no-op when nobody listens).
    pub fn publish(&self, notice: Committed) {
        let _ = self.tx.send(Arc::new(notice));
    }

    /// Notices of the writes committed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Committed>> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_lagging_receiver_learns_how_many_notices_it_missed() {
        let changes = Changes::new(2);
        let mut slow = changes.subscribe();
        for seq in 1..=5 {
            changes.publish(Committed { seq, ..Committed::default() });
        }
        match slow.recv().await {
            Err(broadcast::error::RecvError::Lagged(n)) => assert_eq!(n, 3),
            other => panic!("expected a lag, got {other:?}"),
        }
        assert_eq!(slow.recv().await.expect("kept").seq, 4);
        assert_eq!(slow.recv().await.expect("kept").seq, 5);
    }
}
