//! The claim module: claims for future economic events in return for an event that
//! already occurred, the settlements that settle them (in the claim's units), and how
//! much of each claim is settled.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use uuid::Uuid;
use valueflows_model as vf;

use super::action::Action;
use super::action::parse_action;
use super::agent::{AccountingScope, Agent, load_agent, scopes, written};
use super::agreement::now;
use super::connection::{PageArgs, list};
use super::error::GqlResult;
use super::history::RecordMeta;
use super::knowledge::{ResourceSpecification, load_resource_spec};
use super::loaders::{load_many, load_rec, referrers, unreferenced};
use super::measurement::{IMeasure, Measure};
use super::measurement::{measure, measure_patch};
use super::observation::{EconomicEvent, required_event};
use super::scalars::{DateTime, Uri};
use super::{
    Rec, app, id_patch, ids_patch, parse_id, parse_ids, parse_opt_id, patch, patch_required, require_read,
    require_write, uri_list_patch,
};
use crate::app::kinds::kind;
use crate::app::writer::DeleteTarget;
use crate::connection;
use crate::error::AppError;
use crate::store::entity::record;
use crate::store::records::{Filter, ListQuery};

const CLAIM: &[&str] = &[kind::CLAIM];
const SETTLEMENT: &[&str] = &[kind::SETTLEMENT];

/// A claim for a future economic event(s) in reciprocity for an economic event that already occurred. For example, a claim for payment for goods received.
#[derive(Clone)]
pub struct Claim(pub Rec<vf::Claim>);

/// A claim from its row.
pub fn claim_node(m: &record::Model) -> Result<Claim, AppError> {
    Ok(Claim(Rec::from_model(m)?))
}

/// A settlement from its row.
fn settlement_node(m: &record::Model) -> Result<Settlement, AppError> {
    Ok(Settlement(Rec::from_model(m)?))
}

impl Claim {
    async fn settled(&self, ctx: &Context<'_>) -> Result<vf::Settled, AppError> {
        let ids = referrers(ctx, SETTLEMENT, "settles", self.0.id).await?;
        let rows = load_many(ctx, &ids, SETTLEMENT).await?;
        let settlements = rows
            .iter()
            .map(|m| super::loaders::parse::<vf::Settlement>(ctx, m).map(|r| (*r.data).clone()))
            .collect::<Result<Vec<_>, _>>()?;
        // Settlements were checked against the claim when written; a failure here is corruption.
        self.0.data.settled(&settlements).map_err(|e| AppError::Internal(format!("claim {}: {e}", self.0.id)))
    }
}

