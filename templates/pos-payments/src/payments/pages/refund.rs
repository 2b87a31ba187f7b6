//! `/orders/{id}/refund`: what a customer brings back, line by line or the
//! whole order, and the refunds made so far; after a refund, what to hand
//! back in cash.

use std::collections::HashMap;

use axum::{extract::State, routing::get, Form, Router};
use serde::Deserialize;

use super::text::{self, PayText};
use crate::{
    attribution::Attribution,
    extract::{Path, Query},
    orders::{
        self,
        model::{Order, OrderLine, OrderStatus},
    },
    payments::refunds::{
        self,
        model::{Refund, RefundItem, RefundRequest, RefundStatus},
    },
    web::{format, layout::Chrome, render, see_other, PageResult},
    AppError, AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/orders/{id}/refund", get(show).post(create))
}

#[derive(Debug, Deserialize)]
struct ShowQuery {
    /// The refund just made, to confirm.
    done: Option<i64>,
}

/// An order line with how many of it can still come back.
struct LineRow {
    line: OrderLine,
    returnable: i64,
}

/// The form as typed, to show again after a mistake.
#[derive(Debug, Default)]
struct Typed {
    quantities: HashMap<i64, String>,
    restock: bool,
    all_cash: bool,
    reason: String,
}

#[derive(askama::Template)]
#[template(path = "payments/refund.html")]
struct RefundPage {
    c: Chrome,
    p: &'static PayText,
    order: Order,
    lines: Vec<LineRow>,
    refunds: Vec<Refund>,
    done: Option<Refund>,
    typed: Typed,
    problem: Option<String>,
}

impl RefundPage {
    fn money(&self, amount: &i64) -> String {
        format::vnd(amount)
    }

    fn time(&self, utc: &str) -> String {
        format::local_time(utc)
    }

    fn typed_quantity(&self, line_id: &i64) -> &str {
        self.typed
            .quantities
            .get(line_id)
            .map_or("", String::as_str)
    }

    fn refundable(&self) -> bool {
        matches!(
            self.order.header.status,
            OrderStatus::Paid | OrderStatus::Completed
        ) && self.lines.iter().any(|row| row.returnable > 0)
    }

    fn status_label(&self, status: &RefundStatus) -> &'static str {
        match status {
            RefundStatus::Pending => self.p.refund_status_pending,
            RefundStatus::Completed => self.p.refund_status_completed,
            RefundStatus::Failed => self.p.refund_status_failed,
        }
    }

    fn method_label<'a>(&self, method: &'a str) -> &'a str {
        if method == "cash" {
            self.c.t.paid_cash
        } else {
            method
        }
    }
}

async fn page(
    c: Chrome,
    state: &AppState,
    order_id: i64,
    done: Option<i64>,
    typed: Typed,
    problem: Option<String>,
) -> PageResult {
    let loaded = async {
        let order = orders::service::get(&state.db, order_id).await?;
        let refunds = refunds::for_order(state, order_id).await?;
        Ok::<_, AppError>((order, refunds))
    };
    let (order, refunds) = loaded.await.map_err(|err| c.error(err))?;
    let lines = order
        .items
        .iter()
        .map(|line| {
            let back: i64 = refunds
                .iter()
                .filter(|refund| refund.status != RefundStatus::Failed)
                .flat_map(|refund| &refund.items)
                .filter(|item| item.line_id == line.id)
                .map(|item| item.quantity)
                .sum();
            LineRow {
                line: line.clone(),
                returnable: line.quantity - back,
            }
        })
        .collect();
    let done = done.and_then(|id| refunds.iter().find(|r| r.id == id).cloned());
    let status = if problem.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let p = text::text(c.lang);
    Ok(render(
        status,
        &RefundPage {
            c,
            p,
            order,
            lines,
            refunds,
            done,
            typed,
            problem,
        },
    ))
}

