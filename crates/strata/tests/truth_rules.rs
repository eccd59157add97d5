//! Against generated ground truth with planted violations: every graph rule's findings equal
//! the truth's list (precision and recall per rule, printed as a table), and a repository
//! generated without violations gives no graph finding at all.
#![allow(clippy::print_stdout, clippy::cast_precision_loss)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;
use strata_test::{Corpus, generate, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");
const SEEDS: [u64; 3] = [21, 22, 23];
const FILES: usize = 3000;
const GRAPH_RULES: [&str; 7] = [
    "undeclared-dependency",
    "unused-dependency",
    "internal-import",
    "no-cycles",
    "file-cycle",
    "layer-violation",
    "lane-violation",
];

type Keys = BTreeSet<Vec<String>>;

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn members(cycle: &Value) -> Vec<String> {
    let mut m: Vec<String> = cycle.as_array().into_iter().flatten().map(s).collect();
    m.sort();
    m.dedup();
    m
}

/// Run `strata check --format json` with `file-cycle` enabled.
fn check(corpus: &Corpus) -> Vec<Value> {
    let config = corpus.root().join("strata.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[rules]\nfile-cycle = \"warn\"\n");
    std::fs::write(&config, text).unwrap();
    let out = run_in(BIN.as_ref(), corpus.root(), &["check", "--format", "json"]);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"].as_array().unwrap().clone()
}

/// Findings of one rule, as comparable keys.
fn found(findings: &[Value], rule: &str) -> Keys {
    findings
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| match rule {
            "internal-import" => vec![s(&f["file"]), s(&f["target_file"])],
            "no-cycles" | "file-cycle" => members(&f["members"]),
            _ => vec![s(&f["module"]), s(&f["target"])],
        })
        .collect()
}

/// The truth's list for one rule, as comparable keys.
fn truth(t: &Value, rule: &str) -> Keys {
    let list = |k: &str| t["findings"][k].as_array().unwrap().clone();
    match rule {
        "undeclared-dependency" => list("undeclared_deps")
            .iter()
            .map(|x| vec![s(&x["module"]), s(&x["dependency"])])
            .collect(),
        "unused-dependency" => list("unused_deps")
            .iter()
            .map(|x| vec![s(&x["module"]), s(&x["dependency"])])
            .collect(),
        "internal-import" => list("internal_imports")
            .iter()
            .map(|x| vec![s(&x["from"]), s(&x["to"])])
            .collect(),
        "no-cycles" => list("module_cycles")
            .iter()
            .map(|x| members(&x["members"]))
            .collect(),
        "file-cycle" => list("file_cycles")
            .iter()
            .map(|x| members(&x["members"]))
            .collect(),
        "layer-violation" => list("tier_violations")
            .iter()
            .map(|x| vec![s(&x["from_module"]), s(&x["to_module"])])
            .collect(),
        "lane-violation" => list("lane_violations")
            .iter()
            .map(|x| vec![s(&x["from_module"]), s(&x["to_module"])])
            .collect(),
        _ => unreachable!("{rule}"),
    }
}

#[test]
fn graph_rules_match_the_truth() {
    let mut totals: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = String::new();
    for seed in SEEDS {
        let Some(corpus) = generate(FILES, seed, &["--violations-rate", "0.03"]) else {
            return;
        };
        let findings = check(&corpus);
        for rule in GRAPH_RULES {
            let (f, t) = (found(&findings, rule), truth(&corpus.truth, rule));
            let tp = f.intersection(&t).count();
            let e = totals.entry(rule).or_default();
            e.0 += tp;
            e.1 += f.len();
            e.2 += t.len();
            if f != t {
                let _ = writeln!(
                    failures,
                    "seed {seed} {rule}: extra {:?} missed {:?}",
                    f.difference(&t).take(3).collect::<Vec<_>>(),
                    t.difference(&f).take(3).collect::<Vec<_>>()
                );
            }
        }
    }
    println!(
        "rule                    truth  found  precision  recall   (seeds {SEEDS:?}, {FILES} files, rate 0.03)"
    );
    for (rule, (tp, f, t)) in &totals {
        let p = if *f == 0 { 1.0 } else { *tp as f64 / *f as f64 };
        let r = if *t == 0 { 1.0 } else { *tp as f64 / *t as f64 };
        println!(
            "{rule:<22} {t:>6} {f:>6}   {:>7.2}%  {:>6.2}%",
            p * 100.0,
            r * 100.0
        );
        if p < 0.99 || r < 0.99 {
            let _ = writeln!(failures, "{rule}: precision {p:.4} recall {r:.4} below 99%");
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn no_planted_violations_means_no_graph_findings() {
    for seed in SEEDS {
        let Some(corpus) = generate(FILES, seed, &["--violations-rate", "0"]) else {
            return;
        };
        let findings = check(&corpus);
        let graph: Vec<&Value> = findings
            .iter()
            .filter(|f| GRAPH_RULES.contains(&f["rule"].as_str().unwrap_or("")))
            .collect();
        assert!(
            graph.is_empty(),
            "seed {seed}: {} graph findings, first: {}",
            graph.len(),
            graph[0]
        );
    }
}
