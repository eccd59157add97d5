//! Local mode: the registry of the repository `strata serve` runs in. The repository is
//! indexed at start and again whenever a file in it changes (or a commit is made), and each
//! index is written as the snapshot of the commit checked out.

use strata_project::{Head, History, LoadOptions, Project, ProjectError};
use strata_store::NewSnapshot;

use crate::push::new_snapshot;

/// The commit name of a snapshot taken outside a git repository.
pub const WORKING_TREE: &str = "working-tree";

/// A project name from any text: what [`crate::valid_project_name`] refuses becomes `-`.
pub fn project_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    while out.starts_with('.') {
        out.remove(0);
    }
    if out.is_empty() {
        "project".clone_into(&mut out);
    }
    out
}

/// What one index gives.
pub struct Indexed {
    /// The repository's root.
    pub root: std::path::PathBuf,
    pub project: String,
    pub snapshot: NewSnapshot,
    /// Problems of the walk and the scan (as `strata check` prints them).
    pub warnings: Vec<String>,
}

/// Indexes a repository, again and again; the git history (for health) is read once per
/// commit.
pub struct Indexer {
    options: LoadOptions,
    history: Option<(String, Option<History>)>,
    /// The project last indexed (its scan dropped): a change that only edits source files
    /// reuses its walk and modules.
    last: Option<Project>,
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Load(#[from] ProjectError),
    #[error("failed to read the git history")]
    History(#[from] strata_project::HistoryError),
}

impl Indexer {
    pub fn new(options: LoadOptions) -> Indexer {
        Indexer {
            options,
            history: None,
            last: None,
        }
    }

    /// Load and scan the repository and make its snapshot.
    pub fn index(&mut self) -> Result<Indexed, IndexError> {
        self.index_after(None)
    }

    /// Index again after a change to `changed` (repository-relative paths; `None`: unknown):
    /// when only source files were edited, the last walk and modules are kept and only the
    /// scan runs again; otherwise the repository is loaded anew.
    pub fn index_after(&mut self, changed: Option<&[String]>) -> Result<Indexed, IndexError> {
        let reused = match (self.last.take(), changed) {
            (Some(last), Some(changed)) if !changed.is_empty() => last.after_edits(changed).ok(),
            _ => None,
        };
        let mut project = match reused {
            Some(project) => project,
            None => Project::load(&self.options)?,
        };
        project.lazy_cache = true;
        let head = project.head()?;
        let key = head.as_ref().map(|h| h.commit.clone()).unwrap_or_default();
        let history = match self.history.take() {
            Some((commit, history)) if commit == key => history,
            _ => project.history()?,
        };
        let index = project.index();
        let docs = project.registry_documents(index, history.as_ref());
        let mut warnings = project.discovery.warnings.clone();
        warnings.extend(index.warnings.iter().cloned());
        let head = head.unwrap_or_else(|| Head {
            commit: WORKING_TREE.to_owned(),
            branch: None,
            time: crate::auth::now(),
        });
        let snapshot = new_snapshot(docs, &head, env!("CARGO_PKG_VERSION"));
        self.history = Some((key, history));
        let indexed = Indexed {
            root: project.root.clone(),
            project: project_name(&project.registry_name()),
            snapshot,
            warnings,
        };
        // Kept without its scan, which the next index makes again.
        self.last = project.after_edits(&[]).ok();
        Ok(indexed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Indexing again sees every edit, while the cache is rewritten only when many files
    /// changed (or the set of files did).
    #[test]
    fn indexing_again_sees_changes_without_rewriting_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("strata.toml", "[project]\nname = \"shop\"\n");
        write("orders/module.yaml", "name: orders\n");
        write("orders/orders/__init__.py", "X = 1\n");
        write("orders/orders/keys.py", "KEY = 1\n");
        let mut indexer = Indexer::new(LoadOptions {
            root: Some(root.to_path_buf()),
            ..LoadOptions::default()
        });
        let secrets = |i: &Indexed| {
            i.snapshot
                .documents
                .findings
                .get()
                .matches("hardcoded-secret")
                .count()
        };
        let first = indexer.index().unwrap();
        assert_eq!((first.project.as_str(), secrets(&first)), ("shop", 0));
        let cache = root.join(".strata/cache/index.bin");
        let written = std::fs::metadata(&cache).unwrap().modified().unwrap();
        // Split, so that this file holds no key itself.
        let key = ["AKIA", "Q3EGRT7HXW2ZMV5N"].concat();
        write("orders/orders/keys.py", &format!("KEY = \"{key}\"\n"));
        let second = indexer.index().unwrap();
        assert_eq!(secrets(&second), 1);
        assert_eq!(second.snapshot.commit, WORKING_TREE);
        assert_eq!(
            std::fs::metadata(&cache).unwrap().modified().unwrap(),
            written
        );
        write("orders/orders/keys.py", "KEY = 2\n");
        assert_eq!(secrets(&indexer.index().unwrap()), 0);
        // Told what changed, it reuses the walk: an edited source file shows, ...
        write("orders/orders/keys.py", &format!("KEY = \"{key}\"\n"));
        let edited = ["orders/orders/keys.py".to_owned()];
        assert_eq!(secrets(&indexer.index_after(Some(&edited)).unwrap()), 1);
        // ... and a file added is seen too (the repository is walked again for it).
        write("orders/orders/more.py", &format!("OTHER = \"{key}\"\n"));
        let added = ["orders/orders/more.py".to_owned()];
        assert_eq!(secrets(&indexer.index_after(Some(&added)).unwrap()), 2);
        // A module.yaml edited is a new module list.
        write("orders/module.yaml", "name: sales\n");
        let yaml = ["orders/module.yaml".to_owned()];
        let renamed = indexer.index_after(Some(&yaml)).unwrap();
        assert!(
            renamed
                .snapshot
                .documents
                .modules
                .get()
                .contains("\"sales\"")
        );
    }

    #[test]
    fn any_folder_name_gives_a_project_name() {
        assert_eq!(project_name("shop"), "shop");
        assert_eq!(project_name("my shop (2)"), "my-shop--2-");
        assert_eq!(project_name(".hidden"), "hidden");
        assert_eq!(project_name(""), "project");
        assert!(crate::valid_project_name(&project_name("Ünïcode/ü")));
    }
}
