//! `template.yaml`: what a template declares, parsed into typed structs.

use serde::Deserialize;

use crate::vars::Answer;

/// The file every template folder holds.
pub const SPEC_FILE: &str = "template.yaml";

/// A template's `template.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    /// The template's name: its folder's name.
    pub name: String,
    /// Semantic version of the template.
    pub version: String,
    #[serde(default)]
    pub description: String,
    pub category: Category,
    /// A requirement on strata's version (`>=0.1.0`).
    pub strata: Option<String>,
    /// One parent whose files and variables this template starts from.
    pub extends: Option<String>,
    /// Mixins (templates of category `include`) whose files are added.
    #[serde(default)]
    pub includes: Vec<String>,
    /// The default destination, relative to the repository root (rendered).
    pub into: Option<String>,
    #[serde(default)]
    pub variables: Vec<Variable>,
    /// Files written only when a condition holds.
    #[serde(default)]
    pub files: Vec<FileRule>,
    /// Commands run in the rendered folder, only with `--trust`.
    #[serde(default)]
    pub hooks: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Library,
    Service,
    App,
    Cli,
    Worker,
    Include,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Library => "library",
            Category::Service => "service",
            Category::App => "app",
            Category::Cli => "cli",
            Category::Worker => "worker",
            Category::Include => "include",
        }
    }
}

/// One declared variable.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    pub name: String,
    #[serde(rename = "type", default)]
    pub kind: VarType,
    /// Strings are rendered with the variables declared before this one.
    pub default: Option<Answer>,
    #[serde(default)]
    pub help: String,
    /// For `type: choice`.
    #[serde(default)]
    pub choices: Vec<String>,
    /// A regular expression a string must match.
    pub regex: Option<String>,
    /// Asked and validated only when this renders truthy.
    pub when: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VarType {
    #[default]
    String,
    Int,
    Bool,
    Choice,
    List,
    Module,
    Team,
}

impl VarType {
    pub fn as_str(self) -> &'static str {
        match self {
            VarType::String => "string",
            VarType::Int => "int",
            VarType::Bool => "bool",
            VarType::Choice => "choice",
            VarType::List => "list",
            VarType::Module => "module",
            VarType::Team => "team",
        }
    }
}

/// `files:` entry: output files matching `glob` are written only when `when` is truthy.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRule {
    pub glob: String,
    pub when: String,
}
