//! One fixture repository per rule (`tests/fixtures/<rule-id>/`); the rule's findings on it,
//! rendered as text, are snapshotted. A guard makes sure no rule lacks a fixture.

use std::path::Path;

use strata_diagnostics::{Summary, render_text};
use strata_rules::{Context, RULES, resolve_settings};
use strata_workspace::{discover, load_config};

fn findings_of(id: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(id);
    let config = load_config(&root.join("strata.toml")).expect("fixture strata.toml");
    let settings = resolve_settings(&config).expect("settings");
    let discovery = discover(&root, config.clone(), 1);
    let cx = Context::new(
        &config,
        "strata.toml",
        &discovery.modules,
        &discovery.invalid_schemas,
        &settings,
    );
    let rule = RULES.iter().find(|r| r.id() == id).expect("rule");
    let mut out = Vec::new();
    rule.check(&cx, &mut out);
    if let Some(severity) = rule.default_level().severity() {
        for d in &mut out {
            d.severity = severity;
        }
    }
    strata_diagnostics::sort(&mut out);
    let summary = Summary::count(&out, discovery.modules.len(), 0);
    render_text(&out, &summary, &|file, line| {
        let text = std::fs::read_to_string(root.join(file)).ok()?;
        text.lines()
            .nth(line.checked_sub(1)? as usize)
            .map(str::to_owned)
    })
}

#[test]
fn every_rule_has_a_fixture_and_a_snapshot() {
    for rule in RULES {
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
            !text.starts_with("0 errors"),
            "the fixture of `{}` finds nothing",
            rule.id()
        );
        insta::assert_snapshot!(rule.id(), text);
    }
}
