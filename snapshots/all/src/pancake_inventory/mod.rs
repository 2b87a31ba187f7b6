//! Pancake POS stock: the movement history and the in/out reports Pancake
//! keeps, the app's stock checked against Pancake's by SKU, and Pancake's
//! stock set to the app's.
//!
//! Pancake answers with more fields than these types name; they are kept in
//! `extra`, so `--json` shows everything Pancake sent.

pub mod api;
pub mod cli;
pub mod reconcile;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::pancake::{opt_id_string, opt_number, opt_whole, or_default, whole};
use crate::pancake_products::{Attribute, Variation};

/// One change to a variation's stock in one warehouse: a purchase received,
/// an order shipped, a count corrected.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct HistoryEntry {
    #[serde(deserialize_with = "whole")]
    pub id: i64,
    /// `import`, `export`…
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// What caused it, e.g. `Purchase`, with `ref_display_id` naming which.
    #[serde(default)]
    pub table_name: Option<String>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub ref_display_id: Option<String>,
    /// The signed change.
    #[serde(default, deserialize_with = "opt_whole")]
    pub quantity: Option<i64>,
    /// Stock in the warehouse after the change.
    #[serde(default, deserialize_with = "opt_whole")]
    pub remain_quantity: Option<i64>,
    /// Average cost in đồng, which Pancake keeps with decimals.
    #[serde(default, deserialize_with = "opt_number")]
    pub avg_price: Option<f64>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub editor_id: Option<String>,
    /// UTC, as Pancake writes it (with or without `Z`).
    #[serde(default)]
    pub inserted_at: Option<String>,
    #[serde(default)]
    pub warehouse: Option<WarehouseRef>,
    /// The variation as it is now (not as it was at the change).
    #[serde(default)]
    pub variation_now: Option<VariationRef>,
    /// The variation's stock in each warehouse now.
    #[serde(default, deserialize_with = "or_default")]
    pub current_inventory: Vec<WarehouseLevel>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A warehouse as a history entry names it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct WarehouseRef {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A variation as histories and reports name it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct VariationRef {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    /// The SKU.
    #[serde(default)]
    pub custom_id: Option<String>,
    /// A number in reports, a string in histories.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub display_id: Option<String>,
    #[serde(default, deserialize_with = "or_default")]
    pub fields: Vec<Attribute>,
    #[serde(default)]
    pub product: Option<ProductRef>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl VariationRef {
    /// The SKU, else Pancake's display number, else `-`.
    pub fn code(&self) -> String {
        self.custom_id
            .as_deref()
            .filter(|sku| !sku.trim().is_empty())
            .or(self.display_id.as_deref())
            .unwrap_or("-")
            .to_owned()
    }

    /// `Áo sơ mi (Size: M)`, from what the answer carries.
    pub fn name(&self) -> String {
        let label = self
            .fields
            .iter()
            .map(|field| format!("{}: {}", field.name, field.value))
            .collect::<Vec<_>>()
            .join(", ");
        let product = self.product.as_ref().and_then(|p| p.name.clone());
        match (product, label.is_empty()) {
            (Some(name), true) => name,
            (Some(name), false) => format!("{name} ({label})"),
            (None, _) => label,
        }
    }
}

/// A product as reports and the variation list name it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ProductRef {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub custom_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A variation's stock in one warehouse, as a history entry lists it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct WarehouseLevel {
    /// The warehouse.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_whole")]
    pub remain_quantity: Option<i64>,
    #[serde(default, deserialize_with = "opt_whole")]
    pub actual_remain_quantity: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One line of Pancake's in/out report over a period, for a variation or
/// a product. Quantities are decimals because Pancake sells by weight too.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct AnalyticsRow {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_number")]
    pub begin_inventory: Option<f64>,
    #[serde(default, deserialize_with = "opt_number")]
    pub total_import: Option<f64>,
    /// Negative, as Pancake reports it.
    #[serde(default, deserialize_with = "opt_number")]
    pub total_export: Option<f64>,
    #[serde(default, deserialize_with = "opt_number")]
    pub end_inventory: Option<f64>,
    /// Stock value at the end of the period, in đồng.
    #[serde(default, deserialize_with = "opt_whole")]
    pub end_inventory_value: Option<i64>,
    /// Set in the report by variation.
    #[serde(default)]
    pub variation: Option<VariationRef>,
    /// Set in the report by product.
    #[serde(default)]
    pub product: Option<ProductRef>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AnalyticsRow {
    /// The SKU of the variation or product the row is about.
    pub fn code(&self) -> String {
        match (&self.variation, &self.product) {
            (Some(variation), _) => variation.code(),
            (None, Some(product)) => product.custom_id.clone().unwrap_or_else(|| "-".into()),
            (None, None) => "-".into(),
        }
    }

    pub fn name(&self) -> String {
        match (&self.variation, &self.product) {
            (Some(variation), _) => variation.name(),
            (None, Some(product)) => product.name.clone().unwrap_or_default(),
            (None, None) => String::new(),
        }
    }
}

/// A variation from Pancake's variation list with its stock per warehouse
/// (pos-products' [`Variation`] plus the fields only that list carries).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StockedVariation {
    #[serde(flatten)]
    pub variation: Variation,
    #[serde(default)]
    pub product: Option<ProductRef>,
    #[serde(default, deserialize_with = "or_default")]
    pub variations_warehouses: Vec<WarehouseStock>,
}

impl StockedVariation {
    /// Physical stock in `warehouse_id`; `None` when the variation was never
    /// stocked there.
    pub fn actual_in(&self, warehouse_id: &str) -> Option<i64> {
        self.variations_warehouses
            .iter()
            .find(|stock| stock.warehouse_id == warehouse_id)
            .map(|stock| stock.actual_remain_quantity.unwrap_or(0))
    }

    /// The product's name, with what makes this variation when it says.
    pub fn name(&self) -> String {
        let product = self
            .product
            .as_ref()
            .and_then(|product| product.name.clone())
            .unwrap_or_default();
        match self.variation.label() {
            label if label.is_empty() => product,
            label if product.is_empty() => label,
            label => format!("{product} ({label})"),
        }
    }
}

/// A variation's stock in one warehouse, in the variation list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WarehouseStock {
    #[serde(deserialize_with = "crate::pancake::id_string")]
    pub warehouse_id: String,
    /// Sellable: physical stock less what open orders hold.
    #[serde(default, deserialize_with = "opt_whole")]
    pub remain_quantity: Option<i64>,
    /// Physical: what is on the shelf.
    #[serde(default, deserialize_with = "opt_whole")]
    pub actual_remain_quantity: Option<i64>,
}
