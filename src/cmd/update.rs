//! `poscake update`: regenerate with this poscake and merge into the user's edits.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::Write;
use crate::cmd::Options;
use crate::cmd::workspace::Workspace;

pub fn run(options: &Options, args: Write) -> Result<ExitCode> {
    let workspace = Workspace::open_for_writing(options)?;
    let regeneration = workspace.regenerate(workspace.manifest.clone(), args.restore)?;
    workspace.apply(&regeneration, options, args.dry_run)
}
