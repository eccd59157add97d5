//! Language front-ends: from one file's bytes, its imports and definitions; from an import, the
//! repository file(s) or external package it names.
//!
//! Adding a language touches one folder: a module here implementing [`Frontend`] (extraction,
//! pure and per file) and [`Resolver`] (resolution, against the whole [`SourceTree`]), plus one
//! line in [`frontend`].
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod complexity;
pub mod go;
pub mod java;
pub mod python;
pub mod rust;
pub mod tokens;
pub mod tree;
pub mod ts;

pub use rust::test_code as rust_test_code;
pub use tokens::codes as token_codes;
pub use tokens::{Lexed, Token, lex};
pub use tree::{FileId, FileRead, SourceTree, content_hash, file_name, join, mtime_ns, parent};

use serde::{Deserialize, Serialize};

/// A language family strata understands. The serialised names are the stable ids used in JSON
/// output and in configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Rust,
    /// TypeScript and JavaScript (`.ts .tsx .mts .cts .js .jsx .mjs .cjs`, `.d.ts`).
    Ts,
    Py,
    Go,
    Java,
}

impl Lang {
    pub const ALL: [Lang; 5] = [Lang::Rust, Lang::Ts, Lang::Py, Lang::Go, Lang::Java];

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::Ts => "ts",
            Lang::Py => "py",
            Lang::Go => "go",
            Lang::Java => "java",
        }
    }

    /// The language of a source file, from its extension; `None` for anything else.
    pub fn from_path(path: &str) -> Option<Lang> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let ext = name.rsplit_once('.')?.1;
        Some(match ext {
            "rs" => Lang::Rust,
            "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs" => Lang::Ts,
            "py" | "pyi" => Lang::Py,
            "go" => Lang::Go,
            "java" => Lang::Java,
            _ => return None,
        })
    }

    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an import is written; resolution may treat kinds differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportKind {
    /// `import`, `use`, `import a.b.C;` — the ordinary form of the language.
    Static,
    /// TypeScript `import type` / `export type … from`.
    TypeOnly,
    /// `export … from` (TS), `pub use` (Rust).
    ReExport,
    /// `import 'x'` (TS), `import _ "x"` (Go).
    SideEffect,
    /// `require('x')`.
    Require,
    /// `import('x')` with a literal argument.
    Dynamic,
    /// Rust `mod foo;` (spec = the module name, or the `#[path]` value when `path` is set).
    Mod,
    /// Rust `extern crate`.
    ExternCrate,
    /// Java `import static`.
    StaticMember,
    /// Java `import a.b.*;`, Python `from a import *`.
    Wildcard,
    /// Rust: a path written in code without a `use` (`other_crate::f()`, `x: other::Type`);
    /// spec = its first two segments. Resolved only when it names another crate of the tree.
    Qualified,
}

/// One import as written in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// The specifier as the language names it: a module path (`a.b.c`, `crate::a::b`,
    /// `./x.js`, `example.com/mono/x/api`, `com.acme.Foo`). Python relative imports keep their
    /// leading dots (`..pkg`).
    pub spec: String,
    /// For `from spec import n1, n2` (Python): the imported names; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    pub kind: ImportKind,
    /// 1-based line and column (in bytes) of the specifier.
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DefKind {
    #[default]
    Function,
    Method,
    Class,
    Struct,
    Enum,
    Trait,
    Interface,
    TypeAlias,
    /// A named constant: Rust `const`/`static`, TypeScript top-level `const` of a literal, Python
    /// module-level `UPPER_CASE` assignment, Go `const`, Java `static final` field.
    Const,
}

impl DefKind {
    /// Functions and methods: the definitions whose tokens are compared for clones.
    pub fn is_code(self) -> bool {
        matches!(self, DefKind::Function | DefKind::Method)
    }

