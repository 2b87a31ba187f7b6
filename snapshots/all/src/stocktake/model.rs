//! Stock count types as the API shows and accepts them.

use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, FromRow, Row};

/// Where a stock count is in its life. Stored as the upper-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Counts are being entered.
    Counting,
    /// Counting is finished; waiting for a manager to apply it.
    Submitted,
    /// Its variances were posted to stock. Final.
    Applied,
    /// Given up; nothing was posted. Final.
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counting => "COUNTING",
            Self::Submitted => "SUBMITTED",
            Self::Applied => "APPLIED",
            Self::Cancelled => "CANCELLED",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            Self::Counting,
            Self::Submitted,
            Self::Applied,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// A stock count of one warehouse, or of one category in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stocktake {
    pub id: i64,
    /// What people call it: `KK` (kiểm kho) and the id, as on the paperwork.
    pub number: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    /// Only this category and the ones under it are counted; all products
    /// when `None`.
    pub category_id: Option<i64>,
    pub category_name: Option<String>,
    pub status: Status,
    pub note: String,
    pub started_by: Option<String>,
    pub started_at: String,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    /// The manager who approved it; stock changed at `applied_at`.
    pub applied_by: Option<String>,
    pub applied_at: Option<String>,
    pub cancelled_by: Option<String>,
    pub cancelled_at: Option<String>,
    pub updated_at: String,
    /// The Pancake POS stocktaking it was sent as, once sent.
    pub pancake_stocktaking_id: Option<String>,
    /// Variants counted so far.
    pub counted_items: i64,
    /// Counted less expected over every line: negative when stock is missing.
    pub variance: i64,
    /// Every counted line; empty in lists.
    pub lines: Vec<StocktakeLine>,
    /// The first items in scope nobody counted, by name; applying leaves
    /// their stock as it is. Empty in lists.
    pub uncounted: Vec<UncountedItem>,
    /// How many items in scope nobody counted; 0 in lists.
    pub uncounted_items: i64,
}

impl FromRow<'_, AnyRow> for Stocktake {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let id: i64 = row.try_get("id")?;
        let status: String = row.try_get("status")?;
        Ok(Self {
            id,
            number: number(id),
            warehouse_id: row.try_get("warehouse_id")?,
            warehouse_code: row.try_get("warehouse_code")?,
            category_id: row.try_get("category_id")?,
            category_name: row.try_get("category_name")?,
            status: Status::parse(&status).ok_or_else(|| sqlx::Error::ColumnDecode {
                index: "status".into(),
                source: format!("unknown stock count status {status:?}").into(),
            })?,
            note: row.try_get("note")?,
            started_by: row.try_get("started_by")?,
            started_at: row.try_get("started_at")?,
            submitted_by: row.try_get("submitted_by")?,
            submitted_at: row.try_get("submitted_at")?,
            applied_by: row.try_get("applied_by")?,
            applied_at: row.try_get("applied_at")?,
            cancelled_by: row.try_get("cancelled_by")?,
            cancelled_at: row.try_get("cancelled_at")?,
            updated_at: row.try_get("updated_at")?,
            pancake_stocktaking_id: row.try_get("pancake_stocktaking_id")?,
            counted_items: row.try_get("counted_items")?,
            variance: row.try_get("variance")?,
            lines: Vec::new(),
            uncounted: Vec::new(),
            uncounted_items: 0,
        })
    }
}

/// `KK` and the id, six digits at least.
pub fn number(id: i64) -> String {
    format!("KK{id:06}")
}

/// One counted variant and how far the count is from the books.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct StocktakeLine {
    pub product_id: i64,
    pub variant_id: i64,
    pub sku: String,
    pub name: String,
    pub variant_name: String,
    /// On hand in the warehouse when the count was last entered.
    pub expected: i64,
    pub counted: i64,
    /// `counted - expected`: what applying posts.
    pub variance: i64,
    pub counted_by: Option<String>,
    pub counted_at: String,
    /// The ADJUSTMENT movement that applied the variance.
    pub movement_id: Option<i64>,
}

/// An item in a count's scope that has no count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct UncountedItem {
    pub product_id: i64,
    pub variant_id: i64,
    pub sku: String,
    pub name: String,
    pub variant_name: String,
    /// On hand in the warehouse now.
    pub on_hand: i64,
}

/// The body of `POST /api/stocktakes`. Without `warehouseId`, the default
/// warehouse is counted.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartRequest {
    pub warehouse_id: Option<i64>,
    pub category_id: Option<i64>,
    pub note: Option<String>,
}

/// How a count changes a line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CountMode {
    /// Adds to what was counted so far: one scan adds one.
    #[default]
    Add,
    /// Replaces what was counted so far: a number typed by hand.
    Set,
}

/// The body of `POST /api/stocktakes/{id}/counts`: the item by `code` (SKU
/// or barcode, as a scanner reads it) or `variantId`; `quantity` defaults
/// to 1 when adding.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountRequest {
    pub code: Option<String>,
    pub variant_id: Option<i64>,
    pub quantity: Option<i64>,
    pub mode: Option<CountMode>,
}
