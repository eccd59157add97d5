//! The rule engine: the [`Rule`] trait, the single [`RULES`] list, per-rule levels and options
//! from `strata.toml`, and dispatch by [`Phase`].
//!
//! `strata_rules` does no I/O: everything a rule needs is in its [`Context`].
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod context;
mod doc;
pub mod rules;
mod settings;

pub use context::{
    ApiBump, CloneSpan, CodeClone, Context, Endpoints, FileContext, GraphInput, ModuleScore,
};
pub use doc::{RuleDoc, SECTIONS};
pub use rules::duplicate_code::{
    DEFAULT_MIN_TOKENS as CLONE_MIN_TOKENS, min_tokens as duplicate_code_min_tokens,
};
pub use rules::hardcoded_endpoint::is_test_file;
pub use rules::internal_import::Interfaces;
pub use rules::semver_mismatch::{Requirement, parse_requirement};
pub use settings::{RuleSettings, resolve_settings};

use strata_diagnostics::{Diagnostic, Level};

/// When a rule can run: on the declarations alone, on the import graph, or on each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Schema,
    Graph,
    File,
}

/// A rule. One rule is one file in `rules/`; its `//!` doc comment is its documentation
/// (`strata explain <id>`), in the sections What it does / Why / Example / How to fix.
pub trait Rule: Sync {
    /// Stable kebab-case id, named after the violation.
    fn id(&self) -> &'static str;
    fn default_level(&self) -> Level;
    fn phase(&self) -> Phase;
    /// The rule's source file; its leading `//!` comment is the documentation.
    fn source(&self) -> &'static str;
    /// Append findings (their severity is set by the engine from the configured level).
    /// File-phase rules leave this empty and implement [`Rule::check_file`].
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
    /// File-phase rules: append findings about one file, given its bytes. Called once per
    /// source file while the scan has the file in memory.
    fn check_file(&self, _cx: &FileContext<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// Every rule strata has, in no particular order (output is sorted).
pub const RULES: &[&dyn Rule] = &[
    &rules::schema_invalid::SchemaInvalid,
    &rules::duplicate_module::DuplicateModule,
    &rules::unknown_reference::UnknownReference,
    &rules::schema_coverage::SchemaCoverage,
    &rules::semver_mismatch::SemverMismatch,
    &rules::semver_bump::SemverBump,
    &rules::deprecated_dependency::DeprecatedDependency,
    &rules::radar_hold::RadarHold,
    &rules::dependency_drift::DependencyDrift,
    &rules::port_conflict::PortConflict,
    &rules::event_name::EventName,
    &rules::orphan_event::OrphanEvent,
    &rules::undeclared_dependency::UndeclaredDependency,
    &rules::unused_dependency::UnusedDependency,
    &rules::internal_import::InternalImport,
    &rules::no_cycles::NoCycles,
    &rules::file_cycle::FileCycle,
    &rules::layer_violation::LayerViolation,
    &rules::lane_violation::LaneViolation,
    &rules::max_fan_out::MaxFanOut,
    &rules::max_fan_in::MaxFanIn,
    &rules::hardcoded_secret::HardcodedSecret,
    &rules::hardcoded_endpoint::HardcodedEndpoint,
    &rules::required_files::RequiredFiles,
    &rules::forbidden::Forbidden,
    &rules::duplicate_code::DuplicateCode,
    &rules::health_gate::HealthGate,
];

/// Run every enabled file-phase rule on one file; findings carry their configured severity
/// (unsorted: the caller sorts all findings together).
pub fn run_file(cx: &FileContext<'_>, settings: &RuleSettings, out: &mut Vec<Diagnostic>) {
    for rule in RULES.iter().filter(|r| r.phase() == Phase::File) {
        let Some(severity) = settings.level(*rule).severity() else {
            continue;
        };
        let start = out.len();
        rule.check_file(cx, out);
        for d in &mut out[start..] {
            d.severity = severity;
        }
    }
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.id() == id)
}

/// Run the enabled rules among `ids` (whatever their phase); findings sorted.
pub fn run_only(cx: &Context<'_>, ids: &[&str]) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for rule in RULES.iter().filter(|r| ids.contains(&r.id())) {
        let Some(severity) = cx.settings.level(*rule).severity() else {
            continue;
        };
        let start = all.len();
        rule.check(cx, &mut all);
        for d in &mut all[start..] {
            d.severity = d.severity_override.unwrap_or(severity);
        }
    }
    strata_diagnostics::sort(&mut all);
    all
}

/// Run every enabled rule of the given phases; findings carry their configured severity and
/// come back sorted.
pub fn run(cx: &Context<'_>, phases: &[Phase]) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    let mut buf = Vec::new();
    for rule in RULES.iter().filter(|r| phases.contains(&r.phase())) {
        let Some(severity) = cx.settings.level(*rule).severity() else {
            continue;
        };
        buf.clear();
        rule.check(cx, &mut buf);
        all.extend(buf.drain(..).map(|mut d| {
            d.severity = d.severity_override.unwrap_or(severity);
            d
        }));
    }
    strata_diagnostics::sort(&mut all);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id()).collect();
        for id in &ids {
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
        }
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
    }

    #[test]
    fn every_rule_is_documented_in_the_fixed_sections() {
        for rule in RULES {
            let doc = RuleDoc::text(*rule);
            assert!(
                !RuleDoc::summary(*rule).is_empty(),
                "{} has no summary",
                rule.id()
            );
            let mut at = 0;
            for section in SECTIONS {
                let heading = format!("## {section}\n");
                let found = doc[at..].find(&heading);
                assert!(
                    found.is_some(),
                    "{}: missing or misplaced section `{section}`",
                    rule.id()
                );
                at += found.unwrap_or(0) + heading.len();
            }
        }
    }
}
