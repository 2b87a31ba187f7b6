//! SQL for variants and the codes (SKU, barcode) that identify them.

use sqlx::AnyConnection;

use super::variant_model::{Variant, VariantInput};

const VARIANT_SELECT: &str = "\
    SELECT v.id, v.product_id, v.name, v.sku, v.barcode, v.attributes, v.price, \
           v.cost_price, v.low_stock_threshold, v.is_default, v.active, \
           v.created_at, v.updated_at, \
           (SELECT CAST(COALESCE(SUM(s.on_hand), 0) AS BIGINT) \
              FROM stock_levels s WHERE s.variant_id = v.id) AS stock \
      FROM product_variants v";

pub async fn variants_of(
    conn: &mut AnyConnection,
    product_id: i64,
) -> Result<Vec<Variant>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{VARIANT_SELECT} WHERE v.product_id = $1 ORDER BY v.is_default DESC, v.id"
    ))
    .bind(product_id)
    .fetch_all(conn)
    .await
}

pub async fn find_variant(
    conn: &mut AnyConnection,
    product_id: i64,
    variant_id: i64,
) -> Result<Option<Variant>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{VARIANT_SELECT} WHERE v.id = $1 AND v.product_id = $2"
    ))
    .bind(variant_id)
    .bind(product_id)
    .fetch_optional(conn)
    .await
}

/// The variant, and its product, that uses a SKU or a barcode.
pub async fn code_owner(
    conn: &mut AnyConnection,
    column: CodeColumn,
    code: &str,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let column = match column {
        CodeColumn::Sku => "sku",
        CodeColumn::Barcode => "barcode",
    };
    sqlx::query_as(&format!(
        "SELECT id, product_id FROM product_variants WHERE {column} = $1"
    ))
    .bind(code)
    .fetch_optional(conn)
    .await
}

/// The variant a scanned or typed code names, with its product and SKU; a
/// SKU wins over another variant's equal barcode.
pub async fn variant_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, product_id, sku FROM product_variants WHERE sku = $1 OR barcode = $1 \
          ORDER BY CASE WHEN sku = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(code)
    .fetch_optional(conn)
    .await
}

/// The two codes a variant is known by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeColumn {
    Sku,
    Barcode,
}

pub async fn insert_variant(
    conn: &mut AnyConnection,
    product_id: i64,
    input: &VariantInput,
    is_default: bool,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO product_variants (product_id, name, sku, barcode, attributes, price, \
                                       cost_price, low_stock_threshold, is_default, active, \
                                       created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(product_id)
    .bind(&input.name)
    .bind(&input.sku)
    .bind(&input.barcode)
    .bind(&input.attributes)
    .bind(input.price)
    .bind(input.cost_price)
    .bind(input.low_stock_threshold)
    .bind(i64::from(is_default))
    .bind(i64::from(input.active))
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn update_variant(
    conn: &mut AnyConnection,
    variant_id: i64,
    input: &VariantInput,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE product_variants SET name = $1, sku = $2, barcode = $3, attributes = $4, \
                price = $5, cost_price = $6, low_stock_threshold = $7, active = $8, \
                updated_at = $9 \
         WHERE id = $10",
    )
    .bind(&input.name)
    .bind(&input.sku)
    .bind(&input.barcode)
    .bind(&input.attributes)
    .bind(input.price)
    .bind(input.cost_price)
    .bind(input.low_stock_threshold)
    .bind(i64::from(input.active))
    .bind(now)
    .bind(variant_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn deactivate_variant(
    conn: &mut AnyConnection,
    id: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE product_variants SET active = 0, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_variant(conn: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM product_variants WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
