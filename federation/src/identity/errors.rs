//! Errors for keys, DIDs and signatures, each with a stable machine-readable code.

use thiserror::Error;

/// A node key could not be encoded or decoded.
#[derive(Debug, Error)]
pub enum KeyError {
    /// The key could not be written as PKCS#8 (DER or PEM).
    #[error("could not encode node key as PKCS#8: {0}")]
    Encode(String),
    /// The input is not a valid PKCS#8 ed25519 private key.
    #[error("invalid PKCS#8 ed25519 private key: {0}")]
    Decode(String),
}

impl KeyError {
    /// Stable error code for logs and API responses.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::Encode(_) => "KEY_ENCODING_FAILED",
            KeyError::Decode(_) => "INVALID_KEY",
        }
    }
}

/// A string is not a valid ed25519 `did:key` identifier.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DidError {
    /// The input is longer than any ed25519 `did:key` can be.
    #[error("did:key is too long ({0} bytes)")]
    TooLong(usize),
    /// The input does not start with `did:key:`.
    #[error("not a did:key identifier (expected prefix \"did:key:\")")]
    MissingPrefix,
    /// The method-specific id is not multibase base58btc (prefix `z`).
    #[error("did:key must use multibase base58btc (prefix 'z')")]
    UnsupportedMultibase,
    /// The multibase payload is not valid base58 (bitcoin alphabet).
    #[error("did:key payload is not valid base58btc: {0}")]
    Base58(String),
    /// The multicodec prefix is not ed25519-pub (`0xed 0x01`).
    #[error("did:key multicodec is not ed25519-pub (0xed01)")]
    WrongMulticodec,
    /// The key after the multicodec prefix is not 32 bytes long.
    #[error("did:key ed25519 key must be 32 bytes, got {0}")]
    WrongKeyLength(usize),
    /// The 32 bytes are not a valid ed25519 public key.
    #[error("did:key does not hold a valid ed25519 public key")]
    InvalidKey,
    /// The key is a small-order ("weak") point that cannot sign securely.
    #[error("did:key holds a weak (small-order) ed25519 public key")]
    WeakKey,
    /// The key or its encoding is not in canonical form.
    #[error("did:key is not canonically encoded")]
    NonCanonical,
}

impl DidError {
    /// Stable error code for logs and API responses.
    pub fn code(&self) -> &'static str {
        "INVALID_DID"
    }
}

/// A signature could not be checked or did not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    /// The signer's DID does not yield a usable public key.
    #[error("signer DID is invalid: {0}")]
    InvalidDid(#[from] DidError),
    /// The signature is not 64 bytes or not correctly encoded.
    #[error("malformed signature: {0}")]
    Malformed(String),
    /// The signature does not verify for this message and key.
    #[error("signature verification failed")]
    Invalid,
}

impl SignatureError {
    /// Stable error code for logs and API responses.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::InvalidDid(e) => e.code(),
            SignatureError::Malformed(_) => "MALFORMED_SIGNATURE",
            SignatureError::Invalid => "INVALID_SIGNATURE",
        }
    }
}
