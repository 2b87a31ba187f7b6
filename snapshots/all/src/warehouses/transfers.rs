//! Moving stock between warehouses. A transfer is done at once: in one
//! transaction every line leaves its warehouse as a `TRANSFER_OUT` movement
//! and enters the other as a `TRANSFER_IN` of the same quantity, so the
//! shop's total never changes and each warehouse's stock still equals its
//! ledger. If any line lacks stock, nothing moves.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, AnyPool};

use super::{
    model::{Transfer, TransferLineRequest, TransferRequest},
    repo,
};
use crate::{
    api::{PageMeta, StockShortage},
    attribution::Attribution,
    catalog, clock, db,
    inventory::{
        self,
        ledger::{self, MovementKind, NewMovement, Posted},
    },
    pagination::Pagination,
    validate::{Problem, Problems},
    AppError,
};

/// Enough for a lorry load; a bigger move can be split.
pub const MAX_LINES: usize = 500;
const MAX_QUANTITY: i64 = 1_000_000_000;
const NOTE_MAX_CHARS: usize = 500;
const CODE_MAX_CHARS: usize = 64;

/// Moves the request's lines from one open warehouse to another.
pub async fn create(
    db: &AnyPool,
    request: &TransferRequest,
    by: &Attribution,
) -> Result<Transfer, AppError> {
    let (from, to, note, lines) = check(request)?;
    let mut tx = db::begin_write(db).await?;
    let from_code = open_warehouse(&mut tx, from, "fromWarehouseId").await?;
    let to_code = open_warehouse(&mut tx, to, "toWarehouseId").await?;
    let wanted = resolve(&mut tx, &lines).await?;

    let now = clock::now_utc();
    let actor = by.name();
    let transfer_id = repo::insert_transfer(&mut tx, from, to, &note, actor, &now).await?;
    let number = repo::transfer_number(transfer_id);
    let mut shortages = Vec::new();
    for (&variant_id, item) in &wanted {
        let out = NewMovement {
            variant_id,
            warehouse_id: from,
            quantity: -item.quantity,
            kind: MovementKind::TransferOut,
            reason: format!("{number} → {to_code}"),
            order_id: None,
            actor: actor.map(str::to_owned),
        };
        // A transfer never takes a warehouse below zero, even in a shop that
        // sells into negative stock: what is not on the shelf cannot travel.
        let out_id = match ledger::post(&mut tx, &out, false).await? {
            Posted::Done(id) => id,
            Posted::Short { available } => {
                shortages.push(StockShortage {
                    product_id: item.product_id,
                    variant_id,
                    sku: item.sku.clone(),
                    requested: item.quantity,
                    available,
                });
                continue;
            }
        };
        let into = NewMovement {
            warehouse_id: to,
            quantity: item.quantity,
            kind: MovementKind::TransferIn,
            reason: format!("{number} ← {from_code}"),
            ..out
        };
        let Posted::Done(in_id) = ledger::post(&mut tx, &into, false).await? else {
            unreachable!("adding stock is never short");
        };
        repo::insert_transfer_line(
            &mut tx,
            transfer_id,
            variant_id,
            item.quantity,
            (out_id, in_id),
        )
        .await?;
    }
    if !shortages.is_empty() {
        tx.rollback().await?;
        let skus: Vec<_> = shortages.iter().map(|s| s.sku.as_str()).collect();
        return Err(AppError::InsufficientStock {
            message: format!("Not enough stock in {from_code} for {}.", skus.join(", ")),
            shortages,
        });
    }
    let transfer = repo::find_transfer(&mut tx, transfer_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("transfer {transfer_id} vanished"))?;
    tx.commit().await?;
    Ok(transfer)
}

pub async fn get(db: &AnyPool, id: i64) -> Result<Transfer, AppError> {
    let mut conn = db.acquire().await?;
    repo::find_transfer(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound("No such transfer.".into()))
}

/// Newest first, without their lines; only those in or out of
/// `warehouse_id` when given.
pub async fn list(
    db: &AnyPool,
    warehouse_id: Option<i64>,
    page: Pagination,
) -> Result<(Vec<Transfer>, PageMeta), AppError> {
    let mut conn = db.acquire().await?;
    let transfers = repo::transfers(&mut conn, warehouse_id, page).await?;
    let total = repo::count_transfers(&mut conn, warehouse_id).await?;
    Ok((transfers, page.meta(total)))
}

