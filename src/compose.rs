//! Composition points: what the chosen skills contribute, gathered and checked in Rust so that
//! templates only loop over ready-made lists.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use serde::Serialize;

use crate::catalog::Catalog;
use crate::project::ProjectManifest;
use crate::skill::{self, EnvVar, NavEntry};

/// Everything a template can see. Field names are the template variables.
#[derive(Debug, Serialize)]
pub struct Context {
    pub project_name: String,
    pub crate_name: String,
    pub database: String,
    pub currency: String,
    pub locale: String,
    pub skills: Vec<String>,
    /// Every module of the app's library, sorted as rustfmt sorts them.
    pub modules: Vec<String>,
    /// Router functions, in skill order.
    pub routes: Vec<String>,
    /// The modules those routers live in, sorted, for a `use` line.
    pub route_modules: Vec<String>,
    pub commands: Vec<CommandPoint>,
    pub dependencies: Vec<Dependency>,
    pub dev_dependencies: Vec<Dependency>,
    pub env: Vec<EnvVar>,
    pub nav: Vec<NavEntry>,
    pub permissions: Vec<PermissionPoint>,
    /// Routes anyone may call (with pos-auth).
    pub public_routes: Vec<RoutePoint>,
    /// Routes any signed-in person may call (with pos-auth).
    pub signed_in_routes: Vec<RoutePoint>,
    pub migrations: Vec<MigrationPoint>,
    /// Events the skills emit (delivered with pos-notifications).
    pub events: Vec<EventPoint>,
}

#[derive(Debug, Serialize)]
pub struct EventPoint {
    /// The skill that declares it.
    pub skill: String,
    /// The Rust constant, e.g. `ORDER_PAID` for `order.paid`.
    pub constant: String,
    /// Spaces that line up a comment after the constant with the others', as rustfmt does.
    pub pad: String,
    /// The role enum variants, e.g. `Manager`.
    pub role_variants: Vec<String>,
    /// The channel enum variants, e.g. `InApp`.
    pub channel_variants: Vec<String>,
    #[serde(flatten)]
    pub event: skill::Event,
}

#[derive(Debug, Serialize)]
pub struct PermissionPoint {
    pub name: String,
    /// The Rust enum variant, e.g. `CatalogWrite` for `catalog.write`.
    pub variant: String,
    pub description: String,
    /// Role names as declared, e.g. `MANAGER`.
    pub roles: Vec<String>,
    /// The same without ADMIN, which holds every permission anyway.
    pub roles_besides_admin: Vec<String>,
    pub routes: Vec<RoutePoint>,
}

#[derive(Debug, Serialize)]
pub struct RoutePoint {
    pub method: String,
    pub path: String,
}

impl RoutePoint {
    fn parse(route: &str) -> Result<RoutePoint> {
        let (method, path) = skill::parse_route(route)?;
        Ok(RoutePoint {
            method: method.to_string(),
            path: path.to_string(),
        })
    }
}

#[derive(Debug, Serialize)]
pub struct CommandPoint {
    pub name: String,
    /// The clap enum variant, e.g. `Pancake`.
    pub variant: String,
    pub about: String,
    pub args: String,
    pub run: String,
}

/// One line of a Cargo.toml dependency table, already formatted: `name = spec`.
#[derive(Debug, Serialize)]
pub struct Dependency {
    pub name: String,
    pub spec: String,
}

#[derive(Debug, Serialize)]
pub struct MigrationPoint {
    pub skill: String,
    pub name: String,
    pub version: i64,
}

