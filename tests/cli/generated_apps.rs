//! Generated apps are checked the way their owner would: `cargo fmt --check`, `cargo clippy
//! -- -D warnings`, `cargo build` and `cargo test`, on SQLite and, when
//! `POSCAKE_TEST_POSTGRES_URL` is set, on PostgreSQL too. All apps share one target
//! directory so their dependencies compile once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use crate::support::poscake;

/// Builds take both cores; running two at once only makes each slower.
static ONE_BUILD_AT_A_TIME: Mutex<()> = Mutex::new(());

fn apps_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-apps")
}

/// The built-in skills other than the core.
fn optional_skills() -> Vec<String> {
    let run = poscake(Path::new("."), &["skills", "--json"]).ok();
    let listed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .filter(|name| name != "poscake")
        .collect()
}

/// Generates `name` with `skills` and puts it through its owner's checks.
fn check_app(name: &str, skills: &str) {
    let _guard = ONE_BUILD_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = apps_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let project = dir.join(name);
    let _ = std::fs::remove_dir_all(&project);
    poscake(&dir, &["new", name, "--yes", "--skills", skills]).ok();

    cargo(&project, &["fmt", "--check"], None);
    cargo(
        &project,
        &["clippy", "--all-targets", "--", "-D", "warnings"],
        None,
    );
    cargo(&project, &["build"], None);
    cargo(&project, &["test"], None);
    if let Some(url) = std::env::var("POSCAKE_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        cargo(&project, &["test"], Some(&url));
    }
}

fn cargo(project: &Path, args: &[&str], postgres: Option<&str>) {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", apps_dir().join("target"))
        .env_remove("TEST_DATABASE_URL")
        .env_remove("DATABASE_URL");
    if let Some(url) = postgres {
        command.env("TEST_DATABASE_URL", url);
    }
    let output = command.output().expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let on = if postgres.is_some() {
        " on PostgreSQL"
    } else {
        ""
    };
    assert!(
        output.status.success(),
        "`cargo {}`{on} failed in {}:\n{}\n{stderr}",
        args.join(" "),
        project.display(),
        String::from_utf8_lossy(&output.stdout),
    );
    // Zero warnings means zero, not just none that clippy treats as errors.
    assert!(
        !stderr.contains("warning:"),
        "`cargo {}` warned in {}:\n{stderr}",
        args.join(" "),
        project.display()
    );
}

#[test]
fn the_core_app_passes_its_checks() {
    check_app("shop", "poscake");
}

#[test]
fn the_app_with_every_skill_passes_its_checks() {
    // The longest name allowed, with dashes, proves names never break formatting or paths.
    check_app("corner-shop-of-saigon-district-1", "all");
}

/// Every skill alone and every pair, except sets the two tests above already cover.
#[test]
fn every_skill_alone_and_in_pairs_passes_its_checks() {
    let skills = optional_skills();
    let mut sets: BTreeSet<Vec<String>> = BTreeSet::new();
    for (i, one) in skills.iter().enumerate() {
        sets.insert(vec![one.clone()]);
        for two in &skills[i + 1..] {
            sets.insert(vec![one.clone(), two.clone()]);
        }
    }
    sets.retain(|set| set.len() < skills.len());
    for set in sets {
        let name = format!("shop-{}", set.join("-").replace("pos-", ""));
        check_app(&name, &set.join(","));
    }
}