/// The request's fields, checked; lines keep their order.
fn check(
    request: &TransferRequest,
) -> Result<(i64, i64, String, Vec<TransferLineRequest>), AppError> {
    let mut problems = Problems::default();
    let from = problems.number("fromWarehouseId", request.from_warehouse_id, 1..=i64::MAX);
    let to = problems.number("toWarehouseId", request.to_warehouse_id, 1..=i64::MAX);
    if request.from_warehouse_id.is_some() && from == to {
        problems.add(
            "toWarehouseId",
            Problem::Worded("must differ from the warehouse the stock leaves".into()),
        );
    }
    let note = problems
        .optional_text("note", request.note.as_deref(), NOTE_MAX_CHARS)
        .unwrap_or_default();
    let lines = request.lines.clone().unwrap_or_default();
    if lines.is_empty() {
        problems.add("lines", Problem::NoItems);
    } else if lines.len() > MAX_LINES {
        problems.add("lines", Problem::TooManyItems(MAX_LINES));
    }
    for (index, line) in lines.iter().enumerate() {
        let field = |name: &str| format!("lines[{index}].{name}");
        problems.number(&field("quantity"), line.quantity, 1..=MAX_QUANTITY);
        let named = [
            line.variant_id.is_some(),
            line.product_id.is_some(),
            line.code
                .as_deref()
                .is_some_and(|code| !code.trim().is_empty()),
        ];
        problems.check(
            named.iter().any(|named| *named),
            field("variantId"),
            Problem::Worded("name the item by variantId, productId or code".into()),
        );
        if let Some(code) = &line.code {
            problems.check(
                code.trim().chars().count() <= CODE_MAX_CHARS,
                field("code"),
                Problem::TooLong(CODE_MAX_CHARS),
            );
        }
    }
    problems.finish()?;
    Ok((from, to, note, lines))
}

/// The code of warehouse `id`, if it exists and is open.
async fn open_warehouse(
    conn: &mut AnyConnection,
    id: i64,
    field: &str,
) -> Result<String, AppError> {
    match repo::find(conn, id).await? {
        Some(warehouse) if warehouse.active => Ok(warehouse.code),
        Some(warehouse) => Err(AppError::invalid(
            field,
            Problem::Worded(format!("warehouse {} is closed", warehouse.code)),
        )),
        None => Err(AppError::invalid(field, Problem::NoSuchWarehouse)),
    }
}

/// What one variant of a transfer moves.
struct Wanted {
    product_id: i64,
    sku: String,
    quantity: i64,
}

/// The variant each line names; lines naming the same variant add up, as
/// when an item is scanned twice.
async fn resolve(
    conn: &mut AnyConnection,
    lines: &[TransferLineRequest],
) -> Result<BTreeMap<i64, Wanted>, AppError> {
    let mut problems = Problems::default();
    let mut wanted: BTreeMap<i64, Wanted> = BTreeMap::new();
    for (index, line) in lines.iter().enumerate() {
        let found = if let Some(code) = line
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            catalog::service::variant_by_code(conn, code).await?
        } else {
            let product_id = match (line.product_id, line.variant_id) {
                (Some(product_id), _) => Some(product_id),
                (None, Some(variant_id)) => repo::product_of(conn, variant_id).await?,
                (None, None) => None,
            };
            match product_id {
                Some(product_id) => {
                    inventory::repo::resolve_variant(conn, product_id, line.variant_id)
                        .await?
                        .map(|(variant_id, sku)| (variant_id, product_id, sku))
                }
                None => None,
            }
        };
        let Some((variant_id, product_id, sku)) = found else {
            problems.add(format!("lines[{index}]"), Problem::NoSuchVariant);
            continue;
        };
        let quantity = line.quantity.unwrap_or_default();
        let entry = wanted.entry(variant_id).or_insert(Wanted {
            product_id,
            sku,
            quantity: 0,
        });
        entry.quantity += quantity;
        problems.in_range(
            &format!("lines[{index}].quantity"),
            entry.quantity,
            1..=MAX_QUANTITY,
        );
    }
    problems.finish()?;
    Ok(wanted)
}
