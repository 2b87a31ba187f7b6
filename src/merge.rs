//! Three-way merges of a user's file with a new render, through `diffy`.

use diffy::{ConflictStyle, IncompleteHunkStyle, MergeOptions};

#[derive(Debug, PartialEq, Eq)]
pub enum Merged {
    /// Both sides' changes applied.
    Clean(Vec<u8>),
    /// Clashing hunks are between standard markers: `<<<<<<< ours` is the user's version,
    /// `>>>>>>> theirs` poscake's.
    Conflict(Vec<u8>),
    /// One side is not text; there is no line-wise merge.
    Binary,
}

/// Merges `ours` (the file on disk) and `theirs` (the new render), both descended from `base`
/// (what poscake wrote last time).
pub fn three_way(base: &[u8], ours: &[u8], theirs: &[u8]) -> Merged {
    let (Ok(base), Ok(ours), Ok(theirs)) = (
        std::str::from_utf8(base),
        std::str::from_utf8(ours),
        std::str::from_utf8(theirs),
    ) else {
        return Merged::Binary;
    };
    let mut options = MergeOptions::new();
    options
        .set_conflict_style(ConflictStyle::Merge)
        .set_incomplete_hunk_style(IncompleteHunkStyle::Git);
    match options.merge(base, ours, theirs) {
        Ok(text) => Merged::Clean(text.into_bytes()),
        Err(text) => Merged::Conflict(text.into_bytes()),
    }
}

/// Whether `text` still holds a conflict block of the kind poscake writes: a line starting
/// `<<<<<<< `, then a line `=======`, then a line starting `>>>>>>> `.
pub fn has_conflict_markers(text: &[u8]) -> bool {
    let text = String::from_utf8_lossy(text);
    // Each search starts where the previous one stopped, so the three must come in order.
    let mut lines = text.lines();
    lines.any(|line| line.starts_with("<<<<<<< "))
        && lines.any(|line| line == "=======")
        && lines.any(|line| line.starts_with(">>>>>>> "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_on_both_sides_in_different_places_merge() {
        let base = "a\nb\nc\nd\ne\n";
        let ours = "a\nB\nc\nd\ne\n";
        let theirs = "a\nb\nc\nd\nE\n";
        assert_eq!(
            three_way(base.as_bytes(), ours.as_bytes(), theirs.as_bytes()),
            Merged::Clean(b"a\nB\nc\nd\nE\n".to_vec())
        );
    }

    #[test]
    fn clashing_edits_get_standard_markers() {
        let merged = three_way(b"a\nb\nc\n", b"a\nmine\nc\n", b"a\nyours\nc\n");
        let Merged::Conflict(text) = merged else {
            panic!("expected a conflict, got {merged:?}")
        };
        assert_eq!(
            String::from_utf8(text.clone()).unwrap(),
            "a\n<<<<<<< ours\nmine\n=======\nyours\n>>>>>>> theirs\nc\n"
        );
        assert!(has_conflict_markers(&text));
    }

    #[test]
    fn the_same_edit_on_both_sides_is_clean() {
        assert_eq!(
            three_way(b"a\n", b"b\n", b"b\n"),
            Merged::Clean(b"b\n".to_vec())
        );
    }

    #[test]
    fn a_missing_final_newline_keeps_markers_on_their_own_lines() {
        let Merged::Conflict(text) = three_way(b"a", b"b", b"c") else {
            panic!("expected a conflict")
        };
        let text = String::from_utf8(text).unwrap();
        assert!(text.lines().any(|l| l == "======="), "{text}");
    }

    #[test]
    fn binary_files_are_not_merged() {
        assert_eq!(three_way(b"a", &[0xff, 0xfe], b"b"), Merged::Binary);
    }

    #[test]
    fn ordinary_text_has_no_markers() {
        assert!(!has_conflict_markers(b"a <<<<<<< b\n=======\n"));
        // A Markdown heading underlined with `=` is not a conflict.
        assert!(!has_conflict_markers(b"Title\n=======\n>>>>>>> quoted\n"));
        // Nor are both outer markers without the separator.
        assert!(!has_conflict_markers(b"<<<<<<< a\n>>>>>>> b\n"));
    }
}
