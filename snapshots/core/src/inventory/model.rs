//! Inventory types as the API shows and accepts them.

use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, FromRow, Row};

/// A place that holds stock. One is the default, used when none is named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warehouse {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub is_default: bool,
}

impl FromRow<'_, AnyRow> for Warehouse {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.try_get("id")?,
            code: row.try_get("code")?,
            name: row.try_get("name")?,
            is_default: row.try_get::<i64, _>("is_default")? != 0,
        })
    }
}

/// One line of the stock ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Movement {
    pub id: i64,
    pub product_id: i64,
    pub variant_id: i64,
    pub sku: String,
    pub warehouse_id: i64,
    /// Signed: negative took stock out.
    pub quantity: i64,
    /// `SALE`, `CANCEL_RESTOCK`, `ADJUSTMENT` or `RECEIPT`, and with many
    /// warehouses `TRANSFER_OUT` and `TRANSFER_IN`.
    pub kind: String,
    pub reason: String,
    pub order_id: Option<i64>,
    pub actor: Option<String>,
    pub created_at: String,
}

/// On hand for one variant in one warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct StockLevel {
    pub product_id: i64,
    pub variant_id: i64,
    pub name: String,
    pub variant_name: String,
    pub sku: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub on_hand: i64,
    pub updated_at: String,
}

/// A variant whose stock, across warehouses, is at or below its threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct LowStockItem {
    pub product_id: i64,
    pub variant_id: i64,
    pub name: String,
    pub variant_name: String,
    pub sku: String,
    pub on_hand: i64,
    pub low_stock_threshold: i64,
}

/// The body of `POST /api/inventory/adjustments` and `/receipts`. Without
/// `variantId` the product's default variant is meant; without
/// `warehouseId`, the default warehouse.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockRequest {
    pub product_id: Option<i64>,
    pub variant_id: Option<i64>,
    pub warehouse_id: Option<i64>,
    /// Signed for adjustments; positive for receipts.
    pub quantity: Option<i64>,
    /// Required for adjustments, so every correction can be explained later.
    pub reason: Option<String>,
}

/// What a stock change did: the movement written and on hand after it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StockChange {
    pub movement: Movement,
    pub on_hand: i64,
}
