//! Embeds the built-in templates: every file under `templates/` (the current versions) and
//! `history/` (earlier ones, for `strata template update`) becomes one entry of a table
//! `(relative path, bytes)` that `include_bytes!` fills at compile time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut out = String::new();
    table(
        &manifest.join("templates"),
        "BUILTIN",
        "Built-in template files: (path below `templates/`, contents).",
        &mut out,
    );
    table(
        &manifest.join("history"),
        "HISTORY",
        "Earlier versions of built-in templates: (`NAME/VERSION/…` below `history/`, contents).",
        &mut out,
    );
    let target = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("builtin.rs");
    if let Err(e) = std::fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}

/// A static table `name` of every file below `dir`.
fn table(dir: &Path, name: &str, doc: &str, out: &mut String) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let _ = writeln!(out, "/// {doc}\npub static {name}: &[(&str, &[u8])] = &[");
    for file in &files {
        // Cargo reruns this script when a file below the folder changes, not only the folder.
        println!("cargo:rerun-if-changed={}", file.display());
        let Ok(rel) = file.strip_prefix(dir) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let _ = writeln!(
            out,
            "    ({:?}, include_bytes!({:?})),",
            rel.join("/"),
            file.display().to_string()
        );
    }
    out.push_str("];\n");
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            walk(&path, files);
        } else if path.is_file() {
            files.push(path);
        }
    }
}
