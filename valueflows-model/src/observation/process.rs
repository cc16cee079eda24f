//! A process: an activity that transforms inputs into outputs, possibly based on
//! a process specification (which then becomes the `stage` of its outputs).

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, PlanId, ProcessId, ProcessSpecificationId, ScenarioId};
use crate::time::Timestamp;
use crate::validation::{RecordError, check_interval, check_name, check_opt_text, check_references};

/// An activity with inputs and outputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Process {
    /// Its id.
    pub id: ProcessId,
    /// Display name.
    pub name: String,
    /// When it began (or is planned to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_beginning: Option<Timestamp>,
    /// When it ended (or is planned to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_end: Option<Timestamp>,
    /// True once no more events are expected.
    #[serde(default)]
    pub finished: bool,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Classification URIs or tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classified_as: Vec<String>,
    /// Agents within whose scope the process happens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope_of: Vec<AgentId>,
    /// The kind of process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub based_on: Option<ProcessSpecificationId>,
    /// The scenario the process, with its inputs and outputs, is part of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nested_in: Option<ScenarioId>,
    /// The plan this process, with its inputs and outputs, is part of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_within: Option<PlanId>,
}

impl Process {
    /// Name not blank, `hasBeginning <= hasEnd`, texts within the limits.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("name", &self.name)?;
        check_interval(self.has_beginning, self.has_end)?;
        check_opt_text("note", self.note.as_deref())?;
        check_references("classifiedAs", &self.classified_as)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process() -> Process {
        Process {
            id: ProcessId::new(uuid::Uuid::nil()),
            name: "Make the lean desk".into(),
            has_beginning: None,
            has_end: None,
            finished: false,
            note: None,
            classified_as: vec![],
            in_scope_of: vec![],
            based_on: None,
            nested_in: None,
            planned_within: None,
        }
    }

    #[test]
    fn process_ending_before_it_begins_is_rejected() {
        let p = Process {
            has_beginning: Timestamp::parse("2024-05-02").ok(),
            has_end: Timestamp::parse("2024-05-01").ok(),
            ..process()
        };
        assert_eq!(p.validate().map_err(|e| e.field()), Err(Some("hasEnd")));
    }

    #[test]
    fn blank_process_name_is_rejected() {
        let p = Process { name: " ".into(), ..process() };
        assert_eq!(p.validate().map_err(|e| e.field()), Err(Some("name")));
    }

    #[test]
    fn process_serde_round_trips() {
        let p = Process { has_beginning: Timestamp::parse("2024-05-01").ok(), ..process() };
        let json = serde_json::to_value(&p).expect("serialize");
        assert_eq!(json["hasBeginning"], "2024-05-01T00:00:00.000000Z");
        assert!(json.get("hasEnd").is_none());
        assert_eq!(serde_json::from_value::<Process>(json).expect("deserialize"), p);
    }
}
