//! Runtime settings, read from flags, the environment or a `.env` file.

use std::path::Path;

use anyhow::Context;
use clap::{builder::BoolishValueParser, ArgAction, Args, ValueEnum};

/// Where the database lives when `DATABASE_URL` is unset: a SQLite file that
/// is created on first start, so the app runs with zero setup.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/shop.db?mode=rwc";

/// The shop name on receipts and pages when `SHOP_NAME` is unset.
pub const DEFAULT_SHOP_NAME: &str = "Cửa hàng của tôi";

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL, `sqlite:…` or `postgres://…`; unset or empty means ./data/shop.db.
    // The value is hidden in `--help` because a PostgreSQL URL may carry a password.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,

    /// Address to listen on.
    #[arg(long, env = "HOST", default_value = "127.0.0.1", global = true)]
    pub host: String,

    /// Port to listen on.
    #[arg(long, env = "PORT", default_value_t = 3000, global = true)]
    pub port: u16,
    /// Listen on a HOST other than loopback even though the app has no login.
    #[arg(
        long,
        env = "ALLOW_PUBLIC_BIND",
        value_parser = parse_switch,
        global = true
    )]
    pub allow_public_bind: bool,

    /// Log format: `text` for people, `json` (one object a line) for log collectors.
    #[arg(
        long,
        env = "LOG_FORMAT",
        value_enum,
        ignore_case = true,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,

    /// Whether shelf prices include VAT (Vietnamese practice) or VAT is added at checkout.
    #[arg(
        long,
        env = "TAX_INCLUSIVE",
        default_value_t = true,
        action = ArgAction::Set,
        value_parser = BoolishValueParser::new(),
        global = true
    )]
    pub tax_inclusive: bool,

    /// Whether a sale may take stock below zero instead of being refused.
    #[arg(
        long,
        env = "ALLOW_NEGATIVE_STOCK",
        default_value_t = false,
        action = ArgAction::Set,
        value_parser = BoolishValueParser::new(),
        global = true
    )]
    pub allow_negative_stock: bool,

    /// The shop name printed on receipts and shown in the page header.
    #[arg(long, env = "SHOP_NAME", default_value = DEFAULT_SHOP_NAME, global = true)]
    pub shop_name: String,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The selling rules checkout and the stock ledger follow. They live in
/// [`crate::AppState`] so tests can choose them without environment variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalesRules {
    /// Prices include tax, and the tax is the part of the price that is tax.
    pub tax_inclusive: bool,
    /// Stock may go below zero; otherwise short sales are refused.
    pub allow_negative_stock: bool,
}

impl Default for SalesRules {
    /// Vietnamese shelf prices include VAT, and a shop should not sell what it
    /// does not have unless it says so.
    fn default() -> Self {
        Self {
            tax_inclusive: true,
            allow_negative_stock: false,
        }
    }
}

impl Config {
    /// The database to use. An empty `DATABASE_URL`, as `.env` files and
    /// container setups often leave it, counts as unset.
    pub fn database_url(&self) -> &str {
        self.database_url
            .as_deref()
            .filter(|url| !url.is_empty())
            .unwrap_or(DEFAULT_DATABASE_URL)
    }

    /// The settings of a command line without flags (defaults, and what the
    /// environment sets), for tests of subcommands.
    #[cfg(test)]
    pub fn without_flags() -> Self {
        #[derive(clap::Parser)]
        struct Bare {
            #[command(flatten)]
            config: Config,
        }
        <Bare as clap::Parser>::parse_from([env!("CARGO_PKG_NAME")]).config
    }

    /// The selling rules these settings choose.
    pub fn sales_rules(&self) -> SalesRules {
        SalesRules {
            tax_inclusive: self.tax_inclusive,
            allow_negative_stock: self.allow_negative_stock,
        }
    }
}

/// Parses an on/off setting. Empty counts as off, like an unset variable,
/// because `.env` files and container setups often leave values empty;
/// anything unrecognised is an error rather than a guess, since this switch
/// guards a security decision.
fn parse_switch(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" | "off" => Ok(false),
        "true" | "1" | "yes" | "on" => Ok(true),
        _ => Err("expected true or false".to_owned()),
    }
}

/// Loads variables from a `.env` file into the environment. Variables that
/// are already set win, so a deployment can override the file; a missing file
/// is fine, since production usually has none.
///
/// This changes the process environment, which is only sound while the
/// program has a single thread: call it first thing in `main`.
pub fn load_env_file(path: &Path) -> anyhow::Result<()> {
    match dotenvy::from_path(path) {
        Ok(()) => Ok(()),
        Err(err) if err.not_found() => Ok(()),
        Err(err) => Err(err).with_context(|| format!("could not load {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Only files that set nothing are tested here: changing the environment
    // while other tests run on other threads is not sound.
    #[test]
    fn switches_read_common_spellings_and_empty_as_off() {
        for on in ["true", "TRUE", "1", "yes", "on"] {
            assert_eq!(parse_switch(on), Ok(true), "{on}");
        }
        for off in ["", "false", "False", "0", "no", "off"] {
            assert_eq!(parse_switch(off), Ok(false), "{off}");
        }
        assert!(parse_switch("maybe").is_err());
    }

    #[test]
    fn a_missing_env_file_is_fine() {
        let path = std::env::temp_dir().join("shop-no-such-dir/.env");
        load_env_file(&path).unwrap();
    }

    #[test]
    fn a_malformed_env_file_is_an_error_naming_it() {
        let path = std::env::temp_dir().join(format!("shop-malformed-{}.env", std::process::id()));
        std::fs::write(&path, "NOT A VALID LINE\n").unwrap();
        let result = load_env_file(&path);
        std::fs::remove_file(&path).unwrap();

        let message = format!("{:#}", result.unwrap_err());
        assert!(message.starts_with(&format!("could not load {}", path.display())));
        assert!(message.contains("line"), "{message}");
    }
}
