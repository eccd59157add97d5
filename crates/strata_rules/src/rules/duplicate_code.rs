//! A function or method copied from another module (off by default).
//!
//! ## What it does
//! Reports every function or method whose tokens are the same as one in another module: a
//! copy (type 1) or a copy with names and literals changed (type 2), of at least `min_tokens`
//! tokens (default 50). The finding is at the copy that sorts second, naming the first
//! original (one finding per copy however many originals it has). Clones within one module
//! are left to `strata dupes`.
//!
//! ## Why
//! Code pasted across a module boundary is code that now has two owners: a fix lands in one
//! copy and not the other, and the module that should have been imported never learns it has
//! a user. With a baseline or `--diff-base`, CI fails only on new copies.
//!
//! ## Example
//! ```toml
//! [rules]
//! duplicate-code = { level = "error", min_tokens = 80 }
//! ```
//!
//! ## How to fix
//! Import the original through its module's interface (declare the dependency), or move the
//! shared code to a module both may depend on. `strata similar FILE:START-END` shows every
//! copy; `strata find NAME --from FILE` says whether the original may be imported.

use strata_diagnostics::{Diagnostic, Level};

use crate::{Context, Phase, Rule};

pub struct DuplicateCode;

const ID: &str = "duplicate-code";

/// The smallest clone reported when `min_tokens` is not set.
pub const DEFAULT_MIN_TOKENS: usize = 50;

/// The `min_tokens` option of the rule.
pub fn min_tokens(cx_settings: &crate::RuleSettings) -> usize {
    cx_settings
        .option(ID, "min_tokens")
        .and_then(serde_json::Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_MIN_TOKENS)
}

impl Rule for DuplicateCode {
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
        include_str!("duplicate_code.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let min = min_tokens(cx.settings);
        // One finding per copy, naming the first original (clones come sorted by `a`).
        let mut reported = std::collections::HashSet::new();
        for c in cx.clones.iter().filter(|c| c.tokens >= min) {
            let (Some(ma), Some(mb)) = (c.a.module, c.b.module) else {
                continue;
            };
            if ma == mb || !reported.insert((c.b.path.as_str(), c.b.start_line)) {
                continue;
            }
            let (original, copy) = (&cx.modules[ma], &cx.modules[mb]);
            let what = if c.kind == 1 {
                "a copy"
            } else {
                "a copy with names and literals changed"
            };
            out.push(
                Diagnostic::new(
                    ID,
                    format!(
                        "`{}` in `{}` is {what} of `{}` in `{}` ({}:{}-{}, {} tokens)",
                        c.b.name,
                        copy.name,
                        c.a.name,
                        original.name,
                        c.a.path,
                        c.a.start_line,
                        c.a.end_line,
                        c.tokens
                    ),
                )
                .module(&copy.name)
                .at(&c.b.path, c.b.start_line, 1)
                .target(&original.name)
                .target_file(&c.a.path)
                .help(format!(
                    "import it from `{}` through its interface, or move it to a module both may depend on",
                    original.name
                )),
            );
        }
    }
}
