//! VNPay, API version 2.1.0: the payment URL, the IPN and return-URL
//! checksum, the IPN reply bodies, and the querydr and refund calls.
//!
//! Official (VNPay's sandbox documentation, pages `thanh-toan-pay/pay.html`,
//! `truy-van-hoan-tien/querydr&refund.html`, `chuyen-doi-thuat-toan`):
//! the sandbox endpoints; the payment-URL parameter table (amount × 100,
//! `yyyyMMddHHmmss` dates in GMT+7, no `vnp_SecureHashType` in 2.1.0); the
//! checksum as HMAC-SHA512 over the parameters sorted by name and
//! form-encoded the way PHP's `urlencode` does; the IPN as a GET with the same
//! checksum; the `RspCode` replies and which of them make VNPay retry; the
//! `vnp_ResponseCode` and `vnp_TransactionStatus` tables.
//!
//! Not confirmed by VNPay's own pages (known only from third-party copies of
//! VNPay's demo code): the `|`-joined field order of the querydr and refund
//! checksums, request and answer; refund types `02` (full) and `03`
//! (partial); the querydr/refund answer codes; `vnp_Amount` travelling as a
//! JSON number in the refund body; whether VNPay signs its error answers.
//! The production host is not confirmed either, so both URLs come from the
//! environment and default to the sandbox.
//!
//! Choices of ours: text we sign is limited to `[A-Za-z0-9 _.:-]`, where every
//! encoder VNPay's samples use agrees (see [`plain_text`]); empty values are
//! never sent, and a checksum that fails without the received empty values is
//! tried once with them, because VNPay's own samples disagree on that.

use std::collections::BTreeMap;
use std::fmt;

use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha512;

use super::{
    error::GatewayError, Attempt, Gateway, GatewayFuture, Handover, Inbound, RefundCall,
    RemoteStatus, Verified, RETURN_PATH,
};
use crate::{
    clock::{self, civil_from_days},
    payments::{
        model::{AttemptStatus, Provider},
        now_unix,
        settle::Notice,
    },
    search::strip_diacritics,
};

type HmacSha512 = Hmac<Sha512>;

/// The API version this module speaks.
pub const VERSION: &str = "2.1.0";
/// The sandbox payment page, where the customer is sent.
pub const SANDBOX_PAY_URL: &str = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html";
/// The sandbox querydr/refund endpoint.
pub const SANDBOX_API_URL: &str = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction";
/// The goods category sent with every payment ("other").
pub const ORDER_TYPE: &str = "other";

const SECURE_HASH: &str = "vnp_SecureHash";
const SECURE_HASH_TYPE: &str = "vnp_SecureHashType";
/// `vnp_Amount` is Numeric[1,12] and carries VND × 100.
const MAX_WIRE_AMOUNT: i64 = 999_999_999_999;

/// Merchant credentials and endpoints.
#[derive(Clone, PartialEq, Eq)]
pub struct VnpayConfig {
    /// `vnp_TmnCode`, the terminal (website) code.
    pub tmn_code: String,
    /// `vnp_HashSecret`, used as the HMAC key.
    pub hash_secret: String,
    /// The payment page, without a query string.
    pub pay_url: String,
    /// The querydr/refund endpoint.
    pub api_url: String,
}

impl fmt::Debug for VnpayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VnpayConfig")
            .field("tmn_code", &self.tmn_code)
            .field("hash_secret", &"<redacted>")
            .field("pay_url", &self.pay_url)
            .field("api_url", &self.api_url)
            .finish()
    }
}

