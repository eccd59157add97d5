//! The registry API's request and response bodies as types, for its OpenAPI document: the
//! engine's JSON documents (DESIGN.md §5, §11) and the server's own envelopes (§9).
//!
//! Each type serializes exactly as the JSON it describes: a field skipped when empty here is
//! skipped by the engine too (and is not `required` in the schema), and an `Option` that is
//! always written is `required` and nullable. Engine documents stay open to new fields.
//!
//! Read back, each type holds a body to its schema, so that a document that parses can be
//! served as it came: an `Option` that is always written is read with `deserialize_with =
//! "Option::deserialize"`, which makes its key required (serde would take a missing key for
//! `null`), and one that is skipped when empty is read with [`present`], which refuses `null`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// Reads a key that is absent when empty (`#[serde(default)]` makes it optional): present, it
/// holds a value, never `null`, as the schema says.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// An RFC 9457 problem: the body of every error response (`application/problem+json`).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Problem {
    /// A URI reference naming the problem type (`about:blank` when the title says it all).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    #[schemars(range(min = 100, max = 599))]
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
}

// ---------------------------------------------------------------------------------------------
// Findings: `strata check --format json`.

/// How serious a finding is: an `error` fails `strata check`, a `warning` is reported only.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding of `strata check`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The rule's id (`internal-import`).
    pub rule: String,
    /// Its severity.
    pub severity: Severity,
    /// The module it belongs to (empty when none does, e.g. a broken `strata.toml`).
    pub module: String,
    /// Repository-relative path with `/` (may be empty).
    pub file: String,
    /// 1-based line; 0 when the finding is about the whole file.
    pub line: u32,
    /// 1-based column; 0 when unknown.
    pub column: u32,
    /// What it points at: a module name, a port, an event, a team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "String")]
    pub target: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it (may be empty).
    pub help: String,
    /// For import findings: the imported file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "String")]
    pub target_file: Option<String>,
    /// For cycle findings: the ordered cycle, first == last (module names or file paths).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Vec<String>")]
    pub cycle: Option<Vec<String>>,
    /// For cycle findings: every member of the strongly connected component, sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Vec<String>")]
    pub members: Option<Vec<String>>,
    /// For transitive `forbidden` findings: the chain of modules or files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Vec<String>")]
    pub chain: Option<Vec<String>>,
}

/// The counts after the findings of `strata check`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct CheckSummary {
    /// Error-level findings.
    pub errors: u64,
    /// Warning-level findings.
    pub warnings: u64,
    /// Modules checked.
    pub modules: u64,
    /// Source files checked.
    pub files: u64,
    /// Wall time of the check.
    pub elapsed_ms: u64,
    /// Findings hidden by a baseline or by `--diff-base` (absent when none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "u64")]
    pub suppressed: Option<u64>,
}

/// `strata check --format json` (DESIGN.md §5).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct CheckDoc {
    /// Every finding, sorted.
    pub findings: Vec<Finding>,
    /// The counts.
    pub summary: CheckSummary,
}

// ---------------------------------------------------------------------------------------------
// Modules: `strata modules --format json`.

/// A `depends_on` entry of a module's declaration.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleDependency {
    /// The module depended on.
    pub name: String,
    /// The version requirement, when one is declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "String")]
    pub version: Option<String>,
}

/// A module as the registry records it: its declaration and what the scan found.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleRecord {
    /// The module's name, unique in the repository.
    pub name: String,
    /// `service`, `library`, `website`, `job`, `cli` or `resource`.
    #[serde(deserialize_with = "Option::deserialize")]
    pub kind: Option<String>,
    /// `rust`, `ts`, `py`, `go` or `java`.
    #[serde(deserialize_with = "Option::deserialize")]
    pub lang: Option<String>,
    /// Its root folder, repository-relative (`.` for the repository root).
    pub root: String,
    /// Its lane.
    #[serde(deserialize_with = "Option::deserialize")]
    pub lane: Option<String>,
    /// Its layer.
    #[serde(deserialize_with = "Option::deserialize")]
    pub layer: Option<String>,
    /// Its tier (1 is the most critical).
    #[serde(deserialize_with = "Option::deserialize")]
    pub tier: Option<u32>,
    /// Its version, from `module.yaml` or its package manifest.
    #[serde(deserialize_with = "Option::deserialize")]
    pub version: Option<String>,
    /// `team:NAME` or `user:NAME`.
    #[serde(deserialize_with = "Option::deserialize")]
    pub owner: Option<String>,
    /// `experimental`, `production` or `deprecated`.
    #[serde(deserialize_with = "Option::deserialize")]
    pub lifecycle: Option<String>,
    /// Source files it owns.
    pub files: u64,
    /// Its declared dependencies.
    pub depends_on: Vec<ModuleDependency>,
    /// Where it is declared: `module.yaml`'s path, or its package manifest's.
    #[serde(deserialize_with = "Option::deserialize")]
    pub declared_in: Option<String>,
    /// Its runtime budgets (`module.yaml` `budgets`): metric name -> ceiling; absent when
    /// there are none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub budgets: BTreeMap<String, f64>,
}

