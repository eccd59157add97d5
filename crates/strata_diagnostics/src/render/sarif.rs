//! SARIF 2.1.0, for code-scanning services: one run, one rule entry per rule, and a stable
//! fingerprint per result so alerts survive unrelated edits.

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
                let mut physical = json!({ "artifactLocation": { "uri": d.file, "uriBaseId": "%SRCROOT%" } });
                if d.line > 0 {
                    physical["region"] = json!({ "startLine": d.line, "startColumn": d.column.max(1) });
                }
                result["locations"] = json!([{ "physicalLocation": physical }]);
            }
            if let Some(t) = &d.target_file {
                result["relatedLocations"] = json!([{
                    "id": 1,
                    "physicalLocation": { "artifactLocation": { "uri": t, "uriBaseId": "%SRCROOT%" } },
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
