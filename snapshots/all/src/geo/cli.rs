//! `pancake geo …`: Vietnamese provinces, districts and communes from the
//! shell, straight from Pancake, and `sync` to fill the app's cache.

use clap::{Args, Subcommand, ValueEnum};

use super::{cache, Commune, District, Province, ProvinceQuery, Scheme};
use crate::{
    config::Config,
    db,
    pancake::{
        output::{format_table, opt, render, OutputArgs},
        PancakeClient,
    },
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
    /// Fill the app's cache of provinces, districts and communes from Pancake
    /// (safe to run again: rows are updated in place).
    Sync {
        /// The 2025 two-level scheme, the old three-level one, or both.
        #[arg(long, value_enum, default_value_t = SyncScheme::Both)]
        scheme: SyncScheme,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SyncScheme {
    Old,
    New,
    Both,
}

impl SyncScheme {
    fn schemes(self) -> &'static [Scheme] {
        match self {
            Self::Old => &[Scheme::Old],
            Self::New => &[Scheme::New],
            Self::Both => &Scheme::ALL,
        }
    }
}

/// Runs a `pancake geo` subcommand and returns what it prints; `config` says
/// where the app's database is, for `sync`.
pub async fn execute(
    client: &PancakeClient,
    config: &Config,
    args: GeoArgs,
) -> anyhow::Result<String> {
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
        GeoCommand::Sync { scheme } => {
            let pool = db::connect(config.database_url()).await?;
            db::migrate(&pool).await?;
            let mut printed = String::new();
            for &scheme in scheme.schemes() {
                let counts = cache::sync(&pool, client, scheme).await?;
                printed.push_str(&format!(
                    "{} scheme: {} provinces, {} districts, {} communes\n",
                    scheme.as_str(),
                    counts.provinces,
                    counts.districts,
                    counts.communes
                ));
            }
            Ok(printed)
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
