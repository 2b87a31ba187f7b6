//! Recording the app's own events for the endpoints that want them, in the
//! caller's transaction.
//!
//! Nothing is sent here: each delivery row commits or rolls back with the
//! change it reports (a refused sale tells nobody it was paid), and the
//! [`worker`](super::worker) sends it afterwards.

use serde::Serialize;
use serde_json::{json, Value};
use sqlx::{AnyConnection, Row};

use crate::{
    clock::{self, unix_now},
    inventory::ledger::NewMovement,
};

/// The events the app sends. Emitters name these constants, so a typo does
/// not compile.
pub mod events {
    /// An order's payments came to cover its total: `orderId`, `number`,
    /// `total`, `paid` (whole đồng).
    pub const ORDER_PAID: &str = "order.paid";
    /// A stock movement was posted: `variantId`, `sku`, `warehouseId`,
    /// `change` (signed), `onHand` (after it), `kind` (the movement's kind:
    /// `SALE`, `CANCEL_RESTOCK`, `ADJUSTMENT`, `RECEIPT`…), `movementId`.
    pub const STOCK_CHANGED: &str = "stock.changed";

    /// Every event, for choosing what an endpoint receives.
    pub const ALL: [&str; 2] = [ORDER_PAID, STOCK_CHANGED];
}

/// The body every endpoint receives: the same for each endpoint told about
/// one occurrence, so `id` identifies the occurrence.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    id: &'a str,
    event: &'a str,
    created_at: &'a str,
    data: &'a Value,
}

/// Whether an endpoint subscribed to `events` (`*` or names separated by
/// commas) receives `event`.
pub fn subscribed(events: &str, event: &str) -> bool {
    events
        .split(',')
        .map(str::trim)
        .any(|wanted| wanted == "*" || wanted == event)
}

/// Records `event` with `data` for every active endpoint that wants it, and
/// returns how many deliveries were written.
pub async fn emit(
    conn: &mut AnyConnection,
    event: &'static str,
    data: Value,
) -> Result<usize, sqlx::Error> {
    let endpoints = subscribers(conn, event).await?;
    record(conn, &endpoints, event, &data).await
}

/// The active endpoints that want `event`.
async fn subscribers(conn: &mut AnyConnection, event: &str) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, events FROM webhook_endpoints WHERE active = 1")
        .fetch_all(&mut *conn)
        .await?;
    let mut wanted = Vec::new();
    for row in &rows {
        let events: String = row.try_get("events")?;
        if subscribed(&events, event) {
            wanted.push(row.try_get::<i64, _>("id")?);
        }
    }
    Ok(wanted)
}

/// Writes one delivery of the occurrence per endpoint in `endpoints`.
async fn record(
    conn: &mut AnyConnection,
    endpoints: &[i64],
    event: &'static str,
    data: &Value,
) -> Result<usize, sqlx::Error> {
    if endpoints.is_empty() {
        return Ok(0);
    }
    let event_id = new_event_id()?;
    let now = clock::now_utc();
    let payload = serde_json::to_string(&Body {
        id: &event_id,
        event,
        created_at: &now,
        data,
    })
    .map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    for endpoint_id in endpoints {
        sqlx::query(
            "INSERT INTO webhook_deliveries \
                 (endpoint_id, event, event_id, payload, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(endpoint_id)
        .bind(event)
        .bind(&event_id)
        .bind(&payload)
        .bind(unix_now())
        .bind(&now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(endpoints.len())
}

/// `evt_` and 16 random bytes as hex.
fn new_event_id() -> Result<String, sqlx::Error> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes).map_err(|err| sqlx::Error::Io(std::io::Error::other(err)))?;
    Ok(format!("evt_{}", hex::encode(bytes)))
}

/// Tells the endpoints that an order was paid in full.
pub async fn order_paid(
    conn: &mut AnyConnection,
    order_id: i64,
    number: &str,
    total: i64,
    paid: i64,
) -> Result<usize, sqlx::Error> {
    let data = json!({ "orderId": order_id, "number": number, "total": total, "paid": paid });
    emit(conn, events::ORDER_PAID, data).await
}

/// Tells the endpoints about stock movements just posted: `ids[i]` is the
/// id of `movements[i]`.
///
/// Every sale passes through here, so the endpoints are read first, once for
/// all of a sale's movements, and a shop without a stock subscriber pays one
/// small query per sale.
pub async fn stock_changed(
    conn: &mut AnyConnection,
    ids: &[i64],
    movements: &[NewMovement],
) -> Result<usize, sqlx::Error> {
    let endpoints = subscribers(conn, events::STOCK_CHANGED).await?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let mut recorded = 0;
    for (&movement_id, movement) in ids.iter().zip(movements) {
        let row = sqlx::query(
            "SELECT v.sku, COALESCE((SELECT s.on_hand FROM stock_levels s \
                                     WHERE s.variant_id = v.id AND s.warehouse_id = $2), 0) \
                                     AS on_hand \
             FROM product_variants v WHERE v.id = $1",
        )
        .bind(movement.variant_id)
        .bind(movement.warehouse_id)
        .fetch_one(&mut *conn)
        .await?;
        let sku: String = row.try_get("sku")?;
        let on_hand: i64 = row.try_get("on_hand")?;
        let data = json!({
            "movementId": movement_id,
            "variantId": movement.variant_id,
            "sku": sku,
            "warehouseId": movement.warehouse_id,
            "change": movement.quantity,
            "onHand": on_hand,
            "kind": movement.kind.as_str(),
        });
        recorded += record(conn, &endpoints, events::STOCK_CHANGED, &data).await?;
    }
    Ok(recorded)
}
