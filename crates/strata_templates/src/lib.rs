//! Templates for `strata new`: the built-in ones embedded in the binary and a repository's own
//! under `templates/`, resolved (`extends`, `includes`), their variables checked against the
//! repository, and rendered in memory before anything is written; `strata template update`
//! renders a module again and merges.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod catalog;
mod engine;
mod error;
mod spec;
mod update;
mod vars;
mod write;

pub use catalog::{Catalog, Source, TemplateEntry};
pub use engine::{ANSWERS_FILE, Prompter, RenderOptions, Rendered, render, variables};
pub use error::TemplateError;
pub use spec::{Category, FileRule, TemplateSpec, VarType, Variable};
pub use update::{Action, AnswersFile, FileUpdate, Update, plan_update, uncommitted};
pub use vars::{Answer, Answers, BUILTIN_VARIABLES, RepoFacts, parse_set, parse_values};
