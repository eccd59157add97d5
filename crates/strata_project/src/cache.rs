//! The incremental index under `.strata/`: per-file facts and file-rule findings, reused when a
//! file is unchanged. Entries are keyed by path and validated by size and modification time,
//! then by a content hash; the whole cache is tied to strata's version and to the settings
//! file rules depend on. Anything unexpected — a truncated, corrupt or foreign file — is
//! reported, discarded and rebuilt: the cache can cost time, never correctness.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use strata_diagnostics::{Diagnostic, Severity};
use strata_lang::{DefKind, Definition, FileFacts, Import, ImportKind, Visibility};
use strata_workspace::atomic::write_atomic_unsynced;

/// Bumped whenever the layout of the cache file changes.
const FORMAT: u32 = 1;

/// Where the cache lives, relative to the repository root.
pub const CACHE_FILE: &str = ".strata/cache/index.bin";

const MAGIC: &[u8] = b"strata-cache\0";

/// Modification times this close to the cache's own write time are not trusted: a file
/// changed again within the file system's timestamp granularity would look unchanged.
const RACY: Duration = Duration::from_secs(2);

/// One file's cached result.
#[derive(Clone)]
pub(crate) struct Entry {
    pub path: String,
    pub size: u64,
    pub mtime_ns: u64,
    pub hash: u64,
    pub facts: FileFacts,
    pub findings: Vec<Finding>,
}

/// A file-rule finding as stored (the rule id as a string).
#[derive(Clone)]
pub(crate) struct Finding {
    rule: String,
    error: bool,
    module: String,
    line: u32,
    column: u32,
    target: Option<String>,
    message: String,
    help: String,
    sensitive: bool,
}

impl Finding {
    pub fn from_diagnostic(d: &Diagnostic) -> Finding {
        Finding {
            rule: d.rule.to_owned(),
            error: d.severity == Severity::Error,
            module: d.module.clone(),
            line: d.line,
            column: d.column,
            target: d.target.clone(),
            message: d.message.clone(),
            help: d.help.clone(),
            sensitive: d.sensitive,
        }
    }

    /// Back to a diagnostic for `file`; `None` for a rule this strata does not know.
    pub fn to_diagnostic(&self, file: &str) -> Option<Diagnostic> {
        let rule = strata_rules::rule(&self.rule)?;
        let mut d = Diagnostic::new(rule.id(), self.message.clone())
            .module(&self.module)
            .at(file, self.line, self.column)
            .help(self.help.clone());
        d.severity = if self.error {
            Severity::Error
        } else {
            Severity::Warning
        };
        d.target.clone_from(&self.target);
        d.sensitive = self.sensitive;
        Some(d)
    }
}

/// The cache as loaded: entries by path, and whether file-rule findings may be reused.
pub(crate) struct Cache {
    path: PathBuf,
    entries: HashMap<String, Entry>,
    rules_key: u64,
    findings_valid: bool,
    written_ns: u64,
}

