//! Category rules: names unique among siblings, no cycles, no deleting a
//! category that is still in use.

use std::collections::HashMap;

use sqlx::{AnyConnection, AnyPool};

use super::{repo, Category, CategoryRequest};
use crate::{
    clock, db,
    error::is_unique_violation,
    validate::{Problem, Problems},
    AppError,
};

const NAME_MAX_CHARS: usize = 100;

pub async fn list(db: &AnyPool) -> Result<Vec<Category>, AppError> {
    let mut conn = db.acquire().await?;
    Ok(repo::list(&mut conn).await?)
}

pub async fn get(db: &AnyPool, id: i64) -> Result<Category, AppError> {
    let mut conn = db.acquire().await?;
    repo::find(&mut conn, id)
        .await?
        .ok_or_else(|| not_found(id))
}

pub async fn create(db: &AnyPool, request: CategoryRequest) -> Result<Category, AppError> {
    let name = validate(&request)?;
    let mut tx = db::begin_write(db).await?;
    if let Some(parent_id) = request.parent_id {
        require_parent(&mut tx, parent_id).await?;
    }
    let category = repo::insert(&mut tx, request.parent_id, &name, &clock::now_utc())
        .await
        .map_err(duplicate_name)?;
    tx.commit().await?;
    Ok(category)
}

pub async fn update(db: &AnyPool, id: i64, request: CategoryRequest) -> Result<Category, AppError> {
    let name = validate(&request)?;
    let mut tx = db::begin_write(db).await?;
    if let Some(parent_id) = request.parent_id {
        require_parent(&mut tx, parent_id).await?;
        refuse_cycle(&mut tx, id, parent_id).await?;
    }
    let category = repo::update(&mut tx, id, request.parent_id, &name, &clock::now_utc())
        .await
        .map_err(duplicate_name)?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(category)
}

pub async fn delete(db: &AnyPool, id: i64) -> Result<(), AppError> {
    let mut tx = db::begin_write(db).await?;
    repo::find(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let (products, children) = repo::usage(&mut tx, id).await?;
    if products > 0 || children > 0 {
        return Err(AppError::Conflict(format!(
            "Category {id} still has {products} product(s) and {children} subcategory(ies)."
        )));
    }
    repo::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

/// The category with this name, created at the top level when there is none;
/// used by the CSV import and the demo seed, which name categories in text.
pub async fn find_or_create_by_name(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<Category, sqlx::Error> {
    match repo::find_by_name(conn, name).await? {
        Some(category) => Ok(category),
        None => repo::insert(conn, None, name, &clock::now_utc()).await,
    }
}

/// Every category's name by id, for exports that name categories in text.
pub async fn list_names(conn: &mut AnyConnection) -> Result<HashMap<i64, String>, sqlx::Error> {
    let categories = repo::list(conn).await?;
    Ok(categories.into_iter().map(|c| (c.id, c.name)).collect())
}

fn validate(request: &CategoryRequest) -> Result<String, AppError> {
    let mut problems = Problems::default();
    let name = problems.text("name", request.name.as_deref(), NAME_MAX_CHARS);
    problems.finish()?;
    Ok(name)
}

async fn require_parent(conn: &mut AnyConnection, parent_id: i64) -> Result<(), AppError> {
    match repo::find(conn, parent_id).await? {
        Some(_) => Ok(()),
        None => Err(AppError::invalid("parentId", Problem::NoSuchCategory)),
    }
}

/// Walks up from the new parent; meeting the category itself would make a loop.
async fn refuse_cycle(conn: &mut AnyConnection, id: i64, parent_id: i64) -> Result<(), AppError> {
    let mut ancestor = Some(parent_id);
    while let Some(current) = ancestor {
        if current == id {
            return Err(AppError::invalid("parentId", Problem::CategoryCycle));
        }
        ancestor = repo::find(conn, current).await?.and_then(|c| c.parent_id);
    }
    Ok(())
}

fn duplicate_name(err: sqlx::Error) -> AppError {
    if is_unique_violation(&err) {
        AppError::Conflict("A category with this name already exists at this level.".into())
    } else {
        err.into()
    }
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("Category {id} does not exist."))
}
