//! Variant rules: codes unique across all variants, and the default variant
//! kept for as long as its product.

use sqlx::{AnyConnection, AnyPool};

use super::{
    model::{CodeMatch, Removal},
    repo,
    service::{duplicate_code, not_found, require_free_codes},
    variant_repo, Variant, VariantRequest,
};
use crate::{clock, db, validate::Problem, AppError};

pub async fn variants(db: &AnyPool, product_id: i64) -> Result<Vec<Variant>, AppError> {
    let mut conn = db.acquire().await?;
    repo::find(&mut conn, product_id)
        .await?
        .ok_or_else(|| not_found(product_id))?;
    Ok(variant_repo::variants_of(&mut conn, product_id).await?)
}

/// The variant whose SKU or barcode is `code`, with its product, whether or
/// not they are still for sale; a SKU wins over another variant's equal barcode.
pub async fn lookup(db: &AnyPool, code: &str) -> Result<CodeMatch, AppError> {
    let code = code.trim();
    let mut conn = db.acquire().await?;
    let (variant_id, product_id, _) = variant_repo::variant_by_code(&mut conn, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No variant has the SKU or barcode {code}.")))?;
    let product = repo::find(&mut conn, product_id)
        .await?
        .ok_or_else(|| not_found(product_id))?;
    let variant = find_variant(&mut conn, product_id, variant_id).await?;
    Ok(CodeMatch { product, variant })
}

pub async fn create_variant(
    db: &AnyPool,
    product_id: i64,
    request: VariantRequest,
) -> Result<Variant, AppError> {
    let mut tx = db::begin_write(db).await?;
    let variant = add_variant(&mut tx, product_id, &request).await?;
    tx.commit().await?;
    Ok(variant)
}

/// Adds a non-default variant to a product, on the caller's connection.
pub async fn add_variant(
    conn: &mut AnyConnection,
    product_id: i64,
    request: &VariantRequest,
) -> Result<Variant, AppError> {
    let input = request.validate()?;
    repo::find(conn, product_id)
        .await?
        .ok_or_else(|| not_found(product_id))?;
    require_free_codes(conn, &input, None).await?;
    let id = variant_repo::insert_variant(conn, product_id, &input, false, &clock::now_utc())
        .await
        .map_err(duplicate_code)?;
    find_variant(conn, product_id, id).await
}

pub async fn update_variant(
    db: &AnyPool,
    product_id: i64,
    variant_id: i64,
    request: VariantRequest,
) -> Result<Variant, AppError> {
    let mut tx = db::begin_write(db).await?;
    let variant = change_variant(&mut tx, product_id, variant_id, &request).await?;
    tx.commit().await?;
    Ok(variant)
}

/// Rewrites a variant, on the caller's connection.
pub async fn change_variant(
    conn: &mut AnyConnection,
    product_id: i64,
    variant_id: i64,
    request: &VariantRequest,
) -> Result<Variant, AppError> {
    let input = request.validate()?;
    let existing = find_variant(conn, product_id, variant_id).await?;
    if existing.is_default && !input.active {
        return Err(AppError::invalid("active", Problem::DefaultVariantInactive));
    }
    require_free_codes(conn, &input, Some(variant_id)).await?;
    variant_repo::update_variant(conn, variant_id, &input, &clock::now_utc())
        .await
        .map_err(duplicate_code)?;
    find_variant(conn, product_id, variant_id).await
}

/// Deletes a variant nothing refers to, or deactivates it; never the default.
pub async fn delete_variant(
    db: &AnyPool,
    product_id: i64,
    variant_id: i64,
) -> Result<Removal, AppError> {
    let mut tx = db::begin_write(db).await?;
    let variant = find_variant(&mut tx, product_id, variant_id).await?;
    if variant.is_default {
        return Err(AppError::Conflict(
            "The default variant cannot be removed; remove the product instead.".into(),
        ));
    }
    let removal = if repo::has_history(&mut tx, product_id, Some(variant_id)).await? {
        variant_repo::deactivate_variant(&mut tx, variant_id, &clock::now_utc()).await?;
        Removal::Deactivated
    } else {
        variant_repo::delete_variant(&mut tx, variant_id).await?;
        Removal::Deleted
    };
    tx.commit().await?;
    Ok(removal)
}

async fn find_variant(
    conn: &mut AnyConnection,
    product_id: i64,
    variant_id: i64,
) -> Result<Variant, AppError> {
    variant_repo::find_variant(conn, product_id, variant_id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!("Product {product_id} has no variant {variant_id}."))
        })
}
