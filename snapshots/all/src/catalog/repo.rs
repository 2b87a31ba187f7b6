//! SQL for products; their variants' own SQL is in `variant_repo`.

use sqlx::AnyConnection;

use super::model::{Product, ProductInput};
use crate::{filter::Filter, pagination::Pagination};

/// A product row joined to its default variant, with stock summed over all
/// its variants and warehouses.
const PRODUCT_SELECT: &str = "\
    SELECT p.id, p.name, v.sku, v.barcode, v.price, v.cost_price, p.tax_rate, \
           p.category_id, p.description, p.active, v.low_stock_threshold, \
           v.id AS default_variant_id, p.created_at, p.updated_at, \
           (SELECT CAST(COALESCE(SUM(s.on_hand), 0) AS BIGINT) \
              FROM stock_levels s JOIN product_variants sv ON sv.id = s.variant_id \
             WHERE sv.product_id = p.id) AS stock \
      FROM products p \
      JOIN product_variants v ON v.product_id = p.id AND v.is_default = 1";

/// One page of products matching `filter` (whose conditions use alias `p`).
pub async fn list(
    conn: &mut AnyConnection,
    filter: &Filter,
    page: Pagination,
) -> Result<Vec<Product>, sqlx::Error> {
    // The page of ids is chosen first so the stock subquery runs for the rows
    // shown, not for every row that matched.
    let sql = format!(
        "{PRODUCT_SELECT} WHERE p.id IN (\
             SELECT p.id FROM products p {} ORDER BY p.name, p.id LIMIT {} OFFSET {}) \
         ORDER BY p.name, p.id",
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

pub async fn count(conn: &mut AnyConnection, filter: &Filter) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) FROM products p {}", filter.where_clause());
    filter
        .bind_to_scalar(sqlx::query_scalar(&sql))
        .fetch_one(conn)
        .await
}

/// Every product, in id order, for the CSV export.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<Product>, sqlx::Error> {
    sqlx::query_as(&format!("{PRODUCT_SELECT} ORDER BY p.id"))
        .fetch_all(conn)
        .await
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Product>, sqlx::Error> {
    sqlx::query_as(&format!("{PRODUCT_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn category_exists(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM categories WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

pub async fn insert_product(
    conn: &mut AnyConnection,
    input: &ProductInput,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO products (category_id, name, search_name, description, tax_rate, active, \
                               created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(input.category_id)
    .bind(&input.name)
    .bind(&input.search_name)
    .bind(&input.description)
    .bind(input.tax_rate)
    .bind(i64::from(input.active))
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn update_product(
    conn: &mut AnyConnection,
    id: i64,
    input: &ProductInput,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE products SET category_id = $1, name = $2, search_name = $3, description = $4, \
                             tax_rate = $5, active = $6, updated_at = $7 \
         WHERE id = $8",
    )
    .bind(input.category_id)
    .bind(&input.name)
    .bind(&input.search_name)
    .bind(&input.description)
    .bind(input.tax_rate)
    .bind(i64::from(input.active))
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes a product's SKU, barcode, prices and threshold to its default variant.
pub async fn update_default_variant(
    conn: &mut AnyConnection,
    variant_id: i64,
    input: &ProductInput,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE product_variants SET sku = $1, barcode = $2, price = $3, cost_price = $4, \
                low_stock_threshold = $5, updated_at = $6 \
         WHERE id = $7",
    )
    .bind(&input.sku)
    .bind(&input.barcode)
    .bind(input.price)
    .bind(input.cost_price)
    .bind(input.low_stock_threshold)
    .bind(now)
    .bind(variant_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether any order line or stock movement refers to the product (or only
/// to one variant of it, when `variant_id` is given).
pub async fn has_history(
    conn: &mut AnyConnection,
    product_id: i64,
    variant_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM order_lines l \
                  WHERE l.product_id = $1 AND ($2 IS NULL OR l.variant_id = $2)) \
              + (SELECT COUNT(*) FROM stock_movements m \
                   JOIN product_variants v ON v.id = m.variant_id \
                  WHERE v.product_id = $1 AND ($2 IS NULL OR v.id = $2))",
    )
    .bind(product_id)
    .bind(variant_id)
    .fetch_one(conn)
    .await?;
    Ok(count > 0)
}

pub async fn deactivate_product(
    conn: &mut AnyConnection,
    id: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE products SET active = 0, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes a product and, by cascade, its variants.
pub async fn delete_product(conn: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM products WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
