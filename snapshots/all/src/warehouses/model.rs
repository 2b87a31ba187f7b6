//! Warehouse and transfer types as the API shows and accepts them.

use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, FromRow, Row};

/// A warehouse with what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WarehouseDetail {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    /// Sales and stock changes that name no warehouse use this one.
    pub is_default: bool,
    /// A closed warehouse keeps its history but takes no stock.
    pub active: bool,
    /// The Pancake POS warehouse whose stock this one mirrors.
    pub pancake_warehouse_id: Option<String>,
    /// Variants with stock on hand here (not zero).
    pub stocked_items: i64,
    /// Units on hand here over all variants.
    pub units: i64,
    /// `provinceId`, `districtId` and `communeId`, of either address scheme.
    #[serde(flatten)]
    pub area: crate::geo::Area,
}

impl FromRow<'_, AnyRow> for WarehouseDetail {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.try_get("id")?,
            code: row.try_get("code")?,
            name: row.try_get("name")?,
            address: row.try_get("address")?,
            phone: row.try_get("phone")?,
            is_default: row.try_get::<i64, _>("is_default")? != 0,
            active: row.try_get::<i64, _>("active")? != 0,
            pancake_warehouse_id: row.try_get("pancake_warehouse_id")?,
            stocked_items: row.try_get("stocked_items")?,
            units: row.try_get("units")?,
            area: crate::geo::Area {
                province_id: row.try_get("province_id")?,
                district_id: row.try_get("district_id")?,
                commune_id: row.try_get("commune_id")?,
            },
        })
    }
}

/// The body of `POST /api/warehouses` and `PUT /api/warehouses/{id}`. On
/// update, every field is replaced; `active` defaults to true.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WarehouseRequest {
    pub code: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub active: Option<bool>,
    pub pancake_warehouse_id: Option<String>,
    /// Where the warehouse is; checked against the cached areas.
    #[serde(flatten)]
    pub area: crate::geo::Area,
}

/// Stock moved from one warehouse to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    pub id: i64,
    /// What people call it: `CK` and the id, as on the paperwork.
    pub number: String,
    pub from_warehouse_id: i64,
    pub from_code: String,
    pub to_warehouse_id: i64,
    pub to_code: String,
    pub note: String,
    pub actor: Option<String>,
    pub created_at: String,
    /// Units over all lines.
    pub units: i64,
    pub lines: Vec<TransferLine>,
}

/// One item of a transfer and the two movements that carried it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct TransferLine {
    pub product_id: i64,
    pub variant_id: i64,
    pub sku: String,
    pub name: String,
    pub variant_name: String,
    pub quantity: i64,
    pub out_movement_id: i64,
    pub in_movement_id: i64,
}

/// The body of `POST /api/transfers`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferRequest {
    pub from_warehouse_id: Option<i64>,
    pub to_warehouse_id: Option<i64>,
    pub note: Option<String>,
    pub lines: Option<Vec<TransferLineRequest>>,
}

/// One item to move, named by variant, by product (its default variant), or
/// by a variant's SKU or barcode as a scanner reads it.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferLineRequest {
    pub variant_id: Option<i64>,
    pub product_id: Option<i64>,
    pub code: Option<String>,
    pub quantity: Option<i64>,
}
