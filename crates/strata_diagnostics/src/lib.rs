//! Findings as values: [`Diagnostic`] and [`Severity`], and their renderers.
//!
//! Rules produce diagnostics; they never print. Renderers turn a sorted list of diagnostics
//! into text for people (compiler style) or JSON for machines (DESIGN.md §5).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod fingerprint;
mod render;

pub use render::{
    RuleMeta, Summary, render_github, render_gitlab, render_json, render_markdown, render_sarif,
    render_text,
};

use serde::Serialize;

/// How serious a finding is. `Off` never reaches a renderer: it is a configured level only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A configured rule level, as written in `strata.toml` (`"error" | "warn" | "off"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    Error,
    Warn,
    Off,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "error" => Some(Level::Error),
            "warn" | "warning" => Some(Level::Warn),
            "off" => Some(Level::Off),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Off => "off",
        }
    }

    /// The severity findings get at this level; `None` when the rule is off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warn => Some(Severity::Warning),
            Level::Off => None,
        }
    }
}

/// One finding. Positions are 1-based; `line == 0` means the finding concerns a whole file (or
/// no file at all, when `file` is empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    /// The module the finding belongs to (empty when none does, e.g. a broken `strata.toml`).
    pub module: String,
    /// Repository-relative path with `/`.
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// What the finding points at: a module name, a port, an event, a team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub message: String,
    pub help: String,
    /// For import findings: the imported file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_file: Option<String>,
    /// For cycle findings: the ordered cycle, first == last (module names or file paths).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle: Option<Vec<String>>,
    /// For cycle findings: every member of the strongly connected component, sorted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<String>>,
    /// For transitive `forbidden` findings: the chain of modules or files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<Vec<String>>,
    /// The source line holds something that must not be printed (a secret): renderers show
    /// the location only.
    #[serde(skip)]
    pub sensitive: bool,
    /// A severity the rule itself chose for this finding (a custom rule's own `severity`),
    /// kept by the engine instead of the rule's configured level.
    #[serde(skip)]
    pub severity_override: Option<Severity>,
}

impl Diagnostic {
    /// A finding of `rule` at error severity; the engine sets the configured severity.
    pub fn new(rule: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: Severity::Error,
            module: String::new(),
            file: String::new(),
            line: 0,
            column: 0,
            target: None,
            message: message.into(),
            help: String::new(),
            target_file: None,
            cycle: None,
            members: None,
            chain: None,
            sensitive: false,
            severity_override: None,
        }
    }

    #[must_use]
    pub fn module(mut self, module: impl Into<String>) -> Diagnostic {
        self.module = module.into();
        self
    }

    #[must_use]
    pub fn at(mut self, file: impl Into<String>, line: u32, column: u32) -> Diagnostic {
        self.file = file.into();
        self.line = line;
        self.column = column;
        self
    }

    #[must_use]
    pub fn target(mut self, target: impl Into<String>) -> Diagnostic {
        self.target = Some(target.into());
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = help.into();
        self
    }

    #[must_use]
    pub fn target_file(mut self, path: impl Into<String>) -> Diagnostic {
        self.target_file = Some(path.into());
        self
    }

    #[must_use]
    pub fn cycle(mut self, cycle: Vec<String>) -> Diagnostic {
        self.cycle = Some(cycle);
        self
    }

    #[must_use]
    pub fn members(mut self, mut members: Vec<String>) -> Diagnostic {
        members.sort();
        self.members = Some(members);
        self
    }

    #[must_use]
    pub fn chain(mut self, chain: Vec<String>) -> Diagnostic {
        self.chain = Some(chain);
        self
    }

    /// Mark the finding's source line as not to be shown.
    #[must_use]
    pub fn sensitive(mut self) -> Diagnostic {
        self.sensitive = true;
        self
    }

    /// The order findings are reported in: by file, position, rule, then message.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.file.as_str(),
            self.line,
            self.column,
            self.rule,
            self.module.as_str(),
            self.target.as_deref(),
            self.message.as_str(),
        )
    }
}

/// Sort findings into their reporting order and drop exact duplicates.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_is_by_place_then_rule() {
        let mut d = vec![
            Diagnostic::new("b-rule", "x").at("b.yaml", 1, 1),
            Diagnostic::new("a-rule", "x").at("b.yaml", 1, 1),
            Diagnostic::new("a-rule", "x").at("a.yaml", 9, 1),
            Diagnostic::new("a-rule", "x").at("a.yaml", 9, 1),
        ];
        sort(&mut d);
        let order: Vec<_> = d.iter().map(|d| (d.file.as_str(), d.rule)).collect();
        assert_eq!(
            order,
            [
                ("a.yaml", "a-rule"),
                ("b.yaml", "a-rule"),
                ("b.yaml", "b-rule")
            ]
        );
    }

    #[test]
    fn levels_parse() {
        assert_eq!(Level::parse("warn"), Some(Level::Warn));
        assert_eq!(Level::parse("fatal"), None);
        assert_eq!(Level::Off.severity(), None);
    }
}
