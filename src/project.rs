//! `poscake.toml`: how a project was generated, so that later commands can regenerate it.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, Item, Table, value};

use crate::answers::{Answers, ProjectName};
use crate::catalog::Catalog;
use crate::resolve;
use crate::skill;

pub const MANIFEST_FILE: &str = "poscake.toml";

/// This poscake's version, recorded in every project it writes.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectManifest {
    pub generator: Generator,
    pub project: Project,
    pub answers: Answers,
    /// Migration versions by skill and migration name. Versions are never reused or
    /// renumbered, even after a skill is removed, because the database remembers them.
    #[serde(default)]
    pub migrations: BTreeMap<String, BTreeMap<String, i64>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Generator {
    pub version: String,
    /// Extra skills directory, relative to the project, when the project uses custom skills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills_dir: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: ProjectName,
    pub skills: Vec<String>,
}

impl ProjectManifest {
    pub fn parse(text: &str) -> Result<ProjectManifest> {
        let manifest: ProjectManifest = toml::from_str(text)
            .map_err(|err| anyhow::anyhow!("{MANIFEST_FILE}: {}", skill::one_line(&err, text)))?;
        manifest.check_version()?;
        Ok(manifest)
    }

    /// Refuses projects written by a newer poscake: it may rely on things this one lacks.
    fn check_version(&self) -> Result<()> {
        let theirs = semver::Version::parse(&self.generator.version).with_context(|| {
            format!(
                "{MANIFEST_FILE}: generator version `{}` is not a version",
                self.generator.version
            )
        })?;
        let ours = semver::Version::parse(VERSION).expect("crate version is semver");
        if theirs > ours {
            bail!(
                "this project was made by poscake {theirs}, which is newer than this poscake {ours}; upgrade poscake first"
            );
        }
        Ok(())
    }

    /// Checks that every recorded skill exists, and spells each one in full (a user editing
    /// the file may have written a short name).
    pub fn canonicalize_skills(&mut self, catalog: &Catalog) -> Result<()> {
        for name in &mut self.project.skills {
            *name = resolve::canonical(catalog, name).map_err(|_| {
                anyhow::anyhow!(
                    "{MANIFEST_FILE}: skill `{name}` is unknown to this poscake (is a --skills-dir missing?)"
                )
            })?;
        }
        Ok(())
    }

    /// Gives every migration of the project's skills a version, keeping the ones already
    /// recorded and numbering new ones, in skill order, after both the highest version ever
    /// recorded and `highest_on_disk`, the highest in the project's migration folders: the
    /// user's own migrations have versions too, and the app's migrator refuses two files
    /// with one version.
    pub fn assign_migrations(&mut self, catalog: &Catalog, highest_on_disk: i64) {
        let recorded = self.migrations.values().flat_map(|m| m.values()).copied();
        let mut next = recorded.fold(highest_on_disk, i64::max) + 1;
        for name in &self.project.skills {
            let skill = catalog.get(name).expect("resolved skills exist");
            for migration in &skill.manifest.migrations {
                let versions = self.migrations.entry(name.clone()).or_default();
                if !versions.contains_key(migration) {
                    versions.insert(migration.clone(), next);
                    next += 1;
                }
            }
        }
    }

    /// Renders the manifest, keeping the comments and layout of `previous` when given.
    pub fn to_toml(&self, previous: Option<&str>) -> String {
        let mut doc = previous
            .and_then(|text| text.parse::<DocumentMut>().ok())
            .unwrap_or_else(|| {
                let mut doc = DocumentMut::new();
                doc.decor_mut().set_prefix(
                    "# How this project was generated. `poscake add`, `remove`, `update` and\n\
                     # `check` read it; the pristine copies they merge against live in .poscake/.\n",
                );
                doc
            });
        let generator = table(&mut doc, "generator");
        generator["version"] = value(&self.generator.version);
        match &self.generator.skills_dir {
            Some(dir) => generator["skills-dir"] = value(dir),
            None => {
                generator.remove("skills-dir");
            }
        }
        let project = table(&mut doc, "project");
        project["name"] = value(self.project.name.as_str());
        project["skills"] = value(toml_edit::Array::from_iter(&self.project.skills));
        let answers = table(&mut doc, "answers");
        answers["database"] = value(self.answers.database.to_string());
        answers["currency"] = value(&self.answers.currency);
        answers["locale"] = value(&self.answers.locale);
        let migrations = table(&mut doc, "migrations");
        migrations.clear();
        for (skill, versions) in &self.migrations {
            let mut inline = toml_edit::InlineTable::new();
            for (name, version) in versions {
                inline.insert(name, (*version).into());
            }
            migrations[skill.as_str()] = value(inline);
        }
        doc.to_string()
    }
}

