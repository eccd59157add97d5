//! A module missing files every module should have (off by default).
//!
//! ## What it does
//! For every module with a `module.yaml`, checks that its folder has a `README.md` and a
//! `CHANGELOG.md`, that the `api.openapi` document it declares exists, and that it has at
//! least one test file (under `tests/`, `test/`, `__tests__/` or `src/test/`, or named
//! `test_*`, `*_test.*`, `*.test.*`, `*.spec.*`). `require` lists which of `readme`,
//! `changelog`, `openapi` and `tests` to check (default: all four).
//!
//! ## Why
//! These are the files a newcomer, an on-call engineer or a consumer of the API reaches for
//! first. A module without them is a module only its authors can work on.
//!
//! ## Example
//! ```toml
//! [rules]
//! required-files = { level = "warn", require = ["readme", "tests"] }
//! ```
//!
//! ## How to fix
//! Add the missing file: a README saying what the module does and who owns it, a changelog,
//! the OpenAPI document the module declares, a first test.

use std::collections::HashSet;

use strata_diagnostics::{Diagnostic, Level};

use super::at_module;
use super::hardcoded_endpoint::is_test_file;
use crate::{Context, Phase, Rule};

pub struct RequiredFiles;

const ID: &str = "required-files";

const ALL: [&str; 4] = ["readme", "changelog", "openapi", "tests"];

impl Rule for RequiredFiles {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Off
    }
    fn phase(&self) -> Phase {
        Phase::Graph
    }
    fn source(&self) -> &'static str {
        include_str!("required_files.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let require: Vec<&str> = match cx
            .settings
            .option(ID, "require")
            .and_then(serde_json::Value::as_array)
        {
            Some(list) => list.iter().filter_map(serde_json::Value::as_str).collect(),
            None => ALL.to_vec(),
        };
        let files: HashSet<&str> = cx.files.iter().map(String::as_str).collect();
        let join = |root: &str, rel: &str| {
            if root.is_empty() {
                rel.to_owned()
            } else {
                format!("{root}/{rel}")
            }
        };
        for m in cx.modules {
            let Some(schema) = &m.schema else { continue };
            let mut missing = Vec::new();
            for (what, file) in [("readme", "README.md"), ("changelog", "CHANGELOG.md")] {
                if require.contains(&what) && !files.contains(join(&m.root, file).as_str()) {
                    missing.push(format!("`{file}`"));
                }
            }
            if require.contains(&"openapi") {
                if let Some(doc) = schema.api.as_ref().and_then(|a| a.openapi.as_deref()) {
                    if !files.contains(join(&m.root, doc.trim_start_matches("./")).as_str()) {
                        missing.push(format!("the OpenAPI document `{doc}`"));
                    }
                }
            }
            if require.contains(&"tests") {
                let prefix = if m.root.is_empty() {
                    String::new()
                } else {
                    format!("{}/", m.root)
                };
                let has_test = cx
                    .files
                    .iter()
                    .any(|f| f.starts_with(&prefix) && is_test_file(&f[prefix.len()..]));
                if !has_test {
                    missing.push("tests".to_owned());
                }
            }
            if !missing.is_empty() {
                out.push(
                    at_module(
                        ID,
                        m,
                        format!("module `{}` has no {}", m.name, missing.join(", ")),
                    )
                    .help("add the missing files, or narrow `require` in `[rules]`"),
                );
            }
        }
    }
}
