//! Bearer tokens at the application layer: authenticating a request (signature, times,
//! then the revocation list in the database, which every replica shares), revoking a
//! token, and reloading the signing keys.

use sea_orm::ConnectionTrait;
use valueflows_model as vf;

use super::App;
use crate::auth::{Caller, Keyring, MAX_SKEW_SECS, Verified};
use crate::error::AppError;
use crate::store::entity::revoked_token;
use crate::store::revocations;

/// Which token to revoke.
#[derive(Clone, Debug)]
pub enum Revoke {
    /// The token itself: it must be this node's; its id, expiry and agent are read from it.
    Token(String),
    /// A token id (`jti`), with its expiry when known (the revocation is kept until then,
    /// or for good when unknown).
    Id {
        /// The token's `jti`.
        id: String,
        /// When the token expires.
        expires_at: Option<vf::Timestamp>,
    },
}

/// The longest token id accepted for revocation.
const MAX_ID_LEN: usize = 256;

impl App {
    /// The caller a bearer token names: the token must verify (see
    /// [`crate::auth::Authority::verify`]) and its id must not be revoked.
    pub async fn authenticate(&self, token: &str) -> Result<Caller, AppError> {
        let verified = self.authority().verify(token)?;
        self.admit(&verified).await
    }

    /// The caller of a token that already passed [`crate::auth::Authority::verify`], unless
    /// it was revoked.
    pub async fn admit(&self, verified: &Verified) -> Result<Caller, AppError> {
        if revocations::is_revoked(self.store().db(), &verified.id).await? {
            return Err(AppError::Unauthenticated("invalid token: it was revoked".to_owned()));
        }
        Ok(verified.caller)
    }

    /// Revokes a token for every replica sharing this database; `by` is the admin agent
    /// (None from the command line). Returns the stored revocation.
    pub async fn revoke_token(&self, what: Revoke, by: Option<vf::AgentId>) -> Result<revoked_token::Model, AppError> {
        let (jti, subject, expires_at) = match what {
            Revoke::Token(token) => {
                let v = self
                    .authority()
                    .verify_signature(token.trim())
                    .map_err(|e| AppError::invalid("token", format!("not a token this node can check: {e}")))?;
                let exp = chrono::DateTime::from_timestamp(v.expires_at, 0)
                    .map(|t| vf::Timestamp::from_datetime(t).to_rfc3339());
                (v.id, v.caller.agent.map(|a| a.uuid()), exp)
            }
            Revoke::Id { id, expires_at } => {
                let id = id.trim().to_owned();
                if id.is_empty() || id.len() > MAX_ID_LEN {
                    return Err(AppError::invalid("id", format!("a token id is 1 to {MAX_ID_LEN} characters")));
                }
                (id, None, expires_at.map(|t| t.to_rfc3339()))
            }
        };
        let db = self.store().db();
        forget_expired(db).await?;
        let row = revoked_token::Model {
            jti,
            subject,
            expires_at,
            revoked_at: vf::Timestamp::from_datetime(chrono::Utc::now()).to_rfc3339(),
            revoked_by: by.map(|a| a.uuid()),
        };
        let row = revocations::revoke(db, row).await?;
        tracing::info!(jti = %row.jti, "token revoked");
        self.inner.revoked.send_modify(|n| *n = n.wrapping_add(1));
        Ok(row)
    }

    /// Why a token that once passed [`App::admit`] may no longer be used (it expired, with
    /// the clock skew allowed, or was revoked since), or None. Open WebSocket sessions ask.
    pub async fn no_longer_valid(&self, verified: &Verified) -> Result<Option<&'static str>, AppError> {
        if verified.expires_at + MAX_SKEW_SECS < chrono::Utc::now().timestamp() {
            return Ok(Some("the token expired"));
        }
        Ok(revocations::is_revoked(self.store().db(), &verified.id).await?.then_some("the token was revoked"))
    }

    /// Reads the token keys again (the files of the data directory, or `auth.token_key`) and
    /// uses them from now on; returns a summary for the log. On error the keys in use stay.
    pub fn reload_token_keys(&self) -> anyhow::Result<String> {
        let cfg = self.config();
        let configured = cfg.auth.token_key.as_ref().map(crate::config::Secret::expose);
        let keys = Keyring::load(&cfg.data_dir, configured)?;
        if keys.current().is_none() {
            anyhow::bail!("no token key in {}", crate::auth::keys::key_dir(&cfg.data_dir).display());
        }
        self.authority().replace(&keys)?;
        Ok(keys.summary())
    }
}

/// Forgets revocations of tokens that have expired (beyond the clock skew allowed).
pub async fn forget_expired<C: ConnectionTrait>(db: &C) -> Result<u64, AppError> {
    let before = chrono::Utc::now() - chrono::Duration::seconds(MAX_SKEW_SECS + 1);
    Ok(revocations::purge(db, &vf::Timestamp::from_datetime(before).to_rfc3339()).await?)
}
