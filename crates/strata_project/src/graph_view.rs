//! The `strata graph` document (DESIGN.md §5): modules with their external packages, files,
//! file edges and module edges, optionally restricted to a neighbourhood of one module.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::{Index, ModuleRecord, Project};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    File,
    Module,
}

#[derive(Serialize)]
pub struct GraphModule {
    #[serde(flatten)]
    pub record: ModuleRecord,
    pub external: Vec<String>,
}

#[derive(Serialize)]
pub struct GraphFile<'a> {
    pub path: &'a str,
    pub module: Option<&'a str>,
    pub lang: &'static str,
}

#[derive(Serialize)]
pub struct GraphEdge<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub line: u32,
}

#[derive(Serialize)]
pub struct GraphModuleEdge<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub imports: usize,
}

#[derive(Serialize)]
pub struct GraphDoc<'a> {
    pub root: &'static str,
    pub modules: Vec<GraphModule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<GraphFile<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edges: Option<Vec<GraphEdge<'a>>>,
    pub module_edges: Vec<GraphModuleEdge<'a>>,
}

/// Why a graph could not be drawn as asked.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("no module is named `{0}`")]
    UnknownModule(String),
}

impl Project {
    /// The graph document. With `focus`, only modules within `depth` dependency steps of it
    /// (either direction) and the files and edges among them.
    pub fn graph_doc<'a>(
        &'a self,
        index: &'a Index,
        level: Level,
        focus: Option<(&str, usize)>,
    ) -> Result<GraphDoc<'a>, GraphError> {
        let keep: Option<BTreeSet<usize>> = match focus {
            None => None,
            Some((name, depth)) => {
                let start = self
                    .modules
                    .iter()
                    .position(|m| m.name() == name)
                    .ok_or_else(|| GraphError::UnknownModule(name.to_owned()))?;
                let g = index.module_graph(self.modules.len());
                let start = u32::try_from(start).unwrap_or(u32::MAX);
                Some(
                    g.neighbourhood(start, depth)
                        .into_iter()
                        .map(|(m, _)| m as usize)
                        .collect(),
                )
            }
        };
        let kept = |m: Option<usize>| match (&keep, m) {
            (None, _) => true,
            (Some(k), Some(m)) => k.contains(&m),
            (Some(_), None) => false,
        };
        let mut modules: Vec<GraphModule> = self
            .modules
            .iter()
            .enumerate()
            .filter(|(i, _)| kept(Some(*i)))
            .map(|(i, m)| GraphModule {
                record: m.record(),
                external: index
                    .external
                    .get(i)
                    .map(|e| e.iter().cloned().collect())
                    .unwrap_or_default(),
            })
            .collect();
        modules.sort_by(|a, b| {
            a.record
                .name
                .cmp(&b.record.name)
                .then_with(|| a.record.root.cmp(&b.record.root))
        });

        let name = |m: usize| self.modules[m].name();
        let mut module_edges: Vec<GraphModuleEdge> = index
            .module_edges
            .iter()
            .filter(|((a, b), _)| kept(Some(*a)) && kept(Some(*b)))
            .map(|(&(a, b), &n)| GraphModuleEdge {
                from: name(a),
                to: name(b),
                imports: n,
            })
            .collect();
        module_edges.sort_by(|a, b| (a.from, a.to).cmp(&(b.from, b.to)));

        let (files, edges) = match level {
            Level::Module => (None, None),
            Level::File => {
                let files = self
                    .sources
                    .iter()
                    .filter(|s| kept(s.module))
                    .map(|s| GraphFile {
                        path: &s.path,
                        module: s.module.map(name),
                        lang: s.lang.as_str(),
                    })
                    .collect();
                let edges = index
                    .file_edges
                    .iter()
                    .filter(|e| {
                        kept(self.sources[e.from as usize].module)
                            && kept(self.sources[e.to as usize].module)
                    })
                    .map(|e| GraphEdge {
                        from: &self.sources[e.from as usize].path,
                        to: &self.sources[e.to as usize].path,
                        line: e.line,
                    })
                    .collect();
                (Some(files), Some(edges))
            }
        };
        Ok(GraphDoc {
            root: ".",
            modules,
            files,
            edges,
            module_edges,
        })
    }
}

/// Module edges that break a rule (layers, lanes) or lie on a cycle, for drawing.
#[derive(Debug, Default)]
pub struct Problems {
    /// (from, to) pairs of violating module edges.
    pub violations: BTreeSet<(String, String)>,
    /// Module names on a cycle, per cycle.
    pub cycles: Vec<BTreeSet<String>>,
}

impl Problems {
    /// From a check's findings.
    pub fn from_findings(findings: &[strata_diagnostics::Diagnostic]) -> Problems {
        let mut p = Problems::default();
        for d in findings {
            match d.rule {
                "layer-violation" | "lane-violation" | "forbidden" | "undeclared-dependency" => {
                    if let Some(t) = &d.target {
                        p.violations.insert((d.module.clone(), t.clone()));
                    }
                }
                "no-cycles" => {
                    if let Some(m) = &d.members {
                        p.cycles.push(m.iter().cloned().collect());
                    }
                }
                _ => {}
            }
        }
        p
    }

