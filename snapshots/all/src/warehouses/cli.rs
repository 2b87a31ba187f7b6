//! `pancake warehouses …`: Pancake's warehouses from the shell, and the link
//! from each of the app's warehouses to the Pancake one it mirrors.

use std::collections::HashMap;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{
    pancake::{self, PancakeWarehouse, WarehouseChange},
    service,
};
use crate::geo::Area;
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
        #[command(flatten)]
        area: AreaArgs,
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
        #[command(flatten)]
        area: AreaArgs,
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

/// A warehouse's area as Pancake's warehouse endpoint knows it: pre-2025
/// ids only (`pancake geo provinces --all` lists them; 2025 ids are not
/// sent).
#[derive(Debug, Args)]
struct AreaArgs {
    /// Province id, such as 701.
    #[arg(long, requires = "commune")]
    province: Option<String>,
    /// District id, such as 70101.
    #[arg(long, requires = "province")]
    district: Option<String>,
    /// Commune id, such as 7010101.
    #[arg(long, requires = "province")]
    commune: Option<String>,
}

impl AreaArgs {
    /// The area asked for, refused when it is a 2025 one Pancake would drop.
    fn area(self) -> anyhow::Result<Option<Area>> {
        let Some(province) = self.province.clone() else {
            return Ok(None);
        };
        let area = Area {
            province_id: self.province,
            district_id: self.district,
            commune_id: self.commune,
        };
        anyhow::ensure!(
            area.old_scheme().is_some(),
            "Pancake's warehouses take only pre-2025 area ids, and {province} is a 2025 province"
        );
        Ok(Some(area))
    }
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
            area,
        } => {
            let change = WarehouseChange {
                name: Some(name),
                address,
                phone_number: phone,
                area: area.area()?,
            };
            let created = client.create_warehouse(&change).await?;
            Ok(format!("created {} ({})\n", created.name, created.id))
        }
        WarehouseCommand::Update {
            id,
            name,
            address,
            phone,
            area,
        } => {
            let change = WarehouseChange {
                name,
                address,
                phone_number: phone,
                area: area.area()?,
            };
            anyhow::ensure!(
                change != WarehouseChange::default(),
                "nothing to change: give --name, --address, --phone or --province"
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
