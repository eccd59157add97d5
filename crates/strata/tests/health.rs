//! `strata health` end to end: properties on generated monorepos (a change to one module moves
//! that module's score, in the right dimension, and no other; undoing it restores the scores),
//! git-based dimensions on scripted histories, coverage reports, history records and errors.

use std::path::Path;

use serde_json::Value;
use strata_test::{CliTest, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// `strata health --format json` in `root`, by module name.
fn health(root: &Path, extra: &[&str]) -> serde_json::Map<String, Value> {
    let mut args = vec!["--no-cache", "health", "--format", "json"];
    args.extend(extra);
    let out = run_in(Path::new(BIN), root, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["modules"]
        .as_array()
        .expect("modules")
        .iter()
        .map(|m| (m["module"].as_str().unwrap().to_owned(), m.clone()))
        .collect()
}

fn dimension(m: &Value, id: &str) -> f64 {
    m["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .and_then(|d| d["score"].as_f64())
        .unwrap_or_else(|| panic!("dimension {id} has a score"))
}

fn score(m: &Value) -> f64 {
    m["score"].as_f64().unwrap()
}

/// Every module but `changed` is as it was.
fn others_unchanged(
    before: &serde_json::Map<String, Value>,
    after: &serde_json::Map<String, Value>,
    changed: &[&str],
) {
    assert_eq!(before.len(), after.len());
    for (name, m) in before {
        if !changed.contains(&name.as_str()) {
            assert_eq!(&after[name], m, "module {name} changed");
        }
    }
}

/// The package a Python interface file `…/pkg/__init__.py` makes importable.
fn package_of(interface: &str) -> Option<&str> {
    let dir = interface.strip_suffix("/__init__.py")?;
    Some(dir.rsplit('/').next().unwrap_or(dir))
}

struct PyModule {
    name: String,
    package: String,
    /// Its `__init__.py` (repository-relative).
    init: String,
    depends_on: Vec<String>,
}

fn python_modules(truth: &Value) -> Vec<PyModule> {
    truth["modules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["lang"] == "py")
        .filter_map(|m| {
            let init = m["interfaces"]
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .find(|i| i.ends_with("/__init__.py"))?;
            Some(PyModule {
                name: m["name"].as_str()?.to_owned(),
                package: package_of(init)?.to_owned(),
                init: init.to_owned(),
                depends_on: m["depends_on"]
                    .as_array()?
                    .iter()
                    .filter_map(|d| d["name"].as_str().map(str::to_owned))
                    .collect(),
            })
        })
        .collect()
}

const COMPLEX: &str = "

def reconcile_everything(entries, kind, strict, audit):
    total = 0
    for e in entries:
        if e.amount > 0 and kind == 'debit':
            if strict or audit:
                for line in e.lines:
                    if line.ok and not line.void:
                        while line.pending:
                            if line.retry:
                                total += line.amount
                            elif line.skip or line.hold:
                                continue
                            elif line.split and line.parts:
                                for p in line.parts:
                                    if p.ok or p.forced:
                                        total += p.amount
                            else:
                                break
        elif e.amount < 0 or kind == 'credit':
            total -= e.amount
        elif kind == 'memo' and audit:
            total += 0
        elif kind == 'fee' or kind == 'tax':
            total += e.fee if e.fee else 0
    return total
";

#[test]
fn one_module_changed_moves_only_its_score_and_undoing_restores_it() {
    for seed in [41, 42] {
        let Some(corpus) = strata_test::generate(1500, seed, &["--violations-rate", "0.1"]) else {
            return;
        };
        let root = corpus.root();
        let base = health(root, &[]);
        assert_eq!(
            base,
            health(root, &[]),
            "seed {seed}: scores are deterministic"
        );

        // Two Python modules: A does not depend on B, B cannot reach A, A is in no cycle.
        let py = python_modules(&corpus.truth);
        let edges: Vec<(String, String)> = corpus.truth["module_edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e[0].as_str().unwrap().into(), e[1].as_str().unwrap().into()))
            .collect();
        let reach = |from: &str, extra: Option<(&str, &str)>| {
            let mut seen = std::collections::BTreeSet::from([from.to_owned()]);
            let mut todo = vec![from.to_owned()];
            while let Some(x) = todo.pop() {
                let next = edges
                    .iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .chain(extra)
                    .filter(|(a, _)| *a == x)
                    .map(|(_, b)| b.to_owned());
                for y in next.collect::<Vec<_>>() {
                    if seen.insert(y.clone()) {
                        todo.push(y);
                    }
                }
            }
            seen
        };
        let in_cycle = |m: &str| {
            base[m]["gates_failed"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g == "in a dependency cycle")
        };
        // The smallest module first: a function added shows most there.
        let lines = |m: &PyModule| {
            base[&m.name]["dimensions"][1]["raw"]["lines"]
                .as_u64()
                .unwrap_or(u64::MAX)
        };
        let mut py = py;
        py.sort_by_key(|m| (lines(m), m.name.clone()));
        let (a, b) = py
            .iter()
            .flat_map(|a| py.iter().map(move |b| (a, b)))
            .find(|(a, b)| {
                a.name != b.name
                    && !a.depends_on.contains(&b.name)
                    && !in_cycle(&a.name)
                    && !reach(&b.name, None).contains(&a.name)
                    && !reach(&a.name, None).contains(&b.name)
            })
            .expect("two unrelated Python modules");
        let a_file = root.join(&a.init);
        let b_file = root.join(&b.init);
        let (a_text, b_text) = (
            std::fs::read_to_string(&a_file).unwrap(),
            std::fs::read_to_string(&b_file).unwrap(),
        );

        // A long, deeply nested function: maintainability falls, nothing else moves.
        // Ten times the nested loop: some 200 lines of complexity far over 50.
        let long = format!("{a_text}{COMPLEX}").replace(
            "    return total\n",
            &format!(
                "{}    return total\n",
                &COMPLEX[COMPLEX.find("    for e").unwrap()..COMPLEX.find("    return").unwrap()]
                    .repeat(9)
            ),
        );
        std::fs::write(&a_file, long).unwrap();
        let after = health(root, &[]);
        let (was, now) = (&base[&a.name], &after[&a.name]);
        assert!(
            dimension(now, "maintainability") < dimension(was, "maintainability"),
            "seed {seed}: maintainability of {}",
            a.name
        );
        assert!(score(now) < score(was));
        assert_eq!(
            now["dimensions"][0], was["dimensions"][0],
            "rules unchanged"
        );
        others_unchanged(&base, &after, &[&a.name]);
        std::fs::write(&a_file, &a_text).unwrap();
        assert_eq!(health(root, &[]), base, "seed {seed}: restored");

        // An undeclared dependency of A on B: A's rules dimension and score fall; B gains a
        // dependant (its structure may move); no other module changes.
        std::fs::write(&a_file, format!("import {}\n{a_text}", b.package)).unwrap();
        let after = health(root, &[]);
        let (was, now) = (&base[&a.name], &after[&a.name]);
        assert!(
            dimension(now, "rules") < dimension(was, "rules"),
            "seed {seed}"
        );
        // Structure counts the undeclared dependency (its score may still rise: one more
        // dependency moves a stable module towards the main sequence).
        assert_eq!(
            now["dimensions"][3]["raw"]["undeclared"].as_u64(),
            was["dimensions"][3]["raw"]["undeclared"]
                .as_u64()
                .map(|n| n + 1),
            "seed {seed}: {}",
            now["dimensions"][3]
        );
        assert!(score(now) < score(was));
        assert!(
            now["dimensions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["evidence"].to_string().contains("undeclared-dependency")),
            "the evidence names the finding: {now}"
        );
        others_unchanged(&base, &after, &[&a.name, &b.name]);

        // And B on A: a cycle, both red whatever their score.
        std::fs::write(&b_file, format!("import {}\n{b_text}", a.package)).unwrap();
        let after = health(root, &[]);
        for m in [&a.name, &b.name] {
            assert_eq!(after[m]["band"], "red", "seed {seed}: {m}");
            assert!(
                after[m]["gates_failed"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|g| g == "in a dependency cycle"),
                "{}",
                after[m]
            );
        }
        // The new cycle holds A, B and every module on a path from A to B.
        let on_cycle: Vec<String> = reach(&a.name, Some((&a.name, &b.name)))
            .into_iter()
            .filter(|x| reach(x, Some((&b.name, &a.name))).contains(&a.name))
            .collect();
        let changed: Vec<&str> = on_cycle.iter().map(String::as_str).collect();
        others_unchanged(&base, &after, &changed);
        std::fs::write(&a_file, &a_text).unwrap();
        std::fs::write(&b_file, &b_text).unwrap();
        assert_eq!(health(root, &[]), base, "seed {seed}: restored");
    }
}

/// A two-module repository with a scripted git history.
fn scripted() -> CliTest {
    let t = CliTest::new(BIN);
    t.write(
        "strata.toml",
        "[lanes]\nmain = []\n[teams.t]\ncontact = \"t@example.com\"\n",
    );
    for name in ["orders", "stock"] {
        t.write(
            &format!("{name}/module.yaml"),
            format!(
                "name: {name}\nowner: team:t\nlifecycle: production\nlane: main\ndescription: The {name}.\ninterfaces: [\"{name}/{name}/__init__.py\"]\n"
            ),
        )
        .write(
            &format!("{name}/pyproject.toml"),
            format!("[project]\nname = \"{name}\"\nversion = \"1.0.0\"\n"),
        )
        .write(&format!("{name}/README.md"), "docs\n")
        .write(&format!("{name}/{name}/__init__.py"), "\"\"\"Package.\"\"\"\n");
    }
    t.git(&["init", "-q", "-b", "main"])
        .git(&["add", "."])
        .git(&["commit", "-q", "-m", "start"]);
    t
}

#[test]
fn a_hotspot_and_files_that_change_together_cost_points() {
    let t = scripted();
    let before = health(t.root(), &[]);
    // A complex file changed in many commits; and a pair of files in the two modules, with no
    // import between them, changed together in every one of those commits.
    for i in 0..8 {
        t.write(
            "orders/orders/engine.py",
            format!("{COMPLEX}\n\nVERSION = {i}\n"),
        )
        .write("orders/orders/prices.py", format!("PRICE = {i}\n"))
        .write("stock/stock/levels.py", format!("LEVEL = {i}\n"))
        .git(&["add", "."])
        .git(&["commit", "-q", "-m", &format!("change {i}")]);
    }
    let after = health(t.root(), &[]);
    let (was, now) = (&before["orders"], &after["orders"]);
    assert!(
        dimension(now, "hotspots") < dimension(was, "hotspots"),
        "{now}"
    );
    let hot = now["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "hotspots")
        .unwrap();
    assert!(
        hot["evidence"][0]
            .as_str()
            .unwrap()
            .starts_with("orders/orders/engine.py: 8 commits"),
        "{hot}"
    );
    let ownership = &now["dimensions"][5];
    assert_eq!(ownership["id"], "ownership");
    assert_eq!(ownership["raw"]["authors"], 1, "{ownership}");
    for m in ["orders", "stock"] {
        let coupling = dimension(&after[m], "coupling");
        assert!(coupling < 10.0, "{m}: {}", after[m]);
    }
    let coupled = after["stock"]["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "coupling")
        .unwrap()["evidence"]
        .to_string();
    assert!(coupled.contains("stock/stock/levels.py"), "{coupled}");
    assert!(coupled.contains("no import between them"), "{coupled}");

    // An import between two coupled files explains their coupling: that pair costs nothing
    // then (the other pair still does).
    t.write("stock/stock/levels.py", "import orders.prices\nLEVEL = 9\n");
    let explained = health(t.root(), &[]);
    let evidence = |doc: &serde_json::Map<String, Value>| {
        doc["stock"]["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == "coupling")
            .unwrap()["evidence"]
            .to_string()
    };
    assert!(evidence(&after).contains("orders/orders/prices.py ~ stock/stock/levels.py"));
    assert!(
        !evidence(&explained).contains("orders/orders/prices.py ~"),
        "{}",
        evidence(&explained)
    );
    assert!(evidence(&explained).contains("orders/orders/engine.py ~ stock/stock/levels.py"));
    assert!(dimension(&explained["stock"], "coupling") > dimension(&after["stock"], "coupling"));
}

#[test]
fn without_git_the_history_dimensions_have_no_data() {
    let t = CliTest::new(BIN);
    t.write("strata.toml", "[lanes]\nmain = []\n")
        .write(
            "a/module.yaml",
            "name: a\nlane: main\ninterfaces: [\"a/a/__init__.py\"]\n",
        )
        .write("a/a/__init__.py", "X = 1\n");
    let out = t.run(&["health", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = &doc["modules"][0];
    for id in ["hotspots", "coupling", "tests"] {
        let d = a["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap();
        assert!(d["score"].is_null(), "{id}: {d}");
    }
    assert!(a["data_coverage"].as_f64().unwrap() < 1.0);
    assert!(doc["summary"]["history"].is_null());
    let text = t.run(&["health"]);
    assert!(String::from_utf8_lossy(&text.stderr).contains("no git history"));
}

#[test]
fn coverage_reports_score_tests_and_bad_ones_are_errors() {
    let t = scripted();
    t.write(
        "orders/orders/calc.py",
        "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n",
    );
    // As coverage.py writes it for a run from another checkout: matched by path suffix.
    t.write(
        "cov.lcov",
        "TN:\nSF:/ci/checkout/orders/orders/calc.py\nDA:1,1\nDA:2,1\nDA:5,1\nDA:6,0\nend_of_record\n",
    );
    let doc = health(t.root(), &["--coverage", "cov.lcov"]);
    let tests = doc["orders"]["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "tests")
        .unwrap()
        .clone();
    assert_eq!(tests["raw"]["lines_found"], 4, "{tests}");
    assert_eq!(tests["raw"]["lines_hit"], 3);
    // 75 % of the way to 80 % -> 9.4.
    assert!(
        (tests["score"].as_f64().unwrap() - 9.4).abs() < 1e-9,
        "{tests}"
    );
    // No line of `stock` is in the report: no data, not zero.
    let stock = doc["stock"]["dimensions"].as_array().unwrap();
    assert!(
        stock
            .iter()
            .any(|d| d["id"] == "tests" && d["score"].is_null())
    );

    t.write(
        "bad.lcov",
        "TN:\nSF:orders/orders/calc.py\nDA:x,1\nend_of_record\n",
    );
    let out = t.run(&["health", "--coverage", "bad.lcov"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("failed to parse coverage report `bad.lcov`"),
        "{err}"
    );
    assert!(err.contains("line 3"), "{err}");
    let out = t.run(&["health", "--coverage", "missing.xml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn record_keeps_the_scores_of_each_commit_and_history_shows_the_trend() {
    let t = scripted();
    let out = t.run(&["health", "--record"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.write("orders/orders/engine.py", COMPLEX)
        .git(&["add", "."])
        .git(&["commit", "-q", "-m", "complex"]);
    assert_eq!(t.run(&["health", "--record"]).status.code(), Some(0));
    // Recording the same commit again replaces its record.
    assert_eq!(t.run(&["health", "--record"]).status.code(), Some(0));
    let out = t.run(&["health", "--history", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = doc["records"].as_array().unwrap();
    assert_eq!(records.len(), 2, "{doc}");
    assert_ne!(records[0]["commit"], records[1]["commit"]);
    let orders = |r: &Value| r["modules"]["orders"]["score"].as_f64().unwrap();
    assert!(orders(&records[1]) < orders(&records[0]));
    let text = String::from_utf8_lossy(&t.run(&["health", "--history"]).stdout).into_owned();
    assert!(text.contains("orders") && text.contains("(down)"), "{text}");
    // A history file that is not one: a clear error, nothing overwritten.
    t.write(".strata/health-history.json", "{ not json");
    let out = t.run(&["health", "--record"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a health history"));
    assert_eq!(t.read(".strata/health-history.json"), "{ not json");
}

#[test]
fn health_text_markdown_and_errors() {
    let t = scripted();
    let out = t.run(&["health", "--module", "orders"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("orders  "), "{text}");
    assert!(!text.contains("\nstock  "), "{text}");
    let md =
        String::from_utf8_lossy(&t.run(&["health", "--format", "markdown"]).stdout).into_owned();
    assert!(md.starts_with("| module | score | band | rules |"), "{md}");
    let out = t.run(&["health", "--module", "order"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `orders`?"));
    t.write("strata.toml", "[health.weights]\nrule = 1\n");
    let out = t.run(&["health"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown health dimension `rule`"));
}

#[test]
fn a_package_required_at_another_version_than_elsewhere_costs_version_points() {
    let t = CliTest::new(BIN);
    t.write("strata.toml", "[lanes]\nmain = []\n");
    for (name, requests) in [("a", ">=2.31"), ("b", ">=2.31"), ("c", "==2.0.1")] {
        t.write(
            &format!("{name}/module.yaml"),
            format!("name: {name}\nlane: main\ninterfaces: [\"{name}/{name}/__init__.py\"]\n"),
        )
        .write(
            &format!("{name}/pyproject.toml"),
            format!(
                "[project]\nname = \"{name}\"\nversion = \"1.0.0\"\ndependencies = [\"Requests{requests}\", \"b\", \"attrs @ https://example.com/attrs.whl\"]\n"
            ),
        )
        .write(&format!("{name}/{name}/__init__.py"), "X = 1\n");
    }
    let doc = health(t.root(), &[]);
    let versions = |m: &str| {
        doc[m]["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == "versions")
            .unwrap()
            .clone()
    };
    assert_eq!(versions("a")["raw"]["drifting_dependencies"], 0);
    assert_eq!(versions("b")["raw"]["drifting_dependencies"], 0);
    let c = versions("c");
    assert_eq!(c["raw"]["drifting_dependencies"], 1, "{c}");
    assert_eq!(
        c["evidence"][0],
        "requests ==2.0.1 in c/pyproject.toml, >=2.31 in 2 other modules"
    );
    assert!(c["score"].as_f64().unwrap() < 10.0);
    assert!(
        doc["c"]["next_steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().starts_with("align requests ==2.0.1")),
        "{}",
        doc["c"]
    );
}
