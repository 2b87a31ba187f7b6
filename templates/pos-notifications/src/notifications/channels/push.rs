//! Push notifications through Firebase Cloud Messaging's HTTP v1 API, which
//! reaches Android, iOS and browsers alike. FCM takes a short-lived OAuth2
//! token, got by signing a JWT with the service account's private key.

use std::{
    fmt, fs,
    path::Path,
    time::{Duration, Instant},
};

use anyhow::Context;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Client, StatusCode, Url};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::Mutex;

use super::{
    http::{self, Failure},
    Outgoing, SendError, SendFuture, Sender,
};

/// The permission the access token asks for: sending messages, nothing else.
const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";

/// The OAuth2 grant that trades a signed JWT for an access token (RFC 7523).
const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// How long the signed JWT is valid: an hour, the most Google accepts.
const ASSERTION_SECONDS: u64 = 3600;

/// How long before its expiry a cached token is replaced, so a token never
/// runs out between being read and reaching FCM.
const RENEW_BEFORE_EXPIRY: Duration = Duration::from_secs(60);

/// What FCM needs from a service account key file. The file holds more
/// (`private_key_id`, `client_id`, …); the rest is not needed.
#[derive(Clone)]
pub struct ServiceAccount {
    /// The Firebase project messages are sent from.
    pub project_id: String,
    /// The service account's address, the JWT's issuer.
    pub client_email: String,
    /// The RSA private key in PEM form.
    pub private_key: String,
    /// Where access tokens are got, normally `https://oauth2.googleapis.com/token`.
    pub token_uri: String,
}

impl ServiceAccount {
    /// Reads a key file as downloaded from the Firebase console. Errors
    /// name the file but never show its content: it holds the private key.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = fs::read_to_string(path)
            .with_context(|| format!("cannot read the FCM key file {}", path.display()))?;
        Self::from_json(&text).with_context(|| {
            format!(
                "{} is not a Firebase service account key file",
                path.display()
            )
        })
    }

    /// Reads the fields FCM needs from a key file's JSON. Fields are picked
    /// from a parsed value rather than deserialised, so no error can quote
    /// a value from the file.
    pub fn from_json(text: &str) -> anyhow::Result<Self> {
        let value: Value = serde_json::from_str(text).context("not valid JSON")?;
        let field = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .filter(|found| !found.is_empty())
                .map(str::to_owned)
                .with_context(|| format!("no \"{name}\""))
        };
        Ok(Self {
            project_id: field("project_id")?,
            client_email: field("client_email")?,
            private_key: field("private_key")?,
            token_uri: field("token_uri")?,
        })
    }
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("project_id", &self.project_id)
            .field("client_email", &self.client_email)
            .field("token_uri", &self.token_uri)
            .finish_non_exhaustive()
    }
}

/// How to reach FCM.
#[derive(Debug, Clone)]
pub struct FcmConfig {
    /// Whose key signs the token requests, and for which project.
    pub account: ServiceAccount,
    /// [`FcmConfig::BASE_URL`] but in tests.
    pub base_url: String,
}

impl FcmConfig {
    pub const BASE_URL: &'static str = "https://fcm.googleapis.com";

    /// The configuration for FCM's production API.
    pub fn new(account: ServiceAccount) -> Self {
        Self {
            account,
            base_url: Self::BASE_URL.to_owned(),
        }
    }
}

/// Sends push notifications through FCM.
pub struct Fcm {
    account: ServiceAccount,
    base_url: String,
    /// The private key, parsed once so a broken key stops the start.
    key: EncodingKey,
    client: Client,
    /// The access token in use. Behind a lock held while a new one is got,
    /// so concurrent deliveries wait for one request instead of each
    /// making their own.
    token: Mutex<Option<AccessToken>>,
}

/// An OAuth2 access token and when to stop using it.
struct AccessToken {
    value: String,
    renew_at: Instant,
}

/// The claims Google's token endpoint expects in the signed JWT.
#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

impl Fcm {
    /// Reads the private key; no token is asked for until the first
    /// delivery.
    pub fn new(config: FcmConfig) -> anyhow::Result<Self> {
        let key = EncodingKey::from_rsa_pem(config.account.private_key.as_bytes())
            .context("the service account's private_key is not an RSA key in PEM form")?;
        Ok(Self {
            account: config.account,
            base_url: config.base_url,
            key,
            client: http::client()?,
            token: Mutex::new(None),
        })
    }

