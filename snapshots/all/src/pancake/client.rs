//! HTTP transport for Pancake POS: configuration, retries and envelope decoding.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use reqwest::{Method, StatusCode};
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

/// Which writes the client may make. Nothing is written unless the operator
/// confirmed it (`CONFIRM_WRITE=YES`), and then only to allowed shops.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritePolicy {
    pub confirmed: bool,
    /// Shops writes may go to; `None` allows any shop the key reaches.
    pub allowed_shops: Option<Vec<i64>>,
}

/// Where and how to reach Pancake POS. `Debug` never prints the API key.
#[derive(Clone)]
pub struct PancakeConfig {
    pub base_url: String,
    pub api_key: String,
    /// The shop shop-scoped calls (`/shops/{id}/…`) go to.
    pub shop_id: Option<i64>,
    pub writes: WritePolicy,
    /// Also send the key as `Authorization: Bearer`, which some shops' API
    /// answers ask for ("Missing access_token").
    pub send_bearer: bool,
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
            shop_id: None,
            writes: WritePolicy::default(),
            send_bearer: false,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        }
    }

    /// Reads `POS_API_KEY` (required), `POS_BASE_URL`, `SHOP_ID`,
    /// `CONFIRM_WRITE`, `POS_ALLOWED_SHOPS` and `POS_SEND_BEARER`.
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
        let shop_id = non_blank("SHOP_ID")
            .map(|id| shop_number("SHOP_ID", &id))
            .transpose()?;
        let allowed_shops = non_blank("POS_ALLOWED_SHOPS")
            .map(|list| {
                list.split(',')
                    .map(|id| shop_number("POS_ALLOWED_SHOPS", id.trim()))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        Ok(Self {
            shop_id,
            writes: WritePolicy {
                // Exactly YES, as in the shell scripts: "yes" or "1" is not a
                // deliberate confirmation.
                confirmed: lookup("CONFIRM_WRITE").as_deref() == Some("YES"),
                allowed_shops,
            },
            send_bearer: non_blank("POS_SEND_BEARER").as_deref() == Some("true"),
            ..Self::new(base_url, api_key)
        })
    }
}

fn shop_number(name: &str, value: &str) -> Result<i64, PancakeError> {
    value.parse().map_err(|_| {
        PancakeError::InvalidConfig(format!(
            "{name} must hold shop ids (numbers), got {value:?}"
        ))
    })
}

