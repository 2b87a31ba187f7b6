//! The till screen. The page is a shell; `assets/pos.js` keeps the cart in
//! the browser and checks out through the JSON API, so the server prices
//! every order itself.

use axum::{extract::State, routing::get, Router};

use super::{layout::Chrome, ok, PageResult};
use crate::payments::till::TillMethods;
use crate::warehouses::{self, model::WarehouseDetail};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/pos", get(show))
}

#[derive(askama::Template)]
#[template(path = "pos.html")]
struct PosPage {
    c: Chrome,
    /// The gateways the customer may pay through besides cash.
    payments: TillMethods,
    /// The open warehouses the till may sell from.
    warehouses: Vec<WarehouseDetail>,
}

async fn show(c: Chrome, State(state): State<AppState>) -> PageResult {
    let payments = TillMethods::new(&state.payments, c.lang);
    let warehouses = warehouses::service::list(&state.db)
        .await
        .map_err(|err| c.error(err))?
        .into_iter()
        .filter(|warehouse| warehouse.active)
        .collect();
    ok(&PosPage {
        c,
        payments,
        warehouses,
    })
}
