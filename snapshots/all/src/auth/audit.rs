//! The security audit log: sign-ins, account and token changes. Failed
//! sign-ins recorded here are also what the sign-in rate limit counts.

use serde::Serialize;
use sqlx::{any::AnyRow, AnyPool, FromRow, Row};

use super::Actor;
use crate::{api::PageMeta, clock, pagination::Pagination};

/// What happened. Stored by name, so the names must never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    LoginSucceeded,
    LoginFailed,
    LoginRateLimited,
    Logout,
    PasswordChanged,
    PasswordResetIssued,
    PasswordReset,
    RoleChanged,
    UserCreated,
    UserDisabled,
    UserEnabled,
    TwoFactorEnabled,
    TwoFactorDisabled,
    RecoveryCodeUsed,
    TokenCreated,
    TokenRevoked,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::LoginRateLimited => "login_rate_limited",
            Self::Logout => "logout",
            Self::PasswordChanged => "password_changed",
            Self::PasswordResetIssued => "password_reset_issued",
            Self::PasswordReset => "password_reset",
            Self::RoleChanged => "role_changed",
            Self::UserCreated => "user_created",
            Self::UserDisabled => "user_disabled",
            Self::UserEnabled => "user_enabled",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::TokenCreated => "token_created",
            Self::TokenRevoked => "token_revoked",
        }
    }

    /// An entry for this event done by `actor`.
    pub fn by(self, actor: &Actor) -> Entry {
        let mut entry = Entry::new(self);
        entry.actor_id = actor.user_id();
        if let Actor::Token { name, .. } = actor {
            entry.detail = format!("token {name}");
        }
        entry
    }
}

/// One line of the log, built up before it is recorded.
#[derive(Debug, Clone)]
pub struct Entry {
    event: Event,
    actor_id: Option<i64>,
    user_id: Option<i64>,
    email: Option<String>,
    ip: Option<String>,
    detail: String,
}

impl Entry {
    pub fn new(event: Event) -> Self {
        Self {
            event,
            actor_id: None,
            user_id: None,
            email: None,
            ip: None,
            detail: String::new(),
        }
    }

    /// The account the event concerns.
    pub fn about(mut self, user_id: i64) -> Self {
        self.user_id = Some(user_id);
        self
    }

    pub fn email(mut self, email: &str) -> Self {
        self.email = Some(email.to_owned());
        self
    }

    pub fn ip(mut self, ip: Option<&str>) -> Self {
        self.ip = ip.map(str::to_owned);
        self
    }

    pub fn detail(mut self, detail: &str) -> Self {
        if self.detail.is_empty() {
            detail.clone_into(&mut self.detail);
        } else {
            self.detail = format!("{}; {detail}", self.detail);
        }
        self
    }
}

pub async fn record(db: &AnyPool, entry: Entry) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (event, actor_id, user_id, email, ip, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.event.as_str())
    .bind(entry.actor_id)
    .bind(entry.user_id)
    .bind(entry.email)
    .bind(entry.ip)
    .bind(entry.detail)
    .bind(clock::now_utc())
    .execute(db)
    .await?;
    Ok(())
}

/// One recorded event as the API and the audit page show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub id: i64,
    pub event: String,
    pub actor: Option<String>,
    pub user: Option<String>,
    pub email: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
    pub created_at: String,
}

impl FromRow<'_, AnyRow> for Record {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.try_get("id")?,
            event: row.try_get("event")?,
            actor: row.try_get("actor")?,
            user: row.try_get("subject")?,
            email: row.try_get("email")?,
            ip: row.try_get("ip")?,
            detail: row.try_get("detail")?,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// The log, newest first, optionally one event type only.
pub async fn list(
    db: &AnyPool,
    event: Option<&str>,
    page: Pagination,
) -> Result<(Vec<Record>, PageMeta), sqlx::Error> {
    let records = sqlx::query_as::<_, Record>(
        "SELECT a.id, a.event, actor.email AS actor, subject.email AS subject, a.email, a.ip, \
                a.detail, a.created_at \
         FROM audit_log a \
         LEFT JOIN users actor ON actor.id = a.actor_id \
         LEFT JOIN users subject ON subject.id = a.user_id \
         WHERE ($1 = '' OR a.event = $1) \
         ORDER BY a.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(event.unwrap_or_default())
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE ($1 = '' OR event = $1)")
            .bind(event.unwrap_or_default())
            .fetch_one(db)
            .await?;
    Ok((records, page.meta(total)))
}
