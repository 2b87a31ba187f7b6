//! Stripe: checking webhook signatures and reading payment events, creating
//! PaymentIntents in đồng, and refunds.
//!
//! Official (Stripe's docs and its Go library, `stripe-go`'s `webhook`
//! package): the `Stripe-Signature` header `t=…,v1=…[,v1=…]` where only `v1`
//! counts and any one of several may match (an endpoint secret being rolled);
//! the signature as hex HMAC-SHA256 of `"{t}.{raw body}"` keyed with the whole
//! `whsec_…` string (not base64-decoded); a default tolerance of 300 seconds
//! that refuses only timestamps that are too old; form-encoded API requests
//! with bracketed keys and bearer authentication; VND as a zero-decimal
//! currency (amounts are whole đồng, not × 100) with at most eight digits; the
//! `Idempotency-Key` header (at most 255 characters) on POSTs; refunds by
//! `payment_intent` with an optional partial `amount`.
//!
//! Inferred here, not stated by Stripe: that the eight-digit limit caps a VND
//! PaymentIntent at 99 999 999 ₫ (Stripe's per-currency minimums and maximums
//! are not checked); which event fields are read (they are the stable fields
//! of the PaymentIntent and Charge objects; no `Stripe-Version` is pinned, so
//! requests and events follow the account's API version); whether a charge's
//! `metadata` repeats its PaymentIntent's, so `charge.refunded` is matched by
//! its `payment_intent`.

use std::collections::BTreeMap;
use std::fmt;

use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use super::{
    error::GatewayError, Attempt, Gateway, GatewayFuture, Handover, Inbound, RefundCall, Verified,
};
use crate::payments::{model::Provider, settle::Notice};

type HmacSha256 = Hmac<Sha256>;

/// Stripe's API.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";
/// How old a webhook's timestamp may be, as Stripe's own libraries allow.
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;
/// Stripe takes amounts of at most eight digits; VND has no minor unit.
pub const MAX_AMOUNT_VND: i64 = 99_999_999;
/// The metadata key that carries our reference for the payment.
pub const REFERENCE_KEY: &str = "order_payment";

/// Keys and the API base.
#[derive(Clone, PartialEq, Eq)]
pub struct StripeConfig {
    /// `sk_…` (or a restricted `rk_…`), sent as a bearer token.
    pub secret_key: String,
    /// The webhook endpoint's `whsec_…`.
    pub webhook_secret: String,
    pub api_base: String,
}

impl fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeConfig")
            .field("secret_key", &"<redacted>")
            .field("webhook_secret", &"<redacted>")
            .field("api_base", &self.api_base)
            .finish()
    }
}

