//! Python import resolution with grimp's semantics: modules are found in the source roots the
//! manifests declare, a name imported from a package is an edge to its submodule when it is
//! one, and relative imports count from the importing file's package.
//!
//! Every index is built once in [`PyResolver::new`]; resolving an import only hashes.

use std::collections::{HashMap, HashSet};

use super::stdlib::is_stdlib;
use crate::tree::{file_name, parent};
use crate::{FileId, Import, ImportKind, Resolver, SourceTree, Target};

/// How a file provides a module, best first: `CPython` finds a package before a module of the
/// same name, and never imports a stub, so `.pyi` files only stand in for missing sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Package,
    Module,
    StubPackage,
    StubModule,
}

/// The rank of a Python file and its module path: the path without extension, and without
/// `/__init__` for a package (`a/b/__init__.py` and `a/b.py` both give `a/b`).
fn module_path(path: &str) -> Option<(Rank, &str)> {
    let (stem, stub) = if let Some(stem) = path.strip_suffix(".py") {
        (stem, false)
    } else {
        (path.strip_suffix(".pyi")?, true)
    };
    let (rank, module) = if file_name(stem) == "__init__" {
        (
            if stub {
                Rank::StubPackage
            } else {
                Rank::Package
            },
            parent(stem),
        )
    } else {
        (if stub { Rank::StubModule } else { Rank::Module }, stem)
    };
    Some((rank, module))
}

/// Whether a path component can be a module name (`my-app` or `1x` cannot be imported).
fn is_identifier(part: &str) -> bool {
    let mut bytes = part.bytes();
    bytes
        .next()
        .is_some_and(|b| b == b'_' || b.is_ascii_alphabetic() || b >= 0x80)
        && bytes.all(|b| b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80)
}

/// One source root's file for a dotted module name.
#[derive(Clone, Copy, Debug)]
struct Provider {
    root: u32,
    rank: Rank,
    file: FileId,
}

pub(super) struct PyResolver {
    /// Source roots (repository-relative folders), sorted, the repository root (`""`) last.
    roots: Vec<String>,
    /// Dotted module name -> its file in each root that has one, by root.
    modules: HashMap<Box<str>, Vec<Provider>>,
    /// Module path (see [`module_path`]) -> its best file; relative imports look up here.
    paths: HashMap<Box<str>, (Rank, FileId)>,
    /// First components of every internal module name, namespace packages included.
    top_level: HashSet<Box<str>>,
    /// By file id: the deepest source root holding the file (`u32::MAX` for non-Python files).
    home: Vec<u32>,
}

