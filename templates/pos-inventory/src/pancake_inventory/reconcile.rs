//! The app's stock checked against Pancake's, SKU by SKU, in one warehouse
//! on each side.
//!
//! Pancake's side is a variation's `actual_remain_quantity` in the Pancake
//! warehouse: the physical stock, on the shelf. That is what the app's ledger
//! counts too; Pancake's other figure, `remain_quantity`, is what is left to
//! sell once its open orders are served, which the app has no notion of.
//!
//! Matching is exact on the SKU (the variation's `custom_id`, the variant's
//! `sku`), as the catalogue import matches. A Pancake variation without a
//! SKU cannot be matched and is only counted; a SKU Pancake gives to more
//! than one variation is left out and listed, because which one the app's
//! variant stands for is unknown.

use std::collections::{BTreeMap, HashMap};

use anyhow::{bail, Context};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use super::{api::StockLevel, StockedVariation};
use crate::{
    db,
    inventory::ledger::{self, MovementKind, NewMovement, Posted},
    pancake::PancakeClient,
};

/// Who stock adjustments made from Pancake's figures are recorded against.
const ADOPT_ACTOR: &str = "pancake inventory reconcile";

/// The two warehouses to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    /// Pancake's warehouse id.
    pub pancake_warehouse: String,
    /// The app's warehouse code; `None` is the default warehouse.
    pub warehouse: Option<String>,
}

/// What the comparison found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub pancake_warehouse: String,
    /// The app's warehouse code.
    pub warehouse: String,
    #[serde(skip)]
    pub warehouse_id: i64,
    /// SKUs on both sides, in SKU order.
    pub rows: Vec<Row>,
    pub only_pancake: Vec<Unmatched>,
    pub only_local: Vec<Unmatched>,
    /// SKUs Pancake gives to more than one variation, left out.
    pub ambiguous: Vec<String>,
    /// Pancake variations without a SKU.
    pub without_sku: usize,
    pub totals: Totals,
}

/// A SKU both sides know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub sku: String,
    pub name: String,
    pub local: i64,
    pub pancake: i64,
    /// `local - pancake`: how many more the app counts.
    pub difference: i64,
    pub variation_id: String,
    #[serde(skip)]
    pub variant_id: i64,
}

/// A SKU only one side knows, with that side's stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unmatched {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
}

/// Counts over the whole comparison, whatever is listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub matched: usize,
    pub equal: usize,
    pub differing: usize,
    pub only_pancake: usize,
    pub only_local: usize,
    /// Units the app counts over the SKUs compared.
    pub local_units: i64,
    /// Units Pancake counts over the SKUs compared.
    pub pancake_units: i64,
}

impl Report {
    /// The report without the rows that agree (the totals still count them).
    pub fn differences_only(mut self) -> Self {
        self.rows.retain(|row| row.difference != 0);
        self
    }

    /// The levels that would make Pancake's stock the app's: every differing
    /// SKU, except where the app's stock is below zero (a shop selling
    /// ahead of deliveries), which is no count to give Pancake.
    pub fn levels_to_push(&self) -> Vec<StockLevel> {
        self.rows
            .iter()
            .filter(|row| row.difference != 0 && row.local >= 0)
            .map(|row| StockLevel {
                variation_id: row.variation_id.clone(),
                warehouse_id: self.pancake_warehouse.clone(),
                remain_quantity: row.local,
                sku: row.sku.clone(),
            })
            .collect()
    }
}

/// Reads every Pancake variation and the app's stock, and compares them.
/// Reads only; nothing is written on either side.
pub async fn compare(
    client: &PancakeClient,
    pool: &AnyPool,
    sides: &Sides,
) -> anyhow::Result<Report> {
    let variations = client.stocked_variations().await?;
    let listed = variations.iter().any(|variation| {
        variation
            .variations_warehouses
            .iter()
            .any(|stock| stock.warehouse_id == sides.pancake_warehouse)
    });
    if !variations.is_empty() && !listed {
        bail!(
            "no Pancake variation lists warehouse {}: check --pancake-warehouse",
            sides.pancake_warehouse
        );
    }
    let mut conn = pool.acquire().await?;
    let (warehouse_id, warehouse) = local_warehouse(&mut conn, sides.warehouse.as_deref()).await?;
    let locals = local_stock(&mut conn, warehouse_id).await?;
    Ok(compare_levels(
        &variations,
        locals,
        &sides.pancake_warehouse,
        (warehouse_id, warehouse),
    ))
}

/// One variant of the app with its stock in the warehouse compared.
struct Local {
    variant_id: i64,
    sku: String,
    name: String,
    on_hand: i64,
    /// On sale: a retired variant is only reported while it holds stock.
    active: bool,
}

