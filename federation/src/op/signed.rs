//! Signed ops and their proofs: verification and canonical encoding.
//!
//! The proof signs the unsigned op's canonical bytes directly (plain ed25519, no prehash);
//! the op id is the SHA-256 of those same bytes and is always recomputed, never read from the wire.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::OpError;
use super::unsigned::UnsignedOp;
use crate::canonical;
use crate::identity::{SIGNATURE_LEN, SignatureError, verify_signature};
use crate::op_id::OpId;

/// The only proof algorithm of op version 1.
pub const PROOF_ALG: &str = "Ed25519";

/// The origin's signature over an op's canonical bytes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proof {
    /// Signature algorithm; always [`PROOF_ALG`] (`"Ed25519"`).
    pub alg: String,
    /// The 64-byte signature, base64url without padding.
    pub sig: String,
}

impl Proof {
    /// An `Ed25519` proof holding `signature`.
    pub fn ed25519(signature: &[u8; SIGNATURE_LEN]) -> Proof {
        Proof { alg: PROOF_ALG.to_owned(), sig: URL_SAFE_NO_PAD.encode(signature) }
    }

    /// Decodes `sig` (strict base64url, no padding) into the 64 signature bytes.
    pub fn signature_bytes(&self) -> Result<[u8; SIGNATURE_LEN], SignatureError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(&self.sig)
            .map_err(|e| SignatureError::Malformed(format!("sig is not base64url: {e}")))?;
        <[u8; SIGNATURE_LEN]>::try_from(bytes.as_slice()).map_err(|_| {
            SignatureError::Malformed(format!("expected {SIGNATURE_LEN} signature bytes, got {}", bytes.len()))
        })
    }
}

/// An op checked in all but its signature: the bytes its origin signed, the signature, and
/// the op id those bytes hash to.
#[derive(Clone, Debug)]
pub struct SigningInput {
    /// The unsigned op's canonical bytes.
    pub bytes: Vec<u8>,
    /// The proof's signature.
    pub signature: [u8; SIGNATURE_LEN],
    /// The op id: SHA-256 of `bytes`.
    pub id: OpId,
}

/// A signed op: the unsigned content plus the origin's proof.
///
/// On the wire it is one flat JSON object: the [`UnsignedOp`] members plus `proof`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Op {
    /// Everything that is hashed and signed.
    pub unsigned: UnsignedOp,
    /// The origin's signature over `unsigned`'s canonical bytes.
    pub proof: Proof,
}

impl Op {
    /// The op id, recomputed from the content (never trusted from the wire).
    pub fn id(&self) -> Result<OpId, OpError> {
        self.unsigned.id()
    }

    /// Verifies the op on its own: known version and structure, `Ed25519` proof, valid origin
    /// DID, portable numbers, and a valid signature (ZIP 215 rules) by the origin over the recomputed
    /// canonical bytes. Returns the op id. Feed continuity is [`crate::check_chain`]'s job.
    pub fn verify(&self) -> Result<OpId, OpError> {
        let input = self.signing_input()?;
        verify_signature(&self.unsigned.origin, &input.bytes, &input.signature)?;
        Ok(input.id)
    }

    /// Checks everything [`Op::verify`] checks except the signature itself, and returns what
    /// the signature must be checked over: for checking many ops of one origin at once
    /// ([`crate::identity::verify_signatures`]).
    pub fn signing_input(&self) -> Result<SigningInput, OpError> {
        self.unsigned.validate()?;
        if self.proof.alg != PROOF_ALG {
            return Err(OpError::UnsupportedAlgorithm(self.proof.alg.clone()));
        }
        self.unsigned.origin.public_key()?;
        let bytes = self.unsigned.canonical_bytes()?;
        let signature = self.proof.signature_bytes()?;
        let id = OpId::of_canonical_bytes(&bytes);
        Ok(SigningInput { bytes, signature, id })
    }

