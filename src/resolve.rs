//! Skill resolution: from the names a user typed to a complete, ordered, conflict-free set.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};

use crate::catalog::Catalog;
use crate::skill::{self, CORE};

/// The outcome of resolution: skills in the order they render (the core first, then every
/// skill after the skills it requires, ties broken by name), and what was added implicitly.
#[derive(Debug, PartialEq, Eq)]
pub struct Resolution {
    pub skills: Vec<String>,
    /// `(skill, required_by)` for every skill added because another one needs it.
    pub added: Vec<(String, String)>,
}

/// Expands a typed name (`payments`) to a known skill name, or explains what is known.
pub fn canonical(catalog: &Catalog, typed: &str) -> Result<String> {
    let full = skill::full_name(typed);
    if catalog.get(&full).is_some() {
        return Ok(full);
    }
    if catalog.get(typed).is_some() {
        return Ok(typed.to_string());
    }
    let known: Vec<&str> = catalog.names().collect();
    bail!("unknown skill `{typed}` (known: {})", known.join(", "))
}

/// Resolves `requested` (already canonical) plus the core into a closed, ordered set.
pub fn resolve(catalog: &Catalog, requested: &[String]) -> Result<Resolution> {
    let mut chosen: BTreeSet<String> = BTreeSet::new();
    let mut added = Vec::new();
    let mut queue: Vec<(String, Option<String>)> = std::iter::once(CORE.to_string())
        .chain(requested.iter().cloned())
        .map(|name| (name, None))
        .collect();
    while let Some((name, required_by)) = queue.pop() {
        let Some(skill) = catalog.get(&name) else {
            match required_by {
                Some(parent) => bail!("skill `{parent}` requires `{name}`, which does not exist"),
                None => bail!("unknown skill `{name}`"),
            }
        };
        if !chosen.insert(name.clone()) {
            continue;
        }
        if let Some(parent) = required_by {
            if !requested.contains(&name) && name != CORE {
                added.push((name.clone(), parent));
            }
        }
        for dep in &skill.manifest.requires {
            queue.push((dep.clone(), Some(name.clone())));
        }
    }
    added.sort();
    added.dedup_by(|a, b| a.0 == b.0);

    for name in &chosen {
        let skill = catalog.get(name).expect("chosen skills exist");
        for other in &skill.manifest.conflicts {
            if chosen.contains(other) {
                bail!(
                    "skills `{name}` and `{other}` cannot be used together (`{name}` conflicts with `{other}`)"
                );
            }
        }
    }

    let skills = order(catalog, &chosen)?;
    Ok(Resolution { skills, added })
}

/// Orders skills so that each comes after what it requires; the core always comes first
/// because every skill builds on it. Reports a cycle by naming its members in order.
fn order(catalog: &Catalog, chosen: &BTreeSet<String>) -> Result<Vec<String>> {
    let requires = |name: &str| -> Vec<String> {
        let mut deps = catalog.get(name).expect("chosen").manifest.requires.clone();
        if name != CORE {
            deps.push(CORE.to_string());
        }
        deps
    };
    if let Some(cycle) = find_cycle(chosen, &requires) {
        bail!(
            "skills require each other in a cycle: {}",
            cycle.join(" -> ")
        );
    }
    let mut remaining: BTreeMap<&str, BTreeSet<String>> = chosen
        .iter()
        .map(|name| (name.as_str(), requires(name).into_iter().collect()))
        .collect();
    let mut ordered = Vec::with_capacity(chosen.len());
    while !remaining.is_empty() {
        let ready: &str = remaining
            .iter()
            .find(|(_, deps)| deps.iter().all(|d| ordered.contains(d)))
            .map(|(name, _)| *name)
            .expect("an acyclic graph always has a ready node");
        remaining.remove(ready);
        ordered.push(ready.to_string());
    }
    Ok(ordered)
}

