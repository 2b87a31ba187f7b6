//! The only module that changes the disk. A change to a project is all or nothing: every
//! new file is first written into a staging directory inside the project; then each one is
//! moved into place, the file it replaces (and each file to delete) moved aside into the
//! staging directory, and every step recorded. When a step fails, the steps already taken
//! are undone in reverse order, so the project is left exactly as it was.

use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::plan::{Effect, Plan};
use crate::relpath::RelPath;
use crate::skill::BACKENDS;

/// Reads the files at `paths` that exist, refusing any path that goes through a symbolic
/// link (writing through one could land outside the project).
pub fn read(
    root: &Path,
    paths: impl IntoIterator<Item = RelPath>,
) -> Result<BTreeMap<RelPath, Vec<u8>>> {
    let mut found = BTreeMap::new();
    for path in paths {
        check_no_symlink(root, &path)?;
        let full = path.under(root);
        match fs::read(&full) {
            Ok(bytes) => {
                found.insert(path, bytes);
            }
            Err(err) if err.kind() == ErrorKind::NotFound => {}
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", full.display())),
        }
    }
    Ok(found)
}

fn check_no_symlink(root: &Path, path: &RelPath) -> Result<()> {
    let mut current = root.to_path_buf();
    for segment in path.as_str().split('/') {
        current.push(segment);
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                bail!(
                    "{} is a symbolic link; poscake does not write through links",
                    current.display()
                )
            }
            Ok(_) => {}
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok(()),
            Err(err) => {
                return Err(err).with_context(|| format!("cannot inspect {}", current.display()));
            }
        }
    }
    Ok(())
}

/// The highest version among the migrations in the project's `migrations/<backend>/`
/// folders, 0 when there are none. A file counts as sqlx counts it: a `.sql` file named
/// `<version>_<description>`.
pub fn highest_migration_version(root: &Path) -> Result<i64> {
    let mut highest = 0;
    for backend in BACKENDS {
        let dir = root.join("migrations").join(backend);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == ErrorKind::NotFound => continue,
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", dir.display())),
        };
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
            if let Some(version) = entry.file_name().to_str().and_then(migration_version) {
                highest = highest.max(version);
            }
        }
    }
    Ok(highest)
}

/// The version of the migration file `name`, as sqlx reads it.
fn migration_version(name: &str) -> Option<i64> {
    let (version, description) = name.split_once('_')?;
    let is_number = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit());
    if !is_number || !description.ends_with(".sql") {
        return None;
    }
    version.parse().ok()
}

/// Extra files written alongside the plan (poscake's own state), by path.
pub type Extra = Vec<(RelPath, Vec<u8>)>;

/// Applies `plan` and `extra` to the project at `root`: completely, or, when anything fails,
/// not at all.
pub fn apply(root: &Path, plan: &Plan, extra: &Extra) -> Result<()> {
    let staging = tempfile::Builder::new()
        .prefix(".poscake-staging-")
        .tempdir_in(root)
        .with_context(|| format!("cannot create a staging directory in {}", root.display()))?;
    let steps = stage(root, staging.path(), plan, extra)?;
    let mut journal = Journal::default();
    if let Err(err) = steps.iter().try_for_each(|step| journal.take(step)) {
        return match journal.undo() {
            Ok(()) => Err(err),
            Err(undo) => {
                // The staging directory now holds the only copy of some of the user's files.
                let kept = staging.keep();
                Err(anyhow!(
                    "{err:#}; undoing the changes made so far failed too ({undo:#}): the files it replaced are in {}",
                    kept.display()
                ))
            }
        };
    }
    for step in &steps {
        if let Step::Delete { target, .. } = step {
            remove_empty_parents(root, target);
        }
    }
    let path = staging.path().to_path_buf();
    staging.close().with_context(|| {
        format!(
            "the project was written, but {} could not be removed",
            path.display()
        )
    })
}

/// One change to the project, prepared so that taking it cannot lose anything: the file a
/// step replaces or deletes goes to `backup`, inside the staging directory.
enum Step {
    /// Moves the staged file `staged` to `target`.
    Place {
        staged: PathBuf,
        target: PathBuf,
        backup: PathBuf,
    },
    Delete {
        target: PathBuf,
        backup: PathBuf,
    },
}

