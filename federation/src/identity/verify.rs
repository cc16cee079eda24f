//! Strict ed25519 signature verification against a `did:key`.
//!
//! Uses `verify_strict`: rejects small-order keys/R points and non-canonical `S`.

use ed25519_dalek::Signature;

use super::did::Did;
use super::errors::SignatureError;

/// Length of an ed25519 signature in bytes.
pub const SIGNATURE_LEN: usize = 64;

/// Verifies that `sig` is `did`'s ed25519 signature over `msg` (strict verification).
pub fn verify_signature(did: &Did, msg: &[u8], sig: &[u8]) -> Result<(), SignatureError> {
    let key = did.public_key()?;
    if sig.len() != SIGNATURE_LEN {
        return Err(SignatureError::Malformed(format!("expected {SIGNATURE_LEN} bytes, got {}", sig.len())));
    }
    let signature = Signature::from_slice(sig).map_err(|e| SignatureError::Malformed(e.to_string()))?;
    key.verify_strict(msg, &signature).map_err(|_| SignatureError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NodeKey;

    #[test]
    fn signature_round_trip_verifies() {
        let key = NodeKey::generate();
        let sig = key.sign(b"hello");
        assert_eq!(verify_signature(&key.did(), b"hello", &sig), Ok(()));
    }

    #[test]
    fn signature_over_other_message_fails() {
        let key = NodeKey::generate();
        let sig = key.sign(b"hello");
        let err = verify_signature(&key.did(), b"hellO", &sig).expect_err("must fail");
        assert_eq!(err, SignatureError::Invalid);
        assert_eq!(err.code(), "INVALID_SIGNATURE");
    }

    #[test]
    fn signature_by_other_key_fails() {
        let sig = NodeKey::generate().sign(b"hello");
        let other = NodeKey::generate().did();
        assert_eq!(verify_signature(&other, b"hello", &sig), Err(SignatureError::Invalid));
    }

    #[test]
    fn short_signature_is_malformed() {
        let key = NodeKey::generate();
        let err = verify_signature(&key.did(), b"x", &[0u8; 63]).expect_err("must fail");
        assert_eq!(err.code(), "MALFORMED_SIGNATURE");
    }

    #[test]
    fn non_canonical_s_is_rejected() {
        let key = NodeKey::generate();
        let mut sig = key.sign(b"x");
        // Setting the top bits of S makes it >= the group order.
        sig[63] |= 0xf0;
        assert!(verify_signature(&key.did(), b"x", &sig).is_err());
    }
}
