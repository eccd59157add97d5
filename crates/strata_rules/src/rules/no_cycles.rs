//! A cycle in the module graph.
//!
//! ## What it does
//! Finds every strongly connected component of two or more modules in the graph of imports
//! between modules. Each is one finding, with the shortest cycle through its first member
//! (by name) as an ordered path (`cycle`, first == last), and the module edges whose removal
//! breaks every cycle of the component — chosen to be the ones with the fewest imports — each
//! with the file and line of an import to remove.
//!
//! ## Why
//! Modules in a cycle cannot be built, tested, versioned or deployed on their own: a change
//! to any of them is a change to all of them. Cycles tend to grow, because once two modules
//! depend on each other, a third joining the loop costs nothing.
//!
//! ## Example
//! ```text
//! billing -> ledger -> users -> billing
//! ```
//!
//! ## How to fix
//! Remove the suggested imports: usually by moving the shared code into a lower module both
//! can depend on, or by inverting a dependency with an interface or an event.

use strata_diagnostics::{Diagnostic, Level};

use crate::{Context, Phase, Rule};

pub struct NoCycles;

const ID: &str = "no-cycles";

impl Rule for NoCycles {
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
        include_str!("no_cycles.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(graph) = &cx.graph else { return };
        let g = graph.module_graph(cx.modules.len());
        let name = |i: u32| cx.modules[i as usize].name.as_str();
        for members in g.cycles() {
            let Some(&start) = members.iter().min_by_key(|&&m| name(m)) else {
                continue;
            };
            let inside = |v: u32| members.binary_search(&v).is_ok();
            let Some(cycle) = g.shortest_cycle(start, &inside) else {
                continue;
            };
            let weight = |a: u32, b: u32| {
                graph
                    .module_edges
                    .get(&(a as usize, b as usize))
                    .copied()
                    .unwrap_or(0)
            };
            let cuts = g.breaking_edges(&members, &weight, 16);
            let mut names: Vec<&str> = members.iter().map(|&m| name(m)).collect();
            names.sort_unstable();
            let cut_text: Vec<String> = cuts
                .iter()
                .map(|&(a, b)| {
                    let at = graph
                        .example_edge(a as usize, b as usize)
                        .map(|e| format!(" at `{}:{}`", graph.path(e.from), e.line))
                        .unwrap_or_default();
                    let n = weight(a, b);
                    format!(
                        "`{}` -> `{}` ({n} {}{at})",
                        name(a),
                        name(b),
                        if n == 1 { "import" } else { "imports" }
                    )
                })
                .collect();
            let path: Vec<String> = cycle.iter().map(|&m| name(m).to_owned()).collect();
            let mut d = Diagnostic::new(
                ID,
                format!(
                    "{} modules form a cycle: {}",
                    members.len(),
                    path.join(" -> ")
                ),
            )
            .module(name(start))
            .cycle(path)
            .members(names.iter().map(|&n| n.to_owned()).collect())
            .help(format!(
                "remove {} to break it (members: {})",
                cut_text.join(", "),
                names.join(", ")
            ));
            if let Some(e) = cuts
                .first()
                .and_then(|&(a, b)| graph.example_edge(a as usize, b as usize))
            {
                d = d
                    .at(graph.path(e.from), e.line, e.column)
                    .target_file(graph.path(e.to));
            }
            out.push(d);
        }
    }
}
