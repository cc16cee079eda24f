//! The kind of a scenario, such as "yearly budget".

use serde::{Deserialize, Serialize};

use crate::ids::ScenarioDefinitionId;
use crate::measurement::Duration;
use crate::validation::{RecordError, check_name, check_opt_text};

/// The type definition of one or more scenarios (vf-graphql `ScenarioDefinition`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioDefinition {
    /// Its id.
    pub id: ScenarioDefinitionId,
    /// Display name.
    pub name: String,
    /// The length of the scenarios, often an accounting period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_duration: Option<Duration>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ScenarioDefinition {
    /// Name not blank, duration not negative, note within the limit.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("name", &self.name)?;
        if let Some(d) = &self.has_duration {
            d.validate("hasDuration")?;
        }
        check_opt_text("note", self.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::measurement::TimeUnit;

    #[test]
    fn yearly_budget_definition_is_valid_and_blank_name_is_not() {
        let mut d = ScenarioDefinition {
            id: ScenarioDefinitionId::new(uuid::Uuid::nil()),
            name: "Yearly budget".into(),
            has_duration: Some(Duration { numeric_duration: Decimal::ONE, unit_type: TimeUnit::Year }),
            note: None,
        };
        assert_eq!(d.validate(), Ok(()));
        d.name = "\n".into();
        assert_eq!(d.validate().map_err(|e| e.field()), Err(Some("name")));
    }
}
