//! MoMo, all-in-one (AIO) gateway v2: creating a payment, checking an IPN,
//! reading result codes, querying a payment and refunding one.
//!
//! Official (MoMo's developer pages and its own sample code, `momo-wallet/payment`
//! and `momo-wallet/java`): the sandbox and production bases and the
//! `/v2/gateway/api/{create,query,refund}` paths; the signatures as lower-case
//! hex HMAC-SHA256 of `key=value&…` with the values raw (not URL-encoded) in
//! the fixed orders used below; the create and IPN fields; amounts as whole
//! đồng; the IPN as a JSON POST that must be answered with HTTP 204 within
//! 15 seconds; a client timeout of at least 30 seconds for create; result
//! codes 0, 10, 11 and 12.
//!
//! Not confirmed: the other result codes (from a third-party catalogue of
//! MoMo's table); whether `accessKey` belongs in the create body (MoMo's Node
//! sample sends it, its Java SDK does not; it is sent here); the body and answer
//! fields of query and refund beyond what MoMo's Java SDK shows; and whether
//! MoMo signs its answers to create, query and refund (its samples check no
//! signature there, so none is checked here). The browser redirect carries
//! the same fields as the IPN but is for display only and is not read here.

use std::fmt;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

use super::{
    error::GatewayError, notification_path, Attempt, Gateway, GatewayFuture, Handover, Inbound,
    RefundCall, RemoteStatus, Verified, RETURN_PATH,
};
use crate::payments::{
    model::{AttemptStatus, Provider},
    now_unix,
    settle::Notice,
};

type HmacSha256 = Hmac<Sha256>;

/// The sandbox base URL.
pub const SANDBOX_ENDPOINT: &str = "https://test-payment.momo.vn";
/// The production base URL (from MoMo's Java SDK configuration).
pub const PRODUCTION_ENDPOINT: &str = "https://payment.momo.vn";
const API_PATH: &str = "/v2/gateway/api";
/// The status to answer an IPN with, once it is checked and recorded.
pub const IPN_ACK_STATUS: u16 = 204;
/// MoMo asks clients of create to wait at least this long.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The range MoMo accepts for `captureWallet`, in đồng.
pub const CAPTURE_WALLET_AMOUNTS: std::ops::RangeInclusive<i64> = 1_000..=50_000_000;

/// Merchant credentials and the base URL.
#[derive(Clone, PartialEq, Eq)]
pub struct MomoConfig {
    pub partner_code: String,
    /// Part of every signed string; never shown.
    pub access_key: String,
    /// The HMAC key.
    pub secret_key: String,
    /// The base URL, e.g. [`SANDBOX_ENDPOINT`], without a trailing path.
    pub endpoint: String,
}

impl fmt::Debug for MomoConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MomoConfig")
            .field("partner_code", &self.partner_code)
            .field("access_key", &"<redacted>")
            .field("secret_key", &"<redacted>")
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

impl MomoConfig {
    /// Reads `MOMO_PARTNER_CODE`, `MOMO_ACCESS_KEY`, `MOMO_SECRET_KEY` and,
    /// optionally, `MOMO_ENDPOINT` (default the sandbox). `None` when a
    /// required variable is missing or empty.
    pub fn from_env() -> Option<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`MomoConfig::from_env`] with the variables taken from `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let get = |name: &str| super::setting(&lookup, name);
        Some(MomoConfig {
            partner_code: get("MOMO_PARTNER_CODE")?,
            access_key: get("MOMO_ACCESS_KEY")?,
            secret_key: get("MOMO_SECRET_KEY")?,
            endpoint: get("MOMO_ENDPOINT").unwrap_or_else(|| SANDBOX_ENDPOINT.to_owned()),
        })
    }

    fn url(&self, operation: &str) -> String {
        format!(
            "{}{API_PATH}/{operation}",
            self.endpoint.trim_end_matches('/')
        )
    }
}

// ---------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------

/// `k1=v1&k2=v2…` with the values exactly as given: MoMo signs raw UTF-8,
/// with no URL-encoding and no escaping.
fn raw_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn mac(secret: &str, raw: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(raw.as_bytes());
    mac
}

fn hmac_sha256_hex(secret: &str, raw: &str) -> String {
    hex::encode(mac(secret, raw).finalize().into_bytes())
}

fn signature_matches(secret: &str, raw: &str, received_hex: &str) -> bool {
    match hex::decode(received_hex.trim()) {
        Ok(received) => mac(secret, raw).verify_slice(&received).is_ok(),
        Err(_) => false,
    }
}

// ---------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------

/// How the customer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestType {
    /// The MoMo wallet (QR code or app).
    #[default]
    CaptureWallet,
    /// A domestic ATM card.
    PayWithAtm,
    /// An international card.
    PayWithCc,
    /// The customer chooses on MoMo's page.
    PayWithMethod,
    /// Links the wallet for later payments.
    LinkWallet,
}

impl RequestType {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestType::CaptureWallet => "captureWallet",
            RequestType::PayWithAtm => "payWithATM",
            RequestType::PayWithCc => "payWithCC",
            RequestType::PayWithMethod => "payWithMethod",
            RequestType::LinkWallet => "linkWallet",
        }
    }
}

/// One payment to create at MoMo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRequest {
    /// Our reference: letters and digits, optionally joined by `-_.`, at most
    /// 200 characters.
    pub order_id: String,
    /// Unique per request (MoMo's idempotency key), at most 50 characters.
    pub request_id: String,
    /// Whole đồng (for `captureWallet`, within [`CAPTURE_WALLET_AMOUNTS`]).
    pub amount: i64,
    pub order_info: String,
    /// Where the customer's browser returns.
    pub redirect_url: String,
    /// Where MoMo POSTs the result.
    pub ipn_url: String,
    /// `""`, or base64 of a JSON object; signed as given.
    pub extra_data: String,
    pub request_type: RequestType,
}

/// What create returns: where to send the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedPayment {
    /// MoMo's payment page.
    pub pay_url: String,
    /// The data to draw as a QR code (it is not an image URL).
    pub qr_code_url: Option<String>,
    /// Opens the MoMo app on a phone.
    pub deeplink: Option<String>,
}

/// The string the create signature covers: `accessKey, amount, extraData,
/// ipnUrl, orderId, orderInfo, partnerCode, redirectUrl, requestId,
/// requestType`, in that (alphabetical) order.
pub fn create_raw_signature(config: &MomoConfig, request: &CreateRequest) -> String {
    raw_string(&[
        ("accessKey", &config.access_key),
        ("amount", &request.amount.to_string()),
        ("extraData", &request.extra_data),
        ("ipnUrl", &request.ipn_url),
        ("orderId", &request.order_id),
        ("orderInfo", &request.order_info),
        ("partnerCode", &config.partner_code),
        ("redirectUrl", &request.redirect_url),
        ("requestId", &request.request_id),
        ("requestType", request.request_type.as_str()),
    ])
}

