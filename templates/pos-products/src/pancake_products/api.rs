//! The product endpoints of Pancake POS, as methods of the shared client.

use serde::Serialize;
use serde_json::{json, Value};

use super::{Attribute, Category, Product, Variation};
use crate::pancake::{path_segment, Page, PageStyle, PancakeClient, PancakeError};

/// Pancake's default page size; the list is slow, so pages stay modest.
pub const PAGE_SIZE: u32 = 30;

/// The most pages of products read at once: 30 000 products.
const MAX_PAGES: u32 = 1000;

/// A product to create, with its variations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewProduct {
    pub name: String,
    /// The product's SKU; its first variation usually has the same one.
    pub sku: String,
    /// Grams; Pancake requires a weight.
    pub weight: i64,
    pub variations: Vec<NewVariation>,
}

/// One variation of a product to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewVariation {
    pub sku: String,
    /// Whole đồng.
    pub retail_price: i64,
    pub barcode: Option<String>,
    /// What tells it from its siblings, e.g. `Size: M`; empty for a
    /// product's only variation.
    pub fields: Vec<Attribute>,
}

impl NewProduct {
    /// A product sold in one version only, whose SKU is the product's.
    pub fn single(name: String, sku: String, retail_price: i64, barcode: Option<String>) -> Self {
        NewProduct {
            name,
            variations: vec![NewVariation {
                sku: sku.clone(),
                retail_price,
                barcode,
                fields: Vec::new(),
            }],
            sku,
            weight: 0,
        }
    }

    /// The body of `POST /products`. The attributes the variations use are
    /// listed on the product too, as Pancake's own examples do.
    fn body(&self) -> Value {
        let variations: Vec<Value> = self
            .variations
            .iter()
            .map(|new| {
                let mut variation = json!({
                    "custom_id": new.sku,
                    "retail_price": new.retail_price,
                    "weight": self.weight,
                    "fields": new.fields,
                });
                if let Some(barcode) = &new.barcode {
                    variation["barcode"] = json!(barcode);
                }
                variation
            })
            .collect();
        let mut product = json!({
            "name": self.name,
            "custom_id": self.sku,
            "weight": self.weight,
            "variations": variations,
        });
        let mut attributes: Vec<(&str, Vec<&str>)> = Vec::new();
        for field in self.variations.iter().flat_map(|new| &new.fields) {
            match attributes.iter_mut().find(|(name, _)| *name == field.name) {
                Some((_, values)) if values.contains(&field.value.as_str()) => {}
                Some((_, values)) => values.push(&field.value),
                None => attributes.push((&field.name, vec![&field.value])),
            }
        }
        if !attributes.is_empty() {
            product["product_attributes"] = attributes
                .into_iter()
                .map(|(name, values)| json!({"name": name, "values": values}))
                .collect();
        }
        json!({ "product": product })
    }
}

/// What to change on an existing product; empty leaves it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductChange {
    pub name: Option<String>,
    /// New retail prices, by variation SKU.
    pub prices: Vec<(String, i64)>,
    /// New barcodes, by variation SKU.
    pub barcodes: Vec<(String, String)>,
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

    /// The whole catalogue, page after page.
    pub async fn all_products(&self) -> Result<Vec<Product>, PancakeError> {
        let path = self.shop_path("/products")?;
        self.get_all(&path, &[], PageStyle::PageNumber, PAGE_SIZE, MAX_PAGES)
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

    /// Creates a product with its variations, then reads it back by SKU: the
    /// answer to a create says nothing but `success`.
    pub async fn create_product(&self, new: &NewProduct) -> Result<Product, PancakeError> {
        self.post(&self.shop_path("/products")?, &new.body())
            .await?;
        let created = self.product(&new.sku).await?;
        if created.name != new.name {
            return Err(PancakeError::NotVerified {
                reason: format!("product {} reads back as {:?}", new.sku, created.name),
            });
        }
        let missing = new.variations.iter().find(|wanted| {
            !created
                .variations
                .iter()
                .any(|variation| variation.custom_id.as_deref() == Some(wanted.sku.as_str()))
        });
        if let Some(wanted) = missing {
            return Err(PancakeError::NotVerified {
                reason: format!("product {} reads back without {}", new.sku, wanted.sku),
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
        let path = self.shop_path(&format!("/products/{}", path_segment(&id)))?;
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
        self.shop_path(&format!("/products/{}", path_segment(sku_or_id)))
    }
}

/// The product to send back: `current` with `change` applied and the
/// read-only `variations_warehouses` removed.
fn changed(current: Product, change: &ProductChange) -> Result<Value, PancakeError> {
    let mut product = current;
    if let Some(name) = &change.name {
        product.name.clone_from(name);
    }
    for (sku, price) in &change.prices {
        variation_mut(&mut product, sku)?.retail_price = Some(*price);
    }
    for (sku, barcode) in &change.barcodes {
        variation_mut(&mut product, sku)?.barcode = Some(barcode.clone());
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
    let variation = |sku: &str| {
        product
            .variations
            .iter()
            .find(|variation| variation.custom_id.as_deref() == Some(sku))
    };
    for (sku, price) in &change.prices {
        let now = variation(sku).and_then(|variation| variation.retail_price);
        if now != Some(*price) {
            return Err(format!("the price of {sku} is {now:?}, not {price}"));
        }
    }
    for (sku, barcode) in &change.barcodes {
        let now = variation(sku).and_then(|variation| variation.barcode.as_deref());
        if now != Some(barcode.as_str()) {
            return Err(format!("the barcode of {sku} is {now:?}, not {barcode}"));
        }
    }
    Ok(())
}

fn variation_mut<'a>(
    product: &'a mut Product,
    sku: &str,
) -> Result<&'a mut Variation, PancakeError> {
    product
        .variations
        .iter_mut()
        .find(|variation| variation.custom_id.as_deref() == Some(sku))
        .ok_or_else(|| PancakeError::NotVerified {
            reason: format!("the product has no variation with SKU {sku}"),
        })
}
