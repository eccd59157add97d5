//! The scan: every source file read once, its facts extracted, its imports resolved — in
//! parallel — and the file and module graphs built from the result.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::OnceLock;

use rayon::prelude::*;
use strata_graph::{FileEdge, Graph};
use strata_lang::{FileFacts, FileId, Lang, Resolver, SourceTree, Target, frontend};

use strata_diagnostics::Diagnostic;
use strata_rules::{Endpoints, FileContext};

use strata_lang::content_hash;
use strata_workspace::FileMeta;

use crate::cache::{Cache, Entry, Facts, Finding, ResolutionKey, Resolved, tree_hash};
use crate::{Project, SourceFile};

/// Whether the cache had a file's facts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hit {
    /// Extracted anew.
    Miss,
    /// Same content as cached (read and hashed, not extracted).
    Content,
    /// Unchanged size and modification time: not even read.
    Metadata,
}

/// One source file after the read phase.
enum Read {
    Failed(String),
    Done {
        entry: Entry,
        /// How the cache served the file.
        hit: Hit,
        findings: Vec<Diagnostic>,
    },
}

/// What file-phase rules depend on besides the file itself: their code, their levels and the
/// declared endpoints. Cached findings are reused only while it is unchanged.
pub(crate) fn file_rules_key(project: &Project, endpoints: &Endpoints) -> u64 {
    let mut key = String::new();
    for rule in strata_rules::RULES
        .iter()
        .filter(|r| r.phase() == strata_rules::Phase::File)
    {
        key.push_str(rule.id());
        key.push_str(project.settings.level(*rule).as_str());
        // The rule's own code: a strata whose file rules changed does not trust old findings.
        key.push_str(rule.source());
    }
    let mut ports: Vec<_> = endpoints.ports.iter().collect();
    ports.sort();
    let _ = write!(key, "{ports:?}{:?}", endpoints.base_paths);
    content_hash(key.as_bytes())
}

/// How much a scan does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Everything: facts, file-rule findings, resolved imports and the graphs.
    Full,
    /// Each file's facts only (definitions, imports unresolved): no findings, no edges.
    Facts,
}

fn read_file(
    project: &Project,
    scope: Scope,
    s: &SourceFile,
    endpoints: &Endpoints,
    walked: Option<FileMeta>,
    cached: Option<Entry>,
    cache: Option<&Cache>,
) -> Read {
    let full = project.root.join(&s.path);
    let findings_of = |e: &Entry| {
        e.findings
            .iter()
            .filter_map(|f| f.to_diagnostic(&s.path))
            .collect::<Vec<_>>()
    };
    // The walk saw the file's metadata already; stat only what it did not.
    let meta = walked.or_else(|| std::fs::metadata(&full).ok().map(|m| FileMeta::of(&m)));
    let mtime = meta.map_or(0, |m| m.mtime_ns);
    let findings_valid = cache.is_some_and(Cache::findings_valid);
    if let (Some(cache), Some(meta), Some(e)) = (cache, meta, &cached) {
        if findings_valid && e.fresh(meta.size, mtime, cache.written_ns()) {
            let findings = findings_of(e);
            return Read::Done {
                findings,
                entry: cached.unwrap_or_else(|| unreachable_entry(s)),
                hit: Hit::Metadata,
            };
        }
    }
    let bytes = match std::fs::read(&full) {
        Ok(b) => b,
        Err(e) => return Read::Failed(e.to_string()),
    };
    let hash = content_hash(&bytes);
    let run_rules = || {
        let mut findings = Vec::new();
        if scope == Scope::Facts {
            return findings;
        }
        let cx = FileContext {
            path: &s.path,
            module: s.module.map_or("", |m| project.modules[m].name()),
            bytes: &bytes,
            endpoints,
        };
        strata_rules::run_file(&cx, &project.settings, &mut findings);
        findings
    };
    let (facts, findings, resolved, hit) = match cached.filter(|e| e.hash == hash) {
        Some(e) => {
            let findings = if findings_valid {
                findings_of(&e)
            } else {
                run_rules()
            };
            (e.facts, findings, e.resolved, Hit::Content)
        }
        None => (
            Facts::Owned(frontend(s.lang).extract(&s.path, &bytes)),
            run_rules(),
            None,
            Hit::Miss,
        ),
    };
    let entry = Entry {
        path: s.path.clone(),
        size: bytes.len() as u64,
        mtime_ns: mtime,
        hash,
        facts,
        findings: findings.iter().map(Finding::from_diagnostic).collect(),
        resolved,
    };
    Read::Done {
        entry,
        hit,
        findings,
    }
}

