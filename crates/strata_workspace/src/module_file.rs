//! `module.yaml`: one module's declared architecture (DESIGN.md §2), parsed into typed structs
//! that keep the position of every value a finding may point at.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::error::{ConfigError, did_you_mean, glob_problem, to_u32};

/// The schema file's name.
pub const MODULE_FILE: &str = "module.yaml";

/// The format version this strata reads.
pub const SCHEMA_VERSION: &str = "strata/v1";

/// The contents of a `module.yaml`. Only `name` is required.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleFile {
    /// Format version of this file: `strata/v1`.
    #[schemars(with = "Option<String>")]
    pub schema: Option<Spanned<String>>,
    /// The module's name; unique in the repository.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    pub kind: Option<ModuleKind>,
    /// Semantic version; default: the manifest's version.
    #[schemars(with = "Option<String>")]
    pub version: Option<Spanned<String>>,
    pub description: Option<String>,
    /// `team:<name>` (declared in strata.toml `[teams]`) or `user:<name>`.
    #[schemars(with = "Option<String>")]
    pub owner: Option<Spanned<String>>,
    pub lifecycle: Option<Lifecycle>,
    /// One of strata.toml's `[lanes]`.
    #[schemars(with = "Option<String>")]
    pub lane: Option<Spanned<String>>,
    /// One of strata.toml's `layers`.
    #[schemars(with = "Option<String>")]
    pub layer: Option<Spanned<String>>,
    /// Criticality: 1 is the most critical.
    #[schemars(with = "Option<u32>", range(min = 1))]
    pub tier: Option<Spanned<u32>>,
    /// Globs relative to this file selecting the module's files (below this folder: no `..`,
    /// no absolute paths); default `.` (everything below this folder).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Modules this one may depend on.
    #[serde(default)]
    #[schemars(with = "Vec<Dependency>")]
    pub depends_on: Vec<Spanned<Dependency>>,
    /// Globs relative to this file naming the public surface other modules may import (below
    /// this folder: no `..`, no absolute paths).
    #[serde(default)]
    pub interfaces: Vec<String>,
    pub api: Option<Api>,
    pub events: Option<Events>,
    pub health: Option<Health>,
    /// Runtime budgets: metric name (`[a-z][a-z0-9_]*`, e.g. `p99_ms`, `error_rate`) -> the
    /// ceiling it must stay under (a finite number >= 0). Their samples come from
    /// `strata metrics pull` (one query per name in strata.toml `[metrics.queries]`) or
    /// `strata metrics push`; `strata budgets` reports them.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub budgets: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Free-form key/value pairs kept as they are.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// The template this module was scaffolded from.
    pub template: Option<TemplateRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModuleKind {
    Service,
    Library,
    Website,
    Job,
    Cli,
    Resource,
}

impl ModuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ModuleKind::Service => "service",
            ModuleKind::Library => "library",
            ModuleKind::Website => "website",
            ModuleKind::Job => "job",
            ModuleKind::Cli => "cli",
            ModuleKind::Resource => "resource",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lifecycle {
    Experimental,
    Production,
    Deprecated,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Experimental => "experimental",
            Lifecycle::Production => "production",
            Lifecycle::Deprecated => "deprecated",
        }
    }
}