fn find_cycle(
    chosen: &BTreeSet<String>,
    requires: &dyn Fn(&str) -> Vec<String>,
) -> Option<Vec<String>> {
    fn visit(
        name: &str,
        requires: &dyn Fn(&str) -> Vec<String>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| p == name) {
            let mut cycle = path[start..].to_vec();
            cycle.push(name.to_string());
            return Some(cycle);
        }
        if done.contains(name) {
            return None;
        }
        path.push(name.to_string());
        for dep in requires(name) {
            if let Some(cycle) = visit(&dep, requires, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(name.to_string());
        None
    }
    let mut done = BTreeSet::new();
    chosen
        .iter()
        .find_map(|name| visit(name, requires, &mut Vec::new(), &mut done))
}

/// Skills in `set` that require `name`, directly.
pub fn dependents<'a>(catalog: &Catalog, set: &'a [String], name: &str) -> Vec<&'a str> {
    set.iter()
        .filter(|s| {
            catalog
                .get(s)
                .is_some_and(|skill| skill.manifest.requires.iter().any(|r| r == name))
        })
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A catalog of built-ins plus test skills written to a temporary skills directory.
    fn catalog(manifests: &[&str]) -> Catalog {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("skills")).unwrap();
        for text in manifests {
            let name = text
                .lines()
                .find_map(|l| l.strip_prefix("name = \""))
                .unwrap()
                .trim_end_matches('"');
            std::fs::write(dir.path().join(format!("skills/{name}.toml")), text).unwrap();
        }
        Catalog::load(Some(Path::new(dir.path()))).unwrap()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn requirements_are_added_and_reported() {
        let c = catalog(&[
            "name = \"t-a\"\nsummary = \"a\"\nrequires = [\"t-b\"]",
            "name = \"t-b\"\nsummary = \"b\"\nrequires = [\"t-c\"]",
            "name = \"t-c\"\nsummary = \"c\"",
        ]);
        let r = resolve(&c, &names(&["t-a"])).unwrap();
        assert_eq!(r.skills, names(&["poscake", "t-c", "t-b", "t-a"]));
        assert_eq!(
            r.added,
            vec![("t-b".into(), "t-a".into()), ("t-c".into(), "t-b".into())]
        );
    }

    #[test]
    fn order_is_deterministic_whatever_the_request_order() {
        let c = catalog(&[
            "name = \"t-a\"\nsummary = \"a\"",
            "name = \"t-b\"\nsummary = \"b\"",
            "name = \"t-c\"\nsummary = \"c\"\nrequires = [\"t-a\"]",
        ]);
        let one = resolve(&c, &names(&["t-c", "t-b", "t-a"])).unwrap();
        let two = resolve(&c, &names(&["t-a", "t-b", "t-c"])).unwrap();
        assert_eq!(one.skills, two.skills);
        assert_eq!(one.skills, names(&["poscake", "t-a", "t-b", "t-c"]));
    }

    #[test]
    fn conflicts_are_refused() {
        let c = catalog(&[
            "name = \"t-a\"\nsummary = \"a\"\nconflicts = [\"t-b\"]",
            "name = \"t-b\"\nsummary = \"b\"",
            "name = \"t-c\"\nsummary = \"c\"\nrequires = [\"t-b\"]",
        ]);
        let err = resolve(&c, &names(&["t-a", "t-c"]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "skills `t-a` and `t-b` cannot be used together (`t-a` conflicts with `t-b`)"
        );
        assert!(resolve(&c, &names(&["t-a"])).is_ok());
    }

    #[test]
    fn cycles_are_refused_with_their_path() {
        let c = catalog(&[
            "name = \"t-a\"\nsummary = \"a\"\nrequires = [\"t-b\"]",
            "name = \"t-b\"\nsummary = \"b\"\nrequires = [\"t-a\"]",
        ]);
        let err = resolve(&c, &names(&["t-a"])).unwrap_err().to_string();
        assert_eq!(
            err,
            "skills require each other in a cycle: t-a -> t-b -> t-a"
        );
    }

    #[test]
    fn unknown_names_are_refused() {
        let c = catalog(&["name = \"t-a\"\nsummary = \"a\"\nrequires = [\"t-zz\"]"]);
        let err = canonical(&c, "nope").unwrap_err().to_string();
        assert!(err.starts_with("unknown skill `nope` (known: "), "{err}");
        let err = resolve(&c, &names(&["t-a"])).unwrap_err().to_string();
        assert_eq!(err, "skill `t-a` requires `t-zz`, which does not exist");
    }

    #[test]
    fn short_names_resolve() {
        let c = catalog(&["name = \"pos-thing\"\nsummary = \"a\""]);
        assert_eq!(canonical(&c, "thing").unwrap(), "pos-thing");
        assert_eq!(canonical(&c, "pos-thing").unwrap(), "pos-thing");
    }

    #[test]
    fn dependents_are_found() {
        let c = catalog(&[
            "name = \"t-a\"\nsummary = \"a\"\nrequires = [\"t-b\"]",
            "name = \"t-b\"\nsummary = \"b\"",
        ]);
        let set = names(&["poscake", "t-b", "t-a"]);
        assert_eq!(dependents(&c, &set, "t-b"), vec!["t-a"]);
        assert!(dependents(&c, &set, "t-a").is_empty());
    }
}
