//! The outbox of outgoing webhooks: claiming due deliveries for sending,
//! recording how each try went, and the log the admin reads.
//!
//! A delivery moves `pending → sending → delivered`. A failed try puts it
//! back to `pending` with a later `next_attempt_at`, or makes it `dead` after
//! the last try. While `sending`, `next_attempt_at` is when the claim lapses:
//! a worker killed mid-send leaves the delivery to be claimed again then.
//! Recording an outcome checks that the claim still holds (same status and
//! try count), so a delivery recorded as delivered is never claimed again.

use serde::Serialize;
use sqlx::{AnyPool, Row};

use crate::{
    api::PageMeta,
    clock, db,
    pagination::Pagination,
    validate::{Problem, Problems},
    AppError,
};

/// Where a delivery stands.
pub const STATUSES: [&str; 4] = ["pending", "sending", "delivered", "dead"];

/// A delivery a worker holds, with what it needs to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub payload: String,
    /// This try's number, 1 for the first; part of the claim.
    pub attempt: i64,
}

/// Claims up to `limit` due deliveries for `lease_seconds`, counting the try.
pub async fn claim(
    db: &AnyPool,
    now: i64,
    lease_seconds: i64,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    // A read first: an idle worker then never takes SQLite's write lock.
    let due: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM webhook_deliveries \
         WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1 LIMIT 1",
    )
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    let skip_locked = db::skip_locked(&conn);
    // One statement: on SQLite it runs under the database's write lock, on
    // PostgreSQL the subquery locks the rows it picks and skips those another
    // instance is claiming.
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "UPDATE webhook_deliveries \
         SET status = 'sending', attempts = attempts + 1, next_attempt_at = $1 \
         WHERE id IN (SELECT id FROM webhook_deliveries \
                      WHERE status IN ('pending', 'sending') AND next_attempt_at <= $2 \
                      ORDER BY next_attempt_at, id LIMIT $3{skip_locked}) \
         RETURNING id"
    ))
    .bind(now.saturating_add(lease_seconds))
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let row = sqlx::query(
            "SELECT d.id, e.url, e.secret, d.event, d.payload, d.attempts \
             FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
             WHERE d.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        claimed.push(Claimed {
            id: row.try_get("id")?,
            url: row.try_get("url")?,
            secret: row.try_get("secret")?,
            event: row.try_get("event")?,
            payload: row.try_get("payload")?,
            attempt: row.try_get("attempts")?,
        });
    }
    Ok(claimed)
}

/// How one try went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The endpoint answered 2xx with this status.
    Delivered { status: u16 },
    /// Try again at this time (unix seconds).
    RetryAt {
        at: i64,
        status: Option<u16>,
        error: String,
    },
    /// Give up: that was the last try.
    Dead { status: Option<u16>, error: String },
}

