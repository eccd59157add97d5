//! Resolution of Rust imports against the Cargo packages of the tree.
//!
//! Built once from the manifests and the file list: every `Cargo.toml` with `[package]` gives a
//! package with its crate roots (lib, bins, tests, examples, benches, build script), its edition
//! and the crate idents of its workspace dependencies (`path = …`, `workspace = true`, renames
//! through `package = …`). Files are placed in the module tree by Cargo's and rustc's layout
//! conventions: below a crate root's directory, `a/b.rs` or `a/b/mod.rs` is module `a::b`. Crate
//! roots (only those, a few per package) are read once so that `#[path]` modules they declare and
//! the modules a binary shares a directory with its library (`src/main.rs` declaring `mod cli;`)
//! are placed exactly. `resolve` then does no I/O: lookups in hash maps.
//!
//! Crates sharing a directory (a lib and its `src/main.rs`, the files of `tests/`) share one
//! module *space*: the map from module path to file of that directory.

use std::collections::{HashMap, HashSet};

use super::scan;
use crate::tree::{file_name, join, parent};
use crate::{FileId, Import, ImportKind, Lang, Resolver, SourceTree, Target};

/// First segments that name the standard library: never an edge, never an external package.
const STD_CRATES: [&str; 5] = ["std", "core", "alloc", "proc_macro", "test"];

const DEP_TABLES: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "build-dependencies",
    "dev_dependencies",
    "build_dependencies",
];

pub(super) struct RustResolver {
    packages: Vec<Package>,
    spaces: Vec<Space>,
    files: HashMap<FileId, FileInfo>,
}

struct Package {
    dir: String,
    edition_2015: bool,
    lib: Option<FileId>,
    /// The ident code uses for the lib: `[lib] name`, else the package name with `-` as `_`.
    lib_ident: String,
    /// Crate ident -> package index, for dependencies that are packages of the tree.
    deps: HashMap<String, usize>,
}

/// The modules below one directory holding crate roots.
struct Space {
    package: usize,
    /// The crate root that `crate::` means for files of this space not claimed by another.
    primary: FileId,
    /// Module path (`a::b`, `""` is not stored) -> its file.
    modules: HashMap<String, FileId>,
}

struct FileInfo {
    space: usize,
    /// Module path from the crate root, `a::b`; empty for a crate root.
    module: String,
    /// The crate root of the crate this file belongs to.
    root: FileId,
    /// Whether `mod x;` in this file looks in its own directory (crate roots, `mod.rs`, files
    /// loaded through `#[path]`) rather than in a directory named after it.
    mod_rs: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RootKind {
    Lib,
    Bin,
    /// Tests, examples, benches, build script.
    Other,
}

/// What a manifest says, before packages are linked together.
struct Manifest {
    dir: String,
    table: toml::Table,
}

/// A package's targets as found in its manifest.
struct Targets {
    lib: Option<String>,
    bins: Vec<String>,
    others: Vec<String>,
    build: Option<bool>,
}

impl RustResolver {
    pub fn new(tree: &SourceTree) -> RustResolver {
        let manifests: Vec<Manifest> = tree
            .named("Cargo.toml")
            .filter_map(|(_, path)| {
                let text = tree.read(path)?;
                let table = text.parse::<toml::Table>().ok()?;
                Some(Manifest {
                    dir: parent(path).to_owned(),
                    table,
                })
            })
            .collect();
        let workspaces: HashMap<&str, &toml::Table> = manifests
            .iter()
            .filter_map(|m| Some((m.dir.as_str(), m.table.get("workspace")?.as_table()?)))
            .collect();

        let mut r = RustResolver {
            packages: Vec::new(),
            spaces: Vec::new(),
            files: HashMap::new(),
        };
        let mut targets = Vec::new();
        let mut package_manifest = Vec::new();
        let mut by_dir: HashMap<String, usize> = HashMap::new();
        for (mi, m) in manifests.iter().enumerate() {
            let Some(pkg) = m.table.get("package").and_then(toml::Value::as_table) else {
                continue;
            };
            let name = pkg
                .get("name")
                .and_then(toml::Value::as_str)
                .unwrap_or_default();
            let ws = workspace_of(&workspaces, &m.dir, pkg);
            let edition = match pkg.get("edition") {
                Some(toml::Value::String(e)) => Some(e.as_str()),
                Some(toml::Value::Table(t)) if is_true(t.get("workspace")) => {
                    ws.and_then(|(_, w)| w.get("package")?.as_table()?.get("edition")?.as_str())
                }
                _ => None,
            };
            let lib_table = m.table.get("lib").and_then(toml::Value::as_table);
            let lib_ident = lib_table
                .and_then(|l| l.get("name")?.as_str())
                .unwrap_or(name)
                .replace('-', "_");
            by_dir.insert(m.dir.clone(), r.packages.len());
            r.packages.push(Package {
                dir: m.dir.clone(),
                edition_2015: edition.is_none_or(|e| e == "2015"),
                lib: None,
                lib_ident,
                deps: HashMap::new(),
            });
            targets.push(read_targets(&m.table, &m.dir));
            package_manifest.push(mi);
        }
        for (pi, &mi) in package_manifest.iter().enumerate() {
            let Some(m) = manifests.get(mi) else { continue };
            let pkg_table = m.table.get("package").and_then(toml::Value::as_table);
            let ws = pkg_table.and_then(|p| workspace_of(&workspaces, &m.dir, p));
            let deps = dependencies(&m.table, &m.dir, ws, &by_dir, &r.packages);
            if let Some(p) = r.packages.get_mut(pi) {
                p.deps = deps;
            }
        }
        let roots = r.place_files(tree, &by_dir, &targets);
        r.read_roots(tree, &roots);
        r
    }

