//! A cycle in the file graph (off by default).
//!
//! ## What it does
//! Finds every strongly connected component of two or more files in the import graph. Each is
//! one finding at an import that is one of the fewest whose removal breaks the component,
//! with the shortest cycle through its first file (by path) as `cycle` (first == last).
//!
//! ## Why
//! Files that import each other cannot be understood, tested or moved apart. In languages that
//! allow it (TypeScript, Python, Rust) such cycles also cause initialisation-order bugs: a
//! value used before the module that defines it has finished loading.
//!
//! ## Example
//! ```text
//! src/a.ts -> src/b.ts -> src/a.ts
//! ```
//!
//! ## How to fix
//! Move what both files need into a third file that imports neither, or merge the two files.
//! Enable the rule with `file-cycle = "warn"` under `[rules]`.

use strata_diagnostics::{Diagnostic, Level};
use strata_graph::Graph;

use crate::{Context, Phase, Rule};

pub struct FileCycle;

const ID: &str = "file-cycle";

impl Rule for FileCycle {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Off
    }
    fn phase(&self) -> Phase {
        Phase::Graph
    }
    fn source(&self) -> &'static str {
        include_str!("file_cycle.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(graph) = &cx.graph else { return };
        let g = Graph::new(
            graph.files.len(),
            graph.edges.iter().map(|e| (e.from, e.to)),
        );
        let edge = |a: u32, b: u32| {
            graph
                .edges
                .binary_search_by(|e| (e.from, e.to).cmp(&(a, b)))
                .ok()
                .map(|i| &graph.edges[i])
        };
        for members in g.cycles() {
            // Sources are sorted by path, so the smallest index is the first path.
            let start = members[0];
            let inside = |v: u32| members.binary_search(&v).is_ok();
            let Some(cycle) = g.shortest_cycle(start, &inside) else {
                continue;
            };
            let cuts = g.breaking_edges(&members, &|_, _| 1, 8);
            let path: Vec<String> = cycle.iter().map(|&f| graph.path(f).to_owned()).collect();
            let module = graph
                .files
                .get(start as usize)
                .and_then(|f| f.module)
                .map(|m| cx.modules[m].name.clone())
                .unwrap_or_default();
            let cut_text: Vec<String> = cuts
                .iter()
                .filter_map(|&(a, b)| edge(a, b))
                .map(|e| {
                    format!(
                        "`{}:{}` -> `{}`",
                        graph.path(e.from),
                        e.line,
                        graph.path(e.to)
                    )
                })
                .collect();
            let mut d = Diagnostic::new(
                ID,
                format!(
                    "{} files form an import cycle: {}",
                    members.len(),
                    path.join(" -> ")
                ),
            )
            .module(module)
            .cycle(path)
            .members(members.iter().map(|&f| graph.path(f).to_owned()).collect())
            .help(format!("remove {} to break it", cut_text.join(", ")));
            if let Some(e) = cuts.first().and_then(|&(a, b)| edge(a, b)) {
                d = d
                    .at(graph.path(e.from), e.line, e.column)
                    .target_file(graph.path(e.to));
            }
            out.push(d);
        }
    }
}
