//! A unit of measure such as kilogram or hour, referred to by id from every quantity.

use serde::{Deserialize, Serialize};

use crate::ids::UnitId;
use crate::validation::{RecordError, check_name};

/// A unit of measure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unit {
    /// Its id.
    pub id: UnitId,
    /// Human name, e.g. `kilogram`.
    pub label: String,
    /// Short symbol, e.g. `kg`.
    pub symbol: String,
}

impl Unit {
    /// Label and symbol must be non-blank (after trimming) and not too long.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("label", &self.label)?;
        check_name("symbol", &self.symbol)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(label: &str, symbol: &str) -> Unit {
        Unit { id: UnitId::new(uuid::Uuid::nil()), label: label.into(), symbol: symbol.into() }
    }

    #[test]
    fn unit_with_label_and_symbol_is_valid() {
        assert_eq!(unit("kilogram", "kg").validate(), Ok(()));
    }

    #[test]
    fn blank_symbol_is_rejected() {
        assert_eq!(unit("kilogram", "  ").validate().map_err(|e| e.field()), Err(Some("symbol")));
    }

    #[test]
    fn blank_label_is_rejected() {
        assert_eq!(unit("", "kg").validate().map_err(|e| e.field()), Err(Some("label")));
    }
}
