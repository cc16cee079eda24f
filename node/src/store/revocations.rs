//! Revoked token ids: looked up on every authenticated request, added by an admin, and
//! forgotten once the token would have expired anyway.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::entity::revoked_token::{self, Column};

/// True when the token `jti` is revoked.
pub async fn is_revoked<C: ConnectionTrait>(db: &C, jti: &str) -> Result<bool, DbErr> {
    let found: Option<String> = revoked_token::Entity::find()
        .select_only()
        .column(Column::Jti)
        .filter(Column::Jti.eq(jti))
        .into_tuple()
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// Stores a revocation. Revoking a token again keeps the first revocation, completing
/// its expiry and subject when they were unknown; returns the stored row.
pub async fn revoke<C: ConnectionTrait>(db: &C, row: revoked_token::Model) -> Result<revoked_token::Model, DbErr> {
    let jti = row.jti.clone();
    let existing = revoked_token::Entity::find_by_id(jti.clone()).one(db).await?;
    let row = match existing {
        Some(old) => revoked_token::Model {
            subject: old.subject.or(row.subject),
            expires_at: old.expires_at.or(row.expires_at),
            ..old
        },
        None => row,
    };
    revoked_token::Entity::insert(revoked_token::ActiveModel {
        jti: Set(row.jti.clone()),
        subject: Set(row.subject),
        expires_at: Set(row.expires_at.clone()),
        revoked_at: Set(row.revoked_at.clone()),
        revoked_by: Set(row.revoked_by),
    })
    .on_conflict(OnConflict::column(Column::Jti).update_columns([Column::Subject, Column::ExpiresAt]).to_owned())
    .exec_without_returning(db)
    .await?;
    Ok(row)
}

/// Forgets the revocations of tokens that expired before `before` (canonical RFC 3339);
/// returns how many.
pub async fn purge<C: ConnectionTrait>(db: &C, before: &str) -> Result<u64, DbErr> {
    let done = revoked_token::Entity::delete_many()
        .filter(Column::ExpiresAt.is_not_null())
        .filter(Column::ExpiresAt.lt(before))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Every revocation held, oldest first.
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<revoked_token::Model>, DbErr> {
    revoked_token::Entity::find().order_by_asc(Column::RevokedAt).order_by_asc(Column::Jti).all(db).await
}
