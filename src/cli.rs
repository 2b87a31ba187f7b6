//! Command-line definitions. The contract is DESIGN.md section 4; other tools rely on it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;

use crate::answers::Database;

#[derive(Debug, Parser)]
#[command(
    name = "poscake",
    version,
    about = "Generate and grow a Rust point-of-sale web app from skills"
)]
pub struct Cli {
    /// Run as if poscake was started in DIR.
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,

    /// Load extra skills from DIR (`DIR/skills/<name>.toml`, `DIR/templates/<name>/`).
    #[arg(long, global = true, value_name = "DIR")]
    pub skills_dir: Option<PathBuf>,

    /// Answer every question with its default and confirm every step.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,

    /// Print only the paths that change.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new project.
    New(NewArgs),
    /// Add skills (and the skills they require) to the project.
    Add(ChangeSkills),
    /// Remove skills from the project; edited files, data and migrations stay.
    Remove(ChangeSkills),
    /// Show, as a unified diff, what `update` would change.
    Diff {
        /// Exit with 1 when anything would change.
        #[arg(long)]
        exit_code: bool,
    },
    /// Regenerate the project with this poscake, merging into your edits.
    Update(Write),
    /// Exit 0 when the project is up to date and consistent.
    Check {
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the skills with their summaries and requirements.
    Skills {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print shell completions.
    Completions { shell: Shell },
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Directory to create the project in.
    pub dir: PathBuf,
    /// Project and binary name (defaults to the directory's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Skills to include, comma-separated, or `all` (default: poscake,pos-auth).
    #[arg(long, value_delimiter = ',')]
    pub skills: Option<Vec<String>>,
    /// The database the project is set up for by default.
    #[arg(long, value_enum)]
    pub database: Option<Database>,
    /// Create the project even if the directory is not empty; existing files are merged.
    #[arg(long)]
    pub force: bool,
    /// Show what would be created without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ChangeSkills {
    /// Skill names; `payments` is short for `pos-payments`.
    #[arg(required = true)]
    pub skills: Vec<String>,
    #[command(flatten)]
    pub write: Write,
}

#[derive(Debug, Args)]
pub struct Write {
    /// Show what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Bring back generated files that you deleted.
    #[arg(long)]
    pub restore: bool,
}
