//! The appreciation module: an economic event given in loose appreciation of another,
//! without commitments or expectations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::written;
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::loaders::{load_many, load_rec, referrers, unreferenced};
use super::observation::{EconomicEvent, required_event};
use super::{Rec, app, id_patch, parse_id, patch, patch_required, require_read, require_write};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::ListQuery;

const APPRECIATION: &[&str] = &[kind::APPRECIATION];

/// A way to tie an economic event that is given in loose fulfilment for another economic event, without commitments or expectations.
/// Supports the gift economy.
#[derive(Clone)]
pub struct Appreciation(pub Rec<vf::Appreciation>);

fn appreciation_node(m: &record::Model) -> Result<Appreciation, AppError> {
    Ok(Appreciation(Rec::from_model(m)?))
}

#[Object]
impl Appreciation {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// The economic event this appreciation has been given in acknowledgement of.
    async fn appreciation_of(&self, ctx: &Context<'_>) -> GqlResult<EconomicEvent> {
        required_event(ctx, self.0.data.appreciation_of).await
    }
    /// The economic event provided as a gift in this appreciation.
    async fn appreciation_with(&self, ctx: &Context<'_>) -> GqlResult<EconomicEvent> {
        required_event(ctx, self.0.data.appreciation_with).await
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// True: nothing refers to an appreciation, so it can always be deleted.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(unreferenced(ctx, self.0.id).await?))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Appreciation>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Appreciation))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

connection!(AppreciationConnection, AppreciationEdge, Appreciation, "appreciations");

/// Appreciations whose `field` (`appreciationOf` or `appreciationWith`) is the event `id`.
pub async fn appreciations_where(
    ctx: &Context<'_>,
    field: &'static str,
    id: Uuid,
) -> GqlResult<Option<Vec<Appreciation>>> {
    let ids = referrers(ctx, APPRECIATION, field, id).await?;
    let rows = load_many(ctx, &ids, APPRECIATION).await?;
    Ok(Some(rows.iter().map(appreciation_node).collect::<Result<_, _>>()?))
}

/// Fields of a new appreciation.
#[derive(InputObject)]
pub struct AppreciationCreateParams {
    /// (`EconomicEvent`) The economic event this appreciation has been given in acknowledgement of.
    pub appreciation_of: ID,
    /// (`EconomicEvent`) The economic event provided as a gift in this appreciation.
    pub appreciation_with: ID,
    /// A textual description or comment.
    pub note: Option<String>,
}

/// Changes to an appreciation.
#[derive(InputObject)]
pub struct AppreciationUpdateParams {
    pub revision_id: ID,
    /// (`EconomicEvent`) The economic event this appreciation has been given in acknowledgement of.
    #[graphql(default)]
    pub appreciation_of: MaybeUndefined<ID>,
    /// (`EconomicEvent`) The economic event provided as a gift in this appreciation.
    #[graphql(default)]
    pub appreciation_with: MaybeUndefined<ID>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The appreciation created or updated.
#[derive(SimpleObject)]
pub struct AppreciationResponse {
    appreciation: Appreciation,
}

/// Appreciation queries.
#[derive(Default)]
pub struct AppreciationQuery;

#[Object]
impl AppreciationQuery {
    /// An appreciation by its id; the reference types it non-null, so a missing one is a `NOT_FOUND` error.
    async fn appreciation(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Appreciation> {
        require_read(ctx)?;
        let id = parse_id("id", &id)?;
        load_rec(ctx, id, APPRECIATION)
            .await?
            .map(Appreciation)
            .ok_or_else(|| AppError::NotFound(format!("no Appreciation with id {id}")).into())
    }

    async fn appreciations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<AppreciationConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: APPRECIATION.to_vec(), filters: Vec::new() };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), appreciation_node).await?;
        Ok(AppreciationConnection::new(items, info))
    }
}

/// Appreciation mutations.
#[derive(Default)]
pub struct AppreciationMutation;

#[Object]
impl AppreciationMutation {
    async fn create_appreciation(
        &self,
        ctx: &Context<'_>,
        appreciation: AppreciationCreateParams,
    ) -> GqlResult<AppreciationResponse> {
        let author = require_write(ctx)?;
        let a = appreciation;
        let rec = vf::Appreciation {
            id: vf::AppreciationId::new(Uuid::now_v7()),
            appreciation_of: vf::EventId::new(parse_id("appreciationOf", &a.appreciation_of)?),
            appreciation_with: vf::EventId::new(parse_id("appreciationWith", &a.appreciation_with)?),
            note: a.note,
        };
        let row = app(ctx).create(&rec, author).await?;
        Ok(AppreciationResponse { appreciation: written(row, kind::APPRECIATION, Appreciation)? })
    }

    async fn update_appreciation(
        &self,
        ctx: &Context<'_>,
        appreciation: AppreciationUpdateParams,
    ) -> GqlResult<AppreciationResponse> {
        let author = require_write(ctx)?;
        let a = appreciation;
        let rev = parse_id("revisionId", &a.revision_id)?;
        let of = id_patch("appreciationOf", a.appreciation_of, vf::EventId::new)?;
        let with = id_patch("appreciationWith", a.appreciation_with, vf::EventId::new)?;
        let row = app(ctx)
            .update(
                APPRECIATION,
                rev,
                move |mut x: vf::Appreciation| {
                    patch_required("appreciationOf", &mut x.appreciation_of, of)?;
                    patch_required("appreciationWith", &mut x.appreciation_with, with)?;
                    patch(&mut x.note, a.note);
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(AppreciationResponse { appreciation: written(row, kind::APPRECIATION, Appreciation)? })
    }

    async fn delete_appreciation(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(APPRECIATION, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }
}
