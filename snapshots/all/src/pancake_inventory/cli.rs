//! `pancake inventory …`: Pancake's stock from the shell, and the app's
//! stock checked against it.

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use jiff::civil::{Date, Time};

use super::{
    api::{HistoryQuery, Period, StockKind},
    reconcile::{self, Report, Sides},
    AnalyticsRow, HistoryEntry,
};
use crate::{
    config::Config,
    db,
    pancake::{
        output::{format_table, opt, render, render_page, OutputArgs},
        PancakeClient,
    },
    warehouses::{self, service::normalise_code},
};

/// Vietnam's offset from UTC, which has no daylight saving: a shop's day.
const VIETNAM_HOURS: i8 = 7;

#[derive(Debug, Args)]
pub struct InventoryArgs {
    #[command(subcommand)]
    command: InventoryCommand,
}

#[derive(Debug, Subcommand)]
enum InventoryCommand {
    /// Stock movements in Pancake, a page at a time.
    Histories {
        /// Only this Pancake warehouse (its id).
        #[arg(long)]
        warehouse_id: Option<String>,
        /// Only the variation with this SKU; repeat for several.
        #[arg(long = "sku")]
        skus: Vec<String>,
        /// From the start of this day (YYYY-MM-DD, Vietnam time, UTC+7).
        #[arg(long)]
        since: Option<String>,
        /// To the end of this day (YYYY-MM-DD, Vietnam time, UTC+7).
        #[arg(long)]
        until: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Stock in and out over a period, by variation (or by product).
    Analytics {
        /// From the start of this day (YYYY-MM-DD, Vietnam time, UTC+7).
        #[arg(long)]
        since: String,
        /// To the end of this day (YYYY-MM-DD, Vietnam time, UTC+7).
        #[arg(long)]
        until: String,
        /// Which stock to count.
        #[arg(long = "type", value_enum, default_value_t = StockKind::Actual)]
        kind: StockKind,
        /// One line per product instead of per variation.
        #[arg(long)]
        by_product: bool,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Compare the app's stock with Pancake's physical stock, SKU by SKU.
    Reconcile {
        #[command(flatten)]
        sides: SideArgs,
        /// List the SKUs that agree too.
        #[arg(long)]
        all: bool,
        /// Set the app's stock to Pancake's with ADJUSTMENT movements
        /// (nothing is written to Pancake).
        #[arg(long)]
        adopt: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Set Pancake's physical stock to the app's for every SKU that differs:
    /// shows what would be set, and sets it with --apply (needs CONFIRM_WRITE=YES).
    Push {
        #[command(flatten)]
        sides: SideArgs,
        /// Send the levels to Pancake.
        #[arg(long)]
        apply: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// The warehouse compared on each side.
#[derive(Debug, Args)]
struct SideArgs {
    /// The Pancake warehouse (its id); by default the one the app's
    /// warehouse is linked to (`pancake warehouses link`).
    #[arg(long)]
    pancake_warehouse: Option<String>,
    /// The app's warehouse, by code; the default warehouse if left out.
    #[arg(long)]
    warehouse: Option<String>,
}

impl SideArgs {
    /// The warehouses to compare, the Pancake one read from the app's
    /// warehouse link when not given.
    async fn sides(self, config: &Config) -> anyhow::Result<Sides> {
        let pancake_warehouse = match self.pancake_warehouse {
            Some(id) => id,
            None => {
                let pool = db::connect(config.database_url()).await?;
                db::migrate(&pool).await?;
                let wanted = self.warehouse.as_deref().map(normalise_code);
                let warehouse = warehouses::service::list(&pool)
                    .await?
                    .into_iter()
                    .find(|warehouse| match &wanted {
                        Some(code) => &warehouse.code == code,
                        None => warehouse.is_default,
                    })
                    .with_context(|| {
                        format!("the app has no warehouse {}", wanted.unwrap_or_default())
                    })?;
                warehouse.pancake_warehouse_id.with_context(|| {
                    format!(
                        "warehouse {} is linked to no Pancake warehouse: give --pancake-warehouse \
                         or run `pancake warehouses link {} <id>`",
                        warehouse.code, warehouse.code
                    )
                })?
            }
        };
        Ok(Sides {
            pancake_warehouse,
            warehouse: self.warehouse,
        })
    }
}

/// Runs a `pancake inventory` subcommand and returns what it prints;
/// `config` locates the app's database for `reconcile` and `push`.
pub async fn execute(
    client: &PancakeClient,
    config: &Config,
    args: InventoryArgs,
) -> anyhow::Result<String> {
    match args.command {
        InventoryCommand::Histories {
            warehouse_id,
            skus,
            since,
            until,
            page,
            output,
        } => {
            // The days are checked before any request.
            let since = since.map(|text| day("--since", &text)).transpose()?;
            let until = until.map(|text| day("--until", &text)).transpose()?;
            let mut variation_ids = Vec::new();
            for sku in &skus {
                variation_ids.push(variation_id(client, sku).await?);
            }
            let query = HistoryQuery {
                warehouse_id,
                variation_ids,
                since: since.map(start_of),
                until: until.map(end_of),
            };
            let page = client.inventory_histories(&query, page).await?;
            render_page(&output, &page, history_table)
        }
        InventoryCommand::Analytics {
            since,
            until,
            kind,
            by_product,
            page,
            output,
        } => {
            let (since, until) = (day("--since", &since)?, day("--until", &until)?);
            if until < since {
                bail!("--until {until} is before --since {since}");
            }
            let period = Period {
                start: start_of(since),
                end: end_of(until),
            };
            let page = if by_product {
                client
                    .inventory_analytics_by_product(period, kind, page)
                    .await?
            } else {
                client.inventory_analytics(period, kind, page).await?
            };
            render_page(&output, &page, analytics_table)
        }
        InventoryCommand::Reconcile {
            sides,
            all,
            adopt,
            output,
        } => {
            let sides = sides.sides(config).await?;
            check_stock(client, config, sides, all, adopt, &output).await
        }
        InventoryCommand::Push {
            sides,
            apply,
            output,
        } => {
            let sides = sides.sides(config).await?;
            push(client, config, sides, apply, &output).await
        }
    }
}

async fn check_stock(
    client: &PancakeClient,
    config: &Config,
    sides: Sides,
    all: bool,
    adopt: bool,
    output: &OutputArgs,
) -> anyhow::Result<String> {
    let pool = db::connect(config.database_url()).await?;
    db::migrate(&pool).await?;
    let report = reconcile::compare(client, &pool, &sides).await?;
    let adjusted = if adopt {
        Some(reconcile::adopt(&pool, &report).await?)
    } else {
        None
    };
    pool.close().await;
    let report = if all {
        report
    } else {
        report.differences_only()
    };
    let mut printed = print_report(output, &report)?;
    if !output.json {
        match adjusted {
            Some(count) => printed.push_str(&format!(
                "set the app's stock of {count} SKU(s) to Pancake's\n"
            )),
            None if report.totals.differing > 0 => printed.push_str(
                "nothing was written; --adopt sets the app's stock to Pancake's, \
                 `push` sets Pancake's to the app's\n",
            ),
            None => {}
        }
    }
    Ok(printed)
}

async fn push(
    client: &PancakeClient,
    config: &Config,
    sides: Sides,
    apply: bool,
    output: &OutputArgs,
) -> anyhow::Result<String> {
    let pool = db::connect(config.database_url()).await?;
    db::migrate(&pool).await?;
    let report = reconcile::compare(client, &pool, &sides).await;
    pool.close().await;
    let report = report?.differences_only();
    let levels = report.levels_to_push();
    let planned: Vec<Planned> = report
        .rows
        .iter()
        .map(|row| Planned {
            sku: row.sku.clone(),
            name: row.name.clone(),
            pancake: row.pancake,
            local: row.local,
            pushed: levels.iter().any(|level| level.sku == row.sku),
        })
        .collect();
    if planned.is_empty() && !output.json {
        return Ok("nothing to set: Pancake has the app's stock\n".to_owned());
    }
    let mut printed = render(output, &planned, planned_table)?;
    if apply {
        client.set_stock(&levels).await?;
        if !output.json {
            printed.push_str(&format!(
                "set the stock of {} SKU(s) in Pancake, checked\n",
                levels.len()
            ));
        }
    } else if !output.json {
        printed.push_str("dry run: nothing was written; run again with --apply\n");
    }
    Ok(printed)
}

/// One line of a push: what Pancake has, what the app has.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Planned {
    sku: String,
    name: String,
    pancake: i64,
    local: i64,
    /// False where the app's stock is below zero, which is not sent.
    pushed: bool,
}

/// The id of the Pancake variation whose SKU is exactly `sku`. Pancake's
/// search also matches names and barcodes, so its first page of answers is
/// filtered for the exact SKU.
async fn variation_id(client: &PancakeClient, sku: &str) -> anyhow::Result<String> {
    let found = client.variations(Some(sku), 1).await?;
    let ids: Vec<&str> = found
        .data
        .iter()
        .filter(|variation| variation.custom_id.as_deref() == Some(sku))
        .filter_map(|variation| variation.id.as_deref())
        .collect();
    match ids.as_slice() {
        [id] => Ok((*id).to_owned()),
        [] => bail!("no Pancake variation has SKU {sku}"),
        _ => bail!("several Pancake variations have SKU {sku}"),
    }
}

/// The day a `--since` or `--until` option gives. Years are kept to four
/// digits so that every day has a next one and an offset start.
fn day(option: &str, text: &str) -> anyhow::Result<Date> {
    match text.trim().parse::<Date>() {
        Ok(day) if (1..=9998).contains(&day.year()) => Ok(day),
        _ => bail!("{option} takes a day as YYYY-MM-DD, not {text:?}"),
    }
}

/// The first second of `day` in Vietnam, in Unix seconds.
fn start_of(day: Date) -> i64 {
    let midnight = day.to_datetime(Time::midnight());
    let offset = jiff::tz::offset(VIETNAM_HOURS);
    // Inside years 1..=9998 the conversion cannot leave jiff's range.
    offset
        .to_timestamp(midnight)
        .map_or(0, |start| start.as_second())
}

/// The last second of `day` in Vietnam, in Unix seconds.
fn end_of(day: Date) -> i64 {
    // Within years 1..=9998 every day has a next.
    day.tomorrow().map_or(0, start_of) - 1
}

fn print_report(output: &OutputArgs, report: &Report) -> anyhow::Result<String> {
    if output.json {
        let json = serde_json::to_string_pretty(report).context("cannot encode JSON")?;
        return Ok(format!("{json}\n"));
    }
    let mut printed = format!(
        "app warehouse {} against Pancake warehouse {}\n",
        report.warehouse, report.pancake_warehouse
    );
    if !report.rows.is_empty() {
        let rows = report
            .rows
            .iter()
            .map(|row| {
                vec![
                    row.sku.clone(),
                    row.name.clone(),
                    row.local.to_string(),
                    row.pancake.to_string(),
                    format!("{:+}", row.difference),
                ]
            })
            .collect();
        printed.push_str(&format_table(
            &["SKU", "NAME", "APP", "PANCAKE", "DIFFERENCE"],
            rows,
        ));
    }
    for (title, items) in [
        ("only in Pancake", &report.only_pancake),
        ("only in the app", &report.only_local),
    ] {
        if !items.is_empty() {
            printed.push_str(&format!("{title}:\n"));
            let rows = items
                .iter()
                .map(|item| {
                    vec![
                        item.sku.clone(),
                        item.name.clone(),
                        item.quantity.to_string(),
                    ]
                })
                .collect();
            printed.push_str(&format_table(&["SKU", "NAME", "STOCK"], rows));
        }
    }
    if !report.ambiguous.is_empty() {
        printed.push_str(&format!(
            "left out, as several Pancake variations share the SKU: {}\n",
            report.ambiguous.join(", ")
        ));
    }
    let totals = &report.totals;
    printed.push_str(&format!(
        "{} SKU(s) on both sides: {} equal, {} differing; {} only in Pancake, \
         {} only in the app; {} Pancake variation(s) without a SKU\n\
         units: app {}, Pancake {}\n",
        totals.matched,
        totals.equal,
        totals.differing,
        totals.only_pancake,
        totals.only_local,
        report.without_sku,
        totals.local_units,
        totals.pancake_units,
    ));
    Ok(printed)
}

fn planned_table(planned: &[Planned]) -> String {
    let rows = planned
        .iter()
        .map(|item| {
            vec![
                item.sku.clone(),
                item.name.clone(),
                item.pancake.to_string(),
                if item.pushed {
                    item.local.to_string()
                } else {
                    format!("{} (below zero, not sent)", item.local)
                },
            ]
        })
        .collect();
    format_table(&["SKU", "NAME", "PANCAKE NOW", "APP (TO SET)"], rows)
}

fn history_table(entries: &[HistoryEntry]) -> String {
    let rows = entries
        .iter()
        .map(|entry| {
            let whole = |value: Option<i64>| value.map_or_else(|| "-".into(), |n| n.to_string());
            let reference = match (&entry.table_name, &entry.ref_display_id) {
                (Some(table), Some(id)) => format!("{table} {id}"),
                (Some(table), None) => table.clone(),
                (None, id) => opt(id.as_deref()),
            };
            vec![
                opt(entry.inserted_at.as_deref()),
                entry
                    .variation_now
                    .as_ref()
                    .map_or_else(|| "-".into(), |variation| variation.code()),
                opt(entry.kind.as_deref()),
                reference,
                opt(entry
                    .warehouse
                    .as_ref()
                    .and_then(|warehouse| warehouse.name.as_deref())),
                entry
                    .quantity
                    .map_or_else(|| "-".into(), |change| format!("{change:+}")),
                whole(entry.remain_quantity),
            ]
        })
        .collect();
    format_table(
        &[
            "TIME (UTC)",
            "SKU",
            "TYPE",
            "REFERENCE",
            "WAREHOUSE",
            "CHANGE",
            "AFTER",
        ],
        rows,
    )
}

fn analytics_table(rows: &[AnalyticsRow]) -> String {
    let number = |value: Option<f64>| value.map_or_else(|| "-".into(), |n| n.to_string());
    let rows = rows
        .iter()
        .map(|row| {
            vec![
                row.code(),
                row.name(),
                number(row.begin_inventory),
                number(row.total_import),
                number(row.total_export),
                number(row.end_inventory),
                row.end_inventory_value
                    .map_or_else(|| "-".into(), |value| value.to_string()),
            ]
        })
        .collect();
    format_table(
        &["SKU", "NAME", "BEGIN", "IN", "OUT", "END", "END VALUE"],
        rows,
    )
}
