//! `poscake diff`: the unified diff of what `update` would write.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use similar::TextDiff;

use crate::cmd::Options;
use crate::cmd::workspace::Workspace;
use crate::diff;
use crate::project::MANIFEST_FILE;

pub fn run(options: &Options, exit_code: bool) -> Result<ExitCode> {
    let workspace = Workspace::open(options)?;
    let regeneration = workspace.regenerate(workspace.manifest.clone(), false)?;
    let mut out = std::io::stdout().lock();
    if regeneration.manifest_text != workspace.manifest_text {
        let text = TextDiff::from_lines(&workspace.manifest_text, &regeneration.manifest_text)
            .unified_diff()
            .header(&format!("a/{MANIFEST_FILE}"), &format!("b/{MANIFEST_FILE}"))
            .to_string();
        write!(out, "{text}")?;
    }
    for entry in regeneration.plan.changes() {
        let on_disk = regeneration.disk.get(&entry.path).map(Vec::as_slice);
        let text = diff::unified(entry, on_disk);
        write!(out, "{text}")?;
    }
    if exit_code && regeneration.changes_anything(&workspace) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
