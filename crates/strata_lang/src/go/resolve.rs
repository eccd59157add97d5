//! Go resolution: import paths to the files of the package they name, from the tree's `go.mod`
//! and `go.work` files.
//!
//! Every `go.mod` in the tree is a module root (so `go.work` `use` directives add nothing a
//! walk has not found; their `replace` directives are honoured). A directory belongs to its
//! nearest module root, as in the go tool, and its import path is the module path followed by
//! the directory's path inside the module. A local `replace a/b => ../b` makes the packages
//! under `../b` importable as `a/b/…` as well. The index is built once; [`GoResolver::resolve`]
//! is a hash lookup.

use std::collections::HashMap;

use crate::tree::{file_name, join, parent};
use crate::{FileId, Import, Resolver, SourceTree, Target};

/// Hosts whose module paths are `host/owner/repo` (plus a `/vN` major-version suffix).
const THREE_ELEMENT_HOSTS: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "golang.org",
    "codeberg.org",
    "gitee.com",
    "git.sr.ht",
];

/// What one `go.mod` or `go.work` file declares.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct GoMod {
    pub module: Option<String>,
    pub requires: Vec<String>,
    /// `use` directories (go.work), as written.
    pub uses: Vec<String>,
    /// Local replacements: module path -> directory as written (`../b`).
    pub replaces: Vec<(String, String)>,
}

/// Parse the directives strata needs from a `go.mod` or `go.work` file.
pub fn parse_mod(text: &str) -> GoMod {
    let mut out = GoMod::default();
    let mut block: Option<&str> = None;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let (verb, args) = if let Some(verb) = block {
            if line == ")" {
                block = None;
                continue;
            }
            (verb, line)
        } else {
            let (verb, args) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let args = args.trim();
            if args == "(" {
                block = Some(verb);
                continue;
            }
            (verb, args)
        };
        let words: Vec<&str> = args.split_whitespace().map(unquote).collect();
        match (verb, words.as_slice()) {
            ("module", [path, ..]) => out.module = Some((*path).to_owned()),
            ("require", [path, ..]) => out.requires.push((*path).to_owned()),
            ("use", [dir, ..]) => out.uses.push((*dir).to_owned()),
            ("replace", _) => {
                let Some(arrow) = words.iter().position(|w| *w == "=>") else {
                    continue;
                };
                let (Some(from), Some(to)) = (words.first(), words.get(arrow + 1)) else {
                    continue;
                };
                // Only a path on the right names a directory; `x v1.2.3` is another module.
                if to.starts_with("./") || to.starts_with("../") || *to == "." || *to == ".." {
                    out.replaces.push(((*from).to_owned(), (*to).to_owned()));
                }
            }
            _ => {}
        }
    }
    out
}

fn unquote(word: &str) -> &str {
    word.strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .or_else(|| word.strip_prefix('`').and_then(|w| w.strip_suffix('`')))
        .unwrap_or(word)
}

/// Whether a path names a Go source file (the go tool matches `.go` exactly, case included).
fn is_go(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(_, ext)| ext == "go")
}

/// Whether a file is one `go build` compiles for its package: `.go`, not a test, not ignored.
fn is_package_file(name: &str) -> bool {
    is_go(name) && !name.ends_with("_test.go") && !name.starts_with('_') && !name.starts_with('.')
}

struct Module {
    requires: Vec<String>,
}

pub struct GoResolver {
    /// Import path -> the package's non-test files, sorted.
    packages: HashMap<String, Vec<FileId>>,
    /// Directory holding `.go` files -> index in `modules` of its nearest module.
    dir_module: HashMap<String, usize>,
    modules: Vec<Module>,
}

