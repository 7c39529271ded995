//! The corpus directories the seeds go to.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::PathBuf;

/// `root/<target>/seed-<name>` files, counted per target.
pub struct Corpus {
    root: PathBuf,
    written: BTreeMap<&'static str, usize>,
}

impl Corpus {
    /// Seeds under `root`.
    pub fn new(root: PathBuf) -> Self {
        Self {
            root,
            written: BTreeMap::new(),
        }
    }

    /// Writes one seed, creating the target's directory when needed.
    pub fn add(&mut self, target: &'static str, name: &str, bytes: &[u8]) -> io::Result<()> {
        let dir = self.root.join(target);
        fs::create_dir_all(&dir)?;
        let path = dir.join(format!("seed-{name}"));
        fs::write(&path, bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        *self.written.entry(target).or_default() += 1;
        Ok(())
    }

    /// One line: where the seeds went, and how many per target.
    pub fn summary(&self) -> String {
        let counts: Vec<String> = self
            .written
            .iter()
            .map(|(target, n)| format!("{target} {n}"))
            .collect();
        format!("seeds in {}: {}", self.root.display(), counts.join(", "))
    }
}
