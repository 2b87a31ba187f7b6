//! What poscake prints: one line per path with its action, and a summary. Colours appear only
//! on a terminal and never with `NO_COLOR` (anstream decides).

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use anyhow::{Context, Result};

use crate::plan::{Action, Plan};

fn style(action: Action) -> Style {
    let color = match action {
        Action::Created => AnsiColor::Green,
        Action::Updated | Action::Merged => AnsiColor::Cyan,
        Action::Conflict => AnsiColor::Red,
        Action::Deleted => AnsiColor::Magenta,
        Action::Kept => AnsiColor::Yellow,
        Action::Unchanged => return Style::new().dimmed(),
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// Prints every entry of `plan`, then the summary line.
pub fn plan(plan: &Plan, quiet: bool, dry_run: bool) -> Result<()> {
    to_stdout(|out| {
        for entry in &plan.entries {
            if quiet && !entry.action.changes_files() {
                continue;
            }
            let style = style(entry.action);
            let note = entry.note.map(|n| format!(" ({n})")).unwrap_or_default();
            writeln!(
                out,
                "{style}{:>9}{style:#} {}{note}",
                entry.action.word(),
                entry.path
            )?;
        }
        writeln!(out, "{}", summary(plan, dry_run))
    })
}

/// Writes to standard output with `write`. A reader that has gone away, as in
/// `poscake skills | head -1`, ends the output quietly, as it does for other Unix tools,
/// and the command goes on: what it does must not depend on whether anyone reads about
/// it. Any other failure to write is an error.
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let mut out = anstream::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result.context("cannot write to standard output"),
    }
}

/// `3 created, 1 merged, 40 unchanged`, or `nothing to do`.
pub fn summary(plan: &Plan, dry_run: bool) -> String {
    let parts: Vec<String> = Action::ALL
        .iter()
        .map(|&action| (action, plan.count(action)))
        .filter(|(_, n)| *n > 0)
        .map(|(action, n)| format!("{n} {action}"))
        .collect();
    let text = if parts.is_empty() {
        "nothing to do".to_string()
    } else {
        parts.join(", ")
    };
    if dry_run {
        format!("{text} (dry run: nothing was written)")
    } else {
        text
    }
}

/// A line of information that is not about one path. It goes to stderr so that the output
/// of `diff` and `check --json` stays machine-readable.
pub fn note(message: &str) {
    let mut out = anstream::stderr().lock();
    let style = Style::new().bold();
    let _ = writeln!(out, "{style}note:{style:#} {message}");
}

/// An error, as one line on stderr. Nothing is left to tell if stderr itself is gone.
pub fn error(message: &str) {
    let mut out = anstream::stderr().lock();
    let style = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let _ = writeln!(out, "{style}error:{style:#} {message}");
}
