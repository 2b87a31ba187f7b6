//! `pancake orders …`: Pancake's orders from the shell, and the app's sales
//! sent to it.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::bail;
use clap::{Args, Subcommand};

use super::{
    api::OrderQuery,
    sync::{self, Pushed},
    OrderStatus, PancakeOrder,
};
use crate::{
    clock,
    config::Config,
    db,
    pancake::{
        output::{format_table, opt, render, OutputArgs},
        PancakeClient,
    },
};

const DAY: i64 = 86_400;

#[derive(Debug, Args)]
pub struct OrderArgs {
    #[command(subcommand)]
    command: OrderCommand,
}

#[derive(Debug, Subcommand)]
enum OrderCommand {
    /// List orders, newest first, a page at a time.
    List {
        /// Phone number, customer name, note…
        #[arg(long)]
        search: Option<String>,
        /// Only orders in this status code (repeat for several).
        #[arg(long = "status", value_name = "CODE")]
        statuses: Vec<i64>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// One order by its id in the shop, with its lines.
    Get {
        id: i64,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Move an order to another status code (needs CONFIRM_WRITE=YES).
    Status { id: i64, code: i64 },
    /// Send a paid or completed sale of this app to Pancake, once (needs
    /// CONFIRM_WRITE=YES).
    Push {
        /// The id of the app's order (123 for HD000123).
        order_id: i64,
    },
    /// Copy the orders Pancake changed in a range of UTC days into the app's
    /// database (nothing is written to Pancake).
    Pull {
        /// First day, YYYY-MM-DD; the last 24 hours without it.
        #[arg(long, value_parser = day_start)]
        since: Option<i64>,
        /// Last day, YYYY-MM-DD, included; now without it.
        #[arg(long, value_parser = day_start)]
        until: Option<i64>,
    },
}

/// Runs a `pancake orders` subcommand and returns what it prints; `config`
/// locates the app's database for `push` and `pull`.
pub async fn execute(
    client: &PancakeClient,
    config: &Config,
    args: OrderArgs,
) -> anyhow::Result<String> {
    match args.command {
        OrderCommand::List {
            search,
            statuses,
            page,
            output,
        } => {
            let query = OrderQuery {
                search,
                statuses: statuses.into_iter().map(OrderStatus::from_code).collect(),
                page,
                ..OrderQuery::default()
            };
            let page = client.orders(&query).await?;
            let mut printed = render(&output, &page.data, order_table)?;
            if !output.json {
                if let (Some(number), Some(total)) = (page.page_number, page.total_pages) {
                    printed.push_str(&format!("page {number} of {total}\n"));
                }
            }
            Ok(printed)
        }
        OrderCommand::Get { id, output } => {
            let order = client.order(id).await?;
            if output.json {
                render(&output, &[order], order_table)
            } else {
                Ok(format!(
                    "{}{}",
                    order_table(std::slice::from_ref(&order)),
                    item_table(&order)
                ))
            }
        }
        OrderCommand::Status { id, code } => {
            let status = OrderStatus::from_code(code);
            if let OrderStatus::Unknown(code) = status {
                bail!("{code} is not a documented Pancake order status; nothing was sent");
            }
            let order = client.update_order_status(id, status).await?;
            Ok(format!(
                "order {id} is now {} ({})\n",
                order.status.code(),
                order.status.label()
            ))
        }
        OrderCommand::Push { order_id } => {
            let pool = db::connect(config.database_url()).await?;
            db::migrate(&pool).await?;
            let pushed = sync::push_sale(client, &pool, order_id).await;
            pool.close().await;
            Ok(match pushed? {
                Pushed::Created { link, status } => format!(
                    "created Pancake order {} (shop {}) for order {order_id}, status {}\n",
                    link.pancake_order_id,
                    link.shop_id,
                    status.map_or_else(
                        || "not given".to_owned(),
                        |status| format!("{} ({})", status.code(), status.label())
                    ),
                ),
                Pushed::AlreadyLinked(link) => format!(
                    "kept: order {order_id} was pushed at {} as Pancake order {} (shop {}); \
                     nothing was sent\n",
                    link.pushed_at, link.pancake_order_id, link.shop_id
                ),
            })
        }
        OrderCommand::Pull { since, until } => {
            let until = until.map_or_else(now, |day| day + DAY - 1);
            let since = since.unwrap_or(until - DAY);
            let pool = db::connect(config.database_url()).await?;
            db::migrate(&pool).await?;
            let pulled = sync::pull_orders(client, &pool, since, until).await;
            pool.close().await;
            let pulled = pulled?;
            Ok(format!(
                "created {}, updated {}, unchanged {}\n",
                pulled.created, pulled.updated, pulled.unchanged
            ))
        }
    }
}

/// The first second of a `YYYY-MM-DD` day in UTC, as Unix seconds.
pub(super) fn day_start(text: &str) -> Result<i64, String> {
    let shaped = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    shaped
        .then(|| clock::unix_seconds(&format!("{text}T00:00:00Z")))
        .flatten()
        .ok_or_else(|| format!("expected a day as YYYY-MM-DD, got {text:?}"))
}

fn now() -> i64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX)
}

fn order_table(orders: &[PancakeOrder]) -> String {
    let rows = orders
        .iter()
        .map(|order| {
            vec![
                order.id.to_string(),
                order
                    .system_id
                    .map_or_else(|| "-".to_owned(), |id| id.to_string()),
                format!("{} {}", order.status.code(), order.status.label()),
                order
                    .total_price
                    .map_or_else(|| "-".to_owned(), |total| total.to_string()),
                opt(order.customer_name()),
                opt(order.updated_at.as_deref()),
            ]
        })
        .collect();
    format_table(
        &["ID", "NUMBER", "STATUS", "TOTAL", "CUSTOMER", "UPDATED"],
        rows,
    )
}

fn item_table(order: &PancakeOrder) -> String {
    let rows = order
        .items
        .iter()
        .map(|item| {
            let info = item.variation_info.as_ref();
            vec![
                opt(info.and_then(|info| info.name.as_deref())),
                opt(item.variation_id.as_deref()),
                item.quantity
                    .map_or_else(|| "-".to_owned(), |quantity| quantity.to_string()),
                info.and_then(|info| info.retail_price)
                    .map_or_else(|| "-".to_owned(), |price| price.to_string()),
            ]
        })
        .collect();
    format_table(&["ITEM", "VARIATION", "QUANTITY", "PRICE"], rows)
}
