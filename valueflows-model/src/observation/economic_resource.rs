//! An economic resource: something inventoried (a stock, an account, a
//! serialized item). Its economic information is derived from events.

use serde::{Deserialize, Serialize};

use crate::ids::{ProductBatchId, ResourceId, ResourceSpecificationId, SpatialThingId, UnitId};
use crate::validation::{RecordError, check_opt_name, check_opt_reference, check_opt_text, check_references};

/// An inventoried resource. Quantities, accountable agent, stage and state live
/// in the derived [`ResourceState`](crate::ResourceState), not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EconomicResource {
    /// Its id.
    pub id: ResourceId,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Serial number or other identifier of a serialized item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_identifier: Option<String>,
    /// Image URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// More image URIs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_list: Vec<String>,
    /// Classification URIs or tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classified_as: Vec<String>,
    /// The kind of resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conforms_to: Option<ResourceSpecificationId>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The unit effort on this resource (use, cite) is counted in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_of_effort: Option<UnitId>,
    /// The container given at creation; the derived state supersedes it once an event sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contained_in: Option<ResourceId>,
    /// The location given at creation; the derived state supersedes it once an event sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_location: Option<SpatialThingId>,
    /// The lot or batch the resource belongs to, for tracing all resources of that lot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lot: Option<ProductBatchId>,
}

impl EconomicResource {
    /// Names and identifiers not blank when given, texts within the limits, not contained in itself.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_opt_name("name", self.name.as_deref())?;
        check_opt_name("trackingIdentifier", self.tracking_identifier.as_deref())?;
        check_opt_reference("image", self.image.as_deref())?;
        check_references("imageList", &self.image_list)?;
        check_references("classifiedAs", &self.classified_as)?;
        check_opt_text("note", self.note.as_deref())?;
        if self.contained_in == Some(self.id) {
            return Err(RecordError::SelfReference { field: "containedIn" });
        }
        Ok(())
    }
}

/// The descriptive part of a resource created by an event
/// (`newInventoriedResource` in the GraphQL API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEconomicResource {
    /// See [`EconomicResource::name`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// See [`EconomicResource::tracking_identifier`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_identifier: Option<String>,
    /// See [`EconomicResource::image`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// See [`EconomicResource::image_list`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_list: Vec<String>,
    /// See [`EconomicResource::contained_in`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contained_in: Option<ResourceId>,
    /// See [`EconomicResource::current_location`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_location: Option<SpatialThingId>,
    /// See [`EconomicResource::conforms_to`]; falls back to the event's `resourceConformsTo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conforms_to: Option<ResourceSpecificationId>,
    /// See [`EconomicResource::note`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// See [`EconomicResource::lot`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lot: Option<ProductBatchId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource() -> EconomicResource {
        EconomicResource {
            id: ResourceId::new(uuid::Uuid::from_u128(1)),
            name: Some("Plywood".into()),
            tracking_identifier: None,
            image: None,
            image_list: vec![],
            classified_as: vec![],
            conforms_to: None,
            note: None,
            unit_of_effort: None,
            contained_in: None,
            current_location: None,
            lot: None,
        }
    }

    #[test]
    fn resource_contained_in_itself_is_rejected() {
        let r = EconomicResource { contained_in: Some(resource().id), ..resource() };
        assert_eq!(r.validate().map_err(|e| e.field()), Err(Some("containedIn")));
    }

    #[test]
    fn blank_tracking_identifier_is_rejected() {
        let r = EconomicResource { tracking_identifier: Some(" ".into()), ..resource() };
        assert_eq!(r.validate().map_err(|e| e.field()), Err(Some("trackingIdentifier")));
        assert_eq!(resource().validate(), Ok(()));
    }
}
