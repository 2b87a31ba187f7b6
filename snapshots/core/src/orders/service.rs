//! Reading orders and moving them along: complete, cancel.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, AnyPool};

use super::{
    model::{Order, OrderFilter, OrderHeader, OrderStatus},
    repo,
};
use crate::{
    api::PageMeta,
    attribution::Attribution,
    clock, db,
    filter::{Arg, Filter},
    inventory::ledger::{self, MovementKind, NewMovement},
    pagination::Pagination,
    AppError,
};

pub async fn get(db: &AnyPool, id: i64) -> Result<Order, AppError> {
    let mut conn = db.acquire().await?;
    load(&mut conn, id).await
}

/// An order with its lines and payments.
pub(super) async fn load(conn: &mut AnyConnection, id: i64) -> Result<Order, AppError> {
    let header = repo::find(conn, id).await?.ok_or_else(|| not_found(id))?;
    Ok(Order {
        items: repo::lines(conn, id).await?,
        payments: repo::payments(conn, id).await?,
        header,
    })
}

/// Orders, newest first.
pub async fn list(
    db: &AnyPool,
    wanted: OrderFilter,
    page: Pagination,
) -> Result<(Vec<OrderHeader>, PageMeta), AppError> {
    let mut filter = Filter::default();
    if let Some(status) = wanted.status {
        filter.push("status = {0}", [Arg::Text(status.as_str().into())]);
    }
    if let Some(customer_id) = wanted.customer_id {
        filter.push("customer_id = {0}", [Arg::Int(customer_id)]);
    }
    let mut conn = db.acquire().await?;
    let orders = repo::list(&mut conn, &filter, page).await?;
    let total = repo::count(&mut conn, &filter).await?;
    Ok((orders, page.meta(total)))
}

/// Marks a paid order as handed over.
pub async fn complete(db: &AnyPool, id: i64) -> Result<Order, AppError> {
    let mut tx = db::begin_write(db).await?;
    let now = clock::now_utc();
    let order = repo::lock(&mut tx, id, &now)
        .await?
        .ok_or_else(|| not_found(id))?;
    if order.status != OrderStatus::Paid {
        return Err(AppError::Conflict(format!(
            "Order {} is {}; only a paid order can be completed.",
            order.number,
            order.status.as_str()
        )));
    }
    repo::complete(&mut tx, id, &now).await?;
    let order = load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(order)
}

/// Cancels a pending or paid order and puts its stock back with
/// CANCEL_RESTOCK movements. Money already paid is shown in `paid` and is to
/// be handed back by the cashier; refunds are not recorded here.
pub async fn cancel(db: &AnyPool, id: i64, by: &Attribution) -> Result<Order, AppError> {
    let mut tx = db::begin_write(db).await?;
    let now = clock::now_utc();
    let order = repo::lock(&mut tx, id, &now)
        .await?
        .ok_or_else(|| not_found(id))?;
    if !matches!(order.status, OrderStatus::Pending | OrderStatus::Paid) {
        return Err(AppError::Conflict(format!(
            "Order {} is {}; only a pending or paid order can be cancelled.",
            order.number,
            order.status.as_str()
        )));
    }
    // Variant id order, as at checkout, so stock rows are locked in one order.
    let mut per_variant: BTreeMap<i64, i64> = BTreeMap::new();
    for line in repo::lines(&mut tx, id).await? {
        *per_variant.entry(line.variant_id).or_default() += line.quantity;
    }
    let movements: Vec<NewMovement> = per_variant
        .into_iter()
        .map(|(variant_id, quantity)| NewMovement {
            variant_id,
            warehouse_id: order.warehouse_id,
            quantity,
            kind: MovementKind::CancelRestock,
            reason: format!("Order {} cancelled", order.number),
            order_id: Some(id),
            actor: by.name().map(str::to_owned),
        })
        .collect();
    // Putting stock back cannot take it below zero, so the negative-stock
    // rule has nothing to say here.
    ledger::post_all(&mut tx, &movements, false).await?;
    repo::cancel(&mut tx, id, &now).await?;
    let order = load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(order)
}

pub(super) fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("Order {id} does not exist."))
}
