//! Unified diffs of what a plan would change, for `poscake diff`.

use similar::TextDiff;

use crate::plan::{Effect, Entry};

/// The diff of one planned change against the file on disk (`None` when absent).
pub fn unified(entry: &Entry, disk: Option<&[u8]>) -> String {
    let old = disk.map(String::from_utf8_lossy).unwrap_or_default();
    let new = match &entry.effect {
        Effect::Write(bytes) => String::from_utf8_lossy(bytes),
        Effect::Remove => Default::default(),
        Effect::Nothing => return String::new(),
    };
    let path = entry.path.as_str();
    let old_name = if disk.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".into()
    };
    let new_name = if entry.effect == Effect::Remove {
        "/dev/null".into()
    } else {
        format!("b/{path}")
    };
    TextDiff::from_lines(old.as_ref(), new.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(&old_name, &new_name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Action;
    use crate::relpath::RelPath;

    #[test]
    fn shows_a_changed_line() {
        let entry = Entry {
            path: RelPath::new("src/a.rs").unwrap(),
            action: Action::Updated,
            effect: Effect::Write(b"one\nthree\n".to_vec()),
            note: None,
        };
        let diff = unified(&entry, Some(b"one\ntwo\n"));
        assert!(
            diff.starts_with("--- a/src/a.rs\n+++ b/src/a.rs\n"),
            "{diff}"
        );
        assert!(diff.contains("-two\n+three\n"), "{diff}");
    }
}