/// Modification time in nanoseconds since the epoch (0 when unknown).
pub(crate) fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// A fast 64-bit content hash (word at a time). Stable across releases because it is ours.
pub(crate) fn content_hash(bytes: &[u8]) -> u64 {
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

impl Cache {
    /// Load the cache of `root`. Problems are returned as warnings, with an empty cache.
    pub fn load(root: &Path, rules_key: u64, warnings: &mut Vec<String>) -> Cache {
        let path = root.join(CACHE_FILE);
        let mut cache = Cache {
            path: path.clone(),
            entries: HashMap::new(),
            rules_key,
            findings_valid: false,
            written_ns: 0,
        };
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return cache,
            Err(e) => {
                warnings.push(format!(
                    "cannot read the cache `{CACHE_FILE}` ({e}); rebuilding it"
                ));
                return cache;
            }
        };
        let file = match decode(&text) {
            Ok(f) => f,
            Err(what) => {
                warnings.push(format!(
                    "the cache `{CACHE_FILE}` is corrupt ({what}); rebuilding it"
                ));
                return cache;
            }
        };
        if file.format != FORMAT || file.strata != env!("CARGO_PKG_VERSION") {
            warnings.push(format!(
                "the cache `{CACHE_FILE}` was written by another strata ({}, format {}); rebuilding it",
                file.strata, file.format
            ));
            return cache;
        }
        cache.findings_valid = file.rules_key == rules_key;
        cache.written_ns = file.written_ns;
        cache.entries = file
            .entries
            .into_iter()
            .map(|e| (e.path.clone(), e))
            .collect();
        cache
    }

    /// The cached entry for `path` if its size and modification time still match (and the
    /// time is not too close to the cache's own).
    pub fn by_metadata(&self, path: &str, size: u64, mtime: u64) -> Option<&Entry> {
        let e = self.entries.get(path)?;
        let racy = mtime.saturating_add(u64::try_from(RACY.as_nanos()).unwrap_or(u64::MAX))
            >= self.written_ns;
        (e.size == size && e.mtime_ns == mtime && mtime != 0 && !racy).then_some(e)
    }

    /// The cached entry for `path` if its content hash matches.
    pub fn by_hash(&self, path: &str, hash: u64) -> Option<&Entry> {
        self.entries.get(path).filter(|e| e.hash == hash)
    }

    /// Number of cached files.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether cached findings were made with the current file-rule settings.
    pub fn findings_valid(&self) -> bool {
        self.findings_valid
    }

    /// Write `entries` as the new cache, atomically. Failures are warnings.
    pub fn save(&self, mut entries: Vec<Entry>, warnings: &mut Vec<String>) {
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        let text = encode(self.rules_key, now_ns(), &entries);
        // The cache is validated when read, so it need not wait for the disk.
        if let Err(e) = write_atomic_unsynced(&self.path, &text) {
            warnings.push(format!(
                "cannot write the cache `{CACHE_FILE}` ({e}); the next run starts cold"
            ));
        }
    }
}

/// Decode a cache file and encode it again: the bytes strata would write back. For the fuzz
/// targets, which check that decoding never panics and that the round trip is stable.
#[doc(hidden)]
pub fn reencode(buf: &[u8]) -> Result<Vec<u8>, &'static str> {
    let file = decode(buf)?;
    Ok(encode(file.rules_key, file.written_ns, &file.entries))
}

struct CacheFile {
    format: u32,
    strata: String,
    rules_key: u64,
    written_ns: u64,
    entries: Vec<Entry>,
}

// The file format: a magic line, then varint-encoded numbers, length-prefixed UTF-8 strings
// and one byte per enum. Compact and quick to read; anything malformed is "corrupt".