async fn show(
    c: Chrome,
    State(state): State<AppState>,
    Path(order_id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> PageResult {
    let typed = Typed {
        restock: true,
        ..Typed::default()
    };
    page(c, &state, order_id, query.done, typed, None).await
}

/// Reads the form: `qty_<line id>` for each line, `restock`, `cash`,
/// `reason`, and `everything` when the whole order comes back.
fn read_form(fields: &[(String, String)]) -> (Typed, bool, Result<Vec<RefundItem>, ()>) {
    let mut typed = Typed::default();
    let mut everything = false;
    let mut items = Ok(Vec::new());
    for (name, value) in fields {
        let value = value.trim();
        match name.as_str() {
            "restock" => typed.restock = true,
            "cash" => typed.all_cash = true,
            "reason" => typed.reason = value.to_owned(),
            "everything" => everything = true,
            _ => {
                let Some(line_id) = name.strip_prefix("qty_").and_then(|id| id.parse().ok()) else {
                    continue;
                };
                typed.quantities.insert(line_id, value.to_owned());
                if value.is_empty() {
                    continue;
                }
                match (value.parse::<i64>(), items.as_mut()) {
                    (Ok(0), _) => {}
                    (Ok(quantity), Ok(items)) => items.push(RefundItem {
                        line_id: Some(line_id),
                        quantity: Some(quantity),
                    }),
                    _ => items = Err(()),
                }
            }
        }
    }
    (typed, everything, items)
}

async fn create(
    c: Chrome,
    State(state): State<AppState>,
    Path(order_id): Path<i64>,
    by: Attribution,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let (typed, everything, items) = read_form(&fields);
    let p = text::text(c.lang);
    let items = match items {
        Ok(_) if everything => None,
        Ok(items) if items.is_empty() => {
            let problem = Some(p.nothing_selected.to_owned());
            return page(c, &state, order_id, None, typed, problem).await;
        }
        Ok(items) => Some(items),
        Err(()) => {
            let problem = Some(c.problem(&crate::validate::Problem::WholeNumber));
            return page(c, &state, order_id, None, typed, problem).await;
        }
    };
    let line_ids: Vec<i64> = items
        .iter()
        .flatten()
        .filter_map(|item| item.line_id)
        .collect();
    let request = RefundRequest {
        items,
        restock: Some(typed.restock),
        reason: Some(typed.reason.clone()),
        method: typed.all_cash.then(|| "cash".to_owned()),
    };
    match refunds::refund(&state, order_id, &request, None, &by).await {
        Ok((refund, _)) => see_other(&format!("/orders/{order_id}/refund?done={}", refund.id)),
        Err(err @ (AppError::Internal(_) | AppError::Unavailable(_) | AppError::NotFound(_))) => {
            Err(c.error(err))
        }
        Err(err) => {
            let problem = Some(describe(&c, &state, order_id, &line_ids, &err).await);
            page(c, &state, order_id, None, typed, problem).await
        }
    }
}

/// A refusal in the page's words: each field problem after the name of the
/// line it is about, or the service's message (a conflict, a gateway's
/// refusal), which is written for people.
async fn describe(
    c: &Chrome,
    state: &AppState,
    order_id: i64,
    line_ids: &[i64],
    err: &AppError,
) -> String {
    let AppError::Validation { details, .. } = err else {
        return err.to_string();
    };
    let names: HashMap<i64, String> = orders::service::get(&state.db, order_id)
        .await
        .map(|order| {
            order
                .items
                .into_iter()
                .map(|line| (line.id, line.name))
                .collect()
        })
        .unwrap_or_default();
    details
        .iter()
        .map(|detail| {
            // `items[2].quantity` is about the third line the form listed.
            let line = detail
                .field
                .strip_prefix("items[")
                .and_then(|rest| rest.split(']').next())
                .and_then(|index| index.parse::<usize>().ok())
                .and_then(|index| line_ids.get(index))
                .and_then(|id| names.get(id));
            let problem = c.problem(&detail.problem);
            match line {
                Some(name) => format!("{name}: {problem}"),
                None => problem,
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
