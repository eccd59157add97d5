//! The tools on the bundled example (a copy, so that edits can be made): what each answers,
//! budgets, errors, freshness, and `tools/list` as agents receive it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use strata_mcp::{Live, StrataMcp, tool_list};
use strata_project::LoadOptions;
use strata_test::copy_dir;

struct Fixture {
    dir: tempfile::TempDir,
    server: StrataMcp,
}

impl Fixture {
    fn new() -> Fixture {
        let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/coder-ide");
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&example, dir.path());
        let live = Live::open(LoadOptions {
            root: Some(dir.path().to_path_buf()),
            ..LoadOptions::default()
        })
        .unwrap();
        Fixture {
            dir,
            server: StrataMcp::new(Arc::new(live)),
        }
    }

    /// The tool's answer: (`isError`, structured content, text).
    fn call(&self, tool: &str, args: Value) -> (bool, Value, String) {
        let args: Map<String, Value> = match args {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let result = self.server.call(tool, args).unwrap();
        let text = result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect::<Vec<_>>()
            .join("\n");
        (
            result.is_error == Some(true),
            result.structured_content.unwrap_or(Value::Null),
            text,
        )
    }

    fn ok(&self, tool: &str, args: Value) -> Value {
        let (error, value, text) = self.call(tool, args);
        assert!(!error, "{tool}: {text}");
        assert!(value["index"].is_object(), "{tool}: {value}");
        assert!(value["truncated"].as_bool().is_some());
        assert!(!text.is_empty());
        value
    }

    fn error(&self, tool: &str, args: Value) -> String {
        let (error, value, text) = self.call(tool, args);
        assert!(error, "{tool} should fail: {value}");
        text
    }
}

#[test]
fn tools_list_is_small_sorted_read_only_and_object_rooted() {
    let tools = tool_list();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "strata_check",
            "strata_check_plan",
            "strata_context",
            "strata_find",
            "strata_impact",
            "strata_overview",
            "strata_rules",
            "strata_similar",
            "strata_symbol"
        ]
    );
    for t in &tools {
        assert_eq!(
            t.input_schema.get("type"),
            Some(&json!("object")),
            "{}",
            t.name
        );
        let out = t.output_schema.as_ref().unwrap();
        assert_eq!(out.get("type"), Some(&json!("object")), "{}", t.name);
        let a = t.annotations.as_ref().unwrap();
        assert_eq!(
            (
                a.read_only_hint,
                a.destructive_hint,
                a.idempotent_hint,
                a.open_world_hint
            ),
            (Some(true), Some(false), Some(true), Some(false)),
            "{}",
            t.name
        );
    }
    // About 4 characters a token: `.ci/mcp-check` counts the same list with real tokenizers
    // (o200k, cl100k) and holds it under 2,500 tokens.
    let list = serde_json::to_string(&tools).unwrap();
    assert!(
        list.len() <= 10_000,
        "tools/list is {} characters",
        list.len()
    );
    insta::assert_snapshot!(
        "tools_list",
        serde_json::to_string_pretty(&json!({ "tools": tools })).unwrap()
    );
}

#[test]
fn overview_lists_modules_and_gives_a_card() {
    let f = Fixture::new();
    let all = f.ok("strata_overview", json!({}));
    let modules = all["modules"].as_array().unwrap();
    assert_eq!(modules.len(), 18);
    let ai = modules.iter().find(|m| m["name"] == "ai-service").unwrap();
    assert_eq!(ai["depends_on"], json!(["secret-management"]));
    assert_eq!(
        (ai["lane"].as_str(), ai["fan_out"].as_u64()),
        (Some("products"), Some(1))
    );
    assert!(
        all["rules_enabled"]
            .as_array()
            .unwrap()
            .contains(&json!("internal-import"))
    );
    assert_eq!(all["index"]["stale"], false);

    let card = f.ok("strata_overview", json!({"module": "ai-service"}));
    assert_eq!(
        card["module"]["interface_files"],
        json!(["services/ai-service/src/index.ts"])
    );
    assert_eq!(
        card["module"]["depends_on"][0]["module"],
        "secret-management"
    );
    let public: Vec<&str> = card["public"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        public.contains(&"services/ai-service/src/index.ts#PORT@3"),
        "{public:?}"
    );

    let text = f.error("strata_overview", json!({"module": "ai-servce"}));
    assert!(text.contains("did you mean `ai-service`?"), "{text}");
}

