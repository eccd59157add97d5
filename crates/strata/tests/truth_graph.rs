//! Against generated ground truth: the import graph of `strata graph --level file` — per
//! language file-edge precision and recall, module edges equal to the truth's, no edge from
//! the truth's traps, and every file in the truth's module.
#![allow(clippy::print_stdout, clippy::cast_precision_loss)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use strata_test::{generate, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");
const SEEDS: [u64; 3] = [11, 12, 13];
const FILES: usize = 3000;
const LANGS: [&str; 5] = ["rust", "ts", "py", "go", "java"];

fn lang_of(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "rs" => "rust",
        "ts" | "tsx" | "js" | "mjs" | "cjs" | "mts" | "cts" | "jsx" => "ts",
        "py" | "pyi" => "py",
        "go" => "go",
        "java" => "java",
        _ => "",
    }
}

fn pairs(v: &Value, a: &str, b: &str) -> BTreeSet<(String, String)> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|e| match e {
            Value::Array(x) => (
                x[0].as_str().unwrap().to_owned(),
                x[1].as_str().unwrap().to_owned(),
            ),
            _ => (
                e[a].as_str().unwrap().to_owned(),
                e[b].as_str().unwrap().to_owned(),
            ),
        })
        .collect()
}

#[test]
fn import_graph_matches_the_truth() {
    // (lang) -> (true positives, found, truth) summed over seeds.
    let mut totals: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    println!("seed  lang   truth  found  precision  recall");
    for seed in SEEDS {
        let Some(corpus) = generate(FILES, seed, &[]) else {
            return;
        };
        let truth = &corpus.truth;
        let out = run_in(
            BIN.as_ref(),
            corpus.root(),
            &["graph", "--level", "file", "--format", "json"],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let graph: Value = serde_json::from_slice(&out.stdout).expect("graph JSON");

        let found = pairs(&graph["edges"], "from", "to");
        let expected = pairs(&truth["file_edges"], "", "");
        for lang in LANGS {
            let f: BTreeSet<_> = found.iter().filter(|(a, _)| lang_of(a) == lang).collect();
            let t: BTreeSet<_> = expected
                .iter()
                .filter(|(a, _)| lang_of(a) == lang)
                .collect();
            let tp = f.intersection(&t).count();
            let precision = if f.is_empty() {
                1.0
            } else {
                tp as f64 / f.len() as f64
            };
            let recall = if t.is_empty() {
                1.0
            } else {
                tp as f64 / t.len() as f64
            };
            println!(
                "{seed:>4}  {lang:<5} {:>6} {:>6}  {:>8.3}%  {:>6.3}%",
                t.len(),
                f.len(),
                precision * 100.0,
                recall * 100.0
            );
            let e = totals.entry(lang).or_default();
            e.0 += tp;
            e.1 += f.len();
            e.2 += t.len();
            if precision < 0.995 || recall < 0.99 {
                let fp: Vec<_> = f.difference(&t).take(5).collect();
                let fnn: Vec<_> = t.difference(&f).take(5).collect();
                failures.push(format!("seed {seed} {lang}: precision {precision:.4} recall {recall:.4}\n  extra: {fp:?}\n  missed: {fnn:?}"));
            }
        }

        let module_found = pairs(&graph["module_edges"], "from", "to");
        let module_truth = pairs(&truth["module_edges"], "", "");
        if module_found != module_truth {
            failures.push(format!(
                "seed {seed}: module edges differ\n  extra: {:?}\n  missed: {:?}",
                module_found
                    .difference(&module_truth)
                    .take(10)
                    .collect::<Vec<_>>(),
                module_truth
                    .difference(&module_found)
                    .take(10)
                    .collect::<Vec<_>>()
            ));
        }

        for trap in truth["traps"].as_array().unwrap() {
            let (Some(path), Some(target)) = (trap["path"].as_str(), trap["naive_target"].as_str())
            else {
                continue;
            };
            let pair = (path.to_owned(), target.to_owned());
            if found.contains(&pair) && !expected.contains(&pair) {
                failures.push(format!(
                    "seed {seed}: trap became an edge: {path} -> {target} ({})",
                    trap["text"]
                ));
            }
        }

        let roots: Vec<(String, String)> = truth["modules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    format!("{}/", m["root"].as_str().unwrap()),
                    m["name"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        for file in graph["files"].as_array().unwrap() {
            let path = file["path"].as_str().unwrap();
            let want = roots
                .iter()
                .filter(|(r, _)| path.starts_with(r.as_str()))
                .max_by_key(|(r, _)| r.len())
                .map(|(_, n)| n.as_str());
            if want.is_some() && file["module"].as_str() != want {
                failures.push(format!(
                    "seed {seed}: {path} is in {:?}, truth says {want:?}",
                    file["module"]
                ));
            }
        }
    }
    println!("all   lang   truth  found  precision  recall");
    for (lang, (tp, f, t)) in &totals {
        println!(
            "      {lang:<5} {t:>6} {f:>6}  {:>8.3}%  {:>6.3}%",
            *tp as f64 / (*f).max(1) as f64 * 100.0,
            *tp as f64 / (*t).max(1) as f64 * 100.0
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