    /// Assign every `.rs` file of a package to a crate root and a module path.
    /// Returns the crate roots, libs first.
    fn place_files(
        &mut self,
        tree: &SourceTree,
        by_dir: &HashMap<String, usize>,
        targets: &[Targets],
    ) -> Vec<(FileId, RootKind)> {
        let mut dir_cache: HashMap<&str, Option<usize>> = HashMap::new();
        let mut roots: Vec<(usize, FileId, RootKind)> = Vec::new();
        let mut others: Vec<(usize, FileId)> = Vec::new();
        for (id, path) in tree.iter() {
            if Lang::from_path(path) != Some(Lang::Rust) {
                continue;
            }
            let dir = parent(path);
            let pkg = *dir_cache
                .entry(dir)
                .or_insert_with(|| package_of(by_dir, dir));
            let Some(pi) = pkg else { continue };
            let (Some(p), Some(t)) = (self.packages.get(pi), targets.get(pi)) else {
                continue;
            };
            match root_kind(&p.dir, path, t) {
                Some(kind) => roots.push((pi, id, kind)),
                None => others.push((pi, id)),
            }
        }
        // Lib roots first, so a lib is the primary root of the directory it shares.
        roots.sort_by_key(|&(pi, id, kind)| (pi, kind, id));
        let mut space_of: HashMap<(usize, &str), usize> = HashMap::new();
        let mut pkg_spaces: HashMap<usize, Vec<usize>> = HashMap::new();
        for &(pi, id, kind) in &roots {
            let dir = parent(tree.path(id));
            let space = *space_of.entry((pi, dir)).or_insert_with(|| {
                self.spaces.push(Space {
                    package: pi,
                    primary: id,
                    modules: HashMap::new(),
                });
                pkg_spaces
                    .entry(pi)
                    .or_default()
                    .push(self.spaces.len() - 1);
                self.spaces.len() - 1
            });
            if kind == RootKind::Lib
                && let Some(p) = self.packages.get_mut(pi)
            {
                p.lib.get_or_insert(id);
            }
            let info = FileInfo {
                space,
                module: String::new(),
                root: id,
                mod_rs: true,
            };
            self.files.insert(id, info);
        }
        let space_dirs: HashMap<usize, &str> =
            space_of.iter().map(|(&(_, d), &s)| (s, d)).collect();
        for (pi, id) in others {
            let path = tree.path(id);
            // The space with the longest directory containing the file.
            let best = pkg_spaces
                .get(&pi)
                .into_iter()
                .flatten()
                .filter_map(|&s| Some((s, *space_dirs.get(&s)?)))
                .filter(|(_, d)| is_under(path, d))
                .max_by_key(|(_, d)| d.len());
            let Some((space, dir)) = best else { continue };
            let Some(module) = module_path(path, dir) else {
                continue;
            };
            let Some(sp) = self.spaces.get_mut(space) else {
                continue;
            };
            sp.modules.entry(module.clone()).or_insert(id);
            let root = sp.primary;
            let mod_rs = file_name(path) == "mod.rs";
            self.files.insert(
                id,
                FileInfo {
                    space,
                    module,
                    root,
                    mod_rs,
                },
            );
        }
        roots.into_iter().map(|(_, id, kind)| (id, kind)).collect()
    }

    /// Read the crate roots of libs and bins for the modules they declare: `#[path]` modules,
    /// and the modules of a bin that shares its directory with another crate.
    fn read_roots(&mut self, tree: &SourceTree, roots: &[(FileId, RootKind)]) {
        // (space, top-level module) -> the bin root that declares it. Roots come libs first, so
        // a module the primary root also declares stays the primary's.
        let mut claims: HashMap<(usize, String), FileId> = HashMap::new();
        let mut shared: HashSet<(usize, String)> = HashSet::new();
        for &(root, kind) in roots {
            // Tests, examples, benches and build scripts rarely declare modules of their own.
            if kind == RootKind::Other {
                continue;
            }
            let Some(space) = self.files.get(&root).map(|i| i.space) else {
                continue;
            };
            let primary = self.spaces.get(space).is_some_and(|s| s.primary == root);
            let path = tree.path(root);
            let Some(text) = tree.read(path) else {
                continue;
            };
            let facts = scan::extract(text.as_bytes());
            let dir = parent(path);
            for import in facts.imports.iter().filter(|i| i.kind == ImportKind::Mod) {
                let name = import.spec.as_str();
                if name.contains("::") {
                    continue;
                }
                if let Some(p) = import.names.first() {
                    let Some(target) = join(dir, p).and_then(|t| tree.id(&t)) else {
                        continue;
                    };
                    if let Some(sp) = self.spaces.get_mut(space) {
                        sp.modules.insert(name.to_owned(), target);
                    }
                    let info = FileInfo {
                        space,
                        module: name.to_owned(),
                        root,
                        mod_rs: true,
                    };
                    self.files.insert(target, info);
                } else if primary {
                    shared.insert((space, name.to_owned()));
                } else if !shared.contains(&(space, name.to_owned())) {
                    claims.entry((space, name.to_owned())).or_insert(root);
                }
            }
        }
        if claims.is_empty() {
            return;
        }
        // A bin's own modules, and everything below them, belong to the bin.
        for info in self.files.values_mut() {
            let first = info.module.split("::").next().unwrap_or_default();
            if first.is_empty() {
                continue;
            }
            if let Some(&root) = claims.get(&(info.space, first.to_owned())) {
                info.root = root;
            }
        }
    }

