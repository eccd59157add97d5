//! A declared dependency that no file imports.
//!
//! ## What it does
//! For every `depends_on` entry naming a module of the repository, checks that some file of
//! the declaring module imports some file of it. Reported at the entry in `module.yaml`.
//!
//! ## Why
//! Stale declarations make the declared architecture lie in the other direction: deployment
//! waves wait for modules that do not matter, impact analysis notifies teams whose code is
//! not touched, and cycles appear on paper that do not exist in code.
//!
//! ## Example
//! ```yaml
//! name: billing
//! depends_on: [ledger, users]   # nothing in billing imports users
//! ```
//!
//! ## How to fix
//! Remove the entry. If the dependency is real but not visible as an import (a runtime call
//! over the network), keep it and set this rule to `off` for that case with a comment, or
//! declare it as `{ name: users, kind: runtime }` once runtime dependencies are exempted.

use strata_diagnostics::{Diagnostic, Level};

use super::at_value;
use crate::{Context, Phase, Rule};

pub struct UnusedDependency;

const ID: &str = "unused-dependency";

impl Rule for UnusedDependency {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn phase(&self) -> Phase {
        Phase::Graph
    }
    fn source(&self) -> &'static str {
        include_str!("unused_dependency.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(graph) = &cx.graph else { return };
        for (a, m) in cx.modules.iter().enumerate() {
            let Some(schema) = &m.schema else { continue };
            for dep in &schema.depends_on {
                let Some(b) = cx.module_index(dep.value.name()) else {
                    continue;
                };
                if b != a && !graph.module_edges.contains_key(&(a, b)) {
                    out.push(
                        at_value(
                            ID,
                            m,
                            dep,
                            format!(
                                "`{}` declares a dependency on `{}` but never imports it",
                                m.name,
                                dep.value.name()
                            ),
                        )
                        .target(dep.value.name())
                        .help("remove the entry from `depends_on`"),
                    );
                }
            }
        }
    }
}
