//! The product and variant forms as people fill them in, and the catalog
//! requests they become.

use serde::Deserialize;

use super::{
    form::{parse_amount, parse_percent, percent, FieldErrors},
    layout::Chrome,
};
use crate::catalog::{model::ProductRequest, Product, VariantRequest};

/// What the product form sends: text as typed, so it can be shown again
/// unchanged when something is wrong. Names match the API's fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductForm {
    pub name: String,
    pub sku: String,
    #[serde(default)]
    pub barcode: String,
    pub price: String,
    #[serde(default)]
    pub cost_price: String,
    #[serde(default)]
    pub tax_rate: String,
    #[serde(default)]
    pub low_stock_threshold: String,
    #[serde(default)]
    pub category_id: String,
    #[serde(default)]
    pub description: String,
    /// A checkbox: present when ticked.
    pub active: Option<String>,
}

impl ProductForm {
    pub fn blank() -> Self {
        Self {
            name: String::new(),
            sku: String::new(),
            barcode: String::new(),
            price: String::new(),
            cost_price: String::new(),
            tax_rate: "10".to_owned(),
            low_stock_threshold: String::new(),
            category_id: String::new(),
            description: String::new(),
            active: Some("on".to_owned()),
        }
    }

    pub fn from_product(product: &Product) -> Self {
        Self {
            name: product.name.clone(),
            sku: product.sku.clone(),
            barcode: product.barcode.clone().unwrap_or_default(),
            price: product.price.to_string(),
            cost_price: product.cost_price.to_string(),
            tax_rate: percent(product.tax_rate),
            low_stock_threshold: product.low_stock_threshold.to_string(),
            category_id: product
                .category_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            description: product.description.clone(),
            active: product.active.then(|| "on".to_owned()),
        }
    }

    /// The API request this form stands for. Numbers that do not parse are
    /// reported here; everything else is the catalog service's to judge.
    pub fn request(&self, c: &Chrome, errors: &mut FieldErrors) -> ProductRequest {
        let mut amount = |field: &str, text: &str| match parse_amount(text) {
            Ok(value) => value,
            Err(()) => {
                errors.add(field, c.t.not_a_number);
                None
            }
        };
        let price = amount("price", &self.price);
        let cost_price = amount("costPrice", &self.cost_price);
        let low_stock_threshold = amount("lowStockThreshold", &self.low_stock_threshold);
        let tax_rate = parse_percent(&self.tax_rate).unwrap_or_else(|()| {
            errors.add("taxRate", c.t.not_a_percent);
            None
        });
        let category_id = match self.category_id.trim() {
            "" => None,
            id => id.parse().map_or_else(
                |_| {
                    errors.add("categoryId", c.t.not_a_number);
                    None
                },
                Some,
            ),
        };
        let optional = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        ProductRequest {
            name: Some(self.name.clone()),
            sku: Some(self.sku.trim().to_owned()),
            price,
            barcode: optional(&self.barcode),
            category_id,
            cost_price,
            tax_rate,
            description: Some(self.description.clone()),
            active: Some(self.active.is_some()),
            low_stock_threshold,
        }
    }
}

/// The small form on the product page that adds a variant, as typed. Names
/// match the API's fields.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct VariantForm {
    #[serde(default)]
    pub name: String,
    pub sku: String,
    #[serde(default)]
    pub barcode: String,
    pub price: String,
}

impl VariantForm {
    /// The API request this form stands for. A price that does not parse is
    /// reported here; everything else is the catalog service's to judge.
    pub fn request(&self, c: &Chrome, errors: &mut FieldErrors) -> VariantRequest {
        let price = parse_amount(&self.price).unwrap_or_else(|()| {
            errors.add("price", c.t.not_a_number);
            None
        });
        let optional = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        VariantRequest {
            name: optional(&self.name),
            sku: Some(self.sku.trim().to_owned()),
            barcode: optional(&self.barcode),
            price,
            ..VariantRequest::default()
        }
    }
}
