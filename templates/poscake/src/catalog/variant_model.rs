//! Variant types: one sellable form of a product, such as a size.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, FromRow, Row};

use super::model::{code, optional_code, MAX_PRICE, MAX_THRESHOLD, NAME_MAX_CHARS};
use crate::{
    validate::{Problem, Problems},
    AppError,
};

/// One sellable form of a product, such as a size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    pub id: i64,
    pub product_id: i64,
    pub name: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub price: i64,
    pub cost_price: i64,
    pub low_stock_threshold: i64,
    pub is_default: bool,
    pub active: bool,
    pub stock: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl FromRow<'_, AnyRow> for Variant {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let attributes: String = row.try_get("attributes")?;
        Ok(Self {
            id: row.try_get("id")?,
            product_id: row.try_get("product_id")?,
            name: row.try_get("name")?,
            sku: row.try_get("sku")?,
            barcode: row.try_get("barcode")?,
            attributes: serde_json::from_str(&attributes).map_err(|err| {
                sqlx::Error::ColumnDecode {
                    index: "attributes".into(),
                    source: err.into(),
                }
            })?,
            price: row.try_get("price")?,
            cost_price: row.try_get("cost_price")?,
            low_stock_threshold: row.try_get("low_stock_threshold")?,
            is_default: row.try_get::<i64, _>("is_default")? != 0,
            active: row.try_get::<i64, _>("active")? != 0,
            stock: row.try_get("stock")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

/// The body of `POST` and `PUT /api/products/{id}/variants`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantRequest {
    pub name: Option<String>,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub price: Option<i64>,
    pub cost_price: Option<i64>,
    /// Such as `{"size": "L", "colour": "đỏ"}`.
    pub attributes: Option<BTreeMap<String, String>>,
    pub low_stock_threshold: Option<i64>,
    pub active: Option<bool>,
}

/// A validated variant request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantInput {
    pub name: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub price: i64,
    pub cost_price: i64,
    /// The attributes as a JSON object, ready to store.
    pub attributes: String,
    pub low_stock_threshold: i64,
    pub active: bool,
}

impl VariantRequest {
    pub fn validate(&self) -> Result<VariantInput, AppError> {
        let mut problems = Problems::default();
        let attributes = self.attributes.clone().unwrap_or_default();
        for (key, value) in &attributes {
            problems.check(
                !key.trim().is_empty() && !value.trim().is_empty(),
                "attributes",
                Problem::BlankAttributes,
            );
        }
        // Without a name, "L" or "Đỏ / L" from the attribute values will do.
        let name = problems
            .optional_text("name", self.name.as_deref(), NAME_MAX_CHARS)
            .unwrap_or_else(|| attributes.values().cloned().collect::<Vec<_>>().join(" / "));
        let sku = code(&mut problems, "sku", self.sku.as_deref());
        let barcode = optional_code(&mut problems, "barcode", self.barcode.as_deref());
        let price = problems.number("price", self.price, 0..=MAX_PRICE);
        let cost_price = self.cost_price.unwrap_or(0);
        problems.in_range("costPrice", cost_price, 0..=MAX_PRICE);
        let low_stock_threshold = self.low_stock_threshold.unwrap_or(0);
        problems.in_range("lowStockThreshold", low_stock_threshold, 0..=MAX_THRESHOLD);
        problems.finish()?;
        Ok(VariantInput {
            name,
            sku,
            barcode,
            price,
            cost_price,
            attributes: serde_json::to_string(&attributes).map_err(anyhow::Error::from)?,
            low_stock_threshold,
            active: self.active.unwrap_or(true),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variant_is_named_after_its_attributes() {
        let request = VariantRequest {
            sku: Some("AO-L".into()),
            price: Some(150_000),
            attributes: Some(BTreeMap::from([
                ("colour".to_owned(), "Đỏ".to_owned()),
                ("size".to_owned(), "L".to_owned()),
            ])),
            ..Default::default()
        };
        let input = request.validate().unwrap();
        assert_eq!(input.name, "Đỏ / L");
        assert_eq!(input.attributes, r#"{"colour":"Đỏ","size":"L"}"#);
    }
}
