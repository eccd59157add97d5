//! The real binary in temporary repositories: exit code, stdout and stderr snapshotted.

use std::fmt::Write as _;

use insta::assert_snapshot;
use strata_test::CliTest;

const BIN: &str = env!("CARGO_BIN_EXE_strata");

fn repo() -> CliTest {
    let t = CliTest::new(BIN);
    t.write(
        "strata.toml",
        r#"layers = ["foundation", "service"]

[project]
name = "shop"

[lanes]
core = []
products = ["core"]

[teams.payments]
contact = "payments@example.com"
"#,
    )
    .write(
        "services/billing/module.yaml",
        r#"schema: strata/v1
name: billing
kind: service
version: 1.4.0
owner: team:payments
lifecycle: production
lane: products
layer: service
tier: 2
depends_on:
  - { name: ledger, version: "^2.1" }
api: { port: 3021, base_path: /api/v1/billing }
events:
  publishes: [billing.invoice.created]
"#,
    )
    .write("services/billing/src/index.ts", "export const x = 1;\n")
    .write(
        "libs/ledger/module.yaml",
        r"schema: strata/v1
name: ledger
kind: library
version: 3.0.0
owner: team:payments
lifecycle: production
lane: core
layer: foundation
tier: 1
events:
  consumes: [billing.invoice.created]
",
    )
    .write("libs/ledger/src/lib.rs", "pub fn f() {}\n")
    .write(
        "tools/cli/Cargo.toml",
        "[package]\nname = \"shop-cli\"\nversion = \"0.3.0\"\ndescription = \"The shop's CLI\"\n",
    )
    .write("tools/cli/src/main.rs", "fn main() {}\n");
    t
}

#[test]
fn help_of_every_command() {
    let t = CliTest::new(BIN);
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["modules", "--help"],
        &["scan", "--help"],
        &["merge", "--help"],
        &["graph", "--help"],
        &["impact", "--help"],
        &["api-diff", "--help"],
        &["waves", "--help"],
        &["docs", "--help"],
        &["context", "--help"],
        &["dupes", "--help"],
        &["find", "--help"],
        &["similar", "--help"],
        &["init", "--help"],
        &["new", "--help"],
        &["template", "--help"],
        &["explain", "--help"],
        &["schema", "--help"],
        &["metrics", "--help"],
        &["budgets", "--help"],
        &["export", "backstage", "--help"],
        &["import", "backstage", "--help"],
    ] {
        assert_snapshot!(
            format!("help_{}", args[0].trim_start_matches('-')),
            t.snapshot(args)
        );
    }
}

#[test]
fn check_text() {
    assert_snapshot!(repo().snapshot(&["check"]));
}

#[test]
fn check_json() {
    let t = repo();
    let out = t.snapshot(&["check", "--format", "json"]);
    // elapsed_ms varies from run to run.
    let out = regex_lite_replace(&out, "\"elapsed_ms\": ", "[ELAPSED]");
    assert_snapshot!(out);
}

