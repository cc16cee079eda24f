//! How each ValueFlows record is stored: its kind name, the references it makes (checked
//! on write, indexed for inverse relations) and the terms filters look up.

use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;
use valueflows_model as vf;

use crate::error::AppError;

/// Record kind names, as stored and as carried in ops.
pub mod kind {
    /// A person agent.
    pub const PERSON: &str = "Person";
    /// An organization agent.
    pub const ORGANIZATION: &str = "Organization";
    /// An agent relationship.
    pub const AGENT_RELATIONSHIP: &str = "AgentRelationship";
    /// An agent relationship role.
    pub const AGENT_RELATIONSHIP_ROLE: &str = "AgentRelationshipRole";
    /// A unit of measure.
    pub const UNIT: &str = "Unit";
    /// A place.
    pub const SPATIAL_THING: &str = "SpatialThing";
    /// A resource specification.
    pub const RESOURCE_SPECIFICATION: &str = "ResourceSpecification";
    /// A process specification.
    pub const PROCESS_SPECIFICATION: &str = "ProcessSpecification";
    /// A process.
    pub const PROCESS: &str = "Process";
    /// An economic event.
    pub const ECONOMIC_EVENT: &str = "EconomicEvent";
    /// An economic resource (descriptive fields; quantities are derived).
    pub const ECONOMIC_RESOURCE: &str = "EconomicResource";
    /// A lot or batch.
    pub const PRODUCT_BATCH: &str = "ProductBatch";
    /// A commitment (a promised flow).
    pub const COMMITMENT: &str = "Commitment";
    /// An intent (an offered or requested flow).
    pub const INTENT: &str = "Intent";
    /// An event fulfilling a commitment.
    pub const FULFILLMENT: &str = "Fulfillment";
    /// A commitment or event satisfying an intent.
    pub const SATISFACTION: &str = "Satisfaction";
    /// A plan.
    pub const PLAN: &str = "Plan";
    /// A process of a recipe.
    pub const RECIPE_PROCESS: &str = "RecipeProcess";
    /// A flow of a recipe.
    pub const RECIPE_FLOW: &str = "RecipeFlow";
    /// An exchange of a recipe.
    pub const RECIPE_EXCHANGE: &str = "RecipeExchange";
    /// A scenario.
    pub const SCENARIO: &str = "Scenario";
    /// The definition of a kind of scenario.
    pub const SCENARIO_DEFINITION: &str = "ScenarioDefinition";
    /// An agreement.
    pub const AGREEMENT: &str = "Agreement";
    /// A proposal (offer or request).
    pub const PROPOSAL: &str = "Proposal";
    /// An intent published in a proposal.
    pub const PROPOSED_INTENT: &str = "ProposedIntent";
    /// A proposal published to an agent.
    pub const PROPOSED_TO: &str = "ProposedTo";
    /// A list of proposals (ValueFlows 1.0).
    pub const PROPOSAL_LIST: &str = "ProposalList";
    /// A claim.
    pub const CLAIM: &str = "Claim";
    /// A settlement of a claim.
    pub const SETTLEMENT: &str = "Settlement";
    /// An appreciation.
    pub const APPRECIATION: &str = "Appreciation";
    /// A home origin's acknowledgement of another origin's event on its resources.
    pub const ACKNOWLEDGEMENT: &str = "Acknowledgement";

    /// Both agent kinds.
    pub const AGENTS: &[&str] = &[PERSON, ORGANIZATION];

    /// Every kind.
    pub const ALL: &[&str] = &[
        PERSON,
        ORGANIZATION,
        AGENT_RELATIONSHIP,
        AGENT_RELATIONSHIP_ROLE,
        UNIT,
        SPATIAL_THING,
        RESOURCE_SPECIFICATION,
        PROCESS_SPECIFICATION,
        PROCESS,
        ECONOMIC_EVENT,
        ECONOMIC_RESOURCE,
        PRODUCT_BATCH,
        COMMITMENT,
        INTENT,
        FULFILLMENT,
        SATISFACTION,
        PLAN,
        RECIPE_PROCESS,
        RECIPE_FLOW,
        RECIPE_EXCHANGE,
        SCENARIO,
        SCENARIO_DEFINITION,
        AGREEMENT,
        PROPOSAL,
        PROPOSED_INTENT,
        PROPOSED_TO,
        PROPOSAL_LIST,
        CLAIM,
        SETTLEMENT,
        APPRECIATION,
        ACKNOWLEDGEMENT,
    ];