    fn resolve_mod(&self, tree: &SourceTree, from: FileId, import: &Import, out: &mut Vec<Target>) {
        let path = tree.path(from);
        let name = file_name(path);
        let mod_rs = self
            .files
            .get(&from)
            .map_or(matches!(name, "mod.rs" | "lib.rs" | "main.rs"), |i| {
                i.mod_rs
            });
        let dir = parent(path);
        let own_dir = if mod_rs {
            dir.to_owned()
        } else {
            let stem = name.strip_suffix(".rs").unwrap_or(name);
            if dir.is_empty() {
                stem.to_owned()
            } else {
                format!("{dir}/{stem}")
            }
        };
        let (inline, module) = match import.spec.rsplit_once("::") {
            Some((inline, m)) => (Some(inline.replace("::", "/")), m),
            None => (None, import.spec.as_str()),
        };
        let target = if let Some(p) = import.names.first() {
            // `#[path]` is relative to the file's directory, or inside inline modules to the
            // directory the inline modules would have.
            let base = match &inline {
                None => dir.to_owned(),
                Some(i) => join(&own_dir, i).unwrap_or_default(),
            };
            join(&base, p).and_then(|t| tree.id(&t))
        } else {
            let base = match &inline {
                None => own_dir,
                Some(i) => join(&own_dir, i).unwrap_or_default(),
            };
            let sep = if base.is_empty() { "" } else { "/" };
            tree.id(&format!("{base}{sep}{module}.rs"))
                .or_else(|| tree.id(&format!("{base}{sep}{module}/mod.rs")))
        };
        if let Some(t) = target
            && t != from
        {
            out.push(Target::File(t));
        }
    }

    /// A path through a workspace crate, from its lib root.
    fn through_crate(&self, pkg: usize, rest: &[&str], from: FileId, out: &mut Vec<Target>) {
        let Some(lib) = self.packages.get(pkg).and_then(|p| p.lib) else {
            return;
        };
        let Some(info) = self.files.get(&lib) else {
            return;
        };
        self.longest_module(info.space, lib, &[], rest, from, out);
    }

    /// Push the file defining the longest prefix of `base::rest` that names a module of `space`
    /// (`root` for the empty prefix), unless it is `from`.
    fn longest_module(
        &self,
        space: usize,
        root: FileId,
        base: &[&str],
        rest: &[&str],
        from: FileId,
        out: &mut Vec<Target>,
    ) {
        let Some(sp) = self.spaces.get(space) else {
            return;
        };
        let mut best = root;
        let mut key = String::new();
        for seg in base.iter().chain(rest) {
            if *seg == "*" || seg.is_empty() {
                break;
            }
            if !key.is_empty() {
                key.push_str("::");
            }
            key.push_str(seg);
            if let Some(&f) = sp.modules.get(key.as_str()) {
                best = f;
            }
        }
        if best != from {
            out.push(Target::File(best));
        }
    }

