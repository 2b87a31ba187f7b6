//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The outcome of one poscake run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "poscake failed:\n{}\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs poscake in `dir` with no terminal and no colours, giving up after two minutes so
/// that a prompt waiting for input fails the test instead of hanging it.
pub fn poscake(dir: &Path, args: &[&str]) -> Run {
    finish(command(dir, args).stdout(Stdio::piped()), args)
}

/// Runs poscake as [`poscake`] does, but with its standard output on a pipe whose reader
/// has already gone, as in `poscake skills | head -0`, so that its first write fails.
pub fn poscake_into_closed_pipe(dir: &Path, args: &[&str]) -> Run {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("true starts");
    let pipe = reader.stdin.take().expect("a pipe into true");
    reader.wait().expect("true ends");
    finish(command(dir, args).stdout(pipe), args)
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_poscake"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    command
}

fn finish(command: &mut Command, args: &[&str]) -> Run {
    let mut child = command.spawn().expect("poscake starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().expect("poscake runs").is_some() {
            break;
        }
        if Instant::now() > deadline {
            child.kill().expect("poscake can be stopped");
            panic!("poscake {args:?} did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("poscake output");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(stderr).expect("UTF-8 stderr"),
    }
}

/// A scratch directory with a fresh project in `shop/`, generated with `args` added.
pub struct Scratch {
    pub dir: TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn project(&self) -> PathBuf {
        self.dir.path().join("shop")
    }

    /// `poscake new shop --yes` plus `args`.
    pub fn generate(&self, args: &[&str]) -> &Scratch {
        let mut all = vec!["new", "shop", "--yes"];
        all.extend_from_slice(args);
        poscake(self.path(), &all).ok();
        self
    }

    /// Runs poscake inside the project.
    pub fn run(&self, args: &[&str]) -> Run {
        poscake(&self.project(), args)
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.project().join(path)).expect("file exists")
    }

    pub fn write(&self, path: &str, text: &str) {
        std::fs::write(self.project().join(path), text).expect("file written");
    }

    /// Writes the test skills into `skills-src/` and returns the directory.
    pub fn custom_skills(&self) -> PathBuf {
        let dir = self.path().join("skills-src");
        write_test_skills(&dir);
        dir
    }
}

/// Two small skills for exercising the engine: `pos-extra` (a module, a dependency, an
/// environment variable and a migration) and `pos-needy`, which requires it.
pub fn write_test_skills(dir: &Path) {
    let files = [
        (
            "skills/pos-extra.toml",
            r#"name = "pos-extra"
summary = "A skill for testing the engine"
migrations = ["extra_things"]

[[modules]]
name = "extra"

[dependencies]
heck = "0.5"

[[env]]
name = "EXTRA_LEVEL"
description = "How extra things are"
example = "3"
"#,
        ),
        ("templates/pos-extra/src/extra.rs", EXTRA_RS),
        (
            "templates/pos-extra/migrations/sqlite/extra_things.sql",
            "CREATE TABLE extra_things (id INTEGER PRIMARY KEY);\n",
        ),
        (
            "templates/pos-extra/migrations/postgres/extra_things.sql",
            "CREATE TABLE extra_things (id BIGSERIAL PRIMARY KEY);\n",
        ),
        (
            "templates/pos-extra/EXTRA.md.tera",
            "# Extra things for {{ project_name }}\n\nSkills: {{ skills | join(sep=\", \") }}\n",
        ),
        (
            "skills/pos-needy.toml",
            "name = \"pos-needy\"\nsummary = \"Needs pos-extra\"\nrequires = [\"pos-extra\"]\n",
        ),
        ("templates/pos-needy/NEEDY.md", "needy\n"),
    ];
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

pub const EXTRA_RS: &str = "//! Extra things.\n\npub fn one() -> i64 {\n    1\n}\n\npub fn two() -> i64 {\n    2\n}\n\npub fn three() -> i64 {\n    3\n}\n";

/// Every file under `root` with its contents, for before/after comparisons.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !root.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let mut bytes = Vec::new();
            std::fs::File::open(entry.path())
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            files.insert(
                entry.path().strip_prefix(root).unwrap().to_path_buf(),
                bytes,
            );
        }
    }
    files
}

/// Every directory under `root` (itself excluded), so that a test sees a directory left
/// behind even when it holds no file.
pub fn directories(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().is_dir())
        .map(|entry| entry.path().strip_prefix(root).unwrap().to_path_buf())
        .collect()
}
