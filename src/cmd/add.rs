//! `poscake add`: add skills, and what they require, to a project.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ChangeSkills;
use crate::cmd::Options;
use crate::cmd::workspace::Workspace;
use crate::report;
use crate::resolve;

pub fn run(options: &Options, args: ChangeSkills) -> Result<ExitCode> {
    let workspace = Workspace::open_for_writing(options)?;
    let mut manifest = workspace.manifest.clone();
    for typed in &args.skills {
        let name = resolve::canonical(&workspace.catalog, typed)?;
        if manifest.project.skills.contains(&name) {
            report::note(&format!("`{name}` is already in the project"));
        } else {
            manifest.project.skills.push(name);
        }
    }
    let regeneration = workspace.regenerate(manifest, args.write.restore)?;
    workspace.apply(&regeneration, options, args.write.dry_run)
}
