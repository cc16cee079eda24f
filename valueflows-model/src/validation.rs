//! Field checks shared by every record: text must not be blank or too long,
//! intervals must not end before they begin. Failures are [`RecordError`]s.

use rust_decimal::Decimal;

use crate::time::Timestamp;

/// Longest accepted name, label, symbol, tracking identifier or state, in characters.
pub const MAX_NAME_CHARS: usize = 1_000;

/// Longest accepted note, image URI, classification or any other free text, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// A record field that breaks a rule. `field` names it in GraphQL camelCase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The text is empty or only whitespace.
    #[error("{field} must not be empty or only whitespace")]
    Blank {
        /// The offending field.
        field: &'static str,
    },
    /// The text is longer than allowed.
    #[error("{field} is longer than {max} characters")]
    TooLong {
        /// The offending field.
        field: &'static str,
        /// The limit, in characters.
        max: usize,
    },
    /// A number is outside its range.
    #[error("{field} is {value}, outside [{min}, {max}]")]
    OutOfRange {
        /// The offending field.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
        /// Lowest accepted value.
        min: Decimal,
        /// Highest accepted value.
        max: Decimal,
    },
    /// An interval ends before it begins.
    #[error("{field} ({end}) is before hasBeginning ({beginning})")]
    EndBeforeBeginning {
        /// The offending field (`hasEnd`).
        field: &'static str,
        /// The beginning.
        beginning: Timestamp,
        /// The end.
        end: Timestamp,
    },
    /// A record refers to itself where that makes no sense (a resource contained in itself).
    #[error("{field} must not refer to the record itself")]
    SelfReference {
        /// The offending field.
        field: &'static str,
    },
}

impl RecordError {
    /// The error class for API clients: always `"VALIDATION"`.
    pub fn code(&self) -> &'static str {
        "VALIDATION"
    }

    /// The offending field, in GraphQL camelCase.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            RecordError::Blank { field }
            | RecordError::TooLong { field, .. }
            | RecordError::OutOfRange { field, .. }
            | RecordError::EndBeforeBeginning { field, .. }
            | RecordError::SelfReference { field } => Some(field),
        }
    }
}

fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), RecordError> {
    // Bytes bound characters from above, so most texts skip the count.
    if value.len() > max && value.chars().count() > max {
        return Err(RecordError::TooLong { field, max });
    }
    Ok(())
}

/// A required name: not blank, at most [`MAX_NAME_CHARS`].
pub fn check_name(field: &'static str, value: &str) -> Result<(), RecordError> {
    if value.trim().is_empty() {
        return Err(RecordError::Blank { field });
    }
    check_len(field, value, MAX_NAME_CHARS)
}

/// An optional name: when present, as [`check_name`].
pub fn check_opt_name(field: &'static str, value: Option<&str>) -> Result<(), RecordError> {
    value.map_or(Ok(()), |v| check_name(field, v))
}

/// Optional free text (notes): when present, at most [`MAX_TEXT_CHARS`]; may be empty.
pub fn check_opt_text(field: &'static str, value: Option<&str>) -> Result<(), RecordError> {
    value.map_or(Ok(()), |v| check_len(field, v, MAX_TEXT_CHARS))
}

/// Optional reference text (URIs, agreement ids): when present, not blank, at most [`MAX_TEXT_CHARS`].
pub fn check_opt_reference(field: &'static str, value: Option<&str>) -> Result<(), RecordError> {
    value.map_or(Ok(()), |v| check_reference(field, v))
}

/// A required reference text: not blank, at most [`MAX_TEXT_CHARS`].
pub fn check_reference(field: &'static str, value: &str) -> Result<(), RecordError> {
    if value.trim().is_empty() {
        return Err(RecordError::Blank { field });
    }
    check_len(field, value, MAX_TEXT_CHARS)
}

/// A list of references (classifications, image URIs): each as [`check_reference`].
pub fn check_references(field: &'static str, values: &[String]) -> Result<(), RecordError> {
    values.iter().try_for_each(|v| check_reference(field, v))
}

/// An optional interval: when both ends are present, `hasBeginning <= hasEnd`.
pub fn check_interval(beginning: Option<Timestamp>, end: Option<Timestamp>) -> Result<(), RecordError> {
    match (beginning, end) {
        (Some(beginning), Some(end)) if end < beginning => {
            Err(RecordError::EndBeforeBeginning { field: "hasEnd", beginning, end })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_only_name_is_rejected() {
        assert_eq!(check_name("name", " \t\n"), Err(RecordError::Blank { field: "name" }));
    }

    #[test]
    fn name_at_the_limit_is_accepted_and_one_more_rejected() {
        let at_limit = "é".repeat(MAX_NAME_CHARS);
        assert_eq!(check_name("name", &at_limit), Ok(()));
        let over = "é".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(check_name("name", &over), Err(RecordError::TooLong { field: "name", max: MAX_NAME_CHARS }));
    }

    #[test]
    fn empty_note_is_accepted_but_huge_note_is_not() {
        assert_eq!(check_opt_text("note", Some("")), Ok(()));
        let huge = "n".repeat(MAX_TEXT_CHARS + 1);
        assert!(check_opt_text("note", Some(&huge)).is_err());
    }

    #[test]
    fn blank_classification_is_rejected() {
        let list = vec!["https://example.org/a".to_owned(), " ".to_owned()];
        assert_eq!(check_references("classifiedAs", &list), Err(RecordError::Blank { field: "classifiedAs" }));
    }

    #[test]
    fn interval_ending_before_it_begins_is_rejected() {
        let b = Timestamp::parse("2024-05-02").expect("valid");
        let e = Timestamp::parse("2024-05-01").expect("valid");
        let err = check_interval(Some(b), Some(e)).expect_err("reversed");
        assert_eq!(err.field(), Some("hasEnd"));
        assert_eq!(err.code(), "VALIDATION");
        assert_eq!(check_interval(Some(e), Some(b)), Ok(()));
        assert_eq!(check_interval(Some(b), Some(b)), Ok(()));
    }
}