#[test]
fn check_exit_zero_and_quiet() {
    let t = repo();
    let out = t.run(&["check", "--exit-zero", "--quiet"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("error[semver-mismatch]"));
    assert!(
        !stdout.contains("errors,"),
        "--quiet drops the summary: {stdout}"
    );
}

#[test]
fn check_broken_module_files_are_findings_and_the_rest_is_checked() {
    let t = repo();
    t.write("bad/type/module.yaml", "name: typed\ntier: high\n")
        .write("bad/key/module.yaml", "name: keyed\nownr: team:payments\n")
        .write("bad/yaml/module.yaml", "name: [unclosed\n")
        .write("bad/empty/module.yaml", "")
        .write("bad/binary/module.yaml", b"\x00\x01\xff\xfe".as_slice())
        .write(
            "bad/version/module.yaml",
            "name: versioned\nversion: one\ndepends_on: [{ name: ledger, version: \"^^1\" }]\n",
        );
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        let _ = writeln!(bomb, "a{i}: &a{i} [{refs}]");
    }
    bomb.push_str("name: bomb\n");
    t.write("bad/bomb/module.yaml", bomb);
    assert_snapshot!(
        t.snapshot(&["check", "--format", "json"])
            .lines()
            .filter(|l| !l.contains("elapsed_ms"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn check_broken_config_is_exit_2_with_position_and_hint() {
    let t = repo();
    t.write("strata.toml", "[project]\nnme = \"shop\"\n");
    assert_snapshot!(t.snapshot(&["check"]));
}

#[test]
fn check_unknown_rule_and_level() {
    let t = repo();
    t.write("strata.toml", "[rules]\nport-conflicts = \"error\"\n");
    assert_snapshot!("unknown_rule", t.snapshot(&["check"]));
    t.write("strata.toml", "[rules]\nport-conflict = \"fatal\"\n");
    assert_snapshot!("bad_level", t.snapshot(&["check"]));
}

#[test]
fn rule_levels_apply() {
    let t = repo();
    t.write(
        "strata.toml",
        "[teams.payments]\ncontact = \"p@example.com\"\n[lanes]\ncore = []\nproducts = [\"core\"]\n[rules]\nsemver-mismatch = \"warn\"\norphan-event = \"off\"\nschema-coverage = { level = \"off\" }\n",
    );
    let out = t.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert!(rules.contains(&("semver-mismatch", "warning")), "{rules:?}");
    assert!(
        !rules
            .iter()
            .any(|(r, _)| *r == "orphan-event" || *r == "schema-coverage"),
        "{rules:?}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "unknown layers are still errors"
    );
}

#[test]
fn bad_flag_is_exit_2() {
    assert_snapshot!(repo().snapshot(&["check", "--frmat", "json"]));
}

#[test]
fn modules_table_and_json() {
    let t = repo();
    assert_snapshot!("modules_table", t.snapshot(&["modules"]));
    assert_snapshot!("modules_json", t.snapshot(&["modules", "--format", "json"]));
}

#[test]
fn modules_missing_root_is_exit_2() {
    assert_snapshot!(repo().snapshot(&["modules", "--root", "no/such/dir"]));
}

#[test]
fn init_dry_run_writes_nothing() {
    let t = repo();
    std::fs::remove_file(t.root().join("strata.toml")).unwrap();
    assert_snapshot!(t.snapshot(&["init", "--dry-run"]));
    assert!(!t.root().join("strata.toml").exists());
    assert!(!t.root().join("tools/cli/module.yaml").exists());
}

#[test]
fn init_writes_stubs_and_never_overwrites() {
    let t = repo();
    std::fs::remove_file(t.root().join("strata.toml")).unwrap();
    assert_snapshot!("init_first", t.snapshot(&["init"]));
    assert_snapshot!("init_module_stub", t.read("tools/cli/module.yaml"));
    // The stub parses and is now the module's declaration.
    let check = t.run(&["modules", "--format", "json"]);
    assert!(String::from_utf8_lossy(&check.stdout).contains("tools/cli/module.yaml"));
    t.write("tools/cli/module.yaml", "name: shop-cli\nowner: user:me\n");
    assert_snapshot!("init_second", t.snapshot(&["init"]));
    assert_eq!(
        t.read("tools/cli/module.yaml"),
        "name: shop-cli\nowner: user:me\n"
    );
}

#[test]
fn init_with_broken_config_is_exit_2() {
    let t = repo();
    t.write("strata.toml", "layers = [\"a\", \"a\"]\n");
    assert_snapshot!(t.snapshot(&["init"]));
}

#[test]
fn explain_a_rule_and_the_list() {
    let t = CliTest::new(BIN);
    assert_snapshot!(
        "explain_port_conflict",
        t.snapshot(&["explain", "port-conflict"])
    );
    assert_snapshot!("explain_list", t.snapshot(&["explain", "--list"]));
}

#[test]
fn explain_unknown_rule_is_exit_2_with_suggestion() {
    assert_snapshot!(CliTest::new(BIN).snapshot(&["explain", "port-conflicts"]));
}

#[test]
fn budgets_bad_horizon_is_exit_2() {
    assert_snapshot!(CliTest::new(BIN).snapshot(&["budgets", "--horizon", "0"]));
}

#[test]
fn metrics_push_bad_json_is_exit_2() {
    let t = CliTest::new(BIN);
    t.write("a/module.yaml", "name: a\n").write(
        "samples.json",
        "{\"samples\": [\n  {\"module\": \"a\", \"metric\": \"cpu\" \"at\": 1}\n]}\n",
    );
    assert_snapshot!(t.snapshot(&["metrics", "push", "samples.json"]));
}

#[test]
fn schema_bad_argument_is_exit_2() {
    assert_snapshot!(CliTest::new(BIN).snapshot(&["schema", "modules"]));
}

#[test]
fn committed_json_schemas_are_current() {
    let t = CliTest::new(BIN);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema");
    for (which, file) in [
        ("module", "module.schema.json"),
        ("config", "config.schema.json"),
    ] {
        let out = t.run(&["schema", which]);
        assert_eq!(out.status.code(), Some(0));
        let committed = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        assert!(
            committed == String::from_utf8_lossy(&out.stdout),
            "schema/{file} is stale: run `cargo run -- schema {which} > schema/{file}`"
        );
    }
}

/// Replace the number after `key` with `with` (keeps snapshots stable without a regex crate).
fn regex_lite_replace(text: &str, key: &str, with: &str) -> String {
    text.lines()
        .map(|l| match l.find(key) {
            Some(i) => format!("{}{key}{with}", &l[..i]),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn scan_summary_and_bad_root() {
    let t = repo();
    let out = t.run(&["scan", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], 3);
    assert_eq!(v["modules"], 3);
    assert_snapshot!(t.snapshot(&["scan", "--root", "missing"]));
}

#[test]
fn graph_focus_on_unknown_module_is_exit_2() {
    assert_snapshot!(repo().snapshot(&["graph", "--focus", "biling", "--format", "json"]));
}

#[test]
fn waves_outside_git_and_wrong_format_are_exit_2() {
    let t = repo();
    let out = t.run(&["waves", "--changed-since", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HEAD~1"));
    assert_snapshot!(t.snapshot(&["waves", "--format", "sarif"]));
}
