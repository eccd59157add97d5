//! A dependency on a deprecated module.
//!
//! ## What it does
//! Reports every `depends_on` entry naming a module whose `lifecycle` is `deprecated`
//! (unless the depending module is itself deprecated).
//!
//! ## Why
//! A deprecated module is on its way out. Every new or remaining dependant is work that must
//! happen before it can be removed, and a reason it will linger.
//!
//! ## Example
//! ```yaml
//! name: billing
//! depends_on: [legacy-ledger]    # legacy-ledger: lifecycle: deprecated
//! ```
//!
//! ## How to fix
//! Move to the module's replacement (its `module.yaml` description or links usually say
//! which), then remove the entry.

use strata_diagnostics::{Diagnostic, Level};
use strata_workspace::module_file::Lifecycle;

use super::at_value;
use crate::{Context, Phase, Rule};

pub struct DeprecatedDependency;

const ID: &str = "deprecated-dependency";

fn deprecated(m: &strata_workspace::DeclaredModule) -> bool {
    m.schema.as_ref().and_then(|s| s.lifecycle) == Some(Lifecycle::Deprecated)
}

impl Rule for DeprecatedDependency {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn phase(&self) -> Phase {
        Phase::Schema
    }
    fn source(&self) -> &'static str {
        include_str!("deprecated_dependency.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for m in cx.modules {
            let Some(s) = &m.schema else { continue };
            if deprecated(m) {
                continue;
            }
            for dep in &s.depends_on {
                if cx.module(dep.value.name()).is_some_and(deprecated) {
                    out.push(
                        at_value(
                            ID,
                            m,
                            dep,
                            format!(
                                "`{}` depends on `{}`, which is deprecated",
                                m.name,
                                dep.value.name()
                            ),
                        )
                        .target(dep.value.name())
                        .help("move to its replacement and remove this dependency"),
                    );
                }
            }
        }
    }
}
