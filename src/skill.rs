//! Skill manifests: what a skill is called, what it needs, and what it contributes.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::relpath::RelPath;

/// The skill every project has; it owns the app skeleton and the composition points.
pub const CORE: &str = "poscake";

/// The prefix that short names leave out (`payments` means `pos-payments`).
pub const PREFIX: &str = "pos-";

/// The backends every migration is written for, one SQL dialect each.
pub const BACKENDS: [&str; 2] = ["sqlite", "postgres"];

/// A parsed `skills/<name>.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manifest {
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default)]
    pub conflicts: Vec<String>,
    /// Rust modules the skill adds to the app's library root.
    #[serde(default)]
    pub modules: Vec<Module>,
    /// Routers merged into the app's router.
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Subcommands added to the app's binary.
    #[serde(default)]
    pub commands: Vec<Command>,
    /// Cargo dependencies, written as in a Cargo.toml `[dependencies]` table.
    #[serde(default)]
    pub dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub dev_dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub env: Vec<EnvVar>,
    #[serde(default)]
    pub nav: Vec<NavEntry>,
    /// Migration names in the order they must run; the files live under
    /// `templates/<skill>/migrations/<backend>/<name>.sql`.
    #[serde(default)]
    pub migrations: Vec<String>,
    /// Named rights, the roles that hold them and the routes they open
    /// (enforced when the app has pos-auth).
    #[serde(default)]
    pub permissions: Vec<Permission>,
    /// Routes anyone may call, signed in or not, as `METHOD /path`.
    #[serde(default)]
    pub public_routes: Vec<String>,
    /// Routes any signed-in person may call, whatever their role.
    #[serde(default)]
    pub signed_in_routes: Vec<String>,
    /// Events the skill's code emits, delivered when the app has pos-notifications.
    #[serde(default)]
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    pub name: String,
    /// Leave the module out when this skill is in the app, e.g. a stand-in
    /// that a fuller skill replaces.
    #[serde(default)]
    pub unless: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Path of a function returning the skill's router, e.g. `geo::router`.
    pub router: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Command {
    /// The subcommand as typed, e.g. `pancake`.
    pub name: String,
    pub about: String,
    /// Path of the clap `Args` type of the subcommand.
    pub args: String,
    /// Path of the async function that runs it.
    pub run: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    pub name: String,
    pub description: String,
    /// Shown in `.env.example`; commented out when the variable is optional.
    #[serde(default)]
    pub example: String,
    /// The value the app uses when the variable is unset, if any.
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NavEntry {
    pub href: String,
    pub label: String,
    pub label_vi: String,
    #[serde(default)]
    pub permission: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    /// Dotted lowercase, e.g. `catalog.write`.
    pub name: String,
    pub description: String,
    /// Roles holding the permission; ADMIN holds every permission anyway.
    pub roles: Vec<String>,
    /// Routes the permission opens, as `METHOD /path` with axum's `{param}` syntax.
    #[serde(default)]
    pub routes: Vec<String>,
}

/// Something that happened which people may want to hear about, with the text they receive.
///
/// `title` and `body` (and their Vietnamese `_vi` forms) may name fields of the event in
/// braces, e.g. `Order {order} was paid`; the app fills them in when it sends.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Dotted lowercase, e.g. `order.paid`.
    pub name: String,
    pub description: String,
    pub description_vi: String,
    /// `roles` (everyone holding one of `roles`) or `user` (the one person the event names).
    #[serde(default = "default_audience")]
    pub audience: String,
    /// Who hears about it unless they opt out (for the `roles` audience).
    #[serde(default)]
    pub roles: Vec<String>,
    /// The channels used unless a person chooses otherwise.
    pub channels: Vec<String>,
    /// Whether a person may turn the event off (a password reset cannot be).
    #[serde(default = "default_true")]
    pub optional: bool,
    pub title: String,
    pub title_vi: String,
    pub body: String,
    pub body_vi: String,
}

fn default_audience() -> String {
    "roles".to_string()
}

fn default_true() -> bool {
    true
}

