//! Catalog rules: unique codes, a default variant per product, and removal
//! that never breaks an old order or the stock ledger.

use sqlx::{AnyConnection, AnyPool};

use super::{
    model::{ProductDetail, ProductInput, ProductRequest, Removal},
    repo,
    variant_model::VariantInput,
    variant_repo::{self, CodeColumn},
    Product,
};
use crate::{
    api::PageMeta,
    clock, db,
    error::is_unique_violation,
    filter::{Arg, Filter},
    pagination::Pagination,
    search,
    validate::Problem,
    AppError,
};

/// What a product list is narrowed to.
#[derive(Debug, Default, Clone)]
pub struct ProductFilter {
    /// An exact SKU or barcode of any variant, or else a part of the name.
    pub search: Option<String>,
    pub category_id: Option<i64>,
    pub include_inactive: bool,
}

pub async fn list(
    db: &AnyPool,
    wanted: ProductFilter,
    page: Pagination,
) -> Result<(Vec<Product>, PageMeta), AppError> {
    let mut filter = Filter::default();
    if !wanted.include_inactive {
        filter.push("p.active = 1", []);
    }
    if let Some(category_id) = wanted.category_id {
        filter.push("p.category_id = {0}", [Arg::Int(category_id)]);
    }
    let mut conn = db.acquire().await?;
    if let Some(term) = wanted
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        // A scanned barcode or a typed SKU names its product exactly; answer
        // from the unique indexes before scanning names, so a scan at the till
        // stays instant however large the catalog.
        let mut exact = filter.clone();
        exact.push(
            "p.id IN (SELECT product_id FROM product_variants WHERE sku = {0} OR barcode = {0})",
            [Arg::Text(term.to_owned())],
        );
        let total = repo::count(&mut conn, &exact).await?;
        if total > 0 {
            let products = repo::list(&mut conn, &exact, page).await?;
            return Ok((products, page.meta(total)));
        }
        let (condition, pattern) = search::product_name_contains(&conn, &search::fold(term));
        filter.push(condition, [Arg::Text(pattern)]);
    }
    let products = repo::list(&mut conn, &filter, page).await?;
    let total = repo::count(&mut conn, &filter).await?;
    Ok((products, page.meta(total)))
}

pub async fn get(db: &AnyPool, id: i64) -> Result<ProductDetail, AppError> {
    let mut conn = db.acquire().await?;
    detail(&mut conn, id).await
}

pub async fn create(db: &AnyPool, request: ProductRequest) -> Result<ProductDetail, AppError> {
    let input = request.validate()?;
    let mut tx = db::begin_write(db).await?;
    let id = insert(&mut tx, &input).await?;
    let product = detail(&mut tx, id).await?;
    tx.commit().await?;
    Ok(product)
}

pub async fn update(
    db: &AnyPool,
    id: i64,
    request: ProductRequest,
) -> Result<ProductDetail, AppError> {
    let input = request.validate()?;
    let mut tx = db::begin_write(db).await?;
    let existing = repo::find(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    replace(&mut tx, &existing, &input).await?;
    let product = detail(&mut tx, id).await?;
    tx.commit().await?;
    Ok(product)
}

/// Deletes a product nothing refers to; deactivates one with history.
pub async fn delete(db: &AnyPool, id: i64) -> Result<Removal, AppError> {
    let mut tx = db::begin_write(db).await?;
    repo::find(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let removal = if repo::has_history(&mut tx, id, None).await? {
        repo::deactivate_product(&mut tx, id, &clock::now_utc()).await?;
        Removal::Deactivated
    } else {
        repo::delete_product(&mut tx, id).await?;
        Removal::Deleted
    };
    tx.commit().await?;
    Ok(removal)
}

/// Whether [`upsert_product`] made a new product or changed an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created,
    Updated,
}

/// Creates the product whose default variant has this SKU, or updates it.
/// Runs on the caller's connection so the CSV import can keep each row in a
/// transaction of its own.
pub async fn upsert_product(
    conn: &mut AnyConnection,
    input: &ProductInput,
) -> Result<(Product, UpsertOutcome), AppError> {
    let (product_id, outcome) =
        match variant_repo::code_owner(conn, CodeColumn::Sku, &input.sku).await? {
            None => (insert(conn, input).await?, UpsertOutcome::Created),
            Some((_, product_id)) => {
                let existing = repo::find(conn, product_id)
                    .await?
                    .ok_or_else(|| not_found(product_id))?;
                if existing.sku != input.sku {
                    return Err(AppError::Duplicate {
                        field: "sku".into(),
                        problem: Problem::SkuOfVariant {
                            sku: input.sku.clone(),
                            product_id,
                        },
                    });
                }
                replace(conn, &existing, input).await?;
                (product_id, UpsertOutcome::Updated)
            }
        };
    let product = repo::find(conn, product_id)
        .await?
        .ok_or_else(|| not_found(product_id))?;
    Ok((product, outcome))
}

/// The variant a scanned or typed SKU or barcode names: its id, its
/// product's and its SKU.
pub async fn variant_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    variant_repo::variant_by_code(conn, code).await
}

