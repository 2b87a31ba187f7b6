//! Checkout: turning a cart into an order in one transaction.
//!
//! The order, its lines, its stock movements and the cash handed over with it
//! (when the request carries a payment) are written together, and
//! stock is taken with conditional updates, so a sale either happens whole or
//! not at all: when any line is short, the transaction is rolled back and the
//! response names every short line.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, AnyPool};

use super::{
    model::{Order, OrderRequest},
    order_number, payments,
    pricing::{self, LineInput, PricingError},
    repo::{self, NewLine, NewOrder, Sellable},
    service,
};
use crate::{
    api::StockShortage,
    attribution::Attribution,
    clock,
    config::SalesRules,
    customers, db,
    inventory::ledger::{self, MovementKind, NewMovement, PostedAll},
    validate::{Problem, Problems},
    AppError,
};

/// The most lines one order may have; a till never needs more.
const MAX_LINES: usize = 500;
/// The most units of one line, far above any real sale.
const MAX_QUANTITY: i64 = 1_000_000;
/// Idempotency keys are client-made identifiers such as UUIDs.
const MAX_KEY_CHARS: usize = 200;

/// Whether [`place`] made a new order or found the one made by an earlier
/// request with the same idempotency key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    Created,
    Replayed,
}

/// An item that passed validation.
struct Wanted {
    product_id: i64,
    variant_id: Option<i64>,
    quantity: i64,
    discount: i64,
}

/// Creates an order, pending until paid (or paid at once by the cash the request
/// carries), or returns the order an earlier request with the same idempotency
/// key created. Prices come from the catalog, never the client.
pub async fn place(
    db: &AnyPool,
    rules: SalesRules,
    request: &OrderRequest,
    idempotency_key: Option<&str>,
    by: &Attribution,
) -> Result<(Order, Placed), AppError> {
    let (wanted, order_discount, tendered) = validate(request, idempotency_key)?;
    if let Some(key) = idempotency_key {
        let mut conn = db.acquire().await?;
        if let Some(order) = replay(&mut conn, key).await? {
            return replayed(order, request, &wanted, order_discount);
        }
    }

    let mut tx = db::begin_write(db).await?;
    let items = resolve(&mut tx, request, &wanted).await?;
    let inputs: Vec<LineInput> = items
        .iter()
        .zip(&wanted)
        .map(|(item, wanted)| LineInput {
            unit_price: item.price,
            quantity: wanted.quantity,
            tax_rate: item.tax_rate,
            discount: wanted.discount,
        })
        .collect();
    let priced =
        pricing::price(&inputs, order_discount, rules.tax_inclusive).map_err(pricing_error)?;

    let now = clock::now_utc();
    let Some(warehouse_id) = ledger::stock_warehouse(&mut tx, request.warehouse_id).await? else {
        return Err(AppError::invalid("warehouseId", Problem::NoSuchWarehouse));
    };
    let header = NewOrder {
        customer_id: request.customer_id,
        warehouse_id,
        idempotency_key,
        tax_inclusive: rules.tax_inclusive,
        subtotal: priced.subtotal,
        order_discount,
        discount: priced.discount,
        tax: priced.tax,
        total: priced.total,
        created_by: by.name(),
    };
    let Some(order_id) = repo::insert(&mut tx, &header, &now).await? else {
        // A concurrent request with the same key committed first.
        tx.rollback().await?;
        let mut conn = db.acquire().await?;
        let order = replay(&mut conn, idempotency_key.unwrap_or_default()).await?;
        let order = order.ok_or_else(|| anyhow::anyhow!("idempotent order vanished"))?;
        return replayed(order, request, &wanted, order_discount);
    };
    let number = order_number(order_id);
    repo::set_number(&mut tx, order_id, &number).await?;
    let lines: Vec<NewLine> = items
        .iter()
        .zip(&wanted)
        .zip(&priced.lines)
        .map(|((item, wanted), line)| NewLine {
            item,
            quantity: wanted.quantity,
            line_discount: line.line_discount,
            order_discount: line.order_discount,
            tax: line.tax,
            total: line.total,
        })
        .collect();
    repo::insert_lines(&mut tx, order_id, &lines).await?;

    let sale = Sale {
        order_id,
        number: &number,
        warehouse_id,
        by,
    };
    let shortages = take_stock(&mut tx, rules, &items, &wanted, &sale).await?;
    if !shortages.is_empty() {
        tx.rollback().await?;
        let lines: Vec<_> = shortages.iter().map(|s| s.sku.as_str()).collect();
        return Err(AppError::InsufficientStock {
            message: format!("Not enough stock for {}.", lines.join(", ")),
            shortages,
        });
    }
    if let Some(tendered) = tendered {
        // The order was made by this transaction, which holds its row: nobody
        // else can have paid towards it, so there is nothing to lock or read.
        let due = payments::Due {
            order_id,
            number: &number,
            total: priced.total,
            paid: 0,
        };
        payments::take(&mut tx, &due, "cash", tendered, &now).await?;
    }
    tx.commit().await?;
    // Read back once committed: on SQLite the other tills wait for the write
    // lock, and reading the order does not need it.
    let mut conn = db.acquire().await?;
    let order = service::load(&mut conn, order_id).await?;
    Ok((order, Placed::Created))
}

