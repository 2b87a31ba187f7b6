//! `/payments/review`: the gateway notifications a manager must look at —
//! money that matches no order, the wrong amount, money for an order that
//! takes none — and, on request, all of them.

use axum::{extract::State, routing::get, Router};
use serde::Deserialize;
use sqlx::{any::AnyRow, FromRow, Row};

use super::text::{self, PayText};
use crate::{
    extract::Query,
    pagination::Pagination,
    web::{form::Pager, format, layout::Chrome, ok, PageResult},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/payments/review", get(review))
}

#[derive(Debug, Deserialize)]
struct ReviewQuery {
    all: Option<String>,
    page: Option<u32>,
}

/// A notification with the order its payment was for, when there was one.
struct Reviewed {
    provider: String,
    provider_txn_id: String,
    amount: Option<i64>,
    outcome: String,
    flagged: bool,
    detail: String,
    received_at: String,
    order: Option<(i64, String)>,
}

impl FromRow<'_, AnyRow> for Reviewed {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let order_id: Option<i64> = row.try_get("order_id")?;
        let number: Option<String> = row.try_get("order_number")?;
        Ok(Self {
            provider: row.try_get("provider")?,
            provider_txn_id: row.try_get("provider_txn_id")?,
            amount: row.try_get("amount")?,
            outcome: row.try_get("outcome")?,
            flagged: row.try_get::<i32, _>("flagged")? != 0,
            detail: row.try_get("detail")?,
            received_at: row.try_get("received_at")?,
            order: order_id.zip(number),
        })
    }
}

#[derive(askama::Template)]
#[template(path = "payments/review.html")]
struct ReviewPage {
    c: Chrome,
    p: &'static PayText,
    all: bool,
    rows: Vec<Reviewed>,
    pager: Pager,
}

impl ReviewPage {
    fn money(&self, amount: &i64) -> String {
        format::vnd(amount)
    }

    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }
}

async fn review(
    c: Chrome,
    State(state): State<AppState>,
    Query(query): Query<ReviewQuery>,
) -> PageResult {
    let all = query.all.as_deref() == Some("1");
    let page = Pagination::new(query.page, None).map_err(|err| c.error(err))?;
    let (rows, total) = load(&state, all, page).await.map_err(|err| c.error(err))?;
    let params: &[(&str, &str)] = if all { &[("all", "1")] } else { &[] };
    let pager = Pager::new(page.meta(total), "/payments/review", params);
    let p = text::text(c.lang);
    ok(&ReviewPage {
        c,
        p,
        all,
        rows,
        pager,
    })
}

async fn load(
    state: &AppState,
    all: bool,
    page: Pagination,
) -> Result<(Vec<Reviewed>, i64), AppError> {
    let only_flagged = i32::from(!all);
    let rows = sqlx::query_as::<_, Reviewed>(
        "SELECT n.provider, n.provider_txn_id, n.amount, n.outcome, n.flagged, n.detail, \
                n.received_at, o.id AS order_id, o.number AS order_number \
           FROM payment_notifications n \
           LEFT JOIN gateway_payments g ON g.id = n.gateway_payment_id \
           LEFT JOIN orders o ON o.id = g.order_id \
          WHERE ($1 = 0 OR n.flagged = 1) \
          ORDER BY n.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(only_flagged)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(&state.db)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_notifications WHERE ($1 = 0 OR flagged = 1)",
    )
    .bind(only_flagged)
    .fetch_one(&state.db)
    .await?;
    Ok((rows, total))
}