/// A module's health score and band.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleScore {
    /// 0–10.
    pub score: f64,
    /// Its band.
    pub band: Band,
}

/// A module of `strata modules --format json`: its record and, when scored, its health.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct RegistryModule {
    /// The record.
    #[serde(flatten)]
    pub record: ModuleRecord,
    /// Its health score (absent when the module was not scored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "ModuleScore")]
    pub health: Option<ModuleScore>,
}

/// `strata modules --format json`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModulesDoc {
    /// Every module, sorted by name.
    pub modules: Vec<RegistryModule>,
}

// ---------------------------------------------------------------------------------------------
// The graph: `strata graph --format json` (DESIGN.md §5).

/// A module of the graph: its record and the external packages it imports.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct GraphModule {
    /// The record.
    #[serde(flatten)]
    pub record: ModuleRecord,
    /// External packages it imports, sorted.
    pub external: Vec<String>,
}

/// A source file of the graph.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct GraphFile {
    /// Repository-relative path with `/`.
    pub path: String,
    /// The module owning it (null when none does).
    #[serde(deserialize_with = "Option::deserialize")]
    pub module: Option<String>,
    /// Its language.
    pub lang: String,
}

/// An import from one file of the repository to another.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct FileEdge {
    /// The importing file.
    pub from: String,
    /// The imported file.
    pub to: String,
    /// The import's line in `from`.
    pub line: u32,
}

/// Imports from one module into another.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleEdge {
    /// The importing module.
    pub from: String,
    /// The imported module.
    pub to: String,
    /// How many file imports make the edge.
    pub imports: u64,
}

/// `strata graph --format json`: `files` and `edges` only at `--level file`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct GraphDoc {
    /// Always `.`: paths are repository-relative.
    pub root: String,
    /// The modules, sorted by name.
    pub modules: Vec<GraphModule>,
    /// The source files (file level only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Vec<GraphFile>")]
    pub files: Option<Vec<GraphFile>>,
    /// The file imports (file level only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Vec<FileEdge>")]
    pub edges: Option<Vec<FileEdge>>,
    /// The module edges, sorted.
    pub module_edges: Vec<ModuleEdge>,
}

// ---------------------------------------------------------------------------------------------
// Health: `strata health --format json` (DESIGN.md §11).

/// A health band: `green` from 8, `yellow` from 5, `red` below (or when a gate says so).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Red,
    Yellow,
    Green,
}

/// One dimension of a module's health.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct HealthDimension {
    /// `rules`, `maintainability`, `hotspots`, `structure`, `coupling`, `ownership`,
    /// `versions` or `tests`.
    pub id: String,
    /// Its weight in the module's score.
    pub weight: f64,
    /// 0–10, or null when there was no data (no git history, no coverage report).
    #[serde(deserialize_with = "Option::deserialize")]
    pub score: Option<f64>,
    /// What was measured, by input.
    pub raw: Map<String, Value>,
    /// Where the points were lost: `path:line what`.
    pub evidence: Vec<String>,
}

/// The health of one module (DESIGN.md §11).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleHealth {
    /// The module.
    pub module: String,
    /// 0–10: the weighted mean of the dimensions with data.
    pub score: f64,
    /// Its band.
    pub band: Band,
    /// The module's tier, when it declares one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "u32")]
    pub tier: Option<u32>,
    /// Share (0–1) of the total weight whose dimensions had data.
    pub data_coverage: f64,
    /// The gates it fails (`tier-1 line 8.5`).
    pub gates_failed: Vec<String>,
    /// Every dimension.
    pub dimensions: Vec<HealthDimension>,
    /// What would raise the score most, with the gain: `fix … (+1.1)`.
    pub next_steps: Vec<String>,
}