/// The audiences an event may have.
pub const AUDIENCES: [&str; 2] = ["roles", "user"];

/// The channels notifications travel by.
pub const CHANNELS: [&str; 4] = ["in_app", "email", "sms", "push"];

/// The roles pos-auth knows, from most to least trusted.
pub const ROLES: [&str; 4] = ["ADMIN", "MANAGER", "STAFF", "CASHIER"];

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Splits `METHOD /path` into its parts, or says why it cannot.
pub fn parse_route(route: &str) -> Result<(&str, &str)> {
    let Some((method, path)) = route.split_once(' ') else {
        bail!("route `{route}` must read `METHOD /path`");
    };
    if !METHODS.contains(&method) {
        bail!(
            "route `{route}` has an unknown method (use one of {})",
            METHODS.join(", ")
        );
    }
    // Paths are written into Rust string literals in the generated app.
    if !path.starts_with('/') || path.contains(['"', '\\', ' ', '\n']) {
        bail!(
            "route `{route}` must have a path starting with `/`, without quotes, backslashes or spaces"
        );
    }
    Ok((method, path))
}

impl Manifest {
    /// Parses and validates a manifest; `origin` names the file in every error.
    pub fn parse(text: &str, origin: &str) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text)
            .map_err(|err| anyhow::anyhow!("{origin}: {}", one_line(&err, text)))?;
        manifest
            .validate()
            .with_context(|| format!("{origin}: invalid skill manifest"))?;
        Ok(manifest)
    }

    fn validate(&self) -> Result<()> {
        check_name("skill name", &self.name)?;
        for name in self.requires.iter().chain(&self.conflicts) {
            check_name("skill name", name)?;
        }
        for module in &self.modules {
            check_ident("module name", &module.name)?;
        }
        for route in &self.routes {
            check_rust_path("router", &route.router)?;
        }
        for command in &self.commands {
            check_name("command name", &command.name)?;
            check_rust_path("command args", &command.args)?;
            check_rust_path("command run", &command.run)?;
        }
        for var in &self.env {
            if var.name.is_empty()
                || !var
                    .name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                bail!(
                    "environment variable `{}` must be SHOUTY_SNAKE_CASE",
                    var.name
                );
            }
        }
        for entry in &self.nav {
            if !entry.href.starts_with('/') {
                bail!("navigation href `{}` must start with `/`", entry.href);
            }
            // Entries are written into Rust string literals in the generated app.
            for text in [&entry.href, &entry.label, &entry.label_vi] {
                if text.contains(['"', '\\', '\n']) {
                    bail!(
                        "navigation entry `{text}` must not contain quotes, backslashes or newlines"
                    );
                }
            }
        }
        for permission in &self.permissions {
            let dotted = permission.name.split('.').all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            });
            if !dotted {
                bail!(
                    "permission `{}` must be dotted lowercase, e.g. `catalog.write`",
                    permission.name
                );
            }
            if permission.description.contains(['"', '\\', '\n']) {
                bail!(
                    "the description of permission `{}` must not contain quotes, backslashes or newlines",
                    permission.name
                );
            }
            for role in &permission.roles {
                if !ROLES.contains(&role.as_str()) {
                    bail!(
                        "permission `{}` names the unknown role `{role}` (roles are {})",
                        permission.name,
                        ROLES.join(", ")
                    );
                }
            }
        }
        let routes = self.permissions.iter().flat_map(|p| &p.routes);
        for route in routes
            .chain(&self.public_routes)
            .chain(&self.signed_in_routes)
        {
            parse_route(route)?;
        }
        for event in &self.events {
            event.validate()?;
        }
        for name in &self.migrations {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                bail!("migration name `{name}` must be lowercase snake_case");
            }
        }
        for (name, spec) in self.dependencies.iter().chain(&self.dev_dependencies) {
            match spec {
                toml::Value::String(_) | toml::Value::Table(_) => {}
                _ => bail!("dependency `{name}` must be a version string or a table"),
            }
        }
        Ok(())
    }

    /// Where this skill's migration `name` for `backend` lives in its template tree.
    pub fn migration_template(name: &str, backend: &str) -> RelPath {
        RelPath::new(&format!("migrations/{backend}/{name}.sql")).expect("valid migration path")
    }
}

