//! The bundled example `examples/coder-ide`: what `strata check` says about it is what its
//! README and ours promise — the four port collisions and the malformed event names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use strata_test::{format_output, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/coder-ide")
}

#[test]
fn check_reports_the_port_conflicts_and_bad_event_names() {
    let out = run_in(
        BIN.as_ref(),
        &example(),
        &["--no-cache", "check", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();

    let mut ports: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f["rule"] == "port-conflict") {
        ports
            .entry(f["target"].as_str().unwrap().to_owned())
            .or_default()
            .insert(f["module"].as_str().unwrap());
    }
    let expected: BTreeMap<String, BTreeSet<&str>> = [
        ("3034", ["configuration-service", "context-service"]),
        ("3035", ["agent-registry", "cache-service"]),
        ("3036", ["prompt-service", "validation-engine"]),
        ("3037", ["pattern-recognition", "template-service"]),
    ]
    .into_iter()
    .map(|(p, m)| (p.to_owned(), m.into_iter().collect()))
    .collect();
    assert_eq!(ports, expected);

    let events: BTreeSet<(&str, &str)> = findings
        .iter()
        .filter(|f| f["rule"] == "event-name")
        .map(|f| (f["module"].as_str().unwrap(), f["target"].as_str().unwrap()))
        .collect();
    let expected: BTreeSet<(&str, &str)> = [
        ("authentication", "user.registered"),
        ("user-management", "user.registered"),
        ("prompt-service", "plan.created"),
        ("notification", "plan.created"),
        ("secret-management", "secret.rotated"),
        ("notification", "secret.rotated"),
    ]
    .into_iter()
    .collect();
    assert_eq!(events, expected);
}

#[test]
fn check_text_on_the_example() {
    let root = example();
    insta::assert_snapshot!(format_output(
        &run_in(BIN.as_ref(), &root, &["--no-cache", "check"]),
        &root
    ));
}

#[test]
fn docs_of_the_example() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = run_in(
        BIN.as_ref(),
        &example(),
        &[
            "--no-cache",
            "docs",
            "--out",
            out_dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<_> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 19, "an index and a page per module");
    let mut all = String::new();
    for f in &files {
        all.push_str("===== ");
        all.push_str(&f.file_name().unwrap().to_string_lossy());
        all.push('\n');
        all.push_str(&std::fs::read_to_string(f).unwrap());
    }
    insta::assert_snapshot!(all);
}
