//! Code intelligence end to end on a hand-written polyglot repository: `find`, `similar`,
//! `dupes` and `context`, their output snapshotted, and their errors.

use std::fmt::Write as _;

use insta::assert_snapshot;
use strata_test::CliTest;

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// The body both Python copies share (the second renames names and changes literals).
const TOTAL: &str = r#"def invoice_total(lines, tax_rate):
    """Sum the invoice lines, with tax."""
    subtotal = 0
    for line in lines:
        if line.quantity > 0:
            subtotal += line.price * line.quantity
        else:
            subtotal -= line.refund
    tax = subtotal * tax_rate
    if tax < 0:
        tax = 0
    return round(subtotal + tax, 2)
"#;

fn repo() -> CliTest {
    let t = CliTest::new(BIN);
    t.write(
        "strata.toml",
        "layers = [\"core\", \"app\"]\n[lanes]\nmain = []\n[teams.t]\ncontact = \"t@example.com\"\n",
    );
    for (name, layer, deps) in [
        ("billing", "core", ""),
        ("shipping", "app", "depends_on: [billing]\n"),
    ] {
        t.write(
            &format!("{name}/module.yaml"),
            format!(
                "name: {name}\nowner: team:t\nlifecycle: production\nlane: main\nlayer: {layer}\n{deps}interfaces: [\"{name}/__init__.py\"]\n"
            ),
        );
        t.write(
            &format!("{name}/pyproject.toml"),
            format!("[project]\nname = \"{name}\"\nversion = \"1.0.0\"\n"),
        );
        t.write(&format!("{name}/{name}/__init__.py"), "");
    }
    t.write(
        "billing/billing/invoice.py",
        format!("MAX_LINES = 500\n_CACHE_SIZE = 16\n\n\n{TOTAL}\n\nclass InvoiceStore:\n    \"\"\"Where invoices live.\"\"\"\n\n    def get_current_user(self):\n        return None\n"),
    );
    let renamed = TOTAL
        .replace("invoice_total", "parcel_cost")
        .replace("lines", "items")
        .replace("line", "item")
        .replace("subtotal", "acc")
        .replace("tax_rate", "duty")
        .replace(", 2)", ", 3)")
        .replace(
            "Sum the invoice items, with tax.",
            "Sum the parcel's items.",
        );
    t.write(
        "shipping/shipping/cost.py",
        format!("from billing import invoice\n\n\n{renamed}"),
    );
    t.write(
        "web/module.yaml",
        "name: web\nowner: team:t\nlifecycle: production\nlane: main\nlayer: app\n",
    );
    t.write(
        "web/package.json",
        "{\"name\": \"web\", \"version\": \"1.0.0\"}\n",
    );
    t.write(
        "web/src/index.ts",
        "/** The page size. */\nexport const PAGE_SIZE = 50;\n\n/** Loads the current user. */\nexport async function loadCurrentUser(id: string): Promise<string> {\n  return id;\n}\n\nexport interface UserView {\n  id: string;\n}\n\nexport type UserId = string;\n\nexport class UserCache {\n  get(id: string): string {\n    return id;\n  }\n}\n",
    );
    t.write(
        "ledger/module.yaml",
        "name: ledger\nowner: team:t\nlifecycle: production\nlane: main\nlayer: core\n",
    );
    t.write(
        "ledger/Cargo.toml",
        "[package]\nname = \"ledger\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
    );
    t.write(
        "ledger/src/lib.rs",
        "//! The ledger.\n\n/// Most entries in one book.\npub const MAX_ENTRIES: usize = 1024;\n\n/// A book of entries.\npub struct Book {\n    entries: Vec<i64>,\n}\n\npub trait Balance {\n    fn balance(&self) -> i64;\n}\n\nimpl Book {\n    /// The sum of the entries.\n    pub fn total(&self) -> i64 {\n        self.entries.iter().sum()\n    }\n}\n\npub enum Side {\n    Debit,\n    Credit,\n}\n\npub type Amount = i64;\n",
    );
    t.write(
        "api/module.yaml",
        "name: api\nowner: team:t\nlifecycle: production\nlane: main\nlayer: app\n",
    );
    t.write("api/go.mod", "module example.com/api\n\ngo 1.22\n");
    t.write(
        "api/server.go",
        "package api\n\n// MaxConns bounds the pool.\nconst MaxConns = 64\n\n// Server serves the API.\ntype Server struct{}\n\n// CurrentUser answers who is calling.\nfunc (s *Server) CurrentUser(id string) string {\n\treturn id\n}\n",
    );
    t.write(
        "jobs/module.yaml",
        "name: jobs\nowner: team:t\nlifecycle: production\nlane: main\nlayer: app\n",
    );
    t.write(
        "jobs/pom.xml",
        "<project><groupId>com.acme</groupId><artifactId>jobs</artifactId><version>1.0.0</version></project>\n",
    );
    t.write(
        "jobs/src/main/java/com/acme/jobs/Runner.java",
        "package com.acme.jobs;\n\n/** Runs jobs. */\npublic class Runner {\n    public static final int RETRIES = 3;\n\n    /** Who runs this job. */\n    public String currentUser() {\n        return \"x\";\n    }\n}\n",
    );
    t
}

