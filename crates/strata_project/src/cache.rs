//! The incremental index under `.strata/`: per-file facts and file-rule findings, reused when a
//! file is unchanged. Entries are keyed by path and validated by size and modification time,
//! then by a content hash; the whole cache is tied to strata's version and to the settings
//! file rules depend on. Anything unexpected — a truncated, corrupt or foreign file — is
//! reported, discarded and rebuilt: the cache can cost time, never correctness.
//!
//! Each entry may also carry the file's resolved imports. Those stay valid while the set of
//! files is the same and every file the resolvers read (manifests, `tsconfig.json`, crate roots)
//! is unchanged: the cache records that set with their hashes, and a run that finds it intact
//! resolves only the files that changed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use strata_diagnostics::{Diagnostic, Severity};
use strata_lang::{DefKind, Definition, FileFacts, Import, ImportKind, Visibility};
use strata_lang::{content_hash, mtime_ns};
use strata_workspace::atomic::write_atomic_unsynced;

/// Bumped whenever the layout of the cache file or what extraction produces changes.
pub(crate) const FORMAT: u32 = 6;

/// The strata that writes and trusts a cache: its version and a fingerprint of the sources
/// that decide what the cache holds (see `build.rs`), so a rebuilt strata never reads facts
/// an older build extracted.
pub(crate) const STRATA: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("STRATA_SOURCES_ID"));

/// Entries per independently decodable chunk (chunks decode in parallel).
const CHUNK: usize = 2048;

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
    pub facts: Facts,
    pub findings: Vec<Finding>,
    /// The file's resolved imports, when known and still valid.
    pub resolved: Option<Resolved>,
}

impl Entry {
    /// Whether the file's size and modification time still match, at a time far enough from
    /// the cache's write to be trusted.
    pub fn fresh(&self, size: u64, mtime: u64, written_ns: u64) -> bool {
        fresh(self.size, self.mtime_ns, size, mtime, written_ns)
    }
}

fn fresh(size: u64, mtime: u64, now_size: u64, now_mtime: u64, written_ns: u64) -> bool {
    let racy =
        now_mtime.saturating_add(u64::try_from(RACY.as_nanos()).unwrap_or(u64::MAX)) >= written_ns;
    size == now_size && mtime == now_mtime && now_mtime != 0 && !racy
}

/// A file's facts: extracted in this run, or still encoded in the cache file (decoded only
/// when asked for; a warm `check` with valid resolutions never needs them).
#[derive(Clone)]
pub(crate) enum Facts {
    Owned(FileFacts),
    Cached {
        buf: Arc<Vec<u8>>,
        range: std::ops::Range<usize>,
    },
}

impl Facts {
    /// The facts, decoded if need be. The cache's checksum was verified when it was loaded,
    /// so decoding only fails if strata wrote something it cannot read; the file then counts
    /// as having no facts.
    pub fn decode(&self) -> std::borrow::Cow<'_, FileFacts> {
        match self {
            Facts::Owned(f) => std::borrow::Cow::Borrowed(f),
            Facts::Cached { buf, range } => std::borrow::Cow::Owned(
                buf.get(range.clone())
                    .and_then(|b| decode_facts(&mut Reader { buf: b, pos: 0 }).ok())
                    .unwrap_or_default(),
            ),
        }
    }
}

/// What resolution made of one file's imports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// (target source index, line, column), one per target file, sorted.
    pub edges: Vec<(u32, u32, u32)>,
    /// Third-party packages, in import order.
    pub external: Vec<String>,
}

/// A file the resolvers read, as it was.
pub(crate) type Input = strata_lang::FileRead;

/// What cached resolutions depend on: the whole file list (by hash) and the files the
/// resolvers read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ResolutionKey {
    pub tree_hash: u64,
    pub inputs: Vec<Input>,
}

impl ResolutionKey {
    /// Whether every input is unchanged (by metadata, else by content).
    pub fn holds(&self, root: &Path, written_ns: u64) -> bool {
        self.inputs.par_iter().all(|i| {
            let full = root.join(&i.path);
            let Ok(meta) = std::fs::metadata(&full) else {
                return false;
            };
            if fresh(i.size, i.mtime_ns, meta.len(), mtime_ns(&meta), written_ns) {
                return true;
            }
            std::fs::read(&full).is_ok_and(|b| content_hash(&b) == i.hash)
        })
    }
}

