//! The tools as `tools/list` shows them. Written by hand, and kept short on purpose: the whole
//! list is read into every agent's context, so each word costs (a test holds it under 2,500
//! tokens). Output schemas name the fields a client may rely on; the answers carry more.

use std::sync::Arc;

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde_json::Value;

/// One tool: its name, title, description and schemas (JSON text, without the envelope's
/// `max_tokens` argument and `index`/`truncated` results, which [`Spec::tool`] adds).
pub struct Spec {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub input: &'static str,
    pub required: &'static [&'static str],
    pub output: &'static str,
    pub output_required: &'static [&'static str],
}

/// Sorted by name.
pub const TOOLS: &[Spec] = &[
    Spec {
        name: "strata_check",
        title: "Findings",
        description: "Architecture findings (rule, file, line, message, help) of the working tree, optionally for some paths or one rule. Use after editing.",
        input: r#"{"paths":{"type":"array","items":{"type":"string"},"description":"Files or folders (default: all)"},"rule":{"type":"string"}}"#,
        required: &[],
        output: r#"{"findings":{"type":"array","items":{"type":"object","required":["rule","severity","file","message"]}},"summary":{"type":"object"}}"#,
        output_required: &["findings", "summary"],
    },
    Spec {
        name: "strata_check_plan",
        title: "Check a plan",
        description: "Before writing: the findings that planned imports and dependencies would cause (undeclared dependency, internal import and the interface to use, lane, layer, cycle, forbidden). Touches no file.",
        input: r#"{"changes":{"type":"array","items":{"type":"object","properties":{"file":{"type":"string"},"imports":{"type":"array","items":{"type":"string"},"description":"Specifiers, import lines, repo paths or module names"},"new_file":{"type":"boolean"}},"required":["file","imports"]}},"dependencies":{"type":"array","items":{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"}},"required":["from","to"]},"description":"Module dependencies to declare"}}"#,
        required: &["changes"],
        output: r#"{"allowed":{"type":"boolean"},"findings":{"type":"array","items":{"type":"object","required":["rule","message"]}},"imports":{"type":"array"},"unresolved":{"type":"array"}}"#,
        output_required: &["allowed", "findings"],
    },
    Spec {
        name: "strata_context",
        title: "Context for a task",
        description: "The code most worth reading for a task or files, ranked on the import graph, within budget_tokens, with the rules that apply and what was left out.",
        input: r#"{"task":{"type":"string"},"paths":{"type":"array","items":{"type":"string"}},"budget_tokens":{"type":"integer","description":"Default 4000"}}"#,
        required: &[],
        output: r#"{"items":{"type":"array","items":{"type":"object","required":["path","start_line","end_line","text"]}},"used_tokens":{"type":"integer"},"omitted":{"type":"array"},"rules":{"type":"array"}}"#,
        output_required: &["items", "used_tokens"],
    },
    Spec {
        name: "strata_find",
        title: "Find definitions",
        description: "Functions, types and constants by name or words (camel/snake split), ranked by match, use and interface. With `from` (a path), whether that file may import each hit.",
        input: r#"{"query":{"type":"string"},"kind":{"type":"string","enum":["fn","type","const"]},"module":{"type":"string"},"from":{"type":"string"},"limit":{"type":"integer","description":"Default 10"}}"#,
        required: &["query"],
        output: r#"{"hits":{"type":"array","items":{"type":"object","required":["id","symbol","kind","path","line"]}},"omitted":{"type":"integer"}}"#,
        output_required: &["hits"],
    },
    Spec {
        name: "strata_impact",
        title: "Impact of a change",
        description: "For changed files: the changed and affected modules (with the dependency path), tests to run, owners to tell.",
        input: r#"{"paths":{"type":"array","items":{"type":"string"}}}"#,
        required: &["paths"],
        output: r#"{"changed_modules":{"type":"array"},"affected":{"type":"array","items":{"type":"object","required":["module","via"]}},"tests":{"type":"array"},"owners":{"type":"array"}}"#,
        output_required: &["changed_modules", "affected"],
    },
    Spec {
        name: "strata_overview",
        title: "Modules",
        description: "Every module (lane, tier, owner, dependencies, fan-in/out, findings), lanes and rules; with `module`, its card: interface files, public symbols, dependencies, dependents.",
        input: r#"{"module":{"type":"string"}}"#,
        required: &[],
        output: r#"{"modules":{"type":"array","items":{"type":"object","required":["name","root"]}},"module":{"type":"object"},"public":{"type":"array"}}"#,
        output_required: &[],
    },
    Spec {
        name: "strata_rules",
        title: "Rules for a module",
        description: "What a module (or the module of a path) may depend on and through which interface files; its lane, layer, tier; the enabled rules.",
        input: r#"{"module":{"type":"string"},"path":{"type":"string"}}"#,
        required: &[],
        output: r#"{"module":{"type":"string"},"may_depend_on":{"type":"array","items":{"type":"object","required":["module"]}},"rules":{"type":"array"}}"#,
        output_required: &["module", "may_depend_on", "rules"],
    },
    Spec {
        name: "strata_similar",
        title: "Similar code",
        description: "Functions most like a snippet (`code`, with `at`: the file it will go in) or a span (`path`, `start_line`, `end_line`): reuse instead of duplicating.",
        input: r#"{"code":{"type":"string"},"at":{"type":"string"},"path":{"type":"string"},"start_line":{"type":"integer"},"end_line":{"type":"integer"},"min":{"type":"number","description":"Default 0.8"},"limit":{"type":"integer","description":"Default 5"}}"#,
        required: &[],
        output: r#"{"matches":{"type":"array","items":{"type":"object","required":["id","path","start_line","similarity","importable"]}}}"#,
        output_required: &["matches"],
    },
    Spec {
        name: "strata_symbol",
        title: "One definition",
        description: "A definition by `id` (path#name@line) or `name`+`path`: signature, doc, body, and the files importing it by module.",
        input: r#"{"id":{"type":"string"},"name":{"type":"string"},"path":{"type":"string"},"body":{"type":"boolean","description":"Default true"}}"#,
        required: &[],
        output: r#"{"symbol":{"type":"object","required":["id","path","line"]},"imported_by":{"type":"array"},"body":{"type":"object"}}"#,
        output_required: &["symbol", "imported_by"],
    },
];

