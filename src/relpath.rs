//! Project-relative paths that cannot point outside the project.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

/// A `/`-separated path of plain components, checked on construction: no `..`, no `.`, no
/// root, no drive prefix, no empty segment. Every path poscake writes is one of these, so a
/// template (even from `--skills-dir`) cannot name a file outside the project.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RelPath(String);

impl RelPath {
    pub fn new(path: &str) -> Result<RelPath> {
        if path.is_empty() {
            bail!("empty path");
        }
        if path.starts_with('/') || path.contains('\\') || path.contains(':') {
            bail!("`{path}` is not a relative path inside the project");
        }
        for segment in path.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." {
                bail!("`{path}` would land outside the project");
            }
        }
        Ok(RelPath(path.to_string()))
    }

    /// Converts a path found on disk relative to some root.
    pub fn from_path(path: &Path) -> Result<RelPath> {
        let mut parts = Vec::new();
        for component in path.components() {
            match component {
                Component::Normal(part) => match part.to_str() {
                    Some(part) => parts.push(part),
                    None => bail!("`{}` is not valid UTF-8", path.display()),
                },
                _ => bail!("`{}` would land outside the project", path.display()),
            }
        }
        RelPath::new(&parts.join("/"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path below `root` on this system.
    pub fn under(&self, root: &Path) -> PathBuf {
        self.0.split('/').fold(root.to_path_buf(), |p, s| p.join(s))
    }

    pub fn starts_with(&self, dir: &str) -> bool {
        self.0
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
    }

    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    pub fn join(&self, rest: &RelPath) -> RelPath {
        RelPath(format!("{}/{}", self.0, rest.0))
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RelPath {
    type Error = anyhow::Error;

    fn try_from(value: String) -> Result<Self> {
        RelPath::new(&value)
    }
}

impl From<RelPath> for String {
    fn from(value: RelPath) -> String {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_are_accepted() {
        assert_eq!(RelPath::new("src/main.rs").unwrap().as_str(), "src/main.rs");
        assert_eq!(
            RelPath::new(".env.example").unwrap().file_name(),
            ".env.example"
        );
    }

    #[test]
    fn escaping_paths_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a/.",
            "C:/x",
            "a\\..\\b",
        ] {
            assert!(RelPath::new(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn disk_paths_are_checked() {
        assert!(RelPath::from_path(Path::new("a/b.rs")).is_ok());
        assert!(RelPath::from_path(Path::new("../b.rs")).is_err());
        assert!(RelPath::from_path(Path::new("/b.rs")).is_err());
    }

    #[test]
    fn prefix_matching_is_by_segment() {
        let path = RelPath::new("migrations/sqlite/0001_core.sql").unwrap();
        assert!(path.starts_with("migrations"));
        assert!(!path.starts_with("migration"));
    }
}
