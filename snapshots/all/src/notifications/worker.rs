//! The worker that empties the outbox: it fans new notifications out into
//! deliveries, claims the due ones, sends them, and records each outcome.
//! One runs in every app instance; they share the work through the database.

use std::time::Duration;

use futures_util::{stream, StreamExt};
use sqlx::AnyPool;

use super::{
    channels::{Channel, Outgoing, SendError},
    events,
    live::Live,
    message,
    outbox::{self, Claimed, Outcome},
    Notifications,
};
use crate::{clock::unix_now, db};

/// Notifications fanned out and deliveries claimed per round.
const BATCH: i64 = 50;

/// Deliveries sent at once; providers are slow, not busy.
const CONCURRENCY: usize = 8;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub fanned_out: usize,
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
    /// Claims that had lapsed before the outcome was recorded.
    pub lost: usize,
}

impl Round {
    /// Whether there may be more to do right away.
    fn busy(&self) -> bool {
        self.fanned_out > 0 || self.sent + self.retried + self.dead + self.lost > 0
    }
}

#[derive(Debug, Clone)]
pub struct Worker {
    db: AnyPool,
    notifications: Notifications,
}

impl Worker {
    pub fn new(db: AnyPool, notifications: Notifications) -> Self {
        Self { db, notifications }
    }

    /// Works until the hub closes, pausing when there is nothing to do.
    pub async fn run(self) {
        let hub = self.notifications.hub.clone();
        loop {
            let pause = match self.round(unix_now()).await {
                Ok(round) if round.busy() => Duration::ZERO,
                Ok(_) => self.notifications.settings.poll,
                Err(err) => {
                    tracing::error!(error = %err, "notification worker round failed");
                    self.notifications.settings.poll * 5
                }
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = hub.closed() => return,
            }
        }
    }

    /// One round at `now` (unix seconds): fan out, then send what is due.
    pub async fn round(&self, now: i64) -> Result<Round, sqlx::Error> {
        let settings = &self.notifications.settings;
        let fanned_out = outbox::fan_out(&self.db, &self.notifications.channels, BATCH).await?;
        let lease = i64::try_from(settings.lease.as_secs()).unwrap_or(i64::MAX);
        let claimed = outbox::claim(&self.db, now, lease, BATCH).await?;
        let outcomes: Vec<Result<Tried, sqlx::Error>> = stream::iter(claimed)
            .map(|claimed| self.deliver(claimed, now))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut round = Round {
            fanned_out,
            ..Round::default()
        };
        for outcome in outcomes {
            match outcome? {
                Tried::Recorded(Outcome::Sent) => round.sent += 1,
                Tried::Recorded(Outcome::RetryAt { .. }) => round.retried += 1,
                Tried::Recorded(Outcome::Dead { .. }) => round.dead += 1,
                Tried::Lost => round.lost += 1,
            }
        }
        Ok(round)
    }

    /// Sends one claimed delivery and records how it went.
    async fn deliver(&self, claimed: Claimed, now: i64) -> Result<Tried, sqlx::Error> {
        let settings = &self.notifications.settings;
        let Some(event) = events::find(&claimed.event) else {
            let error = format!("no such event {} in this build", claimed.event);
            return self.record(&claimed, Outcome::Dead { error }).await;
        };
        // Pages open in the app follow paths; messages that leave it need
        // the app's address.
        let base_url = match claimed.channel {
            Channel::InApp => None,
            _ => settings.base_url.as_deref(),
        };
        let message = message::render(
            event,
            &claimed.fields,
            &claimed.link,
            claimed.language,
            base_url,
        );
        if claimed.channel == Channel::InApp {
            let mut tx = db::begin_write(&self.db).await?;
            if !outbox::record(&mut tx, &claimed, &Outcome::Sent).await? {
                return Ok(Tried::Lost);
            }
            let live = Live {
                id: claimed.id,
                user_id: claimed.user_id,
                title: message.title,
                body: message.body,
                link: message.link,
            };
            self.notifications.hub.publish(tx, live).await?;
            return Ok(Tried::Recorded(Outcome::Sent));
        }
        let Some(sender) = self.notifications.channels.sender(claimed.channel) else {
            // Configured when the delivery was written, not any more: keep it
            // for when the provider is back.
            let error = format!("no {} provider is configured", claimed.channel.as_str());
            return self
                .record(&claimed, self.failure(&claimed, now, error))
                .await;
        };
        let outgoing = Outgoing {
            delivery_id: claimed.id,
            address: &claimed.address,
            message: &message,
        };
        let outcome = match sender.send(outgoing).await {
            Ok(()) => Outcome::Sent,
            Err(SendError::Retry(error)) => self.failure(&claimed, now, error),
            Err(SendError::Refused(error)) => Outcome::Dead { error },
            Err(SendError::Gone(error)) => {
                forget_device(&self.db, &claimed).await?;
                Outcome::Dead { error }
            }
        };
        match &outcome {
            Outcome::Sent => {}
            Outcome::RetryAt { error, .. } | Outcome::Dead { error } => tracing::warn!(
                delivery = claimed.id,
                channel = claimed.channel.as_str(),
                provider = sender.provider(),
                attempt = claimed.attempt,
                error,
                "notification not delivered"
            ),
        }
        self.record(&claimed, outcome).await
    }

    /// A failed try: retried after the backoff, or dead after the last try.
    fn failure(&self, claimed: &Claimed, now: i64, error: String) -> Outcome {
        let settings = &self.notifications.settings;
        if claimed.attempt >= settings.max_attempts {
            return Outcome::Dead { error };
        }
        let wait = i64::try_from(settings.backoff(claimed.attempt).as_secs()).unwrap_or(i64::MAX);
        Outcome::RetryAt {
            at: now.saturating_add(wait),
            error,
        }
    }

    async fn record(&self, claimed: &Claimed, outcome: Outcome) -> Result<Tried, sqlx::Error> {
        let mut conn = self.db.acquire().await?;
        if !outbox::record(&mut conn, claimed, &outcome).await? {
            return Ok(Tried::Lost);
        }
        if !matches!(outcome, Outcome::RetryAt { .. }) {
            outbox::erase_when_done(&mut conn, claimed.notification_id).await?;
        }
        Ok(Tried::Recorded(outcome))
    }
}

/// What became of one claimed delivery.
enum Tried {
    Recorded(Outcome),
    Lost,
}

/// Forgets a push token the provider says no longer exists.
async fn forget_device(db: &AnyPool, claimed: &Claimed) -> Result<(), sqlx::Error> {
    if claimed.channel == Channel::Push {
        sqlx::query("DELETE FROM push_devices WHERE token = $1")
            .bind(&claimed.address)
            .execute(db)
            .await?;
    }
    Ok(())
}
