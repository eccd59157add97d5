//! The scan: every source file read once, its facts extracted, its imports resolved — in
//! parallel — and the file and module graphs built from the result.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use strata_graph::{FileEdge, Graph};
use strata_lang::{FileFacts, FileId, Lang, SourceTree, Target, frontend};

use strata_diagnostics::Diagnostic;
use strata_rules::{Endpoints, FileContext};

use crate::Project;

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
    let read: Vec<(FileFacts, Option<String>, Vec<Diagnostic>)> = sources
        .par_iter()
        .map(|s| match std::fs::read(project.root.join(&s.path)) {
            Ok(bytes) => {
                let mut findings = Vec::new();
                let cx = FileContext {
                    path: &s.path,
                    module: s.module.map_or("", |m| project.modules[m].name()),
                    bytes: &bytes,
                    endpoints: &endpoints,
                };
                strata_rules::run_file(&cx, &project.settings, &mut findings);
                (frontend(s.lang).extract(&s.path, &bytes), None, findings)
            }
            Err(e) => (FileFacts::default(), Some(e.to_string()), Vec::new()),
        })
        .collect();
    let mut unreadable = Vec::new();
    let mut facts = Vec::with_capacity(read.len());
    let mut file_findings = Vec::new();
    for (s, (f, err, found)) in sources.iter().zip(read) {
        if let Some(e) = err {
            unreadable.push((s.path.clone(), e));
        }
        facts.push(f);
        file_findings.extend(found);
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
    }
}
