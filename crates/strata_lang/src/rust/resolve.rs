//! Rust resolution: crates from every `Cargo.toml` with a `[package]`, their dependencies on
//! each other (path and workspace dependencies, renames included), and each crate's module
//! tree from the file layout (`a.rs` or `a/mod.rs`, children of `a.rs` in `a/`). A `use` path
//! goes to the file of the longest prefix that names a module.
//!
//! A `mod x;` with `#[path = "…"]` resolves to the named file, but the module tree is built
//! from the layout alone: a `use` path through such a module stops at the declaring module's
//! file.

use std::collections::HashMap;

use serde_json::Value;

use crate::tree::{file_name, join, parent};
use crate::{FileId, Import, ImportKind, Resolver, SourceTree, Target};

/// Crates of the standard distribution, which resolve to nothing.
const STD_CRATES: &[&str] = &["std", "core", "alloc", "proc_macro", "test"];

/// One compilation root of a crate: its lib, a binary, a test, an example or a bench.
#[derive(Debug)]
struct Root {
    krate: usize,
    /// The root file (`src/lib.rs`, `src/main.rs`, …).
    file: FileId,
    /// Module path (joined by `::`, `""` for the root) -> file.
    modules: HashMap<String, FileId>,
}

#[derive(Debug)]
struct Crate {
    /// Identifier other crates use (`-` -> `_`).
    ident: String,
    /// The lib root, when the crate has a library.
    lib: Option<usize>,
    /// Dependency identifier (possibly renamed) -> crate index; or the package name of an
    /// external dependency.
    deps: HashMap<String, Result<usize, String>>,
}

pub struct RustResolver {
    crates: Vec<Crate>,
    roots: Vec<Root>,
    /// File -> (root index, its module path).
    file_module: HashMap<FileId, (usize, Vec<String>)>,
}

fn ident(name: &str) -> String {
    name.replace('-', "_")
}

