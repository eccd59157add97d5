//! Templates for `strata new`: the built-in ones embedded in the binary and a repository's own
//! under `templates/`, resolved (`extends`, `includes`), their variables checked against the
//! repository, and rendered in memory before anything is written.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod catalog;
mod engine;
mod error;
mod spec;
mod vars;
mod write;

pub use catalog::{Catalog, Source, TemplateEntry};
pub use engine::{ANSWERS_FILE, RenderOptions, Rendered, render, variables};
pub use error::TemplateError;
pub use spec::{Category, FileRule, TemplateSpec, VarType, Variable};
pub use vars::{Answer, Answers, BUILTIN_VARIABLES, RepoFacts, parse_set, parse_values};
