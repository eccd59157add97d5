//! One external package resolved to different versions by different modules.
//!
//! ## What it does
//! Groups every module's external dependencies by ecosystem and package, at the versions
//! their lockfiles resolve (Go's `go.mod` and Maven's pom give them directly), and reports each
//! module whose version of a package is older than the newest another module uses. Modules
//! without a resolved version (no lockfile) are left out.
//!
//! ## Why
//! Two services on different versions of the same library behave differently in ways nobody
//! chose: serialisation formats, defaults, security fixes one has and the other lacks. Shared
//! code that passes data between them breaks at the seams, and each upgrade is done N times.
//!
//! ## Example
//! `services/billing/package-lock.json` resolves `lodash` to 4.17.20 while
//! `services/web/package-lock.json` resolves 4.17.21: `billing` is reported.
//!
//! ## How to fix
//! Upgrade the older modules to the newest version (or agree on one and pin it in a shared
//! workspace or constraints file), then refresh their lockfiles.

use strata_diagnostics::{Diagnostic, Level};
use strata_workspace::deps::{drift, ecosystem_name};

use crate::{Context, Phase, Rule};

pub struct DependencyDrift;

const ID: &str = "dependency-drift";

impl Rule for DependencyDrift {
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
        include_str!("dependency_drift.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let name_of = |i: usize| {
            cx.deps
                .get(i)
                .and_then(|m| cx.modules.get(m.module))
                .map_or("", |m| m.name.as_str())
        };
        for d in drift(cx.deps) {
            let Some((newest, newest_users)) = d.versions.first() else {
                continue;
            };
            let mut users: Vec<&str> = newest_users.iter().map(|&i| name_of(i)).collect();
            users.sort_unstable();
            users.dedup();
            let shown = if users.len() > 3 {
                format!("{} and {} more", users[..3].join("`, `"), users.len() - 3)
            } else {
                users.join("`, `")
            };
            for (version, modules) in &d.versions[1..] {
                for &i in modules {
                    let m = &cx.deps[i];
                    let Some(dep) = m.dependencies.iter().find(|x| {
                        x.name == d.name && x.resolved.as_deref() == Some(version.as_str())
                    }) else {
                        continue;
                    };
                    let module = name_of(i);
                    out.push(
                        Diagnostic::new(
                            ID,
                            format!(
                                "`{module}` resolves {} package `{}` to {version}, while `{shown}` use {newest}",
                                ecosystem_name(d.ecosystem),
                                d.name
                            ),
                        )
                        .module(module)
                        .at(&m.manifest, dep.line.max(1), dep.column.max(1))
                        .target(&d.name)
                        .help(format!("upgrade to {newest} and refresh the lockfile, so every module runs one version")),
                    );
                }
            }
        }
    }
}