/// Writes every new file into `staging` (keeping the permissions of the file it will
/// replace, so an executable script stays executable) and lists the steps, in plan order,
/// poscake's own state last.
fn stage(root: &Path, staging: &Path, plan: &Plan, extra: &Extra) -> Result<Vec<Step>> {
    let mut changes: Vec<(&RelPath, Option<&[u8]>)> = plan
        .entries
        .iter()
        .filter_map(|entry| match &entry.effect {
            Effect::Write(bytes) => Some((&entry.path, Some(bytes.as_slice()))),
            Effect::Remove => Some((&entry.path, None)),
            Effect::Nothing => None,
        })
        .collect();
    changes.extend(
        extra
            .iter()
            .map(|(path, bytes)| (path, Some(bytes.as_slice()))),
    );
    let mut steps = Vec::new();
    for (index, (path, bytes)) in changes.into_iter().enumerate() {
        let target = path.under(root);
        let backup = staging.join(format!("{index}.old"));
        let Some(bytes) = bytes else {
            steps.push(Step::Delete { target, backup });
            continue;
        };
        let staged = staging.join(format!("{index}.new"));
        fs::write(&staged, bytes).with_context(|| format!("cannot stage {path}"))?;
        if let Ok(meta) = fs::metadata(&target) {
            fs::set_permissions(&staged, meta.permissions())
                .with_context(|| format!("cannot stage {path}"))?;
        }
        steps.push(Step::Place {
            staged,
            target,
            backup,
        });
    }
    Ok(steps)
}

/// A change made to the project, recorded so that it can be undone.
enum Done {
    CreatedDir(PathBuf),
    /// A file now at this path that was not there before.
    Placed(PathBuf),
    MovedAside {
        original: PathBuf,
        backup: PathBuf,
    },
}

/// The changes made so far, in order.
#[derive(Default)]
struct Journal(Vec<Done>);

impl Journal {
    fn take(&mut self, step: &Step) -> Result<()> {
        match step {
            Step::Place {
                staged,
                target,
                backup,
            } => {
                if let Some(parent) = target.parent() {
                    self.create_dirs(parent)?;
                }
                self.move_aside(target, backup)?;
                fs::rename(staged, target)
                    .with_context(|| format!("cannot write {}", target.display()))?;
                self.0.push(Done::Placed(target.clone()));
            }
            Step::Delete { target, backup } => self.move_aside(target, backup)?,
        }
        Ok(())
    }

    /// Creates `dir` and any missing parents, recording each one created.
    fn create_dirs(&mut self, dir: &Path) -> Result<()> {
        if dir.is_dir() {
            return Ok(());
        }
        if let Some(parent) = dir.parent() {
            self.create_dirs(parent)?;
        }
        fs::create_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        self.0.push(Done::CreatedDir(dir.to_path_buf()));
        Ok(())
    }

    /// Moves the file at `original`, if there is one, to `backup`.
    fn move_aside(&mut self, original: &Path, backup: &Path) -> Result<()> {
        match fs::rename(original, backup) {
            Ok(()) => {
                self.0.push(Done::MovedAside {
                    original: original.to_path_buf(),
                    backup: backup.to_path_buf(),
                });
                Ok(())
            }
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(()),
            Err(err) => Err(err).with_context(|| format!("cannot replace {}", original.display())),
        }
    }

    /// Undoes every change, last first. It goes on after a failure, so that as much as
    /// possible is put back, and reports the first failure.
    fn undo(self) -> Result<()> {
        let mut first_failure = None;
        for done in self.0.into_iter().rev() {
            let result = match &done {
                Done::CreatedDir(dir) => {
                    fs::remove_dir(dir).with_context(|| format!("cannot remove {}", dir.display()))
                }
                Done::Placed(file) => fs::remove_file(file)
                    .with_context(|| format!("cannot remove {}", file.display())),
                Done::MovedAside { original, backup } => fs::rename(backup, original)
                    .with_context(|| format!("cannot restore {}", original.display())),
            };
            if let Err(err) = result {
                first_failure.get_or_insert(err);
            }
        }
        first_failure.map_or(Ok(()), Err)
    }
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(current) = dir {
        if current == root || fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

/// Creates a project at `target` all at once: `fill` writes into a fresh directory beside
/// it, which is renamed into place only when complete.
pub fn create_dir_atomically(target: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let temporary = tempfile::Builder::new()
        .prefix(".poscake-new-")
        .tempdir_in(&parent)
        .with_context(|| {
            format!(
                "cannot create a temporary directory in {}",
                parent.display()
            )
        })?;
    fill(temporary.path())?;
    // A temporary directory is private to its owner; a project is not.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(temporary.path(), fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot set permissions on {}", temporary.path().display()))?;
    }
    let path = temporary.keep();
    // Renaming onto an existing empty directory replaces it on Unix.
    if let Err(err) = fs::rename(&path, target) {
        let _ = fs::remove_dir_all(&path);
        return Err(err)
            .with_context(|| format!("cannot move the new project to {}", target.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_versions_are_read_as_sqlx_reads_them() {
        assert_eq!(migration_version("0013_mine.sql"), Some(13));
        assert_eq!(
            migration_version("20240101120000_x_y.sql"),
            Some(20240101120000)
        );
        assert_eq!(migration_version("0013_mine.sql.bak"), None);
        assert_eq!(migration_version("README.md"), None);
        assert_eq!(migration_version("v1_mine.sql"), None);
        assert_eq!(migration_version("_mine.sql"), None);
    }
}