/// The create signature.
pub fn create_signature(config: &MomoConfig, request: &CreateRequest) -> String {
    hmac_sha256_hex(&config.secret_key, &create_raw_signature(config, request))
}

/// The JSON body of create.
pub fn create_body(config: &MomoConfig, request: &CreateRequest) -> Result<Value, GatewayError> {
    if request.amount <= 0 {
        return Err(GatewayError::Malformed(
            "a MoMo payment needs a positive amount".into(),
        ));
    }
    if request.request_type == RequestType::CaptureWallet
        && !CAPTURE_WALLET_AMOUNTS.contains(&request.amount)
    {
        return Err(GatewayError::Malformed(format!(
            "MoMo wallet payments must be {} to {} VND",
            CAPTURE_WALLET_AMOUNTS.start(),
            CAPTURE_WALLET_AMOUNTS.end()
        )));
    }
    if !is_order_id(&request.order_id) {
        return Err(GatewayError::Malformed(
            "orderId must be letters and digits, optionally joined by - _ .".into(),
        ));
    }
    if request.request_id.is_empty() || request.request_id.chars().count() > 50 {
        return Err(GatewayError::Malformed(
            "requestId must be 1 to 50 characters long".into(),
        ));
    }
    Ok(json!({
        "partnerCode": config.partner_code,
        "accessKey": config.access_key,
        "requestId": request.request_id,
        "amount": request.amount,
        "orderId": request.order_id,
        "orderInfo": request.order_info,
        "redirectUrl": request.redirect_url,
        "ipnUrl": request.ipn_url,
        "extraData": request.extra_data,
        "requestType": request.request_type.as_str(),
        "lang": "vi",
        "signature": create_signature(config, request),
    }))
}

/// MoMo's rule for `orderId`: `^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$`, at most
/// 200 characters; that is, separators only between letters or digits.
fn is_order_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    let separator = |b: &u8| matches!(b, b'-' | b'_' | b'.');
    !bytes.is_empty()
        && bytes.len() <= 200
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || separator(b))
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
}

/// Creates the payment and returns where to send the customer. Any
/// `resultCode` but 0 is [`GatewayError::Rejected`].
pub async fn create_payment(
    client: &reqwest::Client,
    config: &MomoConfig,
    request: &CreateRequest,
) -> Result<CreatedPayment, GatewayError> {
    let body = create_body(config, request)?;
    let answer = post(client, &config.url("create"), &body).await?;
    let code = result_code_of(&answer)?;
    if code != 0 {
        return Err(rejection(code, &answer));
    }
    let text = |key: &str| {
        answer
            .get(key)
            .and_then(Value::as_str)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    Ok(CreatedPayment {
        pay_url: text("payUrl")
            .ok_or_else(|| GatewayError::Malformed("MoMo's answer has no payUrl".into()))?,
        qr_code_url: text("qrCodeUrl"),
        deeplink: text("deeplink"),
    })
}

// ---------------------------------------------------------------------------
// IPN
// ---------------------------------------------------------------------------

/// A payment result that MoMo POSTed to our `ipnUrl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MomoNotice {
    pub partner_code: String,
    pub order_id: String,
    pub request_id: String,
    /// Whole đồng.
    pub amount: i64,
    pub order_info: String,
    /// E.g. `momo_wallet`.
    pub order_type: String,
    /// MoMo's transaction id.
    pub trans_id: i64,
    /// See [`result_kind`] and [`result_code_meaning`].
    pub result_code: i64,
    /// MoMo's message, in the customer's language.
    pub message: String,
    /// E.g. `qr`, `webApp`, `credit`.
    pub pay_type: String,
    /// Milliseconds since the Unix epoch.
    pub response_time: i64,
    pub extra_data: String,
}

impl MomoNotice {
    pub fn kind(&self) -> ResultKind {
        result_kind(self.result_code)
    }
}

/// Checks the signature of an IPN body and reads it. The body must be the raw
/// bytes as received; the signed string is rebuilt from the received values,
/// untouched, in MoMo's IPN order with our `accessKey` first. Whole numbers
/// are read as `i64` (never through a float, which would lose digits); one
/// sent as a string of digits is accepted and signed as received.
pub fn verify_ipn(raw_json_body: &[u8], config: &MomoConfig) -> Result<MomoNotice, GatewayError> {
    let body = match serde_json::from_slice(raw_json_body) {
        Ok(Value::Object(body)) => body,
        _ => {
            return Err(GatewayError::Malformed(
                "the MoMo notification is not a JSON object".into(),
            ))
        }
    };
    let text = |key: &str| match body.get(key) {
        Some(Value::String(value)) => Ok(value.as_str()),
        _ => Err(GatewayError::Malformed(format!("missing text field {key}"))),
    };
    let integer = |key: &str| -> Result<(String, i64), GatewayError> {
        let malformed = || GatewayError::Malformed(format!("missing whole-number field {key}"));
        match body.get(key) {
            Some(Value::Number(number)) => {
                let value = number.as_i64().ok_or_else(malformed)?;
                Ok((value.to_string(), value))
            }
            Some(Value::String(digits)) => {
                let value = digits.parse().map_err(|_| malformed())?;
                Ok((digits.clone(), value))
            }
            _ => Err(malformed()),
        }
    };

    let (amount_text, amount) = integer("amount")?;
    let (response_time_text, response_time) = integer("responseTime")?;
    let (result_code_text, result_code) = integer("resultCode")?;
    let (trans_id_text, trans_id) = integer("transId")?;
    let raw = ipn_raw_string(
        config,
        [
            &amount_text,
            text("extraData")?,
            text("message")?,
            text("orderId")?,
            text("orderInfo")?,
            text("orderType")?,
            text("partnerCode")?,
            text("payType")?,
            text("requestId")?,
            &response_time_text,
            &result_code_text,
            &trans_id_text,
        ],
    );
    if !signature_matches(&config.secret_key, &raw, text("signature")?) {
        return Err(GatewayError::BadSignature);
    }
    if text("partnerCode")? != config.partner_code {
        return Err(GatewayError::Malformed(
            "the notification is for another partnerCode".into(),
        ));
    }
    Ok(MomoNotice {
        partner_code: text("partnerCode")?.to_owned(),
        order_id: text("orderId")?.to_owned(),
        request_id: text("requestId")?.to_owned(),
        amount,
        order_info: text("orderInfo")?.to_owned(),
        order_type: text("orderType")?.to_owned(),
        trans_id,
        result_code,
        message: text("message")?.to_owned(),
        pay_type: text("payType")?.to_owned(),
        response_time,
        extra_data: text("extraData")?.to_owned(),
    })
}

