//! `strata export backstage` and `strata import backstage`: a round trip gives back module.yaml
//! files with the same typed values, `--check` finds stale files, bad descriptors are refused
//! with their line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use strata_test::{CliTest, copy_dir, format_output, run_in};
use strata_workspace::module_file::{Dependency, ModuleFile, parse_module_file};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/coder-ide")
}

/// Every typed value of a module.yaml, without the positions the parser records.
fn canon(m: &ModuleFile) -> String {
    let mut s = String::new();
    macro_rules! v {
        ($e:expr) => {
            $e.as_ref().map(|x| x.value.clone())
        };
    }
    let _ = writeln!(s, "schema {:?}", v!(m.schema));
    let _ = writeln!(s, "name {:?}", m.name.value);
    let _ = writeln!(s, "kind {:?}", m.kind);
    let _ = writeln!(s, "version {:?}", v!(m.version));
    let _ = writeln!(s, "description {:?}", m.description);
    let _ = writeln!(s, "owner {:?}", v!(m.owner));
    let _ = writeln!(s, "lifecycle {:?}", m.lifecycle);
    let _ = writeln!(s, "lane {:?}", v!(m.lane));
    let _ = writeln!(s, "layer {:?}", v!(m.layer));
    let _ = writeln!(s, "tier {:?}", m.tier.as_ref().map(|t| t.value));
    let _ = writeln!(s, "paths {:?}", m.paths);
    let deps: Vec<&Dependency> = m.depends_on.iter().map(|d| &d.value).collect();
    let _ = writeln!(s, "depends_on {deps:?}");
    let _ = writeln!(s, "interfaces {:?}", m.interfaces);
    let _ = writeln!(
        s,
        "api {:?}",
        m.api.as_ref().map(|a| (
            a.port.as_ref().map(|p| p.value),
            a.base_path.as_ref().map(|b| b.value.clone()),
            a.openapi.clone()
        ))
    );
    macro_rules! names {
        ($e:expr) => {
            $e.iter().map(|x| x.value.clone()).collect::<Vec<_>>()
        };
    }
    let _ = writeln!(
        s,
        "events {:?}",
        m.events
            .as_ref()
            .map(|e| (names!(e.publishes), names!(e.consumes)))
    );
    let _ = writeln!(
        s,
        "health {:?}",
        m.health
            .as_ref()
            .map(|h| (h.liveness.clone(), h.readiness.clone()))
    );
    let links: Vec<(&str, &str)> = m
        .links
        .iter()
        .map(|l| (l.title.as_str(), l.url.as_str()))
        .collect();
    let _ = writeln!(s, "links {links:?}");
    let _ = writeln!(s, "tags {:?}", m.tags);
    let _ = writeln!(s, "annotations {:?}", m.annotations);
    let _ = writeln!(
        s,
        "template {:?}",
        m.template
            .as_ref()
            .map(|t| (t.name.clone(), t.version.clone()))
    );
    s
}

/// Every module.yaml below `root`, by path relative to it.
fn module_files(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if !matches!(e.file_name().to_str(), Some(".strata" | ".git" | ".truth")) {
                    stack.push(p);
                }
            } else if e.file_name() == "module.yaml" {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                let bytes = std::fs::read(&p).unwrap();
                let parsed = parse_module_file(&p, &bytes).unwrap();
                out.push((rel, canon(&parsed)));
            }
        }
    }
    out.sort();
    out
}