#[Object]
impl Claim {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// Relates a claim to a verb, such as consume, produce, work, improve, etc.
    async fn action(&self) -> Action {
        Action(self.0.data.action)
    }
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    async fn resource_classified_as(&self) -> Option<Vec<Uri>> {
        Uri::list(&self.0.data.resource_classified_as)
    }
    /// The amount and unit of the economic resource counted or inventoried.
    async fn resource_quantity(&self) -> Option<Measure> {
        self.0.data.resource_quantity.map(Measure)
    }
    /// The amount and unit of the work or use or citation effort-based action. This is often a time duration, but also could be cycle counts or other measures of effort or usefulness.
    async fn effort_quantity(&self) -> Option<Measure> {
        self.0.data.effort_quantity.map(Measure)
    }
    /// The economic event which already occurred which this claim has been made against.
    async fn triggered_by(&self, ctx: &Context<'_>) -> GqlResult<EconomicEvent> {
        required_event(ctx, self.0.data.triggered_by).await
    }
    /// The time the claim is expected to be settled.
    async fn due(&self) -> Option<DateTime> {
        self.0.data.due.map(DateTime)
    }
    /// The data on which the claim was made.
    async fn created(&self) -> Option<DateTime> {
        self.0.data.created.map(DateTime)
    }
    /// The claim is complete or not.  This is irrespective of if the original goal has been met, and indicates that no more will be done.
    async fn finished(&self) -> Option<bool> {
        Some(self.0.data.finished)
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// Reference to an agreement between agents which specifies the rules or policies or calculations which govern this claim.
    async fn agreed_in(&self) -> Option<Uri> {
        self.0.data.agreed_in.clone().map(Uri)
    }
    /// The settlements recorded against this claim.
    async fn settled_by(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<SettlementConnection>> {
        let q = ListQuery {
            kinds: SETTLEMENT.to_vec(),
            filters: vec![Filter::AnyOf { field: "settles".to_owned(), values: vec![self.0.id.to_string()] }],
        };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), settlement_node).await?;
        Ok(Some(SettlementConnection::new(items, info)))
    }
    /// Extension: the resource quantity settled so far, the exact sum of the settlements' resource quantities, in the claim's unit (null when the claim claims no resource quantity).
    async fn settled_resource_quantity(&self, ctx: &Context<'_>) -> GqlResult<Option<Measure>> {
        Ok(self.settled(ctx).await?.resource_quantity.map(Measure))
    }
    /// Extension: the effort quantity settled so far, the exact sum of the settlements' effort quantities, in the claim's unit (null when the claim claims no effort quantity).
    async fn settled_effort_quantity(&self, ctx: &Context<'_>) -> GqlResult<Option<Measure>> {
        Ok(self.settled(ctx).await?.effort_quantity.map(Measure))
    }
    /// The economic agent from whom the claim is expected.
    async fn provider(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        match self.0.data.provider {
            Some(a) => Ok(load_agent(ctx, a.uuid()).await?),
            None => Ok(None),
        }
    }
    /// The economic agent whom the claim is for.
    async fn receiver(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        match self.0.data.receiver {
            Some(a) => Ok(load_agent(ctx, a.uuid()).await?),
            None => Ok(None),
        }
    }
    /// Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    async fn in_scope_of(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<AccountingScope>>> {
        scopes(ctx, &self.0.data.in_scope_of).await
    }
    /// The primary resource specification or definition of an existing or potential economic resource. A resource will have only one, as this specifies exactly what the resource is.
    async fn resource_conforms_to(&self, ctx: &Context<'_>) -> GqlResult<Option<ResourceSpecification>> {
        load_resource_spec(ctx, self.0.data.resource_conforms_to).await
    }
    /// True when no settlement refers to the claim, so it can be deleted.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(unreferenced(ctx, self.0.id).await?))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Claim>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Claim))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

/// Represents many-to-many relationships between claim and economic events that fully or partially settle one or more claims.
#[derive(Clone)]
pub struct Settlement(pub Rec<vf::Settlement>);

