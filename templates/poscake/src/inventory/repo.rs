//! SQL for reading stock: levels, the ledger, low-stock alerts, warehouses.
//! Writing goes through [`super::ledger`].

use sqlx::AnyConnection;

use super::model::{LowStockItem, Movement, StockLevel, Warehouse};
use crate::{filter::Filter, pagination::Pagination};

const MOVEMENT_SELECT: &str = "\
    SELECT m.id, v.product_id, m.variant_id, v.sku, m.warehouse_id, m.quantity, m.kind, \
           m.reason, m.order_id, m.actor, m.created_at \
      FROM stock_movements m JOIN product_variants v ON v.id = m.variant_id";

const LEVEL_FROM: &str = "\
      FROM stock_levels s \
      JOIN product_variants v ON v.id = s.variant_id \
      JOIN products p ON p.id = v.product_id \
      JOIN warehouses w ON w.id = s.warehouse_id";

/// Variants of active products whose total on hand is at or below their
/// threshold; variants never stocked count as zero.
const LOW_STOCK_FROM: &str = "\
      FROM product_variants v \
      JOIN products p ON p.id = v.product_id \
      LEFT JOIN stock_levels s ON s.variant_id = v.id \
     WHERE p.active = 1 AND v.active = 1 \
     GROUP BY v.product_id, v.id, p.name, v.name, v.sku, v.low_stock_threshold \
    HAVING COALESCE(SUM(s.on_hand), 0) <= v.low_stock_threshold";

/// The variant a stock request means, and its SKU: the named one if it
/// belongs to the product, else the product's default variant.
pub async fn resolve_variant(
    conn: &mut AnyConnection,
    product_id: i64,
    variant_id: Option<i64>,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, sku FROM product_variants \
         WHERE product_id = $1 AND (($2 IS NULL AND is_default = 1) OR id = $2)",
    )
    .bind(product_id)
    .bind(variant_id)
    .fetch_optional(conn)
    .await
}

pub async fn warehouses(conn: &mut AnyConnection) -> Result<Vec<Warehouse>, sqlx::Error> {
    sqlx::query_as("SELECT id, code, name, is_default FROM warehouses ORDER BY id")
        .fetch_all(conn)
        .await
}

pub async fn find_movement(conn: &mut AnyConnection, id: i64) -> Result<Movement, sqlx::Error> {
    sqlx::query_as(&format!("{MOVEMENT_SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_one(conn)
        .await
}

/// One page of the ledger, newest first.
pub async fn movements(
    conn: &mut AnyConnection,
    filter: &Filter,
    page: Pagination,
) -> Result<Vec<Movement>, sqlx::Error> {
    let sql = format!(
        "{MOVEMENT_SELECT} {} ORDER BY m.id DESC LIMIT {} OFFSET {}",
        filter.where_clause(),
        filter.next_placeholder(0),
        filter.next_placeholder(1),
    );
    filter
        .bind_to(sqlx::query_as(&sql))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(conn)
        .await
}

pub async fn count_movements(
    conn: &mut AnyConnection,
    filter: &Filter,
) -> Result<i64, sqlx::Error> {
    let sql = format!(
        "SELECT COUNT(*) FROM stock_movements m JOIN product_variants v ON v.id = m.variant_id {}",
        filter.where_clause()
    );
    filter
        .bind_to_scalar(sqlx::query_scalar(&sql))
        .fetch_one(conn)
        .await
}

pub async fn levels(
    conn: &mut AnyConnection,
    filter: &Filter,
    page: Pagination,
) -> Result<Vec<StockLevel>, sqlx::Error> {
    let sql = format!(
        "SELECT v.product_id, s.variant_id, p.name, v.name AS variant_name, v.sku, \
                s.warehouse_id, w.code AS warehouse_code, s.on_hand, s.updated_at \
         {LEVEL_FROM} {} ORDER BY p.name, v.id, w.id LIMIT {} OFFSET {}",
        filter.where_clause(),
        filter.next_placeholder(0),
        filter.next_placeholder(1),
    );
    filter
        .bind_to(sqlx::query_as(&sql))
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(conn)
        .await
}

pub async fn count_levels(conn: &mut AnyConnection, filter: &Filter) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) {LEVEL_FROM} {}", filter.where_clause());
    filter
        .bind_to_scalar(sqlx::query_scalar(&sql))
        .fetch_one(conn)
        .await
}

/// The most urgent first: furthest below the threshold.
pub async fn low_stock(
    conn: &mut AnyConnection,
    page: Pagination,
) -> Result<Vec<LowStockItem>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT v.product_id, v.id AS variant_id, p.name, v.name AS variant_name, v.sku, \
                CAST(COALESCE(SUM(s.on_hand), 0) AS BIGINT) AS on_hand, v.low_stock_threshold \
         {LOW_STOCK_FROM} \
         ORDER BY COALESCE(SUM(s.on_hand), 0) - v.low_stock_threshold, p.name, v.id \
         LIMIT $1 OFFSET $2"
    ))
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(conn)
    .await
}

pub async fn count_low_stock(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM (SELECT v.id {LOW_STOCK_FROM}) low"
    ))
    .fetch_one(conn)
    .await
}