#[test]
fn find_ranks_by_match_and_filters() {
    let t = repo();
    assert_snapshot!(
        "find_current_user",
        t.snapshot(&["find", "current user", "--format", "json"])
    );
    assert_snapshot!("find_initials_text", t.snapshot(&["find", "gcu"]));
    assert_snapshot!(
        "find_consts",
        t.snapshot(&["find", "max", "--kind", "const", "--format", "json"])
    );
    assert_snapshot!(
        "find_types_of_one_module",
        t.snapshot(&["find", "b", "--kind", "type", "--module", "ledger"])
    );
}

#[test]
fn find_says_what_a_file_may_import() {
    let t = repo();
    // From a planned file of billing: billing's own code is fine; a Rust file cannot be
    // imported from Python at all; shipping is a higher layer, undeclared, and the file is
    // internal to it.
    assert_snapshot!(t.snapshot(&[
        "find",
        "total",
        "--from",
        "billing/billing/new.py",
        "--format",
        "json"
    ]));
    assert_snapshot!(
        "find_from_a_lower_layer",
        t.snapshot(&["find", "parcel", "--from", "billing/billing/new.py"])
    );
}

#[test]
fn dupes_reports_the_renamed_copy_across_modules() {
    let t = repo();
    assert_snapshot!("dupes_json", t.snapshot(&["dupes", "--format", "json"]));
    assert_snapshot!("dupes_text", t.snapshot(&["dupes"]));
    let none = t.run(&["dupes", "--min-tokens", "500", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&none.stdout).unwrap();
    assert_eq!(doc["summary"]["clones"], 0);
}

#[test]
fn dupes_without_the_cache_finds_the_same_and_writes_nothing() {
    let t = repo();
    let cold = t.run(&["--no-cache", "dupes", "--format", "json"]);
    assert!(
        !t.root().join(".strata").exists(),
        "--no-cache wrote a cache"
    );
    let cached = t.run(&["dupes", "--format", "json"]);
    assert!(t.root().join(".strata").exists());
    let warm = t.run(&["dupes", "--format", "json"]);
    assert_eq!(cold.stdout, cached.stdout);
    assert_eq!(cold.stdout, warm.stdout);
}

#[test]
fn similar_finds_the_copy_of_a_span_or_a_snippet() {
    let t = repo();
    assert_snapshot!(
        "similar_span",
        t.snapshot(&[
            "similar",
            "shipping/shipping/cost.py:4-15",
            "--format",
            "json"
        ])
    );
    let snippet = "def f(xs):\n    s = 0\n    for x in xs:\n        if x.quantity > 0:\n            s += x.price * x.quantity\n        else:\n            s -= x.refund\n    return s\n";
    assert_snapshot!(
        "similar_snippet",
        t.snapshot(&[
            "similar",
            "--code",
            snippet,
            "--at",
            "shipping/shipping/new.py",
            "--min",
            "0.5"
        ])
    );
}

#[test]
fn context_for_a_task_and_for_files() {
    let t = repo();
    assert_snapshot!(
        "context_task",
        t.snapshot(&[
            "context",
            "--task",
            "fix the invoice total",
            "--budget",
            "300",
            "--format",
            "json"
        ])
    );
    // A named file too big for the budget: its signatures instead, and the file listed as
    // left out.
    assert_snapshot!(
        "context_named_file_over_budget",
        t.snapshot(&["context", "web/src/index.ts", "--budget", "80"])
    );
    for budget in ["0", "10", "100", "1000"] {
        let out = t.run(&[
            "context",
            "--task",
            "current user total",
            "--budget",
            budget,
            "--format",
            "json",
        ]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let used: u64 = doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["tokens"].as_u64().unwrap())
            .sum();
        assert_eq!(doc["used_tokens"].as_u64(), Some(used));
        assert!(
            used <= budget.parse().unwrap(),
            "budget {budget}: {used} used"
        );
    }
}

#[test]
fn intel_errors_are_exit_2_with_a_hint() {
    let t = repo();
    let mut all = String::new();
    for args in [
        &["find", "x", "--module", "biling"][..],
        &["similar", "nowhere.py:1-3"],
        &["similar", "billing/billing/invoice.py:40-90"],
        &["similar", "billing/billing/invoice.py:x-y"],
        &["similar", "--code", "def f(): pass"],
        &["similar", "--code", "x", "--lang", "cobol"],
        &["similar", "web/package.json"],
        &["similar", "billing/billing/invoice.py", "--min", "2"],
        &["context", "--task", "the and of"],
        &["context", "nowhere.ts"],
    ] {
        let _ = writeln!(all, "$ strata {}\n{}", args.join(" "), t.snapshot(args));
    }
    assert_snapshot!(all);
}