#[Object]
impl Settlement {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn revision_id(&self) -> ID {
        ID(self.0.revision_id.to_string())
    }
    /// A claim which is fully or partially settled by an economic event.
    async fn settles(&self, ctx: &Context<'_>) -> GqlResult<Claim> {
        let id = self.0.data.settles;
        load_rec(ctx, id.uuid(), CLAIM)
            .await?
            .map(Claim)
            .ok_or_else(|| AppError::NotFound(format!("claim {id} is gone")).into())
    }
    /// The economic event fully or partially settling a claim.
    async fn settled_by(&self, ctx: &Context<'_>) -> GqlResult<EconomicEvent> {
        required_event(ctx, self.0.data.settled_by).await
    }
    /// The amount and unit of the economic resource counted or inventoried.
    async fn resource_quantity(&self) -> Option<Measure> {
        self.0.data.resource_quantity.map(Measure)
    }
    /// The amount and unit of the work or use or citation effort-based action. This is often a time duration, but also could be cycle counts or other measures of effort or usefulness.
    async fn effort_quantity(&self) -> Option<Measure> {
        self.0.data.effort_quantity.map(Measure)
    }
    /// A textual description or comment.
    async fn note(&self) -> Option<String> {
        self.0.data.note.clone()
    }
    /// True: nothing refers to a settlement, so it can always be deleted.
    async fn deletable(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        Ok(Some(unreferenced(ctx, self.0.id).await?))
    }
    async fn revision(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<Option<Settlement>> {
        Ok(super::history::revision(ctx, self.0.id, &revision_id).await?.map(Settlement))
    }
    async fn meta(&self) -> RecordMeta {
        RecordMeta::of(&self.0)
    }
}

connection!(ClaimConnection, ClaimEdge, Claim, "claims");
connection!(SettlementConnection, SettlementEdge, Settlement, "settlements");

/// Settlements whose `field` is `id`: `EconomicEvent.settles`.
pub async fn settlements_where(ctx: &Context<'_>, field: &'static str, id: Uuid) -> GqlResult<Option<Vec<Settlement>>> {
    let ids = referrers(ctx, SETTLEMENT, field, id).await?;
    let rows = load_many(ctx, &ids, SETTLEMENT).await?;
    Ok(Some(rows.iter().map(settlement_node).collect::<Result<_, _>>()?))
}

/// A page of claims matching `filters`.
pub async fn claims_connection(
    ctx: &Context<'_>,
    filters: Vec<Filter>,
    args: PageArgs,
) -> GqlResult<Option<ClaimConnection>> {
    let q = ListQuery { kinds: CLAIM.to_vec(), filters };
    let (items, info) = list(ctx, q, &args, claim_node).await?;
    Ok(Some(ClaimConnection::new(items, info)))
}

/// Claims naming `agent` under any of `fields` (`Agent.claims*`).
pub async fn agent_claims(
    ctx: &Context<'_>,
    agent: Uuid,
    fields: Vec<&'static str>,
    args: PageArgs,
) -> GqlResult<Option<ClaimConnection>> {
    claims_connection(ctx, vec![Filter::AnyFieldOf { fields, values: vec![agent.to_string()] }], args).await
}

/// Filter on claim lists; every given condition must hold.
#[derive(InputObject, Default)]
pub struct ClaimFilterParams {
    /// Claims expected from any of these agents.
    pub provider_id: Option<Vec<ID>>,
    /// Claims for any of these agents.
    pub receiver_id: Option<Vec<ID>>,
    /// Claims with any of these actions.
    pub action: Option<Vec<ID>>,
    /// Claims classified as any of these.
    pub resource_classified_as: Option<Vec<Uri>>,
    /// Claims for resources of any of these specifications.
    pub resource_conforms_to: Option<Vec<ID>>,
    /// Finished (true) or open (false) claims.
    pub finished: Option<bool>,
    /// Claims due (or, without a due date, made) at or after this time.
    pub start_date: Option<DateTime>,
    /// Claims due (or, without a due date, made) at or before this time.
    pub end_date: Option<DateTime>,
    /// Claims in scope of any of these agents.
    pub in_scope_of: Option<Vec<ID>>,
}

fn claim_filters(f: ClaimFilterParams) -> Result<Vec<Filter>, AppError> {
    let mut out = Vec::new();
    let mut ids = |input: &str, field: &str, v: &Option<Vec<ID>>| -> Result<(), AppError> {
        let ids = parse_ids(input, v)?;
        if !ids.is_empty() {
            out.push(Filter::AnyOf { field: field.to_owned(), values: ids.iter().map(Uuid::to_string).collect() });
        }
        Ok(())
    };
    ids("providerId", "provider", &f.provider_id)?;
    ids("receiverId", "receiver", &f.receiver_id)?;
    ids("resourceConformsTo", "resourceConformsTo", &f.resource_conforms_to)?;
    ids("inScopeOf", "inScopeOf", &f.in_scope_of)?;
    if let Some(a) = f.action.filter(|a| !a.is_empty()) {
        let values = a
            .iter()
            .map(|id| parse_action("action", id.as_str()).map(|a| a.id().to_owned()))
            .collect::<Result<_, _>>()?;
        out.push(Filter::AnyOf { field: "action".to_owned(), values });
    }
    let classes = Uri::strings(f.resource_classified_as);
    if !classes.is_empty() {
        out.push(Filter::AnyOf { field: "resourceClassifiedAs".to_owned(), values: classes });
    }
    if let Some(done) = f.finished {
        out.push(Filter::AnyOf { field: "finished".to_owned(), values: vec![done.to_string()] });
    }
    if f.start_date.is_some() || f.end_date.is_some() {
        out.push(Filter::Range {
            field: "time".to_owned(),
            min: f.start_date.map(|d| d.0.to_rfc3339()),
            max: f.end_date.map(|d| d.0.to_rfc3339()),
        });
    }
    Ok(out)
}

/// Fields of a new claim.
#[derive(InputObject)]
pub struct ClaimCreateParams {
    /// (`Action`) Relates a claim to a verb, such as consume, produce, work, improve, etc.
    pub action: ID,
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    pub resource_classified_as: Option<Vec<Uri>>,
    /// The amount and unit of the economic resource counted or inventoried.
    pub resource_quantity: Option<IMeasure>,
    /// The amount and unit of the work or use or citation effort-based action.
    pub effort_quantity: Option<IMeasure>,
    /// The time the claim is expected to be settled.
    pub due: Option<DateTime>,
    /// (`EconomicEvent`) The economic event which already occurred which this claim has been made against.
    pub triggered_by: ID,
    /// The data on which the claim was made (the time of this request when omitted).
    pub created: Option<DateTime>,
    /// The claim is complete or not.  This is irrespective of if the original goal has been met, and indicates that no more will be done.
    pub finished: Option<bool>,
    /// A textual description or comment.
    pub note: Option<String>,
    /// Reference to an agreement between agents which specifies the rules or policies or calculations which govern this claim.
    pub agreed_in: Option<Uri>,
    /// (`Agent`) The economic agent from whom the claim is expected.
    pub provider: Option<ID>,
    /// (`Agent`) The economic agent whom the claim is for.
    pub receiver: Option<ID>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context, used for documenting, accounting, planning.
    pub in_scope_of: Option<Vec<ID>>,
    /// (`ResourceSpecification`) The primary resource specification or definition of an existing or potential economic resource.
    pub resource_conforms_to: Option<ID>,
}

/// Changes to a claim. Quantities may change unit only while no settlement counts them.
#[derive(InputObject)]
pub struct ClaimUpdateParams {
    pub revision_id: ID,
    /// (`Action`) Relates a claim to a verb, such as consume, produce, work, improve, etc.
    #[graphql(default)]
    pub action: MaybeUndefined<ID>,
    /// References a concept in a common taxonomy or other classification scheme for purposes of categorization or grouping.
    #[graphql(default)]
    pub resource_classified_as: MaybeUndefined<Vec<Uri>>,
    /// The amount and unit of the economic resource counted or inventoried.
    #[graphql(default)]
    pub resource_quantity: MaybeUndefined<IMeasure>,
    /// The amount and unit of the work or use or citation effort-based action.
    #[graphql(default)]
    pub effort_quantity: MaybeUndefined<IMeasure>,
    /// The time the claim is expected to be settled.
    #[graphql(default)]
    pub due: MaybeUndefined<DateTime>,
    /// (`EconomicEvent`) The economic event which already occurred which this claim has been made against.
    #[graphql(default)]
    pub triggered_by: MaybeUndefined<ID>,
    /// The data on which the claim was made.
    #[graphql(default)]
    pub created: MaybeUndefined<DateTime>,
    /// The claim is complete or not.
    #[graphql(default)]
    pub finished: MaybeUndefined<bool>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
    /// Reference to an agreement between agents which specifies the rules or policies or calculations which govern this claim.
    #[graphql(default)]
    pub agreed_in: MaybeUndefined<Uri>,
    /// (`Agent`) The economic agent from whom the claim is expected.
    #[graphql(default)]
    pub provider: MaybeUndefined<ID>,
    /// (`Agent`) The economic agent whom the claim is for.
    #[graphql(default)]
    pub receiver: MaybeUndefined<ID>,
    /// (`AccountingScope`) Grouping around something to create a boundary or context.
    #[graphql(default)]
    pub in_scope_of: MaybeUndefined<Vec<ID>>,
    /// (`ResourceSpecification`) The primary resource specification or definition of an existing or potential economic resource.
    #[graphql(default)]
    pub resource_conforms_to: MaybeUndefined<ID>,
}

/// The claim created or updated.
#[derive(SimpleObject)]
pub struct ClaimResponse {
    claim: Claim,
}

/// Fields of a new settlement.
#[derive(InputObject)]
pub struct SettlementCreateParams {
    /// (`Claim`) A claim which is fully or partially settled by an economic event.
    pub settles: ID,
    /// (`EconomicEvent`) The economic event fully or partially settling a claim.
    pub settled_by: ID,
    /// The part of the claim's resource quantity settled, in the claim's unit.
    pub resource_quantity: Option<IMeasure>,
    /// The part of the claim's effort quantity settled, in the claim's unit.
    pub effort_quantity: Option<IMeasure>,
    /// A textual description or comment.
    pub note: Option<String>,
}

/// Changes to a settlement.
#[derive(InputObject)]
pub struct SettlementUpdateParams {
    pub revision_id: ID,
    /// (`Claim`) A claim which is fully or partially settled by an economic event.
    #[graphql(default)]
    pub settles: MaybeUndefined<ID>,
    /// (`EconomicEvent`) The economic event fully or partially settling a claim.
    #[graphql(default)]
    pub settled_by: MaybeUndefined<ID>,
    /// The part of the claim's resource quantity settled, in the claim's unit.
    #[graphql(default)]
    pub resource_quantity: MaybeUndefined<IMeasure>,
    /// The part of the claim's effort quantity settled, in the claim's unit.
    #[graphql(default)]
    pub effort_quantity: MaybeUndefined<IMeasure>,
    /// A textual description or comment.
    #[graphql(default)]
    pub note: MaybeUndefined<String>,
}

/// The settlement created or updated.
#[derive(SimpleObject)]
pub struct SettlementResponse {
    settlement: Settlement,
}

/// Claim and settlement queries.
#[derive(Default)]
pub struct ClaimQuery;

#[Object]
impl ClaimQuery {
    async fn claim(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Claim>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, CLAIM).await?.map(Claim))
    }

    async fn claims(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<ClaimFilterParams>,
    ) -> GqlResult<ClaimConnection> {
        require_read(ctx)?;
        let filters = filter.map(claim_filters).transpose()?.unwrap_or_default();
        let args = PageArgs::new(first, after, last, before);
        let q = ListQuery { kinds: CLAIM.to_vec(), filters };
        let (items, info) = list(ctx, q, &args, claim_node).await?;
        Ok(ClaimConnection::new(items, info))
    }

    async fn settlement(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Settlement>> {
        require_read(ctx)?;
        Ok(load_rec(ctx, parse_id("id", &id)?, SETTLEMENT).await?.map(Settlement))
    }

    async fn settlements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<SettlementConnection> {
        require_read(ctx)?;
        let q = ListQuery { kinds: SETTLEMENT.to_vec(), filters: Vec::new() };
        let (items, info) = list(ctx, q, &PageArgs::new(first, after, last, before), settlement_node).await?;
        Ok(SettlementConnection::new(items, info))
    }
}

