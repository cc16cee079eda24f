//! An in-process cache of current records and resource states, written through by the
//! writer after each commit, so reads of hot records (agents, units, specifications,
//! resources) do not go to the database. With several replicas on one PostgreSQL database,
//! the writer clears it when another replica wrote since its last batch, and the change
//! listener drops what other replicas changed (`store::shared`); reads may then lag another
//! replica's write by the notice's delivery (`storage.record_cache = false` avoids that).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use uuid::Uuid;

use crate::store::entity::record;

/// Most entries kept of each kind before the cache starts over.
const CAPACITY: usize = 100_000;

/// Current records and resource states by id.
#[derive(Debug, Default)]
pub struct RecordCache {
    records: RwLock<HashMap<Uuid, Arc<record::Model>>>,
    states: RwLock<HashMap<Uuid, Arc<String>>>,
    /// Bumped at every invalidation: a read that started before it must not fill the cache.
    generation: AtomicU64,
}

impl RecordCache {
    /// The generation to pass back to `fill_*` after reading the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Cached records among `ids`.
    pub fn records(&self, ids: &[Uuid]) -> HashMap<Uuid, Arc<record::Model>> {
        let Ok(map) = self.records.read() else { return HashMap::new() };
        ids.iter().filter_map(|id| map.get(id).map(|m| (*id, m.clone()))).collect()
    }

    /// Cached states among `ids`.
    pub fn states(&self, ids: &[Uuid]) -> HashMap<Uuid, Arc<String>> {
        let Ok(map) = self.states.read() else { return HashMap::new() };
        ids.iter().filter_map(|id| map.get(id).map(|m| (*id, m.clone()))).collect()
    }

    /// Adds records read from the database, unless a write happened since `generation`.
    pub fn fill_records(&self, generation: u64, rows: impl IntoIterator<Item = Arc<record::Model>>) {
        if let Ok(mut map) = self.records.write()
            && self.generation() == generation
        {
            if map.len() > CAPACITY {
                map.clear();
            }
            map.extend(rows.into_iter().map(|m| (m.id, m)));
        }
    }

    /// Adds states read from the database, unless a write happened since `generation`.
    pub fn fill_states(&self, generation: u64, rows: impl IntoIterator<Item = (Uuid, Arc<String>)>) {
        if let Ok(mut map) = self.states.write()
            && self.generation() == generation
        {
            if map.len() > CAPACITY {
                map.clear();
            }
            map.extend(rows);
        }
    }

    /// Forgets everything (after writes whose extent is not tracked: deletes, refolds).
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut map) = self.records.write() {
            map.clear();
        }
        if let Ok(mut map) = self.states.write() {
            map.clear();
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Forgets `records` and `states` (after they were written).
    pub fn invalidate(&self, records: &[Uuid], states: &[Uuid]) {
        if records.is_empty() && states.is_empty() {
            return;
        }
        // Bump first: a read racing with this write cannot fill the old value back in.
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut map) = self.records.write() {
            for id in records {
                map.remove(id);
            }
        }
        if let Ok(mut map) = self.states.write() {
            for id in states {
                map.remove(id);
            }
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: Uuid, body: &str) -> Arc<record::Model> {
        Arc::new(record::Model {
            id,
            kind: "Unit".into(),
            revision_id: Uuid::now_v7(),
            origin: "did:key:z".into(),
            body: body.into(),
            created_at: String::new(),
            updated_at: String::new(),
            author: None,
            deleted: false,
        })
    }

    #[test]
    fn a_read_that_started_before_a_write_does_not_fill_the_old_value_back() {
        let cache = RecordCache::default();
        let id = Uuid::now_v7();
        let before = cache.generation();
        cache.invalidate(&[id], &[]);
        cache.fill_records(before, [row(id, "old")]);
        assert!(cache.records(&[id]).is_empty());
        let now = cache.generation();
        cache.fill_records(now, [row(id, "new")]);
        assert_eq!(cache.records(&[id])[&id].body, "new");
    }

    #[test]
    fn invalidated_and_cleared_entries_are_gone() {
        let cache = RecordCache::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        cache.fill_records(cache.generation(), [row(a, "a"), row(b, "b")]);
        cache.fill_states(cache.generation(), [(a, Arc::new("s".to_owned()))]);
        cache.invalidate(&[a], &[a]);
        assert!(cache.records(&[a]).is_empty() && cache.states(&[a]).is_empty());
        assert_eq!(cache.records(&[b]).len(), 1);
        cache.clear();
        assert!(cache.records(&[b]).is_empty());
    }
}
