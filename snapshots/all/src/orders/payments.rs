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
    let tendered = cash_tendered(&mut problems, "", request, 0);
    problems.finish()?;

    let mut tx = db::begin_write(db).await?;
    let outcome = record(&mut tx, order_id, "cash", tendered).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Checks a cash payment's body, naming its fields after `prefix` (`"payment."` when
/// the payment comes with the order), and returns the cash handed over: at least
/// `least`, at most [`MAX_TENDERED`].
pub fn cash_tendered(
    problems: &mut Problems,
    prefix: &str,
    request: &PaymentRequest,
    least: i64,
) -> i64 {
    let method_field = format!("{prefix}method");
    let method = problems.text(&method_field, request.method.as_deref(), 32);
    if !method.is_empty() && method != "cash" {
        problems.add(method_field, Problem::CashOnly);
    }
    problems.number(
        &format!("{prefix}amount"),
        request.amount,
        least..=MAX_TENDERED,
    )
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
    let due = Due {
        order_id,
        number: &order.number,
        total: order.total,
        paid: order.paid,
    };
    let taken = take(conn, &due, method, tendered, &now).await?;
    let payments = repo::payments(&mut *conn, order_id).await?;
    Ok(PaymentOutcome {
        order_id,
        number: order.number,
        status: taken.status,
        total: order.total,
        paid: taken.paid,
        remaining: order.total - taken.paid,
        change: taken.change,
        payments,
    })
}

/// A pending order a payment goes towards, locked by the caller's transaction
/// (or made by it, as checkout does).
pub struct Due<'a> {
    pub order_id: i64,
    pub number: &'a str,
    pub total: i64,
    pub paid: i64,
}

/// Where a payment left its order.
pub struct Taken {
    pub status: OrderStatus,
    pub paid: i64,
    pub change: i64,
}

/// Writes the payment of `tendered` towards `due` and the order's new paid
/// amount and status.
pub async fn take(
    conn: &mut AnyConnection,
    due: &Due<'_>,
    method: &str,
    tendered: i64,
    now: &str,
) -> Result<Taken, AppError> {
    let remaining = due.total - due.paid;
    if tendered == 0 && remaining > 0 {
        return Err(AppError::invalid("amount", Problem::Positive));
    }
    let applied = tendered.min(remaining);
    let change = tendered - applied;
    let paid = due.paid + applied;
    let status = if paid == due.total {
        OrderStatus::Paid
    } else {
        OrderStatus::Pending
    };
    let payment = NewPayment {
        order_id: due.order_id,
        method,
        amount: applied,
        tendered,
        change,
        status,
        paid_at: (status == OrderStatus::Paid).then_some(now),
    };
    repo::insert_payment(&mut *conn, &payment, now).await?;
    if status == OrderStatus::Paid {
        let notice = Notice::new()
            .field("order", due.number)
            .field("total", format::vnd(due.total))
            .field("method", method)
            .link(format!("/orders/{}", due.order_id));
        emit(&mut *conn, events::ORDER_PAID, notice).await?;
    }
    if status == OrderStatus::Paid {
        crate::webhooks::outbound::order_paid(
            &mut *conn,
            due.order_id,
            due.number,
            due.total,
            paid,
        )
        .await?;
    }
    Ok(Taken {
        status,
        paid,
        change,
    })
}
