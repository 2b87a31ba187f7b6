//! What a failure part-way through writing, or a reader that goes away, leaves behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{Run, Scratch, directories, poscake, poscake_into_closed_pipe, snapshot};

/// Adds `pos-clash` to the test skills: a skill whose render holds both a file `zz` and a
/// file inside a directory `zz/`. Writing it fails at `zz/inner.txt`, after the paths that
/// sort before it are already in place: a module in `src/lib.rs`, new files in new
/// directories, a migration. That is a real obstacle on the filesystem, which no permission
/// bit could give a test that runs as root.
fn write_clashing_skill(skills: &Path) {
    let files = [
        (
            "skills/pos-clash.toml",
            "name = \"pos-clash\"\nsummary = \"Cannot be written\"\nmigrations = [\"clash_things\"]\n\n[[modules]]\nname = \"clash\"\n",
        ),
        ("templates/pos-clash/src/clash.rs", "//! Clash.\n"),
        ("templates/pos-clash/docs/clash/README.md", "# Clash\n"),
        (
            "templates/pos-clash/migrations/sqlite/clash_things.sql",
            "CREATE TABLE clash_things (id INTEGER PRIMARY KEY);\n",
        ),
        (
            "templates/pos-clash/migrations/postgres/clash_things.sql",
            "CREATE TABLE clash_things (id BIGSERIAL PRIMARY KEY);\n",
        ),
        ("templates/pos-clash/zz.tera", "a file named zz\n"),
        (
            "templates/pos-clash/zz/inner.txt",
            "a file under a directory zz\n",
        ),
    ];
    for (path, text) in files {
        let path = skills.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A project made with the test skills directory, `pos-clash` among its skills.
fn project() -> Scratch {
    let s = Scratch::new();
    write_clashing_skill(&s.custom_skills());
    s.generate(&["--skills-dir", "skills-src"]);
    s
}

#[track_caller]
fn assert_one_line_error_at_zz(run: &Run) {
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.starts_with("error: cannot create ") && run.stderr.contains("zz"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

/// Asserts that the files under `root` are `before`, naming the paths that differ.
#[track_caller]
fn assert_files(root: &Path, before: &BTreeMap<PathBuf, Vec<u8>>) {
    let after = snapshot(root);
    let differ: Vec<_> = before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .collect();
    assert!(differ.is_empty(), "changed: {differ:?}");
}

#[test]
fn a_write_that_fails_part_way_leaves_the_project_as_it_was() {
    let s = project();
    s.write(
        "src/lib.rs",
        &format!("// our notes\n{}", s.read("src/lib.rs")),
    );
    let files = snapshot(&s.project());
    let dirs = directories(&s.project());

    assert_one_line_error_at_zz(&s.run(&["add", "clash"]));
    assert_files(&s.project(), &files);
    assert_eq!(directories(&s.project()), dirs);
    let check = s.run(&["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);

    // The same for a skill that is removed, whose files are deleted.
    s.run(&["add", "extra"]).ok();
    let files = snapshot(&s.project());
    let dirs = directories(&s.project());
    let manifest = s.read("poscake.toml");
    s.write(
        "poscake.toml",
        &manifest.replace("\"pos-extra\"", "\"pos-clash\""),
    );
    let files_edited = snapshot(&s.project());
    assert_one_line_error_at_zz(&s.run(&["update"]));
    assert_files(&s.project(), &files_edited);
    assert_eq!(directories(&s.project()), dirs);
    s.write("poscake.toml", &manifest);
    assert_files(&s.project(), &files);
}

#[test]
fn a_new_project_that_fails_part_way_leaves_the_directory_as_it_was() {
    let s = Scratch::new();
    write_clashing_skill(&s.custom_skills());
    let args = |dir| {
        [
            "new",
            dir,
            "--yes",
            "--force",
            "--skills",
            "clash",
            "--skills-dir",
            "skills-src",
        ]
    };

    // An existing empty directory stays empty.
    std::fs::create_dir(s.path().join("empty")).unwrap();
    assert_one_line_error_at_zz(&poscake(s.path(), &args("empty")));
    assert!(snapshot(&s.path().join("empty")).is_empty());
    assert!(directories(&s.path().join("empty")).is_empty());

    // A directory with the user's files keeps them, and only them.
    std::fs::create_dir(s.project()).unwrap();
    s.write("notes.txt", "mine\n");
    let files = snapshot(&s.project());
    assert_one_line_error_at_zz(&poscake(s.path(), &args("shop")));
    assert_files(&s.project(), &files);
    assert!(directories(&s.project()).is_empty());
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let s = Scratch::new();
    s.generate(&[]);
    let cases: [(&[&str], i32); 6] = [
        (&["skills"], 0),
        (&["skills", "--json"], 0),
        (&["check"], 0),
        (&["check", "--json"], 0),
        (&["update"], 0),
        (&["completions", "bash"], 0),
    ];
    for (args, code) in cases {
        let run = poscake_into_closed_pipe(&s.project(), args);
        assert_eq!(run.code, code, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{args:?}");
    }

    // Output nobody reads does not stop the work it reports on.
    let run = poscake_into_closed_pipe(s.path(), &["new", "other", "--yes"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert_eq!(poscake(&s.path().join("other"), &["check"]).code, 0);

    // A difference is still a difference when nobody reads about it.
    s.write(
        "poscake.toml",
        &s.read("poscake.toml").replace(", \"pos-auth\"]", "]"),
    );
    for args in [
        &["diff", "--exit-code"][..],
        &["check"],
        &["check", "--json"],
    ] {
        let run = poscake_into_closed_pipe(&s.project(), args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{args:?}");
    }
}
