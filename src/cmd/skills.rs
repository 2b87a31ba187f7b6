//! `poscake skills`: the skills this poscake can generate.

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::catalog::Catalog;
use crate::cmd::Options;
use crate::report;
use crate::skill::CORE;

#[derive(Serialize)]
struct Listed<'a> {
    name: &'a str,
    summary: &'a str,
    requires: &'a [String],
    conflicts: &'a [String],
    origin: &'a str,
}

pub fn run(options: &Options, json: bool) -> Result<ExitCode> {
    let catalog = Catalog::load(options.skills_dir.as_deref())?;
    // The core first: every other skill builds on it.
    let mut skills: Vec<_> = catalog.iter().collect();
    skills.sort_by_key(|s| (s.manifest.name != CORE, &s.manifest.name));
    let listed: Vec<Listed> = skills
        .into_iter()
        .map(|s| Listed {
            name: &s.manifest.name,
            summary: &s.manifest.summary,
            requires: &s.manifest.requires,
            conflicts: &s.manifest.conflicts,
            origin: &s.origin,
        })
        .collect();
    report::to_stdout(|out| {
        if json {
            return writeln!(out, "{}", serde_json::to_string_pretty(&listed)?);
        }
        let width = listed.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for skill in &listed {
            writeln!(out, "{}", line(skill, width))?;
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `name  summary (requires …) (conflicts with …)`, names padded to `width`.
fn line(skill: &Listed, width: usize) -> String {
    let mut line = format!("{:width$}  {}", skill.name, skill.summary);
    if !skill.requires.is_empty() {
        line.push_str(&format!(" (requires {})", skill.requires.join(", ")));
    }
    if !skill.conflicts.is_empty() {
        line.push_str(&format!(" (conflicts with {})", skill.conflicts.join(", ")));
    }
    line
}
