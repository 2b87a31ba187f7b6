//! Command line: the subcommands and what each one runs.

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::{app, bind, config::Config, db, seed, AppState};

/// Point-of-sale web service.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run migrations, then serve HTTP until Ctrl-C or SIGTERM (the default).
    Serve,
    /// Run migrations and exit.
    Migrate,
    /// Run migrations, then add a demo shop (safe to run again).
    Seed,
}

impl Cli {
    /// Runs the chosen subcommand, `serve` when none was given.
    pub async fn run(self) -> anyhow::Result<()> {
        match self.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(&self.config).await,
            Command::Migrate => migrate(&self.config).await,
            Command::Seed => seed(&self.config).await,
        }
    }
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let pool = db::connect(config.database_url()).await?;
    db::migrate(&pool).await?;
    // Closing the pool lets SQLite checkpoint its write-ahead log before exit.
    pool.close().await;
    Ok(())
}

async fn seed(config: &Config) -> anyhow::Result<()> {
    let pool = db::connect(config.database_url()).await?;
    db::migrate(&pool).await?;
    let summary = seed::run(&pool)
        .await
        .map_err(|err| anyhow::anyhow!("could not seed the demo shop: {err:?}"))?;
    tracing::info!(
        created = summary.products_created,
        updated = summary.products_updated,
        customers = summary.customers,
        "demo shop seeded"
    );
    pool.close().await;
    Ok(())
}

async fn serve(config: &Config) -> anyhow::Result<()> {
    // Checked before touching the database, so a refusal is the only output.
    bind::check_host(&config.host, config.allow_public_bind)?;
    let pool = db::connect(config.database_url()).await?;
    // Migrating first means a fresh database works on first start.
    db::migrate(&pool).await?;
    let address = (config.host.as_str(), config.port);
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("could not listen on {}:{}", address.0, address.1))?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    let state =
        AppState::new(pool.clone(), config.sales_rules()).with_shop_name(config.shop_name.clone());
    app::serve(listener, state).await?;
    pool.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    const BIN: &str = env!("CARGO_PKG_NAME");

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_subcommand_means_serve() {
        // `run` treats a missing subcommand as `serve`, so clap must accept none.
        let cli = Cli::try_parse_from([BIN]).unwrap();
        assert!(cli.command.is_none());
    }

    #[test]
    fn empty_database_url_means_the_default() {
        let cli = Cli::try_parse_from([BIN, "--database-url", ""]).unwrap();
        assert_eq!(
            cli.config.database_url(),
            crate::config::DEFAULT_DATABASE_URL
        );
    }
    #[test]
    fn public_bind_and_log_format_have_flags() {
        let cli =
            Cli::try_parse_from([BIN, "--allow-public-bind", "--log-format", "json"]).unwrap();
        assert!(cli.config.allow_public_bind);
        assert_eq!(cli.config.log_format, crate::config::LogFormat::Json);
    }

    #[test]
    fn sales_rules_default_to_vietnamese_practice() {
        let cli = Cli::try_parse_from([BIN]).unwrap();
        assert_eq!(
            cli.config.sales_rules(),
            crate::config::SalesRules::default()
        );
        let cli = Cli::try_parse_from([
            BIN,
            "--tax-inclusive",
            "false",
            "--allow-negative-stock",
            "yes",
        ])
        .unwrap();
        assert!(!cli.config.sales_rules().tax_inclusive);
        assert!(cli.config.sales_rules().allow_negative_stock);
    }

    #[test]
    fn flags_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from([BIN, "serve", "--port", "8080"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Serve)));
        assert_eq!(cli.config.port, 8080);
    }
}
