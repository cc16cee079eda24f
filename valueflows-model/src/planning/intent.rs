//! An intent: a planned economic flow not yet committed to. With a provider it is an
//! offer, with a receiver a request; commitments and events satisfy it.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::ids::{AgentId, IntentId, ProcessId, ResourceId, ResourceSpecificationId, SpatialThingId};
use crate::measurement::Measure;
use crate::planning::commitment::planned_span;
use crate::planning::planned_flow::{self, FlowView, check_quantity, check_same_unit};
use crate::planning::planning_error::PlanningError;
use crate::time::Timestamp;
use crate::validation::{check_opt_name, check_opt_reference, check_references};

/// A planned economic flow which has not been committed to, which can lead to economic
/// events (sometimes through commitments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Intent {
    /// Its id.
    pub id: IntentId,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the intended flow does.
    pub action: Action,
    /// The agent offering (an offer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<AgentId>,
    /// The agent asking (a request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<AgentId>,
    /// The process this flow is intended to enter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_of: Option<ProcessId>,
    /// The process this flow is intended to come out of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_of: Option<ProcessId>,
    /// Classifications of the resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_classified_as: Vec<String>,
    /// The kind of resource (or of work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_conforms_to: Option<ResourceSpecificationId>,
    /// A resource known to serve the intent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_inventoried_as: Option<ResourceId>,
    /// How much resource is intended (per exchange, for offers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Measure>,
    /// How much effort is intended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_quantity: Option<Measure>,
    /// The total quantity of the offered resource available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_quantity: Option<Measure>,
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
    /// Set by the agent once no more will be done, whether or not the goal was met.
    #[serde(default)]
    pub finished: bool,
    /// Image URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// More image URIs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_list: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Reference to the agreement that governs the intent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed_in: Option<String>,
    /// Agents within whose scope the flow is intended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope_of: Vec<AgentId>,
    /// Where the flow would happen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_location: Option<SpatialThingId>,
}

impl Intent {
    /// An intent with only its action; set the agent and the other fields directly.
    pub fn new(id: IntentId, action: Action) -> Intent {
        Intent {
            id,
            name: None,
            action,
            provider: None,
            receiver: None,
            input_of: None,
            output_of: None,
            resource_classified_as: Vec::new(),
            resource_conforms_to: None,
            resource_inventoried_as: None,
            resource_quantity: None,
            effort_quantity: None,
            available_quantity: None,
            has_beginning: None,
            has_end: None,
            has_point_in_time: None,
            due: None,
            finished: false,
            image: None,
            image_list: Vec::new(),
            note: None,
            agreed_in: None,
            in_scope_of: Vec::new(),
            at_location: None,
        }
    }

    /// The rules of a planned flow (see [`Commitment::validate`](crate::Commitment::validate)),
    /// plus: exactly one of provider (an offer) and receiver (a request), since an intent
    /// is not yet agreed between two agents; `availableQuantity` with a unit, not negative,
    /// and in the unit of `resourceQuantity`; name and images not blank.
    pub fn validate(&self) -> Result<(), PlanningError> {
        match (self.provider, self.receiver) {
            (None, None) => return Err(PlanningError::IntentWithoutAgent),
            (Some(_), Some(_)) => return Err(PlanningError::IntentWithBothAgents),
            _ => {}
        }
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
        })?;
        check_quantity("availableQuantity", self.available_quantity.as_ref())?;
        check_same_unit(
            "availableQuantity.hasUnit",
            "the intent's resourceQuantity",
            self.resource_quantity.as_ref(),
            self.available_quantity.as_ref(),
        )?;
        check_opt_name("name", self.name.as_deref())?;
        check_opt_reference("image", self.image.as_deref())?;
        check_references("imageList", &self.image_list)?;
        Ok(())
    }

    /// The first and last instants the intent is planned for (see
    /// [`Commitment::planned_span`](crate::Commitment::planned_span)).
    pub fn planned_span(&self) -> Option<(Timestamp, Timestamp)> {
        planned_span(self.has_point_in_time, self.has_beginning, self.has_end, self.due)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::ids::UnitId;

    fn qty(v: &str, u: u128) -> Option<Measure> {
        Some(Measure::new(Decimal::from_str(v).expect("decimal"), UnitId::new(uuid::Uuid::from_u128(u))))
    }

    fn request() -> Intent {
        let mut i = Intent::new(IntentId::new(uuid::Uuid::nil()), Action::Transfer);
        i.receiver = Some(AgentId::new(uuid::Uuid::from_u128(2)));
        i.resource_quantity = qty("20", 1);
        i
    }

    #[test]
    fn intent_needs_exactly_one_agent() {
        assert_eq!(request().validate(), Ok(()));
        let mut offer = request();
        offer.receiver = None;
        offer.provider = Some(AgentId::new(uuid::Uuid::from_u128(1)));
        assert_eq!(offer.validate(), Ok(()));
        let mut neither = request();
        neither.receiver = None;
        assert_eq!(neither.validate(), Err(PlanningError::IntentWithoutAgent));
        let mut both = request();
        both.provider = Some(AgentId::new(uuid::Uuid::from_u128(1)));
        assert_eq!(both.validate().map_err(|e| e.field()), Err(Some("receiver")));
    }

    #[test]
    fn available_quantity_must_be_in_the_resource_unit() {
        let mut i = request();
        i.available_quantity = qty("100", 1);
        assert_eq!(i.validate(), Ok(()));
        i.available_quantity = qty("100", 7);
        assert_eq!(i.validate().map_err(|e| e.field()), Err(Some("availableQuantity.hasUnit")));
        i.available_quantity = qty("-1", 1);
        assert_eq!(i.validate().map_err(|e| e.field()), Err(Some("availableQuantity")));
    }

    #[test]
    fn blank_intent_name_is_rejected() {
        let mut i = request();
        i.name = Some("  ".into());
        assert_eq!(i.validate().map_err(|e| e.field()), Err(Some("name")));
    }

    #[test]
    fn intent_follows_the_shared_flow_rules() {
        let mut i = request();
        i.effort_quantity = qty("2", 3);
        assert_eq!(i.validate().map_err(|e| e.field()), Err(Some("effortQuantity")));
    }
}
