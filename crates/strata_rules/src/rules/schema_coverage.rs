//! A module without a `module.yaml`, an owner or a lifecycle.
//!
//! ## What it does
//! Reports modules found only through a package manifest (no `module.yaml`), and modules
//! whose `module.yaml` has no `owner` or no `lifecycle`.
//!
//! ## Why
//! The registry is only as useful as it is complete: a module nobody owns has nobody to tell
//! when it breaks, and one without a lifecycle cannot be told apart from an abandoned
//! experiment. Coverage is a warning so a repository can adopt strata step by step.
//!
//! ## Example
//! ```yaml
//! name: billing
//! kind: service
//! # no owner, no lifecycle
//! ```
//!
//! ## How to fix
//! Run `strata init` to write `module.yaml` stubs for modules without one, then fill in
//! `owner: team:<name>` and `lifecycle: experimental | production | deprecated`.

use strata_diagnostics::{Diagnostic, Level};
use strata_workspace::ModuleSource;

use super::at_module;
use crate::{Context, Phase, Rule};

pub struct SchemaCoverage;

const ID: &str = "schema-coverage";

impl Rule for SchemaCoverage {
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
        include_str!("schema_coverage.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for m in cx.modules {
            match (&m.source, &m.schema) {
                (ModuleSource::Manifest, _) => out.push(
                    at_module(ID, m, format!("module `{}` has no `module.yaml`", m.name))
                        .help("run `strata init` to write one from the manifest"),
                ),
                (ModuleSource::Schema, Some(s)) => {
                    let missing: Vec<&str> = [
                        ("owner", s.owner.is_none()),
                        ("lifecycle", s.lifecycle.is_none()),
                    ]
                    .into_iter()
                    .filter_map(|(k, absent)| absent.then_some(k))
                    .collect();
                    if !missing.is_empty() {
                        out.push(
                            at_module(ID, m, format!("module `{}` has no {}", m.name, missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and ")))
                                .help("declare `owner: team:<name>` and `lifecycle: experimental | production | deprecated`"),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}