impl VnpayConfig {
    /// Reads `VNPAY_TMN_CODE`, `VNPAY_HASH_SECRET` and, optionally,
    /// `VNPAY_PAY_URL` and `VNPAY_API_URL` (both default to the sandbox).
    /// `None` when a required variable is missing or empty.
    pub fn from_env() -> Option<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`VnpayConfig::from_env`] with the variables taken from `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let get = |name: &str| super::setting(&lookup, name);
        Some(VnpayConfig {
            tmn_code: get("VNPAY_TMN_CODE")?,
            hash_secret: get("VNPAY_HASH_SECRET")?,
            pay_url: get("VNPAY_PAY_URL").unwrap_or_else(|| SANDBOX_PAY_URL.to_owned()),
            api_url: get("VNPAY_API_URL").unwrap_or_else(|| SANDBOX_API_URL.to_owned()),
        })
    }
}

// ---------------------------------------------------------------------------
// Encoding and signing
// ---------------------------------------------------------------------------

/// Form-encodes `text` exactly as PHP's `urlencode`, VNPay's reference sample:
/// `A-Z a-z 0-9 - _ .` stay, a space becomes `+`, every other UTF-8 byte
/// becomes `%XX` in upper-case hex. This differs from WHATWG form encoding,
/// which leaves `*` alone.
pub fn php_urlencode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0x0f)]));
            }
        }
    }
    out
}

/// The string VNPay signs: every `vnp_*` parameter except the hash itself
/// and `vnp_SecureHashType`, with a non-empty value, sorted by name (the map
/// keeps byte order), each as `urlencode(name)=urlencode(value)`, joined by
/// `&`. It is also the query string of the payment URL.
pub fn sign_data(params: &BTreeMap<String, String>) -> String {
    encoded_pairs(params, false)
}

/// `vnp_SecureHash` for `params`: lower-case hex HMAC-SHA512 of
/// [`sign_data`] keyed with the hash secret.
pub fn sign(params: &BTreeMap<String, String>, secret: &str) -> String {
    hmac_sha512_hex(secret, &sign_data(params))
}

fn encoded_pairs(params: &BTreeMap<String, String>, keep_empty: bool) -> String {
    let mut out = String::new();
    for (key, value) in params {
        let signed = key.starts_with("vnp_") && key != SECURE_HASH && key != SECURE_HASH_TYPE;
        if !signed || (value.is_empty() && !keep_empty) {
            continue;
        }
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&php_urlencode(key));
        out.push('=');
        out.push_str(&php_urlencode(value));
    }
    out
}

fn mac(secret: &str, data: &str) -> HmacSha512 {
    let mut mac = HmacSha512::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(data.as_bytes());
    mac
}

fn hmac_sha512_hex(secret: &str, data: &str) -> String {
    hex::encode(mac(secret, data).finalize().into_bytes())
}

/// Constant-time check of a hex checksum; VNPay's C# sample compares without
/// regard to case, and hex decoding accepts both.
fn checksum_matches(secret: &str, data: &str, received_hex: &str) -> bool {
    match hex::decode(received_hex.trim()) {
        Ok(received) => mac(secret, data).verify_slice(&received).is_ok(),
        Err(_) => false,
    }
}

// ---------------------------------------------------------------------------
// Dates: `yyyyMMddHHmmss` in GMT+7
// ---------------------------------------------------------------------------

/// Vietnam's offset from UTC. A fixed +07:00, not the `Etc/GMT+7` zone of
/// VNPay's Java sample, which in tz naming means UTC−07:00.
const GMT7_OFFSET_SECONDS: i64 = 7 * 3600;
const SECONDS_PER_DAY: i64 = 86_400;

/// Formats Unix seconds as VNPay's `yyyyMMddHHmmss` in GMT+7.
pub fn format_gmt7(unix_seconds: i64) -> String {
    let local = unix_seconds + GMT7_OFFSET_SECONDS;
    let (year, month, day) = civil_from_days(local.div_euclid(SECONDS_PER_DAY));
    let second_of_day = local.rem_euclid(SECONDS_PER_DAY);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// Reads VNPay's `yyyyMMddHHmmss` (GMT+7) back into Unix seconds; `None`
/// unless it is 14 digits naming a real date and time.
pub fn parse_gmt7(text: &str) -> Option<i64> {
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |range: std::ops::Range<usize>| text[range].parse::<i64>().ok();
    let (year, month, day) = (field(0..4)?, field(4..6)?, field(6..8)?);
    let (hour, minute, second) = (field(8..10)?, field(10..12)?, field(12..14)?);
    let month = u32::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
    let day = u32::try_from(day).ok()?;
    if day == 0 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - GMT7_OFFSET_SECONDS)
}

/// The inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// ---------------------------------------------------------------------------
// Text VNPay accepts
// ---------------------------------------------------------------------------

/// Whether `text` uses only `[A-Za-z0-9 _.:-]`, the characters on which PHP,
/// Java, .NET and Node encoders all agree, so the checksum VNPay computes is
/// the one we computed. VNPay also asks for order descriptions "without
/// diacritics and without special characters".
pub fn is_plain_text(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'.' | b':' | b'-'))
}

/// Makes any text fit [`is_plain_text`]: Vietnamese letters lose their
/// diacritics (`Đơn hàng` → `Don hang`), other characters become spaces,
/// runs of spaces shrink to one, and the result is cut to `max_chars`.
pub fn plain_text(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in text.chars() {
        // Combining accents (decomposed text) are simply dropped.
        if ('\u{0300}'..='\u{036f}').contains(&c) {
            continue;
        }
        let c = strip_diacritics(c);
        let keep = c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-');
        if !keep {
            pending_space = !out.is_empty();
            continue;
        }
        if out.len() + usize::from(pending_space) + 1 > max_chars {
            break;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// Payment URL
// ---------------------------------------------------------------------------

/// `vnp_Locale`: the language of VNPay's payment page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Vn,
    En,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Vn => "vn",
            Locale::En => "en",
        }
    }
}

/// One payment to send the customer to VNPay for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// `vnp_TxnRef`: our reference, unique within the day (1–100 characters
    /// of [`is_plain_text`]).
    pub txn_ref: String,
    /// The amount in đồng; it is sent × 100.
    pub amount_vnd: i64,
    /// `vnp_OrderInfo`: 1–255 characters of [`is_plain_text`]; see [`plain_text`].
    pub order_info: String,
    /// Where VNPay sends the customer's browser back.
    pub return_url: String,
    /// The customer's IP address.
    pub ip_addr: String,
    /// When the payment is created, in Unix seconds (`vnp_CreateDate`).
    pub created_at_unix: i64,
    /// How long the customer has to pay (`vnp_ExpireDate`).
    pub expire_minutes: u32,
    pub locale: Locale,
    /// `VNPAYQR`, `VNBANK`, `INTCARD`…; `None` lets the customer choose.
    pub bank_code: Option<String>,
}

/// The parameters of the payment URL, without the checksum.
pub fn payment_params(
    config: &VnpayConfig,
    request: &PaymentRequest,
) -> Result<BTreeMap<String, String>, GatewayError> {
    let wire_amount = wire_amount(request.amount_vnd)?;
    check_text("vnp_TxnRef", &request.txn_ref, 100)?;
    check_text("vnp_OrderInfo", &request.order_info, 255)?;
    check_length("vnp_ReturnUrl", &request.return_url, 10, 255)?;
    check_length("vnp_IpAddr", &request.ip_addr, 7, 45)?;
    if request.expire_minutes == 0 {
        return Err(GatewayError::Malformed(
            "a payment must stay open for at least a minute".into(),
        ));
    }
    let expires_at = request.created_at_unix + i64::from(request.expire_minutes) * 60;

    let mut params = BTreeMap::new();
    let mut put = |key: &str, value: String| {
        params.insert(key.to_owned(), value);
    };
    put("vnp_Version", VERSION.into());
    put("vnp_Command", "pay".into());
    put("vnp_TmnCode", config.tmn_code.clone());
    put("vnp_Amount", wire_amount.to_string());
    put("vnp_CurrCode", "VND".into());
    put("vnp_TxnRef", request.txn_ref.clone());
    put("vnp_OrderInfo", request.order_info.clone());
    put("vnp_OrderType", ORDER_TYPE.into());
    put("vnp_Locale", request.locale.as_str().into());
    put("vnp_ReturnUrl", request.return_url.clone());
    put("vnp_IpAddr", request.ip_addr.clone());
    put("vnp_CreateDate", format_gmt7(request.created_at_unix));
    put("vnp_ExpireDate", format_gmt7(expires_at));
    // An empty value is never sent: the samples disagree on signing one.
    if let Some(bank_code) = request.bank_code.as_deref().filter(|code| !code.is_empty()) {
        if !(3..=20).contains(&bank_code.len())
            || !bank_code.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(GatewayError::Malformed(
                "vnp_BankCode must be 3 to 20 letters or digits".into(),
            ));
        }
        put("vnp_BankCode", bank_code.to_owned());
    }
    Ok(params)
}

/// The URL to send the customer to: the payment page, the encoded and sorted
/// parameters, then `vnp_SecureHash`.
pub fn payment_url(config: &VnpayConfig, request: &PaymentRequest) -> Result<String, GatewayError> {
    let params = payment_params(config, request)?;
    let query = sign_data(&params);
    let hash = hmac_sha512_hex(&config.hash_secret, &query);
    Ok(format!("{}?{query}&{SECURE_HASH}={hash}", config.pay_url))
}

fn wire_amount(amount_vnd: i64) -> Result<i64, GatewayError> {
    amount_vnd
        .checked_mul(100)
        .filter(|wire| (1..=MAX_WIRE_AMOUNT).contains(wire))
        .ok_or_else(|| {
            GatewayError::Malformed(format!(
                "amount {amount_vnd} VND is outside what VNPay accepts"
            ))
        })
}

fn check_length(name: &str, value: &str, min: usize, max: usize) -> Result<(), GatewayError> {
    let length = value.chars().count();
    if (min..=max).contains(&length) {
        Ok(())
    } else {
        Err(GatewayError::Malformed(format!(
            "{name} must be {min} to {max} characters long"
        )))
    }
}

fn check_text(name: &str, value: &str, max: usize) -> Result<(), GatewayError> {
    check_length(name, value, 1, max)?;
    if is_plain_text(value) {
        Ok(())
    } else {
        Err(GatewayError::Malformed(format!(
            "{name} may hold only letters without diacritics, digits, spaces and _ . : -"
        )))
    }
}

// ---------------------------------------------------------------------------
// IPN and return URL
// ---------------------------------------------------------------------------

/// A payment result from VNPay, read from the IPN (or the return URL, which is
/// for display only and must never change an order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VnpayNotice {
    /// `vnp_TxnRef`: our reference.
    pub txn_ref: String,
    /// `vnp_Amount` ÷ 100, in đồng.
    pub amount_vnd: i64,
    /// `vnp_ResponseCode`: `00` is success; see [`response_code_meaning`].
    pub response_code: String,
    /// `vnp_TransactionStatus`: `00` is success; see [`transaction_status_meaning`].
    pub transaction_status: String,
    /// `vnp_TransactionNo`: VNPay's transaction id (`0` when none was made).
    pub transaction_no: Option<String>,
    pub tmn_code: Option<String>,
    pub bank_code: Option<String>,
    pub bank_tran_no: Option<String>,
    pub card_type: Option<String>,
    /// `vnp_PayDate`, `yyyyMMddHHmmss` in GMT+7; see [`parse_gmt7`].
    pub pay_date: Option<String>,
}

impl VnpayNotice {
    /// Paid: both codes are `00`. (VNPay's PHP sample checks either one, which
    /// would accept a failed transaction; the C# sample's "both" is right.)
    pub fn is_success(&self) -> bool {
        self.response_code == "00" && self.transaction_status == "00"
    }
}

/// Checks and reads the query string of an IPN call or a return-URL visit
/// (with or without its leading `?`). The checksum is checked before any field
/// is read; parameters that are not `vnp_*` are ignored, as VNPay's samples do.
pub fn verify_return(query_string: &str, secret: &str) -> Result<VnpayNotice, GatewayError> {
    let query = query_string.strip_prefix('?').unwrap_or(query_string);
    let mut params = BTreeMap::new();
    let mut received_hash = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if !key.starts_with("vnp_") || key == SECURE_HASH_TYPE {
            continue;
        }
        let duplicate = if key == SECURE_HASH {
            received_hash.replace(value.into_owned()).is_some()
        } else {
            params.insert(key.to_string(), value.into_owned()).is_some()
        };
        if duplicate {
            return Err(GatewayError::Malformed(format!("{key} appears twice")));
        }
    }
    let received_hash = received_hash
        .ok_or_else(|| GatewayError::Malformed(format!("missing field {SECURE_HASH}")))?;

    let matches = checksum_matches(secret, &encoded_pairs(&params, false), &received_hash)
        || (params.values().any(String::is_empty)
            && checksum_matches(secret, &encoded_pairs(&params, true), &received_hash));
    if !matches {
        return Err(GatewayError::BadSignature);
    }

    let optional = |key: &str| params.get(key).filter(|v| !v.is_empty()).cloned();
    let required = |key: &str| {
        optional(key).ok_or_else(|| GatewayError::Malformed(format!("missing field {key}")))
    };
    Ok(VnpayNotice {
        txn_ref: required("vnp_TxnRef")?,
        amount_vnd: amount_from_wire(&required("vnp_Amount")?)?,
        response_code: required("vnp_ResponseCode")?,
        transaction_status: required("vnp_TransactionStatus")?,
        transaction_no: optional("vnp_TransactionNo"),
        tmn_code: optional("vnp_TmnCode"),
        bank_code: optional("vnp_BankCode"),
        bank_tran_no: optional("vnp_BankTranNo"),
        card_type: optional("vnp_CardType"),
        pay_date: optional("vnp_PayDate"),
    })
}

/// `vnp_Amount` is đồng × 100; anything that is not a whole number of đồng
/// cannot be one of our orders.
fn amount_from_wire(text: &str) -> Result<i64, GatewayError> {
    let wire: i64 = text
        .parse()
        .map_err(|_| GatewayError::Malformed("vnp_Amount is not a whole number".into()))?;
    if wire < 0 || wire % 100 != 0 {
        return Err(GatewayError::Malformed(
            "vnp_Amount is not a whole number of đồng × 100".into(),
        ));
    }
    Ok(wire / 100)
}

/// What a `vnp_ResponseCode` means (VNPay's error table).
pub fn response_code_meaning(code: &str) -> &'static str {
    match code {
        "00" => "success",
        "07" => "money deducted, transaction suspected of fraud",
        "09" => "card or account not registered for internet banking",
        "10" => "card or account authentication failed more than 3 times",
        "11" => "payment time expired",
        "12" => "card or account locked",
        "13" => "wrong one-time password",
        "24" => "customer cancelled",
        "51" => "insufficient balance",
        "65" => "daily limit exceeded",
        "75" => "bank under maintenance",
        "79" => "wrong payment password too many times",
        _ => "other error",
    }
}

/// What a `vnp_TransactionStatus` means.
pub fn transaction_status_meaning(code: &str) -> &'static str {
    match code {
        "00" => "success",
        "01" => "not completed",
        "02" => "error",
        "04" => "reversed: debited at the bank but not successful at VNPay",
        "05" => "VNPay is processing a refund",
        "06" => "refund sent to the bank",
        "07" => "suspected fraud",
        "09" => "refund rejected",
        _ => "unknown status",
    }
}

/// The JSON body (HTTP 200) that answers an IPN. VNPay reads `RspCode`; the
/// messages are those of VNPay's samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpnReply {
    pub rsp_code: &'static str,
    pub message: &'static str,
}

impl IpnReply {
    /// The order was updated.
    pub const CONFIRM_SUCCESS: IpnReply = IpnReply::new("00", "Confirm Success");
    /// No order has this `vnp_TxnRef`.
    pub const ORDER_NOT_FOUND: IpnReply = IpnReply::new("01", "Order not found");
    /// The order was already updated (a repeated IPN).
    pub const ALREADY_CONFIRMED: IpnReply = IpnReply::new("02", "Order already confirmed");
    /// The amount differs from the order's.
    pub const INVALID_AMOUNT: IpnReply = IpnReply::new("04", "invalid amount");
    /// The checksum does not match.
    pub const INVALID_SIGNATURE: IpnReply = IpnReply::new("97", "Invalid signature");
    /// Anything else. The spelling is VNPay's own sample's.
    pub const UNKNOWN_ERROR: IpnReply = IpnReply::new("99", "Unknow error");

    const fn new(rsp_code: &'static str, message: &'static str) -> Self {
        IpnReply { rsp_code, message }
    }

    /// The reply to an IPN that [`verify_return`] refused.
    pub fn for_error(err: &GatewayError) -> IpnReply {
        match err {
            GatewayError::BadSignature => IpnReply::INVALID_SIGNATURE,
            _ => IpnReply::UNKNOWN_ERROR,
        }
    }

    /// `{"RspCode":"00","Message":"Confirm Success"}`. The constants hold no
    /// character that JSON would escape.
    pub fn body(&self) -> String {
        format!(
            r#"{{"RspCode":"{}","Message":"{}"}}"#,
            self.rsp_code, self.message
        )
    }

    /// Whether VNPay stops calling after this reply (`00`, `02`); after any
    /// other it calls again, up to 10 times, 5 minutes apart.
    pub fn ends_retries(&self) -> bool {
        matches!(self.rsp_code, "00" | "02")
    }
}

// ---------------------------------------------------------------------------
// querydr and refund
// ---------------------------------------------------------------------------

/// The fields VNPay's querydr answer is signed over, in order.
const QUERYDR_ANSWER_FIELDS: [&str; 15] = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
];

/// The refund answer is signed over the querydr fields less the two promotion
/// fields.
const REFUND_ANSWER_FIELDS: [&str; 13] = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
];

/// A querydr: asks VNPay for the state of one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryRequest {
    /// `vnp_RequestId`: unique within the day, at most 32 characters.
    pub request_id: String,
    /// The payment's `vnp_TxnRef`.
    pub txn_ref: String,
    pub order_info: String,
    /// VNPay's transaction id, when known.
    pub transaction_no: Option<String>,
    /// When the payment URL was created (its `vnp_CreateDate`), Unix seconds.
    pub transaction_date_unix: i64,
    /// The IP address of our server.
    pub ip_addr: String,
    /// Now, Unix seconds (`vnp_CreateDate` of this request).
    pub now_unix: i64,
}

/// `vnp_TransactionType` of a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundType {
    /// `02`: the whole amount.
    Full,
    /// `03`: part of it.
    Partial,
}

impl RefundType {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundType::Full => "02",
            RefundType::Partial => "03",
        }
    }
}

/// A refund of one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// `vnp_RequestId`: unique within the day, at most 32 characters.
    pub request_id: String,
    pub refund_type: RefundType,
    /// The payment's `vnp_TxnRef`.
    pub txn_ref: String,
    /// How much to give back, in đồng; it is sent × 100.
    pub amount_vnd: i64,
    /// VNPay's transaction id; `0` is sent when it is unknown.
    pub transaction_no: Option<String>,
    /// When the payment URL was created (its `vnp_CreateDate`), Unix seconds.
    pub transaction_date_unix: i64,
    /// Who asks for the refund (`vnp_CreateBy`).
    pub create_by: String,
    /// The IP address of our server.
    pub ip_addr: String,
    pub order_info: String,
    /// Now, Unix seconds (`vnp_CreateDate` of this request).
    pub now_unix: i64,
}

/// VNPay's answer to a querydr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryResult {
    pub response_id: String,
    pub message: String,
    pub txn_ref: String,
    pub amount_vnd: i64,
    pub bank_code: String,
    pub pay_date: String,
    pub transaction_no: String,
    pub transaction_type: String,
    /// The payment's state: `00` paid; see [`transaction_status_meaning`].
    pub transaction_status: String,
    pub order_info: String,
    pub promotion_code: String,
    pub promotion_amount: String,
}

impl QueryResult {
    pub fn is_paid(&self) -> bool {
        self.transaction_status == "00"
    }
}

/// VNPay's answer to a refund it accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundResult {
    pub response_id: String,
    pub message: String,
    pub txn_ref: String,
    /// The amount refunded, in đồng.
    pub amount_vnd: i64,
    pub transaction_no: String,
    pub transaction_type: String,
    /// `05` processing, `06` sent to the bank, `09` rejected…
    pub transaction_status: String,
}

/// The querydr checksum input: `RequestId|Version|Command|TmnCode|TxnRef|
/// TransactionDate|CreateDate|IpAddr|OrderInfo`, raw values, no encoding.
pub fn querydr_hash_data(config: &VnpayConfig, request: &QueryRequest) -> String {
    [
        request.request_id.as_str(),
        VERSION,
        "querydr",
        &config.tmn_code,
        &request.txn_ref,
        &format_gmt7(request.transaction_date_unix),
        &format_gmt7(request.now_unix),
        &request.ip_addr,
        &request.order_info,
    ]
    .join("|")
}

