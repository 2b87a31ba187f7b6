//! Stock count rules: one open count per warehouse, counts entered only while
//! counting, and a submitted count applied once, by a manager, as one
//! ADJUSTMENT per line that differs.
//!
//! Each line keeps the on hand it was compared with when it was counted
//! (`expected`). The till may go on selling during the count; applying posts
//! `counted - expected`, not "set stock to counted", so a unit sold after it
//! was counted is taken off once, by its sale, and never again by the count.

use sqlx::{AnyConnection, AnyPool};

use super::{
    model::{number, CountMode, CountRequest, StartRequest, Status, Stocktake, StocktakeLine},
    repo::{self, Count},
};
use crate::{
    api::{PageMeta, StockShortage},
    attribution::Attribution,
    catalog, clock,
    config::SalesRules,
    db,
    error::is_unique_violation,
    inventory::ledger::{self, MovementKind, NewMovement, Posted},
    pagination::Pagination,
    validate::{Problem, Problems},
    AppError,
};

/// Far above any shelf; a typo of many digits is refused.
pub const MAX_QUANTITY: i64 = 1_000_000_000;
const NOTE_MAX_CHARS: usize = 500;
const CODE_MAX_CHARS: usize = 64;

/// Starts counting an open warehouse (the default one when none is named),
/// or one category of it.
pub async fn start(
    db: &AnyPool,
    request: &StartRequest,
    by: &Attribution,
) -> Result<Stocktake, AppError> {
    let mut problems = Problems::default();
    if let Some(id) = request.warehouse_id {
        problems.in_range("warehouseId", id, 1..=i64::MAX);
    }
    if let Some(id) = request.category_id {
        problems.in_range("categoryId", id, 1..=i64::MAX);
    }
    let note = problems
        .optional_text("note", request.note.as_deref(), NOTE_MAX_CHARS)
        .unwrap_or_default();
    problems.finish()?;

    let mut tx = db::begin_write(db).await?;
    let warehouse_id = open_warehouse(&mut tx, request.warehouse_id).await?;
    if let Some(category_id) = request.category_id {
        if !repo::category_exists(&mut tx, category_id).await? {
            return Err(AppError::invalid("categoryId", Problem::NoSuchCategory));
        }
    }
    if let Some(open) = repo::open_in(&mut tx, warehouse_id).await? {
        return Err(already_open(open));
    }
    let now = clock::now_utc();
    let id = match repo::insert(
        &mut tx,
        warehouse_id,
        request.category_id,
        &note,
        by.name(),
        &now,
    )
    .await
    {
        Ok(id) => id,
        // Another count of the warehouse was started in the meantime.
        Err(err) if is_unique_violation(&err) => {
            drop(tx);
            let mut conn = db.acquire().await?;
            let open = repo::open_in(&mut conn, warehouse_id).await?;
            return Err(open.map_or_else(|| err.into(), already_open));
        }
        Err(err) => return Err(err.into()),
    };
    let started = detail(&mut tx, id).await?;
    tx.commit().await?;
    Ok(started)
}

fn already_open(id: i64) -> AppError {
    AppError::Conflict(format!(
        "Stock count {} of this warehouse is still open; finish or cancel it first.",
        number(id)
    ))
}

/// The warehouse named (which must exist and be open), or the default one.
async fn open_warehouse(conn: &mut AnyConnection, named: Option<i64>) -> Result<i64, AppError> {
    if let Some(id) = ledger::stock_warehouse(conn, named).await? {
        return Ok(id);
    }
    let problem = match named {
        Some(id) => match repo::warehouse_code(conn, id).await? {
            Some(code) => Problem::Worded(format!("warehouse {code} is closed")),
            None => Problem::NoSuchWarehouse,
        },
        None => Problem::NoSuchWarehouse,
    };
    Err(AppError::invalid("warehouseId", problem))
}

/// The uncounted items a stock count shows: counting a whole warehouse, the
/// page and the API answer after every scan must not carry the catalogue.
const UNCOUNTED_SHOWN: i64 = 50;

/// One stock count with its lines and the first items in scope not yet
/// counted.
pub async fn get(db: &AnyPool, id: i64) -> Result<Stocktake, AppError> {
    let mut conn = db.acquire().await?;
    detail(&mut conn, id).await
}

async fn detail(conn: &mut AnyConnection, id: i64) -> Result<Stocktake, AppError> {
    let mut stocktake = repo::find(conn, id).await?.ok_or_else(not_found)?;
    stocktake.lines = repo::lines(conn, id).await?;
    stocktake.uncounted = repo::uncounted(conn, &stocktake, UNCOUNTED_SHOWN).await?;
    stocktake.uncounted_items = repo::count_uncounted(conn, &stocktake).await?;
    Ok(stocktake)
}

