//! The pristine base: what poscake last wrote for each file, kept as one compressed archive
//! under `.poscake/` so that it stays out of searches and editors yet allows a true 3-way
//! merge offline, even after poscake itself has changed.

use std::io::Read;

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::relpath::RelPath;
use crate::render::{STATE_DIR, Tree};

/// The archive's path inside the project.
pub fn path() -> RelPath {
    RelPath::new(&format!("{STATE_DIR}/base.tar.gz")).expect("valid path")
}

/// Packs `tree` deterministically: sorted entries, fixed times, owners and modes, and a gzip
/// header without a timestamp, so the same base gives the same bytes.
pub fn pack(tree: &Tree) -> Result<Vec<u8>> {
    let encoder = GzEncoder::new(Vec::new(), Compression::default());
    let mut archive = tar::Builder::new(encoder);
    archive.mode(tar::HeaderMode::Deterministic);
    for (path, bytes) in tree {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        archive
            .append_data(&mut header, path.as_str(), bytes.as_slice())
            .with_context(|| format!("cannot archive {path}"))?;
    }
    let encoder = archive
        .into_inner()
        .context("cannot finish the base archive")?;
    encoder.finish().context("cannot compress the base archive")
}

pub fn unpack(bytes: &[u8]) -> Result<Tree> {
    let mut archive = tar::Archive::new(GzDecoder::new(bytes));
    let mut tree = Tree::new();
    for entry in archive.entries().context("the base archive is damaged")? {
        let mut entry = entry.context("the base archive is damaged")?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            bail!("the base archive holds something other than a plain file");
        }
        let name = entry.path().context("the base archive is damaged")?;
        let path = RelPath::from_path(&name).context("the base archive names a bad path")?;
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .context("the base archive is damaged")?;
        tree.insert(path, bytes);
    }
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_deterministically() {
        let mut tree = Tree::new();
        tree.insert(
            RelPath::new("src/main.rs").unwrap(),
            b"fn main() {}\n".to_vec(),
        );
        tree.insert(RelPath::new("logo.png").unwrap(), vec![0, 159, 146, 150]);
        let packed = pack(&tree).unwrap();
        assert_eq!(packed, pack(&tree).unwrap());
        assert_eq!(unpack(&packed).unwrap(), tree);
    }

    #[test]
    fn long_paths_survive() {
        let mut tree = Tree::new();
        let long = format!("{}/file.rs", "a".repeat(150));
        tree.insert(RelPath::new(&long).unwrap(), b"x".to_vec());
        assert_eq!(unpack(&pack(&tree).unwrap()).unwrap(), tree);
    }
}
