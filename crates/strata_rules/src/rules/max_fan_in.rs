//! A module that more modules depend on than the configured maximum (off by default).
//!
//! ## What it does
//! Counts, for each module, the other modules that import it. When the count is above `max`
//! (default 20), reports the module with the list of its dependants.
//!
//! ## Why
//! Every dependant is a reason a change to the module is risky. A module many depend on
//! should be small, stable and well tested — or split so that each dependant pulls in only
//! what it uses.
//!
//! ## Example
//! ```toml
//! [rules]
//! max-fan-in = { level = "warn", max = 30 }
//! ```
//!
//! ## How to fix
//! Split the module into stable, focused parts, or raise `max` for modules meant to be
//! foundations (with a comment saying why).

use strata_diagnostics::{Diagnostic, Level};

use super::{at_module, over_coupled};
use crate::{Context, Phase, Rule};

pub struct MaxFanIn;

const ID: &str = "max-fan-in";

impl Rule for MaxFanIn {
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
        include_str!("max_fan_in.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let (max, over) = over_coupled(cx, ID, 20, false);
        for (m, users) in over {
            out.push(
                at_module(
                    ID,
                    m,
                    format!(
                        "`{}` is imported by {} modules (max {max}): {}",
                        m.name,
                        users.len(),
                        users.join(", ")
                    ),
                )
                .help("split it into focused parts, or raise `max` for a deliberate foundation module"),
            );
        }
    }
}
