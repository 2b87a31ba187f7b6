//! SQL for customers.

use sqlx::AnyConnection;

use super::{service::CustomerInput, Customer};
use crate::{filter::Filter, pagination::Pagination};

const COLUMNS: &str = "id, name, phone, email, address, points, notes, created_at, updated_at, \
                       province_id, district_id, commune_id";

pub async fn list(
    conn: &mut AnyConnection,
    filter: &Filter,
    page: Pagination,
) -> Result<Vec<Customer>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM customers c {} ORDER BY c.name, c.id LIMIT {} OFFSET {}",
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
    let sql = format!("SELECT COUNT(*) FROM customers c {}", filter.where_clause());
    filter
        .bind_to_scalar(sqlx::query_scalar(&sql))
        .fetch_one(conn)
        .await
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Customer>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM customers WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn find_by_phone(
    conn: &mut AnyConnection,
    phone: &str,
) -> Result<Option<Customer>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM customers WHERE phone = $1"))
        .bind(phone)
        .fetch_optional(conn)
        .await
}

pub async fn insert(
    conn: &mut AnyConnection,
    input: &CustomerInput,
    now: &str,
) -> Result<Customer, sqlx::Error> {
    let area = input.area.clone().unwrap_or_default();
    sqlx::query_as(&format!(
        "INSERT INTO customers (name, search_name, phone, email, address, points, notes, \
                                created_at, updated_at, province_id, district_id, commune_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11) RETURNING {COLUMNS}"
    ))
    .bind(&input.name)
    .bind(&input.search_name)
    .bind(&input.phone)
    .bind(&input.email)
    .bind(&input.address)
    .bind(input.points.unwrap_or(0))
    .bind(&input.notes)
    .bind(now)
    .bind(area.province_id)
    .bind(area.district_id)
    .bind(area.commune_id)
    .fetch_one(conn)
    .await
}

/// Replaces a customer's details; `points: None` keeps the balance
/// and `area: None` where they are.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    input: &CustomerInput,
    now: &str,
) -> Result<Option<Customer>, sqlx::Error> {
    let area = input.area.as_ref();
    let keep_area = area.is_none();
    let area = area.cloned().unwrap_or_default();
    sqlx::query_as(&format!(
        "UPDATE customers SET name = $1, search_name = $2, phone = $3, email = $4, \
                address = $5, points = COALESCE($6, points), notes = $7, updated_at = $8, \
                province_id = CASE WHEN $10 = 1 THEN province_id ELSE $11 END, \
                district_id = CASE WHEN $10 = 1 THEN district_id ELSE $12 END, \
                commune_id = CASE WHEN $10 = 1 THEN commune_id ELSE $13 END \
         WHERE id = $9 RETURNING {COLUMNS}"
    ))
    .bind(&input.name)
    .bind(&input.search_name)
    .bind(&input.phone)
    .bind(&input.email)
    .bind(&input.address)
    .bind(input.points)
    .bind(&input.notes)
    .bind(now)
    .bind(id)
    .bind(i64::from(keep_area))
    .bind(area.province_id)
    .bind(area.district_id)
    .bind(area.commune_id)
    .fetch_optional(conn)
    .await
}
