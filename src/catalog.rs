//! The skills poscake knows: the built-in ones embedded in the binary, plus any loaded from
//! a `--skills-dir` with the same layout (`skills/<name>.toml`, `templates/<name>/…`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use include_dir::{Dir, DirEntry, include_dir};
use walkdir::WalkDir;

use crate::relpath::RelPath;
use crate::skill::Manifest;

static SKILLS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/skills");
static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// One file of a skill's template tree, relative to `templates/<skill>/`.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub path: RelPath,
    pub bytes: Cow<'static, [u8]>,
}

#[derive(Debug, Clone)]
pub struct Skill {
    pub manifest: Manifest,
    pub files: Vec<TemplateFile>,
    /// Where the skill came from, for messages: `built-in` or the manifest's path.
    pub origin: String,
}

#[derive(Debug, Default)]
pub struct Catalog {
    skills: BTreeMap<String, Skill>,
}

impl Catalog {
    /// The built-in skills, plus those in `extra` when given.
    pub fn load(extra: Option<&Path>) -> Result<Catalog> {
        let mut catalog = Catalog::default();
        for file in SKILLS.files() {
            let name = file.path().display().to_string();
            let text = file
                .contents_utf8()
                .with_context(|| format!("skills/{name} is not UTF-8"))?;
            let manifest = Manifest::parse(text, &format!("skills/{name}"))?;
            let files = embedded_files(&manifest.name)?;
            catalog.insert(Skill {
                manifest,
                files,
                origin: "built-in".into(),
            })?;
        }
        if let Some(dir) = extra {
            catalog.load_dir(dir)?;
        }
        Ok(catalog)
    }

    fn load_dir(&mut self, dir: &Path) -> Result<()> {
        let skills_dir = dir.join("skills");
        let entries = std::fs::read_dir(&skills_dir)
            .with_context(|| format!("cannot read skills directory {}", skills_dir.display()))?;
        let mut manifests: Vec<PathBuf> = entries
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .with_context(|| format!("cannot read skills directory {}", skills_dir.display()))?;
        manifests.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        manifests.sort();
        for path in manifests {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let origin = path.display().to_string();
            let manifest = Manifest::parse(&text, &origin)?;
            if path.file_stem().and_then(|s| s.to_str()) != Some(manifest.name.as_str()) {
                bail!("{origin}: the file must be named {}.toml", manifest.name);
            }
            let files = disk_files(&dir.join("templates").join(&manifest.name))?;
            self.insert(Skill {
                manifest,
                files,
                origin,
            })?;
        }
        Ok(())
    }

    fn insert(&mut self, skill: Skill) -> Result<()> {
        if let Some(existing) = self.skills.get(&skill.manifest.name) {
            bail!(
                "{}: skill `{}` is already defined ({})",
                skill.origin,
                skill.manifest.name,
                existing.origin
            );
        }
        self.skills.insert(skill.manifest.name.clone(), skill);
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Skill> {
        self.skills.get(name)
    }

    /// All skills, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Skill> {
        self.skills.values()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.skills.keys().map(String::as_str)
    }
}

fn embedded_files(skill: &str) -> Result<Vec<TemplateFile>> {
    let Some(dir) = TEMPLATES.get_dir(skill) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    collect_embedded(dir, Path::new(skill), &mut files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn collect_embedded(dir: &Dir<'static>, root: &Path, out: &mut Vec<TemplateFile>) -> Result<()> {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(sub) => collect_embedded(sub, root, out)?,
            DirEntry::File(file) => {
                let relative = file.path().strip_prefix(root).with_context(|| {
                    format!("template {} is outside its skill", file.path().display())
                })?;
                out.push(TemplateFile {
                    path: RelPath::from_path(relative)?,
                    bytes: Cow::Borrowed(file.contents()),
                });
            }
        }
    }
    Ok(())
}

/// Reads a template tree from disk, refusing symlinks: a link could make a template read or
/// write something outside the skill or the project.
fn disk_files(root: &Path) -> Result<Vec<TemplateFile>> {
    if !root.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(root).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", root.display()))?;
        if entry.path_is_symlink() {
            bail!(
                "{} is a symbolic link; skill templates must be plain files",
                entry.path().display()
            );
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(root)
            .expect("walkdir yields paths under its root");
        let path = RelPath::from_path(relative)
            .with_context(|| format!("bad template path {}", entry.path().display()))?;
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        files.push(TemplateFile {
            path,
            bytes: Cow::Owned(bytes),
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_skills_load() {
        let catalog = Catalog::load(None).unwrap();
        let core = catalog.get(crate::skill::CORE).expect("core skill");
        assert!(!core.files.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_templates_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("skills")).unwrap();
        std::fs::create_dir_all(dir.path().join("templates/pos-x")).unwrap();
        std::fs::write(
            dir.path().join("skills/pos-x.toml"),
            "name = \"pos-x\"\nsummary = \"x\"\n",
        )
        .unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("templates/pos-x/leak"))
            .unwrap();
        let err = Catalog::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
    }

    #[test]
    fn a_custom_skill_cannot_replace_a_built_in_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("skills")).unwrap();
        std::fs::write(
            dir.path().join("skills/poscake.toml"),
            "name = \"poscake\"\nsummary = \"x\"\n",
        )
        .unwrap();
        let err = Catalog::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("already defined"), "{err}");
    }
}
