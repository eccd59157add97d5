//! GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding.

use std::fmt::Write as _;

use crate::{Diagnostic, Severity};

/// Escape a workflow command's data (the message).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotations, one line each.
pub fn render_github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if !d.file.is_empty() {
            props.push(format!("file={}", property(&d.file)));
            if d.line > 0 {
                props.push(format!("line={}", d.line));
                props.push(format!("col={}", d.column.max(1)));
            }
        }
        props.push(format!("title={}", property(&format!("strata {}", d.rule))));
        let message = if d.help.is_empty() {
            d.message.clone()
        } else {
            format!("{}\n{}", d.message, d.help)
        };
        let _ = writeln!(out, "::{command} {}::{}", props.join(","), data(&message));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_escaped() {
        let d = vec![
            Diagnostic::new("port-conflict", "100% a, b: c\nd")
                .at("a,b:c.yaml", 2, 9)
                .help("fix"),
            Diagnostic {
                severity: Severity::Warning,
                ..Diagnostic::new("orphan-event", "e")
            },
        ];
        assert_eq!(
            render_github(&d),
            "::error file=a%2Cb%3Ac.yaml,line=2,col=9,title=strata port-conflict::100%25 a, b: c%0Ad%0Afix\n::warning title=strata orphan-event::e\n"
        );
    }
}