/// The IPN fields the signature covers, in order, after our `accessKey`.
const IPN_SIGNED_FIELDS: [&str; 12] = [
    "amount",
    "extraData",
    "message",
    "orderId",
    "orderInfo",
    "orderType",
    "partnerCode",
    "payType",
    "requestId",
    "responseTime",
    "resultCode",
    "transId",
];

/// The string an IPN signature covers, from the values of
/// [`IPN_SIGNED_FIELDS`] as text.
fn ipn_raw_string(config: &MomoConfig, values: [&str; 12]) -> String {
    let mut pairs = vec![("accessKey", config.access_key.as_str())];
    pairs.extend(IPN_SIGNED_FIELDS.into_iter().zip(values));
    raw_string(&pairs)
}

/// The signature MoMo puts on an IPN that carries `notice`.
pub fn ipn_signature(config: &MomoConfig, notice: &MomoNotice) -> String {
    let (amount, response_time) = (notice.amount.to_string(), notice.response_time.to_string());
    let (result_code, trans_id) = (notice.result_code.to_string(), notice.trans_id.to_string());
    let raw = ipn_raw_string(
        config,
        [
            &amount,
            &notice.extra_data,
            &notice.message,
            &notice.order_id,
            &notice.order_info,
            &notice.order_type,
            &notice.partner_code,
            &notice.pay_type,
            &notice.request_id,
            &response_time,
            &result_code,
            &trans_id,
        ],
    );
    hmac_sha256_hex(&config.secret_key, &raw)
}

/// An IPN body as MoMo would POST it for `notice`, signed: for tests of code
/// that receives IPNs.
pub fn ipn_body(config: &MomoConfig, notice: &MomoNotice) -> Value {
    json!({
        "partnerCode": notice.partner_code,
        "orderId": notice.order_id,
        "requestId": notice.request_id,
        "amount": notice.amount,
        "orderInfo": notice.order_info,
        "orderType": notice.order_type,
        "transId": notice.trans_id,
        "resultCode": notice.result_code,
        "message": notice.message,
        "payType": notice.pay_type,
        "responseTime": notice.response_time,
        "extraData": notice.extra_data,
        "signature": ipn_signature(config, notice),
    })
}

// ---------------------------------------------------------------------------
// Result codes
// ---------------------------------------------------------------------------

/// What a `resultCode` says about a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    /// 0: paid.
    Success,
    /// 9000: authorised. With automatic capture (MoMo's default, which this
    /// module does not change) that is as good as paid; a two-step payment
    /// would still need a capture.
    Authorized,
    /// Still waiting for the customer or for MoMo: 1000, 7000, 7002, 8000.
    Pending,
    /// Anything else: the payment did not happen.
    Failed,
}

pub fn result_kind(code: i64) -> ResultKind {
    match code {
        0 => ResultKind::Success,
        9000 => ResultKind::Authorized,
        1000 | 7000 | 7002 | 8000 => ResultKind::Pending,
        _ => ResultKind::Failed,
    }
}

/// Whether the customer has paid: 0, or 9000 under automatic capture.
pub fn is_paid(code: i64) -> bool {
    matches!(
        result_kind(code),
        ResultKind::Success | ResultKind::Authorized
    )
}

/// What a `resultCode` means. 0, 10, 11 and 12 are from MoMo's page; the rest
/// from a third-party catalogue of it.
pub fn result_code_meaning(code: i64) -> &'static str {
    match code {
        0 => "successful",
        9000 => "authorised",
        1000 => "waiting for the customer",
        7000 => "processing",
        7002 => "processing by the provider",
        8000 => "waiting for the customer to confirm again",
        10 => "MoMo is under maintenance",
        11 => "access denied",
        12 => "unsupported API version",
        13 => "merchant authentication failed",
        20 => "bad request format",
        21 => "invalid amount",
        22 => "amount out of range",
        40 => "duplicated requestId",
        41 => "duplicated orderId",
        42 => "orderId not found",
        43 => "a similar transaction is in progress",
        45 => "duplicated item id",
        47 => "inapplicable information",
        98 => "QR code generation failed",
        99 => "unknown error",
        1001 => "insufficient funds",
        1002 => "rejected by the issuer",
        1003 => "cancelled after authorisation",
        1004 => "limit exceeded",
        1005 => "payment link or QR code expired",
        1006 => "the customer declined",
        1007 => "inactive account",
        1017 => "cancelled by the merchant",
        1026 => "promotion restriction",
        1080 => "refund processing failed",
        1081 => "refund rejected: already refunded or amount too large",
        1088 => "not refundable",
        2019 => "invalid orderGroupId",
        4001 => "customer account restricted",
        4002 => "customer account not verified",
        4100 => "customer sign-in failed",
        _ => "unknown result code",
    }
}

/// Codes that mean our request itself was refused rather than describing a
/// payment; a query answering one of these is [`GatewayError::Rejected`].
fn is_request_refusal(code: i64) -> bool {
    matches!(code, 10 | 11 | 12 | 13 | 20 | 40 | 42 | 43 | 47)
}

// ---------------------------------------------------------------------------
// Query and refund
// ---------------------------------------------------------------------------

/// A payment's state as MoMo's query reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentStatus {
    pub order_id: String,
    /// The payment's result code: see [`result_kind`].
    pub result_code: i64,
    pub message: String,
    pub amount: Option<i64>,
    pub trans_id: Option<i64>,
    pub pay_type: Option<String>,
}

impl PaymentStatus {
    pub fn kind(&self) -> ResultKind {
        result_kind(self.result_code)
    }
}

/// The signed string of a query: `accessKey, orderId, partnerCode, requestId`.
pub fn query_raw_signature(config: &MomoConfig, order_id: &str, request_id: &str) -> String {
    raw_string(&[
        ("accessKey", &config.access_key),
        ("orderId", order_id),
        ("partnerCode", &config.partner_code),
        ("requestId", request_id),
    ])
}