    fn resolve_path(&self, from: FileId, import: &Import, out: &mut Vec<Target>) {
        let (global, body) = match import.spec.strip_prefix("::") {
            Some(b) => (true, b),
            None => (false, import.spec.as_str()),
        };
        let segs: Vec<&str> = body.split("::").collect();
        let Some((&first, rest)) = segs.split_first() else {
            return;
        };
        let Some(info) = self.files.get(&from) else {
            // A file outside every package: only external names can be told.
            if !global
                && import.kind != ImportKind::Qualified
                && !matches!(first, "crate" | "self" | "super" | "*")
                && !STD_CRATES.contains(&first)
            {
                out.push(Target::External(first.to_owned()));
            }
            return;
        };
        let Some(sp) = self.spaces.get(info.space) else {
            return;
        };
        let Some(pkg) = self.packages.get(sp.package) else {
            return;
        };
        let module: Vec<&str> = if info.module.is_empty() {
            Vec::new()
        } else {
            info.module.split("::").collect()
        };
        match first {
            "crate" if import.kind != ImportKind::ExternCrate => {
                self.longest_module(info.space, info.root, &[], rest, from, out);
            }
            "self" => {
                if import.kind != ImportKind::ExternCrate {
                    self.longest_module(info.space, info.root, &module, rest, from, out);
                }
            }
            "super" => {
                let supers = segs.iter().take_while(|s| **s == "super").count();
                let Some(keep) = module.len().checked_sub(supers) else {
                    return;
                };
                let base = module.get(..keep).unwrap_or_default();
                let rest = segs.get(supers..).unwrap_or_default();
                self.longest_module(info.space, info.root, base, rest, from, out);
            }
            "*" | "" => {}
            _ if import.kind == ImportKind::Qualified => {
                // A path in code counts only as another crate of the tree; a child module of
                // that name shadows the crate.
                let mut key = info.module.clone();
                if !key.is_empty() {
                    key.push_str("::");
                }
                key.push_str(first);
                if global || sp.modules.contains_key(key.as_str()) {
                    return;
                }
                if let Some(&dep) = pkg.deps.get(first) {
                    self.through_crate(dep, rest, from, out);
                } else if first == pkg.lib_ident && pkg.lib.is_some() {
                    self.through_crate(sp.package, rest, from, out);
                }
            }
            _ => {
                if !global && !pkg.edition_2015 && import.kind != ImportKind::ExternCrate {
                    // 2018+: a name of the current module (a child module) before a crate.
                    let mut key = info.module.clone();
                    if !key.is_empty() {
                        key.push_str("::");
                    }
                    key.push_str(first);
                    if sp.modules.contains_key(key.as_str()) {
                        self.longest_module(info.space, info.root, &module, &segs, from, out);
                        return;
                    }
                }
                if pkg.edition_2015
                    && import.kind != ImportKind::ExternCrate
                    && sp.modules.contains_key(first)
                {
                    // 2015: `use` paths start at the crate root.
                    self.longest_module(info.space, info.root, &[], &segs, from, out);
                    return;
                }
                if STD_CRATES.contains(&first) {
                    return;
                }
                if let Some(&dep) = pkg.deps.get(first) {
                    self.through_crate(dep, rest, from, out);
                } else if first == pkg.lib_ident && pkg.lib.is_some() {
                    // A bin, test or example using its own package's lib.
                    self.through_crate(sp.package, rest, from, out);
                } else if !first.starts_with(|c: char| c.is_ascii_uppercase()) {
                    // Crate names are lower case; `Enum::Variant` reached through a glob import
                    // names no crate.
                    out.push(Target::External(first.to_owned()));
                }
            }
        }
    }
}

impl Resolver for RustResolver {
    fn resolve(&self, tree: &SourceTree, from: FileId, import: &Import, out: &mut Vec<Target>) {
        match import.kind {
            ImportKind::Mod => self.resolve_mod(tree, from, import, out),
            _ => self.resolve_path(from, import, out),
        }
    }
}

fn is_true(v: Option<&toml::Value>) -> bool {
    v.and_then(toml::Value::as_bool) == Some(true)
}

/// The workspace a package belongs to: `package.workspace`, else the nearest manifest with
/// `[workspace]` in its directory or above.
fn workspace_of<'a>(
    workspaces: &HashMap<&'a str, &'a toml::Table>,
    dir: &str,
    pkg: &toml::Table,
) -> Option<(&'a str, &'a toml::Table)> {
    if let Some(explicit) = pkg.get("workspace").and_then(toml::Value::as_str) {
        let d = join(dir, explicit)?;
        return workspaces.get_key_value(d.as_str()).map(|(k, v)| (*k, *v));
    }
    let mut d = dir;
    loop {
        if let Some((k, v)) = workspaces.get_key_value(d) {
            return Some((*k, *v));
        }
        if d.is_empty() {
            return None;
        }
        d = parent(d);
    }
}

fn read_targets(table: &toml::Table, dir: &str) -> Targets {
    let path_of =
        |v: &toml::Value| -> Option<String> { join(dir, v.as_table()?.get("path")?.as_str()?) };
    let list = |key: &str| -> Vec<String> {
        table
            .get(key)
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(path_of)
            .collect()
    };
    let mut others = list("test");
    others.extend(list("example"));
    others.extend(list("bench"));
    let pkg = table.get("package").and_then(toml::Value::as_table);
    let build = match pkg.and_then(|p| p.get("build")) {
        Some(toml::Value::String(s)) => {
            others.extend(join(dir, s));
            Some(true)
        }
        Some(toml::Value::Boolean(b)) => Some(*b),
        _ => None,
    };
    Targets {
        lib: table.get("lib").and_then(path_of),
        bins: list("bin"),
        others,
        build,
    }
}

