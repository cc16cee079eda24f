//! A place, with optional WGS84 coordinates kept as exact decimals.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::SpatialThingId;
use crate::validation::{RecordError, check_name, check_opt_text};

/// A location (WGS84 point and/or address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpatialThing {
    /// Its id.
    pub id: SpatialThingId,
    /// Display name.
    pub name: String,
    /// A postal address or other text a map service can locate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mappable_address: Option<String>,
    /// Latitude in degrees, within [-90, 90].
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rust_decimal::serde::str_option")]
    pub lat: Option<Decimal>,
    /// Longitude in degrees, within [-180, 180].
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rust_decimal::serde::str_option")]
    pub long: Option<Decimal>,
    /// Altitude in metres (any value).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rust_decimal::serde::str_option")]
    pub alt: Option<Decimal>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn check_range(field: &'static str, value: Option<Decimal>, bound: i64) -> Result<(), RecordError> {
    let (min, max) = (Decimal::from(-bound), Decimal::from(bound));
    match value {
        Some(v) if v < min || v > max => Err(RecordError::OutOfRange { field, value: v, min, max }),
        _ => Ok(()),
    }
}

impl SpatialThing {
    /// Name not blank; `lat` within [-90, 90]; `long` within [-180, 180]; texts within the limits.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("name", &self.name)?;
        check_opt_text("mappableAddress", self.mappable_address.as_deref())?;
        check_opt_text("note", self.note.as_deref())?;
        check_range("lat", self.lat, 90)?;
        check_range("long", self.long, 180)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn place(lat: &str, long: &str) -> SpatialThing {
        SpatialThing {
            id: SpatialThingId::new(uuid::Uuid::nil()),
            name: "Depot".into(),
            mappable_address: None,
            lat: Some(Decimal::from_str(lat).expect("decimal")),
            long: Some(Decimal::from_str(long).expect("decimal")),
            alt: None,
            note: None,
        }
    }

    #[test]
    fn coordinates_on_the_bounds_are_accepted() {
        assert_eq!(place("-90", "180").validate(), Ok(()));
        assert_eq!(place("90", "-180").validate(), Ok(()));
    }

    #[test]
    fn latitude_beyond_ninety_is_rejected() {
        assert_eq!(place("90.000001", "0").validate().map_err(|e| e.field()), Err(Some("lat")));
    }

    #[test]
    fn longitude_beyond_one_eighty_is_rejected() {
        assert_eq!(place("0", "-180.5").validate().map_err(|e| e.field()), Err(Some("long")));
    }

    #[test]
    fn coordinates_serialize_as_exact_strings() {
        let json = serde_json::to_value(place("52.520008", "13.404954")).expect("serialize");
        assert_eq!(json["lat"], "52.520008");
        assert!(json.get("alt").is_none());
        let back: SpatialThing = serde_json::from_value(json).expect("deserialize");
        assert_eq!(back, place("52.520008", "13.404954"));
    }
}
