//! `poscake check`: whether a project is up to date with this poscake and consistent.

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::cmd::Options;
use crate::cmd::workspace::Workspace;
use crate::project::MANIFEST_FILE;
use crate::report;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    up_to_date: bool,
    /// Paths `update` would change, with the action it would take.
    changes: Vec<Change>,
    /// Generated files that still hold conflict markers.
    conflicted: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct Change {
    path: String,
    action: String,
}

pub fn run(options: &Options, json: bool) -> Result<ExitCode> {
    let report = match inspect(options) {
        Ok(report) => report,
        Err(err) if json => Report {
            up_to_date: false,
            changes: Vec::new(),
            conflicted: Vec::new(),
            error: Some(format!("{err:#}")),
        },
        Err(err) => return Err(err),
    };
    report::to_stdout(|out| {
        if json {
            return writeln!(out, "{}", serde_json::to_string_pretty(&report)?);
        }
        for change in &report.changes {
            writeln!(
                out,
                "{:>9} {} (update would do this)",
                change.action, change.path
            )?;
        }
        for path in &report.conflicted {
            writeln!(out, " conflict {path} (still has conflict markers)")?;
        }
        writeln!(out, "{}", verdict(&report))
    })?;
    Ok(match (&report.error, report.up_to_date) {
        (Some(_), _) => ExitCode::from(crate::EXIT_ERROR),
        (None, true) => ExitCode::SUCCESS,
        (None, false) => ExitCode::from(1),
    })
}

/// The last line of the text report, with what to do next.
fn verdict(report: &Report) -> &'static str {
    match (report.changes.is_empty(), report.conflicted.is_empty()) {
        (true, true) => "up to date",
        (false, true) => {
            "not up to date: run `poscake diff` to see why, `poscake update` to fix it"
        }
        (true, false) => {
            "not up to date: resolve the conflict markers in the files above (`<<<<<<< ours` is yours, `>>>>>>> theirs` is poscake's)"
        }
        (false, false) => {
            "not up to date: resolve the conflict markers in the files above, then run `poscake update`"
        }
    }
}

fn inspect(options: &Options) -> Result<Report> {
    let workspace = Workspace::open(options)?;
    let regeneration = workspace.regenerate(workspace.manifest.clone(), false)?;
    let mut changes: Vec<Change> = regeneration
        .plan
        .changes()
        .map(|e| Change {
            path: e.path.to_string(),
            action: e.action.to_string(),
        })
        .collect();
    if regeneration.manifest_text != workspace.manifest_text {
        changes.push(Change {
            path: MANIFEST_FILE.into(),
            action: "updated".into(),
        });
    }
    let conflicted = workspace.unresolved(&regeneration.disk);
    Ok(Report {
        up_to_date: changes.is_empty() && conflicted.is_empty(),
        changes,
        conflicted,
        error: None,
    })
}
