//! The answers that shape a project: its name and the choices made at `poscake new`.

use std::fmt;
use std::str::FromStr;

use anyhow::{Result, bail};
use clap::ValueEnum;
use heck::ToSnakeCase;
use serde::{Deserialize, Serialize};

/// The database a project is set up for by default. The generated binary serves both; this
/// only decides what `.env.example` and the deployment files point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Database {
    #[default]
    Sqlite,
    Postgres,
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Database::Sqlite => "sqlite",
            Database::Postgres => "postgres",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    pub database: Database,
    /// ISO 4217 code; money is stored in this currency's minor unit.
    pub currency: String,
    /// The language the app's pages open in (`vi` or `en`).
    pub locale: String,
}

impl Default for Answers {
    fn default() -> Self {
        Answers {
            database: Database::Sqlite,
            currency: "VND".into(),
            locale: "vi".into(),
        }
    }
}

/// A project name that is a valid Cargo package name and binary name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProjectName(String);

impl ProjectName {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as a Rust identifier (`my-shop` → `my_shop`), used in `use` paths.
    pub fn crate_name(&self) -> String {
        self.0.to_snake_case()
    }
}

/// Longer names would push generated lines past rustfmt's width.
pub const MAX_NAME_LEN: usize = 32;

/// Names that would break the generated crate: Rust keywords and crates it depends on.
const RESERVED: &[&str] = &[
    "self",
    "super",
    "crate",
    "mod",
    "fn",
    "struct",
    "enum",
    "type",
    "impl",
    "trait",
    "test",
    "core",
    "std",
    "alloc",
    "proc_macro",
    "main",
    "build",
    "axum",
    "sqlx",
    "tokio",
    "serde",
    "clap",
    "anyhow",
    "tracing",
];

impl FromStr for ProjectName {
    type Err = anyhow::Error;

    fn from_str(name: &str) -> Result<Self> {
        let mut chars = name.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            && name.len() <= MAX_NAME_LEN;
        if !valid {
            bail!(
                "project name `{name}` must start with a lowercase letter, use only lowercase letters, digits, `-` and `_`, and be at most {MAX_NAME_LEN} characters"
            );
        }
        if RESERVED.contains(&name.to_snake_case().as_str()) {
            bail!("project name `{name}` is reserved in Rust; choose another");
        }
        Ok(ProjectName(name.to_string()))
    }
}

impl TryFrom<String> for ProjectName {
    type Error = anyhow::Error;

    fn try_from(value: String) -> Result<Self> {
        value.parse()
    }
}

impl From<ProjectName> for String {
    fn from(value: ProjectName) -> String {
        value.0
    }
}

impl fmt::Display for ProjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_are_checked() {
        assert_eq!(
            "my-shop".parse::<ProjectName>().unwrap().crate_name(),
            "my_shop"
        );
        for bad in [
            "", "MyShop", "1shop", "my shop", "shop!", "test", "std", "self",
        ] {
            assert!(bad.parse::<ProjectName>().is_err(), "{bad:?} was accepted");
        }
    }
}
