//! Errors returned by the Pancake POS client.
//!
//! No variant ever holds the API key: transport errors are stripped of their URL
//! (the key travels in the query string) and every text taken from a response is
//! redacted before it is stored.

use reqwest::StatusCode;

/// What stands in for the API key wherever it would otherwise appear.
pub(crate) const REDACTED: &str = "[redacted]";

/// Upper bound on how much response text ends up in an error message.
const MAX_RESPONSE_TEXT: usize = 300;

/// Everything that can go wrong when talking to Pancake POS.
#[derive(Debug, thiserror::Error)]
pub enum PancakeError {
    /// `POS_API_KEY` is missing or blank.
    #[error("Pancake POS is not configured: set POS_API_KEY")]
    NotConfigured,

    /// A shop-scoped call without `SHOP_ID`.
    #[error(
        "no Pancake shop chosen: set SHOP_ID (`pancake shops` lists the shops the key reaches)"
    )]
    ShopNotConfigured,

    /// A write without the operator's confirmation.
    #[error("write operation blocked: set CONFIRM_WRITE=YES to proceed")]
    WriteNotConfirmed,

    /// A write to a shop outside `POS_ALLOWED_SHOPS`.
    #[error("writes to shop {shop} are not allowed (POS_ALLOWED_SHOPS)")]
    ShopNotAllowed { shop: i64 },

    /// A write to a path outside any shop while `POS_ALLOWED_SHOPS` is set.
    #[error("writes outside an allowed shop are refused (POS_ALLOWED_SHOPS): {path}")]
    OutsideAllowedShops { path: String },

    /// The GET after a write shows the change did not happen as asked.
    #[error("Pancake POS did not apply the change: {reason}")]
    NotVerified { reason: String },

    /// A list longer than the caller was prepared to read.
    #[error("the list goes on beyond {max_pages} pages; narrow the search")]
    TooManyPages { max_pages: u32 },

    /// The configuration cannot work, e.g. a base URL that is not http(s).
    #[error("invalid Pancake POS configuration: {0}")]
    InvalidConfig(String),

    /// The request never produced a complete response (connect, timeout, body read).
    #[error("could not reach Pancake POS ({kind})")]
    Transport {
        kind: &'static str,
        #[source]
        source: reqwest::Error,
    },

    /// Pancake answered with a non-2xx status.
    #[error("Pancake POS answered HTTP {status}: {message}")]
    Status { status: StatusCode, message: String },

    /// Pancake answered 2xx but with `success: false`.
    #[error("Pancake POS rejected the request: {message}")]
    Rejected { message: String },

    /// The body was not the JSON shape we expect.
    #[error("unexpected response from Pancake POS: {0}")]
    Decode(String),
}

impl PancakeError {
    /// Wraps a reqwest error, dropping the URL because it carries `api_key`.
    pub(crate) fn transport(error: reqwest::Error) -> Self {
        let kind = if error.is_timeout() {
            "timed out"
        } else if error.is_connect() {
            "connection failed"
        } else {
            "request failed"
        };
        PancakeError::Transport {
            kind,
            source: error.without_url(),
        }
    }

    /// Redacts `secret` from every text this error took from a response (in
    /// case Pancake echoes the request URL back), then bounds its length.
    /// Redacting first matters: a cut through the key would leak its prefix.
    pub(crate) fn sanitized(self, secret: &str) -> Self {
        // The key travels in the query string, form-encoded: an echoed URL
        // shows it that way (`+` as `%2B`), so both spellings are redacted.
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let clean = |text: String| {
            let text = if secret.is_empty() {
                text
            } else {
                text.replace(secret, REDACTED).replace(&encoded, REDACTED)
            };
            truncate(text)
        };
        match self {
            PancakeError::Status { status, message } => PancakeError::Status {
                status,
                message: clean(message),
            },
            PancakeError::Rejected { message } => PancakeError::Rejected {
                message: clean(message),
            },
            PancakeError::Decode(message) => PancakeError::Decode(clean(message)),
            other => other,
        }
    }
}

fn truncate(text: String) -> String {
    match text.char_indices().nth(MAX_RESPONSE_TEXT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
