//! TypeScript front-end against generated ground truth.
#![allow(clippy::print_stdout)]

mod common;

use strata_lang::Lang;

#[test]
fn ts_edges_match_the_truth() {
    for seed in [1, 2, 3] {
        let Some(s) = common::check_lang(Lang::Ts, "ts", 3000, seed) else {
            return;
        };
        assert!(
            s.precision >= 0.995 && s.recall >= 0.99,
            "seed {seed}: precision {} recall {}",
            s.precision,
            s.recall
        );
    }
}

/// The truth's planted clones are functions with exact line spans: each must be one of the
/// definitions extracted from its file.
#[test]
fn ts_definitions_match_truth_clone_spans() {
    common::check_clone_spans(Lang::Ts, 1500, 4);
}

/// Single-threaded extraction speed (run in release:
/// `cargo test --release -p strata_lang --test ts_truth -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement, not a check"]
fn ts_extraction_throughput() {
    common::measure_throughput(Lang::Ts);
}
