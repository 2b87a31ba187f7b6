//! Sign-in sessions, kept in the database so any app instance can serve any
//! request. The cookie holds a random secret; the table holds its SHA-256.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::{AnyPool, Row};

use super::{permissions::Role, secret, settings::AuthSettings, Actor};
use crate::clock;

/// How long the gap between a correct password and the second factor may be.
const SECOND_FACTOR_WINDOW: Duration = Duration::from_secs(5 * 60);
/// `last_seen_at` is written at most this often per session, so reads stay reads.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// The request's client, as recorded with sessions and audit entries.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A time `offset` away from now in the stored format; `later` picks the direction.
pub(super) fn stamp(offset: Duration, later: bool) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let at = if later {
        now.saturating_add(offset)
    } else {
        now.saturating_sub(offset)
    };
    clock::format_utc(at)
}

/// Starts a session and returns the secret for the cookie. A `pending`
/// session only lets its holder give the second factor.
pub async fn start(
    db: &AnyPool,
    settings: &AuthSettings,
    user_id: i64,
    pending: bool,
    client: &Client,
) -> Result<String, sqlx::Error> {
    let secret = secret::generate();
    let now = clock::now_utc();
    let lifetime = if pending {
        SECOND_FACTOR_WINDOW
    } else {
        settings.lifetime
    };
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, pending_second_factor, created_at, \
                               last_seen_at, expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
    )
    .bind(secret::digest(&secret))
    .bind(user_id)
    .bind(i32::from(pending))
    .bind(&now)
    .bind(stamp(lifetime, true))
    .bind(client.ip.as_deref())
    .bind(client.user_agent.as_deref().map(|ua| truncate(ua, 300)))
    .execute(db)
    .await?;
    Ok(secret)
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// What a session cookie opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A signed-in person.
    SignedIn(Actor),
    /// Password given, second factor still due.
    AwaitingSecondFactor { session_id: i64, user_id: i64 },
}

/// The live session behind a cookie secret, if any: not expired, not idle for
/// too long, of an active account.
pub async fn find(
    db: &AnyPool,
    settings: &AuthSettings,
    secret: &str,
) -> Result<Option<Found>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.id, s.user_id, s.pending_second_factor, s.last_seen_at, \
                u.email, u.name, u.role \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.active = 1",
    )
    .bind(secret::digest(secret))
    .bind(clock::now_utc())
    .bind(stamp(settings.idle, false))
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let session_id: i64 = row.try_get("id")?;
    let user_id: i64 = row.try_get("user_id")?;
    if row.try_get::<i32, _>("pending_second_factor")? != 0 {
        return Ok(Some(Found::AwaitingSecondFactor {
            session_id,
            user_id,
        }));
    }
    let last_seen: String = row.try_get("last_seen_at")?;
    if last_seen < stamp(TOUCH_EVERY, false) {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(clock::now_utc())
            .bind(session_id)
            .execute(db)
            .await?;
    }
    let role: String = row.try_get("role")?;
    let Some(role) = Role::parse(&role) else {
        return Ok(None);
    };
    Ok(Some(Found::SignedIn(Actor::User {
        id: user_id,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role,
        session_id,
    })))
}

/// Ends one session.
pub async fn end(db: &AnyPool, session_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(session_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of an account.
pub async fn end_all(db: &AnyPool, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Removes sessions that can no longer be used; run at start.
pub async fn sweep(db: &AnyPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(clock::now_utc())
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