    /// The kind named `name`, if there is one.
    pub fn named(name: &str) -> Option<&'static str> {
        ALL.iter().find(|k| **k == name).copied()
    }
}

/// A reference from one record to another, checked to exist when written.
#[derive(Clone, Debug)]
pub struct Ref {
    /// The referencing field, GraphQL spelling.
    pub field: &'static str,
    /// The referenced id.
    pub id: Uuid,
    /// Kinds the referenced record may have.
    pub kinds: &'static [&'static str],
}

/// A record type the node stores.
pub trait Record: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The kind this record is stored as.
    fn kind(&self) -> &'static str;
    /// The record's id.
    fn id(&self) -> Uuid;
    /// The records it refers to.
    fn refs(&self) -> Vec<Ref>;
    /// Non-reference facts filters look up (`action`, `classifiedAs`, times, text).
    fn terms(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Rules checked before any write.
    fn validate(&self) -> Result<(), AppError> {
        Ok(())
    }
}

fn r<I: Into<Uuid>>(field: &'static str, id: I, kinds: &'static [&'static str]) -> Ref {
    Ref { field, id: id.into(), kinds }
}

fn opt<I: Into<Uuid> + Copy>(out: &mut Vec<Ref>, field: &'static str, id: Option<I>, kinds: &'static [&'static str]) {
    if let Some(id) = id {
        out.push(r(field, id, kinds));
    }
}

/// The agents a record is in the scope of.
fn scope_refs(out: &mut Vec<Ref>, scopes: &[vf::AgentId]) {
    out.extend(scopes.iter().map(|a| r("inScopeOf", a.uuid(), kind::AGENTS)));
}

/// The units of the quantities a record carries, under `<quantity>.hasUnit`.
fn unit_refs(out: &mut Vec<Ref>, quantities: &[(&'static str, &Option<vf::Measure>)]) {
    for (field, m) in quantities {
        if let Some(u) = m.as_ref().and_then(|m| m.has_unit) {
            out.push(r(field, u.uuid(), &[kind::UNIT]));
        }
    }
}

/// The units of a flow's `resourceQuantity` and `effortQuantity`.
fn quantity_refs(out: &mut Vec<Ref>, resource: &Option<vf::Measure>, effort: &Option<vf::Measure>) {
    unit_refs(out, &[("resourceQuantity.hasUnit", resource), ("effortQuantity.hasUnit", effort)]);
}

fn text_terms(out: &mut Vec<(String, String)>, parts: &[Option<&str>]) {
    let text: Vec<String> = parts.iter().flatten().map(|s| s.to_lowercase()).collect();
    if !text.is_empty() {
        out.push(("text".to_owned(), text.join("\n")));
    }
}

impl Record for vf::Agent {
    fn kind(&self) -> &'static str {
        match self.kind {
            vf::AgentKind::Person => kind::PERSON,
            vf::AgentKind::Organization => kind::ORGANIZATION,
        }
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = Vec::new();
        opt(&mut out, "primaryLocation", self.primary_location.map(|i| i.uuid()), &[kind::SPATIAL_THING]);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out: Vec<_> = self.classified_as.iter().map(|c| ("classifiedAs".to_owned(), c.clone())).collect();
        text_terms(&mut out, &[Some(&self.name), self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Agent::validate(self)?)
    }
}

/// A record that refers to nothing and has no terms to look up: only its kind and rules.
macro_rules! plain_record {
    ($($ty:ident => $kind:expr),* $(,)?) => {$(
        impl Record for vf::$ty {
            fn kind(&self) -> &'static str {
                $kind
            }
            fn id(&self) -> Uuid {
                self.id.uuid()
            }
            fn refs(&self) -> Vec<Ref> {
                Vec::new()
            }
            fn validate(&self) -> Result<(), AppError> {
                Ok(vf::$ty::validate(self)?)
            }
        }
    )*};
}

plain_record!(
    AgentRelationshipRole => kind::AGENT_RELATIONSHIP_ROLE,
    Unit => kind::UNIT,
    SpatialThing => kind::SPATIAL_THING,
    ProcessSpecification => kind::PROCESS_SPECIFICATION,
    RecipeExchange => kind::RECIPE_EXCHANGE,
    ScenarioDefinition => kind::SCENARIO_DEFINITION,
);

impl Record for vf::AgentRelationship {
    fn kind(&self) -> &'static str {
        kind::AGENT_RELATIONSHIP
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = vec![
            r("subject", self.subject.uuid(), kind::AGENTS),
            r("object", self.object.uuid(), kind::AGENTS),
            r("relationship", self.relationship.uuid(), &[kind::AGENT_RELATIONSHIP_ROLE]),
        ];
        scope_refs(&mut out, &self.in_scope_of);
        out
    }
}

impl Record for vf::ResourceSpecification {
    fn kind(&self) -> &'static str {
        kind::RESOURCE_SPECIFICATION
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = Vec::new();
        opt(&mut out, "defaultUnitOfResource", self.default_unit_of_resource.map(|i| i.uuid()), &[kind::UNIT]);
        opt(&mut out, "defaultUnitOfEffort", self.default_unit_of_effort.map(|i| i.uuid()), &[kind::UNIT]);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        self.resource_classified_as.iter().map(|c| ("resourceClassifiedAs".to_owned(), c.clone())).collect()
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::ResourceSpecification::validate(self)?)
    }
}