impl Context {
    /// Gathers the contributions of `manifest`'s skills (which must be resolved and ordered).
    pub fn new(catalog: &Catalog, manifest: &ProjectManifest) -> Result<Context> {
        let skills: Vec<_> = manifest
            .project
            .skills
            .iter()
            .map(|name| catalog.get(name).expect("resolved skills exist"))
            .collect();
        let mut context = Context {
            project_name: manifest.project.name.to_string(),
            crate_name: manifest.project.name.crate_name(),
            database: manifest.answers.database.to_string(),
            currency: manifest.answers.currency.clone(),
            locale: manifest.answers.locale.clone(),
            skills: manifest.project.skills.clone(),
            modules: Vec::new(),
            routes: Vec::new(),
            route_modules: Vec::new(),
            commands: Vec::new(),
            dependencies: Vec::new(),
            dev_dependencies: Vec::new(),
            env: Vec::new(),
            nav: Vec::new(),
            permissions: Vec::new(),
            public_routes: Vec::new(),
            signed_in_routes: Vec::new(),
            migrations: Vec::new(),
            events: Vec::new(),
        };
        let mut dependencies = Dependencies::default();
        let mut dev_dependencies = Dependencies::default();
        for skill in &skills {
            let m = &skill.manifest;
            let present = |name: &String| manifest.project.skills.contains(&skill::full_name(name));
            context.modules.extend(
                m.modules
                    .iter()
                    .filter(|module| !module.unless.as_ref().is_some_and(present))
                    .map(|module| module.name.clone()),
            );
            context
                .routes
                .extend(m.routes.iter().map(|r| r.router.clone()));
            context
                .commands
                .extend(m.commands.iter().map(|c| CommandPoint {
                    name: c.name.clone(),
                    variant: c.name.to_upper_camel_case(),
                    about: c.about.clone(),
                    args: c.args.clone(),
                    run: c.run.clone(),
                }));
            for var in &m.env {
                // A variable several skills read (the app's public address) is declared
                // alike by each and listed once.
                match context.env.iter().find(|known| known.name == var.name) {
                    None => context.env.push(var.clone()),
                    Some(known) if known == var => {}
                    Some(_) => bail!(
                        "two skills declare the environment variable `{}` differently",
                        var.name
                    ),
                }
            }
            context.nav.extend(m.nav.iter().cloned());
            for permission in &m.permissions {
                context.permissions.push(PermissionPoint {
                    name: permission.name.clone(),
                    variant: permission.name.to_upper_camel_case(),
                    description: permission.description.clone(),
                    roles: permission.roles.clone(),
                    roles_besides_admin: permission
                        .roles
                        .iter()
                        .filter(|role| *role != "ADMIN")
                        .cloned()
                        .collect(),
                    routes: parse_routes(&permission.routes)?,
                });
            }
            context
                .public_routes
                .extend(parse_routes(&m.public_routes)?);
            context
                .signed_in_routes
                .extend(parse_routes(&m.signed_in_routes)?);
            context.events.extend(m.events.iter().map(|event| {
                EventPoint {
                    skill: m.name.clone(),
                    constant: event.name.replace('.', "_").to_shouty_snake_case(),
                    pad: String::new(),
                    role_variants: event
                        .roles
                        .iter()
                        .map(|role| role.to_lowercase().to_upper_camel_case())
                        .collect(),
                    channel_variants: event
                        .channels
                        .iter()
                        .map(|channel| channel.to_upper_camel_case())
                        .collect(),
                    event: event.clone(),
                }
            }));
            for (name, spec) in &m.dependencies {
                dependencies.add(&m.name, name, spec)?;
            }
            for (name, spec) in &m.dev_dependencies {
                dev_dependencies.add(&m.name, name, spec)?;
            }
            for migration in &m.migrations {
                let version = manifest
                    .migrations
                    .get(&m.name)
                    .and_then(|v| v.get(migration))
                    .copied()
                    .expect("migrations are assigned before rendering");
                context.migrations.push(MigrationPoint {
                    skill: m.name.clone(),
                    name: migration.clone(),
                    version,
                });
            }
        }
        unique("module", context.modules.iter())?;
        context.modules.sort();
        context.route_modules = context
            .routes
            .iter()
            .filter_map(|r| r.split("::").next())
            .map(str::to_string)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        unique("command", context.commands.iter().map(|c| &c.name))?;
        unique("environment variable", context.env.iter().map(|e| &e.name))?;
        unique("permission", context.permissions.iter().map(|p| &p.name))?;
        unique("event", context.events.iter().map(|e| &e.event.name))?;
        let widest = context.events.iter().map(|e| e.constant.len()).max();
        for event in &mut context.events {
            event.pad = " ".repeat(widest.unwrap_or_default() - event.constant.len());
        }
        let routes: Vec<String> = context
            .permissions
            .iter()
            .flat_map(|p| &p.routes)
            .chain(&context.public_routes)
            .chain(&context.signed_in_routes)
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        unique("access rule for the route", routes.iter())?;
        for entry in &context.nav {
            if let Some(name) = &entry.permission
                && !context.permissions.iter().any(|p| &p.name == name)
            {
                bail!(
                    "navigation entry `{}` needs the permission `{name}`, which no skill declares",
                    entry.href
                );
            }
        }
        context.dependencies = dependencies.lines();
        context.dev_dependencies = dev_dependencies.lines();
        Ok(context)
    }
}

