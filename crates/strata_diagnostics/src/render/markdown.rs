//! A pull-request comment: counts, a table per rule, then findings grouped by module with the
//! module's owner.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Summary;
use crate::{Diagnostic, Severity};

/// Findings beyond this many are folded into a `<details>` block.
const FOLD_AFTER: usize = 50;

/// GitHub refuses comments longer than 65,536 characters; findings past this are cut.
const MAX_LEN: usize = 60_000;

/// Escape a message for one line of Markdown: characters that would format text are escaped
/// outside `code spans` and left alone inside them (where a backslash would show); line breaks
/// become spaces.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let spans = s.matches('`').count();
    let mut in_code = false;
    let mut ticks = 0;
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '`' => {
                ticks += 1;
                // An unpaired last backtick opens nothing.
                if in_code || ticks < spans || spans.is_multiple_of(2) {
                    in_code = !in_code;
                    out.push('`');
                } else {
                    out.push_str("\\`");
                }
            }
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The comment. `owner(module)` names the module's owner when it has one.
pub fn render_markdown(
    diagnostics: &[Diagnostic],
    summary: &Summary,
    owner: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::from("## strata check\n\n");
    let _ = writeln!(
        out,
        "**{} {}**, **{} {}** in {} {} ({} {}){}\n",
        summary.errors,
        super::plural(summary.errors, "error", "errors"),
        summary.warnings,
        super::plural(summary.warnings, "warning", "warnings"),
        summary.modules,
        super::plural(summary.modules, "module", "modules"),
        summary.files,
        super::plural(summary.files, "file", "files"),
        if summary.suppressed > 0 {
            format!("; {} hidden by the baseline", summary.suppressed)
        } else {
            String::new()
        }
    );
    if diagnostics.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for d in diagnostics {
        let e = per_rule.entry(d.rule).or_default();
        match d.severity {
            Severity::Error => e.0 += 1,
            Severity::Warning => e.1 += 1,
        }
    }
    out.push_str("| rule | errors | warnings |\n|---|---:|---:|\n");
    for (rule, (e, w)) in &per_rule {
        let _ = writeln!(out, "| `{rule}` | {e} | {w} |");
    }
    out.push('\n');
    let folded = diagnostics.len() > FOLD_AFTER;
    if folded {
        let _ = writeln!(
            out,
            "<details><summary>All {} findings</summary>\n",
            diagnostics.len()
        );
    }
    let mut by_module: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diagnostics {
        by_module.entry(d.module.as_str()).or_default().push(d);
    }
    let mut shown = 0;
    'modules: for (module, list) in by_module {
        let heading = if module.is_empty() {
            "repository".to_owned()
        } else {
            format!("`{module}`")
        };
        let owner = owner(module)
            .map(|o| format!(" — {}", escape(&o)))
            .unwrap_or_default();
        let _ = writeln!(out, "### {heading}{owner}\n");
        for d in list {
            if out.len() > MAX_LEN {
                let _ = writeln!(
                    out,
                    "\n… and {} more not shown here (a comment holds 65,536 characters); `strata check` lists them all.\n",
                    diagnostics.len() - shown
                );
                break 'modules;
            }
            shown += 1;
            let place = match (d.file.is_empty(), d.line) {
                (true, _) => String::new(),
                (false, 0) => format!(" `{}`", d.file),
                (false, l) => format!(" `{}:{l}:{}`", d.file, d.column),
            };
            let _ = writeln!(
                out,
                "- **{}** `{}`{place} — {}",
                d.severity.as_str(),
                d.rule,
                escape(&d.message)
            );
        }
        out.push('\n');
    }
    if folded {
        out.push_str("</details>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_table_groups_and_escaping() {
        let d = vec![
            Diagnostic::new("port-conflict", "port | 1\nx")
                .module("a")
                .at("a/module.yaml", 2, 9),
            Diagnostic {
                severity: Severity::Warning,
                ..Diagnostic::new("orphan-event", "e")
                    .module("b")
                    .at("b/module.yaml", 0, 0)
            },
        ];
        let s = Summary::count(&d, 2, 10);
        let md = render_markdown(&d, &s, &|m| (m == "a").then(|| "team:payments".to_owned()));
        assert!(
            md.contains("**1 error**, **1 warning** in 2 modules (10 files)"),
            "{md}"
        );
        assert!(md.contains("| `port-conflict` | 1 | 0 |"));
        assert!(md.contains("### `a` — team:payments"));
        assert!(md.contains("- **error** `port-conflict` `a/module.yaml:2:9` — port \\| 1 x"));
        assert!(md.contains("- **warning** `orphan-event` `b/module.yaml` — e"));
        assert!(render_markdown(&[], &Summary::default(), &|_| None).contains("No findings."));
    }

    #[test]
    fn escaping_spares_code_spans() {
        assert_eq!(
            escape("`a<b>` imports `x_y.rs`, *not* [this] <tag>"),
            "`a<b>` imports `x_y.rs`, \\*not\\* \\[this\\] \\<tag\\>"
        );
        assert_eq!(escape("odd ` tick"), "odd \\` tick");
        assert_eq!(escape("`ok` and ` lone"), "`ok` and \\` lone");
    }

    #[test]
    fn long_reports_fit_in_a_comment() {
        let d: Vec<Diagnostic> = (0..3000)
            .map(|i| {
                Diagnostic::new(
                    "r",
                    format!("a rather long message number {i} {}", "x".repeat(40)),
                )
                .module("a")
            })
            .collect();
        let md = render_markdown(&d, &Summary::count(&d, 1, 1), &|_| None);
        assert!(md.len() < 65_536, "{} characters", md.len());
        assert!(md.contains("more not shown here"));
        assert!(md.trim_end().ends_with("</details>"));
    }

    #[test]
    fn many_findings_are_folded() {
        let d: Vec<Diagnostic> = (0..51)
            .map(|i| Diagnostic::new("r", format!("m{i}")).module("a"))
            .collect();
        let md = render_markdown(&d, &Summary::count(&d, 1, 1), &|_| None);
        assert!(md.contains("<details><summary>All 51 findings</summary>"));
    }
}
