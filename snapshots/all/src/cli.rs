//! Command line: the subcommands and what each one runs.

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::{app, auth, config::Config, db, seed, AppState};

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
    /// Manage accounts: create one, list them, print a password reset link.
    User(crate::auth::cli::UserArgs),
    /// Create or revoke API tokens for integrations.
    Token(crate::auth::cli::TokenArgs),
    /// Query and change Pancake POS (configured by POS_API_KEY, SHOP_ID and POS_BASE_URL).
    Pancake(crate::pancake::cli::PancakeArgs),
}

impl Cli {
    /// Runs the chosen subcommand, `serve` when none was given.
    pub async fn run(self) -> anyhow::Result<()> {
        match self.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(&self.config).await,
            Command::Migrate => migrate(&self.config).await,
            Command::Seed => seed(&self.config).await,
            Command::User(args) => crate::auth::cli::run_user(&self.config, args).await,
            Command::Token(args) => crate::auth::cli::run_token(&self.config, args).await,
            Command::Pancake(args) => crate::pancake::cli::run(&self.config, args).await,
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
    let pool = db::connect(config.database_url()).await?;
    // Migrating first means a fresh database works on first start.
    db::migrate(&pool).await?;
    auth::sessions::sweep(&pool).await?;
    if auth::users::count(&pool).await? == 0 {
        tracing::warn!(
            "no accounts yet: create the first admin with `{}`",
            concat!(
                env!("CARGO_PKG_NAME"),
                " user create --email you@example.com --role ADMIN --password <at least 10 characters>"
            )
        );
    }
    let address = (config.host.as_str(), config.port);
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("could not listen on {}:{}", address.0, address.1))?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    let gateways = crate::payments::Gateways::from_env();
    gateways.log_summary();
    let reports = crate::reports::ReportSettings::from_env()?;
    let notifications = crate::notifications::Notifications {
        channels: crate::notifications::Channels::from_env()?,
        settings: crate::notifications::Settings::from_env()?,
        hub: crate::notifications::Hub::for_database(config.database_url()).await?,
    };
    notifications.channels.log_summary();
    let worker = crate::notifications::worker::Worker::new(pool.clone(), notifications.clone());
    let worker = tokio::spawn(worker.run());
    let webhooks = crate::webhooks::Settings::from_env()?;
    webhooks.log_summary();
    let webhook_worker =
        crate::webhooks::worker::Worker::new(pool.clone(), webhooks.outbound.clone())?.spawn();
    let state = AppState::new(pool.clone(), config.sales_rules())
        .with_shop_name(config.shop_name.clone())
        .with_auth(config.auth.settings())
        .with_payments(gateways)
        .with_shift_rules(crate::payments::shifts::ShiftRules::from_env())
        .with_reports(reports)
        .with_notifications(notifications);
    let state = state.with_webhooks(webhooks);
    app::serve(listener, state).await?;
    // The worker stops after the round it is in; a delivery it was sending
    // when killed would be claimed again once its lease lapses.
    if let Err(err) = worker.await {
        tracing::error!(error = %err, "the notification worker panicked");
    }
    webhook_worker.stop().await;
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
    fn log_format_has_a_flag() {
        let cli = Cli::try_parse_from([BIN, "--log-format", "json"]).unwrap();
        assert_eq!(cli.config.log_format, crate::config::LogFormat::Json);
    }

    #[test]
    fn session_settings_have_flags() {
        let cli = Cli::try_parse_from([
            BIN,
            "--cookie-secure",
            "true",
            "--session-idle-minutes",
            "15",
        ])
        .unwrap();
        let settings = cli.config.auth.settings();
        assert!(settings.cookie_secure);
        assert_eq!(settings.idle.as_secs(), 15 * 60);
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
