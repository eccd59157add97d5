//! Sharded scans (DESIGN.md §16): `strata scan --shard I/N` extracts a deterministic part of
//! the source files into a shard file; `strata merge` checks that a set of shards is whole and
//! consistent and joins them into the index cache a single scan writes, so every command reads
//! it unchanged.
//!
//! The partition is a function of the file list and the files' sizes only: sources ordered by
//! size (largest first, then by path) go one by one to the shard with the fewest bytes so far
//! (the lowest index on a tie). Every machine that walks the same tree computes the same
//! partition, and the shards' bytes differ by at most the largest file.
//!
//! A shard file is a header (strata's version, the cache format, fingerprints of the
//! configuration and of the tree, I, N and the counts) followed by a cache file holding the
//! shard's entries, and a checksum of the whole. Merged entries carry no modification time, so
//! the first command after a merge checks every file by its content hash (reading, never
//! extracting, what is unchanged) and then resolves the imports and rewrites the cache with
//! this machine's times.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use strata_lang::content_hash;
use strata_workspace::atomic::write_atomic;

use crate::Project;
use crate::cache::{self, Entry, FORMAT, Reader, STRATA, put_str, put_u64};

const MAGIC: &[u8] = b"strata-shard\0";

/// Bumped whenever the layout of the shard header changes.
const SHARD_FORMAT: u32 = 1;

/// Which part of the files a shard scans: `index` of `count`, counted from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;

    /// `I/N` with `0 <= I < N`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: expected `I/N` with 0 <= I < N, e.g. `0/4`");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a shard file says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardHeader {
    /// The strata that wrote it: version and build fingerprint.
    pub strata: String,
    /// The index cache format of its entries.
    pub cache_format: u32,
    /// A hash of what decides a file's facts and findings besides its bytes: `strata.toml`'s
    /// contents, the modules (name and root) and the file-rule settings.
    pub config: u64,
    /// A hash of the walk: every file's path, and every source file's path and size (what the
    /// partition is computed from).
    pub tree: u64,
    pub shard: Shard,
    /// Source files in the whole tree.
    pub sources: u64,
    /// Source files the partition gave this shard, and their bytes.
    pub assigned: u64,
    pub bytes: u64,
}

/// A shard written by [`Project::scan_shard`].
#[derive(Debug)]
pub struct ShardReport {
    pub header: ShardHeader,
    /// Files whose entries the shard holds (the assigned ones that could be read).
    pub files: usize,
    /// Assigned files that could not be read (path, reason); they have no entry, as in a scan.
    pub unreadable: Vec<(String, String)>,
    /// The shard file's size in bytes.
    pub size: u64,
    /// Assigned files per language (every language of the repository, zeros included).
    pub langs: std::collections::BTreeMap<&'static str, usize>,
}

/// The cache written by [`Project::merge_shards`].
#[derive(Debug)]
pub struct MergeReport {
    pub shards: usize,
    /// Entries in the merged cache.
    pub files: usize,
    /// Where the cache was written.
    pub path: PathBuf,
    /// Problems that do not stop the merge (the repository here differs from the shards').
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error("no shard file was given")]
    NoShards,
    #[error("cannot read the shard `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{}` is not a strata shard file", path.display())]
    NotAShard { path: PathBuf },
    #[error("the shard `{}` is damaged ({what})", path.display())]
    Corrupt { path: PathBuf, what: &'static str },
    #[error(
        "the shard `{}` was written by strata {theirs} (shard format {format}); this is strata {ours}",
        path.display()
    )]
    OtherStrata {
        path: PathBuf,
        theirs: String,
        format: u32,
        ours: &'static str,
    },
    #[error("the shard `{}` differs from `{}` in its {what}", path.display(), other.display())]
    Mismatch {
        path: PathBuf,
        other: PathBuf,
        what: String,
    },
    #[error("the shard `{}` was made with another {what} than this repository's", path.display())]
    OtherRepository { path: PathBuf, what: &'static str },
    #[error("`{}` and `{}` are both shard {shard}", first.display(), second.display())]
    Duplicate {
        first: PathBuf,
        second: PathBuf,
        shard: Shard,
    },
    #[error("shards missing: {}", list(.missing, *.count))]
    Missing { missing: Vec<u32>, count: u32 },
    #[error("`{file}` is in both `{}` and `{}`", first.display(), second.display())]
    Overlap {
        file: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("the shards were given {assigned} of the {sources} source files")]
    Incomplete { assigned: u64, sources: u64 },
}