impl Record for vf::Process {
    fn kind(&self) -> &'static str {
        kind::PROCESS
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = Vec::new();
        opt(&mut out, "basedOn", self.based_on.map(|i| i.uuid()), &[kind::PROCESS_SPECIFICATION]);
        opt(&mut out, "plannedWithin", self.planned_within.map(|i| i.uuid()), &[kind::PLAN]);
        opt(&mut out, "nestedIn", self.nested_in.map(|i| i.uuid()), &[kind::SCENARIO]);
        scope_refs(&mut out, &self.in_scope_of);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out: Vec<_> = self.classified_as.iter().map(|c| ("classifiedAs".to_owned(), c.clone())).collect();
        out.push(("finished".to_owned(), self.finished.to_string()));
        if let Some(t) = self.has_beginning.or(self.has_end) {
            out.push(("time".to_owned(), t.to_rfc3339()));
        }
        if let Some(t) = self.has_end.or(self.has_beginning) {
            out.push(("timeEnd".to_owned(), t.to_rfc3339()));
        }
        text_terms(&mut out, &[Some(&self.name), self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Process::validate(self)?)
    }
}

impl Record for vf::EconomicEvent {
    fn kind(&self) -> &'static str {
        kind::ECONOMIC_EVENT
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out =
            vec![r("provider", self.provider.uuid(), kind::AGENTS), r("receiver", self.receiver.uuid(), kind::AGENTS)];
        opt(
            &mut out,
            "resourceInventoriedAs",
            self.resource_inventoried_as.map(|i| i.uuid()),
            &[kind::ECONOMIC_RESOURCE],
        );
        opt(
            &mut out,
            "toResourceInventoriedAs",
            self.to_resource_inventoried_as.map(|i| i.uuid()),
            &[kind::ECONOMIC_RESOURCE],
        );
        opt(
            &mut out,
            "resourceConformsTo",
            self.resource_conforms_to.map(|i| i.uuid()),
            &[kind::RESOURCE_SPECIFICATION],
        );
        opt(&mut out, "triggeredBy", self.triggered_by.map(|i| i.uuid()), &[kind::ECONOMIC_EVENT]);
        opt(&mut out, "corrects", self.corrects.map(|i| i.uuid()), &[kind::ECONOMIC_EVENT]);
        opt(&mut out, "atLocation", self.at_location.map(|i| i.uuid()), &[kind::SPATIAL_THING]);
        opt(&mut out, "toLocation", self.to_location.map(|i| i.uuid()), &[kind::SPATIAL_THING]);
        opt(&mut out, "inputOf", self.input_of.map(|i| i.uuid()), &[kind::PROCESS]);
        opt(&mut out, "outputOf", self.output_of.map(|i| i.uuid()), &[kind::PROCESS]);
        opt(&mut out, "realizationOf", self.realization_of.map(|i| i.uuid()), &[kind::AGREEMENT]);
        quantity_refs(&mut out, &self.resource_quantity, &self.effort_quantity);
        scope_refs(&mut out, &self.in_scope_of);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("action".to_owned(), self.action.id().to_owned()),
            ("time".to_owned(), self.effective_time().to_rfc3339()),
        ];
        out.extend(self.resource_classified_as.iter().map(|c| ("resourceClassifiedAs".to_owned(), c.clone())));
        text_terms(&mut out, &[self.note.as_deref()]);
        out
    }
}

