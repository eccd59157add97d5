//! The repository walk: every file under the root, honouring `.gitignore` (and `.ignore`) and
//! `[project] exclude`, in parallel.

use std::path::Path;
use std::sync::Mutex;

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Folders never walked, whatever the ignore files say: version control, strata's own cache,
/// and installed JavaScript dependencies (which hold thousands of foreign manifests).
pub const ALWAYS_SKIPPED: &[&str] = &[".git", ".hg", ".svn", ".strata", "node_modules"];

/// The result of a walk: repository-relative `/`-separated file paths (sorted) and the
/// problems met on the way (unreadable folders and the like), which never stop the walk.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<String>,
    pub warnings: Vec<String>,
}

/// Compile `[project] exclude` globs. Globs were validated when the config was loaded; an
/// invalid one is skipped here rather than failing twice.
pub fn exclude_set(globs: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let g = g.trim_start_matches("./");
        if let Ok(glob) = Glob::new(g) {
            b.add(glob);
        }
        // `vendor/**` should also prune the folder `vendor` itself.
        if let Some(dir) = g.strip_suffix("/**")
            && let Ok(glob) = Glob::new(dir)
        {
            b.add(glob);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Walk `root` with `threads` threads (0 = one per core).
pub fn walk(root: &Path, exclude: &GlobSet, threads: usize) -> Walk {
    let files = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    let root_owned = root.to_path_buf();
    let walker = ignore::WalkBuilder::new(root)
        .threads(threads)
        .hidden(true)
        .parents(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| {
            let name = entry.file_name().to_string_lossy();
            if entry.depth() > 0 && ALWAYS_SKIPPED.contains(&name.as_ref()) {
                return false;
            }
            true
        })
        .build_parallel();
    walker.run(|| {
        let root = root_owned.clone();
        let files = &files;
        let warnings = &warnings;
        Box::new(move |result| {
            let entry = match result {
                Ok(e) => e,
                Err(err) => {
                    if let Ok(mut w) = warnings.lock() {
                        w.push(err.to_string());
                    }
                    return ignore::WalkState::Continue;
                }
            };
            let Ok(rel) = entry.path().strip_prefix(&root) else {
                return ignore::WalkState::Continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.is_empty() {
                return ignore::WalkState::Continue;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if !exclude.is_empty() && exclude.is_match(&rel) {
                return if is_dir {
                    ignore::WalkState::Skip
                } else {
                    ignore::WalkState::Continue
                };
            }
            if entry.file_type().is_some_and(|t| t.is_file())
                && let Ok(mut f) = files.lock()
            {
                f.push(rel);
            }
            ignore::WalkState::Continue
        })
    });
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_unstable();
    let mut warnings = warnings.into_inner().unwrap_or_default();
    warnings.sort();
    Walk { files, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honours_gitignore_exclude_and_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a/x.rs",
            "b/gen.rs",
            "vendor/v.rs",
            "node_modules/p/index.js",
            "keep/ok.ts",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "b/\n").unwrap();
        let w = walk(root, &exclude_set(&["vendor/**".into()]), 2);
        assert_eq!(w.files, ["a/x.rs", "keep/ok.ts"]);
    }
}
