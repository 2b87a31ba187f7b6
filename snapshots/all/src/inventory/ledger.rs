//! Posting stock movements: the level change and the ledger row together.

use sqlx::AnyConnection;
use sqlx::Row;

use crate::clock;
use crate::notifications::{emit, events, Notice};

/// Why stock changed. Stored as the upper-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    /// Sold on an order (negative).
    Sale,
    /// Put back when an order was cancelled (positive).
    CancelRestock,
    /// A correction after a count, damage or loss (either sign).
    Adjustment,
    /// Delivered by a supplier (positive).
    Receipt,
    /// Sent to another warehouse (negative); paired with a `TransferIn`.
    TransferOut,
    /// Received from another warehouse (positive).
    TransferIn,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sale => "SALE",
            Self::CancelRestock => "CANCEL_RESTOCK",
            Self::Adjustment => "ADJUSTMENT",
            Self::Receipt => "RECEIPT",
            Self::TransferOut => "TRANSFER_OUT",
            Self::TransferIn => "TRANSFER_IN",
        }
    }
}

/// A change to post: `quantity` is signed, negative to take stock out.
#[derive(Debug, Clone)]
pub struct NewMovement {
    pub variant_id: i64,
    pub warehouse_id: i64,
    pub quantity: i64,
    pub kind: MovementKind,
    pub reason: String,
    pub order_id: Option<i64>,
    /// Who made the change, when the app knows.
    pub actor: Option<String>,
}

/// The result of [`post`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    /// The movement was written; its id.
    Done(i64),
    /// Nothing was written: taking the stock would leave less than zero.
    Short { available: i64 },
}