#[test]
fn find_gives_ids_the_other_tools_take_and_judges_imports() {
    let f = Fixture::new();
    let found = f.ok("strata_find", json!({"query": "get secret", "limit": "3"}));
    let hit = &found["hits"][0];
    assert_eq!(hit["symbol"], "getSecret");
    let id = hit["id"].as_str().unwrap();
    assert!(
        id.starts_with("services/secret-management/src/vault.ts#getSecret@"),
        "{id}"
    );

    // The id is an argument of strata_symbol.
    let symbol = f.ok("strata_symbol", json!({"id": id}));
    assert_eq!(symbol["symbol"]["id"], id);
    let body = symbol["body"]["lines"].as_array().unwrap();
    assert!(body[0].as_str().unwrap().contains("getSecret"));
    assert!(
        symbol["imported_by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["module"] == "secret-management")
    );

    // From a module that does not declare secret-management, the hit is not importable.
    let from = f.ok(
        "strata_find",
        json!({"query": "getSecret", "from": "services/logging/src/new.ts"}),
    );
    assert_eq!(from["hits"][0]["importable"], false);
    let rules: Vec<&str> = from["hits"][0]["why_not"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"undeclared-dependency"), "{rules:?}");

    let text = f.error("strata_find", json!({"query": "x", "limit": "many"}));
    assert!(text.contains("expected a number"), "{text}");
    let text = f.error("strata_find", json!({"query": "x", "kind": "function"}));
    assert!(text.contains("use `fn`, `type` or `const`"), "{text}");
}

#[test]
fn symbol_names_what_is_wrong() {
    let f = Fixture::new();
    let text = f.error(
        "strata_symbol",
        json!({"name": "getSecrets", "path": "services/secret-management/src/vault.ts"}),
    );
    assert!(text.contains("did you mean `getSecret`?"), "{text}");
    let text = f.error("strata_symbol", json!({"id": "services/x/nowhere.ts#f@1"}));
    assert!(text.contains("is not a source file"), "{text}");
    let text = f.error("strata_symbol", json!({}));
    assert!(text.contains("give `id`"), "{text}");
}

#[test]
fn rules_say_what_a_module_may_import_and_through_which_files() {
    let f = Fixture::new();
    let by_path = f.ok(
        "strata_rules",
        json!({"path": "services/ai-service/src/planned.ts"}),
    );
    assert_eq!(by_path["module"], "ai-service");
    assert_eq!(by_path["lane"], "products");
    assert_eq!(
        by_path["may_depend_on"],
        json!([{"module": "secret-management", "import_through": ["services/secret-management/src/index.ts"]}])
    );
    let text = f.error("strata_rules", json!({"module": "ai-servic"}));
    assert!(text.contains("did you mean `ai-service`?"), "{text}");
}

#[test]
fn check_filters_and_budgets_truncate_without_refusing() {
    let f = Fixture::new();
    let all = f.ok("strata_check", json!({}));
    let n = all["findings"].as_array().unwrap().len();
    assert!(n > 10, "{all}");
    assert_eq!(all["truncated"], false);

    let one = f.ok(
        "strata_check",
        json!({"paths": ["services/agent-registry"]}),
    );
    let files: Vec<&str> = one["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        !files.is_empty()
            && files
                .iter()
                .all(|p| p.starts_with("services/agent-registry/"))
    );

    let small = f.ok("strata_check", json!({"max_tokens": 300}));
    let kept = small["findings"].as_array().unwrap().len();
    assert_eq!(small["truncated"], true);
    assert!(kept >= 1 && kept < n, "{kept} of {n}");
    assert_eq!(small["omitted"].as_u64(), Some((n - kept) as u64));
    assert!(
        small["hint"]
            .as_str()
            .unwrap()
            .contains("narrow with `paths` or `rule`")
    );
    let size = strata_project::estimate_tokens(&serde_json::to_string(&small).unwrap());
    assert!(size <= 300, "{size}");

    let text = f.error("strata_check", json!({"rule": "port-conflicts"}));
    assert!(text.contains("did you mean `port-conflict`?"), "{text}");
}