/// The crate ident -> package index of every dependency that is a package of the tree.
fn dependencies(
    table: &toml::Table,
    dir: &str,
    ws: Option<(&str, &toml::Table)>,
    by_dir: &HashMap<String, usize>,
    packages: &[Package],
) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    let mut tables: Vec<&toml::Table> = DEP_TABLES
        .iter()
        .filter_map(|k| table.get(*k)?.as_table())
        .collect();
    if let Some(targets) = table.get("target").and_then(toml::Value::as_table) {
        for t in targets.values().filter_map(toml::Value::as_table) {
            tables.extend(DEP_TABLES.iter().filter_map(|k| t.get(*k)?.as_table()));
        }
    }
    let ws_deps = ws.and_then(|(d, w)| Some((d, w.get("dependencies")?.as_table()?)));
    for deps in tables {
        for (key, value) in deps {
            let Some(spec) = value.as_table() else {
                continue;
            };
            let mut renamed = spec.get("package").is_some();
            let path = if is_true(spec.get("workspace")) {
                let Some((wdir, wdeps)) = ws_deps else {
                    continue;
                };
                let Some(entry) = wdeps.get(key).and_then(toml::Value::as_table) else {
                    continue;
                };
                renamed |= entry.get("package").is_some();
                entry
                    .get("path")
                    .and_then(toml::Value::as_str)
                    .and_then(|p| join(wdir, p))
            } else {
                spec.get("path")
                    .and_then(toml::Value::as_str)
                    .and_then(|p| join(dir, p))
            };
            let Some(target) = path.and_then(|p| by_dir.get(&p).copied()) else {
                continue;
            };
            let ident = if renamed {
                key.replace('-', "_")
            } else {
                packages
                    .get(target)
                    .map_or_else(|| key.replace('-', "_"), |p| p.lib_ident.clone())
            };
            out.insert(ident, target);
        }
    }
    out
}

/// The package whose directory is the longest one containing `dir`.
fn package_of(by_dir: &HashMap<String, usize>, dir: &str) -> Option<usize> {
    let mut d = dir;
    loop {
        if let Some(&p) = by_dir.get(d) {
            return Some(p);
        }
        if d.is_empty() {
            return None;
        }
        d = parent(d);
    }
}

fn rel_path<'a>(path: &'a str, dir: &str) -> &'a str {
    if dir.is_empty() {
        return path;
    }
    path.strip_prefix(dir)
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(path)
}