/// Claim and settlement mutations.
#[derive(Default)]
pub struct ClaimMutation;

#[Object]
impl ClaimMutation {
    async fn create_claim(&self, ctx: &Context<'_>, claim: ClaimCreateParams) -> GqlResult<ClaimResponse> {
        let author = require_write(ctx)?;
        let c = claim;
        let rec = vf::Claim {
            id: vf::ClaimId::new(Uuid::now_v7()),
            action: parse_action("action", c.action.as_str())?,
            provider: parse_opt_id("provider", &c.provider)?.map(vf::AgentId::new),
            receiver: parse_opt_id("receiver", &c.receiver)?.map(vf::AgentId::new),
            resource_classified_as: Uri::strings(c.resource_classified_as),
            resource_conforms_to: parse_opt_id("resourceConformsTo", &c.resource_conforms_to)?
                .map(vf::ResourceSpecificationId::new),
            resource_quantity: measure("resourceQuantity", &c.resource_quantity)?,
            effort_quantity: measure("effortQuantity", &c.effort_quantity)?,
            triggered_by: vf::EventId::new(parse_id("triggeredBy", &c.triggered_by)?),
            due: c.due.map(|d| d.0),
            created: Some(c.created.map_or_else(now, |d| d.0)),
            finished: c.finished.unwrap_or(false),
            note: c.note,
            agreed_in: c.agreed_in.map(|u| u.0),
            in_scope_of: parse_ids("inScopeOf", &c.in_scope_of)?.into_iter().map(vf::AgentId::new).collect(),
        };
        let row = app(ctx).create(&rec, author).await?;
        Ok(ClaimResponse { claim: written(row, kind::CLAIM, Claim)? })
    }