/// A hash of the file list.
pub(crate) fn tree_hash(paths: &[String]) -> u64 {
    let mut all = Vec::with_capacity(paths.iter().map(|p| p.len() + 1).sum());
    for p in paths {
        all.extend_from_slice(p.as_bytes());
        all.push(b'\n');
    }
    content_hash(&all)
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

/// The cache as loaded: entries sorted by path, and whether file-rule findings and resolutions
/// may be reused.
pub(crate) struct Cache {
    path: PathBuf,
    entries: Vec<Entry>,
    rules_key: u64,
    findings_valid: bool,
    written_ns: u64,
    resolution: Option<ResolutionKey>,
    /// Number of entries the file held.
    loaded: usize,
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl Cache {
    /// Load the cache of `root`. Problems are returned as warnings, with an empty cache.
    pub fn load(root: &Path, rules_key: u64, warnings: &mut Vec<String>) -> Cache {
        let path = root.join(CACHE_FILE);
        let mut cache = Cache {
            path: path.clone(),
            entries: Vec::new(),
            rules_key,
            findings_valid: false,
            written_ns: 0,
            resolution: None,
            loaded: 0,
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
        let file = match decode(&Arc::new(text), false) {
            Ok(f) => f,
            Err(what) => {
                warnings.push(format!(
                    "the cache `{CACHE_FILE}` is corrupt ({what}); rebuilding it"
                ));
                return cache;
            }
        };
        if file.format != FORMAT || file.strata != STRATA {
            warnings.push(format!(
                "the cache `{CACHE_FILE}` was written by another strata ({}, format {}); rebuilding it",
                file.strata, file.format
            ));
            return cache;
        }
        cache.findings_valid = file.rules_key == rules_key;
        cache.written_ns = file.written_ns;
        cache.resolution = file.resolution;
        cache.loaded = file.entries.len();
        cache.entries = file.entries;
        cache
    }

    /// The cached entry of each of `paths` (sorted, like the entries), moved out of the cache.
    pub fn take_aligned(
        &mut self,
        paths: impl Iterator<Item = impl AsRef<str>>,
    ) -> Vec<Option<Entry>> {
        let mut cached = std::mem::take(&mut self.entries).into_iter().peekable();
        paths
            .map(|p| {
                let p = p.as_ref();
                while cached.next_if(|e| e.path.as_str() < p).is_some() {}
                cached.next_if(|e| e.path == p)
            })
            .collect()
    }

    /// Number of entries the cache file held.
    pub fn loaded(&self) -> usize {
        self.loaded
    }

    /// When the cache was written (nanoseconds since the epoch).
    pub fn written_ns(&self) -> u64 {
        self.written_ns
    }

    /// Whether cached findings were made with the current file-rule settings.
    pub fn findings_valid(&self) -> bool {
        self.findings_valid
    }

    /// The resolution key the cached resolutions were made under.
    pub fn resolution(&self) -> Option<&ResolutionKey> {
        self.resolution.as_ref()
    }

    /// Write `entries` (sorted by path) as the new cache, atomically. Failures are warnings.
    pub fn save(
        &self,
        entries: &[&Entry],
        resolution: Option<&ResolutionKey>,
        warnings: &mut Vec<String>,
    ) {
        let text = encode(self.rules_key, now_ns(), resolution, entries);
        // The cache is validated when read, so it need not wait for the disk.
        if let Err(e) = write_atomic_unsynced(&self.path, &text) {
            warnings.push(format!(
                "cannot write the cache `{CACHE_FILE}` ({e}); the next run starts cold"
            ));
        }
    }
}

/// A cache file holding `entries` (sorted by path) with no resolution, as of `written_ns`:
/// what a shard carries and what merged shards become.
pub(crate) fn encode_entries(rules_key: u64, written_ns: u64, entries: &[&Entry]) -> Vec<u8> {
    encode(rules_key, written_ns, None, entries)
}

/// The file-rule key and the entries of a cache file this strata wrote (facts left encoded).
pub(crate) fn decode_entries(buf: Vec<u8>) -> Result<(u64, Vec<Entry>), &'static str> {
    let file = decode(&Arc::new(buf), false)?;
    if file.format != FORMAT || file.strata != STRATA {
        return Err("written by another strata");
    }
    Ok((file.rules_key, file.entries))
}

/// Write `entries` (sorted by path) as the cache file at `path`, atomically.
pub(crate) fn write_entries(
    path: &Path,
    rules_key: u64,
    entries: &[&Entry],
) -> std::io::Result<()> {
    write_atomic_unsynced(path, &encode(rules_key, now_ns(), None, entries))
}

/// Decode a cache file and encode it again: the bytes strata would write back. For the fuzz
/// targets, which check that decoding never panics and that the round trip is stable.
#[doc(hidden)]
pub fn reencode(buf: &[u8]) -> Result<Vec<u8>, &'static str> {
    let buf = as_written_here(buf).unwrap_or_else(|| buf.to_vec());
    let file = decode(&Arc::new(buf), true)?;
    Ok(encode(
        file.rules_key,
        file.written_ns,
        file.resolution.as_ref(),
        &file.entries.iter().collect::<Vec<_>>(),
    ))
}

/// The cache as if this strata had written it: its own version string and a fresh checksum.
/// Fuzz inputs then reach the body whichever build wrote the seeds; `None` when the header
/// does not parse.
fn as_written_here(buf: &[u8]) -> Option<Vec<u8>> {
    let body_end = buf.len().checked_sub(8)?;
    if buf.get(..MAGIC.len()) != Some(MAGIC) {
        return None;
    }
    let mut r = Reader {
        buf: buf.get(..body_end)?,
        pos: MAGIC.len(),
    };
    let format = r.u32().ok()?;
    r.str().ok()?;
    let mut out = MAGIC.to_vec();
    put_u64(&mut out, u64::from(format));
    put_str(&mut out, STRATA);
    out.extend_from_slice(buf.get(r.pos..body_end)?);
    let sum = content_hash(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    Some(out)
}

struct CacheFile {
    format: u32,
    strata: String,
    rules_key: u64,
    written_ns: u64,
    resolution: Option<ResolutionKey>,
    entries: Vec<Entry>,
}

// The file format: a magic line, then varint-encoded numbers, length-prefixed UTF-8 strings
// and one byte per enum. Compact and quick to read; anything malformed is "corrupt".

#[allow(clippy::cast_possible_truncation)] // the low 7 bits, on purpose
pub(crate) fn put_u64(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
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
        ImportKind::Qualified => 10,
    }
}

const IMPORT_KINDS: [ImportKind; 11] = [
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
    ImportKind::Qualified,
];

const DEF_KINDS: [DefKind; 9] = [
    DefKind::Function,
    DefKind::Method,
    DefKind::Class,
    DefKind::Struct,
    DefKind::Enum,
    DefKind::Trait,
    DefKind::Interface,
    DefKind::TypeAlias,
    DefKind::Const,
];

fn def_kind(k: DefKind) -> u8 {
    u8::try_from(DEF_KINDS.iter().position(|d| *d == k).unwrap_or(0)).unwrap_or(0)
}

fn encode(
    rules_key: u64,
    written_ns: u64,
    resolution: Option<&ResolutionKey>,
    entries: &[&Entry],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + entries.len() * 256);
    out.extend_from_slice(MAGIC);
    put_u64(&mut out, u64::from(FORMAT));
    put_str(&mut out, STRATA);
    out.extend_from_slice(&rules_key.to_le_bytes());
    put_u64(&mut out, written_ns);
    match resolution {
        Some(key) => {
            out.push(1);
            out.extend_from_slice(&key.tree_hash.to_le_bytes());
            put_u64(&mut out, key.inputs.len() as u64);
            for i in &key.inputs {
                put_str(&mut out, &i.path);
                put_u64(&mut out, i.size);
                put_u64(&mut out, i.mtime_ns);
                out.extend_from_slice(&i.hash.to_le_bytes());
            }
        }
        None => out.push(0),
    }
    put_u64(&mut out, entries.len() as u64);
    let chunks: Vec<Vec<u8>> = entries
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.len() * 256);
            for e in chunk {
                encode_entry(&mut out, e);
            }
            out
        })
        .collect();
    put_u64(&mut out, chunks.len() as u64);
    for c in &chunks {
        put_u64(&mut out, c.len() as u64);
        out.extend_from_slice(c);
    }
    let sum = content_hash(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

fn encode_facts(out: &mut Vec<u8>, facts: &FileFacts) {
    put_u64(out, u64::from(facts.lines));
    put_u64(out, facts.imports.len() as u64);
    for i in &facts.imports {
        put_str(out, &i.spec);
        put_u64(out, i.names.len() as u64);
        for n in &i.names {
            put_str(out, n);
        }
        out.push(import_kind(i.kind));
        put_u64(out, u64::from(i.line));
        put_u64(out, u64::from(i.column));
    }
    put_u64(out, facts.definitions.len() as u64);
    for d in &facts.definitions {
        put_str(out, &d.name);
        out.push(def_kind(d.kind));
        out.push(u8::from(d.visibility == Visibility::Public));
        put_u64(out, u64::from(d.start_line));
        put_u64(out, u64::from(d.end_line));
        put_str(out, &d.signature);
        match &d.doc {
            Some(doc) => {
                out.push(1);
                put_str(out, doc);
            }
            None => out.push(0),
        }
        put_u64(out, d.tokens.len() as u64);
        out.extend_from_slice(&d.tokens);
        out.extend_from_slice(&d.fingerprint.to_le_bytes());
        put_u64(out, u64::from(d.complexity));
        put_u64(out, u64::from(d.nesting));
    }
}

fn encode_entry(out: &mut Vec<u8>, e: &Entry) {
    put_str(out, &e.path);
    put_u64(out, e.size);
    put_u64(out, e.mtime_ns);
    out.extend_from_slice(&e.hash.to_le_bytes());
    match &e.facts {
        Facts::Owned(facts) => {
            let mut bytes = Vec::with_capacity(256);
            encode_facts(&mut bytes, facts);
            put_u64(out, bytes.len() as u64);
            out.extend_from_slice(&bytes);
        }
        Facts::Cached { buf, range } => {
            let bytes = buf.get(range.clone()).unwrap_or_default();
            put_u64(out, bytes.len() as u64);
            out.extend_from_slice(bytes);
        }
    }
    put_u64(out, e.findings.len() as u64);
    for f in &e.findings {
        put_str(out, &f.rule);
        out.push(u8::from(f.error));
        put_str(out, &f.module);
        put_u64(out, u64::from(f.line));
        put_u64(out, u64::from(f.column));
        match &f.target {
            Some(t) => {
                out.push(1);
                put_str(out, t);
            }
            None => out.push(0),
        }
        put_str(out, &f.message);
        put_str(out, &f.help);
        out.push(u8::from(f.sensitive));
    }
    match &e.resolved {
        Some(r) => {
            out.push(1);
            put_u64(out, r.edges.len() as u64);
            for &(to, line, column) in &r.edges {
                put_u64(out, u64::from(to));
                put_u64(out, u64::from(line));
                put_u64(out, u64::from(column));
            }
            put_u64(out, r.external.len() as u64);
            for x in &r.external {
                put_str(out, x);
            }
        }
        None => out.push(0),
    }
}

pub(crate) struct Reader<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
}

