//! The knowledge modules (resource_specification, process_specification): what kinds of
//! resources and processes there are.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::agent::written;
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::loaders::load_rec;
use super::measurement::{Unit, load_unit};
use super::observation::{
    EconomicEventConnection, EconomicResourceConnection, ProcessConnection, events_connection, process_node,
    resource_node,
};
use super::recipe::{RecipeFlowConnection, RecipeProcessConnection, recipe_flow_node, recipe_process_node};
use super::scalars::Uri;
use super::{
    Rec, app, id_patch, parse_id, parse_opt_id, patch, patch_required, require_read, require_write, uri_list_patch,
};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::store::records::{Filter, ListQuery};

/// Specification of a kind of resource. Could define a material item, service, digital item, currency account, etc.
/// Used instead of a classification when more information is needed, particularly for recipes.
#[derive(Clone)]
pub struct ResourceSpecification(pub Rec<vf::ResourceSpecification>);

/// Loads a resource specification that may be absent.
pub async fn load_resource_spec(
    ctx: &Context<'_>,
    id: Option<vf::ResourceSpecificationId>,
) -> GqlResult<Option<ResourceSpecification>> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), &[kind::RESOURCE_SPECIFICATION]).await?.map(ResourceSpecification)),
        None => Ok(None),
    }
}