/// The JSON body of a querydr, checksum included.
pub fn querydr_body(config: &VnpayConfig, request: &QueryRequest) -> Result<Value, GatewayError> {
    check_length("vnp_RequestId", &request.request_id, 1, 32)?;
    check_length("vnp_TxnRef", &request.txn_ref, 1, 100)?;
    check_length("vnp_OrderInfo", &request.order_info, 1, 255)?;
    let hash = hmac_sha512_hex(&config.hash_secret, &querydr_hash_data(config, request));
    let mut body = Map::new();
    let mut put = |key: &str, value: &str| {
        body.insert(key.to_owned(), Value::from(value));
    };
    put("vnp_RequestId", &request.request_id);
    put("vnp_Version", VERSION);
    put("vnp_Command", "querydr");
    put("vnp_TmnCode", &config.tmn_code);
    put("vnp_TxnRef", &request.txn_ref);
    put("vnp_OrderInfo", &request.order_info);
    if let Some(no) = request
        .transaction_no
        .as_deref()
        .filter(|no| !no.is_empty())
    {
        put("vnp_TransactionNo", no);
    }
    put(
        "vnp_TransactionDate",
        &format_gmt7(request.transaction_date_unix),
    );
    put("vnp_CreateDate", &format_gmt7(request.now_unix));
    put("vnp_IpAddr", &request.ip_addr);
    put(SECURE_HASH, &hash);
    Ok(Value::Object(body))
}

/// The refund checksum input: `RequestId|Version|Command|TmnCode|
/// TransactionType|TxnRef|Amount|TransactionNo|TransactionDate|CreateBy|
/// CreateDate|IpAddr|OrderInfo`, raw values, amount × 100.
pub fn refund_hash_data(
    config: &VnpayConfig,
    request: &RefundRequest,
) -> Result<String, GatewayError> {
    Ok([
        request.request_id.as_str(),
        VERSION,
        "refund",
        &config.tmn_code,
        request.refund_type.as_str(),
        &request.txn_ref,
        &wire_amount(request.amount_vnd)?.to_string(),
        refund_transaction_no(request),
        &format_gmt7(request.transaction_date_unix),
        &request.create_by,
        &format_gmt7(request.now_unix),
        &request.ip_addr,
        &request.order_info,
    ]
    .join("|"))
}

