//! SQL for warehouses and transfers. Stock itself changes only through
//! [`crate::inventory::ledger`].

use sqlx::AnyConnection;

use super::model::{Transfer, TransferLine, WarehouseDetail};
use crate::geo::Area;
use crate::pagination::Pagination;

const WAREHOUSE_SELECT: &str = "\
    SELECT w.id, w.code, w.name, w.address, w.phone, w.is_default, w.active, \
           w.pancake_warehouse_id, \
           w.province_id, w.district_id, w.commune_id, \
           CAST((SELECT COUNT(*) FROM stock_levels s \
                  WHERE s.warehouse_id = w.id AND s.on_hand <> 0) AS BIGINT) AS stocked_items, \
           CAST((SELECT COALESCE(SUM(s.on_hand), 0) FROM stock_levels s \
                  WHERE s.warehouse_id = w.id) AS BIGINT) AS units \
      FROM warehouses w";

/// A warehouse as written: the fields a request sets.
pub struct WarehouseRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub active: bool,
    pub pancake_warehouse_id: Option<&'a str>,
    pub area: &'a Area,
}

/// Open warehouses first, the default at the top, then by code.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<WarehouseDetail>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{WAREHOUSE_SELECT} ORDER BY w.active DESC, w.is_default DESC, w.code"
    ))
    .fetch_all(conn)
    .await
}

