//! Taking cash towards an order, with change.
//!
//! The customer hands over `amount`; the payment applied is the smaller of
//! that and what is still due, and the rest is change. Several payments add up
//! until the total is covered, and then the order is paid.

use sqlx::{AnyConnection, AnyPool};

use super::{
    model::{OrderStatus, PaymentOutcome, PaymentRequest},
    repo::{self, NewPayment},
    service::not_found,
};
use crate::notifications::{emit, events, Notice};
use crate::{
    clock, db,
    validate::{Problem, Problems},
    web::format,
    AppError,
};

/// The most cash one payment may tender: ten billion đồng.
const MAX_TENDERED: i64 = 10_000_000_000;

pub async fn pay(
    db: &AnyPool,
    order_id: i64,
    request: &PaymentRequest,
) -> Result<PaymentOutcome, AppError> {
    let mut problems = Problems::default();
    let method = problems.text("method", request.method.as_deref(), 32);
    if !method.is_empty() && method != "cash" {
        problems.add("method", Problem::CashOnly);
    }
    let tendered = problems.number("amount", request.amount, 0..=MAX_TENDERED);
    problems.finish()?;

    let mut tx = db::begin_write(db).await?;
    let outcome = record(&mut tx, order_id, &method, tendered).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Applies `tendered` by `method` to a pending order in the caller's
/// transaction: what is still due is taken, the rest is change, and the order
/// is paid once the payments cover its total.
pub async fn record(
    conn: &mut AnyConnection,
    order_id: i64,
    method: &str,
    tendered: i64,
) -> Result<PaymentOutcome, AppError> {
    let now = clock::now_utc();
    let order = repo::lock(&mut *conn, order_id, &now)
        .await?
        .ok_or_else(|| not_found(order_id))?;
    if order.status != OrderStatus::Pending {
        return Err(AppError::Conflict(format!(
            "Order {} is {}; only a pending order takes payments.",
            order.number,
            order.status.as_str()
        )));
    }
    if tendered == 0 && order.remaining > 0 {
        return Err(AppError::invalid("amount", Problem::Positive));
    }
    let applied = tendered.min(order.remaining);
    let change = tendered - applied;
    let paid = order.paid + applied;
    let status = if paid == order.total {
        OrderStatus::Paid
    } else {
        OrderStatus::Pending
    };
    let payment = NewPayment {
        order_id,
        method,
        amount: applied,
        tendered,
        change,
        status,
        paid_at: (status == OrderStatus::Paid).then_some(now.as_str()),
    };
    repo::insert_payment(&mut *conn, &payment, &now).await?;
    if status == OrderStatus::Paid {
        let notice = Notice::new()
            .field("order", &order.number)
            .field("total", format::vnd(order.total))
            .field("method", method)
            .link(format!("/orders/{order_id}"));
        emit(&mut *conn, events::ORDER_PAID, notice).await?;
    }
    if status == OrderStatus::Paid {
        crate::webhooks::outbound::order_paid(
            &mut *conn,
            order_id,
            &order.number,
            order.total,
            paid,
        )
        .await?;
    }
    let payments = repo::payments(&mut *conn, order_id).await?;
    Ok(PaymentOutcome {
        order_id,
        number: order.number,
        status,
        total: order.total,
        paid,
        remaining: order.total - paid,
        change,
        payments,
    })
}
