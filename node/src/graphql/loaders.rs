//! Dataloaders: every forward reference and plain-list inverse relation of one request is
//! fetched in one batched query per kind of lookup, never one query per parent.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use std::any::{Any, TypeId};
use std::sync::Mutex;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use uuid::Uuid;
use valueflows_model as vf;

use super::Rec;
use crate::app::App;
use crate::error::AppError;
use crate::store::{entity::record, records};

/// Live records by id.
pub struct RecordLoader(pub App);

impl Loader<Uuid> for RecordLoader {
    type Value = record::Model;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, record::Model>, Self::Error> {
        let Some(cache) = self.0.cache() else {
            let rows = records::get_many(self.0.store().db(), keys).await.map_err(|e| Arc::new(e.into()))?;
            return Ok(rows.into_iter().filter(|m| !m.deleted).map(|m| (m.id, m)).collect());
        };
        let mut found: HashMap<Uuid, record::Model> =
            cache.records(keys).into_iter().map(|(id, m)| (id, (*m).clone())).collect();
        let missing: Vec<Uuid> = keys.iter().copied().filter(|k| !found.contains_key(k)).collect();
        if !missing.is_empty() {
            let generation = cache.generation();
            let rows = records::get_many(self.0.store().db(), &missing).await.map_err(|e| Arc::new(e.into()))?;
            cache.fill_records(generation, rows.iter().cloned().map(Arc::new));
            found.extend(rows.into_iter().map(|m| (m.id, m)));
        }
        found.retain(|_, m| !m.deleted);
        Ok(found)
    }
}

/// Derived resource states by resource id.
pub struct StateLoader(pub App);

impl Loader<Uuid> for StateLoader {
    type Value = Arc<vf::ResourceState>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut rows: HashMap<Uuid, String> = HashMap::new();
        let missing: Vec<Uuid> = match self.0.cache() {
            Some(cache) => {
                let hits = cache.states(keys);
                let missing = keys.iter().copied().filter(|k| !hits.contains_key(k)).collect();
                rows.extend(hits.into_iter().map(|(id, s)| (id, (*s).clone())));
                missing
            }
            None => keys.to_vec(),
        };
        if !missing.is_empty() {
            let generation = self.0.cache().map(|c| c.generation());
            let fetched = records::states(self.0.store().db(), &missing).await.map_err(|e| Arc::new(e.into()))?;
            if let (Some(cache), Some(generation)) = (self.0.cache(), generation) {
                cache.fill_states(generation, fetched.iter().map(|(id, s)| (*id, Arc::new(s.clone()))));
            }
            rows.extend(fetched);
        }
        rows.into_iter()
            .map(|(id, s)| {
                serde_json::from_str::<vf::ResourceState>(&s)
                    .map(|st| (id, Arc::new(st)))
                    .map_err(|e| Arc::new(AppError::from(e)))
            })
            .collect()
    }
}

/// An inverse lookup: live records of `kinds` whose `field` is `value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RefKey {
    /// Kinds of the referring records.
    pub kinds: &'static [&'static str],
    /// The referring field.
    pub field: &'static str,
    /// The referenced value (an id, usually).
    pub value: String,
}

/// Inverse relations as plain lists, batched per `(kinds, field)`.
pub struct RefLoader(pub App);

impl Loader<RefKey> for RefLoader {
    type Value = Vec<Uuid>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[RefKey]) -> Result<HashMap<RefKey, Vec<Uuid>>, Self::Error> {
        let mut groups: HashMap<(&'static [&'static str], &'static str), Vec<String>> = HashMap::new();
        for k in keys {
            groups.entry((k.kinds, k.field)).or_default().push(k.value.clone());
        }
        let mut out: HashMap<RefKey, Vec<Uuid>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for ((kinds, field), values) in groups {
            let rows =
                records::ids_where(self.0.store().db(), kinds, field, &values).await.map_err(|e| Arc::new(e.into()))?;
            for (value, id) in rows {
                if let Some(v) = out.get_mut(&RefKey { kinds, field, value }) {
                    v.push(id);
                }
            }
        }
        Ok(out)
    }
}

