//! Pancake POS products: the catalogue as Pancake keeps it (a product with
//! its variations; the SKU is `custom_id`), read and changed through the
//! shared client with its write guardrails.
//!
//! Pancake answers with many more fields than these types name; they are
//! kept in `extra`, because an update must send the whole product back or
//! Pancake drops what was left out.
//!
//! The app's catalogue and Pancake's meet by SKU both ways: `sync` imports
//! Pancake's products into the app, `push` sends the app's to Pancake.

pub mod api;
pub mod cli;
pub mod push;
pub mod sync;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::pancake::{opt_id_string, opt_whole};

/// A product with its variations.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Product {
    /// Pancake's UUID; absent before creation.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    pub name: String,
    /// The product's SKU.
    #[serde(default)]
    pub custom_id: Option<String>,
    #[serde(default)]
    pub variations: Vec<Variation>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One sellable version of a product: a size, a colour.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Variation {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    /// The variation's SKU.
    #[serde(default)]
    pub custom_id: Option<String>,
    #[serde(default)]
    pub barcode: Option<String>,
    /// Whole đồng; 0 in shops that keep no catalogue prices.
    #[serde(default, deserialize_with = "opt_whole")]
    pub retail_price: Option<i64>,
    /// What makes it this variation, e.g. `Size: M`.
    #[serde(default)]
    pub fields: Vec<Attribute>,
    /// Sellable stock over all warehouses; only the variation list has it,
    /// so an update that sends a product back must not add it.
    #[serde(
        default,
        deserialize_with = "opt_whole",
        skip_serializing_if = "Option::is_none"
    )]
    pub remain_quantity: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Variation {
    /// `Màu: Trắng, Size: M`, or empty for a product's only variation.
    pub fn label(&self) -> String {
        self.fields
            .iter()
            .map(|field| format!("{}: {}", field.name, field.value))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

/// A category and the ones under it (Pancake calls the name `text`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Category {
    pub id: i64,
    pub text: String,
    #[serde(default)]
    pub nodes: Vec<Category>,
}
