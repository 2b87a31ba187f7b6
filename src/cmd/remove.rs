//! `poscake remove`: take skills out of a project. Files the user edited are kept, and
//! migrations stay because the database has applied them.

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::ChangeSkills;
use crate::cmd::workspace::Workspace;
use crate::cmd::{Options, interactive};
use crate::resolve;
use crate::skill::CORE;

pub fn run(options: &Options, args: ChangeSkills) -> Result<ExitCode> {
    let workspace = Workspace::open_for_writing(options)?;
    let mut manifest = workspace.manifest.clone();
    let mut removing = Vec::new();
    for typed in &args.skills {
        let name = resolve::canonical(&workspace.catalog, typed)?;
        if name == CORE {
            bail!("`{CORE}` is the app itself and cannot be removed");
        }
        if !manifest.project.skills.contains(&name) {
            bail!("`{name}` is not in this project");
        }
        removing.push(name);
    }
    manifest.project.skills.retain(|s| !removing.contains(s));
    for name in &removing {
        let dependents = resolve::dependents(&workspace.catalog, &manifest.project.skills, name);
        if !dependents.is_empty() {
            bail!(
                "cannot remove `{name}`: {} require{} it (remove {} too)",
                dependents.join(", "),
                if dependents.len() == 1 { "s" } else { "" },
                if dependents.len() == 1 { "it" } else { "them" }
            );
        }
    }
    let regeneration = workspace.regenerate(manifest, args.write.restore)?;
    let deletions = regeneration
        .plan
        .entries
        .iter()
        .filter(|e| e.action == crate::plan::Action::Deleted)
        .count();
    if !args.write.dry_run && deletions > 0 && interactive(options) {
        let question = format!("Delete {deletions} generated file(s) you have not edited?");
        if !inquire::Confirm::new(&question)
            .with_default(true)
            .prompt()?
        {
            bail!("nothing was changed");
        }
    }
    workspace.apply(&regeneration, options, args.write.dry_run)
}
