//! The deliveries table: writing one delivery per person and channel for
//! each new notification, claiming due ones for sending, and recording how
//! each try went.
//!
//! A delivery moves `queued → sending → sent`. A failed try puts it back as
//! `failed` with a later `next_attempt_at`, or makes it `dead` after the last
//! try or when the provider refused it for good. While `sending`,
//! `next_attempt_at` is when the claim lapses: a worker killed mid-send
//! leaves the delivery to be claimed and sent again then. Recording an
//! outcome checks that the claim still holds (same status and attempt
//! count), so a delivery recorded as sent is never claimed again.

use sqlx::{any::AnyRow, AnyConnection, AnyPool, Row};

use super::{
    channels::{Channel, Channels},
    events::{self, Audience, Event},
    message::Fields,
    preferences,
};
use crate::{clock, db, web::Lang};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Queued,
    Sending,
    Sent,
    Failed,
    Dead,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Queued,
        Status::Sending,
        Status::Sent,
        Status::Failed,
        Status::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Dead => "dead",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }
}

/// Writes the deliveries of up to `limit` notifications nobody has fanned out
/// yet, in one transaction, and returns how many notifications it handled.
pub async fn fan_out(db: &AnyPool, channels: &Channels, limit: i64) -> Result<usize, sqlx::Error> {
    // A read first: an idle worker then never takes SQLite's write lock.
    let waiting: Option<i64> =
        sqlx::query_scalar("SELECT id FROM notifications WHERE fanned_out_at IS NULL LIMIT 1")
            .fetch_optional(db)
            .await?;
    if waiting.is_none() {
        return Ok(0);
    }
    let mut tx = db::begin_write(db).await?;
    let skip_locked = db::skip_locked(&tx);
    let waiting = sqlx::query(&format!(
        "SELECT id, event, user_id FROM notifications WHERE fanned_out_at IS NULL \
         ORDER BY id LIMIT $1{skip_locked}"
    ))
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    let now = clock::now_utc();
    let due = clock::unix_seconds(&now).unwrap_or_default();
    for row in &waiting {
        let id: i64 = row.try_get("id")?;
        let name: String = row.try_get("event")?;
        match events::find(&name) {
            Some(event) => {
                let user_id: Option<i64> = row.try_get("user_id")?;
                for person in recipients(&mut tx, event, user_id).await? {
                    let choices = preferences::choices(&mut tx, person.id).await?;
                    for channel in Channel::ALL {
                        if !channels.offers(channel) || !choices.wants(event, channel) {
                            continue;
                        }
                        for address in addresses(&mut tx, &person, channel).await? {
                            sqlx::query(
                                "INSERT INTO notification_deliveries \
                                     (notification_id, user_id, channel, address, \
                                      next_attempt_at, created_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6) \
                                 ON CONFLICT (notification_id, user_id, channel, address) \
                                 DO NOTHING",
                            )
                            .bind(id)
                            .bind(person.id)
                            .bind(channel.as_str())
                            .bind(address)
                            .bind(due)
                            .bind(&now)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                }
            }
            None => tracing::warn!(
                notification = id,
                event = name,
                "no such event in this build; the notification goes to nobody"
            ),
        }
        sqlx::query("UPDATE notifications SET fanned_out_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(waiting.len())
}

/// An account a notification goes to.
struct Person {
    id: i64,
    email: String,
}

/// The active accounts `event` reaches: everyone holding one of its roles,
/// or the one account the notification names.
async fn recipients(
    conn: &mut AnyConnection,
    event: &Event,
    user_id: Option<i64>,
) -> Result<Vec<Person>, sqlx::Error> {
    let rows = match (event.audience, user_id) {
        (_, Some(user_id)) => {
            sqlx::query("SELECT id, email FROM users WHERE id = $1 AND active = 1")
                .bind(user_id)
                .fetch_all(conn)
                .await?
        }
        (Audience::Roles(roles), None) => {
            let sql = format!(
                "SELECT id, email FROM users WHERE active = 1 AND role IN ({}) ORDER BY id",
                db::placeholders(1, roles.len())
            );
            let mut query = sqlx::query(&sql);
            for role in roles {
                query = query.bind(role.as_str());
            }
            query.fetch_all(conn).await?
        }
        (Audience::User, None) => Vec::new(),
    };
    rows.iter()
        .map(|row| {
            Ok(Person {
                id: row.try_get("id")?,
                email: row.try_get("email")?,
            })
        })
        .collect()
}

/// Where `person` receives `channel`: nowhere when they left no phone
/// number or registered no device.
async fn addresses(
    conn: &mut AnyConnection,
    person: &Person,
    channel: Channel,
) -> Result<Vec<String>, sqlx::Error> {
    Ok(match channel {
        Channel::InApp => vec![String::new()],
        Channel::Email => vec![person.email.clone()],
        Channel::Sms => preferences::contact(conn, person.id)
            .await?
            .phone
            .into_iter()
            .collect(),
        Channel::Push => {
            sqlx::query_scalar("SELECT token FROM push_devices WHERE user_id = $1 ORDER BY id")
                .bind(person.id)
                .fetch_all(conn)
                .await?
        }
    })
}

/// A delivery a worker holds, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub notification_id: i64,
    pub user_id: i64,
    pub channel: Channel,
    pub address: String,
    /// This try's number, 1 for the first; part of the claim.
    pub attempt: i64,
    pub event: String,
    pub fields: Fields,
    pub link: String,
    pub language: Lang,
}

/// Claims up to `limit` due deliveries for `lease_seconds`, counting the try.
pub async fn claim(
    db: &AnyPool,
    now: i64,
    lease_seconds: i64,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let due: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM notification_deliveries \
         WHERE status IN ('queued', 'sending', 'failed') AND next_attempt_at <= $1 LIMIT 1",
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
        "UPDATE notification_deliveries \
         SET status = 'sending', attempts = attempts + 1, next_attempt_at = $1 \
         WHERE id IN (SELECT id FROM notification_deliveries \
                      WHERE status IN ('queued', 'sending', 'failed') AND next_attempt_at <= $2 \
                      ORDER BY next_attempt_at, id LIMIT $3{skip_locked}) \
         RETURNING id"
    ))
    .bind(now + lease_seconds)
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let row = sqlx::query(
            "SELECT d.id, d.notification_id, d.user_id, d.channel, d.address, d.attempts, n.event, n.fields, \
                    n.link, COALESCE(c.language, 'vi') AS language \
             FROM notification_deliveries d \
             JOIN notifications n ON n.id = d.notification_id \
             LEFT JOIN notification_contacts c ON c.user_id = d.user_id \
             WHERE d.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        claimed.push(claimed_from(&row)?);
    }
    Ok(claimed)
}

fn claimed_from(row: &AnyRow) -> Result<Claimed, sqlx::Error> {
    let channel: String = row.try_get("channel")?;
    let fields: String = row.try_get("fields")?;
    let language: String = row.try_get("language")?;
    Ok(Claimed {
        id: row.try_get("id")?,
        notification_id: row.try_get("notification_id")?,
        user_id: row.try_get("user_id")?,
        channel: Channel::parse(&channel)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown channel {channel}").into()))?,
        address: row.try_get("address")?,
        attempt: row.try_get("attempts")?,
        event: row.try_get("event")?,
        fields: serde_json::from_str(&fields).map_err(|err| sqlx::Error::Decode(Box::new(err)))?,
        link: row.try_get("link")?,
        language: Lang::parse(&language).unwrap_or_default(),
    })
}

/// How one try went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Try again at this time (unix seconds).
    RetryAt {
        at: i64,
        error: String,
    },
    /// Give up.
    Dead {
        error: String,
    },
}

