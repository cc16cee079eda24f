//! Peer request authentication: a short-lived EdDSA JWT signed by the calling node's key.
//!
//! The token names the caller (`iss`, its `did:key`, which is also the key that verifies
//! it), the node it is meant for (`aud`, that node's `did:key`), when it was made and when
//! it expires (`iat`, `exp`, at most [`MAX_LIFETIME_SECS`] apart) and a unique id (`jti`). A
//! receiver pins the algorithm to EdDSA, checks the audience is itself, bounds clock skew,
//! and refuses a `jti` it has already seen while the token could still be valid.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::identity::{Did, NodeKey};

/// The longest a peer token may live, in seconds.
pub const MAX_LIFETIME_SECS: i64 = 60;
/// How far a peer's clock may run ahead or behind, in seconds.
pub const MAX_SKEW_SECS: i64 = 30;
/// The longest token accepted, in bytes (checked before anything is decoded).
pub const MAX_TOKEN_BYTES: usize = 2048;

/// The claims of a peer token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerClaims {
    /// The calling node's `did:key`.
    pub iss: String,
    /// The called node's `did:key`.
    pub aud: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// Unique token id, for replay protection.
    pub jti: String,
}

/// Why a peer token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeerAuthError {
    /// Longer than [`MAX_TOKEN_BYTES`].
    #[error("the peer token is longer than {MAX_TOKEN_BYTES} bytes")]
    TooLong,
    /// Not a JWT, or its claims are not a peer token's.
    #[error("the peer token is malformed: {0}")]
    Malformed(String),
    /// Signed with another algorithm than EdDSA.
    #[error("the peer token must be signed with EdDSA")]
    Algorithm,
    /// `iss` is not a valid `did:key`.
    #[error("the peer token's issuer is not a did:key: {0}")]
    Issuer(String),
    /// The signature does not verify with the issuer's key.
    #[error("the peer token's signature does not verify with its issuer's key")]
    Signature,
    /// Meant for another node.
    #[error("the peer token is meant for another node")]
    Audience,
    /// Expired, not yet valid, or living longer than allowed.
    #[error("the peer token is expired, not yet valid or lives longer than {MAX_LIFETIME_SECS} s")]
    Lifetime,
    /// Its `jti` was already used.
    #[error("the peer token was already used")]
    Replayed,
}

impl PeerAuthError {
    /// A stable code for logs and error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            PeerAuthError::TooLong => "token_too_long",
            PeerAuthError::Malformed(_) => "token_malformed",
            PeerAuthError::Algorithm => "token_algorithm",
            PeerAuthError::Issuer(_) => "token_issuer",
            PeerAuthError::Signature => "token_signature",
            PeerAuthError::Audience => "token_audience",
            PeerAuthError::Lifetime => "token_lifetime",
            PeerAuthError::Replayed => "token_replayed",
        }
    }
}

/// Makes a token for a request from `key`'s node to `audience`, valid for `ttl_secs`
/// (capped at [`MAX_LIFETIME_SECS`]) from `now`.
pub fn issue(key: &NodeKey, audience: &Did, now: i64, ttl_secs: i64) -> Result<String, PeerAuthError> {
    let claims = PeerClaims {
        iss: key.did().to_string(),
        aud: audience.to_string(),
        iat: now,
        exp: now + ttl_secs.clamp(1, MAX_LIFETIME_SECS),
        jti: uuid::Uuid::now_v7().to_string(),
    };
    let der = key.to_pkcs8_der().map_err(|e| PeerAuthError::Malformed(e.to_string()))?;
    jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &EncodingKey::from_ed_der(&der))
        .map_err(|e| PeerAuthError::Malformed(e.to_string()))
}

/// Token ids seen and when they expire, so a token is used once. Bounded: when full, the
/// tokens closest to expiry are forgotten first, and a token whose id was forgotten is
/// refused only by its own expiry, which is at most [`MAX_LIFETIME_SECS`] away.
#[derive(Debug)]
pub struct ReplayGuard {
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    by_id: HashMap<String, i64>,
    by_expiry: BTreeMap<(i64, String), ()>,
}

impl ReplayGuard {
    /// A guard remembering at most `capacity` token ids.
    pub fn new(capacity: usize) -> ReplayGuard {
        ReplayGuard { capacity: capacity.max(1), seen: Mutex::new(Seen::default()) }
    }

    /// Records `jti` (valid until `exp`); false when it was already seen.
    fn first_use(&self, jti: &str, exp: i64, now: i64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget what has expired (allowing for skew): such tokens fail on their expiry.
        while let Some(((e, id), ())) = seen.by_expiry.first_key_value() {
            if *e + MAX_SKEW_SECS >= now && seen.by_id.len() < self.capacity {
                break;
            }
            let (e, id) = (*e, id.clone());
            seen.by_expiry.remove(&(e, id.clone()));
            seen.by_id.remove(&id);
        }
        if seen.by_id.contains_key(jti) {
            return false;
        }
        seen.by_id.insert(jti.to_owned(), exp);
        seen.by_expiry.insert((exp, jti.to_owned()), ());
        true
    }
}

