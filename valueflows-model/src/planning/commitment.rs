//! A commitment: a planned economic flow one agent has promised to another. Events
//! fulfil it through fulfillments.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::ids::{
    AgentId, AgreementId, CommitmentId, PlanId, ProcessId, ProcessSpecificationId, ResourceId, ResourceSpecificationId,
    SpatialThingId,
};
use crate::measurement::Measure;
use crate::planning::planned_flow::{self, FlowView};
use crate::planning::planning_error::PlanningError;
use crate::time::Timestamp;

/// A planned economic flow that has been promised by an agent to another agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Commitment {
    /// Its id.
    pub id: CommitmentId,
    /// What the promised flow does.
    pub action: Action,
    /// The agent who promises.
    pub provider: AgentId,
    /// The agent the promise is made to.
    pub receiver: AgentId,
    /// The process this flow is planned to enter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_of: Option<ProcessId>,
    /// The process this flow is planned to come out of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_of: Option<ProcessId>,
    /// Classifications of the resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_classified_as: Vec<String>,
    /// The kind of resource (or of work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_conforms_to: Option<ResourceSpecificationId>,
    /// The exact resource involved, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_inventoried_as: Option<ResourceId>,
    /// How much resource is promised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Measure>,
    /// How much effort is promised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_quantity: Option<Measure>,
    /// Planned beginning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_beginning: Option<Timestamp>,
    /// Planned end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_end: Option<Timestamp>,
    /// Planned instant, instead of an interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_point_in_time: Option<Timestamp>,
    /// When the flow is expected to be complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Timestamp>,
    /// When the commitment was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// Set by the agents once no more will be done, whether or not the goal was met.
    #[serde(default)]
    pub finished: bool,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Reference to the agreement that governs the commitment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed_in: Option<String>,
    /// Agents within whose scope the flow is planned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope_of: Vec<AgentId>,
    /// Where the flow is planned to happen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_location: Option<SpatialThingId>,
    /// The process specification the resource must have gone through last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<ProcessSpecificationId>,
    /// The plan whose deliverable this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub independent_demand_of: Option<PlanId>,
    /// The plan this (usually non-process) commitment is part of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_within: Option<PlanId>,
    /// The agreement this commitment is a clause of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause_of: Option<AgreementId>,
}

impl Commitment {
    /// A commitment with only its action and agents; set the other fields directly.
    pub fn new(id: CommitmentId, action: Action, provider: AgentId, receiver: AgentId) -> Commitment {
        Commitment {
            id,
            action,
            provider,
            receiver,
            input_of: None,
            output_of: None,
            resource_classified_as: Vec::new(),
            resource_conforms_to: None,
            resource_inventoried_as: None,
            resource_quantity: None,
            effort_quantity: None,
            has_beginning: None,
            has_end: None,
            has_point_in_time: None,
            due: None,
            created: None,
            finished: false,
            note: None,
            agreed_in: None,
            in_scope_of: Vec::new(),
            at_location: None,
            stage: None,
            independent_demand_of: None,
            planned_within: None,
            clause_of: None,
        }
    }

    /// The rules of a planned flow: a point in time or an interval not ending before it
    /// begins; only the quantities the action carries, each with a unit, never negative;
    /// process links as the action's `inputOutput` allows; texts within the limits.
    pub fn validate(&self) -> Result<(), PlanningError> {
        planned_flow::check(&FlowView {
            action: self.action,
            has_beginning: self.has_beginning,
            has_end: self.has_end,
            has_point_in_time: self.has_point_in_time,
            resource_quantity: self.resource_quantity.as_ref(),
            effort_quantity: self.effort_quantity.as_ref(),
            input_of: self.input_of,
            output_of: self.output_of,
            resource_classified_as: &self.resource_classified_as,
            note: self.note.as_deref(),
            agreed_in: self.agreed_in.as_deref(),
        })
    }

    /// The first and last instants the commitment is planned for: its point in time, else
    /// its interval, else its due date (one end standing for both when the other is absent).
    pub fn planned_span(&self) -> Option<(Timestamp, Timestamp)> {
        planned_span(self.has_point_in_time, self.has_beginning, self.has_end, self.due)
    }
}

