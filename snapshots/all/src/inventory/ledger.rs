//! Posting stock movements: the level change and the ledger row together.

use sqlx::AnyConnection;
use sqlx::Row;

use crate::notifications::{emit, events, Notice};
use crate::{clock, db};

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

/// The result of [`post_all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostedAll {
    /// Every movement was written; their ids, in the order given.
    Done(Vec<i64>),
    /// Some movements would leave less than zero: their positions in the
    /// batch and the stock each could have taken. Nothing was added to the
    /// ledger, but the other movements' stock levels were changed, so the
    /// caller rolls its transaction back.
    Short(Vec<(usize, i64)>),
}

/// Whether a stock level took a movement.
enum Level {
    /// It did; whether the low-stock check has to look.
    Changed { may_cross_threshold: bool },
    /// It did not: taking the stock would leave less than zero; there are
    /// `available` units.
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
    let posted = post_all(conn, std::slice::from_ref(movement), allow_negative).await?;
    Ok(match posted {
        PostedAll::Done(ids) => Posted::Done(ids[0]),
        PostedAll::Short(short) => Posted::Short {
            available: short[0].1,
        },
    })
}

/// Posts several movements as [`post`] does, in the order given, with one
/// insert into the ledger for them all: a sale of many lines pays one round
/// trip per line, for its conditional update, rather than two.
///
/// Each stock level (variant and warehouse) may appear once in a batch.
pub async fn post_all(
    conn: &mut AnyConnection,
    movements: &[NewMovement],
    allow_negative: bool,
) -> Result<PostedAll, sqlx::Error> {
    if movements.is_empty() {
        return Ok(PostedAll::Done(Vec::new()));
    }
    let now = clock::now_utc();
    let mut short = Vec::new();
    let mut crossing = Vec::new();
    for (index, movement) in movements.iter().enumerate() {
        match change_level(conn, movement, allow_negative, &now).await? {
            Level::Short { available } => short.push((index, available)),
            Level::Changed {
                may_cross_threshold: true,
            } => crossing.push(movement),
            Level::Changed { .. } => {}
        }
    }
    if !short.is_empty() {
        return Ok(PostedAll::Short(short));
    }
    let ids = append(conn, movements, &now).await?;
    for movement in crossing {
        warn_if_low(conn, movement.variant_id, movement.quantity).await?;
    }
    crate::webhooks::outbound::stock_changed(conn, &ids, movements).await?;
    Ok(PostedAll::Done(ids))
}

/// Changes one stock level by `movement`'s quantity.
async fn change_level(
    conn: &mut AnyConnection,
    movement: &NewMovement,
    allow_negative: bool,
    now: &str,
) -> Result<Level, sqlx::Error> {
    if movement.quantity >= 0 || allow_negative {
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
        .bind(now)
        .execute(&mut *conn)
        .await?;
        return Ok(Level::Changed {
            may_cross_threshold: movement.quantity < 0,
        });
    }
    // Besides taking the stock, returns the variant's stock over all
    // warehouses after the change, and its low-stock threshold, so a sale
    // that stays above the threshold costs no further query.
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
    .bind(now)
    .bind(movement.variant_id)
    .bind(movement.warehouse_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(taken) = taken else {
        let available = on_hand(conn, movement.variant_id, movement.warehouse_id).await?;
        return Ok(Level::Short { available });
    };
    let stock_after: i64 = taken.try_get("on_hand")?;
    let threshold: i64 = taken.try_get("threshold")?;
    Ok(Level::Changed {
        may_cross_threshold: crosses(stock_after, movement.quantity, threshold),
    })
}

/// Appends `movements` to the ledger with one insert and returns their ids in
/// the order given.
async fn append(
    conn: &mut AnyConnection,
    movements: &[NewMovement],
    now: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    const COLUMNS: usize = 8;
    let sql = format!(
        "INSERT INTO stock_movements (variant_id, warehouse_id, quantity, kind, reason, \
                                      order_id, actor, created_at) \
         VALUES {} RETURNING id, variant_id, warehouse_id",
        db::values_rows(movements.len(), COLUMNS)
    );
    let mut query = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
    for movement in movements {
        query = query
            .bind(movement.variant_id)
            .bind(movement.warehouse_id)
            .bind(movement.quantity)
            .bind(movement.kind.as_str())
            .bind(&movement.reason)
            .bind(movement.order_id)
            .bind(&movement.actor)
            .bind(now);
    }
    let mut rows = query.fetch_all(&mut *conn).await?;
    // Neither database promises RETURNING's order, but both number the rows
    // of one insert in the order of its VALUES; the check below holds them to it.
    rows.sort_unstable_by_key(|&(id, _, _)| id);
    let in_order = rows.len() == movements.len()
        && rows
            .iter()
            .zip(movements)
            .all(|(&(_, variant, warehouse), movement)| {
                variant == movement.variant_id && warehouse == movement.warehouse_id
            });
    if !in_order {
        return Err(sqlx::Error::Protocol(
            "stock movements were not numbered in the order they were inserted".into(),
        ));
    }
    Ok(rows.into_iter().map(|(id, _, _)| id).collect())
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