/// Asks MoMo for the state of the payment of `order_id`; `request_id` must
/// be new. The answer's result code describes the payment (0 paid, 1000
/// waiting…); a code that refuses the query itself (bad signature, unknown
/// order…) is [`GatewayError::Rejected`].
pub async fn query_status(
    client: &reqwest::Client,
    config: &MomoConfig,
    order_id: &str,
    request_id: &str,
) -> Result<PaymentStatus, GatewayError> {
    let raw = query_raw_signature(config, order_id, request_id);
    let body = json!({
        "partnerCode": config.partner_code,
        "requestId": request_id,
        "orderId": order_id,
        "lang": "vi",
        "signature": hmac_sha256_hex(&config.secret_key, &raw),
    });
    let answer = post(client, &config.url("query"), &body).await?;
    let code = result_code_of(&answer)?;
    if is_request_refusal(code) {
        return Err(rejection(code, &answer));
    }
    Ok(PaymentStatus {
        order_id: order_id.to_owned(),
        result_code: code,
        message: message_of(&answer),
        amount: answer.get("amount").and_then(Value::as_i64),
        trans_id: answer.get("transId").and_then(Value::as_i64),
        pay_type: answer
            .get("payType")
            .and_then(Value::as_str)
            .filter(|value| !value.is_empty())
            .map(str::to_owned),
    })
}

/// A refund of (part of) a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// A new order id for the refund itself.
    pub order_id: String,
    /// Unique per request.
    pub request_id: String,
    /// Whole đồng to give back.
    pub amount: i64,
    /// MoMo's `transId` of the payment.
    pub trans_id: i64,
    pub description: String,
}

/// MoMo's answer to a refund it accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundResult {
    pub order_id: String,
    pub amount: Option<i64>,
    /// MoMo's id of the refund transaction.
    pub trans_id: Option<i64>,
    pub message: String,
}

/// The signed string of a refund: `accessKey, amount, description, orderId,
/// partnerCode, requestId, transId`.
pub fn refund_raw_signature(config: &MomoConfig, request: &RefundRequest) -> String {
    raw_string(&[
        ("accessKey", &config.access_key),
        ("amount", &request.amount.to_string()),
        ("description", &request.description),
        ("orderId", &request.order_id),
        ("partnerCode", &config.partner_code),
        ("requestId", &request.request_id),
        ("transId", &request.trans_id.to_string()),
    ])
}

/// Asks MoMo to refund. Any `resultCode` but 0 is [`GatewayError::Rejected`].
pub async fn refund(
    client: &reqwest::Client,
    config: &MomoConfig,
    request: &RefundRequest,
) -> Result<RefundResult, GatewayError> {
    if request.amount <= 0 {
        return Err(GatewayError::Malformed(
            "a refund needs a positive amount".into(),
        ));
    }
    if !is_order_id(&request.order_id) {
        return Err(GatewayError::Malformed(
            "orderId must be letters and digits, optionally joined by - _ .".into(),
        ));
    }
    let raw = refund_raw_signature(config, request);
    let body = json!({
        "partnerCode": config.partner_code,
        "orderId": request.order_id,
        "requestId": request.request_id,
        "amount": request.amount,
        "transId": request.trans_id,
        "lang": "vi",
        "description": request.description,
        "signature": hmac_sha256_hex(&config.secret_key, &raw),
    });
    let answer = post(client, &config.url("refund"), &body).await?;
    let code = result_code_of(&answer)?;
    if code != 0 {
        return Err(rejection(code, &answer));
    }
    Ok(RefundResult {
        order_id: request.order_id.clone(),
        amount: answer.get("amount").and_then(Value::as_i64),
        trans_id: answer.get("transId").and_then(Value::as_i64),
        message: message_of(&answer),
    })
}

// ---------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------

/// POSTs JSON and returns the answer's JSON object. MoMo answers refusals with
/// a 4xx status and a JSON body that has a `resultCode`; those bodies are read
/// like any other, so the caller sees MoMo's code rather than a bare status.
async fn post(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
) -> Result<Map<String, Value>, GatewayError> {
    let response = client
        .post(url)
        .timeout(REQUEST_TIMEOUT)
        .json(body)
        .send()
        .await
        .map_err(GatewayError::transport)?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(GatewayError::transport)?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(answer)) if answer.contains_key("resultCode") => Ok(answer),
        _ if !status.is_success() => Err(GatewayError::status("MoMo", status)),
        _ => Err(GatewayError::Http(
            "MoMo answered something that is not its JSON".into(),
        )),
    }
}

fn result_code_of(answer: &Map<String, Value>) -> Result<i64, GatewayError> {
    answer
        .get("resultCode")
        .and_then(Value::as_i64)
        .ok_or_else(|| GatewayError::Malformed("MoMo's resultCode is not a whole number".into()))
}