#[Object]
impl ResourceSpecification {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for a type of resource. Does not imply uniqueness.
    async fn name(&self) -> String {
        self.0.data.name.clone()
    }
    /// The uri to an image relevant to the entity, such as a photo, diagram, etc.
    async fn image(&self) -> Option<Uri> {
        self.0.data.image.clone().map(Uri)
    }
    async fn image_list(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.image_list)
    }
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    async fn resource_classified_as(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.resource_classified_as)
    }
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    async fn default_unit_of_resource(&self, ctx: &Context<'_>) -> GqlResult<Option<Unit>> {
        load_unit(ctx, self.0.data.default_unit_of_resource).await
    }
    async fn default_unit_of_effort(&self, ctx: &Context<'_>) -> GqlResult<Option<Unit>> {
        load_unit(ctx, self.0.data.default_unit_of_effort).await
    }
    /// Defines if any resource of that type can be freely substituted for any other resource of that type when used, consumed, traded, etc.
    async fn substitutable(&self) -> Option<bool> {
        self.0.data.substitutable
    }
    /// ValueFlows 1.0: true if resources of this kind are a currency, money, token or credit used as a medium of exchange.
    async fn medium_of_exchange(&self) -> Option<bool> {
        self.0.data.medium_of_exchange
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<ResourceSpecification>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(ResourceSpecification))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// Resources that conform to this specification.
    async fn conforming_resources(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<EconomicResourceConnection>> {
        let q = ListQuery {
            kinds: vec![kind::ECONOMIC_RESOURCE],
            filters: vec![Filter::AnyOf { field: "conformsTo".to_owned(), values: vec![self.0.id.to_string()] }],
        };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), resource_node).await?;
        Ok(Some(EconomicResourceConnection::new(items, info)))
    }
    /// Commitments for resources (or work) of this specification.
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<super::commitment::CommitmentConnection>> {
        super::commitment::commitments_naming(
            ctx,
            "resourceConformsTo",
            self.0.id,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
    /// Intents for resources (or work) of this specification.
    async fn intents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<super::intent::IntentConnection>> {
        super::intent::intents_naming(ctx, "resourceConformsTo", self.0.id, PageArgs::new(first, after, last, before))
            .await
    }
    /// Events about resources of this specification.
    async fn economic_events(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<EconomicEventConnection>> {
        let filters =
            vec![Filter::AnyOf { field: "resourceConformsTo".to_owned(), values: vec![self.0.id.to_string()] }];
        Ok(Some(events_connection(ctx, filters, PageArgs::new(first, after, last, before)).await?))
    }
    /// Claims for resources of this specification.
    async fn claims(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<super::claim::ClaimConnection>> {
        let filters =
            vec![Filter::AnyOf { field: "resourceConformsTo".to_owned(), values: vec![self.0.id.to_string()] }];
        super::claim::claims_connection(ctx, filters, PageArgs::new(first, after, last, before)).await
    }
}

/// Specifies the kind of process.
#[derive(Clone)]
pub struct ProcessSpecification(pub Rec<vf::ProcessSpecification>);

/// Loads a process specification that may be absent.
pub async fn load_process_spec(
    ctx: &Context<'_>,
    id: Option<vf::ProcessSpecificationId>,
) -> GqlResult<Option<ProcessSpecification>> {
    match id {
        Some(id) => Ok(load_rec(ctx, id.uuid(), &[kind::PROCESS_SPECIFICATION]).await?.map(ProcessSpecification)),
        None => Ok(None),
    }
}

#[Object]
impl ProcessSpecification {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// An informal or formal textual identifier for the process. Does not imply uniqueness.
    async fn name(&self) -> String {
        self.0.data.name.clone()
    }
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<ProcessSpecification>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(ProcessSpecification))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
    /// Commitments that require their resource to have last gone through a process of this specification.
    async fn commitments_requiring_stage(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<super::commitment::CommitmentConnection>> {
        super::commitment::commitments_naming(ctx, "stage", self.0.id, PageArgs::new(first, after, last, before)).await
    }
    /// Resources whose last process was of this specification.
    async fn resources_currently_at_stage(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<EconomicResourceConnection>> {
        let q = ListQuery {
            kinds: vec![kind::ECONOMIC_RESOURCE],
            filters: vec![Filter::AnyOf { field: "state.stage".to_owned(), values: vec![self.0.id.to_string()] }],
        };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), resource_node).await?;
        Ok(Some(EconomicResourceConnection::new(items, info)))
    }
    /// Processes based on this specification.
    async fn conforming_processes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<ProcessConnection>> {
        let q = ListQuery {
            kinds: vec![kind::PROCESS],
            filters: vec![Filter::AnyOf { field: "basedOn".to_owned(), values: vec![self.0.id.to_string()] }],
        };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), process_node).await?;
        Ok(Some(ProcessConnection::new(items, info)))
    }
    /// Recipe processes of this kind.
    async fn conforming_recipe_processes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<RecipeProcessConnection>> {
        let q = ListQuery {
            kinds: vec![kind::RECIPE_PROCESS],
            filters: vec![Filter::AnyOf { field: "processConformsTo".to_owned(), values: vec![self.0.id.to_string()] }],
        };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), recipe_process_node).await?;
        Ok(Some(RecipeProcessConnection::new(items, info)))
    }
    /// Recipe flows that ask for a resource last processed by a process of this kind.
    async fn recipe_flows_requiring_stage(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<RecipeFlowConnection>> {
        let q = ListQuery {
            kinds: vec![kind::RECIPE_FLOW],
            filters: vec![Filter::AnyOf { field: "stage".to_owned(), values: vec![self.0.id.to_string()] }],
        };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), recipe_flow_node).await?;
        Ok(Some(RecipeFlowConnection::new(items, info)))
    }
}

connection!(
    ResourceSpecificationConnection,
    ResourceSpecificationEdge,
    ResourceSpecification,
    "resource specifications"
);
connection!(ProcessSpecificationConnection, ProcessSpecificationEdge, ProcessSpecification, "process specifications");

/// Fields of a new resource specification.
#[derive(InputObject)]
pub struct ResourceSpecificationCreateParams {
    /// An informal or formal textual identifier for a type of resource. Does not imply uniqueness.
    pub name: String,
    /// The uri to an image relevant to the entity, such as a photo, diagram, etc.
    pub image: Option<Uri>,
    pub image_list: Option<Vec<Uri>>,
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    pub resource_classified_as: Option<Vec<Uri>>,
    pub note: Option<String>,
    pub default_unit_of_resource: Option<ID>,
    pub default_unit_of_effort: Option<ID>,
    /// Defines if any resource of that type can be freely substituted for any other resource of that type when used, consumed, traded, etc.
    pub substitutable: Option<bool>,
    /// ValueFlows 1.0: true if resources of this kind are a currency, money, token or credit used as a medium of exchange.
    pub medium_of_exchange: Option<bool>,
}

