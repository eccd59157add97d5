//! The compact text block of each answer (one line per item, for clients that show only
//! text), and the resources as Markdown.

use std::fmt::Write as _;

use serde_json::Value;

use crate::live::Snapshot;
use crate::tools::{self, ToolError};

fn s(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(x)) => x.clone(),
        Some(Value::Null) | None => String::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

fn items<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The text block for `tool`'s answer `value` (an object).
pub fn render(tool: &str, map: &serde_json::Map<String, Value>) -> String {
    let v = Value::Object(map.clone());
    let mut out = String::new();
    match tool {
        "strata_overview" => {
            if let Some(m) = v.get("module") {
                let _ = writeln!(
                    out,
                    "module {} ({}) at {}: lane {}, tier {}, owner {}, {} files, {} errors, {} warnings",
                    s(m, "name"),
                    s(m, "lang"),
                    s(m, "root"),
                    s(m, "lane"),
                    s(m, "tier"),
                    s(m, "owner"),
                    s(m, "files"),
                    s(m, "errors"),
                    s(m, "warnings")
                );
                let _ = writeln!(out, "interface files: {}", s(m, "interface_files"));
                let deps = |key| {
                    items(m, key)
                        .iter()
                        .map(|d| format!("{} ({})", s(d, "module"), s(d, "imports")))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = writeln!(out, "imports: {}", deps("depends_on"));
                let _ = writeln!(out, "imported by: {}", deps("dependents"));
                for p in items(&v, "public") {
                    let _ = writeln!(out, "{}  {}", s(p, "id"), s(p, "signature"));
                }
            } else {
                for m in items(&v, "modules") {
                    let _ = write!(out, "{} [{}] {}", s(m, "name"), s(m, "lang"), s(m, "root"));
                    for key in [
                        "lane", "tier", "owner", "files", "fan_in", "fan_out", "errors", "health",
                    ] {
                        let val = s(m, key);
                        if !val.is_empty() {
                            let _ = write!(out, " {key}={val}");
                        }
                    }
                    let _ = writeln!(out, " deps: {}", s(m, "depends_on"));
                }
            }
        }
        "strata_find" => {
            for h in items(&v, "hits") {
                let verdict = match h.get("importable").and_then(Value::as_bool) {
                    Some(true) => " importable".to_owned(),
                    Some(false) => format!(" NOT importable: {}", why(h)),
                    None => String::new(),
                };
                let _ = writeln!(
                    out,
                    "{} {} `{}` [{}]{verdict}",
                    s(h, "id"),
                    s(h, "kind"),
                    s(h, "signature"),
                    s(h, "module")
                );
            }
        }
        "strata_similar" => {
            for m in items(&v, "matches") {
                let verdict = if m.get("importable") == Some(&Value::Bool(true)) {
                    "importable".to_owned()
                } else {
                    format!("NOT importable: {}", why(m))
                };
                let _ = writeln!(
                    out,
                    "{} lines {}-{} similarity {} [{}] {verdict}",
                    s(m, "id"),
                    s(m, "start_line"),
                    s(m, "end_line"),
                    s(m, "similarity"),
                    s(m, "module")
                );
            }
        }
        "strata_symbol" => {
            let sym = v.get("symbol").unwrap_or(&Value::Null);
            let _ = writeln!(
                out,
                "{} {} `{}` [{}] exported={} interface={}",
                s(sym, "id"),
                s(sym, "kind"),
                s(sym, "signature"),
                s(sym, "module"),
                s(sym, "exported"),
                s(sym, "interface")
            );
            if let Some(doc) = sym.get("doc").and_then(Value::as_str) {
                let _ = writeln!(out, "doc: {doc}");
            }
            for m in items(&v, "imported_by") {
                let _ = writeln!(out, "imported by [{}]: {}", s(m, "module"), s(m, "files"));
            }
            if let Some(body) = v.get("body") {
                let start = body.get("start_line").and_then(Value::as_u64).unwrap_or(1);
                for (i, line) in items(body, "lines").iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "{:>5} {}",
                        start + i as u64,
                        line.as_str().unwrap_or_default()
                    );
                }
            }
        }
        "strata_rules" => {
            let _ = writeln!(
                out,
                "module {}: lane {} (may import lanes: {}), layer {}, tier {}",
                s(&v, "module"),
                s(&v, "lane"),
                s(&v, "lanes_it_may_import"),
                s(&v, "layer"),
                s(&v, "tier")
            );
            for d in items(&v, "may_depend_on") {
                let _ = writeln!(
                    out,
                    "may import {} through {}",
                    s(d, "module"),
                    s(d, "import_through")
                );
            }
            let _ = writeln!(out, "own interface: {}", s(&v, "interface_files"));
            for r in items(&v, "rules") {
                let _ = writeln!(
                    out,
                    "{} ({}): {}",
                    s(r, "rule"),
                    s(r, "level"),
                    s(r, "summary")
                );
            }
        }
        "strata_check_plan" => {
            let allowed = v.get("allowed") == Some(&Value::Bool(true));
            let _ = writeln!(out, "{}", if allowed { "allowed" } else { "NOT allowed" });
            for f in items(&v, "findings") {
                finding_line(&mut out, f);
            }
            for u in items(&v, "unresolved") {
                let _ = writeln!(
                    out,
                    "unresolved {} in {}: {}",
                    s(u, "import"),
                    s(u, "file"),
                    s(u, "reason")
                );
            }
        }
        "strata_check" => {
            let summary = v.get("summary").unwrap_or(&Value::Null);
            let _ = writeln!(
                out,
                "{} errors, {} warnings",
                s(summary, "errors"),
                s(summary, "warnings")
            );
            for f in items(&v, "findings") {
                finding_line(&mut out, f);
            }
        }
        "strata_impact" => {
            let _ = writeln!(out, "changed modules: {}", s(&v, "changed_modules"));
            for a in items(&v, "affected") {
                let via = items(a, "via")
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" -> ");
                let _ = writeln!(out, "affected {} via {via}", s(a, "module"));
            }
            let _ = writeln!(out, "tests: {}", s(&v, "tests"));
            for o in items(&v, "owners") {
                let _ = writeln!(out, "tell {} about {}", s(o, "team"), s(o, "modules"));
            }
        }
        "strata_context" => {
            for r in items(&v, "rules") {
                let _ = writeln!(out, "rule: {}", r.as_str().unwrap_or_default());
            }
            for i in items(&v, "items") {
                let _ = writeln!(
                    out,
                    "--- {}:{}-{} ({}; {})",
                    s(i, "path"),
                    s(i, "start_line"),
                    s(i, "end_line"),
                    s(i, "kind"),
                    s(i, "reason")
                );
                let _ = writeln!(out, "{}", s(i, "text").trim_end());
            }
            for o in items(&v, "omitted") {
                let _ = writeln!(
                    out,
                    "omitted {} ({} tokens): {}",
                    s(o, "path"),
                    s(o, "tokens"),
                    s(o, "reason")
                );
            }
        }
        _ => {}
    }
    if let Some(hint) = v.get("hint").and_then(Value::as_str) {
        let _ = writeln!(out, "truncated: {hint}");
    }
    let index = v.get("index").unwrap_or(&Value::Null);
    let _ = write!(
        out,
        "index: commit {}, {} files rescanned in {} ms{}",
        match s(index, "commit") {
            c if c.is_empty() => "none".to_owned(),
            c => c.chars().take(12).collect(),
        },
        s(index, "dirty_files"),
        s(index, "scanned_ms"),
        if index.get("stale") == Some(&Value::Bool(true)) {
            format!(", STALE {}", s(index, "error"))
        } else {
            String::new()
        }
    );
    out
}