    async fn update_claim(&self, ctx: &Context<'_>, claim: ClaimUpdateParams) -> GqlResult<ClaimResponse> {
        let author = require_write(ctx)?;
        let c = claim;
        let rev = parse_id("revisionId", &c.revision_id)?;
        let action = match c.action {
            MaybeUndefined::Value(a) => MaybeUndefined::Value(parse_action("action", a.as_str())?),
            MaybeUndefined::Null => MaybeUndefined::Null,
            MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        };
        let trig = id_patch("triggeredBy", c.triggered_by, vf::EventId::new)?;
        let provider = id_patch("provider", c.provider, vf::AgentId::new)?;
        let receiver = id_patch("receiver", c.receiver, vf::AgentId::new)?;
        let spec = id_patch("resourceConformsTo", c.resource_conforms_to, vf::ResourceSpecificationId::new)?;
        let rq = measure_patch("resourceQuantity", c.resource_quantity)?;
        let eq = measure_patch("effortQuantity", c.effort_quantity)?;
        let scopes_given = !c.in_scope_of.is_undefined();
        let mut scopes_new = Vec::new();
        ids_patch("inScopeOf", &mut scopes_new, c.in_scope_of, vf::AgentId::new)?;
        let row = app(ctx)
            .update(
                CLAIM,
                rev,
                move |mut x: vf::Claim| {
                    patch_required("action", &mut x.action, action)?;
                    uri_list_patch(&mut x.resource_classified_as, c.resource_classified_as);
                    patch(&mut x.resource_quantity, rq);
                    patch(&mut x.effort_quantity, eq);
                    patch(&mut x.due, c.due.map_value(|d| d.0));
                    patch_required("triggeredBy", &mut x.triggered_by, trig)?;
                    patch(&mut x.created, c.created.map_value(|d| d.0));
                    match c.finished {
                        MaybeUndefined::Value(f) => x.finished = f,
                        MaybeUndefined::Null => x.finished = false,
                        MaybeUndefined::Undefined => {}
                    }
                    patch(&mut x.note, c.note);
                    patch(&mut x.agreed_in, c.agreed_in.map_value(|u| u.0));
                    patch(&mut x.provider, provider);
                    patch(&mut x.receiver, receiver);
                    if scopes_given {
                        x.in_scope_of = scopes_new;
                    }
                    patch(&mut x.resource_conforms_to, spec);
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(ClaimResponse { claim: written(row, kind::CLAIM, Claim)? })
    }

    /// Deletes a claim no settlement refers to.
    async fn delete_claim(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(CLAIM, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }

    /// Records that an event settles part or all of a claim. Quantities must be ones the claim claims, in the claim's units.
    async fn create_settlement(
        &self,
        ctx: &Context<'_>,
        settlement: SettlementCreateParams,
    ) -> GqlResult<SettlementResponse> {
        let author = require_write(ctx)?;
        let s = settlement;
        let rec = vf::Settlement {
            id: vf::SettlementId::new(Uuid::now_v7()),
            settles: vf::ClaimId::new(parse_id("settles", &s.settles)?),
            settled_by: vf::EventId::new(parse_id("settledBy", &s.settled_by)?),
            resource_quantity: measure("resourceQuantity", &s.resource_quantity)?,
            effort_quantity: measure("effortQuantity", &s.effort_quantity)?,
            note: s.note,
        };
        let row = app(ctx).create(&rec, author).await?;
        Ok(SettlementResponse { settlement: written(row, kind::SETTLEMENT, Settlement)? })
    }

    async fn update_settlement(
        &self,
        ctx: &Context<'_>,
        settlement: SettlementUpdateParams,
    ) -> GqlResult<SettlementResponse> {
        let author = require_write(ctx)?;
        let s = settlement;
        let rev = parse_id("revisionId", &s.revision_id)?;
        let settles = id_patch("settles", s.settles, vf::ClaimId::new)?;
        let by = id_patch("settledBy", s.settled_by, vf::EventId::new)?;
        let rq = measure_patch("resourceQuantity", s.resource_quantity)?;
        let eq = measure_patch("effortQuantity", s.effort_quantity)?;
        let row = app(ctx)
            .update(
                SETTLEMENT,
                rev,
                move |mut x: vf::Settlement| {
                    patch_required("settles", &mut x.settles, settles)?;
                    patch_required("settledBy", &mut x.settled_by, by)?;
                    patch(&mut x.resource_quantity, rq);
                    patch(&mut x.effort_quantity, eq);
                    patch(&mut x.note, s.note);
                    Ok(x)
                },
                author,
            )
            .await?;
        Ok(SettlementResponse { settlement: written(row, kind::SETTLEMENT, Settlement)? })
    }

    async fn delete_settlement(&self, ctx: &Context<'_>, revision_id: ID) -> GqlResult<bool> {
        let author = require_write(ctx)?;
        Ok(app(ctx).delete(SETTLEMENT, DeleteTarget::Revision(parse_id("revisionId", &revision_id)?), author).await?)
    }
}
