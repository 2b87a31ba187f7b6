//! Recording that something happened, in the caller's transaction.
//!
//! Nothing is sent here: the notification row commits or rolls back with the
//! change it reports (a sale that fails tells nobody it was paid), and the
//! worker finds it afterwards and works out who receives it and how.

use sqlx::AnyConnection;

use super::{
    events::{Audience, Event},
    message::Fields,
};
use crate::clock;

/// What one notification says: the fields its event's texts name, and
/// where in the app it leads.
#[derive(Debug, Clone, Default)]
pub struct Notice {
    fields: Fields,
    link: String,
}

impl Notice {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the field `{name}` of the event's texts.
    pub fn field(mut self, name: &str, value: impl ToString) -> Self {
        self.fields.insert(name.to_owned(), value.to_string());
        self
    }

    /// The page in the app it leads to, e.g. `/orders/12`.
    pub fn link(mut self, path: impl Into<String>) -> Self {
        self.link = path.into();
        self
    }
}

/// Records `event` for everyone its roles reach.
pub async fn emit(
    conn: &mut AnyConnection,
    event: &'static Event,
    notice: Notice,
) -> Result<i64, sqlx::Error> {
    debug_assert!(
        matches!(event.audience, Audience::Roles(_)),
        "{} goes to one person: use emit_to",
        event.name
    );
    insert(conn, event, None, notice).await
}

/// Records `event` for the one account `user_id`.
pub async fn emit_to(
    conn: &mut AnyConnection,
    event: &'static Event,
    user_id: i64,
    notice: Notice,
) -> Result<i64, sqlx::Error> {
    insert(conn, event, Some(user_id), notice).await
}

async fn insert(
    conn: &mut AnyConnection,
    event: &'static Event,
    user_id: Option<i64>,
    notice: Notice,
) -> Result<i64, sqlx::Error> {
    let fields =
        serde_json::to_string(&notice.fields).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    sqlx::query_scalar(
        "INSERT INTO notifications (event, user_id, fields, link, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(event.name)
    .bind(user_id)
    .bind(fields)
    .bind(notice.link)
    .bind(clock::now_utc())
    .fetch_one(conn)
    .await
}
