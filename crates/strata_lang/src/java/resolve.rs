//! Java resolution: fully qualified names to the class files of the repository's source roots.
//!
//! Source roots are `src/main/java` and `src/test/java` beside every `pom.xml`, `build.gradle`
//! and `build.gradle.kts`; a class there is named by its path under the root. A `.java` file
//! under no such root takes its package from its own `package` declaration (one file is read
//! per directory, in [`JavaResolver::new`]), so any layout whose folders follow the packages —
//! or do not — resolves. The index is built once; [`JavaResolver::resolve`] is a few hash
//! lookups.

use std::collections::{HashMap, HashSet};

use crate::tree::{file_name, parent};
use crate::{FileId, Import, ImportKind, Resolver, SourceTree, Target};

/// Package prefixes of the Java platform: never an edge, never an external package.
const PLATFORM: &[&str] = &["java", "javax", "jdk", "sun"];

const BUILD_FILES: &[&str] = &["pom.xml", "build.gradle", "build.gradle.kts"];
const ROOTS_IN_PROJECT: &[&str] = &["src/main/java", "src/test/java"];

pub struct JavaResolver {
    /// Fully qualified class name (`a.b.C`) -> the file(s) declaring it.
    classes: HashMap<String, Vec<FileId>>,
    /// Package (`a.b`) -> the `.java` files directly in its folder, across roots.
    packages: HashMap<String, Vec<FileId>>,
}

impl JavaResolver {
    pub fn new(tree: &SourceTree) -> JavaResolver {
        let mut roots = HashSet::new();
        for (_, path) in tree.iter() {
            if BUILD_FILES.contains(&file_name(path)) {
                let dir = parent(path);
                for sub in ROOTS_IN_PROJECT {
                    let root = if dir.is_empty() {
                        (*sub).to_owned()
                    } else {
                        format!("{dir}/{sub}")
                    };
                    if tree.has_dir(&root) {
                        roots.insert(root);
                    }
                }
            }
        }

        let mut classes: HashMap<String, Vec<FileId>> = HashMap::new();
        let mut packages: HashMap<String, Vec<FileId>> = HashMap::new();
        // Directory -> its package, from a root or from a declaration.
        let mut dir_package: HashMap<&str, Option<String>> = HashMap::new();
        for (id, path) in tree.iter() {
            let Some(stem) = file_name(path).strip_suffix(".java") else {
                continue;
            };
            let dir = parent(path);
            let package = dir_package.entry(dir).or_insert_with(|| {
                package_from_root(dir, &roots).or_else(|| declared_package(tree, dir))
            });
            let Some(package) = package.as_deref() else {
                continue;
            };
            let class = if package.is_empty() {
                stem.to_owned()
            } else {
                format!("{package}.{stem}")
            };
            classes.entry(class).or_default().push(id);
            packages.entry(package.to_owned()).or_default().push(id);
        }
        JavaResolver { classes, packages }
    }

    /// Push the file(s) of class `name`; a nested class (`a.b.C.Inner`) resolves to the file of
    /// its outermost class. Returns whether something was found.
    fn class(&self, mut name: &str, out: &mut Vec<Target>) -> bool {
        loop {
            if let Some(files) = self.classes.get(name) {
                out.extend(files.iter().map(|&f| Target::File(f)));
                return true;
            }
            // Only a class can hold a nested class: both segments must look like class names.
            let Some((outer, inner)) = name.rsplit_once('.') else {
                return false;
            };
            let outer_is_class = outer.rsplit('.').next().is_some_and(starts_upper);
            if !(starts_upper(inner) && outer_is_class) {
                return false;
            }
            name = outer;
        }
    }
}

fn starts_upper(segment: &str) -> bool {
    segment.chars().next().is_some_and(char::is_uppercase)
}

/// The package of a directory under a build tool's source root (`""` at the root itself).
fn package_from_root(dir: &str, roots: &HashSet<String>) -> Option<String> {
    let mut root = dir;
    loop {
        if roots.contains(root) {
            let rel = dir
                .get(root.len()..)
                .unwrap_or_default()
                .trim_start_matches('/');
            return Some(rel.replace('/', "."));
        }
        if root.is_empty() {
            return None;
        }
        root = parent(root);
    }
}

/// The package declared by the `.java` files of a directory outside every source root: the
/// first file that can be read decides (`""`, the default package, when it declares none).
fn declared_package(tree: &SourceTree, dir: &str) -> Option<String> {
    tree.files_in_dir(dir)
        .iter()
        .map(|&id| tree.path(id))
        .filter(|p| p.ends_with(".java") && file_name(p) != "module-info.java")
        .find_map(|p| tree.read(p))
        .map(|text| super::scan::package_of(text.as_bytes()).unwrap_or_default())
}

/// The external package an unresolved import names: its first two segments (`com.google`).
/// The Maven `group:artifact` that ships a package cannot be known from an import alone, so
/// the top-level package stands for it.
fn external(spec: &str) -> String {
    let mut dots = spec.match_indices('.').map(|(i, _)| i);
    let end = dots.nth(1).unwrap_or(spec.len());
    spec.get(..end).unwrap_or(spec).to_owned()
}

impl Resolver for JavaResolver {
    /// `import a.b.C;` and `import a.b.C.Inner;` name the file of `C`; `import static a.b.C.m;`
    /// and `import static a.b.C.*;` name the file of `C` too. `import a.b.*;` names **every**
    /// `.java` file of package `a.b` (across roots), not only the classes the file goes on to
    /// use: knowing those would need name resolution of the whole file body.
    fn resolve(&self, _tree: &SourceTree, _from: FileId, import: &Import, out: &mut Vec<Target>) {
        let spec = import.spec.as_str();
        let first = spec.split('.').next().unwrap_or_default();
        if PLATFORM.contains(&first) {
            return;
        }
        let found = match import.kind {
            ImportKind::StaticMember => spec
                .rsplit_once('.')
                .is_some_and(|(class, _)| self.class(class, out)),
            ImportKind::Wildcard => {
                let package = spec.strip_suffix(".*").unwrap_or(spec);
                if let Some(files) = self.packages.get(package) {
                    out.extend(files.iter().map(|&f| Target::File(f)));
                    true
                } else {
                    // `import a.b.C.*;` imports the nested classes of `C`.
                    self.class(package, out)
                }
            }
            _ => self.class(spec, out),
        };
        if !found {
            out.push(Target::External(external(spec)));
        }
    }
}
