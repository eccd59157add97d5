//! An import of a module that is not in the importer's `depends_on`.
//!
//! ## What it does
//! For every pair of modules where some file of X imports a file of Y, checks that Y is listed
//! in X's `module.yaml` `depends_on`. One finding per pair, at the first such import (by path
//! and line), naming the imported file. Modules without a `module.yaml` are not checked: they
//! declare nothing.
//!
//! ## Why
//! `depends_on` is the architecture as the team agreed it; the imports are the architecture
//! as it is. An undeclared dependency is coupling nobody reviewed: it escapes layer and lane
//! rules written against the declarations, deployment ordering, and impact analysis.
//!
//! ## Example
//! ```yaml
//! name: billing
//! depends_on: [ledger]
//! ```
//! ```ts
//! import { findUser } from '@acme/users';   // users is not declared
//! ```
//!
//! ## How to fix
//! If the dependency is intended, add it to `depends_on` (with a version requirement). If
//! not, remove the import — often by moving the code it needs into a module both may use.

use strata_diagnostics::{Diagnostic, Level};

use super::at_import;
use crate::{Context, Phase, Rule};

pub struct UndeclaredDependency;

const ID: &str = "undeclared-dependency";

impl Rule for UndeclaredDependency {
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
        include_str!("undeclared_dependency.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(graph) = &cx.graph else { return };
        for &(a, b) in graph.module_edges.keys() {
            let (from, to) = (&cx.modules[a], &cx.modules[b]);
            let Some(schema) = &from.schema else { continue };
            if schema.depends_on.iter().any(|d| d.value.name() == to.name) {
                continue;
            }
            let Some(edge) = graph.example_edge(a, b) else {
                continue;
            };
            let n = graph.module_edges[&(a, b)];
            out.push(
                at_import(
                    ID,
                    graph,
                    edge,
                    from,
                    format!(
                        "`{}` imports `{}`, which is not in its `depends_on` ({n} file {})",
                        from.name,
                        to.name,
                        if n == 1 { "edge" } else { "edges" }
                    ),
                )
                .target(&to.name)
                .help(format!(
                    "declare it in `{}`'s module.yaml (`depends_on: [{}]`) or remove the import",
                    from.name, to.name
                )),
            );
        }
    }
}
