//! The Rust front-end against the ground truth of generated monorepos.
#![allow(clippy::print_stdout)]

// The shared harness predates the toolchain's `collapsible_if` lint.
#[allow(clippy::collapsible_if)]
mod common;

use strata_lang::Lang;

fn check(seed: u64) {
    let s = common::check_lang(Lang::Rust, "rust", 3000, seed);
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

/// Single-threaded extraction throughput over the Rust files of a generated corpus. Run with
/// `cargo test --release -p strata_lang --test rust_truth -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check: run in release"]
fn extraction_throughput() {
    let corpus = common::generate(3000, 1, "rust");
    let files: Vec<(String, Vec<u8>)> = common::walk(corpus.root())
        .into_iter()
        .filter(|p| Lang::from_path(p) == Some(Lang::Rust))
        .map(|p| {
            let bytes = std::fs::read(corpus.root().join(&p)).expect("read");
            (p, bytes)
        })
        .collect();
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let fe = strata_lang::frontend(Lang::Rust);
    let mut best = f64::MAX;
    let mut facts = 0usize;
    for _ in 0..5 {
        let start = std::time::Instant::now();
        for (path, bytes) in &files {
            let f = fe.extract(path, bytes);
            facts += f.imports.len() + f.definitions.len();
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    #[allow(clippy::cast_precision_loss)]
    let mb = total as f64 / 1e6;
    println!(
        "rust extract: {} files, {mb:.1} MB, best of 5 {:.1} ms = {:.0} MB/s ({facts} facts)",
        files.len(),
        best * 1e3,
        mb / best
    );
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
            let facts = strata_lang::frontend(Lang::Rust).extract(path, &bytes);
            assert!(
                facts.definitions.iter().any(|d| {
                    matches!(
                        d.kind,
                        strata_lang::DefKind::Function | strata_lang::DefKind::Method
                    ) && Some(u64::from(d.start_line)) == start
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
