//! The bodies of strata's fuzz targets. Each function takes untrusted bytes, feeds them to one
//! parser the way strata does, and checks what must hold whatever the input: no panic, no hang,
//! positions inside the input, deterministic output, stable round trips.
//!
//! The cargo-fuzz binaries in `fuzz/` call these functions, one per target; the smoke test in
//! `tests/smoke.rs` runs them over the committed corpora and the regressions on every build.
#![allow(clippy::missing_panics_doc)] // panicking on a broken invariant is the point

use std::path::Path;

use strata_lang::{FileFacts, Lang, SourceTree, Target};
use strata_project::{Baseline, reencode_cache};
use strata_workspace::{ConfigError, ManifestKind, config_from_bytes, read_manifest};

/// The body of a fuzz target.
pub type Body = fn(&[u8]);

/// Every fuzz target: its name (the folder under `fuzz/corpus/`) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("lang_rust", |d| frontend(Lang::Rust, d)),
    ("lang_ts", |d| frontend(Lang::Ts, d)),
    ("lang_py", |d| frontend(Lang::Py, d)),
    ("lang_go", |d| frontend(Lang::Go, d)),
    ("lang_java", |d| frontend(Lang::Java, d)),
    ("module_yaml", module_yaml),
    ("strata_toml", strata_toml),
    ("manifest", manifest),
    ("cache", cache),
    ("baseline", baseline),
];

/// Separates the parts of a language target's input. Never valid UTF-8, so a text seed never
/// holds it by accident.
pub const SEPARATOR: u8 = 0xFF;

/// A language front-end, extraction and resolution. The input is
/// `source 0xFF listing 0xFF content₁ 0xFF content₂ …`: the bytes of one source file, a
/// newline-separated list of repository paths (the first one ending in the language's
/// extension names the source file), then the contents of the listed files in order (manifests,
/// `tsconfig.json`, `go.mod`…; files without content are empty).
pub fn frontend(lang: Lang, data: &[u8]) {
    let mut parts = data.split(|&b| b == SEPARATOR);
    let source = parts.next().unwrap_or_default();
    let listing = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let contents: Vec<&[u8]> = parts.collect();

    let listed: Vec<&str> = listing
        .lines()
        .filter(|p| is_walkable(p))
        .take(64)
        .collect();
    let source_path = listed
        .iter()
        .find(|p| Lang::from_path(p) == Some(lang))
        .map_or_else(|| default_path(lang).to_owned(), |p| (*p).to_owned());

    let front = strata_lang::frontend(lang);
    let facts = front.extract(&source_path, source);
    check_facts(&facts, source);
    assert_eq!(
        facts,
        front.extract(&source_path, source),
        "extraction is not pure"
    );

    let Ok(dir) = tempfile::tempdir() else { return };
    let mut paths = vec![source_path.clone()];
    write(dir.path(), &source_path, source);
    let mut next = contents.iter();
    for p in listed {
        if p == source_path {
            continue;
        }
        let bytes = next.next().copied().unwrap_or_default();
        if write(dir.path(), p, bytes) {
            paths.push(p.to_owned());
        }
    }
    let tree = SourceTree::new(dir.path(), paths);
    let resolver = front.resolver(&tree);
    let Some(from) = tree.id(&source_path) else {
        panic!("the source file is not in the tree")
    };
    let mut out = Vec::new();
    for import in &facts.imports {
        out.clear();
        resolver.resolve(&tree, from, import, &mut out);
        for t in &out {
            if let Target::File(id) = t {
                assert!(
                    (id.0 as usize) < tree.len(),
                    "resolved to a file not in the tree"
                );
            }
        }
    }
}

/// Where the source file goes when the listing names none.
fn default_path(lang: Lang) -> &'static str {
    match lang {
        Lang::Rust => "src/lib.rs",
        Lang::Ts => "src/index.ts",
        Lang::Py => "pkg/__init__.py",
        Lang::Go => "main.go",
        Lang::Java => "src/main/java/App.java",
    }
}

/// A path the walker could produce: relative, `/`-separated, no empty, `.` or `..` segment.
fn is_walkable(p: &str) -> bool {
    !p.is_empty()
        && p.len() < 200
        && !p.contains(['\0', '\\', '\r'])
        && p.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Write a file under `root`, creating its folders; `false` when the path cannot be a file
/// (a folder of that name exists, or a file stands where a folder is needed).
fn write(root: &Path, rel: &str, bytes: &[u8]) -> bool {
    let path = root.join(rel);
    if path.is_dir() {
        return false;
    }
    if let Some(parent) = path.parent() {
        if std::fs::create_dir_all(parent).is_err() {
            return false;
        }
    }
    std::fs::write(&path, bytes).is_ok()
}

/// Positions point into the source; spans are ordered.
fn check_facts(facts: &FileFacts, source: &[u8]) {
    // Any of `\n`, `\r\n` or a lone `\r` may end a line, depending on the language.
    let lines = 1 + source.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
    let lines = u32::try_from(lines).unwrap_or(u32::MAX);
    for i in &facts.imports {
        assert!(
            (1..=lines).contains(&i.line),
            "import {:?} at line {} of {lines}",
            i.spec,
            i.line
        );
        assert!(i.column >= 1, "import {:?} at column 0", i.spec);
    }
    for d in &facts.definitions {
        assert!(
            1 <= d.start_line && d.start_line <= d.end_line && d.end_line <= lines,
            "definition {:?} spans {}..={} of {lines} lines",
            d.name,
            d.start_line,
            d.end_line
        );
    }
}

/// `module.yaml`: a module or an error with a position inside the text.
pub fn module_yaml(data: &[u8]) {
    let path = Path::new("module.yaml");
    if let Err(e) = strata_workspace::parse_module_file(path, data) {
        check_error_position(&e, data);
    }
}

/// `strata.toml`: parsing and validation.
pub fn strata_toml(data: &[u8]) {
    let path = Path::new("strata.toml");
    if let Err(e) = config_from_bytes(path, data.to_vec()) {
        check_error_position(&e, data);
    }
}

fn check_error_position(e: &ConfigError, data: &[u8]) {
    if let ConfigError::Invalid { line, column, .. } = e {
        let lines = 1 + data.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
        let lines = u32::try_from(lines).unwrap_or(u32::MAX);
        assert!(
            (1..=lines).contains(line) && *column >= 1,
            "error at {line}:{column} in a text of {lines} lines: {e}"
        );
    }
    // The message renders.
    let _ = e.to_string();
}

/// Package manifests as discovery reads them. The first byte picks the kind.
pub fn manifest(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let files = ManifestKind::FILES;
    let (name, kind) = files[usize::from(pick) % files.len()];
    let text = String::from_utf8_lossy(rest);
    let info = read_manifest(&format!("pkg/{name}"), kind, &text);
    assert_eq!(info.kind, Some(kind));
}

/// The incremental cache: decoding never panics, and what decodes re-encodes to bytes that
/// decode to the same again.
pub fn cache(data: &[u8]) {
    if let Ok(once) = reencode_cache(data) {
        let twice = reencode_cache(&once);
        assert_eq!(
            Ok(&once),
            twice.as_ref(),
            "the cache round trip is not stable"
        );
    }
}

/// The baseline file.
pub fn baseline(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = Baseline::parse(Path::new("strata-baseline.json"), &text);
}
