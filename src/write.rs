//! The only module that changes the disk. Everything is staged first, so a failure while
//! writing leaves the project as it was; then files are moved into place.

use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::plan::{Effect, Plan};
use crate::relpath::RelPath;

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

/// Extra files written alongside the plan (poscake's own state), by path.
pub type Extra = Vec<(RelPath, Vec<u8>)>;

/// Applies `plan` and `extra` to the project at `root`.
pub fn apply(root: &Path, plan: &Plan, extra: &Extra) -> Result<()> {
    let staging = tempfile::Builder::new()
        .prefix(".poscake-staging-")
        .tempdir_in(root)
        .with_context(|| format!("cannot create a staging directory in {}", root.display()))?;
    let mut moves: Vec<(PathBuf, PathBuf)> = Vec::new();
    let writes = plan
        .entries
        .iter()
        .filter_map(|e| match &e.effect {
            Effect::Write(bytes) => Some((&e.path, bytes)),
            _ => None,
        })
        .chain(extra.iter().map(|(p, b)| (p, b)));
    for (index, (path, bytes)) in writes.enumerate() {
        let staged = staging.path().join(index.to_string());
        fs::write(&staged, bytes).with_context(|| format!("cannot stage {path}"))?;
        if let Some(mode) = existing_mode(&path.under(root)) {
            fs::set_permissions(&staged, mode).with_context(|| format!("cannot stage {path}"))?;
        }
        moves.push((staged, path.under(root)));
    }
    for (staged, target) in &moves {
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::rename(staged, target).with_context(|| format!("cannot write {}", target.display()))?;
    }
    for entry in plan.entries.iter().filter(|e| e.effect == Effect::Remove) {
        let target = entry.path.under(root);
        fs::remove_file(&target).with_context(|| format!("cannot delete {}", target.display()))?;
        remove_empty_parents(root, &target);
    }
    staging
        .close()
        .context("cannot remove the staging directory")
}

/// Keeps a file's permissions (an executable script stays executable) when it is replaced.
fn existing_mode(path: &Path) -> Option<fs::Permissions> {
    fs::metadata(path).ok().map(|m| m.permissions())
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
