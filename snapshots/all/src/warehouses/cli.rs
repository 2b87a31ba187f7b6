//! `pancake warehouses …`: Pancake's warehouses from the shell, and the link
//! from each of the app's warehouses to the Pancake one it mirrors.

use std::collections::HashMap;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{
    pancake::{self, PancakeWarehouse, WarehouseChange},
    service,
};
use crate::{
    config::Config,
    db,
    pancake::{
        output::{format_table, opt, render, OutputArgs},
        PancakeClient,
    },
};

#[derive(Debug, Args)]
pub struct WarehouseArgs {
    #[command(subcommand)]
    command: WarehouseCommand,
}

#[derive(Debug, Subcommand)]
enum WarehouseCommand {
    /// Pancake's warehouses, each with the app's warehouse linked to it.
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create a warehouse in Pancake (needs CONFIRM_WRITE=YES).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
    /// Change a Pancake warehouse and check that the change took (needs
    /// CONFIRM_WRITE=YES).
    Update {
        /// The Pancake warehouse id (a UUID).
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
    /// Link one of the app's warehouses (by code) to a Pancake warehouse.
    Link {
        /// The app's warehouse code, such as MAIN.
        code: String,
        /// The Pancake warehouse id (a UUID).
        pancake_id: String,
    },
    /// Remove the link of one of the app's warehouses.
    Unlink { code: String },
}

/// Runs a `pancake warehouses` subcommand and returns what it prints;
/// `config` locates the app's database, which holds the links.
pub async fn execute(
    client: &PancakeClient,
    config: &Config,
    args: WarehouseArgs,
) -> anyhow::Result<String> {
    match args.command {
        WarehouseCommand::List { output } => {
            let warehouses = client.warehouses().await?;
            let pool = db::connect(config.database_url()).await?;
            db::migrate(&pool).await?;
            let mut linked: HashMap<String, String> = service::list(&pool)
                .await?
                .into_iter()
                .filter_map(|local| Some((local.pancake_warehouse_id?, local.code)))
                .collect();
            let listed: Vec<Listed> = warehouses
                .into_iter()
                .map(|warehouse| Listed {
                    linked_to: linked.remove(&warehouse.id),
                    warehouse,
                })
                .collect();
            render(&output, &listed, warehouse_table)
        }
        WarehouseCommand::Create {
            name,
            address,
            phone,
        } => {
            let change = WarehouseChange {
                name: Some(name),
                address,
                phone_number: phone,
            };
            let created = client.create_warehouse(&change).await?;
            Ok(format!("created {} ({})\n", created.name, created.id))
        }
        WarehouseCommand::Update {
            id,
            name,
            address,
            phone,
        } => {
            let change = WarehouseChange {
                name,
                address,
                phone_number: phone,
            };
            anyhow::ensure!(
                change != WarehouseChange::default(),
                "nothing to change: give --name, --address or --phone"
            );
            let updated = client.update_warehouse(&id, &change).await?;
            Ok(format!("updated {} ({})\n", updated.name, updated.id))
        }
        WarehouseCommand::Link { code, pancake_id } => {
            let pool = db::connect(config.database_url()).await?;
            db::migrate(&pool).await?;
            let linked = pancake::link(client, &pool, &code, Some(&pancake_id)).await?;
            Ok(format!(
                "linked {} to Pancake warehouse {pancake_id}\n",
                linked.code
            ))
        }
        WarehouseCommand::Unlink { code } => {
            let pool = db::connect(config.database_url()).await?;
            db::migrate(&pool).await?;
            let unlinked = pancake::link(client, &pool, &code, None).await?;
            Ok(format!("unlinked {}\n", unlinked.code))
        }
    }
}

/// A Pancake warehouse and the code of the app's warehouse linked to it.
#[derive(Debug, Serialize)]
struct Listed {
    #[serde(flatten)]
    warehouse: PancakeWarehouse,
    linked_to: Option<String>,
}

fn warehouse_table(listed: &[Listed]) -> String {
    let rows = listed
        .iter()
        .map(
            |Listed {
                 warehouse,
                 linked_to,
             }| {
                vec![
                    warehouse.id.clone(),
                    warehouse.name.clone(),
                    opt(warehouse.phone_number.as_deref()),
                    opt(warehouse
                        .full_address
                        .as_deref()
                        .or(warehouse.address.as_deref())),
                    opt(linked_to.as_deref()),
                ]
            },
        )
        .collect();
    format_table(&["ID", "NAME", "PHONE", "ADDRESS", "LINKED TO"], rows)
}
