//! Request ids: every request carries an `x-request-id`, taken from the
//! client or a proxy when it sends a usable one and generated otherwise. The
//! id is returned in the response and recorded on the request's tracing span,
//! so every log line of a request can be found from the id a client reports.

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue},
};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tracing::Span;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id accepted from a client. UUIDs and the ids of common proxies are
/// far shorter; anything longer would only bloat every log line.
const MAX_CLIENT_ID_LEN: usize = 128;

/// Adds a random UUID v4 id to requests that arrive without one. UUIDs need
/// no coordination to be unique across instances and restarts.
pub fn set_layer() -> SetRequestIdLayer<MakeRequestUuid> {
    SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid)
}

/// Copies the request's id onto its response.
pub fn propagate_layer() -> PropagateRequestIdLayer {
    PropagateRequestIdLayer::new(REQUEST_ID_HEADER)
}

/// Middleware that removes a client-supplied id unfit for logs (empty, too
/// long, or with spaces or non-ASCII bytes), so a fresh one replaces it.
pub async fn drop_unusable(mut request: Request) -> Request {
    let usable = request
        .headers()
        .get(&REQUEST_ID_HEADER)
        .is_none_or(is_usable);
    if !usable {
        request.headers_mut().remove(&REQUEST_ID_HEADER);
    }
    request
}

/// The tracing span of one request. Every event logged while the request is
/// handled is inside it, so each log line carries the request id.
pub fn request_span(request: &Request) -> Span {
    let request_id = request
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|id| id.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        uri = %request.uri(),
        version = ?request.version(),
        request_id = %request_id,
    )
}

fn is_usable(id: &HeaderValue) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty() && bytes.len() <= MAX_CLIENT_ID_LEN && bytes.iter().all(u8::is_ascii_graphic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_ids() {
        for id in [
            "abc",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            &"x".repeat(128),
        ] {
            assert!(is_usable(&HeaderValue::from_str(id).unwrap()), "{id}");
        }
    }

    #[test]
    fn unusable_ids() {
        let too_long = "x".repeat(129);
        for id in ["", "has space", too_long.as_str()] {
            assert!(!is_usable(&HeaderValue::from_str(id).unwrap()), "{id:?}");
        }
        let non_ascii = HeaderValue::from_bytes("café".as_bytes()).unwrap();
        assert!(!is_usable(&non_ascii));
    }
}