impl Reader<'_> {
    pub fn byte(&mut self) -> Result<u8, &'static str> {
        let b = *self.buf.get(self.pos).ok_or("truncated")?;
        self.pos += 1;
        Ok(b)
    }

    pub fn u64(&mut self) -> Result<u64, &'static str> {
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

    pub fn u32(&mut self) -> Result<u32, &'static str> {
        u32::try_from(self.u64()?).map_err(|_| "number out of range")
    }

    pub fn fixed64(&mut self) -> Result<u64, &'static str> {
        let bytes = self.buf.get(self.pos..self.pos + 8).ok_or("truncated")?;
        self.pos += 8;
        let mut w = [0u8; 8];
        w.copy_from_slice(bytes);
        Ok(u64::from_le_bytes(w))
    }

    pub fn len(&mut self) -> Result<usize, &'static str> {
        let n = usize::try_from(self.u64()?).map_err(|_| "length out of range")?;
        // Every element takes at least one byte: a longer count is corruption, and checking
        // it keeps a damaged file from asking for huge allocations.
        if n > self.buf.len() - self.pos.min(self.buf.len()) {
            return Err("length past the end");
        }
        Ok(n)
    }

    pub fn str(&mut self) -> Result<String, &'static str> {
        let n = self.len()?;
        let bytes = self.buf.get(self.pos..self.pos + n).ok_or("truncated")?;
        self.pos += n;
        String::from_utf8(bytes.to_vec()).map_err(|_| "invalid text")
    }
}

