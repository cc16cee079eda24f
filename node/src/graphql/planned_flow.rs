//! What commitments and intents share on the API: their filters. Root and agent lists
//! filter through the lookup index; the plain lists of a process filter in memory. Every
//! criterion given must hold (they are ANDed); within a list criterion, any value matches.

use async_graphql::ID;
use uuid::Uuid;
use valueflows_model as vf;

use super::action::parse_action;
use super::parse_ids;
use super::scalars::{DateTime, Uri};
use crate::error::AppError;
use crate::store::records::Filter;

/// Filter criteria on planned flows, parsed.
#[derive(Clone, Debug, Default)]
pub struct FlowCriteria {
    /// Lower-cased text searched in names and notes.
    pub search: Option<String>,
    /// Any of these providers.
    pub providers: Vec<Uuid>,
    /// Any of these receivers.
    pub receivers: Vec<Uuid>,
    /// Either side is any of these agents.
    pub agents: Vec<Uuid>,
    /// Any of these resource classifications.
    pub classified: Vec<String>,
    /// Any of these resource specifications.
    pub conforms_to: Vec<Uuid>,
    /// Finished or not.
    pub finished: Option<bool>,
    /// Any of these actions.
    pub actions: Vec<vf::Action>,
    /// Planned to end at or after this time.
    pub start: Option<vf::Timestamp>,
    /// Planned to begin at or before this time.
    pub end: Option<vf::Timestamp>,
    /// In scope of any of these agents.
    pub in_scope_of: Vec<Uuid>,
    /// At any of these places.
    pub at_location: Vec<Uuid>,
}

/// What the in-memory filter looks at in one planned flow.
pub struct FlowFacts<'a> {
    /// Its action.
    pub action: vf::Action,
    /// Its provider.
    pub provider: Option<vf::AgentId>,
    /// Its receiver.
    pub receiver: Option<vf::AgentId>,
    /// Its resource classifications.
    pub classified: &'a [String],
    /// Its texts (name, note).
    pub texts: [Option<&'a str>; 2],
    /// The span it is planned for.
    pub span: Option<(vf::Timestamp, vf::Timestamp)>,
}

impl FlowCriteria {
    /// Parses the action ids of a filter.
    pub fn actions(ids: Option<Vec<ID>>) -> Result<Vec<vf::Action>, AppError> {
        ids.iter().flatten().map(|a| parse_action("action", a)).collect()
    }

    /// Parses a single action id of a filter (the agent filters take one).
    pub fn action(id: Option<ID>) -> Result<Vec<vf::Action>, AppError> {
        id.iter().map(|a| parse_action("action", a)).collect()
    }

    /// Parses a list of agent (or other record) ids of a filter.
    pub fn ids(field: &str, ids: &Option<Vec<ID>>) -> Result<Vec<Uuid>, AppError> {
        parse_ids(field, ids)
    }

    /// The search text, lower-cased; blank searches match everything.
    pub fn search(s: Option<String>) -> Option<String> {
        s.filter(|s| !s.trim().is_empty()).map(|s| s.to_lowercase())
    }

    /// The dates of a filter.
    pub fn dates(start: Option<DateTime>, end: Option<DateTime>) -> (Option<vf::Timestamp>, Option<vf::Timestamp>) {
        (start.map(|d| d.0), end.map(|d| d.0))
    }

    /// Classifications of a filter.
    pub fn uris(list: Option<Vec<Uri>>) -> Vec<String> {
        Uri::strings(list)
    }

    /// The criteria as lookups in the index.
    pub fn to_filters(&self) -> Vec<Filter> {
        let mut out = Vec::new();
        let any = |field: &str, values: Vec<String>| Filter::AnyOf { field: field.to_owned(), values };
        let ids = |v: &[Uuid]| v.iter().map(Uuid::to_string).collect::<Vec<_>>();
        if let Some(s) = &self.search {
            out.push(Filter::Contains { field: "text".to_owned(), needle: s.clone() });
        }
        if !self.providers.is_empty() {
            out.push(any("provider", ids(&self.providers)));
        }
        if !self.receivers.is_empty() {
            out.push(any("receiver", ids(&self.receivers)));
        }
        if !self.agents.is_empty() {
            out.push(Filter::AnyFieldOf { fields: vec!["provider", "receiver"], values: ids(&self.agents) });
        }
        if !self.classified.is_empty() {
            out.push(any("resourceClassifiedAs", self.classified.clone()));
        }
        if !self.conforms_to.is_empty() {
            out.push(any("resourceConformsTo", ids(&self.conforms_to)));
        }
        if let Some(f) = self.finished {
            out.push(any("finished", vec![f.to_string()]));
        }
        if !self.actions.is_empty() {
            out.push(any("action", self.actions.iter().map(|a| a.id().to_owned()).collect()));
        }
        // Overlap of the planned span with [start, end].
        if let Some(start) = self.start {
            out.push(Filter::Range { field: "timeEnd".to_owned(), min: Some(start.to_rfc3339()), max: None });
        }
        if let Some(end) = self.end {
            out.push(Filter::Range { field: "time".to_owned(), min: None, max: Some(end.to_rfc3339()) });
        }
        if !self.in_scope_of.is_empty() {
            out.push(any("inScopeOf", ids(&self.in_scope_of)));
        }
        if !self.at_location.is_empty() {
            out.push(any("atLocation", ids(&self.at_location)));
        }
        out
    }

