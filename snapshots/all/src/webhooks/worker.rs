//! The worker that empties the webhook outbox: it claims due deliveries,
//! posts each signed to its endpoint, and records how it went. One runs in
//! every app instance; they share the work through the database.

use std::time::Duration;

use futures_util::{stream, StreamExt};
use reqwest::header::CONTENT_TYPE;
use sqlx::AnyPool;
use tokio::{sync::watch, task::JoinHandle};

use super::{
    deliveries::{self, Claimed, Outcome},
    sign::{self, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER},
    Outbound,
};
use crate::clock::unix_now;

/// Deliveries claimed per round.
const BATCH: i64 = 50;

/// Deliveries sent at once.
const CONCURRENCY: usize = 8;

/// The most of an endpoint's error answer kept in the log.
const ERROR_BODY_CHARS: usize = 200;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub retried: usize,
    pub dead: usize,
    /// Claims that had lapsed before the outcome was recorded.
    pub lost: usize,
}

impl Round {
    /// Whether there may be more to do right away.
    fn busy(&self) -> bool {
        self.delivered + self.retried + self.dead + self.lost > 0
    }
}

#[derive(Debug, Clone)]
pub struct Worker {
    db: AnyPool,
    settings: Outbound,
    http: reqwest::Client,
}

impl Worker {
    pub fn new(db: AnyPool, settings: Outbound) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .user_agent(concat!(env!("CARGO_PKG_NAME"), "-webhooks"))
            // A redirect would send the signed body somewhere else.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self { db, settings, http })
    }

    /// Starts working in the background until [`Running::stop`].
    pub fn spawn(self) -> Running {
        let (stop, stopping) = watch::channel(false);
        Running {
            stop,
            task: tokio::spawn(self.run(stopping)),
        }
    }

    /// Works until `stopping` turns true, pausing when there is nothing to do.
    async fn run(self, mut stopping: watch::Receiver<bool>) {
        loop {
            let pause = match self.round(unix_now()).await {
                Ok(round) if round.busy() => Duration::ZERO,
                Ok(_) => self.settings.poll,
                Err(err) => {
                    tracing::error!(error = %err, "webhook worker round failed");
                    self.settings.poll * 5
                }
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                _ = stopping.wait_for(|stop| *stop) => return,
            }
        }
    }

    /// One round at `now` (unix seconds): send what is due.
    pub async fn round(&self, now: i64) -> Result<Round, sqlx::Error> {
        let lease = i64::try_from(self.settings.lease.as_secs()).unwrap_or(i64::MAX);
        let claimed = deliveries::claim(&self.db, now, lease, BATCH).await?;
        let outcomes: Vec<Result<Option<Outcome>, sqlx::Error>> = stream::iter(claimed)
            .map(|claimed| self.deliver(claimed, now))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut round = Round::default();
        for outcome in outcomes {
            match outcome? {
                Some(Outcome::Delivered { .. }) => round.delivered += 1,
                Some(Outcome::RetryAt { .. }) => round.retried += 1,
                Some(Outcome::Dead { .. }) => round.dead += 1,
                None => round.lost += 1,
            }
        }
        Ok(round)
    }

    /// Posts one claimed delivery and records how it went; `None` when the
    /// claim had lapsed.
    async fn deliver(&self, claimed: Claimed, now: i64) -> Result<Option<Outcome>, sqlx::Error> {
        let signature = sign::signature(&claimed.secret, now, claimed.payload.as_bytes());
        let sent = self
            .http
            .post(&claimed.url)
            .header(CONTENT_TYPE, "application/json")
            .header(EVENT_HEADER, &claimed.event)
            .header(DELIVERY_HEADER, claimed.id.to_string())
            .header(SIGNATURE_HEADER, signature)
            .body(claimed.payload.clone())
            .send()
            .await;
        let outcome = match sent {
            Ok(response) if response.status().is_success() => Outcome::Delivered {
                status: response.status().as_u16(),
            },
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                let body: String = body.trim().chars().take(ERROR_BODY_CHARS).collect();
                let error = if body.is_empty() {
                    format!("the endpoint answered {status}")
                } else {
                    format!("the endpoint answered {status}: {body}")
                };
                self.failure(&claimed, now, Some(status), error)
            }
            Err(err) => {
                let error = if err.is_timeout() {
                    format!("no answer within {} s", self.settings.timeout.as_secs())
                } else {
                    // Without the URL: the log shows the endpoint already.
                    format!("could not reach the endpoint: {}", err.without_url())
                };
                self.failure(&claimed, now, None, error)
            }
        };
        if let Outcome::RetryAt { error, .. } | Outcome::Dead { error, .. } = &outcome {
            tracing::warn!(
                delivery = claimed.id,
                event = claimed.event,
                attempt = claimed.attempt,
                error,
                "webhook not delivered"
            );
        }
        let recorded = deliveries::record(&self.db, &claimed, &outcome).await?;
        Ok(recorded.then_some(outcome))
    }

    /// A failed try: retried after the backoff, or dead after the last try.
    fn failure(&self, claimed: &Claimed, now: i64, status: Option<u16>, error: String) -> Outcome {
        if claimed.attempt >= self.settings.max_attempts {
            return Outcome::Dead { status, error };
        }
        let wait =
            i64::try_from(self.settings.backoff(claimed.attempt).as_secs()).unwrap_or(i64::MAX);
        Outcome::RetryAt {
            at: now.saturating_add(wait),
            status,
            error,
        }
    }
}

/// A worker running in the background.
#[derive(Debug)]
pub struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    /// Stops the worker after the round it is in. A delivery it was sending
    /// when stopped harder would be claimed again once its lease lapses.
    pub async fn stop(self) {
        self.stop.send_replace(true);
        if let Err(err) = self.task.await {
            tracing::error!(error = %err, "the webhook worker panicked");
        }
    }
}