/// The git history health read.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct GitHistorySummary {
    /// The commit at `HEAD`.
    pub head: String,
    /// The window read, in days.
    pub days: u32,
    /// Commits in the window.
    pub commits: u64,
}

/// The counts after the modules of `strata health`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct HealthSummary {
    /// Modules scored.
    pub modules: u64,
    /// Modules in the green band.
    pub green: u64,
    /// Modules in the yellow band.
    pub yellow: u64,
    /// Modules in the red band.
    pub red: u64,
    /// The git history read (null outside a git repository).
    #[serde(deserialize_with = "Option::deserialize")]
    pub history: Option<GitHistorySummary>,
    /// Coverage reports given.
    pub coverage_reports: u64,
}

/// `strata health --format json`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct HealthDoc {
    /// Every module, sorted by name.
    pub modules: Vec<ModuleHealth>,
    /// The counts.
    pub summary: HealthSummary,
}

// ---------------------------------------------------------------------------------------------
// Planning: `strata impact` and `strata waves` (DESIGN.md §5).

/// A module affected by a change.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct AffectedModule {
    /// The module.
    pub module: String,
    /// The shortest dependency path `[module, …, changed module]`.
    pub via: Vec<String>,
    /// Its owner, when it declares one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "String")]
    pub owner: Option<String>,
}

/// A team (or user) to tell, and the changed or affected modules it owns.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct OwnerToNotify {
    /// The team or user.
    pub team: String,
    /// How to reach it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "String")]
    pub contact: Option<String>,
    /// Its modules, sorted.
    pub modules: Vec<String>,
}

/// `strata impact --format json`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ImpactDoc {
    /// The changed files, as given.
    pub changed_files: Vec<String>,
    /// The modules owning them.
    pub changed_modules: Vec<String>,
    /// Every module depending on a changed one, directly or transitively.
    pub affected: Vec<AffectedModule>,
    /// Test files of the changed and affected modules.
    pub tests: Vec<String>,
    /// Who to tell.
    pub owners: Vec<OwnerToNotify>,
}

/// Health endpoints to watch before promoting to the next wave.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct WaveGate {
    /// The module.
    pub module: String,
    /// Its readiness endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "String")]
    pub readiness: Option<String>,
    /// Its liveness endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "String")]
    pub liveness: Option<String>,
}

/// One deployment wave.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Wave {
    /// 1-based.
    pub wave: u64,
    /// Its modules, sorted.
    pub modules: Vec<String>,
    /// Its gates.
    pub gates: Vec<WaveGate>,
}

/// `strata waves --format json`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct WavesDoc {
    /// The waves, in order.
    pub waves: Vec<Wave>,
    /// Modules that depend on each other and go out together.
    pub cycles: Vec<Vec<String>>,
    /// The order to roll back in: the waves reversed.
    pub rollback: Vec<Vec<String>>,
}

/// A team of `strata.toml`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Team {
    /// How to reach it.
    #[serde(deserialize_with = "Option::deserialize")]
    pub contact: Option<String>,
}

/// The teams of `strata.toml`, by name.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct TeamsDoc {
    /// Every team.
    pub teams: BTreeMap<String, Team>,
}

/// Each module's `module.yaml` as written, as JSON.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct DeclarationsDoc {
    /// By module name (modules without a `module.yaml` are absent).
    pub modules: BTreeMap<String, Map<String, Value>>,
}

// ---------------------------------------------------------------------------------------------
// Requests.

/// A module's line of a pushed snapshot.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleRow {
    /// The module.
    pub module: String,
    /// Its health score.
    #[serde(deserialize_with = "Option::deserialize")]
    pub score: Option<f64>,
    /// Its health band.
    #[serde(deserialize_with = "Option::deserialize")]
    pub band: Option<Band>,
    /// Its error-level findings.
    pub errors: u32,
    /// Its warning-level findings.
    pub warnings: u32,
}

