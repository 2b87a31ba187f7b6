//! The one interface the rest of the app takes money through: start a
//! payment, read the provider's notification of it, ask the provider how it
//! stands, give money back. Each provider's configuration is its adapter: the
//! `impl Gateway` at the end of each provider module turns these calls into
//! that provider's protocol, and callers never ask which provider it is.

use std::{future::Future, pin::Pin};

use axum::http::HeaderMap;

use super::GatewayError;
use crate::payments::{
    model::{AttemptStatus, Provider},
    settle::Notice,
};

/// What an adapter's call to its provider gives back, some time later.
///
/// The trait's calls return this boxed future instead of being `async fn`s:
/// a trait with `async fn`s is not object-safe, and the app picks the adapter
/// at run time from the payment's method, as a `&dyn Gateway`.
pub type GatewayFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, GatewayError>> + Send + 'a>>;

/// A payment provider as the app uses it.
///
/// Every provider starts payments and verifies notifications. Status queries
/// and refunds are optional: a provider without them keeps the default
/// methods, which answer [`GatewayError::NotOffered`]. An adapter that
/// overrides [`Gateway::refund`] overrides [`Gateway::refunds`] too, so that
/// refunds are planned through it.
pub trait Gateway: Send + Sync {
    fn provider(&self) -> Provider;

    /// The provider's name as staff know it, for messages and logs.
    fn name(&self) -> &'static str;

    /// Gets from the provider what the customer needs to pay `attempt`: a QR
    /// code's data, a page to open, or a client secret. A provider that
    /// creates something on its side is asked once: the attempt's reference
    /// is its idempotency key where the provider takes one.
    fn start<'a>(
        &'a self,
        http: &'a reqwest::Client,
        attempt: &'a Attempt<'a>,
    ) -> GatewayFuture<'a, Handover>;

    /// Checks that a notification comes from the provider (signature, key,
    /// freshness against `now_unix`), then reads it. Nothing in it is read
    /// before the check passes.
    fn verify(&self, inbound: &Inbound<'_>, now_unix: i64) -> Result<Verified, GatewayError>;

    /// Asks the provider how `attempt` stands, for when its notification is
    /// late or lost.
    fn query<'a>(
        &'a self,
        _http: &'a reqwest::Client,
        _attempt: &'a Attempt<'a>,
    ) -> GatewayFuture<'a, RemoteStatus> {
        Box::pin(std::future::ready(Err(GatewayError::NotOffered {
            provider: self.name(),
            what: "status queries",
        })))
    }

    /// Whether [`Gateway::refund`] can send money back through the provider.
    fn refunds(&self) -> bool {
        false
    }

    /// Asks the provider to give back part or all of a payment; the
    /// provider's id for the refund when it gives one.
    fn refund<'a>(
        &'a self,
        _http: &'a reqwest::Client,
        _call: &'a RefundCall<'a>,
    ) -> GatewayFuture<'a, Option<String>> {
        Box::pin(std::future::ready(Err(GatewayError::NotOffered {
            provider: self.name(),
            what: "refunds",
        })))
    }
}

/// One payment attempt, as the adapters need it.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// Our payment code, e.g. `PC000042`: the provider's order reference.
    pub reference: &'a str,
    /// Whole đồng.
    pub amount: i64,
    /// The order's number, for the words the customer sees at the provider.
    pub order_number: &'a str,
    /// When the attempt was recorded, as stored: VNPay dates the payment
    /// with it, and its queries and refunds must repeat that date.
    pub created_at: &'a str,
    /// `PUBLIC_BASE_URL`, when set: where VNPay and MoMo send the customer
    /// back, and MoMo its notifications.
    pub public_base_url: Option<&'a str>,
}

impl Attempt<'_> {
    /// The public base URL, which a provider that sends the customer back
    /// cannot do without. Such a provider is only
    /// [offered](super::Gateways::offers) when the URL is set, so starting a
    /// payment without it is a mistake of the caller's.
    pub fn required_base_url(&self) -> Result<&str, GatewayError> {
        self.public_base_url
            .ok_or_else(|| GatewayError::Malformed("PUBLIC_BASE_URL is not set".into()))
    }
}

/// What the customer needs to pay, as the provider gave it. Which fields are
/// set depends on the provider.
#[derive(Default)]
pub struct Handover {
    /// Data to draw as a QR code: the VietQR payload, or MoMo's.
    pub qr_data: Option<String>,
    /// A page to send the customer to.
    pub redirect_url: Option<String>,
    /// For Stripe.js in the customer's browser. It is not stored, nor logged,
    /// which is why this type does not derive `Debug`.
    pub client_secret: Option<String>,
    /// The provider's id for the payment, stored with the attempt for later
    /// calls about it: Stripe's PaymentIntent.
    pub provider_ref: Option<String>,
}

/// A notification as it arrived, before anything in it is trusted.
#[derive(Debug, Clone, Copy)]
pub struct Inbound<'a> {
    pub headers: &'a HeaderMap,
    /// The raw query string, without its `?`; empty when there is none.
    pub query: &'a str,
    /// The raw body: signatures cover these exact bytes.
    pub body: &'a [u8],
}

impl<'a> Inbound<'a> {
    /// A header's value, when it is present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// What a genuine notification asks of the app.
#[derive(Debug)]
pub enum Verified {
    /// A payment result, to apply with [`crate::payments::settle`].
    Apply(Notice),
    /// Nothing for the till (money leaving the account, a payment still in
    /// progress, an event for someone else); why, for the log.
    Ignore(String),
}

/// How the provider says an attempt stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteStatus {
    pub status: AttemptStatus,
    /// Whole đồng, when the provider says.
    pub amount: Option<i64>,
    /// The provider's id for the money movement, once it made one.
    pub transaction_id: Option<String>,
    /// The provider's words for the status, for a person to read.
    pub detail: String,
}

/// One refund to ask a provider for.
#[derive(Debug, Clone, Copy)]
pub struct RefundCall<'a> {
    /// Ours, unique per request: e.g. `TH000007-1`.
    pub reference: &'a str,
    /// Whole đồng to give back.
    pub amount: i64,
    /// The payment the money came in by.
    pub payment: Attempt<'a>,
    /// The provider's id for that payment, as [`Handover::provider_ref`]
    /// stored it.
    pub provider_ref: Option<&'a str>,
    /// The id the provider's notification gave the money movement: VNPay's
    /// `TransactionNo`, MoMo's `transId`.
    pub transaction_id: Option<&'a str>,
    /// Who asks, for VNPay's records.
    pub actor: &'a str,
}

impl RefundCall<'_> {
    /// The provider's id for the money movement, which a refund must name.
    pub fn transaction_id(&self) -> Result<&str, GatewayError> {
        self.transaction_id.ok_or_else(|| {
            GatewayError::Malformed("the gateway never confirmed this payment".into())
        })
    }

    /// The words that go with the refund at the provider.
    pub fn description(&self) -> String {
        format!("Hoan tien don {}", self.payment.order_number)
    }
}
