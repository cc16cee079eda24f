//! The product_batch module: lots and batches, for tracing resources of the same lot.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::written;
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::loaders::load_rec;
use super::scalars::DateTime;
use super::{Rec, app, parse_id, patch, patch_required, require_read, require_write};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::store::records::ListQuery;

/// A lot or batch of an economic resource, used to track forward or backwards to all occurrences of resources of that lot. Note more than one resource can be of the same lot.
#[derive(Clone)]
pub struct ProductBatch(pub Rec<vf::ProductBatch>);

#[Object]
impl ProductBatch {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    async fn batch_number(&self) -> String {
        self.0.data.batch_number.clone()
    }
    async fn expiry_date(&self) -> Option<DateTime> {
        self.0.data.expiry_date.map(DateTime)
    }
    /// Date the batch was produced.  Can be derived from the economic event of production.
    async fn production_date(&self) -> Option<DateTime> {
        self.0.data.production_date.map(DateTime)
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<ProductBatch>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(ProductBatch))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

connection!(ProductBatchConnection, ProductBatchEdge, ProductBatch, "product batches");

/// Fields of a new batch.
#[derive(InputObject)]
pub struct ProductBatchCreateParams {
    pub batch_number: String,
    pub expiry_date: Option<DateTime>,
    /// Date the batch was produced.  Can be derived from the economic event of production.
    pub production_date: Option<DateTime>,
}

/// Changes to a batch.
#[derive(InputObject)]
pub struct ProductBatchUpdateParams {
    pub revision_id: ID,
    #[graphql(default)]
    pub batch_number: MaybeUndefined<String>,
    #[graphql(default)]
    pub expiry_date: MaybeUndefined<DateTime>,
    /// Date the batch was produced.  Can be derived from the economic event of production.
    #[graphql(default)]
    pub production_date: MaybeUndefined<DateTime>,
}

/// The batch created or updated.
#[derive(SimpleObject)]
pub struct ProductBatchResponse {
    product_batch: ProductBatch,
}

/// Product batch queries.
#[derive(Default)]
pub struct ProductBatchQuery;

#[Object]
impl ProductBatchQuery {
    async fn product_batch(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<ProductBatch>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, &[kind::PRODUCT_BATCH]).await?.map(ProductBatch))
    }

    async fn product_batches(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<ProductBatchConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: vec![kind::PRODUCT_BATCH], filters: Vec::new() };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(ProductBatch(Rec::from_model(m)?))).await?;
        Ok(ProductBatchConnection::new(items, info))
    }
}

/// Product batch mutations.
#[derive(Default)]
pub struct ProductBatchMutation;

#[Object]
impl ProductBatchMutation {
    async fn create_product_batch(
        &self,
        ctx: &Context<'_>,
        product_batch: ProductBatchCreateParams,
    ) -> GqlResult<ProductBatchResponse> {
        let author = require_write(ctx)?;
        let p = product_batch;
        let batch = vf::ProductBatch {
            id: vf::ProductBatchId::new(Uuid::now_v7()),
            batch_number: p.batch_number,
            expiry_date: p.expiry_date.map(|d| d.0),
            production_date: p.production_date.map(|d| d.0),
        };
        let row = app(ctx).create(&batch, author).await?;
        Ok(ProductBatchResponse { product_batch: written(row, kind::PRODUCT_BATCH, ProductBatch)? })
    }

    async fn update_product_batch(
        &self,
        ctx: &Context<'_>,
        product_batch: ProductBatchUpdateParams,
    ) -> GqlResult<ProductBatchResponse> {
        let author = require_write(ctx)?;
        let p = product_batch;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let row = app(ctx)
            .update(
                &[kind::PRODUCT_BATCH],
                rev,
                move |mut b: vf::ProductBatch| {
                    patch_required("batchNumber", &mut b.batch_number, p.batch_number)?;
                    patch(&mut b.expiry_date, p.expiry_date.map_value(|d| d.0));
                    patch(&mut b.production_date, p.production_date.map_value(|d| d.0));
                    Ok(b)
                },
                author,
            )
            .await?;
        Ok(ProductBatchResponse { product_batch: written(row, kind::PRODUCT_BATCH, ProductBatch)? })
    }

    /// Deletes a batch no resource refers to.
    async fn delete_product_batch(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(&[kind::PRODUCT_BATCH], DeleteTarget::Id(parse_id("id", &id)?), author).await?)
    }
}