/// The documents of a pushed snapshot: strata's JSON outputs, as they are.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct SnapshotDocuments {
    /// `strata modules --format json`.
    pub modules: ModulesDoc,
    /// `strata graph --level module --format json`.
    pub module_graph: GraphDoc,
    /// `strata graph --level file --format json`.
    pub file_graph: GraphDoc,
    /// `strata check --format json`.
    pub findings: CheckDoc,
    /// `strata health --format json`.
    pub health: HealthDoc,
    /// `strata waves --format json` (absent from older clients' pushes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "WavesDoc")]
    pub waves: Option<WavesDoc>,
    /// The teams of `strata.toml` (absent from older clients' pushes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "TeamsDoc")]
    pub teams: Option<TeamsDoc>,
    /// Each module's `module.yaml` as written (absent from older clients' pushes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
    #[schemars(with = "DeclarationsDoc")]
    pub declarations: Option<DeclarationsDoc>,
}

/// The body of a push (`strata push`): one snapshot of a project.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct NewSnapshot {
    /// The commit indexed (not blank); pushing the same commit again replaces its snapshot.
    #[schemars(regex(pattern = r"\S"))]
    pub commit: String,
    /// Its branch, when known.
    #[serde(deserialize_with = "Option::deserialize")]
    pub branch: Option<String>,
    /// Seconds since the epoch.
    pub created_at: i64,
    /// The version of strata that computed the documents.
    pub strata_version: String,
    /// A line per module, each module once.
    pub modules: Vec<ModuleRow>,
    /// The documents.
    pub documents: SnapshotDocuments,
}

/// The body of an impact query.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ImpactRequest {
    /// Repository-relative paths with `/`.
    pub changed_files: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// The server's envelopes.

/// A snapshot as a project's summary names it.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct SnapshotRef {
    /// The snapshot's id (`?snapshot=ID`).
    pub id: i64,
    /// Its commit.
    pub commit: String,
    /// Its branch, when known.
    #[serde(deserialize_with = "Option::deserialize")]
    pub branch: Option<String>,
    /// Seconds since the epoch.
    pub created_at: i64,
}

/// A project and the counts of its latest snapshot (0 when it has none).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ProjectSummary {
    /// The project's name.
    pub name: String,
    /// Its latest snapshot.
    #[serde(deserialize_with = "Option::deserialize")]
    pub latest: Option<SnapshotRef>,
    /// Modules in the latest snapshot.
    pub modules: u32,
    /// Error-level findings in the latest snapshot.
    pub errors: u32,
    /// Warning-level findings in the latest snapshot.
    pub warnings: u32,
}

/// `GET /api/v1/projects`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ProjectList {
    /// The tenant's projects, sorted by name.
    pub projects: Vec<ProjectSummary>,
}

/// A snapshot as listed.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct SnapshotInfo {
    /// The snapshot's id.
    pub id: i64,
    /// Its commit.
    pub commit: String,
    /// Its branch, when known.
    #[serde(deserialize_with = "Option::deserialize")]
    pub branch: Option<String>,
    /// Seconds since the epoch.
    pub created_at: i64,
    /// Its modules.
    pub modules: u32,
    /// Its error-level findings.
    pub errors: u32,
    /// Its warning-level findings.
    pub warnings: u32,
}

/// `GET /api/v1/projects/{project}/snapshots`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct SnapshotList {
    /// The project's snapshots, newest first.
    pub snapshots: Vec<SnapshotInfo>,
}

/// The answer to a push.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct SnapshotCreated {
    /// The new snapshot's id.
    pub id: i64,
}

/// The snapshot a read answered from.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct SnapshotStamp {
    /// The snapshot's id.
    pub id: i64,
    /// Its commit.
    pub commit: String,
    /// Seconds since the epoch.
    pub created_at: i64,
}

/// Finding counts.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct FindingCounts {
    /// Error-level findings.
    pub errors: u64,
    /// Warning-level findings.
    pub warnings: u64,
}

/// A module of the registry's module list.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleEntry {
    /// As `strata modules` lists it.
    #[serde(flatten)]
    pub module: RegistryModule,
    /// Its findings.
    pub findings: FindingCounts,
    /// Its live status (DESIGN.md §10); null until it is polled.
    #[serde(deserialize_with = "Option::deserialize")]
    pub status: Option<Map<String, Value>>,
}

/// `GET /api/v1/projects/{project}/modules`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleList {
    /// The snapshot answered from.
    pub snapshot: SnapshotStamp,
    /// Every module, sorted by name.
    pub modules: Vec<ModuleEntry>,
}

