//! `strata api-diff` and rule `semver-bump` on real git repositories made in the test, one per
//! language: commits that remove, add and change public symbols, bump the version enough or
//! too little, and a dependent whose requirement the new version no longer satisfies.

use serde_json::Value;
use strata_test::CliTest;

const BIN: &str = env!("CARGO_BIN_EXE_strata");

fn commit(t: &CliTest, message: &str) {
    t.git(&["add", "-A"]);
    t.git(&["commit", "-q", "-m", message]);
}

fn init(t: &CliTest) {
    t.git(&["init", "-q", "-b", "main"]);
    commit(t, "base");
}

/// `strata api-diff ARGS --format json`, which must succeed.
fn api_diff(t: &CliTest, args: &[&str]) -> Value {
    let mut all = vec!["api-diff", "--format", "json"];
    all.extend_from_slice(args);
    let out = t.run(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn module<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"] == name)
        .unwrap_or_else(|| panic!("no module `{name}` in {doc:#}"))
}

/// (change, symbol, kind) of every change, in output order.
fn changes(m: &Value) -> Vec<(String, String, String)> {
    m["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().to_owned(),
                c["symbol"].as_str().unwrap().to_owned(),
                c["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn triples(expected: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

fn bumps(m: &Value) -> (String, Value, Value) {
    (
        m["required_bump"].as_str().unwrap().to_owned(),
        m["declared_version_change"].clone(),
        m["bump_ok"].clone(),
    )
}

fn version_change(from: &str, to: &str, bump: &str) -> Value {
    serde_json::json!({"from": from, "to": to, "bump": bump})
}

fn dependents(m: &Value) -> Value {
    m["dependents"].clone()
}

fn dependent(module: &str, requirement: &str, still_satisfied: bool) -> Value {
    serde_json::json!([{"module": module, "requirement": requirement, "still_satisfied": still_satisfied}])
}

/// A finding as (severity, file, line, message).
type Finding = (String, String, u64, String);

/// `strata check --diff-base REV --format json`: exit code and the `semver-bump` findings.
fn semver_bump(t: &CliTest, rev: &str) -> (Option<i32>, Vec<Finding>) {
    let out = t.run(&["check", "--diff-base", rev, "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("{}", String::from_utf8_lossy(&out.stderr));
    });
    let findings = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "semver-bump")
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (out.status.code(), findings)
}

#[test]
fn rust_crates_from_cargo_manifests() {
    let t = CliTest::new(BIN);
    t.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"billing\", \"checkout\"]\n",
    )
    .write(
        "billing/Cargo.toml",
        "[package]\nname = \"billing\"\nversion = \"1.4.0\"\nedition = \"2021\"\n",
    )
    .write(
        "checkout/Cargo.toml",
        "[package]\nname = \"checkout\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nbilling = { path = \"../billing\", version = \"1.4\" }\n",
    )
    .write(
        "checkout/src/lib.rs",
        "pub fn go() -> u64 { billing::Invoice::new(1).total() }\n",
    )
    .write(
        "billing/src/lib.rs",
        "pub struct Invoice {\n    pub cents: u64,\n    note: String,\n}\n\nimpl Invoice {\n    pub fn new(cents: u64) -> Self { todo!() }\n    pub fn total(&self) -> u64 { self.cents }\n    pub fn tax(&self, rate: u32) -> u64 { 0 }\n    fn audit(&self) {}\n}\n\npub trait Pay {\n    fn pay(&self) -> bool;\n}\n\nimpl Pay for Invoice {\n    fn pay(&self) -> bool { true }\n}\n\npub const MAX: u64 = 10;\nfn helper() {}\npub mod store;\n",
    )
    .write("billing/src/store.rs", "pub fn save() {}\n");
    init(&t);

    // Moved lines, comments and layout: no surface change; an internal file changed.
    t.write(
        "billing/src/lib.rs",
        "//! Billing.\n\npub const MAX: u64 = 10;\n\n/// An invoice.\npub struct Invoice {\n    /// In cents.\n    pub cents: u64,\n    note: String,\n}\n\nimpl Invoice {\n    pub fn total(&self) -> u64 { self.cents }\n    pub fn new(cents: u64 /* > 0 */) -> Self { todo!() }\n    pub fn tax(\n        &self,\n        rate: u32,\n    ) -> u64 { 1 }\n    fn audit(&self) {}\n}\n\npub trait Pay {\n    fn pay(&self) -> bool;\n}\n\nimpl Pay for Invoice {\n    fn pay(&self) -> bool { true }\n}\nfn helper() {}\npub mod store;\n",
    )
    .write("billing/src/store.rs", "pub fn save() { }\n");
    commit(&t, "layout");
    let doc = api_diff(&t, &["--base", "HEAD~1", "--head", "HEAD"]);
    let billing = module(&doc, "billing");
    assert_eq!(changes(billing), []);
    assert_eq!(billing["required_bump"], "patch");
    assert_eq!(billing["bump_ok"], false);

    // Remove, add and change public symbols; forget the version.
    t.write(
        "billing/src/lib.rs",
        "pub const MAX: u64 = 12;\n\npub struct Invoice {\n    pub cents: u64,\n    pub currency: String,\n}\n\nimpl Invoice {\n    pub fn new(cents: u64) -> Self { todo!() }\n    pub fn tax(&self, rate: u64) -> u64 { 1 }\n    pub fn refund(&self) {}\n    fn audit(&self, deep: bool) {}\n}\n\npub trait Pay {\n    fn pay(&self) -> bool;\n}\n\npub fn helper() {}\npub mod store;\n",
    )
    .write("billing/src/store.rs", "pub fn save(force: bool) {}\n");
    commit(&t, "break");
    let doc = api_diff(&t, &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(doc["base"], "HEAD~1");
    assert_eq!(doc["head"], "HEAD");
    let billing = module(&doc, "billing");
    assert_eq!(
        changes(billing),
        triples(&[
            ("changed", "Invoice", "struct"),
            ("added", "Invoice::refund", "method"),
            ("changed", "Invoice::tax", "method"),
            ("removed", "Invoice::total", "method"),
            ("added", "helper", "function"),
            ("removed", "impl Pay for Invoice", "impl"),
            ("changed", "store::save", "function"),
        ])
    );
    assert_eq!(billing["changes"][6]["path"], "billing/src/store.rs");
    let tax = &billing["changes"][2];
    assert_eq!(tax["before"], "pub fn tax(&self, rate: u32) -> u64");
    assert_eq!(tax["after"], "pub fn tax(&self, rate: u64) -> u64");
    assert_eq!(tax["path"], "billing/src/lib.rs");
    assert_eq!(tax["line"], 10);
    assert_eq!(
        billing["changes"][0]["after"],
        "pub struct Invoice { pub cents: u64, pub currency: String }"
    );
    assert_eq!(
        bumps(billing),
        (
            "major".into(),
            version_change("1.4.0", "1.4.0", "none"),
            Value::Bool(false)
        )
    );
    assert_eq!(dependents(billing), dependent("checkout", "1.4", true));
    let (code, found) = semver_bump(&t, "HEAD~1");
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{found:?}");
    let (severity, file, line, message) = &found[0];
    assert_eq!(
        (severity.as_str(), file.as_str(), *line),
        ("error", "billing/Cargo.toml", 3)
    );
    assert_eq!(
        message,
        "`billing` breaks its public API (`Invoice` changed, `Invoice::tax` changed, `Invoice::total` removed, `impl Pay for Invoice` removed, `store::save` changed) and needs a major bump, but its version stays 1.4.0"
    );

    // The working tree bumps the major version: enough, and `checkout` is left behind.
    t.write(
        "billing/Cargo.toml",
        "[package]\nname = \"billing\"\nversion = \"2.0.0\"\nedition = \"2021\"\n",
    );
    let doc = api_diff(&t, &["--base", "HEAD~1"]);
    assert_eq!(doc["head"], "working tree");
    let billing = module(&doc, "billing");
    assert_eq!(changes(billing).len(), 7);
    assert_eq!(
        bumps(billing),
        (
            "major".into(),
            version_change("1.4.0", "2.0.0", "major"),
            Value::Bool(true)
        )
    );
    assert_eq!(dependents(billing), dependent("checkout", "1.4", false));
    let (_, found) = semver_bump(&t, "HEAD~1");
    assert_eq!(found, []);

    // `impact` shows the bump beside the blast radius.
    let out = t.run(&["impact", "--base", "HEAD~1", "--format", "json"]);
    let impact: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(impact["affected"][0]["module"], "checkout");
    assert_eq!(impact["api_changes"][0]["module"], "billing");
    assert_eq!(impact["api_changes"][0]["required_bump"], "major");
    assert_eq!(
        impact["api_changes"][0]["changes"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    let out = t.run(&["impact", "HEAD~1"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("public API"));

    // Text and Markdown name the same.
    let out = t.run(&["api-diff", "--base", "HEAD~1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("billing: needs a major bump; version 1.4.0 -> 2.0.0 (major)"),
        "{text}"
    );
    assert!(
        text.contains("removed  method Invoice::total (billing/src/lib.rs:13)"),
        "{text}"
    );
    assert!(
        text.contains("dependent checkout requires 1.4: no longer satisfied"),
        "{text}"
    );
    let out = t.run(&["api-diff", "--base", "HEAD~1", "--format", "markdown"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("| removed | `Invoice::total` | method | `billing/src/lib.rs:13` |"),
        "{md}"
    );
}

/// The body of a `macro_rules!` is a template, not items: its `impl $crate::Set for $name` is
/// no trait impl of the crate (percent-encoding 1.0.1's `define_encode_set!`).
#[test]
fn rust_macro_templates_are_not_surface() {
    let t = CliTest::new(BIN);
    t.write(
        "sets/Cargo.toml",
        "[package]\nname = \"sets\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
    )
    .write(
        "sets/lib.rs",
        "pub trait Set {\n    fn contains(&self, b: u8) -> bool;\n}\n\n#[macro_export]\nmacro_rules! define_set {\n    (pub $name:ident = {$($ch:pat),*}) => {\n        pub struct $name;\n        impl $crate::Set for $name {\n            fn contains(&self, b: u8) -> bool { matches!(b as char, $($ch)|*) }\n        }\n    }\n}\n\ndefine_set! { pub QUERY = {' ', '#'} }\n\npub fn encode(input: &str) -> String { input.to_owned() }\n",
    );
    init(&t);
    t.write(
        "sets/lib.rs",
        "pub trait Set {\n    fn contains(&self, b: u8) -> bool;\n}\n\npub fn encode(input: &[u8]) -> String { String::new() }\n",
    );
    commit(&t, "no macro");
    let doc = api_diff(&t, &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(
        changes(module(&doc, "sets")),
        triples(&[("changed", "encode", "function")])
    );
}

#[test]
fn typescript_packages_from_npm_workspaces() {
    let t = CliTest::new(BIN);
    t.write(
        "package.json",
        r#"{"name": "mono", "private": true, "workspaces": ["packages/*"]}"#,
    )
    .write(
        "packages/billing/package.json",
        r#"{"name": "billing", "version": "1.4.0", "main": "src/index.ts"}"#,
    )
    .write(
        "packages/checkout/package.json",
        r#"{"name": "checkout", "version": "1.0.0", "dependencies": {"billing": "^1.4.0"}}"#,
    )
    .write(
        "packages/checkout/src/index.ts",
        "import { total } from 'billing';\nexport const run = (): number => total(1);\n",
    )
    .write("packages/billing/src/money.ts", "export function formatMoney(n: number): string { return ''; }\nexport function parseMoney(s: string): number { return 0; }\n")
    .write(
        "packages/billing/src/index.ts",
        "export { formatMoney } from './money';\n\nexport function total(amount: number): number {\n  return amount;\n}\n\nexport class Invoice {\n  constructor(id: string) {}\n  pay(amount: number): boolean {\n    return true;\n  }\n  private audit(): void {}\n}\n\nexport interface Line {\n  sku: string;\n  qty: number;\n}\n\nfunction helper(): void {}\n",
    );
    init(&t);

    t.write(
        "packages/billing/src/index.ts",
        "export { formatMoney, parseMoney } from './money';\n\nexport class Invoice {\n  constructor(id: string) {}\n  /** Pays. */\n  pay(amount: number, currency: string): boolean {\n    return true;\n  }\n  private audit(deep: boolean): void {}\n}\n\nexport function refund(id: string): void {}\n\nexport interface Line {\n  sku: string;\n  qty: number;\n  price: number;\n}\n\nfunction helper(x: number): void {}\n",
    )
    .write(
        "packages/billing/package.json",
        r#"{"name": "billing", "version": "1.5.0", "main": "src/index.ts"}"#,
    );
    commit(&t, "break with a minor bump");
    let doc = api_diff(&t, &["--base", "HEAD~1", "--head", "HEAD"]);
    let billing = module(&doc, "billing");
    assert_eq!(
        changes(billing),
        triples(&[
            ("changed", "Invoice.pay", "method"),
            ("changed", "Line", "interface"),
            ("added", "parseMoney", "re-export"),
            ("added", "refund", "function"),
            ("removed", "total", "function"),
        ])
    );
    assert_eq!(
        billing["changes"][0]["after"],
        "pay(amount: number, currency: string): boolean"
    );
    assert_eq!(
        bumps(billing),
        (
            "major".into(),
            version_change("1.4.0", "1.5.0", "minor"),
            Value::Bool(false)
        )
    );
    assert_eq!(dependents(billing), dependent("checkout", "^1.4.0", true));
    let (code, found) = semver_bump(&t, "HEAD~1");
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "packages/billing/package.json");
    assert!(
        found[0]
            .3
            .ends_with("needs a major bump, but 1.4.0 -> 1.5.0 is a minor bump"),
        "{found:?}"
    );
    assert!(found[0].3.contains("`total` removed"), "{found:?}");

    t.write(
        "packages/billing/package.json",
        r#"{"name": "billing", "version": "2.0.0", "main": "src/index.ts"}"#,
    );
    let billing = api_diff(&t, &["--base", "HEAD~1"]);
    let billing = module(&billing, "billing");
    assert_eq!(billing["bump_ok"], true);
    assert_eq!(dependents(billing), dependent("checkout", "^1.4.0", false));
    assert_eq!(semver_bump(&t, "HEAD~1").1, []);
}

#[test]
fn python_packages_with_all_and_module_yaml() {
    let t = CliTest::new(BIN);
    t.write("billing/module.yaml", "name: billing\nversion: 1.4.0\n")
        .write("billing/pyproject.toml", "[project]\nname = \"billing\"\n")
        .write("billing/billing/core.py", "class Client:\n    pass\n")
        .write(
            "billing/billing/__init__.py",
            "from .core import Client, _internal\n\n__all__ = [\"Client\", \"total\", \"Invoice\"]\n\n\ndef total(amount: int) -> int:\n    return amount\n\n\ndef helper():\n    pass\n\n\nclass Invoice:\n    def __init__(self, amount: int):\n        self.amount = amount\n\n    def pay(self) -> bool:\n        return True\n\n    def _audit(self):\n        pass\n",
        )
        .write(
            "checkout/module.yaml",
            "name: checkout\nversion: 1.0.0\ndepends_on:\n  - { name: billing, version: \"^1.4\" }\n",
        )
        .write("checkout/pyproject.toml", "[project]\nname = \"checkout\"\n")
        .write("checkout/checkout/__init__.py", "import billing\n");
    init(&t);

    // A major bump straight away: enough, and `checkout` is no longer satisfied.
    t.write("billing/module.yaml", "name: billing\nversion: 2.0.0\n")
        .write(
            "billing/billing/__init__.py",
            "from .core import Client, _internal\n\n__all__ = [\"Client\", \"Invoice\", \"refund\"]\n\n\ndef refund(invoice_id: str) -> None:\n    pass\n\n\ndef helper(deep=False):\n    pass\n\n\nclass Invoice:\n    def __init__(self, amount: int):\n        self.amount = amount\n\n    def pay(self,\n            currency: str) -> bool:\n        return True\n\n    def _audit(self, deep):\n        pass\n",
        );
    commit(&t, "break with a major bump");
    let doc = api_diff(&t, &["--base", "HEAD~1", "--head", "HEAD"]);
    let billing = module(&doc, "billing");
    assert_eq!(
        changes(billing),
        triples(&[
            ("changed", "Invoice.pay", "method"),
            ("added", "refund", "function"),
            ("removed", "total", "function"),
        ])
    );
    assert_eq!(billing["changes"][0]["before"], "def pay(self) -> bool");
    assert_eq!(
        billing["changes"][0]["after"],
        "def pay(self, currency: str) -> bool"
    );
    assert_eq!(
        bumps(billing),
        (
            "major".into(),
            version_change("1.4.0", "2.0.0", "major"),
            Value::Bool(true)
        )
    );
    assert_eq!(dependents(billing), dependent("checkout", "^1.4", false));
    assert_eq!(semver_bump(&t, "HEAD~1").1, []);

    // An addition without a bump: a minor bump is needed, a warning.
    t.write(
        "billing/billing/__init__.py",
        "from .core import Client, _internal\n\n__all__ = [\"Client\", \"Invoice\", \"refund\", \"void\"]\n\n\ndef refund(invoice_id: str) -> None:\n    pass\n\n\ndef void(invoice_id: str) -> None:\n    pass\n\n\nclass Invoice:\n    def __init__(self, amount: int):\n        self.amount = amount\n\n    def pay(self,\n            currency: str) -> bool:\n        return True\n",
    );
    commit(&t, "add without a bump");
    let doc = api_diff(&t, &["--base", "HEAD~1", "--head", "HEAD"]);
    let billing = module(&doc, "billing");
    assert_eq!(changes(billing), triples(&[("added", "void", "function")]));
    assert_eq!(
        bumps(billing),
        (
            "minor".into(),
            version_change("2.0.0", "2.0.0", "none"),
            Value::Bool(false)
        )
    );
    let (code, found) = semver_bump(&t, "HEAD~1");
    assert_eq!(code, Some(0));
    assert_eq!(
        found,
        [(
            "warning".to_owned(),
            "billing/module.yaml".to_owned(),
            2,
            "`billing` adds to its public API (`void` added) and needs a minor bump, but its version stays 2.0.0".to_owned()
        )]
    );
}

#[test]
fn go_packages_before_one_dot_zero() {
    let t = CliTest::new(BIN);
    t.write("go.mod", "module example.com/mono\n\ngo 1.21\n")
        .write("billing/module.yaml", "name: billing\nversion: 0.3.0\n")
        .write(
            "billing/billing.go",
            "package billing\n\nconst MaxItems = 10\n\ntype Invoice struct {\n\tCents int\n\tnote  string\n}\n\nfunc New(cents int) *Invoice { return &Invoice{Cents: cents} }\n\nfunc (i *Invoice) Total() int { return i.Cents }\n\nfunc (i *Invoice) Tax(rate int) int { return i.Cents * rate }\n\nfunc helper() {}\n",
        )
        .write(
            "checkout/module.yaml",
            "name: checkout\nversion: 1.0.0\ndepends_on:\n  - { name: billing, version: \"^0.3\" }\n",
        )
        .write(
            "checkout/checkout.go",
            "package checkout\n\nimport \"example.com/mono/billing\"\n\nfunc Run() int { return billing.New(1).Total() }\n",
        );
    init(&t);

    // `New` moves to another file of the package: no change. A patch bump is too small for a
    // breaking change of a 0.y version (it needs a minor one).
    t.write("billing/module.yaml", "name: billing\nversion: 0.3.1\n")
        .write(
            "billing/billing.go",
            "package billing\n\nconst MaxItems = 20\n\ntype Invoice struct {\n\tCents    int\n\tCurrency string\n\tnote     string\n}\n\nfunc (i *Invoice) Tax(rate float64) float64 { return 0 }\n\nfunc (i *Invoice) Refund() {}\n",
        )
        .write(
            "billing/new.go",
            "package billing\n\nfunc New(cents int) *Invoice { return &Invoice{Cents: cents} }\n",
        );
    commit(&t, "break with a patch bump");
    let doc = api_diff(&t, &["--base", "HEAD~1", "--head", "HEAD"]);
    let billing = module(&doc, "billing");
    assert_eq!(
        changes(billing),
        triples(&[
            ("changed", "Invoice", "struct"),
            ("added", "Invoice.Refund", "method"),
            ("changed", "Invoice.Tax", "method"),
            ("removed", "Invoice.Total", "method"),
        ])
    );
    assert_eq!(
        billing["changes"][0]["after"],
        "type Invoice struct { Cents int, Currency string }"
    );
    assert_eq!(
        bumps(billing),
        (
            "minor".into(),
            version_change("0.3.0", "0.3.1", "patch"),
            Value::Bool(false)
        )
    );
    assert_eq!(billing["breaking"], true);
    assert_eq!(dependents(billing), dependent("checkout", "^0.3", true));
    let (code, found) = semver_bump(&t, "HEAD~1");
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].1.as_str(), found[0].2),
        ("billing/module.yaml", 2)
    );
    assert!(
        found[0]
            .3
            .ends_with("needs a minor bump, but 0.3.0 -> 0.3.1 is a patch bump"),
        "{found:?}"
    );

    t.write("billing/module.yaml", "name: billing\nversion: 0.4.0\n");
    let doc = api_diff(&t, &["--base", "HEAD~1"]);
    let billing = module(&doc, "billing");
    assert_eq!(billing["bump_ok"], true);
    assert_eq!(dependents(billing), dependent("checkout", "^0.3", false));
    assert_eq!(semver_bump(&t, "HEAD~1").1, []);
}

#[test]
fn java_public_types_and_members() {
    let t = CliTest::new(BIN);
    let src = "billing/src/main/java/com/acme/billing";
    t.write("billing/module.yaml", "name: billing\nversion: 2.1.0\n")
        .write(
            &format!("{src}/Invoice.java"),
            "package com.acme.billing;\n\npublic class Invoice {\n    public static final int MAX = 10;\n    private long cents;\n\n    public Invoice(long cents) { this.cents = cents; }\n\n    public long total() { return cents; }\n\n    public long tax(int rate) { return cents * rate; }\n\n    void internal() {}\n}\n",
        )
        .write(
            &format!("{src}/Payable.java"),
            "package com.acme.billing;\n\npublic interface Payable {\n    long amount();\n}\n",
        )
        .write(
            "checkout/module.yaml",
            "name: checkout\nversion: 1.0.0\ndepends_on:\n  - { name: billing, version: \"~2.1\" }\n",
        )
        .write(
            "checkout/src/main/java/com/acme/checkout/Run.java",
            "package com.acme.checkout;\n\nimport com.acme.billing.Invoice;\n\npublic class Run {}\n",
        );
    init(&t);

    // Additions only, version forgotten: a minor bump is needed (a warning).
    t.write(
        &format!("{src}/Invoice.java"),
        "package com.acme.billing;\n\npublic class Invoice {\n    public static final int MAX = 10;\n    private long cents;\n\n    public Invoice(long cents) { this.cents = cents; }\n\n    public long total() { return cents; }\n\n    public long tax(int rate) { return cents * rate; }\n\n    public void refund() {}\n\n    void internal(boolean deep) {}\n}\n",
    )
    .write(
        &format!("{src}/Payable.java"),
        "package com.acme.billing;\n\npublic interface Payable {\n    long amount();\n\n    default String currency() { return \"EUR\"; }\n}\n",
    );
    commit(&t, "add without a bump");
    let doc = api_diff(&t, &["--base", "HEAD~1", "--head", "HEAD"]);
    let billing = module(&doc, "billing");
    assert_eq!(
        changes(billing),
        triples(&[
            ("added", "Invoice.refund", "method"),
            ("added", "Payable.currency", "method"),
        ])
    );
    assert_eq!(
        bumps(billing),
        (
            "minor".into(),
            version_change("2.1.0", "2.1.0", "none"),
            Value::Bool(false)
        )
    );
    assert_eq!(dependents(billing), dependent("checkout", "~2.1", true));
    let (code, found) = semver_bump(&t, "HEAD~1");
    assert_eq!(code, Some(0));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "warning");

    // The working tree removes and changes members, with a major bump.
    t.write("billing/module.yaml", "name: billing\nversion: 3.0.0\n")
        .write(
            &format!("{src}/Invoice.java"),
            "package com.acme.billing;\n\npublic class Invoice {\n    public static final int MAX = 10;\n    private long cents;\n\n    public Invoice(long cents) { this.cents = cents; }\n\n    public double total() { return cents; }\n\n    public void refund() {}\n}\n",
        );
    let doc = api_diff(&t, &["--base", "HEAD"]);
    let billing = module(&doc, "billing");
    assert_eq!(
        changes(billing),
        triples(&[
            ("removed", "Invoice.tax", "method"),
            ("changed", "Invoice.total", "method"),
        ])
    );
    assert_eq!(
        bumps(billing),
        (
            "major".into(),
            version_change("2.1.0", "3.0.0", "major"),
            Value::Bool(true)
        )
    );
    assert_eq!(dependents(billing), dependent("checkout", "~2.1", false));
    assert_eq!(semver_bump(&t, "HEAD").1, []);
}

#[test]
fn unknown_revisions_are_errors_and_unchanged_trees_list_nothing() {
    let t = CliTest::new(BIN);
    t.write("billing/module.yaml", "name: billing\nversion: 1.0.0\n")
        .write("billing/billing/__init__.py", "def total():\n    pass\n");
    init(&t);
    let doc = api_diff(&t, &["--base", "HEAD"]);
    assert_eq!(doc["modules"], serde_json::json!([]));
    let out = t.run(&["api-diff", "--base", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-rev"));
    // Without --diff-base the rule says nothing.
    let out = t.run(&["check", "--format", "json"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("semver-bump"));
}
