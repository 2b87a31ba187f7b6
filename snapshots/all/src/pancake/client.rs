//! HTTP transport for Pancake POS: configuration, retries and envelope decoding.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::error::REDACTED;
use super::PancakeError;

/// Production base URL from the OpenAPI `servers` entry.
pub const DEFAULT_BASE_URL: &str = "https://pos.pages.fm/api/v1";

/// How GET requests are retried after a 429, a 5xx or a transport error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first one; 1 disables retries.
    pub max_attempts: u32,
    /// Delay before the second attempt; doubled for each later one.
    pub base_delay: Duration,
    /// Cap on any single delay.
    pub max_delay: Duration,
}

impl RetryPolicy {
    fn delay_after(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
        }
    }
}

/// Where and how to reach Pancake POS. `Debug` never prints the API key.
#[derive(Clone)]
pub struct PancakeConfig {
    pub base_url: String,
    pub api_key: String,
    pub connect_timeout: Duration,
    /// Whole-request timeout; Pancake is slow on big pages, so keep it generous.
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

impl PancakeConfig {
    /// A configuration with default timeouts and retries.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        PancakeConfig {
            base_url: base_url.into(),
            api_key: api_key.into(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        }
    }

    /// Reads `POS_BASE_URL` (optional) and `POS_API_KEY` (required).
    pub fn from_env() -> Result<Self, PancakeError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Same as [`from_env`](Self::from_env) with an injectable lookup, so tests
    /// never have to mutate the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, PancakeError> {
        let non_blank = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let api_key = non_blank("POS_API_KEY").ok_or(PancakeError::NotConfigured)?;
        let base_url = non_blank("POS_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        if !base_url.starts_with("https://") && !base_url.starts_with("http://") {
            return Err(PancakeError::InvalidConfig(format!(
                "POS_BASE_URL must start with http:// or https://, got {base_url:?}"
            )));
        }
        Ok(Self::new(base_url, api_key))
    }
}

impl fmt::Debug for PancakeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PancakeConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &REDACTED)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

/// A cheap-to-clone Pancake POS client.
#[derive(Clone)]
pub struct PancakeClient {
    http: reqwest::Client,
    config: Arc<PancakeConfig>,
}

impl fmt::Debug for PancakeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PancakeClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl PancakeClient {
    pub fn new(config: PancakeConfig) -> Result<Self, PancakeError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| PancakeError::InvalidConfig(format!("cannot build HTTP client: {e}")))?;
        Ok(PancakeClient {
            http,
            config: Arc::new(config),
        })
    }

    /// GETs `path` (relative to the base URL) and returns the `data` array of a
    /// `{success, data: [...]}` envelope.
    pub async fn get_list<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<T>, PancakeError> {
        let (status, body) = self.get_with_retry(path, query).await?;
        let result = if status.is_success() {
            decode_list(&body)
        } else {
            let message = error_text(&body);
            Err(PancakeError::Status { status, message })
        };
        result.map_err(|error| error.sanitized(&self.config.api_key))
    }

    /// Only GETs are retried: they are idempotent, whereas Pancake gives no
    /// idempotency guarantee for writes such as creating an order.
    async fn get_with_retry(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<(StatusCode, Vec<u8>), PancakeError> {
        let url = format!("{}{}", self.config.base_url.trim_end_matches('/'), path);
        let policy = &self.config.retry;
        let mut attempt = 1;
        loop {
            let outcome = self.get_once(&url, query).await;
            let retryable = match &outcome {
                Ok((status, _)) => is_retryable(*status),
                Err(error) => !error.is_builder(),
            };
            if !retryable || attempt >= policy.max_attempts {
                return outcome.map_err(PancakeError::transport);
            }
            let delay = policy.delay_after(attempt);
            // Log the path only: the full URL carries the API key.
            tracing::debug!(path, attempt, ?delay, "retrying Pancake POS request");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn get_once(
        &self,
        url: &str,
        query: &[(&str, &str)],
    ) -> Result<(StatusCode, Vec<u8>), reqwest::Error> {
        let response = self
            .http
            .get(url)
            .query(&[("api_key", self.config.api_key.as_str())])
            .query(query)
            .send()
            .await?;
        let status = response.status();
        // Reading the body inside the attempt lets a dropped connection be retried.
        let body = response.bytes().await?;
        Ok((status, body.to_vec()))
    }
}

fn is_retryable(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

/// Envelope fields we inspect before trusting `data`.
#[derive(Deserialize)]
struct Envelope {
    success: Option<bool>,
    data: Option<Value>,
    #[serde(flatten)]
    rest: serde_json::Map<String, Value>,
}

fn decode_list<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<T>, PancakeError> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| PancakeError::Decode(e.to_string()))?;
    // Spec examples omit `success`; only an explicit `false` is a failure.
    if envelope.success == Some(false) {
        return Err(PancakeError::Rejected {
            message: failure_message(&envelope.rest).unwrap_or_else(|| "no reason given".into()),
        });
    }
    let data = envelope
        .data
        .ok_or_else(|| PancakeError::Decode("missing `data`".into()))?;
    serde_json::from_value(data).map_err(|e| PancakeError::Decode(e.to_string()))
}

/// Pancake documents no error schema: `message` is what wrappers observe, and
/// `error` (string or `{message}`) is accepted as a fallback.
fn failure_message(fields: &serde_json::Map<String, Value>) -> Option<String> {
    let text = |value: &Value| value.as_str().map(str::to_owned);
    fields
        .get("message")
        .and_then(text)
        .or_else(|| fields.get("error").and_then(text))
        .or_else(|| fields.get("error")?.get("message").and_then(text))
}

/// A short, single-line description of a non-2xx body.
fn error_text(body: &[u8]) -> String {
    let parsed = serde_json::from_slice::<serde_json::Map<String, Value>>(body).ok();
    let text = match parsed.as_ref().and_then(failure_message) {
        Some(message) => message,
        None => String::from_utf8_lossy(body).trim().to_owned(),
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        "(empty body)".into()
    } else {
        text
    }
}

/// An id that Pancake sends either as a JSON string or as a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawId {
    Text(String),
    Int(i64),
}

impl From<RawId> for String {
    fn from(id: RawId) -> Self {
        match id {
            RawId::Text(text) => text,
            RawId::Int(number) => number.to_string(),
        }
    }
}

/// `deserialize_with` helper: a string-or-integer id as `String`.
pub fn id_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    RawId::deserialize(deserializer).map(String::from)
}

/// `deserialize_with` helper: an optional (or null) string-or-integer id.
/// Pair it with `#[serde(default)]` so an absent field is `None` too.
pub fn opt_id_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Option::<RawId>::deserialize(deserializer).map(|id| id.map(String::from))
}
