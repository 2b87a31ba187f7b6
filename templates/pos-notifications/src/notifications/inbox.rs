//! A person's in-app notifications: the bell's count and the notification
//! centre. Only deliveries the worker has sent show, so the bell and the
//! live feed agree.

use serde::Serialize;
use sqlx::{any::AnyRow, AnyPool, Row};

use super::{events, message};
use crate::{api::PageMeta, pagination::Pagination, web::Lang, AppError};

/// One notification in a person's list, worded in their page's language.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// The delivery's id, as in the live feed.
    pub id: i64,
    pub event: String,
    pub title: String,
    pub body: String,
    /// The page in the app it leads to.
    pub link: Option<String>,
    pub created_at: String,
    pub read_at: Option<String>,
}

const MINE: &str = "d.user_id = $1 AND d.channel = 'in_app' AND d.status = 'sent'";

/// The person's notifications, newest first.
pub async fn list(
    db: &AnyPool,
    user_id: i64,
    unread_only: bool,
    page: Pagination,
    lang: Lang,
) -> Result<(Vec<Item>, PageMeta), AppError> {
    let unread = if unread_only {
        " AND d.read_at IS NULL"
    } else {
        ""
    };
    let rows = sqlx::query(&format!(
        "SELECT d.id, n.event, n.fields, n.link, n.created_at, d.read_at \
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id \
         WHERE {MINE}{unread} ORDER BY d.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(user_id)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(db)
    .await?;
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM notification_deliveries d WHERE {MINE}{unread}"
    ))
    .bind(user_id)
    .fetch_one(db)
    .await?;
    let items = rows
        .iter()
        .map(|row| item(row, lang))
        .collect::<Result<_, _>>()?;
    Ok((items, page.meta(total)))
}

fn item(row: &AnyRow, lang: Lang) -> Result<Item, AppError> {
    let name: String = row.try_get("event")?;
    let fields: String = row.try_get("fields")?;
    let fields: message::Fields = serde_json::from_str(&fields)
        .map_err(|err| anyhow::anyhow!("notification fields are not JSON: {err}"))?;
    let link: String = row.try_get("link")?;
    let (title, body) = match events::find(&name) {
        Some(event) => {
            let message = message::render(event, &fields, "", lang, None);
            (message.title, message.body)
        }
        None => (name.clone(), String::new()),
    };
    Ok(Item {
        id: row.try_get("id")?,
        event: name,
        title,
        body,
        link: (!link.is_empty()).then_some(link),
        created_at: row.try_get("created_at")?,
        read_at: row.try_get("read_at")?,
    })
}

/// How many of the person's notifications they have not read.
pub async fn unread(db: &AnyPool, user_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM notification_deliveries d WHERE {MINE} AND d.read_at IS NULL"
    ))
    .bind(user_id)
    .fetch_one(db)
    .await?)
}

/// Marks one of the person's notifications read (again harmlessly).
pub async fn mark_read(db: &AnyPool, user_id: i64, id: i64) -> Result<(), AppError> {
    let done = sqlx::query(&format!(
        "UPDATE notification_deliveries SET read_at = COALESCE(read_at, $3) \
         WHERE id = $2 AND {}",
        MINE.replace("d.", "")
    ))
    .bind(user_id)
    .bind(id)
    .bind(crate::clock::now_utc())
    .execute(db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound(format!("Notification {id} not found.")));
    }
    Ok(())
}

/// Marks all the person's notifications read; returns how many were unread.
pub async fn mark_all_read(db: &AnyPool, user_id: i64) -> Result<u64, AppError> {
    let done = sqlx::query(&format!(
        "UPDATE notification_deliveries SET read_at = $2 WHERE read_at IS NULL AND {}",
        MINE.replace("d.", "")
    ))
    .bind(user_id)
    .bind(crate::clock::now_utc())
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
