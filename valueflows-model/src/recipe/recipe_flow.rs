//! A flow in a recipe: the blueprint of an input to or output of a recipe process, or of a
//! clause of a recipe exchange.

use serde::{Deserialize, Serialize};

use crate::action::{Action, EventQuantity, InputOutput};
use crate::ids::{ProcessSpecificationId, RecipeExchangeId, RecipeFlowId, RecipeProcessId, ResourceSpecificationId};
use crate::measurement::Measure;
use crate::recipe::recipe_error::RecipeError;
use crate::validation::{check_opt_name, check_opt_text};

/// Specifies a resource inflow to, or outflow from, a recipe process (`RecipeFlow`).
///
/// ValueFlows 1.0 points a recipe flow at a `RecipeResource` (`recipeFlowResource`);
/// vf-graphql 0.9 points it at a [`ResourceSpecification`](crate::ResourceSpecification)
/// (`resourceConformsTo`), which is what is stored here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipeFlow {
    /// Its id.
    pub id: RecipeFlowId,
    /// What the flow does, as an economic event would.
    pub action: Action,
    /// The kind of resource that flows.
    pub resource_conforms_to: ResourceSpecificationId,
    /// How much of the resource, for one recipe batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_quantity: Option<Measure>,
    /// How much effort (work, use, citation), for one recipe batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_quantity: Option<Measure>,
    /// The recipe process it is an input of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe_input_of: Option<RecipeProcessId>,
    /// The recipe process it is an output of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe_output_of: Option<RecipeProcessId>,
    /// The recipe exchange it is a clause of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe_clause_of: Option<RecipeExchangeId>,
    /// The kind of process the resource must last have gone through (an input's required stage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<ProcessSpecificationId>,
    /// The state the resource must be in (for example pass or fail after a test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl RecipeFlow {
    /// The rules of a flow on its own: process links follow the action's `inputOutput`
    /// (as for events), quantities follow its `eventQuantity`, carry a unit and are not
    /// negative, and texts are within the limits.
    pub fn validate(&self) -> Result<(), RecipeError> {
        let effects = self.action.effects();
        let io = effects.input_output;
        let refuse = |field| RecipeError::ProcessNotAllowed { field, action: self.action, input_output: io.as_str() };
        if self.recipe_input_of.is_some() && !matches!(io, InputOutput::Input | InputOutput::OutputInput) {
            return Err(refuse("recipeInputOf"));
        }
        if self.recipe_output_of.is_some() && !matches!(io, InputOutput::Output | InputOutput::OutputInput) {
            return Err(refuse("recipeOutputOf"));
        }
        if self.recipe_input_of.is_some() && self.recipe_input_of == self.recipe_output_of {
            return Err(RecipeError::SameProcess);
        }
        let carried = effects.event_quantity;
        for (field, quantity, allowed) in [
            ("resourceQuantity", &self.resource_quantity, carried != EventQuantity::Effort),
            ("effortQuantity", &self.effort_quantity, carried != EventQuantity::Resource),
        ] {
            let Some(m) = quantity else { continue };
            if !allowed {
                return Err(RecipeError::QuantityNotAllowed { field, action: self.action, allowed: carried.as_str() });
            }
            if m.has_unit.is_none() {
                return Err(RecipeError::MissingUnit { field });
            }
            if m.is_negative() {
                return Err(RecipeError::NegativeQuantity { field, value: m.has_numerical_value });
            }
        }
        check_opt_name("state", self.state.as_deref())?;
        check_opt_text("note", self.note.as_deref())?;
        Ok(())
    }

    /// The recipe process this flow yields a new resource from, if any: the flow is an
    /// output whose action does not pair with an input. `produce` yields; `modify`,
    /// `dropoff` hand back the very resource their process accepted or picked up.
    pub fn yielded_by(&self) -> Option<RecipeProcessId> {
        let effects = self.action.effects();
        let output = matches!(effects.input_output, InputOutput::Output | InputOutput::OutputInput);
        if output && effects.pairs_with.is_none() { self.recipe_output_of } else { None }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::ids::UnitId;

    fn unit() -> UnitId {
        UnitId::new(uuid::Uuid::from_u128(9))
    }

    fn flow(action: Action) -> RecipeFlow {
        RecipeFlow {
            id: RecipeFlowId::new(uuid::Uuid::from_u128(1)),
            action,
            resource_conforms_to: ResourceSpecificationId::new(uuid::Uuid::from_u128(2)),
            resource_quantity: None,
            effort_quantity: None,
            recipe_input_of: None,
            recipe_output_of: None,
            recipe_clause_of: None,
            stage: None,
            state: None,
            note: None,
        }
    }

    fn process(n: u128) -> Option<RecipeProcessId> {
        Some(RecipeProcessId::new(uuid::Uuid::from_u128(n)))
    }

    #[test]
    fn produce_cannot_be_a_recipe_input() {
        let f = RecipeFlow { recipe_input_of: process(3), ..flow(Action::Produce) };
        assert_eq!(f.validate().map_err(|e| e.field()), Err(Some("recipeInputOf")));
        let f = RecipeFlow { recipe_output_of: process(3), ..flow(Action::Produce) };
        assert_eq!(f.validate(), Ok(()));
    }

    #[test]
    fn consume_cannot_be_a_recipe_output() {
        let f = RecipeFlow { recipe_output_of: process(3), ..flow(Action::Consume) };
        assert_eq!(f.validate().map_err(|e| e.field()), Err(Some("recipeOutputOf")));
    }

    #[test]
    fn a_service_may_be_output_of_one_recipe_process_and_input_of_another() {
        let f =
            RecipeFlow { recipe_output_of: process(3), recipe_input_of: process(4), ..flow(Action::DeliverService) };
        assert_eq!(f.validate(), Ok(()));
        let same = RecipeFlow { recipe_input_of: process(3), ..f };
        assert_eq!(same.validate(), Err(RecipeError::SameProcess));
    }

    #[test]
    fn work_carries_no_resource_quantity() {
        let f = RecipeFlow {
            resource_quantity: Some(Measure::new(Decimal::ONE, unit())),
            recipe_input_of: process(3),
            ..flow(Action::Work)
        };
        assert_eq!(f.validate().map_err(|e| e.field()), Err(Some("resourceQuantity")));
    }

    #[test]
    fn recipe_quantity_needs_a_unit_and_must_not_be_negative() {
        let mut f = flow(Action::Consume);
        f.resource_quantity = Some(Measure { has_numerical_value: Decimal::ONE, has_unit: None });
        assert_eq!(f.validate(), Err(RecipeError::MissingUnit { field: "resourceQuantity" }));
        f.resource_quantity = Some(Measure::new(Decimal::new(-1, 2), unit()));
        assert_eq!(f.validate().map_err(|e| e.field()), Err(Some("resourceQuantity")));
        f.resource_quantity = Some(Measure::new(Decimal::ZERO, unit()));
        assert_eq!(f.validate(), Ok(()));
    }

    #[test]
    fn blank_state_is_rejected() {
        let f = RecipeFlow { state: Some(" ".into()), ..flow(Action::Accept) };
        assert_eq!(f.validate().map_err(|e| e.field()), Err(Some("state")));
    }

    #[test]
    fn produce_yields_but_modify_hands_back_what_was_accepted() {
        let p = RecipeFlow { recipe_output_of: process(3), ..flow(Action::Produce) };
        assert_eq!(p.yielded_by(), process(3));
        let m = RecipeFlow { recipe_output_of: process(3), ..flow(Action::Modify) };
        assert_eq!(m.yielded_by(), None);
        let c = RecipeFlow { recipe_input_of: process(3), ..flow(Action::Consume) };
        assert_eq!(c.yielded_by(), None);
    }

    #[test]
    fn recipe_flow_serde_round_trips_with_exact_quantities() {
        let f = RecipeFlow {
            resource_quantity: Some(Measure::new(Decimal::new(1250, 3), unit())),
            recipe_input_of: process(3),
            ..flow(Action::Consume)
        };
        let json = serde_json::to_value(&f).expect("serialize");
        assert_eq!(json["resourceQuantity"]["hasNumericalValue"], "1.250");
        assert_eq!(json["action"], "consume");
        assert!(json.get("recipeOutputOf").is_none());
        assert_eq!(serde_json::from_value::<RecipeFlow>(json).expect("deserialize"), f);
    }
}
