//! `pancake geo …`: Vietnamese provinces, districts and communes from the shell.

use clap::{Args, Subcommand};

use super::{Commune, District, Province, ProvinceQuery};
use crate::pancake::{
    output::{format_table, opt, render, OutputArgs},
    PancakeClient,
};

#[derive(Debug, Args)]
pub struct GeoArgs {
    #[command(subcommand)]
    command: GeoCommand,
}

#[derive(Debug, Subcommand)]
enum GeoCommand {
    /// List provinces (old ones unless --is-new or --all).
    Provinces {
        /// Country code as Pancake expects it (84 is Vietnam).
        #[arg(long, default_value = super::VIETNAM)]
        country_code: String,
        /// Only the provinces created by the 2025 reform.
        #[arg(long)]
        is_new: bool,
        /// Old and new provinces together.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List the districts of an old-format province.
    Districts {
        #[arg(long)]
        province_id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List communes of a province, optionally narrowed to one district.
    Communes {
        #[arg(long)]
        province_id: String,
        #[arg(long)]
        district_id: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Runs a `pancake geo` subcommand and returns what it prints.
pub async fn execute(client: &PancakeClient, args: GeoArgs) -> anyhow::Result<String> {
    match args.command {
        GeoCommand::Provinces {
            country_code,
            is_new,
            all,
            output,
        } => {
            let query = ProvinceQuery {
                country_code,
                is_new,
                all,
            };
            let provinces = client.provinces(&query).await?;
            render(&output, &provinces, province_table)
        }
        GeoCommand::Districts {
            province_id,
            output,
        } => {
            let districts = client.districts(&province_id).await?;
            render(&output, &districts, district_table)
        }
        GeoCommand::Communes {
            province_id,
            district_id,
            output,
        } => {
            let communes = client
                .communes(&province_id, district_id.as_deref())
                .await?;
            render(&output, &communes, commune_table)
        }
    }
}

fn province_table(provinces: &[Province]) -> String {
    let rows = provinces
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.name.clone(),
                opt(p.name_en.as_deref()),
                opt(p.new_id.as_deref()),
            ]
        })
        .collect();
    format_table(&["ID", "NAME", "ENGLISH NAME", "NEW ID"], rows)
}

fn district_table(districts: &[District]) -> String {
    let rows = districts
        .iter()
        .map(|d| vec![d.id.clone(), d.name.clone(), opt(d.name_en.as_deref())])
        .collect();
    format_table(&["ID", "NAME", "ENGLISH NAME"], rows)
}

fn commune_table(communes: &[Commune]) -> String {
    let rows = communes
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                c.name.clone(),
                opt(c.name_en.as_deref()),
                opt(c.new_id.as_deref()),
            ]
        })
        .collect();
    format_table(&["ID", "NAME", "ENGLISH NAME", "NEW ID"], rows)
}
