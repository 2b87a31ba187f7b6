//! The SQL of refunds. Functions take a connection so callers choose the
//! transaction. Sums are cast to BIGINT: PostgreSQL's SUM of a BIGINT is a
//! NUMERIC, which the `Any` driver cannot read as an integer.

use sqlx::{AnyConnection, Row};

use super::{
    model::{RefundHeader, RefundPayment, RefundStatus, RefundedLine, HEADER_COLUMNS},
    plan::{LineState, Part, Refundable},
};

/// The order's lines, with the units that refunds not failed already claim.
pub async fn line_states(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<LineState>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT l.id, l.quantity, l.total, \
                CAST(COALESCE((SELECT SUM(rl.quantity) FROM refund_lines rl \
                                 JOIN refunds r ON r.id = rl.refund_id \
                                WHERE rl.order_line_id = l.id AND r.status <> 'failed'), 0) \
                     AS BIGINT) AS refunded \
           FROM order_lines l WHERE l.order_id = $1 ORDER BY l.id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(LineState {
                id: row.try_get("id")?,
                quantity: row.try_get("quantity")?,
                total: row.try_get("total")?,
                refunded: row.try_get("refunded")?,
            })
        })
        .collect()
}

/// The order's payments with what each still holds after refunds not
/// failed. Whether a gateway can refund each is for the caller to say.
pub async fn refundables(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<Refundable>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.method, \
                CAST(p.amount - COALESCE((SELECT SUM(rp.amount) FROM refund_payments rp \
                                           WHERE rp.payment_id = p.id \
                                             AND rp.status <> 'failed'), 0) \
                     AS BIGINT) AS remaining \
           FROM payments p WHERE p.order_id = $1 ORDER BY p.id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Refundable {
                payment_id: row.try_get("id")?,
                method: row.try_get("method")?,
                remaining: row.try_get("remaining")?,
                gateway_refundable: false,
            })
        })
        .collect()
}

pub struct NewRefund<'a> {
    pub order_id: i64,
    pub amount: i64,
    pub restock: bool,
    pub reason: &'a str,
    pub actor: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
}

/// Inserts a pending refund and gives it its number.
pub async fn insert(
    conn: &mut AnyConnection,
    refund: &NewRefund<'_>,
    now: &str,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO refunds (order_id, status, amount, restock, reason, actor, \
                              idempotency_key, created_at, updated_at) \
         VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(refund.order_id)
    .bind(refund.amount)
    .bind(i32::from(refund.restock))
    .bind(refund.reason)
    .bind(refund.actor)
    .bind(refund.idempotency_key)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE refunds SET number = $1 WHERE id = $2")
        .bind(super::refund_number(id))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(id)
}

pub async fn insert_line(
    conn: &mut AnyConnection,
    refund_id: i64,
    line_id: i64,
    quantity: i64,
    amount: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refund_lines (refund_id, order_line_id, quantity, amount) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(refund_id)
    .bind(line_id)
    .bind(quantity)
    .bind(amount)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records one way of giving money back, pending; returns its id.
pub async fn insert_payment(
    conn: &mut AnyConnection,
    refund_id: i64,
    part: &Part,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO refund_payments (refund_id, payment_id, method, amount, status, \
                                      created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $5) RETURNING id",
    )
    .bind(refund_id)
    .bind(part.payment_id)
    .bind(&part.method)
    .bind(part.amount)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Records how one way of giving money back ended.
pub async fn settle_payment(
    conn: &mut AnyConnection,
    id: i64,
    succeeded: bool,
    provider_ref: Option<&str>,
    detail: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE refund_payments SET status = $1, provider_ref = $2, detail = $3, updated_at = $4 \
         WHERE id = $5",
    )
    .bind(if succeeded { "succeeded" } else { "failed" })
    .bind(provider_ref)
    .bind(detail)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Settles every payment of a refund still pending (the cash handed back,
/// or ways not tried after a gateway refused).
pub async fn settle_pending_payments(
    conn: &mut AnyConnection,
    refund_id: i64,
    succeeded: bool,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE refund_payments SET status = $1, updated_at = $2 \
         WHERE refund_id = $3 AND status = 'pending'",
    )
    .bind(if succeeded { "succeeded" } else { "failed" })
    .bind(now)
    .bind(refund_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    status: RefundStatus,
    detail: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    let completed_at = (status == RefundStatus::Completed).then_some(now);
    sqlx::query(
        "UPDATE refunds SET status = $1, detail = $2, updated_at = $3, completed_at = $4 \
         WHERE id = $5",
    )
    .bind(status.as_str())
    .bind(detail)
    .bind(now)
    .bind(completed_at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<RefundHeader>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {HEADER_COLUMNS} FROM refunds WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn find_by_key(
    conn: &mut AnyConnection,
    key: &str,
) -> Result<Option<RefundHeader>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {HEADER_COLUMNS} FROM refunds WHERE idempotency_key = $1"
    ))
    .bind(key)
    .fetch_optional(conn)
    .await
}

pub async fn for_order(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<RefundHeader>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {HEADER_COLUMNS} FROM refunds WHERE order_id = $1 ORDER BY id"
    ))
    .bind(order_id)
    .fetch_all(conn)
    .await
}

pub async fn lines(
    conn: &mut AnyConnection,
    refund_id: i64,
) -> Result<Vec<RefundedLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT rl.order_line_id AS line_id, l.variant_id, l.sku, l.name, rl.quantity, rl.amount \
           FROM refund_lines rl JOIN order_lines l ON l.id = rl.order_line_id \
          WHERE rl.refund_id = $1 ORDER BY rl.id",
    )
    .bind(refund_id)
    .fetch_all(conn)
    .await
}

pub async fn payments(
    conn: &mut AnyConnection,
    refund_id: i64,
) -> Result<Vec<RefundPayment>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, payment_id, method, amount, status, provider_ref, detail \
           FROM refund_payments WHERE refund_id = $1 ORDER BY id",
    )
    .bind(refund_id)
    .fetch_all(conn)
    .await
}

/// What a gateway needs to give back money from one of its payments: our
/// reference, its own ids, and when the payment was started.
#[derive(Debug, Clone)]
pub struct GatewayPaymentRef {
    pub provider: String,
    pub reference: String,
    pub amount: i64,
    /// Stripe's PaymentIntent id.
    pub provider_ref: Option<String>,
    /// The id the gateway's notification gave the money movement: VNPay's
    /// TransactionNo, MoMo's transId.
    pub transaction_id: Option<String>,
    pub created_at: String,
}

pub async fn gateway_payment(
    conn: &mut AnyConnection,
    payment_id: i64,
) -> Result<Option<GatewayPaymentRef>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT g.provider, g.reference, g.amount, g.provider_ref, g.created_at, \
                (SELECT n.provider_txn_id FROM payment_notifications n \
                  WHERE n.gateway_payment_id = g.id AND n.outcome = 'applied' \
                  ORDER BY n.id LIMIT 1) AS transaction_id \
           FROM gateway_payments g WHERE g.payment_id = $1",
    )
    .bind(payment_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(GatewayPaymentRef {
            provider: row.try_get("provider")?,
            reference: row
                .try_get::<Option<String>, _>("reference")?
                .unwrap_or_default(),
            amount: row.try_get("amount")?,
            provider_ref: row.try_get("provider_ref")?,
            transaction_id: row.try_get("transaction_id")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .transpose()
}
