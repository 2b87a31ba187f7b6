//! Browsers and phones a person registered for push notifications, by the
//! registration token Firebase gave them.

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, Row};

use crate::{clock, validate::Problems, AppError};

/// FCM registration tokens are about 160 characters; leave room.
const TOKEN_MAX_CHARS: usize = 4096;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceRequest {
    pub token: Option<String>,
    /// A name the person recognises, e.g. "Quầy 1".
    pub label: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub id: i64,
    pub label: String,
    pub created_at: String,
}

/// Registers a device for the person; a token registered before (by anyone:
/// the device changed hands) now belongs to them.
pub async fn register(
    db: &AnyPool,
    user_id: i64,
    request: &DeviceRequest,
) -> Result<Device, AppError> {
    let mut problems = Problems::default();
    let token = problems.text("token", request.token.as_deref(), TOKEN_MAX_CHARS);
    let label = problems
        .optional_text("label", request.label.as_deref(), 100)
        .unwrap_or_default();
    problems.finish()?;
    let row = sqlx::query(
        "INSERT INTO push_devices (user_id, token, label, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (token) DO UPDATE SET user_id = excluded.user_id, label = excluded.label \
         RETURNING id, label, created_at",
    )
    .bind(user_id)
    .bind(token)
    .bind(label)
    .bind(clock::now_utc())
    .fetch_one(db)
    .await?;
    Ok(Device {
        id: row.try_get("id")?,
        label: row.try_get("label")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Forgets one of the person's devices.
pub async fn remove(db: &AnyPool, user_id: i64, id: i64) -> Result<(), AppError> {
    let done = sqlx::query("DELETE FROM push_devices WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(db)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound(format!("Device {id} not found.")));
    }
    Ok(())
}
