//! `poscake new`: create a project, all at once or not at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::answers::{Answers, Database, ProjectName};
use crate::catalog::Catalog;
use crate::cli::NewArgs;
use crate::cmd::workspace::{Regeneration, conflict_exit, display, state_files};
use crate::cmd::{Options, interactive};
use crate::project::{Generator, MANIFEST_FILE, Project, ProjectManifest, VERSION};
use crate::render::{self, Tree};
use crate::resolve;
use crate::skill::CORE;
use crate::{plan, report, write};

/// Skills a project gets when none are named, where this poscake has them.
const DEFAULT_SKILLS: [&str; 2] = [CORE, "pos-auth"];

pub fn run(options: &Options, args: NewArgs) -> Result<ExitCode> {
    // Without `.` segments, so that `new .` names the directory itself and can rename into it.
    let target: PathBuf = options.root.join(&args.dir).components().collect();
    let occupied = is_occupied(&target)?;
    if target.join(MANIFEST_FILE).exists() {
        bail!(
            "{} is already a poscake project; use `poscake add` or `poscake update` there",
            display(&target)
        );
    }
    if occupied && !args.force {
        bail!(
            "{} is not empty; use --force to generate into it (your files are merged, never overwritten)",
            display(&target)
        );
    }
    let catalog = Catalog::load(options.skills_dir.as_deref())?;
    let ask = interactive(options);
    let default_name = args.name.clone().or_else(|| {
        target
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
    });
    let name: ProjectName = match (&args.name, ask) {
        (None, true) => prompt_name(default_name.as_deref())?,
        _ => default_name
            .context("cannot tell the project's name from the directory; pass --name")?
            .parse()?,
    };
    let requested = match (&args.skills, ask) {
        (Some(list), _) => expand(&catalog, list)?,
        (None, true) => prompt_skills(&catalog)?,
        (None, false) => default_skills(&catalog),
    };
    let database = match (args.database, ask) {
        (Some(db), _) => db,
        (None, true) => prompt_database()?,
        (None, false) => Database::default(),
    };

    let resolution = resolve::resolve(&catalog, &requested)?;
    for (skill, required_by) in &resolution.added {
        report::note(&format!("adding `{skill}`, which `{required_by}` requires"));
    }
    let mut manifest = ProjectManifest {
        generator: Generator {
            version: VERSION.to_string(),
            skills_dir: options
                .skills_dir
                .as_deref()
                .map(|dir| relative(dir, &target)),
        },
        project: Project {
            name,
            skills: resolution.skills,
        },
        answers: Answers {
            database,
            ..Answers::default()
        },
        migrations: BTreeMap::new(),
    };
    manifest.assign_migrations(&catalog, write::highest_migration_version(&target)?);
    let tree = render::render(&catalog, &manifest)?;
    let disk = if occupied {
        write::read(&target, tree.keys().cloned())?
    } else {
        BTreeMap::new()
    };
    let regeneration = Regeneration {
        manifest_text: manifest.to_toml(None),
        plan: plan::plan(&tree, &Tree::new(), &disk, false),
        disk,
    };

    report::plan(&regeneration.plan, options.quiet, args.dry_run)?;
    if args.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    let state = state_files(&regeneration)?;
    if target.exists() {
        // Written in place, staged inside the directory and undone on failure, so that a
        // failure leaves it as it was. Renaming a finished project over it would replace a
        // directory the user's shell may be in.
        write::apply(&target, &regeneration.plan, &state)?;
    } else {
        write::create_dir_atomically(&target, |dir| write::apply(dir, &regeneration.plan, &state))?;
    }
    let code = conflict_exit(&regeneration.plan, false);
    if code == ExitCode::SUCCESS {
        report::to_stdout(|out| writeln!(out, "{}", next_step(&target)))?;
    }
    Ok(code)
}

/// What to type next, with no `cd` when the project is the current directory.
fn next_step(target: &Path) -> String {
    let run = "cargo run   (then open http://127.0.0.1:3000)";
    match display(target).as_str() {
        "." => format!("next: {run}"),
        dir => format!("next: cd {dir} && {run}"),
    }
}

fn is_occupied(target: &Path) -> Result<bool> {
    match std::fs::read_dir(target) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) if err.kind() == std::io::ErrorKind::NotADirectory => {
            bail!("{} exists and is not a directory", display(target))
        }
        Err(err) => Err(err).with_context(|| format!("cannot read {}", display(target))),
    }
}

fn expand(catalog: &Catalog, list: &[String]) -> Result<Vec<String>> {
    if list.iter().any(|s| s == "all") {
        return Ok(catalog.names().map(str::to_string).collect());
    }
    list.iter()
        .map(|typed| resolve::canonical(catalog, typed.trim()))
        .collect()
}

fn default_skills(catalog: &Catalog) -> Vec<String> {
    DEFAULT_SKILLS
        .iter()
        .filter(|name| catalog.get(name).is_some())
        .map(|name| name.to_string())
        .collect()
}

/// The skills directory as the project will find it later, relative when possible.
fn relative(dir: &Path, project: &Path) -> String {
    pathdiff::diff_paths(dir, project)
        .unwrap_or_else(|| dir.to_path_buf())
        .to_string_lossy()
        .replace('\\', "/")
}

fn prompt_name(default: Option<&str>) -> Result<ProjectName> {
    let mut prompt = inquire::Text::new("Project name:").with_validator(|text: &str| {
        Ok(match text.parse::<ProjectName>() {
            Ok(_) => inquire::validator::Validation::Valid,
            Err(err) => inquire::validator::Validation::Invalid(err.to_string().into()),
        })
    });
    if let Some(default) = default {
        prompt = prompt.with_default(default);
    }
    prompt.prompt()?.parse()
}

fn prompt_skills(catalog: &Catalog) -> Result<Vec<String>> {
    let options: Vec<String> = catalog
        .iter()
        .filter(|s| s.manifest.name != CORE)
        .map(|s| format!("{} — {}", s.manifest.name, s.manifest.summary))
        .collect();
    let defaults: Vec<usize> = catalog
        .iter()
        .filter(|s| s.manifest.name != CORE)
        .enumerate()
        .filter(|(_, s)| DEFAULT_SKILLS.contains(&s.manifest.name.as_str()))
        .map(|(i, _)| i)
        .collect();
    let chosen = inquire::MultiSelect::new("Skills (the core app is always included):", options)
        .with_default(&defaults)
        .prompt()?;
    Ok(chosen
        .into_iter()
        .map(|line| line.split(' ').next().unwrap_or_default().to_string())
        .collect())
}

fn prompt_database() -> Result<Database> {
    let choice = inquire::Select::new(
        "Default database:",
        vec![
            "sqlite — a file under ./data, no setup",
            "postgres — for production",
        ],
    )
    .prompt()?;
    Ok(if choice.starts_with("postgres") {
        Database::Postgres
    } else {
        Database::Sqlite
    })
}
