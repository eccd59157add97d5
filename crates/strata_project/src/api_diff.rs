//! The public surface of each module and how it changed between two revisions: removed, added
//! and changed symbols, the semver bump they need, the version the module declares, and what
//! the new version does to every dependent's requirement (`strata api-diff`, rule
//! `semver-bump`).
//!
//! The surface of a module is what its interface files export (DESIGN.md §1, the files rule
//! `internal-import` treats as public): Rust `pub` items of the interface files and of the
//! files their `pub mod` items declare (`store::save`; methods of inherent `impl` blocks as
//! `Type::method`, trait methods as `Trait::method`, trait impls as `impl Trait for Type`,
//! `pub use` re-exports by name, not followed); TypeScript `export`s, with the members of
//! exported classes (`Class.member`) and `export … from` re-exports; Python `__all__` when the
//! file has one, else the names without a leading `_` (and relative imports of `__init__.py`);
//! Go exported identifiers, methods on exported types as `Type.Method`; Java public types and
//! their public members (every member of an interface). Tests are never surface.
//!
//! A symbol is keyed by (file relative to the module — its folder for Go, whose package spans
//! files —, qualified name, kind), so a moved line or a reordered file is no change. Its
//! signature is the declaration up to the body, without comments, whitespace-insensitive, with
//! parameter names kept (renaming a parameter is reported as a change: it is one for Python
//! keyword arguments, and a reviewer should see it elsewhere); a constant's value is not part
//! of it, the fields and variants of a Rust struct or enum, of a Go struct or interface, and the
//! members of a TypeScript interface or enum are.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use semver::Version;
use serde::Serialize;
use strata_diagnostics::Diagnostic;
use strata_lang::{DefKind, Definition, FileFacts, ImportKind, Lang, Token, Visibility};
use strata_rules::{ApiBump, GraphInput, Interfaces, is_test_file};
use strata_workspace::ManifestKind;

use crate::{BaselineError, LoadOptions, Project};

/// A semver bump, smallest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// What a change to a module's public surface means for its users, smallest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiImpact {
    /// Nothing of the module changed.
    None,
    /// Files of the module changed, its surface did not.
    Internal,
    /// Symbols were added, none removed or changed.
    Addition,
    /// A symbol was removed or its signature changed.
    Breaking,
}

/// The bump a change of this impact needs from version `from` (Cargo's rules): from 1.0.0 on,
/// breaking = major, addition = minor, anything else = patch; for 0.y.z (y > 0) breaking =
/// minor and everything else = patch; for 0.0.z every change is breaking and needs a patch
/// bump (`^0.0.z` admits only 0.0.z). Without a version, as from 1.0.0.
pub fn required_bump(impact: ApiImpact, from: Option<&Version>) -> Bump {
    let (major, minor) = from.map_or((1, 0), |v| (v.major, v.minor));
    match impact {
        ApiImpact::None => Bump::None,
        _ if major == 0 && minor == 0 => Bump::Patch,
        ApiImpact::Breaking if major == 0 => Bump::Minor,
        ApiImpact::Breaking => Bump::Major,
        ApiImpact::Addition if major == 0 => Bump::Patch,
        ApiImpact::Addition => Bump::Minor,
        ApiImpact::Internal => Bump::Patch,
    }
}

/// The bump from `from` to `to`: the first of major, minor, patch that grew (a pre-release or
/// build that grew is a patch bump); `None` when `to` is not greater.
pub fn declared_bump(from: &Version, to: &Version) -> Bump {
    if to <= from {
        Bump::None
    } else if to.major != from.major {
        Bump::Major
    } else if to.minor != from.minor {
        Bump::Minor
    } else {
        Bump::Patch
    }
}

/// One symbol of a module's public surface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Symbol {
    /// Qualified name: `Type::method` (Rust), `Class.method` (others).
    pub name: String,
    pub kind: &'static str,
    /// The declaration up to its body, comments removed, whitespace collapsed.
    pub signature: String,
    /// Repository-relative path and 1-based line.
    pub path: String,
    pub line: u32,
    /// The signature compared: tokens without layout.
    #[serde(skip)]
    canon: String,
    /// The file (Go: the folder) relative to the module, part of the key.
    #[serde(skip)]
    file: String,
}

/// Removed, added or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Removed,
    Added,
    Changed,
}

/// One change of a module's public surface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiChange {
    pub symbol: String,
    pub kind: &'static str,
    pub change: ChangeKind,
    /// Where the symbol is: at the head, or at the base for a removed one.
    pub path: String,
    pub line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// The version a module declares at the base and at the head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionChange {
    pub from: String,
    pub to: String,
    pub bump: Bump,
}

/// A module that depends on a changed one, with its requirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dependent {
    pub module: String,
    /// The version requirement as written (`module.yaml` `depends_on`, else the manifest's).
    pub requirement: Option<String>,
    /// Whether the module's new version satisfies the requirement (true without one; `None`
    /// when the version or the requirement does not parse, or the module declares no version).
    pub still_satisfied: Option<bool>,
}

/// How one module's public surface changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModuleApiDiff {
    pub module: String,
    /// The version at the head.
    pub version: Option<String>,
    pub changes: Vec<ApiChange>,
    pub required_bump: Bump,
    /// A symbol was removed or changed.
    pub breaking: bool,
    pub declared_version_change: Option<VersionChange>,
    /// Whether the declared bump covers the required one (`None` without versions).
    pub bump_ok: Option<bool>,
    pub dependents: Vec<Dependent>,
    /// Where the version is declared (repository-relative `file`, 1-based `line`, `column`).
    #[serde(skip)]
    version_at: Option<(String, u32, u32)>,
}

/// `strata api-diff`: every module whose files changed between `base` and `head`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiDiffDoc {
    pub base: String,
    /// The head revision, or `working tree`.
    pub head: String,
    pub modules: Vec<ModuleApiDiff>,
}

impl Project {
    /// The public-API changes of every module between git revision `base` and `head` (the
    /// working tree when `None`). Each revision is read from a temporary export.
    pub fn api_diff(
        &self,
        base: &str,
        head: Option<&str>,
        options: &LoadOptions,
    ) -> Result<ApiDiffDoc, BaselineError> {
        let before = self.at_revision(base, options)?;
        let changed = self.changed_files(Some(base), head)?;
        let mut doc = match head {
            Some(h) => {
                let after = self.at_revision(h, options)?;
                after.project.api_diff_from(&before.project, &changed)
            }
            None => self.api_diff_from(&before.project, &changed),
        };
        base.clone_into(&mut doc.base);
        head.unwrap_or("working tree").clone_into(&mut doc.head);
        Ok(doc)
    }