impl Record for vf::EconomicResource {
    fn kind(&self) -> &'static str {
        kind::ECONOMIC_RESOURCE
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = Vec::new();
        opt(&mut out, "conformsTo", self.conforms_to.map(|i| i.uuid()), &[kind::RESOURCE_SPECIFICATION]);
        opt(&mut out, "unitOfEffort", self.unit_of_effort.map(|i| i.uuid()), &[kind::UNIT]);
        opt(&mut out, "initialContainedIn", self.contained_in.map(|i| i.uuid()), &[kind::ECONOMIC_RESOURCE]);
        opt(&mut out, "initialLocation", self.current_location.map(|i| i.uuid()), &[kind::SPATIAL_THING]);
        opt(&mut out, "lot", self.lot.map(|i| i.uuid()), &[kind::PRODUCT_BATCH]);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out: Vec<_> = self.classified_as.iter().map(|c| ("classifiedAs".to_owned(), c.clone())).collect();
        if let Some(t) = &self.tracking_identifier {
            out.push(("trackingIdentifier".to_owned(), t.clone()));
        }
        text_terms(&mut out, &[self.name.as_deref(), self.note.as_deref(), self.tracking_identifier.as_deref()]);
        out
    }
}

impl Record for vf::ProductBatch {
    fn kind(&self) -> &'static str {
        kind::PRODUCT_BATCH
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        Vec::new()
    }
    fn terms(&self) -> Vec<(String, String)> {
        vec![("batchNumber".to_owned(), self.batch_number.clone())]
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::ProductBatch::validate(self)?)
    }
}

impl Record for vf::RecipeProcess {
    fn kind(&self) -> &'static str {
        kind::RECIPE_PROCESS
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = Vec::new();
        opt(&mut out, "processConformsTo", self.process_conforms_to.map(|i| i.uuid()), &[kind::PROCESS_SPECIFICATION]);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out: Vec<_> =
            self.process_classified_as.iter().map(|c| ("processClassifiedAs".to_owned(), c.clone())).collect();
        text_terms(&mut out, &[Some(&self.name), self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::RecipeProcess::validate(self)?)
    }
}

impl Record for vf::RecipeFlow {
    fn kind(&self) -> &'static str {
        kind::RECIPE_FLOW
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = vec![r("resourceConformsTo", self.resource_conforms_to.uuid(), &[kind::RESOURCE_SPECIFICATION])];
        opt(&mut out, "recipeInputOf", self.recipe_input_of.map(|i| i.uuid()), &[kind::RECIPE_PROCESS]);
        opt(&mut out, "recipeOutputOf", self.recipe_output_of.map(|i| i.uuid()), &[kind::RECIPE_PROCESS]);
        opt(&mut out, "recipeClauseOf", self.recipe_clause_of.map(|i| i.uuid()), &[kind::RECIPE_EXCHANGE]);
        opt(&mut out, "stage", self.stage.map(|i| i.uuid()), &[kind::PROCESS_SPECIFICATION]);
        quantity_refs(&mut out, &self.resource_quantity, &self.effort_quantity);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out = vec![("action".to_owned(), self.action.id().to_owned())];
        text_terms(&mut out, &[self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::RecipeFlow::validate(self)?)
    }
}

