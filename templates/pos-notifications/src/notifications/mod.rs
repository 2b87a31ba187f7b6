//! Notifications: in the app (a bell, live), by email, SMS and push.
//!
//! Code that makes something happen records a notification with
//! [`emit::emit`] in its own transaction. The [`worker`] then works out who
//! receives it on which channel ([`preferences`]), writes one delivery per
//! person and channel (the outbox, [`outbox`]), and sends each through its
//! channel's provider ([`channels`]), retrying with backoff. Several app
//! instances on one PostgreSQL share the work: each claims deliveries with
//! `FOR UPDATE SKIP LOCKED`, and in-app notifications reach every instance's
//! open pages through `LISTEN`/`NOTIFY` ([`live`]).

pub mod channels;
pub mod deliveries;
pub mod devices;
pub mod emit;
pub mod events;
pub mod forgot;
pub mod inbox;
pub mod live;
pub mod message;
pub mod outbox;
mod pages;
pub mod preferences;
mod routes;
mod text;
pub mod worker;

use std::time::Duration;

pub use channels::{Channel, Channels};
pub use emit::{emit, emit_to, Notice};
pub use live::Hub;
pub use routes::router;

/// How deliveries are retried and where links point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Tries before a delivery is dead.
    pub max_attempts: i64,
    /// The wait before the first retry; each later one doubles it.
    pub retry_after: Duration,
    /// The longest wait between two tries.
    pub retry_max: Duration,
    /// How long a worker may take to send a claimed delivery before another
    /// instance may take it over (it died or hangs).
    pub lease: Duration,
    /// How often an idle worker looks for work.
    pub poll: Duration,
    /// The app's public address, for links in messages.
    pub base_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            retry_after: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            lease: Duration::from_secs(120),
            poll: Duration::from_secs(1),
            base_url: None,
        }
    }
}

impl Settings {
    /// Reads `NOTIFY_MAX_ATTEMPTS`, `NOTIFY_RETRY_SECONDS`,
    /// `NOTIFY_RETRY_MAX_SECONDS` and `PUBLIC_BASE_URL`.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings from `lookup`, which answers a variable's value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let defaults = Self::default();
        let number = |name: &str, default: u64, min: u64| -> anyhow::Result<u64> {
            match lookup(name).as_deref().map(str::trim) {
                None | Some("") => Ok(default),
                Some(value) => match value.parse::<u64>() {
                    Ok(number) if number >= min => Ok(number),
                    _ => anyhow::bail!("{name}={value} must be a whole number of at least {min}"),
                },
            }
        };
        let max_attempts = number("NOTIFY_MAX_ATTEMPTS", 8, 1)?;
        let retry_after = number("NOTIFY_RETRY_SECONDS", defaults.retry_after.as_secs(), 1)?;
        let retry_max = number("NOTIFY_RETRY_MAX_SECONDS", defaults.retry_max.as_secs(), 1)?;
        if retry_max < retry_after {
            anyhow::bail!(
                "NOTIFY_RETRY_MAX_SECONDS={retry_max} must not be less than NOTIFY_RETRY_SECONDS={retry_after}"
            );
        }
        let base_url = lookup("PUBLIC_BASE_URL")
            .map(|url| url.trim().trim_end_matches('/').to_owned())
            .filter(|url| !url.is_empty());
        Ok(Self {
            max_attempts: i64::try_from(max_attempts.min(1000)).unwrap_or(1000),
            retry_after: Duration::from_secs(retry_after),
            retry_max: Duration::from_secs(retry_max),
            base_url,
            ..defaults
        })
    }

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

/// What handlers and the worker share: the providers, the settings and the
/// live feed of in-app notifications.
#[derive(Debug, Clone, Default)]
pub struct Notifications {
    pub channels: Channels,
    pub settings: Settings,
    pub hub: Hub,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let settings = Settings {
            retry_after: Duration::from_secs(30),
            retry_max: Duration::from_secs(300),
            ..Settings::default()
        };
        let waits: Vec<u64> = (1..=6).map(|n| settings.backoff(n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 300, 300]);
        assert_eq!(settings.backoff(10_000).as_secs(), 300);
    }

    #[test]
    fn settings_come_from_the_environment() {
        let settings = Settings::from_lookup(|name| match name {
            "NOTIFY_MAX_ATTEMPTS" => Some("3".into()),
            "PUBLIC_BASE_URL" => Some("https://pos.example.vn/".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(settings.max_attempts, 3);
        assert_eq!(settings.base_url.as_deref(), Some("https://pos.example.vn"));
        assert_eq!(settings.retry_after, Duration::from_secs(30));

        let err = Settings::from_lookup(|name| {
            (name == "NOTIFY_RETRY_SECONDS").then(|| "soon".to_owned())
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "NOTIFY_RETRY_SECONDS=soon must be a whole number of at least 1"
        );
    }
}