/// Applies `movement` to the stock level and appends it to the ledger, in the
/// caller's transaction.
///
/// Unless `allow_negative` is set, stock is taken out with a conditional
/// update (`… WHERE on_hand >= n`), so two sales racing for the last unit
/// cannot both succeed: the database decides, not a read made earlier.
pub async fn post(
    conn: &mut AnyConnection,
    movement: &NewMovement,
    allow_negative: bool,
) -> Result<Posted, sqlx::Error> {
    let now = clock::now_utc();
    // Whether the low-stock check has to look: the conditional update below
    // answers that itself, so a sale that stays above the threshold costs no
    // further query.
    let mut may_cross_threshold = movement.quantity < 0;
    if movement.quantity < 0 && !allow_negative {
        // Besides taking the stock, returns the variant's stock over all
        // warehouses after the change, and its low-stock threshold.
        let taken = sqlx::query(
            "UPDATE stock_levels SET on_hand = on_hand - $1, updated_at = $2 \
             WHERE variant_id = $3 AND warehouse_id = $4 AND on_hand >= $1 \
             RETURNING CAST(on_hand + COALESCE((SELECT SUM(o.on_hand) FROM stock_levels o \
                                                WHERE o.variant_id = $3 \
                                                  AND o.warehouse_id <> $4), 0) AS BIGINT) \
                       AS on_hand, \
                       (SELECT low_stock_threshold FROM product_variants WHERE id = $3) \
                       AS threshold",
        )
        .bind(-movement.quantity)
        .bind(&now)
        .bind(movement.variant_id)
        .bind(movement.warehouse_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(taken) = taken else {
            let available = on_hand(conn, movement.variant_id, movement.warehouse_id).await?;
            return Ok(Posted::Short { available });
        };
        let stock_after: i64 = taken.try_get("on_hand")?;
        let threshold: i64 = taken.try_get("threshold")?;
        may_cross_threshold = crosses(stock_after, movement.quantity, threshold);
    } else {
        sqlx::query(
            "INSERT INTO stock_levels (variant_id, warehouse_id, on_hand, updated_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (variant_id, warehouse_id) DO UPDATE \
             SET on_hand = stock_levels.on_hand + excluded.on_hand, \
                 updated_at = excluded.updated_at",
        )
        .bind(movement.variant_id)
        .bind(movement.warehouse_id)
        .bind(movement.quantity)
        .bind(&now)
        .execute(&mut *conn)
        .await?;
    }
    let id = sqlx::query_scalar(
        "INSERT INTO stock_movements (variant_id, warehouse_id, quantity, kind, reason, \
                                      order_id, actor, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(movement.variant_id)
    .bind(movement.warehouse_id)
    .bind(movement.quantity)
    .bind(movement.kind.as_str())
    .bind(&movement.reason)
    .bind(movement.order_id)
    .bind(&movement.actor)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    if may_cross_threshold {
        warn_if_low(conn, movement.variant_id, movement.quantity).await?;
    }
    crate::webhooks::outbound::stock_changed(conn, id, movement).await?;
    Ok(Posted::Done(id))
}

/// Tells the people who restock when taking `quantity` (negative) brought a
/// variant's stock, over all warehouses, down to its low-stock threshold.
/// Only the movement that crosses the threshold notifies, so each sale below
/// it does not repeat the alert; restocking above it and falling again does.
async fn warn_if_low(
    conn: &mut AnyConnection,
    variant_id: i64,
    quantity: i64,
) -> Result<(), sqlx::Error> {
    let row = sqlx::query(
        "SELECT p.id AS product_id, p.name, v.name AS variant_name, v.is_default, v.sku, \
                v.low_stock_threshold, \
                CAST(COALESCE((SELECT SUM(s.on_hand) FROM stock_levels s \
                               WHERE s.variant_id = v.id), 0) AS BIGINT) AS on_hand \
         FROM product_variants v JOIN products p ON p.id = v.product_id \
         WHERE v.id = $1 AND p.active = 1 AND v.active = 1",
    )
    .bind(variant_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let on_hand: i64 = row.try_get("on_hand")?;
    let threshold: i64 = row.try_get("low_stock_threshold")?;
    if !crosses(on_hand, quantity, threshold) {
        return Ok(());
    }
    let product_id: i64 = row.try_get("product_id")?;
    let mut name: String = row.try_get("name")?;
    let variant_name: String = row.try_get("variant_name")?;
    if row.try_get::<i32, _>("is_default")? == 0 && !variant_name.is_empty() {
        name = format!("{name} ({variant_name})");
    }
    let notice = Notice::new()
        .field("product", name)
        .field("sku", row.try_get::<String, _>("sku")?)
        .field("on_hand", on_hand)
        .field("threshold", threshold)
        .link(format!("/inventory/products/{product_id}"));
    emit(conn, events::STOCK_LOW, notice).await?;
    Ok(())
}

/// Whether taking `quantity` (negative), which left `on_hand`, brought the
/// stock from above `threshold` to at or below it.
fn crosses(on_hand: i64, quantity: i64, threshold: i64) -> bool {
    on_hand <= threshold && on_hand - quantity > threshold
}

/// On hand for one variant in one warehouse; zero when it was never stocked.
pub async fn on_hand(
    conn: &mut AnyConnection,
    variant_id: i64,
    warehouse_id: i64,
) -> Result<i64, sqlx::Error> {
    let on_hand: Option<i64> = sqlx::query_scalar(
        "SELECT on_hand FROM stock_levels WHERE variant_id = $1 AND warehouse_id = $2",
    )
    .bind(variant_id)
    .bind(warehouse_id)
    .fetch_optional(conn)
    .await?;
    Ok(on_hand.unwrap_or(0))
}

/// The warehouse a sale or stock change uses: the one named, if it exists
/// and is open; the default one when none is named.
pub async fn stock_warehouse(
    conn: &mut AnyConnection,
    named: Option<i64>,
) -> Result<Option<i64>, sqlx::Error> {
    let Some(id) = named else {
        return default_warehouse(conn).await.map(Some);
    };
    sqlx::query_scalar("SELECT id FROM warehouses WHERE id = $1 AND active = 1")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The warehouse that sales and stock changes use when none is named.
pub async fn default_warehouse(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM warehouses WHERE is_default = 1")
        .fetch_one(conn)
        .await
}
