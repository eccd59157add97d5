//! Rust front-end against generated ground truth.
#![allow(clippy::print_stdout)]

mod common;

use std::time::Instant;

use strata_lang::{DefKind, Lang, frontend};

#[test]
fn rust_edges_match_the_truth() {
    for seed in [1, 2, 3] {
        let s = common::check_lang(Lang::Rust, "rust", 3000, seed);
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
fn rust_definitions_match_truth_clone_spans() {
    let corpus = common::generate(1500, 4, "rust");
    let mut checked = 0;
    for clone in corpus.truth["clones"].as_array().expect("clones") {
        for side in ["a", "b"] {
            let at = &clone[side];
            let path = at["path"].as_str().expect("path");
            let (start, end) = (at["start_line"].as_u64(), at["end_line"].as_u64());
            let bytes = std::fs::read(corpus.root().join(path)).expect("clone file");
            let facts = frontend(Lang::Rust).extract(path, &bytes);
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

/// Single-threaded extraction speed over a generated corpus's Rust files (run in release:
/// `cargo test --release -p strata_lang --test rust_truth -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement, not a check"]
fn rust_extraction_throughput() {
    let corpus = common::generate(3000, 1, "rust");
    let files: Vec<(String, Vec<u8>)> = common::walk(corpus.root())
        .into_iter()
        .filter(|p| Lang::from_path(p) == Some(Lang::Rust))
        .map(|p| {
            let bytes = std::fs::read(corpus.root().join(&p)).expect("read");
            (p, bytes)
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let fe = frontend(Lang::Rust);
    let mut best = f64::INFINITY;
    for _ in 0..10 {
        let start = Instant::now();
        for (path, src) in &files {
            std::hint::black_box(fe.extract(path, src));
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / 1e6;
    println!(
        "rust extract: {} files, {mb:.1} MB, best of 10 {:.1} ms = {:.0} MB/s",
        files.len(),
        best * 1e3,
        mb / best
    );
}