pub async fn find(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<WarehouseDetail>, sqlx::Error> {
    sqlx::query_as(&format!("{WAREHOUSE_SELECT} WHERE w.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn find_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<WarehouseDetail>, sqlx::Error> {
    sqlx::query_as(&format!("{WAREHOUSE_SELECT} WHERE w.code = $1"))
        .bind(code)
        .fetch_optional(conn)
        .await
}

/// The id of the warehouse with `code`, other than `except`.
pub async fn code_owner(
    conn: &mut AnyConnection,
    code: &str,
    except: Option<i64>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM warehouses WHERE code = $1 AND ($2 IS NULL OR id <> $2)")
        .bind(code)
        .bind(except)
        .fetch_optional(conn)
        .await
}

/// The id of the warehouse linked to Pancake warehouse `pancake_id`, other
/// than `except`.
pub async fn pancake_owner(
    conn: &mut AnyConnection,
    pancake_id: &str,
    except: Option<i64>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM warehouses WHERE pancake_warehouse_id = $1 AND ($2 IS NULL OR id <> $2)",
    )
    .bind(pancake_id)
    .bind(except)
    .fetch_optional(conn)
    .await
}

pub async fn insert(
    conn: &mut AnyConnection,
    row: &WarehouseRow<'_>,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO warehouses \
             (code, name, address, phone, active, pancake_warehouse_id, is_default, created_at, \
              province_id, district_id, commune_id) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10) RETURNING id",
    )
    .bind(row.code)
    .bind(row.name)
    .bind(row.address)
    .bind(row.phone)
    .bind(i64::from(row.active))
    .bind(row.pancake_warehouse_id)
    .bind(now)
    .bind(&row.area.province_id)
    .bind(&row.area.district_id)
    .bind(&row.area.commune_id)
    .fetch_one(conn)
    .await
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    row: &WarehouseRow<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE warehouses SET code = $1, name = $2, address = $3, phone = $4, active = $5, \
                pancake_warehouse_id = $6, province_id = $8, district_id = $9, commune_id = $10 \
          WHERE id = $7",
    )
    .bind(row.code)
    .bind(row.name)
    .bind(row.address)
    .bind(row.phone)
    .bind(i64::from(row.active))
    .bind(row.pancake_warehouse_id)
    .bind(id)
    .bind(&row.area.province_id)
    .bind(&row.area.district_id)
    .bind(&row.area.commune_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Links warehouse `id` to a Pancake warehouse, or unlinks it with `None`.
pub async fn set_pancake_link(
    conn: &mut AnyConnection,
    id: i64,
    pancake_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE warehouses SET pancake_warehouse_id = $1 WHERE id = $2")
        .bind(pancake_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Makes `id` the default warehouse; the old default stops being one first,
/// since at most one row may be the default at any moment.
pub async fn set_default(conn: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE warehouses SET is_default = 0 WHERE is_default = 1 AND id <> $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE warehouses SET is_default = 1 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The product of a variant.
pub async fn product_of(
    conn: &mut AnyConnection,
    variant_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT product_id FROM product_variants WHERE id = $1")
        .bind(variant_id)
        .fetch_optional(conn)
        .await
}

pub async fn insert_transfer(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
    note: &str,
    actor: Option<&str>,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO stock_transfers (from_warehouse_id, to_warehouse_id, note, actor, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(from)
    .bind(to)
    .bind(note)
    .bind(actor)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn insert_transfer_line(
    conn: &mut AnyConnection,
    transfer_id: i64,
    variant_id: i64,
    quantity: i64,
    (out_movement_id, in_movement_id): (i64, i64),
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO stock_transfer_lines \
             (transfer_id, variant_id, quantity, out_movement_id, in_movement_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(transfer_id)
    .bind(variant_id)
    .bind(quantity)
    .bind(out_movement_id)
    .bind(in_movement_id)
    .execute(conn)
    .await?;
    Ok(())
}

const TRANSFER_SELECT: &str = "\
    SELECT t.id, t.from_warehouse_id, f.code AS from_code, t.to_warehouse_id, \
           d.code AS to_code, t.note, t.actor, t.created_at, \
           CAST((SELECT COALESCE(SUM(l.quantity), 0) FROM stock_transfer_lines l \
                  WHERE l.transfer_id = t.id) AS BIGINT) AS units \
      FROM stock_transfers t \
      JOIN warehouses f ON f.id = t.from_warehouse_id \
      JOIN warehouses d ON d.id = t.to_warehouse_id";

type TransferRow = (
    i64,
    i64,
    String,
    i64,
    String,
    String,
    Option<String>,
    String,
    i64,
);

fn transfer(row: TransferRow, lines: Vec<TransferLine>) -> Transfer {
    let (
        id,
        from_warehouse_id,
        from_code,
        to_warehouse_id,
        to_code,
        note,
        actor,
        created_at,
        units,
    ) = row;
    Transfer {
        id,
        number: transfer_number(id),
        from_warehouse_id,
        from_code,
        to_warehouse_id,
        to_code,
        note,
        actor,
        created_at,
        units,
        lines,
    }
}

/// `CK` (chuyển kho) and the id, six digits at least.
pub fn transfer_number(id: i64) -> String {
    format!("CK{id:06}")
}

/// Newest first; only those touching `warehouse_id` when given.
pub async fn transfers(
    conn: &mut AnyConnection,
    warehouse_id: Option<i64>,
    page: Pagination,
) -> Result<Vec<Transfer>, sqlx::Error> {
    let rows: Vec<TransferRow> = sqlx::query_as(&format!(
        "{TRANSFER_SELECT} \
          WHERE $1 IS NULL OR t.from_warehouse_id = $1 OR t.to_warehouse_id = $1 \
          ORDER BY t.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(warehouse_id)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| transfer(row, Vec::new()))
        .collect())
}

pub async fn count_transfers(
    conn: &mut AnyConnection,
    warehouse_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM stock_transfers t \
          WHERE $1 IS NULL OR t.from_warehouse_id = $1 OR t.to_warehouse_id = $1",
    )
    .bind(warehouse_id)
    .fetch_one(conn)
    .await
}

/// One transfer with its lines.
pub async fn find_transfer(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<Transfer>, sqlx::Error> {
    let row: Option<TransferRow> = sqlx::query_as(&format!("{TRANSFER_SELECT} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let lines = sqlx::query_as(
        "SELECT v.product_id, l.variant_id, v.sku, p.name, v.name AS variant_name, l.quantity, \
                l.out_movement_id, l.in_movement_id \
           FROM stock_transfer_lines l \
           JOIN product_variants v ON v.id = l.variant_id \
           JOIN products p ON p.id = v.product_id \
          WHERE l.transfer_id = $1 ORDER BY l.id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok(Some(transfer(row, lines)))
}
