//! Everything that can stop a template from being listed, rendered or written.

use std::path::PathBuf;

/// Why a template could not be loaded, rendered or written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("no template is named `{name}`{}", did_you_mean(.suggestion.as_deref()))]
    UnknownTemplate {
        name: String,
        suggestion: Option<String>,
    },
    #[error("cannot read template `{}`", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to parse `{path}`")]
    Parse {
        path: String,
        // Boxed: the parser's error is large, and every result of this crate carries it.
        #[source]
        source: Box<serde_saphyr::Error>,
    },
    #[error("template `{template}`: {message}")]
    Invalid { template: String, message: String },
    #[error("template `{template}` requires strata `{requirement}`, this is strata `{version}`")]
    StrataVersion {
        template: String,
        requirement: String,
        version: String,
    },
    #[error("templates extend each other in a cycle: {}", .chain.join(" -> "))]
    ExtendsCycle { chain: Vec<String> },
    #[error("template `{template}` extends `{parent}`, which does not exist")]
    MissingParent { template: String, parent: String },
    #[error("template `{template}` includes `{include}`, which does not exist")]
    MissingInclude { template: String, include: String },
    #[error(
        "templates `{first}` and `{second}` both write `{path}` (give `{template}` its own `{path}` to choose)"
    )]
    IncludeOverlap {
        first: String,
        second: String,
        path: String,
        template: String,
    },
    #[error("variable `{name}`: {message}")]
    Variable { name: String, message: String },
    #[error("unknown variable `{name}` in `--set`{}", did_you_mean(.suggestion.as_deref()))]
    UnknownVariable {
        name: String,
        suggestion: Option<String>,
    },
    #[error("module name `{name}`: {message}")]
    ModuleName { name: String, message: String },
    #[error("`{file}` line {line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("hook `{command}` failed: {message}")]
    Hook { command: String, message: String },
    #[error("refusing to overwrite existing files: {}", list(.paths))]
    Exists { paths: Vec<String> },
    #[error("`{}` holds no `.strata-template.yaml`: it was not made by `strata new`", .path)]
    NotGenerated { path: String },
    #[error("`{path}` has changes not committed to git: {}", list(.files))]
    Uncommitted { path: String, files: Vec<String> },
    #[error("cannot write `{}`", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}

/// The first few paths, and how many more.
fn list(paths: &[String]) -> String {
    const SHOWN: usize = 5;
    use std::fmt::Write as _;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        let _ = write!(text, " and {} more", paths.len() - SHOWN);
    }
    text
}

impl TemplateError {
    /// What the user can do about it, when strata knows.
    pub fn hint(&self) -> Option<&str> {
        match self {
            TemplateError::UnknownTemplate { .. } => {
                Some("`strata template list` lists every template")
            }
            TemplateError::UnknownVariable { .. } => {
                Some("`strata template show TEMPLATE` lists its variables")
            }
            TemplateError::Exists { .. } => Some("choose another name or `--into` folder"),
            TemplateError::Hook { .. } => Some("nothing was written"),
            TemplateError::NotGenerated { .. } => {
                Some("`strata template update` updates modules made from a template")
            }
            TemplateError::Uncommitted { .. } => Some(
                "commit or stash them first, so that a merge can be undone, or pass `--allow-dirty`",
            ),
            _ => None,
        }
    }
}
