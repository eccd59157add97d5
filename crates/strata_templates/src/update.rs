//! `strata template update`: render a generated module again at its template's current version
//! (or with new answers) and three-way merge the result into the module, file by file. The base
//! of the merge is the module as its recorded template version and answers render it; the
//! module's own edits and the template's changes are both kept, and where they touch the same
//! lines the file gets conflict markers and is reported — nothing is overwritten silently.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::Catalog;
use crate::engine::{ANSWERS_FILE, RenderOptions, render, variables};
use crate::error::TemplateError;
use crate::vars::{Answers, RepoFacts, SETTABLE_BUILTINS};

/// `.strata-template.yaml`: what a module was made from.
#[derive(Clone, Debug, Deserialize)]
pub struct AnswersFile {
    pub template: String,
    pub version: String,
    /// The template, its parents and includes with their versions (absent in files written
    /// before parts were recorded: then the template alone is pinned).
    #[serde(default)]
    pub parts: BTreeMap<String, String>,
    #[serde(default)]
    pub answers: Answers,
}

impl AnswersFile {
    /// The answers file of the module in `dir` (`label` names it in errors).
    pub fn read(dir: &Path, label: &str) -> Result<AnswersFile, TemplateError> {
        let path = dir.join(ANSWERS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(TemplateError::NotGenerated {
                    path: label.to_owned(),
                });
            }
            Err(source) => return Err(TemplateError::Read { path, source }),
        };
        serde_saphyr::from_str(&text).map_err(|source| TemplateError::Parse {
            path: format!("{label}/{ANSWERS_FILE}"),
            source: Box::new(source),
        })
    }
}

/// What the update does to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// New in the template: written.
    Added,
    /// Changed by the template only: replaced.
    Updated,
    /// Changed by both, on different lines: merged.
    Merged,
    /// Changed locally only: left as it is.
    Kept,
    /// Removed by the template and unchanged locally: removed.
    Deleted,
    /// Both changed the same lines, or one removed what the other changed: reported; a text
    /// file changed by both gets conflict markers, anything else is left as it is.
    Conflict,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Added => "added",
            Action::Updated => "updated",
            Action::Merged => "merged",
            Action::Kept => "kept",
            Action::Deleted => "deleted",
            Action::Conflict => "conflict",
        }
    }
}

/// One file the update touches or reports.
#[derive(Clone, Debug)]
pub struct FileUpdate {
    /// Relative to the module's folder, or to the repository root when `root`, with `/`.
    pub path: String,
    /// A file of the repository root (a template's `files/@root/…`).
    pub root: bool,
    pub action: Action,
    /// Why, for conflicts and kept files.
    pub detail: Option<String>,
    /// What happens on disk.
    write: Write,
}

/// What the update does on disk for one file.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Write {
    Nothing,
    Contents(String),
    Remove,
}

/// The planned update of one module.
#[derive(Clone, Debug)]
pub struct Update {
    pub template: String,
    /// The template version the module was made from, and the one it is rendered at now.
    pub from: String,
    pub to: String,
    /// The module's folder relative to the repository root, with `/`.
    pub into: String,
    /// Why the base could not be rendered (then every file both sides have and that differs
    /// is a conflict), or `None`.
    pub base_unavailable: Option<String>,
    /// Answers the template no longer declares, dropped.
    pub dropped: Vec<String>,
    /// Parts (the template, parents, includes) whose version changed: (name, from, to); a
    /// part added or removed has `-` for its missing version.
    pub parts_changed: Vec<(String, String, String)>,
    /// The files that change or conflict, by path (unchanged ones are not listed).
    pub files: Vec<FileUpdate>,
    /// The new answers file.
    answers_file: String,
}

impl Update {
    /// Same template versions, and rendering again changes nothing (local edits are kept).
    pub fn up_to_date(&self) -> bool {
        self.parts_changed.is_empty() && self.files.iter().all(|f| f.action == Action::Kept)
    }

    pub fn conflicts(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.action == Action::Conflict)
            .count()
    }

    /// Write the planned files (each atomically), then the answers file.
    pub fn apply(&self, repo_root: &Path) -> Result<(), TemplateError> {
        let dir = repo_root.join(&self.into);
        let io = |path: PathBuf| move |source| TemplateError::Write { path, source };
        for file in &self.files {
            let target = if file.root {
                repo_root.join(&file.path)
            } else {
                dir.join(&file.path)
            };
            match &file.write {
                Write::Contents(text) => {
                    strata_workspace::atomic::write_atomic(&target, text.as_bytes())
                        .map_err(io(target.clone()))?;
                }
                Write::Remove => std::fs::remove_file(&target).map_err(io(target.clone()))?,
                Write::Nothing => {}
            }
        }
        let answers = dir.join(ANSWERS_FILE);
        strata_workspace::atomic::write_atomic(&answers, self.answers_file.as_bytes())
            .map_err(io(answers.clone()))
    }
}

