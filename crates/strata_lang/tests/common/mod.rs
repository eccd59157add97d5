//! Shared by the per-language truth tests: generate a monorepo with `shared/bench/genrepo.py`,
//! run one front-end over it, and score its file edges against `.truth/truth.json`.
#![allow(dead_code, clippy::print_stdout)]

use std::collections::BTreeSet;
use std::path::Path;

use strata_lang::{DefKind, FileId, Lang, SourceTree, Target, frontend};
use strata_test::Corpus;

/// A generated corpus of about `files` source files of the given languages (`rust,ts,...`);
/// `None` when the generator is missing (the test is skipped, see `strata_test::generate`).
pub fn generate(files: usize, seed: u64, langs: &str) -> Option<Corpus> {
    strata_test::generate(files, seed, &["--langs", langs])
}

/// Every file under `root` except `.truth/` and `.git/`, repository-relative.
pub fn walk(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel == ".truth" || rel == ".git" {
                continue;
            }
            if entry.file_type().expect("file type").is_dir() {
                stack.push(path);
            } else {
                out.push(rel);
            }
        }
    }
    out
}

/// The file edges one language's front-end finds in the tree (deduplicated, no self edges).
pub fn edges(tree: &SourceTree, lang: Lang) -> BTreeSet<(String, String)> {
    let fe = frontend(lang);
    let resolver = fe.resolver(tree);
    let mut edges = BTreeSet::new();
    let mut targets = Vec::new();
    let files: Vec<(FileId, String)> = tree
        .iter()
        .filter(|(_, p)| Lang::from_path(p) == Some(lang))
        .map(|(id, p)| (id, p.to_owned()))
        .collect();
    for (id, path) in files {
        let bytes = std::fs::read(tree.root().join(&path)).expect("read source");
        let facts = fe.extract(&path, &bytes);
        for import in &facts.imports {
            targets.clear();
            resolver.resolve(tree, id, import, &mut targets);
            for t in &targets {
                if let Target::File(to) = t {
                    if *to != id {
                        edges.insert((path.clone(), tree.path(*to).to_owned()));
                    }
                }
            }
        }
    }
    edges
}

/// The truth's file edges whose source file is of `lang`.
pub fn truth_edges(truth: &serde_json::Value, lang: Lang) -> BTreeSet<(String, String)> {
    truth["file_edges"]
        .as_array()
        .expect("file_edges")
        .iter()
        .map(|e| {
            (
                e[0].as_str().unwrap().to_owned(),
                e[1].as_str().unwrap().to_owned(),
            )
        })
        .filter(|(a, _)| Lang::from_path(a) == Some(lang))
        .collect()
}

pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub false_positives: Vec<(String, String)>,
    pub false_negatives: Vec<(String, String)>,
}

pub fn score(found: &BTreeSet<(String, String)>, truth: &BTreeSet<(String, String)>) -> Score {
    let tp = found.intersection(truth).count();
    #[allow(clippy::cast_precision_loss)]
    let ratio = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    Score {
        precision: ratio(tp, found.len()),
        recall: ratio(tp, truth.len()),
        false_positives: found.difference(truth).take(20).cloned().collect(),
        false_negatives: truth.difference(found).take(20).cloned().collect(),
    }
}

/// Generate, extract, resolve and score one language on one seed; prints a table row and the
/// first misses so a failure explains itself. `None` when the generator is missing.
pub fn check_lang(lang: Lang, langs: &str, files: usize, seed: u64) -> Option<Score> {
    let corpus = generate(files, seed, langs)?;
    let tree = SourceTree::new(corpus.root(), walk(corpus.root()));
    let found = edges(&tree, lang);
    let truth = truth_edges(&corpus.truth, lang);
    let s = score(&found, &truth);
    println!(
        "{lang:<5} seed {seed:<3} truth {:>6} found {:>6} precision {:>7.3}% recall {:>7.3}%",
        truth.len(),
        found.len(),
        s.precision * 100.0,
        s.recall * 100.0
    );
    for fp in &s.false_positives {
        println!("  false positive: {} -> {}", fp.0, fp.1);
    }
    for fneg in &s.false_negatives {
        println!("  missed:         {} -> {}", fneg.0, fneg.1);
    }
    // Traps: import-like text in comments and strings must never become an edge.
    if let Some(traps) = corpus.truth["traps"].as_array() {
        for trap in traps {
            let (Some(path), Some(target)) = (trap["path"].as_str(), trap["naive_target"].as_str())
            else {
                continue;
            };
            if Lang::from_path(path) == Some(lang) {
                let pair = (path.to_owned(), target.to_owned());
                assert!(
                    !found.contains(&pair) || truth.contains(&pair),
                    "trap became an edge: {path} -> {target} ({})",
                    trap["text"]
                );
            }
        }
    }
    Some(s)
}

/// The truth's planted clones are whole functions or methods, first line to last: each clone
/// side in `lang` must be exactly the span of a function or method the front-end extracts.
pub fn check_clone_spans(lang: Lang, files: usize, seed: u64) {
    let Some(corpus) = generate(files, seed, lang.as_str()) else {
        return;
    };
    let fe = frontend(lang);
    let mut checked = 0;
    for clone in corpus.truth["clones"].as_array().expect("clones") {
        for side in [&clone["a"], &clone["b"]] {
            let path = side["path"].as_str().expect("path");
            if Lang::from_path(path) != Some(lang) {
                continue;
            }
            let span = (side["start_line"].as_u64(), side["end_line"].as_u64());
            let src = std::fs::read(corpus.root().join(path)).expect("read source");
            let facts = fe.extract(path, &src);
            assert!(
                facts.definitions.iter().any(|d| {
                    matches!(d.kind, DefKind::Function | DefKind::Method)
                        && (Some(u64::from(d.start_line)), Some(u64::from(d.end_line))) == span
                }),
                "{path}: no function or method spans {span:?}: {:?}",
                facts.definitions
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "the corpus has no {} clones", lang.as_str());
}

/// Single-threaded extraction speed over a generated corpus's files of `lang`, best of ten
/// rounds (a measurement for `--ignored --nocapture` runs in release, not a check).
#[allow(clippy::cast_precision_loss)]
pub fn measure_throughput(lang: Lang) {
    let Some(corpus) = generate(3000, 1, lang.as_str()) else {
        return;
    };
    let files: Vec<(String, Vec<u8>)> = walk(corpus.root())
        .into_iter()
        .filter(|p| Lang::from_path(p) == Some(lang))
        .map(|p| {
            let bytes = std::fs::read(corpus.root().join(&p)).expect("read source");
            (p, bytes)
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let fe = frontend(lang);
    let mut best = f64::INFINITY;
    let mut facts = 0;
    for _ in 0..10 {
        let start = std::time::Instant::now();
        facts = 0;
        for (path, src) in &files {
            let f = std::hint::black_box(fe.extract(path, src));
            facts += f.imports.len() + f.definitions.len();
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "{} extraction: {} files, {mb:.1} MB, {facts} facts, best of 10 {:.1} ms = {:.0} MB/s",
        lang.as_str(),
        files.len(),
        best * 1e3,
        mb / best
    );
}
