//! Signing in: password, then the second factor when the account has one,
//! with failed attempts limited per account and per client address.

use std::time::Duration;

use sqlx::AnyPool;

use super::{
    audit::{self, Event},
    guard::PendingSignIn,
    password,
    sessions::{self, stamp, Client},
    settings::AuthSettings,
    two_factor, users,
};
use crate::AppError;

/// Failed attempts counted over this window…
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// …at most this many per email since its last successful sign-in…
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// …and this many per client address, whatever the emails.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;

/// The one answer for an unknown email, a wrong password and a disabled
/// account, so the answer does not tell which emails have accounts.
pub const BAD_CREDENTIALS: &str = "Wrong email or password.";
pub const RATE_LIMITED: &str = "Too many failed sign-ins. Wait a few minutes and try again.";

/// Where a correct password leads.
#[derive(Debug)]
pub enum Outcome {
    /// Signed in: the cookie secret of the new session.
    SignedIn { secret: String, user_id: i64 },
    /// The account has two-factor sign-in: the cookie secret of a session
    /// that opens only the second step.
    SecondFactorDue { secret: String },
}

/// Checks email and password and starts a session. Every failure looks the
/// same and takes about the same time.
pub async fn with_password(
    db: &AnyPool,
    settings: &AuthSettings,
    email: &str,
    password_given: &str,
    client: &Client,
) -> Result<Outcome, AppError> {
    let email = users::normalise_email(email);
    check_rate(db, &email, client).await?;
    let found = users::credentials(db, &email).await?;
    let given = password_given.to_owned();
    let verified = tokio::task::spawn_blocking(move || match found {
        Some(account) if password::verify(&given, &account.password_hash) => Some(account),
        Some(_) => None,
        None => {
            password::verify_nothing(&given);
            None
        }
    })
    .await
    .map_err(anyhow::Error::from)?;
    let Some(account) = verified.filter(|account| account.active) else {
        fail(db, &email, client, "password").await?;
        return Err(AppError::Unauthorized(BAD_CREDENTIALS.into()));
    };
    let user_id = account.id;
    if account.totp_enabled {
        let secret = sessions::start(db, settings, user_id, true, client).await?;
        return Ok(Outcome::SecondFactorDue { secret });
    }
    let secret = sessions::start(db, settings, user_id, false, client).await?;
    succeed(db, &email, user_id, client).await?;
    Ok(Outcome::SignedIn { secret, user_id })
}

/// The second step: a TOTP code or a recovery code for the account of a
/// pending session. On success the pending session is replaced by a new one.
pub async fn with_second_factor(
    db: &AnyPool,
    settings: &AuthSettings,
    pending: PendingSignIn,
    code: Option<&str>,
    recovery_code: Option<&str>,
    issuer: &str,
    client: &Client,
) -> Result<String, AppError> {
    let user_id = pending.user_id;
    let user = users::get(db, user_id).await?;
    check_rate(db, &user.email, client).await?;
    let passed = match (code, recovery_code) {
        (_, Some(recovery)) if !recovery.trim().is_empty() => {
            two_factor::use_recovery_code(db, user_id, recovery).await?
        }
        (Some(code), _) => two_factor::check_code(db, user_id, code, issuer).await?,
        _ => false,
    };
    if !passed {
        fail(db, &user.email, client, "second factor").await?;
        return Err(AppError::Unauthorized(
            "That code is not right, or was already used.".into(),
        ));
    }
    sessions::end(db, pending.session_id).await?;
    let secret = sessions::start(db, settings, user_id, false, client).await?;
    succeed(db, &user.email, user_id, client).await?;
    Ok(secret)
}

/// Refuses with 429 when the email or the address has too many recent failures.
async fn check_rate(db: &AnyPool, email: &str, client: &Client) -> Result<(), AppError> {
    let since = stamp(WINDOW, false);
    let by_account: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log \
         WHERE event = 'login_failed' AND email = $1 AND created_at > $2 \
           AND created_at > COALESCE((SELECT MAX(created_at) FROM audit_log \
                                      WHERE event = 'login_succeeded' AND email = $1), '')",
    )
    .bind(email)
    .bind(&since)
    .fetch_one(db)
    .await?;
    let by_address: i64 = match &client.ip {
        Some(ip) => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_log \
                 WHERE event = 'login_failed' AND ip = $1 AND created_at > $2",
            )
            .bind(ip)
            .bind(&since)
            .fetch_one(db)
            .await?
        }
        None => 0,
    };
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
        let entry = audit::Entry::new(Event::LoginRateLimited)
            .email(email)
            .ip(client.ip.as_deref());
        audit::record(db, entry).await?;
        return Err(AppError::RateLimited(RATE_LIMITED.into()));
    }
    Ok(())
}

async fn fail(db: &AnyPool, email: &str, client: &Client, what: &str) -> Result<(), sqlx::Error> {
    let entry = audit::Entry::new(Event::LoginFailed)
        .email(email)
        .ip(client.ip.as_deref())
        .detail(what);
    audit::record(db, entry).await
}

async fn succeed(
    db: &AnyPool,
    email: &str,
    user_id: i64,
    client: &Client,
) -> Result<(), sqlx::Error> {
    let entry = audit::Entry::new(Event::LoginSucceeded)
        .email(email)
        .about(user_id)
        .ip(client.ip.as_deref());
    audit::record(db, entry).await
}