impl RustResolver {
    pub fn new(tree: &SourceTree) -> RustResolver {
        // Manifests: dir -> parsed TOML.
        let manifests: Vec<(String, Value)> = tree
            .named("Cargo.toml")
            .filter_map(|(_, p)| {
                Some((
                    parent(p).to_owned(),
                    toml::from_str::<Value>(&tree.read(p)?).ok()?,
                ))
            })
            .collect();
        // Workspace dependency tables: workspace dir -> name -> path.
        let workspaces: Vec<(&str, &Value)> = manifests
            .iter()
            .filter(|(_, v)| v["workspace"].is_object())
            .map(|(d, v)| (d.as_str(), &v["workspace"]["dependencies"]))
            .collect();
        let packages: Vec<(&str, &Value)> = manifests
            .iter()
            .filter(|(_, v)| v["package"]["name"].is_string())
            .map(|(d, v)| (d.as_str(), v))
            .collect();
        let by_dir: HashMap<&str, usize> = packages
            .iter()
            .enumerate()
            .map(|(i, (d, _))| (*d, i))
            .collect();
        let by_name: HashMap<&str, usize> = packages
            .iter()
            .enumerate()
            .filter_map(|(i, (_, v))| Some((v["package"]["name"].as_str()?, i)))
            .collect();

        let mut crates = Vec::new();
        let mut roots = Vec::new();
        let mut file_module = HashMap::new();
        for (ci, (dir, manifest)) in packages.iter().enumerate() {
            let name = manifest["package"]["name"].as_str().unwrap_or_default();
            let mut deps = HashMap::new();
            for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
                let Some(map) = manifest[table].as_object() else {
                    continue;
                };
                for (key, spec) in map {
                    let mut package = spec["package"].as_str().unwrap_or(key);
                    let path = if let Some(p) = spec["path"].as_str() {
                        join(dir, p)
                    } else if spec["workspace"] == Value::Bool(true) {
                        // The nearest enclosing workspace's `[workspace.dependencies]` entry.
                        workspaces
                            .iter()
                            .filter(|(w, _)| w.is_empty() || dir.starts_with(&format!("{w}/")))
                            .max_by_key(|(w, _)| w.len())
                            .and_then(|(wdir, table)| {
                                let entry = &table[key.as_str()];
                                package = entry["package"].as_str().unwrap_or(package);
                                join(wdir, entry["path"].as_str()?)
                            })
                    } else {
                        None
                    };
                    let local = path
                        .and_then(|p| by_dir.get(p.as_str()).copied())
                        .or_else(|| by_name.get(package).copied());
                    deps.insert(ident(key), local.ok_or_else(|| package.to_owned()));
                }
            }
            let mut krate = Crate {
                ident: ident(name),
                lib: None,
                deps,
            };
            // Compilation roots.
            let lib_path = manifest["lib"]["path"]
                .as_str()
                .and_then(|p| join(dir, p))
                .unwrap_or_else(|| join_dir(dir, "src/lib.rs"));
            let mut root_files: Vec<(String, bool)> = vec![(lib_path, true)];
            root_files.push((join_dir(dir, "src/main.rs"), false));
            for bin in manifest["bin"].as_array().into_iter().flatten() {
                if let Some(p) = bin["path"].as_str().and_then(|p| join(dir, p)) {
                    root_files.push((p, false));
                }
            }
            for sub in ["src/bin", "tests", "examples", "benches"] {
                let d = join_dir(dir, sub);
                for &f in tree.files_in_dir(&d) {
                    if tree.path(f).ends_with(".rs") {
                        root_files.push((tree.path(f).to_owned(), false));
                    }
                }
                // `src/bin/name/main.rs` style binaries (looked for only where `src/bin` exists:
                // the scan is over every file).
                if sub == "src/bin" && tree.has_dir(&d) {
                    let prefix = format!("{d}/");
                    for (_, p) in tree.iter().filter(|(_, p)| {
                        p.starts_with(&prefix)
                            && p.ends_with("/main.rs")
                            && p[prefix.len()..].matches('/').count() == 1
                    }) {
                        root_files.push((p.to_owned(), false));
                    }
                }
            }
            for (path, is_lib) in root_files {
                let Some(file) = tree.id(&path) else { continue };
                if roots.iter().any(|r: &Root| r.file == file) {
                    continue;
                }
                let ri = roots.len();
                roots.push(Root {
                    krate: ci,
                    file,
                    modules: HashMap::new(),
                });
                if is_lib {
                    krate.lib = Some(ri);
                }
            }
            crates.push(krate);
        }
        // Module trees: every `.rs` file under a root's folder belongs to the nearest root
        // above it whose module files could reach it (the lib when roots share a folder).
        let root_dirs: HashMap<String, usize> = {
            let mut m: HashMap<String, usize> = HashMap::new();
            // Binaries first so that the lib wins a shared folder.
            for (ri, r) in roots.iter().enumerate().rev() {
                let is_lib = crates[r.krate].lib == Some(ri);
                let d = parent(tree.path(r.file)).to_owned();
                if is_lib || !m.contains_key(&d) {
                    m.insert(d, ri);
                }
            }
            m
        };
        for (ri, r) in roots.iter_mut().enumerate() {
            r.modules.insert(String::new(), r.file);
            file_module.insert(r.file, (ri, Vec::new()));
        }
        for (id, path) in tree.iter() {
            if !path.ends_with(".rs") || file_module.contains_key(&id) {
                continue;
            }
            // The nearest folder above the file that holds a root.
            let mut dir = parent(path);
            let found = loop {
                if let Some(&ri) = root_dirs.get(dir) {
                    break Some((ri, dir));
                }
                if dir.is_empty() {
                    break None;
                }
                dir = parent(dir);
            };
            let Some((ri, root_dir)) = found else {
                continue;
            };
            let rel = if root_dir.is_empty() {
                path
            } else {
                &path[root_dir.len() + 1..]
            };
            let rel = rel.strip_suffix(".rs").unwrap_or(rel);
            let mut segments: Vec<String> = rel.split('/').map(str::to_owned).collect();
            if segments.last().is_some_and(|s| s == "mod") {
                segments.pop();
            }
            if segments.is_empty() || segments.iter().any(|s| s.is_empty() || s.contains('.')) {
                continue;
            }
            let key = segments.join("::");
            // `a.rs` and `a/mod.rs` both present is an error in Rust; keep the first.
            roots[ri].modules.entry(key).or_insert(id);
            file_module.insert(id, (ri, segments));
        }
        RustResolver {
            crates,
            roots,
            file_module,
        }
    }

    /// The file of the longest prefix of `rest` that names a module below `base` in `root`.
    fn longest(&self, root: usize, base: &[String], rest: &[String]) -> Option<FileId> {
        let r = self.roots.get(root)?;
        let mut path: Vec<String> = base.to_vec();
        let mut best = r.modules.get(&path.join("::")).copied();
        for seg in rest {
            if seg == "self" || seg == "*" {
                continue;
            }
            path.push(seg.clone());
            match r.modules.get(&path.join("::")) {
                Some(&f) => best = Some(f),
                None => break,
            }
        }
        best
    }

    fn resolve_mod(&self, tree: &SourceTree, from: FileId, import: &Import) -> Option<FileId> {
        let path = tree.path(from);
        let dir = parent(path);
        let name = file_name(path);
        // Children of a mod-rs file (`lib.rs`, `main.rs`, `mod.rs`, a root) live beside it;
        // those of `a.rs` live in `a/`.
        let is_root = self
            .file_module
            .get(&from)
            .is_some_and(|(_, m)| m.is_empty());
        let module_dir = if is_root || name == "mod.rs" {
            dir.to_owned()
        } else {
            join_dir(dir, name.strip_suffix(".rs").unwrap_or(name))
        };
        if let Some(p) = import.names.first() {
            return tree.id(&join(dir, p)?);
        }
        let rel = import.spec.replace("::", "/");
        tree.id(&join_dir(&module_dir, &format!("{rel}.rs")))
            .or_else(|| tree.id(&join_dir(&module_dir, &format!("{rel}/mod.rs"))))
    }
}

