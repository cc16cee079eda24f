//! A kind of process ("proofreading"); the `stage` of a resource is one of these.

use serde::{Deserialize, Serialize};

use crate::ids::ProcessSpecificationId;
use crate::validation::{RecordError, check_name, check_opt_text};

/// Specifies a kind of process; processes are `basedOn` it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessSpecification {
    /// Its id.
    pub id: ProcessSpecificationId,
    /// Display name.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ProcessSpecification {
    /// The name must not be blank; the note must be within the limit.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("name", &self.name)?;
        check_opt_text("note", self.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_process_specification_name_is_rejected() {
        let spec =
            ProcessSpecification { id: ProcessSpecificationId::new(uuid::Uuid::nil()), name: "\t".into(), note: None };
        assert_eq!(spec.validate().map_err(|e| e.field()), Err(Some("name")));
    }
}
