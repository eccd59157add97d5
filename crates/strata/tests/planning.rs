//! Change planning: deployment waves checked as properties on generated repositories (with
//! planted cycles), impact against reverse reachability over the truth's module edges, and
//! impact on a real git history with changed, renamed and deleted files.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::Value;
use strata_test::{CliTest, generate, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

fn json(root: &std::path::Path, args: &[&str]) -> Value {
    let out = run_in(BIN.as_ref(), root, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn truth_deps(truth: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in truth["modules"].as_array().unwrap() {
        deps.entry(m["name"].as_str().unwrap().to_owned())
            .or_default();
    }
    for e in truth["module_edges"].as_array().unwrap() {
        deps.entry(e[0].as_str().unwrap().to_owned())
            .or_default()
            .insert(e[1].as_str().unwrap().to_owned());
    }
    deps
}

#[test]
fn waves_are_ordered_complete_and_minimal() {
    for seed in [31, 32, 33] {
        let Some(corpus) = generate(2000, seed, &["--violations-rate", "0.05"]) else {
            return;
        };
        let deps = truth_deps(&corpus.truth);
        let plan = json(corpus.root(), &["--no-cache", "waves", "--format", "json"]);
        let mut wave_of: BTreeMap<String, usize> = BTreeMap::new();
        for w in plan["waves"].as_array().unwrap() {
            for m in w["modules"].as_array().unwrap() {
                let previous = wave_of.insert(
                    m.as_str().unwrap().to_owned(),
                    usize::try_from(w["wave"].as_u64().unwrap()).unwrap(),
                );
                assert!(previous.is_none(), "seed {seed}: {m} is in two waves");
            }
        }
        assert_eq!(
            wave_of.keys().collect::<Vec<_>>(),
            deps.keys().collect::<Vec<_>>(),
            "seed {seed}: every module in a wave"
        );
        let cycle_of: BTreeMap<String, usize> = plan["cycles"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                c.as_array()
                    .unwrap()
                    .iter()
                    .map(move |m| (m.as_str().unwrap().to_owned(), i))
            })
            .collect();
        let truth_cycles = corpus.truth["findings"]["module_cycles"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(
            plan["cycles"].as_array().unwrap().len(),
            truth_cycles,
            "seed {seed}: cycles"
        );
        for (m, ds) in &deps {
            for d in ds {
                let same_cycle = cycle_of.contains_key(m) && cycle_of.get(m) == cycle_of.get(d);
                assert!(
                    wave_of[d] < wave_of[m] || (same_cycle && wave_of[d] == wave_of[m]),
                    "seed {seed}: {m} (wave {}) depends on {d} (wave {})",
                    wave_of[m],
                    wave_of[d]
                );
            }
            // Minimal: a module after wave 1 waits for something in the wave just before.
            if wave_of[m] > 1 {
                let group: Vec<&String> = match cycle_of.get(m) {
                    Some(c) => cycle_of
                        .iter()
                        .filter(|(_, x)| *x == c)
                        .map(|(n, _)| n)
                        .collect(),
                    None => vec![m],
                };
                assert!(
                    group
                        .iter()
                        .flat_map(|g| &deps[*g])
                        .any(|d| wave_of[d] + 1 == wave_of[m]),
                    "seed {seed}: {m} could go out earlier than wave {}",
                    wave_of[m]
                );
            }
        }
        let rollback: Vec<Value> = plan["waves"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .map(|w| w["modules"].clone())
            .collect();
        assert_eq!(
            plan["rollback"].as_array().unwrap(),
            &rollback,
            "seed {seed}: rollback is the reverse"
        );
    }
}

#[test]
fn impact_equals_reverse_reachability_over_the_truth() {
    for seed in [41, 42, 43] {
        let Some(corpus) = generate(1500, seed, &[]) else {
            return;
        };
        let deps = truth_deps(&corpus.truth);
        let files: Vec<&str> = corpus.truth["file_edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[1].as_str().unwrap())
            .collect();
        let module_of = |path: &str| {
            corpus.truth["modules"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| path.starts_with(&format!("{}/", m["root"].as_str().unwrap())))
                .max_by_key(|m| m["root"].as_str().unwrap().len())
                .map(|m| m["name"].as_str().unwrap().to_owned())
        };
        // A deterministic spread of changed files.
        for pick in [0, files.len() / 3, files.len() / 2, files.len() - 1] {
            let changed = files[pick];
            let start = module_of(changed).unwrap();
            let mut expected = BTreeSet::new();
            let mut queue = VecDeque::from([start.clone()]);
            while let Some(m) = queue.pop_front() {
                for (who, ds) in &deps {
                    if ds.contains(&m) && *who != start && expected.insert(who.clone()) {
                        queue.push_back(who.clone());
                    }
                }
            }
            let doc = json(
                corpus.root(),
                &["--no-cache", "impact", "--format", "json", changed],
            );
            assert_eq!(
                doc["changed_modules"],
                serde_json::json!([start]),
                "seed {seed} {changed}"
            );
            let found: BTreeSet<String> = doc["affected"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["module"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(found, expected, "seed {seed}: affected by {changed}");
            for a in doc["affected"].as_array().unwrap() {
                let via: Vec<&str> = a["via"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                assert_eq!(via.first(), Some(&a["module"].as_str().unwrap()));
                assert_eq!(via.last(), Some(&start.as_str()));
                for step in via.windows(2) {
                    assert!(
                        deps[step[0]].contains(step[1]),
                        "seed {seed}: {} does not depend on {}",
                        step[0],
                        step[1]
                    );
                }
            }
        }
    }
}

#[test]
fn impact_of_commits_that_change_rename_and_delete_files() {
    let t = CliTest::new(BIN);
    t.write("strata.toml", "[teams.core]\ncontact = \"core@example.com\"\n[teams.web]\ncontact = \"web@example.com\"\n");
    for (name, team, deps) in [
        ("ledger", "core", "[]"),
        ("billing", "core", "[ledger]"),
        ("shop", "web", "[billing]"),
        ("docs", "web", "[]"),
    ] {
        t.write(
            &format!("{name}/module.yaml"),
            format!("name: {name}\nowner: team:{team}\ndepends_on: {deps}\n"),
        )
        .write(
            &format!("{name}/pyproject.toml"),
            format!("[project]\nname = \"{name}\"\n"),
        )
        .write(&format!("{name}/{name}/__init__.py"), "");
    }
    t.write("ledger/ledger/book.py", "X = 1\n")
        .write("ledger/ledger/old.py", "Y = 1\n")
        .write("billing/billing/pay.py", "from ledger import book\n")
        .write("shop/shop/cart.py", "import billing.pay\n")
        .write("shop/tests/test_cart.py", "import shop.cart\n")
        .write("docs/docs/page.py", "Z = 1\n");
    t.git(&["init", "-q", "-b", "main"]);
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "start"]);
    t.write("ledger/ledger/book.py", "X = 2\n");
    t.git(&["mv", "docs/docs/page.py", "docs/docs/moved.py"]);
    t.git(&["rm", "-q", "ledger/ledger/old.py"]);
    t.git(&["commit", "-q", "-am", "change, rename, delete"]);

    let doc = json(
        t.root(),
        &[
            "--no-cache",
            "impact",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        doc["changed_files"],
        serde_json::json!([
            "docs/docs/moved.py",
            "docs/docs/page.py",
            "ledger/ledger/book.py",
            "ledger/ledger/old.py"
        ])
    );
    assert_eq!(
        doc["changed_modules"],
        serde_json::json!(["docs", "ledger"])
    );
    let affected: Vec<(&str, Vec<&str>)> = doc["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["module"].as_str().unwrap(),
                a["via"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        affected,
        [
            ("billing", vec!["billing", "ledger"]),
            ("shop", vec!["shop", "billing", "ledger"])
        ]
    );
    assert_eq!(doc["tests"], serde_json::json!(["shop/tests/test_cart.py"]));
    assert_eq!(doc["owners"][0]["team"], "core");
    assert_eq!(doc["owners"][0]["contact"], "core@example.com");
    assert_eq!(
        doc["owners"][1]["modules"],
        serde_json::json!(["docs", "shop"])
    );

    // Uncommitted work: the working tree against HEAD, untracked files included.
    t.write("docs/docs/new.py", "W = 1\n");
    let doc = json(t.root(), &["--no-cache", "impact", "--format", "json"]);
    assert_eq!(
        doc["changed_files"],
        serde_json::json!(["docs/docs/new.py"])
    );
    assert_eq!(doc["affected"], serde_json::json!([]));

    let out = t.run(&["impact", "--base", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(2));
}
