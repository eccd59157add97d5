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
