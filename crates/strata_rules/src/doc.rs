//! A rule's documentation, read from the `//!` comment at the top of its source file.

use crate::Rule;

/// The sections every rule documents, in order.
pub const SECTIONS: [&str; 4] = ["What it does", "Why", "Example", "How to fix"];

pub struct RuleDoc;

impl RuleDoc {
    /// The rule's documentation as Markdown-ish text (the `//!` lines without the marker).
    pub fn text(rule: &dyn Rule) -> String {
        let mut out = String::new();
        for line in rule.source().lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out
    }

    /// The first line: a one-sentence summary.
    pub fn summary(rule: &dyn Rule) -> String {
        Self::text(rule)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}