/// A `depends_on` entry: `ledger` or `{ name: users, version: "^2.1", kind: runtime }`.
#[derive(Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum Dependency {
    Name(String),
    Detailed(DependencyDetail),
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DependencyDetail {
    pub name: String,
    /// A semver requirement (`^2.1`, `~1.4`, `>=1.0.0, <2`, `=1.2.3`).
    pub version: Option<String>,
    pub kind: Option<DependencyKind>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DependencyKind {
    Runtime,
    Build,
}

impl Dependency {
    pub fn name(&self) -> &str {
        match self {
            Dependency::Name(n) => n,
            Dependency::Detailed(d) => &d.name,
        }
    }

    pub fn version(&self) -> Option<&str> {
        match self {
            Dependency::Name(_) => None,
            Dependency::Detailed(d) => d.version.as_deref(),
        }
    }
}

// Written by hand rather than `#[serde(untagged)]` so that a wrong key inside the table form
// reports "unknown field" with its position instead of "did not match any variant".
impl<'de> Deserialize<'de> for Dependency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DependencyVisitor;
        impl<'de> Visitor<'de> for DependencyVisitor {
            type Value = Dependency;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a module name or a table with `name`, `version` and `kind`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dependency, E> {
                Ok(Dependency::Name(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Dependency, A::Error> {
                DependencyDetail::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(Dependency::Detailed)
            }
        }
        deserializer.deserialize_any(DependencyVisitor)
    }
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// The port the service listens on; no two modules may declare the same one (rule
    /// `port-conflict`).
    #[schemars(with = "Option<u16>")]
    pub port: Option<Spanned<u16>>,
    /// URL path prefix the service answers under, e.g. `/api/v1/billing`.
    #[schemars(with = "Option<String>")]
    pub base_path: Option<Spanned<String>>,
    /// Path of the `OpenAPI` document, relative to this file.
    pub openapi: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// Event names (`domain.entity.action`) this module publishes.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub publishes: Vec<Spanned<String>>,
    /// Event names this module consumes.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub consumes: Vec<Spanned<String>>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    pub liveness: Option<String>,
    pub readiness: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRef {
    pub name: String,
    pub version: String,
}

/// Position of a spanned value (1-based line and column).
pub fn pos<T>(s: &Spanned<T>) -> (u32, u32) {
    let loc = s.referenced;
    (
        to_u32(usize::try_from(loc.line()).unwrap_or(usize::MAX)),
        to_u32(usize::try_from(loc.column()).unwrap_or(usize::MAX)),
    )
}

/// Limits that keep a hostile file (an alias bomb, a huge document) cheap to reject.
fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 100_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Parse a `module.yaml` from its bytes. `path` is used in error messages only.
pub fn parse_module_file(path: &Path, bytes: &[u8]) -> Result<ModuleFile, ConfigError> {
    let invalid =
        |line: u32, column: u32, message: String, hint: Option<String>| ConfigError::Invalid {
            path: path.to_owned(),
            line,
            column,
            message,
            hint,
        };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) =
                crate::error::line_col(&String::from_utf8_lossy(bytes), e.valid_up_to());
            return Err(invalid(
                line,
                column,
                "not UTF-8 text: `module.yaml` must be a UTF-8 YAML document".into(),
                None,
            ));
        }
    };
    if text.contains('\0') {
        let (line, column) = crate::error::line_col(text, text.find('\0').unwrap_or(0));
        return Err(invalid(
            line,
            column,
            "binary data in a YAML file".into(),
            None,
        ));
    }
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(invalid(
            1,
            1,
            "empty file: expected a mapping with at least `name`".into(),
            Some("write `name: <module>` (see `strata schema module`)".into()),
        ));
    }
    let module =
        serde_saphyr::from_str_with_options::<ModuleFile>(text, options()).map_err(|e| {
            let e = e.without_snippet();
            let (line, column) = e.location().map_or((1, 1), |l| {
                (
                    to_u32(usize::try_from(l.line()).unwrap_or(1)).max(1),
                    to_u32(usize::try_from(l.column()).unwrap_or(1)).max(1),
                )
            });
            let message = plain_message(e);
            invalid(line, column, message.clone(), did_you_mean(&message))
        })?;
    // Globs that cannot select files; the first in the file is reported.
    let first_bad = [("paths", &module.paths), ("interfaces", &module.interfaces)]
        .into_iter()
        .flat_map(|(key, globs)| globs.iter().map(move |g| (key, g)))
        .filter_map(|(key, glob)| {
            let problem = glob_problem(glob)?;
            // The entry's position: its first occurrence after the key.
            let from = text.find(&format!("{key}:")).unwrap_or(0);
            let at = text[from..].find(glob.as_str()).map_or(from, |i| from + i);
            Some((at, key, glob, problem))
        })
        .min_by_key(|&(at, ..)| at);
    if let Some((name, limit)) = module.budgets.iter().find(|(name, limit)| {
        !(valid_metric_name(name) && limit.value.is_finite() && limit.value >= 0.0)
    }) {
        let (line, column) = pos(limit);
        return Err(if valid_metric_name(name) {
            invalid(
                line,
                column,
                format!("budget `{name}` must be a finite number >= 0 (its ceiling)"),
                Some("write e.g. `budgets: { p99_ms: 250, error_rate: 0.01 }`".into()),
            )
        } else {
            invalid(
                line,
                1,
                format!("`{name}` is not a budget name: use a lowercase letter, then lowercase letters, digits or `_`"),
                Some("write e.g. `p99_ms`, `error_rate`, `memory_mb`; the same name keys `[metrics.queries]` in strata.toml".into()),
            )
        });
    }
    if let Some((at, key, glob, problem)) = first_bad {
        let (line, column) = crate::error::line_col(text, at);
        return Err(invalid(
            line,
            column,
            format!("`{key}` entry `{glob}` cannot be used: {problem}"),
            Some("write globs relative to this module's folder, e.g. `src/api/**`".into()),
        ));
    }
    Ok(module)
}