    /// The public-API changes from `base` (the same repository at an earlier state) to this
    /// project, for the modules owning a file of `changed` (repository-relative paths).
    pub fn api_diff_from(&self, base: &Project, changed: &[String]) -> ApiDiffDoc {
        let mut touched = BTreeSet::new();
        for path in changed {
            if let Some(m) = self.module_by_root(path) {
                touched.insert(m);
            }
            if let Some(m) = base
                .module_by_root(path)
                .and_then(|m| self.module_index(base.modules[m].name()))
            {
                touched.insert(m);
            }
        }
        let (declared, base_declared) = (self.declared_modules(), base.declared_modules());
        let (interfaces, base_interfaces) =
            (Interfaces::new(&declared), Interfaces::new(&base_declared));
        let mut modules = Vec::new();
        for &i in &touched {
            let module = &self.modules[i];
            let Some(earlier) = base.module_index(module.name()) else {
                // A new module has no earlier surface to compare with.
                continue;
            };
            let before = base.surface_with(&base_interfaces, earlier);
            let after = self.surface_with(&interfaces, i);
            let diff = diff_surfaces(&before, &after);
            let impact = if diff.iter().any(|c| c.change != ChangeKind::Added) {
                ApiImpact::Breaking
            } else if diff.is_empty() {
                ApiImpact::Internal
            } else {
                ApiImpact::Addition
            };
            let from = base.modules[earlier].declared.version();
            let to = module.declared.version();
            let from_v = from.and_then(|v| Version::parse(v).ok());
            let to_v = to.and_then(|v| Version::parse(v).ok());
            let required = required_bump(impact, from_v.as_ref());
            let declared_version_change = match (from, to) {
                (Some(from), Some(to)) => Some(VersionChange {
                    from: from.to_owned(),
                    to: to.to_owned(),
                    bump: match (&from_v, &to_v) {
                        (Some(old), Some(new)) => declared_bump(old, new),
                        _ => Bump::None,
                    },
                }),
                _ => None,
            };
            let bump_ok = match (&from_v, &to_v) {
                (Some(old), Some(new)) => Some(declared_bump(old, new) >= required),
                _ => None,
            };
            modules.push(ModuleApiDiff {
                module: module.name().to_owned(),
                version: to.map(str::to_owned),
                changes: diff,
                required_bump: required,
                breaking: impact == ApiImpact::Breaking,
                declared_version_change,
                bump_ok,
                dependents: self.dependents(i, to_v.as_ref()),
                version_at: self.version_at(i),
            });
        }
        modules.sort_by(|a, b| a.module.cmp(&b.module));
        ApiDiffDoc {
            base: String::new(),
            head: String::new(),
            modules,
        }
    }

    /// Findings of rule `semver-bump` for an API diff whose head is this project (empty when
    /// the rule is off).
    pub fn semver_bump_findings(&self, doc: &ApiDiffDoc) -> Vec<Diagnostic> {
        let bumps: Vec<ApiBump> = doc
            .modules
            .iter()
            .filter_map(|d| {
                let (file, line, column) = d.version_at.clone()?;
                let change = d.declared_version_change.as_ref()?;
                Some(ApiBump {
                    module: self.module_index(&d.module)?,
                    file,
                    line,
                    column,
                    from: change.from.clone(),
                    to: change.to.clone(),
                    required: d.required_bump.as_str(),
                    declared: change.bump.as_str(),
                    enough: d.bump_ok.unwrap_or(true),
                    breaking: d.breaking,
                    symbols: d
                        .changes
                        .iter()
                        .filter(|c| d.breaking == (c.change != ChangeKind::Added))
                        .map(|c| {
                            let verb = match c.change {
                                ChangeKind::Removed => "removed",
                                ChangeKind::Added => "added",
                                ChangeKind::Changed => "changed",
                            };
                            format!("`{}` {verb}", c.symbol)
                        })
                        .collect(),
                })
            })
            .collect();
        let declared = self.declared_modules();
        let module_edges = BTreeMap::new();
        let cx = self
            .rule_context(&declared, GraphInput::new(&[], &[], &module_edges))
            .with_api_bumps(&bumps);
        strata_rules::run_only(&cx, &["semver-bump"])
    }

    /// The public surface of module `module` (an index into [`Project::modules`]), sorted by
    /// file and name.
    pub fn surface(&self, module: usize) -> Vec<Symbol> {
        let declared = self.declared_modules();
        self.surface_with(&Interfaces::new(&declared), module)
    }

    /// [`Project::surface`] with the project's interfaces already known.
    fn surface_with(&self, interfaces: &Interfaces<'_>, module: usize) -> Vec<Symbol> {
        let root = self
            .modules
            .get(module)
            .map_or("", |m| m.declared.root.as_str());
        let mut out = Vec::new();
        // (repository path, name prefix) of the files to read: the interface files, then the
        // Rust files their `pub mod` items declare (one level of nesting after another).
        let mut queue: Vec<(String, String)> = self
            .sources
            .iter()
            .filter(|f| f.module == Some(module))
            .filter(|f| interfaces.contains(module, &f.path) && !is_test_file(&f.path))
            .map(|f| (f.path.clone(), String::new()))
            .collect();
        let mut seen: BTreeSet<String> = queue.iter().map(|(p, _)| p.clone()).collect();
        while let Some((path, prefix)) = queue.pop() {
            let Some(lang) = Lang::from_path(&path) else {
                continue;
            };
            let Ok(src) = std::fs::read(self.root.join(&path)) else {
                continue;
            };
            let facts = strata_lang::frontend(lang).extract(&path, &src);
            let rel = if root.is_empty() {
                path.as_str()
            } else {
                path.strip_prefix(root)
                    .and_then(|p| p.strip_prefix('/'))
                    .unwrap_or(&path)
            };
            let file = FileSurface {
                lang,
                src: &src,
                toks: strata_lang::lex(lang, &src).tokens,
                path: &path,
                rel,
                prefix: &prefix,
            };
            file.symbols(&facts, &mut out);
            for (name, child) in file.public_mods(&facts) {
                let owned = self
                    .sources
                    .binary_search_by(|s| s.path.as_str().cmp(&child))
                    .ok()
                    .is_some_and(|i| self.sources[i].module == Some(module));
                if owned && !is_test_file(&child) && seen.insert(child.clone()) {
                    queue.push((child, format!("{prefix}{name}::")));
                }
            }
        }
        disambiguate(&mut out);
        out.sort_by(|a, b| {
            (&a.file, &a.name, a.kind, a.line).cmp(&(&b.file, &b.name, b.kind, b.line))
        });
        out
    }