fn why(v: &Value) -> String {
    items(v, "why_not")
        .iter()
        .map(|w| format!("{} ({})", s(w, "rule"), s(w, "message")))
        .collect::<Vec<_>>()
        .join("; ")
}

fn finding_line(out: &mut String, f: &Value) {
    let _ = writeln!(
        out,
        "{}[{}] {}:{}: {}{}",
        s(f, "severity"),
        s(f, "rule"),
        s(f, "file"),
        s(f, "line"),
        s(f, "message"),
        match s(f, "help") {
            h if h.is_empty() => String::new(),
            h => format!(" (help: {h})"),
        }
    );
}

/// `strata://modules`.
pub fn modules_markdown(snapshot: &Snapshot) -> String {
    let answer = tools::overview(snapshot, &tools::OverviewArgs::default());
    let mut out = String::from("# Modules\n\n");
    if let Ok(a) = answer {
        for m in a
            .value
            .get("modules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let _ = writeln!(
                out,
                "- **{}** (`{}`, {}): lane {}, tier {}, owner {}; depends on {}",
                s(m, "name"),
                s(m, "root"),
                s(m, "lang"),
                s(m, "lane"),
                s(m, "tier"),
                s(m, "owner"),
                match s(m, "depends_on") {
                    d if d.is_empty() => "nothing".to_owned(),
                    d => d,
                }
            );
        }
    }
    out
}

