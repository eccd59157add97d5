//! Adoption on real git repositories made in the test: a baseline hides accepted findings
//! (even after their lines move), and `--diff-base` reports only what a later commit added.

use strata_test::CliTest;

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// Three Python modules; `billing` already imports `users` without declaring it.
fn repo() -> CliTest {
    let t = CliTest::new(BIN);
    t.write(
        "strata.toml",
        "[teams.pay]\ncontact = \"pay@example.com\"\n",
    );
    for (name, deps) in [("billing", "[ledger]"), ("ledger", "[]"), ("users", "[]")] {
        t.write(
            &format!("{name}/module.yaml"),
            format!("name: {name}\nowner: team:pay\nlifecycle: production\ndepends_on: {deps}\n"),
        )
        .write(
            &format!("{name}/pyproject.toml"),
            format!("[project]\nname = \"{name}\"\n"),
        )
        .write(&format!("{name}/{name}/__init__.py"), "");
    }
    t.write("billing/billing/pay.py", "import ledger\nimport users\n");
    t
}

fn rules(out: &std::process::Output) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["target"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn baseline_hides_accepted_findings_even_after_lines_move() {
    let t = repo();
    let out = t.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        rules(&out),
        [("undeclared-dependency".to_owned(), "users".to_owned())]
    );

    let out = t.run(&[
        "check",
        "--baseline",
        "strata-baseline.json",
        "--update-baseline",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        t.read("strata-baseline.json")
            .contains("undeclared-dependency")
    );

    let out = t.run(&[
        "check",
        "--baseline",
        "strata-baseline.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(rules(&out).is_empty());

    // Lines move: still the same finding.
    t.write(
        "billing/billing/pay.py",
        "\n\n# payments\nimport ledger\nimport users\n",
    );
    let out = t.run(&["check", "--baseline", "strata-baseline.json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 hidden by the baseline"));

    // A new violation is reported; the accepted one stays hidden.
    t.write("ledger/ledger/book.py", "import users\n");
    let out = t.run(&[
        "check",
        "--baseline",
        "strata-baseline.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let found = rules(&out);
    assert_eq!(
        found,
        [("undeclared-dependency".to_owned(), "users".to_owned())]
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["module"], "ledger");
    assert_eq!(v["summary"]["suppressed"], 1);
}

#[test]
fn missing_or_broken_baseline_is_exit_2() {
    let t = repo();
    let out = t.run(&["check", "--baseline", "nope.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--update-baseline"));
    t.write(
        "bad.json",
        "{\"version\": 1, \"findings\": [{\"rule\": 3}]}",
    );
    let out = t.run(&["check", "--baseline", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.json:1:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn diff_base_reports_only_what_the_commit_added() {
    let t = repo();
    t.git(&["init", "-q", "-b", "main"]);
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "start"]);
    t.write("ledger/ledger/book.py", "import users\n");
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", "ledger uses users"]);

    let out = t.run(&["check", "--diff-base", "HEAD~1", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["module"], "ledger");
    assert_eq!(findings[0]["file"], "ledger/ledger/book.py");

    // Against itself nothing is new; an unknown revision is exit 2.
    let out = t.run(&["check", "--diff-base", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let out = t.run(&["check", "--diff-base", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-rev"));
}
