//! SQL for shifts, their cash movements and stored method totals.
//!
//! A shift's window is `created_at >= opened_at`, and `created_at <
//! closed_at` once it is closed: timestamps are fixed-width UTC text, so
//! comparing them as text compares them in time.

use sqlx::AnyConnection;

use super::model::{CashMovement, Figures, MethodTotal, Shift};
use crate::pagination::Pagination;

const SHIFT_COLUMNS: &str = "\
    id, opening_float, opening_note, opened_by, opened_at, counted, counted_by, counted_at, \
    closing_note, closed_by, approved_by, approval_note, closed_at, expected, difference, \
    cash_taken, change_given, cash_refunds, cash_in, cash_out";

/// Inserts an open shift and returns its id. Fails with a unique violation
/// while another shift is open.
pub async fn insert(
    conn: &mut AnyConnection,
    opening_float: i64,
    note: &str,
    by: Option<&str>,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO cash_shifts (opening_float, opening_note, opened_by, opened_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(opening_float)
    .bind(note)
    .bind(by)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Shift>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {SHIFT_COLUMNS} FROM cash_shifts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The shift not yet closed, if there is one (there is at most one).
pub async fn find_open(conn: &mut AnyConnection) -> Result<Option<Shift>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {SHIFT_COLUMNS} FROM cash_shifts WHERE closed_at IS NULL"
    ))
    .fetch_optional(conn)
    .await
}

/// Reads a shift while holding its row until the transaction ends, so cash
/// movements and closes of one shift happen one after the other.
pub async fn lock(
    conn: &mut AnyConnection,
    id: i64,
    now: &str,
) -> Result<Option<Shift>, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE cash_shifts SET updated_at = $1 WHERE id = $2 RETURNING {SHIFT_COLUMNS}"
    ))
    .bind(now)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// One page of shifts, newest first.
pub async fn list(conn: &mut AnyConnection, page: Pagination) -> Result<Vec<Shift>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {SHIFT_COLUMNS} FROM cash_shifts ORDER BY opened_at DESC, id DESC \
         LIMIT $1 OFFSET $2"
    ))
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(conn)
    .await
}

pub async fn count(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM cash_shifts")
        .fetch_one(conn)
        .await
}

/// The cash that moved in a shift's window: from `opened_at`, until
/// `closed_at` when one is given.
pub async fn figures(
    conn: &mut AnyConnection,
    shift_id: i64,
    opened_at: &str,
    closed_at: Option<&str>,
) -> Result<Figures, sqlx::Error> {
    sqlx::query_as(
        "SELECT sales.cash_taken, sales.change_given, refunds.cash_refunds, \
                drawer.cash_in, drawer.cash_out \
           FROM (SELECT CAST(COALESCE(SUM(tendered), 0) AS BIGINT) AS cash_taken, \
                        CAST(COALESCE(SUM(change_given), 0) AS BIGINT) AS change_given \
                   FROM payments \
                  WHERE method = 'cash' AND created_at >= $1 \
                    AND ($2 IS NULL OR created_at < $2)) AS sales, \
                (SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS cash_refunds \
                   FROM refund_payments \
                  WHERE method = 'cash' AND status = 'succeeded' AND created_at >= $1 \
                    AND ($2 IS NULL OR created_at < $2)) AS refunds, \
                (SELECT CAST(COALESCE(SUM(CASE WHEN kind = 'in' THEN amount ELSE 0 END), 0) \
                             AS BIGINT) AS cash_in, \
                        CAST(COALESCE(SUM(CASE WHEN kind = 'out' THEN amount ELSE 0 END), 0) \
                             AS BIGINT) AS cash_out \
                   FROM cash_movements WHERE shift_id = $3) AS drawer",
    )
    .bind(opened_at)
    .bind(closed_at)
    .bind(shift_id)
    .fetch_one(conn)
    .await
}

