//! Order pages: the list with a status filter, the detail with its lines and
//! payments, and cancelling.

use std::borrow::Borrow;

use axum::{
    extract::State,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use super::{form::Pager, format, layout::Chrome, ok, see_other, PageResult};
use crate::{
    attribution::Attribution,
    extract::{Path, Query},
    orders::{
        model::{Order, OrderFilter, OrderHeader, OrderStatus},
        service,
    },
    pagination::Pagination,
    AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orders", get(list))
        .route("/orders/{id}", get(show))
        .route("/orders/{id}/cancel", post(cancel))
}

/// Every status, in the order the filter offers them.
const STATUSES: [OrderStatus; 4] = [
    OrderStatus::Pending,
    OrderStatus::Paid,
    OrderStatus::Completed,
    OrderStatus::Cancelled,
];

/// The words for money, times and statuses that pages listing orders use.
pub(super) trait OrderWords {
    fn chrome(&self) -> &Chrome;

    fn money(&self, amount: impl Borrow<i64>) -> String {
        format::vnd(amount)
    }

    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }

    fn status_label(&self, status: &OrderStatus) -> &'static str {
        let t = self.chrome().t;
        match status {
            OrderStatus::Pending => t.status_pending,
            OrderStatus::Paid => t.status_paid,
            OrderStatus::Completed => t.status_completed,
            OrderStatus::Cancelled => t.status_cancelled,
        }
    }
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    page: Option<u32>,
}

#[derive(askama::Template)]
#[template(path = "orders/list.html")]
struct ListPage {
    c: Chrome,
    status: String,
    statuses: [OrderStatus; 4],
    orders: Vec<OrderHeader>,
    pager: Pager,
}

impl OrderWords for ListPage {
    fn chrome(&self) -> &Chrome {
        &self.c
    }
}

async fn list(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    // An unknown status in a hand-edited URL just lists everything.
    let wanted = query.status.as_deref().and_then(OrderStatus::parse);
    let filter = OrderFilter {
        status: wanted,
        customer_id: None,
    };
    let (orders, meta) = service::list(&state.db, filter, page)
        .await
        .map_err(|err| c.error(err))?;
    let status = wanted
        .map(OrderStatus::as_str)
        .unwrap_or_default()
        .to_owned();
    let pager = Pager::new(meta, "/orders", &[("status", &status)]);
    ok(&ListPage {
        c,
        status,
        statuses: STATUSES,
        orders,
        pager,
    })
}

#[derive(askama::Template)]
#[template(path = "orders/detail.html")]
struct DetailPage {
    c: Chrome,
    order: Order,
}

impl OrderWords for DetailPage {
    fn chrome(&self) -> &Chrome {
        &self.c
    }
}

impl DetailPage {
    fn can_cancel(&self) -> bool {
        matches!(
            self.order.header.status,
            OrderStatus::Pending | OrderStatus::Paid
        )
    }
}

async fn show(c: Chrome, State(state): State<AppState>, Path(id): Path<i64>) -> PageResult {
    let order = service::get(&state.db, id)
        .await
        .map_err(|err| c.error(err))?;
    ok(&DetailPage { c, order })
}

/// Cancels through the orders service, which puts the stock back.
async fn cancel(
    c: Chrome,
    State(state): State<AppState>,
    by: Attribution,
    Path(id): Path<i64>,
) -> PageResult {
    service::cancel(&state.db, id, &by)
        .await
        .map_err(|err| c.error(err))?;
    see_other(&format!("/orders/{id}"))
}