/// Records `outcome` for a delivery this worker claimed. False when the
/// claim had lapsed and another worker took the delivery over: nothing is
/// changed then.
pub async fn record(
    db: &AnyPool,
    claimed: &Claimed,
    outcome: &Outcome,
) -> Result<bool, sqlx::Error> {
    // The claim holds while the delivery is still `sending` this try.
    let done = match outcome {
        Outcome::Delivered { status } => {
            sqlx::query(
                "UPDATE webhook_deliveries \
                 SET status = 'delivered', response_status = $3, delivered_at = $4, \
                     last_error = NULL \
                 WHERE id = $1 AND status = 'sending' AND attempts = $2",
            )
            .bind(claimed.id)
            .bind(claimed.attempt)
            .bind(i64::from(*status))
            .bind(clock::now_utc())
            .execute(db)
            .await?
        }
        Outcome::RetryAt { at, status, error } => {
            sqlx::query(
                "UPDATE webhook_deliveries \
                 SET status = 'pending', next_attempt_at = $3, response_status = $4, \
                     last_error = $5 \
                 WHERE id = $1 AND status = 'sending' AND attempts = $2",
            )
            .bind(claimed.id)
            .bind(claimed.attempt)
            .bind(*at)
            .bind(status.map(i64::from))
            .bind(error)
            .execute(db)
            .await?
        }
        Outcome::Dead { status, error } => {
            sqlx::query(
                "UPDATE webhook_deliveries \
                 SET status = 'dead', response_status = $3, last_error = $4 \
                 WHERE id = $1 AND status = 'sending' AND attempts = $2",
            )
            .bind(claimed.id)
            .bind(claimed.attempt)
            .bind(status.map(i64::from))
            .bind(error)
            .execute(db)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// One delivery as the admin page and API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub url: String,
    pub event: String,
    pub event_id: String,
    pub status: String,
    pub attempts: i64,
    /// Unix seconds: the next try (pending) or when a claim lapses (sending).
    pub next_attempt_at: i64,
    pub response_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
}

/// Parses the `status` filter: empty for all.
pub fn status_filter(raw: Option<&str>) -> Result<Option<&'static str>, AppError> {
    match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
        None => Ok(None),
        Some(raw) => {
            let status = STATUSES.into_iter().find(|status| *status == raw);
            let mut problems = Problems::default();
            problems.check(
                status.is_some(),
                "status",
                Problem::Worded("must be pending, sending, delivered or dead".into()),
            );
            problems.finish()?;
            Ok(status)
        }
    }
}

/// Deliveries with `status` (all when `None`), newest first.
pub async fn list(
    db: &AnyPool,
    status: Option<&str>,
    page: Pagination,
) -> Result<(Vec<Delivery>, PageMeta), AppError> {
    let filter = if status.is_some() {
        "WHERE d.status = $3"
    } else {
        ""
    };
    let sql = format!(
        "SELECT d.id, d.endpoint_id, e.url, d.event, d.event_id, d.status, d.attempts, \
                d.next_attempt_at, d.response_status, d.last_error, d.created_at, \
                d.delivered_at \
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         {filter} ORDER BY d.id DESC LIMIT $1 OFFSET $2"
    );
    let mut query = sqlx::query(&sql).bind(page.limit()).bind(page.offset());
    let count_sql = format!(
        "SELECT COUNT(*) FROM webhook_deliveries d {}",
        filter.replace("$3", "$1")
    );
    let mut count = sqlx::query_scalar(&count_sql);
    if let Some(status) = status {
        query = query.bind(status);
        count = count.bind(status);
    }
    let rows = query.fetch_all(db).await?;
    let total: i64 = count.fetch_one(db).await?;
    let deliveries = rows
        .iter()
        .map(|row| {
            Ok(Delivery {
                id: row.try_get("id")?,
                endpoint_id: row.try_get("endpoint_id")?,
                url: row.try_get("url")?,
                event: row.try_get("event")?,
                event_id: row.try_get("event_id")?,
                status: row.try_get("status")?,
                attempts: row.try_get("attempts")?,
                next_attempt_at: row.try_get("next_attempt_at")?,
                response_status: row.try_get("response_status")?,
                last_error: row.try_get("last_error")?,
                created_at: row.try_get("created_at")?,
                delivered_at: row.try_get("delivered_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((deliveries, page.meta(total)))
}

/// Queues a dead delivery to be tried again now, with a fresh count of tries.
pub async fn retry(db: &AnyPool, id: i64, now: i64) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2 \
         WHERE id = $1 AND status = 'dead'",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    if done.rows_affected() == 1 {
        tracing::info!(delivery = id, "webhook delivery queued again by hand");
        return Ok(());
    }
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM webhook_deliveries WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    match status {
        None => Err(AppError::NotFound(format!("Delivery {id} not found."))),
        Some(status) => Err(AppError::Conflict(format!(
            "Delivery {id} is {status}; only a dead delivery can be sent again."
        ))),
    }
}
