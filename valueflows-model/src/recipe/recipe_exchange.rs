//! An exchange in a recipe: the blueprint of an agreement whose clauses are recipe flows.

use serde::{Deserialize, Serialize};

use crate::ids::RecipeExchangeId;
use crate::validation::{RecordError, check_name, check_opt_text};

/// Specifies an exchange agreement as part of a recipe (`RecipeExchange`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipeExchange {
    /// Its id.
    pub id: RecipeExchangeId,
    /// Display name.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl RecipeExchange {
    /// Name not blank, note within the limit.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("name", &self.name)?;
        check_opt_text("note", self.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_recipe_exchange_name_is_rejected() {
        let x = RecipeExchange { id: RecipeExchangeId::new(uuid::Uuid::nil()), name: "".into(), note: None };
        assert_eq!(x.validate().map_err(|e| e.field()), Err(Some("name")));
    }
}