impl Record for vf::Scenario {
    fn kind(&self) -> &'static str {
        kind::SCENARIO
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = Vec::new();
        opt(&mut out, "definedAs", self.defined_as.map(|i| i.uuid()), &[kind::SCENARIO_DEFINITION]);
        opt(&mut out, "refinementOf", self.refinement_of.map(|i| i.uuid()), &[kind::SCENARIO]);
        scope_refs(&mut out, &self.in_scope_of);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        text_terms(&mut out, &[Some(&self.name), self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Scenario::validate(self)?)
    }
}

impl Record for vf::Agreement {
    fn kind(&self) -> &'static str {
        kind::AGREEMENT
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        Vec::new()
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        text_terms(&mut out, &[self.name.as_deref(), self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Agreement::validate(self)?)
    }
}

/// Publication period bounds as sortable text, open ends as the extremes, so "active at
/// t" is two range filters.
const OPEN_START: &str = "0000-01-01T00:00:00.000000Z";
const OPEN_END: &str = "9999-12-31T23:59:59.999999Z";

impl Record for vf::Proposal {
    fn kind(&self) -> &'static str {
        kind::PROPOSAL
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = Vec::new();
        opt(&mut out, "eligibleLocation", self.eligible_location.map(|i| i.uuid()), &[kind::SPATIAL_THING]);
        out.extend(self.listed_in.iter().map(|l| r("listedIn", l.uuid(), &[kind::PROPOSAL_LIST])));
        scope_refs(&mut out, &self.in_scope_of);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("publishedFrom".to_owned(), self.has_beginning.map_or_else(|| OPEN_START.to_owned(), |t| t.to_rfc3339())),
            ("publishedUntil".to_owned(), self.has_end.map_or_else(|| OPEN_END.to_owned(), |t| t.to_rfc3339())),
        ];
        if let Some(p) = self.purpose {
            out.push(("purpose".to_owned(), p.id().to_owned()));
        }
        text_terms(&mut out, &[self.name.as_deref(), self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Proposal::validate(self)?)
    }
}

impl Record for vf::ProposedIntent {
    fn kind(&self) -> &'static str {
        kind::PROPOSED_INTENT
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        vec![
            r("publishedIn", self.published_in.uuid(), &[kind::PROPOSAL]),
            r("publishes", self.publishes, &[kind::INTENT]),
        ]
    }
    fn terms(&self) -> Vec<(String, String)> {
        vec![("reciprocal".to_owned(), self.reciprocal.to_string())]
    }
}

impl Record for vf::ProposedTo {
    fn kind(&self) -> &'static str {
        kind::PROPOSED_TO
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        vec![
            r("proposed", self.proposed.uuid(), &[kind::PROPOSAL]),
            r("proposedTo", self.proposed_to.uuid(), kind::AGENTS),
        ]
    }
}

impl Record for vf::ProposalList {
    fn kind(&self) -> &'static str {
        kind::PROPOSAL_LIST
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        self.proposed_to.iter().map(|a| r("proposedTo", a.uuid(), kind::AGENTS)).collect()
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        text_terms(&mut out, &[self.name.as_deref(), self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::ProposalList::validate(self)?)
    }
}

impl Record for vf::Claim {
    fn kind(&self) -> &'static str {
        kind::CLAIM
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = vec![r("triggeredBy", self.triggered_by.uuid(), &[kind::ECONOMIC_EVENT])];
        opt(&mut out, "provider", self.provider.map(|i| i.uuid()), kind::AGENTS);
        opt(&mut out, "receiver", self.receiver.map(|i| i.uuid()), kind::AGENTS);
        opt(
            &mut out,
            "resourceConformsTo",
            self.resource_conforms_to.map(|i| i.uuid()),
            &[kind::RESOURCE_SPECIFICATION],
        );
        quantity_refs(&mut out, &self.resource_quantity, &self.effort_quantity);
        scope_refs(&mut out, &self.in_scope_of);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("action".to_owned(), self.action.id().to_owned()),
            ("finished".to_owned(), self.finished.to_string()),
        ];
        // `startDate`/`endDate` filters bound the due date, else the date the claim was made.
        if let Some(t) = self.due.or(self.created) {
            out.push(("time".to_owned(), t.to_rfc3339()));
        }
        out.extend(self.resource_classified_as.iter().map(|c| ("resourceClassifiedAs".to_owned(), c.clone())));
        text_terms(&mut out, &[self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Claim::validate(self)?)
    }
}