    fn module_index(&self, name: &str) -> Option<usize> {
        self.modules.iter().position(|m| m.name() == name)
    }

    /// The module whose root holds `path` (longest root wins).
    fn module_by_root(&self, path: &str) -> Option<usize> {
        self.modules
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                let r = m.declared.root.as_str();
                r.is_empty()
                    || path
                        .strip_prefix(r)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|(_, m)| m.declared.root.len())
            .map(|(i, _)| i)
    }

    /// Modules that declare a dependency on module `target` (`depends_on`, else a manifest
    /// dependency on its package name), with whether `version` satisfies their requirement.
    fn dependents(&self, target: usize, version: Option<&Version>) -> Vec<Dependent> {
        let t = &self.modules[target].declared;
        let package = t.manifest.as_ref().and_then(|m| m.name.as_deref());
        let mut out = Vec::new();
        for (i, m) in self.modules.iter().enumerate() {
            if i == target {
                continue;
            }
            let d = &m.declared;
            let bare_is_caret =
                d.manifest.as_ref().and_then(|x| x.kind) == Some(ManifestKind::Cargo);
            let from_schema = d.schema.as_ref().and_then(|s| {
                s.depends_on
                    .iter()
                    .find(|dep| dep.value.name() == t.name)
                    .map(|dep| dep.value.version().map(str::to_owned))
            });
            let from_manifest = || {
                d.manifest.as_ref().and_then(|man| {
                    man.dependencies
                        .iter()
                        .find(|dep| dep.name == t.name || Some(dep.name.as_str()) == package)
                        .map(|dep| dep.version.clone())
                })
            };
            let Some(requirement) = from_schema.or_else(from_manifest) else {
                continue;
            };
            let still_satisfied = match &requirement {
                None => Some(true),
                Some(text) => version.and_then(|v| {
                    strata_rules::parse_requirement(text)
                        .ok()
                        .map(|r| r.matches(v, bare_is_caret))
                }),
            };
            out.push(Dependent {
                module: m.name().to_owned(),
                requirement,
                still_satisfied,
            });
        }
        out.sort_by(|a, b| a.module.cmp(&b.module));
        out
    }

    /// Where module `module` declares its version: `module.yaml`'s `version:`, else the
    /// manifest's first line starting with a version key.
    fn version_at(&self, module: usize) -> Option<(String, u32, u32)> {
        let d = &self.modules.get(module)?.declared;
        if let (Some(v), Some(path)) = (
            d.schema.as_ref().and_then(|s| s.version.as_ref()),
            &d.schema_path,
        ) {
            let (line, column) = strata_workspace::module_file::pos(v);
            return Some((path.clone(), line, column));
        }
        let manifest = d.manifest.as_ref().filter(|m| m.version.is_some())?;
        let text = std::fs::read_to_string(self.root.join(&manifest.path)).ok()?;
        let at = text
            .find("\"version\"")
            .or_else(|| text.find("<version>"))
            .or_else(|| {
                let mut offset = 0;
                text.split_inclusive('\n').find_map(|l| {
                    let here = offset + l.len() - l.trim_start().len();
                    offset += l.len();
                    l.trim_start().starts_with("version").then_some(here)
                })
            })?;
        let (line, column) = strata_workspace::error::line_col(&text, at);
        Some((manifest.path.clone(), line, column))
    }
}

/// Changes from `before` to `after`, sorted by symbol, kind and change.
fn diff_surfaces(before: &[Symbol], after: &[Symbol]) -> Vec<ApiChange> {
    let key = |s: &Symbol| (s.file.clone(), s.name.clone(), s.kind);
    let old: HashMap<_, &Symbol> = before.iter().map(|s| (key(s), s)).collect();
    let new: HashMap<_, &Symbol> = after.iter().map(|s| (key(s), s)).collect();
    let mut out = Vec::new();
    for s in before {
        if !new.contains_key(&key(s)) {
            out.push(ApiChange {
                symbol: s.name.clone(),
                kind: s.kind,
                change: ChangeKind::Removed,
                path: s.path.clone(),
                line: s.line,
                before: Some(s.signature.clone()),
                after: None,
            });
        }
    }
    for s in after {
        match old.get(&key(s)) {
            None => out.push(ApiChange {
                symbol: s.name.clone(),
                kind: s.kind,
                change: ChangeKind::Added,
                path: s.path.clone(),
                line: s.line,
                before: None,
                after: Some(s.signature.clone()),
            }),
            Some(o) if o.canon != s.canon => out.push(ApiChange {
                symbol: s.name.clone(),
                kind: s.kind,
                change: ChangeKind::Changed,
                path: s.path.clone(),
                line: s.line,
                before: Some(o.signature.clone()),
                after: Some(s.signature.clone()),
            }),
            Some(_) => {}
        }
    }
    out.sort_by(|a, b| {
        (&a.symbol, a.kind, a.change, &a.path).cmp(&(&b.symbol, b.kind, b.change, &b.path))
    });
    out
}

/// Symbols sharing a key (overloads) get their parameter list in the name.
fn disambiguate(symbols: &mut [Symbol]) {
    let mut count: HashMap<(String, String, &'static str), usize> = HashMap::new();
    for s in symbols.iter() {
        *count
            .entry((s.file.clone(), s.name.clone(), s.kind))
            .or_default() += 1;
    }
    for s in symbols.iter_mut() {
        if count
            .get(&(s.file.clone(), s.name.clone(), s.kind))
            .is_some_and(|&n| n > 1)
        {
            let params = s
                .canon
                .find('(')
                .map(|i| params_of(&s.canon[i..]))
                .unwrap_or_default();
            s.name.push_str(&params);
        }
    }
}

/// The balanced parenthesised prefix of `text` (which starts with `(`).
fn params_of(text: &str) -> String {
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return text[..=i].to_owned();
                }
            }
            _ => {}
        }
    }
    text.to_owned()
}

fn kind_name(kind: DefKind) -> &'static str {
    match kind {
        DefKind::Function => "function",
        DefKind::Method => "method",
        DefKind::Class => "class",
        DefKind::Struct => "struct",
        DefKind::Enum => "enum",
        DefKind::Trait => "trait",
        DefKind::Interface => "interface",
        DefKind::TypeAlias => "type-alias",
        DefKind::Const => "const",
    }
}

fn is_type(kind: DefKind) -> bool {
    matches!(
        kind,
        DefKind::Class | DefKind::Struct | DefKind::Enum | DefKind::Trait | DefKind::Interface
    )
}

fn is_word(text: &str) -> bool {
    text.bytes()
        .next_back()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80)
}

/// A declaration as shown (source layout collapsed) and as compared (tokens only).
#[derive(Default)]
struct Decl {
    display: String,
    canon: String,
    last: Option<Token>,
}

