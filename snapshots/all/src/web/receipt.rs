//! The printable receipt of an order, sized for 80 mm thermal paper.

use std::{borrow::Borrow, collections::BTreeMap};

use axum::{extract::State, routing::get, Router};

use super::{form, format, layout::Chrome, ok, PageResult};
use crate::payments::model::Provider;
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
    /// The order's tax by rate, in rate order; shown rate by rate when the
    /// lines carry more than one.
    taxes: Vec<TaxAtRate>,
}

struct TaxAtRate {
    /// In basis points, as products carry it.
    rate: i64,
    tax: i64,
}

impl ReceiptPage {
    fn money(&self, amount: impl Borrow<i64>) -> String {
        format::vnd(amount)
    }

    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }

    fn percent(&self, basis_points: impl Borrow<i64>) -> String {
        form::percent(*basis_points.borrow())
    }

    /// What a payment is called: cash in the page's language, a gateway
    /// by its own name.
    fn method_label(&self, method: &str) -> String {
        if method == "cash" {
            return self.c.t.paid_cash.to_owned();
        }
        Provider::parse(method).map_or_else(|| method.to_owned(), |p| p.name().to_owned())
    }
}

async fn show(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let order = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    let tendered = order.payments.iter().map(|payment| payment.tendered).sum();
    let mut taxes = BTreeMap::new();
    for line in &order.items {
        *taxes.entry(line.tax_rate).or_insert(0) += line.tax;
    }
    let taxes = taxes
        .into_iter()
        .filter(|&(_, tax)| tax > 0)
        .map(|(rate, tax)| TaxAtRate { rate, tax })
        .collect();
    ok(&ReceiptPage {
        c,
        order,
        tendered,
        taxes,
    })
}