/// Changes to a resource specification.
#[derive(InputObject)]
pub struct ResourceSpecificationUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for a type of resource. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    /// The uri to an image relevant to the entity, such as a photo, diagram, etc.
    #[graphql(default)]
    pub image: MaybeUndefined<Uri>,
    #[graphql(default)]
    pub image_list: MaybeUndefined<Vec<Uri>>,
    /// References a concept in a common taxonomy or other classification scheme.
    #[graphql(default)]
    pub resource_classified_as: MaybeUndefined<Vec<Uri>>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    #[graphql(default)]
    pub default_unit_of_resource: MaybeUndefined<ID>,
    #[graphql(default)]
    pub default_unit_of_effort: MaybeUndefined<ID>,
    /// Defines if any resource of that type can be freely substituted for any other resource of that type.
    #[graphql(default)]
    pub substitutable: MaybeUndefined<bool>,
    /// ValueFlows 1.0: true if resources of this kind are a medium of exchange.
    #[graphql(default)]
    pub medium_of_exchange: MaybeUndefined<bool>,
}

/// The resource specification created or updated.
#[derive(SimpleObject)]
pub struct ResourceSpecificationResponse {
    resource_specification: ResourceSpecification,
}

/// Fields of a new process specification.
#[derive(InputObject)]
pub struct ProcessSpecificationCreateParams {
    /// An informal or formal textual identifier for the process. Does not imply uniqueness.
    pub name: String,
    pub note: Option<String>,
}

/// Changes to a process specification.
#[derive(InputObject)]
pub struct ProcessSpecificationUpdateParams {
    pub revision_id: ID,
    /// An informal or formal textual identifier for the process. Does not imply uniqueness.
    #[graphql(default)]
    pub name: MaybeUndefined<String>,
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The process specification created or updated.
#[derive(SimpleObject)]
pub struct ProcessSpecificationResponse {
    process_specification: ProcessSpecification,
}

/// Knowledge queries.
#[derive(Default)]
pub struct KnowledgeQuery;

#[Object]
impl KnowledgeQuery {
    async fn resource_specification(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<ResourceSpecification>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, &[kind::RESOURCE_SPECIFICATION]).await?.map(ResourceSpecification))
    }

    async fn resource_specifications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<ResourceSpecificationConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: vec![kind::RESOURCE_SPECIFICATION], filters: Vec::new() };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), |m| {
            Ok(ResourceSpecification(Rec::from_model(m)?))
        })
        .await?;
        Ok(ResourceSpecificationConnection::new(items, info))
    }

    async fn process_specification(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<ProcessSpecification>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, &[kind::PROCESS_SPECIFICATION]).await?.map(ProcessSpecification))
    }

    async fn process_specifications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<ProcessSpecificationConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: vec![kind::PROCESS_SPECIFICATION], filters: Vec::new() };
        let (items, info) =
            list(ctx, q, &PageArgs::new(first, after, last, before), |m| Ok(ProcessSpecification(Rec::from_model(m)?)))
                .await?;
        Ok(ProcessSpecificationConnection::new(items, info))
    }
}

/// Knowledge mutations.
#[derive(Default)]
pub struct KnowledgeMutation;

#[Object]
impl KnowledgeMutation {
    async fn create_resource_specification(
        &self,
        ctx: &Context<'_>,
        resource_specification: ResourceSpecificationCreateParams,
    ) -> GqlResult<ResourceSpecificationResponse> {
        let author = require_write(ctx)?;
        let r = resource_specification;
        let spec = vf::ResourceSpecification {
            id: vf::ResourceSpecificationId::new(Uuid::now_v7()),
            name: r.name,
            image: r.image.map(|u| u.0),
            image_list: Uri::strings(r.image_list),
            resource_classified_as: Uri::strings(r.resource_classified_as),
            note: r.note,
            default_unit_of_resource: parse_opt_id("defaultUnitOfResource", &r.default_unit_of_resource)?
                .map(vf::UnitId::new),
            default_unit_of_effort: parse_opt_id("defaultUnitOfEffort", &r.default_unit_of_effort)?
                .map(vf::UnitId::new),
            substitutable: r.substitutable,
            medium_of_exchange: r.medium_of_exchange,
        };
        let row = app(ctx).create(&spec, author).await?;
        Ok(ResourceSpecificationResponse {
            resource_specification: written(row, kind::RESOURCE_SPECIFICATION, ResourceSpecification)?,
        })
    }

