//! Fingerprints the sources whose behaviour the incremental cache stores — extraction and
//! resolution (`strata_lang`), file rules (`strata_rules`), discovery (`strata_workspace`) and
//! the index and cache themselves (`strata_project`) — so that a strata built from other
//! sources never trusts an old cache, even under the same version number. Outside this
//! workspace (a packaged crate) the fingerprint is empty and the version alone decides.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let crates = Path::new(&manifest).join("..");
    let mut files = Vec::new();
    for name in [
        "strata_lang",
        "strata_rules",
        "strata_workspace",
        "strata_project",
    ] {
        let src = crates.join(name).join("src");
        if src.is_dir() {
            println!("cargo:rerun-if-changed={}", src.display());
            collect(&src, &mut files);
        }
    }
    files.sort();
    // FNV-1a over every file's path (relative) and contents.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in &files {
        eat(f
            .strip_prefix(&crates)
            .unwrap_or(f)
            .to_string_lossy()
            .as_bytes());
        eat(&std::fs::read(f).unwrap_or_default());
    }
    let id = if files.is_empty() {
        String::new()
    } else {
        format!("{hash:016x}")
    };
    println!("cargo:rustc-env=STRATA_SOURCES_ID={id}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
