//! Watching a repository for changes that can change what strata reads: a file edited, added
//! or removed, a manifest, a `module.yaml`, `strata.toml`, a commit or a checkout.

use std::path::{Component, Path};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher as _};

/// How long the repository must be quiet before a change is reported: an editor's save or a
/// checkout is several events.
const QUIET: Duration = Duration::from_millis(50);

/// Whether a change at `path` (relative to the repository root) can change the registry:
/// not strata's own folder, build outputs or git's internals, but a commit or a checkout
/// (`.git/HEAD`, `.git/refs/…`) does.
pub fn relevant(path: &Path) -> bool {
    let mut parts = path.components().filter_map(|c| match c {
        Component::Normal(s) => Some(s.to_string_lossy()),
        _ => None,
    });
    let Some(first) = parts.next() else {
        return false;
    };
    if first == ".git" {
        return matches!(parts.next().as_deref(), Some("HEAD" | "refs"));
    }
    ![".strata", "target", "node_modules"].contains(&first.as_ref())
        && !parts.any(|p| p == "node_modules" || p == ".strata")
}

/// Watch the repository at `root` and call `on_change` once the repository has been quiet for
/// a moment after a relevant change, with the paths that changed (repository-relative, `/`;
/// `None` when events were lost). Watching stops when the returned watcher is dropped.
pub fn watch(
    root: &Path,
    mut on_change: impl FnMut(Option<Vec<String>>) + Send + 'static,
) -> Result<notify::RecommendedWatcher, notify::Error> {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx)?;
    watcher.watch(&root, RecursiveMode::Recursive)?;
    // The relevant paths of an event; `None` for a lost event (the kernel's queue overflowed),
    // which may have been anything.
    let paths_of = move |event: &notify::Result<notify::Event>| -> Option<Vec<String>> {
        let Ok(e) = event else {
            return None;
        };
        if matches!(e.kind, EventKind::Access(_)) {
            return Some(Vec::new());
        }
        Some(
            e.paths
                .iter()
                .filter_map(|p| p.strip_prefix(&root).ok())
                .filter(|p| relevant(p))
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .collect(),
        )
    };
    std::thread::spawn(move || {
        while let Ok(event) = rx.recv() {
            let mut changed = paths_of(&event);
            if changed.as_ref().is_some_and(Vec::is_empty) {
                continue;
            }
            // Wait for the burst to end, gathering what it touched.
            loop {
                match rx.recv_timeout(QUIET) {
                    Ok(event) => match (paths_of(&event), &mut changed) {
                        (Some(more), Some(all)) => all.extend(more),
                        _ => changed = None,
                    },
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            if let Some(all) = &mut changed {
                all.sort();
                all.dedup();
            }
            on_change(changed);
        }
    });
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_that_can_change_the_registry_count() {
        for (path, want) in [
            ("src/lib.rs", true),
            ("services/billing/module.yaml", true),
            ("strata.toml", true),
            (".git/HEAD", true),
            (".git/refs/heads/main", true),
            (".git/objects/ab/cdef", false),
            (".git/index.lock", false),
            (".strata/cache/v6", false),
            ("target/debug/strata", false),
            ("web/node_modules/x/index.js", false),
            ("", false),
        ] {
            assert_eq!(relevant(Path::new(path)), want, "{path}");
        }
    }
}