fn refund_transaction_no(request: &RefundRequest) -> &str {
    request
        .transaction_no
        .as_deref()
        .filter(|no| !no.is_empty())
        .unwrap_or("0")
}

/// The JSON body of a refund, checksum included.
pub fn refund_body(config: &VnpayConfig, request: &RefundRequest) -> Result<Value, GatewayError> {
    check_length("vnp_RequestId", &request.request_id, 1, 32)?;
    check_length("vnp_TxnRef", &request.txn_ref, 1, 100)?;
    check_length("vnp_CreateBy", &request.create_by, 1, 255)?;
    check_length("vnp_OrderInfo", &request.order_info, 1, 255)?;
    let hash = hmac_sha512_hex(&config.hash_secret, &refund_hash_data(config, request)?);
    let mut body = Map::new();
    let mut put = |key: &str, value: Value| {
        body.insert(key.to_owned(), value);
    };
    put("vnp_RequestId", request.request_id.as_str().into());
    put("vnp_Version", VERSION.into());
    put("vnp_Command", "refund".into());
    put("vnp_TmnCode", config.tmn_code.as_str().into());
    put("vnp_TransactionType", request.refund_type.as_str().into());
    put("vnp_TxnRef", request.txn_ref.as_str().into());
    // A number, as in VNPay's demo code; its decimal text is what is signed.
    put("vnp_Amount", wire_amount(request.amount_vnd)?.into());
    put("vnp_TransactionNo", refund_transaction_no(request).into());
    put(
        "vnp_TransactionDate",
        format_gmt7(request.transaction_date_unix).into(),
    );
    put("vnp_CreateBy", request.create_by.as_str().into());
    put("vnp_CreateDate", format_gmt7(request.now_unix).into());
    put("vnp_IpAddr", request.ip_addr.as_str().into());
    put("vnp_OrderInfo", request.order_info.as_str().into());
    put(SECURE_HASH, hash.into());
    Ok(Value::Object(body))
}

/// Asks VNPay for the state of a payment. A refusal (any `vnp_ResponseCode`
/// but `00`, e.g. `91` not found) is [`GatewayError::Rejected`]; an accepted
/// answer must carry a valid checksum.
pub async fn querydr(
    client: &reqwest::Client,
    config: &VnpayConfig,
    request: &QueryRequest,
) -> Result<QueryResult, GatewayError> {
    let body = querydr_body(config, request)?;
    let answer = post(client, config, &body).await?;
    let field = checked_answer(config, &answer, &QUERYDR_ANSWER_FIELDS, &request.txn_ref)?;
    Ok(QueryResult {
        response_id: field("vnp_ResponseId"),
        message: field("vnp_Message"),
        txn_ref: field("vnp_TxnRef"),
        amount_vnd: amount_from_wire(&field("vnp_Amount"))?,
        bank_code: field("vnp_BankCode"),
        pay_date: field("vnp_PayDate"),
        transaction_no: field("vnp_TransactionNo"),
        transaction_type: field("vnp_TransactionType"),
        transaction_status: field("vnp_TransactionStatus"),
        order_info: field("vnp_OrderInfo"),
        promotion_code: field("vnp_PromotionCode"),
        promotion_amount: field("vnp_PromotionAmount"),
    })
}

/// Asks VNPay to refund a payment. A refusal (e.g. `95`, the transaction was
/// not successful at VNPay) is [`GatewayError::Rejected`]; an accepted answer
/// must carry a valid checksum.
pub async fn refund(
    client: &reqwest::Client,
    config: &VnpayConfig,
    request: &RefundRequest,
) -> Result<RefundResult, GatewayError> {
    let body = refund_body(config, request)?;
    let answer = post(client, config, &body).await?;
    let field = checked_answer(config, &answer, &REFUND_ANSWER_FIELDS, &request.txn_ref)?;
    Ok(RefundResult {
        response_id: field("vnp_ResponseId"),
        message: field("vnp_Message"),
        txn_ref: field("vnp_TxnRef"),
        amount_vnd: amount_from_wire(&field("vnp_Amount"))?,
        transaction_no: field("vnp_TransactionNo"),
        transaction_type: field("vnp_TransactionType"),
        transaction_status: field("vnp_TransactionStatus"),
    })
}

async fn post(
    client: &reqwest::Client,
    config: &VnpayConfig,
    body: &Value,
) -> Result<Map<String, Value>, GatewayError> {
    let response = client
        .post(&config.api_url)
        .json(body)
        .send()
        .await
        .map_err(GatewayError::transport)?;
    let status = response.status();
    if !status.is_success() {
        return Err(GatewayError::status("VNPay", status));
    }
    let bytes = response.bytes().await.map_err(GatewayError::transport)?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(answer)) => Ok(answer),
        _ => Err(GatewayError::Http(
            "VNPay answered something that is not a JSON object".into(),
        )),
    }
}

/// An answer field as the text VNPay signed: strings as they are, numbers in
/// decimal, absent or null as the empty string.
fn answer_field(answer: &Map<String, Value>, key: &str) -> String {
    match answer.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        Some(Value::Bool(flag)) => flag.to_string(),
        _ => String::new(),
    }
}

fn answer_hash_data(answer: &Map<String, Value>, fields: &[&str]) -> String {
    fields
        .iter()
        .map(|key| answer_field(answer, key))
        .collect::<Vec<_>>()
        .join("|")
}

/// Refusals pass through as [`GatewayError::Rejected`] without a checksum
/// check (it is not known whether VNPay signs them, and a forged refusal can
/// do no harm); an acceptance must be signed and about our `vnp_TxnRef`.
fn checked_answer<'a>(
    config: &VnpayConfig,
    answer: &'a Map<String, Value>,
    fields: &[&str],
    txn_ref: &str,
) -> Result<impl Fn(&str) -> String + 'a, GatewayError> {
    let code = answer_field(answer, "vnp_ResponseCode");
    if code.is_empty() {
        return Err(GatewayError::Malformed(
            "missing field vnp_ResponseCode".into(),
        ));
    }
    if code != "00" {
        return Err(GatewayError::rejected(
            code,
            &answer_field(answer, "vnp_Message"),
        ));
    }
    let received = answer_field(answer, SECURE_HASH);
    if received.is_empty() {
        return Err(GatewayError::Malformed(format!(
            "missing field {SECURE_HASH}"
        )));
    }
    if !checksum_matches(
        &config.hash_secret,
        &answer_hash_data(answer, fields),
        &received,
    ) {
        return Err(GatewayError::BadSignature);
    }
    if answer_field(answer, "vnp_TxnRef") != txn_ref {
        return Err(GatewayError::Malformed(
            "VNPay answered about another vnp_TxnRef".into(),
        ));
    }
    Ok(move |key: &str| answer_field(answer, key))
}

// ---------------------------------------------------------------------------
// The adapter
// ---------------------------------------------------------------------------

/// How long the customer has to pay on VNPay's page.
const EXPIRE_MINUTES: u32 = 15;

/// VNPay wants an IP address with every request: the customer's for a
/// payment, our server's for a query or a refund. A payment is started by the
/// till, not by the customer's device, and there is no address the app could
/// know to be its own from outside, so it sends the loopback address, as
/// VNPay's own demo code does.
const IP_ADDR: &str = "127.0.0.1";

/// The `vnp_CreateDate` of the payment of an attempt recorded at
/// `created_at`, in Unix seconds. Its query and refunds send it back as
/// `vnp_TransactionDate`.
fn create_date(created_at: &str) -> i64 {
    clock::unix_seconds(created_at).unwrap_or_else(now_unix)
}

impl Gateway for VnpayConfig {
    fn provider(&self) -> Provider {
        Provider::VnPay
    }

