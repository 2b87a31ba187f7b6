//! `pancake …` subcommands: read-only access to Pancake POS from the shell.
//!
//! Each Pancake resource is one subcommand of [`PancakeArgs`]; add new ones as
//! siblings of `geo`.

use std::io::Write;

use anyhow::Context;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::{PancakeClient, PancakeConfig};
use crate::{
    config::Config,
    geo::{Commune, District, Province, ProvinceQuery},
};

/// Query Pancake POS (configured by POS_BASE_URL and POS_API_KEY).
#[derive(Debug, Args)]
pub struct PancakeArgs {
    #[command(subcommand)]
    command: PancakeCommand,
}

#[derive(Debug, Subcommand)]
enum PancakeCommand {
    /// Vietnamese provinces, districts and communes.
    Geo(GeoArgs),
}

#[derive(Debug, Args)]
struct GeoArgs {
    #[command(subcommand)]
    command: GeoCommand,
}

#[derive(Debug, Subcommand)]
enum GeoCommand {
    /// List provinces (old ones unless --is-new or --all).
    Provinces {
        /// Country code as Pancake expects it (84 is Vietnam).
        #[arg(long, default_value = crate::geo::VIETNAM)]
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

#[derive(Debug, Args)]
struct OutputArgs {
    /// Print the data as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs a `pancake` subcommand with configuration from the environment.
/// Runs a `pancake` subcommand. The client reads its own settings
/// (`POS_BASE_URL`, `POS_API_KEY`), so the app's `Config` is not needed.
pub async fn run(_config: &Config, args: PancakeArgs) -> anyhow::Result<()> {
    let client = PancakeClient::new(PancakeConfig::from_env()?)?;
    let output = execute(&client, args).await?;
    // write_all reports a closed pipe (`| head`) as an error where print! panics.
    std::io::stdout()
        .write_all(output.as_bytes())
        .context("cannot write to stdout")
}

/// Runs a `pancake` subcommand against `client` and returns what it would print.
pub async fn execute(client: &PancakeClient, args: PancakeArgs) -> anyhow::Result<String> {
    match args.command {
        PancakeCommand::Geo(geo) => execute_geo(client, geo.command).await,
    }
}

async fn execute_geo(client: &PancakeClient, command: GeoCommand) -> anyhow::Result<String> {
    match command {
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

fn render<T: Serialize>(
    output: &OutputArgs,
    items: &[T],
    table: fn(&[T]) -> String,
) -> anyhow::Result<String> {
    if output.json {
        let json = serde_json::to_string_pretty(items).context("cannot encode JSON")?;
        Ok(format!("{json}\n"))
    } else {
        Ok(table(items))
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

fn opt(value: Option<&str>) -> String {
    value.unwrap_or("-").to_owned()
}

/// Left-aligned columns separated by two spaces, without trailing blanks.
fn format_table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width - display_width(cell) + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Terminal columns taken by `text`: Vietnamese names may arrive decomposed,
/// and combining diacritics (U+0300–U+036F) occupy no column of their own.
fn display_width(text: &str) -> usize {
    text.chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .count()
}