fn catalog_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if e.file_name() == "catalog-info.yaml" {
                out.push(p.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn ok(out: &std::process::Output, root: &Path) {
    assert!(out.status.success(), "{}", format_output(out, root));
}

/// Export, delete every module.yaml, import every Component: the same typed values.
fn round_trip(root: &Path) -> usize {
    let before = module_files(root);
    ok(&run_in(BIN.as_ref(), root, &["export", "backstage"]), root);
    ok(
        &run_in(BIN.as_ref(), root, &["export", "backstage", "--check"]),
        root,
    );
    for (rel, _) in &before {
        std::fs::remove_file(root.join(rel)).unwrap();
    }
    let catalogs = catalog_files(root);
    let mut args = vec!["import", "backstage"];
    args.extend(catalogs.iter().map(String::as_str));
    ok(&run_in(BIN.as_ref(), root, &args), root);
    let after = module_files(root);
    // Modules found only from manifests get a module.yaml too: compare the declared ones.
    let after: Vec<_> = after
        .into_iter()
        .filter(|(rel, _)| before.iter().any(|(b, _)| b == rel))
        .collect();
    assert_eq!(before.len(), after.len());
    for ((rel, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "{rel}");
    }
    before.len()
}

#[test]
fn the_example_survives_export_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("coder-ide");
    copy_dir(&example(), &root);
    assert_eq!(round_trip(&root), 18);
}

#[test]
fn every_field_survives_including_awkward_names_and_values() {
    let t = CliTest::new(BIN);
    t.write(
        "strata.toml",
        "[teams.payments]\ncontact = \"#payments on chat\"\nmembers = [\"ana\"]\ndescription = \"Money\"\n",
    )
    .write(
        "billing/module.yaml",
        r#"schema: strata/v1
name: billing
kind: job
version: 1.4.0-rc.1
description: "Invoicing: 'quotes', \"double\" and\na second line"
owner: team:payments
lifecycle: deprecated
lane: products
layer: service
tier: 1
paths: [".", "extra/**"]
depends_on:
  - ledger
  - { name: "@acme/users", version: "^2.1", kind: build }
  - { name: plain }
interfaces: ["src/api/**", "src/lib.rs"]
api: { port: 3021, base_path: /api/v1/billing, openapi: docs/openapi.yaml }
events:
  publishes: [billing.invoice.created]
health: { readiness: /ready }
budgets: { p99_ms: 250, error_rate: 0.01 }
links: [{ title: Runbook, url: "https://wiki.example.com/billing?x=1#top" }]
tags: [pci, "yes"]
annotations: { "sonarqube.org/project-key": billing, "x.io/n": "007" }
template: { name: rust-service, version: 1.0.0 }
"#,
    )
    .write("billing/docs/openapi.yaml", "openapi: 3.0.0\n")
    .write("ledger/module.yaml", "name: ledger\napi: {}\nevents: {}\n")
    .write("users/module.yaml", "name: \"@acme/users\"\nowner: payments\n")
    .write("plain/module.yaml", "name: plain\nowner: user:bo\n");
    assert_eq!(round_trip(t.root()), 4);
    // The scoped name became a catalog-safe one, the original kept.
    let users = t.read("users/catalog-info.yaml");
    assert!(users.contains("name: acme-users"), "{users}");
    assert!(users.contains("strata.dev/name: '@acme/users'"), "{users}");
    assert!(
        users.contains("strata.dev/unset: kind,lifecycle"),
        "{users}"
    );
    let billing = t.read("billing/catalog-info.yaml");
    assert!(billing.contains("- component:acme-users"), "{billing}");
    assert!(billing.contains("$text: ./docs/openapi.yaml"), "{billing}");
}

#[test]
fn check_reports_missing_and_stale_files_and_writes_nothing() {
    let t = CliTest::new(BIN);
    t.write(
        "strata.toml",
        "[teams.core]\ncontact = \"core@example.com\"\n",
    )
    .write("a/module.yaml", "name: a\nowner: team:core\n")
    .write("b/module.yaml", "name: b\ndepends_on: [a]\n");
    let out = t.run(&["export", "backstage", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("missing a/catalog-info.yaml"), "{stdout}");
    assert!(!t.root().join("a/catalog-info.yaml").exists());
    ok(&t.run(&["export", "backstage"]), t.root());
    ok(&t.run(&["export", "backstage", "--check"]), t.root());
    t.write("b/module.yaml", "name: b\ndepends_on: [a]\ntier: 2\n");
    let out = t.run(&["export", "backstage", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.trim(), "stale b/catalog-info.yaml (component:b)");
}

#[test]
fn descriptors_of_removed_modules_are_left_over_until_the_next_export() {
    let t = CliTest::new(BIN);
    t.write("a/module.yaml", "name: a\n")
        .write("b/module.yaml", "name: b\n")
        // A descriptor written by hand: never the export's to remove.
        .write(
            "c/catalog-info.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c\nspec:\n  type: service\n  owner: x\n  lifecycle: production\n",
        );
    ok(&t.run(&["export", "backstage"]), t.root());
    std::fs::remove_dir_all(t.root().join("b")).unwrap();
    t.write(
        "b/catalog-info.yaml",
        t.read("a/catalog-info.yaml").replace("name: a", "name: b"),
    );
    let out = t.run(&["export", "backstage", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.trim(),
        "left over b/catalog-info.yaml (no module or team any more)"
    );
    assert!(
        t.root().join("b/catalog-info.yaml").exists(),
        "--check writes and removes nothing"
    );
    let out = t.run(&["export", "backstage"]);
    ok(&out, t.root());
    assert!(String::from_utf8_lossy(&out.stdout).contains("removed b/catalog-info.yaml"));
    assert!(!t.root().join("b/catalog-info.yaml").exists());
    assert!(t.root().join("c/catalog-info.yaml").exists());
    ok(&t.run(&["export", "backstage", "--check"]), t.root());

    // The same under --out.
    ok(&t.run(&["export", "backstage", "--out", "cat"]), t.root());
    t.write(
        "cat/gone/catalog-info.yaml",
        t.read("cat/a/catalog-info.yaml"),
    );
    let out = t.run(&["export", "backstage", "--out", "cat", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("left over cat/gone/catalog-info.yaml"));
    ok(&t.run(&["export", "backstage", "--out", "cat"]), t.root());
    assert!(!t.root().join("cat/gone/catalog-info.yaml").exists());
}

#[test]
fn groups_become_teams_and_back() {
    let toml = "[teams.payments]\ncontact = \"payments@example.com\"\ndescription = \"Money \\\"in\\\" and out\"\nmembers = [\"ana\", \"bo\"]\n\n[teams.\"Data Platform\"]\ncontact = \"#data on chat\"\n";
    let t = CliTest::new(BIN);
    t.write("strata.toml", toml)
        .write("a/module.yaml", "name: a\nowner: team:payments\n");
    ok(&t.run(&["export", "backstage"]), t.root());
    let before = strata_workspace::load_config(&t.root().join("strata.toml")).unwrap();

    // A repository without the teams gets them from the Groups, appended to its strata.toml.
    let u = CliTest::new(BIN);
    u.write("strata.toml", "layers = [\"base\"]\n")
        .write("catalog-info.yaml", t.read("catalog-info.yaml"));
    let out = u.run(&["import", "backstage", "catalog-info.yaml", "--dry-run"]);
    ok(&out, u.root());
    assert!(String::from_utf8_lossy(&out.stdout).contains("would add to"));
    assert_eq!(u.read("strata.toml"), "layers = [\"base\"]\n");
    ok(
        &u.run(&["import", "backstage", "catalog-info.yaml"]),
        u.root(),
    );
    let after = strata_workspace::load_config(&u.root().join("strata.toml")).unwrap();
    assert_eq!(after.config.layers, ["base"]);
    assert_eq!(
        format!("{:?}", after.config.teams),
        format!("{:?}", before.config.teams)
    );
    // A second import adds nothing.
    let text = u.read("strata.toml");
    let out = u.run(&[
        "import",
        "backstage",
        "catalog-info.yaml",
        "--force",
        "--format",
        "json",
    ]);
    ok(&out, u.root());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["teams"], serde_json::json!([]));
    assert_eq!(u.read("strata.toml"), text);
}

#[test]
fn out_mirrors_module_roots_and_points_back_at_the_openapi_files() {
    let t = CliTest::new(BIN);
    t.write(
        "svc/module.yaml",
        "name: svc\napi: { openapi: openapi.yaml }\n",
    )
    .write("svc/openapi.yaml", "openapi: 3.0.0\n");
    ok(
        &t.run(&["export", "backstage", "--out", "catalog"]),
        t.root(),
    );
    let text = t.read("catalog/svc/catalog-info.yaml");
    assert!(text.contains("$text: ../../svc/openapi.yaml"), "{text}");
    assert!(!t.root().join("svc/catalog-info.yaml").exists());
    ok(
        &t.run(&["export", "backstage", "--out", "catalog", "--check"]),
        t.root(),
    );
}

#[test]
fn import_refuses_to_overwrite_and_reports_bad_input_with_its_line() {
    let t = CliTest::new(BIN);
    t.write("a/module.yaml", "name: a\n")
        .write(
            "a/catalog-info.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n  lifecycle: production\n  owner: group:core\n",
        )
        .write(
            "b/catalog-info.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: b\n  annotations:\n    strata.dev/tier: high\nspec:\n  type: service\n  lifecycle: production\n  owner: core\n",
        )
        .write("c/catalog-info.yaml", "kind: Component\nmetadata: [1, 2\n")
        .write(
            "d/catalog-info.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: d\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: e\n",
        );
    let out = t.run(&["import", "backstage", "a/catalog-info.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`a/module.yaml` exists"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    ok(
        &t.run(&["import", "backstage", "--force", "a/catalog-info.yaml"]),
        t.root(),
    );
    let a = t.read("a/module.yaml");
    assert_eq!(
        a,
        "name: a\nkind: service\nowner: team:core\nlifecycle: production\n"
    );

    let out = t.run(&["import", "backstage", "b/catalog-info.yaml"]);
    insta::assert_snapshot!("import_bad_tier", format_output(&out, t.root()));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("b/catalog-info.yaml:6:")
            && stderr.contains("`strata.dev/tier` is `high`, not a whole number"),
        "{stderr}"
    );
    assert!(!t.root().join("b/module.yaml").exists());

    let out = t.run(&["import", "backstage", "c/catalog-info.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("c/catalog-info.yaml:"), "{stderr}");

    let out = t.run(&["import", "backstage", "d/catalog-info.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("d/catalog-info.yaml:7:") && stderr.contains("second Component"),
        "{stderr}"
    );
}

#[test]
fn a_generated_corpus_survives_export_and_import() {
    let Some(corpus) = strata_test::generate(300, 7, &[]) else {
        return;
    };
    assert!(round_trip(corpus.root()) > 0);
}
