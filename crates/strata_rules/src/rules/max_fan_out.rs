//! A module that depends on more modules than the configured maximum (off by default).
//!
//! ## What it does
//! Counts, for each module, the other modules it imports. When the count is above `max`
//! (default 10), reports the module with the list of its dependencies.
//!
//! ## Why
//! A module that depends on many others breaks whenever any of them changes, is hard to test
//! in isolation, and often does several jobs that want to be separate modules.
//!
//! ## Example
//! ```toml
//! [rules]
//! max-fan-out = { level = "warn", max = 12 }
//! ```
//!
//! ## How to fix
//! Split the module by responsibility, or put a facade in front of a group of dependencies it
//! uses together.

use strata_diagnostics::{Diagnostic, Level};

use super::at_module;
use crate::{Context, Phase, Rule};

pub struct MaxFanOut;

const ID: &str = "max-fan-out";

impl Rule for MaxFanOut {
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
        include_str!("max_fan_out.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(graph) = &cx.graph else { return };
        let max = cx
            .settings
            .option(ID, "max")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(10);
        let mut deps: Vec<Vec<&str>> = vec![Vec::new(); cx.modules.len()];
        for &(a, b) in graph.module_edges.keys() {
            deps[a].push(cx.modules[b].name.as_str());
        }
        for (i, d) in deps.iter_mut().enumerate() {
            if d.len() as u64 > max {
                d.sort_unstable();
                let m = &cx.modules[i];
                out.push(
                    at_module(
                        ID,
                        m,
                        format!(
                            "`{}` depends on {} modules (max {max}): {}",
                            m.name,
                            d.len(),
                            d.join(", ")
                        ),
                    )
                    .help(
                        "split the module, or group dependencies it uses together behind a facade",
                    ),
                );
            }
        }
    }
}
