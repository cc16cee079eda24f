//! The history module: every record keeps its revisions; `revision(revisionId:)` reads
//! one and `meta` tells where it sits.

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use super::error::GqlResult;
use super::scalars::DateTime;
use super::{Rec, agent::Agent};
use crate::error::AppError;
use crate::store::{entity::record_revision, records};
use valueflows_model as vf;

/// Where a retrieved revision sits in its record's history.
pub struct RecordMeta {
    /// The record.
    pub record_id: Uuid,
    /// The revision retrieved.
    pub retrieved: Uuid,
}

impl RecordMeta {
    /// Meta of a retrieved record.
    pub fn of<T>(r: &Rec<T>) -> RecordMeta {
        RecordMeta { record_id: r.id, retrieved: r.revision_id }
    }

    async fn revisions(&self, ctx: &Context<'_>) -> Result<Vec<record_revision::Model>, AppError> {
        Ok(records::revisions(super::app(ctx).store().db(), self.record_id).await?)
    }

    fn position(list: &[record_revision::Model], id: Uuid) -> usize {
        list.iter().position(|r| r.revision_id == id).unwrap_or(0)
    }
}

#[Object]
impl RecordMeta {
    /// Metadata about the previous revision of this record; empty for a first revision.
    async fn previous_revision(&self, ctx: &Context<'_>) -> GqlResult<Option<Revision>> {
        let list = self.revisions(ctx).await?;
        let at = Self::position(&list, self.retrieved);
        Ok(at.checked_sub(1).and_then(|i| list.get(i)).map(Revision::from))
    }

    /// How many revisions came before this one.
    async fn previous_revisions_count(&self, ctx: &Context<'_>) -> GqlResult<Option<i32>> {
        let list = self.revisions(ctx).await?;
        Ok(i32::try_from(Self::position(&list, self.retrieved)).ok())
    }

    /// How many revisions came after this one.
    async fn future_revisions_count(&self, ctx: &Context<'_>) -> GqlResult<Option<i32>> {
        let list = self.revisions(ctx).await?;
        let at = Self::position(&list, self.retrieved);
        Ok(i32::try_from(list.len().saturating_sub(at + 1)).ok())
    }

    /// Metadata regarding the most recent revision of this record.
    async fn latest_revision(&self, ctx: &Context<'_>) -> GqlResult<Option<Revision>> {
        Ok(self.revisions(ctx).await?.last().map(Revision::from))
    }

    /// Metadata regarding the requested revision of this record.
    async fn retrieved_revision(&self, ctx: &Context<'_>) -> GqlResult<Revision> {
        let list = self.revisions(ctx).await?;
        list.iter()
            .find(|r| r.revision_id == self.retrieved)
            .map(Revision::from)
            .ok_or_else(|| AppError::Internal(format!("revision {} has no history row", self.retrieved)).into())
    }
}

/// One revision of a record.
pub struct Revision {
    id: Uuid,
    time: Option<vf::Timestamp>,
    author: Option<Uuid>,
}

impl From<&record_revision::Model> for Revision {
    fn from(m: &record_revision::Model) -> Self {
        Revision { id: m.revision_id, time: vf::Timestamp::parse(&m.time).ok(), author: m.author }
    }
}

#[Object]
impl Revision {
    /// ID of the revision, used to query a specific version of the related record.
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }

    /// When the revision was written.
    async fn time(&self) -> Option<DateTime> {
        self.time.map(DateTime)
    }

    /// The agent that wrote it.
    async fn author(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        match self.author {
            Some(a) => Ok(super::agent::load_agent(ctx, a).await?),
            None => Ok(None),
        }
    }
}

/// One past (or current) revision of record `record_id`, parsed.
pub async fn revision<T: serde::de::DeserializeOwned>(
    ctx: &Context<'_>,
    record_id: Uuid,
    revision_id: &ID,
) -> GqlResult<Option<Rec<T>>> {
    let rev_id = super::parse_id("revisionId", revision_id)?;
    let Some(m) = records::revision(super::app(ctx).store().db(), rev_id).await.map_err(AppError::from)? else {
        return Ok(None);
    };
    if m.record_id != record_id || m.retracted {
        return Ok(None);
    }
    let data = serde_json::from_str(&m.body).map_err(AppError::from)?;
    Ok(Some(Rec { id: record_id, revision_id: m.revision_id, data: std::sync::Arc::new(data) }))
}
