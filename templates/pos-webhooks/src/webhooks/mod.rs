//! Webhooks, both ways.
//!
//! Inbound ([`inbound`], [`apply`]): Pancake POS posts its orders, customers,
//! products and stock changes to `POST /webhooks/pancake`. Pancake signs
//! nothing, so a secret header the shop configures in Pancake authenticates
//! each delivery. Every record is written down under a key made of its kind,
//! id and version in the transaction that applies it, so a replay changes
//! nothing, and it is applied through the same code as a local change.
//!
//! Outbound ([`outbound`], [`worker`], [`sign`]): code that makes something
//! happen records it with [`emit`] in its own transaction, one delivery per
//! endpoint that wants the event. A worker in every app instance claims due
//! deliveries, posts them signed with HMAC-SHA256 over a timestamp and the
//! body, and retries with backoff until the endpoint answers 2xx or the last
//! try makes the delivery dead.

pub mod apply;
pub mod deliveries;
pub mod endpoints;
pub mod inbound;
pub mod outbound;
mod pages;
mod routes;
pub mod sign;
#[cfg(test)]
mod tests;
mod text;
pub mod worker;

use std::time::Duration;

use axum::http::HeaderName;

pub use outbound::{emit, events};
pub use routes::router;

/// How inbound webhooks are checked and applied.
#[derive(Clone, PartialEq, Eq)]
pub struct Inbound {
    /// The header Pancake sends the secret in.
    pub header: HeaderName,
    /// The shared secret; `None` turns the endpoint off.
    pub secret: Option<String>,
    /// The Pancake warehouse that mirrors the app's default one.
    pub warehouse_id: Option<String>,
    /// The shop an order without `shop_id` belongs to (`SHOP_ID`).
    pub shop_id: Option<i64>,
}

impl Default for Inbound {
    fn default() -> Self {
        Self {
            header: HeaderName::from_static(DEFAULT_HEADER),
            secret: None,
            warehouse_id: None,
            shop_id: None,
        }
    }
}

/// Shows whether a secret is set, never the secret: the app's state is
/// printed in debug output.
impl std::fmt::Debug for Inbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbound")
            .field("header", &self.header)
            .field("secret", &self.secret.as_ref().map(|_| "…"))
            .field("warehouse_id", &self.warehouse_id)
            .field("shop_id", &self.shop_id)
            .finish()
    }
}

/// The header Pancake sends the secret in unless `PANCAKE_WEBHOOK_HEADER`
/// names another.
pub const DEFAULT_HEADER: &str = "x-webhook-secret";

/// How outgoing webhooks are sent and retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    /// Tries before a delivery is dead.
    pub max_attempts: i64,
    /// The wait before the first retry; each later one doubles it.
    pub retry_after: Duration,
    /// The longest wait between two tries.
    pub retry_max: Duration,
    /// How long an endpoint has to answer.
    pub timeout: Duration,
    /// How long a worker may hold a claimed delivery before another instance
    /// may take it over (it died or hangs); longer than any try can take.
    pub lease: Duration,
    /// How often an idle worker looks for work.
    pub poll: Duration,
}

impl Default for Outbound {
    fn default() -> Self {
        Self {
            max_attempts: 10,
            retry_after: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(120),
            poll: Duration::from_secs(1),
        }
    }
}

impl Outbound {
    /// The wait after the `attempt`th failed try (1 for the first):
    /// `retry_after × 2^(attempt − 1)`, at most `retry_max`.
    pub fn backoff(&self, attempt: i64) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX)
            .min(32);
        self.retry_after
            .saturating_mul(2_u32.saturating_pow(doublings))
            .min(self.retry_max)
    }
}

/// Both directions' settings, from the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub inbound: Inbound,
    pub outbound: Outbound,
}

impl Settings {
    /// Reads `PANCAKE_WEBHOOK_SECRET`, `PANCAKE_WEBHOOK_HEADER`,
    /// `PANCAKE_WAREHOUSE_ID`, `SHOP_ID`, `WEBHOOK_MAX_ATTEMPTS`,
    /// `WEBHOOK_RETRY_SECONDS`, `WEBHOOK_RETRY_MAX_SECONDS` and
    /// `WEBHOOK_TIMEOUT_SECONDS`.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings from `lookup`, which answers a variable's value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let text = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let number = |name: &str, default: u64| -> anyhow::Result<u64> {
            match text(name) {
                None => Ok(default),
                Some(value) => match value.parse::<u64>() {
                    Ok(number) if number >= 1 => Ok(number),
                    _ => anyhow::bail!("{name}={value} must be a whole number of at least 1"),
                },
            }
        };
        let header = match text("PANCAKE_WEBHOOK_HEADER") {
            None => HeaderName::from_static(DEFAULT_HEADER),
            Some(name) => HeaderName::try_from(name.as_str()).map_err(|_| {
                anyhow::anyhow!("PANCAKE_WEBHOOK_HEADER={name} is not a valid header name")
            })?,
        };
        let shop_id = match text("SHOP_ID") {
            None => None,
            Some(id) => Some(
                id.parse::<i64>()
                    .map_err(|_| anyhow::anyhow!("SHOP_ID={id} must be a whole number"))?,
            ),
        };
        let defaults = Outbound::default();
        let retry_after = number("WEBHOOK_RETRY_SECONDS", defaults.retry_after.as_secs())?;
        let retry_max = number("WEBHOOK_RETRY_MAX_SECONDS", defaults.retry_max.as_secs())?;
        if retry_max < retry_after {
            anyhow::bail!(
                "WEBHOOK_RETRY_MAX_SECONDS={retry_max} must not be less than WEBHOOK_RETRY_SECONDS={retry_after}"
            );
        }
        let max_attempts = number("WEBHOOK_MAX_ATTEMPTS", 10)?.min(1000);
        let timeout = number("WEBHOOK_TIMEOUT_SECONDS", defaults.timeout.as_secs())?.min(300);
        Ok(Self {
            inbound: Inbound {
                header,
                secret: lookup("PANCAKE_WEBHOOK_SECRET").filter(|secret| !secret.is_empty()),
                warehouse_id: text("PANCAKE_WAREHOUSE_ID"),
                shop_id,
            },
            outbound: Outbound {
                max_attempts: i64::try_from(max_attempts).unwrap_or(1000),
                retry_after: Duration::from_secs(retry_after),
                retry_max: Duration::from_secs(retry_max),
                timeout: Duration::from_secs(timeout),
                // A claim outlives the longest try, with room to record it.
                lease: Duration::from_secs(timeout * 2 + 60),
                ..defaults
            },
        })
    }

    /// Says at start-up whether Pancake's webhooks are received, and how,
    /// without the secret.
    pub fn log_summary(&self) {
        match &self.inbound.secret {
            Some(_) => tracing::info!(
                header = self.inbound.header.as_str(),
                warehouse = self.inbound.warehouse_id.as_deref().unwrap_or("none"),
                "Pancake webhooks are received at POST /webhooks/pancake"
            ),
            None => tracing::info!(
                "Pancake webhooks are off: set PANCAKE_WEBHOOK_SECRET to receive them"
            ),
        }
    }
}