impl GoResolver {
    pub fn new(tree: &SourceTree) -> GoResolver {
        // Module roots: directory -> the module paths it answers to (its own, then replaces).
        let mut roots: HashMap<String, Vec<String>> = HashMap::new();
        let mut modules = Vec::new();
        let mut root_module: HashMap<String, usize> = HashMap::new();
        let mut replaces = Vec::new();
        for (_, path) in tree.named("go.mod") {
            let Some(text) = tree.read(path) else {
                continue;
            };
            let m = parse_mod(&text);
            let dir = parent(path).to_owned();
            if let Some(module) = m.module {
                roots.entry(dir.clone()).or_default().insert(0, module);
            }
            for (from, to) in m.replaces {
                replaces.push((dir.clone(), from, to));
            }
            root_module.insert(dir, modules.len());
            modules.push(Module {
                requires: m.requires,
            });
        }
        for (_, path) in tree.named("go.work") {
            let Some(text) = tree.read(path) else {
                continue;
            };
            let w = parse_mod(&text);
            let dir = parent(path);
            for (from, to) in w.replaces {
                replaces.push((dir.to_owned(), from, to));
            }
        }
        for (dir, from, to) in replaces {
            let Some(target) = join(&dir, &to) else {
                continue;
            };
            let paths = roots.entry(target).or_default();
            if !paths.contains(&from) {
                paths.push(from);
            }
        }

        let mut packages: HashMap<String, Vec<FileId>> = HashMap::new();
        let mut dir_module = HashMap::new();
        // Directory -> its nearest root directory (memoised walk up).
        let mut nearest: HashMap<String, Option<String>> = HashMap::new();
        for (id, path) in tree.iter() {
            if !is_go(path) {
                continue;
            }
            let dir = parent(path);
            let root = nearest_root(dir, &roots, &mut nearest);
            let Some(root) = root else { continue };
            if let Some(&m) = root_module.get(&root) {
                dir_module.entry(dir.to_owned()).or_insert(m);
            }
            if !is_package_file(file_name(path)) {
                continue;
            }
            let rel = if root.is_empty() {
                dir
            } else {
                dir.strip_prefix(root.as_str())
                    .map_or("", |r| r.trim_start_matches('/'))
            };
            for module in roots.get(&root).into_iter().flatten() {
                let import = if rel.is_empty() {
                    module.clone()
                } else {
                    format!("{module}/{rel}")
                };
                packages.entry(import).or_default().push(id);
            }
        }
        GoResolver {
            packages,
            dir_module,
            modules,
        }
    }