/// Plan the update of the module in `into` (relative to `repo_root`): render it at the
/// catalog's version with its recorded answers overridden by `set`, render the base at the
/// recorded versions, and merge each file. `facts` describes the repository; the module itself
/// is left out of them (its name and port are its own).
pub fn plan_update(
    catalog: &Catalog,
    repo_root: &Path,
    into: &str,
    set: &Answers,
    facts: &RepoFacts,
) -> Result<Update, TemplateError> {
    let dir = repo_root.join(into);
    let recorded = AnswersFile::read(&dir, into)?;
    let name = recorded
        .answers
        .get("name")
        .map(crate::Answer::to_text)
        .unwrap_or_default();
    let facts = facts.without(&name);
    let options = RenderOptions {
        into: Some(into),
        ..RenderOptions::default()
    };

    // The answers again, less those the template no longer declares, with `set` on top.
    let known: BTreeSet<String> = variables(catalog, &recorded.template)?
        .into_iter()
        .map(|v| v.name)
        .chain(SETTABLE_BUILTINS.iter().map(|s| (*s).to_owned()))
        .chain(std::iter::once("name".to_owned()))
        .collect();
    let mut answers = Answers::new();
    let mut dropped = Vec::new();
    for (k, v) in &recorded.answers {
        if known.contains(k) {
            answers.insert(k.clone(), v.clone());
        } else {
            dropped.push(k.clone());
        }
    }
    answers.extend(set.iter().map(|(k, v)| (k.clone(), v.clone())));
    let new = render(catalog, &recorded.template, &answers, &facts, &options)?;

    let mut parts = recorded.parts.clone();
    if parts.is_empty() {
        parts.insert(recorded.template.clone(), recorded.version.clone());
    }
    let (pinned, missing) = catalog.pinned(&parts, repo_root)?;
    let base = if missing.is_empty() {
        render(
            &pinned,
            &recorded.template,
            &recorded.answers,
            &facts,
            &options,
        )
        .map_err(|e| format!("rendering version {} failed: {e}", recorded.version))
    } else {
        Err(format!("not found: {}", missing.join(", ")))
    };
    let (base, base_unavailable) = match base {
        Ok(base) => (Some(base), None),
        Err(reason) => (None, Some(reason)),
    };

    let mut update = Update {
        template: recorded.template.clone(),
        from: recorded.version.clone(),
        to: new.version.clone(),
        into: into.to_owned(),
        base_unavailable,
        dropped,
        parts_changed: parts_changed(&parts, &new.parts),
        files: Vec::new(),
        answers_file: new
            .files
            .get(Path::new(ANSWERS_FILE))
            .cloned()
            .unwrap_or_default(),
    };
    let label = format!("template {} {}", new.template, new.version);
    for root in [false, true] {
        let (files, base_files, folder) = if root {
            (
                &new.root_files,
                base.as_ref().map(|b| &b.root_files),
                repo_root,
            )
        } else {
            (&new.files, base.as_ref().map(|b| &b.files), dir.as_path())
        };
        let paths: BTreeSet<&PathBuf> = files
            .keys()
            .chain(base_files.into_iter().flat_map(BTreeMap::keys))
            .filter(|p| root || p.as_path() != Path::new(ANSWERS_FILE))
            .collect();
        for path in paths {
            let disk = match std::fs::read(folder.join(path)) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(source) => {
                    return Err(TemplateError::Read {
                        path: folder.join(path),
                        source,
                    });
                }
            };
            let base_text = base_files.and_then(|b| b.get(path));
            if let Some(mut file) =
                merge_file(&slash(path), base_text, files.get(path), disk, &label)
            {
                file.root = root;
                update.files.push(file);
            }
        }
    }
    Ok(update)
}

fn parts_changed(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Vec<(String, String, String)> {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let (a, b) = (old.get(name), new.get(name));
            (a != b).then(|| {
                let v = |v: Option<&String>| v.cloned().unwrap_or_else(|| "-".into());
                (name.clone(), v(a), v(b))
            })
        })
        .collect()
}

/// What to do with one file given its base, its new render and what is on disk.
fn merge_file(
    path: &str,
    base: Option<&String>,
    new: Option<&String>,
    disk: Option<Vec<u8>>,
    label: &str,
) -> Option<FileUpdate> {
    let file = |action, detail: Option<&str>, write| {
        Some(FileUpdate {
            path: path.to_owned(),
            root: false,
            action,
            detail: detail.map(str::to_owned),
            write,
        })
    };
    let disk = match disk {
        None => None,
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                return match new {
                    None if base.is_none() => None,
                    _ => file(
                        Action::Conflict,
                        Some("not UTF-8 text: left as it is"),
                        Write::Nothing,
                    ),
                };
            }
        },
    };
    match (base, new, disk) {
        (_, Some(n), Some(d)) if &d == n => None,
        (Some(b), Some(n), Some(d)) if &d == b => {
            file(Action::Updated, None, Write::Contents(n.clone()))
        }
        (Some(b), Some(n), Some(_)) if b == n => {
            file(Action::Kept, Some("changed locally only"), Write::Nothing)
        }
        (Some(b), Some(n), Some(d)) => match merge(b, &d, n, label) {
            Ok(merged) => file(Action::Merged, None, Write::Contents(merged)),
            Err(marked) => file(
                Action::Conflict,
                Some(
                    "changed locally and by the template on the same lines: conflict markers written",
                ),
                Write::Contents(marked),
            ),
        },
        (None, Some(n), Some(d)) => {
            let marked = merge("", &d, n, label).unwrap_or_else(|m| m);
            file(
                Action::Conflict,
                Some(
                    "the file exists and the template has no earlier version of it: conflict markers written",
                ),
                Write::Contents(marked),
            )
        }
        (None, Some(n), None) => file(Action::Added, None, Write::Contents(n.clone())),
        (Some(b), Some(n), None) => (b != n).then(|| FileUpdate {
            path: path.to_owned(),
            root: false,
            action: Action::Conflict,
            detail: Some("removed locally, changed by the template: not written".into()),
            write: Write::Nothing,
        }),
        (Some(b), None, Some(d)) if &d == b => file(Action::Deleted, None, Write::Remove),
        (Some(_), None, Some(_)) => file(
            Action::Conflict,
            Some("changed locally, removed by the template: left as it is"),
            Write::Nothing,
        ),
        (_, None, None) | (None, None, Some(_)) => None,
    }
}