/// The cache entries of the sources at `selected` (indices into [`Project::sources`]), read
/// and extracted anew with their file-rule findings and no resolution (a shard's part of a
/// scan), and the files that could not be read (path, reason). Also the key the findings were
/// made under.
pub(crate) fn extract(
    project: &Project,
    selected: &[usize],
) -> (u64, Vec<Entry>, Vec<(String, String)>) {
    let endpoints = Endpoints::from_modules(&project.declared_modules());
    let read: Vec<(&SourceFile, Read)> = selected
        .par_iter()
        .filter_map(|&i| project.sources.get(i))
        .map(|s| {
            let r = read_file(project, Scope::Full, s, &endpoints, None, None, None);
            (s, r)
        })
        .collect();
    let mut entries = Vec::with_capacity(read.len());
    let mut unreadable = Vec::new();
    for (s, r) in read {
        match r {
            Read::Done { entry, .. } => entries.push(entry),
            Read::Failed(e) => unreadable.push((s.path.clone(), e)),
        }
    }
    (file_rules_key(project, &endpoints), entries, unreadable)
}

/// Never called: the entry is present whenever the metadata check passed.
fn unreachable_entry(s: &SourceFile) -> Entry {
    Entry {
        path: s.path.clone(),
        size: 0,
        mtime_ns: 0,
        hash: 0,
        facts: Facts::Owned(FileFacts::default()),
        findings: Vec::new(),
        resolved: None,
    }
}

/// What the scan knows about the repository.
pub struct Index {
    pub tree: SourceTree,
    /// Facts per source file (same order as [`Project::sources`]), some still encoded in the
    /// cache; see [`Index::facts`].
    facts: Vec<Facts>,
    /// The number of source files.
    files: usize,
    decoded: OnceLock<Vec<FileFacts>>,
    /// Sorted by (from, to); one edge per pair.
    pub file_edges: Vec<FileEdge>,
    /// Module-level edges: (from, to) -> number of file edges between them.
    pub module_edges: BTreeMap<(usize, usize), usize>,
    /// Third-party packages each module imports, sorted.
    pub external: Vec<BTreeSet<String>>,
    /// Files that could not be read (path, reason); they are treated as empty.
    pub unreadable: Vec<(String, String)>,
    /// Findings of file-phase rules (secrets, endpoints), made while each file was in memory.
    pub file_findings: Vec<Diagnostic>,
    /// Files whose facts came from the cache (unchanged metadata or unchanged content).
    pub cache_hits: usize,
    /// Files whose imports were resolved in this run (the others' resolutions were cached).
    pub resolved: usize,
    /// Problems with the cache (discarded, not writable); never errors.
    pub warnings: Vec<String>,
    /// Made on first use: see [`Index::symbols`] and [`Index::fan_in`].
    symbols: OnceLock<crate::find::Symbols>,
    fan_in: OnceLock<Vec<usize>>,
    /// Each language's resolver (in [`Lang::ALL`] order): the scan's, else made on first use.
    resolvers: [OnceLock<Box<dyn Resolver>>; Lang::ALL.len()],
    /// The first file edge of each module edge, made on first use.
    module_edge_examples: OnceLock<Vec<FileEdge>>,
}

/// The slot of `lang` in [`Lang::ALL`].
fn lang_slot(lang: Lang) -> usize {
    Lang::ALL.iter().position(|&l| l == lang).unwrap_or(0)
}

impl Index {
    /// Facts per source file (same order as [`Project::sources`]). Facts served by the cache
    /// are decoded on the first call (in parallel), not before: checks that need only the
    /// graph never pay for them.
    pub fn facts(&self) -> &[FileFacts] {
        self.decoded.get_or_init(|| {
            self.facts
                .par_iter()
                .map(|f| f.decode().into_owned())
                .collect()
        })
    }

    /// Every definition's name, for `find` (built on the first call).
    pub(crate) fn symbols(&self) -> &crate::find::Symbols {
        self.symbols
            .get_or_init(|| crate::find::Symbols::new(self.facts()))
    }

    /// The number of files importing each source file (computed on the first call).
    pub fn fan_in(&self) -> &[usize] {
        self.fan_in.get_or_init(|| {
            let mut fan_in = vec![0usize; self.files];
            for e in &self.file_edges {
                if let Some(n) = fan_in.get_mut(e.to as usize) {
                    *n += 1;
                }
            }
            fan_in
        })
    }

    /// The import resolver of `lang` over [`Index::tree`]: the one the scan built, else one
    /// built on the first call and kept (building reads manifests and configuration files and
    /// takes 5 to 30 ms on 50,000 files).
    pub fn resolver(&self, lang: Lang) -> &dyn Resolver {
        self.resolvers[lang_slot(lang)]
            .get_or_init(|| frontend(lang).resolver(&self.tree))
            .as_ref()
    }

