//! Errors from building, signing, parsing and verifying ops, each with a stable code.

use thiserror::Error;

use crate::canonical::CanonicalError;
use crate::identity::{DidError, SignatureError};

/// An op could not be built, encoded, parsed or verified.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OpError {
    /// The encoded op is larger than the configured limit (checked before parsing).
    #[error("op is {size} bytes, more than the limit of {max}")]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// Configured maximum.
        max: usize,
    },
    /// The op nests arrays/objects deeper than allowed.
    #[error("op JSON nests {depth} levels deep, more than the limit of {max}")]
    TooDeep {
        /// Nesting depth found (or the hard cap that stopped the check).
        depth: usize,
        /// Maximum allowed depth.
        max: usize,
    },
    /// The op carries more record revisions than allowed.
    #[error("op carries {count} records, more than the limit of {max}")]
    TooManyRecords {
        /// Number of records in the op.
        count: usize,
        /// Configured maximum.
        max: usize,
    },
    /// The input is not a well-formed op (bad JSON, missing/unknown fields, wrong types, broken rules).
    #[error("malformed op: {0}")]
    Malformed(String),
    /// A JSON number with a fraction or exponent; quantities must be decimal strings.
    #[error("op contains a non-integer number at {path:?}; floats are not allowed (use a decimal string)")]
    FloatNotAllowed {
        /// JSON Pointer (RFC 6901) to the number.
        path: String,
    },
    /// An integer outside ±(2^53−1).
    #[error("op contains an integer outside ±(2^53-1) at {path:?}")]
    IntegerOutOfRange {
        /// JSON Pointer (RFC 6901) to the number.
        path: String,
    },
    /// The op's `v` is not a version this crate understands.
    #[error("unsupported op version {0}")]
    UnsupportedVersion(u32),
    /// The proof names an algorithm other than `Ed25519`.
    #[error("unsupported proof algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// The origin is not a valid ed25519 `did:key`.
    #[error("invalid origin: {0}")]
    InvalidDid(DidError),
    /// The proof's signature is malformed or does not verify.
    #[error("{0}")]
    Signature(SignatureError),
    /// The signing key is not the op's origin.
    #[error("signing key {key} is not the op origin {origin}")]
    OriginMismatch {
        /// DID of the key that was asked to sign.
        key: String,
        /// The op's origin DID.
        origin: String,
    },
    /// A string is not a valid op id.
    #[error("invalid op id: {0}")]
    InvalidOpId(String),
    /// Canonical JSON could not be produced.
    #[error("could not canonicalize op: {0}")]
    Canonicalization(String),
}

impl OpError {
    /// Stable error code for logs and API responses.
    pub fn code(&self) -> &'static str {
        match self {
            OpError::TooLarge { .. } => "OP_TOO_LARGE",
            OpError::TooDeep { .. } => "OP_TOO_DEEP",
            OpError::TooManyRecords { .. } => "OP_TOO_MANY_RECORDS",
            OpError::Malformed(_) => "MALFORMED_OP",
            OpError::FloatNotAllowed { .. } => "FLOAT_NOT_ALLOWED",
            OpError::IntegerOutOfRange { .. } => "INTEGER_OUT_OF_RANGE",
            OpError::UnsupportedVersion(_) => "UNSUPPORTED_VERSION",
            OpError::UnsupportedAlgorithm(_) => "UNSUPPORTED_ALGORITHM",
            OpError::InvalidDid(e) => e.code(),
            OpError::Signature(e) => e.code(),
            OpError::OriginMismatch { .. } => "ORIGIN_MISMATCH",
            OpError::InvalidOpId(_) => "INVALID_OP_ID",
            OpError::Canonicalization(_) => "CANONICALIZATION_FAILED",
        }
    }
}

impl From<CanonicalError> for OpError {
    fn from(e: CanonicalError) -> Self {
        match e {
            CanonicalError::Float { path } => OpError::FloatNotAllowed { path },
            CanonicalError::IntegerOutOfRange { path } => OpError::IntegerOutOfRange { path },
            CanonicalError::TooDeep { max, .. } => OpError::TooDeep { depth: max + 1, max },
            CanonicalError::Serialize(msg) => OpError::Canonicalization(msg),
        }
    }
}

impl From<DidError> for OpError {
    fn from(e: DidError) -> Self {
        OpError::InvalidDid(e)
    }
}

impl From<SignatureError> for OpError {
    fn from(e: SignatureError) -> Self {
        match e {
            SignatureError::InvalidDid(did) => OpError::InvalidDid(did),
            other => OpError::Signature(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(OpError::TooLarge { size: 2, max: 1 }.code(), "OP_TOO_LARGE");
        assert_eq!(OpError::Malformed(String::new()).code(), "MALFORMED_OP");
        assert_eq!(OpError::from(SignatureError::Invalid).code(), "INVALID_SIGNATURE");
        assert_eq!(OpError::from(SignatureError::InvalidDid(DidError::WeakKey)).code(), "INVALID_DID");
        assert_eq!(OpError::from(CanonicalError::Float { path: "/x".into() }).code(), "FLOAT_NOT_ALLOWED");
    }
}
