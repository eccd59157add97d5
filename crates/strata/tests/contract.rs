//! Contract tests: the JSON documents users and agents depend on (DESIGN.md §5), on a small
//! polyglot repository — one module per language.

use std::path::Path;

use insta::assert_snapshot;
use strata_test::{format_output, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

fn polyglot() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/polyglot")
}

#[test]
fn graph_file_level_json() {
    let root = polyglot();
    assert_snapshot!(format_output(
        &run_in(
            BIN.as_ref(),
            &root,
            &["--no-cache", "graph", "--level", "file", "--format", "json"]
        ),
        &root
    ));
}

#[test]
fn graph_module_level_json_with_focus() {
    let root = polyglot();
    assert_snapshot!(format_output(
        &run_in(
            BIN.as_ref(),
            &root,
            &[
                "--no-cache",
                "graph",
                "--level",
                "module",
                "--focus",
                "web",
                "--depth",
                "1",
                "--format",
                "json"
            ]
        ),
        &root
    ));
}

#[test]
fn modules_json() {
    let root = polyglot();
    assert_snapshot!(format_output(
        &run_in(
            BIN.as_ref(),
            &root,
            &["--no-cache", "modules", "--format", "json"]
        ),
        &root
    ));
}

#[test]
fn graph_pictures_highlight_cycles() {
    // The no-cycles rule fixture: a -> b -> c -> a, every edge on the cycle.
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../strata_project/tests/fixtures/no-cycles");
    let mermaid = run_in(
        BIN.as_ref(),
        &root,
        &["--no-cache", "graph", "--format", "mermaid"],
    );
    let text = String::from_utf8_lossy(&mermaid.stdout);
    assert_eq!(text.matches("stroke:#dc2626").count(), 3, "{text}");
    assert_snapshot!("graph_mermaid_cycle", text);
    let dot = run_in(
        BIN.as_ref(),
        &root,
        &["--no-cache", "graph", "--format", "dot"],
    );
    assert_snapshot!("graph_dot_cycle", String::from_utf8_lossy(&dot.stdout));
    let polyglot = run_in(
        BIN.as_ref(),
        &polyglot(),
        &[
            "--no-cache",
            "graph",
            "--level",
            "file",
            "--format",
            "mermaid",
        ],
    );
    assert_snapshot!(
        "graph_mermaid_files",
        String::from_utf8_lossy(&polyglot.stdout)
    );
}