/// Records `outcome` for a delivery this worker claimed. False when the
/// claim had lapsed and another worker took the delivery over: nothing is
/// changed then.
pub async fn record(
    conn: &mut AnyConnection,
    claimed: &Claimed,
    outcome: &Outcome,
) -> Result<bool, sqlx::Error> {
    // The claim holds while the delivery is still `sending` this try.
    let done = match outcome {
        Outcome::Sent => {
            sqlx::query(
                "UPDATE notification_deliveries \
                 SET status = 'sent', sent_at = $3, last_error = NULL \
                 WHERE id = $1 AND status = 'sending' AND attempts = $2",
            )
            .bind(claimed.id)
            .bind(claimed.attempt)
            .bind(clock::now_utc())
            .execute(conn)
            .await?
        }
        Outcome::RetryAt { at, error } => {
            sqlx::query(
                "UPDATE notification_deliveries \
                 SET status = 'failed', next_attempt_at = $3, last_error = $4 \
                 WHERE id = $1 AND status = 'sending' AND attempts = $2",
            )
            .bind(claimed.id)
            .bind(claimed.attempt)
            .bind(*at)
            .bind(error)
            .execute(conn)
            .await?
        }
        Outcome::Dead { error } => {
            sqlx::query(
                "UPDATE notification_deliveries SET status = 'dead', last_error = $3 \
                 WHERE id = $1 AND status = 'sending' AND attempts = $2",
            )
            .bind(claimed.id)
            .bind(claimed.attempt)
            .bind(error)
            .execute(conn)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// Erases what a notification to one person said (their password reset
/// link) once none of its deliveries can be sent any more, so the secret does
/// not outlive its use in the database. Notifications kept for the person to
/// read in the app are left alone.
pub async fn erase_when_done(
    conn: &mut AnyConnection,
    notification_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notifications SET fields = '{}', link = '' \
         WHERE id = $1 AND user_id IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM notification_deliveries \
                           WHERE notification_id = $1 \
                             AND (status IN ('queued', 'sending', 'failed') \
                                  OR channel = 'in_app'))",
    )
    .bind(notification_id)
    .execute(conn)
    .await?;
    Ok(())
}
