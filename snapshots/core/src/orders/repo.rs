//! SQL for orders, their lines and payments.

use std::collections::BTreeSet;

use sqlx::AnyConnection;

use super::model::{OrderHeader, OrderLine, OrderStatus, Payment};
use crate::{db, filter::Filter, pagination::Pagination};

const HEADER_COLUMNS: &str = "\
    id, number, status, customer_id, warehouse_id, tax_inclusive, subtotal, discount, \
    order_discount, tax, total, paid, change_given, created_by, created_at, updated_at, \
    paid_at, completed_at, cancelled_at";

/// What checkout needs to know about a variant it is asked to sell.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Sellable {
    pub product_id: i64,
    pub variant_id: i64,
    pub name: String,
    pub variant_name: String,
    pub sku: String,
    pub price: i64,
    /// What one unit costs the shop, kept on the line for margins.
    pub cost_price: i64,
    pub tax_rate: i64,
    /// 1 when both the product and the variant are for sale.
    pub active: i64,
    /// 1 for the variant sold when an item names none.
    pub is_default: i64,
}

/// What each item of `asked` (a product, and the variant named, if any)
/// sells, in the same order: the named variant if it belongs to the product,
/// else the product's default; `None` when there is no such variant. One
/// query for the whole cart.
pub async fn sellable(
    conn: &mut AnyConnection,
    asked: &[(i64, Option<i64>)],
) -> Result<Vec<Option<Sellable>>, sqlx::Error> {
    let products: BTreeSet<i64> = asked.iter().map(|&(product, _)| product).collect();
    let variants: BTreeSet<i64> = asked.iter().filter_map(|&(_, variant)| variant).collect();
    let named = if variants.is_empty() {
        String::new()
    } else {
        format!(
            " OR v.id IN ({})",
            db::placeholders(products.len() + 1, variants.len())
        )
    };
    let sql = format!(
        "SELECT p.id AS product_id, v.id AS variant_id, p.name, v.name AS variant_name, v.sku, \
                v.price, v.cost_price, p.tax_rate, p.active * v.active AS active, v.is_default \
           FROM product_variants v JOIN products p ON p.id = v.product_id \
          WHERE p.id IN ({}) AND (v.is_default = 1{named})",
        db::placeholders(1, products.len())
    );
    let mut query = sqlx::query_as::<_, Sellable>(&sql);
    for id in products.iter().chain(&variants) {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(conn).await?;
    Ok(asked
        .iter()
        .map(|&(product, variant)| {
            rows.iter()
                .find(|found| {
                    found.product_id == product
                        && variant.map_or(found.is_default == 1, |id| found.variant_id == id)
                })
                .cloned()
        })
        .collect())
}

/// The figures of a new order.
#[derive(Debug, Clone)]
pub struct NewOrder<'a> {
    pub customer_id: Option<i64>,
    pub warehouse_id: i64,
    pub idempotency_key: Option<&'a str>,
    pub tax_inclusive: bool,
    pub subtotal: i64,
    pub order_discount: i64,
    pub discount: i64,
    pub tax: i64,
    pub total: i64,
    /// Who placed it, when the app knows.
    pub created_by: Option<&'a str>,
}

