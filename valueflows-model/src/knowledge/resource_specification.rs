//! A kind of resource ("B9R-1 red resin"), as opposed to a resource itself.

use serde::{Deserialize, Serialize};

use crate::ids::{ResourceSpecificationId, UnitId};
use crate::validation::{RecordError, check_name, check_opt_reference, check_opt_text, check_references};

/// Specifies a kind of resource; resources and flows `conformsTo` it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSpecification {
    /// Its id.
    pub id: ResourceSpecificationId,
    /// Display name.
    pub name: String,
    /// Image URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// More image URIs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_list: Vec<String>,
    /// Classification URIs or tags of conforming resources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_classified_as: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The unit resource quantities are usually counted in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_unit_of_resource: Option<UnitId>,
    /// The unit effort (use, work, cite) is usually counted in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_unit_of_effort: Option<UnitId>,
    /// Whether any conforming resource can stand in for any other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substitutable: Option<bool>,
    /// ValueFlows 1.0: whether resources of this kind are a currency, money, token or credit
    /// used as a medium of exchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium_of_exchange: Option<bool>,
}

impl ResourceSpecification {
    /// The name must not be blank; texts must be within the limits.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("name", &self.name)?;
        check_opt_reference("image", self.image.as_deref())?;
        check_references("imageList", &self.image_list)?;
        check_references("resourceClassifiedAs", &self.resource_classified_as)?;
        check_opt_text("note", self.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_image_in_list_is_rejected() {
        let spec = ResourceSpecification {
            id: ResourceSpecificationId::new(uuid::Uuid::nil()),
            name: "Resin".into(),
            image: None,
            image_list: vec!["".into()],
            resource_classified_as: vec![],
            note: None,
            default_unit_of_resource: None,
            default_unit_of_effort: None,
            substitutable: Some(true),
            medium_of_exchange: None,
        };
        assert_eq!(spec.validate().map_err(|e| e.field()), Err(Some("imageList")));
    }
}