impl Decl {
    fn push(&mut self, src: &[u8], t: Token) {
        let text = tok_text(src, t);
        if let Some(prev) = self.last {
            let prev_text = tok_text(src, prev);
            if t.start > prev.end
                && !prev_text.ends_with(['(', '['])
                && !text.starts_with([')', ']', ',', ';'])
            {
                self.display.push(' ');
            }
            if is_word(prev_text)
                && text.bytes().next().is_some_and(|b| {
                    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
                })
            {
                self.canon.push(' ');
            }
        }
        self.display.push_str(text);
        self.canon.push_str(text);
        self.last = Some(t);
    }
}

fn tok_text(src: &[u8], t: Token) -> &str {
    std::str::from_utf8(
        src.get(t.start as usize..t.end as usize)
            .unwrap_or_default(),
    )
    .unwrap_or("")
}

/// One interface file being read.
struct FileSurface<'a> {
    lang: Lang,
    src: &'a [u8],
    toks: Vec<Token>,
    /// Repository-relative path.
    path: &'a str,
    /// Relative to the module root.
    rel: &'a str,
    /// Prepended to every name: the module path of a Rust file reached by `pub mod` (`a::b::`).
    prefix: &'a str,
}

/// A Rust `impl` block: its lines and the type it is for.
struct RustImpl {
    first_line: u32,
    last_line: u32,
    self_type: String,
    /// `impl Trait for Type`, as declared (generics dropped).
    trait_header: Option<(String, String)>,
    line: u32,
}

