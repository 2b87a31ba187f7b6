//! An existing project opened for regeneration: its manifest, its base and the catalog.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::base;
use crate::catalog::Catalog;
use crate::cmd::Options;
use crate::merge::has_conflict_markers;
use crate::plan::{self, Plan};
use crate::project::{MANIFEST_FILE, ProjectManifest, VERSION};
use crate::relpath::RelPath;
use crate::render::{self, Tree};
use crate::report;
use crate::resolve;
use crate::write;

pub struct Workspace {
    pub root: PathBuf,
    pub manifest: ProjectManifest,
    /// The manifest file as it is on disk, so that rewriting it keeps the user's comments.
    pub manifest_text: String,
    pub catalog: Catalog,
    pub base: Tree,
}

/// A regeneration worked out but not yet applied.
pub struct Regeneration {
    pub manifest_text: String,
    pub plan: Plan,
    /// The files the plan was made against (every path rendered or in the base), as they
    /// were on disk.
    pub disk: BTreeMap<RelPath, Vec<u8>>,
}

impl Regeneration {
    /// Whether applying it would change anything, `poscake.toml` included.
    pub fn changes_anything(&self, workspace: &Workspace) -> bool {
        self.plan.changes().next().is_some() || self.manifest_text != workspace.manifest_text
    }
}

impl Workspace {
    pub fn open(options: &Options) -> Result<Workspace> {
        let root = options.root.clone();
        let manifest_path = root.join(MANIFEST_FILE);
        let manifest_text = match std::fs::read_to_string(&manifest_path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => bail!(
                "{} has no {MANIFEST_FILE}: not a poscake project (create one with `poscake new`)",
                root.display()
            ),
            Err(err) => {
                return Err(err)
                    .with_context(|| format!("cannot read {}", manifest_path.display()));
            }
        };
        let mut manifest = ProjectManifest::parse(&manifest_text)?;
        let skills_dir = match (&options.skills_dir, &manifest.generator.skills_dir) {
            (Some(dir), _) => Some(dir.clone()),
            (None, Some(recorded)) => Some(root.join(recorded)),
            (None, None) => None,
        };
        let catalog = Catalog::load(skills_dir.as_deref())?;
        manifest.canonicalize_skills(&catalog)?;
        let base_path = base::path();
        let base_bytes = std::fs::read(base_path.under(&root)).with_context(|| {
            format!(
                "cannot read {base_path}, the pristine copy poscake merges against; restore it from version control"
            )
        })?;
        let base = base::unpack(&base_bytes).with_context(|| format!("{base_path}"))?;
        Ok(Workspace {
            root,
            manifest,
            manifest_text,
            catalog,
            base,
        })
    }

    /// Opens the project for a command that writes to it, refusing while a file poscake
    /// wrote still holds conflict markers: merging over them would nest new markers inside
    /// the old ones.
    pub fn open_for_writing(options: &Options) -> Result<Workspace> {
        let workspace = Workspace::open(options)?;
        let disk = write::read(&workspace.root, workspace.base.keys().cloned())?;
        let unresolved = workspace.unresolved(&disk);
        if !unresolved.is_empty() {
            let verb = if unresolved.len() == 1 { "has" } else { "have" };
            bail!(
                "{} still {verb} conflict markers; resolve them first (`<<<<<<< ours` is yours, `>>>>>>> theirs` is poscake's)",
                unresolved.join(", ")
            );
        }
        Ok(workspace)
    }

    /// The files poscake wrote that still hold conflict markers in `disk`. Markers in the
    /// user's own files are none of its business.
    pub fn unresolved(&self, disk: &BTreeMap<RelPath, Vec<u8>>) -> Vec<String> {
        disk.iter()
            .filter(|(path, bytes)| self.base.contains_key(*path) && has_conflict_markers(bytes))
            .map(|(path, _)| path.to_string())
            .collect()
    }

    /// Works out what regenerating with `manifest` (whose skills may be unresolved) does.
    pub fn regenerate(&self, mut manifest: ProjectManifest, restore: bool) -> Result<Regeneration> {
        let resolution = resolve::resolve(&self.catalog, &manifest.project.skills)?;
        for (skill, required_by) in &resolution.added {
            report::note(&format!("adding `{skill}`, which `{required_by}` requires"));
        }
        manifest.project.skills = resolution.skills;
        manifest.generator.version = VERSION.to_string();
        manifest.assign_migrations(&self.catalog, write::highest_migration_version(&self.root)?);
        let tree = render::render(&self.catalog, &manifest)?;
        let paths = tree.keys().chain(self.base.keys()).cloned();
        let disk = write::read(&self.root, paths)?;
        let plan = plan::plan(&tree, &self.base, &disk, restore);
        let manifest_text = manifest.to_toml(Some(&self.manifest_text));
        Ok(Regeneration {
            manifest_text,
            plan,
            disk,
        })
    }

    /// Prints the plan and, unless `dry_run`, writes it with the new base and manifest.
    pub fn apply(
        &self,
        regeneration: &Regeneration,
        options: &Options,
        dry_run: bool,
    ) -> Result<ExitCode> {
        report::plan(&regeneration.plan, options.quiet, dry_run)?;
        if !dry_run {
            write::apply(&self.root, &regeneration.plan, &state_files(regeneration)?)?;
        }
        Ok(conflict_exit(&regeneration.plan, dry_run))
    }
}

/// poscake's own files: the new base and the manifest.
pub fn state_files(regeneration: &Regeneration) -> Result<write::Extra> {
    Ok(vec![
        (base::path(), base::pack(&regeneration.plan.base)?),
        (
            RelPath::new(MANIFEST_FILE).expect("valid path"),
            regeneration.manifest_text.clone().into_bytes(),
        ),
    ])
}

/// Exit 1 with the list of conflicted paths when the plan has conflicts (or, in a dry run,
/// would have).
pub fn conflict_exit(plan: &Plan, dry_run: bool) -> ExitCode {
    let conflicts: Vec<String> = plan.conflicts().map(|e| e.path.to_string()).collect();
    if conflicts.is_empty() {
        return ExitCode::SUCCESS;
    }
    let (count, paths) = (conflicts.len(), conflicts.join(", "));
    if dry_run {
        report::note(&format!(
            "{count} file(s) would have conflicts to resolve: {paths}"
        ));
    } else {
        report::error(&format!(
            "{count} file(s) have conflicts to resolve (`<<<<<<< ours` is yours, `>>>>>>> theirs` is poscake's): {paths}"
        ));
    }
    ExitCode::from(1)
}

/// Paths in messages relative to where the user is; `.` for the current directory itself.
pub fn display(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    if shown.as_os_str().is_empty() {
        ".".to_string()
    } else {
        shown.display().to_string()
    }
}
