//! One fixture repository per rule (`tests/fixtures/<rule-id>/`): the rule's findings on it,
//! rendered as text, are snapshotted. A guard makes sure no rule lacks a fixture.

use std::path::Path;

use strata_diagnostics::{Summary, render_text};
use strata_project::{LoadOptions, Project};
use strata_rules::RULES;

fn findings_of(id: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(id);
    let options = LoadOptions {
        root: Some(root.clone()),
        jobs: 1,
        no_cache: true,
        ..LoadOptions::default()
    };
    let mut project = Project::load(&options).expect("fixture loads");
    // Every rule at its default level, except that off-by-default rules are switched on.
    let rule = RULES.iter().find(|r| r.id() == id).expect("rule");
    if rule.default_level() == strata_diagnostics::Level::Off {
        project
            .settings
            .set_level(rule.id(), strata_diagnostics::Level::Warn);
    }
    let report = project.check();
    let findings: Vec<_> = report
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == id)
        .collect();
    let summary = Summary::count(&findings, project.modules.len(), project.sources.len());
    render_text(&findings, &summary, &|file, line| {
        project.source_line(file, line)
    })
}

/// Rules that compare with a base revision (`--diff-base`): a fixture folder has no history,
/// so their tests build git repositories (`crates/strata/tests/api_diff.rs`).
const NEED_A_BASE_REVISION: &[&str] = &["semver-bump"];

#[test]
fn every_rule_has_a_fixture_and_a_snapshot() {
    for rule in RULES
        .iter()
        .filter(|r| !NEED_A_BASE_REVISION.contains(&r.id()))
    {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(rule.id());
        assert!(
            dir.is_dir(),
            "rule `{}` has no fixture at {}",
            rule.id(),
            dir.display()
        );
        let text = findings_of(rule.id());
        assert!(
            !text.starts_with("0 errors, 0 warnings"),
            "the fixture of `{}` finds nothing",
            rule.id()
        );
        insta::assert_snapshot!(rule.id(), text);
    }
}

#[test]
fn a_facts_only_scan_leaves_the_full_index_whole() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/internal-import");
    let options = LoadOptions {
        root: Some(root),
        jobs: 1,
        no_cache: true,
        ..LoadOptions::default()
    };
    let project = Project::load(&options).expect("fixture loads");
    let facts = project.facts_index();
    assert!(facts.file_edges.is_empty() && facts.file_findings.is_empty());
    let defs = |i: &strata_project::Index| {
        i.facts()
            .iter()
            .map(|f| f.definitions.len())
            .collect::<Vec<_>>()
    };
    let facts_defs = defs(facts);
    let full = project.index();
    assert!(!full.file_edges.is_empty(), "the fixture has imports");
    assert_eq!(facts_defs, defs(full));
    assert!(
        project
            .check()
            .diagnostics
            .iter()
            .any(|d| d.rule == "internal-import")
    );
}
