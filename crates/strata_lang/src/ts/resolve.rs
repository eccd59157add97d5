//! TypeScript/JavaScript resolution as `tsc` does it with `moduleResolution: bundler`:
//! relative paths with extension and index substitution, `tsconfig.json` `baseUrl` and `paths`
//! (through `extends` chains), and workspace packages by name through their `package.json`
//! `exports`, `types`, `module` and `main`.

use std::collections::HashMap;

use serde_json::Value;

use crate::tree::{join, parent};
use crate::{FileId, Import, Resolver, SourceTree, Target};

/// Extensions tried, in order, for a path without one.
const EXTENSIONS: &[&str] = &[
    ".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs",
];

/// Conditions of `exports` tried, in order.
const CONDITIONS: &[&str] = &["types", "import", "module", "default", "require", "node"];

/// Longest `extends` chain followed (cycles end here too).
const MAX_EXTENDS: usize = 16;

/// Node's built-in modules, which resolve to nothing.
const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "sys",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// The settings of one `tsconfig.json` that matter here, with `extends` applied.
#[derive(Debug, Clone, Default)]
struct TsConfig {
    /// Folder `paths` targets are relative to: `baseUrl` if set, else the config's folder.
    paths_base: String,
    base_url: Option<String>,
    /// (pattern prefix, pattern suffix, has wildcard, targets)
    paths: Vec<(String, String, bool, Vec<String>)>,
}

#[derive(Debug)]
struct Package {
    dir: String,
    manifest: Value,
}

pub struct TsResolver {
    /// Folder -> the config of the `tsconfig.json` in it.
    configs: HashMap<String, TsConfig>,
    packages: HashMap<String, Package>,
}

/// Parse JSON with comments and trailing commas (as `tsconfig.json` allows).
fn parse_jsonc(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                out.extend_from_slice(&bytes[start..i]);
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b',' => {
                // Drop a trailing comma before `}` or `]`.
                let next = bytes[i + 1..]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|k| bytes[i + 1 + k]);
                if !matches!(next, Some(b'}' | b']')) {
                    out.push(b',');
                }
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    serde_json::from_slice(&out).ok()
}

impl TsResolver {
    pub fn new(tree: &SourceTree) -> TsResolver {
        // Every `tsconfig*.json` can be extended; only `tsconfig.json` governs its folder.
        let raw: HashMap<String, Value> = tree
            .iter()
            .filter(|(_, p)| {
                let name = crate::tree::file_name(p);
                name.starts_with("tsconfig")
                    && std::path::Path::new(name)
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            })
            .filter_map(|(_, p)| Some((p.to_owned(), parse_jsonc(&tree.read(p)?)?)))
            .collect();
        let mut configs = HashMap::new();
        for path in raw
            .keys()
            .filter(|p| crate::tree::file_name(p) == "tsconfig.json")
        {
            configs.insert(parent(path).to_owned(), effective_config(path, &raw));
        }
        let mut packages = HashMap::new();
        for (_, p) in tree.named("package.json") {
            let Some(manifest) = tree
                .read(p)
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            else {
                continue;
            };
            let Some(name) = manifest["name"].as_str().map(str::to_owned) else {
                continue;
            };
            // The first package of a name wins (paths are sorted): deterministic.
            packages.entry(name).or_insert(Package {
                dir: parent(p).to_owned(),
                manifest,
            });
        }
        TsResolver { configs, packages }
    }