/// See [`Commitment::planned_span`].
pub(crate) fn planned_span(
    point: Option<Timestamp>,
    beginning: Option<Timestamp>,
    end: Option<Timestamp>,
    due: Option<Timestamp>,
) -> Option<(Timestamp, Timestamp)> {
    let first = point.or(beginning).or(end).or(due)?;
    let last = point.or(end).or(due).or(beginning).unwrap_or(first);
    Some((first, last.max(first)))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::ids::UnitId;

    fn agent(n: u128) -> AgentId {
        AgentId::new(uuid::Uuid::from_u128(n))
    }

    fn at(s: &str) -> Option<Timestamp> {
        Timestamp::parse(s).ok()
    }

    fn qty(v: &str) -> Option<Measure> {
        Some(Measure::new(Decimal::from_str(v).expect("decimal"), UnitId::new(uuid::Uuid::from_u128(9))))
    }

    fn deliver() -> Commitment {
        let mut c = Commitment::new(CommitmentId::new(uuid::Uuid::from_u128(1)), Action::Produce, agent(1), agent(2));
        c.resource_quantity = qty("20");
        c.output_of = Some(ProcessId::new(uuid::Uuid::from_u128(5)));
        c.due = at("2026-04-01");
        c
    }

    #[test]
    fn produce_commitment_as_process_output_is_accepted() {
        assert_eq!(deliver().validate(), Ok(()));
    }

    #[test]
    fn produce_commitment_cannot_be_a_process_input() {
        let mut c = deliver();
        c.output_of = None;
        c.input_of = Some(ProcessId::new(uuid::Uuid::from_u128(5)));
        assert_eq!(c.validate().map_err(|e| e.field()), Err(Some("inputOf")));
    }

    #[test]
    fn same_process_as_input_and_output_is_rejected() {
        let mut c = Commitment::new(CommitmentId::new(uuid::Uuid::nil()), Action::DeliverService, agent(1), agent(2));
        c.input_of = Some(ProcessId::new(uuid::Uuid::from_u128(5)));
        c.output_of = c.input_of;
        assert_eq!(c.validate(), Err(PlanningError::SameProcess));
    }

    #[test]
    fn work_commitment_with_resource_quantity_is_rejected() {
        let mut c = Commitment::new(CommitmentId::new(uuid::Uuid::nil()), Action::Work, agent(1), agent(2));
        c.effort_quantity = qty("6");
        assert_eq!(c.validate(), Ok(()));
        c.resource_quantity = qty("1");
        assert_eq!(c.validate().map_err(|e| e.field()), Err(Some("resourceQuantity")));
    }

    #[test]
    fn commitment_quantity_needs_a_unit_and_cannot_be_negative() {
        let mut c = deliver();
        c.resource_quantity = Some(Measure { has_numerical_value: Decimal::ONE, has_unit: None });
        assert_eq!(c.validate(), Err(PlanningError::MissingUnit { field: "resourceQuantity" }));
        c.resource_quantity = qty("-1");
        assert_eq!(c.validate().map_err(|e| e.field()), Err(Some("resourceQuantity")));
    }

    #[test]
    fn commitment_without_quantity_or_time_is_accepted() {
        let c = Commitment::new(CommitmentId::new(uuid::Uuid::nil()), Action::Transfer, agent(1), agent(2));
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn point_in_time_with_interval_and_reversed_interval_are_rejected() {
        let mut c = deliver();
        c.has_point_in_time = at("2026-03-01");
        c.has_end = at("2026-03-02");
        assert_eq!(c.validate(), Err(PlanningError::PointInTimeWithInterval));
        c.has_point_in_time = None;
        c.has_beginning = at("2026-03-03");
        assert_eq!(c.validate().map_err(|e| e.field()), Err(Some("hasEnd")));
    }

    #[test]
    fn blank_classification_is_rejected() {
        let mut c = deliver();
        c.resource_classified_as = vec![" ".into()];
        assert_eq!(c.validate().map_err(|e| e.field()), Err(Some("resourceClassifiedAs")));
    }

    #[test]
    fn planned_span_falls_back_from_point_to_interval_to_due() {
        let mut c = deliver();
        assert_eq!(c.planned_span(), Some((at("2026-04-01").expect("t"), at("2026-04-01").expect("t"))));
        c.has_beginning = at("2026-03-01");
        assert_eq!(c.planned_span(), Some((at("2026-03-01").expect("t"), at("2026-04-01").expect("t"))));
        c.has_beginning = None;
        c.due = None;
        assert_eq!(c.planned_span(), None);
    }

    #[test]
    fn commitment_serde_round_trips_with_decimal_strings() {
        let c = deliver();
        let json = serde_json::to_value(&c).expect("serialize");
        assert_eq!(json["resourceQuantity"]["hasNumericalValue"], "20");
        assert_eq!(json["action"], "produce");
        assert!(json.get("inputOf").is_none());
        assert_eq!(serde_json::from_value::<Commitment>(json).expect("deserialize"), c);
    }
}