fn message_of(answer: &Map<String, Value>) -> String {
    answer
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn rejection(code: i64, answer: &Map<String, Value>) -> GatewayError {
    let message = message_of(answer);
    let message = if message.is_empty() {
        result_code_meaning(code)
    } else {
        &message
    };
    GatewayError::rejected(code.to_string(), message)
}

// ---------------------------------------------------------------------------
// The adapter
// ---------------------------------------------------------------------------

impl Gateway for MomoConfig {
    fn provider(&self) -> Provider {
        Provider::MoMo
    }

    fn name(&self) -> &'static str {
        "MoMo"
    }

    /// Creates the payment at MoMo: its page, and the data of its QR code.
    fn start<'a>(
        &'a self,
        http: &'a reqwest::Client,
        attempt: &'a Attempt<'a>,
    ) -> GatewayFuture<'a, Handover> {
        Box::pin(async move {
            let base = attempt.required_base_url()?;
            let request = CreateRequest {
                order_id: attempt.reference.to_owned(),
                // One create per attempt: MoMo refuses a requestId it has
                // seen, so this create cannot happen twice.
                request_id: attempt.reference.to_owned(),
                amount: attempt.amount,
                order_info: format!("Thanh toán đơn {}", attempt.order_number),
                redirect_url: format!("{base}{RETURN_PATH}/momo"),
                ipn_url: format!("{base}{}", notification_path(Provider::MoMo)),
                extra_data: String::new(),
                request_type: RequestType::CaptureWallet,
            };
            let created = create_payment(http, self, &request).await?;
            Ok(Handover {
                redirect_url: Some(created.pay_url),
                qr_data: created.qr_code_url,
                ..Handover::default()
            })
        })
    }

    /// The IPN, signed JSON.
    fn verify(&self, inbound: &Inbound<'_>, _now_unix: i64) -> Result<Verified, GatewayError> {
        let ipn = verify_ipn(inbound.body, self)?;
        if ipn.kind() == ResultKind::Pending {
            // Not a result yet. Recorded under its transId, it would make the
            // final result, which carries the same transId, look like a replay.
            return Ok(Verified::Ignore(format!(
                "MoMo reports payment {} still in progress (result code {})",
                ipn.order_id, ipn.result_code
            )));
        }
        let txn_id = if ipn.trans_id > 0 {
            ipn.trans_id.to_string()
        } else {
            // A payment refused before MoMo made a transaction; a retry of this
            // IPN repeats its responseTime, which is signed.
            format!("{}@{}", ipn.order_id, ipn.response_time)
        };
        Ok(Verified::Apply(Notice {
            provider: Provider::MoMo,
            txn_id,
            reference: Some(ipn.order_id.clone()),
            amount: ipn.amount,
            currency: "VND".into(),
            succeeded: is_paid(ipn.result_code),
            payload: String::from_utf8_lossy(inbound.body).into_owned(),
        }))
    }

    /// MoMo's query. Its request id is our reference and the second it is
    /// sent, so one attempt can be queried once a second.
    fn query<'a>(
        &'a self,
        http: &'a reqwest::Client,
        attempt: &'a Attempt<'a>,
    ) -> GatewayFuture<'a, RemoteStatus> {
        Box::pin(async move {
            let request_id = format!("{}-{}", attempt.reference, now_unix());
            let answer = query_status(http, self, attempt.reference, &request_id).await?;
            let status = match answer.kind() {
                ResultKind::Success | ResultKind::Authorized => AttemptStatus::Succeeded,
                ResultKind::Pending => AttemptStatus::Pending,
                ResultKind::Failed => AttemptStatus::Failed,
            };
            Ok(RemoteStatus {
                status,
                amount: answer.amount,
                transaction_id: answer
                    .trans_id
                    .filter(|id| *id > 0)
                    .map(|id| id.to_string()),
                detail: result_code_meaning(answer.result_code).to_owned(),
            })
        })
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
            let trans_id = call.transaction_id()?.parse().map_err(|_| {
                GatewayError::Malformed("MoMo's transaction id is not a number".into())
            })?;
            let request = RefundRequest {
                order_id: call.reference.to_owned(),
                request_id: call.reference.to_owned(),
                amount: call.amount,
                trans_id,
                description: call.description(),
            };
            let answer = self::refund(http, self, &request).await?;
            Ok(answer.trans_id.map(|id| id.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::http::{header, Method};

    use super::super::mock::{self, client, Mock};
    use super::*;

    fn config() -> MomoConfig {
        MomoConfig {
            partner_code: "MOMOTEST0001".into(),
            access_key: "TESTACCESSKEY01".into(),
            secret_key: "TESTSECRETKEY0123456789ABCDEFGHI".into(),
            endpoint: SANDBOX_ENDPOINT.into(),
        }
    }

    fn create_request() -> CreateRequest {
        CreateRequest {
            order_id: "ORDER123".into(),
            request_id: "REQ123".into(),
            amount: 50_000,
            order_info: "Thanh toán đơn hàng ORDER123".into(),
            redirect_url: "https://example.com/momo/return".into(),
            ipn_url: "https://example.com/momo/ipn".into(),
            extra_data: String::new(),
            request_type: RequestType::CaptureWallet,
        }
    }

    // M-SC-1
    const CREATE_RAW: &str = "accessKey=TESTACCESSKEY01&amount=50000&extraData=&ipnUrl=https://example.com/momo/ipn&orderId=ORDER123&orderInfo=Thanh toán đơn hàng ORDER123&partnerCode=MOMOTEST0001&redirectUrl=https://example.com/momo/return&requestId=REQ123&requestType=captureWallet";
    const CREATE_SIGNATURE: &str =
        "ea55b725f6eeaa2e64568c02cc86ee819cedbc5713a3fa8197b76c2d83a7d371";
    // M-SC-2
    const IPN_RAW: &str = "accessKey=TESTACCESSKEY01&amount=50000&extraData=&message=Thành công.&orderId=ORDER123&orderInfo=Thanh toán đơn hàng ORDER123&orderType=momo_wallet&partnerCode=MOMOTEST0001&payType=qr&requestId=REQ123&responseTime=1721720663942&resultCode=0&transId=4088878653";
    const IPN_SIGNATURE: &str = "f3a2e2b3d4e0faa555af7260b76d936c392ddeac04808a373beaaa83f8f8eb89";

    fn ipn_body() -> String {
        format!(
            r#"{{"partnerCode":"MOMOTEST0001","orderId":"ORDER123","requestId":"REQ123","amount":50000,"orderInfo":"Thanh toán đơn hàng ORDER123","orderType":"momo_wallet","transId":4088878653,"resultCode":0,"message":"Thành công.","payType":"qr","responseTime":1721720663942,"extraData":"","signature":"{IPN_SIGNATURE}"}}"#
        )
    }

    /// The M-SC-2 body with some fields changed and signed again.
    fn resigned_ipn(change: impl FnOnce(&mut Map<String, Value>)) -> Vec<u8> {
        let mut body: Map<String, Value> = serde_json::from_str(&ipn_body()).unwrap();
        change(&mut body);
        let value = |key: &str| match &body[key] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let raw = format!(
            "accessKey=TESTACCESSKEY01&amount={}&extraData={}&message={}&orderId={}&orderInfo={}&orderType={}&partnerCode={}&payType={}&requestId={}&responseTime={}&resultCode={}&transId={}",
            value("amount"), value("extraData"), value("message"), value("orderId"),
            value("orderInfo"), value("orderType"), value("partnerCode"), value("payType"),
            value("requestId"), value("responseTime"), value("resultCode"), value("transId"),
        );
        body.insert(
            "signature".into(),
            hmac_sha256_hex(&config().secret_key, &raw).into(),
        );
        serde_json::to_vec(&body).unwrap()
    }

    #[test]
    fn m_sc_1_create_signature() {
        assert_eq!(
            create_raw_signature(&config(), &create_request()),
            CREATE_RAW
        );
        assert_eq!(
            create_signature(&config(), &create_request()),
            CREATE_SIGNATURE
        );
        let body = create_body(&config(), &create_request()).unwrap();
        assert_eq!(
            body,
            json!({
                "partnerCode": "MOMOTEST0001",
                "accessKey": "TESTACCESSKEY01",
                "requestId": "REQ123",
                "amount": 50000,
                "orderId": "ORDER123",
                "orderInfo": "Thanh toán đơn hàng ORDER123",
                "redirectUrl": "https://example.com/momo/return",
                "ipnUrl": "https://example.com/momo/ipn",
                "extraData": "",
                "requestType": "captureWallet",
                "lang": "vi",
                "signature": CREATE_SIGNATURE,
            })
        );
    }

    #[test]
    fn create_refuses_what_momo_would_refuse() {
        let cases = [
            CreateRequest {
                amount: 0,
                ..create_request()
            },
            CreateRequest {
                amount: 999,
                ..create_request()
            },
            CreateRequest {
                amount: 50_000_001,
                ..create_request()
            },
            CreateRequest {
                order_id: "ORDER 123".into(),
                ..create_request()
            },
            CreateRequest {
                order_id: "-ORDER123".into(),
                ..create_request()
            },
            CreateRequest {
                order_id: "ORDER123_".into(),
                ..create_request()
            },
            CreateRequest {
                order_id: String::new(),
                ..create_request()
            },
            CreateRequest {
                request_id: "R".repeat(51),
                ..create_request()
            },
        ];
        for request in cases {
            assert!(
                matches!(
                    create_body(&config(), &request),
                    Err(GatewayError::Malformed(_))
                ),
                "{request:?}"
            );
        }
        // The wallet range does not bind other methods; the order id may have
        // separators between letters and digits.
        let card = CreateRequest {
            amount: 500,
            request_type: RequestType::PayWithAtm,
            order_id: "POS-2024.01_05".into(),
            ..create_request()
        };
        let body = create_body(&config(), &card).unwrap();
        assert_eq!(body["requestType"], "payWithATM");
    }

    #[test]
    fn m_sc_2_ipn() {
        let notice = verify_ipn(ipn_body().as_bytes(), &config()).unwrap();
        assert_eq!(
            notice,
            MomoNotice {
                partner_code: "MOMOTEST0001".into(),
                order_id: "ORDER123".into(),
                request_id: "REQ123".into(),
                amount: 50_000,
                order_info: "Thanh toán đơn hàng ORDER123".into(),
                order_type: "momo_wallet".into(),
                trans_id: 4_088_878_653,
                result_code: 0,
                message: "Thành công.".into(),
                pay_type: "qr".into(),
                response_time: 1_721_720_663_942,
                extra_data: String::new(),
            }
        );
        assert_eq!(notice.kind(), ResultKind::Success);
        assert_eq!(
            hmac_sha256_hex(&config().secret_key, IPN_RAW),
            IPN_SIGNATURE
        );
    }

    #[test]
    fn an_ipn_built_from_a_notice_is_signed_like_momo_s() {
        let notice = verify_ipn(ipn_body().as_bytes(), &config()).unwrap();
        assert_eq!(ipn_signature(&config(), &notice), IPN_SIGNATURE);
        let expected: Value = serde_json::from_str(&ipn_body()).unwrap();
        assert_eq!(super::ipn_body(&config(), &notice), expected);
    }

    #[test]
    fn a_tampered_ipn_is_refused() {
        let body = ipn_body();
        for (from, to) in [
            (r#""amount":50000"#, r#""amount":5000"#),
            (r#""resultCode":0"#, r#""resultCode":9000"#),
            ("Thành công.", "Thanh cong."),
            (r#""orderId":"ORDER123""#, r#""orderId":"ORDER124""#),
            (&IPN_SIGNATURE[..8], "00000000"),
        ] {
            let tampered = body.replace(from, to);
            assert_eq!(
                verify_ipn(tampered.as_bytes(), &config()),
                Err(GatewayError::BadSignature),
                "{to}"
            );
        }
        let other_secret = MomoConfig {
            secret_key: "ANOTHERSECRET".into(),
            ..config()
        };
        assert_eq!(
            verify_ipn(body.as_bytes(), &other_secret),
            Err(GatewayError::BadSignature)
        );
        let other_access_key = MomoConfig {
            access_key: "ANOTHERKEY".into(),
            ..config()
        };
        assert_eq!(
            verify_ipn(body.as_bytes(), &other_access_key),
            Err(GatewayError::BadSignature)
        );
    }

    #[test]
    fn the_signature_hex_may_be_upper_case() {
        let body = ipn_body().replace(IPN_SIGNATURE, &IPN_SIGNATURE.to_uppercase());
        assert!(verify_ipn(body.as_bytes(), &config()).is_ok());
    }

    #[test]
    fn missing_or_unreadable_ipn_fields_are_malformed() {
        for key in ["amount", "message", "transId", "signature", "extraData"] {
            let mut body: Map<String, Value> = serde_json::from_str(&ipn_body()).unwrap();
            body.remove(key);
            assert!(
                matches!(
                    verify_ipn(&serde_json::to_vec(&body).unwrap(), &config()),
                    Err(GatewayError::Malformed(_))
                ),
                "{key}"
            );
        }
        for bad in [
            ipn_body().replace("50000,", "50000.0,"),
            ipn_body().replace("50000,", "5e4,"),
            ipn_body().replace(r#""resultCode":0"#, r#""resultCode":null"#),
            ipn_body().replace("4088878653", "99999999999999999999"),
            "not json".into(),
            "[1,2]".into(),
        ] {
            assert!(
                matches!(
                    verify_ipn(bad.as_bytes(), &config()),
                    Err(GatewayError::Malformed(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn whole_numbers_sent_as_text_are_signed_as_received() {
        let body = ipn_body().replace(r#""amount":50000"#, r#""amount":"50000""#);
        assert_eq!(
            verify_ipn(body.as_bytes(), &config()).unwrap().amount,
            50_000
        );
    }

    #[test]
    fn an_ipn_for_another_partner_is_malformed() {
        let body = resigned_ipn(|body| {
            body.insert("partnerCode".into(), "SOMEONEELSE".into());
        });
        assert!(matches!(
            verify_ipn(&body, &config()),
            Err(GatewayError::Malformed(_))
        ));
    }

    #[test]
    fn a_failed_payment_is_verified_and_reported_as_failed() {
        let body = resigned_ipn(|body| {
            body.insert("resultCode".into(), 1006.into());
            body.insert("message".into(), "Người dùng từ chối".into());
        });
        let notice = verify_ipn(&body, &config()).unwrap();
        assert_eq!(notice.result_code, 1006);
        assert_eq!(notice.kind(), ResultKind::Failed);
        assert!(!is_paid(notice.result_code));
    }

    #[test]
    fn result_codes() {
        assert!(is_paid(0));
        assert!(is_paid(9000));
        assert_eq!(result_kind(9000), ResultKind::Authorized);
        for pending in [1000, 7000, 7002, 8000] {
            assert_eq!(result_kind(pending), ResultKind::Pending);
            assert!(!is_paid(pending));
        }
        for failed in [10, 13, 21, 42, 99, 1001, 1005, 1006, 4100, 123_456] {
            assert_eq!(result_kind(failed), ResultKind::Failed);
        }
        assert_eq!(result_code_meaning(1006), "the customer declined");
        assert_eq!(result_code_meaning(-1), "unknown result code");
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
        let config = MomoConfig::from_lookup(vars(&[
            ("MOMO_PARTNER_CODE", "MOMOTEST0001"),
            ("MOMO_ACCESS_KEY", "TESTACCESSKEY01"),
            ("MOMO_SECRET_KEY", "TESTSECRETKEY0123456789ABCDEFGHI"),
        ]))
        .unwrap();
        assert_eq!(config.endpoint, SANDBOX_ENDPOINT);
        assert_eq!(
            config.url("create"),
            "https://test-payment.momo.vn/v2/gateway/api/create"
        );
        assert!(MomoConfig::from_lookup(vars(&[
            ("MOMO_PARTNER_CODE", "MOMOTEST0001"),
            ("MOMO_ACCESS_KEY", "TESTACCESSKEY01"),
        ]))
        .is_none());
        let production = MomoConfig::from_lookup(vars(&[
            ("MOMO_PARTNER_CODE", "MOMOTEST0001"),
            ("MOMO_ACCESS_KEY", "TESTACCESSKEY01"),
            ("MOMO_SECRET_KEY", "TESTSECRETKEY0123456789ABCDEFGHI"),
            ("MOMO_ENDPOINT", "https://payment.momo.vn/"),
        ]))
        .unwrap();
        assert_eq!(
            production.url("refund"),
            "https://payment.momo.vn/v2/gateway/api/refund"
        );
    }

    #[test]
    fn debug_hides_the_keys() {
        let shown = format!("{:?}", config());
        assert!(shown.contains("MOMOTEST0001"));
        assert!(!shown.contains("TESTACCESSKEY01"));
        assert!(!shown.contains("TESTSECRETKEY"));
    }

    // --- against a local stand-in for MoMo --------------------------------

    /// Serves `answer` with `status` to every request on a loopback port, and
    /// keeps what it was sent.
    async fn mock_momo(status: u16, answer: Value) -> (MomoConfig, Arc<Mock>) {
        let (base, mock) = mock::serve(status, answer.to_string()).await;
        let config = MomoConfig {
            endpoint: base,
            ..config()
        };
        (config, mock)
    }

    fn sent_json(mock: &Mock) -> (String, Value) {
        let seen = mock.seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].method, Method::POST);
        assert_eq!(seen[0].headers[header::CONTENT_TYPE], "application/json");
        (
            seen[0].path.clone(),
            serde_json::from_slice(&seen[0].body).unwrap(),
        )
    }

    #[tokio::test]
    async fn create_payment_posts_the_signed_request_and_reads_the_links() {
        let (config, mock) = mock_momo(
            200,
            json!({
                "partnerCode": "MOMOTEST0001",
                "orderId": "ORDER123",
                "requestId": "REQ123",
                "amount": 50000,
                "responseTime": 1_721_720_620_000_i64,
                "message": "Thành công.",
                "resultCode": 0,
                "payUrl": "https://test-payment.momo.vn/v2/gateway/pay?t=abc",
                "deeplink": "momo://app?action=payWithApp&t=abc",
                "qrCodeUrl": "2|99|0123456789|||0|0|50000|ORDER123|transfer_p2p",
            }),
        )
        .await;

        let created = create_payment(&client(), &config, &create_request())
            .await
            .unwrap();
        assert_eq!(
            created,
            CreatedPayment {
                pay_url: "https://test-payment.momo.vn/v2/gateway/pay?t=abc".into(),
                qr_code_url: Some("2|99|0123456789|||0|0|50000|ORDER123|transfer_p2p".into()),
                deeplink: Some("momo://app?action=payWithApp&t=abc".into()),
            }
        );

        let (path, sent) = sent_json(&mock);
        assert_eq!(path, "/v2/gateway/api/create");
        assert_eq!(sent, create_body(&config, &create_request()).unwrap());
        assert_eq!(sent["signature"], CREATE_SIGNATURE);
        assert_eq!(sent["amount"], 50_000);
    }

    #[tokio::test]
    async fn create_payment_refusals_and_failures() {
        let (config, _mock) = mock_momo(
            400,
            json!({"resultCode": 13, "message": "Xác thực doanh nghiệp thất bại."}),
        )
        .await;
        assert_eq!(
            create_payment(&client(), &config, &create_request()).await,
            Err(GatewayError::Rejected {
                code: "13".into(),
                message: "Xác thực doanh nghiệp thất bại.".into()
            })
        );

        let (config, _mock) = mock_momo(200, json!({"resultCode": 41})).await;
        assert_eq!(
            create_payment(&client(), &config, &create_request()).await,
            Err(GatewayError::Rejected {
                code: "41".into(),
                message: "duplicated orderId".into()
            })
        );

        let (config, _mock) = mock_momo(502, json!("Bad gateway")).await;
        assert_eq!(
            create_payment(&client(), &config, &create_request()).await,
            Err(GatewayError::Http("MoMo answered HTTP 502".into()))
        );

        let (config, _mock) = mock_momo(200, json!({"resultCode": 0, "message": "ok"})).await;
        assert!(matches!(
            create_payment(&client(), &config, &create_request()).await,
            Err(GatewayError::Malformed(_))
        ));
    }

    #[tokio::test]
    async fn query_status_signs_the_query_and_reports_the_payment() {
        let (config, mock) = mock_momo(
            200,
            json!({
                "partnerCode": "MOMOTEST0001",
                "orderId": "ORDER123",
                "requestId": "REQ124",
                "extraData": "",
                "amount": 50000,
                "transId": 4088878653_i64,
                "payType": "qr",
                "resultCode": 0,
                "refundTrans": [],
                "message": "Thành công.",
                "responseTime": 1_721_720_700_000_i64,
            }),
        )
        .await;
        let status = query_status(&client(), &config, "ORDER123", "REQ124")
            .await
            .unwrap();
        assert_eq!(
            status,
            PaymentStatus {
                order_id: "ORDER123".into(),
                result_code: 0,
                message: "Thành công.".into(),
                amount: Some(50_000),
                trans_id: Some(4_088_878_653),
                pay_type: Some("qr".into()),
            }
        );
        assert_eq!(status.kind(), ResultKind::Success);

        let raw = query_raw_signature(&config, "ORDER123", "REQ124");
        assert_eq!(
            raw,
            "accessKey=TESTACCESSKEY01&orderId=ORDER123&partnerCode=MOMOTEST0001&requestId=REQ124"
        );
        let (path, sent) = sent_json(&mock);
        assert_eq!(path, "/v2/gateway/api/query");
        assert_eq!(
            sent,
            json!({
                "partnerCode": "MOMOTEST0001",
                "requestId": "REQ124",
                "orderId": "ORDER123",
                "lang": "vi",
                "signature": hmac_sha256_hex("TESTSECRETKEY0123456789ABCDEFGHI", &raw),
            })
        );
    }

    #[tokio::test]
    async fn query_status_reports_a_pending_payment_and_rejects_a_refused_query() {
        let (config, _mock) = mock_momo(
            200,
            json!({"orderId": "ORDER123", "resultCode": 1000, "message": "Đang chờ"}),
        )
        .await;
        let status = query_status(&client(), &config, "ORDER123", "REQ125")
            .await
            .unwrap();
        assert_eq!(status.kind(), ResultKind::Pending);
        assert_eq!(status.amount, None);

        let (config, _mock) = mock_momo(
            200,
            json!({"orderId": "ORDER999", "resultCode": 42, "message": "Không tìm thấy"}),
        )
        .await;
        assert_eq!(
            query_status(&client(), &config, "ORDER999", "REQ126").await,
            Err(GatewayError::Rejected {
                code: "42".into(),
                message: "Không tìm thấy".into()
            })
        );
    }

    fn refund_request() -> RefundRequest {
        RefundRequest {
            order_id: "REFUND-ORDER123-1".into(),
            request_id: "REQ200".into(),
            amount: 20_000,
            trans_id: 4_088_878_653,
            description: "Hoàn tiền một phần".into(),
        }
    }

    #[tokio::test]
    async fn refund_signs_the_request_and_reads_the_answer() {
        let (config, mock) = mock_momo(
            200,
            json!({
                "partnerCode": "MOMOTEST0001",
                "orderId": "REFUND-ORDER123-1",
                "requestId": "REQ200",
                "amount": 20000,
                "transId": 4088878999_i64,
                "resultCode": 0,
                "message": "Thành công.",
                "responseTime": 1_721_720_800_000_i64,
            }),
        )
        .await;
        let result = refund(&client(), &config, &refund_request()).await.unwrap();
        assert_eq!(
            result,
            RefundResult {
                order_id: "REFUND-ORDER123-1".into(),
                amount: Some(20_000),
                trans_id: Some(4_088_878_999),
                message: "Thành công.".into(),
            }
        );

        let raw = refund_raw_signature(&config, &refund_request());
        assert_eq!(
            raw,
            "accessKey=TESTACCESSKEY01&amount=20000&description=Hoàn tiền một phần&orderId=REFUND-ORDER123-1&partnerCode=MOMOTEST0001&requestId=REQ200&transId=4088878653"
        );
        let (path, sent) = sent_json(&mock);
        assert_eq!(path, "/v2/gateway/api/refund");
        assert_eq!(
            sent,
            json!({
                "partnerCode": "MOMOTEST0001",
                "orderId": "REFUND-ORDER123-1",
                "requestId": "REQ200",
                "amount": 20000,
                "transId": 4088878653_i64,
                "lang": "vi",
                "description": "Hoàn tiền một phần",
                "signature": hmac_sha256_hex("TESTSECRETKEY0123456789ABCDEFGHI", &raw),
            })
        );
    }

    #[tokio::test]
    async fn a_refused_refund_is_rejected() {
        let (config, _mock) = mock_momo(
            200,
            json!({"resultCode": 1081, "message": "Giao dịch đã được hoàn tiền"}),
        )
        .await;
        assert_eq!(
            refund(&client(), &config, &refund_request()).await,
            Err(GatewayError::Rejected {
                code: "1081".into(),
                message: "Giao dịch đã được hoàn tiền".into()
            })
        );
        let nothing = RefundRequest {
            amount: 0,
            ..refund_request()
        };
        assert!(matches!(
            refund(&client(), &config, &nothing).await,
            Err(GatewayError::Malformed(_))
        ));
    }

    // --- the adapter ---------------------------------------------------------

    #[tokio::test]
    async fn the_adapter_queries_the_payment_and_reads_its_status() {
        let attempt = Attempt {
            reference: "ORDER123",
            amount: 50_000,
            order_number: "DH000123",
            created_at: "2024-01-01T05:00:00Z",
            public_base_url: None,
        };
        let (config, mock) = mock_momo(
            200,
            json!({"orderId": "ORDER123", "resultCode": 0, "message": "Thành công.",
                   "amount": 50000, "transId": 4088878653_i64}),
        )
        .await;
        let status = config.query(&client(), &attempt).await.unwrap();
        assert_eq!(
            status,
            RemoteStatus {
                status: AttemptStatus::Succeeded,
                amount: Some(50_000),
                transaction_id: Some("4088878653".into()),
                detail: "successful".into(),
            }
        );
        let (path, sent) = sent_json(&mock);
        assert_eq!(path, "/v2/gateway/api/query");
        assert_eq!(sent["orderId"], "ORDER123");
        let request_id = sent["requestId"].as_str().unwrap();
        assert!(request_id.starts_with("ORDER123-"), "{request_id}");

        let (config, _mock) = mock_momo(
            200,
            json!({"orderId": "ORDER123", "resultCode": 1006, "message": "Giao dịch bị từ chối"}),
        )
        .await;
        let status = config.query(&client(), &attempt).await.unwrap();
        assert_eq!(status.status, AttemptStatus::Failed);
        assert_eq!(status.detail, "the customer declined");
        assert_eq!(status.transaction_id, None);
    }
}