fn not_found() -> AppError {
    AppError::NotFound("No such stock count.".into())
}

/// Newest first, without their lines.
pub async fn list(
    db: &AnyPool,
    status: Option<Status>,
    page: Pagination,
) -> Result<(Vec<Stocktake>, PageMeta), AppError> {
    let mut conn = db.acquire().await?;
    let stocktakes = repo::list(&mut conn, status, page).await?;
    let total = repo::count(&mut conn, status).await?;
    Ok((stocktakes, page.meta(total)))
}

/// Enters a count: a scan adds one (or `quantity`), a number typed by hand
/// replaces what was counted. The line's expected quantity is refreshed to
/// on hand now, so that the count and the books are compared at one moment.
pub async fn count(
    db: &AnyPool,
    id: i64,
    request: &CountRequest,
    by: &Attribution,
) -> Result<StocktakeLine, AppError> {
    let mode = request.mode.unwrap_or_default();
    let code = request
        .code
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty());
    let mut problems = Problems::default();
    let quantity = match mode {
        CountMode::Add => request.quantity.unwrap_or(1),
        CountMode::Set => problems.number("quantity", request.quantity, 0..=MAX_QUANTITY),
    };
    if mode == CountMode::Add {
        problems.in_range("quantity", quantity, -MAX_QUANTITY..=MAX_QUANTITY);
        problems.check(quantity != 0, "quantity", Problem::NotZero);
    }
    match code {
        Some(code) => problems.check(
            code.chars().count() <= CODE_MAX_CHARS,
            "code",
            Problem::TooLong(CODE_MAX_CHARS),
        ),
        None => problems.check(
            request.variant_id.is_some(),
            "code",
            Problem::Worded("scan or type a SKU or barcode".into()),
        ),
    }
    problems.finish()?;

    let mut tx = db::begin_write(db).await?;
    let stocktake = repo::find(&mut tx, id).await?.ok_or_else(not_found)?;
    let now = clock::now_utc();
    if !repo::touch_counting(&mut tx, id, &now).await? {
        return Err(not_counting(&stocktake));
    }
    let (variant_id, sku, field) = match code {
        Some(code) => match catalog::service::variant_by_code(&mut tx, code).await? {
            Some((variant_id, _, sku)) => (variant_id, sku, "code"),
            None => {
                return Err(AppError::invalid(
                    "code",
                    Problem::Worded(format!("no product has the SKU or barcode {code}")),
                ))
            }
        },
        None => {
            let variant_id = request.variant_id.unwrap_or_default();
            match repo::variant_sku(&mut tx, variant_id).await? {
                Some(sku) => (variant_id, sku, "variantId"),
                None => return Err(AppError::invalid("variantId", Problem::NoSuchVariant)),
            }
        }
    };
    if let Some(category_id) = stocktake.category_id {
        if !repo::in_scope(&mut tx, category_id, variant_id).await? {
            let category = stocktake.category_name.as_deref().unwrap_or_default();
            return Err(AppError::invalid(
                field,
                Problem::Worded(format!(
                    "{sku} is not in category {category}, which this count covers"
                )),
            ));
        }
    }
    let before = repo::counted(&mut tx, id, variant_id).await?;
    let counted = match mode {
        CountMode::Add => before.unwrap_or(0) + quantity,
        CountMode::Set => quantity,
    };
    if !(0..=MAX_QUANTITY).contains(&counted) {
        return Err(AppError::invalid(
            "quantity",
            Problem::Worded(format!(
                "{sku} would be counted as {counted}; a count is 0 to {MAX_QUANTITY}"
            )),
        ));
    }
    let expected = ledger::on_hand(&mut tx, variant_id, stocktake.warehouse_id).await?;
    let entry = Count {
        stocktake_id: id,
        variant_id,
        counted,
        expected,
        actor: by.name(),
        now: &now,
    };
    repo::save_count(&mut tx, &entry).await?;
    let line = repo::line(&mut tx, id, variant_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the count of {sku} vanished"))?;
    tx.commit().await?;
    Ok(line)
}

fn not_counting(stocktake: &Stocktake) -> AppError {
    AppError::Conflict(format!(
        "Stock count {} is {}; counts are entered only while it is counting.",
        stocktake.number,
        stocktake.status.as_str()
    ))
}

