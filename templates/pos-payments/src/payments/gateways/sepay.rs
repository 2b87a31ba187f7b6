//! SePay: bank transfers to the shop's own account, announced by webhook.
//!
//! The customer scans a VietQR code (built by [`crate::payments::vietqr`])
//! whose transfer content is our payment code; SePay watches the account and
//! POSTs each incoming transfer. Facts from SePay's developer documentation:
//! the JSON payload and its fields, `Authorization: Apikey <key>`, the
//! `{"success": true}` answer with a 2xx status, retries of the same `id`, and
//! the checks to make (amount, account, code, `transferType == "in"`). The
//! HMAC scheme (`X-SePay-Signature: sha256=<hex>` over `"{timestamp}.{body}"`,
//! timestamp within five minutes) is what independent implementations agree
//! on; SePay's page does not spell out the signed string, so it is used only
//! when `SEPAY_WEBHOOK_SECRET` is set.

use std::fmt;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::{error::GatewayError, Attempt, Gateway, GatewayFuture, Handover, Inbound, Verified};
use crate::payments::{
    model::Provider,
    settle::Notice,
    vietqr::{self, Transfer},
};

/// How far a signed webhook's timestamp may be from now.
pub const TOLERANCE_SECONDS: i64 = 5 * 60;

/// Our payment codes: this prefix and at least six digits, e.g. `PC000042`.
/// Set SePay's "payment code structure" to the same, so it fills `code`.
pub const CODE_PREFIX: &str = "PC";

#[derive(Clone)]
pub struct SepayConfig {
    /// Checked against `Authorization: Apikey …` on every webhook.
    pub api_key: String,
    /// The receiving bank's NAPAS BIN, for the VietQR code.
    pub bank_bin: String,
    pub account_number: String,
    /// When set, webhooks must also carry a valid HMAC signature.
    pub webhook_secret: Option<String>,
}

impl fmt::Debug for SepayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SepayConfig")
            .field("api_key", &"[redacted]")
            .field("bank_bin", &self.bank_bin)
            .field("account_number", &self.account_number)
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl SepayConfig {
    /// Reads `SEPAY_API_KEY`, `SEPAY_BANK_CODE` (the NAPAS BIN) and
    /// `SEPAY_ACCOUNT_NUMBER`, plus the optional `SEPAY_WEBHOOK_SECRET`.
    /// `None` when any of the three is missing: bank transfer is not offered.
    pub fn from_env() -> Option<Self> {
        let read = super::env_setting;
        Some(Self {
            api_key: read("SEPAY_API_KEY")?,
            bank_bin: read("SEPAY_BANK_CODE")?,
            account_number: read("SEPAY_ACCOUNT_NUMBER")?,
            webhook_secret: read("SEPAY_WEBHOOK_SECRET"),
        })
    }
}

/// The webhook's JSON body, as SePay documents it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SepayWebhook {
    /// SePay's transaction id: the same for every retry.
    pub id: i64,
    pub gateway: Option<String>,
    pub transaction_date: Option<String>,
    pub account_number: Option<String>,
    /// The payment code SePay found in the content, if its structure is set.
    pub code: Option<String>,
    #[serde(default)]
    pub content: String,
    /// `in` for money received, `out` for money sent.
    pub transfer_type: String,
    /// Whole đồng.
    pub transfer_amount: i64,
    pub reference_code: Option<String>,
}

impl SepayWebhook {
    /// Our payment code in this transfer: SePay's `code` when it found one,
    /// else the first `PC` followed by six or more digits in the content
    /// (banks may upper- or lower-case it and glue words around it).
    pub fn payment_code(&self) -> Option<String> {
        if let Some(code) = self.code.as_deref().filter(|code| !code.is_empty()) {
            return Some(code.to_ascii_uppercase());
        }
        let upper = self.content.to_ascii_uppercase();
        let bytes = upper.as_bytes();
        (0..bytes.len()).find_map(|start| {
            let rest = upper.get(start..)?.strip_prefix(CODE_PREFIX)?;
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            (digits >= 6).then(|| format!("{CODE_PREFIX}{}", &rest[..digits]))
        })
    }
}