async fn replay(conn: &mut AnyConnection, key: &str) -> Result<Option<Order>, AppError> {
    match repo::find_by_key(conn, key).await? {
        Some(header) => Ok(Some(service::load(conn, header.id).await?)),
        None => Ok(None),
    }
}

/// The order an earlier request with the same key made, provided it is the order this
/// request describes. A key reused for a different cart is a client bug, and answering
/// with the old order would hide it (and charge the customer for the wrong goods).
fn replayed(
    order: Order,
    request: &OrderRequest,
    wanted: &[Wanted],
    order_discount: i64,
) -> Result<(Order, Placed), AppError> {
    let same = order.header.order_discount == order_discount
        && order.header.customer_id == request.customer_id
        && request
            .warehouse_id
            .is_none_or(|id| id == order.header.warehouse_id)
        && order.items.len() == wanted.len()
        && order.items.iter().zip(wanted).all(|(line, item)| {
            line.product_id == item.product_id
                && item.variant_id.is_none_or(|id| id == line.variant_id)
                && line.quantity == item.quantity
                && line.line_discount == item.discount
        });
    if !same {
        return Err(AppError::Conflict(format!(
            "This Idempotency-Key was already used for order {} with different items.",
            order.header.number
        )));
    }
    Ok((order, Placed::Replayed))
}

/// Checks the request's shape: the items wanted, the order discount and the cash
/// handed over with it, if any.
fn validate(
    request: &OrderRequest,
    idempotency_key: Option<&str>,
) -> Result<(Vec<Wanted>, i64, Option<i64>), AppError> {
    let mut problems = Problems::default();
    let items = request.items.as_deref().unwrap_or_default();
    if items.is_empty() {
        problems.add("items", Problem::NoItems);
    }
    if items.len() > MAX_LINES {
        problems.add("items", Problem::TooManyItems(MAX_LINES));
    }
    let wanted: Vec<Wanted> = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let field = |name: &str| format!("items[{index}].{name}");
            let discount = item.discount.unwrap_or(0);
            problems.in_range(&field("discount"), discount, 0..=i64::MAX);
            Wanted {
                product_id: problems.number(&field("productId"), item.product_id, 1..=i64::MAX),
                variant_id: item.variant_id,
                quantity: problems.number(&field("quantity"), item.quantity, 1..=MAX_QUANTITY),
                discount,
            }
        })
        .collect();
    let order_discount = request.discount.unwrap_or(0);
    problems.in_range("discount", order_discount, 0..=i64::MAX);
    let tendered = request
        .payment
        .as_ref()
        .map(|payment| payments::cash_tendered(&mut problems, "payment.", payment, 1));
    if let Some(key) = idempotency_key {
        problems.check(
            !key.trim().is_empty() && key.chars().count() <= MAX_KEY_CHARS,
            "Idempotency-Key",
            Problem::LengthBetween(1, MAX_KEY_CHARS),
        );
    }
    problems.finish()?;
    Ok((wanted, order_discount, tendered))
}