#[allow(clippy::cast_possible_truncation)] // the low 7 bits, on purpose
fn put_u64(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn import_kind(k: ImportKind) -> u8 {
    match k {
        ImportKind::Static => 0,
        ImportKind::TypeOnly => 1,
        ImportKind::ReExport => 2,
        ImportKind::SideEffect => 3,
        ImportKind::Require => 4,
        ImportKind::Dynamic => 5,
        ImportKind::Mod => 6,
        ImportKind::ExternCrate => 7,
        ImportKind::StaticMember => 8,
        ImportKind::Wildcard => 9,
    }
}

const IMPORT_KINDS: [ImportKind; 10] = [
    ImportKind::Static,
    ImportKind::TypeOnly,
    ImportKind::ReExport,
    ImportKind::SideEffect,
    ImportKind::Require,
    ImportKind::Dynamic,
    ImportKind::Mod,
    ImportKind::ExternCrate,
    ImportKind::StaticMember,
    ImportKind::Wildcard,
];

const DEF_KINDS: [DefKind; 8] = [
    DefKind::Function,
    DefKind::Method,
    DefKind::Class,
    DefKind::Struct,
    DefKind::Enum,
    DefKind::Trait,
    DefKind::Interface,
    DefKind::TypeAlias,
];

fn def_kind(k: DefKind) -> u8 {
    u8::try_from(DEF_KINDS.iter().position(|d| *d == k).unwrap_or(0)).unwrap_or(0)
}

#[allow(clippy::cast_possible_truncation)]
fn encode(rules_key: u64, written_ns: u64, entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 256);
    out.extend_from_slice(MAGIC);
    put_u64(&mut out, u64::from(FORMAT));
    put_str(&mut out, env!("CARGO_PKG_VERSION"));
    out.extend_from_slice(&rules_key.to_le_bytes());
    put_u64(&mut out, written_ns);
    put_u64(&mut out, entries.len() as u64);
    for e in entries {
        put_str(&mut out, &e.path);
        put_u64(&mut out, e.size);
        put_u64(&mut out, e.mtime_ns);
        out.extend_from_slice(&e.hash.to_le_bytes());
        put_u64(&mut out, e.facts.imports.len() as u64);
        for i in &e.facts.imports {
            put_str(&mut out, &i.spec);
            put_u64(&mut out, i.names.len() as u64);
            for n in &i.names {
                put_str(&mut out, n);
            }
            out.push(import_kind(i.kind));
            put_u64(&mut out, u64::from(i.line));
            put_u64(&mut out, u64::from(i.column));
        }
        put_u64(&mut out, e.facts.definitions.len() as u64);
        for d in &e.facts.definitions {
            put_str(&mut out, &d.name);
            out.push(def_kind(d.kind));
            out.push(u8::from(d.visibility == Visibility::Public));
            put_u64(&mut out, u64::from(d.start_line));
            put_u64(&mut out, u64::from(d.end_line));
        }
        put_u64(&mut out, e.findings.len() as u64);
        for f in &e.findings {
            put_str(&mut out, &f.rule);
            out.push(u8::from(f.error));
            put_str(&mut out, &f.module);
            put_u64(&mut out, u64::from(f.line));
            put_u64(&mut out, u64::from(f.column));
            match &f.target {
                Some(t) => {
                    out.push(1);
                    put_str(&mut out, t);
                }
                None => out.push(0),
            }
            put_str(&mut out, &f.message);
            put_str(&mut out, &f.help);
            out.push(u8::from(f.sensitive));
        }
    }
    out
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, &'static str> {
        let b = *self.buf.get(self.pos).ok_or("truncated")?;
        self.pos += 1;
        Ok(b)
    }

    fn u64(&mut self) -> Result<u64, &'static str> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err("bad number")
    }

    fn u32(&mut self) -> Result<u32, &'static str> {
        u32::try_from(self.u64()?).map_err(|_| "number out of range")
    }

    fn fixed64(&mut self) -> Result<u64, &'static str> {
        let bytes = self.buf.get(self.pos..self.pos + 8).ok_or("truncated")?;
        self.pos += 8;
        let mut w = [0u8; 8];
        w.copy_from_slice(bytes);
        Ok(u64::from_le_bytes(w))
    }

    fn len(&mut self) -> Result<usize, &'static str> {
        let n = usize::try_from(self.u64()?).map_err(|_| "length out of range")?;
        // Every element takes at least one byte: a longer count is corruption, and checking
        // it keeps a damaged file from asking for huge allocations.
        if n > self.buf.len() - self.pos.min(self.buf.len()) {
            return Err("length past the end");
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<String, &'static str> {
        let n = self.len()?;
        let bytes = self.buf.get(self.pos..self.pos + n).ok_or("truncated")?;
        self.pos += n;
        String::from_utf8(bytes.to_vec()).map_err(|_| "invalid text")
    }
}

