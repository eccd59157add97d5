//! The repository's files as resolution sees them: every walked path, sorted and interned.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Index of a file in a [`SourceTree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// Every file of the repository that discovery kept (sources and manifests alike), by
/// repository-relative `/`-separated path, with lookups resolvers need.
#[derive(Debug, Default)]
pub struct SourceTree {
    root: PathBuf,
    paths: Vec<String>,
    ids: HashMap<String, FileId>,
    /// Directory -> its direct child files, sorted.
    dirs: HashMap<String, Vec<FileId>>,
    /// Every path [`SourceTree::read`] was asked for: what resolution depends on besides the
    /// file list.
    reads: Mutex<Vec<FileRead>>,
}

/// A file as [`SourceTree::read`] read it: its metadata (taken before reading) and a hash of
/// the bytes read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileRead {
    pub path: String,
    pub size: u64,
    pub mtime_ns: u64,
    pub hash: u64,
}

/// A fast 64-bit content hash (word at a time). Stable across releases because it is ours:
/// caches compare hashes written by earlier runs.
pub fn content_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// Modification time in nanoseconds since the epoch (0 when unknown).
pub fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl SourceTree {
    /// `paths` are repository-relative with `/`; duplicates are dropped.
    pub fn new(root: impl Into<PathBuf>, mut paths: Vec<String>) -> SourceTree {
        paths.sort_unstable();
        paths.dedup();
        let mut ids = HashMap::with_capacity(paths.len());
        let mut dirs: HashMap<String, Vec<FileId>> = HashMap::new();
        for (i, p) in paths.iter().enumerate() {
            let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
            ids.insert(p.clone(), id);
            dirs.entry(parent(p).to_owned()).or_default().push(id);
        }
        SourceTree {
            root: root.into(),
            paths,
            ids,
            dirs,
            reads: Mutex::new(Vec::new()),
        }
    }

    /// The files read through [`SourceTree::read`] so far, sorted by path, one record per
    /// path (the first read).
    pub fn reads(&self) -> Vec<FileRead> {
        let mut reads = self.reads.lock().map(|r| r.clone()).unwrap_or_default();
        reads.sort_by(|a, b| a.path.cmp(&b.path));
        reads.dedup_by(|a, b| a.path == b.path);
        reads
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    pub fn path(&self, id: FileId) -> &str {
        &self.paths[id.0 as usize]
    }

    pub fn id(&self, path: &str) -> Option<FileId> {
        self.ids.get(path).copied()
    }

    pub fn contains(&self, path: &str) -> bool {
        self.ids.contains_key(path)
    }

    /// All files, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &str)> {
        self.paths
            .iter()
            .enumerate()
            .map(|(i, p)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), p.as_str()))
    }

    /// The direct child files of a directory (`""` is the root), sorted by path.
    pub fn files_in_dir(&self, dir: &str) -> &[FileId] {
        self.dirs.get(dir).map_or(&[], Vec::as_slice)
    }

    /// Whether some file lies under `dir` (at any depth).
    pub fn has_dir(&self, dir: &str) -> bool {
        if dir.is_empty() {
            return !self.paths.is_empty();
        }
        let prefix = format!("{dir}/");
        let i = self.paths.partition_point(|p| p.as_str() < prefix.as_str());
        self.paths.get(i).is_some_and(|p| p.starts_with(&prefix))
    }

    /// Files whose name is exactly `name` (e.g. `package.json`), sorted by path.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (FileId, &'a str)> + 'a {
        self.iter().filter(move |(_, p)| file_name(p) == name)
    }

    /// Read a file of the tree as text (lossy UTF-8); `None` when it cannot be read.
    pub fn read(&self, path: &str) -> Option<String> {
        let full = self.root.join(path);
        let mtime = std::fs::metadata(&full).map_or(0, |m| mtime_ns(&m));
        let bytes = std::fs::read(&full).ok()?;
        if let Ok(mut reads) = self.reads.lock() {
            reads.push(FileRead {
                path: path.to_owned(),
                size: bytes.len() as u64,
                mtime_ns: mtime,
                hash: content_hash(&bytes),
            });
        }
        Some(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }
}

/// The directory part of a repository-relative path (`""` for a top-level file).
pub fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// The last component of a path.
pub fn file_name(path: &str) -> &str {
    path.rfind('/').map_or(path, |i| &path[i + 1..])
}

/// Join a directory and a relative path, normalising `.` and `..`; `None` if it escapes the
/// root.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> SourceTree {
        SourceTree::new(
            "/r",
            vec![
                "b/x.ts".into(),
                "a/package.json".into(),
                "a/src/i.ts".into(),
                "a/src/i.ts".into(),
            ],
        )
    }

    #[test]
    fn lookups() {
        let t = tree();
        assert_eq!(t.len(), 3);
        assert_eq!(t.path(t.id("b/x.ts").unwrap()), "b/x.ts");
        assert!(t.has_dir("a/src"));
        assert!(!t.has_dir("a/sr"));
        assert_eq!(t.files_in_dir("a/src").len(), 1);
        assert_eq!(t.named("package.json").count(), 1);
    }

    #[test]
    fn join_normalises() {
        assert_eq!(join("a/b", "../c/./d").as_deref(), Some("a/c/d"));
        assert_eq!(join("", "x").as_deref(), Some("x"));
        assert_eq!(join("a", "../../x"), None);
    }
}