/// What each payment method took and gave back in a window, as
/// [`figures`] bounds it.
pub async fn method_totals(
    conn: &mut AnyConnection,
    opened_at: &str,
    closed_at: Option<&str>,
) -> Result<Vec<MethodTotal>, sqlx::Error> {
    sqlx::query_as(
        "SELECT method, CAST(SUM(paid) AS BIGINT) AS paid, \
                CAST(SUM(refunded) AS BIGINT) AS refunded \
           FROM (SELECT method, amount AS paid, 0 AS refunded FROM payments \
                  WHERE created_at >= $1 AND ($2 IS NULL OR created_at < $2) \
                 UNION ALL \
                 SELECT method, 0 AS paid, amount AS refunded FROM refund_payments \
                  WHERE status = 'succeeded' AND created_at >= $1 \
                    AND ($2 IS NULL OR created_at < $2)) AS moved \
          GROUP BY method ORDER BY method",
    )
    .bind(opened_at)
    .bind(closed_at)
    .fetch_all(conn)
    .await
}

/// The method totals stored when the shift closed.
pub async fn stored_method_totals(
    conn: &mut AnyConnection,
    shift_id: i64,
) -> Result<Vec<MethodTotal>, sqlx::Error> {
    sqlx::query_as(
        "SELECT method, paid, refunded FROM cash_shift_method_totals \
          WHERE shift_id = $1 ORDER BY method",
    )
    .bind(shift_id)
    .fetch_all(conn)
    .await
}

pub async fn movements(
    conn: &mut AnyConnection,
    shift_id: i64,
) -> Result<Vec<CashMovement>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, amount, reason, actor, created_at FROM cash_movements \
          WHERE shift_id = $1 ORDER BY id",
    )
    .bind(shift_id)
    .fetch_all(conn)
    .await
}

/// A cash movement to record; `kind` is `in` or `out`.
#[derive(Debug, Clone, Copy)]
pub struct NewMovement<'a> {
    pub shift_id: i64,
    pub kind: &'a str,
    pub amount: i64,
    pub reason: &'a str,
    pub actor: Option<&'a str>,
}

pub async fn insert_movement(
    conn: &mut AnyConnection,
    movement: &NewMovement<'_>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO cash_movements (shift_id, kind, amount, reason, actor, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(movement.shift_id)
    .bind(movement.kind)
    .bind(movement.amount)
    .bind(movement.reason)
    .bind(movement.actor)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Keeps a count on the shift, replacing any earlier one; `note` replaces
/// the closing note when given.
pub async fn record_count(
    conn: &mut AnyConnection,
    id: i64,
    counted: i64,
    note: Option<&str>,
    by: Option<&str>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE cash_shifts SET counted = $1, counted_by = $2, counted_at = $3, \
                closing_note = COALESCE($4, closing_note), updated_at = $3 \
          WHERE id = $5",
    )
    .bind(counted)
    .bind(by)
    .bind(now)
    .bind(note)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A shift's Z-report as it closes.
#[derive(Debug, Clone)]
pub struct Tally {
    pub figures: Figures,
    pub expected: i64,
    /// Counted less expected.
    pub difference: i64,
    pub methods: Vec<MethodTotal>,
}

/// Who closed a shift, and who approved its count when that was needed.
#[derive(Debug, Clone, Copy)]
pub struct Signoff<'a> {
    pub closed_by: Option<&'a str>,
    pub approved_by: Option<&'a str>,
    pub approval_note: &'a str,
}

/// Closes a shift at `now`, storing its Z-report.
pub async fn close(
    conn: &mut AnyConnection,
    id: i64,
    tally: &Tally,
    signoff: Signoff<'_>,
    now: &str,
) -> Result<(), sqlx::Error> {
    let figures = &tally.figures;
    sqlx::query(
        "UPDATE cash_shifts SET closed_at = $1, updated_at = $1, closed_by = $2, \
                approved_by = $3, approval_note = $4, cash_taken = $5, change_given = $6, \
                cash_refunds = $7, cash_in = $8, cash_out = $9, expected = $10, difference = $11 \
          WHERE id = $12",
    )
    .bind(now)
    .bind(signoff.closed_by)
    .bind(signoff.approved_by)
    .bind(signoff.approval_note)
    .bind(figures.cash_taken)
    .bind(figures.change_given)
    .bind(figures.cash_refunds)
    .bind(figures.cash_in)
    .bind(figures.cash_out)
    .bind(tally.expected)
    .bind(tally.difference)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    for total in &tally.methods {
        sqlx::query(
            "INSERT INTO cash_shift_method_totals (shift_id, method, paid, refunded) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&total.method)
        .bind(total.paid)
        .bind(total.refunded)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
