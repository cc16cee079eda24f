//! Serde helpers that keep the wire form strict: required-but-nullable fields and
//! UUIDs only in canonical lowercase hyphenated form.

use serde::{Deserialize, Deserializer, Serializer};
use uuid::Uuid;

/// Deserializes an `Option` field that must be present (as `null` or a value).
pub(crate) fn required_nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

/// Serde `with` module for UUIDs written as 36-char lowercase hyphenated strings only.
pub(crate) mod canonical_uuid {
    use super::*;

    /// Writes the lowercase hyphenated form.
    pub(crate) fn serialize<S: Serializer>(id: &Uuid, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = Uuid::encode_buffer();
        serializer.serialize_str(id.hyphenated().encode_lower(&mut buf))
    }

    /// Accepts only the lowercase hyphenated form (no braces, URN, uppercase or simple form).
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Uuid, D::Error> {
        let s = String::deserialize(deserializer)?;
        let id = Uuid::try_parse(&s).map_err(serde::de::Error::custom)?;
        let mut buf = Uuid::encode_buffer();
        let canonical: &str = id.hyphenated().encode_lower(&mut buf);
        if canonical != s {
            return Err(serde::de::Error::custom(format_args!("UUID {s:?} is not in lowercase hyphenated form")));
        }
        Ok(id)
    }
}