/// Decode a cache file. Facts stay encoded (ranges into `buf`) unless `eager`.
fn decode(buf: &Arc<Vec<u8>>, eager: bool) -> Result<CacheFile, &'static str> {
    let body_end = buf.len().checked_sub(8).ok_or("truncated")?;
    let mut sum = [0u8; 8];
    sum.copy_from_slice(&buf[body_end..]);
    let start = MAGIC.len();
    if buf.get(..start) != Some(MAGIC) {
        return Err("not a strata cache");
    }
    let body = &buf[..body_end];
    let mut r = Reader {
        buf: body,
        pos: start,
    };
    let format = r.u32()?;
    let strata = r.str()?;
    if format != FORMAT || strata != STRATA {
        return Ok(CacheFile {
            format,
            strata,
            rules_key: 0,
            written_ns: 0,
            resolution: None,
            entries: Vec::new(),
        });
    }
    if content_hash(body) != u64::from_le_bytes(sum) {
        return Err("checksum mismatch");
    }
    let rules_key = r.fixed64()?;
    let written_ns = r.u64()?;
    let resolution = match r.byte()? {
        0 => None,
        1 => {
            let tree_hash = r.fixed64()?;
            let inputs = (0..r.len()?)
                .map(|_| {
                    Ok(Input {
                        path: r.str()?,
                        size: r.u64()?,
                        mtime_ns: r.u64()?,
                        hash: r.fixed64()?,
                    })
                })
                .collect::<Result<Vec<_>, &'static str>>()?;
            Some(ResolutionKey { tree_hash, inputs })
        }
        _ => return Err("bad resolution flag"),
    };
    let count = r.len()?;
    let mut chunks = Vec::new();
    for _ in 0..r.len()? {
        let n = r.len()?;
        chunks.push(r.pos..r.pos + n);
        r.pos += n;
    }
    if r.pos != body.len() {
        return Err("trailing bytes");
    }
    let decoded: Vec<Vec<Entry>> = chunks
        .into_par_iter()
        .map(|chunk| {
            let mut r = Reader {
                buf: body.get(..chunk.end).ok_or("truncated")?,
                pos: chunk.start,
            };
            let mut entries = Vec::with_capacity(CHUNK);
            while r.pos < chunk.end {
                entries.push(decode_entry(&mut r, buf, eager)?);
            }
            Ok(entries)
        })
        .collect::<Result<_, &'static str>>()?;
    let entries: Vec<Entry> = decoded.into_iter().flatten().collect();
    if entries.len() != count {
        return Err("wrong number of entries");
    }
    Ok(CacheFile {
        format,
        strata,
        rules_key,
        written_ns,
        resolution,
        entries,
    })
}

