//! Bearer tokens: EdDSA JWTs signed with the node's token keys (see [`keys`]), scopes
//! `read` < `write` < `admin`, and the caller they identify.
//!
//! # Layout
//! - [`keys`]: the token signing keys (current and previous), their files and rotation.

pub mod keys;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use valueflows_federation::NodeKey;
use valueflows_model as vf;

use crate::error::AppError;
pub use keys::{Keyring, TokenKey};

/// The audience every token of this software carries.
pub const AUDIENCE: &str = "vf-node";
/// How far the clocks of the issuer and of the node may disagree, in seconds: allowed past
/// `exp`, before `nbf`, and for an `iat` in the future.
pub const MAX_SKEW_SECS: i64 = 30;
/// The longest token accepted, in bytes (checked before anything is decoded).
pub const MAX_TOKEN_BYTES: usize = 4096;

/// What a token allows; each scope includes the ones below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Queries.
    Read,
    /// Queries and mutations of the ledger.
    Write,
    /// Everything, node settings included.
    Admin,
}

impl Scope {
    /// Parses `read`, `write` or `admin`.
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }

    /// The scope's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }
}

/// The JWT claims.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: String,
    scope: Scope,
    iat: i64,
    nbf: i64,
    exp: i64,
    jti: String,
}

/// Who is calling: anonymous, or an agent with a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The agent the token speaks for.
    pub agent: Option<vf::AgentId>,
    /// What the token allows; None for anonymous callers.
    pub scope: Option<Scope>,
}

impl Caller {
    /// A caller with no token.
    pub const ANONYMOUS: Caller = Caller { agent: None, scope: None };

    /// Fails unless the caller holds `needed` (or more).
    pub fn require(&self, needed: Scope) -> Result<vf::AgentId, AppError> {
        match (self.scope, self.agent) {
            (None, _) | (_, None) => {
                Err(AppError::Unauthenticated(format!("this needs a bearer token with scope `{}`", needed.as_str())))
            }
            (Some(s), Some(agent)) if s >= needed => Ok(agent),
            (Some(s), _) => Err(AppError::Forbidden(format!(
                "the token's scope `{}` does not allow this; it needs `{}`",
                s.as_str(),
                needed.as_str()
            ))),
        }
    }

    /// Like [`Caller::require`], returning who writes: the agent, and whether it is `admin`.
    pub fn actor(&self, needed: Scope) -> Result<Actor, AppError> {
        let agent = self.require(needed)?;
        Ok(Actor { agent, admin: self.scope == Some(Scope::Admin) })
    }
}

/// Who makes a write: the agent recorded as its author, and whether its token has scope
/// `admin` (which may change records other agents recorded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The author of the write.
    pub agent: vf::AgentId,
    /// The token has scope `admin`.
    pub admin: bool,
}

impl From<vf::AgentId> for Actor {
    /// An agent writing without `admin` rights.
    fn from(agent: vf::AgentId) -> Actor {
        Actor { agent, admin: false }
    }
}

/// A token that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Who it speaks for.
    pub caller: Caller,
    /// Its id (`jti`).
    pub id: String,
    /// When it expires (Unix seconds).
    pub expires_at: i64,
    /// The key that signed it; None for a token signed with the node key.
    pub kid: Option<String>,
}

/// The keys in use, replaced whole on reload.
struct Ring {
    signing: Option<(String, EncodingKey)>,
    verifying: HashMap<String, DecodingKey>,
    legacy_before: Option<i64>,
}

impl Ring {
    fn of(keys: &Keyring) -> Result<Ring, AppError> {
        let signing = match keys.current() {
            Some(k) => {
                let der = k.key().to_pkcs8_der().map_err(|e| AppError::Internal(format!("token key: {e}")))?;
                Some((k.kid().to_owned(), EncodingKey::from_ed_der(&der)))
            }
            None => None,
        };
        let verifying = keys
            .keys()
            .iter()
            .map(|k| (k.kid().to_owned(), DecodingKey::from_ed_der(&k.key().public_key_bytes())))
            .collect();
        Ok(Ring { signing, verifying, legacy_before: keys.legacy_before() })
    }
}

