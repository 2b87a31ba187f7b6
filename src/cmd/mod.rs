//! One file per subcommand; this module dispatches and holds what they share.

mod add;
mod check;
mod diff;
mod new;
mod remove;
mod skills;
mod update;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    // `-C` applies to everything, `--skills-dir` included, as `git -C` does.
    let root: PathBuf = match &cli.directory {
        Some(dir) => cwd.join(dir),
        None => cwd,
    };
    let options = Options {
        skills_dir: cli.skills_dir.as_ref().map(|dir| root.join(dir)),
        root,
        yes: cli.yes,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::New(args) => new::run(&options, args),
        Command::Add(args) => add::run(&options, args),
        Command::Remove(args) => remove::run(&options, args),
        Command::Diff { exit_code } => diff::run(&options, exit_code),
        Command::Update(args) => update::run(&options, args),
        Command::Check { json } => check::run(&options, json),
        Command::Skills { json } => skills::run(&options, json),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // clap_complete panics when a write fails, so it writes into memory first.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "poscake", &mut script);
            crate::report::to_stdout(|out| out.write_all(&script))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The global options every command sees.
pub struct Options {
    /// The directory the command works in (`-C`), absolute.
    pub root: PathBuf,
    /// `--skills-dir`, absolute.
    pub skills_dir: Option<PathBuf>,
    pub yes: bool,
    pub quiet: bool,
}

/// Whether poscake may ask questions: only on a terminal, and never with `--yes`.
fn interactive(options: &Options) -> bool {
    use std::io::IsTerminal;
    !options.yes && std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}
