//! Entry point: reads `.env`, sets up logging and hands over to the command line.

use std::{io::IsTerminal, path::Path};

use clap::Parser;
use tracing_subscriber::EnvFilter;

use shop::{
    cli::Cli,
    config::{self, LogFormat},
};

/// Log filter used when `RUST_LOG` is not set: our own events plus one line per request.
const DEFAULT_LOG_FILTER: &str = "shop=info,tower_http=info";

fn main() -> anyhow::Result<()> {
    // Before the runtime starts any thread: setting environment variables
    // while another thread may read them is undefined behaviour.
    config::load_env_file(Path::new(".env"))?;
    let cli = Cli::parse();
    init_logging(cli.config.log_format);

    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(cli.run())
}

fn init_logging(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        // Colours help a person at a terminal but litter log files and container logs.
        LogFormat::Text => logs.with_ansi(std::io::stdout().is_terminal()).init(),
        // Each line carries the request's span, and so its request id, as fields.
        LogFormat::Json => logs.json().init(),
    }
}
