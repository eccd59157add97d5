//! The repository walk: every file under the root, honouring `.gitignore` (and `.ignore`) and
//! `[project] exclude`, in parallel.

use std::path::Path;
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Folders never walked, whatever the ignore files say: version control, strata's own cache,
/// and installed JavaScript dependencies (which hold thousands of foreign manifests).
pub const ALWAYS_SKIPPED: &[&str] = &[".git", ".hg", ".svn", ".strata", "node_modules"];

/// The result of a walk: repository-relative `/`-separated file paths (sorted) and the
/// problems met on the way (unreadable folders and the like), which never stop the walk.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<String>,
    /// Size and modification time of each file (same order as `files`), read while walking
    /// for the files the caller asked about; zero for the others.
    pub meta: Vec<FileMeta>,
    pub warnings: Vec<String>,
}

/// What the walk saw of a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileMeta {
    pub size: u64,
    /// Nanoseconds since the epoch; 0 when unknown.
    pub mtime_ns: u64,
}

impl FileMeta {
    pub fn of(meta: &std::fs::Metadata) -> FileMeta {
        FileMeta {
            size: meta.len(),
            mtime_ns: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
        }
    }
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

/// Ignore files read in every folder, in increasing precedence.
const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore"];

/// The ignore rules in force in one folder: its own files' rules, then its parent's.
struct Rules {
    matcher: Option<Gitignore>,
    parent: Option<Arc<Rules>>,
}

impl Rules {
    /// Whether `path` is ignored: the deepest folder whose rules say anything decides.
    fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        let mut rules = Some(self);
        while let Some(r) = rules {
            if let Some(m) = &r.matcher {
                match m.matched(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            rules = r.parent.as_deref();
        }
        false
    }
}

/// Compile the ignore files of `dir` (those of `names` that exist); `None` when it has none.
fn read_rules(dir: &Path, names: &[&str], warnings: &Mutex<Vec<String>>) -> Option<Gitignore> {
    let mut builder = GitignoreBuilder::new(dir);
    let mut any = false;
    for name in names {
        let file = dir.join(name);
        if file.is_file() {
            any = true;
            if let Some(e) = builder.add(&file) {
                push(warnings, e.to_string());
            }
        }
    }
    if !any {
        return None;
    }
    match builder.build() {
        Ok(g) => Some(g),
        Err(e) => {
            push(warnings, e.to_string());
            None
        }
    }
}

fn push(warnings: &Mutex<Vec<String>>, message: String) {
    if let Ok(mut w) = warnings.lock() {
        w.push(message);
    }
}

/// The rules that apply at `root` from above it: the ignore files of its ancestors up to the
/// enclosing git repository's top (`.git/info/exclude` included), outermost first.
fn ancestor_rules(root: &Path, warnings: &Mutex<Vec<String>>) -> Option<Arc<Rules>> {
    let mut chain = Vec::new();
    let mut dir = root.parent();
    let mut top = None;
    if root.join(".git").exists() {
        top = Some(root.to_path_buf());
    }
    while top.is_none()
        && let Some(d) = dir
    {
        chain.push(d.to_path_buf());
        if d.join(".git").exists() {
            top = Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    if top.is_none() {
        // Not in a git repository: only the root's own ignore files count.
        chain.clear();
    }
    let mut rules: Option<Arc<Rules>> = None;
    if let Some(top) = &top {
        let exclude = top.join(".git/info/exclude");
        if exclude.is_file() {
            let mut b = GitignoreBuilder::new(top);
            if let Some(e) = b.add(&exclude) {
                push(warnings, e.to_string());
            }
            rules = Some(Arc::new(Rules {
                matcher: b.build().ok(),
                parent: None,
            }));
        }
    }
    for d in chain.iter().rev() {
        if let Some(m) = read_rules(d, &[".gitignore"], warnings) {
            rules = Some(Arc::new(Rules {
                matcher: Some(m),
                parent: rules,
            }));
        }
    }
    rules
}

struct Walker<'a> {
    root: &'a Path,
    exclude: &'a GlobSet,
    wants_meta: fn(&str) -> bool,
    files: Mutex<Vec<Vec<(String, FileMeta)>>>,
    warnings: Mutex<Vec<String>>,
}

impl Walker<'_> {
    /// List `dir` (repository-relative `rel`, `""` for the root), then its subfolders in
    /// parallel. Only the listing is read: file types come from the folder entries, and ignore
    /// files are opened only where the listing shows them.
    fn dir<'s>(
        &'s self,
        scope: &rayon::Scope<'s>,
        dir: &Path,
        rel: &str,
        inherited: Option<Arc<Rules>>,
    ) {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                push(&self.warnings, format!("{}: {e}", dir.display()));
                return;
            }
        };
        let mut names = Vec::new();
        let mut has_rules = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    push(&self.warnings, format!("{}: {e}", dir.display()));
                    continue;
                }
            };
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if IGNORE_FILES.contains(&name.as_ref()) && file_type.is_file() {
                has_rules.push(IGNORE_FILES[usize::from(name == ".ignore")]);
            }
            // Hidden entries, symbolic links and anything but files and folders are skipped.
            if name.starts_with('.') || !(file_type.is_file() || file_type.is_dir()) {
                continue;
            }
            if file_type.is_dir() && ALWAYS_SKIPPED.contains(&name.as_ref()) {
                continue;
            }
            names.push((name.into_owned(), file_type.is_dir(), entry));
        }
        has_rules.sort_unstable_by_key(|n| IGNORE_FILES.iter().position(|f| f == n));
        let rules = match read_rules(dir, &has_rules, &self.warnings) {
            Some(m) => Some(Arc::new(Rules {
                matcher: Some(m),
                parent: inherited,
            })),
            None => inherited,
        };
        let mut files = Vec::new();
        for (name, is_dir, entry) in names {
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if !self.exclude.is_empty() && self.exclude.is_match(&child_rel) {
                continue;
            }
            let child = dir.join(&name);
            if rules.as_ref().is_some_and(|r| r.ignores(&child, is_dir)) {
                continue;
            }
            if is_dir {
                let rules = rules.clone();
                scope.spawn(move |s| self.dir(s, &child, &child_rel, rules));
            } else {
                // `DirEntry::metadata` asks relative to the open folder: cheaper than a stat
                // of the full path later. Only for the files the caller will read: in real
                // repositories most files (docs, images, data) are never opened.
                let meta = if (self.wants_meta)(&name) {
                    entry
                        .metadata()
                        .map(|m| FileMeta::of(&m))
                        .unwrap_or_default()
                } else {
                    FileMeta::default()
                };
                files.push((child_rel, meta));
            }
        }
        if !files.is_empty()
            && let Ok(mut all) = self.files.lock()
        {
            all.push(files);
        }
    }
}