    fn name(&self) -> &'static str {
        "VNPay"
    }

    /// A signed link to VNPay's payment page; VNPay is not called.
    fn start<'a>(
        &'a self,
        _http: &'a reqwest::Client,
        attempt: &'a Attempt<'a>,
    ) -> GatewayFuture<'a, Handover> {
        Box::pin(async move {
            let request = PaymentRequest {
                txn_ref: attempt.reference.to_owned(),
                amount_vnd: attempt.amount,
                order_info: plain_text(&format!("Thanh toan don {}", attempt.order_number), 255),
                return_url: format!("{}{RETURN_PATH}/vnpay", attempt.required_base_url()?),
                ip_addr: IP_ADDR.into(),
                created_at_unix: create_date(attempt.created_at),
                expire_minutes: EXPIRE_MINUTES,
                locale: Locale::Vn,
                bank_code: None,
            };
            Ok(Handover {
                redirect_url: Some(payment_url(self, &request)?),
                ..Handover::default()
            })
        })
    }

    /// The IPN, a signed query string.
    fn verify(&self, inbound: &Inbound<'_>, _now_unix: i64) -> Result<Verified, GatewayError> {
        let ipn = verify_return(inbound.query, &self.hash_secret)?;
        let txn_id = match ipn
            .transaction_no
            .as_deref()
            .filter(|number| *number != "0")
        {
            Some(number) => number.to_owned(),
            // A payment that failed before VNPay made a transaction has no
            // number; our reference and VNPay's date stand in for it.
            None => format!(
                "{}@{}",
                ipn.txn_ref,
                ipn.pay_date.as_deref().unwrap_or_default()
            ),
        };
        Ok(Verified::Apply(Notice {
            provider: Provider::VnPay,
            txn_id,
            reference: Some(ipn.txn_ref.clone()),
            amount: ipn.amount_vnd,
            currency: "VND".into(),
            succeeded: ipn.is_success(),
            payload: inbound.query.to_owned(),
        }))
    }

    /// A querydr. Its request id is our reference and the second it is
    /// sent, so one attempt can be queried once a second.
    fn query<'a>(
        &'a self,
        http: &'a reqwest::Client,
        attempt: &'a Attempt<'a>,
    ) -> GatewayFuture<'a, RemoteStatus> {
        Box::pin(async move {
            let now = now_unix();
            let request = QueryRequest {
                request_id: format!("{}-{now}", attempt.reference),
                txn_ref: attempt.reference.to_owned(),
                order_info: plain_text(&format!("Truy van don {}", attempt.order_number), 255),
                transaction_no: None,
                transaction_date_unix: create_date(attempt.created_at),
                ip_addr: IP_ADDR.into(),
                now_unix: now,
            };
            let result = querydr(http, self, &request).await?;
            let status = if result.is_paid() {
                AttemptStatus::Succeeded
            } else if result.transaction_status == "01" {
                AttemptStatus::Pending
            } else {
                AttemptStatus::Failed
            };
            Ok(RemoteStatus {
                status,
                amount: Some(result.amount_vnd),
                detail: transaction_status_meaning(&result.transaction_status).to_owned(),
                transaction_id: Some(result.transaction_no)
                    .filter(|no| !no.is_empty() && no != "0"),
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
            let payment = &call.payment;
            let request = RefundRequest {
                request_id: call.reference.to_owned(),
                refund_type: if call.amount == payment.amount {
                    RefundType::Full
                } else {
                    RefundType::Partial
                },
                txn_ref: payment.reference.to_owned(),
                amount_vnd: call.amount,
                transaction_no: Some(call.transaction_id()?.to_owned()),
                transaction_date_unix: create_date(payment.created_at),
                create_by: plain_text(call.actor, 255),
                ip_addr: IP_ADDR.into(),
                order_info: plain_text(&call.description(), 255),
                now_unix: now_unix(),
            };
            let answer = self::refund(http, self, &request).await?;
            Ok(Some(answer.transaction_no).filter(|no| !no.is_empty()))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::http::{header, Method};
    use serde_json::json;

    use super::super::mock::{self, client, Mock};
    use super::*;

    /// The dummy secret of the signing reference's examples V-SC-1..4.
    const SECRET: &str = "TESTSECRETKEY0123456789ABCDEFGHI";
    /// 2024-01-01 12:00:00 in GMT+7.
    const CREATED_AT: i64 = 1_704_085_200;

    fn config() -> VnpayConfig {
        VnpayConfig {
            tmn_code: "DEMO0001".into(),
            hash_secret: SECRET.into(),
            pay_url: SANDBOX_PAY_URL.into(),
            api_url: SANDBOX_API_URL.into(),
        }
    }

    fn payment() -> PaymentRequest {
        PaymentRequest {
            txn_ref: "ORDER123".into(),
            amount_vnd: 100_000,
            order_info: "Thanh toan don hang ORDER123".into(),
            return_url: "https://example.com/vnpay/return".into(),
            ip_addr: "127.0.0.1".into(),
            created_at_unix: CREATED_AT,
            expire_minutes: 15,
            locale: Locale::Vn,
            bank_code: None,
        }
    }

    // V-SC-1
    const PAY_SIGN_DATA: &str = "vnp_Amount=10000000&vnp_Command=pay&vnp_CreateDate=20240101120000&vnp_CurrCode=VND&vnp_ExpireDate=20240101121500&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+ORDER123&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fexample.com%2Fvnpay%2Freturn&vnp_TmnCode=DEMO0001&vnp_TxnRef=ORDER123&vnp_Version=2.1.0";
    const PAY_HASH: &str = "290dfdd1e491cecf0da75b0e997e7657637d9a3b34fbf4f7359a6bd99648a35262e1b127d5c944c4df2e03d5dd32a3cf71150047de3c4108818a1ab86bfa8b7d";
    // V-SC-2
    const IPN_SIGN_DATA: &str = "vnp_Amount=10000000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14226112&vnp_CardType=ATM&vnp_OrderInfo=Thanh+toan+don+hang+ORDER123&vnp_PayDate=20240101120512&vnp_ResponseCode=00&vnp_TmnCode=DEMO0001&vnp_TransactionNo=14226112&vnp_TransactionStatus=00&vnp_TxnRef=ORDER123";
    const IPN_HASH: &str = "9bca734035950f97ed5c415dcb574b6dd83e6b5f7fec15365f075582b913aa587ba7822173886ac24ae9645afe829689f83d4247f81e8318c9c7a236e8af752b";
    // V-SC-3
    const QUERYDR_DATA: &str = "REQ20240101120600|2.1.0|querydr|DEMO0001|ORDER123|20240101120000|20240101120600|127.0.0.1|Truy van GD ORDER123";
    const QUERYDR_HASH: &str = "f6fb8f7111d8e9bd1bb2cfd2fcebfd52d86cdf55666d10cc7de7881c831611b2bae896f0682ca7996972181e1f419f8353af3721b50919a21dfcf2c03ddc04c2";
    // V-SC-4
    const REFUND_DATA: &str = "REF20240102090000|2.1.0|refund|DEMO0001|02|ORDER123|10000000|14226112|20240101120000|admin|20240102090000|127.0.0.1|Hoan tien GD ORDER123";
    const REFUND_HASH: &str = "494ce74c3ad22315c920e1ff1bfe2be86841685fbc2bca3f2b5a1a5953f01eb58c8f7f17d32a48d740869ff0d2e5c185a572404fd5034ea3e2613272911ea62f";

    fn query_request() -> QueryRequest {
        QueryRequest {
            request_id: "REQ20240101120600".into(),
            txn_ref: "ORDER123".into(),
            order_info: "Truy van GD ORDER123".into(),
            transaction_no: None,
            transaction_date_unix: CREATED_AT,
            ip_addr: "127.0.0.1".into(),
            now_unix: CREATED_AT + 6 * 60,
        }
    }

    fn refund_request() -> RefundRequest {
        RefundRequest {
            request_id: "REF20240102090000".into(),
            refund_type: RefundType::Full,
            txn_ref: "ORDER123".into(),
            amount_vnd: 100_000,
            transaction_no: Some("14226112".into()),
            transaction_date_unix: CREATED_AT,
            create_by: "admin".into(),
            ip_addr: "127.0.0.1".into(),
            order_info: "Hoan tien GD ORDER123".into(),
            // 2024-01-02 09:00:00 in GMT+7.
            now_unix: 1_704_160_800,
        }
    }

    fn params_of(query: &str) -> BTreeMap<String, String> {
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn php_urlencode_matches_php() {
        assert_eq!(
            php_urlencode("Thanh toan don hang :5"),
            "Thanh+toan+don+hang+%3A5"
        );
        assert_eq!(php_urlencode("a b*c~d"), "a+b%2Ac%7Ed");
        assert_eq!(php_urlencode("-_.AZaz09"), "-_.AZaz09");
        assert_eq!(
            php_urlencode("#()!'%&=/?+"),
            "%23%28%29%21%27%25%26%3D%2F%3F%2B"
        );
        assert_eq!(php_urlencode("Đơn hàng"), "%C4%90%C6%A1n+h%C3%A0ng");
        assert_eq!(
            php_urlencode("https://domainmerchant.vn/ReturnUrl"),
            "https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
        );
    }

    #[test]
    fn v_sc_1_payment_url() {
        let params = payment_params(&config(), &payment()).unwrap();
        assert_eq!(sign_data(&params), PAY_SIGN_DATA);
        assert_eq!(sign(&params, SECRET), PAY_HASH);
        assert_eq!(
            payment_url(&config(), &payment()).unwrap(),
            format!("{SANDBOX_PAY_URL}?{PAY_SIGN_DATA}&vnp_SecureHash={PAY_HASH}")
        );
    }

    #[test]
    fn payment_url_carries_a_chosen_bank() {
        let request = PaymentRequest {
            bank_code: Some("VNBANK".into()),
            locale: Locale::En,
            ..payment()
        };
        let url = payment_url(&config(), &request).unwrap();
        let (_, query) = url.split_once('?').unwrap();
        let params = params_of(query);
        assert_eq!(params["vnp_BankCode"], "VNBANK");
        assert_eq!(params["vnp_Locale"], "en");
        // What VNPay will check: the hash over everything else.
        assert!(verify_query_hash(query));

        let no_bank = PaymentRequest {
            bank_code: Some(String::new()),
            ..payment()
        };
        assert!(!payment_url(&config(), &no_bank)
            .unwrap()
            .contains("vnp_BankCode"));
    }

    fn verify_query_hash(query: &str) -> bool {
        let mut params = params_of(query);
        let hash = params.remove(SECURE_HASH).unwrap();
        sign(&params, SECRET) == hash
    }

    #[test]
    fn payment_url_refuses_what_vnpay_would_refuse_or_sign_differently() {
        let cases = [
            PaymentRequest {
                amount_vnd: 0,
                ..payment()
            },
            PaymentRequest {
                amount_vnd: -5,
                ..payment()
            },
            PaymentRequest {
                amount_vnd: 10_000_000_000,
                ..payment()
            },
            PaymentRequest {
                amount_vnd: i64::MAX,
                ..payment()
            },
            PaymentRequest {
                order_info: "Thanh toán đơn hàng".into(),
                ..payment()
            },
            PaymentRequest {
                order_info: "Order #5".into(),
                ..payment()
            },
            PaymentRequest {
                order_info: String::new(),
                ..payment()
            },
            PaymentRequest {
                txn_ref: "A*1".into(),
                ..payment()
            },
            PaymentRequest {
                return_url: "x".into(),
                ..payment()
            },
            PaymentRequest {
                expire_minutes: 0,
                ..payment()
            },
            PaymentRequest {
                bank_code: Some("NC".into()),
                ..payment()
            },
        ];
        for request in cases {
            assert!(
                matches!(
                    payment_url(&config(), &request),
                    Err(GatewayError::Malformed(_))
                ),
                "{request:?}"
            );
        }
        let largest = PaymentRequest {
            amount_vnd: 9_999_999_999,
            ..payment()
        };
        assert!(payment_url(&config(), &largest).is_ok());
    }

    #[test]
    fn plain_text_strips_diacritics_and_specials() {
        assert_eq!(
            plain_text("Thanh toán đơn hàng #5", 255),
            "Thanh toan don hang 5"
        );
        assert_eq!(plain_text("ĐẶT BÀN Ở PHỐ CỔ", 255), "DAT BAN O PHO CO");
        assert_eq!(plain_text("  Ưu đãi: 10%!  ", 255), "Uu dai: 10");
        // Decomposed text: "a" followed by a combining acute accent.
        assert_eq!(plain_text("ca\u{0301} phe\u{0302}", 255), "ca phe");
        assert_eq!(plain_text("Thanh toan don hang", 11), "Thanh toan");
        assert!(is_plain_text(&plain_text("Cà phê sữa đá × 2 (to)", 255)));
    }

    #[test]
    fn gmt7_dates() {
        assert_eq!(format_gmt7(CREATED_AT), "20240101120000");
        assert_eq!(format_gmt7(0), "19700101070000");
        // 17:00 UTC on the last day of February of a leap year is already
        // 1 March in Vietnam.
        assert_eq!(format_gmt7(951_843_600), "20000301000000");
        assert_eq!(format_gmt7(-7 * 3600 - 1), "19691231235959");
        assert_eq!(parse_gmt7("20240101120000"), Some(CREATED_AT));
        assert_eq!(parse_gmt7("20240229235959"), Some(1_709_225_999));
        for bad in [
            "20230229000000",
            "20241301000000",
            "20240101240000",
            "2024010112000",
            "2024010112000x",
        ] {
            assert_eq!(parse_gmt7(bad), None, "{bad}");
        }
        // A spread of instants over seven centuries, both ways.
        let mut unix = -11_000_000_000;
        while unix < 11_000_000_000 {
            assert_eq!(parse_gmt7(&format_gmt7(unix)), Some(unix));
            unix += 86_400 * 7 + 3_601;
        }
    }

    #[test]
    fn v_sc_2_ipn() {
        let query = format!("{IPN_SIGN_DATA}&vnp_SecureHash={IPN_HASH}");
        assert_eq!(sign(&params_of(IPN_SIGN_DATA), SECRET), IPN_HASH);
        let notice = verify_return(&query, SECRET).unwrap();
        assert_eq!(
            notice,
            VnpayNotice {
                txn_ref: "ORDER123".into(),
                amount_vnd: 100_000,
                response_code: "00".into(),
                transaction_status: "00".into(),
                transaction_no: Some("14226112".into()),
                tmn_code: Some("DEMO0001".into()),
                bank_code: Some("NCB".into()),
                bank_tran_no: Some("VNP14226112".into()),
                card_type: Some("ATM".into()),
                pay_date: Some("20240101120512".into()),
            }
        );
        assert!(notice.is_success());
        assert_eq!(
            parse_gmt7(notice.pay_date.as_deref().unwrap()),
            Some(CREATED_AT + 5 * 60 + 12)
        );
    }

    #[test]
    fn the_ipn_hash_may_come_first_in_upper_case_with_a_hash_type_and_foreign_params() {
        let query = format!(
            "?vnp_SecureHash={}&vnp_SecureHashType=HmacSHA512&{IPN_SIGN_DATA}&shop=1",
            IPN_HASH.to_uppercase()
        );
        assert_eq!(verify_return(&query, SECRET).unwrap().txn_ref, "ORDER123");
    }

    #[test]
    fn a_tampered_ipn_is_refused() {
        for (from, to) in [
            ("vnp_Amount=10000000", "vnp_Amount=1000000"),
            ("vnp_ResponseCode=00", "vnp_ResponseCode=24"),
            ("vnp_TxnRef=ORDER123", "vnp_TxnRef=ORDER124"),
            ("vnp_OrderInfo=Thanh+toan", "vnp_OrderInfo=Thanh%20toan%21"),
        ] {
            let query = format!("{IPN_SIGN_DATA}&vnp_SecureHash={IPN_HASH}").replace(from, to);
            assert_eq!(
                verify_return(&query, SECRET),
                Err(GatewayError::BadSignature),
                "{to}"
            );
        }
        // `%20` and `+` both decode to a space: the same signed value.
        let query = format!("{IPN_SIGN_DATA}&vnp_SecureHash={IPN_HASH}")
            .replace("Thanh+toan", "Thanh%20toan");
        assert!(verify_return(&query, SECRET).is_ok());
        assert_eq!(
            verify_return(&query, "ANOTHERSECRET"),
            Err(GatewayError::BadSignature)
        );
        let not_hex = format!("{IPN_SIGN_DATA}&vnp_SecureHash=zz");
        assert_eq!(
            verify_return(&not_hex, SECRET),
            Err(GatewayError::BadSignature)
        );
        // Adding a parameter changes what was signed.
        let added = format!("{IPN_SIGN_DATA}&vnp_Extra=1&vnp_SecureHash={IPN_HASH}");
        assert_eq!(
            verify_return(&added, SECRET),
            Err(GatewayError::BadSignature)
        );
    }

    #[test]
    fn missing_or_repeated_fields_are_malformed() {
        assert!(matches!(
            verify_return(IPN_SIGN_DATA, SECRET),
            Err(GatewayError::Malformed(_))
        ));
        let twice = format!("{IPN_SIGN_DATA}&vnp_Amount=10000000&vnp_SecureHash={IPN_HASH}");
        assert!(matches!(
            verify_return(&twice, SECRET),
            Err(GatewayError::Malformed(_))
        ));

        let mut params = params_of(IPN_SIGN_DATA);
        params.remove("vnp_TxnRef");
        let query = format!(
            "{}&vnp_SecureHash={}",
            sign_data(&params),
            sign(&params, SECRET)
        );
        assert_eq!(
            verify_return(&query, SECRET),
            Err(GatewayError::Malformed("missing field vnp_TxnRef".into()))
        );
    }

    #[test]
    fn an_amount_that_is_not_whole_dong_is_malformed() {
        for amount in ["10000050", "abc", "-100"] {
            let mut params = params_of(IPN_SIGN_DATA);
            params.insert("vnp_Amount".into(), amount.into());
            let query = format!(
                "{}&vnp_SecureHash={}",
                sign_data(&params),
                sign(&params, SECRET)
            );
            assert!(
                matches!(
                    verify_return(&query, SECRET),
                    Err(GatewayError::Malformed(_))
                ),
                "{amount}"
            );
        }
    }

    #[test]
    fn empty_values_are_skipped_and_also_tried_included() {
        let mut params = params_of(IPN_SIGN_DATA);
        params.insert("vnp_BankTranNo".into(), String::new());
        // Signed without the empty value (Java, C#, Node samples).
        let query = format!(
            "{}&vnp_BankTranNo=&vnp_SecureHash={}",
            sign_data(&params),
            sign(&params, SECRET)
        );
        assert_eq!(verify_return(&query, SECRET).unwrap().bank_tran_no, None);
        // Signed with it (PHP sample's IPN handler).
        let with_empty = encoded_pairs(&params, true);
        assert!(with_empty.contains("vnp_BankTranNo=&"));
        let query = format!(
            "{with_empty}&vnp_SecureHash={}",
            hmac_sha512_hex(SECRET, &with_empty)
        );
        assert!(verify_return(&query, SECRET).is_ok());
    }

    #[test]
    fn a_failed_payment_is_verified_but_not_a_success() {
        let mut params = params_of(IPN_SIGN_DATA);
        params.insert("vnp_ResponseCode".into(), "24".into());
        params.insert("vnp_TransactionStatus".into(), "02".into());
        params.insert("vnp_TransactionNo".into(), "0".into());
        let query = format!(
            "{}&vnp_SecureHash={}",
            sign_data(&params),
            sign(&params, SECRET)
        );
        let notice = verify_return(&query, SECRET).unwrap();
        assert!(!notice.is_success());
        assert_eq!(
            response_code_meaning(&notice.response_code),
            "customer cancelled"
        );
        assert_eq!(
            transaction_status_meaning(&notice.transaction_status),
            "error"
        );
        // Either code alone is not enough.
        let half = VnpayNotice {
            response_code: "00".into(),
            ..notice
        };
        assert!(!half.is_success());
    }

    #[test]
    fn ipn_replies_are_exact() {
        let bodies = [
            (
                IpnReply::CONFIRM_SUCCESS,
                r#"{"RspCode":"00","Message":"Confirm Success"}"#,
                true,
            ),
            (
                IpnReply::ORDER_NOT_FOUND,
                r#"{"RspCode":"01","Message":"Order not found"}"#,
                false,
            ),
            (
                IpnReply::ALREADY_CONFIRMED,
                r#"{"RspCode":"02","Message":"Order already confirmed"}"#,
                true,
            ),
            (
                IpnReply::INVALID_AMOUNT,
                r#"{"RspCode":"04","Message":"invalid amount"}"#,
                false,
            ),
            (
                IpnReply::INVALID_SIGNATURE,
                r#"{"RspCode":"97","Message":"Invalid signature"}"#,
                false,
            ),
            (
                IpnReply::UNKNOWN_ERROR,
                r#"{"RspCode":"99","Message":"Unknow error"}"#,
                false,
            ),
        ];
        for (reply, body, ends) in bodies {
            assert_eq!(reply.body(), body);
            assert_eq!(reply.ends_retries(), ends, "{body}");
            let parsed: Value = serde_json::from_str(&reply.body()).unwrap();
            assert_eq!(parsed["RspCode"], reply.rsp_code);
        }
        assert_eq!(
            IpnReply::for_error(&GatewayError::BadSignature),
            IpnReply::INVALID_SIGNATURE
        );
        assert_eq!(
            IpnReply::for_error(&GatewayError::Malformed("missing field vnp_TxnRef".into())),
            IpnReply::UNKNOWN_ERROR
        );
    }

    #[test]
    fn v_sc_3_querydr_request() {
        let request = query_request();
        assert_eq!(querydr_hash_data(&config(), &request), QUERYDR_DATA);
        let body = querydr_body(&config(), &request).unwrap();
        assert_eq!(
            body,
            json!({
                "vnp_RequestId": "REQ20240101120600",
                "vnp_Version": "2.1.0",
                "vnp_Command": "querydr",
                "vnp_TmnCode": "DEMO0001",
                "vnp_TxnRef": "ORDER123",
                "vnp_OrderInfo": "Truy van GD ORDER123",
                "vnp_TransactionDate": "20240101120000",
                "vnp_CreateDate": "20240101120600",
                "vnp_IpAddr": "127.0.0.1",
                "vnp_SecureHash": QUERYDR_HASH,
            })
        );
        // The transaction number travels but is not signed.
        let with_no = QueryRequest {
            transaction_no: Some("14226112".into()),
            ..request
        };
        let body = querydr_body(&config(), &with_no).unwrap();
        assert_eq!(body["vnp_TransactionNo"], "14226112");
        assert_eq!(body["vnp_SecureHash"], QUERYDR_HASH);
    }

    #[test]
    fn v_sc_4_refund_request() {
        let request = refund_request();
        assert_eq!(refund_hash_data(&config(), &request).unwrap(), REFUND_DATA);
        let body = refund_body(&config(), &request).unwrap();
        assert_eq!(
            body,
            json!({
                "vnp_RequestId": "REF20240102090000",
                "vnp_Version": "2.1.0",
                "vnp_Command": "refund",
                "vnp_TmnCode": "DEMO0001",
                "vnp_TransactionType": "02",
                "vnp_TxnRef": "ORDER123",
                "vnp_Amount": 10_000_000,
                "vnp_TransactionNo": "14226112",
                "vnp_TransactionDate": "20240101120000",
                "vnp_CreateBy": "admin",
                "vnp_CreateDate": "20240102090000",
                "vnp_IpAddr": "127.0.0.1",
                "vnp_OrderInfo": "Hoan tien GD ORDER123",
                "vnp_SecureHash": REFUND_HASH,
            })
        );
        let unknown_no = RefundRequest {
            transaction_no: None,
            refund_type: RefundType::Partial,
            amount_vnd: 40_000,
            ..refund_request()
        };
        let data = refund_hash_data(&config(), &unknown_no).unwrap();
        assert!(
            data.contains("|03|ORDER123|4000000|0|20240101120000|"),
            "{data}"
        );
        assert_eq!(
            refund_body(&config(), &unknown_no).unwrap()["vnp_TransactionNo"],
            "0"
        );
        let too_much = RefundRequest {
            amount_vnd: i64::MAX,
            ..refund_request()
        };
        assert!(matches!(
            refund_body(&config(), &too_much),
            Err(GatewayError::Malformed(_))
        ));
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
        let config = VnpayConfig::from_lookup(vars(&[
            ("VNPAY_TMN_CODE", "DEMO0001"),
            ("VNPAY_HASH_SECRET", SECRET),
        ]))
        .unwrap();
        assert_eq!(config.pay_url, SANDBOX_PAY_URL);
        assert_eq!(config.api_url, SANDBOX_API_URL);
        assert!(VnpayConfig::from_lookup(vars(&[("VNPAY_TMN_CODE", "DEMO0001")])).is_none());
        assert!(VnpayConfig::from_lookup(vars(&[
            ("VNPAY_TMN_CODE", "DEMO0001"),
            ("VNPAY_HASH_SECRET", " "),
        ]))
        .is_none());
        let chosen = VnpayConfig::from_lookup(vars(&[
            ("VNPAY_TMN_CODE", "DEMO0001"),
            ("VNPAY_HASH_SECRET", SECRET),
            ("VNPAY_PAY_URL", "https://pay.example/vpcpay.html"),
            ("VNPAY_API_URL", "https://api.example/transaction"),
        ]))
        .unwrap();
        assert_eq!(chosen.pay_url, "https://pay.example/vpcpay.html");
        assert_eq!(chosen.api_url, "https://api.example/transaction");
    }

    #[test]
    fn debug_hides_the_secret() {
        let shown = format!("{:?}", config());
        assert!(shown.contains("DEMO0001"));
        assert!(!shown.contains(SECRET));
    }

    // --- against a local stand-in for VNPay's API -------------------------

    /// Serves `answer` with `status` to every request on a loopback port, and
    /// keeps what it was sent.
    async fn mock_vnpay(status: u16, answer: String) -> (VnpayConfig, Arc<Mock>) {
        let (base, mock) = mock::serve(status, answer).await;
        let config = VnpayConfig {
            api_url: format!("{base}/merchant_webapi/api/transaction"),
            ..config()
        };
        (config, mock)
    }

    fn signed_answer(mut answer: Value, fields: &[&str]) -> String {
        let hash = hmac_sha512_hex(
            SECRET,
            &answer_hash_data(answer.as_object().unwrap(), fields),
        );
        answer[SECURE_HASH] = hash.into();
        answer.to_string()
    }

    fn querydr_answer() -> Value {
        json!({
            "vnp_ResponseId": "4f0c1c5a0b3e4a0c",
            "vnp_Command": "querydr",
            "vnp_ResponseCode": "00",
            "vnp_Message": "QueryDR Success",
            "vnp_TmnCode": "DEMO0001",
            "vnp_TxnRef": "ORDER123",
            "vnp_Amount": "10000000",
            "vnp_OrderInfo": "Thanh toan don hang ORDER123",
            "vnp_BankCode": "NCB",
            "vnp_PayDate": "20240101120512",
            "vnp_TransactionNo": "14226112",
            "vnp_TransactionType": "01",
            "vnp_TransactionStatus": "00",
        })
    }

    #[tokio::test]
    async fn querydr_posts_the_signed_json_and_reads_a_signed_answer() {
        let answer = signed_answer(querydr_answer(), &QUERYDR_ANSWER_FIELDS);
        let (config, mock) = mock_vnpay(200, answer).await;

        let result = querydr(&client(), &config, &query_request()).await.unwrap();
        assert_eq!(
            result,
            QueryResult {
                response_id: "4f0c1c5a0b3e4a0c".into(),
                message: "QueryDR Success".into(),
                txn_ref: "ORDER123".into(),
                amount_vnd: 100_000,
                bank_code: "NCB".into(),
                pay_date: "20240101120512".into(),
                transaction_no: "14226112".into(),
                transaction_type: "01".into(),
                transaction_status: "00".into(),
                order_info: "Thanh toan don hang ORDER123".into(),
                promotion_code: String::new(),
                promotion_amount: String::new(),
            }
        );
        assert!(result.is_paid());

        let seen = mock.seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].method, Method::POST);
        assert_eq!(seen[0].path, "/merchant_webapi/api/transaction");
        assert_eq!(seen[0].headers[header::CONTENT_TYPE], "application/json");
        let sent: Value = serde_json::from_slice(&seen[0].body).unwrap();
        assert_eq!(sent, querydr_body(&config, &query_request()).unwrap());
        assert_eq!(sent["vnp_SecureHash"], QUERYDR_HASH);
    }

    #[tokio::test]
    async fn querydr_accepts_numbers_where_vnpay_sends_them() {
        let mut answer = querydr_answer();
        answer["vnp_Amount"] = json!(10_000_000);
        let (config, _mock) = mock_vnpay(200, signed_answer(answer, &QUERYDR_ANSWER_FIELDS)).await;
        let result = querydr(&client(), &config, &query_request()).await.unwrap();
        assert_eq!(result.amount_vnd, 100_000);
    }

    #[tokio::test]
    async fn querydr_refuses_a_tampered_or_unsigned_answer() {
        let mut answer: Value =
            serde_json::from_str(&signed_answer(querydr_answer(), &QUERYDR_ANSWER_FIELDS)).unwrap();
        answer["vnp_TransactionStatus"] = "00".into();
        answer["vnp_Amount"] = "99900000".into();
        let (config, _mock) = mock_vnpay(200, answer.to_string()).await;
        assert_eq!(
            querydr(&client(), &config, &query_request()).await,
            Err(GatewayError::BadSignature)
        );

        let (config, _mock) = mock_vnpay(200, querydr_answer().to_string()).await;
        assert!(matches!(
            querydr(&client(), &config, &query_request()).await,
            Err(GatewayError::Malformed(_))
        ));
    }

    #[tokio::test]
    async fn querydr_about_another_payment_is_malformed() {
        let mut answer = querydr_answer();
        answer["vnp_TxnRef"] = "ORDER999".into();
        let (config, _mock) = mock_vnpay(200, signed_answer(answer, &QUERYDR_ANSWER_FIELDS)).await;
        assert!(matches!(
            querydr(&client(), &config, &query_request()).await,
            Err(GatewayError::Malformed(_))
        ));
    }

    #[tokio::test]
    async fn querydr_refusals_and_failures() {
        let refusal = json!({
            "vnp_ResponseId": "1",
            "vnp_Command": "querydr",
            "vnp_ResponseCode": "91",
            "vnp_Message": "Transaction not found",
        });
        let (config, _mock) = mock_vnpay(200, refusal.to_string()).await;
        assert_eq!(
            querydr(&client(), &config, &query_request()).await,
            Err(GatewayError::Rejected {
                code: "91".into(),
                message: "Transaction not found".into()
            })
        );

        let (config, _mock) = mock_vnpay(500, "oops".into()).await;
        assert_eq!(
            querydr(&client(), &config, &query_request()).await,
            Err(GatewayError::Http("VNPay answered HTTP 500".into()))
        );

        let (config, _mock) = mock_vnpay(200, "<html>maintenance</html>".into()).await;
        assert!(matches!(
            querydr(&client(), &config, &query_request()).await,
            Err(GatewayError::Http(_))
        ));

        // Nobody listens on this port any more.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        let closed = VnpayConfig {
            api_url: format!("http://{address}/merchant_webapi/api/transaction"),
            ..self::config()
        };
        let err = querydr(&client(), &closed, &query_request())
            .await
            .unwrap_err();
        assert_eq!(err, GatewayError::Http("could not connect".into()));
        assert!(!err.to_string().contains(&address.to_string()));
    }

    #[tokio::test]
    async fn refund_posts_the_signed_json_and_reads_a_signed_answer() {
        let answer = json!({
            "vnp_ResponseId": "9a8b7c",
            "vnp_Command": "refund",
            "vnp_ResponseCode": "00",
            "vnp_Message": "Refund success",
            "vnp_TmnCode": "DEMO0001",
            "vnp_TxnRef": "ORDER123",
            "vnp_Amount": "10000000",
            "vnp_OrderInfo": "Hoan tien GD ORDER123",
            "vnp_BankCode": "NCB",
            "vnp_PayDate": "20240102090003",
            "vnp_TransactionNo": "14226199",
            "vnp_TransactionType": "02",
            "vnp_TransactionStatus": "05",
        });
        let (config, mock) = mock_vnpay(200, signed_answer(answer, &REFUND_ANSWER_FIELDS)).await;

        let result = refund(&client(), &config, &refund_request()).await.unwrap();
        assert_eq!(
            result,
            RefundResult {
                response_id: "9a8b7c".into(),
                message: "Refund success".into(),
                txn_ref: "ORDER123".into(),
                amount_vnd: 100_000,
                transaction_no: "14226199".into(),
                transaction_type: "02".into(),
                transaction_status: "05".into(),
            }
        );

        let seen = mock.seen.lock().unwrap();
        assert_eq!(seen[0].path, "/merchant_webapi/api/transaction");
        let sent: Value = serde_json::from_slice(&seen[0].body).unwrap();
        assert_eq!(sent["vnp_SecureHash"], REFUND_HASH);
        assert_eq!(sent["vnp_Amount"], 10_000_000);
        assert_eq!(sent["vnp_Command"], "refund");
    }

    #[tokio::test]
    async fn a_refused_refund_is_rejected() {
        let refusal = json!({
            "vnp_ResponseCode": "95",
            "vnp_Message": "Giao dich khong thanh cong\ntai VNPAY",
        });
        let (config, _mock) = mock_vnpay(200, refusal.to_string()).await;
        assert_eq!(
            refund(&client(), &config, &refund_request()).await,
            Err(GatewayError::Rejected {
                code: "95".into(),
                message: "Giao dich khong thanh cong tai VNPAY".into()
            })
        );
    }

    // --- the adapter ---------------------------------------------------------

    /// The attempt of the querydr examples, recorded at [`CREATED_AT`].
    fn attempt() -> Attempt<'static> {
        Attempt {
            reference: "ORDER123",
            amount: 100_000,
            order_number: "DH000123",
            created_at: "2024-01-01T05:00:00Z",
            public_base_url: None,
        }
    }

    #[tokio::test]
    async fn the_adapter_queries_the_payment_on_the_date_it_was_created() {
        let answer = signed_answer(querydr_answer(), &QUERYDR_ANSWER_FIELDS);
        let (config, mock) = mock_vnpay(200, answer).await;

        let status = config.query(&client(), &attempt()).await.unwrap();
        assert_eq!(
            status,
            RemoteStatus {
                status: AttemptStatus::Succeeded,
                amount: Some(100_000),
                transaction_id: Some("14226112".into()),
                detail: "success".into(),
            }
        );

        let seen = mock.seen.lock().unwrap();
        let sent: Value = serde_json::from_slice(&seen[0].body).unwrap();
        assert_eq!(sent["vnp_TxnRef"], "ORDER123");
        assert_eq!(sent["vnp_TransactionDate"], format_gmt7(CREATED_AT));
        assert_eq!(sent["vnp_OrderInfo"], "Truy van don DH000123");
        let request_id = sent["vnp_RequestId"].as_str().unwrap();
        assert!(request_id.starts_with("ORDER123-"), "{request_id}");
    }

    #[tokio::test]
    async fn the_adapter_reads_a_payment_not_completed_as_pending() {
        let mut answer = querydr_answer();
        answer["vnp_TransactionStatus"] = "01".into();
        answer["vnp_TransactionNo"] = "0".into();
        let answer = signed_answer(answer, &QUERYDR_ANSWER_FIELDS);
        let (config, _mock) = mock_vnpay(200, answer).await;

        let status = config.query(&client(), &attempt()).await.unwrap();
        assert_eq!(status.status, AttemptStatus::Pending);
        assert_eq!(status.transaction_id, None);
        assert_eq!(status.detail, "not completed");
    }
}
