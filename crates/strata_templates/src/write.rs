//! Writing a rendered template: all files or none, never over an existing file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::engine::Rendered;
use crate::error::TemplateError;

impl Rendered {
    /// Write the files below `repo_root/into`. Refuses when any of them exists; the files are
    /// first written into a temporary folder next to them and then moved, so a failure leaves
    /// none of them behind. Returns the destination folder.
    pub fn write(&self, repo_root: &Path) -> Result<PathBuf, TemplateError> {
        let dest = repo_root.join(&self.into);
        let existing: Vec<String> = self
            .files
            .keys()
            .filter(|p| dest.join(p).exists())
            .map(|p| format!("{}/{}", self.into, p.display()))
            .chain(
                self.root_files
                    .keys()
                    .filter(|p| repo_root.join(p).exists())
                    .map(|p| p.display().to_string()),
            )
            .collect();
        if !existing.is_empty() {
            return Err(TemplateError::Exists { paths: existing });
        }
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| TemplateError::Write { path, source }
        };
        // Next to the destination, so that moving is a rename on one file system.
        let parent = dest.parent().unwrap_or(repo_root);
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let staging = tempfile::Builder::new()
            .prefix(".strata-new-")
            .tempdir_in(parent)
            .map_err(io(parent))?;
        write_all(staging.path(), &self.files)?;
        if !dest.exists() {
            std::fs::rename(staging.path(), &dest).map_err(io(&dest))?;
            return self.write_root_files(repo_root).map(|()| dest);
        }
        // The folder exists: move file by file, and take back what was moved on a failure.
        let mut moved = Vec::new();
        for path in self.files.keys() {
            let target = dest.join(path);
            let result = target
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::rename(staging.path().join(path), &target));
            if let Err(source) = result {
                for m in &moved {
                    let _ = std::fs::remove_file(m);
                }
                return Err(TemplateError::Write {
                    path: target,
                    source,
                });
            }
            moved.push(target);
        }
        self.write_root_files(repo_root).map(|()| dest)
    }

    /// The files that go to the repository root, each written atomically (none existed).
    fn write_root_files(&self, repo_root: &Path) -> Result<(), TemplateError> {
        for (path, text) in &self.root_files {
            let target = repo_root.join(path);
            strata_workspace::atomic::write_atomic(&target, text.as_bytes()).map_err(|source| {
                TemplateError::Write {
                    path: target,
                    source,
                }
            })?;
        }
        Ok(())
    }
}

/// Write `files` below `dir`, creating folders.
pub(crate) fn write_all(
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
) -> Result<(), TemplateError> {
    for (path, text) in files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| TemplateError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&target, text).map_err(|source| TemplateError::Write {
            path: target.clone(),
            source,
        })?;
    }
    Ok(())
}
