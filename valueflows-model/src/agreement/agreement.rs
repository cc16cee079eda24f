//! An agreement: any type of agreement among economic agents, realized by the
//! economic events that carry it out.

use serde::{Deserialize, Serialize};

use crate::ids::AgreementId;
use crate::time::Timestamp;
use crate::validation::{RecordError, check_opt_name, check_opt_text};

/// Any type of agreement among economic agents (vf-graphql `Agreement`). The events that
/// realize it name it in `realizationOf`; the agents involved are theirs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    /// Its id.
    pub id: AgreementId,
    /// An informal or formal textual identifier; does not imply uniqueness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When the agreement was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Agreement {
    /// A name, when given, is not blank; texts stay within the limits.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_opt_name("name", self.name.as_deref())?;
        check_opt_text("note", self.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agreement() -> Agreement {
        Agreement { id: AgreementId::new(uuid::Uuid::nil()), name: None, created: None, note: None }
    }

    #[test]
    fn nameless_agreement_is_accepted_but_blank_name_is_not() {
        assert_eq!(agreement().validate(), Ok(()));
        let blank = Agreement { name: Some("  ".into()), ..agreement() };
        assert_eq!(blank.validate().map_err(|e| e.field()), Err(Some("name")));
    }

    #[test]
    fn agreement_serde_skips_absent_fields() {
        let a = Agreement { created: Timestamp::parse("2026-05-01").ok(), ..agreement() };
        let json = serde_json::to_value(&a).expect("serialize");
        assert_eq!(json, serde_json::json!({"id": uuid::Uuid::nil(), "created": "2026-05-01T00:00:00.000000Z"}));
        assert_eq!(serde_json::from_value::<Agreement>(json).expect("deserialize"), a);
    }
}