#[test]
fn impact_similar_and_context_answer_through_the_envelope() {
    let f = Fixture::new();
    let impact = f.ok(
        "strata_impact",
        json!({"paths": ["services/secret-management/src/vault.ts"]}),
    );
    assert_eq!(impact["changed_modules"], json!(["secret-management"]));
    assert!(
        impact["affected"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["module"] == "ai-service")
    );

    let vault =
        std::fs::read_to_string(f.dir.path().join("services/secret-management/src/vault.ts"))
            .unwrap();
    let similar = f.ok(
        "strata_similar",
        json!({"code": vault, "at": "services/logging/src/copy.ts", "min": 0.5}),
    );
    assert!(
        similar["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["path"] == "services/secret-management/src/vault.ts"),
        "{similar}"
    );
    let text = f.error("strata_similar", json!({"code": "x"}));
    assert!(text.contains("give `at`"), "{text}");

    let context = f.ok(
        "strata_context",
        json!({"task": "rotate the secret key", "budget_tokens": 600}),
    );
    assert!(context["used_tokens"].as_u64().unwrap() <= 600);
    assert!(!context["items"].as_array().unwrap().is_empty());
}

#[test]
fn unknown_tools_are_protocol_errors() {
    let f = Fixture::new();
    let e = f.server.call("strata_finds", Map::new()).unwrap_err();
    assert!(
        e.message.contains("did you mean `strata_find`?"),
        "{}",
        e.message
    );
}

#[test]
fn answers_follow_edits_to_the_repository() {
    let f = Fixture::new();
    let path = f.dir.path().join("services/logging/src/logger.ts");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\nexport function freshlyWrittenHelper(): number { return 1; }\n");
    std::fs::write(&path, text).unwrap();
    // The watcher reports the edit after a short quiet period.
    let start = Instant::now();
    loop {
        let found = f.ok("strata_find", json!({"query": "freshlyWrittenHelper"}));
        if found["hits"].as_array().is_some_and(|h| !h.is_empty()) {
            assert_eq!(found["hits"][0]["path"], "services/logging/src/logger.ts");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the edit was never seen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // A new file (a new walk) is seen too, and counted.
    std::fs::write(
        f.dir.path().join("services/logging/src/extra.ts"),
        "export const EXTRA_SETTING = 1;\n",
    )
    .unwrap();
    let start = Instant::now();
    loop {
        let found = f.ok("strata_find", json!({"query": "EXTRA_SETTING"}));
        if found["hits"].as_array().is_some_and(|h| !h.is_empty()) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the new file was never seen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let quiet = f.ok("strata_find", json!({"query": "EXTRA_SETTING"}));
    assert_eq!(quiet["index"]["dirty_files"], 0);
}

#[test]
fn check_plan_judges_planned_imports_before_they_are_written() {
    let f = Fixture::new();
    // logging (core lane) may import nothing; ai-service's internal file is not its interface.
    let plan = f.ok(
        "strata_check_plan",
        json!({"changes": [{
            "file": "services/logging/src/ai.ts",
            "new_file": true,
            "imports": ["../../ai-service/src/models", "ai-service"],
        }]}),
    );
    assert_eq!(plan["allowed"], false, "{plan}");
    let rules: Vec<&str> = plan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    for rule in ["undeclared-dependency", "internal-import", "lane-violation"] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
    let internal = plan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "internal-import")
        .unwrap();
    assert!(
        internal["help"]
            .as_str()
            .unwrap()
            .contains("services/ai-service/src/index.ts"),
        "{internal}"
    );
    // Nothing was written.
    assert!(!f.dir.path().join("services/logging/src/ai.ts").exists());

    // A declared dependency through its interface is allowed.
    let ok = f.ok(
        "strata_check_plan",
        json!({"changes": [{"file": "services/ai-service/src/keys.ts",
                            "imports": ["import { getSecret } from '@coder/secret-management';"]}]}),
    );
    assert_eq!(ok["allowed"], true, "{ok}");
    assert_eq!(ok["findings"], json!([]));

    let text = f.error(
        "strata_check_plan",
        json!({"changes": [], "dependencies": [{"from": "ai-servce", "to": "logging"}]}),
    );
    assert!(text.contains("did you mean `ai-service`?"), "{text}");
    let text = f.error("strata_check_plan", json!({"changes": []}));
    assert!(text.contains("give `changes`"), "{text}");
}
