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
use crate::store::entity::record;
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
        let p = product_batch;
        let row = create_batch(ctx, p.batch_number, p.expiry_date, p.production_date).await?;
        Ok(ProductBatchResponse { product_batch: written(row, kind::PRODUCT_BATCH, ProductBatch)? })
    }

    async fn update_product_batch(
        &self,
        ctx: &Context<'_>,
        product_batch: ProductBatchUpdateParams,
    ) -> GqlResult<ProductBatchResponse> {
        let p = product_batch;
        let changes = BatchChanges { number: p.batch_number, expiry: p.expiry_date, production: p.production_date };
        let row = update_batch(ctx, &p.revision_id, "batchNumber", changes).await?;
        Ok(ProductBatchResponse { product_batch: written(row, kind::PRODUCT_BATCH, ProductBatch)? })
    }

    /// Deletes a batch no resource refers to.
    async fn delete_product_batch(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        delete_batch(ctx, &id).await
    }
}

// ----- writes shared by both names -------------------------------------------------------

/// Records a batch: `createProductBatch` and `createBatchLotRecord`.
async fn create_batch(
    ctx: &Context<'_>,
    number: String,
    expiry: Option<DateTime>,
    production: Option<DateTime>,
) -> GqlResult<record::Model> {
    let author = require_write(ctx)?;
    let batch = vf::ProductBatch {
        id: vf::ProductBatchId::new(Uuid::now_v7()),
        batch_number: number,
        expiry_date: expiry.map(|d| d.0),
        production_date: production.map(|d| d.0),
    };
    Ok(app(ctx).create(&batch, author).await?)
}

/// The changes of `updateProductBatch` or `updateBatchLotRecord`.
struct BatchChanges {
    number: MaybeUndefined<String>,
    expiry: MaybeUndefined<DateTime>,
    production: MaybeUndefined<DateTime>,
}

/// Revises a batch; `number_field` names the batch number as the caller spells it.
async fn update_batch(
    ctx: &Context<'_>,
    revision_id: &ID,
    number_field: &'static str,
    c: BatchChanges,
) -> GqlResult<record::Model> {
    let author = require_write(ctx)?;
    let rev = parse_id("revisionId", revision_id)?;
    let row = app(ctx)
        .update(
            &[kind::PRODUCT_BATCH],
            rev,
            move |mut b: vf::ProductBatch| {
                patch_required(number_field, &mut b.batch_number, c.number)?;
                patch(&mut b.expiry_date, c.expiry.map_value(|d| d.0));
                patch(&mut b.production_date, c.production.map_value(|d| d.0));
                Ok(b)
            },
            author,
        )
        .await?;
    Ok(row)
}

/// Deletes a batch no resource refers to.
async fn delete_batch(ctx: &Context<'_>, id: &ID) -> GqlResult<bool> {
    let author = require_write(ctx)?;
    Ok(app(ctx).delete(&[kind::PRODUCT_BATCH], DeleteTarget::Id(parse_id("id", id)?), author).await?)
}

// ----- ValueFlows 1.0 -------------------------------------------------------------------

/// ValueFlows 1.0: a document with the details of the production of a batch or lot, a resource processed in the same process(es) so that it is expected to be homogeneous. The same stored record as the `ProductBatch` of vf-graphql 0.9, under its 1.0 names.
#[derive(Clone)]
pub struct BatchLotRecord(pub Rec<vf::ProductBatch>);

