//! `did:key` identifiers for ed25519 public keys.
//!
//! Form: `did:key:z` + base58btc(`0xed 0x01` ‖ 32-byte public key), e.g. `did:key:z6Mk…`.

use std::cell::RefCell;
use std::fmt;
use std::str::FromStr;

use ed25519_dalek::VerifyingKey;
use ed25519_zebra::VerificationKey;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::errors::DidError;

/// Scheme and method prefix of every DID this crate accepts.
const DID_KEY_PREFIX: &str = "did:key:";
/// Multibase prefix for base58btc.
const MULTIBASE_BASE58BTC: char = 'z';
/// Unsigned-varint encoding of the multicodec code 0xed (ed25519-pub).
const ED25519_PUB_MULTICODEC: [u8; 2] = [0xed, 0x01];
/// Ed25519 public key length in bytes.
const KEY_LEN: usize = 32;
/// Generous upper bound on the textual length (a real one is 56 bytes);
/// bounds the quadratic base58 decode on hostile input.
const MAX_DID_LEN: usize = 128;

/// An ed25519 `did:key` identifier naming a node (the origin of a feed).
///
/// Values produced by [`Did::parse`] or deserialization are always valid
/// and canonical: re-encoding the key yields the same string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Did(String);

impl Did {
    /// Parses and validates a `did:key` string: the `did:key:` prefix,
    /// multibase `z` (base58btc), multicodec ed25519-pub, a 32-byte key that
    /// is a valid, non-weak, canonically encoded curve point.
    pub fn parse(s: &str) -> Result<Did, DidError> {
        if let Some(did) = recent(s, |_| Did(s.to_owned())) {
            return Ok(did);
        }
        if s.len() > MAX_DID_LEN {
            return Err(DidError::TooLong(s.len()));
        }
        let key = decode_key_bytes(s)?;
        let verifying = VerifyingKey::from_bytes(&key).map_err(|_| DidError::InvalidKey)?;
        if verifying.is_weak() {
            return Err(DidError::WeakKey);
        }
        if verifying.to_edwards().compress().to_bytes() != key {
            return Err(DidError::NonCanonical);
        }
        let did = Did::from_public_key(&key);
        if did.0 != s {
            return Err(DidError::NonCanonical);
        }
        let verification = VerificationKey::try_from(key).map_err(|_| DidError::InvalidKey)?;
        RECENT.with(|r| *r.borrow_mut() = Some((did.0.clone(), Keys { verifying, verification })));
        Ok(did)
    }

    /// Builds the DID for a raw ed25519 public key.
    ///
    /// The bytes are not checked to be a valid curve point; use
    /// [`Did::public_key`] (or build from [`crate::NodeKey::did`]) when that matters.
    pub fn from_public_key(bytes: &[u8; 32]) -> Did {
        let mut payload = Vec::with_capacity(ED25519_PUB_MULTICODEC.len() + KEY_LEN);
        payload.extend_from_slice(&ED25519_PUB_MULTICODEC);
        payload.extend_from_slice(bytes);
        let encoded = bs58::encode(payload).into_string();
        Did(format!("{DID_KEY_PREFIX}{MULTIBASE_BASE58BTC}{encoded}"))
    }

    /// The ed25519 verifying key this DID names.
    pub fn public_key(&self) -> Result<VerifyingKey, DidError> {
        if let Some(key) = recent(&self.0, |keys| keys.verifying) {
            return Ok(key);
        }
        let key = decode_key_bytes(&self.0)?;
        VerifyingKey::from_bytes(&key).map_err(|_| DidError::InvalidKey)
    }

    /// The same key, decoded for signature checks under the ZIP 215 rules
    /// ([`crate::identity::verify_signature`]).
    pub(crate) fn verification_key(&self) -> Result<VerificationKey, DidError> {
        if let Some(key) = recent(&self.0, |keys| keys.verification) {
            return Ok(key);
        }
        VerificationKey::try_from(decode_key_bytes(&self.0)?).map_err(|_| DidError::InvalidKey)
    }

    /// The DID as a string slice (`did:key:z6Mk…`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

thread_local! {
    /// The DID this thread last parsed whole, with its keys. A page of ops names one origin
    /// in every op, and parsing it (base58, decompressing the curve point, the weak-key and
    /// canonical-encoding checks) would otherwise cost about as much as hashing the op.
    /// Only [`Did::parse`] fills it, so a string found here passed every check.
    static RECENT: RefCell<Option<(String, Keys)>> = const { RefCell::new(None) };
}

/// A DID's key, decoded once for each use.
struct Keys {
    /// For `ed25519-dalek` (tokens, the node key).
    verifying: VerifyingKey,
    /// For op signatures (`ed25519-zebra`, ZIP 215).
    verification: VerificationKey,
}

/// `then` of the keys of `s`, when `s` is the DID this thread last parsed.
fn recent<T>(s: &str, then: impl FnOnce(&Keys) -> T) -> Option<T> {
    RECENT.with(|r| r.borrow().as_ref().filter(|(did, _)| did == s).map(|(_, keys)| then(keys)))
}

/// Extracts the 32 key bytes from a `did:key` string without curve checks.
fn decode_key_bytes(s: &str) -> Result<[u8; KEY_LEN], DidError> {
    let multibase = s.strip_prefix(DID_KEY_PREFIX).ok_or(DidError::MissingPrefix)?;
    let encoded = multibase.strip_prefix(MULTIBASE_BASE58BTC).ok_or(DidError::UnsupportedMultibase)?;
    let payload = bs58::decode(encoded).into_vec().map_err(|e| DidError::Base58(e.to_string()))?;
    let key = payload.strip_prefix(&ED25519_PUB_MULTICODEC[..]).ok_or(DidError::WrongMulticodec)?;
    <[u8; KEY_LEN]>::try_from(key).map_err(|_| DidError::WrongKeyLength(key.len()))
}

impl fmt::Display for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Did {
    type Err = DidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Did::parse(s)
    }
}

