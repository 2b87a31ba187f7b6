//! The till screen. The page is a shell; `assets/pos.js` keeps the cart in
//! the browser and checks out through the JSON API, so the server prices
//! every order itself.

use axum::{routing::get, Router};

use super::{layout::Chrome, ok, PageResult};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/pos", get(show))
}

#[derive(askama::Template)]
#[template(path = "pos.html")]
struct PosPage {
    c: Chrome,
}

async fn show(c: Chrome) -> PageResult {
    ok(&PosPage { c })
}
