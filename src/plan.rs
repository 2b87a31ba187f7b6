//! The plan: what regeneration does to each path, decided from the new render, the pristine
//! base and the files on disk. A pure function, so `--dry-run`, `diff` and `check` show
//! exactly what `apply` would do.

use std::collections::BTreeMap;
use std::fmt;

use crate::merge::{self, Merged};
use crate::relpath::RelPath;
use crate::render::{Tree, is_migration};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Created,
    Updated,
    Merged,
    Conflict,
    Deleted,
    Kept,
    Unchanged,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Created,
        Action::Updated,
        Action::Merged,
        Action::Conflict,
        Action::Deleted,
        Action::Kept,
        Action::Unchanged,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Merged => "merged",
            Action::Conflict => "conflict",
            Action::Deleted => "deleted",
            Action::Kept => "kept",
            Action::Unchanged => "unchanged",
        }
    }

    /// Whether the action changes the project's files.
    pub fn changes_files(self) -> bool {
        !matches!(self, Action::Kept | Action::Unchanged)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// What happens to a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Nothing,
    Write(Vec<u8>),
    Remove,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: RelPath,
    pub action: Action,
    pub effect: Effect,
    /// Why, when the action alone would puzzle the reader.
    pub note: Option<&'static str>,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub entries: Vec<Entry>,
    /// The base to store once the plan is applied.
    pub base: Tree,
}

impl Plan {
    pub fn count(&self, action: Action) -> usize {
        self.entries.iter().filter(|e| e.action == action).count()
    }

    pub fn changes(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.action.changes_files())
    }

    pub fn conflicts(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.action == Action::Conflict)
    }
}

pub const NOTE_DELETED_BY_YOU: &str = "you deleted it; `--restore` brings it back";
pub const NOTE_EDITED_ORPHAN: &str = "you edited it and no skill generates it any more";
pub const NOTE_MIGRATION: &str = "written migrations are never rewritten; add a new one instead";
pub const NOTE_BINARY: &str = "binary file edited on both sides; yours is left as it is";
pub const NOTE_NOT_OURS: &str = "a file of yours was already there";

/// Decides every path in `new` or `base`. `disk` holds the current contents of those paths
/// that exist.
pub fn plan(new: &Tree, base: &Tree, disk: &BTreeMap<RelPath, Vec<u8>>, restore: bool) -> Plan {
    let mut plan = Plan::default();
    let paths: std::collections::BTreeSet<&RelPath> = new.keys().chain(base.keys()).collect();
    for path in paths {
        let (n, b, d) = (new.get(path), base.get(path), disk.get(path));
        let (action, effect, note, keep_base) = decide(path, n, b, d, restore);
        if let Some(bytes) = keep_base {
            plan.base.insert(path.clone(), bytes.to_vec());
        }
        if n.is_none() && d.is_none() {
            continue; // Gone from both the render and the disk: nothing to say.
        }
        plan.entries.push(Entry {
            path: path.clone(),
            action,
            effect,
            note,
        });
    }
    plan
}

type Decision<'a> = (Action, Effect, Option<&'static str>, Option<&'a [u8]>);

