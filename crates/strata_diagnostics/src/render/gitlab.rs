//! GitLab Code Quality: the JSON array of issues a merge request's Code Quality widget reads
//! (`artifacts:reports:codequality`), a subset of the Code Climate issue format.

use std::collections::HashMap;

use serde::Serialize;

use crate::{Diagnostic, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// The findings as a Code Quality report. Errors are `major`, warnings `minor`; fingerprints
/// are strata's baseline fingerprints (stable when lines move), made unique within the report
/// by an occurrence suffix; a finding of no file points at `strata.toml` line 1.
pub fn render_gitlab(diagnostics: &[Diagnostic]) -> String {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Issue<'_>> = diagnostics
        .iter()
        .map(|d| {
            let base = d.fingerprint();
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
            let description = if d.help.is_empty() {
                d.message.clone()
            } else {
                format!("{} ({})", d.message, d.help)
            };
            Issue {
                description,
                check_name: d.rule,
                fingerprint,
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: Location {
                    path: if d.file.is_empty() {
                        "strata.toml"
                    } else {
                        &d.file
                    },
                    lines: Lines {
                        begin: d.line.max(1),
                    },
                },
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_have_unique_fingerprints_and_a_location() {
        let d = vec![
            Diagnostic::new("no-cycles", "a -> b -> a")
                .at("a/module.yaml", 3, 1)
                .help("break it"),
            Diagnostic::new("no-cycles", "a -> b -> a").at("a/module.yaml", 9, 1),
            Diagnostic {
                severity: Severity::Warning,
                ..Diagnostic::new("orphan-event", "e")
            },
        ];
        let v: serde_json::Value = serde_json::from_str(&render_gitlab(&d)).unwrap();
        let issues = v.as_array().unwrap();
        assert_eq!(issues.len(), 3);
        assert_eq!(issues[0]["description"], "a -> b -> a (break it)");
        assert_eq!(issues[0]["severity"], "major");
        assert_eq!(issues[0]["location"]["lines"]["begin"], 3);
        let (f0, f1) = (
            issues[0]["fingerprint"].as_str().unwrap(),
            issues[1]["fingerprint"].as_str().unwrap(),
        );
        assert_eq!(f1, format!("{f0}-2"));
        assert_eq!(issues[2]["severity"], "minor");
        assert_eq!(issues[2]["location"]["path"], "strata.toml");
        assert_eq!(issues[2]["location"]["lines"]["begin"], 1);
        assert_eq!(render_gitlab(&[]), "[]\n");
    }
}
