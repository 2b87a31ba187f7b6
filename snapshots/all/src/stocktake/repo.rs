//! SQL for stock counts. Stock itself changes only through
//! [`crate::inventory::ledger`].

use sqlx::AnyConnection;

use super::model::{Status, Stocktake, StocktakeLine, UncountedItem};
use crate::pagination::Pagination;

const STOCKTAKE_SELECT: &str = "\
    SELECT s.id, s.warehouse_id, w.code AS warehouse_code, s.category_id, \
           c.name AS category_name, s.status, s.note, s.started_by, s.started_at, \
           s.submitted_by, s.submitted_at, s.applied_by, s.applied_at, s.cancelled_by, \
           s.cancelled_at, s.updated_at, s.pancake_stocktaking_id, \
           CAST((SELECT COUNT(*) FROM stocktake_lines l \
                  WHERE l.stocktake_id = s.id) AS BIGINT) AS counted_items, \
           CAST((SELECT COALESCE(SUM(l.counted - l.expected), 0) FROM stocktake_lines l \
                  WHERE l.stocktake_id = s.id) AS BIGINT) AS variance \
      FROM stocktakes s \
      JOIN warehouses w ON w.id = s.warehouse_id \
      LEFT JOIN categories c ON c.id = s.category_id";

/// The category `$N` and every category under it, as a `scope (id)` table.
fn scope(placeholder: &str) -> String {
    format!(
        "WITH RECURSIVE scope (id) AS ( \
             SELECT CAST({placeholder} AS BIGINT) \
             UNION SELECT c.id FROM categories c JOIN scope ON c.parent_id = scope.id) "
    )
}

pub async fn insert(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    category_id: Option<i64>,
    note: &str,
    actor: Option<&str>,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO stocktakes \
             (warehouse_id, category_id, status, note, started_by, started_at, updated_at) \
         VALUES ($1, $2, 'COUNTING', $3, $4, $5, $5) RETURNING id",
    )
    .bind(warehouse_id)
    .bind(category_id)
    .bind(note)
    .bind(actor)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The open count of a warehouse, if there is one.
pub async fn open_in(
    conn: &mut AnyConnection,
    warehouse_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM stocktakes \
          WHERE warehouse_id = $1 AND status IN ('COUNTING', 'SUBMITTED')",
    )
    .bind(warehouse_id)
    .fetch_optional(conn)
    .await
}

/// A stock count without its lines.
pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Stocktake>, sqlx::Error> {
    sqlx::query_as(&format!("{STOCKTAKE_SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Newest first; only those with `status` when given.
pub async fn list(
    conn: &mut AnyConnection,
    status: Option<Status>,
    page: Pagination,
) -> Result<Vec<Stocktake>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{STOCKTAKE_SELECT} WHERE $1 IS NULL OR s.status = $1 \
         ORDER BY s.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(status.map(Status::as_str))
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(conn)
    .await
}

pub async fn count(conn: &mut AnyConnection, status: Option<Status>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM stocktakes WHERE $1 IS NULL OR status = $1")
        .bind(status.map(Status::as_str))
        .fetch_one(conn)
        .await
}

const LINE_SELECT: &str = "\
    SELECT v.product_id, l.variant_id, v.sku, p.name, v.name AS variant_name, l.expected, \
           l.counted, CAST(l.counted - l.expected AS BIGINT) AS variance, l.counted_by, \
           l.counted_at, l.movement_id \
      FROM stocktake_lines l \
      JOIN product_variants v ON v.id = l.variant_id \
      JOIN products p ON p.id = v.product_id";

/// Counted lines, by product name.
pub async fn lines(
    conn: &mut AnyConnection,
    stocktake_id: i64,
) -> Result<Vec<StocktakeLine>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{LINE_SELECT} WHERE l.stocktake_id = $1 ORDER BY p.name, v.id"
    ))
    .bind(stocktake_id)
    .fetch_all(conn)
    .await
}

/// The counted line of one variant.
pub async fn line(
    conn: &mut AnyConnection,
    stocktake_id: i64,
    variant_id: i64,
) -> Result<Option<StocktakeLine>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{LINE_SELECT} WHERE l.stocktake_id = $1 AND l.variant_id = $2"
    ))
    .bind(stocktake_id)
    .bind(variant_id)
    .fetch_optional(conn)
    .await
}

/// The items in the count's scope without a line: variants on sale, and
/// any other that still holds stock in the warehouse. Binds the count's id,
/// category and warehouse as `$1`, `$2` and `$3`.
const UNCOUNTED: &str = "FROM product_variants v \
           JOIN products p ON p.id = v.product_id \
           LEFT JOIN stock_levels sl ON sl.variant_id = v.id AND sl.warehouse_id = $3 \
          WHERE ($2 IS NULL OR p.category_id IN (SELECT id FROM scope)) \
            AND ((p.active = 1 AND v.active = 1) OR COALESCE(sl.on_hand, 0) <> 0) \
            AND NOT EXISTS (SELECT 1 FROM stocktake_lines l \
                             WHERE l.stocktake_id = $1 AND l.variant_id = v.id)";

