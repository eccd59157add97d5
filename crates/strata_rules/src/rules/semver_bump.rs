//! A public-API change with a smaller version bump than it needs (with `--diff-base`).
//!
//! ## What it does
//! Only in `strata check --diff-base REV`: compares every changed module's public surface (the
//! definitions its interface files export, as `strata api-diff` lists them) with the base
//! revision and checks the version it declares (`module.yaml` `version`, else the manifest's)
//! against the bump the change needs. A removed or changed public symbol needs a major bump
//! (a minor one before 1.0, a patch one for 0.0.z, as Cargo reads versions): less is an error.
//! An added symbol needs a minor bump (a patch one before 1.0): less is a warning. The finding
//! points at the version and names the symbols. Changes that leave the surface alone are not
//! reported (many repositories bump patch versions when they release), nor are modules without
//! a version. Without `--diff-base` the rule is silent.
//!
//! ## Why
//! Dependents trust the version: a requirement like `^1.4` promises that 1.5 still has every
//! symbol 1.4 had. A breaking change published under a compatible version breaks every
//! dependent at its next build or deploy, far from the change that caused it.
//!
//! ## Example
//! ```text
//! billing/module.yaml   version: 1.4.0 -> 1.4.1
//! billing/src/lib.rs    - pub fn total(&self) -> u64        (removed)
//! ```
//!
//! ## How to fix
//! Raise the version by the bump `strata api-diff --base REV` reports (and update the
//! dependents it lists as no longer satisfied), or restore the removed or changed symbols.

use strata_diagnostics::{Diagnostic, Level, Severity};

use crate::{Context, Phase, Rule};

pub struct SemverBump;

const ID: &str = "semver-bump";

impl Rule for SemverBump {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Error
    }
    fn phase(&self) -> Phase {
        Phase::Schema
    }
    fn source(&self) -> &'static str {
        include_str!("semver_bump.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for b in cx.api_bumps.iter().filter(|b| !b.enough) {
            let Some(m) = cx.modules.get(b.module) else {
                continue;
            };
            if b.symbols.is_empty() {
                continue;
            }
            let what = if b.breaking {
                "breaks its public API"
            } else {
                "adds to its public API"
            };
            let bumped = if b.declared == "none" {
                format!("its version stays {}", b.to)
            } else {
                format!("{} -> {} is a {} bump", b.from, b.to, b.declared)
            };
            let mut d = Diagnostic::new(
                ID,
                format!(
                    "`{}` {what} ({}) and needs a {} bump, but {bumped}",
                    m.name,
                    b.symbols.join(", "),
                    b.required
                ),
            )
            .module(&m.name)
            .at(&b.file, b.line, b.column)
            .help(format!(
                "raise the version by a {} bump; `strata api-diff --base REV` lists the changes and the dependents",
                b.required
            ));
            if !b.breaking {
                d.severity_override = Some(Severity::Warning);
            }
            out.push(d);
        }
    }
}