/// `GET /api/v1/projects/{project}/modules/{module}`: everything the registry knows of one module.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleCard {
    /// The snapshot answered from.
    pub snapshot: SnapshotStamp,
    /// The module as the module list has it.
    pub module: ModuleEntry,
    /// Its `module.yaml` as written, as JSON; null for a module declared by a manifest only.
    #[serde(deserialize_with = "Option::deserialize")]
    pub declaration: Option<Map<String, Value>>,
    /// The modules it imports, with how many imports.
    pub dependencies: Vec<ModuleLink>,
    /// The modules importing it, with how many imports.
    pub dependents: Vec<ModuleLink>,
    /// The external packages it imports, sorted.
    pub external: Vec<String>,
    /// Its findings.
    pub findings: Vec<Finding>,
    /// Its health (null when it was not scored).
    #[serde(deserialize_with = "Option::deserialize")]
    pub health: Option<ModuleHealth>,
    /// Its live status (DESIGN.md §10); null until it is polled.
    #[serde(deserialize_with = "Option::deserialize")]
    pub status: Option<Map<String, Value>>,
    /// The `links` of its `module.yaml` (runbooks, dashboards, docs).
    pub links: Vec<Link>,
    /// How to reach its owner: the `contact` of its team in `strata.toml`; null when none.
    #[serde(deserialize_with = "Option::deserialize")]
    pub contact: Option<String>,
}

/// One end of a module dependency, from the module graph.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleLink {
    /// The other module.
    pub module: String,
    /// Imports along the dependency.
    pub imports: u64,
}

/// A link of a `module.yaml`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Link {
    /// What it is.
    pub title: String,
    /// Where it is.
    pub url: String,
}

/// A module in one snapshot of its project's history.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleHistoryEntry {
    /// The snapshot's id.
    pub snapshot: i64,
    /// Its commit.
    pub commit: String,
    /// Seconds since the epoch.
    pub created_at: i64,
    /// The module's health score then.
    #[serde(deserialize_with = "Option::deserialize")]
    pub score: Option<f64>,
    /// Its band then.
    #[serde(deserialize_with = "Option::deserialize")]
    pub band: Option<Band>,
    /// Its error-level findings then.
    pub errors: u32,
    /// Its warning-level findings then.
    pub warnings: u32,
}

/// `GET /api/v1/projects/{project}/modules/{module}/history`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleHistory {
    /// One entry per snapshot holding the module, oldest first.
    pub history: Vec<ModuleHistoryEntry>,
}

/// The counts of a filtered finding list.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct FindingsSummary {
    /// Findings listed.
    pub findings: u64,
    /// Of which at error level.
    pub errors: u64,
    /// Of which at warning level.
    pub warnings: u64,
}

/// `GET /api/v1/projects/{project}/findings`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct FindingList {
    /// The findings that pass the filters.
    pub findings: Vec<Finding>,
    /// Their counts.
    pub summary: FindingsSummary,
}

/// `GET /api/v1/projects/{project}/health`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct HealthList {
    /// Every module's health, sorted by module name.
    pub modules: Vec<ModuleHealth>,
}

/// One request to a health endpoint (DESIGN.md §10).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StatusProbe {
    /// It answered 2xx within the timeout.
    pub ok: bool,
    /// The HTTP status it answered; null when it did not answer (refused, timed out).
    #[serde(deserialize_with = "Option::deserialize")]
    pub code: Option<u16>,
    /// Milliseconds until the answer, or until it failed.
    pub ms: u64,
    /// Why there is no answer (`connection refused`, `timed out`, …); null when it answered.
    #[serde(deserialize_with = "Option::deserialize")]
    pub error: Option<String>,
}

/// Up (its liveness endpoint answers 2xx) or down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LiveState {
    Up,
    Down,
}