impl PyResolver {
    pub(super) fn new(tree: &SourceTree) -> PyResolver {
        let mut roots: Vec<String> = vec![String::new()];
        for (_, path) in tree.iter() {
            if matches!(file_name(path), "pyproject.toml" | "setup.py" | "setup.cfg") {
                let dir = parent(path);
                let src = if dir.is_empty() {
                    "src".to_owned()
                } else {
                    format!("{dir}/src")
                };
                roots.push(if tree.has_dir(&src) {
                    src
                } else {
                    dir.to_owned()
                });
            }
        }
        roots.sort_unstable_by(|a, b| (a.is_empty(), a).cmp(&(b.is_empty(), b)));
        roots.dedup();
        let root_index: HashMap<&str, u32> = roots
            .iter()
            .enumerate()
            .map(|(i, r)| (r.as_str(), u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();

        let mut modules: HashMap<Box<str>, Vec<Provider>> = HashMap::new();
        let mut paths: HashMap<Box<str>, (Rank, FileId)> = HashMap::new();
        let mut top_level: HashSet<Box<str>> = HashSet::new();
        let mut home = vec![u32::MAX; tree.len()];
        for (file, path) in tree.iter() {
            let Some((rank, module)) = module_path(path) else {
                continue;
            };
            paths
                .entry(module.into())
                .and_modify(|best| *best = (*best).min((rank, file)))
                .or_insert((rank, file));
            // Every root above the file names it; the first found is the deepest.
            let mut dir = parent(path);
            loop {
                if let Some(&root) = root_index.get(dir) {
                    if let Some(slot) = home.get_mut(file.0 as usize)
                        && *slot == u32::MAX
                    {
                        *slot = root;
                    }
                    let rel = if dir.is_empty() {
                        Some(module)
                    } else {
                        module.strip_prefix(dir).and_then(|m| m.strip_prefix('/'))
                    };
                    if let Some(rel) = rel.filter(|r| !r.is_empty()) {
                        // The top folder is a package (maybe a namespace one) even when some
                        // folder below cannot be imported.
                        let top = rel.split('/').next().unwrap_or_default();
                        if is_identifier(top) && !top_level.contains(top) {
                            top_level.insert(top.into());
                        }
                        if rel.split('/').all(is_identifier) {
                            let name = rel.replace('/', ".");
                            modules.entry(name.into()).or_default().push(Provider {
                                root,
                                rank,
                                file,
                            });
                        }
                    }
                }
                if dir.is_empty() {
                    break;
                }
                dir = parent(dir);
            }
        }
        for providers in modules.values_mut() {
            // One provider per root: the best-ranked file (a package beats a module).
            providers.sort_unstable_by_key(|p| (p.root, p.rank));
            providers.dedup_by_key(|p| p.root);
        }
        PyResolver {
            roots,
            modules,
            paths,
            top_level,
            home,
        }
    }

    fn home(&self, file: FileId) -> Option<u32> {
        self.home
            .get(file.0 as usize)
            .copied()
            .filter(|&r| r != u32::MAX)
    }

    /// The file of an absolute module, preferring the source root of the importing file, then
    /// any root holding it, then the first root in order. A module named like the standard
    /// library (`queue`, `email.utils`) is only taken from a root holding the importing file:
    /// from anywhere else the standard library comes first on `sys.path`.
    fn absolute(
        &self,
        tree: &SourceTree,
        from: FileId,
        name: &str,
        stdlib: bool,
    ) -> Option<FileId> {
        let providers = self.modules.get(name)?;
        let home = self.home(from);
        let importer = tree.path(from);
        let holds = |p: &Provider| {
            let root = self.roots.get(p.root as usize).map_or("", String::as_str);
            root.is_empty()
                || importer
                    .strip_prefix(root)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        if let [only] = providers.as_slice() {
            return (!stdlib || holds(only)).then_some(only.file);
        }
        let rank = |p: &Provider| {
            let class = if home == Some(p.root) {
                0
            } else if holds(p) {
                1
            } else {
                2
            };
            (class, p.root)
        };
        providers
            .iter()
            .filter(|p| !stdlib || holds(p))
            .min_by_key(|p| rank(p))
            .map(|p| p.file)
    }

    fn relative_file(&self, module: &str) -> Option<FileId> {
        self.paths.get(module).map(|&(_, file)| file)
    }

    /// The package folder a relative import with `level` dots starts from; `None` when it
    /// would climb out of the importing file's source root, as `CPython` refuses to.
    fn relative_base<'t>(
        &self,
        tree: &'t SourceTree,
        from: FileId,
        level: usize,
    ) -> Option<&'t str> {
        let root = self.roots.get(self.home(from)? as usize)?;
        let dir = parent(tree.path(from));
        let inside = if root.is_empty() {
            dir
        } else {
            dir.strip_prefix(root.as_str())
                .map(|d| d.trim_start_matches('/'))?
        };
        let depth = if inside.is_empty() {
            0
        } else {
            inside.split('/').count()
        };
        if level == 0 || level > depth {
            return None;
        }
        let mut base = dir;
        for _ in 1..level {
            base = parent(base);
        }
        Some(base)
    }
}

/// The targets of one import, given how to look a module up and the separator its names use
/// (`.` for dotted names, `/` for module paths). Returns whether any file was found.
fn push_targets(
    base: &str,
    import: &Import,
    sep: char,
    lookup: impl Fn(&str) -> Option<FileId>,
    out: &mut Vec<Target>,
) -> bool {
    if import.kind == ImportKind::Wildcard {
        return lookup(base).map(|f| out.push(Target::File(f))).is_some();
    }
    if import.names.is_empty() {
        // `import a.b.c`: that module; grimp falls back to the parent when it names an object.
        let found = lookup(base).or_else(|| base.rsplit_once(sep).and_then(|(p, _)| lookup(p)));
        return found.map(|f| out.push(Target::File(f))).is_some();
    }
    let mut found = false;
    let mut needs_base = false;
    let mut key = String::with_capacity(base.len() + 24);
    for name in &import.names {
        key.clear();
        key.push_str(base);
        key.push(sep);
        key.push_str(name);
        if let Some(file) = lookup(&key) {
            out.push(Target::File(file));
            found = true;
        } else {
            needs_base = true;
        }
    }
    if needs_base && let Some(file) = lookup(base) {
        out.push(Target::File(file));
        found = true;
    }
    found
}

impl Resolver for PyResolver {
    fn resolve(&self, tree: &SourceTree, from: FileId, import: &Import, out: &mut Vec<Target>) {
        let spec = import.spec.as_str();
        let level = spec.bytes().take_while(|&b| b == b'.').count();
        if level > 0 {
            let Some(base) = self.relative_base(tree, from, level) else {
                return;
            };
            let rest = spec.get(level..).unwrap_or_default();
            let mut module = String::with_capacity(base.len() + rest.len() + 1);
            module.push_str(base);
            for part in rest.split('.').filter(|p| !p.is_empty()) {
                module.push('/');
                module.push_str(part);
            }
            push_targets(&module, import, '/', |m| self.relative_file(m), out);
            return;
        }
        let top = spec.split('.').next().unwrap_or_default();
        let stdlib = is_stdlib(top);
        if push_targets(
            spec,
            import,
            '.',
            |m| self.absolute(tree, from, m, stdlib),
            out,
        ) {
            return;
        }
        if !top.is_empty() && !stdlib && !self.top_level.contains(top) {
            out.push(Target::External(top.to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(paths: &[&str]) -> SourceTree {
        SourceTree::new("/nowhere", paths.iter().map(|p| (*p).to_owned()).collect())
    }

    fn import(spec: &str, names: &[&str]) -> Import {
        Import {
            spec: spec.to_owned(),
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            kind: if names == ["*"] {
                ImportKind::Wildcard
            } else {
                ImportKind::Static
            },
            line: 1,
            column: 1,
        }
    }

    /// Targets as paths, or `ext:name` for external packages; sorted.
    fn resolve(tree: &SourceTree, from: &str, spec: &str, names: &[&str]) -> Vec<String> {
        let resolver = PyResolver::new(tree);
        let mut import = import(spec, names);
        if import.kind == ImportKind::Wildcard {
            import.names.clear();
        }
        let mut out = Vec::new();
        resolver.resolve(
            tree,
            tree.id(from).expect("importing file exists"),
            &import,
            &mut out,
        );
        let mut found: Vec<String> = out
            .into_iter()
            .map(|t| match t {
                Target::File(f) => tree.path(f).to_owned(),
                Target::External(name) => format!("ext:{name}"),
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn module_paths() {
        assert_eq!(module_path("a/b/__init__.py"), Some((Rank::Package, "a/b")));
        assert_eq!(module_path("a/b.py"), Some((Rank::Module, "a/b")));
        assert_eq!(
            module_path("a/__init__.pyi"),
            Some((Rank::StubPackage, "a"))
        );
        assert_eq!(module_path("a/c.pyi"), Some((Rank::StubModule, "a/c")));
        assert_eq!(module_path("a/c.pyc"), None);
        assert!(is_identifier("_x1") && is_identifier("caf\u{e9}"));
        assert!(!is_identifier("my-app") && !is_identifier("1x") && !is_identifier(""));
    }

    #[test]
    fn source_roots_come_from_manifests() {
        let t = tree(&[
            "flat/pyproject.toml",
            "flat/pkg_a/__init__.py",
            "flat/pkg_a/x.py",
            "srclayout/pyproject.toml",
            "srclayout/src/pkg_b/y.py",
            "legacy/setup.py",
            "legacy/pkg_c.py",
            "cfg/setup.cfg",
            "cfg/src/pkg_d/__init__.pyi",
            "tools/t.py",
            "main.py",
        ]);
        assert_eq!(resolve(&t, "main.py", "pkg_a.x", &[]), ["flat/pkg_a/x.py"]);
        assert_eq!(
            resolve(&t, "main.py", "pkg_b.y", &[]),
            ["srclayout/src/pkg_b/y.py"]
        );
        assert_eq!(resolve(&t, "main.py", "pkg_c", &[]), ["legacy/pkg_c.py"]);
        assert_eq!(
            resolve(&t, "main.py", "pkg_d", &[]),
            ["cfg/src/pkg_d/__init__.pyi"]
        );
        // The repository root is a source root too.
        assert_eq!(
            resolve(&t, "flat/pkg_a/x.py", "tools.t", &[]),
            ["tools/t.py"]
        );
        // With a `src/`, the project folder itself is not a root; the repository root is.
        assert!(resolve(&t, "main.py", "pkg_b", &["z"]).is_empty());
        assert_eq!(
            resolve(&t, "main.py", "srclayout.src.pkg_b.y", &[]),
            ["srclayout/src/pkg_b/y.py"]
        );
    }

    #[test]
    fn import_names_the_module_only() {
        let t = tree(&["a/__init__.py", "a/b/__init__.py", "a/b/c.py"]);
        assert_eq!(resolve(&t, "a/__init__.py", "a.b.c", &[]), ["a/b/c.py"]);
        assert_eq!(resolve(&t, "a/b/c.py", "a.b", &[]), ["a/b/__init__.py"]);
        // An object imported as if a module: grimp falls back to its parent module.
        assert_eq!(
            resolve(&t, "a/__init__.py", "a.b.c.thing", &[]),
            ["a/b/c.py"]
        );
    }

    #[test]
    fn each_imported_name_decides_alone() {
        let t = tree(&[
            "a/__init__.py",
            "a/b/__init__.py",
            "a/b/c.py",
            "a/b/d.py",
            "main.py",
        ]);
        assert_eq!(resolve(&t, "main.py", "a.b", &["c"]), ["a/b/c.py"]);
        assert_eq!(
            resolve(&t, "main.py", "a.b", &["helper"]),
            ["a/b/__init__.py"]
        );
        assert_eq!(
            resolve(&t, "main.py", "a.b", &["c", "d", "helper"]),
            ["a/b/__init__.py", "a/b/c.py", "a/b/d.py"]
        );
        assert_eq!(resolve(&t, "main.py", "a.b.c", &["f"]), ["a/b/c.py"]);
        assert_eq!(resolve(&t, "main.py", "a.b", &["*"]), ["a/b/__init__.py"]);
    }

    #[test]
    fn package_beats_module_and_source_beats_stub() {
        let t = tree(&[
            "x.py",
            "x/__init__.py",
            "y.py",
            "y.pyi",
            "z.pyi",
            "main.py",
            "p/m.py",
            "p/q.py",
            "p/q/__init__.py",
        ]);
        assert_eq!(resolve(&t, "main.py", "x", &[]), ["x/__init__.py"]);
        assert_eq!(resolve(&t, "main.py", "y", &[]), ["y.py"]);
        assert_eq!(resolve(&t, "main.py", "z", &[]), ["z.pyi"]);
        // The same precedence for relative imports.
        assert_eq!(resolve(&t, "p/m.py", ".", &["q"]), ["p/q/__init__.py"]);
        assert_eq!(resolve(&t, "p/m.py", ".q", &["f"]), ["p/q/__init__.py"]);
    }

    #[test]
    fn namespace_packages() {
        let t = tree(&["ns/sub/m.py", "main.py"]);
        assert_eq!(resolve(&t, "main.py", "ns.sub.m", &[]), ["ns/sub/m.py"]);
        assert_eq!(resolve(&t, "main.py", "ns.sub", &["m"]), ["ns/sub/m.py"]);
        // No file for the namespace package itself; and it is no third-party package.
        assert!(resolve(&t, "main.py", "ns", &["sub"]).is_empty());
        assert!(resolve(&t, "main.py", "ns.other", &["x"]).is_empty());
    }

    #[test]
    fn relative_imports_count_from_the_package() {
        let t = tree(&[
            "proj/pyproject.toml",
            "proj/pkg/__init__.py",
            "proj/pkg/other.py",
            "proj/pkg/sub/__init__.py",
            "proj/pkg/sub/mod.py",
            "proj/pkg/sub/sibling.py",
            "proj/top.py",
        ]);
        let m = "proj/pkg/sub/mod.py";
        assert_eq!(
            resolve(&t, m, ".", &["sibling"]),
            ["proj/pkg/sub/sibling.py"]
        );
        assert_eq!(resolve(&t, m, ".", &["name"]), ["proj/pkg/sub/__init__.py"]);
        assert_eq!(resolve(&t, m, "..", &["other"]), ["proj/pkg/other.py"]);
        assert_eq!(resolve(&t, m, "..other", &["f"]), ["proj/pkg/other.py"]);
        assert_eq!(
            resolve(&t, m, ".sibling", &["f"]),
            ["proj/pkg/sub/sibling.py"]
        );
        assert_eq!(
            resolve(&t, m, "..sub.sibling", &["f"]),
            ["proj/pkg/sub/sibling.py"]
        );
        // An `__init__.py` is its own package.
        let init = "proj/pkg/sub/__init__.py";
        assert_eq!(resolve(&t, init, ".", &["mod"]), ["proj/pkg/sub/mod.py"]);
        assert_eq!(resolve(&t, init, "..", &["other"]), ["proj/pkg/other.py"]);
        // Beyond the top-level package, or unresolved: nothing, never an external package.
        assert!(resolve(&t, m, "...", &["top"]).is_empty());
        assert!(resolve(&t, "proj/top.py", ".", &["x"]).is_empty());
        assert!(resolve(&t, m, ".missing", &["x"]).is_empty());
    }

    #[test]
    fn the_importing_files_root_wins() {
        let t = tree(&[
            "a/pyproject.toml",
            "a/common/__init__.py",
            "a/common/util.py",
            "a/app.py",
            "b/pyproject.toml",
            "b/common/__init__.py",
            "b/common/util.py",
            "b/app.py",
            "c/tool.py",
        ]);
        assert_eq!(
            resolve(&t, "a/app.py", "common.util", &[]),
            ["a/common/util.py"]
        );
        assert_eq!(
            resolve(&t, "b/app.py", "common.util", &[]),
            ["b/common/util.py"]
        );
        assert_eq!(
            resolve(&t, "b/app.py", "common", &["util"]),
            ["b/common/util.py"]
        );
        // From elsewhere: the first root in path order.
        assert_eq!(
            resolve(&t, "c/tool.py", "common.util", &[]),
            ["a/common/util.py"]
        );
    }

    #[test]
    fn stdlib_and_third_party() {
        let t = tree(&["pkg/__init__.py", "main.py"]);
        assert_eq!(
            resolve(&t, "main.py", "requests.adapters", &[]),
            ["ext:requests"]
        );
        assert_eq!(resolve(&t, "main.py", "yaml", &["safe_load"]), ["ext:yaml"]);
        assert!(resolve(&t, "main.py", "os.path", &[]).is_empty());
        assert!(resolve(&t, "main.py", "__future__", &["annotations"]).is_empty());
        assert!(resolve(&t, "main.py", "typing", &["TYPE_CHECKING"]).is_empty());
        // An internal package's missing module is not a third-party package.
        assert_eq!(
            resolve(&t, "main.py", "pkg.generated", &["x"]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn stdlib_names_shadow_only_inside_their_root() {
        let t = tree(&[
            "tools/pyproject.toml",
            "tools/queue.py",
            "tools/runner.py",
            "app/pyproject.toml",
            "app/main.py",
        ]);
        assert_eq!(
            resolve(&t, "tools/runner.py", "queue", &[]),
            ["tools/queue.py"]
        );
        assert!(resolve(&t, "app/main.py", "queue", &[]).is_empty());
        assert!(resolve(&t, "app/main.py", "queue", &["Queue"]).is_empty());
    }

    #[test]
    fn unimportable_folders_are_not_modules() {
        let t = tree(&[
            "py/my-app/pyproject.toml",
            "py/my-app/my_app/__init__.py",
            "main.py",
        ]);
        assert_eq!(
            resolve(&t, "main.py", "my_app", &[]),
            ["py/my-app/my_app/__init__.py"]
        );
        // `py.my-app.my_app` is no module name; `py` is a namespace package of the repository
        // root all the same.
        assert!(resolve(&t, "main.py", "py", &["x"]).is_empty());
    }
}