impl FileSurface<'_> {
    fn text(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |&t| tok_text(self.src, t))
    }

    fn key_file(&self) -> String {
        if self.lang == Lang::Go {
            self.rel.rsplit_once('/').map_or("", |(d, _)| d).to_owned()
        } else {
            self.rel.to_owned()
        }
    }

    fn symbol(&self, name: &str, kind: &'static str, decl: &Decl, line: u32) -> Symbol {
        // `impl Trait for Type` names its own path.
        let prefix = if kind == "impl" { "" } else { self.prefix };
        Symbol {
            name: format!("{prefix}{name}"),
            kind,
            signature: decl.display.clone(),
            path: self.path.to_owned(),
            line,
            canon: decl.canon.clone(),
            file: self.key_file(),
        }
    }

    /// The index of the token after the one matching the opening bracket at `open`.
    fn close_of(&self, open: usize) -> usize {
        let mut depth = 0i32;
        for i in open..self.toks.len() {
            match self.text(i) {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        self.toks.len()
    }

    /// The declaration of `def`: from the start of its statement on the name's line to its
    /// body; with the members of a data type.
    fn declaration(&self, def: &Definition) -> Option<Decl> {
        let first = self.toks.partition_point(|t| t.line < def.start_line);
        let last = self.toks.partition_point(|t| t.line <= def.end_line);
        let n = (first..last).find(|&i| self.text(i) == def.name)?;
        let line = self.toks[n].line;
        let mut i = n;
        while i > first
            && self.toks[i - 1].line == line
            && !matches!(self.text(i - 1), "{" | "}" | ";")
        {
            i -= 1;
        }
        // Attributes and annotations on the declaration's line are not its signature.
        loop {
            if self.text(i) == "#" && self.text(i + 1) == "[" {
                i = self.close_of(i + 1);
            } else if self.text(i) == "@" && is_word(self.text(i + 1)) && i + 1 < n {
                i += 2;
                if self.text(i) == "(" {
                    i = self.close_of(i);
                }
            } else {
                break;
            }
        }
        let py = self.lang == Lang::Py;
        let mut decl = Decl::default();
        let mut depth = 0i32;
        let mut body = None;
        let mut j = i;
        while j < self.toks.len() {
            let t = self.text(j);
            match t {
                "(" | "[" => depth += 1,
                ")" | "]" => depth -= 1,
                "{" | ";" if depth <= 0 && !py => {
                    body = (t == "{").then_some(j);
                    break;
                }
                ":" if depth <= 0 && py => break,
                "=" | "," if depth <= 0 && def.kind == DefKind::Const => break,
                _ => {}
            }
            if j > n && depth <= 0 && self.toks[j].line > self.toks[j - 1].line {
                // A statement without a body ends at its line (Go and Python constants,
                // Go's grouped declarations).
                if (py && def.kind == DefKind::Const) || self.lang == Lang::Go {
                    break;
                }
            }
            if j >= last && depth <= 0 && self.lang == Lang::Go {
                break;
            }
            // A trailing comma before a closing bracket is layout.
            let next = self.text(j + 1);
            if !(t == "," && matches!(next, ")" | "]")) {
                decl.push(self.src, self.toks[j]);
            }
            j += 1;
        }
        if let Some(open) = body.filter(|_| self.has_members(def.kind)) {
            self.members(def.kind, open, &mut decl);
        }
        Some(decl)
    }

    /// Whether the body of a definition of this kind is part of its signature.
    fn has_members(&self, kind: DefKind) -> bool {
        match self.lang {
            Lang::Rust => matches!(kind, DefKind::Struct | DefKind::Enum),
            Lang::Go => matches!(kind, DefKind::Struct | DefKind::Interface),
            Lang::Ts => matches!(kind, DefKind::Interface | DefKind::Enum),
            _ => false,
        }
    }

    /// Append the public members of the body opening at token `open`: `{ a: T, b: U }`.
    fn members(&self, kind: DefKind, open: usize, decl: &mut Decl) {
        let close = self.close_of(open).saturating_sub(1);
        let mut members: Vec<(usize, usize)> = Vec::new();
        let mut start = open + 1;
        let mut depth = 0i32;
        for i in open + 1..close {
            let t = self.text(i);
            if depth == 0 && matches!(t, "," | ";") {
                members.push((start, i));
                start = i + 1;
                continue;
            }
            if depth == 0
                && self.lang == Lang::Go
                && i > start
                && self.toks[i].line > self.toks[i - 1].line
            {
                members.push((start, i));
                start = i;
            }
            match t {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                "<" if self.lang == Lang::Rust => depth += 1,
                ">" if self.lang == Lang::Rust && self.text(i - 1) != "-" => depth -= 1,
                _ => {}
            }
        }
        members.push((start, close));
        members.retain(|(a, b)| b > a);
        let mut shown = Vec::new();
        for (a, b) in members {
            let mut a = a;
            // Attributes: `#[…]`.
            while self.text(a) == "#" && self.text(a + 1) == "[" {
                a = self.close_of(a + 1);
            }
            if a >= b {
                continue;
            }
            let public = match (self.lang, kind) {
                (Lang::Rust, DefKind::Struct) => self.text(a) == "pub" && self.text(a + 1) != "(",
                (Lang::Go, DefKind::Struct) => {
                    let first = self.text(a).trim_start_matches('*');
                    let name = if first.is_empty() {
                        self.text(a + 1)
                    } else {
                        first
                    };
                    name.chars().next().is_some_and(char::is_uppercase)
                }
                _ => true,
            };
            if public {
                let mut m = Decl::default();
                for i in a..b {
                    m.push(self.src, self.toks[i]);
                }
                shown.push(m);
            }
        }
        decl.display.push_str(" { ");
        decl.canon.push('{');
        for (k, m) in shown.iter().enumerate() {
            if k > 0 {
                decl.display.push_str(", ");
                decl.canon.push(';');
            }
            decl.display.push_str(&m.display);
            decl.canon.push_str(&m.canon);
        }
        decl.display.push_str(" }");
        decl.canon.push('}');
    }

    /// Push the file's public symbols.
    fn symbols(&self, facts: &FileFacts, out: &mut Vec<Symbol>) {
        let defs = &facts.definitions;
        let impls = if self.lang == Lang::Rust {
            self.rust_impls()
        } else {
            Vec::new()
        };
        let all = if self.lang == Lang::Py {
            self.python_all()
        } else {
            None
        };
        let sep = if self.lang == Lang::Rust { "::" } else { "." };
        let mut decls: Vec<Option<Decl>> = Vec::with_capacity(defs.len());
        for (i, d) in defs.iter().enumerate() {
            let decl = self.declaration(d);
            // The enclosing types, outermost first.
            let chain: Vec<usize> = (0..i)
                .filter(|&j| {
                    is_type(defs[j].kind)
                        && defs[j].start_line <= d.start_line
                        && defs[j].end_line >= d.end_line
                })
                .collect();
            let container_is_interface = chain.last().is_some_and(|&j| {
                defs[j].kind == DefKind::Interface
                    || decls[j]
                        .as_ref()
                        .is_some_and(|c| c.canon.split(' ').any(|w| w == "interface"))
            });
            let dunder = d.name.starts_with("__") && d.name.ends_with("__");
            let own = d.visibility == Visibility::Public
                || (self.lang == Lang::Py && dunder && !chain.is_empty())
                || (self.lang == Lang::Java
                    && container_is_interface
                    && !decl
                        .as_ref()
                        .is_some_and(|c| c.canon.starts_with("private")));
            let top_public = |j: usize| match (&all, chain.first()) {
                (Some(names), Some(&top)) if j == top => names.contains(&defs[top].name),
                _ => defs[j].visibility == Visibility::Public,
            };
            let exported = own
                && chain.iter().all(|&j| top_public(j))
                && match (&all, chain.is_empty()) {
                    (Some(names), true) => names.contains(&d.name),
                    _ => true,
                };
            let mut name: Vec<&str> = chain.iter().map(|&j| defs[j].name.as_str()).collect();
            let mut skip = !exported;
            if self.lang == Lang::Rust && d.kind == DefKind::Method && chain.is_empty() {
                match impls
                    .iter()
                    .rfind(|b| b.first_line <= d.start_line && d.end_line <= b.last_line)
                {
                    Some(b) if b.trait_header.is_none() => {
                        skip |= !Self::type_is_public(defs, &b.self_type);
                        name.push(&b.self_type);
                    }
                    // Trait impls are surface as `impl Trait for Type`.
                    _ => skip = true,
                }
            }
            let receiver;
            if self.lang == Lang::Go && d.kind == DefKind::Method {
                receiver = decl.as_ref().map(|c| go_receiver(&c.display));
                match &receiver {
                    Some(r) if r.chars().next().is_some_and(char::is_uppercase) => {
                        name.push(r);
                    }
                    _ => skip = true,
                }
            }
            if !skip && let Some(decl) = &decl {
                name.push(&d.name);
                out.push(self.symbol(&name.join(sep), kind_name(d.kind), decl, d.start_line));
            }
            decls.push(decl);
        }
        for b in &impls {
            if let Some((header, canon)) = &b.trait_header
                && Self::type_is_public(defs, &b.self_type)
            {
                let decl = Decl {
                    display: header.clone(),
                    canon: canon.clone(),
                    last: None,
                };
                out.push(self.symbol(header, "impl", &decl, b.line));
            }
        }
        self.re_exports(facts, all.as_ref(), out);
    }

    /// Rust `pub mod name;` items of this file: (name, repository path of the file it
    /// declares, `name.rs` or `name/mod.rs` beside a `lib.rs`, `main.rs` or `mod.rs`, else in
    /// the folder named after this file). Modules with a `#[path]` are not followed.
    fn public_mods(&self, facts: &FileFacts) -> Vec<(String, String)> {
        if self.lang != Lang::Rust {
            return Vec::new();
        }
        let (dir, file) = self.path.rsplit_once('/').unwrap_or(("", self.path));
        let under = |dir: &str, name: &str| {
            if dir.is_empty() {
                name.to_owned()
            } else {
                format!("{dir}/{name}")
            }
        };
        let base = match file {
            "lib.rs" | "main.rs" | "mod.rs" => dir.to_owned(),
            _ => under(dir, file.trim_end_matches(".rs")),
        };
        let mut out = Vec::new();
        for imp in facts.imports.iter().filter(|i| i.kind == ImportKind::Mod) {
            let name = imp.spec.as_str();
            if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                continue;
            }
            // `pub mod name` on the import's line (`pub(crate) mod` is not public).
            let first = self.toks.partition_point(|t| t.line < imp.line);
            let public = (first..self.toks.len())
                .take_while(|&i| self.toks[i].line == imp.line)
                .any(|i| {
                    self.text(i) == "pub" && self.text(i + 1) == "mod" && self.text(i + 2) == name
                });
            if !public {
                continue;
            }
            for candidate in [format!("{name}.rs"), format!("{name}/mod.rs")] {
                out.push((name.to_owned(), under(&base, &candidate)));
            }
        }
        out
    }

    /// Whether the type `name` is public in this file (true when it is defined elsewhere).
    fn type_is_public(defs: &[Definition], name: &str) -> bool {
        defs.iter()
            .find(|d| is_type(d.kind) && d.name == name)
            .is_none_or(|d| d.visibility == Visibility::Public)
    }

    /// Rust `impl` blocks at any depth, but not in the body of a `macro_rules!` (a template:
    /// `impl $crate::Set for $name`).
    fn rust_impls(&self) -> Vec<RustImpl> {
        let mut out = Vec::new();
        let mut macro_end = 0;
        for i in 0..self.toks.len() {
            if self.text(i) == "macro_rules"
                && self.text(i + 1) == "!"
                && matches!(self.text(i + 3), "{" | "(" | "[")
            {
                macro_end = macro_end.max(self.close_of(i + 3));
            }
            if i < macro_end
                || self.text(i) != "impl"
                || matches!(
                    self.text(i.wrapping_sub(1)),
                    "(" | "," | ":" | "->" | ">" | "&" | "=" | "<"
                )
            {
                continue;
            }
            // The header up to `{`, without generics: `Trait for Type`, or `Type`.
            let mut j = i + 1;
            let mut angle = 0i32;
            let mut parts: Vec<Vec<usize>> = vec![Vec::new()];
            let mut open = None;
            let mut in_where = false;
            while j < self.toks.len() {
                let t = self.text(j);
                match t {
                    "<" => angle += 1,
                    ">" if self.text(j - 1) != "-" => angle -= 1,
                    "{" if angle <= 0 => {
                        open = Some(j);
                        break;
                    }
                    ";" => break,
                    "where" if angle <= 0 => in_where = true,
                    "for" if angle <= 0 && !in_where => parts.push(Vec::new()),
                    _ if angle <= 0 && !in_where && t != ">" => {
                        if let Some(p) = parts.last_mut() {
                            p.push(j);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            let Some(open) = open else { continue };
            let close = self.close_of(open).saturating_sub(1);
            let named = |p: &[usize]| -> Option<String> {
                p.iter()
                    .rev()
                    .map(|&k| self.text(k))
                    .find(|t| is_word(t) && !matches!(*t, "dyn" | "mut" | "const" | "unsafe"))
                    .map(str::to_owned)
            };
            let path = |p: &[usize]| {
                let mut d = Decl::default();
                for &k in p {
                    d.push(self.src, self.toks[k]);
                }
                d
            };
            let (trait_header, self_type) = match parts.as_slice() {
                [ty] => (None, named(ty)),
                [tr, ty, ..] => {
                    let (a, b) = (path(tr), path(ty));
                    (
                        Some((
                            format!("impl {} for {}", a.display, b.display),
                            format!("impl {} for {}", a.canon, b.canon),
                        )),
                        named(ty),
                    )
                }
                [] => continue,
            };
            let Some(self_type) = self_type else { continue };
            out.push(RustImpl {
                first_line: self.toks[open].line,
                last_line: self.toks.get(close).map_or(u32::MAX, |t| t.line),
                self_type,
                trait_header,
                line: self.toks[i].line,
            });
        }
        out
    }

    /// The names of a Python file's `__all__`, when it assigns one.
    fn python_all(&self) -> Option<BTreeSet<String>> {
        let mut names: Option<BTreeSet<String>> = None;
        for i in 0..self.toks.len() {
            if self.text(i) != "__all__" {
                continue;
            }
            let mut j = i + 1;
            while matches!(self.text(j), "+" | "=" | ":" | "list" | "tuple") {
                j += 1;
            }
            if !matches!(self.text(j), "[" | "(") {
                continue;
            }
            let close = self.close_of(j);
            let set = names.get_or_insert_with(BTreeSet::new);
            for k in j..close {
                if self.text(k).ends_with(['"', '\'']) {
                    set.insert(
                        self.text(k)
                            .trim_start_matches(['r', 'u', 'b'])
                            .trim_matches(['"', '\''])
                            .to_owned(),
                    );
                }
            }
        }
        names
    }

    /// Re-exports: Rust `pub use`, TypeScript `export … from` and `export { … }`, Python
    /// relative imports of an `__init__.py` (those named in `__all__` when it has one).
    fn re_exports(&self, facts: &FileFacts, all: Option<&BTreeSet<String>>, out: &mut Vec<Symbol>) {
        let plain = |text: String| Decl {
            canon: text.split_whitespace().collect::<Vec<_>>().join(" "),
            display: text,
            last: None,
        };
        match self.lang {
            Lang::Rust => {
                for imp in facts
                    .imports
                    .iter()
                    .filter(|i| i.kind == ImportKind::ReExport)
                {
                    let spec = imp.spec.trim_start_matches("self::");
                    let name = if spec.ends_with('*') {
                        spec.to_owned()
                    } else {
                        spec.rsplit("::").next().unwrap_or(spec).to_owned()
                    };
                    let decl = plain(format!("pub use {spec}"));
                    out.push(self.symbol(&name, "re-export", &decl, imp.line));
                }
            }
            Lang::Py if self.rel.ends_with("__init__.py") || all.is_some() => {
                for imp in facts.imports.iter().filter(|i| i.spec.starts_with('.')) {
                    for n in &imp.names {
                        let wanted = match all {
                            Some(all) => all.contains(n),
                            None => !n.starts_with('_') && n != "*",
                        };
                        if wanted {
                            let decl = plain(format!("from {} import {n}", imp.spec));
                            out.push(self.symbol(n, "re-export", &decl, imp.line));
                        }
                    }
                }
            }
            Lang::Ts => self.ts_re_exports(out),
            _ => {}
        }
    }

    /// `export { a, b as c } from './x'`, `export * from './y'`, `export * as ns from …`,
    /// `export { z }`: one symbol per exported name (`*` re-exports as `* from './y'`).
    fn ts_re_exports(&self, out: &mut Vec<Symbol>) {
        let mut depth = 0i32;
        let mut i = 0;
        while i < self.toks.len() {
            let t = self.text(i);
            if depth == 0 && t == "export" {
                let mut j = i + 1;
                if self.text(j) == "type" {
                    j += 1;
                }
                let mut names: Vec<String> = Vec::new();
                let end;
                match self.text(j) {
                    "*" => {
                        if self.text(j + 1) == "as" {
                            names.push(self.text(j + 2).to_owned());
                            end = j + 3;
                        } else {
                            names.push("*".to_owned());
                            end = j + 1;
                        }
                    }
                    "{" => {
                        let close = self.close_of(j);
                        let mut current = String::new();
                        for k in j + 1..close {
                            match self.text(k) {
                                "," | "}" => {
                                    if !current.is_empty() {
                                        names.push(std::mem::take(&mut current));
                                    }
                                }
                                "type" | "as" => {}
                                w => w.clone_into(&mut current),
                            }
                        }
                        end = close;
                    }
                    _ => {
                        i += 1;
                        continue;
                    }
                }
                let spec = (self.text(end) == "from")
                    .then(|| self.text(end + 1).trim_matches(['"', '\'', '`']).to_owned());
                let line = self.toks[i].line;
                for n in names {
                    let display = match &spec {
                        Some(s) => format!("export {{ {n} }} from '{s}'"),
                        None => format!("export {{ {n} }}"),
                    };
                    let name = match (&spec, n.as_str()) {
                        (Some(s), "*") => format!("* from '{s}'"),
                        _ => n,
                    };
                    let decl = Decl {
                        canon: display.clone(),
                        display,
                        last: None,
                    };
                    out.push(self.symbol(&name, "re-export", &decl, line));
                }
                i = end + 1;
                continue;
            }
            match t {
                "{" => depth += 1,
                "}" => depth -= 1,
                _ => {}
            }
            i += 1;
        }
    }
}

/// The receiver type of a Go method's signature `func (r *T[K]) Name(…)`.
fn go_receiver(signature: &str) -> String {
    let Some(rest) = signature.strip_prefix("func") else {
        return String::new();
    };
    let rest = rest.trim_start();
    let Some(inner) = rest.strip_prefix('(') else {
        return String::new();
    };
    let inner = inner.split(')').next().unwrap_or("");
    let inner = inner.split('[').next().unwrap_or(inner);
    inner
        .split_whitespace()
        .next_back()
        .unwrap_or("")
        .trim_start_matches('*')
        .to_owned()
}

impl ApiDiffDoc {
    /// For people (`markdown`: a pull-request comment).
    pub fn text(&self, markdown: bool) -> String {
        let mut out = String::new();
        if markdown {
            let _ = writeln!(out, "### API changes since `{}`\n", self.base);
        }
        if self.modules.is_empty() {
            let _ = writeln!(out, "no module changed since `{}`", self.base);
            return out;
        }
        out.push_str(&modules_text(&self.modules, markdown));
        out
    }
}

/// The changes, bump and dependents of each module, for people (`markdown`: in a
/// pull-request comment).
pub fn modules_text(modules: &[ModuleApiDiff], markdown: bool) -> String {
    let mut out = String::new();
    for m in modules {
        let version = match &m.declared_version_change {
            Some(v) if v.from != v.to => {
                format!("version {} -> {} ({})", v.from, v.to, v.bump.as_str())
            }
            Some(v) => format!("version {} (not bumped)", v.to),
            None => m.version.as_ref().map_or_else(
                || "no version declared".to_owned(),
                |v| format!("version {v}"),
            ),
        };
        let verdict = match m.bump_ok {
            Some(true) | None => "",
            Some(false) => {
                if markdown {
                    " — **bump too small**"
                } else {
                    "; bump too small"
                }
            }
        };
        if markdown {
            let _ = writeln!(
                out,
                "#### `{}` — needs a {} bump; {version}{verdict}\n",
                m.module,
                m.required_bump.as_str()
            );
        } else {
            let _ = writeln!(
                out,
                "{}: needs a {} bump; {version}{verdict}",
                m.module,
                m.required_bump.as_str()
            );
        }
        if markdown && !m.changes.is_empty() {
            let _ = writeln!(out, "| change | symbol | kind | where |\n|---|---|---|---|");
        }
        for c in &m.changes {
            let what = match c.change {
                ChangeKind::Removed => "removed",
                ChangeKind::Added => "added",
                ChangeKind::Changed => "changed",
            };
            if markdown {
                let _ = writeln!(
                    out,
                    "| {what} | `{}` | {} | `{}:{}` |",
                    c.symbol, c.kind, c.path, c.line
                );
            } else {
                let kind = if c.symbol.starts_with(c.kind) {
                    String::new()
                } else {
                    format!("{} ", c.kind)
                };
                let _ = writeln!(
                    out,
                    "  {what:<8} {kind}{} ({}:{})",
                    c.symbol, c.path, c.line
                );
                if c.change == ChangeKind::Changed
                    && let (Some(b), Some(a)) = (&c.before, &c.after)
                {
                    let _ = writeln!(out, "             - {b}\n             + {a}");
                }
            }
        }
        if markdown && !m.changes.is_empty() {
            out.push('\n');
        }
        // Dependents without a requirement cannot be broken by a version: one line for all.
        let free: Vec<&str> = m
            .dependents
            .iter()
            .filter(|d| d.requirement.is_none())
            .map(|d| d.module.as_str())
            .collect();
        if !free.is_empty() {
            let (item, list) = if markdown {
                ("- ", format!("`{}`", free.join("`, `")))
            } else {
                ("  ", free.join(", "))
            };
            let _ = writeln!(
                out,
                "{item}dependents without a version requirement: {list}"
            );
        }
        for d in m.dependents.iter().filter(|d| d.requirement.is_some()) {
            let req = d.requirement.as_deref().unwrap_or_default();
            let state = match d.still_satisfied {
                Some(true) => "still satisfied",
                Some(false) => "no longer satisfied",
                None => "cannot tell",
            };
            if markdown {
                let _ = writeln!(out, "- dependent `{}` requires `{req}`: {state}", d.module);
            } else {
                let _ = writeln!(out, "  dependent {} requires {req}: {state}", d.module);
            }
        }
        if markdown && !out.ends_with("\n\n") {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn required_bumps_follow_cargo_before_and_after_one() {
        use ApiImpact::*;
        let one = v("1.4.2");
        assert_eq!(required_bump(Breaking, Some(&one)), Bump::Major);
        assert_eq!(required_bump(Addition, Some(&one)), Bump::Minor);
        assert_eq!(required_bump(Internal, Some(&one)), Bump::Patch);
        assert_eq!(required_bump(None, Some(&one)), Bump::None);
        let zero = v("0.3.1");
        assert_eq!(required_bump(Breaking, Some(&zero)), Bump::Minor);
        assert_eq!(required_bump(Addition, Some(&zero)), Bump::Patch);
        assert_eq!(required_bump(Internal, Some(&zero)), Bump::Patch);
        let zero_zero = v("0.0.7");
        assert_eq!(required_bump(Breaking, Some(&zero_zero)), Bump::Patch);
        assert_eq!(required_bump(Addition, Some(&zero_zero)), Bump::Patch);
        assert_eq!(required_bump(Internal, Some(&zero_zero)), Bump::Patch);
        assert_eq!(required_bump(None, Some(&zero_zero)), Bump::None);
        assert_eq!(required_bump(Breaking, Option::None), Bump::Major);
    }

    #[test]
    fn declared_bumps_name_the_first_part_that_grew() {
        assert_eq!(declared_bump(&v("1.4.2"), &v("2.0.0")), Bump::Major);
        assert_eq!(declared_bump(&v("1.4.2"), &v("1.5.0")), Bump::Minor);
        assert_eq!(declared_bump(&v("1.4.2"), &v("1.4.3")), Bump::Patch);
        assert_eq!(declared_bump(&v("1.4.2"), &v("1.4.2")), Bump::None);
        assert_eq!(declared_bump(&v("1.4.2"), &v("1.3.0")), Bump::None);
        assert_eq!(declared_bump(&v("0.3.1"), &v("0.4.0")), Bump::Minor);
        assert_eq!(declared_bump(&v("0.0.7"), &v("0.0.8")), Bump::Patch);
        assert_eq!(declared_bump(&v("1.0.0-rc.1"), &v("1.0.0")), Bump::Patch);
        // 0.x: a breaking change is covered by a minor bump, 0.0.z by a patch.
        assert!(
            declared_bump(&v("0.3.1"), &v("0.4.0"))
                >= required_bump(ApiImpact::Breaking, Some(&v("0.3.1")))
        );
        assert!(
            declared_bump(&v("0.3.1"), &v("0.3.2"))
                < required_bump(ApiImpact::Breaking, Some(&v("0.3.1")))
        );
        assert!(
            declared_bump(&v("0.0.7"), &v("0.0.8"))
                >= required_bump(ApiImpact::Breaking, Some(&v("0.0.7")))
        );
    }

    fn surface_of(lang: Lang, path: &str, src: &str) -> Vec<(String, &'static str, String)> {
        let facts = strata_lang::frontend(lang).extract(path, src.as_bytes());
        let file = FileSurface {
            lang,
            src: src.as_bytes(),
            toks: strata_lang::lex(lang, src.as_bytes()).tokens,
            path,
            rel: path,
            prefix: "",
        };
        let mut out = Vec::new();
        file.symbols(&facts, &mut out);
        disambiguate(&mut out);
        let mut v: Vec<_> = out
            .into_iter()
            .map(|s| (s.name, s.kind, s.signature))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn rust_surface() {
        let src = "pub struct Invoice {\n    pub total: u64,\n    secret: u32,\n}\nimpl Invoice {\n    /// new\n    pub fn new(total: u64 /* cents */) -> Self { todo!() }\n    fn hidden(&self) {}\n    pub fn total(\n        &self,\n        tax: bool,\n    ) -> u64 {\n        1\n    }\n}\npub trait Pay { fn pay(&self) -> u32; }\nimpl Pay for Invoice { fn pay(&self) -> u32 { 1 } }\nstruct Private;\nimpl Private { pub fn x() {} }\npub const MAX: u32 = 3;\npub(crate) fn crate_only() {}\npub use inner::Thing;\n";
        let s = surface_of(Lang::Rust, "src/lib.rs", src);
        let names: Vec<(&str, &str)> = s.iter().map(|(n, k, _)| (n.as_str(), *k)).collect();
        assert_eq!(
            names,
            [
                ("Invoice", "struct"),
                ("Invoice::new", "method"),
                ("Invoice::total", "method"),
                ("MAX", "const"),
                ("Pay", "trait"),
                ("Pay::pay", "method"),
                ("Thing", "re-export"),
                ("impl Pay for Invoice", "impl"),
            ]
        );
        let sig = |n: &str| s.iter().find(|x| x.0 == n).unwrap().2.clone();
        assert_eq!(sig("Invoice"), "pub struct Invoice { pub total: u64 }");
        assert_eq!(sig("Invoice::new"), "pub fn new(total: u64) -> Self");
        assert_eq!(
            sig("Invoice::total"),
            "pub fn total(&self, tax: bool) -> u64"
        );
        assert_eq!(sig("MAX"), "pub const MAX: u32");
        assert_eq!(sig("Pay::pay"), "fn pay(&self) -> u32");
        let s = surface_of(Lang::Rust, "src/lib.rs", "#[inline] pub fn f(a: u8) {}\n");
        assert_eq!(s[0].2, "pub fn f(a: u8)");
        let s = surface_of(
            Lang::Java,
            "A.java",
            "public class A {\n    @Deprecated(since = \"2\") public void f() {}\n}\n",
        );
        assert_eq!(s[1].2, "public void f()");
    }

    #[test]
    fn other_languages_surfaces() {
        let ts = "export { a, b as c } from './x';\nexport * from './y';\nexport function total(amount: number, /* c */ tax?: boolean): number {\n  return 1;\n}\nexport class Invoice {\n  constructor(id: string) {}\n  total(): number { return 1; }\n  private hidden(): void {}\n}\nexport interface Shape { area(): number; name: string }\nfunction internal() {}\n";
        let names: Vec<String> = surface_of(Lang::Ts, "index.ts", ts)
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(
            names,
            [
                "* from './y'",
                "Invoice",
                "Invoice.constructor",
                "Invoice.total",
                "Shape",
                "a",
                "c",
                "total"
            ]
        );
        let py = "from .core import Client, helper\n__all__ = [\"Client\", \"total\", \"Invoice\"]\ndef total(a: int,\n          tax: bool = False) -> int:\n    return 1\ndef other(): pass\nclass Invoice:\n    def __init__(self, amount): pass\n    def _hidden(self): pass\n    def pay(self): pass\n";
        let s = surface_of(Lang::Py, "pkg/__init__.py", py);
        let names: Vec<&str> = s.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "Client",
                "Invoice",
                "Invoice.__init__",
                "Invoice.pay",
                "total"
            ]
        );
        assert_eq!(s[4].2, "def total(a: int, tax: bool = False) -> int");
        let go = "package billing\n\nconst MaxSize = 10\ntype Invoice struct {\n\tTotal int\n\tsecret int\n}\ntype small struct{}\nfunc New() *Invoice { return nil }\nfunc (i *Invoice) Sum(tax bool) int { return 1 }\nfunc (s *small) Exported() {}\nfunc helper() {}\n";
        let s = surface_of(Lang::Go, "api.go", go);
        let got: Vec<(&str, &str)> = s.iter().map(|x| (x.0.as_str(), x.2.as_str())).collect();
        assert_eq!(
            got,
            [
                ("Invoice", "type Invoice struct { Total int }"),
                ("Invoice.Sum", "func (i *Invoice) Sum(tax bool) int"),
                ("MaxSize", "const MaxSize"),
                ("New", "func New() *Invoice"),
            ]
        );
        let java = "package a;\npublic class Invoice {\n    public static final int MAX = 10;\n    private int secret;\n    public long total(boolean tax) { return 1; }\n    public long total() { return 1; }\n    void pkg() {}\n    public interface Listener { void on(Invoice i); }\n}\nclass Helper { public void x() {} }\n";
        let names: Vec<String> = surface_of(Lang::Java, "Invoice.java", java)
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(
            names,
            [
                "Invoice",
                "Invoice.Listener",
                "Invoice.Listener.on",
                "Invoice.MAX",
                "Invoice.total()",
                "Invoice.total(boolean tax)"
            ]
        );
    }
}