impl Record for vf::Settlement {
    fn kind(&self) -> &'static str {
        kind::SETTLEMENT
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = vec![
            r("settles", self.settles.uuid(), &[kind::CLAIM]),
            r("settledBy", self.settled_by.uuid(), &[kind::ECONOMIC_EVENT]),
        ];
        quantity_refs(&mut out, &self.resource_quantity, &self.effort_quantity);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Settlement::validate(self)?)
    }
}

impl Record for vf::Appreciation {
    fn kind(&self) -> &'static str {
        kind::APPRECIATION
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        vec![
            r("appreciationOf", self.appreciation_of.uuid(), &[kind::ECONOMIC_EVENT]),
            r("appreciationWith", self.appreciation_with.uuid(), &[kind::ECONOMIC_EVENT]),
        ]
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Appreciation::validate(self)?)
    }
}

/// The `time` and `timeEnd` facts of a planned flow: the span it is planned for, so date
/// filters select flows planned to overlap the asked period.
fn span_terms(out: &mut Vec<(String, String)>, span: Option<(vf::Timestamp, vf::Timestamp)>) {
    if let Some((first, last)) = span {
        out.push(("time".to_owned(), first.to_rfc3339()));
        out.push(("timeEnd".to_owned(), last.to_rfc3339()));
    }
}

impl Record for vf::Commitment {
    fn kind(&self) -> &'static str {
        kind::COMMITMENT
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out =
            vec![r("provider", self.provider.uuid(), kind::AGENTS), r("receiver", self.receiver.uuid(), kind::AGENTS)];
        opt(&mut out, "inputOf", self.input_of.map(|i| i.uuid()), &[kind::PROCESS]);
        opt(&mut out, "outputOf", self.output_of.map(|i| i.uuid()), &[kind::PROCESS]);
        opt(
            &mut out,
            "resourceConformsTo",
            self.resource_conforms_to.map(|i| i.uuid()),
            &[kind::RESOURCE_SPECIFICATION],
        );
        opt(
            &mut out,
            "resourceInventoriedAs",
            self.resource_inventoried_as.map(|i| i.uuid()),
            &[kind::ECONOMIC_RESOURCE],
        );
        opt(&mut out, "atLocation", self.at_location.map(|i| i.uuid()), &[kind::SPATIAL_THING]);
        opt(&mut out, "stage", self.stage.map(|i| i.uuid()), &[kind::PROCESS_SPECIFICATION]);
        opt(&mut out, "independentDemandOf", self.independent_demand_of.map(|i| i.uuid()), &[kind::PLAN]);
        opt(&mut out, "clauseOf", self.clause_of.map(|i| i.uuid()), &[kind::AGREEMENT]);
        opt(&mut out, "plannedWithin", self.planned_within.map(|i| i.uuid()), &[kind::PLAN]);
        quantity_refs(&mut out, &self.resource_quantity, &self.effort_quantity);
        scope_refs(&mut out, &self.in_scope_of);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("action".to_owned(), self.action.id().to_owned()),
            ("finished".to_owned(), self.finished.to_string()),
        ];
        out.extend(self.resource_classified_as.iter().map(|c| ("resourceClassifiedAs".to_owned(), c.clone())));
        span_terms(&mut out, self.planned_span());
        text_terms(&mut out, &[self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Commitment::validate(self)?)
    }
}

