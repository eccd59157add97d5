//! Java front-end against the generated ground truth: file edges of three seeds.

mod common;

use strata_lang::Lang;

fn check(seed: u64) {
    let s = common::check_lang(Lang::Java, "java", 3000, seed);
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

/// The truth's planted clones are whole functions, signature line to closing line: each one must
/// be exactly the span of a definition the front-end reports.
#[test]
fn clone_spans_are_definitions() {
    let corpus = common::generate(3000, 1, "java");
    let fe = strata_lang::frontend(Lang::Java);
    let mut checked = 0;
    for clone in corpus.truth["clones"].as_array().expect("clones") {
        for side in [&clone["a"], &clone["b"]] {
            let path = side["path"].as_str().expect("path");
            if Lang::from_path(path) != Some(Lang::Java) {
                continue;
            }
            let span = (side["start_line"].as_u64(), side["end_line"].as_u64());
            let src = std::fs::read(corpus.root().join(path)).expect("read source");
            let facts = fe.extract(path, &src);
            assert!(
                facts.definitions.iter().any(|d| {
                    (Some(u64::from(d.start_line)), Some(u64::from(d.end_line))) == span
                }),
                "{path}: no definition spans {span:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "the corpus has no java clones");
}

/// Single-threaded extraction speed over generated files; run in release with
/// `cargo test --release -p strata_lang --test java_truth -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, not a check"]
#[allow(clippy::print_stdout, clippy::cast_precision_loss)]
fn throughput() {
    let corpus = common::generate(3000, 1, "java");
    let sources: Vec<Vec<u8>> = common::walk(corpus.root())
        .into_iter()
        .filter(|p| Lang::from_path(p) == Some(Lang::Java))
        .map(|p| std::fs::read(corpus.root().join(p)).expect("read source"))
        .collect();
    let bytes: usize = sources.iter().map(Vec::len).sum();
    let fe = strata_lang::frontend(Lang::Java);
    let mut rounds = 0u32;
    let mut found = 0usize;
    let start = std::time::Instant::now();
    while rounds < 3 || start.elapsed().as_secs_f64() < 2.0 {
        for src in &sources {
            let facts = fe.extract("x.java", src);
            found += facts.imports.len() + facts.definitions.len();
        }
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes as f64) * f64::from(rounds) / 1e6;
    println!(
        "java extraction: {} files, {:.1} MB x {rounds} rounds in {secs:.2} s = {:.0} MB/s ({found} facts)",
        sources.len(),
        bytes as f64 / 1e6,
        mb / secs
    );
}
