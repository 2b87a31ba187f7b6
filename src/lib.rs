//! poscake: a generator of Rust point-of-sale web apps, built from skills and templates.
//!
//! The pipeline is answers → [`resolve`] → [`render`] → [`plan`] → [`write`]; only `write`
//! touches the disk, which keeps `--dry-run`, `diff` and `check` honest.

pub mod answers;
pub mod base;
pub mod catalog;
pub mod cli;
mod cmd;
pub mod compose;
pub mod diff;
pub mod merge;
pub mod plan;
pub mod project;
pub mod relpath;
pub mod render;
pub mod report;
pub mod resolve;
pub mod skill;
pub mod write;

use std::process::ExitCode;

use anyhow::Result;

/// Exit code for a failure; 1 means "there are differences" (`diff`, `check`) or conflicts.
pub const EXIT_ERROR: u8 = 2;

/// Runs one command line.
pub fn run(cli: cli::Cli) -> Result<ExitCode> {
    cmd::run(cli)
}
