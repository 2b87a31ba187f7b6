//! Every delivery of every notification, for the admin who keeps an eye on
//! the providers: filter by status, and send a failed or dead one again.

use serde::Serialize;
use sqlx::{AnyPool, Row};

use super::outbox::Status;
use crate::{
    api::PageMeta,
    pagination::Pagination,
    validate::{Problem, Problems},
    AppError,
};

/// One delivery as the admin page and API show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub id: i64,
    pub notification_id: i64,
    pub event: String,
    pub user_id: i64,
    pub user_email: String,
    pub channel: String,
    /// Masked: enough to tell numbers and devices apart, not to copy them.
    pub address: String,
    pub status: String,
    pub attempts: i64,
    /// Unix seconds: the next try (queued, failed) or when a claim lapses.
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub created_at: String,
}

/// Parses the `status` filter: empty for all.
pub fn status_filter(raw: Option<&str>) -> Result<Option<Status>, AppError> {
    match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
        None => Ok(None),
        Some(raw) => {
            let status = Status::parse(raw);
            let mut problems = Problems::default();
            problems.check(
                status.is_some(),
                "status",
                Problem::Worded("must be queued, sending, sent, failed or dead".into()),
            );
            problems.finish()?;
            Ok(status)
        }
    }
}

/// Deliveries with `status` (all when `None`), newest first.
pub async fn list(
    db: &AnyPool,
    status: Option<Status>,
    page: Pagination,
) -> Result<(Vec<Delivery>, PageMeta), AppError> {
    let filter = if status.is_some() {
        "WHERE d.status = $3"
    } else {
        ""
    };
    let sql = format!(
        "SELECT d.id, d.notification_id, n.event, d.user_id, u.email, d.channel, d.address, \
                d.status, d.attempts, d.next_attempt_at, d.last_error, d.sent_at, d.created_at \
         FROM notification_deliveries d \
         JOIN notifications n ON n.id = d.notification_id \
         JOIN users u ON u.id = d.user_id \
         {filter} ORDER BY d.id DESC LIMIT $1 OFFSET $2"
    );
    let mut query = sqlx::query(&sql).bind(page.limit()).bind(page.offset());
    let count_sql = format!(
        "SELECT COUNT(*) FROM notification_deliveries d {}",
        filter.replace("$3", "$1")
    );
    let mut count = sqlx::query_scalar(&count_sql);
    if let Some(status) = status {
        query = query.bind(status.as_str());
        count = count.bind(status.as_str());
    }
    let rows = query.fetch_all(db).await?;
    let total: i64 = count.fetch_one(db).await?;
    let deliveries = rows
        .iter()
        .map(|row| {
            let channel: String = row.try_get("channel")?;
            let address: String = row.try_get("address")?;
            Ok(Delivery {
                id: row.try_get("id")?,
                notification_id: row.try_get("notification_id")?,
                event: row.try_get("event")?,
                user_id: row.try_get("user_id")?,
                user_email: row.try_get("email")?,
                address: mask(&channel, &address),
                channel,
                status: row.try_get("status")?,
                attempts: row.try_get("attempts")?,
                next_attempt_at: row.try_get("next_attempt_at")?,
                last_error: row.try_get("last_error")?,
                sent_at: row.try_get("sent_at")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((deliveries, page.meta(total)))
}

/// Phone numbers keep their last three digits and device tokens their first
/// eight characters; email addresses show as they are (the page lists the
/// account's address anyway).
fn mask(channel: &str, address: &str) -> String {
    match channel {
        "sms" => {
            let keep = address.len().saturating_sub(3);
            format!("…{}", address.get(keep..).unwrap_or_default())
        }
        "push" => format!("{}…", address.chars().take(8).collect::<String>()),
        _ => address.to_owned(),
    }
}

/// Queues a failed or dead delivery to be tried again now, with a fresh count
/// of tries.
pub async fn retry(db: &AnyPool, id: i64, now: i64) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE notification_deliveries \
         SET status = 'queued', attempts = 0, next_attempt_at = $2 \
         WHERE id = $1 AND status IN ('failed', 'dead')",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    if done.rows_affected() == 1 {
        tracing::info!(delivery = id, "delivery queued again by hand");
        return Ok(());
    }
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM notification_deliveries WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    match status {
        None => Err(AppError::NotFound(format!("Delivery {id} not found."))),
        Some(status) => Err(AppError::Conflict(format!(
            "Delivery {id} is {status}; only a failed or dead delivery can be sent again."
        ))),
    }
}