fn is_under(path: &str, dir: &str) -> bool {
    dir.is_empty() || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Whether a file is a crate root of its package, and of which kind (Cargo's target
/// auto-discovery plus the manifest's explicit targets).
fn root_kind(pkg_dir: &str, path: &str, t: &Targets) -> Option<RootKind> {
    let rel = rel_path(path, pkg_dir);
    match &t.lib {
        Some(lib) if lib == path => return Some(RootKind::Lib),
        None if rel == "src/lib.rs" => return Some(RootKind::Lib),
        _ => {}
    }
    if t.bins.iter().any(|b| b == path) || rel == "src/main.rs" || auto_target(rel, "src/bin/") {
        return Some(RootKind::Bin);
    }
    if t.others.iter().any(|o| o == path) {
        return Some(RootKind::Other);
    }
    if ["tests/", "examples/", "benches/"]
        .iter()
        .any(|d| auto_target(rel, d))
    {
        return Some(RootKind::Other);
    }
    if rel == "build.rs" && t.build != Some(false) {
        return Some(RootKind::Other);
    }
    None
}

/// `dir/x.rs` or `dir/x/main.rs`.
fn auto_target(rel: &str, dir: &str) -> bool {
    let Some(rest) = rel.strip_prefix(dir) else {
        return false;
    };
    match rest.split_once('/') {
        None => rest.rsplit_once('.').is_some_and(|(_, ext)| ext == "rs"),
        Some((_, tail)) => tail == "main.rs",
    }
}

/// The module path of a file below a crate root's directory: `a/b.rs` and `a/b/mod.rs` are
/// `a::b`.
fn module_path(path: &str, dir: &str) -> Option<String> {
    let rel = rel_path(path, dir).strip_suffix(".rs")?;
    let rel = rel.strip_suffix("/mod").unwrap_or(rel);
    if rel.is_empty() || rel == "mod" {
        return None;
    }
    Some(rel.replace('/', "::"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::Frontend;
    use crate::rust::RustFrontend;

    /// Every (from, to) edge and every (from, external) the front-end finds in a repository of
    /// `files`.
    type Pairs = BTreeSet<(String, String)>;

    fn run(files: &[(&str, &str)]) -> (Pairs, Pairs) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let tree = SourceTree::new(
            dir.path(),
            files.iter().map(|(p, _)| (*p).to_owned()).collect(),
        );
        let resolver = RustFrontend.resolver(&tree);
        let mut edges = BTreeSet::new();
        let mut externals = BTreeSet::new();
        let mut out = Vec::new();
        for (path, text) in files
            .iter()
            .filter(|(p, _)| Lang::from_path(p) == Some(Lang::Rust))
        {
            let from = tree.id(path).unwrap();
            for import in RustFrontend.extract(path, text.as_bytes()).imports {
                out.clear();
                resolver.resolve(&tree, from, &import, &mut out);
                for t in &out {
                    match t {
                        Target::File(to) => {
                            assert_ne!(*to, from, "self edge from {path} for {}", import.spec);
                            edges.insert(((*path).to_owned(), tree.path(*to).to_owned()));
                        }
                        Target::External(name) => {
                            externals.insert(((*path).to_owned(), name.clone()));
                        }
                    }
                }
            }
        }
        (edges, externals)
    }

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    const PKG: &str = "[package]\nname = \"app\"\nedition = \"2021\"\n";

    #[test]
    fn modules_and_longest_prefix() {
        let (edges, _) = run(&[
            ("Cargo.toml", PKG),
            (
                "src/lib.rs",
                "pub mod a;\nmod c;\npub use self::a::Thing;\nuse crate::a::b::f;",
            ),
            ("src/a.rs", "pub mod b;\npub enum Kind { X }\nuse super::c;"),
            (
                "src/a/b.rs",
                "use crate::a::Kind::X;\nuse crate::a::b::g;\nuse super::super::c::h;",
            ),
            (
                "src/c/mod.rs",
                "mod d;\nuse self::d::Z;\nuse crate::a::{self, b::{self, f}};",
            ),
            ("src/c/d.rs", "use crate::{a::Kind, c};"),
        ]);
        assert_eq!(
            edges,
            pairs(&[
                ("src/lib.rs", "src/a.rs"),
                ("src/lib.rs", "src/a/b.rs"),
                ("src/lib.rs", "src/c/mod.rs"),
                ("src/a.rs", "src/a/b.rs"),
                ("src/a.rs", "src/c/mod.rs"),
                ("src/a/b.rs", "src/a.rs"),
                ("src/a/b.rs", "src/c/mod.rs"),
                ("src/c/mod.rs", "src/c/d.rs"),
                ("src/c/mod.rs", "src/a.rs"),
                ("src/c/mod.rs", "src/a/b.rs"),
                ("src/c/d.rs", "src/a.rs"),
                ("src/c/d.rs", "src/c/mod.rs"),
            ])
        );
    }

    #[test]
    fn enum_variant_is_not_a_module() {
        let (edges, _) = run(&[
            ("Cargo.toml", PKG),
            ("src/lib.rs", "pub mod shapes;\npub mod other;"),
            (
                "src/shapes.rs",
                "pub enum Shape { Circle }\npub mod circle;",
            ),
            ("src/shapes/circle.rs", ""),
            ("src/other.rs", "use crate::shapes::Shape::Circle;"),
        ]);
        let from_other: Vec<_> = edges.iter().filter(|e| e.0 == "src/other.rs").collect();
        assert_eq!(
            from_other,
            [&("src/other.rs".to_owned(), "src/shapes.rs".to_owned())]
        );
        // A module of the same name as the variant's prefix is a module.
        let (edges, _) = run(&[
            ("Cargo.toml", PKG),
            (
                "src/lib.rs",
                "pub mod shapes;\nuse crate::shapes::circle::Circle;",
            ),
            ("src/shapes.rs", "pub mod circle;"),
            ("src/shapes/circle.rs", "pub struct Circle;"),
        ]);
        assert!(edges.contains(&("src/lib.rs".to_owned(), "src/shapes/circle.rs".to_owned())));
    }

    #[test]
    fn mod_declarations_follow_rustc_layout() {
        let (edges, _) = run(&[
            ("Cargo.toml", PKG),
            (
                "src/lib.rs",
                "mod a;\nmod m;\nmod inl { mod x; pub mod deep { mod y; } }",
            ),
            (
                "src/a.rs",
                "mod b;\n#[path = \"elsewhere.rs\"] mod e;\nmod i { mod j; }",
            ),
            ("src/a/b.rs", ""),
            ("src/elsewhere.rs", ""),
            ("src/a/i/j.rs", ""),
            ("src/m/mod.rs", "mod n;"),
            ("src/m/n.rs", ""),
            ("src/inl/x.rs", ""),
            ("src/inl/deep/y.rs", ""),
        ]);
        assert_eq!(
            edges,
            pairs(&[
                ("src/lib.rs", "src/a.rs"),
                ("src/lib.rs", "src/m/mod.rs"),
                ("src/lib.rs", "src/inl/x.rs"),
                ("src/lib.rs", "src/inl/deep/y.rs"),
                ("src/a.rs", "src/a/b.rs"),
                ("src/a.rs", "src/elsewhere.rs"),
                ("src/a.rs", "src/a/i/j.rs"),
                ("src/m/mod.rs", "src/m/n.rs"),
            ])
        );
    }

    #[test]
    fn path_attribute_module_is_used_through_its_name() {
        let (edges, _) = run(&[
            ("Cargo.toml", PKG),
            (
                "src/lib.rs",
                "#[path = \"platform/linux.rs\"]\npub mod sys;\npub mod user;",
            ),
            ("src/platform/linux.rs", "mod helper;"),
            ("src/platform/helper.rs", ""),
            ("src/user.rs", "use crate::sys::Handle;"),
        ]);
        assert_eq!(
            edges,
            pairs(&[
                ("src/lib.rs", "src/platform/linux.rs"),
                ("src/lib.rs", "src/user.rs"),
                // A file loaded through `#[path]` has its children beside it.
                ("src/platform/linux.rs", "src/platform/helper.rs"),
                ("src/user.rs", "src/platform/linux.rs"),
            ])
        );
    }

    #[test]
    fn inline_tests_module_refers_to_its_file() {
        let (edges, _) = run(&[
            ("Cargo.toml", PKG),
            ("src/lib.rs", "pub mod a;"),
            (
                "src/a.rs",
                "pub fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::f;\n}\n",
            ),
        ]);
        assert_eq!(edges, pairs(&[("src/lib.rs", "src/a.rs")]));
    }

    #[test]
    fn workspace_crates_and_renamed_dependencies() {
        let (edges, externals) = run(&[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\nshared-util = { path = \"crates/shared-util\" }\n",
            ),
            (
                "crates/app/Cargo.toml",
                "[package]\nname = \"app\"\nedition = \"2021\"\n[dependencies]\nengine = { package = \"real-engine\", path = \"../real-engine\" }\nshared-util = { workspace = true }\nserde = \"1\"\n[dev-dependencies.kit]\npath = \"../kit\"\n",
            ),
            (
                "crates/app/src/lib.rs",
                "use engine::api::run;\nuse shared_util::X;\nuse serde::Serialize;\nuse std::fmt;\nuse kit;\nuse kitlib::Y;\nuse real_engine::Nope;",
            ),
            (
                "crates/real-engine/Cargo.toml",
                "[package]\nname = \"real-engine\"\nedition = \"2021\"\n",
            ),
            ("crates/real-engine/src/lib.rs", "pub mod api;"),
            ("crates/real-engine/src/api.rs", ""),
            (
                "crates/shared-util/Cargo.toml",
                "[package]\nname = \"shared-util\"\nedition = \"2021\"\n",
            ),
            ("crates/shared-util/src/lib.rs", ""),
            (
                "crates/kit/Cargo.toml",
                "[package]\nname = \"kit\"\nedition = \"2021\"\n[lib]\nname = \"kitlib\"\npath = \"lib.rs\"\n",
            ),
            ("crates/kit/lib.rs", ""),
        ]);
        assert_eq!(
            edges,
            pairs(&[
                ("crates/app/src/lib.rs", "crates/real-engine/src/api.rs"),
                ("crates/app/src/lib.rs", "crates/shared-util/src/lib.rs"),
                ("crates/app/src/lib.rs", "crates/kit/lib.rs"),
                (
                    "crates/real-engine/src/lib.rs",
                    "crates/real-engine/src/api.rs"
                ),
            ])
        );
        // `kit` names its lib `kitlib`: code says `kitlib`, so `kit` is unknown here.
        assert_eq!(
            externals,
            pairs(&[
                ("crates/app/src/lib.rs", "kit"),
                ("crates/app/src/lib.rs", "real_engine"),
                ("crates/app/src/lib.rs", "serde"),
            ])
        );
    }

    #[test]
    fn paths_in_code_count_only_as_crates_of_the_tree() {
        let (edges, externals) = run(&[
            ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
            (
                "crates/app/Cargo.toml",
                "[package]\nname = \"app\"\nedition = \"2021\"\n[dependencies]\nengine = { path = \"../engine\" }\nstore = { path = \"../store\" }\nlog = \"0.4\"\n",
            ),
            (
                "crates/app/src/lib.rs",
                "mod store;\npub fn f(x: engine::api::Job) {\n    log::info!(\"x\");\n    let v = Vec::<u8>::new();\n    store::put(v);\n    unknown::call();\n}\n",
            ),
            ("crates/app/src/store.rs", "pub fn put(_: Vec<u8>) {}"),
            (
                "crates/engine/Cargo.toml",
                "[package]\nname = \"engine\"\nedition = \"2021\"\n",
            ),
            ("crates/engine/src/lib.rs", "pub mod api;"),
            ("crates/engine/src/api.rs", "pub struct Job;"),
            (
                "crates/store/Cargo.toml",
                "[package]\nname = \"store\"\nedition = \"2021\"\n",
            ),
            ("crates/store/src/lib.rs", "pub fn put(_: Vec<u8>) {}"),
        ]);
        // `engine::api::Job` reaches the engine crate's `api` module; `store::put` is the child
        // module, which shadows the crate of that name; `log`, `Vec` and `unknown` name nothing
        // of the tree and, written in code, are not even external packages.
        assert_eq!(
            edges,
            pairs(&[
                ("crates/app/src/lib.rs", "crates/app/src/store.rs"),
                ("crates/app/src/lib.rs", "crates/engine/src/api.rs"),
                ("crates/engine/src/lib.rs", "crates/engine/src/api.rs"),
            ])
        );
        assert!(externals.is_empty(), "{externals:?}");
    }

    #[test]
    fn main_uses_its_own_lib_by_crate_ident() {
        let (edges, _) = run(&[
            (
                "Cargo.toml",
                "[package]\nname = \"my-tool\"\nedition = \"2021\"\n",
            ),
            ("src/lib.rs", "pub mod api;"),
            ("src/api.rs", ""),
            (
                "src/main.rs",
                "mod cli;\nuse my_tool::api::serve;\nuse my_tool::Config;\nuse crate::cli::Args;",
            ),
            ("src/cli.rs", "use crate::Opts;\nuse my_tool::api;"),
            ("src/bin/extra.rs", "use my_tool::Config;"),
            ("tests/it.rs", "use my_tool::api::x;"),
        ]);
        assert_eq!(
            edges,
            pairs(&[
                ("src/lib.rs", "src/api.rs"),
                ("src/main.rs", "src/api.rs"),
                ("src/main.rs", "src/lib.rs"),
                ("src/main.rs", "src/cli.rs"),
                // `src/cli.rs` is the bin's module: its `crate` is `src/main.rs`.
                ("src/cli.rs", "src/main.rs"),
                ("src/cli.rs", "src/api.rs"),
                ("src/bin/extra.rs", "src/lib.rs"),
                ("tests/it.rs", "src/api.rs"),
            ])
        );
    }

    #[test]
    fn module_declared_by_lib_and_main_stays_the_libs() {
        let (edges, _) = run(&[
            ("Cargo.toml", PKG),
            ("src/lib.rs", "mod util;"),
            ("src/main.rs", "mod util;\nmod cli;"),
            ("src/util.rs", "use crate::Root;"),
            ("src/cli.rs", "use crate::Root;"),
        ]);
        assert!(edges.contains(&("src/util.rs".to_owned(), "src/lib.rs".to_owned())));
        assert!(edges.contains(&("src/cli.rs".to_owned(), "src/main.rs".to_owned())));
    }

    #[test]
    fn bare_paths_by_edition() {
        // 2018+: a child module of the current module, else an extern crate.
        let (edges, externals) = run(&[
            ("Cargo.toml", PKG),
            ("src/lib.rs", "pub mod a;\npub mod b;"),
            (
                "src/a.rs",
                "pub mod inner;\nuse inner::X;\nuse b::Y;\nuse Kind::Variant;",
            ),
            ("src/a/inner.rs", ""),
            ("src/b.rs", ""),
        ]);
        assert!(edges.contains(&("src/a.rs".to_owned(), "src/a/inner.rs".to_owned())));
        assert!(!edges.contains(&("src/a.rs".to_owned(), "src/b.rs".to_owned())));
        assert_eq!(externals, pairs(&[("src/a.rs", "b")]));
        // 2015 (no edition): `use` paths start at the crate root.
        let (edges, externals) = run(&[
            ("Cargo.toml", "[package]\nname = \"old\"\n"),
            ("src/lib.rs", "pub mod a;\npub mod b;"),
            ("src/a.rs", "use b::Y;\nuse log::info;"),
            ("src/b.rs", ""),
        ]);
        assert!(edges.contains(&("src/a.rs".to_owned(), "src/b.rs".to_owned())));
        assert_eq!(externals, pairs(&[("src/a.rs", "log")]));
    }

    #[test]
    fn std_and_extern_crate() {
        let (edges, externals) = run(&[
            (
                "Cargo.toml",
                "[package]\nname = \"app\"\nedition = \"2021\"\n[dependencies]\nother = { path = \"other\" }\n",
            ),
            (
                "src/lib.rs",
                "extern crate alloc;\nextern crate other as o;\nuse o::Thing;\nuse core::fmt;\nuse ::std::io;\nextern crate rand;",
            ),
            ("other/Cargo.toml", "[package]\nname = \"other\"\n"),
            ("other/src/lib.rs", ""),
        ]);
        assert_eq!(edges, pairs(&[("src/lib.rs", "other/src/lib.rs")]));
        assert_eq!(externals, pairs(&[("src/lib.rs", "rand")]));
    }

    #[test]
    fn files_outside_packages_and_odd_manifests() {
        let (edges, externals) = run(&[
            ("Cargo.toml", "this is [not toml"),
            ("scripts/x.rs", "mod y;\nuse serde::X;\nuse crate::z;"),
            ("scripts/x/y.rs", ""),
            ("vendor/Cargo.toml", "[package]\nname = 3\n"),
            ("vendor/src/lib.rs", "use super::nothing;\nuse self::a::b;"),
        ]);
        assert_eq!(edges, pairs(&[("scripts/x.rs", "scripts/x/y.rs")]));
        assert_eq!(externals, pairs(&[("scripts/x.rs", "serde")]));
    }

    #[test]
    fn helpers() {
        assert_eq!(
            module_path("p/src/a/b.rs", "p/src").as_deref(),
            Some("a::b")
        );
        assert_eq!(module_path("p/src/a/mod.rs", "p/src").as_deref(), Some("a"));
        assert_eq!(module_path("src/mod.rs", "src"), None);
        assert!(auto_target("src/bin/x.rs", "src/bin/"));
        assert!(auto_target("src/bin/x/main.rs", "src/bin/"));
        assert!(!auto_target("src/bin/x/util.rs", "src/bin/"));
        assert!(is_under("a/b/c.rs", "a/b"));
        assert!(!is_under("a/bc/c.rs", "a/b"));
        assert!(is_under("x.rs", ""));
    }
}
