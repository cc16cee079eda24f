//! An economic agent: a person or an organization.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, SpatialThingId};
use crate::validation::{RecordError, check_name, check_opt_reference, check_opt_text, check_references};

/// Whether an agent is a person or an organization. Serialized as `"person"` / `"organization"`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AgentKind {
    /// A natural person.
    Person,
    /// An organization (company, collective, network...).
    Organization,
}

/// A person or organization that provides and receives resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    /// Its id.
    pub id: AgentId,
    /// Person or organization.
    pub kind: AgentKind,
    /// Display name.
    pub name: String,
    /// Image URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Main location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_location: Option<SpatialThingId>,
    /// Classification URIs or tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classified_as: Vec<String>,
}

impl Agent {
    /// The name must not be blank; texts must be within the limits.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("name", &self.name)?;
        check_opt_reference("image", self.image.as_deref())?;
        check_opt_text("note", self.note.as_deref())?;
        check_references("classifiedAs", &self.classified_as)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> Agent {
        Agent {
            id: AgentId::new(uuid::Uuid::nil()),
            kind: AgentKind::Person,
            name: "Alice".into(),
            image: None,
            note: None,
            primary_location: None,
            classified_as: vec![],
        }
    }

    #[test]
    fn named_agent_is_valid() {
        assert_eq!(alice().validate(), Ok(()));
    }

    #[test]
    fn blank_agent_name_is_rejected() {
        let agent = Agent { name: "   ".into(), ..alice() };
        assert_eq!(agent.validate(), Err(RecordError::Blank { field: "name" }));
    }

    #[test]
    fn serde_skips_empty_fields_and_tolerates_unknown_ones() {
        let json = serde_json::to_value(alice()).expect("serialize");
        assert_eq!(
            json,
            serde_json::json!({"id": "00000000-0000-0000-0000-000000000000", "kind": "person", "name": "Alice"})
        );
        let with_extra = serde_json::json!({
            "id": "00000000-0000-0000-0000-000000000000", "kind": "organization",
            "name": "Co-op", "futureField": 1
        });
        let agent: Agent = serde_json::from_value(with_extra).expect("deserialize");
        assert_eq!(agent.kind, AgentKind::Organization);
    }
}