/// A polled module's live status.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ModuleStatus {
    /// The module.
    pub name: String,
    /// Its tier (1 is the most critical); null when undeclared.
    #[serde(deserialize_with = "Option::deserialize")]
    pub tier: Option<u32>,
    /// `up` when its liveness endpoint (else, without one, its readiness endpoint) answers 2xx.
    pub state: LiveState,
    /// Its liveness endpoint's answer; null when it declares none.
    #[serde(deserialize_with = "Option::deserialize")]
    pub liveness: Option<StatusProbe>,
    /// Its readiness endpoint's answer; null when it declares none.
    #[serde(deserialize_with = "Option::deserialize")]
    pub readiness: Option<StatusProbe>,
    /// Up since (seconds since the epoch; the first check that saw it up); null when down.
    #[serde(deserialize_with = "Option::deserialize")]
    pub up_since: Option<i64>,
    /// Down since (seconds since the epoch); null when up.
    #[serde(deserialize_with = "Option::deserialize")]
    pub down_since: Option<i64>,
}

/// One check of every polled module: `strata status --format json`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct StatusReport {
    /// The `[environments]` entry polled.
    pub environment: String,
    /// When the check started, seconds since the epoch; null before the first check.
    #[serde(deserialize_with = "Option::deserialize")]
    pub checked_at: Option<i64>,
    /// Every module with `health` endpoints, sorted by name.
    pub modules: Vec<ModuleStatus>,
}

/// A module seen up after down, or down after up (or seen for the first time).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct StatusTransition {
    /// The module.
    pub module: String,
    /// Its tier; null when undeclared.
    #[serde(deserialize_with = "Option::deserialize")]
    pub tier: Option<u32>,
    /// The check that saw it, seconds since the epoch.
    pub at: i64,
    /// Its state from then on.
    pub state: LiveState,
    /// Its state before; null at the first check.
    #[serde(deserialize_with = "Option::deserialize")]
    pub previous: Option<LiveState>,
    /// The answer that decided it (liveness, else readiness).
    #[serde(deserialize_with = "Option::deserialize")]
    pub probe: Option<StatusProbe>,
}

pub use strata_project::{
    BreachForecast, BudgetPoint, BudgetReport, BudgetStatus, BudgetsDoc, BudgetsSummary,
    ModuleBudgets, SampleIn, SamplesBody,
};

/// `POST /api/v1/projects/{project}/metrics`: how many samples were stored (a sample of a
/// module, metric and second already stored is replaced).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct MetricsStored {
    pub stored: u64,
}

/// `GET /api/v1/projects/{project}/status`: the latest check and the transitions before it.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct StatusDoc {
    /// The latest check.
    #[serde(flatten)]
    pub report: StatusReport,
    /// Transitions, newest first (the server keeps the latest 1,000, in memory).
    pub history: Vec<StatusTransition>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Value {
        serde_json::json!({
            "commit": "c0ffee", "branch": null, "created_at": 0, "strata_version": "0",
            "modules": [{"module": "m", "score": null, "band": "red", "errors": 1, "warnings": 0}],
            "documents": {
                "modules": {"modules": []},
                "module_graph": {"root": ".", "modules": [], "module_edges": []},
                "file_graph": {"root": ".", "modules": [], "module_edges": []},
                "findings": {"findings": [], "summary":
                    {"errors": 0, "warnings": 0, "modules": 0, "files": 0, "elapsed_ms": 0}},
                "health": {"modules": [], "summary": {"modules": 0, "green": 0, "yellow": 0,
                    "red": 0, "history": null, "coverage_reports": 0}},
            },
        })
    }

    #[test]
    fn a_snapshot_parses_with_its_nullable_keys_present() {
        assert!(serde_json::from_value::<NewSnapshot>(snapshot()).is_ok());
    }

    #[test]
    fn a_nullable_key_is_required() {
        let mut missing = snapshot();
        missing.as_object_mut().unwrap().remove("branch");
        let e = serde_json::from_value::<NewSnapshot>(missing).unwrap_err();
        assert!(e.to_string().contains("missing field `branch`"), "{e}");
        let mut nested = snapshot();
        nested["documents"]["health"]["summary"]
            .as_object_mut()
            .unwrap()
            .remove("history");
        assert!(serde_json::from_value::<NewSnapshot>(nested).is_err());
    }

    #[test]
    fn a_skipped_key_may_be_missing_but_not_null() {
        let mut file_level = snapshot();
        file_level["documents"]["file_graph"]["files"] = serde_json::json!([]);
        assert!(serde_json::from_value::<NewSnapshot>(file_level).is_ok());
        let mut null = snapshot();
        null["documents"]["waves"] = Value::Null;
        let e = serde_json::from_value::<NewSnapshot>(null).unwrap_err();
        assert!(e.to_string().contains("invalid type: null"), "{e}");
    }

    #[test]
    fn a_document_of_the_wrong_shape_is_refused() {
        let mut wrong = snapshot();
        wrong["documents"]["file_graph"]["root"] = serde_json::json!(7);
        assert!(serde_json::from_value::<NewSnapshot>(wrong).is_err());
    }
}