/// Inserts a pending order and returns its id, or `None` when an order with
/// the same idempotency key already exists. On PostgreSQL a concurrent insert
/// of the same key waits here until the other transaction ends.
pub async fn insert(
    conn: &mut AnyConnection,
    order: &NewOrder<'_>,
    now: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO orders (status, customer_id, warehouse_id, idempotency_key, tax_inclusive, \
                             subtotal, order_discount, discount, tax, total, created_by, \
                             created_at, updated_at) \
         VALUES ('pending', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(order.customer_id)
    .bind(order.warehouse_id)
    .bind(order.idempotency_key)
    .bind(i64::from(order.tax_inclusive))
    .bind(order.subtotal)
    .bind(order.order_discount)
    .bind(order.discount)
    .bind(order.tax)
    .bind(order.total)
    .bind(order.created_by)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn set_number(
    conn: &mut AnyConnection,
    id: i64,
    number: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orders SET number = $1 WHERE id = $2")
        .bind(number)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A line as checkout writes it; the snapshot of what was sold.
#[derive(Debug, Clone)]
pub struct NewLine<'a> {
    pub item: &'a Sellable,
    pub quantity: i64,
    pub line_discount: i64,
    pub order_discount: i64,
    pub tax: i64,
    pub total: i64,
}

/// Writes an order's lines with one insert.
pub async fn insert_lines(
    conn: &mut AnyConnection,
    order_id: i64,
    lines: &[NewLine<'_>],
) -> Result<(), sqlx::Error> {
    const COLUMNS: usize = 14;
    if lines.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO order_lines (order_id, product_id, variant_id, name, variant_name, sku, \
                                  unit_price, unit_cost, quantity, tax_rate, line_discount, \
                                  order_discount, tax, total) \
         VALUES {}",
        db::values_rows(lines.len(), COLUMNS)
    );
    let mut query = sqlx::query(&sql);
    for line in lines {
        query = query
            .bind(order_id)
            .bind(line.item.product_id)
            .bind(line.item.variant_id)
            .bind(&line.item.name)
            .bind(&line.item.variant_name)
            .bind(&line.item.sku)
            .bind(line.item.price)
            .bind(line.item.cost_price)
            .bind(line.quantity)
            .bind(line.item.tax_rate)
            .bind(line.line_discount)
            .bind(line.order_discount)
            .bind(line.tax)
            .bind(line.total);
    }
    query.execute(conn).await?;
    Ok(())
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<OrderHeader>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {HEADER_COLUMNS} FROM orders WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn find_by_key(
    conn: &mut AnyConnection,
    key: &str,
) -> Result<Option<OrderHeader>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {HEADER_COLUMNS} FROM orders WHERE idempotency_key = $1"
    ))
    .bind(key)
    .fetch_optional(conn)
    .await
}

/// Reads an order while taking its row lock for the rest of the transaction.
///
/// A no-op `UPDATE … RETURNING` does on both databases what `SELECT … FOR
/// UPDATE` does on PostgreSQL alone: a second request for the same order
/// waits, then sees the first one's changes.
pub async fn lock(
    conn: &mut AnyConnection,
    id: i64,
    now: &str,
) -> Result<Option<OrderHeader>, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE orders SET updated_at = $1 WHERE id = $2 RETURNING {HEADER_COLUMNS}"
    ))
    .bind(now)
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn lines(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<OrderLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, product_id, variant_id, name, variant_name, sku, unit_price, quantity, \
                tax_rate, line_discount, order_discount, tax, total \
           FROM order_lines WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await
}

pub async fn payments(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<Payment>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, method, amount, tendered, change_given, created_at \
           FROM payments WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await
}

pub async fn list(
    conn: &mut AnyConnection,
    filter: &Filter,
    page: Pagination,
) -> Result<Vec<OrderHeader>, sqlx::Error> {
    let sql = format!(
        "SELECT {HEADER_COLUMNS} FROM orders {} ORDER BY created_at DESC, id DESC \
         LIMIT {} OFFSET {}",
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
    let sql = format!("SELECT COUNT(*) FROM orders {}", filter.where_clause());
    filter
        .bind_to_scalar(sqlx::query_scalar(&sql))
        .fetch_one(conn)
        .await
}

/// A payment row, and the order's new paid amount and status, together.
#[derive(Debug, Clone)]
pub struct NewPayment<'a> {
    pub order_id: i64,
    pub method: &'a str,
    pub amount: i64,
    pub tendered: i64,
    pub change: i64,
    pub status: OrderStatus,
    pub paid_at: Option<&'a str>,
}

pub async fn insert_payment(
    conn: &mut AnyConnection,
    payment: &NewPayment<'_>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payments (order_id, method, amount, tendered, change_given, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(payment.order_id)
    .bind(payment.method)
    .bind(payment.amount)
    .bind(payment.tendered)
    .bind(payment.change)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE orders SET paid = paid + $1, change_given = change_given + $2, status = $3, \
                           paid_at = COALESCE($4, paid_at), updated_at = $5 \
         WHERE id = $6",
    )
    .bind(payment.amount)
    .bind(payment.change)
    .bind(payment.status.as_str())
    .bind(payment.paid_at)
    .bind(now)
    .bind(payment.order_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn complete(conn: &mut AnyConnection, id: i64, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE orders SET status = 'completed', completed_at = $1, updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn cancel(conn: &mut AnyConnection, id: i64, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE orders SET status = 'cancelled', cancelled_at = $1, updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
