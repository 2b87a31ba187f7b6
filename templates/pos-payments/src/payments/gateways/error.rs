//! The one error type of the payment gateway adapters.
//!
//! Every message is a single line that is safe to show to staff or write to a
//! log: none of them ever carries a key, a secret or a signature. Text that
//! comes from a provider (its error message) is flattened to one line and cut
//! to a sensible length before it is stored here.

/// What went wrong while talking to a payment provider or checking one of its
/// notifications.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The signature or checksum does not match the message: the message was
    /// not sent by the provider, or was changed on the way.
    #[error("the payment provider's signature does not match")]
    BadSignature,
    /// The signed timestamp is outside the accepted window, so the message may
    /// be a replay. `age_seconds` is now minus the timestamp.
    #[error("the signed timestamp is {age_seconds} seconds old, outside the accepted window")]
    Stale { age_seconds: i64 },
    /// A field is missing or cannot be read, or a value we were asked to send
    /// is not acceptable to the provider.
    #[error("malformed payment message: {0}")]
    Malformed(String),
    /// The provider could not be reached, or answered something that is not
    /// its API's answer.
    #[error("payment provider unreachable: {0}")]
    Http(String),
    /// The provider answered, and refused: `code` is its own result code.
    #[error("the payment provider refused the request ({code}): {message}")]
    Rejected { code: String, message: String },
    /// The provider has no API for what was asked, e.g. SePay for refunds:
    /// it only watches the shop's account.
    #[error("{provider} does not offer {what}")]
    NotOffered {
        provider: &'static str,
        what: &'static str,
    },
}

/// The longest provider message kept in [`GatewayError::Rejected`].
const MAX_MESSAGE_CHARS: usize = 200;

impl GatewayError {
    /// A refusal from the provider, with its message made one short line.
    pub(super) fn rejected(code: impl Into<String>, message: &str) -> Self {
        GatewayError::Rejected {
            code: one_line(&code.into()),
            message: one_line(message),
        }
    }

    /// A transport failure. reqwest's own text names the URL; it is dropped
    /// here so that nothing about the request but its kind reaches a log.
    pub(super) fn transport(err: reqwest::Error) -> Self {
        let kind = if err.is_timeout() {
            "the request timed out"
        } else if err.is_connect() {
            "could not connect"
        } else if err.is_decode() || err.is_body() {
            "could not read the answer"
        } else {
            "the request failed"
        };
        GatewayError::Http(kind.to_owned())
    }

    /// An answer whose HTTP status says it is not the API's answer.
    pub(super) fn status(provider: &str, status: reqwest::StatusCode) -> Self {
        GatewayError::Http(format!("{provider} answered HTTP {}", status.as_u16()))
    }
}

/// Collapses every run of whitespace or control characters to one space and
/// keeps at most [`MAX_MESSAGE_CHARS`] characters.
fn one_line(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    match out.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => {
            out.truncate(cut);
            out.push('…');
            out
        }
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_messages_become_one_short_line() {
        let err = GatewayError::rejected("13", "Merchant\nauthentication\t\tfailed \r\n");
        assert_eq!(
            err,
            GatewayError::Rejected {
                code: "13".into(),
                message: "Merchant authentication failed".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "the payment provider refused the request (13): Merchant authentication failed"
        );

        let long = "é".repeat(500);
        let GatewayError::Rejected { message, .. } = GatewayError::rejected("99", &long) else {
            unreachable!()
        };
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(message.ends_with('…'));
    }

    #[test]
    fn every_message_is_one_line() {
        let errors = [
            GatewayError::BadSignature,
            GatewayError::Stale { age_seconds: 301 },
            GatewayError::Malformed("missing field vnp_TxnRef".into()),
            GatewayError::Http("could not connect".into()),
            GatewayError::rejected("91", "not\nfound"),
            GatewayError::NotOffered {
                provider: "SePay",
                what: "refunds",
            },
        ];
        for err in errors {
            assert!(!err.to_string().contains('\n'), "{err}");
        }
    }
}
