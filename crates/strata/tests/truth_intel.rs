//! Against generated ground truth (the planted clones of `truth.json`, several seeds at a
//! violation rate of 0.1): `strata dupes` reports every planted clone with spans overlapping
//! the planted ones and of the planted type, and nothing else; `strata similar` on each clone's
//! `a` span has its `b` span in the top five.
#![allow(clippy::print_stdout, clippy::cast_precision_loss)]

use serde_json::Value;
use strata_test::{generate, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");
const SEEDS: [u64; 3] = [21, 22, 23];
const FILES: usize = 3000;

fn json(root: &std::path::Path, args: &[&str]) -> Value {
    let out = run_in(BIN.as_ref(), root, args);
    assert!(
        out.status.success(),
        "strata {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// Same file and overlapping lines.
fn overlaps(x: &Value, y: &Value) -> bool {
    x["path"] == y["path"]
        && x["start_line"].as_u64() <= y["end_line"].as_u64()
        && y["start_line"].as_u64() <= x["end_line"].as_u64()
}

fn same_pair(planted: &Value, found: &Value) -> bool {
    (overlaps(&planted["a"], &found["a"]) && overlaps(&planted["b"], &found["b"]))
        || (overlaps(&planted["a"], &found["b"]) && overlaps(&planted["b"], &found["a"]))
}

#[test]
fn dupes_and_similar_match_the_planted_clones() {
    let mut rows = Vec::new();
    for seed in SEEDS {
        let Some(corpus) = generate(FILES, seed, &["--violations-rate", "0.1"]) else {
            return;
        };
        let root = corpus.root();
        let planted = corpus.truth["clones"].as_array().expect("clones");
        assert!(planted.len() >= 5, "seed {seed}: too few planted clones");
        let doc = json(root, &["--no-cache", "dupes", "--format", "json"]);
        let found = doc["clones"].as_array().expect("clones");
        let recalled: Vec<&Value> = planted
            .iter()
            .filter(|p| found.iter().any(|f| same_pair(p, f)))
            .collect();
        let recall = recalled.len() as f64 / planted.len() as f64;
        let real = found
            .iter()
            .filter(|f| planted.iter().any(|p| same_pair(p, f)))
            .count();
        let precision = real as f64 / found.len().max(1) as f64;
        for p in planted {
            if let Some(f) = found.iter().find(|f| same_pair(p, f)) {
                assert_eq!(
                    f["type"], p["type"],
                    "seed {seed}: clone of the wrong type: {f} for {p}"
                );
            }
        }
        // `similar` on each planted `a` span: its `b` among the first five.
        let mut top5 = 0;
        for p in planted {
            let a = &p["a"];
            let span = format!(
                "{}:{}-{}",
                a["path"].as_str().unwrap(),
                a["start_line"],
                a["end_line"]
            );
            let sim = json(root, &["similar", &span, "--format", "json"]);
            let matches = sim["matches"].as_array().expect("matches");
            if matches.iter().take(5).any(|m| overlaps(&p["b"], m)) {
                top5 += 1;
            } else {
                println!("seed {seed}: similar {span} misses {}", p["b"]);
            }
        }
        let similar = f64::from(top5) / planted.len() as f64;
        rows.push(format!(
            "seed {seed}: {} planted, {} reported, recall {:.1}%, precision {:.1}%, similar top-5 {:.1}%",
            planted.len(),
            found.len(),
            recall * 100.0,
            precision * 100.0,
            similar * 100.0
        ));
        assert!(recall >= 0.99, "seed {seed}: dupes recall {recall}");
        assert!(
            precision >= 0.99,
            "seed {seed}: dupes precision {precision}"
        );
        assert!(similar >= 0.95, "seed {seed}: similar top-5 {similar}");
    }
    println!("{}", rows.join("\n"));
}
