//! Adoption: a baseline file of accepted findings, and the findings of a git revision, so
//! that only new findings are reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use strata_diagnostics::Diagnostic;
use strata_workspace::atomic::write_atomic;
use strata_workspace::error::line_col;

use crate::{LoadOptions, Project};

const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline `{}` does not exist", .0.display())]
    Missing(PathBuf),
    #[error("failed to read baseline `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: not a strata baseline: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: u32,
        column: u32,
        message: String,
    },
    #[error("failed to write baseline `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot check revision `{rev}`: {message}")]
    Git { rev: String, message: String },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// One accepted finding. Matching uses the fingerprint only; the other fields make the file
/// readable in review.
#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    module: String,
    file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    fingerprint: String,
}

/// Accepted findings, by fingerprint, with multiplicity: two identical findings need two
/// entries.
#[derive(Debug, Default)]
pub struct Baseline {
    counts: HashMap<String, usize>,
}

impl Baseline {
    pub fn from_findings(findings: &[Diagnostic]) -> Baseline {
        let mut counts = HashMap::new();
        for d in findings {
            *counts.entry(d.fingerprint()).or_insert(0) += 1;
        }
        Baseline { counts }
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                BaselineError::Missing(path.to_owned())
            } else {
                BaselineError::Io {
                    path: path.to_owned(),
                    source,
                }
            }
        })?;
        Baseline::parse(path, &text)
    }

    /// Parse the text of a baseline file. `path` is used in error messages only.
    pub fn parse(path: &Path, text: &str) -> Result<Baseline, BaselineError> {
        let file: BaselineFile =
            serde_json::from_str(text).map_err(|e| BaselineError::Invalid {
                path: path.to_owned(),
                line: u32::try_from(e.line()).unwrap_or(u32::MAX),
                column: u32::try_from(e.column()).unwrap_or(u32::MAX),
                message: e.to_string(),
            })?;
        if file.version != VERSION {
            let (line, column) = line_col(text, text.find("\"version\"").unwrap_or(0));
            return Err(BaselineError::Invalid {
                path: path.to_owned(),
                line,
                column,
                message: format!(
                    "version {} is not supported (this strata writes {VERSION})",
                    file.version
                ),
            });
        }
        let mut counts = HashMap::new();
        for e in file.findings {
            *counts.entry(e.fingerprint).or_insert(0) += 1;
        }
        Ok(Baseline { counts })
    }

    /// Write `findings` as a baseline, atomically; entries sorted so diffs stay small.
    pub fn write(path: &Path, findings: &[Diagnostic]) -> Result<(), BaselineError> {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|d| Entry {
                rule: d.rule.to_owned(),
                module: d.module.clone(),
                file: d.file.clone(),
                target: d.target.clone(),
                fingerprint: d.fingerprint(),
            })
            .collect();
        entries.sort();
        let mut text = serde_json::to_string_pretty(&BaselineFile {
            version: VERSION,
            findings: entries,
        })
        .unwrap_or_default();
        text.push('\n');
        write_atomic(path, text.as_bytes()).map_err(|source| BaselineError::Write {
            path: path.to_owned(),
            source,
        })
    }

    /// Split findings into those not accepted by the baseline and the number hidden.
    pub fn filter(&self, findings: Vec<Diagnostic>) -> (Vec<Diagnostic>, usize) {
        let mut left = self.counts.clone();
        let mut kept = Vec::with_capacity(findings.len());
        let mut hidden = 0;
        for d in findings {
            match left.get_mut(&d.fingerprint()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    hidden += 1;
                }
                _ => kept.push(d),
            }
        }
        (kept, hidden)
    }
}

