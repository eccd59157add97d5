//! The Python front-end against the ground truth of generated monorepos.

mod common;

use strata_lang::Lang;

fn check(seed: u64) {
    let score = common::check_lang(Lang::Py, "py", 3000, seed);
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