    /// Whether one flow meets the criteria a process's plain lists take (search, agents,
    /// classifications, actions and dates).
    pub fn matches(&self, f: &FlowFacts<'_>) -> bool {
        let has =
            |list: &[Uuid], a: Option<vf::AgentId>| list.is_empty() || a.is_some_and(|a| list.contains(&a.uuid()));
        let text = self
            .search
            .as_ref()
            .is_none_or(|needle| f.texts.iter().flatten().any(|t| t.to_lowercase().contains(needle.as_str())));
        text && has(&self.providers, f.provider)
            && has(&self.receivers, f.receiver)
            && (self.classified.is_empty() || f.classified.iter().any(|c| self.classified.contains(c)))
            && (self.actions.is_empty() || self.actions.contains(&f.action))
            && self.start.is_none_or(|s| f.span.is_some_and(|(_, last)| last >= s))
            && self.end.is_none_or(|e| f.span.is_some_and(|(first, _)| first <= e))
    }
}

/// The agent filter of commitment and intent lists (an extension: the reference's agent
/// lists take no filter). Both inputs have these fields; each keeps its own name.
macro_rules! agent_flow_filter {
    ($($name:ident, $doc:literal;)*) => {$(
        #[doc = $doc]
        #[derive(async_graphql::InputObject, Default)]
        pub struct $name {
            pub search_string: Option<String>,
            pub action: Option<ID>,
            pub start_date: Option<DateTime>,
            pub end_date: Option<DateTime>,
            pub finished: Option<bool>,
        }

        impl $name {
            /// The filter as criteria.
            pub fn criteria(self) -> Result<FlowCriteria, AppError> {
                let (start, end) = FlowCriteria::dates(self.start_date, self.end_date);
                Ok(FlowCriteria {
                    search: FlowCriteria::search(self.search_string),
                    actions: FlowCriteria::action(self.action)?,
                    finished: self.finished,
                    start,
                    end,
                    ..FlowCriteria::default()
                })
            }
        }
    )*};
}

agent_flow_filter!(
    AgentCommitmentFilterParams, "Query parameters for reading `Commitment`s related to an `Agent`.";
    AgentIntentFilterParams, "Query parameters for reading `Intent`s related to an `Agent`.";
);

/// The filter of a process's planned inputs or outputs, the same fields for commitments
/// and intents under the reference's two names.
macro_rules! process_flow_filter {
    ($($name:ident, $doc:literal;)*) => {$(
        #[doc = $doc]
        #[derive(async_graphql::InputObject, Default)]
        pub struct $name {
            pub search_string: Option<String>,
            pub provider_id: Option<Vec<ID>>,
            pub receiver_id: Option<Vec<ID>>,
            pub resource_classified_as: Option<Vec<Uri>>,
            pub action: Option<Vec<ID>>,
            pub start_date: Option<DateTime>,
            pub end_date: Option<DateTime>,
        }

        impl $name {
            /// The filter as criteria.
            pub fn criteria(self) -> Result<FlowCriteria, AppError> {
                let (start, end) = FlowCriteria::dates(self.start_date, self.end_date);
                Ok(FlowCriteria {
                    search: FlowCriteria::search(self.search_string),
                    providers: FlowCriteria::ids("providerId", &self.provider_id)?,
                    receivers: FlowCriteria::ids("receiverId", &self.receiver_id)?,
                    classified: FlowCriteria::uris(self.resource_classified_as),
                    actions: FlowCriteria::actions(self.action)?,
                    start,
                    end,
                    ..FlowCriteria::default()
                })
            }
        }
    )*};
}

process_flow_filter!(
    ProcessCommitmentFilterParams, "Filter on a process's committed inputs or outputs.";
    ProcessIntentFilterParams, "Filter on a process's intended inputs or outputs.";
);

/// The index lookups of an agent's list: records whose `fields` name `agent`, narrowed by
/// `criteria` when given.
pub fn agent_flow_filters(agent: Uuid, fields: Vec<&'static str>, criteria: Option<FlowCriteria>) -> Vec<Filter> {
    let mut filters = vec![Filter::AnyFieldOf { fields, values: vec![agent.to_string()] }];
    if let Some(c) = criteria {
        filters.extend(c.to_filters());
    }
    filters
}

/// How much of a planned flow its links (fulfillments or satisfactions) cover.
pub struct Progress {
    /// The linked resource quantities, summed in the planned unit; none when none is planned.
    pub resource: Option<vf::Measure>,
    /// The linked effort quantities, summed in the planned unit; none when none is planned.
    pub effort: Option<vf::Measure>,
    /// Whether the links cover every planned quantity (or, with none planned, exist).
    pub complete: bool,
}

impl Progress {
    /// Sums the quantities the links count against what is planned.
    pub fn of(
        planned_resource: Option<&vf::Measure>,
        planned_effort: Option<&vf::Measure>,
        resource: impl IntoIterator<Item = vf::Measure>,
        effort: impl IntoIterator<Item = vf::Measure>,
        links: usize,
    ) -> Result<Progress, AppError> {
        let done_resource = vf::planning::progress::covered("resourceQuantity", planned_resource, resource)?;
        let done_effort = vf::planning::progress::covered("effortQuantity", planned_effort, effort)?;
        let complete = vf::planning::progress::is_complete(
            planned_resource,
            done_resource.as_ref(),
            planned_effort,
            done_effort.as_ref(),
            links,
        );
        Ok(Progress { resource: done_resource, effort: done_effort, complete })
    }
}