/// Looks up what each item sells, with one query for them all, reporting
/// every unknown or inactive one.
async fn resolve(
    conn: &mut AnyConnection,
    request: &OrderRequest,
    wanted: &[Wanted],
) -> Result<Vec<Sellable>, AppError> {
    let asked: Vec<(i64, Option<i64>)> = wanted
        .iter()
        .map(|item| (item.product_id, item.variant_id))
        .collect();
    let found = repo::sellable(conn, &asked).await?;
    let mut problems = Problems::default();
    let mut items = Vec::with_capacity(wanted.len());
    for (index, (item, found)) in wanted.iter().zip(found).enumerate() {
        match found {
            Some(found) if found.active == 1 => items.push(found),
            Some(_) => problems.add(format!("items[{index}].productId"), Problem::NotForSale),
            None if item.variant_id.is_some() => {
                problems.add(format!("items[{index}].variantId"), Problem::NoSuchVariant)
            }
            None => problems.add(format!("items[{index}].productId"), Problem::NoSuchProduct),
        }
    }
    if let Some(customer_id) = request.customer_id {
        if !customers::exists(conn, customer_id).await? {
            problems.add("customerId", Problem::NoSuchCustomer);
        }
    }
    problems.finish()?;
    Ok(items)
}

/// The order that stock is taken for.
struct Sale<'a> {
    order_id: i64,
    number: &'a str,
    warehouse_id: i64,
    by: &'a Attribution,
}

/// Posts one SALE movement per variant, in variant id order so that
/// concurrent orders lock stock rows in the same order and cannot deadlock.
/// Returns the lines that were short; the caller rolls back if there are any.
async fn take_stock(
    conn: &mut AnyConnection,
    rules: SalesRules,
    items: &[Sellable],
    wanted: &[Wanted],
    sale: &Sale<'_>,
) -> Result<Vec<StockShortage>, AppError> {
    let mut per_variant: BTreeMap<i64, (&Sellable, i64)> = BTreeMap::new();
    for (item, wanted) in items.iter().zip(wanted) {
        per_variant.entry(item.variant_id).or_insert((item, 0)).1 += wanted.quantity;
    }
    let per_variant: Vec<(&Sellable, i64)> = per_variant.into_values().collect();
    let movements: Vec<NewMovement> = per_variant
        .iter()
        .map(|&(item, quantity)| NewMovement {
            variant_id: item.variant_id,
            warehouse_id: sale.warehouse_id,
            quantity: -quantity,
            kind: MovementKind::Sale,
            reason: format!("Order {}", sale.number),
            order_id: Some(sale.order_id),
            actor: sale.by.name().map(str::to_owned),
        })
        .collect();
    let PostedAll::Short(short) =
        ledger::post_all(conn, &movements, rules.allow_negative_stock).await?
    else {
        return Ok(Vec::new());
    };
    Ok(short
        .into_iter()
        .map(|(index, available)| {
            let (item, quantity) = per_variant[index];
            StockShortage {
                product_id: item.product_id,
                variant_id: item.variant_id,
                sku: item.sku.clone(),
                requested: quantity,
                available,
            }
        })
        .collect())
}

fn pricing_error(err: PricingError) -> AppError {
    match err {
        PricingError::LineDiscountTooLarge(index) => AppError::invalid(
            format!("items[{index}].discount"),
            Problem::LineDiscountTooLarge,
        ),
        PricingError::OrderDiscountTooLarge => {
            AppError::invalid("discount", Problem::OrderDiscountTooLarge)
        }
        PricingError::Overflow => AppError::invalid("items", Problem::AmountsTooLarge),
    }
}