/// The first `limit` uncounted items by name.
pub async fn uncounted(
    conn: &mut AnyConnection,
    stocktake: &Stocktake,
    limit: i64,
) -> Result<Vec<UncountedItem>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{}SELECT v.product_id, v.id AS variant_id, v.sku, p.name, v.name AS variant_name, \
                CAST(COALESCE(sl.on_hand, 0) AS BIGINT) AS on_hand \
           {UNCOUNTED} ORDER BY p.name, v.id LIMIT $4",
        scope("$2")
    ))
    .bind(stocktake.id)
    .bind(stocktake.category_id)
    .bind(stocktake.warehouse_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// How many items are uncounted.
pub async fn count_uncounted(
    conn: &mut AnyConnection,
    stocktake: &Stocktake,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "{}SELECT CAST(COUNT(*) AS BIGINT) {UNCOUNTED}",
        scope("$2")
    ))
    .bind(stocktake.id)
    .bind(stocktake.category_id)
    .bind(stocktake.warehouse_id)
    .fetch_one(conn)
    .await
}

pub async fn variant_sku(
    conn: &mut AnyConnection,
    variant_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT sku FROM product_variants WHERE id = $1")
        .bind(variant_id)
        .fetch_optional(conn)
        .await
}

/// Whether the variant's product is in `category_id` or a category under it.
pub async fn in_scope(
    conn: &mut AnyConnection,
    category_id: i64,
    variant_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: i64 = sqlx::query_scalar(&format!(
        "{}SELECT COUNT(*) FROM product_variants v JOIN products p ON p.id = v.product_id \
          WHERE v.id = $2 AND p.category_id IN (SELECT id FROM scope)",
        scope("$1")
    ))
    .bind(category_id)
    .bind(variant_id)
    .fetch_one(conn)
    .await?;
    Ok(found > 0)
}

pub async fn category_exists(
    conn: &mut AnyConnection,
    category_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM categories WHERE id = $1")
        .bind(category_id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

pub async fn warehouse_code(
    conn: &mut AnyConnection,
    warehouse_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT code FROM warehouses WHERE id = $1")
        .bind(warehouse_id)
        .fetch_optional(conn)
        .await
}

/// Claims a counting stock count for one count entry: the row stays locked
/// until the caller's transaction ends, so entries on one count and its
/// submission happen one after another. False when it is not counting.
pub async fn touch_counting(
    conn: &mut AnyConnection,
    id: i64,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let touched =
        sqlx::query("UPDATE stocktakes SET updated_at = $1 WHERE id = $2 AND status = 'COUNTING'")
            .bind(now)
            .bind(id)
            .execute(conn)
            .await?;
    Ok(touched.rows_affected() == 1)
}

/// What was counted of a variant so far.
pub async fn counted(
    conn: &mut AnyConnection,
    stocktake_id: i64,
    variant_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT counted FROM stocktake_lines WHERE stocktake_id = $1 AND variant_id = $2",
    )
    .bind(stocktake_id)
    .bind(variant_id)
    .fetch_optional(conn)
    .await
}

/// A count entry as written.
pub struct Count<'a> {
    pub stocktake_id: i64,
    pub variant_id: i64,
    pub counted: i64,
    pub expected: i64,
    pub actor: Option<&'a str>,
    pub now: &'a str,
}

/// Writes a variant's count and the on hand it is compared with.
pub async fn save_count(conn: &mut AnyConnection, count: &Count<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO stocktake_lines \
             (stocktake_id, variant_id, counted, expected, counted_by, counted_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (stocktake_id, variant_id) DO UPDATE \
         SET counted = excluded.counted, expected = excluded.expected, \
             counted_by = excluded.counted_by, counted_at = excluded.counted_at",
    )
    .bind(count.stocktake_id)
    .bind(count.variant_id)
    .bind(count.counted)
    .bind(count.expected)
    .bind(count.actor)
    .bind(count.now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves a stock count from one of `from` to `to`, recording who and when
/// in the columns of `to`. A conditional update, so of two people acting at
/// once only one succeeds; false when the count was in no status of `from`.
pub async fn transition(
    conn: &mut AnyConnection,
    id: i64,
    from: &[Status],
    to: Status,
    actor: Option<&str>,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let columns = match to {
        Status::Counting => return Ok(false),
        Status::Submitted => "submitted_by = $2, submitted_at = $3",
        Status::Applied => "applied_by = $2, applied_at = $3",
        Status::Cancelled => "cancelled_by = $2, cancelled_at = $3",
    };
    let from: Vec<String> = from
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect();
    let moved = sqlx::query(&format!(
        "UPDATE stocktakes SET status = $1, {columns}, updated_at = $3 \
          WHERE id = $4 AND status IN ({})",
        from.join(", ")
    ))
    .bind(to.as_str())
    .bind(actor)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// Records the movement that applied a line's variance.
pub async fn set_movement(
    conn: &mut AnyConnection,
    stocktake_id: i64,
    variant_id: i64,
    movement_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE stocktake_lines SET movement_id = $1 WHERE stocktake_id = $2 AND variant_id = $3",
    )
    .bind(movement_id)
    .bind(stocktake_id)
    .bind(variant_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Remembers the Pancake stocktaking a count was sent as; false when it was
/// already sent.
pub async fn link_pancake(
    conn: &mut AnyConnection,
    id: i64,
    pancake_id: &str,
) -> Result<bool, sqlx::Error> {
    let linked = sqlx::query(
        "UPDATE stocktakes SET pancake_stocktaking_id = $1 \
          WHERE id = $2 AND pancake_stocktaking_id IS NULL",
    )
    .bind(pancake_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(linked.rows_affected() == 1)
}