    /// The module path an unresolved, non-standard import path belongs to.
    fn external(&self, from_dir: &str, path: &str) -> String {
        let requires = self
            .dir_module
            .get(from_dir)
            .and_then(|&m| self.modules.get(m))
            .map_or(&[][..], |m| m.requires.as_slice());
        let longest = requires
            .iter()
            .filter(|r| {
                path.strip_prefix(r.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|r| r.len());
        if let Some(r) = longest {
            return r.clone();
        }
        let parts: Vec<&str> = path.split('/').collect();
        if parts
            .first()
            .is_some_and(|host| THREE_ELEMENT_HOSTS.contains(host))
        {
            let major = parts.get(3).is_some_and(|p| {
                p.strip_prefix('v')
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            });
            let keep = if major { 4 } else { 3 };
            return parts
                .iter()
                .take(keep)
                .copied()
                .collect::<Vec<_>>()
                .join("/");
        }
        path.to_owned()
    }
}

/// The nearest ancestor of `dir` (itself included) that is a module root.
fn nearest_root(
    dir: &str,
    roots: &HashMap<String, Vec<String>>,
    memo: &mut HashMap<String, Option<String>>,
) -> Option<String> {
    let mut walked = Vec::new();
    let mut d = dir;
    let found = loop {
        if let Some(found) = memo.get(d) {
            break found.clone();
        }
        walked.push(d);
        if roots.contains_key(d) {
            break Some(d.to_owned());
        }
        if d.is_empty() {
            break None;
        }
        d = parent(d);
    };
    for d in walked {
        memo.insert(d.to_owned(), found.clone());
    }
    found
}

/// Whether an import path names the standard library: its first element has no dot.
fn is_std(path: &str) -> bool {
    !path.split('/').next().unwrap_or_default().contains('.')
}

impl Resolver for GoResolver {
    fn resolve(&self, tree: &SourceTree, from: FileId, import: &Import, out: &mut Vec<Target>) {
        let path = import.spec.as_str();
        if let Some(files) = self.packages.get(path) {
            out.extend(files.iter().map(|&f| Target::File(f)));
        } else if !is_std(path) {
            out.push(Target::External(
                self.external(parent(tree.path(from)), path),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ImportKind;

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

    fn resolve(tree: &SourceTree, from: &str, spec: &str) -> Vec<String> {
        let resolver = GoResolver::new(tree);
        let import = Import {
            spec: spec.to_owned(),
            names: Vec::new(),
            kind: ImportKind::Static,
            line: 1,
            column: 1,
        };
        let mut out = Vec::new();
        resolver.resolve(tree, tree.id(from).unwrap(), &import, &mut out);
        out.iter()
            .map(|t| match t {
                Target::File(id) => tree.path(*id).to_owned(),
                Target::External(name) => format!("ext:{name}"),
            })
            .collect()
    }

    #[test]
    fn parses_go_mod_and_go_work_directives() {
        let m = parse_mod(
            "module \"example.com/m\" // the module\n\ngo 1.22\n\nrequire github.com/a/b v1.0.0\nrequire (\n\tgithub.com/c/d/v2 v2.1.0 // indirect\n\t\"golang.org/x/net\" v0.1.0\n)\nreplace example.com/other => ../other\nreplace (\n\texample.com/third v1.0.0 => ./third\n\tgithub.com/a/b => github.com/fork/b v1.0.1\n)\n",
        );
        assert_eq!(m.module.as_deref(), Some("example.com/m"));
        assert_eq!(
            m.requires,
            ["github.com/a/b", "github.com/c/d/v2", "golang.org/x/net"]
        );
        assert_eq!(
            m.replaces,
            [
                ("example.com/other".to_owned(), "../other".to_owned()),
                ("example.com/third".to_owned(), "./third".to_owned())
            ]
        );
        let w = parse_mod("go 1.22\n\nuse ./a\nuse (\n\t./b\n\t../c // sibling\n)\n");
        assert_eq!(w.uses, ["./a", "./b", "../c"]);
    }

    #[test]
    fn a_package_is_every_non_test_file_of_its_directory() {
        let (_d, tree) = repo(&[
            ("go/go.mod", "module example.com/mono\n"),
            ("go/app/main.go", "package main\n"),
            ("go/lib/a.go", "package lib\n"),
            ("go/lib/b_linux.go", "//go:build linux\n\npackage lib\n"),
            ("go/lib/c_windows.go", "// +build windows\n\npackage lib\n"),
            ("go/lib/a_test.go", "package lib\n"),
            ("go/lib/_scratch.go", "package lib\n"),
            ("go/lib/README.md", "docs\n"),
            ("go/lib/sub/s.go", "package sub\n"),
        ]);
        assert_eq!(
            resolve(&tree, "go/app/main.go", "example.com/mono/lib"),
            ["go/lib/a.go", "go/lib/b_linux.go", "go/lib/c_windows.go"]
        );
        assert_eq!(
            resolve(&tree, "go/app/main.go", "example.com/mono/lib/sub"),
            ["go/lib/sub/s.go"]
        );
        assert_eq!(
            resolve(&tree, "go/lib/a_test.go", "example.com/mono/lib/sub"),
            ["go/lib/sub/s.go"]
        );
    }

    #[test]
    fn std_imports_name_nothing_and_others_are_external_modules() {
        let (_d, tree) = repo(&[
            (
                "go.mod",
                "module example.com/m\n\nrequire (\n\tgithub.com/x/y v1.0.0\n\tgithub.com/x/y/v3 v3.0.0\n\tgopkg.in/yaml.v3 v3.0.1\n)\n",
            ),
            ("a.go", "package m\n"),
            ("tools/go.mod", "module example.com/tools\n"),
            ("tools/t.go", "package tools\n"),
        ]);
        assert!(resolve(&tree, "a.go", "fmt").is_empty());
        assert!(resolve(&tree, "a.go", "net/http").is_empty());
        assert!(resolve(&tree, "a.go", "C").is_empty());
        assert_eq!(
            resolve(&tree, "a.go", "github.com/x/y/pkg/z"),
            ["ext:github.com/x/y"]
        );
        assert_eq!(
            resolve(&tree, "a.go", "github.com/x/y/v3/z"),
            ["ext:github.com/x/y/v3"]
        );
        assert_eq!(
            resolve(&tree, "a.go", "gopkg.in/yaml.v3"),
            ["ext:gopkg.in/yaml.v3"]
        );
        // Not required by this file's go.mod: known hosts keep three elements (and a major).
        assert_eq!(
            resolve(&tree, "tools/t.go", "github.com/x/y/pkg/z"),
            ["ext:github.com/x/y"]
        );
        assert_eq!(
            resolve(&tree, "tools/t.go", "github.com/o/r/v2/p"),
            ["ext:github.com/o/r/v2"]
        );
        assert_eq!(
            resolve(&tree, "a.go", "go.uber.org/zap/zapcore"),
            ["ext:go.uber.org/zap/zapcore"]
        );
        // A nested module is not a package of the outer one.
        assert_eq!(
            resolve(&tree, "a.go", "example.com/m/tools"),
            ["ext:example.com/m/tools"]
        );
        assert_eq!(resolve(&tree, "a.go", "example.com/tools"), ["tools/t.go"]);
        assert_eq!(resolve(&tree, "tools/t.go", "example.com/m"), ["a.go"]);
    }

    #[test]
    fn local_replaces_and_workspaces_map_module_paths_to_directories() {
        let (_d, tree) = repo(&[
            (
                "svc/go.mod",
                "module example.com/svc\n\nreplace example.com/lib => ../lib\n",
            ),
            ("svc/main.go", "package main\n"),
            ("lib/go.mod", "module example.com/lib\n"),
            ("lib/api/api.go", "package api\n"),
            (
                "go.work",
                "go 1.22\nuse (\n\t./svc\n\t./lib\n\t./forked\n)\nreplace github.com/up/stream => ./forked\n",
            ),
            ("forked/go.mod", "module github.com/me/forked\n"),
            ("forked/f.go", "package forked\n"),
        ]);
        assert_eq!(
            resolve(&tree, "svc/main.go", "example.com/lib/api"),
            ["lib/api/api.go"]
        );
        assert_eq!(
            resolve(&tree, "svc/main.go", "github.com/up/stream"),
            ["forked/f.go"]
        );
        assert_eq!(
            resolve(&tree, "svc/main.go", "github.com/me/forked"),
            ["forked/f.go"]
        );
    }
}
