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

use super::{at_module, over_coupled};
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
        let (max, over) = over_coupled(cx, ID, 10, true);
        for (m, deps) in over {
            out.push(
                at_module(
                    ID,
                    m,
                    format!(
                        "`{}` depends on {} modules (max {max}): {}",
                        m.name,
                        deps.len(),
                        deps.join(", ")
                    ),
                )
                .help("split the module, or group dependencies it uses together behind a facade"),
            );
        }
    }
}
