//! Entry point: sets up logging and hands over to the command line.

use std::io::IsTerminal;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use shop::cli::Cli;

/// Log filter used when `RUST_LOG` is not set: our own events plus one line per request.
const DEFAULT_LOG_FILTER: &str = "shop=info,tower_http=info";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    // Colours help a person at a terminal but litter log files and container logs.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .init();

    Cli::parse().run().await
}