impl Event {
    fn validate(&self) -> Result<()> {
        let name = &self.name;
        let dotted = name.contains('.')
            && name.split('.').all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            });
        if !dotted {
            bail!("event `{name}` must be dotted lowercase, e.g. `order.paid`");
        }
        if !AUDIENCES.contains(&self.audience.as_str()) {
            bail!(
                "event `{name}` has the unknown audience `{}` (use one of {})",
                self.audience,
                AUDIENCES.join(", ")
            );
        }
        if self.audience == "roles" && self.roles.is_empty() {
            bail!("event `{name}` is for roles but names none");
        }
        for role in &self.roles {
            if !ROLES.contains(&role.as_str()) {
                bail!(
                    "event `{name}` names the unknown role `{role}` (roles are {})",
                    ROLES.join(", ")
                );
            }
        }
        if self.channels.is_empty() {
            bail!("event `{name}` must name at least one channel");
        }
        for channel in &self.channels {
            if !CHANNELS.contains(&channel.as_str()) {
                bail!(
                    "event `{name}` names the unknown channel `{channel}` (channels are {})",
                    CHANNELS.join(", ")
                );
            }
        }
        // The texts are written into Rust string literals in the generated app.
        for text in [
            &self.description,
            &self.description_vi,
            &self.title,
            &self.title_vi,
            &self.body,
            &self.body_vi,
        ] {
            if text.trim().is_empty() || text.contains(['"', '\\', '\n']) {
                bail!(
                    "the texts of event `{name}` must not be empty or contain quotes, backslashes or newlines"
                );
            }
            check_placeholders(name, text)?;
        }
        Ok(())
    }
}

/// Checks that every `{` in an event text opens a `{field}` with a snake_case name.
fn check_placeholders(event: &str, text: &str) -> Result<()> {
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        let after = &rest[open + 1..];
        let field = after.split_once('}').map(|(field, _)| field);
        match field {
            Some(field) if rest[open..].starts_with('{') && check_ident("", field).is_ok() => {
                rest = &after[field.len() + 1..];
            }
            _ => bail!(
                "event `{event}` has a stray brace in `{text}` (fields are written `{{name}}`)"
            ),
        }
    }
    Ok(())
}

/// The full name for a possibly short one: `payments` → `pos-payments`.
pub fn full_name(name: &str) -> String {
    if name == CORE || name.starts_with(PREFIX) {
        name.to_string()
    } else {
        format!("{PREFIX}{name}")
    }
}

/// Reduces a TOML error to one line: the message and where it happened.
pub(crate) fn one_line(err: &toml::de::Error, text: &str) -> String {
    let message = err.message().trim_end_matches('.');
    match err.span() {
        Some(span) => {
            let line = text[..span.start].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message.to_string(),
    }
}

fn check_name(what: &str, name: &str) -> Result<()> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        bail!("{what} `{name}` must be lowercase letters, digits and dashes");
    }
    Ok(())
}

fn check_ident(what: &str, ident: &str) -> Result<()> {
    let mut chars = ident.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        bail!("{what} `{ident}` must be a snake_case Rust identifier");
    }
    Ok(())
}