/// Three-way merge of lines; `Err` holds the text with conflict markers labelled `local` and
/// `label`.
fn merge(base: &str, local: &str, new: &str, label: &str) -> Result<String, String> {
    let mut options = diffy::MergeOptions::new();
    options.set_conflict_style(diffy::ConflictStyle::Merge);
    options.merge(base, local, new).map_err(|marked| {
        let mut out = String::with_capacity(marked.len() + 64);
        for line in marked.split_inclusive('\n') {
            let (text, end) = match line.strip_suffix('\n') {
                Some(text) => (text, "\n"),
                None => (line, ""),
            };
            match text {
                "<<<<<<< ours" => out.push_str("<<<<<<< local"),
                ">>>>>>> theirs" => {
                    out.push_str(">>>>>>> ");
                    out.push_str(label);
                }
                _ => out.push_str(text),
            }
            out.push_str(end);
        }
        out
    })
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Files below `into` that git reports as changed and not committed; empty outside git.
pub fn uncommitted(repo_root: &Path, into: &str) -> Vec<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(repo_root)
        .args(["status", "--porcelain", "--untracked-files=all", "--", into])
        .output();
    match out {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.get(3..))
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(
        base: Option<&str>,
        new: Option<&str>,
        disk: Option<&str>,
    ) -> Option<(Action, Option<String>)> {
        let base = base.map(str::to_owned);
        let new = new.map(str::to_owned);
        merge_file(
            "f",
            base.as_ref(),
            new.as_ref(),
            disk.map(|d| d.as_bytes().to_vec()),
            "template t 2.0.0",
        )
        .map(|f| {
            let text = match f.write {
                Write::Contents(text) => Some(text),
                Write::Nothing | Write::Remove => None,
            };
            (f.action, text)
        })
    }

    #[test]
    fn each_case_of_base_new_and_disk() {
        let (b, n) = ("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(plan(Some(b), Some(n), Some(n)), None, "already as new");
        assert_eq!(
            plan(Some(b), Some(n), Some(b)),
            Some((Action::Updated, Some(n.into())))
        );
        assert_eq!(
            plan(Some(b), Some(b), Some("x\n")),
            Some((Action::Kept, None))
        );
        let merged = plan(Some(b), Some(n), Some("a\nb\nc\nd\n"));
        assert_eq!(merged, Some((Action::Merged, Some("a\nB\nc\nd\n".into()))));
        let (action, text) = plan(Some(b), Some(n), Some("a\nX\nc\n")).unwrap();
        assert_eq!(action, Action::Conflict);
        assert_eq!(
            text.unwrap(),
            "a\n<<<<<<< local\nX\n=======\nB\n>>>>>>> template t 2.0.0\nc\n"
        );
        assert_eq!(
            plan(None, Some(n), None),
            Some((Action::Added, Some(n.into())))
        );
        assert_eq!(
            plan(Some(b), Some(b), None),
            None,
            "removed locally, unchanged"
        );
        assert_eq!(plan(Some(b), Some(n), None), Some((Action::Conflict, None)));
        assert_eq!(plan(Some(b), None, Some(b)), Some((Action::Deleted, None)));
        assert_eq!(
            plan(Some(b), None, Some("x\n")),
            Some((Action::Conflict, None))
        );
        assert_eq!(plan(Some(b), None, None), None);
        let (action, text) = plan(None, Some(n), Some("mine\n")).unwrap();
        assert_eq!(action, Action::Conflict);
        assert!(text.unwrap().contains("<<<<<<< local\nmine\n=======\n"));
    }

    #[test]
    fn binary_files_are_never_merged() {
        let f = merge_file(
            "f",
            Some(&"a\n".to_owned()),
            Some(&"b\n".to_owned()),
            Some(vec![0xff, 0xfe]),
            "t",
        )
        .unwrap();
        assert_eq!((f.action, f.write), (Action::Conflict, Write::Nothing));
    }
}
