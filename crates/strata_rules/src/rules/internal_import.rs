//! An import of another module's internal file: one outside its declared interface.
//!
//! ## What it does
//! For every import from a file of module X of a file of another module Y, checks that the
//! imported file is part of Y's interface: a file matching one of Y's `interfaces` globs
//! (relative to Y's `module.yaml`). When Y declares no `interfaces`, its entry points are the
//! interface: `lib.rs` / `src/lib.rs` (Rust), `index.*` / `src/index.*` (TypeScript and
//! JavaScript), every `__init__.py` (Python), every file outside an `internal/` folder (Go),
//! every file (Java, whose visibility is per class). One finding per importing file and
//! imported file.
//!
//! ## Why
//! A module's interface is the part its owners promise to keep stable. Reaching past it
//! couples the importer to implementation details: the owners cannot refactor without
//! breaking code they do not know about.
//!
//! ## Example
//! ```yaml
//! name: ledger
//! interfaces: ["src/api/**"]
//! ```
//! ```text
//! use ledger::storage::pages;   // ledger/src/storage/pages.rs is internal
//! ```
//!
//! ## How to fix
//! Import what the interface exports instead. If the interface lacks it, ask the owners to
//! export it (and add the file or a re-export to `interfaces`).

use globset::{Glob, GlobSet, GlobSetBuilder};
use strata_diagnostics::{Diagnostic, Level};
use strata_workspace::DeclaredModule;

use super::at_import;
use crate::{Context, Phase, Rule};

pub struct InternalImport;

const ID: &str = "internal-import";

/// How a module's interface is recognised.
enum Interface {
    /// Plain paths (the usual case): compared as strings, no glob compiled.
    Paths(Vec<String>),
    Globs(GlobSet),
    Default,
}

impl Interface {
    fn of(m: &DeclaredModule) -> Interface {
        let globs = m
            .schema
            .as_ref()
            .map(|s| s.interfaces.as_slice())
            .unwrap_or_default();
        if globs.is_empty() {
            return Interface::Default;
        }
        let plain = |g: &String| !g.contains(['*', '?', '[', ']', '{', '}', '\\']);
        if globs.iter().all(plain) {
            return Interface::Paths(
                globs
                    .iter()
                    .map(|g| g.trim_start_matches("./").to_owned())
                    .collect(),
            );
        }
        let mut b = GlobSetBuilder::new();
        for g in globs {
            let g = g.trim_start_matches("./");
            if let Ok(glob) = Glob::new(g) {
                b.add(glob);
            }
        }
        Interface::Globs(b.build().unwrap_or_else(|_| GlobSet::empty()))
    }

    /// Whether `rel` (relative to the module root) is part of the interface.
    fn contains(&self, rel: &str) -> bool {
        match self {
            Interface::Paths(paths) => paths.iter().any(|p| p == rel),
            Interface::Globs(set) => set.is_match(rel),
            Interface::Default => default_entry_point(rel),
        }
    }
}

fn default_entry_point(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "rs" => rel == "src/lib.rs" || rel == "lib.rs",
        "ts" | "tsx" | "js" | "jsx" | "mjs" | "cjs" | "mts" | "cts" => {
            name.starts_with("index.") && (dir.is_empty() || dir == "src")
        }
        "py" | "pyi" => name.starts_with("__init__."),
        "go" => !rel.split('/').any(|seg| seg == "internal"),
        "java" => true,
        _ => false,
    }
}

/// Which files are part of each module's interface (`interfaces` globs, or the language's
/// entry points without them); each module's set is built on first use.
pub struct Interfaces<'a> {
    modules: &'a [DeclaredModule],
    sets: Vec<std::cell::OnceCell<Interface>>,
}

impl<'a> Interfaces<'a> {
    pub fn new(modules: &'a [DeclaredModule]) -> Interfaces<'a> {
        Interfaces {
            modules,
            sets: modules.iter().map(|_| std::cell::OnceCell::new()).collect(),
        }
    }

    /// Whether the repository file `path` is part of the interface of module `module`.
    pub fn contains(&self, module: usize, path: &str) -> bool {
        let Some(m) = self.modules.get(module) else {
            return false;
        };
        let rel = if m.root.is_empty() {
            path
        } else {
            path.strip_prefix(m.root.as_str())
                .and_then(|p| p.strip_prefix('/'))
                .unwrap_or(path)
        };
        self.sets[module]
            .get_or_init(|| Interface::of(m))
            .contains(rel)
    }
}

impl Rule for InternalImport {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Error
    }
    fn phase(&self) -> Phase {
        Phase::Graph
    }
    fn source(&self) -> &'static str {
        include_str!("internal_import.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(graph) = &cx.graph else { return };
        // Built on first use: most modules are never imported across a module boundary.
        let interfaces = Interfaces::new(cx.modules);
        for edge in graph.edges {
            let Some((a, b)) = graph.edge_modules(edge) else {
                continue;
            };
            let target = &cx.modules[b];
            let path = graph.path(edge.to);
            if interfaces.contains(b, path) {
                continue;
            }
            out.push(
                at_import(
                    ID,
                    graph,
                    edge,
                    &cx.modules[a],
                    format!(
                        "`{}` imports `{path}`, an internal file of `{}`",
                        cx.modules[a].name, target.name
                    ),
                )
                .target(&target.name)
                .help(format!(
                    "import `{}` through its interface instead",
                    target.name
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::default_entry_point as entry;

    #[test]
    fn default_entry_points() {
        assert!(entry("src/lib.rs"));
        assert!(!entry("src/storage.rs"));
        assert!(entry("src/index.ts"));
        assert!(entry("index.js"));
        assert!(!entry("src/util/index.ts"));
        assert!(entry("pkg/__init__.py"));
        assert!(!entry("pkg/impl.py"));
        assert!(entry("api/client.go"));
        assert!(!entry("internal/cache/lru.go"));
        assert!(entry("src/main/java/a/B.java"));
    }
}
