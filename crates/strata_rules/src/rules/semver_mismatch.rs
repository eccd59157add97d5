//! A dependency requirement the dependency's version does not satisfy.
//!
//! ## What it does
//! For every `depends_on` entry with a `version` requirement, checks that the named module's
//! version (its `module.yaml` `version`, else its manifest's) satisfies it. Requirements use
//! Cargo and npm semantics: caret `^1.2` (the default for a bare version in a Cargo module),
//! tilde `~1.2.3`, comparisons `>=1.0.0, <2` (npm's space-separated form too), exact
//! `=1.2.3` (the default for a bare version elsewhere, as in npm), wildcards `1.x`, hyphen
//! ranges `1.0.0 - 1.4.0` and alternatives `^1 || ^2`.
//!
//! ## Why
//! A requirement records what a module was built and tested against. When the dependency
//! moves past it (a new major version, or a downgrade), the declared contract and the code that
//! will be deployed disagree, and the first sign is usually a failure in production.
//!
//! ## Example
//! ```yaml
//! name: billing
//! depends_on:
//!   - { name: ledger, version: "^2.1" }   # ledger is at 3.0.0
//! ```
//!
//! ## How to fix
//! Check the dependency's changes since the required version, then update the requirement
//! (or pin the dependency back).

use semver::{Version, VersionReq};
use strata_diagnostics::{Diagnostic, Level};
use strata_workspace::ManifestKind;

use super::at_value;
use crate::{Context, Phase, Rule};

pub struct SemverMismatch;

const ID: &str = "semver-mismatch";

/// A parsed requirement: satisfied when any alternative is.
#[derive(Debug, Clone)]
pub struct Requirement {
    alternatives: Vec<VersionReq>,
    /// The requirement is one bare version (`1.2.3`), whose meaning depends on the ecosystem.
    bare: Option<Version>,
}

impl Requirement {
    /// Whether `v` satisfies the requirement; a bare version is a caret requirement when
    /// `bare_is_caret` (Cargo), else an exact one (npm).
    pub fn matches(&self, v: &Version, bare_is_caret: bool) -> bool {
        match &self.bare {
            Some(b) if !bare_is_caret => b == v,
            _ => self.alternatives.iter().any(|r| r.matches(v)),
        }
    }
}

/// Parse a Cargo or npm version requirement.
pub fn parse_requirement(text: &str) -> Result<Requirement, semver::Error> {
    let trimmed = text.trim();
    let bare = Version::parse(trimmed.strip_prefix('v').unwrap_or(trimmed)).ok();
    let alternatives = trimmed
        .split("||")
        .map(|alt| VersionReq::parse(&normalise(alt.trim())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Requirement { alternatives, bare })
}

/// npm spellings into the comma-separated form `semver` reads: `1.0.0 - 2.0.0` becomes
/// `>=1.0.0, <=2.0.0`; `>=1 <2` and `>= 1` become `>=1, <2` and `>=1`.
fn normalise(alt: &str) -> String {
    if let Some((lo, hi)) = alt.split_once(" - ") {
        return format!(">={}, <={}", lo.trim(), hi.trim());
    }
    if alt.contains(',') {
        return alt.to_owned();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut pending_op = String::new();
    for tok in alt.split_whitespace() {
        if tok
            .chars()
            .all(|c| matches!(c, '<' | '>' | '=' | '^' | '~'))
        {
            pending_op.push_str(tok);
        } else {
            parts.push(format!(
                "{pending_op}{}",
                tok.strip_prefix('v').unwrap_or(tok)
            ));
            pending_op.clear();
        }
    }
    if parts.is_empty() {
        alt.to_owned()
    } else {
        parts.join(", ")
    }
}

impl Rule for SemverMismatch {
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
        include_str!("semver_mismatch.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for m in cx.modules {
            let Some(s) = &m.schema else { continue };
            let bare_is_caret =
                m.manifest.as_ref().and_then(|x| x.kind) == Some(ManifestKind::Cargo);
            for dep in &s.depends_on {
                let (Some(text), Some(target)) = (dep.value.version(), cx.module(dep.value.name()))
                else {
                    continue;
                };
                // Unparseable requirements and versions are `schema-invalid` findings.
                let Ok(req) = parse_requirement(text) else {
                    continue;
                };
                let Some(Ok(actual)) = target.version().map(Version::parse) else {
                    continue;
                };
                if !req.matches(&actual, bare_is_caret) {
                    out.push(
                        at_value(
                            ID,
                            m,
                            dep,
                            format!("`{}` requires `{}` {text}, but `{}` is at {actual}", m.name, target.name, target.name),
                        )
                        .target(&target.name)
                        .help(format!("update the requirement to match {actual}, or depend on a version that satisfies {text}")),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(req: &str, v: &str) -> bool {
        parse_requirement(req)
            .unwrap()
            .matches(&Version::parse(v).unwrap(), false)
    }

    #[test]
    fn caret_and_tilde_follow_cargo_and_npm() {
        assert!(ok("^1.2", "1.9.0"));
        assert!(!ok("^1.2", "2.0.0"));
        assert!(!ok("^1.2", "1.1.9"));
        assert!(ok("^0.14.7", "0.14.9"));
        assert!(!ok("^0.14.7", "0.15.0"));
        assert!(!ok("^0.0.3", "0.0.4"));
        assert!(ok("~2.8", "2.8.30"));
        assert!(!ok("~2.8", "2.9.0"));
        assert!(ok("~1.2.3", "1.2.9"));
        assert!(!ok("~1.2.3", "1.2.2"));
    }

    #[test]
    fn comparisons_ranges_and_alternatives() {
        assert!(ok(">=1.0.0", "3.0.0"));
        assert!(!ok(">=3.0.0", "2.12.8"));
        assert!(ok(">=1.0.0, <2", "1.5.0"));
        assert!(ok(">=1.0.0 <2.0.0", "1.5.0"));
        assert!(!ok(">= 1.0.0 < 2.0.0", "2.0.0"));
        assert!(ok("1.0.0 - 1.4.0", "1.4.0"));
        assert!(!ok("1.0.0 - 1.4.0", "1.4.1"));
        assert!(ok("^1 || ^3", "3.1.0"));
        assert!(!ok("^1 || ^3", "2.1.0"));
        assert!(ok("=1.2.3", "1.2.3"));
        assert!(!ok("=1.2.3", "1.2.4"));
        assert!(ok("1.x", "1.7.0"));
        assert!(ok("*", "9.0.0"));
    }

    #[test]
    fn bare_versions_depend_on_the_ecosystem() {
        let r = parse_requirement("1.2.3").unwrap();
        let v = Version::parse("1.4.0").unwrap();
        assert!(r.matches(&v, true), "Cargo: caret");
        assert!(!r.matches(&v, false), "npm: exact");
    }

    #[test]
    fn garbage_does_not_parse() {
        assert!(parse_requirement("latest please").is_err());
        assert!(parse_requirement("^^1").is_err());
    }
}
