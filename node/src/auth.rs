//! Bearer tokens: EdDSA JWTs signed with the node key, scopes `read` < `write` < `admin`,
//! and the caller they identify.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use valueflows_federation::NodeKey;
use valueflows_model as vf;

use crate::error::AppError;

/// The audience every token of this software carries.
pub const AUDIENCE: &str = "vf-node";

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
}

/// Issues and checks the node's tokens.
pub struct Authority {
    issuer: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority").field("issuer", &self.issuer).finish_non_exhaustive()
    }
}

impl Authority {
    /// An authority signing with `key` and naming the node's DID as issuer.
    pub fn new(key: &NodeKey) -> Result<Authority, AppError> {
        let der = key.to_pkcs8_der().map_err(|e| AppError::Internal(format!("node key: {e}")))?;
        let issuer = key.did().to_string();
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        Ok(Authority {
            encoding: EncodingKey::from_ed_der(&der),
            decoding: DecodingKey::from_ed_der(&key.public_key_bytes()),
            issuer,
            validation,
        })
    }

    /// A token for `agent` with `scope`, valid from `now` (unix seconds) for `ttl_secs`.
    pub fn issue(&self, agent: vf::AgentId, scope: Scope, ttl_secs: u64, now: i64) -> Result<String, AppError> {
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
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &self.encoding)
            .map_err(|e| AppError::Internal(format!("token: {e}")))
    }

    /// Checks a token (signature, algorithm, issuer, audience, times) and returns its caller.
    pub fn verify(&self, token: &str) -> Result<Caller, AppError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| AppError::Unauthenticated(format!("invalid token: {e}")))?;
        let agent = vf::AgentId::parse(&data.claims.sub)
            .map_err(|_| AppError::Unauthenticated("invalid token: `sub` is not an agent id".to_owned()))?;
        Ok(Caller { agent: Some(agent), scope: Some(data.claims.scope) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authority() -> Authority {
        Authority::new(&NodeKey::generate()).expect("authority")
    }

    #[test]
    fn issued_token_verifies_with_its_scope() {
        let a = authority();
        let agent = vf::AgentId::new(uuid::Uuid::now_v7());
        let t = a.issue(agent, Scope::Write, 60, chrono::Utc::now().timestamp()).expect("token");
        let c = a.verify(&t).expect("valid");
        assert_eq!(c.agent, Some(agent));
        assert_eq!(c.require(Scope::Write).expect("write"), agent);
        assert!(matches!(c.require(Scope::Admin), Err(AppError::Forbidden(_))));
    }

    #[test]
    fn expired_token_is_rejected() {
        let a = authority();
        let agent = vf::AgentId::new(uuid::Uuid::now_v7());
        let t = a.issue(agent, Scope::Read, 10, chrono::Utc::now().timestamp() - 3600).expect("token");
        assert!(matches!(a.verify(&t), Err(AppError::Unauthenticated(_))));
    }

    #[test]
    fn token_of_another_node_is_rejected() {
        let agent = vf::AgentId::new(uuid::Uuid::now_v7());
        let t = authority().issue(agent, Scope::Admin, 60, chrono::Utc::now().timestamp()).expect("token");
        assert!(authority().verify(&t).is_err());
    }

    #[test]
    fn unsigned_token_is_rejected() {
        let a = authority();
        // header {"alg":"none","typ":"JWT"}
        let t = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.";
        assert!(a.verify(t).is_err());
    }

    #[test]
    fn anonymous_caller_is_unauthenticated() {
        assert!(matches!(Caller::ANONYMOUS.require(Scope::Read), Err(AppError::Unauthenticated(_))));
    }
}