fn decode(buf: &[u8]) -> Result<CacheFile, &'static str> {
    let rest = buf.strip_prefix(MAGIC).ok_or("not a strata cache")?;
    let mut r = Reader { buf: rest, pos: 0 };
    let format = r.u32()?;
    let strata = r.str()?;
    if format != FORMAT || strata != env!("CARGO_PKG_VERSION") {
        return Ok(CacheFile {
            format,
            strata,
            rules_key: 0,
            written_ns: 0,
            entries: Vec::new(),
        });
    }
    let rules_key = r.fixed64()?;
    let written_ns = r.u64()?;
    let count = r.len()?;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let path = r.str()?;
        let size = r.u64()?;
        let mtime_ns = r.u64()?;
        let hash = r.fixed64()?;
        let mut facts = FileFacts::default();
        for _ in 0..r.len()? {
            let spec = r.str()?;
            let names = (0..r.len()?)
                .map(|_| r.str())
                .collect::<Result<Vec<_>, _>>()?;
            let kind = *IMPORT_KINDS
                .get(usize::from(r.byte()?))
                .ok_or("bad import kind")?;
            facts.imports.push(Import {
                spec,
                names,
                kind,
                line: r.u32()?,
                column: r.u32()?,
            });
        }
        for _ in 0..r.len()? {
            let name = r.str()?;
            let kind = *DEF_KINDS
                .get(usize::from(r.byte()?))
                .ok_or("bad definition kind")?;
            let visibility = if r.byte()? == 1 {
                Visibility::Public
            } else {
                Visibility::Private
            };
            facts.definitions.push(Definition {
                name,
                kind,
                visibility,
                start_line: r.u32()?,
                end_line: r.u32()?,
            });
        }
        let mut findings = Vec::new();
        for _ in 0..r.len()? {
            let rule = r.str()?;
            let error = r.byte()? == 1;
            let module = r.str()?;
            let (line, column) = (r.u32()?, r.u32()?);
            let target = if r.byte()? == 1 { Some(r.str()?) } else { None };
            findings.push(Finding {
                rule,
                error,
                module,
                line,
                column,
                target,
                message: r.str()?,
                help: r.str()?,
                sensitive: r.byte()? == 1,
            });
        }
        entries.push(Entry {
            path,
            size,
            mtime_ns,
            hash,
            facts,
            findings,
        });
    }
    if r.pos != rest.len() {
        return Err("trailing bytes");
    }
    Ok(CacheFile {
        format,
        strata,
        rules_key,
        written_ns,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let entry = Entry {
            path: "a/b.ts".into(),
            size: 10,
            mtime_ns: 7,
            hash: 99,
            facts: FileFacts {
                imports: vec![Import {
                    spec: "./x".into(),
                    names: vec!["n".into()],
                    kind: ImportKind::ReExport,
                    line: 3,
                    column: 4,
                }],
                definitions: vec![Definition {
                    name: "f".into(),
                    kind: DefKind::Trait,
                    visibility: Visibility::Public,
                    start_line: 1,
                    end_line: 9,
                }],
            },
            findings: vec![Finding {
                rule: "hardcoded-secret".into(),
                error: true,
                module: "m".into(),
                line: 2,
                column: 5,
                target: Some("k".into()),
                message: "msg".into(),
                help: "h".into(),
                sensitive: true,
            }],
        };
        let bytes = encode(42, 1000, std::slice::from_ref(&entry));
        let file = decode(&bytes).unwrap();
        assert_eq!(file.rules_key, 42);
        let back = &file.entries[0];
        assert_eq!(
            (back.path.as_str(), back.size, back.mtime_ns, back.hash),
            ("a/b.ts", 10, 7, 99)
        );
        assert_eq!(back.facts, entry.facts);
        assert_eq!(
            back.findings[0]
                .to_diagnostic("a/b.ts")
                .unwrap()
                .target
                .as_deref(),
            Some("k")
        );
        // Every truncation and a flipped byte are errors, never panics.
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_err(), "truncated at {n}");
        }
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0xff;
        let _ = decode(&flipped);
        assert!(decode(b"garbage").is_err());
    }

    #[test]
    fn hash_is_stable_and_sensitive() {
        assert_eq!(content_hash(b"hello world"), content_hash(b"hello world"));
        assert_ne!(content_hash(b"hello world"), content_hash(b"hello worle"));
        assert_ne!(content_hash(b""), content_hash(b"\0"));
        assert_ne!(content_hash(b"ab"), content_hash(b"ba"));
    }
}