    async fn update_resource_specification(
        &self,
        ctx: &Context<'_>,
        resource_specification: ResourceSpecificationUpdateParams,
    ) -> GqlResult<ResourceSpecificationResponse> {
        let author = require_write(ctx)?;
        let r = resource_specification;
        let rev = parse_id("revisionId", &r.revision_id)?;
        let unit_r = id_patch("defaultUnitOfResource", r.default_unit_of_resource, vf::UnitId::new)?;
        let unit_e = id_patch("defaultUnitOfEffort", r.default_unit_of_effort, vf::UnitId::new)?;
        let row = app(ctx)
            .update(
                &[kind::RESOURCE_SPECIFICATION],
                rev,
                move |mut s: vf::ResourceSpecification| {
                    patch_required("name", &mut s.name, r.name)?;
                    patch(&mut s.image, r.image.map_value(|u| u.0));
                    uri_list_patch(&mut s.image_list, r.image_list);
                    uri_list_patch(&mut s.resource_classified_as, r.resource_classified_as);
                    patch(&mut s.note, r.note);
                    patch(&mut s.default_unit_of_resource, unit_r);
                    patch(&mut s.default_unit_of_effort, unit_e);
                    patch(&mut s.substitutable, r.substitutable);
                    patch(&mut s.medium_of_exchange, r.medium_of_exchange);
                    Ok(s)
                },
                author,
            )
            .await?;
        Ok(ResourceSpecificationResponse {
            resource_specification: written(row, kind::RESOURCE_SPECIFICATION, ResourceSpecification)?,
        })
    }

    async fn delete_resource_specification(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        let target = DeleteTarget::Revision(parse_id("revisionId", &revision_id)?);
        Ok(app(ctx).delete(&[kind::RESOURCE_SPECIFICATION], target, author).await?)
    }

    async fn create_process_specification(
        &self,
        ctx: &Context<'_>,
        process_specification: ProcessSpecificationCreateParams,
    ) -> GqlResult<ProcessSpecificationResponse> {
        let author = require_write(ctx)?;
        let p = process_specification;
        let spec = vf::ProcessSpecification {
            id: vf::ProcessSpecificationId::new(Uuid::now_v7()),
            name: p.name,
            note: p.note,
        };
        let row = app(ctx).create(&spec, author).await?;
        Ok(ProcessSpecificationResponse {
            process_specification: written(row, kind::PROCESS_SPECIFICATION, ProcessSpecification)?,
        })
    }

    async fn update_process_specification(
        &self,
        ctx: &Context<'_>,
        process_specification: ProcessSpecificationUpdateParams,
    ) -> GqlResult<ProcessSpecificationResponse> {
        let author = require_write(ctx)?;
        let p = process_specification;
        let rev = parse_id("revisionId", &p.revision_id)?;
        let row = app(ctx)
            .update(
                &[kind::PROCESS_SPECIFICATION],
                rev,
                move |mut s: vf::ProcessSpecification| {
                    patch_required("name", &mut s.name, p.name)?;
                    patch(&mut s.note, p.note);
                    Ok(s)
                },
                author,
            )
            .await?;
        Ok(ProcessSpecificationResponse {
            process_specification: written(row, kind::PROCESS_SPECIFICATION, ProcessSpecification)?,
        })
    }

    async fn delete_process_specification(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        let target = DeleteTarget::Revision(parse_id("revisionId", &revision_id)?);
        Ok(app(ctx).delete(&[kind::PROCESS_SPECIFICATION], target, author).await?)
    }
}
