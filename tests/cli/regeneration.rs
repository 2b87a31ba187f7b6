//! add, remove, update and diff against a project the user has edited.

use crate::support::{EXTRA_RS, Scratch, snapshot};

/// The SQLite migration file of `pos-extra`, whatever version it was given.
fn extra_migration(s: &Scratch) -> String {
    let dir = s.project().join("migrations/sqlite");
    let name = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|name| name.ends_with("_extra_things.sql"))
        .expect("the extra migration was written");
    format!("migrations/sqlite/{name}")
}

/// A project made with the test skills directory, without the test skills yet.
fn project() -> Scratch {
    let s = Scratch::new();
    s.custom_skills();
    s.generate(&["--skills-dir", "skills-src"]);
    s
}

#[test]
fn an_edit_to_a_generated_file_survives_add() {
    let s = project();
    let cargo = s.read("Cargo.toml");
    s.write("Cargo.toml", &format!("# our shop's build\n{cargo}"));
    let run = s.run(&["add", "extra"]).ok();
    assert!(
        run.stdout.contains("   merged Cargo.toml\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  created src/extra.rs\n"),
        "{}",
        run.stdout
    );
    let cargo = s.read("Cargo.toml");
    assert!(cargo.starts_with("# our shop's build\n"), "{cargo}");
    assert!(cargo.contains("heck = \"0.5\"\n"), "{cargo}");
    assert!(s.read("poscake.toml").contains("\"pos-extra\""));
    assert_eq!(s.run(&["check"]).code, 0);
}

#[test]
fn add_brings_in_what_a_skill_requires_and_says_so() {
    let s = project();
    let run = s.run(&["add", "needy"]).ok();
    assert!(
        run.stderr
            .contains("note: adding `pos-extra`, which `pos-needy` requires\n"),
        "{}",
        run.stderr
    );
    assert!(s.project().join("src/extra.rs").is_file());
    assert!(s.project().join("NEEDY.md").is_file());
}