fn check_rust_path(what: &str, path: &str) -> Result<()> {
    let valid = path.split("::").all(|segment| {
        let mut chars = segment.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    if !valid {
        bail!("{what} `{path}` must be a Rust path such as `module::item`");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_minimal_manifest() {
        let m = Manifest::parse("name = \"pos-x\"\nsummary = \"x\"\n", "x.toml").unwrap();
        assert_eq!(m.name, "pos-x");
        assert!(m.requires.is_empty());
    }

    #[test]
    fn parse_errors_name_file_and_line() {
        let err = Manifest::parse("name = \"pos-x\"\nsummary = 3\n", "skills/pos-x.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("skills/pos-x.toml: line 2:"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = Manifest::parse(
            "name = \"pos-x\"\nsummary = \"x\"\nrequire = []\n",
            "a.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 3") && err.contains("require"), "{err}");
    }

    #[test]
    fn invalid_values_are_refused() {
        for body in [
            "name = \"Pos\"\nsummary = \"x\"",
            "name = \"pos-x\"\nsummary = \"x\"\nmigrations = [\"Bad-Name\"]",
            "name = \"pos-x\"\nsummary = \"x\"\n[[routes]]\nrouter = \"a b\"",
            "name = \"pos-x\"\nsummary = \"x\"\n[dependencies]\nserde = 1",
            "name = \"pos-x\"\nsummary = \"x\"\n[[nav]]\nhref = \"/x\"\nlabel = \"a\\\"b\"\nlabel_vi = \"x\"",
            "name = \"pos-x\"\nsummary = \"x\"\npublic-routes = [\"GET x\"]",
            "name = \"pos-x\"\nsummary = \"x\"\n[[permissions]]\nname = \"Catalog\"\ndescription = \"x\"\nroles = []",
        ] {
            let err = format!("{:#}", Manifest::parse(body, "a.toml").unwrap_err());
            assert!(err.starts_with("a.toml: invalid skill manifest: "), "{err}");
        }
    }

    /// An event section with `changes` applied to a valid one.
    fn event(changes: &[(&str, &str)]) -> String {
        let mut fields = vec![
            ("name", "\"stock.low\""),
            ("description", "\"Stock is low\""),
            ("description_vi", "\"Sắp hết hàng\""),
            ("roles", "[\"MANAGER\"]"),
            ("channels", "[\"in_app\", \"email\"]"),
            ("title", "\"Low: {product}\""),
            ("title_vi", "\"Sắp hết: {product}\""),
            ("body", "\"{product} is at {on_hand}.\""),
            ("body_vi", "\"{product} còn {on_hand}.\""),
        ];
        for (key, value) in changes {
            match fields.iter_mut().find(|(k, _)| k == key) {
                Some(field) => field.1 = value,
                None => fields.push((key, value)),
            }
        }
        let lines: Vec<String> = fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!(
            "name = \"pos-x\"\nsummary = \"x\"\n[[events]]\n{}",
            lines.join("\n")
        )
    }

    #[test]
    fn events_parse_with_their_defaults() {
        let m = Manifest::parse(&event(&[]), "a.toml").unwrap();
        let event = &m.events[0];
        assert_eq!(event.audience, "roles");
        assert!(event.optional);
        let m = Manifest::parse(&event_for_one_person(), "a.toml").unwrap();
        assert_eq!(m.events[0].audience, "user");
    }

    fn event_for_one_person() -> String {
        event(&[
            ("audience", "\"user\""),
            ("roles", "[]"),
            ("optional", "false"),
        ])
    }

    #[test]
    fn invalid_events_are_refused_with_the_reason() {
        for (changes, reason) in [
            (vec![("name", "\"stocklow\"")], "must be dotted lowercase"),
            (vec![("channels", "[\"fax\"]")], "unknown channel `fax`"),
            (vec![("channels", "[]")], "at least one channel"),
            (vec![("roles", "[\"OWNER\"]")], "unknown role `OWNER`"),
            (vec![("roles", "[]")], "is for roles but names none"),
            (vec![("audience", "\"everyone\"")], "unknown audience"),
            (vec![("title", "\"Low {product\"")], "stray brace"),
            (vec![("body_vi", "\"còn {}\"")], "stray brace"),
            (vec![("body", "\"a } b\"")], "stray brace"),
            (vec![("title", "\"\"")], "must not be empty"),
        ] {
            let err = format!(
                "{:#}",
                Manifest::parse(&event(&changes), "a.toml").unwrap_err()
            );
            assert!(err.contains(reason), "{changes:?}: {err}");
        }
    }

    #[test]
    fn short_names_expand() {
        assert_eq!(full_name("payments"), "pos-payments");
        assert_eq!(full_name("pos-payments"), "pos-payments");
        assert_eq!(full_name("poscake"), "poscake");
    }
}