#[Object]
impl BatchLotRecord {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// The code or identifier for this batch or lot, used to physically label individuals in the batch or lot (`ProductBatch.batchNumber`).
    async fn batch_lot_code(&self) -> String {
        self.0.data.batch_number.clone()
    }
    /// The date after which a resource of this batch or lot should no longer be used or consumed (`ProductBatch.expiryDate`).
    async fn expiration_date(&self) -> Option<DateTime> {
        self.0.data.expiry_date.map(DateTime)
    }
    /// Date the batch was produced.
    async fn production_date(&self) -> Option<DateTime> {
        self.0.data.production_date.map(DateTime)
    }
    /// The same record under its vf-graphql 0.9 shape.
    async fn product_batch(&self) -> ProductBatch {
        ProductBatch(self.0.clone())
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<BatchLotRecord>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(BatchLotRecord))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

connection!(BatchLotRecordConnection, BatchLotRecordEdge, BatchLotRecord, "batch and lot records");

/// Fields of a new batch or lot record (ValueFlows 1.0).
#[derive(InputObject)]
pub struct BatchLotRecordCreateParams {
    /// The code or identifier used to physically label individuals in the batch or lot.
    pub batch_lot_code: String,
    /// The date after which a resource of this batch or lot should no longer be used or consumed.
    pub expiration_date: Option<DateTime>,
    /// Date the batch was produced.
    pub production_date: Option<DateTime>,
}

/// Changes to a batch or lot record (ValueFlows 1.0).
#[derive(InputObject)]
pub struct BatchLotRecordUpdateParams {
    pub revision_id: ID,
    #[graphql(default)]
    pub batch_lot_code: MaybeUndefined<String>,
    #[graphql(default)]
    pub expiration_date: MaybeUndefined<DateTime>,
    #[graphql(default)]
    pub production_date: MaybeUndefined<DateTime>,
}

/// The batch or lot record created or updated.
#[derive(SimpleObject)]
pub struct BatchLotRecordResponse {
    batch_lot_record: BatchLotRecord,
}

/// Batch and lot record queries (ValueFlows 1.0).
#[derive(Default)]
pub struct BatchLotRecordQuery;

#[Object]
impl BatchLotRecordQuery {
    /// ValueFlows 1.0: one batch or lot record.
    async fn batch_lot_record(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<BatchLotRecord>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, &[kind::PRODUCT_BATCH]).await?.map(BatchLotRecord))
    }

    /// ValueFlows 1.0: all batch or lot records.
    async fn batch_lot_records(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<BatchLotRecordConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: vec![kind::PRODUCT_BATCH], filters: Vec::new() };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(BatchLotRecord(Rec::from_model(m)?)))
                .await?;
        Ok(BatchLotRecordConnection::new(items, info))
    }
}

/// Batch and lot record mutations (ValueFlows 1.0).
#[derive(Default)]
pub struct BatchLotRecordMutation;

#[Object]
impl BatchLotRecordMutation {
    /// ValueFlows 1.0: records a batch or lot.
    async fn create_batch_lot_record(
        &self,
        ctx: &Context<'_>,
        batch_lot_record: BatchLotRecordCreateParams,
    ) -> GqlResult<BatchLotRecordResponse> {
        let p = batch_lot_record;
        let row = create_batch(ctx, p.batch_lot_code, p.expiration_date, p.production_date).await?;
        Ok(BatchLotRecordResponse { batch_lot_record: written(row, kind::PRODUCT_BATCH, BatchLotRecord)? })
    }

    /// ValueFlows 1.0: changes a batch or lot record.
    async fn update_batch_lot_record(
        &self,
        ctx: &Context<'_>,
        batch_lot_record: BatchLotRecordUpdateParams,
    ) -> GqlResult<BatchLotRecordResponse> {
        let p = batch_lot_record;
        let changes =
            BatchChanges { number: p.batch_lot_code, expiry: p.expiration_date, production: p.production_date };
        let row = update_batch(ctx, &p.revision_id, "batchLotCode", changes).await?;
        Ok(BatchLotRecordResponse { batch_lot_record: written(row, kind::PRODUCT_BATCH, BatchLotRecord)? })
    }

    /// ValueFlows 1.0: deletes a batch or lot record no resource refers to.
    async fn delete_batch_lot_record(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        delete_batch(ctx, &id).await
    }
}