fn compare_levels(
    variations: &[StockedVariation],
    locals: Vec<Local>,
    pancake_warehouse: &str,
    (warehouse_id, warehouse): (i64, String),
) -> Report {
    let mut without_sku = 0;
    let mut by_sku: BTreeMap<&str, Vec<&StockedVariation>> = BTreeMap::new();
    for variation in variations {
        match variation.variation.custom_id.as_deref() {
            Some(sku) if !sku.trim().is_empty() => by_sku.entry(sku).or_default().push(variation),
            _ => without_sku += 1,
        }
    }
    let mut locals: HashMap<String, Local> = locals
        .into_iter()
        .map(|local| (local.sku.clone(), local))
        .collect();
    let mut report = Report {
        pancake_warehouse: pancake_warehouse.to_owned(),
        warehouse,
        warehouse_id,
        rows: Vec::new(),
        only_pancake: Vec::new(),
        only_local: Vec::new(),
        ambiguous: Vec::new(),
        without_sku,
        totals: Totals::default(),
    };
    for (sku, found) in by_sku {
        let [variation] = found.as_slice() else {
            locals.remove(sku);
            report.ambiguous.push(sku.to_owned());
            continue;
        };
        let pancake = variation.actual_in(pancake_warehouse).unwrap_or(0);
        match (locals.remove(sku), variation.variation.id.clone()) {
            (Some(local), Some(variation_id)) => report.rows.push(Row {
                sku: sku.to_owned(),
                name: local.name,
                local: local.on_hand,
                pancake,
                difference: local.on_hand - pancake,
                variation_id,
                variant_id: local.variant_id,
            }),
            (local, _) => {
                // A variation without an id cannot be set, so it is only
                // reported, as one the app does not hold.
                if let Some(local) = local {
                    locals.insert(local.sku.clone(), local);
                }
                report.only_pancake.push(Unmatched {
                    sku: sku.to_owned(),
                    name: variation.name(),
                    quantity: pancake,
                });
            }
        }
    }
    let mut only_local: Vec<Unmatched> = locals
        .into_values()
        .filter(|local| local.active || local.on_hand != 0)
        .map(|local| Unmatched {
            sku: local.sku,
            name: local.name,
            quantity: local.on_hand,
        })
        .collect();
    only_local.sort_by(|a, b| a.sku.cmp(&b.sku));
    report.only_local = only_local;
    report.totals = totals(&report);
    report
}

fn totals(report: &Report) -> Totals {
    let equal = report.rows.iter().filter(|row| row.difference == 0).count();
    let sum = |items: &[Unmatched]| items.iter().map(|item| item.quantity).sum::<i64>();
    Totals {
        matched: report.rows.len(),
        equal,
        differing: report.rows.len() - equal,
        only_pancake: report.only_pancake.len(),
        only_local: report.only_local.len(),
        local_units: report.rows.iter().map(|row| row.local).sum::<i64>() + sum(&report.only_local),
        pancake_units: report.rows.iter().map(|row| row.pancake).sum::<i64>()
            + sum(&report.only_pancake),
    }
}

/// The warehouse with `code`, or the default one: its id and code.
async fn local_warehouse(
    conn: &mut AnyConnection,
    code: Option<&str>,
) -> anyhow::Result<(i64, String)> {
    let id = match code {
        Some(code) => sqlx::query_scalar("SELECT id FROM warehouses WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?
            .with_context(|| format!("the app has no warehouse with code {code}"))?,
        None => ledger::default_warehouse(conn).await?,
    };
    let code = sqlx::query_scalar("SELECT code FROM warehouses WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok((id, code))
}

/// Every variant of the app with its stock in `warehouse_id` (zero where it
/// was never stocked there).
async fn local_stock(conn: &mut AnyConnection, warehouse_id: i64) -> anyhow::Result<Vec<Local>> {
    let rows: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT v.id, v.sku, p.name, \
                CASE WHEN v.is_default = 1 THEN '' ELSE v.name END, \
                CAST(CASE WHEN p.active = 1 AND v.active = 1 THEN 1 ELSE 0 END AS BIGINT), \
                CAST(COALESCE(s.on_hand, 0) AS BIGINT) \
         FROM product_variants v \
         JOIN products p ON p.id = v.product_id \
         LEFT JOIN stock_levels s ON s.variant_id = v.id AND s.warehouse_id = $1",
    )
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(variant_id, sku, product, variant, active, on_hand)| Local {
                variant_id,
                sku,
                name: if variant.is_empty() {
                    product
                } else {
                    format!("{product} ({variant})")
                },
                on_hand,
                active: active == 1,
            },
        )
        .collect())
}

/// Sets the app's stock of every differing SKU to Pancake's with
/// `ADJUSTMENT` movements, all in one transaction. Each adjustment is worked
/// out from the stock read inside the transaction, not from the report, so a
/// sale made since the comparison is not undone. A negative Pancake level is
/// left alone, as the ledger keeps stock at zero or above. Returns how many
/// SKUs were adjusted.
pub async fn adopt(pool: &AnyPool, report: &Report) -> anyhow::Result<usize> {
    let reason = format!(
        "Set to Pancake's stock in warehouse {}",
        report.pancake_warehouse
    );
    let mut tx = db::begin_write(pool).await?;
    let mut adjusted = 0;
    for row in report
        .rows
        .iter()
        .filter(|row| row.difference != 0 && row.pancake >= 0)
    {
        let now = ledger::on_hand(&mut tx, row.variant_id, report.warehouse_id).await?;
        if now == row.pancake {
            continue;
        }
        let movement = NewMovement {
            variant_id: row.variant_id,
            warehouse_id: report.warehouse_id,
            quantity: row.pancake - now,
            kind: MovementKind::Adjustment,
            reason: reason.clone(),
            order_id: None,
            actor: Some(ADOPT_ACTOR.to_owned()),
        };
        if let Posted::Short { available } = ledger::post(&mut tx, &movement, false).await? {
            bail!(
                "cannot set {} to {}: only {available} on hand",
                row.sku,
                row.pancake
            );
        }
        adjusted += 1;
    }
    tx.commit().await?;
    Ok(adjusted)
}
