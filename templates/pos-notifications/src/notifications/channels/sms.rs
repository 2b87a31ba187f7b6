//! SMS providers: Twilio and Vonage. Both get the same short text: the
//! title, the body, then the link.

use std::fmt;

use reqwest::Client;
use serde::Deserialize;

use super::{http, Message, Outgoing, SendError, SendFuture, Sender};

/// The longest SMS sent, in characters. Vietnamese needs Unicode SMS, whose
/// parts hold about 67 characters each: 480 is at most eight parts, which
/// keeps a long message from costing more than a notification is worth.
const MAX_CHARS: usize = 480;

/// The text of an SMS: "title: body", then the link on its own line. When
/// too long, the title and body are shortened, never the link: a cut link
/// leads nowhere.
fn sms_text(message: &Message) -> String {
    let lead = format!("{}: {}", message.title, message.body);
    match &message.link {
        None => shorten(&lead, MAX_CHARS),
        Some(link) => {
            let room = MAX_CHARS.saturating_sub(link.chars().count() + 1);
            shorten(&format!("{}\n{link}", shorten(&lead, room)), MAX_CHARS)
        }
    }
}

/// `text` cut to at most `max` characters, ending with "…" when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    if max > 0 {
        short.push('…');
    }
    short
}

/// How to reach Twilio's Messaging API.
#[derive(Clone)]
pub struct TwilioConfig {
    /// The account SID (`AC…`), also the user name for basic auth.
    pub account_sid: String,
    /// The auth token, the password for basic auth.
    pub auth_token: String,
    /// The number SMS come from (`+84…`) or a messaging service (`MG…`),
    /// which picks a number itself.
    pub from: String,
    /// [`TwilioConfig::BASE_URL`] but in tests.
    pub base_url: String,
}

impl TwilioConfig {
    pub const BASE_URL: &'static str = "https://api.twilio.com";

    /// The configuration for Twilio's production API.
    pub fn new(account_sid: String, auth_token: String, from: String) -> Self {
        Self {
            account_sid,
            auth_token,
            from,
            base_url: Self::BASE_URL.to_owned(),
        }
    }

    /// The form field that names the sender: a messaging service SID goes
    /// in its own field.
    fn sender_field(&self) -> &'static str {
        if self.from.starts_with("MG") {
            "MessagingServiceSid"
        } else {
            "From"
        }
    }
}

impl fmt::Debug for TwilioConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioConfig")
            .field("account_sid", &self.account_sid)
            .field("from", &self.from)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Sends SMS through Twilio.
#[derive(Debug)]
pub struct Twilio {
    config: TwilioConfig,
    client: Client,
}

impl Twilio {
    /// Builds the HTTP client; nothing is sent until the first delivery.
    pub fn new(config: TwilioConfig) -> anyhow::Result<Self> {
        Ok(Self {
            config,
            client: http::client()?,
        })
    }

    async fn post(&self, outgoing: Outgoing<'_>) -> Result<(), SendError> {
        let config = &self.config;
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            config.base_url, config.account_sid
        );
        let form = [
            ("To", outgoing.address.to_owned()),
            ("Body", sms_text(outgoing.message)),
            (config.sender_field(), config.from.clone()),
        ];
        let request = self
            .client
            .post(url)
            .basic_auth(&config.account_sid, Some(&config.auth_token))
            .form(&form);
        // Twilio answers 201 Created; a 400 names what is wrong with the
        // request (an invalid number, a sender it does not know).
        http::send(request)
            .await
            .map_err(|failure| failure.into_send_error(self.provider()))?;
        Ok(())
    }
}

impl Sender for Twilio {
    fn provider(&self) -> &'static str {
        "twilio"
    }

    fn send<'a>(&'a self, outgoing: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(self.post(outgoing))
    }
}

/// How to reach Vonage's SMS API.
#[derive(Clone)]
pub struct VonageConfig {
    /// The account's API key and secret, sent in the form itself.
    pub api_key: String,
    pub api_secret: String,
    /// The sender name (`CuaHang`) or number SMS show.
    pub from: String,
    /// [`VonageConfig::BASE_URL`] but in tests.
    pub base_url: String,
}

impl VonageConfig {
    pub const BASE_URL: &'static str = "https://rest.nexmo.com";

    /// The configuration for Vonage's production API.
    pub fn new(api_key: String, api_secret: String, from: String) -> Self {
        Self {
            api_key,
            api_secret,
            from,
            base_url: Self::BASE_URL.to_owned(),
        }
    }
}

