//! SQL for categories.

use sqlx::AnyConnection;

use super::Category;

const COLUMNS: &str = "id, parent_id, name, created_at, updated_at";

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Category>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM categories ORDER BY name, id"
    ))
    .fetch_all(conn)
    .await
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Category>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM categories WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The first category with this exact name, top-level ones first.
pub async fn find_by_name(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<Option<Category>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM categories WHERE name = $1 \
         ORDER BY CASE WHEN parent_id IS NULL THEN 0 ELSE 1 END, id LIMIT 1"
    ))
    .bind(name)
    .fetch_optional(conn)
    .await
}

pub async fn insert(
    conn: &mut AnyConnection,
    parent_id: Option<i64>,
    name: &str,
    now: &str,
) -> Result<Category, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO categories (parent_id, name, created_at, updated_at) \
         VALUES ($1, $2, $3, $3) RETURNING {COLUMNS}"
    ))
    .bind(parent_id)
    .bind(name)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    parent_id: Option<i64>,
    name: &str,
    now: &str,
) -> Result<Option<Category>, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE categories SET parent_id = $1, name = $2, updated_at = $3 \
         WHERE id = $4 RETURNING {COLUMNS}"
    ))
    .bind(parent_id)
    .bind(name)
    .bind(now)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// How many products and child categories hang off a category.
pub async fn usage(conn: &mut AnyConnection, id: i64) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM products WHERE category_id = $1), \
                (SELECT COUNT(*) FROM categories WHERE parent_id = $1)",
    )
    .bind(id)
    .fetch_one(conn)
    .await
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("DELETE FROM categories WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(result.rows_affected())
}