fn join_dir(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_owned()
    } else {
        format!("{dir}/{rel}")
    }
}

impl Resolver for RustResolver {
    fn resolve(&self, tree: &SourceTree, from: FileId, import: &Import, out: &mut Vec<Target>) {
        if import.kind == ImportKind::Mod {
            if let Some(f) = self.resolve_mod(tree, from, import) {
                out.push(Target::File(f));
            }
            return;
        }
        let Some((root, module)) = self.file_module.get(&from) else {
            // A file outside any crate: only external crates can be named.
            let first = import
                .spec
                .trim_start_matches("::")
                .split("::")
                .next()
                .unwrap_or_default();
            if !first.is_empty()
                && !STD_CRATES.contains(&first)
                && !matches!(first, "crate" | "self" | "super")
            {
                out.push(Target::External(first.to_owned()));
            }
            return;
        };
        let krate = &self.crates[self.roots[*root].krate];
        let extern_only = import.spec.starts_with("::");
        let segments: Vec<String> = import
            .spec
            .trim_start_matches("::")
            .split("::")
            .map(str::to_owned)
            .collect();
        let Some(first) = segments.first().map(String::as_str) else {
            return;
        };
        if import.kind == ImportKind::ExternCrate {
            match krate.deps.get(first) {
                Some(Ok(c)) => {
                    if let Some(l) = self.crates[*c].lib {
                        out.push(Target::File(self.roots[l].file));
                    }
                }
                Some(Err(package)) => out.push(Target::External(package.clone())),
                None if !STD_CRATES.contains(&first) => {
                    out.push(Target::External(first.to_owned()));
                }
                None => {}
            }
            return;
        }
        let target = match first {
            "crate" if !extern_only => self.longest(*root, &[], &segments[1..]),
            "self" if !extern_only => self.longest(*root, module, &segments[1..]),
            "super" if !extern_only => {
                let supers = segments.iter().take_while(|s| *s == "super").count();
                if supers > module.len() {
                    return;
                }
                self.longest(*root, &module[..module.len() - supers], &segments[supers..])
            }
            _ => {
                // A child module of this file's module (2018 paths), unless `::` forces a crate.
                let mut child = module.clone();
                child.push(first.to_owned());
                if !extern_only && self.roots[*root].modules.contains_key(&child.join("::")) {
                    self.longest(*root, module, &segments)
                } else if let Some(dep) = krate.deps.get(first) {
                    match dep {
                        Ok(c) => self.crates[*c]
                            .lib
                            .and_then(|l| self.longest(l, &[], &segments[1..])),
                        Err(package) => {
                            out.push(Target::External(package.clone()));
                            return;
                        }
                    }
                } else if first == krate.ident && krate.lib.is_some_and(|l| l != *root) {
                    // A binary, test or example using its own package's library.
                    krate.lib.and_then(|l| self.longest(l, &[], &segments[1..]))
                } else if STD_CRATES.contains(&first) {
                    return;
                } else {
                    out.push(Target::External(first.to_owned()));
                    return;
                }
            }
        };
        if let Some(f) = target.filter(|&f| f != from) {
            out.push(Target::File(f));
        }
    }
}