/// Checks that a webhook comes from SePay: the API key always, and the HMAC
/// signature with a fresh timestamp when a webhook secret is configured.
pub fn authenticate(
    config: &SepayConfig,
    authorization: Option<&str>,
    signature: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), GatewayError> {
    let given = authorization
        .and_then(|value| value.strip_prefix("Apikey "))
        .unwrap_or_default();
    if !constant_time_eq(given.trim().as_bytes(), config.api_key.as_bytes()) {
        return Err(GatewayError::BadSignature);
    }
    let Some(secret) = &config.webhook_secret else {
        return Ok(());
    };
    let timestamp: i64 = timestamp
        .and_then(|value| value.trim().parse().ok())
        .ok_or(GatewayError::BadSignature)?;
    let age = now_unix - timestamp;
    if age.abs() > TOLERANCE_SECONDS {
        return Err(GatewayError::Stale { age_seconds: age });
    }
    let expected = signature
        .and_then(|value| value.trim().strip_prefix("sha256="))
        .and_then(|hex| hex::decode(hex).ok())
        .ok_or(GatewayError::BadSignature)?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| GatewayError::BadSignature)
}

/// Parses the body once it is authenticated.
pub fn parse(body: &[u8]) -> Result<SepayWebhook, GatewayError> {
    serde_json::from_slice(body).map_err(|err| GatewayError::Malformed(err.to_string()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    // Comparing MACs of both sides keeps the time independent of where they differ.
    let key = b"sepay api key comparison";
    let mac = |bytes: &[u8]| {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
        mac.update(bytes);
        mac.finalize().into_bytes()
    };
    mac(a) == mac(b)
}

// ---------------------------------------------------------------------------
// The adapter
// ---------------------------------------------------------------------------

impl SepayConfig {
    /// The VietQR payload of a transfer of `amount` to the shop's account,
    /// with our payment code `reference` as its content.
    pub fn qr_payload(&self, amount: i64, reference: &str) -> String {
        vietqr::payload(&Transfer {
            bank_bin: &self.bank_bin,
            account_number: &self.account_number,
            amount,
            content: reference,
        })
    }
}

/// SePay only watches the shop's account: a payment is started without
/// calling it, and it cannot be queried nor send money back.
impl Gateway for SepayConfig {
    fn provider(&self) -> Provider {
        Provider::VietQr
    }

    fn name(&self) -> &'static str {
        "SePay"
    }

    /// The VietQR code the customer scans to transfer to the shop's account.
    fn start<'a>(
        &'a self,
        _http: &'a reqwest::Client,
        attempt: &'a Attempt<'a>,
    ) -> GatewayFuture<'a, Handover> {
        let handover = Handover {
            qr_data: Some(self.qr_payload(attempt.amount, attempt.reference)),
            ..Handover::default()
        };
        Box::pin(std::future::ready(Ok(handover)))
    }

    fn verify(&self, inbound: &Inbound<'_>, now_unix: i64) -> Result<Verified, GatewayError> {
        authenticate(
            self,
            inbound.header("authorization"),
            inbound.header("x-sepay-signature"),
            inbound.header("x-sepay-timestamp"),
            inbound.body,
            now_unix,
        )?;
        let webhook = parse(inbound.body)?;
        // Money leaving the account, or arriving in another account SePay
        // watches, is none of the till's business.
        if webhook.transfer_type != "in" {
            return Ok(Verified::Ignore(format!(
                "transfer {} leaves the account",
                webhook.id
            )));
        }
        let ours = webhook
            .account_number
            .as_deref()
            .is_none_or(|account| account == self.account_number);
        if !ours {
            return Ok(Verified::Ignore(format!(
                "transfer {} is to another account",
                webhook.id
            )));
        }
        Ok(Verified::Apply(Notice {
            provider: Provider::VietQr,
            txn_id: webhook.id.to_string(),
            reference: webhook.payment_code(),
            amount: webhook.transfer_amount,
            currency: "VND".into(),
            succeeded: true,
            payload: String::from_utf8_lossy(inbound.body).into_owned(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SePay's webhook example with a payment code (the spec's P-SC-1 body).
    const BODY: &str = r#"{"id":92704,"gateway":"Vietcombank","transactionDate":"2023-03-25 14:02:37","accountNumber":"0123499999","code":"DH12345","content":"DH12345 chuyen tien","transferType":"in","transferAmount":100000,"accumulated":19077000,"subAccount":null,"referenceCode":"MBVCB.3278907687","description":""}"#;

    fn config(secret: Option<&str>) -> SepayConfig {
        SepayConfig {
            api_key: "key-123".into(),
            bank_bin: "970436".into(),
            account_number: "0123499999".into(),
            webhook_secret: secret.map(str::to_owned),
        }
    }

    #[test]
    fn the_api_key_must_match() {
        let body = BODY.as_bytes();
        assert!(authenticate(&config(None), Some("Apikey key-123"), None, None, body, 0).is_ok());
        for wrong in [
            None,
            Some("Apikey key-124"),
            Some("Bearer key-123"),
            Some("Apikey "),
        ] {
            assert!(matches!(
                authenticate(&config(None), wrong, None, None, body, 0),
                Err(GatewayError::BadSignature)
            ));
        }
    }

    #[test]
    fn the_worked_hmac_example_verifies() {
        // P-SC-1: secret sepay_test_secret, timestamp 1700000000.
        let signature = "sha256=c0ad861b5f6e9a018672c84eed46098b80c130efd58aec3fca2f95db5e6d5dea";
        let config = config(Some("sepay_test_secret"));
        let key = Some("Apikey key-123");
        let check = |signature: &str, timestamp: &str, now: i64, body: &str| {
            authenticate(
                &config,
                key,
                Some(signature),
                Some(timestamp),
                body.as_bytes(),
                now,
            )
        };
        assert!(check(signature, "1700000000", 1_700_000_100, BODY).is_ok());
        let tampered = BODY.replace("100000", "900000");
        assert!(matches!(
            check(signature, "1700000000", 1_700_000_100, &tampered),
            Err(GatewayError::BadSignature)
        ));
        assert!(matches!(
            check(signature, "1700000000", 1_700_000_000 + 301, BODY),
            Err(GatewayError::Stale { age_seconds: 301 })
        ));
        assert!(matches!(
            check("sha256=zz", "1700000000", 1_700_000_000, BODY),
            Err(GatewayError::BadSignature)
        ));
    }

    #[test]
    fn the_payment_code_comes_from_code_or_content() {
        let mut webhook = parse(BODY.as_bytes()).unwrap();
        assert_eq!(webhook.transfer_amount, 100_000);
        assert_eq!(webhook.payment_code().as_deref(), Some("DH12345"));
        webhook.code = None;
        webhook.content = "MBVCB.123.pc000042.CT tu 0123 toi 0456".into();
        assert_eq!(webhook.payment_code().as_deref(), Some("PC000042"));
        webhook.content = "chuyen tien PC12".into();
        assert_eq!(webhook.payment_code(), None);
    }

    #[tokio::test]
    async fn sepay_is_neither_queried_nor_asked_for_refunds() {
        let config = config(None);
        let attempt = Attempt {
            reference: "PC000042",
            amount: 100_000,
            order_number: "DH000042",
            created_at: "2024-01-01T05:00:00Z",
            public_base_url: None,
        };
        assert!(!config.refunds());
        let err = config
            .query(&reqwest::Client::new(), &attempt)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            GatewayError::NotOffered {
                provider: "SePay",
                what: "status queries"
            }
        );
        assert_eq!(err.to_string(), "SePay does not offer status queries");
    }
}
