//! An import that a custom `[[forbidden]]` rule of `strata.toml` forbids.
//!
//! ## What it does
//! Each `[[forbidden]]` entry names a `from` and a `to` selector; a selector matches a file by
//! `path` (a repository-relative glob) and by its module's `module` name, `lane`, `layer` or
//! `tag` — every field given must match. Without `via`, every import from a file matching
//! `from` of a file matching `to` is a finding, at the import. With `via`, the rule is about
//! modules: a chain of module dependencies from a module matching `from`, through one or more
//! modules matching `via`, to a module matching `to` is a finding, with the chain (`chain`).
//! An entry's `severity` (`"error"` or `"warn"`) overrides the rule's level.
//!
//! ## Why
//! Every architecture has constraints of its own that no built-in rule knows: the UI must not
//! reach the database, experiments must not be imported by anything, payment code must not
//! depend on analytics even indirectly.
//!
//! ## Example
//! ```toml
//! [[forbidden]]
//! name = "no-ui-in-domain"
//! comment = "domain code stays framework-free"
//! from = { path = "**/domain/**" }
//! to = { path = "**/ui/**" }
//! ```
//!
//! ## How to fix
//! Remove the import or the chain's weakest link; the entry's `comment` says what the rule
//! protects and is shown as the finding's help.

use std::collections::{HashMap, VecDeque};

use globset::{Glob, GlobMatcher};
use strata_diagnostics::{Diagnostic, Level, Severity};
use strata_workspace::DeclaredModule;
use strata_workspace::config::{Forbidden as Entry, Selector};

use super::at_import;
use crate::{Context, GraphInput, Phase, Rule};

pub struct Forbidden;

const ID: &str = "forbidden";

/// A compiled selector.
struct Matcher<'a> {
    selector: &'a Selector,
    glob: Option<GlobMatcher>,
}

impl<'a> Matcher<'a> {
    fn new(selector: &'a Selector) -> Matcher<'a> {
        let glob = selector
            .path
            .as_deref()
            .and_then(|p| Glob::new(p.trim_start_matches("./")).ok())
            .map(|g| g.compile_matcher());
        Matcher { selector, glob }
    }

    fn module_fields(&self, m: Option<&DeclaredModule>) -> bool {
        let s = self.selector;
        let schema = m.and_then(|m| m.schema.as_ref());
        let value =
            |v: Option<&str>, want: &Option<String>| want.as_deref().is_none_or(|w| v == Some(w));
        value(m.map(|m| m.name.as_str()), &s.module)
            && value(
                schema
                    .and_then(|x| x.lane.as_ref())
                    .map(|l| l.value.as_str()),
                &s.lane,
            )
            && value(
                schema
                    .and_then(|x| x.layer.as_ref())
                    .map(|l| l.value.as_str()),
                &s.layer,
            )
            && s.tag
                .as_deref()
                .is_none_or(|t| schema.is_some_and(|x| x.tags.iter().any(|g| g == t)))
    }

    fn file(&self, path: &str, m: Option<&DeclaredModule>) -> bool {
        self.glob.as_ref().is_none_or(|g| g.is_match(path)) && self.module_fields(m)
    }

    /// Module-level match: the path glob is tested against the module's folder.
    fn module(&self, m: &DeclaredModule) -> bool {
        self.glob
            .as_ref()
            .is_none_or(|g| g.is_match(&m.root) || g.is_match(format!("{}/", m.root)))
            && self.module_fields(Some(m))
    }
}

fn severity(entry: &Entry) -> Option<Severity> {
    match entry.severity.as_deref() {
        Some("warn" | "warning") => Some(Severity::Warning),
        Some("error") => Some(Severity::Error),
        _ => None,
    }
}

fn direct(cx: &Context<'_>, graph: &GraphInput<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
    let (from, to) = (Matcher::new(&entry.from), Matcher::new(&entry.to));
    let module_of = |f: u32| {
        graph
            .files
            .get(f as usize)
            .and_then(|s| s.module)
            .map(|m| &cx.modules[m])
    };
    for edge in graph.edges {
        let (a, b) = (module_of(edge.from), module_of(edge.to));
        if !from.file(graph.path(edge.from), a) || !to.file(graph.path(edge.to), b) {
            continue;
        }
        let Some(importer) = a else { continue };
        let mut d = at_import(
            ID,
            graph,
            edge,
            importer,
            format!(
                "`{}` forbids this import of `{}`",
                entry.name,
                graph.path(edge.to)
            ),
        )
        .help(
            entry
                .comment
                .clone()
                .unwrap_or_else(|| format!("see `[[forbidden]]` `{}` in strata.toml", entry.name)),
        );
        if let Some(b) = b {
            d = d.target(&b.name);
        }
        d.severity_override = severity(entry);
        out.push(d);
    }
}

fn transitive(
    cx: &Context<'_>,
    graph: &GraphInput<'_>,
    entry: &Entry,
    via: &Selector,
    out: &mut Vec<Diagnostic>,
) {
    let (from, to, via) = (
        Matcher::new(&entry.from),
        Matcher::new(&entry.to),
        Matcher::new(via),
    );
    let g = graph.module_graph(cx.modules.len());
    let n = cx.modules.len();
    for start in (0..n).filter(|&i| from.module(&cx.modules[i])) {
        // Breadth-first through `via` modules only; report each reachable `to` module once.
        let mut parent: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::new();
        for &w in g.successors(u32::try_from(start).unwrap_or(u32::MAX)) {
            let w = w as usize;
            if via.module(&cx.modules[w]) && parent.insert(w, start).is_none() {
                queue.push_back(w);
            }
        }
        let mut reported = std::collections::HashSet::new();
        while let Some(v) = queue.pop_front() {
            for &w in g.successors(u32::try_from(v).unwrap_or(u32::MAX)) {
                let w = w as usize;
                if w != start && to.module(&cx.modules[w]) && reported.insert(w) {
                    let mut chain = vec![w, v];
                    let mut cur = v;
                    while let Some(&p) = parent.get(&cur) {
                        chain.push(p);
                        if p == start {
                            break;
                        }
                        cur = p;
                    }
                    chain.reverse();
                    let names: Vec<String> =
                        chain.iter().map(|&m| cx.modules[m].name.clone()).collect();
                    let Some(edge) = graph.example_edge(chain[0], chain[1]) else {
                        continue;
                    };
                    let mut d = at_import(
                        ID,
                        graph,
                        edge,
                        &cx.modules[start],
                        format!(
                            "`{}` forbids the dependency chain {}",
                            entry.name,
                            names.join(" -> ")
                        ),
                    )
                    .target(&cx.modules[w].name)
                    .chain(names)
                    .help(entry.comment.clone().unwrap_or_else(|| {
                        format!("see `[[forbidden]]` `{}` in strata.toml", entry.name)
                    }));
                    d.severity_override = severity(entry);
                    out.push(d);
                }
                if via.module(&cx.modules[w]) && w != start && !parent.contains_key(&w) {
                    parent.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
    }
}

impl Rule for Forbidden {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Error
    }
    fn phase(&self) -> Phase {
        Phase::Graph
    }
    fn source(&self) -> &'static str {
        include_str!("forbidden.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(graph) = &cx.graph else { return };
        for entry in &cx.config.config.forbidden {
            match &entry.via {
                None => direct(cx, graph, entry, out),
                Some(via) => transitive(cx, graph, entry, via, out),
            }
        }
    }
}
