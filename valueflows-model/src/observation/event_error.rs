//! Why an economic event was refused: one variant per rule, each naming the
//! offending field in GraphQL camelCase.

use rust_decimal::Decimal;

use crate::action::Action;
use crate::ids::{EventId, ResourceId, ResourceSpecificationId, UnitId};
use crate::time::Timestamp;
use crate::validation::RecordError;

/// A broken event rule, or a referenced record the caller could not find.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// No time at all.
    #[error("an event needs a time: hasPointInTime, or hasBeginning and/or hasEnd")]
    MissingTime,
    /// Both a point in time and an interval.
    #[error("hasPointInTime cannot be combined with hasBeginning or hasEnd")]
    PointInTimeWithInterval,
    /// The interval ends before it begins.
    #[error("hasEnd ({end}) is before hasBeginning ({beginning})")]
    EndBeforeBeginning {
        /// The beginning.
        beginning: Timestamp,
        /// The end.
        end: Timestamp,
    },
    /// A quantity the action needs is missing.
    #[error("{field} is required for action {action}")]
    MissingQuantity {
        /// `resourceQuantity` or `effortQuantity`.
        field: &'static str,
        /// The event's action.
        action: Action,
    },
    /// A quantity that makes no sense for the action.
    #[error("{field} is not allowed for action {action} (it carries only {allowed})")]
    QuantityNotAllowed {
        /// `resourceQuantity` or `effortQuantity`.
        field: &'static str,
        /// The event's action.
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
    /// A negative quantity on an event that is not a correction.
    #[error("{field} is negative ({value}); only a correction (corrects) may have a negative quantity")]
    NegativeQuantity {
        /// `resourceQuantity` or `effortQuantity`.
        field: &'static str,
        /// The rejected number.
        value: Decimal,
    },
    /// A process link the action does not allow.
    #[error("{field} is not allowed for action {action} (its inputOutput is {input_output})")]
    ProcessNotAllowed {
        /// `inputOf` or `outputOf`.
        field: &'static str,
        /// The event's action.
        action: Action,
        /// The action's `inputOutput`.
        input_output: &'static str,
    },
    /// `inputOf` and `outputOf` name the same process.
    #[error("inputOf and outputOf name the same process; a service is output of one process and input of another")]
    SameProcess,
    /// The action changes a resource quantity but names no resource to change.
    #[error(
        "{field} is required for action {action} (an existing resource, or a new one where the action may create it)"
    )]
    ResourceRequired {
        /// `resourceInventoriedAs` or `toResourceInventoriedAs`.
        field: &'static str,
        /// The event's action.
        action: Action,
    },
    /// A resource named on an action that involves none.
    #[error("{field} is not allowed for action {action}")]
    ResourceNotAllowed {
        /// `resourceInventoriedAs` or `toResourceInventoriedAs`.
        field: &'static str,
        /// The event's action.
        action: Action,
    },
    /// A new resource for an action that cannot create one.
    #[error("action {action} cannot create a resource (newInventoriedResource)")]
    NewResourceNotAllowed {
        /// The event's action.
        action: Action,
    },
    /// The event names one resource where the new resource goes.
    #[error("{field} is {given} but the event creates resource {created} there")]
    ConflictingResource {
        /// `resourceInventoriedAs` or `toResourceInventoriedAs`.
        field: &'static str,
        /// The id the event named.
        given: ResourceId,
        /// The id of the new resource.
        created: ResourceId,
    },
    /// The event and its new resource conform to different specifications.
    #[error("resourceConformsTo ({event}) differs from the new resource's conformsTo ({resource})")]
    ConformsToMismatch {
        /// The event's `resourceConformsTo`.
        event: ResourceSpecificationId,
        /// The new resource's `conformsTo`.
        resource: ResourceSpecificationId,
    },
    /// A named resource the caller did not find.
    #[error("{field}: economic resource {id} was not found")]
    ResourceNotFound {
        /// `resourceInventoriedAs` or `toResourceInventoriedAs`.
        field: &'static str,
        /// The id named.
        id: ResourceId,
    },
    /// The event's unit differs from the unit the resource is counted in.
    #[error("resourceQuantity is in unit {found} but resource {resource} is counted in unit {expected}")]
    UnitMismatch {
        /// The resource whose quantity would change.
        resource: ResourceId,
        /// The resource's unit.
        expected: UnitId,
        /// The event's unit.
        found: UnitId,
    },
    /// The event named by `corrects` was not found.
    #[error("corrects: economic event {id} was not found")]
    CorrectedEventNotFound {
        /// The id named.
        id: EventId,
    },
    /// A correction must have the action of the event it corrects.
    #[error("a correction must have the action of the event it corrects ({expected}), not {found}")]
    CorrectionActionMismatch {
        /// The corrected event's action.
        expected: Action,
        /// This event's action.
        found: Action,
    },
    /// A correction must name the same resources as the event it corrects.
    #[error("{field} of a correction must be the same as that of the event it corrects")]
    CorrectionResourceMismatch {
        /// `resourceInventoriedAs` or `toResourceInventoriedAs`.
        field: &'static str,
    },
    /// Corrections point at the original event, never at another correction.
    #[error("event {id} is itself a correction; correct the original event instead")]
    CorrectionOfCorrection {
        /// The correction named by `corrects`.
        id: EventId,
    },
    /// A correction cannot create a resource.
    #[error("a correction cannot create a resource (newInventoriedResource)")]
    CorrectionCreatesResource,
    /// `combine` of a resource into itself.
    #[error("a resource cannot be combined into itself (resourceInventoriedAs equals toResourceInventoriedAs)")]
    ContainedInItself,
    /// A text field of the event breaks a text rule.
    #[error("{0}")]
    InvalidField(RecordError),
    /// A field of the new resource breaks a record rule.
    #[error("newInventoriedResource: {0}")]
    InvalidNewResource(RecordError),
}

