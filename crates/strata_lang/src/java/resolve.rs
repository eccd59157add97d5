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
        .filter(|p| {
            file_name(p)
                .strip_suffix(".java")
                .is_some_and(|stem| stem != "module-info")
        })
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
            out.push(Target::External(external(
                spec.strip_suffix(".*").unwrap_or(spec),
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(files: &[(&str, &str)]) -> (tempfile::TempDir, SourceTree) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let tree = SourceTree::new(
            dir.path(),
            files.iter().map(|(p, _)| (*p).to_owned()).collect(),
        );
        (dir, tree)
    }

    fn resolve(tree: &SourceTree, spec: &str, kind: ImportKind) -> Vec<String> {
        let resolver = JavaResolver::new(tree);
        let import = Import {
            spec: spec.to_owned(),
            names: Vec::new(),
            kind,
            line: 1,
            column: 1,
        };
        let mut out = Vec::new();
        resolver.resolve(tree, FileId(0), &import, &mut out);
        out.iter()
            .map(|t| match t {
                Target::File(id) => tree.path(*id).to_owned(),
                Target::External(name) => format!("ext:{name}"),
            })
            .collect()
    }

    const MAVEN: &[(&str, &str)] = &[
        ("pom.xml", "<project/>"),
        ("core/pom.xml", "<project/>"),
        (
            "core/src/main/java/com/acme/core/Money.java",
            "package com.acme.core;",
        ),
        (
            "core/src/main/java/com/acme/core/Rates.java",
            "package com.acme.core;",
        ),
        (
            "core/src/main/java/com/acme/core/package-info.java",
            "package com.acme.core;",
        ),
        (
            "core/src/main/java/com/acme/core/sub/Deep.java",
            "package com.acme.core.sub;",
        ),
        (
            "core/src/test/java/com/acme/core/MoneyTest.java",
            "package com.acme.core;",
        ),
        ("app/build.gradle.kts", "plugins {}"),
        (
            "app/src/main/java/com/acme/app/Main.java",
            "package com.acme.app;",
        ),
        ("app/src/main/resources/Money.java.txt", ""),
    ];

    #[test]
    fn class_and_nested_class_imports_name_the_class_file() {
        let (_d, tree) = repo(MAVEN);
        let money = ["core/src/main/java/com/acme/core/Money.java"];
        assert_eq!(
            resolve(&tree, "com.acme.core.Money", ImportKind::Static),
            money
        );
        assert_eq!(
            resolve(&tree, "com.acme.core.Money.Currency", ImportKind::Static),
            money
        );
        assert_eq!(
            resolve(
                &tree,
                "com.acme.core.Money.Currency.Code",
                ImportKind::Static
            ),
            money
        );
        assert_eq!(
            resolve(&tree, "com.acme.core.MoneyTest", ImportKind::Static),
            ["core/src/test/java/com/acme/core/MoneyTest.java"]
        );
        assert_eq!(
            resolve(&tree, "com.acme.app.Main", ImportKind::Static),
            ["app/src/main/java/com/acme/app/Main.java"]
        );
        // A lowercase segment is a package: no class above it is tried.
        assert_eq!(
            resolve(&tree, "com.acme.core.missing.Money", ImportKind::Static),
            ["ext:com.acme"]
        );
    }

    #[test]
    fn static_imports_name_the_class_file() {
        let (_d, tree) = repo(MAVEN);
        let money = ["core/src/main/java/com/acme/core/Money.java"];
        assert_eq!(
            resolve(&tree, "com.acme.core.Money.of", ImportKind::StaticMember),
            money
        );
        assert_eq!(
            resolve(&tree, "com.acme.core.Money.ZERO", ImportKind::StaticMember),
            money
        );
        assert_eq!(
            resolve(&tree, "com.acme.core.Money.*", ImportKind::StaticMember),
            money
        );
        assert_eq!(
            resolve(
                &tree,
                "com.acme.core.Money.Currency.EUR",
                ImportKind::StaticMember
            ),
            money
        );
    }

    #[test]
    fn wildcards_name_every_file_of_the_package() {
        let (_d, tree) = repo(MAVEN);
        assert_eq!(
            resolve(&tree, "com.acme.core.*", ImportKind::Wildcard),
            [
                "core/src/main/java/com/acme/core/Money.java",
                "core/src/main/java/com/acme/core/Rates.java",
                "core/src/main/java/com/acme/core/package-info.java",
                "core/src/test/java/com/acme/core/MoneyTest.java",
            ]
        );
        // The nested classes of a class.
        assert_eq!(
            resolve(&tree, "com.acme.core.Money.*", ImportKind::Wildcard),
            ["core/src/main/java/com/acme/core/Money.java"]
        );
    }

    #[test]
    fn platform_imports_name_nothing_and_others_their_top_package() {
        let (_d, tree) = repo(MAVEN);
        for spec in [
            "java.util.List",
            "javax.inject.Inject",
            "jdk.internal.misc.Unsafe",
            "sun.misc.Unsafe",
        ] {
            assert!(
                resolve(&tree, spec, ImportKind::Static).is_empty(),
                "{spec}"
            );
        }
        assert!(resolve(&tree, "java.util.*", ImportKind::Wildcard).is_empty());
        assert_eq!(
            resolve(
                &tree,
                "com.google.common.collect.ImmutableList",
                ImportKind::Static
            ),
            ["ext:com.google"]
        );
        assert_eq!(
            resolve(
                &tree,
                "org.junit.Assert.assertEquals",
                ImportKind::StaticMember
            ),
            ["ext:org.junit"]
        );
        assert_eq!(
            resolve(&tree, "lombok.*", ImportKind::Wildcard),
            ["ext:lombok"]
        );
    }

    #[test]
    fn files_outside_build_roots_use_their_package_declaration() {
        let (_d, tree) = repo(&[
            (
                "legacy/src/com/acme/old/Thing.java",
                "/* (c) */\npackage com.acme.old;\nclass Thing {}",
            ),
            (
                "legacy/src/com/acme/old/Other.java",
                "package com.acme.old;",
            ),
            ("scripts/Tool.java", "class Tool {}"),
            ("odd/place/Misfiled.java", "package com.acme.elsewhere;"),
        ]);
        assert_eq!(
            resolve(&tree, "com.acme.old.Thing", ImportKind::Static),
            ["legacy/src/com/acme/old/Thing.java"]
        );
        assert_eq!(
            resolve(&tree, "com.acme.old.*", ImportKind::Wildcard).len(),
            2
        );
        assert_eq!(
            resolve(&tree, "com.acme.elsewhere.Misfiled", ImportKind::Static),
            ["odd/place/Misfiled.java"]
        );
        assert_eq!(
            resolve(&tree, "Tool", ImportKind::Static),
            ["scripts/Tool.java"]
        );
    }
}
