//! The Python front-end against the ground truth of generated monorepos.
#![allow(clippy::print_stdout)]

mod common;

use std::time::Instant;

use strata_lang::{DefKind, Lang, frontend};

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

/// The truth's planted clones are functions with exact line spans: each must be one of the
/// definitions extracted from its file.
#[test]
fn python_definitions_match_truth_clone_spans() {
    let corpus = common::generate(1500, 4, "py");
    let clones = corpus.truth["clones"].as_array().expect("clones");
    let mut checked = 0;
    for clone in clones {
        for side in ["a", "b"] {
            let at = &clone[side];
            let path = at["path"].as_str().expect("path");
            let (start, end) = (at["start_line"].as_u64(), at["end_line"].as_u64());
            let bytes = std::fs::read(corpus.root().join(path)).expect("clone file");
            let facts = frontend(Lang::Py).extract(path, &bytes);
            assert!(
                facts.definitions.iter().any(|d| {
                    matches!(d.kind, DefKind::Function | DefKind::Method)
                        && Some(u64::from(d.start_line)) == start
                        && Some(u64::from(d.end_line)) == end
                }),
                "no definition spans {path}:{start:?}-{end:?}: {:?}",
                facts.definitions
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "the corpus has clones");
}

/// Single-threaded extraction speed over a generated corpus's Python files (run in release:
/// `cargo test --release -p strata_lang --test py_truth -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement, not a check"]
fn python_extraction_throughput() {
    let corpus = common::generate(3000, 1, "py");
    let files: Vec<(String, Vec<u8>)> = common::walk(corpus.root())
        .into_iter()
        .filter(|p| Lang::from_path(p) == Some(Lang::Py))
        .map(|p| {
            let bytes = std::fs::read(corpus.root().join(&p)).expect("read");
            (p, bytes)
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let fe = frontend(Lang::Py);
    let mut best = f64::INFINITY;
    let mut imports = 0;
    for _ in 0..10 {
        let start = Instant::now();
        imports = 0;
        for (path, src) in &files {
            imports += std::hint::black_box(fe.extract(path, src)).imports.len();
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / 1e6;
    println!(
        "python extract: {} files, {mb:.1} MB, {imports} imports, best of 10 {:.1} ms = {:.0} MB/s",
        files.len(),
        best * 1e3,
        mb / best
    );
}