    pub(crate) fn on_cycle(&self, a: &str, b: &str) -> bool {
        self.cycles.iter().any(|c| c.contains(a) && c.contains(b))
    }
}

/// A stable, diagram-safe identifier.
fn node_id(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    id.insert(0, 'n');
    id
}

/// Colours for lanes (or layers), assigned in sorted order.
pub(crate) const PALETTE: [&str; 8] = [
    "#dbeafe", "#dcfce7", "#fef9c3", "#fce7f3", "#ede9fe", "#ffedd5", "#e0f2fe", "#f1f5f9",
];

impl GraphDoc<'_> {
    pub(crate) fn groups(&self) -> Vec<String> {
        let mut g: Vec<String> = self
            .modules
            .iter()
            .map(|m| {
                m.record
                    .lane
                    .clone()
                    .or_else(|| m.record.layer.clone())
                    .unwrap_or_default()
            })
            .collect();
        g.sort();
        g.dedup();
        g
    }

    pub(crate) fn group_of(module: &GraphModule) -> String {
        module
            .record
            .lane
            .clone()
            .or_else(|| module.record.layer.clone())
            .unwrap_or_default()
    }

    /// Mermaid flowchart of the module graph (file level: of the file graph, grouped by
    /// module). Violating and cyclic edges are drawn red and thick; modules are coloured by
    /// lane (else layer).
    pub fn mermaid(&self, problems: &Problems) -> String {
        let mut out = String::from("flowchart LR\n");
        let groups = self.groups();
        for (i, g) in groups.iter().enumerate() {
            let _ = writeln!(
                out,
                "  classDef g{i} fill:{},stroke:#334155",
                PALETTE[i % PALETTE.len()]
            );
            let _ = writeln!(
                out,
                "  %% g{i}: {}",
                if g.is_empty() { "(no lane)" } else { g }
            );
        }
        let mut bad = Vec::new();
        match &self.edges {
            None => {
                for m in &self.modules {
                    let gi = groups
                        .iter()
                        .position(|g| *g == Self::group_of(m))
                        .unwrap_or(0);
                    let _ = writeln!(
                        out,
                        "  {}[\"{}\"]:::g{gi}",
                        node_id(&m.record.name),
                        m.record.name
                    );
                }
                for (i, e) in self.module_edges.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "  {} -->|{}| {}",
                        node_id(e.from),
                        e.imports,
                        node_id(e.to)
                    );
                    if problems
                        .violations
                        .contains(&(e.from.to_owned(), e.to.to_owned()))
                        || problems.on_cycle(e.from, e.to)
                    {
                        bad.push(i);
                    }
                }
            }
            Some(edges) => {
                let mut by_module: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
                for f in self.files.iter().flatten() {
                    by_module
                        .entry(f.module.unwrap_or("(none)"))
                        .or_default()
                        .push(f.path);
                }
                for (m, files) in &by_module {
                    let _ = writeln!(out, "  subgraph {}[\"{m}\"]", node_id(m));
                    for f in files {
                        let _ = writeln!(out, "    {}[\"{f}\"]", node_id(f));
                    }
                    out.push_str("  end\n");
                }
                for e in edges {
                    let _ = writeln!(out, "  {} --> {}", node_id(e.from), node_id(e.to));
                }
            }
        }
        for i in bad {
            let _ = writeln!(out, "  linkStyle {i} stroke:#dc2626,stroke-width:3px");
        }
        out
    }

    /// Graphviz DOT of the same picture.
    pub fn dot(&self, problems: &Problems) -> String {
        let mut out = String::from(
            "digraph strata {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n",
        );
        let groups = self.groups();
        match &self.edges {
            None => {
                for m in &self.modules {
                    let gi = groups
                        .iter()
                        .position(|g| *g == Self::group_of(m))
                        .unwrap_or(0);
                    let _ = writeln!(
                        out,
                        "  {:?} [fillcolor={:?}];",
                        m.record.name,
                        PALETTE[gi % PALETTE.len()]
                    );
                }
                for e in &self.module_edges {
                    let bad = problems
                        .violations
                        .contains(&(e.from.to_owned(), e.to.to_owned()))
                        || problems.on_cycle(e.from, e.to);
                    let style = if bad {
                        ", color=\"#dc2626\", penwidth=3"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "  {:?} -> {:?} [label=\"{}\"{style}];",
                        e.from, e.to, e.imports
                    );
                }
            }
            Some(edges) => {
                let mut by_module: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
                for f in self.files.iter().flatten() {
                    by_module
                        .entry(f.module.unwrap_or("(none)"))
                        .or_default()
                        .push(f.path);
                }
                for (i, (m, files)) in by_module.iter().enumerate() {
                    let _ = writeln!(out, "  subgraph cluster_{i} {{\n    label={m:?};");
                    for f in files {
                        let _ = writeln!(out, "    {f:?};");
                    }
                    out.push_str("  }\n");
                }
                for e in edges {
                    let _ = writeln!(out, "  {:?} -> {:?};", e.from, e.to);
                }
            }
        }
        out.push_str("}\n");
        out
    }
}
