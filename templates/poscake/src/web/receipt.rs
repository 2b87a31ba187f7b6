//! The printable receipt of an order, sized for 80 mm thermal paper.

use std::borrow::Borrow;

use axum::{extract::State, routing::get, Router};

use super::{format, layout::Chrome, ok, PageResult};
use crate::{
    extract::Path,
    orders::{model::Order, service},
    AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/orders/{id}/receipt", get(show))
}

#[derive(askama::Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    c: Chrome,
    order: Order,
    /// Cash handed over across all payments.
    tendered: i64,
}

impl ReceiptPage {
    fn money(&self, amount: impl Borrow<i64>) -> String {
        format::vnd(amount)
    }

    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }
}

async fn show(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let order = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let tendered = order.payments.iter().map(|payment| payment.tendered).sum();
    ok(&ReceiptPage { c, order, tendered })
}
