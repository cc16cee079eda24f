//! Token revocation for operators (`admin`): revoke a token, list the revoked ones. A
//! revoked token is refused (`UNAUTHENTICATED`) on every replica sharing the database.

use async_graphql::{Context, ID, Object};

use super::agent::{Agent, load_agent};
use super::caller;
use super::error::GqlResult;
use super::scalars::DateTime;
use crate::app::tokens::Revoke;
use crate::auth::Scope;
use crate::error::AppError;
use crate::store::{entity::revoked_token, revocations};
use valueflows_model as vf;

/// A revoked token.
pub struct RevokedToken(revoked_token::Model);

fn time(text: &Option<String>) -> Option<DateTime> {
    text.as_deref().and_then(|t| vf::Timestamp::parse(t).ok()).map(DateTime)
}

/// A revoked token: requests bearing it are refused until it would have expired anyway,
/// when its revocation is forgotten.
#[Object]
impl RevokedToken {
    /// The token's id (its `jti` claim).
    async fn id(&self) -> ID {
        ID(self.0.jti.clone())
    }
    /// When the token expires; null when it was revoked by id without its expiry (such a
    /// revocation is kept for good).
    async fn expires_at(&self) -> Option<DateTime> {
        time(&self.0.expires_at)
    }
    /// When it was revoked.
    async fn revoked_at(&self) -> DateTime {
        DateTime(vf::Timestamp::parse(&self.0.revoked_at).unwrap_or_else(|_| vf::Timestamp::unix_epoch()))
    }
    /// The agent the token speaks for, when it was revoked from the token itself.
    async fn agent(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        Ok(match self.0.subject {
            Some(id) => load_agent(ctx, id).await?,
            None => None,
        })
    }
    /// The agent whose admin token revoked it; null when revoked from the command line.
    async fn revoked_by(&self, ctx: &Context<'_>) -> GqlResult<Option<Agent>> {
        Ok(match self.0.revoked_by {
            Some(id) => load_agent(ctx, id).await?,
            None => None,
        })
    }
}

/// Token queries (`admin`).
#[derive(Default)]
pub struct TokenQuery;

#[Object]
impl TokenQuery {
    /// The tokens revoked and not yet expired, oldest revocation first. Needs scope `admin`.
    async fn revoked_tokens(&self, ctx: &Context<'_>) -> GqlResult<Vec<RevokedToken>> {
        caller(ctx).require(Scope::Admin)?;
        let all = revocations::all(super::app(ctx).store().db()).await.map_err(AppError::from)?;
        Ok(all.into_iter().map(RevokedToken).collect())
    }
}

/// Token mutations (`admin`).
#[derive(Default)]
pub struct TokenMutation;

#[Object]
impl TokenMutation {
    /// Revokes a token of this node: from now on every request bearing it is refused with
    /// `UNAUTHENTICATED`. Give either the token itself (`token`), or its id (`id`, the `jti`
    /// claim) with, when known, its expiry (`expiresAt`) so that the revocation can be
    /// forgotten once the token has expired. Needs scope `admin`.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        token: Option<String>,
        id: Option<ID>,
        expires_at: Option<DateTime>,
    ) -> GqlResult<RevokedToken> {
        let admin = caller(ctx).require(Scope::Admin)?;
        let what = match (token, id) {
            (Some(token), None) => {
                if expires_at.is_some() {
                    return Err(
                        AppError::invalid("expiresAt", "`expiresAt` goes with `id`; a token carries its own").into()
                    );
                }
                Revoke::Token(token)
            }
            (None, Some(id)) => Revoke::Id { id: id.0, expires_at: expires_at.map(|t| t.0) },
            _ => return Err(AppError::invalid("id", "give either `token` or `id`").into()),
        };
        Ok(RevokedToken(super::app(ctx).revoke_token(what, Some(admin)).await?))
    }
}
