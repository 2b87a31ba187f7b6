//! Golden trees: the full output of named answer sets, compared file list first, then file
//! by file as unified diffs. `POSCAKE_UPDATE_SNAPSHOTS=1 cargo test` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{Scratch, poscake, snapshot};

/// Scenario name and the `--skills` it is generated with.
pub const SCENARIOS: [(&str, &str); 2] = [("core", "poscake"), ("all", "all")];

/// The generated tree of a scenario, without the base archive (it is derived from the
/// tree, and binary).
fn generate(skills: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    let s = Scratch::new();
    poscake(s.path(), &["new", "shop", "--yes", "--skills", skills]).ok();
    snapshot(&s.project())
        .into_iter()
        .filter(|(path, _)| !path.starts_with(".poscake"))
        .collect()
}

fn golden_dir(scenario: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(scenario)
}

#[test]
fn generated_trees_match_the_snapshots() {
    let update = std::env::var_os("POSCAKE_UPDATE_SNAPSHOTS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for (scenario, skills) in SCENARIOS {
        let actual = generate(skills);
        let dir = golden_dir(scenario);
        if update {
            let _ = std::fs::remove_dir_all(&dir);
            for (path, bytes) in &actual {
                let target = dir.join(path);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(target, bytes).unwrap();
            }
            continue;
        }
        let expected = snapshot(&dir);
        let expected_paths: Vec<_> = expected.keys().collect();
        let actual_paths: Vec<_> = actual.keys().collect();
        if expected_paths != actual_paths {
            let diff = similar::TextDiff::from_lines(
                &format!("{expected_paths:#?}"),
                &format!("{actual_paths:#?}"),
            )
            .unified_diff()
            .header("snapshot", "generated")
            .to_string();
            failures.push(format!("{scenario}: the file list differs\n{diff}"));
            continue;
        }
        for (path, bytes) in &actual {
            if expected[path] != *bytes {
                let diff = similar::TextDiff::from_lines(
                    &String::from_utf8_lossy(&expected[path]).into_owned(),
                    &String::from_utf8_lossy(bytes).into_owned(),
                )
                .unified_diff()
                .header(
                    &format!("snapshot/{}", path.display()),
                    &format!("generated/{}", path.display()),
                )
                .to_string();
                failures.push(format!("{scenario}: {} differs\n{diff}", path.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nreview, then rewrite with POSCAKE_UPDATE_SNAPSHOTS=1 cargo test",
        failures.join("\n")
    );
}

#[test]
fn rendering_is_byte_identical_across_runs() {
    for (_, skills) in SCENARIOS {
        assert!(
            generate(skills) == generate(skills),
            "two renders of {skills} differ"
        );
    }
}

#[test]
fn the_base_archive_is_deterministic() {
    let one = Scratch::new();
    let two = Scratch::new();
    poscake(one.path(), &["new", "shop", "--yes", "--skills", "all"]).ok();
    poscake(two.path(), &["new", "shop", "--yes", "--skills", "all"]).ok();
    assert_eq!(
        std::fs::read(one.project().join(".poscake/base.tar.gz")).unwrap(),
        std::fs::read(two.project().join(".poscake/base.tar.gz")).unwrap()
    );
}
