//! Op ids: the lowercase-hex SHA-256 of an op's canonical bytes (without its proof).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::op::OpError;

/// Number of hex characters in an op id.
const OP_ID_HEX_LEN: usize = 64;

/// Content address of an op: 64 lowercase hex characters of a SHA-256 digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpId(String);

impl OpId {
    /// Parses an op id, requiring exactly 64 lowercase hex characters.
    pub fn parse(s: &str) -> Result<OpId, OpError> {
        let valid = s.len() == OP_ID_HEX_LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if valid {
            Ok(OpId(s.to_owned()))
        } else {
            Err(OpError::InvalidOpId(format!("expected {OP_ID_HEX_LEN} lowercase hex characters, got {s:?}")))
        }
    }

    /// The op id for a SHA-256 digest.
    pub fn from_digest(digest: &[u8; 32]) -> OpId {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(OP_ID_HEX_LEN);
        for byte in digest {
            hex.push(char::from(HEX[usize::from(byte >> 4)]));
            hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        OpId(hex)
    }

    /// Hashes canonical op bytes (see [`crate::UnsignedOp::canonical_bytes`]) into their id.
    pub fn of_canonical_bytes(bytes: &[u8]) -> OpId {
        OpId::from_digest(&Sha256::digest(bytes).into())
    }

    /// The 32-byte digest this id encodes.
    pub fn digest(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(self.0.as_bytes().chunks_exact(2)) {
            *byte = (hex_value(pair[0]) << 4) | hex_value(pair[1]);
        }
        out
    }

    /// The id as a hex string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Value of one lowercase hex digit (input already validated).
fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => 0,
    }
}

impl fmt::Display for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for OpId {
    type Err = OpError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OpId::parse(s)
    }
}

impl AsRef<str> for OpId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for OpId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OpId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        OpId::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_of_empty_input_is_sha256_of_nothing() {
        assert_eq!(
            OpId::of_canonical_bytes(b"").as_str(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn parse_accepts_lowercase_hex_and_round_trips_digest() {
        let id = OpId::of_canonical_bytes(b"abc");
        let parsed = OpId::parse(id.as_str()).expect("valid");
        assert_eq!(parsed, id);
        assert_eq!(OpId::from_digest(&parsed.digest()), id);
    }

    #[test]
    fn parse_rejects_uppercase_wrong_length_and_non_hex() {
        let id = OpId::of_canonical_bytes(b"abc");
        assert!(OpId::parse(&id.as_str().to_uppercase()).is_err());
        assert!(OpId::parse(&id.as_str()[..63]).is_err());
        assert!(OpId::parse(&format!("{}0", id.as_str())).is_err());
        let err = OpId::parse(&"g".repeat(64)).expect_err("must fail");
        assert_eq!(err.code(), "INVALID_OP_ID");
    }

    #[test]
    fn serde_is_a_validated_string() {
        let id = OpId::of_canonical_bytes(b"abc");
        let json = serde_json::to_string(&id).expect("serialize");
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<OpId>(&json).expect("deserialize"), id);
        assert!(serde_json::from_str::<OpId>("\"abc\"").is_err());
    }
}
