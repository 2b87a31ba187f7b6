//! `poscake diff`: the unified diff of what `update` would write.

use std::process::ExitCode;

use anyhow::Result;
use similar::TextDiff;

use crate::cmd::Options;
use crate::cmd::workspace::Workspace;
use crate::diff;
use crate::project::MANIFEST_FILE;
use crate::report;

pub fn run(options: &Options, exit_code: bool) -> Result<ExitCode> {
    let workspace = Workspace::open(options)?;
    let regeneration = workspace.regenerate(workspace.manifest.clone(), false)?;
    report::to_stdout(|out| {
        if regeneration.manifest_text != workspace.manifest_text {
            let text = TextDiff::from_lines(&workspace.manifest_text, &regeneration.manifest_text)
                .unified_diff()
                .header(&format!("a/{MANIFEST_FILE}"), &format!("b/{MANIFEST_FILE}"))
                .to_string();
            write!(out, "{text}")?;
        }
        for entry in regeneration.plan.changes() {
            let on_disk = regeneration.disk.get(&entry.path).map(Vec::as_slice);
            write!(out, "{}", diff::unified(entry, on_disk))?;
        }
        Ok(())
    })?;
    if exit_code && regeneration.changes_anything(&workspace) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