fn parse(text: &str) -> JsonObject {
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        _ => JsonObject::new(),
    }
}

impl Spec {
    /// The tool's definition: input and output schemas rooted at objects (what clients of
    /// both protocol eras require), the envelope's fields added, read-only annotations.
    pub fn tool(&self) -> Tool {
        let mut props = parse(self.input);
        props.insert(
            "max_tokens".into(),
            serde_json::json!({"type": "integer", "description": "Answer budget (default 2000, max 8000)"}),
        );
        let input = schema_object(props, self.required);
        let mut out = parse(self.output);
        out.insert("index".into(), serde_json::json!({"type": "object"}));
        out.insert("truncated".into(), serde_json::json!({"type": "boolean"}));
        let mut required = self.output_required.to_vec();
        required.extend(["index", "truncated"]);
        let output = schema_object(out, &required);
        let annotations = ToolAnnotations::with_title(self.title)
            .read_only(true)
            .destructive(false)
            .idempotent(true)
            .open_world(false);
        Tool::new(self.name, self.description, Arc::new(input))
            .with_raw_output_schema(Arc::new(output))
            .with_annotations(annotations)
    }
}

fn schema_object(props: JsonObject, required: &[&str]) -> JsonObject {
    let mut m = JsonObject::new();
    m.insert("type".into(), Value::from("object"));
    m.insert("properties".into(), Value::Object(props));
    if !required.is_empty() {
        m.insert("required".into(), Value::from(required.to_vec()));
    }
    m
}