/// `strata://module/{name}`.
pub fn module_markdown(snapshot: &Snapshot, name: &str) -> Result<String, ToolError> {
    let card = tools::overview(
        snapshot,
        &tools::OverviewArgs {
            module: Some(name.to_owned()),
        },
    )?;
    let rules = tools::rules(
        snapshot,
        &tools::RulesArgs {
            module: Some(name.to_owned()),
            path: None,
        },
    )?;
    let v = Value::Object(card.value);
    let m = v.get("module").unwrap_or(&Value::Null);
    let mut out = format!("# {}\n\n", s(m, "name"));
    if let Some(d) = m.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{d}\n");
    }
    for key in [
        "root",
        "lang",
        "kind",
        "lane",
        "layer",
        "tier",
        "owner",
        "version",
        "lifecycle",
        "files",
    ] {
        let val = s(m, key);
        if !val.is_empty() {
            let _ = writeln!(out, "- {key}: {val}");
        }
    }
    let _ = writeln!(out, "- interface files: {}", s(m, "interface_files"));
    let _ = writeln!(
        out,
        "- findings: {} errors, {} warnings\n",
        s(m, "errors"),
        s(m, "warnings")
    );
    let r = Value::Object(rules.value);
    out.push_str("## May import\n\n");
    for d in items(&r, "may_depend_on") {
        let _ = writeln!(
            out,
            "- {} through {}",
            s(d, "module"),
            s(d, "import_through")
        );
    }
    out.push_str("\n## Imports today\n\n");
    for d in items(m, "depends_on") {
        let _ = writeln!(out, "- {} ({} imports)", s(d, "module"), s(d, "imports"));
    }
    out.push_str("\n## Imported by\n\n");
    for d in items(m, "dependents") {
        let _ = writeln!(out, "- {} ({} imports)", s(d, "module"), s(d, "imports"));
    }
    out.push_str("\n## Public symbols\n\n");
    for p in items(&v, "public").iter().take(100) {
        let _ = writeln!(out, "- `{}` ({})", s(p, "signature"), s(p, "id"));
    }
    Ok(out)
}

/// `strata://rules`.
pub fn rules_markdown(snapshot: &Snapshot) -> String {
    let project = &snapshot.project;
    let config = &project.config.config;
    let mut out = String::from("# Architecture rules\n\n## Enabled rules\n\n");
    for r in strata_rules::RULES {
        if let Some(sev) = project.settings.level(*r).severity() {
            let _ = writeln!(
                out,
                "- `{}` ({}): {}",
                r.id(),
                if sev == strata_diagnostics::Severity::Error {
                    "error"
                } else {
                    "warning"
                },
                strata_rules::RuleDoc::summary(*r)
            );
        }
    }
    if !config.lanes.is_empty() {
        out.push_str("\n## Lanes (a lane may import the lanes listed)\n\n");
        for (lane, allowed) in &config.lanes {
            let _ = writeln!(out, "- {lane}: {}", allowed.join(", "));
        }
    }
    if !config.layers.is_empty() {
        let _ = writeln!(
            out,
            "\n## Layers, bottom to top\n\n{}",
            config.layers.join(" < ")
        );
    }
    if !config.forbidden.is_empty() {
        out.push_str("\n## Forbidden imports\n\n");
        for f in &config.forbidden {
            let _ = writeln!(
                out,
                "- {}: {}",
                f.name,
                f.comment.as_deref().unwrap_or_default()
            );
        }
    }
    out
}
