//! The ways a notification reaches a person. Each provider implements
//! [`Sender`]; [`Channels`] holds the ones configured, at most one per channel.
//! In-app notifications need no provider: the worker publishes them itself.

pub mod email;
mod http;
pub mod push;
mod setup;
pub mod sms;

use std::{fmt, future::Future, pin::Pin, sync::Arc};

/// A channel a notification travels by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// The bell and notification centre in the app.
    InApp,
    Email,
    Sms,
    Push,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::InApp, Channel::Email, Channel::Sms, Channel::Push];

    /// The name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InApp => "in_app",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Push => "push",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|channel| channel.as_str() == name)
    }
}

/// What is sent: already in the recipient's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The email subject, SMS lead and push title.
    pub title: String,
    pub body: String,
    /// Where it leads: an absolute URL when `PUBLIC_BASE_URL` is set,
    /// otherwise the path in the app (`/orders/12`); `None` when nowhere.
    pub link: Option<String>,
}

/// One delivery to hand to a provider.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// The delivery's id, stable across retries: providers that accept an
    /// idempotency key get one derived from it.
    pub delivery_id: i64,
    /// The email address, E.164 phone number or device token.
    pub address: &'a str,
    pub message: &'a Message,
}

/// Why a provider did not take a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again later: the network, a timeout, a 5xx or a rate
    /// limit.
    Retry(String),
    /// Trying again cannot help: the provider refused the request as it is
    /// (a malformed address, bad credentials).
    Refused(String),
    /// The address no longer exists (a push token the device dropped); it
    /// should be forgotten.
    Gone(String),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Retry(reason) | Self::Refused(reason) | Self::Gone(reason) => f.write_str(reason),
        }
    }
}

/// The boxed future a [`Sender`] returns (the trait stays object safe).
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// A provider that delivers messages on one channel.
pub trait Sender: Send + Sync + fmt::Debug {
    /// The provider's name for logs and the deliveries page, e.g. `smtp`.
    fn provider(&self) -> &'static str;

    /// Hands one message to the provider. `Ok` means the provider accepted
    /// it; the delivery is then never sent again.
    fn send<'a>(&'a self, outgoing: Outgoing<'a>) -> SendFuture<'a>;
}

/// The providers configured, at most one per channel.
#[derive(Debug, Clone, Default)]
pub struct Channels {
    pub email: Option<Arc<dyn Sender>>,
    pub sms: Option<Arc<dyn Sender>>,
    pub push: Option<Arc<dyn Sender>>,
}

impl Channels {
    /// The provider for `channel`; in-app has none.
    pub fn sender(&self, channel: Channel) -> Option<&Arc<dyn Sender>> {
        match channel {
            Channel::InApp => None,
            Channel::Email => self.email.as_ref(),
            Channel::Sms => self.sms.as_ref(),
            Channel::Push => self.push.as_ref(),
        }
    }

    /// Whether notifications can go out on `channel` (in-app always can).
    pub fn offers(&self, channel: Channel) -> bool {
        channel == Channel::InApp || self.sender(channel).is_some()
    }
}