    /// The kind's group in `strata find --kind`: `fn`, `type` or `const`.
    pub fn group(self) -> &'static str {
        match self {
            DefKind::Function | DefKind::Method => "fn",
            DefKind::Const => "const",
            _ => "type",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    #[default]
    Public,
    Private,
}

/// A definition: a function, method, type or constant, with its 1-based inclusive line span.
/// The scanner gives name, kind, visibility and span; [`tokens::describe`] the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    pub name: String,
    pub kind: DefKind,
    /// Exported: `pub`, `export`, a capitalised Go name, Java `public`, no leading `_` in Python.
    pub visibility: Visibility,
    pub start_line: u32,
    pub end_line: u32,
    /// The declaration on one line, up to its body (whitespace collapsed, at most 200 chars).
    #[serde(default)]
    pub signature: String,
    /// The first line of its doc comment or docstring.
    #[serde(default)]
    pub doc: Option<String>,
    /// Functions and methods: the normalised token codes of the span ([`tokens`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<u8>,
    /// Functions and methods: a hash of the exact tokens (equal for type-1 copies).
    #[serde(default)]
    pub fingerprint: u64,
    /// Functions and methods: 1 + decision points (branches, loops, cases, catches,
    /// short-circuit operators); see [`complexity`].
    #[serde(default)]
    pub complexity: u32,
    /// Functions and methods: how many control blocks enclose the deepest statement.
    #[serde(default)]
    pub nesting: u32,
}

/// Everything strata keeps of one source file after a single pass over its bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    pub imports: Vec<Import>,
    pub definitions: Vec<Definition>,
    /// Lines in the file (a last line without a newline counts).
    #[serde(default)]
    pub lines: u32,
}

/// Per-file extraction. Pure: the same bytes give the same facts, whatever else is in the
/// repository, so facts can be cached by content hash.
pub trait Frontend: Sync + Send {
    fn lang(&self) -> Lang;
    /// Extract imports and definitions. Never panics, whatever the bytes (invalid UTF-8,
    /// binary data, a BOM, CRLF line ends).
    fn extract(&self, path: &str, src: &[u8]) -> FileFacts;
    /// Build the resolver for this language from the repository's files and manifests.
    fn resolver(&self, tree: &SourceTree) -> Box<dyn Resolver>;
}

/// What an import names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A file of the repository.
    File(FileId),
    /// A third-party package (crate, npm package, `PyPI` import name, Go module path, Maven
    /// `group:artifact` or the top-level Java package). Standard libraries are not reported.
    External(String),
}

/// Resolution of imports against the repository.
pub trait Resolver: Sync + Send {
    /// Push every target the import names (Go: every non-test file of a package). Nothing is
    /// pushed for standard-library imports or imports that name nothing.
    fn resolve(&self, tree: &SourceTree, from: FileId, import: &Import, out: &mut Vec<Target>);
}

/// The front-end of a language.
pub fn frontend(lang: Lang) -> &'static dyn Frontend {
    match lang {
        Lang::Rust => &rust::RustFrontend,
        Lang::Ts => &ts::TsFrontend,
        Lang::Py => &python::PyFrontend,
        Lang::Go => &go::GoFrontend,
        Lang::Java => &java::JavaFrontend,
    }
}

/// 1-based line and column of a byte offset; shared by the scanners.
#[allow(dead_code)]
pub(crate) fn line_col(line_starts: &[usize], offset: usize) -> (u32, u32) {
    let line = line_starts.partition_point(|&s| s <= offset);
    let start = line_starts[line.saturating_sub(1)];
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(offset - start + 1).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_from_path() {
        assert_eq!(Lang::from_path("a/b/c.rs"), Some(Lang::Rust));
        assert_eq!(Lang::from_path("x.d.ts"), Some(Lang::Ts));
        assert_eq!(Lang::from_path("x.mjs"), Some(Lang::Ts));
        assert_eq!(Lang::from_path("a.b/README"), None);
        assert_eq!(Lang::from_path("Makefile"), None);
    }

    #[test]
    fn line_col_counts_from_one() {
        let starts = [0, 4, 9];
        assert_eq!(line_col(&starts, 0), (1, 1));
        assert_eq!(line_col(&starts, 5), (2, 2));
        assert_eq!(line_col(&starts, 9), (3, 1));
    }
}
