//! What the module registry keeps of a repository at one commit: the documents the CLI prints
//! (`modules`, `graph`, `check`, `health`, `waves`, each exactly as its `--format json`), the
//! teams' contacts, and one line per module for its history.

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::{Value, json};
use strata_diagnostics::{Severity, Summary, render_json};

use crate::health::{HealthDoc, HealthInputs};
use crate::{History, HistoryError, Index, Level, ModuleRecord, Project};

/// One module's line of a registry snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct RegistryModule {
    pub module: String,
    pub score: Option<f64>,
    pub band: Option<&'static str>,
    pub errors: u32,
    pub warnings: u32,
}

/// A JSON document as its text.
pub type Json = Box<RawValue>;

/// `value` as JSON text (`null` if it cannot be written, which strata's own types never are).
fn raw(value: &impl serde::Serialize) -> Json {
    serde_json::value::to_raw_value(value).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

/// The registry's documents of a repository (DESIGN.md §9), as JSON text: they are stored
/// and served as they are.
#[derive(Clone, Debug)]
pub struct RegistryDocuments {
    /// `strata modules --format json`.
    pub modules: Json,
    /// `strata graph --format json`.
    pub module_graph: Json,
    /// `strata graph --level file --format json`.
    pub file_graph: Json,
    /// `strata check --format json`.
    pub findings: Json,
    /// `strata health --format json`.
    pub health: Json,
    /// `strata waves --format json`.
    pub waves: Json,
    /// `{"teams": {NAME: {"contact": …}}}` from `[teams]`.
    pub teams: Json,
    /// `{"modules": {NAME: …}}`: each `module.yaml` as written, as JSON.
    pub declarations: Json,
    pub rows: Vec<RegistryModule>,
}

/// Where the working tree is: the commit checked out, its branch, its committer time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub commit: String,
    /// `None` on a detached HEAD.
    pub branch: Option<String>,
    /// Seconds since the epoch.
    pub time: i64,
}

/// `strata modules --format json`: each module's record, with its health score and band as
/// the registry's module list has them.
pub fn modules_doc(records: &[ModuleRecord], health: &HealthDoc) -> Value {
    let scores: HashMap<&str, (f64, &str)> = health
        .modules
        .iter()
        .map(|h| (h.module.as_str(), (h.score, h.band.as_str())))
        .collect();
    let modules: Vec<Value> = records
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            if let (Some(obj), Some((score, band))) =
                (v.as_object_mut(), scores.get(r.name.as_str()))
            {
                obj.insert("health".into(), json!({ "score": score, "band": band }));
            }
            v
        })
        .collect();
    json!({ "modules": modules })
}

impl Project {
    /// The registry's documents of the repository as it is on disk, with the git `history`
    /// for health (`None`: none).
    pub fn registry_documents(
        &self,
        index: &Index,
        history: Option<&History>,
    ) -> RegistryDocuments {
        let mut report = self.check_with(index);
        let counted = Summary::count(
            &report.diagnostics,
            report.summary.modules,
            report.summary.files,
        );
        report.summary.errors = counted.errors;
        report.summary.warnings = counted.warnings;
        let findings = RawValue::from_string(render_json(&report.diagnostics, &report.summary))
            .unwrap_or_else(|_| RawValue::NULL.to_owned());

        let inputs = HealthInputs {
            findings: &report.diagnostics,
            history,
            coverage: Vec::new(),
            coverage_reports: 0,
        };
        // Health (the heaviest) alongside the graph, waves and declarations.
        let (health, (module_graph, file_graph, waves, declarations)) = rayon::join(
            || self.health(index, &inputs, None),
            || {
                let graph = |level| {
                    self.graph_doc(index, level, None)
                        .map_or_else(|_| RawValue::NULL.to_owned(), |d| raw(&d))
                };
                (
                    graph(Level::Module),
                    graph(Level::File),
                    raw(&self.waves(index, None)),
                    self.declarations(),
                )
            },
        );
        let mut counts: HashMap<&str, (u32, u32)> = HashMap::new();
        for d in &report.diagnostics {
            let c = counts.entry(d.module.as_str()).or_default();
            match d.severity {
                Severity::Error => c.0 += 1,
                Severity::Warning => c.1 += 1,
            }
        }
        // The first module of a name, as the health document has them.
        let mut health_of: HashMap<&str, &crate::health::ModuleHealth> = HashMap::new();
        for h in &health.modules {
            health_of.entry(h.module.as_str()).or_insert(h);
        }
        let rows = self
            .modules
            .iter()
            .map(|m| {
                let h = health_of.get(m.name());
                let (errors, warnings) = counts.get(m.name()).copied().unwrap_or_default();
                RegistryModule {
                    module: m.name().to_owned(),
                    score: h.map(|h| h.score),
                    band: h.map(|h| h.band.as_str()),
                    errors,
                    warnings,
                }
            })
            .collect();
        let teams: serde_json::Map<String, Value> = self
            .config
            .config
            .teams
            .iter()
            .map(|(name, t)| (name.clone(), json!({ "contact": t.contact })))
            .collect();
        RegistryDocuments {
            declarations,
            modules: raw(&modules_doc(&self.records(), &health)),
            module_graph,
            file_graph,
            findings,
            health: raw(&health),
            waves,
            teams: raw(&json!({ "teams": teams })),
            rows,
        }
    }

    /// `{"modules": {NAME: …}}`: each `module.yaml` as written, as JSON.
    fn declarations(&self) -> Json {
        let declarations: serde_json::Map<String, Value> = self
            .modules
            .iter()
            .filter_map(|m| {
                let path = m.declared.schema_path.as_ref()?;
                let text = std::fs::read_to_string(self.root.join(path)).ok()?;
                let value: Value = serde_saphyr::from_str(&text).ok()?;
                Some((m.name().to_owned(), value))
            })
            .collect();
        raw(&json!({ "modules": declarations }))
    }

    /// The commit checked out, its branch and time; `None` outside a git repository or before
    /// the first commit.
    pub fn head(&self) -> Result<Option<Head>, HistoryError> {
        crate::history::head(&self.root)
    }
}

impl Project {
    /// The project's name in the registry: `[project] name`, else the repository folder's.
    pub fn registry_name(&self) -> String {
        self.config
            .config
            .project
            .name
            .clone()
            .or_else(|| {
                std::fs::canonicalize(&self.root)
                    .ok()?
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "project".to_owned())
    }
}
