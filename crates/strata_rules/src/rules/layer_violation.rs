//! An import of a module of a higher layer.
//!
//! ## What it does
//! `layers` in `strata.toml` lists layers bottom to top. For every module edge X -> Y where
//! both declare a `layer`, reports the edge when Y's layer is above X's. One finding per pair
//! of modules, at the first import.
//!
//! ## Why
//! Layers give dependencies one direction: foundations know nothing of the services built on
//! them, so they can be reused, tested and changed without dragging the upper layers along.
//! One upward import is enough to make the bottom depend on the top.
//!
//! ## Example
//! ```toml
//! layers = ["foundation", "domain", "service", "app"]
//! ```
//! ```text
//! ledger (domain) imports checkout-ui (app)
//! ```
//!
//! ## How to fix
//! Move the needed code down to the lower layer (or a new module there), or invert the
//! dependency: the lower module defines an interface that the upper one implements.

use strata_diagnostics::{Diagnostic, Level};

use super::at_import;
use crate::{Context, Phase, Rule};

pub struct LayerViolation;

const ID: &str = "layer-violation";

impl Rule for LayerViolation {
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
        include_str!("layer_violation.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(graph) = &cx.graph else { return };
        let layers = &cx.config.config.layers;
        let rank = |i: usize| {
            let layer = cx.modules[i].schema.as_ref()?.layer.as_ref()?;
            Some((
                layers.iter().position(|l| *l == layer.value)?,
                layer.value.as_str(),
            ))
        };
        for &(a, b) in graph.module_edges.keys() {
            let (Some((ra, la)), Some((rb, lb))) = (rank(a), rank(b)) else {
                continue;
            };
            if rb <= ra {
                continue;
            }
            let Some(edge) = graph.example_edge(a, b) else {
                continue;
            };
            let (from, to) = (&cx.modules[a], &cx.modules[b]);
            out.push(
                at_import(ID, graph, edge, from, format!("`{}` ({la}) imports `{}` ({lb}), a higher layer", from.name, to.name))
                    .target(&to.name)
                    .help(format!("a `{la}` module may depend only on `{la}` or lower layers; move the code down or invert the dependency")),
            );
        }
    }
}