    /// RFC 8785 canonical JSON of the whole op, proof included.
    pub fn to_json(&self) -> Result<String, OpError> {
        self.unsigned.check_portable()?;
        Ok(canonical::to_canonical_string(self)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::NodeKey;
    use crate::op::test_support::{op_with_body, unsigned_op};
    use serde_json::json;

    fn signed(key: &NodeKey) -> Op {
        op_with_body(key, json!({"action": "produce", "resourceQuantity": {"hasNumericalValue": "3.50"}}))
            .expect("signs")
    }

    #[test]
    fn signed_op_verifies_and_returns_its_id() {
        let key = NodeKey::generate();
        let op = signed(&key);
        assert_eq!(op.verify().expect("verifies"), op.id().expect("id"));
        assert_eq!(op.proof.alg, "Ed25519");
        assert_eq!(op.proof.sig.len(), 86);
    }

    #[test]
    fn tampered_record_body_fails_verification() {
        let key = NodeKey::generate();
        let mut op = signed(&key);
        op.unsigned.records[0].body["action"] = json!("consume");
        assert_eq!(op.verify().expect_err("must fail").code(), "INVALID_SIGNATURE");
    }

    #[test]
    fn changed_seq_fails_verification() {
        let key = NodeKey::generate();
        let mut op = signed(&key);
        op.unsigned.seq = 2;
        op.unsigned.prev = Some(OpId::of_canonical_bytes(b"prev"));
        assert_eq!(op.verify().expect_err("must fail").code(), "INVALID_SIGNATURE");
    }

    #[test]
    fn changed_origin_fails_verification() {
        let key = NodeKey::generate();
        let mut op = signed(&key);
        op.unsigned.origin = NodeKey::generate().did();
        assert_eq!(op.verify().expect_err("must fail").code(), "INVALID_SIGNATURE");
    }

    #[test]
    fn swapped_proof_fails_verification() {
        let key = NodeKey::generate();
        let mut first = signed(&key);
        let second = unsigned_op(&key, 2, Some(first.id().expect("id")), json!({"n": 2})).sign(&key).expect("signs");
        first.proof = second.proof.clone();
        assert_eq!(first.verify().expect_err("must fail").code(), "INVALID_SIGNATURE");
    }

    #[test]
    fn unknown_algorithm_is_rejected() {
        let key = NodeKey::generate();
        let mut op = signed(&key);
        op.proof.alg = "EdDSA".into();
        assert_eq!(op.verify().expect_err("must fail").code(), "UNSUPPORTED_ALGORITHM");
    }

    #[test]
    fn padded_or_truncated_signature_is_malformed() {
        let key = NodeKey::generate();
        let mut op = signed(&key);
        op.proof.sig.push_str("==");
        assert_eq!(op.verify().expect_err("must fail").code(), "MALFORMED_SIGNATURE");
        let mut op = signed(&key);
        op.proof.sig.truncate(80);
        assert_eq!(op.verify().expect_err("must fail").code(), "MALFORMED_SIGNATURE");
    }

    #[test]
    fn signature_with_nonzero_trailing_bits_is_malformed() {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let key = NodeKey::generate();
        let mut op = signed(&key);
        let last = op.proof.sig.pop().expect("non-empty");
        let index = ALPHABET.iter().position(|&c| char::from(c) == last).expect("base64url char");
        // The last of 86 characters carries 2 data bits and 4 padding bits; flip a padding bit.
        op.proof.sig.push(char::from(ALPHABET[index ^ 1]));
        assert_eq!(op.verify().expect_err("must fail").code(), "MALFORMED_SIGNATURE");
    }

    #[test]
    fn unknown_version_is_rejected_before_signature_check() {
        let key = NodeKey::generate();
        let mut op = signed(&key);
        op.unsigned.v = 2;
        assert_eq!(op.verify(), Err(OpError::UnsupportedVersion(2)));
    }

    #[test]
    fn invalid_origin_is_reported_as_invalid_did() {
        let key = NodeKey::generate();
        let mut op = signed(&key);
        // Not a point on the curve: y = 2 does not decompress.
        let mut bogus = [0u8; 32];
        bogus[0] = 2;
        op.unsigned.origin = crate::identity::Did::from_public_key(&bogus);
        assert_eq!(op.verify().expect_err("must fail").code(), "INVALID_DID");
    }

    #[test]
    fn to_json_is_canonical_and_includes_proof() {
        let key = NodeKey::generate();
        let op = signed(&key);
        let text = op.to_json().expect("json");
        assert!(text.starts_with("{\"author\":"));
        assert!(text.contains(&format!(",\"proof\":{{\"alg\":\"Ed25519\",\"sig\":\"{}\"}},", op.proof.sig)));
        assert!(!text.contains(' ') && !text.contains('\n'));
    }
}
