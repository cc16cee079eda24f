//! A lot or batch: resources of the same lot are traced together.

use serde::{Deserialize, Serialize};

use crate::ids::ProductBatchId;
use crate::time::Timestamp;
use crate::validation::{RecordError, check_name};

/// A lot or batch of an economic resource (vf-graphql `ProductBatch`), used to track
/// forward or backwards to all occurrences of resources of that lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductBatch {
    /// Its id.
    pub id: ProductBatchId,
    /// The batch or lot number printed on the goods.
    pub batch_number: String,
    /// When the batch expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<Timestamp>,
    /// When the batch was produced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub production_date: Option<Timestamp>,
}

impl ProductBatch {
    /// The batch number must not be blank, and a batch cannot expire before it was made.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("batchNumber", &self.batch_number)?;
        match (self.production_date, self.expiry_date) {
            (Some(made), Some(expires)) if expires < made => {
                Err(RecordError::EndBeforeBeginning { field: "expiryDate", beginning: made, end: expires })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(made: &str, expires: &str) -> ProductBatch {
        ProductBatch {
            id: ProductBatchId::new(uuid::Uuid::nil()),
            batch_number: "LOT-7".into(),
            production_date: Some(Timestamp::parse(made).expect("date")),
            expiry_date: Some(Timestamp::parse(expires).expect("date")),
        }
    }

    #[test]
    fn batch_expiring_before_it_was_made_is_rejected() {
        assert_eq!(batch("2026-05-01", "2026-04-01").validate().map_err(|e| e.field()), Err(Some("expiryDate")));
        assert!(batch("2026-05-01", "2027-05-01").validate().is_ok());
    }

    #[test]
    fn blank_batch_number_is_rejected() {
        let mut b = batch("2026-05-01", "2027-05-01");
        b.batch_number = " ".into();
        assert_eq!(b.validate().map_err(|e| e.field()), Err(Some("batchNumber")));
    }
}