    /// For each module edge, the first file edge that makes it (by importing file, then
    /// imported file): the import `strata check` shows for it. `sources` are the project's.
    pub(crate) fn module_edge_examples(&self, sources: &[SourceFile]) -> &[FileEdge] {
        self.module_edge_examples.get_or_init(|| {
            let mut seen = std::collections::HashSet::new();
            self.file_edges
                .iter()
                .filter(|e| {
                    let module = |f: u32| sources.get(f as usize).and_then(|s| s.module);
                    match (module(e.from), module(e.to)) {
                        (Some(a), Some(b)) => a != b && seen.insert((a, b)),
                        _ => false,
                    }
                })
                .copied()
                .collect()
        })
    }

    /// The module graph (nodes are indices into [`Project::modules`]).
    pub fn module_graph(&self, modules: usize) -> Graph {
        Graph::new(
            modules,
            self.module_edges
                .keys()
                .filter_map(|&(a, b)| Some((u32::try_from(a).ok()?, u32::try_from(b).ok()?))),
        )
    }

    /// The file graph (nodes are indices into [`Project::sources`]).
    pub fn file_graph(&self) -> Graph {
        Graph::new(self.files, self.file_edges.iter().map(|e| (e.from, e.to)))
    }
}

/// Scan the project. A [`Scope::Facts`] scan must not use the cache (it would save entries
/// without findings or resolutions).
/// With [`Project::lazy_cache`], the cache is rewritten once this many files were read anew.
const LAZY_CACHE_REWRITE: usize = 1000;