impl Record for vf::Intent {
    fn kind(&self) -> &'static str {
        kind::INTENT
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = Vec::new();
        opt(&mut out, "provider", self.provider.map(|i| i.uuid()), kind::AGENTS);
        opt(&mut out, "receiver", self.receiver.map(|i| i.uuid()), kind::AGENTS);
        opt(&mut out, "inputOf", self.input_of.map(|i| i.uuid()), &[kind::PROCESS]);
        opt(&mut out, "outputOf", self.output_of.map(|i| i.uuid()), &[kind::PROCESS]);
        opt(
            &mut out,
            "resourceConformsTo",
            self.resource_conforms_to.map(|i| i.uuid()),
            &[kind::RESOURCE_SPECIFICATION],
        );
        opt(
            &mut out,
            "resourceInventoriedAs",
            self.resource_inventoried_as.map(|i| i.uuid()),
            &[kind::ECONOMIC_RESOURCE],
        );
        opt(&mut out, "atLocation", self.at_location.map(|i| i.uuid()), &[kind::SPATIAL_THING]);
        unit_refs(
            &mut out,
            &[
                ("resourceQuantity.hasUnit", &self.resource_quantity),
                ("effortQuantity.hasUnit", &self.effort_quantity),
                ("availableQuantity.hasUnit", &self.available_quantity),
            ],
        );
        scope_refs(&mut out, &self.in_scope_of);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("action".to_owned(), self.action.id().to_owned()),
            ("finished".to_owned(), self.finished.to_string()),
        ];
        out.extend(self.resource_classified_as.iter().map(|c| ("resourceClassifiedAs".to_owned(), c.clone())));
        span_terms(&mut out, self.planned_span());
        text_terms(&mut out, &[self.name.as_deref(), self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Intent::validate(self)?)
    }
}

impl Record for vf::Fulfillment {
    fn kind(&self) -> &'static str {
        kind::FULFILLMENT
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = vec![
            r("fulfilledBy", self.fulfilled_by.uuid(), &[kind::ECONOMIC_EVENT]),
            r("fulfills", self.fulfills.uuid(), &[kind::COMMITMENT]),
        ];
        quantity_refs(&mut out, &self.resource_quantity, &self.effort_quantity);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Fulfillment::validate(self)?)
    }
}

impl Record for vf::Satisfaction {
    fn kind(&self) -> &'static str {
        kind::SATISFACTION
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = vec![
            r("satisfies", self.satisfies.uuid(), &[kind::INTENT]),
            r("satisfiedBy", self.satisfied_by.uuid(), &[kind::ECONOMIC_EVENT, kind::COMMITMENT]),
        ];
        quantity_refs(&mut out, &self.resource_quantity, &self.effort_quantity);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Satisfaction::validate(self)?)
    }
}

impl Record for vf::Plan {
    fn kind(&self) -> &'static str {
        kind::PLAN
    }
    fn id(&self) -> Uuid {
        self.id.uuid()
    }
    fn refs(&self) -> Vec<Ref> {
        let mut out = Vec::new();
        scope_refs(&mut out, &self.in_scope_of);
        opt(&mut out, "refinementOf", self.refinement_of.map(|i| i.uuid()), &[kind::SCENARIO]);
        out
    }
    fn terms(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        text_terms(&mut out, &[Some(&self.name), self.note.as_deref()]);
        out
    }
    fn validate(&self) -> Result<(), AppError> {
        Ok(vf::Plan::validate(self)?)
    }
}

/// Index facts of a resource's derived state (`state.*` fields), rewritten when it changes.
pub fn state_terms(state: &vf::ResourceState) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut put = |f: &str, v: Option<String>| {
        if let Some(v) = v {
            out.push((format!("state.{f}"), v));
        }
    };
    put("primaryAccountable", state.primary_accountable.map(|i| i.to_string()));
    put("currentLocation", state.current_location.map(|i| i.to_string()));
    put("containedIn", state.contained_in.map(|i| i.to_string()));
    put("stage", state.stage.map(|i| i.to_string()));
    out
}

/// A record ready to be written: body and index facts.
#[derive(Clone, Debug)]
pub struct Draft {
    /// Kind name.
    pub kind: &'static str,
    /// Record id.
    pub id: Uuid,
    /// JSON body.
    pub body: serde_json::Value,
    /// References to check.
    pub refs: Vec<Ref>,
    /// Index facts (references included).
    pub index: Vec<(String, String)>,
}

impl Draft {
    /// Validates `rec` and turns it into a draft.
    pub fn of<T: Record>(rec: &T) -> Result<Draft, AppError> {
        rec.validate()?;
        let body = serde_json::to_value(rec)?;
        if let Some(field) = nul_field(&body, "") {
            return Err(AppError::invalid(field.clone(), format!("`{field}` contains a NUL character")));
        }
        let refs = rec.refs();
        let mut index: Vec<(String, String)> = refs.iter().map(|r| (r.field.to_owned(), r.id.to_string())).collect();
        index.extend(rec.terms());
        Ok(Draft { kind: rec.kind(), id: rec.id(), body, refs, index })
    }
}

