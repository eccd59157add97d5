//! The Python front-end against the ground truth of generated monorepos.
#![allow(clippy::print_stdout)]

mod common;

use strata_lang::Lang;

fn check(seed: u64) {
    let Some(score) = common::check_lang(Lang::Py, "py", 3000, seed) else {
        return;
    };
    assert!(
        score.precision >= 0.995,
        "seed {seed}: precision {:.4}",
        score.precision
    );
    assert!(
        score.recall >= 0.99,
        "seed {seed}: recall {:.4}",
        score.recall
    );
}

#[test]
fn python_edges_match_truth_seed_1() {
    check(1);
}

#[test]
fn python_edges_match_truth_seed_2() {
    check(2);
}

#[test]
fn python_edges_match_truth_seed_3() {
    check(3);
}

/// The truth's planted clones are functions with exact line spans: each must be one of the
/// definitions extracted from its file.
#[test]
fn python_definitions_match_truth_clone_spans() {
    common::check_clone_spans(Lang::Py, 1500, 4);
}

/// Single-threaded extraction speed (run in release:
/// `cargo test --release -p strata_lang --test py_truth -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement, not a check"]
fn python_extraction_throughput() {
    common::measure_throughput(Lang::Py);
}