fn list(ids: &[u32], count: u32) -> String {
    ids.iter()
        .map(|i| format!("`{i}/{count}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl ShardError {
    /// What the user can do about it.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            ShardError::NoShards | ShardError::Missing { .. } | ShardError::Incomplete { .. } => {
                "merge one file of every shard `I/N`, I from 0 to N-1"
            }
            ShardError::Duplicate { .. } | ShardError::Overlap { .. } => {
                "give each shard's file once"
            }
            ShardError::OtherStrata { .. } => "scan every shard with the same strata as the merge",
            ShardError::Mismatch { .. } | ShardError::OtherRepository { .. } => {
                "scan every shard from the same commit and configuration as the merge"
            }
            ShardError::NotAShard { .. } | ShardError::Corrupt { .. } => {
                "scan that shard again with `strata scan --shard I/N --out FILE`"
            }
            ShardError::Read { .. } | ShardError::Write { .. } => return None,
        })
    }
}

/// The shard (`0..count`) of each of `sizes`, in order: larger files first (ties by position,
/// which is path order), each to the shard with the fewest bytes so far, the lowest index on a
/// tie. An empty file weighs one byte, so empty files spread too.
pub(crate) fn partition(sizes: &[u64], count: u32) -> Vec<u32> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let mut load: BinaryHeap<Reverse<(u64, u32)>> =
        (0..count.max(1)).map(|s| Reverse((0, s))).collect();
    let mut shard_of = vec![0; sizes.len()];
    for i in order {
        let Some(Reverse((bytes, s))) = load.pop() else {
            break;
        };
        shard_of[i] = s;
        load.push(Reverse((bytes.saturating_add(sizes[i].max(1)), s)));
    }
    shard_of
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl Project {
    /// The size of every source file (same order as [`Project::sources`]): the walk's, else
    /// read from the file system (0 when it cannot be).
    fn source_sizes(&self) -> Vec<u64> {
        use rayon::prelude::*;
        let files = &self.discovery.files;
        let metas = &self.discovery.file_meta;
        self.sources
            .par_iter()
            .map(|s| {
                let walked = files
                    .binary_search(&s.path)
                    .ok()
                    .and_then(|k| metas.get(k))
                    .filter(|m| self.use_cache && m.mtime_ns != 0);
                match walked {
                    Some(m) => m.size,
                    None => std::fs::metadata(self.root.join(&s.path)).map_or(0, |m| m.len()),
                }
            })
            .collect()
    }

    /// A hash of what decides each file's cached facts and findings besides its bytes (see
    /// [`ShardHeader::config`]); `rules_key` is the file-rule key of the scan.
    fn config_fingerprint(&self, rules_key: u64) -> u64 {
        let mut key = Vec::new();
        if !self.config_path.is_empty() {
            key.extend(std::fs::read(self.root.join(&self.config_path)).unwrap_or_default());
        }
        key.extend_from_slice(&rules_key.to_le_bytes());
        for m in &self.modules {
            put_str(&mut key, m.name());
            put_str(&mut key, &m.declared.root);
        }
        content_hash(&key)
    }

    /// A hash of the walk (see [`ShardHeader::tree`]).
    fn tree_fingerprint(&self, sizes: &[u64]) -> u64 {
        let mut key = cache::tree_hash(&self.discovery.files)
            .to_le_bytes()
            .to_vec();
        for (s, size) in self.sources.iter().zip(sizes) {
            put_str(&mut key, &s.path);
            put_u64(&mut key, *size);
        }
        content_hash(&key)
    }

    /// The fingerprints of this repository as loaded: (configuration, tree).
    fn fingerprints(&self) -> (u64, u64) {
        let endpoints = strata_rules::Endpoints::from_modules(&self.declared_modules());
        let rules_key = crate::index::file_rules_key(self, &endpoints);
        (
            self.config_fingerprint(rules_key),
            self.tree_fingerprint(&self.source_sizes()),
        )
    }

    /// The source files (indices into [`Project::sources`]) that `shard` scans.
    pub fn shard_files(&self, shard: Shard) -> Vec<usize> {
        partition(&self.source_sizes(), shard.count)
            .into_iter()
            .enumerate()
            .filter(|&(_, s)| s == shard.index)
            .map(|(i, _)| i)
            .collect()
    }

    /// Scan `shard`'s part of the source files (facts and file-rule findings; imports are
    /// resolved by the first command after the merge) and write it to `out`, atomically.
    /// Neither reads nor writes the repository's cache.
    pub fn scan_shard(&self, shard: Shard, out: &Path) -> Result<ShardReport, ShardError> {
        let started = now_ns();
        let sizes = self.source_sizes();
        let shard_of = partition(&sizes, shard.count);
        let selected: Vec<usize> = (0..self.sources.len())
            .filter(|&i| shard_of[i] == shard.index)
            .collect();
        let bytes = selected.iter().map(|&i| sizes[i]).sum();
        let mut langs: std::collections::BTreeMap<&'static str, usize> =
            self.sources.iter().map(|s| (s.lang.as_str(), 0)).collect();
        for &i in &selected {
            *langs.entry(self.sources[i].lang.as_str()).or_default() += 1;
        }
        let (rules_key, entries, unreadable) = crate::index::extract(self, &selected);
        let header = ShardHeader {
            strata: STRATA.to_owned(),
            cache_format: FORMAT,
            config: self.config_fingerprint(rules_key),
            tree: self.tree_fingerprint(&sizes),
            shard,
            sources: self.sources.len() as u64,
            assigned: selected.len() as u64,
            bytes,
        };
        let refs: Vec<&Entry> = entries.iter().collect();
        let body = cache::encode_entries(rules_key, started, &refs);
        let file = encode_shard(&header, &body);
        write_atomic(out, &file).map_err(|source| ShardError::Write {
            path: out.to_path_buf(),
            source,
        })?;
        Ok(ShardReport {
            header,
            files: entries.len(),
            unreadable,
            size: file.len() as u64,
            langs,
        })
    }

    /// Check that `files` are every shard of one scan of this repository, each once, and join
    /// them into the index cache under `into` (the repository's `.strata/` by default), where
    /// every command reads it. Nothing is written unless all checks pass.
    pub fn merge_shards(
        &self,
        files: &[PathBuf],
        into: Option<&Path>,
    ) -> Result<MergeReport, ShardError> {
        let first_path = files.first().ok_or(ShardError::NoShards)?;
        let mut shards = Vec::with_capacity(files.len());
        for path in files {
            let buf = std::fs::read(path).map_err(|source| ShardError::Read {
                path: path.clone(),
                source,
            })?;
            let (header, body) = decode_shard(path, &buf)?;
            shards.push((path, header, body));
        }
        let (config, tree) = self.fingerprints();
        if let Some((path, _, _)) = shards.iter().find(|(_, h, _)| h.config != config) {
            return Err(ShardError::OtherRepository {
                path: (*path).clone(),
                what: "configuration",
            });
        }
        let first = &shards[0].1;
        for (path, h, _) in &shards[1..] {
            let what = if h.config != first.config {
                "configuration (strata.toml, modules or rule settings)".to_owned()
            } else if h.tree != first.tree || h.sources != first.sources {
                "file tree (the files or their sizes)".to_owned()
            } else if h.shard.count != first.shard.count {
                format!(
                    "shard count ({} against {})",
                    h.shard.count, first.shard.count
                )
            } else {
                continue;
            };
            return Err(ShardError::Mismatch {
                path: (*path).clone(),
                other: first_path.clone(),
                what,
            });
        }
        let count = first.shard.count;
        let mut seen: Vec<Option<&PathBuf>> = vec![None; count as usize];
        for (path, h, _) in &shards {
            match seen.get_mut(h.shard.index as usize) {
                Some(Some(earlier)) => {
                    return Err(ShardError::Duplicate {
                        first: (*earlier).clone(),
                        second: (*path).clone(),
                        shard: h.shard,
                    });
                }
                Some(slot) => *slot = Some(*path),
                None => {
                    return Err(ShardError::Corrupt {
                        path: (*path).clone(),
                        what: "shard index out of range",
                    });
                }
            }
        }
        let missing: Vec<u32> = (0..count).filter(|&i| seen[i as usize].is_none()).collect();
        if !missing.is_empty() {
            return Err(ShardError::Missing { missing, count });
        }
        let assigned: u64 = shards.iter().map(|(_, h, _)| h.assigned).sum();
        if assigned != first.sources {
            return Err(ShardError::Incomplete {
                assigned,
                sources: first.sources,
            });
        }
        let mut warnings = Vec::new();
        if tree != first.tree {
            warnings.push(
                "the files here differ from the shards' (added, removed or resized): the next command reads and extracts the differences".to_owned(),
            );
        }

        let mut rules_key = None;
        let mut entries: Vec<(Entry, usize)> = Vec::new();
        for (k, (path, _, body)) in shards.into_iter().enumerate() {
            let (key, shard_entries) =
                cache::decode_entries(body).map_err(|what| ShardError::Corrupt {
                    path: path.clone(),
                    what,
                })?;
            if *rules_key.get_or_insert(key) != key {
                return Err(ShardError::Mismatch {
                    path: path.clone(),
                    other: first_path.clone(),
                    what: "file-rule settings".to_owned(),
                });
            }
            entries.extend(shard_entries.into_iter().map(|e| (e, k)));
        }
        entries.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        if let Some(w) = entries.windows(2).find(|w| w[0].0.path == w[1].0.path) {
            return Err(ShardError::Overlap {
                file: w[0].0.path.clone(),
                first: files[w[0].1].clone(),
                second: files[w[1].1].clone(),
            });
        }
        // Times from the shards' machines say nothing here: the first command checks every
        // file by its content hash.
        let entries: Vec<Entry> = entries
            .into_iter()
            .map(|(mut e, _)| {
                e.mtime_ns = 0;
                e
            })
            .collect();
        let path = match into {
            Some(dir) => dir.join("cache/index.bin"),
            None => self.root.join(cache::CACHE_FILE),
        };
        let refs: Vec<&Entry> = entries.iter().collect();
        cache::write_entries(&path, rules_key.unwrap_or_default(), &refs).map_err(|source| {
            ShardError::Write {
                path: path.clone(),
                source,
            }
        })?;
        Ok(MergeReport {
            shards: files.len(),
            files: entries.len(),
            path,
            warnings,
        })
    }
}