/// Walk `root` in parallel on the current rayon pool (`threads` is kept for callers that
/// size it; 0 = one thread per core). `wants_meta` names (by file name) the files whose size
/// and modification time to record.
pub fn walk(root: &Path, exclude: &GlobSet, threads: usize, wants_meta: fn(&str) -> bool) -> Walk {
    let _ = threads;
    let walker = Walker {
        root,
        exclude,
        wants_meta,
        files: Mutex::new(Vec::new()),
        warnings: Mutex::new(Vec::new()),
    };
    let inherited = ancestor_rules(walker.root, &walker.warnings);
    rayon::scope(|s| walker.dir(s, root, "", inherited));
    let mut found: Vec<(String, FileMeta)> = walker
        .files
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect();
    found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let (files, meta) = found.into_iter().unzip();
    let mut warnings = walker.warnings.into_inner().unwrap_or_default();
    warnings.sort();
    Walk {
        files,
        meta,
        warnings,
    }
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
        let w = walk(root, &exclude_set(&["vendor/**".into()]), 2, |_| true);
        assert_eq!(w.files, ["a/x.rs", "keep/ok.ts"]);
    }

    /// The walk keeps what git keeps: compared with `git ls-files --others --exclude-standard`
    /// on nested ignore files, negations, anchored and directory patterns, and
    /// `.git/info/exclude` (hidden paths, which strata skips, left out of git's list).
    #[test]
    fn agrees_with_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let files = [
            "src/a.rs",
            "src/gen/b.rs",
            "src/gen/keep.rs",
            "src/deep/x/build/out.js",
            "build/top.js",
            "docs/build/page.md",
            "logs/app.log",
            "logs/important.log",
            "web/dist/app.js",
            "web/src/app.ts",
            "web/src/app.test.ts",
            "notes.tmp",
            "private/key.txt",
            ".hidden/file.rs",
            "src/.env",
        ];
        for f in files {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let git = |args: &[&str]| {
            let out = std::process::Command::new("git")
                .args(args)
                .current_dir(&root)
                .output()
                .unwrap();
            assert!(out.status.success(), "git {args:?}");
            String::from_utf8(out.stdout).unwrap()
        };
        git(&["init", "-q"]);
        std::fs::write(
            root.join(".gitignore"),
            "/build/\n*.log\n!important.log\n*.tmp\n",
        )
        .unwrap();
        std::fs::write(root.join("src/.gitignore"), "gen/*\n!gen/keep.rs\nbuild\n").unwrap();
        std::fs::write(root.join("web/.gitignore"), "dist/\n*.test.ts\n").unwrap();
        std::fs::write(root.join(".git/info/exclude"), "private/\n").unwrap();
        let mut expected: Vec<String> = git(&["ls-files", "--others", "--exclude-standard"])
            .lines()
            .filter(|p| !p.split('/').any(|s| s.starts_with('.')))
            .map(str::to_owned)
            .collect();
        expected.sort();
        let w = walk(&root, &GlobSet::empty(), 2, |_| true);
        assert_eq!(w.files, expected);
        assert!(w.warnings.is_empty(), "{:?}", w.warnings);
        // Walking a subfolder still honours the ignore files above it.
        let sub = walk(&root.join("src"), &GlobSet::empty(), 2, |_| true);
        assert_eq!(sub.files, ["a.rs", "gen/keep.rs"]);
    }
}
