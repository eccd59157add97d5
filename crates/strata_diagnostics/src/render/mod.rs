//! Renderers: compiler-style text for people, JSON for machines, SARIF for code scanning,
//! Markdown for pull-request comments, workflow commands for GitHub Actions.

mod github;
mod gitlab;
mod markdown;
mod sarif;

pub use github::render_github;
pub use gitlab::render_gitlab;
pub use markdown::render_markdown;
pub use sarif::{RuleMeta, render_sarif};

use std::fmt::Write as _;

use serde::Serialize;

use crate::{Diagnostic, Severity};

/// Counts printed after the findings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub modules: usize,
    pub files: usize,
    pub elapsed_ms: u64,
    /// Findings hidden by a baseline or by `--diff-base`.
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    pub fn count(diagnostics: &[Diagnostic], modules: usize, files: usize) -> Summary {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Summary {
            errors,
            warnings: diagnostics.len() - errors,
            modules,
            files,
            elapsed_ms: 0,
            suppressed: 0,
        }
    }
}

/// Compiler-style text. `source_line(file, line)` supplies the line shown under the location
/// (it returns `None` when the file or line cannot be read).
pub fn render_text(
    diagnostics: &[Diagnostic],
    summary: &Summary,
    source_line: &dyn Fn(&str, u32) -> Option<String>,
) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.rule, d.message);
        if !d.file.is_empty() {
            if d.line == 0 {
                let _ = writeln!(out, "  --> {}", d.file);
            } else {
                let _ = writeln!(out, "  --> {}:{}:{}", d.file, d.line, d.column);
                if let Some(src) = source_line(&d.file, d.line).filter(|_| !d.sensitive) {
                    let number = d.line.to_string();
                    let pad = " ".repeat(number.len());
                    let text = src.trim_end();
                    let _ = writeln!(out, " {pad} |");
                    let _ = writeln!(out, " {number} | {text}");
                    let caret_at = usize::try_from(d.column.saturating_sub(1)).unwrap_or(0);
                    let lead: String = text
                        .chars()
                        .take(caret_at)
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    let _ = writeln!(out, " {pad} | {lead}^");
                }
            }
        }
        if !d.help.is_empty() {
            let _ = writeln!(out, "  = help: {}", d.help);
        }
        out.push('\n');
    }
    let suppressed = if summary.suppressed > 0 {
        format!("; {} hidden by the baseline", summary.suppressed)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} {}, {} {} in {} {} ({} {}){suppressed}",
        summary.errors,
        plural(summary.errors, "error", "errors"),
        summary.warnings,
        plural(summary.warnings, "warning", "warnings"),
        summary.modules,
        plural(summary.modules, "module", "modules"),
        summary.files,
        plural(summary.files, "file", "files"),
    );
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[derive(Serialize)]
struct Report<'a> {
    findings: &'a [Diagnostic],
    summary: &'a Summary,
}

/// The `strata check --format json` document (pretty-printed, keys in a fixed order).
pub fn render_json(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let report = Report {
        findings: diagnostics,
        summary,
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_shows_source_line_and_caret() {
        let d = vec![
            Diagnostic::new("port-conflict", "port `3034` is declared by 2 modules")
                .at("a/module.yaml", 2, 9)
                .help("give each module its own port"),
        ];
        let summary = Summary::count(&d, 2, 5);
        let text = render_text(&d, &summary, &|_, _| Some("api: { port: 3034 }".into()));
        assert_eq!(
            text,
            "error[port-conflict]: port `3034` is declared by 2 modules\n  --> a/module.yaml:2:9\n   |\n 2 | api: { port: 3034 }\n   |         ^\n  = help: give each module its own port\n\n1 error, 0 warnings in 2 modules (5 files)\n"
        );
    }

    #[test]
    fn json_has_findings_and_summary() {
        let d = vec![
            Diagnostic::new("event-name", "bad")
                .module("m")
                .target("x.y"),
        ];
        let json = render_json(&d, &Summary::count(&d, 1, 1));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["findings"][0]["rule"], "event-name");
        assert_eq!(v["findings"][0]["target"], "x.y");
        assert_eq!(v["summary"]["errors"], 1);
    }
}
