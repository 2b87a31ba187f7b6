//! `pancake …` subcommands: Pancake POS from the shell. Each skill that talks
//! to Pancake adds its resource as one subcommand.
//!
//! Reads print a table (or JSON with `--json`). Writes are refused unless
//! `CONFIRM_WRITE=YES` is set, and then exit with code 3.

use std::io::Write;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::{
    output::{format_table, render, OutputArgs},
    PancakeClient, PancakeConfig, PancakeError, Shop,
};
use crate::config::Config;

/// Exit code of a write refused for want of `CONFIRM_WRITE=YES`, as in the
/// shell scripts shops already use.
pub const WRITE_REFUSED_EXIT: i32 = 3;

/// Query and change Pancake POS (configured by POS_API_KEY, SHOP_ID and POS_BASE_URL).
#[derive(Debug, Args)]
pub struct PancakeArgs {
    #[command(subcommand)]
    command: PancakeCommand,
}

#[derive(Debug, Subcommand)]
enum PancakeCommand {
    /// The shops the API key can reach (a quick check of the key).
    Shops {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Vietnamese provinces, districts and communes.
    Geo(crate::geo::cli::GeoArgs),
    /// Products, variations and categories.
    Products(crate::pancake_products::cli::ProductArgs),
    /// Customers, their loyalty levels and reward points.
    Customers(crate::pancake_customers::cli::CustomerArgs),
    /// Orders, and the app's sales pushed to Pancake.
    Orders(crate::pancake_orders::cli::OrderArgs),
    /// Warehouses, and the app's warehouse each is linked to.
    Warehouses(crate::warehouses::cli::WarehouseArgs),
    /// Stock histories and analytics, and the app's stock checked against Pancake's.
    Inventory(crate::pancake_inventory::cli::InventoryArgs),
    /// Stocktakings, and the app's stock counts sent to Pancake.
    Stocktakings(crate::stocktake::cli::StocktakingArgs),
}

/// Runs a `pancake` subcommand. The client reads its own settings
/// (`POS_BASE_URL`, `POS_API_KEY`, `SHOP_ID`, `CONFIRM_WRITE`); `config`
/// says where the app's own database is, for commands that sync with it.
pub async fn run(config: &Config, args: PancakeArgs) -> anyhow::Result<()> {
    let client = PancakeClient::new(PancakeConfig::from_env()?)?;
    let output = match execute(&client, config, args).await {
        Ok(output) => output,
        Err(err) if is_refused_write(&err) => {
            eprintln!("error: {err:#}");
            std::process::exit(WRITE_REFUSED_EXIT);
        }
        Err(err) => return Err(err),
    };
    // write_all reports a closed pipe (`| head`) as an error where print! panics.
    std::io::stdout()
        .write_all(output.as_bytes())
        .context("cannot write to stdout")
}

/// Parses the words after `pancake` as the app's command line does, global
/// options such as `--database-url` included; the Pancake skills' tests run
/// their subcommands through it.
#[cfg(test)]
pub(crate) fn parse(words: &[&str]) -> Result<(Config, PancakeArgs), clap::Error> {
    use clap::Parser;

    #[derive(Parser)]
    struct App {
        #[command(flatten)]
        config: Config,
        #[command(subcommand)]
        command: AppCommand,
    }

    #[derive(Subcommand)]
    enum AppCommand {
        Pancake(PancakeArgs),
    }

    let line = [env!("CARGO_PKG_NAME"), "pancake"].iter().chain(words);
    let App { config, command } = App::try_parse_from(line)?;
    let AppCommand::Pancake(args) = command;
    Ok((config, args))
}

fn is_refused_write(err: &anyhow::Error) -> bool {
    matches!(
        err.downcast_ref::<PancakeError>(),
        Some(PancakeError::WriteNotConfirmed)
    )
}

/// Runs a `pancake` subcommand against `client` and returns what it would print.
pub async fn execute(
    client: &PancakeClient,
    config: &Config,
    args: PancakeArgs,
) -> anyhow::Result<String> {
    match args.command {
        PancakeCommand::Shops { output } => {
            let shops = client.shops().await?;
            render(&output, &shops, shop_table)
        }
        PancakeCommand::Geo(geo) => crate::geo::cli::execute(client, config, geo).await,
        PancakeCommand::Products(products) => {
            crate::pancake_products::cli::execute(client, config, products).await
        }
        PancakeCommand::Customers(customers) => {
            crate::pancake_customers::cli::execute(client, customers).await
        }
        PancakeCommand::Orders(orders) => {
            crate::pancake_orders::cli::execute(client, config, orders).await
        }
        PancakeCommand::Warehouses(warehouses) => {
            crate::warehouses::cli::execute(client, config, warehouses).await
        }
        PancakeCommand::Inventory(inventory) => {
            crate::pancake_inventory::cli::execute(client, config, inventory).await
        }
        PancakeCommand::Stocktakings(stocktakings) => {
            crate::stocktake::cli::execute(client, config, stocktakings).await
        }
    }
}

fn shop_table(shops: &[Shop]) -> String {
    let rows = shops
        .iter()
        .map(|shop| vec![shop.id.to_string(), shop.name.clone()])
        .collect();
    format_table(&["ID", "NAME"], rows)
}
