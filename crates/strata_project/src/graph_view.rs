//! The `strata graph` document (DESIGN.md §5): modules with their external packages, files,
//! file edges and module edges, optionally restricted to a neighbourhood of one module.

use std::collections::BTreeSet;

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
