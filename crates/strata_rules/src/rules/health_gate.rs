//! A module whose health score is under the line of its tier (off by default).
//!
//! ## What it does
//! Scores every module with a `tier:` as `strata health` does and reports those under the
//! line `[health.tiers]` sets for their tier. The finding points at the module's `tier:` and
//! names the step that would raise the score most.
//!
//! ## Why
//! A tier says how much depends on a module; a critical module that has decayed (findings,
//! complex code, churn, missing owner or docs) is where the next incident starts. A gate in CI
//! stops it from getting worse unnoticed, and with a baseline only new failures count.
//!
//! ## Example
//! ```toml
//! [rules]
//! health-gate = "error"
//! [health.tiers]
//! 1 = 8.5
//! 2 = 7
//! ```
//!
//! ## How to fix
//! Run `strata health --module NAME`: it explains every dimension's points and lists the next
//! steps by what each adds to the score.

use strata_diagnostics::{Diagnostic, Level};

use crate::{Context, Phase, Rule};

pub struct HealthGate;

const ID: &str = "health-gate";

impl Rule for HealthGate {
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
        include_str!("health_gate.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for h in cx.health.iter().filter(|h| h.score < h.line) {
            let Some(m) = cx.modules.get(h.module) else {
                continue;
            };
            let message = format!(
                "module `{}` scores {:.1}, under the tier-{} line {}",
                m.name, h.score, h.tier, h.line
            );
            let d = match m.schema.as_ref().and_then(|s| s.tier.as_ref()) {
                Some(tier) => super::at_value(ID, m, tier, message),
                None => Diagnostic::new(ID, message).module(&m.name).at(
                    super::declaration_file(m),
                    1,
                    1,
                ),
            };
            let help = match &h.next_step {
                Some(step) => format!(
                    "`strata health --module {}` explains the score; first: {step}",
                    m.name
                ),
                None => format!("`strata health --module {}` explains the score", m.name),
            };
            out.push(d.help(help));
        }
    }
}
