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
    files: Mutex<Vec<Vec<String>>>,
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
            names.push((name.into_owned(), file_type.is_dir()));
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
        for (name, is_dir) in names {
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
                files.push(child_rel);
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
/// size it; 0 = one thread per core).
pub fn walk(root: &Path, exclude: &GlobSet, threads: usize) -> Walk {
    let _ = threads;
    let walker = Walker {
        root,
        exclude,
        files: Mutex::new(Vec::new()),
        warnings: Mutex::new(Vec::new()),
    };
    let inherited = ancestor_rules(walker.root, &walker.warnings);
    rayon::scope(|s| walker.dir(s, root, "", inherited));
    let mut files: Vec<String> = walker
        .files
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect();
    files.sort_unstable();
    let mut warnings = walker.warnings.into_inner().unwrap_or_default();
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
