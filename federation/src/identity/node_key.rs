//! The node's private ed25519 signing key, with PKCS#8 import/export.
//!
//! The secret is never printed: `Debug` shows the node's DID only.

use std::fmt;

use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{Signer, VerifyingKey};
use rand::rngs::OsRng;

use super::did::Did;
use super::errors::KeyError;

/// A node's ed25519 signing key; the node's identity is [`NodeKey::did`].
pub struct NodeKey {
    signing: SigningKey,
}

impl NodeKey {
    /// Generates a fresh key from the operating system's CSPRNG.
    pub fn generate() -> NodeKey {
        NodeKey { signing: SigningKey::generate(&mut OsRng) }
    }

    /// Builds a key from its 32-byte ed25519 secret (seed).
    pub fn from_secret_bytes(bytes: &[u8; 32]) -> NodeKey {
        NodeKey { signing: SigningKey::from_bytes(bytes) }
    }

    /// Encodes the key as a PKCS#8 PEM document (`-----BEGIN PRIVATE KEY-----`, LF line endings).
    ///
    /// The returned string holds the secret and is not zeroized on drop; keep its lifetime short.
    pub fn to_pkcs8_pem(&self) -> Result<String, KeyError> {
        let pem = self.signing.to_pkcs8_pem(LineEnding::LF).map_err(|e| KeyError::Encode(e.to_string()))?;
        Ok(pem.as_str().to_owned())
    }

    /// Decodes a PKCS#8 PEM ed25519 private key (`PRIVATE KEY`).
    ///
    /// If the document also carries the public key, it must match the secret.
    pub fn from_pkcs8_pem(pem: &str) -> Result<NodeKey, KeyError> {
        let signing = SigningKey::from_pkcs8_pem(pem).map_err(|e| KeyError::Decode(e.to_string()))?;
        Ok(NodeKey { signing })
    }

    /// Encodes the key as PKCS#8 DER (the form `jsonwebtoken`'s `EncodingKey::from_ed_der` takes).
    ///
    /// The returned bytes hold the secret and are not zeroized on drop.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, KeyError> {
        let der = self.signing.to_pkcs8_der().map_err(|e| KeyError::Encode(e.to_string()))?;
        Ok(der.as_bytes().to_vec())
    }

    /// The raw 32-byte ed25519 public key.
    pub fn public_key_bytes(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// The ed25519 verifying key matching this signing key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The node's `did:key` identifier.
    pub fn did(&self) -> Did {
        Did::from_public_key(&self.public_key_bytes())
    }

    /// Signs `msg` with plain ed25519 (RFC 8032, no prehash, no context).
    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.signing.sign(msg).to_bytes()
    }
}

impl fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeKey").field("did", &self.did().as_str()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::verify_signature;

    fn lower_hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn from_hex<const N: usize>(s: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex");
        }
        out
    }

    #[test]
    fn pem_round_trip_keeps_the_same_key() {
        let key = NodeKey::generate();
        let pem = key.to_pkcs8_pem().expect("encode");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let back = NodeKey::from_pkcs8_pem(&pem).expect("decode");
        assert_eq!(back.public_key_bytes(), key.public_key_bytes());
        assert_eq!(back.sign(b"m"), key.sign(b"m"));
    }

    #[test]
    fn der_is_pkcs8_and_decodes_back() {
        let key = NodeKey::generate();
        let der = key.to_pkcs8_der().expect("encode");
        let back = SigningKey::from_pkcs8_der(&der).expect("decode");
        assert_eq!(back.verifying_key().to_bytes(), key.public_key_bytes());
    }

    #[test]
    fn garbage_pem_is_rejected() {
        let err = NodeKey::from_pkcs8_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .expect_err("must fail");
        assert_eq!(err.code(), "INVALID_KEY");
    }

    #[test]
    fn debug_shows_did_but_not_secret() {
        let secret = [0x5au8; 32];
        let key = NodeKey::from_secret_bytes(&secret);
        let debug = format!("{key:?}");
        assert!(debug.contains(key.did().as_str()));
        assert!(!debug.contains(&lower_hex(&secret)));
        assert!(!debug.contains("90, 90, 90"));
        assert!(!debug.to_lowercase().contains("5a5a5a"));
    }

    #[test]
    fn rfc8032_test_vector_1_signature_matches() {
        let secret = from_hex::<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let key = NodeKey::from_secret_bytes(&secret);
        assert_eq!(
            lower_hex(&key.public_key_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        let sig = key.sign(b"");
        assert_eq!(
            lower_hex(&sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        verify_signature(&key.did(), b"", &sig).expect("verifies");
    }
}