impl Project {
    /// Run `git args…` in the project's root; its standard output, or an error about `rev`
    /// with git's message.
    pub(crate) fn git(&self, rev: &str, args: &[&str]) -> Result<String, BaselineError> {
        let git_err = |message: String| BaselineError::Git {
            rev: rev.to_owned(),
            message,
        };
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .output()
            .map_err(|e| git_err(format!("cannot run git: {e}")))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(git_err(
                String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            ))
        }
    }

    /// The findings the repository had at git revision `rev`: its tree is exported to a
    /// temporary folder (`git archive`) and checked with the same options.
    pub fn findings_at_revision(
        &self,
        rev: &str,
        options: &LoadOptions,
    ) -> Result<Vec<Diagnostic>, BaselineError> {
        Ok(self.at_revision(rev, options)?.project.check().diagnostics)
    }

    /// The repository as it was at git revision `rev`: its tree exported to a temporary folder
    /// (`git archive`) and loaded with the same options (no scan yet). The folder lives as long
    /// as the returned [`Revision`].
    pub fn at_revision(&self, rev: &str, options: &LoadOptions) -> Result<Revision, BaselineError> {
        let git_err = |message: String| BaselineError::Git {
            rev: rev.to_owned(),
            message,
        };
        let top = self
            .git(rev, &["rev-parse", "--show-toplevel"])?
            .trim()
            .to_owned();
        let prefix = self
            .git(rev, &["rev-parse", "--show-prefix"])?
            .trim()
            .to_owned();
        self.git(
            rev,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )?;
        let tmp = tempfile::tempdir()
            .map_err(|e| git_err(format!("cannot create a temporary folder: {e}")))?;
        let mut archive = Command::new("git")
            .arg("-C")
            .arg(&top)
            .args(["archive", "--format=tar", rev])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| git_err(format!("cannot run git archive: {e}")))?;
        let Some(stdout) = archive.stdout.take() else {
            return Err(git_err("git archive gave no output".into()));
        };
        let status = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(tmp.path())
            .stdin(stdout)
            .status()
            .map_err(|e| git_err(format!("cannot run tar: {e}")))?;
        let archived = archive
            .wait()
            .map_err(|e| git_err(format!("git archive failed: {e}")))?;
        if !status.success() || !archived.success() {
            return Err(git_err("extracting the revision's files failed".into()));
        }
        let base_root = tmp.path().join(prefix.trim_end_matches('/'));
        let config = options.config.as_ref().map(|c| {
            let c = self.root.join(c);
            c.strip_prefix(&self.root)
                .map_or(c.clone(), |rel| base_root.join(rel))
        });
        let base_options = LoadOptions {
            root: Some(base_root),
            config,
            ..options.clone()
        };
        let project = Project::load(&base_options)
            .map_err(|e| git_err(format!("the revision does not load: {e}")))?;
        Ok(Revision { project, _dir: tmp })
    }
}

/// The repository at a git revision ([`Project::at_revision`]), in a temporary folder removed
/// when this is dropped.
pub struct Revision {
    pub project: Project,
    _dir: tempfile::TempDir,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_multiplicity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let a = Diagnostic::new("r", "one").module("m").at("f", 1, 1);
        let b = Diagnostic::new("r", "two").module("m").at("f", 2, 1);
        Baseline::write(&path, std::slice::from_ref(&a)).unwrap();
        let baseline = Baseline::load(&path).unwrap();
        let moved = Diagnostic {
            line: 9,
            ..a.clone()
        };
        let (kept, hidden) = baseline.filter(vec![moved, a.clone(), b.clone()]);
        assert_eq!(hidden, 1);
        assert_eq!(kept, vec![a, b]);
    }

    #[test]
    fn broken_baselines_are_errors_with_positions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, "{\n  \"version\": 1,\n  \"findings\": [1]\n}").unwrap();
        let err = Baseline::load(&path).unwrap_err();
        assert!(
            matches!(err, BaselineError::Invalid { line: 3, .. }),
            "{err}"
        );
        std::fs::write(&path, "{\"version\": 7, \"findings\": []}").unwrap();
        assert!(
            Baseline::load(&path)
                .unwrap_err()
                .to_string()
                .contains("version 7")
        );
        assert!(matches!(
            Baseline::load(&dir.path().join("none.json")),
            Err(BaselineError::Missing(_))
        ));
    }
}
