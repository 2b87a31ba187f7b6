use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = poscake::cli::Cli::parse();
    match poscake::run(cli) {
        Ok(code) => code,
        Err(err) => {
            poscake::report::error(&format!("{err:#}"));
            ExitCode::from(poscake::EXIT_ERROR)
        }
    }
}
