//! The live feed of in-app notifications behind the bell.
//!
//! Each instance keeps one broadcast channel that every open page's
//! Server-Sent Events stream listens to. On SQLite there is one instance and
//! the worker broadcasts directly after its commit. On PostgreSQL the worker
//! sends `NOTIFY` in the transaction that marks the delivery sent, and every
//! instance (this one included) forwards what its `LISTEN` connection hears
//! to its own channel, so a page open on one instance hears about a
//! notification another instance delivered.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, watch};

use crate::db::WriteTx;

/// The `NOTIFY` channel in-app notifications travel on.
const PG_CHANNEL: &str = "notifications";

/// How many notifications an instance buffers for slow pages before they
/// miss some (and are told to reload their count).
const CAPACITY: usize = 256;

/// An in-app notification as open pages receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Live {
    /// The delivery's id.
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

/// Where notifications are announced.
#[derive(Debug, Clone)]
pub struct Hub {
    sender: broadcast::Sender<Live>,
    /// True when instances announce through PostgreSQL.
    through_postgres: bool,
    /// Flips to true when the app shuts down: streams end so the server can
    /// finish, and the worker stops.
    closing: watch::Sender<bool>,
}

impl Default for Hub {
    /// A hub for one instance (SQLite, and tests).
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
            through_postgres: false,
            closing: watch::channel(false).0,
        }
    }
}

impl Hub {
    /// A hub for the database at `url`: on PostgreSQL it listens for other
    /// instances' announcements until the app shuts down.
    pub async fn for_database(url: &str) -> anyhow::Result<Self> {
        if !url.starts_with("postgres") {
            return Ok(Self::default());
        }
        let mut listener = PgListener::connect(url).await?;
        listener.listen(PG_CHANNEL).await?;
        let hub = Self {
            through_postgres: true,
            ..Self::default()
        };
        tokio::spawn(forward(listener, hub.clone()));
        Ok(hub)
    }

    /// Receives every notification announced from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Live> {
        self.sender.subscribe()
    }

    /// Commits `tx` (which marked the delivery sent) and announces `live`.
    pub async fn publish(&self, mut tx: WriteTx, live: Live) -> Result<(), sqlx::Error> {
        if self.through_postgres {
            let payload =
                serde_json::to_string(&live).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(PG_CHANNEL)
                .bind(payload)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        } else {
            tx.commit().await?;
            // Nobody listening is fine: the bell counts from the database.
            let _ = self.sender.send(live);
            Ok(())
        }
    }

    /// Ends the streams and stops the worker.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once [`Hub::close`] was called.
    pub async fn closed(&self) {
        let mut closing = self.closing.subscribe();
        // An error means the sender is gone, which is as closed as it gets.
        let _ = closing.wait_for(|closed| *closed).await;
    }
}

/// Forwards what `listener` hears to the hub's channel until it closes.
async fn forward(mut listener: PgListener, hub: Hub) {
    loop {
        let received = tokio::select! {
            received = listener.try_recv() => received,
            () = hub.closed() => return,
        };
        match received {
            Ok(Some(notification)) => match serde_json::from_str::<Live>(notification.payload()) {
                Ok(live) => {
                    let _ = hub.sender.send(live);
                }
                Err(err) => tracing::warn!(error = %err, "unreadable notification announcement"),
            },
            // The connection dropped; the listener reconnects on the next call.
            // Announcements sent meanwhile are lost, but the bell's count is
            // read from the database when a page opens.
            Ok(None) => tracing::warn!("lost the notifications LISTEN connection; reconnecting"),
            Err(err) => {
                tracing::warn!(error = %err, "notifications LISTEN failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
