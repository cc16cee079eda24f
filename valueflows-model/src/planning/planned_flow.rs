//! Rules every planned flow (commitment or intent) shares with the economic events it
//! plans, driven by its action's effects: a point in time or an interval, only the
//! quantities the action carries, each with a unit and never negative, and process links
//! as the action's `inputOutput` allows. Unlike an event, a plan may leave out its time
//! and its quantities: they are often not known yet.

use crate::action::{Action, EventQuantity, InputOutput};
use crate::ids::ProcessId;
use crate::measurement::Measure;
use crate::planning::planning_error::PlanningError;
use crate::time::Timestamp;
use crate::validation::{check_opt_reference, check_opt_text, check_references};

/// The fields of a planned flow the shared rules look at.
pub(crate) struct FlowView<'a> {
    pub action: Action,
    pub has_beginning: Option<Timestamp>,
    pub has_end: Option<Timestamp>,
    pub has_point_in_time: Option<Timestamp>,
    pub resource_quantity: Option<&'a Measure>,
    pub effort_quantity: Option<&'a Measure>,
    pub input_of: Option<ProcessId>,
    pub output_of: Option<ProcessId>,
    pub resource_classified_as: &'a [String],
    pub note: Option<&'a str>,
    pub agreed_in: Option<&'a str>,
}

/// A quantity, when present, has a unit and is not negative.
pub fn check_quantity(field: &'static str, quantity: Option<&Measure>) -> Result<(), PlanningError> {
    let Some(q) = quantity else { return Ok(()) };
    if q.has_unit.is_none() {
        return Err(PlanningError::MissingUnit { field });
    }
    if q.is_negative() {
        return Err(PlanningError::NegativeQuantity { field, value: q.has_numerical_value });
    }
    Ok(())
}

/// `compared`, when both it and `reference` are present, is counted in `reference`'s unit.
pub fn check_same_unit(
    field: &'static str,
    target: &'static str,
    reference: Option<&Measure>,
    compared: Option<&Measure>,
) -> Result<(), PlanningError> {
    match (reference.and_then(|m| m.has_unit), compared.and_then(|m| m.has_unit)) {
        (Some(expected), Some(found)) if expected != found => {
            Err(PlanningError::UnitMismatch { field, target, expected, found })
        }
        _ => Ok(()),
    }
}

fn check_times(f: &FlowView<'_>) -> Result<(), PlanningError> {
    match (f.has_point_in_time, f.has_beginning, f.has_end) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(PlanningError::PointInTimeWithInterval),
        (None, Some(beginning), Some(end)) if end < beginning => {
            Err(PlanningError::EndBeforeBeginning { beginning, end })
        }
        _ => Ok(()),
    }
}

fn check_quantities(f: &FlowView<'_>) -> Result<(), PlanningError> {
    // The ValueFlows docs: "either only resourceQuantity or only effortQuantity or both make
    // sense" per action; a plan may still leave a quantity out.
    let allowed = f.action.effects().event_quantity;
    let (resource_ok, effort_ok, carries) = match allowed {
        EventQuantity::Resource => (true, false, "resourceQuantity"),
        EventQuantity::Effort => (false, true, "effortQuantity"),
        EventQuantity::Both => (true, true, "resourceQuantity and effortQuantity"),
    };
    let refuse = |field| PlanningError::QuantityNotAllowed { field, action: f.action, allowed: carries };
    if f.resource_quantity.is_some() && !resource_ok {
        return Err(refuse("resourceQuantity"));
    }
    if f.effort_quantity.is_some() && !effort_ok {
        return Err(refuse("effortQuantity"));
    }
    check_quantity("resourceQuantity", f.resource_quantity)?;
    check_quantity("effortQuantity", f.effort_quantity)
}

fn check_process_links(f: &FlowView<'_>) -> Result<(), PlanningError> {
    let io = f.action.effects().input_output;
    let refuse = |field| PlanningError::ProcessNotAllowed { field, action: f.action, input_output: io.as_str() };
    if f.input_of.is_some() && !matches!(io, InputOutput::Input | InputOutput::OutputInput) {
        return Err(refuse("inputOf"));
    }
    if f.output_of.is_some() && !matches!(io, InputOutput::Output | InputOutput::OutputInput) {
        return Err(refuse("outputOf"));
    }
    if f.input_of.is_some() && f.input_of == f.output_of {
        return Err(PlanningError::SameProcess);
    }
    Ok(())
}

/// Runs the shared rules: times, texts, quantities, process links.
pub(crate) fn check(f: &FlowView<'_>) -> Result<(), PlanningError> {
    check_times(f)?;
    check_opt_text("note", f.note)?;
    check_opt_reference("agreedIn", f.agreed_in)?;
    check_references("resourceClassifiedAs", f.resource_classified_as)?;
    check_quantities(f)?;
    check_process_links(f)
}