impl AsRef<str> for Did {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for Did {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Did {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Did::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NodeKey;

    /// W3C did:key ed25519 test vectors: (secret seed byte, public key base58, DID).
    const W3C_VECTORS: [(u8, &str, &str); 2] = [
        (0, "4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"),
        (1, "6ASf5EcmmEHTgDJ4X4ZT5vT6iHVJBXPg5AN5YoTCpGWt", "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"),
    ];

    fn did_with_payload(payload: &[u8]) -> String {
        format!("did:key:z{}", bs58::encode(payload).into_string())
    }

    #[test]
    fn w3c_test_vectors_match_keys_and_dids() {
        for (last_seed_byte, public_b58, did) in W3C_VECTORS {
            let mut seed = [0u8; 32];
            seed[31] = last_seed_byte;
            let key = NodeKey::from_secret_bytes(&seed);
            let public = bs58::decode(public_b58).into_vec().expect("vector is base58");
            assert_eq!(key.public_key_bytes().as_slice(), public.as_slice());
            assert_eq!(key.did().as_str(), did);
            let parsed = Did::parse(did).expect("vector DID parses");
            assert_eq!(parsed.public_key().expect("key").to_bytes().as_slice(), public);
        }
    }

    #[test]
    fn generated_did_round_trips_to_same_key() {
        let key = NodeKey::generate();
        let did = key.did();
        assert!(did.as_str().starts_with("did:key:z6Mk"));
        let parsed = Did::parse(did.as_str()).expect("own DID parses");
        assert_eq!(parsed, did);
        assert_eq!(parsed.public_key().expect("key").to_bytes(), key.public_key_bytes());
        assert_eq!(did.to_string(), did.as_str());
    }

    #[test]
    fn did_serializes_as_plain_string() {
        let did = NodeKey::generate().did();
        let json = serde_json::to_string(&did).expect("serialize");
        assert_eq!(json, format!("\"{did}\""));
        let back: Did = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, did);
    }

    #[test]
    fn deserializing_invalid_did_fails() {
        assert!(serde_json::from_str::<Did>("\"did:key:zabc\"").is_err());
    }

    #[test]
    fn wrong_multicodec_is_rejected() {
        let key = NodeKey::generate().public_key_bytes();
        // 0xec01 is x25519-pub, not ed25519-pub.
        let mut payload = vec![0xec, 0x01];
        payload.extend_from_slice(&key);
        assert_eq!(Did::parse(&did_with_payload(&payload)), Err(DidError::WrongMulticodec));
    }

    #[test]
    fn wrong_prefix_multibase_and_base58_are_rejected() {
        let did = NodeKey::generate().did();
        let tail = &did.as_str()["did:key:".len()..];
        assert_eq!(Did::parse(&format!("did:web:{tail}")), Err(DidError::MissingPrefix));
        assert_eq!(Did::parse(&format!("did:key:f{}", &tail[1..])), Err(DidError::UnsupportedMultibase));
        assert!(matches!(Did::parse("did:key:z6Mk0OIl"), Err(DidError::Base58(_))));
        assert!(matches!(Did::parse(&format!("{did}#{tail}")), Err(DidError::Base58(_))));
    }

    #[test]
    fn wrong_key_length_is_rejected() {
        let mut payload = vec![0xed, 0x01];
        payload.extend_from_slice(&[7u8; 31]);
        assert_eq!(Did::parse(&did_with_payload(&payload)), Err(DidError::WrongKeyLength(31)));
    }

    #[test]
    fn weak_key_is_rejected() {
        // The identity point (y = 1) has small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut payload = vec![0xed, 0x01];
        payload.extend_from_slice(&identity);
        assert_eq!(Did::parse(&did_with_payload(&payload)), Err(DidError::WeakKey));
    }

    #[test]
    fn overlong_input_is_rejected_before_decoding() {
        let long = format!("did:key:z{}", "1".repeat(500));
        assert_eq!(Did::parse(&long), Err(DidError::TooLong(long.len())));
    }

    #[test]
    fn did_error_code_is_stable() {
        assert_eq!(DidError::WrongMulticodec.code(), "INVALID_DID");
    }
}
