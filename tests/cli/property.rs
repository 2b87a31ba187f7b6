//! Property: whatever lines a user edits, `add`, `remove` and `update` keep every edit, either
//! in place or inside a conflict block.

use proptest::prelude::*;

use crate::support::{EXTRA_RS, Scratch};

/// The text files poscake generated in the project (its own state excluded).
fn generated_files(s: &Scratch) -> Vec<String> {
    crate::support::snapshot(&s.project())
        .into_iter()
        .filter(|(path, bytes)| !path.starts_with(".poscake") && std::str::from_utf8(bytes).is_ok())
        .map(|(path, _)| path.to_string_lossy().into_owned())
        .filter(|path| path != "poscake.toml")
        .collect()
}

#[derive(Debug, Clone)]
enum Operation {
    Add,
    Remove,
    UpdateAfterTemplateChange,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_edit_survives(
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), any::<bool>()), 1..8),
        operation in prop_oneof![
            Just(Operation::Add),
            Just(Operation::Remove),
            Just(Operation::UpdateAfterTemplateChange),
        ],
    ) {
        let s = Scratch::new();
        s.custom_skills();
        s.generate(&["--skills-dir", "skills-src", "--skills", "extra"]);
        let files = generated_files(&s);
        let mut markers = Vec::new();
        for (n, (file, line, replace)) in edits.into_iter().enumerate() {
            let path = &files[file % files.len()];
            let mut lines: Vec<String> = s.read(path).lines().map(str::to_string).collect();
            let at = line % (lines.len() + 1);
            let marker = format!("edit marker {n}");
            // Replacing an earlier marker would make the test, not poscake, lose an edit.
            if replace && at < lines.len() && !lines[at].starts_with("edit marker") {
                lines[at] = marker.clone();
            } else {
                lines.insert(at, marker.clone());
            }
            s.write(path, &(lines.join("\n") + "\n"));
            markers.push((path.clone(), marker));
        }

        let run = match operation {
            Operation::Add => s.run(&["add", "needy"]),
            Operation::Remove => s.run(&["remove", "extra"]),
            Operation::UpdateAfterTemplateChange => {
                let changed = EXTRA_RS.replace("    1\n", "    10\n").replace("    3\n", "    30\n");
                let template = s.path().join("skills-src/templates/pos-extra/src/extra.rs");
                std::fs::write(template, changed).unwrap();
                s.run(&["update"])
            }
        };
        prop_assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        for (path, marker) in &markers {
            let text = std::fs::read_to_string(s.project().join(path)).unwrap_or_default();
            prop_assert!(
                text.lines().any(|l| l == marker),
                "{marker:?} was lost from {path} after {operation:?}:\n{text}"
            );
        }
    }
}