/// Checks a peer token meant for `me` at time `now`; returns the calling node.
pub fn verify(token: &str, me: &Did, now: i64, replay: &ReplayGuard) -> Result<Did, PeerAuthError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(PeerAuthError::TooLong);
    }
    let header = jsonwebtoken::decode_header(token).map_err(|e| PeerAuthError::Malformed(e.to_string()))?;
    if header.alg != Algorithm::EdDSA {
        return Err(PeerAuthError::Algorithm);
    }
    // The issuer names the key to check the signature with; nothing else is trusted yet.
    let unverified: PeerClaims =
        jsonwebtoken::dangerous::insecure_decode_claims(token).map_err(|e| PeerAuthError::Malformed(e.to_string()))?;
    let issuer = Did::parse(&unverified.iss).map_err(|e| PeerAuthError::Issuer(e.to_string()))?;
    let public = issuer.public_key().map_err(|e| PeerAuthError::Issuer(e.to_string()))?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    // Times and audience are checked below against `now`, not the system clock.
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<PeerClaims>(token, &DecodingKey::from_ed_der(public.as_bytes()), &validation)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => PeerAuthError::Signature,
            _ => PeerAuthError::Malformed(e.to_string()),
        })?
        .claims;
    if claims.aud != me.as_str() {
        return Err(PeerAuthError::Audience);
    }
    let lifetime = claims.exp - claims.iat;
    if !(1..=MAX_LIFETIME_SECS).contains(&lifetime)
        || claims.iat > now + MAX_SKEW_SECS
        || claims.exp + MAX_SKEW_SECS < now
    {
        return Err(PeerAuthError::Lifetime);
    }
    if !replay.first_use(&claims.jti, claims.exp, now) {
        return Err(PeerAuthError::Replayed);
    }
    Ok(issuer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes() -> (NodeKey, NodeKey) {
        (NodeKey::generate(), NodeKey::generate())
    }

    #[test]
    fn a_token_verifies_once_for_its_audience() {
        let (caller, callee) = nodes();
        let guard = ReplayGuard::new(100);
        let t = issue(&caller, &callee.did(), 1_000, 30).expect("token");
        assert_eq!(verify(&t, &callee.did(), 1_010, &guard), Ok(caller.did()));
        assert_eq!(verify(&t, &callee.did(), 1_011, &guard), Err(PeerAuthError::Replayed));
    }

    #[test]
    fn wrong_audience_expiry_and_future_tokens_are_refused() {
        let (caller, callee) = nodes();
        let guard = ReplayGuard::new(100);
        let t = issue(&caller, &caller.did(), 1_000, 30).expect("token");
        assert_eq!(verify(&t, &callee.did(), 1_000, &guard), Err(PeerAuthError::Audience));
        let t = issue(&caller, &callee.did(), 1_000, 30).expect("token");
        assert_eq!(verify(&t, &callee.did(), 1_000 + 30 + MAX_SKEW_SECS + 1, &guard), Err(PeerAuthError::Lifetime));
        let t = issue(&caller, &callee.did(), 2_000, 30).expect("token");
        assert_eq!(verify(&t, &callee.did(), 2_000 - MAX_SKEW_SECS - 1, &guard), Err(PeerAuthError::Lifetime));
    }

    #[test]
    fn a_token_signed_by_another_key_or_algorithm_is_refused() {
        let (caller, callee) = nodes();
        let guard = ReplayGuard::new(100);
        // Claims naming `caller` but signed by an impostor's key.
        let impostor = NodeKey::generate();
        let claims = PeerClaims {
            iss: caller.did().to_string(),
            aud: callee.did().to_string(),
            iat: 1_000,
            exp: 1_030,
            jti: "x".into(),
        };
        let der = impostor.to_pkcs8_der().expect("der");
        let forged = jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &EncodingKey::from_ed_der(&der))
            .expect("forged");
        assert_eq!(verify(&forged, &callee.did(), 1_000, &guard), Err(PeerAuthError::Signature));
        let hs = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(b"k"))
            .expect("hs256");
        assert_eq!(verify(&hs, &callee.did(), 1_000, &guard), Err(PeerAuthError::Algorithm));
        // alg "none": header {"alg":"none"}, no signature.
        let none = format!(
            "eyJhbGciOiJub25lIn0.{}.",
            base64::Engine::encode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                serde_json::to_vec(&claims).expect("json")
            )
        );
        assert!(verify(&none, &callee.did(), 1_000, &guard).is_err());
        assert_eq!(verify(&"x".repeat(MAX_TOKEN_BYTES + 1), &callee.did(), 1_000, &guard), Err(PeerAuthError::TooLong));
    }

    #[test]
    fn a_lifetime_over_a_minute_is_refused() {
        let (caller, callee) = nodes();
        let guard = ReplayGuard::new(100);
        let claims = PeerClaims {
            iss: caller.did().to_string(),
            aud: callee.did().to_string(),
            iat: 1_000,
            exp: 1_000 + MAX_LIFETIME_SECS + 1,
            jti: "long".into(),
        };
        let der = caller.to_pkcs8_der().expect("der");
        let t = jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &EncodingKey::from_ed_der(&der))
            .expect("token");
        assert_eq!(verify(&t, &callee.did(), 1_000, &guard), Err(PeerAuthError::Lifetime));
    }

    #[test]
    fn the_replay_guard_stays_bounded() {
        let guard = ReplayGuard::new(10);
        for i in 0..100 {
            assert!(guard.first_use(&i.to_string(), 1_000 + i, 1_000));
        }
        let seen = guard.seen.lock().expect("lock");
        assert!(seen.by_id.len() <= 10 && seen.by_expiry.len() == seen.by_id.len());
    }
}
