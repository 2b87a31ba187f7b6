//! Password reset by a single-use link that expires after an hour.

use std::time::Duration;

use sqlx::{AnyConnection, AnyPool, Row};

use super::{audit, secret, sessions::stamp, users, Actor};
use crate::{clock, validate::Problems, AppError};

pub const VALID_FOR: Duration = Duration::from_secs(60 * 60);

/// Issues a reset token for an account and returns the secret to hand over
/// (in a link: `/reset-password?token=…`). Earlier unused tokens stop working.
pub async fn issue(db: &AnyPool, actor: &Actor, user_id: i64) -> Result<String, AppError> {
    let user = users::get(db, user_id).await?;
    users::may_manage(actor, user.role)?;
    let mut tx = db.begin().await?;
    let secret = store_token(&mut tx, user_id).await?;
    tx.commit().await?;
    audit::record(
        db,
        audit::Event::PasswordResetIssued.by(actor).about(user_id),
    )
    .await?;
    Ok(secret)
}

/// Stores a new reset token for `user_id` in the caller's transaction and
/// returns its secret; earlier unused tokens stop working. Only the token's
/// digest is kept.
pub async fn store_token(conn: &mut AnyConnection, user_id: i64) -> Result<String, sqlx::Error> {
    let secret = secret::generate();
    let now = clock::now_utc();
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(&now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(secret::digest(&secret))
    .bind(user_id)
    .bind(&now)
    .bind(stamp(VALID_FOR, true))
    .execute(conn)
    .await?;
    Ok(secret)
}

/// Sets a new password with a reset token, which is used up whatever happens
/// next; every session of the account ends.
pub async fn complete(
    db: &AnyPool,
    token: &str,
    new_password: Option<&str>,
) -> Result<(), AppError> {
    let mut problems = Problems::default();
    users::check_password(&mut problems, "password", new_password);
    problems.finish()?;
    let claimed = sqlx::query(
        "UPDATE password_resets SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(clock::now_utc())
    .bind(secret::digest(token.trim()))
    .fetch_optional(db)
    .await?;
    let Some(row) = claimed else {
        return Err(AppError::BadRequest(
            "This reset link is not valid: it was used, replaced or has expired.".into(),
        ));
    };
    let user_id: i64 = row.try_get("user_id")?;
    users::set_password(db, &Actor::Operator, user_id, new_password).await?;
    audit::record(
        db,
        audit::Entry::new(audit::Event::PasswordReset).about(user_id),
    )
    .await?;
    Ok(())
}