    /// The `tsconfig.json` governing a file: the nearest one in its folder or above.
    fn config_for(&self, file: &str) -> Option<&TsConfig> {
        let mut dir = parent(file);
        loop {
            if let Some(c) = self.configs.get(dir) {
                return Some(c);
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(dir);
        }
    }

    /// A file for `base` (a repository path without or with an extension).
    fn file(tree: &SourceTree, base: &str) -> Option<FileId> {
        // `./x.js` names the TypeScript file it compiles from.
        for (js, ts) in [
            (".js", &[".ts", ".tsx"][..]),
            (".jsx", &[".tsx"]),
            (".mjs", &[".mts"]),
            (".cjs", &[".cts"]),
        ] {
            if let Some(stem) = base.strip_suffix(js) {
                for ext in ts {
                    if let Some(id) = tree.id(&format!("{stem}{ext}")) {
                        return Some(id);
                    }
                }
            }
        }
        if let Some(id) = tree.id(base).filter(|_| has_source_extension(base)) {
            return Some(id);
        }
        for ext in EXTENSIONS {
            if let Some(id) = tree.id(&format!("{base}{ext}")) {
                return Some(id);
            }
        }
        let dir = base.trim_end_matches('/');
        for ext in EXTENSIONS {
            if let Some(id) = tree.id(&format!("{dir}/index{ext}")) {
                return Some(id);
            }
        }
        None
    }

    fn package_file(tree: &SourceTree, pkg: &Package, subpath: &str) -> Option<FileId> {
        let m = &pkg.manifest;
        let exports = &m["exports"];
        if !exports.is_null() {
            let key = if subpath.is_empty() {
                ".".to_owned()
            } else {
                format!("./{subpath}")
            };
            let target = export_target(exports, &key)?;
            return Self::file(tree, &join(&pkg.dir, &target)?);
        }
        if subpath.is_empty() {
            for field in ["types", "typings", "module", "main"] {
                if let Some(t) = m[field].as_str() {
                    if let Some(id) = join(&pkg.dir, t).and_then(|p| Self::file(tree, &p)) {
                        return Some(id);
                    }
                }
            }
            return Self::file(tree, &join(&pkg.dir, "index")?);
        }
        Self::file(tree, &join(&pkg.dir, subpath)?)
    }
}

fn has_source_extension(path: &str) -> bool {
    EXTENSIONS.iter().any(|e| path.ends_with(e))
}

/// Apply `extends` (relative paths only) and collect `baseUrl` and `paths`.
fn effective_config(path: &str, raw: &HashMap<String, Value>) -> TsConfig {
    // The chain from this config to its furthest base; settings of nearer configs win.
    let mut chain: Vec<(&str, &Value)> = Vec::new();
    let mut current = Some(path.to_owned());
    while let Some(p) = current.take() {
        if chain.len() >= MAX_EXTENDS || chain.iter().any(|(q, _)| *q == p) {
            break;
        }
        let Some((key, value)) = raw.get_key_value(&p) else {
            break;
        };
        chain.push((key.as_str(), value));
        if let Some(ext) = value["extends"].as_str().filter(|e| e.starts_with('.')) {
            let has_json = std::path::Path::new(ext)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            let target = if has_json {
                ext.to_owned()
            } else {
                format!("{ext}.json")
            };
            current = join(parent(key), &target);
        }
    }
    let mut config = TsConfig {
        paths_base: parent(path).to_owned(),
        ..TsConfig::default()
    };
    let mut paths_from: Option<(&str, &Value)> = None;
    for (p, value) in chain.iter().rev() {
        let options = &value["compilerOptions"];
        if let Some(base) = options["baseUrl"].as_str() {
            config.base_url = join(parent(p), base);
        }
        if options["paths"].is_object() {
            paths_from = Some((p, &options["paths"]));
        }
    }
    // `paths` are relative to `baseUrl` when set, else to the config that declares them.
    config.paths_base = match (&config.base_url, paths_from) {
        (Some(b), _) => b.clone(),
        (None, Some((p, _))) => parent(p).to_owned(),
        (None, None) => parent(path).to_owned(),
    };
    if let Some((_, Value::Object(map))) = paths_from {
        for (pattern, targets) in map {
            let targets: Vec<String> = targets
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect();
            let (prefix, suffix, wild) = match pattern.split_once('*') {
                Some((a, b)) => (a.to_owned(), b.to_owned(), true),
                None => (pattern.clone(), String::new(), false),
            };
            config.paths.push((prefix, suffix, wild, targets));
        }
        // Longest prefix first: the most specific pattern wins.
        config
            .paths
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    }
    config
}

/// The target of `key` (`.` or `./sub`) in an `exports` value.
fn export_target(exports: &Value, key: &str) -> Option<String> {
    match exports {
        Value::String(s) => (key == ".").then(|| s.clone()),
        Value::Array(items) => items.iter().find_map(|v| export_target(v, key)),
        Value::Object(map) => {
            if map.keys().any(|k| k.starts_with('.')) {
                if let Some(v) = map.get(key) {
                    return condition(v);
                }
                // Subpath patterns: the longest matching prefix wins.
                let mut best: Option<(usize, String)> = None;
                for (pattern, v) in map {
                    let Some((pre, post)) = pattern.split_once('*') else {
                        continue;
                    };
                    if key.starts_with(pre)
                        && key.ends_with(post)
                        && key.len() >= pre.len() + post.len()
                    {
                        let star = &key[pre.len()..key.len() - post.len()];
                        if best.as_ref().is_none_or(|(len, _)| pre.len() > *len) {
                            if let Some(t) = condition(v) {
                                best = Some((pre.len(), t.replace('*', star)));
                            }
                        }
                    }
                }
                best.map(|(_, t)| t)
            } else if key == "." {
                condition(exports)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Resolve conditions (`{"types": …, "import": …}`), nested, to a path.
fn condition(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => items.iter().find_map(condition),
        Value::Object(map) => CONDITIONS
            .iter()
            .find_map(|c| map.get(*c).and_then(condition)),
        _ => None,
    }
}

/// `@scope/name/sub` -> (`@scope/name`, `sub`); `name/sub` -> (`name`, `sub`).
fn split_package(spec: &str) -> (&str, &str) {
    let cut = if spec.starts_with('@') {
        spec.match_indices('/').nth(1).map(|(i, _)| i)
    } else {
        spec.find('/')
    };
    match cut {
        Some(i) => (&spec[..i], &spec[i + 1..]),
        None => (spec, ""),
    }
}

impl Resolver for TsResolver {
    fn resolve(&self, tree: &SourceTree, from: FileId, import: &Import, out: &mut Vec<Target>) {
        let spec = import.spec.as_str();
        let from_path = tree.path(from);
        if spec.is_empty() {
            return;
        }
        if spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." {
            if let Some(id) = join(parent(from_path), spec).and_then(|p| Self::file(tree, &p)) {
                out.push(Target::File(id));
            }
            return;
        }
        if spec.starts_with('/') || spec.contains(':') && !spec.starts_with('@') {
            return; // absolute paths, `node:fs`, URLs
        }
        if let Some(config) = self.config_for(from_path) {
            for (prefix, suffix, wild, targets) in &config.paths {
                let star = if *wild {
                    if !(spec.starts_with(prefix.as_str())
                        && spec.ends_with(suffix.as_str())
                        && spec.len() >= prefix.len() + suffix.len())
                    {
                        continue;
                    }
                    &spec[prefix.len()..spec.len() - suffix.len()]
                } else if spec == prefix {
                    ""
                } else {
                    continue;
                };
                for t in targets {
                    let target = t.replace('*', star);
                    if let Some(id) =
                        join(&config.paths_base, &target).and_then(|p| Self::file(tree, &p))
                    {
                        out.push(Target::File(id));
                        return;
                    }
                }
            }
            if let Some(base) = &config.base_url {
                if let Some(id) = join(base, spec).and_then(|p| Self::file(tree, &p)) {
                    out.push(Target::File(id));
                    return;
                }
            }
        }
        let (name, sub) = split_package(spec);
        if let Some(pkg) = self.packages.get(name) {
            if let Some(id) = Self::package_file(tree, pkg, sub) {
                out.push(Target::File(id));
            }
            return;
        }
        if NODE_BUILTINS.contains(&name) || name.starts_with("node:") || name.starts_with("bun:") {
            return;
        }
        out.push(Target::External(name.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_allows_comments_and_trailing_commas() {
        let v = parse_jsonc("{\n // c\n \"a\": [1, 2,], /* x */ \"b\": \"//not a comment\",\n}")
            .unwrap();
        assert_eq!(v["a"][1], 2);
        assert_eq!(v["b"], "//not a comment");
    }

    #[test]
    fn exports_subpaths_conditions_and_patterns() {
        let e: Value = serde_json::from_str(
            r#"{".": {"types": "./src/index.ts", "default": "./dist/index.js"},
                "./sub": "./src/sub/index.ts",
                "./features/*": {"import": "./src/features/*.ts"}}"#,
        )
        .unwrap();
        assert_eq!(export_target(&e, ".").as_deref(), Some("./src/index.ts"));
        assert_eq!(
            export_target(&e, "./sub").as_deref(),
            Some("./src/sub/index.ts")
        );
        assert_eq!(
            export_target(&e, "./features/a/b").as_deref(),
            Some("./src/features/a/b.ts")
        );
        assert_eq!(export_target(&e, "./missing"), None);
        let s: Value = serde_json::from_str(r#""./main.ts""#).unwrap();
        assert_eq!(export_target(&s, ".").as_deref(), Some("./main.ts"));
    }

    #[test]
    fn package_names() {
        assert_eq!(split_package("@a/b/c/d"), ("@a/b", "c/d"));
        assert_eq!(split_package("lodash/fp"), ("lodash", "fp"));
        assert_eq!(split_package("react"), ("react", ""));
    }
}
