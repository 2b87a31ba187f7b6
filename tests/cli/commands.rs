//! The commands as a user meets them: output, exit codes, errors and what lands on disk.

use crate::support::{Scratch, poscake, snapshot};

#[test]
fn a_new_project_is_up_to_date() {
    let s = Scratch::new();
    let run = poscake(s.path(), &["new", "shop", "--yes"]).ok();
    assert!(
        run.stdout.contains("  created Cargo.toml\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("next: cd shop && cargo run"),
        "{}",
        run.stdout
    );
    assert!(s.project().join("poscake.toml").is_file());
    assert!(s.project().join(".poscake/base.tar.gz").is_file());
    let diff = s.run(&["diff", "--exit-code"]);
    assert_eq!((diff.code, diff.stdout.as_str()), (0, ""));
    let check = s.run(&["check"]);
    assert_eq!((check.code, check.stdout.as_str()), (0, "up to date\n"));
}

#[test]
fn new_without_a_terminal_does_not_prompt() {
    // No --yes and stdin is not a terminal: defaults apply instead of a prompt.
    let s = Scratch::new();
    poscake(s.path(), &["new", "shop"]).ok();
    assert!(s.read("poscake.toml").contains("name = \"shop\""));
}

#[test]
fn new_takes_every_answer_as_a_flag() {
    let s = Scratch::new();
    poscake(
        s.path(),
        &[
            "new",
            "dir",
            "--yes",
            "--name",
            "my-shop",
            "--database",
            "postgres",
        ],
    )
    .ok();
    let manifest = std::fs::read_to_string(s.path().join("dir/poscake.toml")).unwrap();
    assert!(manifest.contains("name = \"my-shop\""), "{manifest}");
    assert!(manifest.contains("database = \"postgres\""), "{manifest}");
}

#[test]
fn new_refuses_a_directory_that_is_not_empty() {
    let s = Scratch::new();
    std::fs::create_dir(s.project()).unwrap();
    std::fs::write(s.project().join("notes.txt"), "mine\n").unwrap();
    let run = poscake(s.path(), &["new", "shop", "--yes"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: shop is not empty; use --force to generate into it (your files are merged, never overwritten)\n"
    );
    assert_eq!(s.read("notes.txt"), "mine\n");

    poscake(s.path(), &["new", "shop", "--yes", "--force"]).ok();
    assert_eq!(s.read("notes.txt"), "mine\n");
    assert!(s.project().join("Cargo.toml").is_file());

    let run = poscake(s.path(), &["new", "shop", "--yes", "--force"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: shop is already a poscake project; use `poscake add` or `poscake update` there\n"
    );
}

#[test]
fn new_into_an_existing_empty_directory_works() {
    let s = Scratch::new();
    std::fs::create_dir(s.project()).unwrap();
    let run = poscake(s.path(), &["new", "shop", "--yes"]).ok();
    assert!(s.project().join("Cargo.toml").is_file());
    assert!(
        run.stdout.contains("\nnext: cd shop && cargo run "),
        "{}",
        run.stdout
    );

    // Including the current directory, named as `.`.
    let here = s.path().join("here");
    std::fs::create_dir(&here).unwrap();
    let run = poscake(&here, &["new", ".", "--yes", "--name", "here"]).ok();
    assert!(here.join("Cargo.toml").is_file());
    assert!(run.stdout.contains("\nnext: cargo run "), "{}", run.stdout);
    let left: Vec<_> = std::fs::read_dir(&here)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(".poscake-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn notes_do_not_mix_with_machine_readable_output() {
    let s = Scratch::new();
    let skills = s.custom_skills();
    poscake(
        s.path(),
        &[
            "new",
            "shop",
            "--yes",
            "--skills-dir",
            skills.to_str().unwrap(),
        ],
    )
    .ok();
    let manifest = s.read("poscake.toml");
    s.write(
        "poscake.toml",
        &manifest.replace(
            "skills = [\"poscake\"",
            "skills = [\"poscake\", \"pos-needy\"",
        ),
    );
    let run = s.run(&["check", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["upToDate"], false);
    assert!(
        run.stderr.contains("note: adding `pos-extra`"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_with_dry_run_writes_nothing() {
    let s = Scratch::new();
    let run = poscake(s.path(), &["new", "shop", "--yes", "--dry-run"]).ok();
    assert!(run.stdout.contains("created Cargo.toml"), "{}", run.stdout);
    assert!(
        run.stdout.contains("(dry run: nothing was written)"),
        "{}",
        run.stdout
    );
    assert!(snapshot(s.path()).is_empty());
}

#[test]
fn a_failed_new_leaves_nothing_behind() {
    let s = Scratch::new();
    let skills = s.custom_skills();
    std::fs::write(
        skills.join("templates/pos-extra/EXTRA.md.tera"),
        "{{ no_such_variable }}\n",
    )
    .unwrap();
    let run = poscake(
        s.path(),
        &[
            "new",
            "shop",
            "--yes",
            "--skills",
            "extra",
            "--skills-dir",
            "skills-src",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(run.stderr.contains("no_such_variable"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    let left: Vec<_> = std::fs::read_dir(s.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(left, vec!["skills-src".to_string()]);
}

#[test]
fn bad_input_gets_one_line_and_a_non_zero_exit() {
    let s = Scratch::new();
    let cases: [(&[&str], &str); 4] = [
        (
            &["new", "shop", "--yes", "--skills", "nope"],
            "error: unknown skill `nope` (known: ",
        ),
        (
            &["new", "Bad Name", "--yes"],
            "error: project name `Bad Name` must start",
        ),
        (&["add", "extra"], "error: "),
        (&["check"], "error: "),
    ];
    for (args, start) in cases {
        let run = poscake(s.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with(start), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
    }
    assert!(!s.project().exists());
}

#[test]
fn outside_a_project_commands_say_so() {
    let s = Scratch::new();
    let run = poscake(s.path(), &["update"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("has no poscake.toml: not a poscake project"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_project_from_a_newer_poscake_is_refused() {
    let s = Scratch::new();
    s.generate(&[]);
    let manifest = s.read("poscake.toml");
    let ours = env!("CARGO_PKG_VERSION");
    s.write(
        "poscake.toml",
        &manifest.replace(&format!("version = \"{ours}\""), "version = \"99.0.0\""),
    );
    let run = s.run(&["update"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: this project was made by poscake 99.0.0, which is newer than this poscake {ours}; upgrade poscake first\n"
        )
    );
}

#[test]
fn the_global_directory_flag_works() {
    let s = Scratch::new();
    s.generate(&[]);
    let run = poscake(s.path(), &["-C", "shop", "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn skills_are_listed_as_text_and_json() {
    let s = Scratch::new();
    let run = poscake(s.path(), &["skills"]).ok();
    assert!(run.stdout.starts_with("poscake"), "{}", run.stdout);
    let run = poscake(s.path(), &["skills", "--json"]).ok();
    let listed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "poscake")
    );

    let skills = s.custom_skills();
    let run = poscake(
        s.path(),
        &["skills", "--skills-dir", skills.to_str().unwrap()],
    )
    .ok();
    assert!(
        run.stdout.contains("pos-needy") && run.stdout.contains("(requires pos-extra)"),
        "{}",
        run.stdout
    );
}

#[test]
fn completions_are_printed() {
    let s = Scratch::new();
    let run = poscake(s.path(), &["completions", "bash"]).ok();
    assert!(run.stdout.contains("poscake"), "{}", run.stdout);
}

#[test]
fn check_reports_json() {
    let s = Scratch::new();
    s.generate(&[]);
    let run = s.run(&["check", "--json"]);
    assert_eq!(run.code, 0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["upToDate"], true);

    let manifest = s.read("poscake.toml");
    s.write(
        "poscake.toml",
        &manifest.replace("currency = ", "currency = 7 #"),
    );
    let run = s.run(&["check", "--json"]);
    assert_eq!(run.code, 2);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["upToDate"], false);
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .starts_with("poscake.toml: line "),
        "{report}"
    );
}

#[test]
fn output_has_no_colour_without_a_terminal() {
    let s = Scratch::new();
    let run = poscake(s.path(), &["new", "shop", "--yes"]).ok();
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
}

#[test]
fn a_custom_skill_cannot_write_poscake_state_or_git_hooks() {
    for (template, expected) in [
        ("poscake.toml", "`poscake.toml` belongs to poscake itself"),
        (
            ".poscake/base.tar.gz",
            "`.poscake/base.tar.gz` belongs to poscake itself",
        ),
        (
            ".git/hooks/pre-commit",
            "`.git/hooks/pre-commit` is inside the version control directory",
        ),
    ] {
        let s = Scratch::new();
        let skills = s.custom_skills();
        let path = skills.join("templates/pos-extra").join(template);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "x\n").unwrap();
        let run = poscake(
            s.path(),
            &[
                "new",
                "shop",
                "--yes",
                "--skills",
                "extra",
                "--skills-dir",
                "skills-src",
            ],
        );
        assert_eq!(run.code, 2, "{template}");
        assert!(run.stderr.contains(expected), "{template}: {}", run.stderr);
        assert!(!s.project().exists(), "{template}");
    }
}

#[test]
fn access_rules_are_checked_across_skills() {
    let cases = [
        (
            "public-routes = [\"GET /health\"]\n",
            "two skills contribute the access rule for the route `GET /health`",
        ),
        (
            "[[nav]]\nhref = \"/x\"\nlabel = \"X\"\nlabel_vi = \"X\"\npermission = \"x.see\"\n",
            "navigation entry `/x` needs the permission `x.see`, which no skill declares",
        ),
        (
            "[[permissions]]\nname = \"x.see\"\ndescription = \"See\"\nroles = [\"OWNER\"]\n",
            "permission `x.see` names the unknown role `OWNER`",
        ),
        (
            "signed-in-routes = [\"FETCH /x\"]\n",
            "route `FETCH /x` has an unknown method",
        ),
    ];
    for (extra, message) in cases {
        let s = Scratch::new();
        let skills = s.path().join("more/skills");
        std::fs::create_dir_all(&skills).unwrap();
        let manifest = format!("name = \"pos-x\"\nsummary = \"x\"\n{extra}");
        std::fs::write(skills.join("pos-x.toml"), manifest).unwrap();
        let args = ["new", "shop", "--yes", "--skills", "poscake,pos-x"];
        let run = poscake(s.path(), &[&args[..], &["--skills-dir", "more"]].concat());
        assert_eq!(run.code, 2, "{extra}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{extra}: {}", run.stderr);
        assert!(!s.project().exists());
    }
}

/// A skill from `--skills-dir` declares an event of its own: pos-notifications delivers it
/// with the built-in ones, and two skills may not declare the same event.
#[test]
fn a_skill_declares_events_for_notifications() {
    let event = |name: &str| {
        format!(
            "name = \"pos-x\"\nsummary = \"x\"\n[[events]]\nname = \"{name}\"\n\
             description = \"A delivery came\"\ndescription_vi = \"Có hàng về\"\n\
             roles = [\"STAFF\"]\nchannels = [\"in_app\"]\ntitle = \"Delivery {{supplier}}\"\n\
             title_vi = \"Hàng về {{supplier}}\"\nbody = \"From {{supplier}}.\"\n\
             body_vi = \"Từ {{supplier}}.\"\n"
        )
    };
    let args = ["new", "shop", "--yes", "--skills", "notifications,pos-x"];
    let s = Scratch::new();
    let skills = s.path().join("more/skills");
    std::fs::create_dir_all(&skills).unwrap();
    std::fs::write(skills.join("pos-x.toml"), event("delivery.arrived")).unwrap();
    poscake(s.path(), &[&args[..], &["--skills-dir", "more"]].concat()).ok();
    let events = std::fs::read_to_string(s.project().join("src/notifications/events.rs")).unwrap();
    assert!(
        events.contains("pub const DELIVERY_ARRIVED: &Event = &Event {"),
        "{events}"
    );
    assert!(events.contains("DELIVERY_ARRIVED, // pos-x"), "{events}");

    let s = Scratch::new();
    let skills = s.path().join("more/skills");
    std::fs::create_dir_all(&skills).unwrap();
    std::fs::write(skills.join("pos-x.toml"), event("stock.low")).unwrap();
    let run = poscake(s.path(), &[&args[..], &["--skills-dir", "more"]].concat());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("two skills contribute the event `stock.low`"),
        "{}",
        run.stderr
    );
    assert!(!s.project().exists());
}

/// A variable several skills read is declared alike by each and listed once; declared
/// differently, it is refused.
#[test]
fn skills_share_an_environment_variable_only_when_they_agree() {
    let s = Scratch::new();
    poscake(
        s.path(),
        &["new", "shop", "--yes", "--skills", "payments,notifications"],
    )
    .ok();
    let example = std::fs::read_to_string(s.project().join(".env.example")).unwrap();
    assert_eq!(example.matches("PUBLIC_BASE_URL=").count(), 1, "{example}");

    let s = Scratch::new();
    let skills = s.path().join("more/skills");
    std::fs::create_dir_all(&skills).unwrap();
    let manifest = "name = \"pos-x\"\nsummary = \"x\"\n[[env]]\nname = \"PUBLIC_BASE_URL\"\n\
                    description = \"Somewhere else\"\n";
    std::fs::write(skills.join("pos-x.toml"), manifest).unwrap();
    let args = ["new", "shop", "--yes", "--skills", "payments,pos-x"];
    let run = poscake(s.path(), &[&args[..], &["--skills-dir", "more"]].concat());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("two skills declare the environment variable `PUBLIC_BASE_URL` differently"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_module_can_give_way_to_a_skill() {
    let s = Scratch::new();
    poscake(s.path(), &["new", "open", "--yes", "--skills", "poscake"]).ok();
    poscake(
        s.path(),
        &["new", "locked", "--yes", "--skills", "poscake,pos-auth"],
    )
    .ok();
    let read = |path: &str| std::fs::read_to_string(s.path().join(path)).unwrap();
    assert!(read("open/src/lib.rs").contains("pub mod bind;"));
    assert!(s.path().join("open/src/bind.rs").is_file());
    // With sign-in the loopback-only rule is lifted: no module, no file.
    assert!(!read("locked/src/lib.rs").contains("pub mod bind;"));
    assert!(!s.path().join("locked/src/bind.rs").exists());
}