/// Ends counting and hands the count to a manager.
pub async fn submit(db: &AnyPool, id: i64, by: &Attribution) -> Result<Stocktake, AppError> {
    let mut tx = db::begin_write(db).await?;
    let stocktake = repo::find(&mut tx, id).await?.ok_or_else(not_found)?;
    if stocktake.status == Status::Counting && stocktake.counted_items == 0 {
        return Err(AppError::Conflict(format!(
            "Nothing was counted in stock count {} yet.",
            stocktake.number
        )));
    }
    let now = clock::now_utc();
    let moved = repo::transition(
        &mut tx,
        id,
        &[Status::Counting],
        Status::Submitted,
        by.name(),
        &now,
    )
    .await?;
    if !moved {
        return Err(refused(&mut tx, id, "submitted").await);
    }
    let submitted = detail(&mut tx, id).await?;
    tx.commit().await?;
    Ok(submitted)
}

/// Gives up a count that was not applied; stock is left as it is.
pub async fn cancel(db: &AnyPool, id: i64, by: &Attribution) -> Result<Stocktake, AppError> {
    let mut tx = db::begin_write(db).await?;
    let now = clock::now_utc();
    let from = [Status::Counting, Status::Submitted];
    if !repo::transition(&mut tx, id, &from, Status::Cancelled, by.name(), &now).await? {
        return Err(refused(&mut tx, id, "cancelled").await);
    }
    let cancelled = detail(&mut tx, id).await?;
    tx.commit().await?;
    Ok(cancelled)
}

/// Approves a submitted count and posts each line's variance as an
/// ADJUSTMENT, all in one transaction: the status moves first with a
/// conditional update, so two managers approving at once apply it once.
/// If a shortfall cannot be taken (stock would go below zero in a shop that
/// does not allow it), nothing is applied.
pub async fn apply(
    db: &AnyPool,
    rules: SalesRules,
    id: i64,
    by: &Attribution,
) -> Result<Stocktake, AppError> {
    let mut tx = db::begin_write(db).await?;
    let now = clock::now_utc();
    let actor = by.name();
    let moved = repo::transition(
        &mut tx,
        id,
        &[Status::Submitted],
        Status::Applied,
        actor,
        &now,
    )
    .await?;
    if !moved {
        return Err(refused(&mut tx, id, "applied").await);
    }
    let stocktake = repo::find(&mut tx, id).await?.ok_or_else(not_found)?;
    if ledger::stock_warehouse(&mut tx, Some(stocktake.warehouse_id))
        .await?
        .is_none()
    {
        return Err(AppError::Conflict(format!(
            "Warehouse {} is closed; stock count {} cannot change its stock.",
            stocktake.warehouse_code, stocktake.number
        )));
    }
    let mut shortages = Vec::new();
    for line in repo::lines(&mut tx, id).await? {
        if line.variance == 0 {
            continue;
        }
        let movement = NewMovement {
            variant_id: line.variant_id,
            warehouse_id: stocktake.warehouse_id,
            quantity: line.variance,
            kind: MovementKind::Adjustment,
            reason: stocktake.number.clone(),
            order_id: None,
            actor: actor.map(str::to_owned),
        };
        match ledger::post(&mut tx, &movement, rules.allow_negative_stock).await? {
            Posted::Done(movement_id) => {
                repo::set_movement(&mut tx, id, line.variant_id, movement_id).await?;
            }
            Posted::Short { available } => shortages.push(StockShortage {
                product_id: line.product_id,
                variant_id: line.variant_id,
                sku: line.sku,
                requested: -line.variance,
                available,
            }),
        }
    }
    if !shortages.is_empty() {
        tx.rollback().await?;
        let skus: Vec<_> = shortages.iter().map(|s| s.sku.as_str()).collect();
        return Err(AppError::InsufficientStock {
            message: format!(
                "Applying {} would take stock below zero for {}; count them again.",
                number(id),
                skus.join(", ")
            ),
            shortages,
        });
    }
    let applied = detail(&mut tx, id).await?;
    tx.commit().await?;
    Ok(applied)
}

/// Why a stock count could not be `action`: it does not exist (404) or its
/// status does not allow it (409).
async fn refused(conn: &mut AnyConnection, id: i64, action: &str) -> AppError {
    match repo::find(conn, id).await {
        Ok(Some(stocktake)) => AppError::Conflict(format!(
            "Stock count {} is {} and cannot be {action}.",
            stocktake.number,
            stocktake.status.as_str()
        )),
        Ok(None) => not_found(),
        Err(err) => err.into(),
    }
}