fn table<'a>(doc: &'a mut DocumentMut, key: &str) -> &'a mut Table {
    if !doc.contains_table(key) {
        doc[key] = Item::Table(Table::new());
    }
    doc[key].as_table_mut().expect("just made a table")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ProjectManifest {
        ProjectManifest {
            generator: Generator {
                version: VERSION.into(),
                skills_dir: None,
            },
            project: Project {
                name: "shop".parse().unwrap(),
                skills: vec!["poscake".into()],
            },
            answers: Answers::default(),
            migrations: BTreeMap::from([("poscake".into(), BTreeMap::from([("core".into(), 1)]))]),
        }
    }

    #[test]
    fn round_trips() {
        let text = sample().to_toml(None);
        assert_eq!(ProjectManifest::parse(&text).unwrap(), sample());
    }

    #[test]
    fn keeps_user_comments() {
        let text = sample().to_toml(None);
        let edited = text.replace("[answers]", "# we sell in VND\n[answers]");
        let mut manifest = ProjectManifest::parse(&edited).unwrap();
        manifest.project.skills.push("pos-x".into());
        let again = manifest.to_toml(Some(&edited));
        assert!(again.contains("# we sell in VND\n[answers]"), "{again}");
        assert!(
            again.contains("skills = [\"poscake\", \"pos-x\"]"),
            "{again}"
        );
    }

    #[test]
    fn migration_versions_are_kept_and_new_ones_come_after_all_others() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("skills")).unwrap();
        std::fs::write(
            dir.path().join("skills/t-a.toml"),
            "name = \"t-a\"\nsummary = \"a\"\nmigrations = [\"one\", \"two\"]\n",
        )
        .unwrap();
        let catalog = Catalog::load(Some(dir.path())).unwrap();
        let mut manifest = sample();
        manifest.project.skills.push("t-a".into());
        let core: BTreeMap<String, i64> = catalog
            .get("poscake")
            .unwrap()
            .manifest
            .migrations
            .iter()
            .zip(1..)
            .map(|(name, version)| (name.clone(), version))
            .collect();
        manifest.migrations = BTreeMap::from([
            ("poscake".into(), core.clone()),
            // A removed skill's versions still count: the database has applied them.
            ("pos-gone".into(), BTreeMap::from([("old".into(), 1000)])),
        ]);
        manifest.assign_migrations(&catalog, 0);
        assert_eq!(manifest.migrations["poscake"], core);
        assert_eq!(manifest.migrations["pos-gone"]["old"], 1000);
        assert_eq!(manifest.migrations["t-a"]["one"], 1001);
        assert_eq!(manifest.migrations["t-a"]["two"], 1002);

        // Assigning again changes nothing.
        let before = manifest.migrations.clone();
        manifest.assign_migrations(&catalog, 0);
        assert_eq!(manifest.migrations, before);
    }

    #[test]
    fn new_migration_versions_come_after_those_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("skills")).unwrap();
        std::fs::write(
            dir.path().join("skills/t-a.toml"),
            "name = \"t-a\"\nsummary = \"a\"\nmigrations = [\"one\"]\n",
        )
        .unwrap();
        let catalog = Catalog::load(Some(dir.path())).unwrap();
        let mut manifest = sample();
        manifest.project.skills = vec!["t-a".into()];
        manifest.assign_migrations(&catalog, 13);
        assert_eq!(manifest.migrations["t-a"]["one"], 14);
    }

    #[test]
    fn newer_projects_are_refused() {
        let text = sample().to_toml(None).replace(VERSION, "999.0.0");
        let err = ProjectManifest::parse(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "this project was made by poscake 999.0.0, which is newer than this poscake {VERSION}; upgrade poscake first"
            )
        );
    }

    #[test]
    fn parse_errors_name_the_line() {
        let text = sample()
            .to_toml(None)
            .replace("currency = \"VND\"", "currency = 5");
        let err = ProjectManifest::parse(&text).unwrap_err().to_string();
        assert!(err.starts_with("poscake.toml: line "), "{err}");
    }
}
