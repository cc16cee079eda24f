//! Relationships between agents (member of, supplier to...) and the roles that name them.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, AgentRelationshipId, AgentRelationshipRoleId};
use crate::validation::{RecordError, check_name, check_opt_name, check_opt_text};

/// A kind of relationship, e.g. role "member of" with inverse "has member".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentRelationshipRole {
    /// Its id.
    pub id: AgentRelationshipRoleId,
    /// The subject's role towards the object, e.g. "member of".
    pub role_label: String,
    /// The object's role towards the subject, e.g. "has member".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inverse_role_label: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl AgentRelationshipRole {
    /// Labels must not be blank; texts must be within the limits.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("roleLabel", &self.role_label)?;
        check_opt_name("inverseRoleLabel", self.inverse_role_label.as_deref())?;
        check_opt_text("note", self.note.as_deref())
    }
}

/// "`subject` is `relationship` of `object`", optionally within the scope of some agents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentRelationship {
    /// Its id.
    pub id: AgentRelationshipId,
    /// The agent the role is about.
    pub subject: AgentId,
    /// The other agent.
    pub object: AgentId,
    /// The role.
    pub relationship: AgentRelationshipRoleId,
    /// Agents within whose scope the relationship holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope_of: Vec<AgentId>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl AgentRelationship {
    /// The note must be within the limit; an agent may not be related to itself.
    pub fn validate(&self) -> Result<(), RecordError> {
        if self.subject == self.object {
            return Err(RecordError::SelfReference { field: "object" });
        }
        check_opt_text("note", self.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id<T: From<uuid::Uuid>>(n: u128) -> T {
        T::from(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn blank_role_label_is_rejected() {
        let role = AgentRelationshipRole { id: id(1), role_label: "".into(), inverse_role_label: None, note: None };
        assert_eq!(role.validate().map_err(|e| e.field()), Err(Some("roleLabel")));
    }

    #[test]
    fn agent_related_to_itself_is_rejected() {
        let rel = AgentRelationship {
            id: id(1),
            subject: id(2),
            object: id(2),
            relationship: id(3),
            in_scope_of: vec![],
            note: None,
        };
        assert_eq!(rel.validate().map_err(|e| e.field()), Err(Some("object")));
        let ok = AgentRelationship { object: id(4), ..rel };
        assert_eq!(ok.validate(), Ok(()));
    }
}
