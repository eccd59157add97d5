//! The Rust front-end against the ground truth of generated monorepos.
#![allow(clippy::print_stdout)]

// The shared harness predates the toolchain's `collapsible_if` lint.
#[allow(clippy::collapsible_if)]
mod common;

use strata_lang::Lang;

fn check(seed: u64) {
    let Some(s) = common::check_lang(Lang::Rust, "rust", 3000, seed) else {
        return;
    };
    assert!(
        s.precision >= 0.995,
        "seed {seed}: precision {:.4}",
        s.precision
    );
    assert!(s.recall >= 0.99, "seed {seed}: recall {:.4}", s.recall);
}

#[test]
fn truth_seed_1() {
    check(1);
}

#[test]
fn truth_seed_2() {
    check(2);
}

#[test]
fn truth_seed_3() {
    check(3);
}

/// Single-threaded extraction speed (run in release:
/// `cargo test --release -p strata_lang --test rust_truth -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement, not a check"]
fn extraction_throughput() {
    common::measure_throughput(Lang::Rust);
}

/// The truth's planted clones are functions with exact line spans: each must be one of the
/// definitions extracted from its file.
#[test]
fn rust_definitions_match_truth_clone_spans() {
    common::check_clone_spans(Lang::Rust, 1500, 4);
}