/// The path of the first string in `v` holding a NUL (which PostgreSQL text cannot store).
fn nul_field(v: &serde_json::Value, path: &str) -> Option<String> {
    match v {
        serde_json::Value::String(s) if s.contains('\0') => Some(path.to_owned()),
        serde_json::Value::Array(a) => a.iter().find_map(|x| nul_field(x, path)),
        serde_json::Value::Object(o) => o.iter().find_map(|(k, x)| {
            let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            nul_field(x, &p)
        }),
        _ => None,
    }
}

/// The draft of a record received from another node: `body` parsed as the type of `kind`
/// and checked by the same rules as a local write. Refused: an unknown kind, a body that is
/// not that kind's, or one that breaks its rules.
pub fn draft_from_json(of_kind: &str, body: serde_json::Value) -> Result<Draft, AppError> {
    fn of<T: Record>(body: serde_json::Value) -> Result<Draft, AppError> {
        let rec: T = serde_json::from_value(body).map_err(|e| AppError::invalid("body", e.to_string()))?;
        Draft::of(&rec)
    }
    let draft = match of_kind {
        kind::PERSON | kind::ORGANIZATION => of::<vf::Agent>(body)?,
        kind::AGENT_RELATIONSHIP => of::<vf::AgentRelationship>(body)?,
        kind::AGENT_RELATIONSHIP_ROLE => of::<vf::AgentRelationshipRole>(body)?,
        kind::UNIT => of::<vf::Unit>(body)?,
        kind::SPATIAL_THING => of::<vf::SpatialThing>(body)?,
        kind::RESOURCE_SPECIFICATION => of::<vf::ResourceSpecification>(body)?,
        kind::PROCESS_SPECIFICATION => of::<vf::ProcessSpecification>(body)?,
        kind::PROCESS => of::<vf::Process>(body)?,
        kind::ECONOMIC_EVENT => of::<vf::EconomicEvent>(body)?,
        kind::ECONOMIC_RESOURCE => of::<vf::EconomicResource>(body)?,
        kind::PRODUCT_BATCH => of::<vf::ProductBatch>(body)?,
        kind::COMMITMENT => of::<vf::Commitment>(body)?,
        kind::INTENT => of::<vf::Intent>(body)?,
        kind::FULFILLMENT => of::<vf::Fulfillment>(body)?,
        kind::SATISFACTION => of::<vf::Satisfaction>(body)?,
        kind::PLAN => of::<vf::Plan>(body)?,
        kind::RECIPE_PROCESS => of::<vf::RecipeProcess>(body)?,
        kind::RECIPE_FLOW => of::<vf::RecipeFlow>(body)?,
        kind::RECIPE_EXCHANGE => of::<vf::RecipeExchange>(body)?,
        kind::SCENARIO => of::<vf::Scenario>(body)?,
        kind::SCENARIO_DEFINITION => of::<vf::ScenarioDefinition>(body)?,
        kind::AGREEMENT => of::<vf::Agreement>(body)?,
        kind::PROPOSAL => of::<vf::Proposal>(body)?,
        kind::PROPOSED_INTENT => of::<vf::ProposedIntent>(body)?,
        kind::PROPOSED_TO => of::<vf::ProposedTo>(body)?,
        kind::PROPOSAL_LIST => of::<vf::ProposalList>(body)?,
        kind::CLAIM => of::<vf::Claim>(body)?,
        kind::SETTLEMENT => of::<vf::Settlement>(body)?,
        kind::APPRECIATION => of::<vf::Appreciation>(body)?,
        kind::ACKNOWLEDGEMENT => of::<super::ack::Acknowledgement>(body)?,
        other => return Err(AppError::invalid("kind", format!("unknown record kind `{other}`"))),
    };
    if draft.kind != of_kind {
        return Err(AppError::invalid("kind", format!("the body is a {}, not a {of_kind}", draft.kind)));
    }
    Ok(draft)
}
