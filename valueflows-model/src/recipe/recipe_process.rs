//! A process in a recipe: the blueprint of a process that planning from the recipe
//! instantiates.

use serde::{Deserialize, Serialize};

use crate::ids::{ProcessSpecificationId, RecipeProcessId};
use crate::measurement::Duration;
use crate::validation::{RecordError, check_name, check_opt_text, check_references};

/// Specifies a process in a recipe (vf-graphql and ValueFlows 1.0 `RecipeProcess`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipeProcess {
    /// Its id.
    pub id: RecipeProcessId,
    /// Display name.
    pub name: String,
    /// The planned calendar duration of the process for one recipe batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_duration: Option<Duration>,
    /// Classification URIs or tags of the processes planned from it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub process_classified_as: Vec<String>,
    /// The kind of process; also the stage of what it yields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_conforms_to: Option<ProcessSpecificationId>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl RecipeProcess {
    /// Name not blank, duration not negative, texts within the limits.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("name", &self.name)?;
        if let Some(d) = &self.has_duration {
            d.validate("hasDuration")?;
        }
        check_references("processClassifiedAs", &self.process_classified_as)?;
        check_opt_text("note", self.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::measurement::TimeUnit;

    fn process() -> RecipeProcess {
        RecipeProcess {
            id: RecipeProcessId::new(uuid::Uuid::nil()),
            name: "Cut the housing".into(),
            has_duration: Some(Duration { numeric_duration: Decimal::new(2, 0), unit_type: TimeUnit::Hour }),
            process_classified_as: vec![],
            process_conforms_to: None,
            note: None,
        }
    }

    #[test]
    fn recipe_process_with_a_name_and_duration_is_valid() {
        assert_eq!(process().validate(), Ok(()));
    }

    #[test]
    fn blank_recipe_process_name_is_rejected() {
        let p = RecipeProcess { name: "  ".into(), ..process() };
        assert_eq!(p.validate().map_err(|e| e.field()), Err(Some("name")));
    }

    #[test]
    fn negative_recipe_process_duration_is_rejected() {
        let p = RecipeProcess {
            has_duration: Some(Duration { numeric_duration: Decimal::new(-5, 1), unit_type: TimeUnit::Day }),
            ..process()
        };
        assert_eq!(p.validate().map_err(|e| e.field()), Err(Some("hasDuration")));
    }

    #[test]
    fn blank_process_classification_is_rejected() {
        let p = RecipeProcess { process_classified_as: vec!["".into()], ..process() };
        assert_eq!(p.validate().map_err(|e| e.field()), Err(Some("processClassifiedAs")));
    }
}