/// Issues and checks the node's tokens.
pub struct Authority {
    issuer: String,
    /// Verifies tokens signed with the node key before token keys existed.
    node_key: DecodingKey,
    ring: RwLock<Arc<Ring>>,
    validation: Validation,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority").field("issuer", &self.issuer).finish_non_exhaustive()
    }
}

fn unauthenticated(why: impl std::fmt::Display) -> AppError {
    AppError::Unauthenticated(format!("invalid token: {why}"))
}

impl Authority {
    /// An authority naming the node's DID as issuer, signing with the current key of
    /// `keys` and checking with all of them.
    pub fn new(node_key: &NodeKey, keys: &Keyring) -> Result<Authority, AppError> {
        let issuer = node_key.did().to_string();
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
        // Times are checked in `check` against the caller's clock, with the skew bound.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Ok(Authority {
            node_key: DecodingKey::from_ed_der(&node_key.public_key_bytes()),
            ring: RwLock::new(Arc::new(Ring::of(keys)?)),
            issuer,
            validation,
        })
    }

    /// Swaps in `keys`: tokens are signed with its current key and checked with its keys
    /// from now on. Requests being checked finish with the keys they started with.
    pub fn replace(&self, keys: &Keyring) -> Result<(), AppError> {
        let ring = Arc::new(Ring::of(keys)?);
        *self.ring.write().unwrap_or_else(std::sync::PoisonError::into_inner) = ring;
        Ok(())
    }

    fn ring(&self) -> Arc<Ring> {
        self.ring.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// A token for `agent` with `scope`, valid from `now` (unix seconds) for `ttl_secs`,
    /// signed with the current token key and naming it in `kid`.
    pub fn issue(&self, agent: vf::AgentId, scope: Scope, ttl_secs: u64, now: i64) -> Result<String, AppError> {
        let ring = self.ring();
        let (kid, key) =
            ring.signing.as_ref().ok_or_else(|| AppError::Internal("no token key to sign with".to_owned()))?;
        let claims = Claims {
            iss: self.issuer.clone(),
            sub: agent.to_string(),
            aud: AUDIENCE.to_owned(),
            scope,
            iat: now,
            nbf: now,
            exp: now.saturating_add(i64::try_from(ttl_secs).unwrap_or(i64::MAX)),
            jti: uuid::Uuid::now_v7().to_string(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(kid.clone());
        jsonwebtoken::encode(&header, &claims, key).map_err(|e| AppError::Internal(format!("token: {e}")))
    }

    /// Checks a token (algorithm, key, signature, issuer, audience, times) against the
    /// system clock and returns its caller. Revocation is checked by `App::authenticate`.
    pub fn verify(&self, token: &str) -> Result<Verified, AppError> {
        self.verify_at(token, chrono::Utc::now().timestamp())
    }

    /// [`Authority::verify`] at `now` (Unix seconds).
    pub fn verify_at(&self, token: &str, now: i64) -> Result<Verified, AppError> {
        self.check(token, Some(now))
    }

    /// Checks that a token is this node's (key, signature, issuer, audience), whatever its
    /// times: a token handed in for revocation may be expired or not valid yet.
    pub fn verify_signature(&self, token: &str) -> Result<Verified, AppError> {
        self.check(token, None)
    }

    fn check(&self, token: &str, now: Option<i64>) -> Result<Verified, AppError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(unauthenticated(format_args!("longer than {MAX_TOKEN_BYTES} bytes")));
        }
        let header = jsonwebtoken::decode_header(token).map_err(unauthenticated)?;
        // Pinned: only EdDSA, whatever else the header says (`none`, HMAC with the public
        // key as secret, ...).
        if header.alg != Algorithm::EdDSA {
            return Err(unauthenticated("it must be signed with EdDSA"));
        }
        let ring = self.ring();
        let (key, legacy) = match &header.kid {
            Some(kid) => match ring.verifying.get(kid) {
                Some(k) => (k, false),
                None => return Err(unauthenticated("it names a signing key (`kid`) this node does not hold")),
            },
            None if ring.legacy_before.is_some() => (&self.node_key, true),
            None => return Err(unauthenticated("it names no signing key (`kid`)")),
        };
        let claims = jsonwebtoken::decode::<Claims>(token, key, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature => unauthenticated("the signature does not verify"),
                ErrorKind::InvalidAudience => unauthenticated(format_args!("its audience is not `{AUDIENCE}`")),
                ErrorKind::InvalidIssuer => unauthenticated("it was issued by another node"),
                ErrorKind::InvalidAlgorithm => unauthenticated("it must be signed with EdDSA"),
                _ => unauthenticated(e),
            })?
            .claims;
        if let Some(now) = now {
            if claims.exp.saturating_add(MAX_SKEW_SECS) < now {
                return Err(unauthenticated("it has expired"));
            }
            if claims.nbf > now.saturating_add(MAX_SKEW_SECS) {
                return Err(unauthenticated("it is not valid yet"));
            }
            if claims.iat > now.saturating_add(MAX_SKEW_SECS) {
                return Err(unauthenticated("it was issued in the future"));
            }
        }
        if claims.exp < claims.iat {
            return Err(unauthenticated("it expires before it was issued"));
        }
        if legacy && ring.legacy_before.is_some_and(|before| claims.iat > before.saturating_add(MAX_SKEW_SECS)) {
            return Err(unauthenticated("signed with the node key after token keys replaced it"));
        }
        let agent = vf::AgentId::parse(&claims.sub).map_err(|_| unauthenticated("`sub` is not an agent id"))?;
        Ok(Verified {
            caller: Caller { agent: Some(agent), scope: Some(claims.scope) },
            id: claims.jti,
            expires_at: claims.exp,
            kid: header.kid,
        })
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use serde_json::json;

    use super::*;

    const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

    struct Fixture {
        node: NodeKey,
        key: TokenKey,
        authority: Authority,
    }

    /// A node with one token key; `legacy` accepts node-key tokens issued up to then.
    fn fixture(legacy: Option<i64>) -> Fixture {
        let node = NodeKey::generate();
        let key = TokenKey::generate(chrono::Utc::now());
        let same = TokenKey::from_entry(&key.to_entry().expect("entry")).expect("parse");
        let authority = Authority::new(&node, &Keyring::new(vec![same], legacy)).expect("authority");
        Fixture { node, key, authority }
    }

    fn agent() -> vf::AgentId {
        vf::AgentId::new(uuid::Uuid::now_v7())
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    /// Claims as this node issues them, for `agent`, valid for an hour from `iat`.
    fn claims(f: &Fixture, iat: i64) -> serde_json::Value {
        json!({"iss": f.node.did().as_str(), "sub": agent().to_string(), "aud": AUDIENCE, "scope": "admin",
               "iat": iat, "nbf": iat, "exp": iat + 3600, "jti": uuid::Uuid::now_v7().to_string()})
    }

    /// `claims` signed with EdDSA by `key`, naming `kid`.
    fn sign(key: &NodeKey, kid: Option<&str>, claims: &serde_json::Value) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = kid.map(str::to_owned);
        let der = key.to_pkcs8_der().expect("der");
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(&der)).expect("encode")
    }

    fn refused(a: &Authority, token: &str, why: &str) {
        match a.verify(token) {
            Err(AppError::Unauthenticated(m)) => assert!(m.contains(why), "expected `{why}`, got `{m}`"),
            other => panic!("expected UNAUTHENTICATED ({why}), got {other:?}"),
        }
    }

    #[test]
    fn issued_token_verifies_with_its_scope_and_names_its_key() {
        let f = fixture(None);
        let agent = agent();
        let t = f.authority.issue(agent, Scope::Write, 60, now()).expect("token");
        assert_eq!(jsonwebtoken::decode_header(&t).expect("header").kid.as_deref(), Some(f.key.kid()));
        let v = f.authority.verify(&t).expect("valid");
        assert_eq!(v.caller.agent, Some(agent));
        assert_eq!(v.kid.as_deref(), Some(f.key.kid()));
        assert_eq!(v.caller.require(Scope::Write).expect("write"), agent);
        assert!(matches!(v.caller.require(Scope::Admin), Err(AppError::Forbidden(_))));
        assert_eq!(v.caller.actor(Scope::Write).expect("actor"), Actor { agent, admin: false });
    }

    #[test]
    fn times_are_checked_within_the_skew() {
        let f = fixture(None);
        let t = now();
        let a = &f.authority;
        let mut c = claims(&f, t - 7200);
        assert!(a.verify(&sign(f.key.key(), Some(f.key.kid()), &c)).is_err());
        refused(a, &sign(f.key.key(), Some(f.key.kid()), &c), "expired");
        // Expired a little less than the skew ago: still accepted.
        c["exp"] = json!(t - MAX_SKEW_SECS + 5);
        assert!(a.verify(&sign(f.key.key(), Some(f.key.kid()), &c)).is_ok());
        // Not valid yet.
        let mut c = claims(&f, t);
        c["nbf"] = json!(t + 600);
        refused(a, &sign(f.key.key(), Some(f.key.kid()), &c), "not valid yet");
        c["nbf"] = json!(t + MAX_SKEW_SECS - 5);
        assert!(a.verify(&sign(f.key.key(), Some(f.key.kid()), &c)).is_ok(), "within the skew");
        // Issued in the future.
        let mut c = claims(&f, t);
        c["iat"] = json!(t + 600);
        refused(a, &sign(f.key.key(), Some(f.key.kid()), &c), "issued in the future");
        c["iat"] = json!(t + MAX_SKEW_SECS - 5);
        assert!(a.verify(&sign(f.key.key(), Some(f.key.kid()), &c)).is_ok(), "within the skew");
        // Missing times.
        for claim in ["iat", "exp", "nbf", "jti", "sub"] {
            let mut c = claims(&f, t);
            c.as_object_mut().expect("object").remove(claim);
            assert!(a.verify(&sign(f.key.key(), Some(f.key.kid()), &c)).is_err(), "without {claim}");
        }
        // The same checks at an injected time.
        let token = f.authority.issue(agent(), Scope::Read, 60, t).expect("token");
        assert!(a.verify_at(&token, t + 60 + MAX_SKEW_SECS + 1).is_err());
        assert!(a.verify_at(&token, t - MAX_SKEW_SECS - 1).is_err());
        assert!(a.verify_at(&token, t + 30).is_ok());
    }

    #[test]
    fn audience_issuer_and_subject_are_checked() {
        let f = fixture(None);
        let a = &f.authority;
        let mut c = claims(&f, now());
        c["aud"] = json!("another-service");
        refused(a, &sign(f.key.key(), Some(f.key.kid()), &c), "audience");
        let mut c = claims(&f, now());
        c["iss"] = json!(NodeKey::generate().did().as_str());
        refused(a, &sign(f.key.key(), Some(f.key.kid()), &c), "another node");
        let mut c = claims(&f, now());
        c["sub"] = json!("somebody");
        refused(a, &sign(f.key.key(), Some(f.key.kid()), &c), "agent id");
        let mut c = claims(&f, now());
        c["scope"] = json!("root");
        assert!(a.verify(&sign(f.key.key(), Some(f.key.kid()), &c)).is_err(), "unknown scope");
    }

    #[test]
    fn the_algorithm_is_pinned() {
        let f = fixture(Some(now()));
        let c = claims(&f, now());
        let payload = B64.encode(c.to_string());
        // alg: none, unsigned.
        for kid in [Some(f.key.kid()), None] {
            let header = json!({"alg": "none", "typ": "JWT", "kid": kid});
            let t = format!("{}.{payload}.", B64.encode(header.to_string()));
            assert!(matches!(f.authority.verify(&t), Err(AppError::Unauthenticated(_))), "alg none, kid {kid:?}");
        }
        // HS256 with the public key bytes as the HMAC secret (key confusion).
        for (public, kid) in [(f.key.key().public_key_bytes(), Some(f.key.kid())), (f.node.public_key_bytes(), None)] {
            let mut header = Header::new(Algorithm::HS256);
            header.kid = kid.map(str::to_owned);
            let t = jsonwebtoken::encode(&header, &c, &EncodingKey::from_secret(&public)).expect("encode");
            refused(&f.authority, &t, "EdDSA");
        }
        // The right algorithm with the wrong key, under the node's kid.
        let stranger = NodeKey::generate();
        refused(&f.authority, &sign(&stranger, Some(f.key.kid()), &c), "signature");
        refused(&f.authority, &sign(&stranger, None, &c), "signature");
        // A kid this node does not hold.
        refused(&f.authority, &sign(f.key.key(), Some("20990101T000000Z-00000000"), &c), "does not hold");
        // A tampered payload.
        let good = sign(f.key.key(), Some(f.key.kid()), &c);
        let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
        let mut forged = c.clone();
        forged["scope"] = json!("admin");
        forged["sub"] = json!(agent().to_string());
        parts[1] = B64.encode(forged.to_string());
        refused(&f.authority, &parts.join("."), "signature");
        // Oversized.
        refused(&f.authority, &"a".repeat(MAX_TOKEN_BYTES + 1), "longer");
    }

    #[test]
    fn node_key_tokens_are_accepted_only_while_legacy_is_kept_and_if_older() {
        let t = now();
        let f = fixture(Some(t));
        let c = claims(&f, t - 60);
        let old = sign(&f.node, None, &c);
        let v = f.authority.verify(&old).expect("a token issued before the upgrade");
        assert_eq!(v.kid, None);
        let late = sign(&f.node, None, &claims(&f, t + 3 * MAX_SKEW_SECS));
        assert!(f.authority.verify_at(&late, t + 3 * MAX_SKEW_SECS).is_err(), "issued after the upgrade");
        // The node key under a kid is not a token key.
        refused(&f.authority, &sign(&f.node, Some(f.key.kid()), &c), "signature");
        // Legacy dropped.
        f.authority.replace(&Keyring::new(Vec::new(), None)).expect("replace");
        refused(&f.authority, &old, "no signing key");
    }

    #[test]
    fn after_rotation_old_tokens_verify_until_their_key_is_dropped() {
        let f = fixture(None);
        let agent = agent();
        let old = f.authority.issue(agent, Scope::Write, 600, now()).expect("token");
        let next = TokenKey::generate(chrono::Utc::now() + chrono::Duration::seconds(1));
        let next_kid = next.kid().to_owned();
        let old_key = TokenKey::from_entry(&f.key.to_entry().expect("entry")).expect("entry");
        f.authority.replace(&Keyring::new(vec![old_key, next], None)).expect("rotate");
        let new = f.authority.issue(agent, Scope::Write, 600, now()).expect("token");
        assert_eq!(jsonwebtoken::decode_header(&new).expect("header").kid, Some(next_kid.clone()));
        assert!(f.authority.verify(&old).is_ok(), "the previous key still verifies");
        assert!(f.authority.verify(&new).is_ok());
        assert_eq!(f.authority.ring().verifying.len(), 2);
        // Both dropped (a third key is current): neither verifies.
        let fresh = TokenKey::generate(chrono::Utc::now() + chrono::Duration::seconds(2));
        f.authority.replace(&Keyring::new(vec![fresh], None)).expect("drop both");
        refused(&f.authority, &old, "does not hold");
        refused(&f.authority, &new, "does not hold");
    }

    #[test]
    fn token_of_another_node_is_rejected() {
        let t = fixture(None).authority.issue(agent(), Scope::Admin, 60, now()).expect("token");
        assert!(fixture(None).authority.verify(&t).is_err());
    }

    #[test]
    fn revocation_check_takes_expired_tokens() {
        let f = fixture(None);
        let issued = now() - 3600;
        let t = f.authority.issue(agent(), Scope::Read, 10, issued).expect("token");
        assert!(f.authority.verify(&t).is_err());
        let v = f.authority.verify_signature(&t).expect("still this node's");
        assert_eq!(v.expires_at, issued + 10);
    }

    #[test]
    fn anonymous_caller_is_unauthenticated() {
        assert!(matches!(Caller::ANONYMOUS.require(Scope::Read), Err(AppError::Unauthenticated(_))));
    }
}
