//! Product types: what the API shows, what it accepts, and their validation.

use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, FromRow, Row};

use super::variant_model::{Variant, VariantInput};
use crate::{
    money::BASIS_POINTS,
    validate::{Problem, Problems},
    AppError,
};

/// The highest price or cost accepted: a trillion đồng, far above any shop
/// item, and small enough that no order of them overflows.
pub const MAX_PRICE: i64 = 1_000_000_000_000;
pub(super) const NAME_MAX_CHARS: usize = 200;
const CODE_MAX_CHARS: usize = 64;
const DESCRIPTION_MAX_CHARS: usize = 4_000;
pub(super) const MAX_THRESHOLD: i64 = 1_000_000_000;

/// A product with its default variant's SKU, barcode and prices, and `stock`:
/// the quantity on hand of all its variants in all warehouses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub price: i64,
    pub cost_price: i64,
    pub tax_rate: i64,
    pub category_id: Option<i64>,
    pub description: String,
    pub active: bool,
    pub stock: i64,
    pub low_stock_threshold: i64,
    pub default_variant_id: i64,
    pub created_at: String,
    pub updated_at: String,
}

// Written out because the Any driver reads 0/1 columns as integers, not bools.
impl FromRow<'_, AnyRow> for Product {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            sku: row.try_get("sku")?,
            barcode: row.try_get("barcode")?,
            price: row.try_get("price")?,
            cost_price: row.try_get("cost_price")?,
            tax_rate: row.try_get("tax_rate")?,
            category_id: row.try_get("category_id")?,
            description: row.try_get("description")?,
            active: row.try_get::<i64, _>("active")? != 0,
            stock: row.try_get("stock")?,
            low_stock_threshold: row.try_get("low_stock_threshold")?,
            default_variant_id: row.try_get("default_variant_id")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

/// A product with all its variants, as `GET /api/products/{id}` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ProductDetail {
    #[serde(flatten)]
    pub product: Product,
    pub variants: Vec<Variant>,
}

/// A variant with the product it belongs to, as `GET /api/products/lookup`
/// answers a scanned or typed code: what the till puts in the cart.
#[derive(Debug, Clone, Serialize)]
pub struct CodeMatch {
    pub product: Product,
    pub variant: Variant,
}

/// What `DELETE /api/products/{id}` did: products with sales or stock history
/// are only deactivated, so old orders and the ledger keep what they point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Removal {
    Deleted,
    Deactivated,
}

/// The body of `POST` and `PUT /api/products`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductRequest {
    pub name: Option<String>,
    pub sku: Option<String>,
    pub price: Option<i64>,
    pub barcode: Option<String>,
    pub category_id: Option<i64>,
    pub cost_price: Option<i64>,
    /// Basis points: 1000 is 10 %.
    pub tax_rate: Option<i64>,
    pub description: Option<String>,
    pub active: Option<bool>,
    pub low_stock_threshold: Option<i64>,
}

/// A validated product request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductInput {
    pub name: String,
    pub search_name: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub price: i64,
    pub cost_price: i64,
    pub tax_rate: i64,
    pub category_id: Option<i64>,
    pub description: String,
    pub active: bool,
    pub low_stock_threshold: i64,
}

impl ProductRequest {
    /// Checks every field, reporting all problems at once.
    pub fn validate(&self) -> Result<ProductInput, AppError> {
        let mut problems = Problems::default();
        let name = problems.text("name", self.name.as_deref(), NAME_MAX_CHARS);
        let sku = code(&mut problems, "sku", self.sku.as_deref());
        let barcode = optional_code(&mut problems, "barcode", self.barcode.as_deref());
        let price = problems.number("price", self.price, 0..=MAX_PRICE);
        let cost_price = self.cost_price.unwrap_or(0);
        problems.in_range("costPrice", cost_price, 0..=MAX_PRICE);
        let tax_rate = self.tax_rate.unwrap_or(0);
        problems.in_range("taxRate", tax_rate, 0..=BASIS_POINTS);
        let low_stock_threshold = self.low_stock_threshold.unwrap_or(0);
        problems.in_range("lowStockThreshold", low_stock_threshold, 0..=MAX_THRESHOLD);
        let description = problems
            .optional_text(
                "description",
                self.description.as_deref(),
                DESCRIPTION_MAX_CHARS,
            )
            .unwrap_or_default();
        problems.finish()?;
        Ok(ProductInput {
            search_name: crate::search::fold(&name),
            name,
            sku,
            barcode,
            price,
            cost_price,
            tax_rate,
            category_id: self.category_id,
            description,
            active: self.active.unwrap_or(true),
            low_stock_threshold,
        })
    }
}

impl ProductInput {
    /// The default variant this product's SKU, barcode and prices describe.
    pub fn default_variant(&self) -> VariantInput {
        VariantInput {
            name: String::new(),
            sku: self.sku.clone(),
            barcode: self.barcode.clone(),
            price: self.price,
            cost_price: self.cost_price,
            attributes: "{}".into(),
            low_stock_threshold: self.low_stock_threshold,
            active: true,
        }
    }
}

/// A SKU: required, without spaces, so it survives being typed and scanned.
pub(super) fn code(problems: &mut Problems, field: &str, value: Option<&str>) -> String {
    let code = problems.text(field, value, CODE_MAX_CHARS);
    problems.check(
        !code.contains(char::is_whitespace),
        field,
        Problem::HasSpaces,
    );
    code
}

pub(super) fn optional_code(
    problems: &mut Problems,
    field: &str,
    value: Option<&str>,
) -> Option<String> {
    let code = problems.optional_text(field, value, CODE_MAX_CHARS)?;
    problems.check(
        !code.contains(char::is_whitespace),
        field,
        Problem::HasSpaces,
    );
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_product_gets_defaults() {
        let request = ProductRequest {
            name: Some(" Cà phê sữa ".into()),
            sku: Some("CF-SUA".into()),
            price: Some(25_000),
            ..Default::default()
        };
        let input = request.validate().unwrap();
        assert_eq!(input.name, "Cà phê sữa");
        assert_eq!(input.search_name, "ca phe sua");
        assert_eq!((input.cost_price, input.tax_rate), (0, 0));
        assert!(input.active);
    }

    #[test]
    fn reports_every_bad_field() {
        let request = ProductRequest {
            name: Some(String::new()),
            sku: Some("has space".into()),
            price: Some(-1),
            tax_rate: Some(10_001),
            ..Default::default()
        };
        let Err(AppError::Validation { details, .. }) = request.validate() else {
            panic!("expected a validation error");
        };
        let fields: Vec<_> = details.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["name", "sku", "price", "taxRate"]);
    }
}
