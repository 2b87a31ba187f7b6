//! Bringing Pancake's catalogue into the app's own, matched by SKU.
//!
//! Each Pancake variation with a SKU is one product of the app, whose default
//! variant has that SKU: a shop's Pancake catalogue of shirts in three sizes
//! becomes three products here. The plan is made first and shown (a dry
//! run); applying it writes each product through the catalogue's own upsert,
//! in a transaction of its own, so the app's rules (unique barcodes, valid
//! prices) hold and one bad product does not stop the others. What the app
//! keeps that Pancake does not know (category, tax rate, low-stock
//! threshold, cost) is left as it is.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use super::Product;
use crate::{
    catalog::{self, service::find_by_sku, ProductRequest},
    db,
    pancake::PancakeClient,
    AppError,
};

/// What importing one Pancake variation would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "action")]
pub enum Action {
    Create,
    /// The fields that differ, as `field: old → new`.
    Update {
        changes: Vec<String>,
    },
    Unchanged,
    /// Why it cannot be imported.
    Skip {
        reason: String,
    },
}

/// One line of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Planned {
    pub sku: String,
    pub name: String,
    pub price: i64,
    pub barcode: Option<String>,
    #[serde(flatten)]
    pub action: Action,
}

/// Reads Pancake's whole catalogue and works out what importing it would do.
pub async fn plan_import(client: &PancakeClient, db: &AnyPool) -> anyhow::Result<Vec<Planned>> {
    let products = client.all_products().await?;
    let mut conn = db.acquire().await?;
    let mut plan = Vec::new();
    for product in &products {
        plan.extend(plan_product(&mut conn, product).await?);
    }
    Ok(plan)
}

/// What importing one Pancake product would do, one line per variation
/// with a SKU; for a product Pancake sent on its own (a webhook).
pub async fn plan_product(
    conn: &mut AnyConnection,
    product: &Product,
) -> Result<Vec<Planned>, AppError> {
    let mut plan = Vec::new();
    for wanted in candidates(product) {
        let action = match (&wanted.skip, find_by_sku(conn, &wanted.sku).await?) {
            (Some(reason), _) => Action::Skip {
                reason: reason.clone(),
            },
            (None, None) => Action::Create,
            (None, Some(local)) => {
                let changes = differences(&local, &wanted);
                if changes.is_empty() {
                    Action::Unchanged
                } else {
                    Action::Update { changes }
                }
            }
        };
        plan.push(Planned {
            sku: wanted.sku,
            name: wanted.name,
            price: wanted.price,
            barcode: wanted.barcode,
            action,
        });
    }
    Ok(plan)
}

/// What one Pancake variation says a local product should be.
struct Candidate {
    sku: String,
    name: String,
    price: i64,
    barcode: Option<String>,
    skip: Option<String>,
}

/// The variations of `product` worth importing, named after the product
/// (and the variation, when there are several).
fn candidates(product: &Product) -> Vec<Candidate> {
    let several = product.variations.len() > 1;
    product
        .variations
        .iter()
        .filter_map(|variation| {
            let sku = variation
                .custom_id
                .clone()
                .filter(|sku| !sku.trim().is_empty())?;
            let label = variation.label();
            let name = if several && !label.is_empty() {
                format!("{} ({label})", product.name)
            } else {
                product.name.clone()
            };
            let price = variation.retail_price.unwrap_or(0);
            // Shops that keep no prices in Pancake answer 0; importing that
            // would put free goods on the till.
            let skip = (price <= 0).then(|| "no retail price in Pancake".to_owned());
            Some(Candidate {
                sku,
                name,
                price,
                barcode: variation
                    .barcode
                    .clone()
                    .filter(|code| !code.trim().is_empty()),
                skip,
            })
        })
        .collect()
}

fn differences(local: &catalog::Product, wanted: &Candidate) -> Vec<String> {
    let mut changes = Vec::new();
    if local.name != wanted.name {
        changes.push(format!("name: {} → {}", local.name, wanted.name));
    }
    if local.price != wanted.price {
        changes.push(format!("price: {} → {}", local.price, wanted.price));
    }
    if wanted.barcode.is_some() && local.barcode != wanted.barcode {
        let old = local.barcode.as_deref().unwrap_or("-");
        let new = wanted.barcode.as_deref().unwrap_or("-");
        changes.push(format!("barcode: {old} → {new}"));
    }
    changes
}

/// What applying a plan did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub created: usize,
    pub updated: usize,
    /// SKU and why, for products the app refused.
    pub failed: Vec<(String, String)>,
}

/// Writes the creates and updates of `plan`, each in a transaction of its
/// own; a product the app refuses is reported and the rest go on.
pub async fn apply_import(db: &AnyPool, plan: &[Planned]) -> anyhow::Result<Applied> {
    let mut applied = Applied::default();
    for item in plan {
        if !matches!(item.action, Action::Create | Action::Update { .. }) {
            continue;
        }
        match import_one(db, item).await {
            Ok(catalog::UpsertOutcome::Created) => applied.created += 1,
            Ok(catalog::UpsertOutcome::Updated) => applied.updated += 1,
            Err(err) => applied.failed.push((item.sku.clone(), err.to_string())),
        }
    }
    Ok(applied)
}

async fn import_one(db: &AnyPool, item: &Planned) -> Result<catalog::UpsertOutcome, AppError> {
    let mut tx = db::begin_write(db).await?;
    let outcome = import_planned(&mut tx, item).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Writes one planned create or update through the catalogue's upsert, in
/// the caller's transaction, keeping what the app holds that Pancake does
/// not know.
pub async fn import_planned(
    conn: &mut AnyConnection,
    item: &Planned,
) -> Result<catalog::UpsertOutcome, AppError> {
    let existing = find_by_sku(conn, &item.sku).await?;
    let mut request = match &existing {
        Some(local) => ProductRequest {
            category_id: local.category_id,
            cost_price: Some(local.cost_price),
            tax_rate: Some(local.tax_rate),
            description: Some(local.description.clone()),
            active: Some(local.active),
            low_stock_threshold: Some(local.low_stock_threshold),
            barcode: local.barcode.clone(),
            ..ProductRequest::default()
        },
        None => ProductRequest::default(),
    };
    request.name = Some(item.name.clone());
    request.sku = Some(item.sku.clone());
    request.price = Some(item.price);
    if item.barcode.is_some() {
        request.barcode.clone_from(&item.barcode);
    }
    let input = request.validate()?;
    let (_, outcome) = catalog::upsert_product(conn, &input).await?;
    Ok(outcome)
}
