//! What the HTTP providers share: one way to build their client, and one
//! reading of a failed request as a [`SendError`].

use std::{error::Error as _, time::Duration};

use anyhow::Context;
use reqwest::{Client, RequestBuilder, Response, StatusCode};

use super::SendError;

/// How long to wait for a provider to accept a connection: a provider that
/// takes longer is down, and the delivery is better retried later.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a whole request may take, so a stalled provider cannot hold a
/// notification worker forever.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// How much of a provider's answer an error keeps: enough to tell what went
/// wrong, short enough for a log line and the deliveries page.
const EXCERPT_CHARS: usize = 200;

/// The client every HTTP provider sends with.
pub(super) fn client() -> anyhow::Result<Client> {
    Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!(
            env!("CARGO_PKG_NAME"),
            "/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .context("cannot build the HTTP client for notification providers")
}

/// Why a request to a provider did not succeed.
#[derive(Debug)]
pub(super) enum Failure {
    /// No answer: the connection failed or timed out.
    Unreachable(String),
    /// An answer with a status other than 2xx.
    Rejected { status: StatusCode, body: String },
}

impl Failure {
    /// The usual reading of a failure: the network, a timeout, 408, 429 and
    /// 5xx are worth retrying; any other answer would be refused again.
    pub(super) fn into_send_error(self, provider: &str) -> SendError {
        match self {
            Self::Unreachable(reason) => SendError::Retry(format!("{provider}: {reason}")),
            Self::Rejected { status, body } => {
                let reason = rejection(provider, status, &body);
                if is_transient(status) {
                    SendError::Retry(reason)
                } else {
                    SendError::Refused(reason)
                }
            }
        }
    }
}

/// Sends `request`; only a 2xx answer is `Ok`.
pub(super) async fn send(request: RequestBuilder) -> Result<Response, Failure> {
    let response = request.send().await.map_err(unreachable)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    // A body that cannot be read still leaves the status to go by.
    let body = response.text().await.unwrap_or_default();
    Err(Failure::Rejected { status, body })
}

/// The text of an error for an answer with `status`: the status and the
/// start of what the provider said, on one line.
pub(super) fn rejection(provider: &str, status: StatusCode, body: &str) -> String {
    let excerpt = excerpt(body);
    if excerpt.is_empty() {
        format!("{provider} answered {status}")
    } else {
        format!("{provider} answered {status}: {excerpt}")
    }
}

fn is_transient(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

/// Describes a request that got no answer. The URL is left out: the error
/// is shown to people, and a URL says more about the setup than they need.
fn unreachable(error: reqwest::Error) -> Failure {
    if error.is_timeout() {
        return Failure::Unreachable("no answer in time".to_owned());
    }
    // reqwest's own message is generic ("error sending request"); the cause
    // (refused, DNS, TLS) is further down the chain.
    let error = error.without_url();
    let mut reason = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    Failure::Unreachable(reason)
}

/// The first [`EXCERPT_CHARS`] characters of `body` with its whitespace
/// collapsed, so a pretty-printed JSON error stays on one line.
fn excerpt(body: &str) -> String {
    let words = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match words.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &words[..end]),
        None => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_one_short_line() {
        assert_eq!(
            excerpt("{\n  \"error\": \"bad\"\n}\n"),
            "{ \"error\": \"bad\" }"
        );
        let long = "đ".repeat(EXCERPT_CHARS + 10);
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn transient_statuses_are_retried_and_others_refused() {
        for status in [408, 429, 500, 503] {
            let failure = Failure::Rejected {
                status: StatusCode::from_u16(status).unwrap(),
                body: String::new(),
            };
            assert!(matches!(failure.into_send_error("p"), SendError::Retry(_)));
        }
        for status in [400, 401, 403, 404, 422] {
            let failure = Failure::Rejected {
                status: StatusCode::from_u16(status).unwrap(),
                body: "{\"message\": \"no\"}".to_owned(),
            };
            let error = failure.into_send_error("p");
            assert!(matches!(error, SendError::Refused(_)), "{status}");
            assert!(error.to_string().contains("\"no\""), "{error}");
        }
    }
}
