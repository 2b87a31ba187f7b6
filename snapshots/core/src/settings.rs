//! Shop-wide key/value settings, kept in the `settings` table.

use sqlx::AnyPool;

use crate::clock;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Setting {
    pub key: String,
    pub value: String,
    /// ISO-8601 UTC, see [`clock::now_utc`].
    pub updated_at: String,
}

/// Reads one setting; `None` when it was never set.
pub async fn get(db: &AnyPool, key: &str) -> Result<Option<Setting>, sqlx::Error> {
    sqlx::query_as("SELECT key, value, updated_at FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(db)
        .await
}

/// Creates or replaces one setting and returns it as stored.
pub async fn set(db: &AnyPool, key: &str, value: &str) -> Result<Setting, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at \
         RETURNING key, value, updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(clock::now_utc())
    .fetch_one(db)
    .await
}
