//! Email providers: an SMTP server, or the HTTP API of Resend or SendGrid.
//! Every email is plain UTF-8 text: the message's body, then its link.

use std::{fmt, time::Duration};

use anyhow::Context;
use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp,
    Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor,
};
use reqwest::Client;
use serde_json::json;

use super::{http, Message, Outgoing, SendError, SendFuture, Sender};

/// How long an SMTP server may take to answer a command before the
/// delivery is left for a retry.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// The body of every email: the message's text, then a blank line and the
/// link, so a mail client shows the link on its own line.
fn plain_text(message: &Message) -> String {
    match &message.link {
        Some(link) => format!("{}\n\n{link}", message.body),
        None => message.body.clone(),
    }
}

/// The recipient's address, checked before anything is sent: an address
/// that does not parse will never be deliverable.
fn recipient(address: &str) -> Result<Address, SendError> {
    address
        .parse()
        .map_err(|_| SendError::Refused("the recipient is not a valid email address".to_owned()))
}

/// How to reach an SMTP server.
#[derive(Clone)]
pub struct SmtpConfig {
    /// `smtp://host:port` (plain, for a relay on the same machine),
    /// `smtp://user:password@host:587?tls=required` or
    /// `smtps://user:password@host`.
    pub url: String,
    /// The sender of every email.
    pub from: Mailbox,
}

// The URL may carry a password, so it is never printed.
impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// Sends email through an SMTP server, keeping a small pool of connections
/// open between deliveries.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// Reads the URL without connecting: a server that is down shows in the
    /// first deliveries, which are retried, rather than stopping the app.
    ///
    /// Must be called inside a Tokio runtime, where the connection pool
    /// starts the task that closes idle connections.
    pub fn new(config: SmtpConfig) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.url)
            .context("not an SMTP URL such as smtp://host:port or smtps://user:password@host")?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self {
            transport,
            from: config.from,
        })
    }

    fn email(&self, outgoing: Outgoing<'_>) -> Result<lettre::Message, SendError> {
        let to = recipient(outgoing.address)?;
        lettre::Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(outgoing.message.title.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(plain_text(outgoing.message))
            .map_err(|error| SendError::Refused(format!("smtp: cannot build the email: {error}")))
    }
}

impl fmt::Debug for Smtp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smtp")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Sender for Smtp {
    fn provider(&self) -> &'static str {
        "smtp"
    }

    fn send<'a>(&'a self, outgoing: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let email = self.email(outgoing)?;
            self.transport
                .send(email)
                .await
                .map(drop)
                .map_err(smtp_error)
        })
    }
}

/// A 5xx reply is the server's final word on this email; a 4xx reply, a
/// broken connection or a timeout may pass.
fn smtp_error(error: smtp::Error) -> SendError {
    let reason = format!("smtp: {error}");
    if error.is_permanent() {
        SendError::Refused(reason)
    } else {
        SendError::Retry(reason)
    }
}

/// How to reach Resend's API.
#[derive(Clone)]
pub struct ResendConfig {
    /// An API key with permission to send (`re_…`).
    pub api_key: String,
    /// The sender of every email; its domain must be verified in Resend.
    pub from: Mailbox,
    /// [`ResendConfig::BASE_URL`] but in tests.
    pub base_url: String,
}

impl ResendConfig {
    pub const BASE_URL: &'static str = "https://api.resend.com";

    /// The configuration for Resend's production API.
    pub fn new(api_key: String, from: Mailbox) -> Self {
        Self {
            api_key,
            from,
            base_url: Self::BASE_URL.to_owned(),
        }
    }
}

impl fmt::Debug for ResendConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResendConfig")
            .field("from", &self.from)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Sends email through Resend's HTTP API.
#[derive(Debug)]
pub struct Resend {
    config: ResendConfig,
    client: Client,
}

impl Resend {
    /// Builds the HTTP client; nothing is sent until the first delivery.
    pub fn new(config: ResendConfig) -> anyhow::Result<Self> {
        Ok(Self {
            config,
            client: http::client()?,
        })
    }

    async fn post(&self, outgoing: Outgoing<'_>) -> Result<(), SendError> {
        let to = recipient(outgoing.address)?;
        let email = json!({
            "from": self.config.from.to_string(),
            "to": [to.to_string()],
            "subject": outgoing.message.title,
            "text": plain_text(outgoing.message),
        });
        let request = self
            .client
            .post(format!("{}/emails", self.config.base_url))
            .bearer_auth(&self.config.api_key)
            // Resend drops a second request with the same key, so a retry
            // after a lost answer does not send the email twice.
            .header(
                "Idempotency-Key",
                format!("delivery-{}", outgoing.delivery_id),
            )
            .json(&email);
        http::send(request)
            .await
            .map_err(|failure| failure.into_send_error(self.provider()))?;
        Ok(())
    }
}

impl Sender for Resend {
    fn provider(&self) -> &'static str {
        "resend"
    }

    fn send<'a>(&'a self, outgoing: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(self.post(outgoing))
    }
}

/// How to reach SendGrid's API.
#[derive(Clone)]
pub struct SendGridConfig {
    /// An API key with the Mail Send permission (`SG.…`).
    pub api_key: String,
    /// The sender of every email; it must be a verified sender in SendGrid.
    pub from: Mailbox,
    /// [`SendGridConfig::BASE_URL`] but in tests.
    pub base_url: String,
}

impl SendGridConfig {
    pub const BASE_URL: &'static str = "https://api.sendgrid.com";

    /// The configuration for SendGrid's production API.
    pub fn new(api_key: String, from: Mailbox) -> Self {
        Self {
            api_key,
            from,
            base_url: Self::BASE_URL.to_owned(),
        }
    }
}

impl fmt::Debug for SendGridConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendGridConfig")
            .field("from", &self.from)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Sends email through SendGrid's v3 mail API.
#[derive(Debug)]
pub struct SendGrid {
    config: SendGridConfig,
    client: Client,
}

impl SendGrid {
    /// Builds the HTTP client; nothing is sent until the first delivery.
    pub fn new(config: SendGridConfig) -> anyhow::Result<Self> {
        Ok(Self {
            config,
            client: http::client()?,
        })
    }

    async fn post(&self, outgoing: Outgoing<'_>) -> Result<(), SendError> {
        let to = recipient(outgoing.address)?;
        let from = &self.config.from;
        let mut sender = json!({ "email": from.email.to_string() });
        if let Some(name) = &from.name {
            sender["name"] = json!(name);
        }
        let mail = json!({
            "personalizations": [{ "to": [{ "email": to.to_string() }] }],
            "from": sender,
            "subject": outgoing.message.title,
            "content": [{ "type": "text/plain", "value": plain_text(outgoing.message) }],
        });
        let request = self
            .client
            .post(format!("{}/v3/mail/send", self.config.base_url))
            .bearer_auth(&self.config.api_key)
            .json(&mail);
        // SendGrid accepts with 202 and an empty body.
        http::send(request)
            .await
            .map_err(|failure| failure.into_send_error(self.provider()))?;
        Ok(())
    }
}

impl Sender for SendGrid {
    fn provider(&self) -> &'static str {
        "sendgrid"
    }

    fn send<'a>(&'a self, outgoing: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(self.post(outgoing))
    }
}
