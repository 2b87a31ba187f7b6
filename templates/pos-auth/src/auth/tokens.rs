//! API tokens for integrations: a name, a role, and a secret shown once.

use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, AnyPool, FromRow, Row};

use super::{audit, permissions::Role, secret, sessions::stamp, users, Actor};
use crate::{clock, validate::Problems, AppError};

/// Tokens carry this prefix, so a leaked one is easy to recognise in a scan.
pub const PREFIX: &str = "pct_";

/// A token as listed: never its secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl FromRow<'_, AnyRow> for ApiToken {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let role: String = row.try_get("role")?;
        Ok(Self {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            role: Role::parse(&role).ok_or_else(|| sqlx::Error::ColumnDecode {
                index: "role".into(),
                source: format!("unknown role {role}").into(),
            })?,
            created_at: row.try_get("created_at")?,
            last_used_at: row.try_get("last_used_at")?,
            revoked_at: row.try_get("revoked_at")?,
        })
    }
}

/// A token just created, with the secret its owner must copy now.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: ApiToken,
    pub secret: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewToken {
    pub name: Option<String>,
    pub role: Option<String>,
}

const COLUMNS: &str = "id, name, role, created_at, last_used_at, revoked_at";

pub async fn create(
    db: &AnyPool,
    actor: &Actor,
    request: &NewToken,
) -> Result<CreatedToken, AppError> {
    let mut problems = Problems::default();
    let name = problems.text("name", request.name.as_deref(), 100);
    let role = users::check_role(&mut problems, request.role.as_deref());
    problems.finish()?;
    let role = role.expect("a valid request has a role");
    let secret = format!("{PREFIX}{}", secret::generate());
    let token = sqlx::query_as::<_, ApiToken>(&format!(
        "INSERT INTO api_tokens (name, role, token_hash, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
    ))
    .bind(&name)
    .bind(role.as_str())
    .bind(secret::digest(&secret))
    .bind(actor.user_id())
    .bind(clock::now_utc())
    .fetch_one(db)
    .await?;
    let detail = format!("{name} ({role})");
    audit::record(db, audit::Event::TokenCreated.by(actor).detail(&detail)).await?;
    Ok(CreatedToken { token, secret })
}

pub async fn list(db: &AnyPool) -> Result<Vec<ApiToken>, AppError> {
    Ok(sqlx::query_as::<_, ApiToken>(&format!(
        "SELECT {COLUMNS} FROM api_tokens ORDER BY revoked_at IS NOT NULL, name, id"
    ))
    .fetch_all(db)
    .await?)
}

/// Revokes a token; revoking a revoked token changes nothing.
pub async fn revoke(db: &AnyPool, actor: &Actor, id: i64) -> Result<ApiToken, AppError> {
    let revoked =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(clock::now_utc())
            .bind(id)
            .execute(db)
            .await?;
    let token =
        sqlx::query_as::<_, ApiToken>(&format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1"))
            .bind(id)
            .fetch_optional(db)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("No API token with id {id}.")))?;
    if revoked.rows_affected() > 0 {
        audit::record(db, audit::Event::TokenRevoked.by(actor).detail(&token.name)).await?;
    }
    Ok(token)
}

/// The actor behind a bearer secret, if it names a live token.
pub async fn find(db: &AnyPool, secret: &str) -> Result<Option<Actor>, sqlx::Error> {
    if !secret.starts_with(PREFIX) {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT id, name, role, last_used_at FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(secret::digest(secret))
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
    let last_used: Option<String> = row.try_get("last_used_at")?;
    // Written at most once a minute, so a busy integration does not turn every read into a write.
    if last_used.is_none_or(|at| at < stamp(std::time::Duration::from_secs(60), false)) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(clock::now_utc())
            .bind(id)
            .execute(db)
            .await?;
    }
    let role: String = row.try_get("role")?;
    Ok(Role::parse(&role).map(|role| Actor::Token {
        id,
        name: row.try_get("name").unwrap_or_default(),
        role,
    }))
}
