//! The repository as the tools see it: loaded and scanned once, then kept fresh. A watcher
//! gathers the paths that change; before each answer, what changed since the last one is
//! scanned again (only the scan when source files were edited in place, a new load when files
//! were added or removed or a manifest, `module.yaml` or `strata.toml` changed).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use schemars::JsonSchema;
use serde::Serialize;
use strata_project::{CheckReport, FindOptions, LoadOptions, Project, ProjectError};

/// How fresh an answer is: every tool result carries it.
#[derive(Clone, Debug, Serialize, JsonSchema, PartialEq, Eq)]
pub struct Freshness {
    /// The commit checked out (`null` outside git or before the first commit).
    pub commit: Option<String>,
    /// Files changed since the previous answer and scanned again for this one.
    pub dirty_files: usize,
    /// Milliseconds spent scanning them before answering.
    pub scanned_ms: u64,
    /// The answer may not reflect the working tree: changes are not watched (the watcher
    /// could not start), or the last re-scan failed (`error` says why).
    pub stale: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One scan of the repository and what is computed from it on demand.
pub struct Snapshot {
    pub project: Project,
    pub commit: Option<String>,
    check: OnceLock<CheckReport>,
}

impl Snapshot {
    fn new(project: Project) -> Snapshot {
        // Scan now, and build the symbol table, so that the first answer is fast.
        let index = project.index();
        let _ = project.find(
            index,
            "",
            &FindOptions {
                limit: 1,
                ..FindOptions::default()
            },
        );
        let commit = project.head().ok().flatten().map(|h| h.commit);
        Snapshot {
            project,
            commit,
            check: OnceLock::new(),
        }
    }

    /// A new snapshot, shared; its findings are computed in the background, so that the
    /// first tool that needs them finds them ready (or waits for the same computation).
    fn shared(project: Project) -> Arc<Snapshot> {
        let snapshot = Arc::new(Snapshot::new(project));
        let warm = Arc::downgrade(&snapshot);
        std::thread::spawn(move || {
            if let Some(s) = warm.upgrade() {
                s.check();
            }
        });
        snapshot
    }

    /// Every enabled rule's findings on this scan (computed once).
    pub fn check(&self) -> &CheckReport {
        self.check.get_or_init(|| {
            let index = self.project.index();
            let mut report = self.project.check_with(index);
            report.warnings.extend(index.warnings.iter().cloned());
            report
        })
    }
}

/// Paths changed since the last refresh.
#[derive(Default)]
struct Pending {
    paths: BTreeSet<String>,
    /// Events were lost: anything may have changed.
    lost: bool,
}

/// A repository kept fresh.
pub struct Live {
    options: LoadOptions,
    /// `None` only while a refresh runs (under the lock).
    current: Mutex<Option<Arc<Snapshot>>>,
    pending: Arc<Mutex<Pending>>,
    /// The last refresh failed with this error (the previous snapshot is served).
    failed: Mutex<Option<String>>,
    watcher: Option<notify::RecommendedWatcher>,
}

impl Live {
    /// Load and scan the repository, and watch it (without a watcher, answers say `stale`).
    pub fn open(options: LoadOptions) -> Result<Live, ProjectError> {
        let mut project = Project::load(&options)?;
        project.lazy_cache = true;
        let root = project.root.clone();
        let snapshot = Snapshot::shared(project);
        let pending = Arc::new(Mutex::new(Pending::default()));
        let sink = Arc::clone(&pending);
        let watcher = strata_workspace::watch(&root, move |changed| {
            let mut p = sink
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match changed {
                Some(paths) => p.paths.extend(paths),
                None => p.lost = true,
            }
        })
        .ok();
        Ok(Live {
            options: LoadOptions {
                root: Some(root),
                ..options
            },
            current: Mutex::new(Some(snapshot)),
            pending,
            failed: Mutex::new(None),
            watcher,
        })
    }

    /// The snapshot to answer from, scanned again first if anything changed, and how fresh it
    /// is. An error only when the repository cannot be loaded at all.
    pub fn current(&self) -> Result<(Arc<Snapshot>, Freshness), String> {
        let mut slot = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut current = match slot.take() {
            Some(snapshot) => snapshot,
            // A refresh panicked: load anew.
            None => {
                let mut project = Project::load(&self.options).map_err(|e| e.to_string())?;
                project.lazy_cache = true;
                Snapshot::shared(project)
            }
        };
        let (changed, lost) = {
            let mut p = self
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (std::mem::take(&mut p.paths), std::mem::take(&mut p.lost))
        };
        let mut fresh = Freshness {
            commit: current.commit.clone(),
            dirty_files: changed.len(),
            scanned_ms: 0,
            stale: self.watcher.is_none(),
            error: None,
        };
        if !changed.is_empty() || lost {
            let start = Instant::now();
            let changed: Vec<String> = changed.into_iter().collect();
            let (next, error) = self.rescan(current, (!lost).then_some(changed.as_slice()));
            current = next;
            *self.failed_slot() = error;
            fresh.scanned_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
            fresh.commit.clone_from(&current.commit);
        }
        if let Some(e) = self.failed_slot().clone() {
            fresh.stale = true;
            fresh.error = Some(e);
        }
        *slot = Some(Arc::clone(&current));
        Ok((current, fresh))
    }

    fn failed_slot(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.failed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A scan of the repository as it is now, from `old`; `changed`: the paths edited
    /// (`None`: unknown). On failure (a broken `strata.toml`, say), `old` and the error.
    fn rescan(
        &self,
        old: Arc<Snapshot>,
        changed: Option<&[String]>,
    ) -> (Arc<Snapshot>, Option<String>) {
        // Reuse the walk when only sources were edited and no answer still holds the old
        // snapshot; otherwise load anew.
        let old = match (changed, Arc::try_unwrap(old)) {
            (Some(changed), Ok(snapshot)) => {
                let commit = snapshot.commit;
                match snapshot.project.after_edits(changed) {
                    Ok(project) => return (Snapshot::shared(project), None),
                    Err(project) => Arc::new(Snapshot {
                        project: *project,
                        commit,
                        check: OnceLock::new(),
                    }),
                }
            }
            (_, Ok(snapshot)) => Arc::new(snapshot),
            (_, Err(shared)) => shared,
        };
        match Project::load(&self.options) {
            Ok(mut project) => {
                project.lazy_cache = true;
                (Snapshot::shared(project), None)
            }
            Err(e) => (old, Some(e.to_string())),
        }
    }
}
