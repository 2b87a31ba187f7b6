//! The till screen. The page is a shell; `assets/pos.js` keeps the cart in
//! the browser and checks out through the JSON API, so the server prices
//! every order itself.

use axum::{extract::State, routing::get, Router};

use super::{layout::Chrome, ok, PageResult};
use crate::{payments::till::TillMethods, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/pos", get(show))
}

#[derive(askama::Template)]
#[template(path = "pos.html")]
struct PosPage {
    c: Chrome,
    /// The gateways the customer may pay through besides cash.
    payments: TillMethods,
}

async fn show(c: Chrome, State(state): State<AppState>) -> PageResult {
    let payments = TillMethods::new(&state.payments, c.lang);
    ok(&PosPage { c, payments })
}