fn decide<'a>(
    path: &RelPath,
    new: Option<&'a Vec<u8>>,
    base: Option<&'a Vec<u8>>,
    disk: Option<&'a Vec<u8>>,
    restore: bool,
) -> Decision<'a> {
    let write = |bytes: &[u8]| Effect::Write(bytes.to_vec());
    let Some(new) = new else {
        // No skill renders this path any more.
        let base = base.expect("a path comes from the render or the base");
        return match disk {
            // An applied migration must stay, or the app's migrator would refuse to start.
            _ if is_migration(path) => (Action::Unchanged, Effect::Nothing, None, Some(base)),
            None => (Action::Unchanged, Effect::Nothing, None, None),
            Some(disk) if disk == base => (Action::Deleted, Effect::Remove, None, None),
            Some(_) => (
                Action::Kept,
                Effect::Nothing,
                Some(NOTE_EDITED_ORPHAN),
                None,
            ),
        };
    };
    let Some(disk) = disk else {
        return match base {
            Some(_) if !restore => (
                Action::Kept,
                Effect::Nothing,
                Some(NOTE_DELETED_BY_YOU),
                Some(new),
            ),
            _ => (Action::Created, write(new), None, Some(new)),
        };
    };
    if disk == new {
        return (Action::Unchanged, Effect::Nothing, None, Some(new));
    }
    if is_migration(path) {
        return match base {
            Some(base) if base != new => (
                Action::Kept,
                Effect::Nothing,
                Some(NOTE_MIGRATION),
                Some(new),
            ),
            _ => (Action::Unchanged, Effect::Nothing, None, Some(new)),
        };
    }
    let (ancestor, note) = match base {
        Some(base) if base == disk => return (Action::Updated, write(new), None, Some(new)),
        Some(base) => (base.as_slice(), None),
        None => (&[][..], Some(NOTE_NOT_OURS)),
    };
    match merge::three_way(ancestor, disk, new) {
        Merged::Clean(merged) if merged == *disk => {
            (Action::Unchanged, Effect::Nothing, None, Some(new))
        }
        Merged::Clean(merged) => (Action::Merged, Effect::Write(merged), note, Some(new)),
        Merged::Conflict(text) => (Action::Conflict, Effect::Write(text), note, Some(new)),
        Merged::Binary => (
            Action::Conflict,
            Effect::Nothing,
            Some(NOTE_BINARY),
            Some(new),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> RelPath {
        RelPath::new(s).unwrap()
    }

    fn tree(entries: &[(&str, &str)]) -> Tree {
        entries
            .iter()
            .map(|(k, v)| (p(k), v.as_bytes().to_vec()))
            .collect()
    }

    fn one(new: &Tree, base: &Tree, disk: &Tree) -> Entry {
        let plan = plan(new, base, disk, false);
        assert_eq!(plan.entries.len(), 1, "{plan:?}");
        plan.entries[0].clone()
    }

    #[test]
    fn the_regeneration_table() {
        let f = "src/a.rs";
        // New file, never written: create.
        let e = one(&tree(&[(f, "n\n")]), &tree(&[]), &tree(&[]));
        assert_eq!(
            (e.action, e.effect),
            (Action::Created, Effect::Write(b"n\n".to_vec()))
        );
        // Written before, deleted by the user: stays deleted.
        let e = one(&tree(&[(f, "n\n")]), &tree(&[(f, "b\n")]), &tree(&[]));
        assert_eq!(
            (e.action, e.note),
            (Action::Kept, Some(NOTE_DELETED_BY_YOU))
        );
        // Untouched: overwrite.
        let e = one(
            &tree(&[(f, "n\n")]),
            &tree(&[(f, "b\n")]),
            &tree(&[(f, "b\n")]),
        );
        assert_eq!(
            (e.action, e.effect),
            (Action::Updated, Effect::Write(b"n\n".to_vec()))
        );
        // Edited, no clash: merge.
        let e = one(
            &tree(&[(f, "1\n2\n3\nN\n")]),
            &tree(&[(f, "1\n2\n3\n4\n")]),
            &tree(&[(f, "U\n2\n3\n4\n")]),
        );
        assert_eq!(
            (e.action, e.effect),
            (Action::Merged, Effect::Write(b"U\n2\n3\nN\n".to_vec()))
        );
        // Edited, clashing: conflict markers.
        let e = one(
            &tree(&[(f, "n\n")]),
            &tree(&[(f, "b\n")]),
            &tree(&[(f, "u\n")]),
        );
        assert_eq!(e.action, Action::Conflict);
        // Skill removed, untouched: delete.
        let e = one(&tree(&[]), &tree(&[(f, "b\n")]), &tree(&[(f, "b\n")]));
        assert_eq!((e.action, e.effect), (Action::Deleted, Effect::Remove));
        // Skill removed, edited: keep.
        let e = one(&tree(&[]), &tree(&[(f, "b\n")]), &tree(&[(f, "u\n")]));
        assert_eq!((e.action, e.effect), (Action::Kept, Effect::Nothing));
    }

    #[test]
    fn an_edit_with_an_unchanged_template_is_left_alone() {
        let e = one(
            &tree(&[("a", "b\n")]),
            &tree(&[("a", "b\n")]),
            &tree(&[("a", "u\n")]),
        );
        assert_eq!((e.action, e.effect), (Action::Unchanged, Effect::Nothing));
    }

    #[test]
    fn restore_brings_deleted_files_back() {
        let plan = plan(
            &tree(&[("a", "n\n")]),
            &tree(&[("a", "b\n")]),
            &tree(&[]),
            true,
        );
        assert_eq!(plan.entries[0].action, Action::Created);
    }

    #[test]
    fn migrations_are_never_rewritten_or_deleted() {
        let m = "migrations/sqlite/0001_core.sql";
        let e = one(
            &tree(&[(m, "new\n")]),
            &tree(&[(m, "old\n")]),
            &tree(&[(m, "old\n")]),
        );
        assert_eq!((e.action, e.note), (Action::Kept, Some(NOTE_MIGRATION)));
        let plan = plan(
            &tree(&[]),
            &tree(&[(m, "old\n")]),
            &tree(&[(m, "old\n")]),
            false,
        );
        assert_eq!(plan.entries[0].action, Action::Unchanged);
        assert!(plan.base.contains_key(&p(m)), "the migration stays owned");
    }

    #[test]
    fn a_users_own_file_in_the_way_is_merged_not_overwritten() {
        let e = one(
            &tree(&[("a", "n\n")]),
            &tree(&[]),
            &tree(&[("a", "mine\n")]),
        );
        assert_eq!(e.action, Action::Conflict);
        let Effect::Write(text) = e.effect else {
            panic!()
        };
        assert!(String::from_utf8(text).unwrap().contains("mine\n"));
    }

    #[test]
    fn the_new_base_is_the_new_render() {
        let plan = plan(
            &tree(&[("a", "n\n")]),
            &tree(&[("a", "b\n")]),
            &tree(&[("a", "u\n")]),
            false,
        );
        assert_eq!(plan.base, tree(&[("a", "n\n")]));
    }
}
