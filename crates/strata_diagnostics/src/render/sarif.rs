//! SARIF 2.1.0, for code-scanning services: one run, one rule entry per rule, and a stable
//! fingerprint per result so alerts survive unrelated edits.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::{Diagnostic, Severity};

/// What SARIF says about a rule.
#[derive(Clone, Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    /// One sentence.
    pub summary: String,
    /// The full documentation (Markdown).
    pub help: String,
    /// `"error"`, `"warning"` or `"none"` (off by default).
    pub default_level: &'static str,
}

/// The SARIF log of `diagnostics`, pretty-printed with a trailing newline.
pub fn render_sarif(diagnostics: &[Diagnostic], rules: &[RuleMeta], tool_version: &str) -> String {
    let rule_index = |id: &str| rules.iter().position(|r| r.id == id);
    let rules_json: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.help, "markdown": r.help },
                "helpUri": format!("https://github.com/strata-dev/strata/blob/main/crates/strata_rules/src/rules/{}.rs", r.id.replace('-', "_")),
                "defaultConfiguration": { "level": r.default_level },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.rule,
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": if d.help.is_empty() { d.message.clone() } else { format!("{}\n{}", d.message, d.help) } },
                "partialFingerprints": { "strataFingerprint/v1": d.fingerprint() },
            });
            if let Some(i) = rule_index(d.rule) {
                result["ruleIndex"] = json!(i);
            }
            if !d.file.is_empty() {
                let mut physical = json!({ "artifactLocation": { "uri": uri(&d.file), "uriBaseId": "%SRCROOT%" } });
                if d.line > 0 {
                    // Column 0 means "unknown": SARIF then has no startColumn at all.
                    physical["region"] = if d.column > 0 {
                        json!({ "startLine": d.line, "startColumn": d.column })
                    } else {
                        json!({ "startLine": d.line })
                    };
                }
                result["locations"] = json!([{ "physicalLocation": physical }]);
            }
            if let Some(t) = &d.target_file {
                result["relatedLocations"] = json!([{
                    "id": 1,
                    "physicalLocation": { "artifactLocation": { "uri": uri(t), "uriBaseId": "%SRCROOT%" } },
                    "message": { "text": "the imported file" },
                }]);
            }
            let mut props = serde_json::Map::new();
            if !d.module.is_empty() {
                props.insert("module".into(), json!(d.module));
            }
            if let Some(t) = &d.target {
                props.insert("target".into(), json!(t));
            }
            if let Some(c) = &d.cycle {
                props.insert("cycle".into(), json!(c));
            }
            if let Some(m) = &d.members {
                props.insert("members".into(), json!(m));
            }
            if let Some(c) = &d.chain {
                props.insert("chain".into(), json!(c));
            }
            if !props.is_empty() {
                result["properties"] = Value::Object(props);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "strata",
                "informationUri": "https://github.com/strata-dev/strata",
                "version": tool_version,
                "rules": rules_json,
            } },
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The repository root" } } },
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

/// A repository path as a relative URI reference: `/`-separated segments with every byte
/// outside RFC 3986's unreserved set (and `/`) percent-encoded, so spaces, `%`, `#` and `?` in
/// file names survive.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<RuleMeta> {
        vec![RuleMeta {
            id: "internal-import",
            summary: "An import of an internal file".into(),
            help: "## Why".into(),
            default_level: "error",
        }]
    }

    #[test]
    fn uris_are_percent_encoded_and_unknown_columns_left_out() {
        assert_eq!(uri("a b/c%d#e?f.rs"), "a%20b/c%25d%23e%3Ff.rs");
        assert_eq!(uri("src/caf\u{e9}.py"), "src/caf%C3%A9.py");
        assert_eq!(uri("plain/path-1_2~x.ts"), "plain/path-1_2~x.ts");
        let d = vec![Diagnostic::new("internal-import", "m").at("my dir/x.rs", 4, 0)];
        let v: Value = serde_json::from_str(&render_sarif(&d, &rules(), "0.1.0")).unwrap();
        let location = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "my%20dir/x.rs");
        assert_eq!(location["region"], serde_json::json!({ "startLine": 4 }));
    }

    #[test]
    fn results_locations_and_fingerprints() {
        let d = vec![
            Diagnostic::new("internal-import", "`a` imports `b/x.rs`")
                .module("a")
                .at("a/y.rs", 3, 5)
                .target("b")
                .target_file("b/x.rs"),
            Diagnostic::new("port-conflict", "port 1").at("m/module.yaml", 0, 0),
            Diagnostic::new("orphan-event", "no file"),
        ];
        let v: Value = serde_json::from_str(&render_sarif(&d, &rules(), "0.1.0")).unwrap();
        let results = &v["runs"][0]["results"];
        assert_eq!(results[0]["ruleIndex"], 0);
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
        assert_eq!(
            results[0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "b/x.rs"
        );
        assert!(
            results[1]["locations"][0]["physicalLocation"]
                .get("region")
                .is_none()
        );
        assert!(results[2].get("locations").is_none());
        assert!(results[0]["locations"][0]["physicalLocation"]["region"]["startColumn"] == 5);
        assert_eq!(
            results[0]["partialFingerprints"]["strataFingerprint/v1"],
            d[0].fingerprint()
        );
        assert_eq!(
            v["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"],
            "error"
        );
    }
}
