//! Runtime settings, read from flags or the environment.

use clap::Args;

/// Where the database lives when `DATABASE_URL` is unset: a SQLite file that
/// is created on first start, so the app runs with zero setup.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/shop.db?mode=rwc";

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
}