/// Whether `name` may name a budget's metric: `[a-z][a-z0-9_]*`.
pub fn valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The error's text without the "at line X column Y" suffix the renderer appends (positions
/// are reported separately).
fn plain_message(e: &serde_saphyr::Error) -> String {
    let opts = serde_saphyr::render_options! { snippets: serde_saphyr::SnippetMode::Off };
    let text = e.render_with_options(opts);
    let text = text.lines().next().unwrap_or_default().trim();
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => text,
    };
    text.trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn parse(text: &str) -> Result<ModuleFile, ConfigError> {
        parse_module_file(Path::new("m/module.yaml"), text.as_bytes())
    }

    fn err(text: &str) -> (u32, u32, String, Option<String>) {
        match parse(text) {
            Err(ConfigError::Invalid {
                line,
                column,
                message,
                hint,
                ..
            }) => (line, column, message, hint),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn globs_that_cannot_select_files_are_errors_at_their_position() {
        let (line, column, message, hint) =
            err("name: a\ninterfaces: [\"src/api/**\", \"../../etc/**\"]\npaths: [\"/abs\"]\n");
        assert_eq!((line, column), (2, 29), "{message}");
        assert!(
            message.contains("`interfaces` entry `../../etc/**`"),
            "{message}"
        );
        assert!(message.contains("`..`"), "{message}");
        assert!(hint.is_some_and(|h| h.contains("relative to this module's folder")));
        let (line, _, message, _) = err("name: a\npaths:\n  - src/**\n  - /etc/**\n");
        assert_eq!(line, 4, "{message}");
        assert!(message.contains("an absolute path"), "{message}");
        let (line, _, message, _) = err("name: a\ninterfaces: [\"src/[\"]\n");
        assert_eq!(line, 2);
        assert!(message.contains("not a valid glob"), "{message}");
        // Dots that do not climb are fine.
        let m =
            parse("name: a\npaths: [\".\", \"./src/**\", \"a..b/**\"]\ninterfaces: [\"..x/y\"]\n")
                .unwrap();
        assert_eq!(m.paths.len(), 3);
    }

    #[test]
    fn parses_the_design_example() {
        let m = parse(
            r#"schema: strata/v1
name: billing
kind: service
version: 1.4.0
description: Invoicing and payment capture
owner: team:payments
lifecycle: production
lane: products
layer: service
tier: 1
paths: ["."]
depends_on:
  - ledger
  - { name: users, version: "^2.1", kind: runtime }
interfaces: ["src/api/**", "src/lib.rs"]
api:
  port: 3021
  base_path: /api/v1/billing
  openapi: docs/openapi.yaml
events:
  publishes: [billing.invoice.created]
  consumes: [users.account.registered]
health: { liveness: /health, readiness: /ready }
links: [{ title: Runbook, url: "https://wiki.example.com/billing" }]
tags: [pci]
annotations: { "sonarqube.org/project-key": billing }
template: { name: rust-service, version: 1.0.0 }
"#,
        )
        .unwrap();
        assert_eq!(m.name.value, "billing");
        assert_eq!(m.version.as_ref().unwrap().value, "1.4.0");
        assert_eq!(m.depends_on[0].value, Dependency::Name("ledger".into()));
        assert_eq!(m.depends_on[1].value.version(), Some("^2.1"));
        assert_eq!(pos(&m.depends_on[1]), (14, 5));
        let api = m.api.unwrap();
        assert_eq!(api.port.as_ref().unwrap().value, 3021);
        assert_eq!(pos(api.port.as_ref().unwrap()), (17, 9));
        assert_eq!(
            m.events.unwrap().publishes[0].value,
            "billing.invoice.created"
        );
    }

    #[test]
    fn budgets_are_ceilings_under_metric_names() {
        let m = parse(
            "name: a\nbudgets:\n  p99_ms: 250\n  error_rate: 0.01\n  memory_mb: 512\n  cpu: 0.5\n",
        )
        .unwrap();
        assert_eq!(m.budgets.len(), 4);
        assert!((m.budgets["p99_ms"].value - 250.0).abs() < f64::EPSILON);
        assert!((m.budgets["error_rate"].value - 0.01).abs() < f64::EPSILON);
        assert_eq!(pos(&m.budgets["cpu"]), (6, 8));
        let (line, column, message, hint) = err("name: a\nbudgets:\n  p99_ms: -1\n");
        assert_eq!((line, column), (3, 11));
        assert_eq!(
            message,
            "budget `p99_ms` must be a finite number >= 0 (its ceiling)"
        );
        assert!(hint.is_some());
        let (line, _, message, _) = err("name: a\nbudgets:\n  p99_ms: 1\n  P99: 2\n");
        assert_eq!(line, 4);
        assert!(
            message.starts_with("`P99` is not a budget name"),
            "{message}"
        );
        let (line, _, message, _) = err("name: a\nbudgets:\n  cpu: .nan\n");
        assert_eq!(line, 3, "{message}");
        let (line, _, message, _) = err("name: a\nbudgets:\n  cpu: lots\n");
        assert_eq!(line, 3, "{message}");
        assert!(parse("name: a\nbudgets: {}\n").unwrap().budgets.is_empty());
        assert!(valid_metric_name("p99_ms") && !valid_metric_name("9x") && !valid_metric_name(""));
    }

    #[test]
    fn unknown_key_suggests_the_field() {
        let (line, column, message, hint) = err("name: a\nownr: team:x\n");
        assert_eq!((line, column), (2, 1));
        assert!(message.contains("unknown field `ownr`"), "{message}");
        assert_eq!(hint.as_deref(), Some("did you mean `owner`?"));
    }

    #[test]
    fn wrong_type_is_located() {
        let (line, column, message, _) = err("name: a\napi:\n  port: lots\n");
        assert_eq!((line, column), (3, 9));
        assert!(
            message.contains("port") || message.contains("u16") || message.contains("integer"),
            "{message}"
        );
        let (line, _, _, _) = err("name: a\ntier: [1]\n");
        assert_eq!(line, 2);
        let (line, _, message, _) = err("name: a\ndepends_on:\n  - { name: b, versoin: \"1\" }\n");
        assert_eq!(line, 3, "{message}");
    }

    #[test]
    fn missing_name_is_an_error() {
        let (_, _, message, _) = err("owner: team:x\n");
        assert!(message.contains("name"), "{message}");
    }

    #[test]
    fn hostile_inputs_are_errors_not_panics() {
        assert!(err("").2.contains("empty"));
        assert!(err("# only a comment\n").2.contains("empty"));
        assert!(err("name: [unclosed\n").0 >= 1);
        assert!(parse_module_file(Path::new("m"), b"\x00\x01\x02binary").is_err());
        assert!(parse_module_file(Path::new("m"), b"name: \xff\xfe").is_err());
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("a{i}")
            };
            let refs = vec![format!("*{prev}"); 9].join(",");
            let _ = writeln!(bomb, "a{}: &a{} [{refs}]", i + 1, i + 1);
        }
        bomb.push_str("name: x\n");
        assert!(parse(&bomb).is_err());
    }

    #[test]
    fn bom_and_crlf_are_fine() {
        let m = parse_module_file(Path::new("m"), b"\xEF\xBB\xBFname: a\r\nversion: 1.0.0\r\n")
            .unwrap();
        assert_eq!(m.name.value, "a");
    }
}