fn decode_facts(r: &mut Reader<'_>) -> Result<FileFacts, &'static str> {
    let mut facts = FileFacts {
        lines: r.u32()?,
        ..FileFacts::default()
    };
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
        let start_line = r.u32()?;
        let end_line = r.u32()?;
        let signature = r.str()?;
        let doc = match r.byte()? {
            0 => None,
            1 => Some(r.str()?),
            _ => return Err("bad doc flag"),
        };
        let n = r.len()?;
        let tokens = r.buf.get(r.pos..r.pos + n).ok_or("truncated")?.to_vec();
        r.pos += n;
        facts.definitions.push(Definition {
            name,
            kind,
            visibility,
            start_line,
            end_line,
            signature,
            doc,
            tokens,
            fingerprint: r.fixed64()?,
            complexity: r.u32()?,
            nesting: r.u32()?,
        });
    }
    if r.pos != r.buf.len() {
        return Err("trailing bytes in facts");
    }
    Ok(facts)
}

fn decode_entry(
    r: &mut Reader<'_>,
    whole: &Arc<Vec<u8>>,
    eager: bool,
) -> Result<Entry, &'static str> {
    let path = r.str()?;
    let size = r.u64()?;
    let mtime_ns = r.u64()?;
    let hash = r.fixed64()?;
    let n = r.len()?;
    let range = r.pos..r.pos + n;
    r.pos += n;
    let facts = if eager {
        let bytes = r.buf.get(range).ok_or("truncated")?;
        Facts::Owned(decode_facts(&mut Reader { buf: bytes, pos: 0 })?)
    } else {
        Facts::Cached {
            buf: Arc::clone(whole),
            range,
        }
    };
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
    let resolved = match r.byte()? {
        0 => None,
        1 => {
            let edges = (0..r.len()?)
                .map(|_| Ok((r.u32()?, r.u32()?, r.u32()?)))
                .collect::<Result<Vec<_>, &'static str>>()?;
            let external = (0..r.len()?)
                .map(|_| r.str())
                .collect::<Result<Vec<_>, _>>()?;
            Some(Resolved { edges, external })
        }
        _ => return Err("bad resolution flag"),
    };
    Ok(Entry {
        path,
        size,
        mtime_ns,
        hash,
        facts,
        findings,
        resolved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let facts = FileFacts {
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
                signature: "trait f<T> where T: Clone".into(),
                doc: Some("A trait.".into()),
                tokens: vec![0, 1, 2, 40, 200],
                fingerprint: 0xdead_beef_0123_4567,
                complexity: 7,
                nesting: 2,
            }],
            lines: 12,
        };
        let entry = Entry {
            path: "a/b.ts".into(),
            size: 10,
            mtime_ns: 7,
            hash: 99,
            facts: Facts::Owned(facts.clone()),
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
            resolved: Some(Resolved {
                edges: vec![(3, 1, 8)],
                external: vec!["react".into()],
            }),
        };
        let key = ResolutionKey {
            tree_hash: 5,
            inputs: vec![Input {
                path: "package.json".into(),
                size: 2,
                mtime_ns: 3,
                hash: 4,
            }],
        };
        let bytes = encode(42, 1000, Some(&key), &[&entry]);
        let decode = |b: &[u8], eager| decode(&Arc::new(b.to_vec()), eager);
        for eager in [false, true] {
            let file = decode(&bytes, eager).unwrap();
            assert_eq!(file.rules_key, 42);
            let back = &file.entries[0];
            assert_eq!(
                (back.path.as_str(), back.size, back.mtime_ns, back.hash),
                ("a/b.ts", 10, 7, 99)
            );
            assert_eq!(*back.facts.decode(), facts);
            assert_eq!(back.resolved, entry.resolved);
            assert_eq!(file.resolution.as_ref(), Some(&key));
            // Re-encoding facts still encoded copies their bytes as they are.
            assert_eq!(encode(42, 1000, Some(&key), &[back]), bytes);
        }
        let file = decode(&bytes, false).unwrap();
        let back = &file.entries[0];
        assert_eq!(
            back.findings[0]
                .to_diagnostic("a/b.ts")
                .unwrap()
                .target
                .as_deref(),
            Some("k")
        );
        // Every truncation and every flipped byte is an error (the checksum), never a panic
        // and never a different cache. A flip in the version string reads as another
        // strata's cache, which is discarded too.
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n], false).is_err(), "truncated at {n}");
        }
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x55;
            match decode(&flipped, false) {
                Err(_) => {}
                Ok(f) => assert!(
                    f.format != FORMAT || f.strata != STRATA,
                    "flip at {i} accepted"
                ),
            }
        }
        assert!(decode(b"garbage", false).is_err());

        // Another build's cache (same version number, other sources) is not trusted; the fuzz
        // entry point reads it as if written here.
        let mut other = MAGIC.to_vec();
        put_u64(&mut other, u64::from(FORMAT));
        put_str(
            &mut other,
            concat!(env!("CARGO_PKG_VERSION"), "+0000000000000000"),
        );
        let header_len = {
            let mut r = Reader {
                buf: &bytes,
                pos: MAGIC.len(),
            };
            r.u32().unwrap();
            r.str().unwrap();
            r.pos
        };
        other.extend_from_slice(&bytes[header_len..bytes.len() - 8]);
        let sum = content_hash(&other);
        other.extend_from_slice(&sum.to_le_bytes());
        let file = decode(&other, true).unwrap();
        assert!(file.entries.is_empty() && file.strata != STRATA);
        assert_eq!(reencode(&other).unwrap(), reencode(&bytes).unwrap());
    }

    #[test]
    fn hash_is_stable_and_sensitive() {
        assert_eq!(content_hash(b"hello world"), content_hash(b"hello world"));
        assert_ne!(content_hash(b"hello world"), content_hash(b"hello worle"));
        assert_ne!(content_hash(b""), content_hash(b"\0"));
        assert_ne!(content_hash(b"ab"), content_hash(b"ba"));
    }
}
