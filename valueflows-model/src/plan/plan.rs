//! A plan: processes and commitments that together make defined deliverables (its
//! independent demands).

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, PlanId, ScenarioId};
use crate::time::Timestamp;
use crate::validation::{RecordError, check_name, check_opt_text};

/// A logical collection of processes that constitute a body of planned work with defined
/// deliverable(s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Its id.
    pub id: PlanId,
    /// Display name.
    pub name: String,
    /// When the plan was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// When the plan is expected to be complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Timestamp>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Agents within whose scope the plan is made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope_of: Vec<AgentId>,
    /// The scenario this plan refines (makes concrete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refinement_of: Option<ScenarioId>,
}

impl Plan {
    /// Name not blank, note within the limit, not due before it was made.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("name", &self.name)?;
        check_opt_text("note", self.note.as_deref())?;
        match (self.created, self.due) {
            (Some(created), Some(due)) if due < created => {
                Err(RecordError::EndBeforeBeginning { field: "due", beginning: created, end: due })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            id: PlanId::new(uuid::Uuid::nil()),
            name: "Pumps for the coop".into(),
            created: Timestamp::parse("2026-03-01").ok(),
            due: Timestamp::parse("2026-04-01").ok(),
            note: None,
            in_scope_of: Vec::new(),
            refinement_of: None,
        }
    }

    #[test]
    fn plan_due_before_it_was_made_is_rejected() {
        assert_eq!(plan().validate(), Ok(()));
        let p = Plan { due: Timestamp::parse("2026-02-01").ok(), ..plan() };
        assert_eq!(p.validate().map_err(|e| e.field()), Err(Some("due")));
    }

    #[test]
    fn blank_plan_name_is_rejected() {
        let p = Plan { name: "\n".into(), ..plan() };
        assert_eq!(p.validate().map_err(|e| e.field()), Err(Some("name")));
    }
}
