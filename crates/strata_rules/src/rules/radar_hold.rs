//! A dependency on an external package the technology radar puts on hold.
//!
//! ## What it does
//! Reports every external dependency of a module (from its package manifest, at the version
//! its lockfile resolves) that an entry of `[radar] hold` in `strata.toml` selects: a package
//! name, optionally with an ecosystem (`npm:left-pad`) and a version range
//! (`log4j-core@<2.17.1`). An entry with a range reports only the versions in it; when the
//! version is unknown (no lockfile and no exact requirement), the dependency is not reported.
//! The entry's `reason` is part of the message.
//!
//! ## Why
//! A hold list is how a team records "not here any more": a package that is unmaintained,
//! vulnerable below some version, or replaced by a better one. Without a check, the list is a
//! wiki page nobody reads while new uses keep arriving.
//!
//! ## Example
//! ```toml
//! [radar]
//! hold = [
//!   "left-pad",
//!   { package = "log4j-core@<2.17.1", reason = "CVE-2021-44228 and CVE-2021-45046" },
//! ]
//! ```
//! A `pom.xml` using `log4j-core` 2.14.1 is reported; one at 2.17.1 is not.
//!
//! ## How to fix
//! Move to the replacement the reason names, or upgrade past the range; then remove the
//! dependency from the manifest (and refresh the lockfile).

use strata_diagnostics::{Diagnostic, Level};
use strata_workspace::deps::{PackageSpec, ecosystem_name};

use crate::{Context, Phase, Rule};

pub struct RadarHold;

const ID: &str = "radar-hold";

impl Rule for RadarHold {
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
        include_str!("radar_hold.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // The configuration was validated when it was read; an entry that does not parse
        // cannot reach here, and would select nothing if it did.
        let holds: Vec<(PackageSpec, &str, Option<&str>)> = cx
            .config
            .config
            .radar
            .hold
            .iter()
            .filter_map(|e| Some((PackageSpec::parse(e.spec()).ok()?, e.spec(), e.reason())))
            .collect();
        if holds.is_empty() {
            return;
        }
        for m in cx.deps {
            let Some(module) = cx.modules.get(m.module) else {
                continue;
            };
            for d in &m.dependencies {
                let version = d.version(m.ecosystem);
                let Some((_, spec, reason)) = holds.iter().find(|(s, _, _)| {
                    s.names(m.ecosystem, &d.name) && s.selects(version) == Some(true)
                }) else {
                    continue;
                };
                let at = version.map(|v| format!(" {v}")).unwrap_or_default();
                let why = reason.map(|r| format!(": {r}")).unwrap_or_default();
                out.push(
                    Diagnostic::new(
                        ID,
                        format!(
                            "`{}` depends on {} package `{}`{at}, which the radar holds (`{spec}`){why}",
                            module.name,
                            ecosystem_name(m.ecosystem),
                            d.name
                        ),
                    )
                    .module(&module.name)
                    .at(&m.manifest, d.line.max(1), d.column.max(1))
                    .target(&d.name)
                    .help("move off it (or past the held versions), then update the manifest and lockfile"),
                );
            }
        }
    }
}
