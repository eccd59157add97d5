//! Against generated ground truth: `strata modules --format json` reproduces every module of
//! the truth exactly, and `strata check --format json` reproduces the truth's semver
//! mismatches, port conflicts and bad event names — nothing missing, nothing extra.
#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use strata_test::{generate, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");
/// Seeds and planting rates: the default rate and denser ones, so every kind has instances.
const RUNS: [(u64, &str); 3] = [(1, "0.02"), (2, "0.1"), (3, "0.05")];
const FILES: usize = 2000;

fn stdout_json(root: &std::path::Path, args: &[&str]) -> Value {
    let out = run_in(BIN.as_ref(), root, args);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// The fields of a module both sides have, in the truth's spelling.
fn comparable(m: &Value) -> Value {
    let deps: BTreeSet<(String, String)> = m["depends_on"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["name"].as_str().unwrap_or("").into(),
                d["version"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    json!({
        "name": m["name"], "lang": m["lang"], "root": m["root"], "version": m["version"],
        "owner": m["owner"], "lane": m["lane"], "layer": m["layer"], "tier": m["tier"],
        "lifecycle": m["lifecycle"], "depends_on": deps.into_iter().collect::<Vec<_>>(),
    })
}

#[test]
fn modules_and_schema_findings_match_the_truth() {
    println!("seed  modules  semver  ports  events   (truth = found)");
    for (seed, rate) in RUNS {
        let Some(corpus) = generate(FILES, seed, &["--violations-rate", rate]) else {
            return;
        };
        let truth = &corpus.truth;

        let found = stdout_json(corpus.root(), &["modules", "--format", "json"]);
        let found: BTreeMap<String, Value> = found["modules"]
            .as_array()
            .expect("modules")
            .iter()
            .map(|m| (m["name"].as_str().unwrap().to_owned(), comparable(m)))
            .collect();
        let expected: BTreeMap<String, Value> = truth["modules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["name"].as_str().unwrap().to_owned(), comparable(m)))
            .collect();
        assert_eq!(
            found.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "seed {seed}: module names"
        );
        for (name, m) in &expected {
            assert_eq!(&found[name], m, "seed {seed}: module `{name}`");
        }

        let check = stdout_json(corpus.root(), &["check", "--format", "json"]);
        let findings = check["findings"].as_array().unwrap();
        let of = |rule: &'static str| findings.iter().filter(move |f| f["rule"] == rule);
        let t = &truth["findings"];

        let semver_found: BTreeSet<(String, String)> = of("semver-mismatch")
            .map(|f| {
                (
                    f["module"].as_str().unwrap().into(),
                    f["target"].as_str().unwrap().into(),
                )
            })
            .collect();
        let semver_truth: BTreeSet<(String, String)> = t["semver_mismatches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["module"].as_str().unwrap().into(),
                    s["dependency"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(semver_found, semver_truth, "seed {seed}: semver mismatches");
        for s in t["semver_mismatches"].as_array().unwrap() {
            let f = of("semver-mismatch")
                .find(|f| f["module"] == s["module"] && f["target"] == s["dependency"])
                .unwrap();
            let msg = f["message"].as_str().unwrap();
            assert!(
                msg.contains(s["requirement"].as_str().unwrap())
                    && msg.contains(s["actual"].as_str().unwrap()),
                "{msg}"
            );
        }

        let mut ports_found: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
        for f in of("port-conflict") {
            if let Ok(port) = f["target"].as_str().unwrap().parse::<u64>() {
                ports_found
                    .entry(port)
                    .or_default()
                    .insert(f["module"].as_str().unwrap().into());
            }
        }
        let ports_truth: BTreeMap<u64, BTreeSet<String>> = t["port_conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let modules = p["modules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap().into())
                    .collect();
                (p["port"].as_u64().unwrap(), modules)
            })
            .collect();
        assert_eq!(ports_found, ports_truth, "seed {seed}: port conflicts");

        let events_found: BTreeSet<(String, String, String)> = of("event-name")
            .map(|f| {
                let msg = f["message"].as_str().unwrap();
                let kind = if msg.contains("(publishes)") {
                    "publishes"
                } else {
                    "consumes"
                };
                (
                    f["module"].as_str().unwrap().into(),
                    kind.into(),
                    f["target"].as_str().unwrap().into(),
                )
            })
            .collect();
        let events_truth: BTreeSet<(String, String, String)> = t["bad_event_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["module"].as_str().unwrap().into(),
                    e["kind"].as_str().unwrap().into(),
                    e["event"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(events_found, events_truth, "seed {seed}: bad event names");

        println!(
            "{seed:>4}  {:>3} = {:<3}  {:>2} = {:<2}  {:>2} = {:<2}  {:>2} = {:<2}",
            expected.len(),
            found.len(),
            semver_truth.len(),
            semver_found.len(),
            ports_truth.len(),
            ports_found.len(),
            events_truth.len(),
            events_found.len()
        );
    }
}
