//! Why a recipe record was refused, or why a recipe cannot be scaled into a plan: one
//! variant per rule, each with a stable code and, where there is one, the offending field.

use rust_decimal::Decimal;

use crate::action::Action;
use crate::ids::{RecipeFlowId, RecipeProcessId, ResourceSpecificationId, UnitId};
use crate::measurement::Duration;
use crate::validation::RecordError;

/// A broken recipe rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecipeError {
    /// A field check shared with other records (blank name, note too long...).
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A process link the flow's action does not allow.
    #[error("{field} is not allowed for action {action} (its inputOutput is {input_output})")]
    ProcessNotAllowed {
        /// `recipeInputOf` or `recipeOutputOf`.
        field: &'static str,
        /// The flow's action.
        action: Action,
        /// The action's `inputOutput`.
        input_output: &'static str,
    },
    /// `recipeInputOf` and `recipeOutputOf` name the same recipe process.
    #[error("recipeInputOf and recipeOutputOf name the same recipe process")]
    SameProcess,
    /// A quantity the action does not carry.
    #[error("{field} is not allowed for action {action} (it carries only {allowed})")]
    QuantityNotAllowed {
        /// `resourceQuantity` or `effortQuantity`.
        field: &'static str,
        /// The flow's action.
        action: Action,
        /// The quantity the action does carry.
        allowed: &'static str,
    },
    /// A quantity without a unit.
    #[error("{field} needs a unit (hasUnit)")]
    MissingUnit {
        /// `resourceQuantity` or `effortQuantity`.
        field: &'static str,
    },
    /// A negative quantity on a recipe flow.
    #[error("{field} is negative ({value}); a recipe flow quantity must be zero or more")]
    NegativeQuantity {
        /// `resourceQuantity` or `effortQuantity`.
        field: &'static str,
        /// The rejected number.
        value: Decimal,
    },
    /// The flows would make a recipe process depend, through the resources it takes in,
    /// on what it itself yields.
    #[error("{field} would close a cycle in the recipe: {}", cycle_text(.processes))]
    Cycle {
        /// The field whose value closes the cycle.
        field: &'static str,
        /// The recipe processes on the cycle, in order; the last one feeds the first.
        processes: Vec<RecipeProcessId>,
    },
    /// A wanted quantity that is zero or negative.
    #[error("the wanted quantity must be more than zero, not {value}")]
    NonPositiveQuantity {
        /// The rejected number.
        value: Decimal,
    },
    /// No recipe process yields the wanted resource specification.
    #[error("no recipe process produces resource specification {spec}")]
    NoRecipe {
        /// The wanted specification.
        spec: ResourceSpecificationId,
    },
    /// More than one recipe process could supply a resource, so the recipe does not say which to plan.
    #[error("recipe processes {} all produce resource specification {spec}; the recipe must name one (give the input a stage)", id_list(.processes))]
    AmbiguousSupplier {
        /// The specification supplied.
        spec: ResourceSpecificationId,
        /// The candidate recipe processes.
        processes: Vec<RecipeProcessId>,
    },
    /// A flow that planning must scale from has no resource quantity.
    #[error("recipe flow {flow} has no resourceQuantity, so the recipe cannot be scaled through it")]
    MissingQuantity {
        /// The flow.
        flow: RecipeFlowId,
    },
    /// The output planning scales by is zero.
    #[error("recipe flow {flow} produces a zero quantity, so no scale reaches the wanted quantity")]
    ZeroOutput {
        /// The output flow.
        flow: RecipeFlowId,
    },
    /// Quantities compared or summed while planning are in different units.
    #[error("recipe flow {flow} is counted in {}, where {} is needed", unit_text(.found), unit_text(.expected))]
    UnitMismatch {
        /// The flow whose unit differs.
        flow: RecipeFlowId,
        /// The unit needed.
        expected: Option<UnitId>,
        /// The unit found.
        found: Option<UnitId>,
    },
    /// A scaled quantity has no exact decimal value within 28 significant digits (for
    /// example a third), or exceeds the decimal range.
    #[error("the {field} of recipe flow {flow} scaled by {numerator}/{denominator} has no exact decimal value")]
    Inexact {
        /// The flow.
        flow: RecipeFlowId,
        /// `resourceQuantity` or `effortQuantity`.
        field: &'static str,
        /// The scale's numerator (quantity wanted).
        numerator: Decimal,
        /// The scale's denominator (quantity the recipe makes).
        denominator: Decimal,
    },
    /// A recipe process's duration cannot be counted back from the plan's due date: a
    /// fraction of a month or year (which have no fixed length), or beyond the calendar.
    #[error(
        "recipe process {process} lasts {duration}, which cannot be counted back from the due date (months and years must be whole)"
    )]
    Unschedulable {
        /// The recipe process.
        process: RecipeProcessId,
        /// Its duration.
        duration: Duration,
    },
}

fn id_list(ids: &[RecipeProcessId]) -> String {
    ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

fn cycle_text(ids: &[RecipeProcessId]) -> String {
    let mut parts: Vec<String> = ids.iter().map(ToString::to_string).collect();
    if let Some(first) = ids.first() {
        parts.push(first.to_string());
    }
    parts.join(" -> ")
}

fn unit_text(unit: &Option<UnitId>) -> String {
    unit.map_or_else(|| "no unit".to_owned(), |u| format!("unit {u}"))
}

impl RecipeError {
    /// The error class for API clients: `"NOT_FOUND"` when no recipe yields the wanted
    /// resource, `"VALIDATION"` otherwise.
    pub fn code(&self) -> &'static str {
        match self {
            RecipeError::NoRecipe { .. } => "NOT_FOUND",
            _ => "VALIDATION",
        }
    }

    /// The offending field, in GraphQL camelCase, when one is to blame.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            RecipeError::Record(e) => e.field(),
            RecipeError::ProcessNotAllowed { field, .. }
            | RecipeError::QuantityNotAllowed { field, .. }
            | RecipeError::MissingUnit { field }
            | RecipeError::NegativeQuantity { field, .. }
            | RecipeError::Cycle { field, .. }
            | RecipeError::Inexact { field, .. } => Some(field),
            RecipeError::SameProcess => Some("recipeOutputOf"),
            RecipeError::NonPositiveQuantity { .. } => Some("hasNumericalValue"),
            RecipeError::UnitMismatch { .. } => Some("hasUnit"),
            RecipeError::Unschedulable { .. } => Some("hasDuration"),
            RecipeError::NoRecipe { .. }
            | RecipeError::AmbiguousSupplier { .. }
            | RecipeError::MissingQuantity { .. }
            | RecipeError::ZeroOutput { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pid(n: u128) -> RecipeProcessId {
        RecipeProcessId::new(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn cycle_message_walks_back_to_the_first_process() {
        let e = RecipeError::Cycle { field: "recipeInputOf", processes: vec![pid(1), pid(2)] };
        let text = e.to_string();
        assert!(text.starts_with("recipeInputOf would close a cycle"), "{text}");
        assert!(text.ends_with(&format!("{} -> {} -> {}", pid(1), pid(2), pid(1))), "{text}");
        assert_eq!(e.code(), "VALIDATION");
        assert_eq!(e.field(), Some("recipeInputOf"));
    }

    #[test]
    fn missing_recipe_is_not_found() {
        let spec = ResourceSpecificationId::new(uuid::Uuid::nil());
        assert_eq!(RecipeError::NoRecipe { spec }.code(), "NOT_FOUND");
    }
}
