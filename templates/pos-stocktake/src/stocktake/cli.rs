//! `pancake stocktakings …`: Pancake's stocktakings from the shell, and the
//! app's applied stock counts sent to Pancake.

use clap::{Args, Subcommand};

use super::pancake::{
    self, NewItem, NewStocktaking, PancakeStocktaking, StocktakingChange, StocktakingStatus,
};
use crate::{
    config::Config,
    db,
    pancake::{
        output::{format_table, opt, render, render_page, OutputArgs},
        PancakeClient,
    },
};

#[derive(Debug, Args)]
pub struct StocktakingArgs {
    #[command(subcommand)]
    command: StocktakingCommand,
}

#[derive(Debug, Subcommand)]
enum StocktakingCommand {
    /// List stocktakings, a page at a time.
    List {
        #[arg(long, value_enum, default_value_t = StocktakingStatus::All)]
        status: StocktakingStatus,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// One stocktaking with its items.
    Get {
        id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create a stocktaking (needs CONFIRM_WRITE=YES).
    Create {
        /// The Pancake warehouse id (a UUID).
        #[arg(long)]
        warehouse: String,
        /// A variation and its change, as VARIATION_ID=QUANTITY; repeat it.
        #[arg(long = "item", value_name = "VARIATION_ID=QUANTITY", required = true, value_parser = item)]
        items: Vec<(String, i64)>,
        #[arg(long, value_enum, default_value_t = StocktakingStatus::Counting)]
        status: StocktakingStatus,
        #[arg(long)]
        note: Option<String>,
    },
    /// Change a stocktaking and check that the change took (needs
    /// CONFIRM_WRITE=YES).
    Update {
        /// The Pancake stocktaking id (a UUID).
        id: String,
        /// A variation and its change, as VARIATION_ID=QUANTITY; repeat it.
        #[arg(long = "item", value_name = "VARIATION_ID=QUANTITY", value_parser = item)]
        items: Vec<(String, i64)>,
        #[arg(long, value_enum)]
        status: Option<StocktakingStatus>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Send one of the app's applied stock counts to Pancake, once: shows
    /// what would be sent, and sends it with --apply.
    Push {
        /// The app's stock count id (the number in KK000012).
        id: i64,
        /// The Pancake warehouse id (a UUID); by default the one the count's
        /// warehouse is linked to.
        #[arg(long)]
        pancake_warehouse: Option<String>,
        /// The status it is created with: `counting` leaves it for a look in
        /// Pancake, `done` adjusts Pancake's stock at once.
        #[arg(long, value_enum, default_value_t = StocktakingStatus::Counting)]
        status: StocktakingStatus,
        /// Send it (needs CONFIRM_WRITE=YES).
        #[arg(long)]
        apply: bool,
    },
}

/// `VARIATION_ID=QUANTITY`, the quantity a signed whole number.
fn item(text: &str) -> Result<(String, i64), String> {
    let (id, quantity) = text
        .split_once('=')
        .ok_or_else(|| format!("expected VARIATION_ID=QUANTITY, got {text:?}"))?;
    let quantity = quantity
        .trim()
        .parse()
        .map_err(|_| format!("the quantity in {text:?} is not a whole number"))?;
    let id = id.trim();
    if id.is_empty() {
        return Err(format!("the variation id in {text:?} is empty"));
    }
    Ok((id.to_owned(), quantity))
}

/// Runs a `pancake stocktakings` subcommand and returns what it prints;
/// `config` locates the app's database for `push`.
pub async fn execute(
    client: &PancakeClient,
    config: &Config,
    args: StocktakingArgs,
) -> anyhow::Result<String> {
    match args.command {
        StocktakingCommand::List {
            status,
            page,
            output,
        } => {
            let page = client.stocktakings(status, page).await?;
            render_page(&output, &page, stocktaking_table)
        }
        StocktakingCommand::Get { id, output } => {
            let stocktaking = client.stocktaking(&id).await?;
            if output.json {
                return render(&output, &[stocktaking], stocktaking_table);
            }
            let mut printed = stocktaking_table(std::slice::from_ref(&stocktaking));
            printed.push('\n');
            printed.push_str(&item_table(&stocktaking));
            Ok(printed)
        }
        StocktakingCommand::Create {
            warehouse,
            items,
            status,
            note,
        } => {
            anyhow::ensure!(
                status != StocktakingStatus::All,
                "choose one status for the stocktaking, not all"
            );
            let count = items.len();
            let new = NewStocktaking {
                warehouse_id: warehouse,
                items: items
                    .into_iter()
                    .map(|(variation_id, changed_quantity)| NewItem {
                        variation_id,
                        changed_quantity,
                    })
                    .collect(),
                status: status.code(),
                note,
                stocktaking_at: None,
            };
            client.create_stocktaking(&new).await?;
            Ok(format!(
                "created a stocktaking of {count} items in warehouse {}\n",
                new.warehouse_id
            ))
        }
        StocktakingCommand::Update {
            id,
            items,
            status,
            note,
        } => {
            anyhow::ensure!(
                status != Some(StocktakingStatus::All),
                "choose one status for the stocktaking, not all"
            );
            let change = StocktakingChange {
                items,
                status: status.map(StocktakingStatus::code),
                note,
            };
            anyhow::ensure!(
                change != StocktakingChange::default(),
                "nothing to change: give --item, --status or --note"
            );
            let updated = client.update_stocktaking(&id, &change).await?;
            Ok(format!("updated stocktaking {}\n", updated.id))
        }
        StocktakingCommand::Push {
            id,
            pancake_warehouse,
            status,
            apply,
        } => {
            let pool = db::connect(config.database_url()).await?;
            db::migrate(&pool).await?;
            let push = pancake::push(client, &pool, id, pancake_warehouse, status, apply).await?;
            let body = serde_json::to_string_pretty(&push.stocktaking)?;
            Ok(match push.sent_as {
                Some(sent) => format!("sent {} as Pancake stocktaking {sent}\n", push.number),
                None => format!(
                    "would send {} ({} items); run with --apply to send it:\n{body}\n",
                    push.number,
                    push.stocktaking.items.len()
                ),
            })
        }
    }
}

fn stocktaking_table(stocktakings: &[PancakeStocktaking]) -> String {
    let rows = stocktakings
        .iter()
        .map(|stocktaking| {
            vec![
                stocktaking.id.clone(),
                opt(stocktaking.display_id.as_deref()),
                stocktaking
                    .status
                    .map_or_else(|| "-".into(), StocktakingStatus::name),
                opt(stocktaking.warehouse_id.as_deref()),
                stocktaking.items.len().to_string(),
                stocktaking
                    .progress
                    .map_or_else(|| "-".into(), |progress| format!("{progress}%")),
                opt(stocktaking.stocktaking_at.as_deref()),
                opt(stocktaking.note.as_deref()),
            ]
        })
        .collect();
    format_table(
        &[
            "ID",
            "NUMBER",
            "STATUS",
            "WAREHOUSE",
            "ITEMS",
            "PROGRESS",
            "COUNTED AT",
            "NOTE",
        ],
        rows,
    )
}

fn item_table(stocktaking: &PancakeStocktaking) -> String {
    let number = |value: Option<i64>| value.map_or_else(|| "-".into(), |n| n.to_string());
    let rows = stocktaking
        .items
        .iter()
        .map(|item| {
            vec![
                opt(item.variation_id.as_deref()),
                number(item.current_quantity),
                number(item.changed_quantity),
                opt(item.note.as_deref()),
            ]
        })
        .collect();
    format_table(&["VARIATION", "HELD", "CHANGE", "NOTE"], rows)
}