    async fn post(&self, outgoing: Outgoing<'_>) -> Result<(), SendError> {
        let token = self.access_token().await?;
        let url = format!(
            "{}/v1/projects/{}/messages:send",
            self.base_url, self.account.project_id
        );
        let request = self
            .client
            .post(url)
            .bearer_auth(&token)
            .json(&fcm_message(outgoing));
        match http::send(request).await {
            Ok(_) => Ok(()),
            Err(Failure::Rejected { status, body }) if status == StatusCode::UNAUTHORIZED => {
                // The token was revoked or expired early: the retry gets a
                // new one.
                self.forget_token(&token).await;
                Err(SendError::Retry(http::rejection(
                    self.provider(),
                    status,
                    &body,
                )))
            }
            Err(Failure::Rejected { status, body }) if device_gone(status, &body) => Err(
                SendError::Gone(http::rejection(self.provider(), status, &body)),
            ),
            Err(failure) => Err(failure.into_send_error(self.provider())),
        }
    }

    /// The cached access token, or a new one when it is missing or about to
    /// expire.
    async fn access_token(&self) -> Result<String, SendError> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref() {
            if Instant::now() < token.renew_at {
                return Ok(token.value.clone());
            }
        }
        let token = self.fetch_token().await?;
        let value = token.value.clone();
        *cached = Some(token);
        Ok(value)
    }

    /// Drops the cached token if it is still `rejected`: another delivery
    /// may already have replaced it.
    async fn forget_token(&self, rejected: &str) {
        let mut cached = self.token.lock().await;
        if cached.as_ref().is_some_and(|token| token.value == rejected) {
            *cached = None;
        }
    }

    async fn fetch_token(&self) -> Result<AccessToken, SendError> {
        let assertion = self.assertion()?;
        let form = [("grant_type", JWT_BEARER_GRANT), ("assertion", &assertion)];
        let request = self.client.post(&self.account.token_uri).form(&form);
        let response = http::send(request)
            .await
            .map_err(|failure| failure.into_send_error("fcm token endpoint"))?;
        let answer: TokenAnswer = response.json().await.map_err(|error| {
            SendError::Retry(format!(
                "fcm token endpoint: unreadable answer: {}",
                error.without_url()
            ))
        })?;
        let lifetime = Duration::from_secs(answer.expires_in).saturating_sub(RENEW_BEFORE_EXPIRY);
        let now = Instant::now();
        Ok(AccessToken {
            value: answer.access_token,
            renew_at: now.checked_add(lifetime).unwrap_or(now),
        })
    }

    /// The JWT, signed with the service account's key, that the token
    /// endpoint trades for an access token.
    fn assertion(&self) -> Result<String, SendError> {
        let iat = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            iss: &self.account.client_email,
            scope: SCOPE,
            aud: &self.account.token_uri,
            iat,
            exp: iat + ASSERTION_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key).map_err(|error| {
            SendError::Refused(format!("fcm: cannot sign the token request: {error}"))
        })
    }
}

impl fmt::Debug for Fcm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fcm")
            .field("account", &self.account)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Sender for Fcm {
    fn provider(&self) -> &'static str {
        "fcm"
    }

    fn send<'a>(&'a self, outgoing: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(self.post(outgoing))
    }
}

/// The request body for one device. The link travels as data for the app
/// to open; browsers open it themselves when it is an absolute HTTPS URL,
/// the only kind web push allows.
fn fcm_message(outgoing: Outgoing<'_>) -> Value {
    let message = outgoing.message;
    let mut fcm = json!({
        "token": outgoing.address,
        "notification": { "title": message.title, "body": message.body },
    });
    if let Some(link) = &message.link {
        fcm["data"] = json!({ "link": link });
        if Url::parse(link).is_ok_and(|url| url.scheme() == "https") {
            fcm["webpush"] = json!({ "fcm_options": { "link": link } });
        }
    }
    json!({ "message": fcm })
}

/// Whether FCM says the device token is no longer valid: the app was
/// uninstalled, or the token belongs to another Firebase project.
fn device_gone(status: StatusCode, body: &str) -> bool {
    let codes = error_codes(body);
    let has = |code: &str| codes.iter().any(|found| found == code);
    status == StatusCode::NOT_FOUND
        || has("UNREGISTERED")
        || (status == StatusCode::FORBIDDEN && has("SENDER_ID_MISMATCH"))
}

/// The `errorCode`s in the details of an FCM error answer.
fn error_codes(body: &str) -> Vec<String> {
    let Ok(answer) = serde_json::from_str::<Value>(body) else {
        return Vec::new();
    };
    answer["error"]["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|detail| detail["errorCode"].as_str().map(str::to_owned))
        .collect()
}