/// The first page of an inverse relation of one parent: live records of `kinds` whose
/// `fields` hold `value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// Kinds of the records listed.
    pub kinds: Vec<&'static str>,
    /// The fields that point at the parent.
    pub fields: Vec<String>,
    /// The parent (an id).
    pub value: String,
    /// Page size.
    pub limit: u64,
}

/// First pages of inverse relations, for all the parents of a request in one query per
/// relation (a list of 50 agents with their events is 2 queries, not 51).
pub struct PageLoader(pub App);

impl Loader<PageKey> for PageLoader {
    type Value = Arc<Vec<record::Model>>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[PageKey]) -> Result<HashMap<PageKey, Self::Value>, Self::Error> {
        type Group = (Vec<&'static str>, Vec<String>, u64);
        let mut groups: HashMap<Group, Vec<String>> = HashMap::new();
        for k in keys {
            groups.entry((k.kinds.clone(), k.fields.clone(), k.limit)).or_default().push(k.value.clone());
        }
        let mut out = HashMap::new();
        for ((kinds, fields, limit), values) in groups {
            let mut pages = records::first_pages(self.0.store().db(), &kinds, &fields, &values, limit)
                .await
                .map_err(|e| Arc::new(e.into()))?;
            for value in values {
                let rows = pages.remove(&value).unwrap_or_default();
                out.insert(PageKey { kinds: kinds.clone(), fields: fields.clone(), value, limit }, Arc::new(rows));
            }
        }
        Ok(out)
    }
}

/// The first `limit + 1` records of an inverse relation of one parent.
pub async fn first_page(ctx: &Context<'_>, key: PageKey) -> Result<Arc<Vec<record::Model>>, AppError> {
    Ok(loaders(ctx)?.pages.load_one(key).await.map_err(unarc)?.unwrap_or_default())
}

/// A parsed record body, shared by every field of a request that reads it.
type Parsed = Arc<dyn Any + Send + Sync>;

/// The per-request loaders. They cache what they loaded for the rest of the request
/// (an agent named by fifty events is fetched and parsed once); a mutation clears them
/// before it writes, so nothing read before a write is served after it.
pub struct Loaders {
    /// Records by id.
    pub records: DataLoader<RecordLoader, HashMapCache>,
    /// Resource states by id.
    pub states: DataLoader<StateLoader, HashMapCache>,
    /// Inverse relations.
    pub refs: DataLoader<RefLoader, HashMapCache>,
    /// First pages of inverse connections.
    pub pages: DataLoader<PageLoader, HashMapCache>,
    parsed: Mutex<HashMap<(Uuid, Uuid, TypeId), Parsed>>,
}

/// Runs a batch load on its own task, in the span of the resolver that started it, so its
/// database spans stay in the operation's trace.
fn spawn(load: futures::future::BoxFuture<'static, ()>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(tracing::Instrument::in_current_span(load))
}

