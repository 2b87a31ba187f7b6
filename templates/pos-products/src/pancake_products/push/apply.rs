//! Reading the app's catalogue and sending a plan to Pancake.

use std::collections::HashMap;

use sqlx::{AnyPool, Row};

use super::{Action, Change, LocalProduct, LocalVariant, Planned};
use crate::pancake::{PancakeClient, PancakeError};
use crate::pancake_products::api::ProductChange;

/// Every product of the app's catalogue with its variants.
pub async fn local_catalogue(db: &AnyPool) -> Result<Vec<LocalProduct>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.name, p.active, v.sku, v.barcode, v.price, v.attributes, \
                v.active AS variant_active \
           FROM products p JOIN product_variants v ON v.product_id = p.id \
          ORDER BY p.id, v.is_default DESC, v.id",
    )
    .fetch_all(db)
    .await?;
    let mut products: Vec<(i64, LocalProduct)> = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let attributes: String = row.try_get("attributes")?;
        let variant = LocalVariant {
            sku: row.try_get("sku")?,
            barcode: row.try_get("barcode")?,
            price: row.try_get("price")?,
            attributes: serde_json::from_str(&attributes).map_err(|err| {
                sqlx::Error::ColumnDecode {
                    index: "attributes".into(),
                    source: err.into(),
                }
            })?,
            // The Any driver reads the 0/1 flags as integers.
            active: row.try_get::<i64, _>("variant_active")? != 0,
        };
        match products.last_mut() {
            Some((last, product)) if *last == id => product.variants.push(variant),
            _ => products.push((
                id,
                LocalProduct {
                    name: row.try_get("name")?,
                    active: row.try_get::<i64, _>("active")? != 0,
                    variants: vec![variant],
                },
            )),
        }
    }
    Ok(products.into_iter().map(|(_, product)| product).collect())
}

/// The products that have a variant with one of `skus` (all of them when
/// none is given); every SKU asked for must belong to one.
pub fn with_skus(local: Vec<LocalProduct>, skus: &[String]) -> anyhow::Result<Vec<LocalProduct>> {
    let has = |product: &LocalProduct, sku: &str| {
        product.variants.iter().any(|variant| variant.sku == sku)
    };
    if let Some(unknown) = skus
        .iter()
        .find(|sku| !local.iter().any(|product| has(product, sku)))
    {
        anyhow::bail!("no product here has SKU {unknown}");
    }
    Ok(local
        .into_iter()
        .filter(|product| skus.is_empty() || skus.iter().any(|sku| has(product, sku)))
        .collect())
}

/// What an applied push did, by local SKU.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub created: Vec<String>,
    pub updated: Vec<String>,
}

/// A push that stopped at its first failure, after doing `done`.
#[derive(Debug, thiserror::Error)]
#[error(
    "push stopped at {sku} after creating {} and updating {} product(s) in Pancake",
    done.created.len(),
    done.updated.len()
)]
pub struct Stopped {
    pub done: Pushed,
    pub sku: String,
    #[source]
    pub source: PancakeError,
}

/// Sends the creates and updates of `plan` in order, and stops at the first
/// failure: what follows may depend on it, and the shop should look first.
/// Lines updating the same Pancake product go in one verified update.
pub async fn apply_push(client: &PancakeClient, plan: &[Planned]) -> Result<Pushed, Stopped> {
    let mut updates: HashMap<&str, Vec<&Planned>> = HashMap::new();
    for line in plan {
        if let Action::Update { product_id, .. } = &line.action {
            updates.entry(product_id).or_default().push(line);
        }
    }
    let mut done = Pushed::default();
    for item in plan {
        let result = match &item.action {
            Action::Create { product } => client.create_product(product).await.map(|_| {
                done.created.push(item.sku.clone());
            }),
            Action::Update { product_id, .. } => {
                // Sent with the product's first line; the others are in it.
                let Some(lines) = updates.remove(product_id.as_str()) else {
                    continue;
                };
                let change = merged(&lines);
                client.update_product(product_id, &change).await.map(|_| {
                    done.updated
                        .extend(lines.iter().map(|line| line.sku.clone()));
                })
            }
            _ => continue,
        };
        if let Err(source) = result {
            return Err(Stopped {
                done,
                sku: item.sku.clone(),
                source,
            });
        }
    }
    Ok(done)
}

/// The changes of several lines as one change of their Pancake product.
fn merged(lines: &[&Planned]) -> ProductChange {
    let mut change = ProductChange::default();
    for line in lines {
        let Action::Update { changes, .. } = &line.action else {
            continue;
        };
        for one in changes {
            match one {
                Change::Name { to, .. } => change.name = Some(to.clone()),
                Change::Price { sku, to, .. } => change.prices.push((sku.clone(), *to)),
                Change::Barcode { sku, to, .. } => change.barcodes.push((sku.clone(), to.clone())),
            }
        }
    }
    change
}
