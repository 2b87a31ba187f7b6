//! Rendering: skills and answers in, an in-memory tree of files out. No disk, no clock, no
//! randomness, so the same inputs always give the same bytes.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context as _, Result, anyhow, bail};
use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase, ToUpperCamelCase,
};
use tera::Tera;

use crate::catalog::{Catalog, TemplateFile};
use crate::compose::Context;
use crate::project::{MANIFEST_FILE, ProjectManifest};
use crate::relpath::RelPath;
use crate::skill::{BACKENDS, Manifest};

/// A generated project: file contents by path.
pub type Tree = BTreeMap<RelPath, Vec<u8>>;

/// Where poscake keeps its own state inside a project; no template may write there.
pub const STATE_DIR: &str = ".poscake";

/// The suffix that marks a template to render; other files are copied byte for byte.
const TERA_SUFFIX: &str = ".tera";

/// Whether `path` is a migration; those are written once and never rewritten or deleted.
pub fn is_migration(path: &RelPath) -> bool {
    path.starts_with("migrations")
}

/// Renders the project described by `manifest`, whose skills must be resolved and whose
/// migrations must have versions.
pub fn render(catalog: &Catalog, manifest: &ProjectManifest) -> Result<Tree> {
    let context = Context::new(catalog, manifest)?;
    let context = tera::Context::from_serialize(&context).context("cannot build the context")?;
    let mut tera = Tera::default();
    tera.autoescape_on(Vec::new());
    register_filters(&mut tera);

    // Every skill's templates go into one Tera instance, so a template can include another.
    let mut planned: Vec<(RelPath, &str, &TemplateFile)> = Vec::new();
    let mut raw = Vec::new();
    for name in &manifest.project.skills {
        let skill = catalog.get(name).expect("resolved skills exist");
        for file in &skill.files {
            let output = output_path(manifest, &skill.manifest, &file.path)
                .with_context(|| format!("skill `{name}`: template `{}`", file.path))?;
            if file.path.as_str().ends_with(TERA_SUFFIX) {
                let text = std::str::from_utf8(&file.bytes).map_err(|_| {
                    anyhow!("skill `{name}`: template `{}` is not UTF-8", file.path)
                })?;
                raw.push((format!("{name}/{}", file.path), text));
            }
            planned.push((output, name, file));
        }
        check_migrations_present(&skill.manifest, &skill.files)?;
    }
    tera.add_raw_templates(raw)
        .map_err(|err| anyhow!("{}", chain(&err)))?;

    let mut tree = Tree::new();
    let mut owners: HashMap<RelPath, &str> = HashMap::new();
    for (output, skill, file) in planned {
        if let Some(other) = owners.insert(output.clone(), skill) {
            bail!("skills `{other}` and `{skill}` both write `{output}`");
        }
        let bytes = if file.path.as_str().ends_with(TERA_SUFFIX) {
            let name = format!("{skill}/{}", file.path);
            let text = tera
                .render(&name, &context)
                .map_err(|err| anyhow!("{}", chain(&err)))?;
            // A template that renders to nothing is a file this skill set does not need.
            if text.trim().is_empty() {
                continue;
            }
            text.into_bytes()
        } else {
            file.bytes.to_vec()
        };
        tree.insert(output, bytes);
    }
    Ok(tree)
}

/// The output path of a template: the `.tera` suffix dropped, and a migration renamed to
/// `migrations/<backend>/<version>_<name>.sql`.
fn output_path(manifest: &ProjectManifest, skill: &Manifest, path: &RelPath) -> Result<RelPath> {
    let plain = path
        .as_str()
        .strip_suffix(TERA_SUFFIX)
        .unwrap_or(path.as_str());
    let output = RelPath::new(plain)?;
    if output.as_str() == MANIFEST_FILE || output.starts_with(STATE_DIR) {
        bail!("`{output}` belongs to poscake itself");
    }
    // Version control's own files (hooks above all) would run code on the user's machine.
    if output.as_str() == ".git" || output.starts_with(".git") {
        bail!("`{output}` is inside the version control directory");
    }
    if !is_migration(&output) {
        return Ok(output);
    }
    let parts: Vec<&str> = output.as_str().split('/').collect();
    let (backend, name) = match parts.as_slice() {
        ["migrations", backend, file] if BACKENDS.contains(backend) => {
            (*backend, file.strip_suffix(".sql").unwrap_or(file))
        }
        _ => bail!("migrations must be `migrations/<sqlite|postgres>/<name>.sql`"),
    };
    if !skill.migrations.iter().any(|m| m == name) {
        bail!(
            "migration `{name}` is not listed in the `migrations` of skill `{}`",
            skill.name
        );
    }
    let version = manifest
        .migrations
        .get(&skill.name)
        .and_then(|v| v.get(name))
        .expect("migrations are assigned before rendering");
    RelPath::new(&format!("migrations/{backend}/{version:04}_{name}.sql"))
}

fn check_migrations_present(skill: &Manifest, files: &[TemplateFile]) -> Result<()> {
    for name in &skill.migrations {
        for backend in BACKENDS {
            let path = Manifest::migration_template(name, backend);
            let with_suffix = format!("{path}{TERA_SUFFIX}");
            if !files
                .iter()
                .any(|f| f.path == path || f.path.as_str() == with_suffix)
            {
                bail!(
                    "skill `{}`: migration `{name}` has no `templates/{}/{path}`",
                    skill.name,
                    skill.name
                );
            }
        }
    }
    Ok(())
}

fn register_filters(tera: &mut Tera) {
    fn case(convert: fn(&str) -> String) -> impl tera::Filter {
        move |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            let text = tera::try_get_value!("case", "value", String, value);
            Ok(tera::Value::String(convert(&text)))
        }
    }
    tera.register_filter("snake_case", case(|s| s.to_snake_case()));
    tera.register_filter("kebab_case", case(|s| s.to_kebab_case()));
    tera.register_filter("pascal_case", case(|s| s.to_upper_camel_case()));
    tera.register_filter("camel_case", case(|s| s.to_lower_camel_case()));
    tera.register_filter("shouty_snake_case", case(|s| s.to_shouty_snake_case()));
    tera.register_filter("title_case", case(|s| s.to_title_case()));
}

/// Tera puts the useful part of an error (the line, the missing variable) in its sources.
fn chain(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message.replace('\n', " ")
}
