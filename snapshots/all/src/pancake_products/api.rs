//! The product endpoints of Pancake POS, as methods of the shared client.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::{json, Value};

use super::{Category, Product, Variation};
use crate::pancake::{Page, PageStyle, PancakeClient, PancakeError};

/// Pancake's default page size; the list is slow, so pages stay modest.
pub const PAGE_SIZE: u32 = 30;

/// A product to create: one variation per SKU given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewProduct {
    pub name: String,
    /// The product's SKU, also the SKU of its single variation.
    pub sku: String,
    pub retail_price: i64,
    pub barcode: Option<String>,
    /// Grams; Pancake requires a weight.
    pub weight: i64,
}

/// What to change on an existing product; `None` leaves it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductChange {
    pub name: Option<String>,
    /// New retail price for the variation with this SKU.
    pub price: Option<(String, i64)>,
}

impl PancakeClient {
    /// One page of products with their variations, optionally searched.
    pub async fn products(
        &self,
        search: Option<&str>,
        page: u32,
    ) -> Result<Page<Product>, PancakeError> {
        let path = self.shop_path("/products")?;
        let query: Vec<(&str, &str)> = search.map(|text| ("search", text)).into_iter().collect();
        self.get_page(&path, &query, PageStyle::PageNumber, page, PAGE_SIZE)
            .await
    }

    /// One page of variations with their stock and prices.
    pub async fn variations(
        &self,
        search: Option<&str>,
        page: u32,
    ) -> Result<Page<Variation>, PancakeError> {
        let path = self.shop_path("/products/variations")?;
        let query: Vec<(&str, &str)> = search.map(|text| ("search", text)).into_iter().collect();
        self.get_page(&path, &query, PageStyle::PageNumber, page, PAGE_SIZE)
            .await
    }

    /// A product by its SKU or its id.
    pub async fn product(&self, sku_or_id: &str) -> Result<Product, PancakeError> {
        self.get_object(&self.product_path(sku_or_id)?, &[]).await
    }

    /// The category tree.
    pub async fn categories(&self) -> Result<Vec<Category>, PancakeError> {
        self.get_list(&self.shop_path("/categories")?, &[]).await
    }

    /// Creates a product with one variation, then reads it back by SKU: the
    /// answer to a create says nothing but `success`.
    pub async fn create_product(&self, new: &NewProduct) -> Result<Product, PancakeError> {
        let mut variation = json!({
            "custom_id": new.sku,
            "retail_price": new.retail_price,
            "weight": new.weight,
            "fields": [],
        });
        if let Some(barcode) = &new.barcode {
            variation["barcode"] = json!(barcode);
        }
        let body = json!({"product": {
            "name": new.name,
            "custom_id": new.sku,
            "weight": new.weight,
            "variations": [variation],
        }});
        self.post(&self.shop_path("/products")?, &body).await?;
        let created = self.product(&new.sku).await?;
        if created.name != new.name {
            return Err(PancakeError::NotVerified {
                reason: format!("product {} reads back as {:?}", new.sku, created.name),
            });
        }
        Ok(created)
    }

    /// Changes a product: the whole product as Pancake has it goes back with
    /// the change (a partial body drops the variations left out), without
    /// the read-only stock, and the change is read back.
    pub async fn update_product(
        &self,
        sku_or_id: &str,
        change: &ProductChange,
    ) -> Result<Product, PancakeError> {
        let target = self.product_path(sku_or_id)?;
        let current: Product = self.get_object(&target, &[]).await?;
        let id = current
            .id
            .clone()
            .ok_or_else(|| PancakeError::Decode(format!("product {sku_or_id} has no id")))?;
        let body = json!({ "product": changed(current, change)? });
        let path = self.shop_path(&format!("/products/{}", segment(&id)))?;
        let after = self
            .update_verified(&target, &path, &body, |after| applied(after, change))
            .await?;
        serde_json::from_value(after).map_err(|err| PancakeError::Decode(err.to_string()))
    }

    /// Hides products from sale (or shows them again), each checked first.
    pub async fn set_hidden(&self, product_ids: &[String], hide: bool) -> Result<(), PancakeError> {
        for id in product_ids {
            self.product(id).await?;
        }
        let body = json!({ "is_hide": hide, "product_ids": product_ids });
        self.put(&self.shop_path("/products/update_hide")?, &body)
            .await?;
        Ok(())
    }

    fn product_path(&self, sku_or_id: &str) -> Result<String, PancakeError> {
        self.shop_path(&format!("/products/{}", segment(sku_or_id)))
    }
}

/// A SKU or id as one path segment: SKUs may hold spaces or slashes.
fn segment(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

/// The product to send back: `current` with `change` applied and the
/// read-only `variations_warehouses` removed.
fn changed(current: Product, change: &ProductChange) -> Result<Value, PancakeError> {
    let mut product = current;
    if let Some(name) = &change.name {
        product.name.clone_from(name);
    }
    if let Some((sku, price)) = &change.price {
        let variation = product
            .variations
            .iter_mut()
            .find(|variation| variation.custom_id.as_deref() == Some(sku))
            .ok_or_else(|| PancakeError::NotVerified {
                reason: format!("the product has no variation with SKU {sku}"),
            })?;
        variation.retail_price = Some(*price);
    }
    product.extra.remove("variations_warehouses");
    for variation in &mut product.variations {
        variation.extra.remove("variations_warehouses");
    }
    serde_json::to_value(product).map_err(|err| PancakeError::Decode(err.to_string()))
}

/// Whether the product read back after an update shows `change`.
fn applied(after: &Value, change: &ProductChange) -> Result<(), String> {
    let product: Product = serde_json::from_value(after.clone())
        .map_err(|err| format!("unreadable product: {err}"))?;
    if let Some(name) = &change.name {
        if &product.name != name {
            return Err(format!("the name is still {:?}", product.name));
        }
    }
    if let Some((sku, price)) = &change.price {
        let now = product
            .variations
            .iter()
            .find(|variation| variation.custom_id.as_deref() == Some(sku))
            .and_then(|variation| variation.retail_price);
        if now != Some(*price) {
            return Err(format!("the price of {sku} is {now:?}, not {price}"));
        }
    }
    Ok(())
}
