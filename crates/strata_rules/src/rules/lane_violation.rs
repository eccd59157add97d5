//! An import across lanes that the importer's lane may not depend on.
//!
//! ## What it does
//! `[lanes]` in `strata.toml` gives each lane the other lanes it may depend on (a lane may
//! always depend on itself). For every module edge X -> Y where both declare a `lane`,
//! reports the edge when Y's lane is not allowed for X's. One finding per pair of modules, at
//! the first import.
//!
//! ## Why
//! Lanes separate parts of a repository with different guarantees: core code that everything
//! trusts, platform services, products, experiments. An experiment imported by core code
//! makes the experiment part of everything.
//!
//! ## Example
//! ```toml
//! [lanes]
//! core = []
//! products = ["core"]
//! ```
//! ```text
//! ledger (core) imports checkout (products)
//! ```
//!
//! ## How to fix
//! Remove the import, move the code to an allowed lane, or — if the architecture changed —
//! change the allow-list in `strata.toml` deliberately.

use strata_diagnostics::{Diagnostic, Level};

use super::at_import;
use crate::{Context, Phase, Rule};

pub struct LaneViolation;

const ID: &str = "lane-violation";

impl Rule for LaneViolation {
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
        include_str!("lane_violation.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(graph) = &cx.graph else { return };
        let lanes = &cx.config.config.lanes;
        let lane = |i: usize| {
            cx.modules[i]
                .schema
                .as_ref()?
                .lane
                .as_ref()
                .map(|l| l.value.as_str())
        };
        for &(a, b) in graph.module_edges.keys() {
            let (Some(la), Some(lb)) = (lane(a), lane(b)) else {
                continue;
            };
            // Unknown lanes are `unknown-reference` findings; nothing to check against here.
            let Some(allowed) = lanes.get(la) else {
                continue;
            };
            if la == lb || allowed.iter().any(|l| l == lb) || !lanes.contains_key(lb) {
                continue;
            }
            let Some(edge) = graph.example_edge(a, b) else {
                continue;
            };
            let (from, to) = (&cx.modules[a], &cx.modules[b]);
            let allowed_text = if allowed.is_empty() {
                "only itself".to_owned()
            } else {
                allowed.join(", ")
            };
            out.push(
                at_import(
                    ID,
                    graph,
                    edge,
                    from,
                    format!(
                        "`{}` (lane {la}) imports `{}` (lane {lb})",
                        from.name, to.name
                    ),
                )
                .target(&to.name)
                .help(format!("lane `{la}` may depend on {allowed_text}")),
            );
        }
    }
}
