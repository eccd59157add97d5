//! The scan: every source file read once, its facts extracted, its imports resolved — in
//! parallel — and the file and module graphs built from the result.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rayon::prelude::*;
use strata_graph::{FileEdge, Graph};
use strata_lang::{FileFacts, FileId, Lang, SourceTree, Target, frontend};

use strata_diagnostics::Diagnostic;
use strata_rules::{Endpoints, FileContext};

use crate::cache::{Cache, Entry, Finding, content_hash, mtime_ns};
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

/// What file-phase rules depend on besides the file itself: their levels and the declared
/// endpoints. Cached findings are reused only while it is unchanged.
fn file_rules_key(project: &Project, endpoints: &Endpoints) -> u64 {
    let mut key = String::new();
    for rule in strata_rules::RULES
        .iter()
        .filter(|r| r.phase() == strata_rules::Phase::File)
    {
        key.push_str(rule.id());
        key.push_str(project.settings.level(*rule).as_str());
    }
    let mut ports: Vec<_> = endpoints.ports.iter().collect();
    ports.sort();
    let _ = write!(key, "{ports:?}{:?}", endpoints.base_paths);
    content_hash(key.as_bytes())
}

fn read_file(
    project: &Project,
    s: &SourceFile,
    endpoints: &Endpoints,
    cache: Option<&Cache>,
) -> Read {
    let full = project.root.join(&s.path);
    let findings_of = |e: &Entry| {
        e.findings
            .iter()
            .filter_map(|f| f.to_diagnostic(&s.path))
            .collect::<Vec<_>>()
    };
    let meta = std::fs::metadata(&full).ok();
    let mtime = meta.as_ref().map_or(0, mtime_ns);
    if let (Some(cache), Some(meta)) = (cache, &meta) {
        if let Some(e) = cache
            .by_metadata(&s.path, meta.len(), mtime)
            .filter(|_| cache.findings_valid())
        {
            return Read::Done {
                findings: findings_of(e),
                entry: e.clone(),
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
        let cx = FileContext {
            path: &s.path,
            module: s.module.map_or("", |m| project.modules[m].name()),
            bytes: &bytes,
            endpoints,
        };
        strata_rules::run_file(&cx, &project.settings, &mut findings);
        findings
    };
    let cached = cache.and_then(|c| c.by_hash(&s.path, hash).map(|e| (e, c.findings_valid())));
    let (facts, findings, hit) = match cached {
        Some((e, true)) => (e.facts.clone(), findings_of(e), Hit::Content),
        Some((e, false)) => (e.facts.clone(), run_rules(), Hit::Content),
        None => (
            frontend(s.lang).extract(&s.path, &bytes),
            run_rules(),
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
    };
    Read::Done {
        entry,
        hit,
        findings,
    }
}

/// What the scan knows about the repository.
pub struct Index {
    pub tree: SourceTree,
    /// Facts per source file (same order as [`Project::sources`]).
    pub facts: Vec<FileFacts>,
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
    /// Problems with the cache (discarded, not writable); never errors.
    pub warnings: Vec<String>,
}

impl Index {
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
        Graph::new(
            self.facts.len(),
            self.file_edges.iter().map(|e| (e.from, e.to)),
        )
    }
}

pub(crate) fn build(project: &Project) -> Index {
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

    let declared: Vec<_> = project.modules.iter().map(|m| m.declared.clone()).collect();
    let endpoints = Endpoints::from_modules(&declared);
    let mut warnings = Vec::new();
    let cache = project.use_cache.then(|| {
        Cache::load(
            &project.root,
            file_rules_key(project, &endpoints),
            &mut warnings,
        )
    });
    let done = std::sync::atomic::AtomicUsize::new(0);
    let read: Vec<Read> = sources
        .par_iter()
        .map(|s| {
            let r = read_file(project, s, &endpoints, cache.as_ref());
            if let Some(progress) = &project.progress {
                progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            }
            r
        })
        .collect();
    let mut unreadable = Vec::new();
    let mut facts = Vec::with_capacity(read.len());
    let mut file_findings = Vec::new();
    let mut entries = Vec::with_capacity(read.len());
    let mut cache_hits = 0;
    let mut unread = 0;
    for (s, r) in sources.iter().zip(read) {
        match r {
            Read::Failed(e) => {
                unreadable.push((s.path.clone(), e));
                facts.push(FileFacts::default());
            }
            Read::Done {
                entry,
                hit,
                findings,
            } => {
                cache_hits += usize::from(hit != Hit::Miss);
                unread += usize::from(hit == Hit::Metadata);
                facts.push(entry.facts.clone());
                file_findings.extend(findings);
                entries.push(entry);
            }
        }
    }
    if let Some(cache) = &cache {
        // Rewrite unless every file was served by its metadata and none disappeared (files
        // served by content were too recent to trust their times; a rewrite settles them).
        if unread != entries.len() || cache.len() != entries.len() {
            cache.save(entries, &mut warnings);
        }
    }
    let langs: BTreeSet<Lang> = sources.iter().map(|s| s.lang).collect();
    let resolvers: BTreeMap<Lang, Box<dyn strata_lang::Resolver>> = langs
        .into_iter()
        .map(|l| (l, frontend(l).resolver(&tree)))
        .collect();
    // Per file: its edges and external packages.
    let resolved: Vec<(Vec<FileEdge>, Vec<String>)> = (0..sources.len())
        .into_par_iter()
        .map(|i| {
            let (Some(id), Some(resolver)) = (ids[i], resolvers.get(&sources[i].lang)) else {
                return (Vec::new(), Vec::new());
            };
            let from = u32::try_from(i).unwrap_or(u32::MAX);
            let mut edges = Vec::new();
            let mut external = Vec::new();
            let mut targets = Vec::new();
            for import in &facts[i].imports {
                targets.clear();
                resolver.resolve(&tree, id, import, &mut targets);
                for t in &targets {
                    match t {
                        Target::File(f) => {
                            let to = source_of.get(f.0 as usize).copied().unwrap_or(u32::MAX);
                            if to != u32::MAX && to != from {
                                edges.push(FileEdge {
                                    from,
                                    to,
                                    line: import.line,
                                    column: import.column,
                                });
                            }
                        }
                        Target::External(name) => external.push(name.clone()),
                    }
                }
            }
            edges.sort_unstable();
            edges.dedup_by_key(|e| (e.from, e.to));
            (edges, external)
        })
        .collect();
    let mut file_edges = Vec::new();
    let mut external = vec![BTreeSet::new(); project.modules.len()];
    for (i, (edges, ext)) in resolved.into_iter().enumerate() {
        file_edges.extend(edges);
        if let Some(m) = sources[i].module {
            external[m].extend(ext);
        }
    }
    let mut module_edges = BTreeMap::new();
    for e in &file_edges {
        let (Some(a), Some(b)) = (
            sources[e.from as usize].module,
            sources[e.to as usize].module,
        ) else {
            continue;
        };
        if a != b {
            *module_edges.entry((a, b)).or_insert(0) += 1;
        }
    }
    Index {
        tree,
        facts,
        file_edges,
        module_edges,
        external,
        unreadable,
        file_findings,
        cache_hits,
        warnings,
    }
}