#[test]
fn a_clashing_edit_gets_conflict_markers_and_a_non_zero_exit() {
    let s = project();
    s.run(&["add", "extra"]).ok();
    s.write("src/extra.rs", &EXTRA_RS.replace("    2\n", "    20\n"));
    let template = s.path().join("skills-src/templates/pos-extra/src/extra.rs");
    std::fs::write(&template, EXTRA_RS.replace("    2\n", "    22\n")).unwrap();

    let run = s.run(&["update"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(" conflict src/extra.rs\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("have conflicts to resolve") && run.stderr.contains("src/extra.rs"),
        "{}",
        run.stderr
    );
    let text = s.read("src/extra.rs");
    assert!(
        text.contains("<<<<<<< ours\n    20\n=======\n    22\n>>>>>>> theirs\n"),
        "{text}"
    );
    let check = s.run(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains("src/extra.rs (still has conflict markers)"),
        "{}",
        check.stdout
    );

    // Resolving the markers makes the project consistent again.
    s.write("src/extra.rs", &EXTRA_RS.replace("    2\n", "    20\n"));
    assert_eq!(s.run(&["check"]).code, 0);
}

#[test]
fn remove_deletes_untouched_files_and_keeps_edited_ones_and_migrations() {
    let s = project();
    s.run(&["add", "extra"]).ok();
    s.write("EXTRA.md", "# our notes\n");
    let run = s.run(&["remove", "extra"]).ok();
    assert!(
        run.stdout.contains("  deleted src/extra.rs\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("     kept EXTRA.md ("),
        "{}",
        run.stdout
    );
    assert!(!s.project().join("src/extra.rs").exists());
    assert_eq!(s.read("EXTRA.md"), "# our notes\n");
    assert!(s.project().join(extra_migration(&s)).is_file());
    assert!(!s.read("Cargo.toml").contains("heck = "));
    assert_eq!(s.run(&["check"]).code, 0);
}

#[test]
fn remove_refuses_what_another_skill_needs() {
    let s = project();
    s.run(&["add", "needy"]).ok();
    let run = s.run(&["remove", "extra"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: cannot remove `pos-extra`: pos-needy requires it (remove it too)\n"
    );
    let run = s.run(&["remove", "poscake"]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_skill_added_later_gets_migration_versions_after_existing_ones() {
    let s = project();
    let core: Vec<_> = std::fs::read_dir(s.project().join("migrations/sqlite"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let highest = core
        .iter()
        .map(|n| n[..4].parse::<i64>().unwrap())
        .max()
        .unwrap();
    s.run(&["add", "extra"]).ok();
    let expected = format!("migrations/postgres/{:04}_extra_things.sql", highest + 1);
    assert!(s.project().join(&expected).is_file(), "{expected}");

    // Removing and adding again reuses the recorded version instead of a new one.
    s.run(&["remove", "extra"]).ok();
    s.run(&["add", "extra"]).ok();
    assert!(s.project().join(&expected).is_file());
    assert_eq!(
        std::fs::read_dir(s.project().join("migrations/postgres"))
            .unwrap()
            .count(),
        core.len() + 1
    );
}

#[test]
fn a_written_migration_is_never_rewritten() {
    let s = project();
    s.run(&["add", "extra"]).ok();
    let template = s
        .path()
        .join("skills-src/templates/pos-extra/migrations/sqlite/extra_things.sql");
    std::fs::write(
        &template,
        "CREATE TABLE extra_things (id INTEGER PRIMARY KEY, x TEXT);\n",
    )
    .unwrap();
    let run = s.run(&["update"]).ok();
    assert!(
        run.stdout
            .contains("written migrations are never rewritten"),
        "{}",
        run.stdout
    );
    assert_eq!(
        s.read(&extra_migration(&s)),
        "CREATE TABLE extra_things (id INTEGER PRIMARY KEY);\n"
    );
}

#[test]
fn dry_run_writes_nothing() {
    let s = project();
    s.write("Cargo.toml", &format!("# edited\n{}", s.read("Cargo.toml")));
    let before = snapshot(&s.project());
    for args in [
        &["add", "extra", "--dry-run"][..],
        &["update", "--dry-run"],
        &["diff"],
        &["check"],
    ] {
        let run = s.run(args);
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
        assert_eq!(snapshot(&s.project()), before, "{args:?} wrote something");
    }
    s.run(&["add", "extra"]).ok();
    let before = snapshot(&s.project());
    s.run(&["remove", "extra", "--dry-run"]).ok();
    assert_eq!(snapshot(&s.project()), before);
}

#[test]
fn diff_exit_code_follows_template_changes() {
    let s = project();
    s.run(&["add", "extra"]).ok();
    assert_eq!(s.run(&["diff", "--exit-code"]).code, 0);
    let template = s.path().join("skills-src/templates/pos-extra/src/extra.rs");
    std::fs::write(&template, EXTRA_RS.replace("    3\n", "    4\n")).unwrap();
    let run = s.run(&["diff", "--exit-code"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("--- a/src/extra.rs\n+++ b/src/extra.rs\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("-    3\n+    4\n"), "{}", run.stdout);
    assert_eq!(
        s.run(&["diff"]).code,
        0,
        "without --exit-code diff succeeds"
    );
    assert_eq!(s.run(&["check"]).code, 1);
    s.run(&["update"]).ok();
    assert_eq!(s.run(&["diff", "--exit-code"]).code, 0);
    assert_eq!(s.run(&["check"]).code, 0);
}

#[test]
fn diff_exit_code_follows_manifest_changes() {
    let s = project();
    let manifest = s.read("poscake.toml");
    s.write(
        "poscake.toml",
        &manifest.replace("skills = [\"poscake\"", "skills = [\"poscake\", \"extra\""),
    );
    let run = s.run(&["diff", "--exit-code"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("+++ b/src/extra.rs"), "{}", run.stdout);
    assert_eq!(s.run(&["check"]).code, 1);
    s.run(&["update"]).ok();
    assert!(s.project().join("src/extra.rs").is_file());
    assert_eq!(s.run(&["check"]).code, 0);
}

#[test]
fn a_deleted_file_stays_deleted_until_restored() {
    let s = project();
    s.run(&["add", "extra"]).ok();
    std::fs::remove_file(s.project().join("EXTRA.md")).unwrap();
    let run = s.run(&["update"]).ok();
    assert!(
        run.stdout
            .contains("     kept EXTRA.md (you deleted it; `--restore` brings it back)"),
        "{}",
        run.stdout
    );
    assert!(!s.project().join("EXTRA.md").exists());
    assert_eq!(s.run(&["check"]).code, 0, "a deletion is the user's choice");
    s.run(&["update", "--restore"]).ok();
    assert!(s.project().join("EXTRA.md").is_file());
}

#[cfg(unix)]
#[test]
fn poscake_does_not_write_through_a_symbolic_link() {
    let s = project();
    let outside = s.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::remove_dir_all(s.project().join("src")).unwrap();
    std::os::unix::fs::symlink(&outside, s.project().join("src")).unwrap();
    let run = s.run(&["add", "extra"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    assert!(snapshot(&outside).is_empty());
}

#[test]
fn new_migrations_come_after_the_users_own() {
    let s = project();
    let versions = |dir: &str| -> Vec<i64> {
        std::fs::read_dir(s.project().join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .map(|n| n[..4].parse().unwrap())
            .collect()
    };
    let highest = versions("migrations/sqlite").into_iter().max().unwrap();
    for backend in ["sqlite", "postgres"] {
        s.write(
            &format!("migrations/{backend}/{:04}_mine.sql", highest + 1),
            "CREATE TABLE mine (id BIGINT);\n",
        );
    }
    let run = s.run(&["add", "extra"]).ok();
    let expected = format!("migrations/sqlite/{:04}_extra_things.sql", highest + 2);
    assert!(
        run.stdout.contains(&format!("  created {expected}\n")),
        "{}",
        run.stdout
    );
    assert!(
        s.read("poscake.toml")
            .contains(&format!("extra_things = {}", highest + 2)),
        "{}",
        s.read("poscake.toml")
    );
    let mut sqlite = versions("migrations/sqlite");
    sqlite.sort();
    sqlite.dedup();
    assert_eq!(
        sqlite.len(),
        versions("migrations/sqlite").len(),
        "{sqlite:?}"
    );
}

/// A project with `pos-extra`, whose `src/extra.rs` the user and the template both changed
/// on the same line, so that the next `update` conflicts.
fn clashing_project() -> Scratch {
    let s = project();
    s.run(&["add", "extra"]).ok();
    s.write("src/extra.rs", &EXTRA_RS.replace("    2\n", "    20\n"));
    let template = s.path().join("skills-src/templates/pos-extra/src/extra.rs");
    std::fs::write(&template, EXTRA_RS.replace("    2\n", "    22\n")).unwrap();
    s
}

#[test]
fn a_dry_run_says_which_files_would_conflict() {
    let s = clashing_project();
    let before = snapshot(&s.project());
    let run = s.run(&["update", "--dry-run"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stderr,
        "note: 1 file(s) would have conflicts to resolve: src/extra.rs\n"
    );
    assert_eq!(snapshot(&s.project()), before);
}

#[test]
fn unresolved_conflict_markers_stop_every_writing_command() {
    let s = clashing_project();
    assert_eq!(s.run(&["update"]).code, 1);
    let before = snapshot(&s.project());
    for args in [
        &["update"][..],
        &["update", "--dry-run"],
        &["add", "needy"],
        &["remove", "extra"],
    ] {
        let run = s.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert_eq!(
            run.stderr,
            "error: src/extra.rs still has conflict markers; resolve them first (`<<<<<<< ours` is yours, `>>>>>>> theirs` is poscake's)\n",
            "{args:?}"
        );
        assert_eq!(snapshot(&s.project()), before, "{args:?} wrote something");
    }

    let check = s.run(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains(" conflict src/extra.rs (still has conflict markers)\n"),
        "{}",
        check.stdout
    );
    assert!(!check.stdout.contains("poscake update"), "{}", check.stdout);
    assert!(
        check.stdout.contains("resolve the conflict markers"),
        "{}",
        check.stdout
    );
    let json = s.run(&["check", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["upToDate"], false);
    assert_eq!(report["conflicted"], serde_json::json!(["src/extra.rs"]));

    // Once resolved, writing works again.
    s.write("src/extra.rs", &EXTRA_RS.replace("    2\n", "    20\n"));
    s.run(&["add", "needy"]).ok();
}