impl StripeConfig {
    /// Reads `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET` and, optionally,
    /// `STRIPE_API_BASE` (default [`DEFAULT_API_BASE`]). `None` when a
    /// required variable is missing or empty.
    pub fn from_env() -> Option<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`StripeConfig::from_env`] with the variables taken from `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let get = |name: &str| super::setting(&lookup, name);
        Some(StripeConfig {
            secret_key: get("STRIPE_SECRET_KEY")?,
            webhook_secret: get("STRIPE_WEBHOOK_SECRET")?,
            api_base: get("STRIPE_API_BASE").unwrap_or_else(|| DEFAULT_API_BASE.to_owned()),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api_base.trim_end_matches('/'))
    }
}

// ---------------------------------------------------------------------------
// Webhook signatures
// ---------------------------------------------------------------------------

fn mac(secret: &str, timestamp: i64, payload: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

/// The `v1` signature of `payload` sent at `timestamp`: hex HMAC-SHA256 of
/// `"{timestamp}.{payload}"`, keyed with the whole `whsec_…` string.
pub fn compute_signature(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, payload).finalize().into_bytes())
}

/// A `Stripe-Signature` header as Stripe would send it, for tests of code
/// that receives webhooks.
pub fn signature_header(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        compute_signature(secret, timestamp, payload)
    )
}

/// Checks a webhook's `Stripe-Signature` header against the raw body.
///
/// Every `v1` is tried and one match is enough; `v0` and unknown schemes are
/// ignored, so a header without `v1` never passes. The signature is checked
/// first, then the age: a timestamp more than `tolerance_seconds` before
/// `now_unix` is [`GatewayError::Stale`]. Like Stripe's libraries, a
/// timestamp in the future is not refused: it was signed by Stripe, and a
/// replay of it is still bounded by the tolerance.
pub fn verify_signature(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    now_unix: i64,
    tolerance_seconds: i64,
) -> Result<(), GatewayError> {
    let malformed =
        || GatewayError::Malformed("the Stripe-Signature header is not t=…,v1=…".into());
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for element in signature_header.trim().split(',') {
        let mut parts = element.trim().split('=');
        let (Some(scheme), Some(value), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(malformed());
        };
        match scheme {
            "t" => {
                let parsed = value.parse::<i64>().map_err(|_| malformed())?;
                if timestamp.replace(parsed).is_some() {
                    return Err(malformed());
                }
            }
            // A value that is not hex cannot match; it is skipped like a
            // wrong one.
            "v1" => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or_else(malformed)?;

    let expected = mac(secret, timestamp, payload);
    if !signatures
        .iter()
        .any(|signature| expected.clone().verify_slice(signature).is_ok())
    {
        return Err(GatewayError::BadSignature);
    }
    let age_seconds = now_unix - timestamp;
    if age_seconds > tolerance_seconds {
        return Err(GatewayError::Stale { age_seconds });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/// A webhook event whose signature was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeEvent {
    /// `evt_…`; events can arrive more than once, so this is the key to
    /// deduplicate on.
    pub id: String,
    /// The event's `type`, e.g. `payment_intent.succeeded`.
    pub event_type: String,
    /// For `payment_intent.succeeded`, `payment_intent.payment_failed` and
    /// `charge.refunded` (of a charge made through a PaymentIntent); `None`
    /// for every other event.
    pub payment: Option<PaymentDetails>,
}

/// What a payment event says about a PaymentIntent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDetails {
    /// `pi_…`.
    pub payment_intent_id: String,
    /// In the currency's smallest unit: for `vnd`, whole đồng.
    pub amount: i64,
    /// Lower case, e.g. `vnd`.
    pub currency: String,
    /// For `charge.refunded`: how much of the charge is refunded so far.
    pub amount_refunded: Option<i64>,
    /// For `payment_intent.payment_failed`: why, in words for the customer.
    pub failure_message: Option<String>,
    /// The object's metadata (string values only).
    pub metadata: BTreeMap<String, String>,
}

impl PaymentDetails {
    /// Our reference, from `metadata[order_payment]`.
    pub fn order_payment(&self) -> Option<&str> {
        self.metadata.get(REFERENCE_KEY).map(String::as_str)
    }
}

/// Checks the signature with [`verify_signature`], then reads the event.
pub fn verify_webhook(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    now_unix: i64,
    tolerance_seconds: i64,
) -> Result<StripeEvent, GatewayError> {
    verify_signature(
        payload,
        signature_header,
        secret,
        now_unix,
        tolerance_seconds,
    )?;
    parse_event(payload)
}

fn parse_event(payload: &[u8]) -> Result<StripeEvent, GatewayError> {
    let event = match serde_json::from_slice(payload) {
        Ok(Value::Object(event)) => event,
        _ => {
            return Err(GatewayError::Malformed(
                "the Stripe event is not a JSON object".into(),
            ))
        }
    };
    let id = required_text(&event, "id")?;
    let event_type = required_text(&event, "type")?;
    let is_payment_intent = matches!(
        event_type.as_str(),
        "payment_intent.succeeded" | "payment_intent.payment_failed"
    );
    let is_refund = event_type == "charge.refunded";
    if !is_payment_intent && !is_refund {
        return Ok(StripeEvent {
            id,
            event_type,
            payment: None,
        });
    }

    let object = event
        .get("data")
        .and_then(|data| data.get("object"))
        .and_then(Value::as_object)
        .ok_or_else(|| {
            GatewayError::Malformed(format!("the {event_type} event has no data.object"))
        })?;
    let payment_intent_id = if is_payment_intent {
        Some(required_text(object, "id")?)
    } else {
        // A charge names its PaymentIntent by id, or holds it when expanded.
        match object.get("payment_intent") {
            Some(Value::String(id)) => Some(id.clone()),
            Some(Value::Object(intent)) => Some(required_text(intent, "id")?),
            _ => None,
        }
    };
    let Some(payment_intent_id) = payment_intent_id else {
        return Ok(StripeEvent {
            id,
            event_type,
            payment: None,
        });
    };
    let integer = |key: &str| object.get(key).and_then(Value::as_i64);
    let payment = PaymentDetails {
        payment_intent_id,
        amount: integer("amount").ok_or_else(|| {
            GatewayError::Malformed(format!("the {event_type} event has no amount"))
        })?,
        currency: required_text(object, "currency")?,
        amount_refunded: if is_refund {
            integer("amount_refunded")
        } else {
            None
        },
        failure_message: object
            .get("last_payment_error")
            .and_then(|error| error.get("message"))
            .or_else(|| object.get("failure_message"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        metadata: object
            .get("metadata")
            .and_then(Value::as_object)
            .map(|metadata| {
                metadata
                    .iter()
                    .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default(),
    };
    Ok(StripeEvent {
        id,
        event_type,
        payment: Some(payment),
    })
}

fn required_text(object: &Map<String, Value>, key: &str) -> Result<String, GatewayError> {
    object
        .get(key)
        .and_then(Value::as_str)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| GatewayError::Malformed(format!("missing text field {key}")))
}

// ---------------------------------------------------------------------------
// PaymentIntents and refunds
// ---------------------------------------------------------------------------

/// A payment to collect through Stripe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIntentRequest {
    /// Whole đồng, 1 to [`MAX_AMOUNT_VND`].
    pub amount_vnd: i64,
    /// Our reference, stored as `metadata[order_payment]` and echoed in events.
    pub reference: String,
    /// Shown in Stripe's dashboard; left out when empty.
    pub description: String,
}

/// A PaymentIntent as created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIntent {
    /// `pi_…`.
    pub id: String,
    /// Handed to Stripe.js in the customer's browser to confirm the payment;
    /// it is not an API key but should not be logged or stored.
    pub client_secret: String,
    /// E.g. `requires_payment_method`.
    pub status: String,
}

/// A refund as created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// `re_…`.
    pub id: String,
    /// `pending`, `succeeded`, `failed`, `requires_action` or `canceled`.
    pub status: String,
    /// Whole đồng.
    pub amount: i64,
}

/// The form body of a PaymentIntent create.
fn payment_intent_form(request: &PaymentIntentRequest) -> Result<String, GatewayError> {
    if !(1..=MAX_AMOUNT_VND).contains(&request.amount_vnd) {
        return Err(GatewayError::Malformed(format!(
            "Stripe takes 1 to {MAX_AMOUNT_VND} VND in one payment"
        )));
    }
    if request.reference.is_empty() {
        return Err(GatewayError::Malformed(
            "a payment needs our reference".into(),
        ));
    }
    let mut form = form_urlencoded::Serializer::new(String::new());
    // VND is zero-decimal: the amount is whole đồng, not × 100.
    form.append_pair("amount", &request.amount_vnd.to_string())
        .append_pair("currency", "vnd")
        .append_pair("automatic_payment_methods[enabled]", "true")
        .append_pair("metadata[order_payment]", &request.reference);
    if !request.description.is_empty() {
        form.append_pair("description", &request.description);
    }
    Ok(form.finish())
}

/// Creates a PaymentIntent for `request`. `idempotency_key` (1–255 visible
/// ASCII characters, e.g. a UUID kept with our payment) makes a repeated call
/// return the first result instead of charging twice, for at least 24 hours.
pub async fn create_payment_intent(
    client: &reqwest::Client,
    config: &StripeConfig,
    request: &PaymentIntentRequest,
    idempotency_key: &str,
) -> Result<PaymentIntent, GatewayError> {
    let form = payment_intent_form(request)?;
    let answer = post_form(client, config, "/v1/payment_intents", form, idempotency_key).await?;
    Ok(PaymentIntent {
        id: required_text(&answer, "id")?,
        client_secret: required_text(&answer, "client_secret")?,
        status: required_text(&answer, "status")?,
    })
}

/// The form body of a refund. (The serializer is not `Send`, so it is
/// finished here, before any request is awaited.)
fn refund_form(payment_intent_id: &str, amount_vnd: Option<i64>) -> Result<String, GatewayError> {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("payment_intent", payment_intent_id);
    if let Some(amount) = amount_vnd {
        if !(1..=MAX_AMOUNT_VND).contains(&amount) {
            return Err(GatewayError::Malformed(format!(
                "a refund is 1 to {MAX_AMOUNT_VND} VND"
            )));
        }
        form.append_pair("amount", &amount.to_string());
    }
    Ok(form.finish())
}

/// Refunds a PaymentIntent: all of it when `amount_vnd` is `None`, else that
/// many đồng. `idempotency_key` as for [`create_payment_intent`].
pub async fn refund(
    client: &reqwest::Client,
    config: &StripeConfig,
    payment_intent_id: &str,
    amount_vnd: Option<i64>,
    idempotency_key: &str,
) -> Result<Refund, GatewayError> {
    if payment_intent_id.is_empty() {
        return Err(GatewayError::Malformed(
            "a refund needs the PaymentIntent id".into(),
        ));
    }
    let form = refund_form(payment_intent_id, amount_vnd)?;
    let answer = post_form(client, config, "/v1/refunds", form, idempotency_key).await?;
    Ok(Refund {
        id: required_text(&answer, "id")?,
        status: required_text(&answer, "status")?,
        amount: answer
            .get("amount")
            .and_then(Value::as_i64)
            .ok_or_else(|| GatewayError::Malformed("the refund has no amount".into()))?,
    })
}

/// POSTs a form with bearer authentication and an idempotency key, and
/// returns the answer's JSON object. A 4xx with Stripe's `error` object is
/// [`GatewayError::Rejected`] with its `code` (or its `type` when it has no
/// code); a 5xx is [`GatewayError::Http`], whatever its body.
async fn post_form(
    client: &reqwest::Client,
    config: &StripeConfig,
    path: &str,
    form: String,
    idempotency_key: &str,
) -> Result<Map<String, Value>, GatewayError> {
    let key_is_valid = (1..=255).contains(&idempotency_key.len())
        && idempotency_key.bytes().all(|b| b.is_ascii_graphic());
    if !key_is_valid {
        return Err(GatewayError::Malformed(
            "the idempotency key must be 1 to 255 visible ASCII characters".into(),
        ));
    }
    let response = client
        .post(config.url(path))
        .bearer_auth(&config.secret_key)
        .header("Idempotency-Key", idempotency_key)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(form)
        .send()
        .await
        .map_err(GatewayError::transport)?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(GatewayError::transport)?;
    let answer = match serde_json::from_slice(&bytes) {
        Ok(Value::Object(answer)) if !status.is_server_error() => answer,
        _ if !status.is_success() => return Err(GatewayError::status("Stripe", status)),
        _ => {
            return Err(GatewayError::Http(
                "Stripe answered something that is not a JSON object".into(),
            ))
        }
    };
    if status.is_success() {
        return Ok(answer);
    }
    let error = answer.get("error").and_then(Value::as_object);
    let field = |key: &str| {
        error
            .and_then(|error| error.get(key))
            .and_then(Value::as_str)
            .filter(|value| !value.is_empty())
    };
    match field("code").or_else(|| field("type")) {
        Some(code) => Err(GatewayError::rejected(
            code,
            &without_keys(field("message").unwrap_or("no message")),
        )),
        None => Err(GatewayError::status("Stripe", status)),
    }
}

/// Stripe's message for a wrong key quotes the key, masked but for its last
/// characters; even that part is kept out of our errors.
fn without_keys(message: &str) -> String {
    message
        .split(' ')
        .map(|word| {
            let is_key = ["sk_", "rk_", "pk_", "whsec_"]
                .iter()
                .any(|prefix| word.starts_with(prefix));
            if is_key {
                "[key]"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// The adapter
// ---------------------------------------------------------------------------

/// Stripe's payments are not queried: that would be a GET of the
/// PaymentIntent, which this module does not make, and Stripe retries a
/// webhook it could not deliver for up to three days.
impl Gateway for StripeConfig {
    fn provider(&self) -> Provider {
        Provider::Stripe
    }

    fn name(&self) -> &'static str {
        "Stripe"
    }

    /// Creates a PaymentIntent, whose client secret Stripe.js confirms in
    /// the customer's browser and whose id refunds name.
    fn start<'a>(
        &'a self,
        http: &'a reqwest::Client,
        attempt: &'a Attempt<'a>,
    ) -> GatewayFuture<'a, Handover> {
        Box::pin(async move {
            let request = PaymentIntentRequest {
                amount_vnd: attempt.amount,
                reference: attempt.reference.to_owned(),
                description: format!("Đơn {}", attempt.order_number),
            };
            // The payment code as idempotency key: should this request reach
            // Stripe twice, it still makes one PaymentIntent.
            let intent = create_payment_intent(http, self, &request, attempt.reference).await?;
            Ok(Handover {
                client_secret: Some(intent.client_secret),
                provider_ref: Some(intent.id),
                ..Handover::default()
            })
        })
    }

    /// A webhook event, signed in the `Stripe-Signature` header.
    fn verify(&self, inbound: &Inbound<'_>, now_unix: i64) -> Result<Verified, GatewayError> {
        let signature = inbound
            .header("stripe-signature")
            .ok_or_else(|| GatewayError::Malformed("no Stripe-Signature header".into()))?;
        let event = verify_webhook(
            inbound.body,
            signature,
            &self.webhook_secret,
            now_unix,
            DEFAULT_TOLERANCE_SECONDS,
        )?;
        let succeeded = match event.event_type.as_str() {
            "payment_intent.succeeded" => true,
            "payment_intent.payment_failed" => false,
            // Whatever else the endpoint is subscribed to.
            other => {
                return Ok(Verified::Ignore(format!(
                    "Stripe event {} is a {other}",
                    event.id
                )))
            }
        };
        let payment = event.payment.ok_or_else(|| {
            GatewayError::Malformed("a payment event without its PaymentIntent".into())
        })?;
        let Some(reference) = payment.order_payment() else {
            // Not started by this app: the Stripe account may serve a web shop too.
            return Ok(Verified::Ignore(format!(
                "Stripe event {} is about a payment without our payment code",
                event.id
            )));
        };
        Ok(Verified::Apply(Notice {
            provider: Provider::Stripe,
            // Stripe delivers an event again under the same id.
            txn_id: event.id,
            reference: Some(reference.to_owned()),
            amount: payment.amount,
            // Stripe writes `vnd`; attempts keep ISO codes in upper case.
            currency: payment.currency.to_ascii_uppercase(),
            succeeded,
            payload: String::from_utf8_lossy(inbound.body).into_owned(),
        }))
    }

    fn refunds(&self) -> bool {
        true
    }

    fn refund<'a>(
        &'a self,
        http: &'a reqwest::Client,
        call: &'a RefundCall<'a>,
    ) -> GatewayFuture<'a, Option<String>> {
        Box::pin(async move {
            let intent = call.provider_ref.unwrap_or_default();
            // The key is ours and unique per request, so a retried call
            // cannot refund twice.
            let key = format!("refund-{}", call.reference);
            let answer = self::refund(http, self, intent, Some(call.amount), &key).await?;
            if matches!(answer.status.as_str(), "failed" | "canceled") {
                return Err(GatewayError::Rejected {
                    code: answer.status,
                    message: "Stripe did not refund the payment".into(),
                });
            }
            Ok(Some(answer.id))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::http::{header, HeaderMap, Method};
    use serde_json::json;

    use super::super::mock::{self, client, Mock};
    use super::*;

    // S-SC-1 and S-SC-2
    const SECRET: &str = "whsec_test_secret";
    const T: i64 = 1_700_000_000;
    const BODY: &[u8] =
        br#"{"id":"evt_test_webhook","object":"event","type":"payment_intent.succeeded"}"#;
    const SIGNATURE: &str = "130dc37d5a27b1b232a61e4f2ff00ed245f498112c11e8b747aff3d0fb754056";
    const OLD_SIGNATURE: &str = "6daa70102e2f431a83f7b08885d93d13ac419307ea83e0fea4941119ca7c9c70";

    fn header_single() -> String {
        format!("t={T},v1={SIGNATURE}")
    }

    fn header_rolled() -> String {
        format!("t={T},v1={OLD_SIGNATURE},v1={SIGNATURE}")
    }

    #[test]
    fn s_sc_1_single_secret() {
        assert_eq!(compute_signature(SECRET, T, BODY), SIGNATURE);
        assert_eq!(signature_header(SECRET, T, BODY), header_single());
        assert_eq!(
            verify_signature(BODY, &header_single(), SECRET, T + 100, 300),
            Ok(())
        );
    }

    #[test]
    fn s_sc_2_rolled_secret() {
        assert_eq!(
            compute_signature("whsec_old_secret", T, BODY),
            OLD_SIGNATURE
        );
        assert_eq!(
            verify_signature(BODY, &header_rolled(), SECRET, T + 100, 300),
            Ok(())
        );
        // The old secret still verifies while it is kept active.
        assert_eq!(
            verify_signature(BODY, &header_rolled(), "whsec_old_secret", T + 100, 300),
            Ok(())
        );
        // Only the old signature: the new secret does not accept it.
        let old_only = format!("t={T},v1={OLD_SIGNATURE}");
        assert_eq!(
            verify_signature(BODY, &old_only, SECRET, T + 100, 300),
            Err(GatewayError::BadSignature)
        );
    }

    #[test]
    fn a_stale_timestamp_is_refused() {
        assert_eq!(
            verify_signature(BODY, &header_single(), SECRET, T + 301, 300),
            Err(GatewayError::Stale { age_seconds: 301 })
        );
        assert_eq!(
            verify_signature(
                BODY,
                &header_rolled(),
                SECRET,
                T + 301,
                DEFAULT_TOLERANCE_SECONDS
            ),
            Err(GatewayError::Stale { age_seconds: 301 })
        );
        // The edge is still inside; a clock behind Stripe's is not refused.
        assert_eq!(
            verify_signature(BODY, &header_single(), SECRET, T + 300, 300),
            Ok(())
        );
        assert_eq!(
            verify_signature(BODY, &header_single(), SECRET, T - 60, 300),
            Ok(())
        );
        // A forged request learns nothing about the time: bad before stale.
        let forged = format!("t={T},v1={}", "0".repeat(64));
        assert_eq!(
            verify_signature(BODY, &forged, SECRET, T + 10_000, 300),
            Err(GatewayError::BadSignature)
        );
    }

    #[test]
    fn tampering_and_wrong_secrets_are_refused() {
        let tampered =
            br#"{"id":"evt_test_webhook","object":"event","type":"payment_intent.succeeded" }"#;
        assert_eq!(
            verify_signature(tampered, &header_single(), SECRET, T, 300),
            Err(GatewayError::BadSignature)
        );
        // The timestamp is signed too.
        let moved = format!("t={},v1={SIGNATURE}", T + 1);
        assert_eq!(
            verify_signature(BODY, &moved, SECRET, T, 300),
            Err(GatewayError::BadSignature)
        );
        assert_eq!(
            verify_signature(BODY, &header_single(), "whsec_other", T, 300),
            Err(GatewayError::BadSignature)
        );
        // The key is the whole whsec_ string, not what follows the prefix.
        assert_eq!(
            verify_signature(BODY, &header_single(), "test_secret", T, 300),
            Err(GatewayError::BadSignature)
        );
    }

    #[test]
    fn only_v1_counts() {
        // A valid signature under v0 (what test mode adds) is ignored.
        let downgrade = format!("t={T},v0={SIGNATURE}");
        assert_eq!(
            verify_signature(BODY, &downgrade, SECRET, T, 300),
            Err(GatewayError::BadSignature)
        );
        let no_v1 = format!("t={T}");
        assert_eq!(
            verify_signature(BODY, &no_v1, SECRET, T, 300),
            Err(GatewayError::BadSignature)
        );
        // Unknown schemes and bad hex are skipped; upper-case hex is fine.
        let mixed = format!(
            "t={T},v0=abc,v1=not-hex,v2=zz,v1={}",
            SIGNATURE.to_uppercase()
        );
        assert_eq!(verify_signature(BODY, &mixed, SECRET, T, 300), Ok(()));
    }

    #[test]
    fn a_malformed_header_is_malformed() {
        for header in [
            String::new(),
            format!("v1={SIGNATURE}"),
            format!("t=abc,v1={SIGNATURE}"),
            format!("t={T},v1"),
            format!("t={T},v1={SIGNATURE}=x"),
            format!("t={T},t={T},v1={SIGNATURE}"),
        ] {
            assert!(
                matches!(
                    verify_signature(BODY, &header, SECRET, T, 300),
                    Err(GatewayError::Malformed(_))
                ),
                "{header}"
            );
        }
    }

    #[test]
    fn the_worked_example_body_has_no_payment_object() {
        // S-SC-1's body is signed correctly but, as a real
        // payment_intent.succeeded event, it lacks its data.object.
        assert_eq!(
            verify_webhook(BODY, &header_single(), SECRET, T + 100, 300),
            Err(GatewayError::Malformed(
                "the payment_intent.succeeded event has no data.object".into()
            ))
        );
    }

    fn signed(event: &Value) -> (Vec<u8>, String) {
        let body = serde_json::to_vec(event).unwrap();
        let header = signature_header(SECRET, T, &body);
        (body, header)
    }

    #[test]
    fn payment_intent_succeeded() {
        let (body, header) = signed(&json!({
            "id": "evt_1",
            "object": "event",
            "type": "payment_intent.succeeded",
            "data": {"object": {
                "id": "pi_123",
                "object": "payment_intent",
                "amount": 150_000,
                "amount_received": 150_000,
                "currency": "vnd",
                "status": "succeeded",
                "metadata": {"order_payment": "PAY-42", "note": "x", "n": 1},
            }},
        }));
        let event = verify_webhook(&body, &header, SECRET, T, 300).unwrap();
        assert_eq!(event.id, "evt_1");
        assert_eq!(event.event_type, "payment_intent.succeeded");
        let payment = event.payment.unwrap();
        assert_eq!(
            payment,
            PaymentDetails {
                payment_intent_id: "pi_123".into(),
                amount: 150_000,
                currency: "vnd".into(),
                amount_refunded: None,
                failure_message: None,
                metadata: BTreeMap::from([
                    ("note".to_owned(), "x".to_owned()),
                    ("order_payment".to_owned(), "PAY-42".to_owned()),
                ]),
            }
        );
        assert_eq!(payment.order_payment(), Some("PAY-42"));
    }

    #[test]
    fn payment_intent_payment_failed() {
        let (body, header) = signed(&json!({
            "id": "evt_2",
            "type": "payment_intent.payment_failed",
            "data": {"object": {
                "id": "pi_123",
                "amount": 150_000,
                "currency": "vnd",
                "last_payment_error": {"code": "card_declined", "message": "Your card was declined."},
                "metadata": {"order_payment": "PAY-42"},
            }},
        }));
        let payment = verify_webhook(&body, &header, SECRET, T, 300)
            .unwrap()
            .payment
            .unwrap();
        assert_eq!(
            payment.failure_message.as_deref(),
            Some("Your card was declined.")
        );
        assert_eq!(payment.order_payment(), Some("PAY-42"));
    }

    #[test]
    fn charge_refunded() {
        let charge = |payment_intent: Value| {
            json!({
                "id": "evt_3",
                "type": "charge.refunded",
                "data": {"object": {
                    "id": "ch_1",
                    "object": "charge",
                    "payment_intent": payment_intent,
                    "amount": 150_000,
                    "amount_refunded": 50_000,
                    "currency": "vnd",
                    "metadata": {},
                }},
            })
        };
        let (body, header) = signed(&charge(json!("pi_123")));
        let payment = verify_webhook(&body, &header, SECRET, T, 300)
            .unwrap()
            .payment
            .unwrap();
        assert_eq!(payment.payment_intent_id, "pi_123");
        assert_eq!(payment.amount, 150_000);
        assert_eq!(payment.amount_refunded, Some(50_000));
        assert_eq!(payment.order_payment(), None);

        let (body, header) = signed(&charge(json!({"id": "pi_123", "object": "payment_intent"})));
        let payment = verify_webhook(&body, &header, SECRET, T, 300)
            .unwrap()
            .payment;
        assert_eq!(payment.unwrap().payment_intent_id, "pi_123");

        // A charge made without a PaymentIntent is not one of ours.
        let (body, header) = signed(&charge(Value::Null));
        let event = verify_webhook(&body, &header, SECRET, T, 300).unwrap();
        assert_eq!(event.payment, None);
    }

    #[test]
    fn other_events_carry_no_payment() {
        let (body, header) = signed(&json!({
            "id": "evt_4",
            "type": "customer.created",
            "data": {"object": {"id": "cus_1"}},
        }));
        let event = verify_webhook(&body, &header, SECRET, T, 300).unwrap();
        assert_eq!(event.event_type, "customer.created");
        assert_eq!(event.payment, None);
    }

    #[test]
    fn events_missing_fields_are_malformed() {
        for event in [
            json!({"type": "customer.created"}),
            json!({"id": "evt_5"}),
            json!({"id": "evt_5", "type": "payment_intent.succeeded",
                   "data": {"object": {"id": "pi_1", "currency": "vnd"}}}),
            json!({"id": "evt_5", "type": "payment_intent.succeeded",
                   "data": {"object": {"id": "pi_1", "amount": "150000", "currency": "vnd"}}}),
            json!({"id": "evt_5", "type": "payment_intent.succeeded",
                   "data": {"object": {"amount": 150_000, "currency": "vnd"}}}),
            json!([1, 2]),
        ] {
            let (body, header) = signed(&event);
            assert!(
                matches!(
                    verify_webhook(&body, &header, SECRET, T, 300),
                    Err(GatewayError::Malformed(_))
                ),
                "{event}"
            );
        }
    }

    #[test]
    fn config_from_the_environment() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        let config = StripeConfig::from_lookup(vars(&[
            ("STRIPE_SECRET_KEY", "sk_test_123"),
            ("STRIPE_WEBHOOK_SECRET", SECRET),
        ]))
        .unwrap();
        assert_eq!(config.api_base, DEFAULT_API_BASE);
        assert_eq!(
            config.url("/v1/refunds"),
            "https://api.stripe.com/v1/refunds"
        );
        assert!(StripeConfig::from_lookup(vars(&[("STRIPE_SECRET_KEY", "sk_test_123")])).is_none());
        assert!(StripeConfig::from_lookup(vars(&[("STRIPE_WEBHOOK_SECRET", SECRET)])).is_none());
    }

    #[test]
    fn debug_hides_the_keys() {
        let config = StripeConfig {
            secret_key: "sk_test_123".into(),
            webhook_secret: SECRET.into(),
            api_base: DEFAULT_API_BASE.into(),
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("sk_test_123"));
        assert!(!shown.contains(SECRET));
        assert!(shown.contains(DEFAULT_API_BASE));
    }

    // --- against a local stand-in for Stripe's API -------------------------

    /// Serves `answer` with `status` to every request on a loopback port, and
    /// keeps what it was sent.
    async fn mock_stripe(status: u16, answer: Value) -> (StripeConfig, Arc<Mock>) {
        let (base, mock) = mock::serve(status, answer.to_string()).await;
        let config = StripeConfig {
            secret_key: "sk_test_123".into(),
            webhook_secret: SECRET.into(),
            api_base: format!("{base}/"),
        };
        (config, mock)
    }

    /// The one request the mock saw: its path, headers and form fields.
    fn sent_form(mock: &Mock) -> (String, HeaderMap, BTreeMap<String, String>) {
        let seen = mock.seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].method, Method::POST);
        let form = form_urlencoded::parse(&seen[0].body).into_owned().collect();
        (seen[0].path.clone(), seen[0].headers.clone(), form)
    }

    fn intent_request() -> PaymentIntentRequest {
        PaymentIntentRequest {
            amount_vnd: 150_000,
            reference: "PAY-42".into(),
            description: "Đơn hàng #42".into(),
        }
    }

    #[tokio::test]
    async fn create_payment_intent_sends_a_form_with_keys_and_reads_the_intent() {
        let (config, mock) = mock_stripe(
            200,
            json!({
                "id": "pi_123",
                "object": "payment_intent",
                "amount": 150_000,
                "currency": "vnd",
                "client_secret": "pi_123_secret_abc",
                "status": "requires_payment_method",
            }),
        )
        .await;
        let intent = create_payment_intent(&client(), &config, &intent_request(), "pay-42-try-1")
            .await
            .unwrap();
        assert_eq!(
            intent,
            PaymentIntent {
                id: "pi_123".into(),
                client_secret: "pi_123_secret_abc".into(),
                status: "requires_payment_method".into(),
            }
        );

        let (path, headers, form) = sent_form(&mock);
        assert_eq!(path, "/v1/payment_intents");
        assert_eq!(headers[header::AUTHORIZATION], "Bearer sk_test_123");
        assert_eq!(headers["idempotency-key"], "pay-42-try-1");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/x-www-form-urlencoded"
        );
        assert_eq!(
            form,
            BTreeMap::from([
                ("amount".to_owned(), "150000".to_owned()),
                ("currency".to_owned(), "vnd".to_owned()),
                (
                    "automatic_payment_methods[enabled]".to_owned(),
                    "true".to_owned()
                ),
                ("metadata[order_payment]".to_owned(), "PAY-42".to_owned()),
                ("description".to_owned(), "Đơn hàng #42".to_owned()),
            ])
        );
    }

    #[test]
    fn the_payment_intent_form_is_encoded_with_brackets_escaped() {
        let form = payment_intent_form(&PaymentIntentRequest {
            description: String::new(),
            ..intent_request()
        })
        .unwrap();
        assert_eq!(
            form,
            "amount=150000&currency=vnd&automatic_payment_methods%5Benabled%5D=true&metadata%5Border_payment%5D=PAY-42"
        );
    }

    #[tokio::test]
    async fn create_payment_intent_refuses_bad_input_without_calling_stripe() {
        let (config, mock) = mock_stripe(200, json!({})).await;
        for (request, key) in [
            (
                PaymentIntentRequest {
                    amount_vnd: 0,
                    ..intent_request()
                },
                "k",
            ),
            (
                PaymentIntentRequest {
                    amount_vnd: MAX_AMOUNT_VND + 1,
                    ..intent_request()
                },
                "k",
            ),
            (
                PaymentIntentRequest {
                    reference: String::new(),
                    ..intent_request()
                },
                "k",
            ),
            (intent_request(), ""),
            (intent_request(), "has space"),
            (intent_request(), &"k".repeat(256)),
        ] {
            assert!(matches!(
                create_payment_intent(&client(), &config, &request, key).await,
                Err(GatewayError::Malformed(_))
            ));
        }
        assert!(mock.seen.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn stripe_errors() {
        let (config, _mock) = mock_stripe(
            400,
            json!({"error": {
                "type": "invalid_request_error",
                "code": "amount_too_small",
                "message": "Amount must be at least ₫13,000 vnd.",
                "param": "amount",
            }}),
        )
        .await;
        assert_eq!(
            create_payment_intent(&client(), &config, &intent_request(), "k1").await,
            Err(GatewayError::Rejected {
                code: "amount_too_small".into(),
                message: "Amount must be at least ₫13,000 vnd.".into()
            })
        );

        let (config, _mock) = mock_stripe(
            401,
            json!({"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_***123"}}),
        )
        .await;
        assert_eq!(
            create_payment_intent(&client(), &config, &intent_request(), "k2").await,
            Err(GatewayError::Rejected {
                code: "invalid_request_error".into(),
                message: "Invalid API Key provided: [key]".into()
            })
        );

        let (config, _mock) = mock_stripe(500, json!({"error": {"type": "api_error"}})).await;
        assert_eq!(
            create_payment_intent(&client(), &config, &intent_request(), "k3").await,
            Err(GatewayError::Http("Stripe answered HTTP 500".into()))
        );

        let (config, _mock) = mock_stripe(200, json!({"id": "pi_123"})).await;
        assert!(matches!(
            create_payment_intent(&client(), &config, &intent_request(), "k4").await,
            Err(GatewayError::Malformed(_))
        ));
    }

    #[tokio::test]
    async fn refund_sends_the_payment_intent_and_an_optional_amount() {
        let answer = json!({
            "id": "re_1",
            "object": "refund",
            "amount": 50_000,
            "currency": "vnd",
            "payment_intent": "pi_123",
            "status": "succeeded",
        });
        let (config, mock) = mock_stripe(200, answer.clone()).await;
        let refunded = refund(&client(), &config, "pi_123", Some(50_000), "refund-1")
            .await
            .unwrap();
        assert_eq!(
            refunded,
            Refund {
                id: "re_1".into(),
                status: "succeeded".into(),
                amount: 50_000,
            }
        );
        let (path, headers, form) = sent_form(&mock);
        assert_eq!(path, "/v1/refunds");
        assert_eq!(headers[header::AUTHORIZATION], "Bearer sk_test_123");
        assert_eq!(headers["idempotency-key"], "refund-1");
        assert_eq!(
            form,
            BTreeMap::from([
                ("payment_intent".to_owned(), "pi_123".to_owned()),
                ("amount".to_owned(), "50000".to_owned()),
            ])
        );

        // A full refund names no amount.
        let (config, mock) = mock_stripe(200, answer).await;
        refund(&client(), &config, "pi_123", None, "refund-2")
            .await
            .unwrap();
        let (_, _, form) = sent_form(&mock);
        assert_eq!(
            form,
            BTreeMap::from([("payment_intent".to_owned(), "pi_123".to_owned())])
        );
    }

    #[tokio::test]
    async fn a_refused_refund_is_rejected() {
        let (config, _mock) = mock_stripe(
            400,
            json!({"error": {
                "type": "invalid_request_error",
                "code": "charge_already_refunded",
                "message": "Charge ch_1 has already been refunded.",
            }}),
        )
        .await;
        assert_eq!(
            refund(&client(), &config, "pi_123", None, "refund-3").await,
            Err(GatewayError::Rejected {
                code: "charge_already_refunded".into(),
                message: "Charge ch_1 has already been refunded.".into()
            })
        );
        assert!(matches!(
            refund(&client(), &config, "pi_123", Some(0), "refund-4").await,
            Err(GatewayError::Malformed(_))
        ));
        assert!(matches!(
            refund(&client(), &config, "", None, "refund-5").await,
            Err(GatewayError::Malformed(_))
        ));
    }
}
