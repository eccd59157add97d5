//! Two or more modules with the same name.
//!
//! ## What it does
//! Reports every module whose `name` (from `module.yaml`, else from its manifest) is already
//! used by a module at another root. The first module by path keeps the name; each later one
//! gets a finding naming the others.
//!
//! ## Why
//! Names are how modules refer to each other (`depends_on`), how findings and the registry
//! identify them, and how owners are found. Two modules with one name make every reference to
//! it ambiguous.
//!
//! ## Example
//! ```yaml
//! # services/billing/module.yaml
//! name: billing
//! # legacy/billing/module.yaml
//! name: billing          # duplicate of services/billing
//! ```
//!
//! ## How to fix
//! Rename one of the modules (and the `depends_on` entries that meant it).

use strata_diagnostics::{Diagnostic, Level};

use super::{at_module, declaration_file};
use crate::{Context, Phase, Rule};

pub struct DuplicateModule;

const ID: &str = "duplicate-module";

impl Rule for DuplicateModule {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Error
    }
    fn phase(&self) -> Phase {
        Phase::Schema
    }
    fn source(&self) -> &'static str {
        include_str!("duplicate_module.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for m in cx.modules {
            let first = cx.modules_named(&m.name).next();
            if first.is_some_and(|f| !std::ptr::eq(f, m)) {
                let others: Vec<String> = cx
                    .modules_named(&m.name)
                    .filter(|o| !std::ptr::eq(*o, m))
                    .map(declaration_file)
                    .map(|p| format!("`{p}`"))
                    .collect();
                out.push(
                    at_module(
                        ID,
                        m,
                        format!(
                            "module name `{}` is already used by {}",
                            m.name,
                            others.join(", ")
                        ),
                    )
                    .target(&m.name)
                    .help("give every module a unique name"),
                );
            }
        }
    }
}