impl EventError {
    /// The error class for API clients: `"NOT_FOUND"` when a referenced record is
    /// missing, `"VALIDATION"` for every broken rule.
    pub fn code(&self) -> &'static str {
        match self {
            EventError::ResourceNotFound { .. } | EventError::CorrectedEventNotFound { .. } => "NOT_FOUND",
            _ => "VALIDATION",
        }
    }

    /// The offending field, in GraphQL camelCase.
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            EventError::MissingTime | EventError::PointInTimeWithInterval => "hasPointInTime",
            EventError::EndBeforeBeginning { .. } => "hasEnd",
            EventError::MissingQuantity { field, .. }
            | EventError::QuantityNotAllowed { field, .. }
            | EventError::MissingUnit { field }
            | EventError::NegativeQuantity { field, .. }
            | EventError::ProcessNotAllowed { field, .. }
            | EventError::ResourceRequired { field, .. }
            | EventError::ResourceNotAllowed { field, .. }
            | EventError::ConflictingResource { field, .. }
            | EventError::ResourceNotFound { field, .. }
            | EventError::CorrectionResourceMismatch { field } => field,
            EventError::SameProcess => "inputOf",
            EventError::NewResourceNotAllowed { .. } | EventError::CorrectionCreatesResource => {
                "newInventoriedResource"
            }
            EventError::ConformsToMismatch { .. } => "resourceConformsTo",
            EventError::UnitMismatch { .. } => "resourceQuantity",
            EventError::CorrectedEventNotFound { .. } | EventError::CorrectionOfCorrection { .. } => "corrects",
            EventError::CorrectionActionMismatch { .. } => "action",
            EventError::ContainedInItself => "toResourceInventoriedAs",
            EventError::InvalidField(e) | EventError::InvalidNewResource(e) => return e.field(),
        })
    }
}
