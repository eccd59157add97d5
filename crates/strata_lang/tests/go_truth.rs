//! Go front-end against the generated ground truth: file edges of three seeds.

mod common;

use strata_lang::Lang;

fn check(seed: u64) {
    let Some(s) = common::check_lang(Lang::Go, "go", 3000, seed) else {
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
fn seed_1() {
    check(1);
}

#[test]
fn seed_2() {
    check(2);
}

#[test]
fn seed_3() {
    check(3);
}

/// The truth's planted clones are functions with exact line spans: each must be one of the
/// definitions extracted from its file.
#[test]
fn clone_spans_are_definitions() {
    common::check_clone_spans(Lang::Go, 3000, 1);
}

/// Single-threaded extraction speed (run in release:
/// `cargo test --release -p strata_lang --test go_truth -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement, not a check"]
fn throughput() {
    common::measure_throughput(Lang::Go);
}
