//! Inventory rules: every change names its product, a reason for
//! adjustments, and never takes stock below zero unless the shop allows it.

use sqlx::{AnyConnection, AnyPool};

use super::{
    ledger::{self, MovementKind, NewMovement, Posted},
    model::{LowStockItem, Movement, StockChange, StockLevel, StockRequest, Warehouse},
    repo,
};
use crate::{
    api::{PageMeta, StockShortage},
    attribution::Attribution,
    config::SalesRules,
    db,
    filter::{Arg, Filter},
    pagination::Pagination,
    validate::{Problem, Problems},
    AppError,
};

/// The most one movement may change stock by, far above any shop's shelf.
const MAX_QUANTITY: i64 = 1_000_000_000;
const REASON_MAX_CHARS: usize = 500;

/// Corrects stock by a signed quantity; the reason is required.
pub async fn adjust(
    db: &AnyPool,
    rules: SalesRules,
    request: &StockRequest,
    by: &Attribution,
) -> Result<StockChange, AppError> {
    let mut problems = Problems::default();
    let quantity = problems.number("quantity", request.quantity, -MAX_QUANTITY..=MAX_QUANTITY);
    problems.check(quantity != 0, "quantity", Problem::NotZero);
    let reason = problems.text("reason", request.reason.as_deref(), REASON_MAX_CHARS);
    problems.check(request.product_id.is_some(), "productId", Problem::Required);
    problems.finish()?;
    let mut tx = db::begin_write(db).await?;
    let change = change(
        &mut tx,
        rules,
        request,
        quantity,
        MovementKind::Adjustment,
        reason,
        by,
    )
    .await?;
    tx.commit().await?;
    Ok(change)
}

/// Adds stock delivered by a supplier; the quantity must be positive.
pub async fn receive(
    db: &AnyPool,
    rules: SalesRules,
    request: &StockRequest,
    by: &Attribution,
) -> Result<StockChange, AppError> {
    let mut problems = Problems::default();
    let quantity = problems.number("quantity", request.quantity, 1..=MAX_QUANTITY);
    let reason = problems
        .optional_text("reason", request.reason.as_deref(), REASON_MAX_CHARS)
        .unwrap_or_default();
    problems.check(request.product_id.is_some(), "productId", Problem::Required);
    problems.finish()?;
    let mut tx = db::begin_write(db).await?;
    let change = change(
        &mut tx,
        rules,
        request,
        quantity,
        MovementKind::Receipt,
        reason,
        by,
    )
    .await?;
    tx.commit().await?;
    Ok(change)
}

async fn change(
    conn: &mut AnyConnection,
    rules: SalesRules,
    request: &StockRequest,
    quantity: i64,
    kind: MovementKind,
    reason: String,
    by: &Attribution,
) -> Result<StockChange, AppError> {
    let product_id = request.product_id.unwrap_or_default();
    let Some((variant_id, sku)) =
        repo::resolve_variant(conn, product_id, request.variant_id).await?
    else {
        return Err(match request.variant_id {
            Some(_) => AppError::invalid("variantId", Problem::NoSuchVariant),
            None => AppError::invalid("productId", Problem::NoSuchProduct),
        });
    };
    let Some(warehouse_id) = ledger::stock_warehouse(conn, request.warehouse_id).await? else {
        return Err(AppError::invalid("warehouseId", Problem::NoSuchWarehouse));
    };
    let movement = NewMovement {
        variant_id,
        warehouse_id,
        quantity,
        kind,
        reason,
        order_id: None,
        actor: by.name().map(str::to_owned),
    };
    match ledger::post(conn, &movement, rules.allow_negative_stock).await? {
        Posted::Done(id) => Ok(StockChange {
            movement: repo::find_movement(conn, id).await?,
            on_hand: ledger::on_hand(conn, variant_id, warehouse_id).await?,
        }),
        Posted::Short { available } => Err(AppError::InsufficientStock {
            message: format!(
                "Only {available} of {sku} on hand; cannot remove {}.",
                -quantity
            ),
            shortages: vec![StockShortage {
                product_id,
                variant_id,
                sku,
                requested: -quantity,
                available,
            }],
        }),
    }
}

/// Which movements to list.
#[derive(Debug, Default, Clone, Copy)]
pub struct MovementFilter {
    pub product_id: Option<i64>,
    pub variant_id: Option<i64>,
    pub warehouse_id: Option<i64>,
}

pub async fn movements(
    db: &AnyPool,
    wanted: MovementFilter,
    page: Pagination,
) -> Result<(Vec<Movement>, PageMeta), AppError> {
    let mut filter = Filter::default();
    if let Some(id) = wanted.product_id {
        filter.push("v.product_id = {0}", [Arg::Int(id)]);
    }
    if let Some(id) = wanted.variant_id {
        filter.push("m.variant_id = {0}", [Arg::Int(id)]);
    }
    if let Some(id) = wanted.warehouse_id {
        filter.push("m.warehouse_id = {0}", [Arg::Int(id)]);
    }
    let mut conn = db.acquire().await?;
    let movements = repo::movements(&mut conn, &filter, page).await?;
    let total = repo::count_movements(&mut conn, &filter).await?;
    Ok((movements, page.meta(total)))
}

pub async fn levels(
    db: &AnyPool,
    product_id: Option<i64>,
    warehouse_id: Option<i64>,
    page: Pagination,
) -> Result<(Vec<StockLevel>, PageMeta), AppError> {
    let mut filter = Filter::default();
    if let Some(id) = product_id {
        filter.push("v.product_id = {0}", [Arg::Int(id)]);
    }
    if let Some(id) = warehouse_id {
        filter.push("s.warehouse_id = {0}", [Arg::Int(id)]);
    }
    let mut conn = db.acquire().await?;
    let levels = repo::levels(&mut conn, &filter, page).await?;
    let total = repo::count_levels(&mut conn, &filter).await?;
    Ok((levels, page.meta(total)))
}

pub async fn low_stock(
    db: &AnyPool,
    page: Pagination,
) -> Result<(Vec<LowStockItem>, PageMeta), AppError> {
    let mut conn = db.acquire().await?;
    let items = repo::low_stock(&mut conn, page).await?;
    let total = repo::count_low_stock(&mut conn).await?;
    Ok((items, page.meta(total)))
}

pub async fn warehouses(db: &AnyPool) -> Result<Vec<Warehouse>, AppError> {
    let mut conn = db.acquire().await?;
    Ok(repo::warehouses(&mut conn).await?)
}
