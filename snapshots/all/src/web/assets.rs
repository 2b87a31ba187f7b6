//! Static files compiled into the binary, because shops often sit on poor
//! networks and a till must work without reaching a CDN.

use std::sync::LazyLock;

use axum::{
    extract::Path,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

use crate::AppState;

/// Name, content type and bytes of each served file.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/app.js"),
    ),
    (
        "pos.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/pos.js"),
    ),
    (
        "receipt.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/receipt.js"),
    ),
    (
        "notifications.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/notifications.js"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/htmx.min.js"),
    ),
];

/// A fingerprint of all the files, put in asset URLs as `?v=`. Browsers may
/// then keep a file for a year: a new build with different files changes the
/// URL, so nobody is left with a stale script at the till.
pub static VERSION: LazyLock<String> = LazyLock::new(|| {
    // FNV-1a: tiny, and collisions only matter between two builds of one app.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (_, _, bytes) in FILES {
        for byte in *bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
});

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{name}", get(serve))
}

async fn serve(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