fn parse_routes(routes: &[String]) -> Result<Vec<RoutePoint>> {
    routes.iter().map(|r| RoutePoint::parse(r)).collect()
}

fn unique<'a>(what: &str, names: impl Iterator<Item = &'a String>) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            bail!("two skills contribute the {what} `{name}`");
        }
    }
    Ok(())
}

/// Cargo dependencies merged across skills: the same crate may be declared by several
/// skills if they agree on the version; their feature lists are united.
#[derive(Default)]
struct Dependencies {
    specs: BTreeMap<String, (String, toml::Table)>,
}

impl Dependencies {
    fn add(&mut self, skill: &str, name: &str, spec: &toml::Value) -> Result<()> {
        let table = match spec {
            toml::Value::String(version) => {
                toml::Table::from_iter([("version".to_string(), version.clone().into())])
            }
            toml::Value::Table(table) => table.clone(),
            _ => unreachable!("manifest validation allows strings and tables only"),
        };
        let Some((first, existing)) = self.specs.get_mut(name) else {
            self.specs
                .insert(name.to_string(), (skill.to_string(), table));
            return Ok(());
        };
        for (key, value) in table {
            match (key.as_str(), existing.get_mut(&key)) {
                ("features", Some(toml::Value::Array(features))) => {
                    for feature in value.as_array().into_iter().flatten() {
                        if !features.contains(feature) {
                            features.push(feature.clone());
                        }
                    }
                }
                (_, Some(theirs)) if *theirs == value => {}
                (_, None) if key == "features" => {
                    existing.insert(key, value);
                }
                _ => bail!(
                    "skills `{first}` and `{skill}` declare the dependency `{name}` differently (`{key}`)"
                ),
            }
        }
        Ok(())
    }

    fn lines(self) -> Vec<Dependency> {
        self.specs
            .into_iter()
            .map(|(name, (_, mut table))| {
                if let Some(toml::Value::Array(features)) = table.get_mut("features") {
                    features.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                }
                let spec = match (table.len(), table.get("version")) {
                    (1, Some(toml::Value::String(version))) => format!("\"{version}\""),
                    _ => inline(&table),
                };
                Dependency { name, spec }
            })
            .collect()
    }
}

/// Formats a dependency table the way people write it: `{ version = "1", features = [...] }`,
/// with `version` first.
fn inline(table: &toml::Table) -> String {
    let mut inline = toml_edit::InlineTable::new();
    let ordered = table
        .iter()
        .filter(|(k, _)| *k == "version")
        .chain(table.iter().filter(|(k, _)| *k != "version"));
    for (key, value) in ordered {
        let value = serde::Serialize::serialize(value, toml_edit::ser::ValueSerializer::new())
            .expect("a TOML value converts between TOML libraries");
        inline.insert(key, value);
    }
    inline.fmt();
    inline.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> toml::Value {
        toml::from_str::<toml::Table>(&format!("v = {text}")).unwrap()["v"].clone()
    }

    #[test]
    fn dependencies_merge_features() {
        let mut deps = Dependencies::default();
        deps.add(
            "a",
            "tokio",
            &value(r#"{ version = "1", features = ["rt"] }"#),
        )
        .unwrap();
        deps.add(
            "b",
            "tokio",
            &value(r#"{ version = "1", features = ["net", "rt"] }"#),
        )
        .unwrap();
        deps.add("b", "serde", &value(r#""1""#)).unwrap();
        let lines = deps.lines();
        assert_eq!(lines[0].name, "serde");
        assert_eq!(lines[0].spec, "\"1\"");
        assert_eq!(
            lines[1].spec,
            r#"{ version = "1", features = ["net", "rt"] }"#
        );
    }

    #[test]
    fn dependencies_with_different_versions_are_refused() {
        let mut deps = Dependencies::default();
        deps.add("a", "tokio", &value(r#""1""#)).unwrap();
        let err = deps
            .add("b", "tokio", &value(r#""2""#))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "skills `a` and `b` declare the dependency `tokio` differently (`version`)"
        );
    }
}