impl fmt::Debug for VonageConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VonageConfig")
            .field("api_key", &self.api_key)
            .field("from", &self.from)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Sends SMS through Vonage (formerly Nexmo).
#[derive(Debug)]
pub struct Vonage {
    config: VonageConfig,
    client: Client,
}

/// Vonage's answer: one status per SMS part it accepted or refused.
#[derive(Debug, Deserialize)]
struct VonageAnswer {
    #[serde(default)]
    messages: Vec<VonagePart>,
}

#[derive(Debug, Deserialize)]
struct VonagePart {
    status: String,
    #[serde(rename = "error-text")]
    error_text: Option<String>,
}

/// The status Vonage gives a part it took.
const VONAGE_OK: &str = "0";
/// The status Vonage gives when sending faster than the account allows.
const VONAGE_THROTTLED: &str = "1";

impl Vonage {
    /// Builds the HTTP client; nothing is sent until the first delivery.
    pub fn new(config: VonageConfig) -> anyhow::Result<Self> {
        Ok(Self {
            config,
            client: http::client()?,
        })
    }

    async fn post(&self, outgoing: Outgoing<'_>) -> Result<(), SendError> {
        let config = &self.config;
        let text = sms_text(outgoing.message);
        let form = [
            ("api_key", config.api_key.as_str()),
            ("api_secret", config.api_secret.as_str()),
            ("from", config.from.as_str()),
            ("to", vonage_number(outgoing.address)?),
            ("text", &text),
            // Without it Vonage sends GSM-7 text, which has no Vietnamese
            // letters.
            ("type", "unicode"),
        ];
        let request = self
            .client
            .post(format!("{}/sms/json", config.base_url))
            .form(&form);
        let response = http::send(request)
            .await
            .map_err(|failure| failure.into_send_error(self.provider()))?;
        // An answer that cannot be read is most likely a proxy's page rather
        // than Vonage's, so the SMS was probably not taken.
        let answer: VonageAnswer = response.json().await.map_err(|error| {
            SendError::Retry(format!(
                "vonage: unreadable answer: {}",
                error.without_url()
            ))
        })?;
        vonage_outcome(&answer)
    }
}

/// Vonage wants the number in international form without the `+`.
fn vonage_number(address: &str) -> Result<&str, SendError> {
    let digits = address.strip_prefix('+').unwrap_or(address);
    if !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(SendError::Refused(
            "the recipient is not a phone number in international form".to_owned(),
        ))
    }
}

/// Vonage answers 200 even when it refuses: the verdict is in each part's
/// status, and the first part that failed decides.
fn vonage_outcome(answer: &VonageAnswer) -> Result<(), SendError> {
    if answer.messages.is_empty() {
        return Err(SendError::Retry(
            "vonage: answer without a message status".to_owned(),
        ));
    }
    let Some(failed) = answer.messages.iter().find(|part| part.status != VONAGE_OK) else {
        return Ok(());
    };
    let reason = format!(
        "vonage status {}: {}",
        failed.status,
        failed.error_text.as_deref().unwrap_or("no error text")
    );
    if failed.status == VONAGE_THROTTLED {
        Err(SendError::Retry(reason))
    } else {
        Err(SendError::Refused(reason))
    }
}

impl Sender for Vonage {
    fn provider(&self) -> &'static str {
        "vonage"
    }

    fn send<'a>(&'a self, outgoing: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(self.post(outgoing))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str, link: Option<&str>) -> Message {
        Message {
            title: "Đơn hàng".to_owned(),
            body: body.to_owned(),
            link: link.map(str::to_owned),
        }
    }

    #[test]
    fn text_is_title_body_and_link() {
        let text = sms_text(&message(
            "Đã thanh toán",
            Some("https://shop.example.vn/orders/1"),
        ));
        assert_eq!(
            text,
            "Đơn hàng: Đã thanh toán\nhttps://shop.example.vn/orders/1"
        );
        assert_eq!(sms_text(&message("Đã giao", None)), "Đơn hàng: Đã giao");
    }

    #[test]
    fn long_text_keeps_the_link_whole() {
        let link = "https://shop.example.vn/orders/12";
        let text = sms_text(&message(&"ư".repeat(1000), Some(link)));
        assert_eq!(text.chars().count(), MAX_CHARS);
        assert!(text.ends_with(&format!("…\n{link}")), "{text}");
    }

    #[test]
    fn vonage_numbers_lose_the_plus() {
        assert_eq!(vonage_number("+84901234567"), Ok("84901234567"));
        assert!(vonage_number("0901 234 567").is_err());
        assert!(vonage_number("+").is_err());
    }
}