pub(crate) fn build(project: &Project, scope: Scope) -> Index {
    let tree = SourceTree::new(project.root.clone(), project.discovery.files.clone());
    let sources = &project.sources;

    // Source index of every tree file that is a source.
    let mut source_of: Vec<u32> = vec![u32::MAX; tree.len()];
    let ids: Vec<Option<FileId>> = sources.iter().map(|s| tree.id(&s.path)).collect();
    for (i, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            source_of[id.0 as usize] = u32::try_from(i).unwrap_or(u32::MAX);
        }
    }

    let declared = project.declared_modules();
    let endpoints = Endpoints::from_modules(&declared);
    let mut warnings = Vec::new();
    let mut cache = (project.use_cache && scope == Scope::Full).then(|| {
        Cache::load(
            &project.root,
            file_rules_key(project, &endpoints),
            &mut warnings,
        )
    });
    let aligned = match &mut cache {
        Some(c) => c.take_aligned(sources.iter().map(|s| s.path.as_str())),
        None => sources.iter().map(|_| None).collect(),
    };
    // Sources are a subsequence of the walked files, in the same order.
    let discovery = &project.discovery;
    let mut walked = Vec::with_capacity(sources.len());
    let mut k = 0;
    for s in sources {
        while k < discovery.files.len() && discovery.files[k] < s.path {
            k += 1;
        }
        walked.push(
            (discovery.files.get(k) == Some(&s.path))
                .then(|| discovery.file_meta.get(k).copied())
                .flatten(),
        );
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    let read: Vec<Read> = sources
        .par_iter()
        .zip(walked.into_par_iter())
        .zip(aligned.into_par_iter())
        .map(|((s, walked), cached)| {
            let r = read_file(
                project,
                scope,
                s,
                &endpoints,
                walked,
                cached,
                cache.as_ref(),
            );
            if let Some(progress) = &project.progress {
                progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            }
            r
        })
        .collect();

    // Cached resolutions hold while the file list and every file the resolvers read are as
    // they were.
    let tree_hash = tree_hash(&project.discovery.files);
    let key_holds = cache
        .as_ref()
        .and_then(|c| Some((c.resolution()?, c.written_ns())))
        .is_some_and(|(key, written)| {
            key.tree_hash == tree_hash && key.holds(&project.root, written)
        });

    let mut unreadable = Vec::new();
    let mut file_findings = Vec::new();
    let mut entries: Vec<Option<Entry>> = Vec::with_capacity(read.len());
    let mut cache_hits = 0;
    let mut unread = 0;
    for (s, r) in sources.iter().zip(read) {
        match r {
            Read::Failed(e) => {
                unreadable.push((s.path.clone(), e));
                entries.push(None);
            }
            Read::Done {
                mut entry,
                hit,
                findings,
            } => {
                cache_hits += usize::from(hit != Hit::Miss);
                unread += usize::from(hit == Hit::Metadata);
                if !key_holds {
                    entry.resolved = None;
                }
                file_findings.extend(findings);
                entries.push(Some(entry));
            }
        }
    }

    // Resolve what has no valid resolution, with resolvers for those languages only.
    let pending: Vec<usize> = (0..sources.len())
        .filter(|_| scope == Scope::Full)
        .filter(|&i| entries[i].as_ref().is_some_and(|e| e.resolved.is_none()))
        .collect();
    let langs: BTreeSet<Lang> = if key_holds {
        pending.iter().map(|&i| sources[i].lang).collect()
    } else {
        sources.iter().map(|s| s.lang).collect()
    };
    let resolvers: BTreeMap<Lang, Box<dyn Resolver>> = langs
        .into_iter()
        .map(|l| (l, frontend(l).resolver(&tree)))
        .collect();
    let resolved: Vec<(usize, Resolved)> = pending
        .par_iter()
        .map(|&i| {
            let mut out = Resolved::default();
            let (Some(id), Some(resolver), Some(entry)) =
                (ids[i], resolvers.get(&sources[i].lang), &entries[i])
            else {
                return (i, out);
            };
            let from = u32::try_from(i).unwrap_or(u32::MAX);
            let mut targets = Vec::new();
            let facts = entry.facts.decode();
            for import in &facts.imports {
                targets.clear();
                resolver.resolve(&tree, id, import, &mut targets);
                for t in &targets {
                    match t {
                        Target::File(f) => {
                            let to = source_of.get(f.0 as usize).copied().unwrap_or(u32::MAX);
                            if to != u32::MAX && to != from {
                                out.edges.push((to, import.line, import.column));
                            }
                        }
                        Target::External(name) => out.external.push(name.clone()),
                    }
                }
            }
            // One edge per target: the first import that names it.
            out.edges
                .sort_by_key(|&(to, line, column)| (to, line, column));
            out.edges.dedup_by_key(|e| e.0);
            (i, out)
        })
        .collect();
    let newly_resolved = resolved.len();
    // Kept for resolving planned imports later (`check_plan`, `find --from`).
    let kept_resolvers: [OnceLock<Box<dyn Resolver>>; Lang::ALL.len()] = Default::default();
    for (lang, resolver) in resolvers {
        let _ = kept_resolvers[lang_slot(lang)].set(resolver);
    }
    for (i, r) in resolved {
        if let Some(e) = &mut entries[i] {
            e.resolved = Some(r);
        }
    }

    if let Some(cache) = &cache {
        // Rewrite unless every file was served by its metadata, none disappeared and nothing
        // was resolved anew (files served by content were too recent to trust their times; a
        // rewrite settles them).
        let kept: Vec<&Entry> = entries.iter().flatten().collect();
        let read_anew = kept.len() - unread + cache.loaded().abs_diff(kept.len());
        let worth_it = !project.lazy_cache || !key_holds || read_anew >= LAZY_CACHE_REWRITE;
        if worth_it && (unread != kept.len() || cache.loaded() != kept.len() || newly_resolved > 0)
        {
            let key = if key_holds {
                cache.resolution().cloned()
            } else {
                Some(ResolutionKey {
                    tree_hash,
                    inputs: tree.reads(),
                })
            };
            cache.save(&kept, key.as_ref(), &mut warnings);
        }
    }

    let mut facts = Vec::with_capacity(entries.len());
    let mut file_edges = Vec::new();
    let mut external = vec![BTreeSet::new(); project.modules.len()];
    for (i, e) in entries.into_iter().enumerate() {
        let Some(e) = e else {
            facts.push(Facts::Owned(FileFacts::default()));
            continue;
        };
        let from = u32::try_from(i).unwrap_or(u32::MAX);
        if let Some(r) = e.resolved {
            file_edges.extend(r.edges.iter().map(|&(to, line, column)| FileEdge {
                from,
                to,
                line,
                column,
            }));
            if let Some(m) = sources[i].module {
                external[m].extend(r.external);
            }
        }
        facts.push(e.facts);
    }
    let mut module_edges = BTreeMap::new();
    for e in &file_edges {
        let (Some(a), Some(b)) = (
            sources.get(e.from as usize).and_then(|s| s.module),
            sources.get(e.to as usize).and_then(|s| s.module),
        ) else {
            continue;
        };
        if a != b {
            *module_edges.entry((a, b)).or_insert(0) += 1;
        }
    }
    // When every file was read (a cold scan), the facts are already decoded: keep them as they
    // are instead of copying them on the first `facts()` call.
    let decoded = OnceLock::new();
    let files = facts.len();
    let facts = if facts.iter().all(|f| matches!(f, Facts::Owned(_))) {
        let owned = facts
            .into_iter()
            .map(|f| match f {
                Facts::Owned(f) => f,
                Facts::Cached { .. } => FileFacts::default(),
            })
            .collect();
        let _ = decoded.set(owned);
        Vec::new()
    } else {
        facts
    };
    Index {
        tree,
        facts,
        files,
        decoded,
        file_edges,
        module_edges,
        external,
        unreadable,
        file_findings,
        cache_hits,
        resolved: newly_resolved,
        warnings,
        symbols: OnceLock::new(),
        fan_in: OnceLock::new(),
        resolvers: kept_resolvers,
        module_edge_examples: OnceLock::new(),
    }
}