fn encode_shard(h: &ShardHeader, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 128);
    out.extend_from_slice(MAGIC);
    put_u64(&mut out, u64::from(SHARD_FORMAT));
    put_str(&mut out, &h.strata);
    put_u64(&mut out, u64::from(h.cache_format));
    out.extend_from_slice(&h.config.to_le_bytes());
    out.extend_from_slice(&h.tree.to_le_bytes());
    put_u64(&mut out, u64::from(h.shard.index));
    put_u64(&mut out, u64::from(h.shard.count));
    put_u64(&mut out, h.sources);
    put_u64(&mut out, h.assigned);
    put_u64(&mut out, h.bytes);
    put_u64(&mut out, body.len() as u64);
    out.extend_from_slice(body);
    let sum = content_hash(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// The header and the cache body of the shard file `path`; refused unless this strata wrote
/// it, whole.
fn decode_shard(path: &Path, buf: &[u8]) -> Result<(ShardHeader, Vec<u8>), ShardError> {
    let corrupt = |what| ShardError::Corrupt {
        path: path.to_path_buf(),
        what,
    };
    if !buf.starts_with(MAGIC) {
        if !buf.is_empty() && MAGIC.starts_with(buf) {
            return Err(corrupt("truncated"));
        }
        return Err(ShardError::NotAShard {
            path: path.to_path_buf(),
        });
    }
    let body_end = buf
        .len()
        .checked_sub(8)
        .ok_or_else(|| corrupt("truncated"))?;
    let mut r = Reader {
        buf: &buf[..body_end],
        pos: MAGIC.len(),
    };
    // The format and the version come first and are compared before the checksum, so a shard
    // of another strata is named as such even if its layout differs.
    let format = r.u32().map_err(corrupt)?;
    let strata = r.str().map_err(corrupt)?;
    if format != SHARD_FORMAT || strata != STRATA {
        return Err(ShardError::OtherStrata {
            path: path.to_path_buf(),
            theirs: strata,
            format,
            ours: STRATA,
        });
    }
    let mut sum = [0u8; 8];
    sum.copy_from_slice(&buf[body_end..]);
    if content_hash(&buf[..body_end]) != u64::from_le_bytes(sum) {
        return Err(corrupt("checksum mismatch: truncated or altered"));
    }
    let cache_format = r.u32().map_err(corrupt)?;
    let config = r.fixed64().map_err(corrupt)?;
    let tree = r.fixed64().map_err(corrupt)?;
    let index = r.u32().map_err(corrupt)?;
    let count = r.u32().map_err(corrupt)?;
    let sources = r.u64().map_err(corrupt)?;
    let assigned = r.u64().map_err(corrupt)?;
    let bytes = r.u64().map_err(corrupt)?;
    let n = r.len().map_err(corrupt)?;
    let body = buf
        .get(r.pos..r.pos + n)
        .ok_or_else(|| corrupt("truncated"))?
        .to_vec();
    if r.pos + n != body_end {
        return Err(corrupt("trailing bytes"));
    }
    if cache_format != FORMAT {
        return Err(ShardError::OtherStrata {
            path: path.to_path_buf(),
            theirs: strata,
            format,
            ours: STRATA,
        });
    }
    if count == 0 || index >= count {
        return Err(corrupt("shard index out of range"));
    }
    let header = ShardHeader {
        strata,
        cache_format,
        config,
        tree,
        shard: Shard { index, count },
        sources,
        assigned,
        bytes,
    };
    Ok((header, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_spec_parses_and_refuses() {
        assert_eq!("2/7".parse::<Shard>(), Ok(Shard { index: 2, count: 7 }));
        for bad in ["7/7", "0/0", "1", "a/2", "-1/2", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!(Shard { index: 0, count: 3 }.to_string(), "0/3");
    }

    #[test]
    fn partition_is_balanced_and_deterministic() {
        let sizes: Vec<u64> = (0..1000u64).map(|i| (i * 7919) % 5000).collect();
        for count in [1, 2, 3, 7] {
            let p = partition(&sizes, count);
            assert_eq!(p, partition(&sizes, count));
            let mut load = vec![0u64; count as usize];
            for (i, &s) in p.iter().enumerate() {
                load[s as usize] += sizes[i].max(1);
            }
            let (min, max) = (load.iter().min().unwrap(), load.iter().max().unwrap());
            assert!(max - min <= 5000, "{load:?}");
        }
        // More shards than files: the extra shards are empty.
        assert_eq!(partition(&[5, 0], 4), vec![0, 1]);
    }

    #[test]
    fn damaged_shards_are_errors_naming_the_file() {
        let h = ShardHeader {
            strata: STRATA.to_owned(),
            cache_format: FORMAT,
            config: 1,
            tree: 2,
            shard: Shard { index: 1, count: 2 },
            sources: 10,
            assigned: 4,
            bytes: 99,
        };
        let body = cache::encode_entries(3, 4, &[]);
        let file = encode_shard(&h, &body);
        let path = Path::new("s1.bin");
        let (back, back_body) = decode_shard(path, &file).unwrap();
        assert_eq!((back, back_body), (h, body));
        for n in 0..file.len() {
            let err = decode_shard(path, &file[..n]).unwrap_err();
            assert!(err.to_string().contains("`s1.bin`"), "{err}");
        }
        for i in 0..file.len() {
            let mut flipped = file.clone();
            flipped[i] ^= 0x21;
            assert!(decode_shard(path, &flipped).is_err(), "flip at {i}");
        }
        assert!(matches!(
            decode_shard(path, b"{\"json\": true}"),
            Err(ShardError::NotAShard { .. })
        ));
    }
}