impl Loaders {
    /// Fresh loaders for one request (no caching across requests).
    pub fn new(app: &App) -> Loaders {
        Loaders {
            records: DataLoader::with_cache(RecordLoader(app.clone()), spawn, HashMapCache::default()),
            states: DataLoader::with_cache(StateLoader(app.clone()), spawn, HashMapCache::default()),
            refs: DataLoader::with_cache(RefLoader(app.clone()), spawn, HashMapCache::default()),
            pages: DataLoader::with_cache(PageLoader(app.clone()), spawn, HashMapCache::default()),
            parsed: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets everything loaded so far (before a write).
    pub fn clear(&self) {
        self.records.clear::<Uuid>();
        self.states.clear::<Uuid>();
        self.refs.clear::<RefKey>();
        self.pages.clear::<PageKey>();
        if let Ok(mut p) = self.parsed.lock() {
            p.clear();
        }
    }

    /// The body of `m` parsed as `T`, once per request per revision.
    pub fn parse<T: serde::de::DeserializeOwned + Send + Sync + 'static>(
        &self,
        m: &record::Model,
    ) -> Result<Rec<T>, AppError> {
        let key = (m.id, m.revision_id, TypeId::of::<T>());
        if let Some(hit) = self.parsed.lock().ok().and_then(|p| p.get(&key).cloned())
            && let Ok(data) = hit.downcast::<T>()
        {
            return Ok(Rec { id: m.id, revision_id: m.revision_id, data });
        }
        let rec: Rec<T> = Rec::from_model(m)?;
        if let Ok(mut p) = self.parsed.lock() {
            p.insert(key, rec.data.clone());
        }
        Ok(rec)
    }
}

/// Forgets what the request's loaders hold; call before writing.
pub fn clear(ctx: &Context<'_>) {
    if let Some(l) = ctx.data_opt::<Loaders>() {
        l.clear();
    }
}

/// `m` parsed as `T`, through the request's parse cache when there is one.
pub fn parse<T: serde::de::DeserializeOwned + Send + Sync + 'static>(
    ctx: &Context<'_>,
    m: &record::Model,
) -> Result<Rec<T>, AppError> {
    match ctx.data_opt::<Loaders>() {
        Some(l) => l.parse(m),
        None => Rec::from_model(m),
    }
}

fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, AppError> {
    ctx.data_opt::<Loaders>().ok_or_else(|| AppError::Internal("no loaders in request".to_owned()))
}

fn unarc(e: Arc<AppError>) -> AppError {
    match Arc::try_unwrap(e) {
        Ok(e) => e,
        Err(e) => AppError::Internal(e.to_string()),
    }
}

/// One live record of one of `kinds`.
pub async fn load(ctx: &Context<'_>, id: Uuid, kinds: &[&str]) -> Result<Option<record::Model>, AppError> {
    let m = loaders(ctx)?.records.load_one(id).await.map_err(unarc)?;
    Ok(m.filter(|m| kinds.contains(&m.kind.as_str())))
}

/// A typed live record of one of `kinds`.
pub async fn load_rec<T: serde::de::DeserializeOwned + Send + Sync + 'static>(
    ctx: &Context<'_>,
    id: Uuid,
    kinds: &[&str],
) -> Result<Option<Rec<T>>, AppError> {
    load(ctx, id, kinds).await?.map(|m| parse(ctx, &m)).transpose()
}

/// Many live records (order kept, missing ones skipped).
pub async fn load_many(ctx: &Context<'_>, ids: &[Uuid], kinds: &[&str]) -> Result<Vec<record::Model>, AppError> {
    let mut map = loaders(ctx)?.records.load_many(ids.iter().copied()).await.map_err(unarc)?;
    Ok(ids.iter().filter_map(|id| map.remove(id)).filter(|m| kinds.contains(&m.kind.as_str())).collect())
}

/// A resource's derived state.
pub async fn state(ctx: &Context<'_>, id: Uuid) -> Result<Option<Arc<vf::ResourceState>>, AppError> {
    loaders(ctx)?.states.load_one(id).await.map_err(unarc)
}

/// Ids of live records of `kinds` whose `field` is `value`.
pub async fn referrers(
    ctx: &Context<'_>,
    kinds: &'static [&'static str],
    field: &'static str,
    value: Uuid,
) -> Result<Vec<Uuid>, AppError> {
    let key = RefKey { kinds, field, value: value.to_string() };
    Ok(loaders(ctx)?.refs.load_one(key).await.map_err(unarc)?.unwrap_or_default())
}

/// True when no live record but `id` itself refers to `id`: what `deletable` reports, and
/// what the delete path requires.
pub async fn unreferenced(ctx: &Context<'_>, id: Uuid) -> Result<bool, AppError> {
    let refs = records::referrers(super::app(ctx).store().db(), &id.to_string()).await?;
    Ok(refs.iter().all(|(r, _)| *r == id))
}