/// The product whose default variant has this SKU.
pub async fn find_by_sku(conn: &mut AnyConnection, sku: &str) -> Result<Option<Product>, AppError> {
    let Some((_, product_id)) = variant_repo::code_owner(conn, CodeColumn::Sku, sku).await? else {
        return Ok(None);
    };
    let product = repo::find(conn, product_id).await?;
    Ok(product.filter(|product| product.sku == sku))
}

pub(super) async fn detail(conn: &mut AnyConnection, id: i64) -> Result<ProductDetail, AppError> {
    let product = repo::find(conn, id).await?.ok_or_else(|| not_found(id))?;
    let variants = variant_repo::variants_of(conn, id).await?;
    Ok(ProductDetail { product, variants })
}

async fn insert(conn: &mut AnyConnection, input: &ProductInput) -> Result<i64, AppError> {
    require_category(conn, input.category_id).await?;
    let variant = input.default_variant();
    require_free_codes(conn, &variant, None).await?;
    let now = clock::now_utc();
    let id = repo::insert_product(conn, input, &now).await?;
    variant_repo::insert_variant(conn, id, &variant, true, &now)
        .await
        .map_err(duplicate_code)?;
    Ok(id)
}

/// Writes `input` over an existing product and its default variant.
async fn replace(
    conn: &mut AnyConnection,
    existing: &Product,
    input: &ProductInput,
) -> Result<(), AppError> {
    require_category(conn, input.category_id).await?;
    let variant = input.default_variant();
    require_free_codes(conn, &variant, Some(existing.default_variant_id)).await?;
    let now = clock::now_utc();
    repo::update_product(conn, existing.id, input, &now).await?;
    // Only what the product's own fields describe; the default variant's
    // name and attributes (a size, say) are edited through the variant.
    repo::update_default_variant(conn, existing.default_variant_id, input, &now)
        .await
        .map_err(duplicate_code)?;
    Ok(())
}

async fn require_category(
    conn: &mut AnyConnection,
    category_id: Option<i64>,
) -> Result<(), AppError> {
    let Some(category_id) = category_id else {
        return Ok(());
    };
    if repo::category_exists(conn, category_id).await? {
        Ok(())
    } else {
        Err(AppError::invalid("categoryId", Problem::NoSuchCategory))
    }
}

/// Refuses a SKU or barcode already used by another variant, naming which.
pub(super) async fn require_free_codes(
    conn: &mut AnyConnection,
    variant: &VariantInput,
    own_variant_id: Option<i64>,
) -> Result<(), AppError> {
    let codes = [
        (CodeColumn::Sku, "sku", Some(&variant.sku)),
        (CodeColumn::Barcode, "barcode", variant.barcode.as_ref()),
    ];
    for (column, field, code) in codes {
        let Some(code) = code else { continue };
        if let Some((owner, product_id)) = variant_repo::code_owner(conn, column, code).await? {
            if Some(owner) != own_variant_id {
                let problem = match column {
                    CodeColumn::Sku => Problem::SkuTaken {
                        sku: code.clone(),
                        product_id,
                    },
                    CodeColumn::Barcode => Problem::BarcodeTaken {
                        barcode: code.clone(),
                        product_id,
                    },
                };
                return Err(AppError::Duplicate {
                    field: field.into(),
                    problem,
                });
            }
        }
    }
    Ok(())
}

/// The unique indexes still guard against a request racing past the check.
pub(super) fn duplicate_code(err: sqlx::Error) -> AppError {
    if is_unique_violation(&err) {
        AppError::Conflict("This SKU or barcode is already used by another variant.".into())
    } else {
        err.into()
    }
}

pub(super) fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("Product {id} does not exist."))
}