/// `POST /api/v1/tenants`: a tenant to create (server admin).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTenant {
    /// 1 to 100 letters, digits, `.`, `_` or `-`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$"))]
    pub name: String,
}

/// The answer to `POST /api/v1/tenants`: the tenant's first admin token, shown once.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct TenantCreated {
    pub name: String,
    /// `strata_` and 32 random bytes in base62; only its hash is kept.
    pub token: String,
}

/// A token's role.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TokenRole {
    /// Reads.
    Viewer,
    /// Reads, pushes and impact.
    Editor,
    /// Everything in the tenant: tokens, the audit log, deleting projects.
    Admin,
}

/// `POST /api/v1/tokens`: a token to create (tenant admin).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What it is for, 1 to 100 characters.
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    pub role: TokenRole,
    /// When it stops working, seconds since the epoch (in the future).
    #[serde(default)]
    pub expires_at: Option<i64>,
}

/// A token as listed: never its secret.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct TokenInfo {
    /// `tok_…`, to revoke it by.
    pub id: String,
    pub name: String,
    pub role: TokenRole,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// `GET /api/v1/tokens`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenInfo>,
}

/// The answer to `POST /api/v1/tokens`: the token and its secret, shown once.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct TokenCreated {
    #[serde(flatten)]
    pub info: TokenInfo,
    /// The bearer secret; only its hash is kept.
    pub token: String,
}

/// One event of the audit log.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct AuditEvent {
    pub id: i64,
    /// Position in the tenant's chain, from 1.
    pub seq: i64,
    pub tenant: String,
    /// `token:ID (NAME)`, `server-admin`, `local`.
    pub actor: String,
    /// `snapshot.push`, `project.delete`, `token.create`, `token.revoke`, `tenant.create`,
    /// `tenant.delete`, `audit.read`, `access.denied`, `auth.failed`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub details: Value,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: i64,
    /// `sha256(previous hash ‖ canonical event)`, hex.
    pub hash: String,
}

/// `GET /api/v1/audit`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct AuditLog {
    /// Oldest first.
    pub events: Vec<AuditEvent>,
}

/// A snapshot in a tenant's export: as listed, with every stored document.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ExportedSnapshot {
    #[serde(flatten)]
    pub info: SnapshotInfo,
    /// By kind (`modules`, `module_graph`, `file_graph`, `findings`, `health`, `waves`,
    /// `teams`, `declarations`), as stored.
    pub documents: Map<String, Value>,
}

/// A project in a tenant's export.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ExportedProject {
    pub name: String,
    /// Newest first.
    pub snapshots: Vec<ExportedSnapshot>,
}

/// `GET /api/v1/tenant/export`: everything the tenant owns.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct TenantExport {
    pub tenant: String,
    /// Seconds since the epoch.
    pub exported_at: i64,
    pub projects: Vec<ExportedProject>,
    /// Never their secrets.
    pub tokens: Vec<TokenInfo>,
    /// The whole audit chain, oldest first.
    pub audit: Vec<AuditEvent>,
}

/// One actor's share of a compliance period.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ActorSummary {
    pub actor: String,
    pub events: u64,
    /// Mutations: pushes, deletions, tokens and tenants made or revoked.
    pub changes: u64,
    /// Reads of the audit log, the export and this report.
    pub reads: u64,
    /// Requests refused for a role too small or another tenant's resource.
    pub denied: u64,
    pub failed_authentications: u64,
    pub first_seen: i64,
    pub last_seen: i64,
}

/// `GET /api/v1/compliance`: who did what in a period, from the audit log.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ComplianceReport {
    pub tenant: String,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub generated_at: i64,
    pub actors: Vec<ActorSummary>,
    pub changes: Vec<AuditEvent>,
    pub reads: Vec<AuditEvent>,
    pub denied: Vec<AuditEvent>,
    pub failed_authentications: Vec<AuditEvent>,
    /// Tokens created and revoked.
    pub token_lifecycle: Vec<AuditEvent>,
}