impl fmt::Debug for PancakeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PancakeConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &REDACTED)
            .field("shop_id", &self.shop_id)
            .field("writes", &self.writes)
            .field("send_bearer", &self.send_bearer)
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

    /// The configuration this client was built with.
    pub fn config(&self) -> &PancakeConfig {
        &self.config
    }

    /// `/shops/{SHOP_ID}{rest}`: most endpoints live under the shop.
    pub fn shop_path(&self, rest: &str) -> Result<String, PancakeError> {
        let shop_id = self.config.shop_id.ok_or(PancakeError::ShopNotConfigured)?;
        Ok(format!("/shops/{shop_id}{rest}"))
    }

    /// GETs `path` (relative to the base URL) and returns the `data` array of a
    /// `{success, data: [...]}` envelope.
    pub async fn get_list<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<T>, PancakeError> {
        let body = self.get_json(path, query).await?;
        decode_field(body, "data").map_err(|error| error.sanitized(&self.config.api_key))
    }

    /// GETs one page of a paginated list. Pancake names the page parameter
    /// differently per endpoint (`style`); the answer always says `page_number`.
    pub async fn get_page<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        style: PageStyle,
        page: u32,
        page_size: u32,
    ) -> Result<Page<T>, PancakeError> {
        let (page, page_size) = (page.to_string(), page_size.to_string());
        let mut full: Vec<(&str, &str)> = query.to_vec();
        full.push((style.parameter(), &page));
        full.push(("page_size", &page_size));
        let body = self.get_json(path, &full).await?;
        decode_page(body).map_err(|error| error.sanitized(&self.config.api_key))
    }

    /// Every item of a paginated list, page after page until `total_pages` (or
    /// an empty page), at most `max_pages` pages.
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        style: PageStyle,
        page_size: u32,
        max_pages: u32,
    ) -> Result<Vec<T>, PancakeError> {
        let mut items = Vec::new();
        for number in 1..=max_pages {
            let page: Page<T> = self.get_page(path, query, style, number, page_size).await?;
            if page.total_pages.is_some_and(|total| total > max_pages) {
                return Err(PancakeError::TooManyPages { max_pages });
            }
            let last =
                page.data.is_empty() || page.total_pages.is_some_and(|total| number >= total);
            items.extend(page.data);
            if last {
                return Ok(items);
            }
        }
        Err(PancakeError::TooManyPages { max_pages })
    }

    /// GETs one object, wrapped as `{success, data: {...}}` or bare: Pancake
    /// answers both ways, and its spec disagrees with the live API.
    pub async fn get_object<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, PancakeError> {
        let body = self.get_json(path, query).await?;
        decode_object(body).map_err(|error| error.sanitized(&self.config.api_key))
    }

    /// The shops the API key reaches (`GET /shops`).
    pub async fn shops(&self) -> Result<Vec<Shop>, PancakeError> {
        let body = self.get_json("/shops", &[]).await?;
        decode_field(body, "shops").map_err(|error| error.sanitized(&self.config.api_key))
    }

    /// Creates something with POST. Never retried: Pancake promises no
    /// idempotency, so a retry after a lost answer could create it twice.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, PancakeError> {
        self.check_write(path)?;
        self.send_json(Method::POST, path, Some(body), false).await
    }

    /// Replaces something with PUT, retried like a GET (a PUT is idempotent).
    /// Callers should prefer [`PancakeClient::update_verified`].
    pub async fn put(&self, path: &str, body: &Value) -> Result<Value, PancakeError> {
        self.check_write(path)?;
        self.send_json(Method::PUT, path, Some(body), true).await
    }

    /// Deletes something, after a pre-flight GET of `check` that must succeed.
    pub async fn delete_checked(&self, check: &str, path: &str) -> Result<Value, PancakeError> {
        self.check_write(path)?;
        self.get_json(check, &[]).await?;
        self.send_json(Method::DELETE, path, None, false).await
    }

    /// The safe update: a pre-flight GET of `target` (which must exist), the
    /// PUT of `body` to `path`, then a GET of `target` again that `verify`
    /// must accept, since Pancake silently drops fields it does not take.
    pub async fn update_verified(
        &self,
        target: &str,
        path: &str,
        body: &Value,
        verify: impl Fn(&Value) -> Result<(), String>,
    ) -> Result<Value, PancakeError> {
        self.check_write(path)?;
        self.get_json(target, &[]).await?;
        self.put(path, body).await?;
        let after = self.get_json(target, &[]).await?;
        let object = unwrap_data(after);
        verify(&object).map_err(|reason| PancakeError::NotVerified { reason })?;
        Ok(object)
    }

    /// Refuses a write the policy does not allow, before any request. With
    /// an allow-list, a write must name an allowed shop: a path whose shop
    /// cannot be read is refused too.
    fn check_write(&self, path: &str) -> Result<(), PancakeError> {
        let writes = &self.config.writes;
        if !writes.confirmed {
            return Err(PancakeError::WriteNotConfirmed);
        }
        if let Some(allowed) = &writes.allowed_shops {
            match shop_in(path) {
                Some(shop) if allowed.contains(&shop) => {}
                Some(shop) => return Err(PancakeError::ShopNotAllowed { shop }),
                None => {
                    return Err(PancakeError::OutsideAllowedShops {
                        path: path.to_owned(),
                    })
                }
            }
        }
        Ok(())
    }

    /// A GET answered with a JSON body, retried on 429, 5xx and transport
    /// errors; a non-2xx status or `success: false` is an error.
    pub async fn get_json(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Value, PancakeError> {
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        self.exchange(Method::GET, path, &query, None, true).await
    }

    async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        retry: bool,
    ) -> Result<Value, PancakeError> {
        self.exchange(method, path, &[], body, retry).await
    }

    async fn exchange(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        retry: bool,
    ) -> Result<Value, PancakeError> {
        let (status, bytes) = self
            .send_with_retry(&method, path, query, body, retry)
            .await?;
        let result = if status.is_success() {
            decode_success(&bytes)
        } else {
            let message = error_text(&bytes);
            Err(PancakeError::Status { status, message })
        };
        result.map_err(|error| error.sanitized(&self.config.api_key))
    }

    /// Sends a request, retrying per the policy when `retry` is set: only
    /// idempotent methods are, whereas Pancake gives no idempotency guarantee
    /// for a POST such as creating an order.
    async fn send_with_retry(
        &self,
        method: &Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        retry: bool,
    ) -> Result<(StatusCode, Vec<u8>), PancakeError> {
        let url = format!("{}{}", self.config.base_url.trim_end_matches('/'), path);
        let policy = &self.config.retry;
        let mut attempt = 1;
        loop {
            let outcome = self.send_once(method, &url, query, body).await;
            let retryable = match &outcome {
                Ok((status, _)) => is_retryable(*status),
                Err(error) => !error.is_builder(),
            };
            if !retry || !retryable || attempt >= policy.max_attempts {
                return outcome.map_err(PancakeError::transport);
            }
            let delay = policy.delay_after(attempt);
            // Log the path only: the full URL carries the API key.
            tracing::debug!(%method, path, attempt, ?delay, "retrying Pancake POS request");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<(StatusCode, Vec<u8>), reqwest::Error> {
        let mut request = self
            .http
            .request(method.clone(), url)
            .query(&[("api_key", self.config.api_key.as_str())])
            .query(query);
        if self.config.send_bearer {
            request = request.bearer_auth(&self.config.api_key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        // Reading the body inside the attempt lets a dropped connection be retried.
        let body = response.bytes().await?;
        Ok((status, body.to_vec()))
    }
}

/// How an endpoint names its page parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// `page_number` (orders, customers, products, variations…).
    PageNumber,
    /// `page` (inventory histories, transfers, stocktakings…).
    Page,
}

impl PageStyle {
    fn parameter(self) -> &'static str {
        match self {
            Self::PageNumber => "page_number",
            Self::Page => "page",
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub page_number: Option<u32>,
    #[serde(default)]
    pub total_pages: Option<u32>,
    #[serde(default)]
    pub total_entries: Option<u64>,
}

/// A shop the API key reaches.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct Shop {
    pub id: i64,
    #[serde(default)]
    pub name: String,
}

/// The shop a `/shops/{id}/…` path writes to.
fn shop_in(path: &str) -> Option<i64> {
    let rest = path.strip_prefix("/shops/")?;
    rest.split(['/', '?']).next()?.parse().ok()
}

fn is_retryable(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

/// A 2xx body: JSON, and not `success: false`. Spec examples omit `success`;
/// only an explicit `false` is a failure.
fn decode_success(body: &[u8]) -> Result<Value, PancakeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| PancakeError::Decode(e.to_string()))?;
    if value.get("success").and_then(Value::as_bool) == Some(false) {
        let fields = value.as_object().cloned().unwrap_or_default();
        return Err(PancakeError::Rejected {
            message: failure_message(&fields).unwrap_or_else(|| "no reason given".into()),
        });
    }
    Ok(value)
}

/// The field `name` of an envelope, decoded.
fn decode_field<T: DeserializeOwned>(mut body: Value, name: &str) -> Result<T, PancakeError> {
    let field = body
        .get_mut(name)
        .map(Value::take)
        .ok_or_else(|| PancakeError::Decode(format!("missing `{name}`")))?;
    serde_json::from_value(field).map_err(|e| PancakeError::Decode(e.to_string()))
}

fn decode_page<T: DeserializeOwned>(body: Value) -> Result<Page<T>, PancakeError> {
    serde_json::from_value(body).map_err(|e| PancakeError::Decode(e.to_string()))
}

fn decode_object<T: DeserializeOwned>(body: Value) -> Result<T, PancakeError> {
    serde_json::from_value(unwrap_data(body)).map_err(|e| PancakeError::Decode(e.to_string()))
}

/// `{success, data: {...}}` → the object; a bare object as it is.
fn unwrap_data(body: Value) -> Value {
    match body {
        Value::Object(mut fields) if fields.get("data").is_some_and(Value::is_object) => {
            fields.remove("data").unwrap_or_default()
        }
        other => other,
    }
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

/// What must be escaped in one path segment: the URL path set, plus `/` and
/// `%` so that a segment can never become two or decode to something else.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// An id, SKU or code as one URL path segment: SKUs may hold spaces or
/// slashes, and nothing a shop types should change which path is called.
pub fn path_segment(text: &str) -> String {
    utf8_percent_encode(text, PATH_SEGMENT).to_string()
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

/// `deserialize_with` helper: a number that Pancake may send as a JSON
/// number, a numeric string or null. A blank string says as little as a
/// null; any other non-number is an error. Pair it with `#[serde(default)]`
/// so an absent field is `None` too.
pub fn opt_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    let number = match &value {
        Value::Null => return Ok(None),
        Value::String(text) if text.trim().is_empty() => return Ok(None),
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    number
        .filter(|number| number.is_finite())
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("expected a number, got {value}")))
}

/// `deserialize_with` helper: a count or an amount of đồng, read as
/// [`opt_number`] reads it (`140000.0` included) and rounded.
pub fn opt_whole<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    // Counts, ids and đồng amounts stay far inside the range where f64 holds
    // integers exactly.
    Ok(opt_number(deserializer)?.map(|number| number.round() as i64))
}

/// `deserialize_with` helper: as [`opt_whole`], for a field that must be there.
pub fn whole<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    opt_whole(deserializer)?.ok_or_else(|| serde::de::Error::custom("expected a number, got null"))
}

/// `deserialize_with` helper: a null read as the type's default (an empty
/// list or string). Pair it with `#[serde(default)]` for an absent field.
pub fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
