//! Registry persistence: each tenant's projects and their snapshots (one per pushed or indexed
//! commit: the registry documents strata computed for it), behind one [`Store`] trait.
//!
//! Every query is scoped by tenant: a project of another tenant is exactly as absent as one
//! that does not exist. A snapshot is written in one transaction; writing the same commit of a
//! project again replaces it; retention keeps the newest `keep` snapshots per project.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod postgres;
mod sqlite;

use serde::{Deserialize, Serialize};

pub use postgres::{PostgresStore, SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION};
pub use sqlite::{SCHEMA_VERSION as SQLITE_SCHEMA_VERSION, SqliteStore};

/// The documents of a snapshot, by the kind they are stored under.
pub const DOCUMENT_KINDS: [&str; 8] = [
    "modules",
    "module_graph",
    "file_graph",
    "findings",
    "health",
    "waves",
    "teams",
    "declarations",
];

/// A JSON document kept as its text: a push is stored without building a tree of it.
pub type Json = Box<serde_json::value::RawValue>;

/// `null`, the document a snapshot lacks.
fn null() -> Json {
    serde_json::value::RawValue::NULL.to_owned()
}

/// A document from a JSON value.
pub fn json(value: &serde_json::Value) -> Json {
    serde_json::value::to_raw_value(value).unwrap_or_else(|_| null())
}

fn document<'a>(d: &'a Documents, kind: &str) -> &'a str {
    match kind {
        "modules" => d.modules.get(),
        "module_graph" => d.module_graph.get(),
        "file_graph" => d.file_graph.get(),
        "findings" => d.findings.get(),
        "health" => d.health.get(),
        "waves" => d.waves.get(),
        "teams" => d.teams.get(),
        _ => d.declarations.get(),
    }
}

/// The documents of snapshot `snapshot` from its stored `(kind, JSON text)` rows.
fn decode_documents(
    snapshot: i64,
    rows: impl IntoIterator<Item = (String, String)>,
) -> Result<Documents, StoreError> {
    let mut d = Documents::default();
    for (kind, body) in rows {
        let value = serde_json::value::RawValue::from_string(body)
            .map_err(|source| StoreError::Corrupt { snapshot, source })?;
        match kind.as_str() {
            "modules" => d.modules = value,
            "module_graph" => d.module_graph = value,
            "file_graph" => d.file_graph = value,
            "findings" => d.findings = value,
            "health" => d.health = value,
            "waves" => d.waves = value,
            "teams" => d.teams = value,
            "declarations" => d.declarations = value,
            _ => {}
        }
    }
    Ok(d)
}

/// The SHA-256 of `text`, in hex: the key of a stored document (documents are stored once per
/// content, so snapshots that share one, the file graph when only findings moved, share its
/// row), of a token's secret, and of the audit chain.
pub fn sha256_hex(text: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    hex
}

/// The columns of `snapshots` a [`SnapshotInfo`] is read from, in its fields' order.
const INFO_COLUMNS: &str =
    "id, commit_id, branch, created_at, strata_version, modules, errors, warnings";

/// The columns of `tokens` a [`TokenRecord`] is read from, in its fields' order.
const TOKEN_COLUMNS: &str =
    "id, tenant, name, role, hash, created_at, expires_at, last_used_at, revoked_at";

/// The columns of `audit_events` an [`Event`] is read from.
const EVENT_COLUMNS: &str = "id, seq, tenant, actor, action, resource_type, resource_id, \
     details, ip, user_agent, created_at, hash";

/// Error and warning totals: the findings document's summary when it has one, else the sum
/// over the modules.
fn totals(s: &NewSnapshot) -> (u32, u32) {
    #[derive(Deserialize)]
    struct Findings {
        summary: Summary,
    }
    #[derive(Deserialize)]
    struct Summary {
        errors: u32,
        warnings: u32,
    }
    // Only the summary is read; the findings are skipped, not built.
    match serde_json::from_str::<Findings>(s.documents.findings.get()) {
        Ok(f) => (f.summary.errors, f.summary.warnings),
        Err(_) => s
            .modules
            .iter()
            .fold((0, 0), |(e, w), m| (e + m.errors, w + m.warnings)),
    }
}

/// The registry documents of one snapshot, as strata's JSON (their shapes are DESIGN.md §5
/// and §11; the store keeps them as they are, as text).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Documents {
    /// `strata modules --format json`.
    pub modules: Json,
    /// `strata graph --level module --format json`.
    pub module_graph: Json,
    /// `strata graph --level file --format json`.
    pub file_graph: Json,
    /// `strata check --format json`.
    pub findings: Json,
    /// `strata health --format json`.
    pub health: Json,
    /// `strata waves --format json`.
    #[serde(default = "null")]
    pub waves: Json,
    /// `{"teams": {NAME: {"contact": …}}}`: who to tell, from `[teams]` in strata.toml.
    #[serde(default = "null")]
    pub teams: Json,
    /// `{"modules": {NAME: …}}`: each `module.yaml` as written, as JSON.
    #[serde(default = "null")]
    pub declarations: Json,
}

impl Default for Documents {
    fn default() -> Documents {
        Documents {
            modules: null(),
            module_graph: null(),
            file_graph: null(),
            findings: null(),
            health: null(),
            waves: null(),
            teams: null(),
            declarations: null(),
        }
    }
}

/// Equal when every document has the same JSON text.
impl PartialEq for Documents {
    fn eq(&self, other: &Documents) -> bool {
        DOCUMENT_KINDS
            .iter()
            .all(|k| document(self, k) == document(other, k))
    }
}

/// One module's line of a snapshot, kept apart so a module's history is one query.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModuleRow {
    pub module: String,
    pub score: Option<f64>,
    pub band: Option<String>,
    pub errors: u32,
    pub warnings: u32,
}

/// What a push or an index writes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewSnapshot {
    pub commit: String,
    pub branch: Option<String>,
    /// Seconds since the epoch.
    pub created_at: i64,
    pub strata_version: String,
    pub modules: Vec<ModuleRow>,
    pub documents: Documents,
}

/// A snapshot as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    pub id: i64,
    pub commit: String,
    pub branch: Option<String>,
    pub created_at: i64,
    pub strata_version: String,
    pub modules: u32,
    pub errors: u32,
    pub warnings: u32,
}

/// A snapshot with its documents.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub info: SnapshotInfo,
    pub documents: Documents,
}

/// A project and its latest snapshot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectSummary {
    pub name: String,
    pub latest: Option<SnapshotInfo>,
}

/// A module in one snapshot of its project's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModuleHistoryRow {
    pub snapshot: i64,
    pub commit: String,
    pub created_at: i64,
    pub score: Option<f64>,
    pub band: Option<String>,
    pub errors: u32,
    pub warnings: u32,
}

/// One observation of a module's runtime metric (`strata metrics push` and `pull`). A
/// project keeps one value per module, metric and second: writing the same key again
/// replaces the value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricSample {
    pub module: String,
    /// The budget's name in `module.yaml` (`p99_ms`, `error_rate`, …).
    pub metric: String,
    /// Seconds since the epoch.
    pub at: i64,
    pub value: f64,
}

/// Which samples to read: a project's, of one module or all, at times in `from..=to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricQuery<'a> {
    pub module: Option<&'a str>,
    /// Seconds since the epoch, both ends included.
    pub from: i64,
    pub to: i64,
}

/// What a token may do. Each role may do everything the one before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads.
    Viewer,
    /// Reads, pushes and impact.
    Editor,
    /// Everything in the tenant: tokens, the audit log, deleting projects.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A tenant's token as stored: its SHA-256, never the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// Public id (`tok_…`), for listing and revoking.
    pub id: String,
    pub tenant: String,
    pub name: String,
    pub role: Role,
    /// SHA-256 of the secret, hex.
    pub hash: String,
    /// Seconds since the epoch.
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// An audit event before it is chained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    /// The tenant whose chain it joins; `""` for the server's own (tenants created, denied
    /// requests without a tenant).
    pub tenant: String,
    /// Who: `token:ID (NAME)`, `oidc:SUBJECT`, `server-admin`, `anonymous`, `local`.
    pub actor: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Seconds since the epoch.
    pub created_at: i64,
}

/// An audit event as stored: its place in its tenant's chain and its hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    /// Position in the tenant's chain, from 1.
    pub seq: i64,
    #[serde(flatten)]
    pub event: NewEvent,
    /// `sha256(previous hash ‖ canonical event)`, hex; the first event's previous hash is
    /// empty.
    pub hash: String,
}

/// Which events to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub actor: Option<String>,
    pub action: Option<String>,
}

/// The canonical text of an event for its hash: a JSON array of its fields in a fixed order
/// (`details` with its keys sorted, as `serde_json` writes objects).
fn canonical(seq: i64, e: &NewEvent) -> String {
    serde_json::json!([
        e.tenant,
        seq,
        e.actor,
        e.action,
        e.resource_type,
        e.resource_id,
        e.details,
        e.ip,
        e.user_agent,
        e.created_at
    ])
    .to_string()
}

/// The hash of the event at `seq` of a chain after `previous` (the hash before it, `""` for
/// the first).
pub fn event_hash(previous: &str, seq: i64, e: &NewEvent) -> String {
    let mut text = String::from(previous);
    text.push_str(&canonical(seq, e));
    sha256_hex(&text)
}

/// The first place a stored audit log breaks its chains.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the audit chain of tenant `{tenant}` breaks at event {id} (position {seq}): {reason}")]
pub struct ChainBreak {
    pub tenant: String,
    pub id: i64,
    pub seq: i64,
    pub reason: String,
}

/// Check every tenant's chain in `events` (each tenant's events in chain order): positions
/// follow one another from 1 (an event deleted or moved breaks this), and every hash is the
/// hash of its event after the one before (an event edited breaks this, and every later
/// one). Returns the number of events checked.
pub fn verify_chain(events: &[Event]) -> Result<usize, ChainBreak> {
    let mut last: std::collections::HashMap<&str, (i64, &str)> = std::collections::HashMap::new();
    for e in events {
        let (seq, previous) = last
            .get(e.event.tenant.as_str())
            .copied()
            .unwrap_or((0, ""));
        let broken = |reason: String| ChainBreak {
            tenant: e.event.tenant.clone(),
            id: e.id,
            seq: e.seq,
            reason,
        };
        if e.seq != seq + 1 {
            return Err(broken(format!(
                "expected position {}, found {} (an event was deleted or reordered)",
                seq + 1,
                e.seq
            )));
        }
        if event_hash(previous, e.seq, &e.event) != e.hash {
            return Err(broken(
                "its hash does not match its contents and the event before it (it or an earlier event was edited)".into(),
            ));
        }
        last.insert(&e.event.tenant, (e.seq, &e.hash));
    }
    Ok(events.len())
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("failed to open the registry database `{path}`")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "the registry database has schema version {found}, newer than this strata knows ({known}): upgrade strata"
    )]
    TooNew { found: i64, known: i64 },
    #[error("registry database error while trying to {doing}")]
    Sqlite {
        doing: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("failed to connect to the registry database `{url}`")]
    Connect {
        /// The URL without its password.
        url: String,
        #[source]
        source: ::postgres::Error,
    },
    #[error("registry database error while trying to {doing}")]
    Postgres {
        doing: &'static str,
        #[source]
        source: ::postgres::Error,
    },
    #[error("a stored document of snapshot {snapshot} is not valid JSON")]
    Corrupt {
        snapshot: i64,
        #[source]
        source: serde_json::Error,
    },
}

/// Where registry data lives. Every method takes the tenant first; nothing crosses tenants.
pub trait Store: Send + Sync {
    /// Write a snapshot of `project` (created on first use) in one transaction, replacing a
    /// snapshot of the same commit (the new one has a new id); then keep only the newest `keep` snapshots of the project.
    /// Returns the snapshot's id.
    fn put_snapshot(
        &self,
        tenant: &str,
        project: &str,
        snapshot: &NewSnapshot,
        keep: usize,
    ) -> Result<i64, StoreError>;

    /// The tenant's projects, by name, each with its latest snapshot.
    fn projects(&self, tenant: &str) -> Result<Vec<ProjectSummary>, StoreError>;

    /// A project's snapshots, newest first; `None` when the tenant has no such project.
    fn snapshots(
        &self,
        tenant: &str,
        project: &str,
    ) -> Result<Option<Vec<SnapshotInfo>>, StoreError>;

    /// One snapshot as listed: `id`, or the latest when `None`. `None` when the tenant has no
    /// such project or the project no such snapshot. A snapshot's contents never change under
    /// its id (writing a commit again makes a new snapshot), so documents may be cached by id.
    fn snapshot_info(
        &self,
        tenant: &str,
        project: &str,
        id: Option<i64>,
    ) -> Result<Option<SnapshotInfo>, StoreError>;

    /// The JSON text of one document (`kind` is one of [`DOCUMENT_KINDS`]) of a snapshot of
    /// the tenant; `None` when the tenant has no such snapshot or it has no such document.
    fn document(
        &self,
        tenant: &str,
        snapshot: i64,
        kind: &str,
    ) -> Result<Option<String>, StoreError>;

    /// One snapshot with all its documents (see [`Store::snapshot_info`]).
    fn snapshot(
        &self,
        tenant: &str,
        project: &str,
        id: Option<i64>,
    ) -> Result<Option<Snapshot>, StoreError> {
        let Some(info) = self.snapshot_info(tenant, project, id)? else {
            return Ok(None);
        };
        let mut rows = Vec::new();
        for kind in DOCUMENT_KINDS {
            if let Some(body) = self.document(tenant, info.id, kind)? {
                rows.push((kind.to_owned(), body));
            }
        }
        let documents = decode_documents(info.id, rows)?;
        Ok(Some(Snapshot { info, documents }))
    }

    /// A module through the project's snapshots, oldest first (`None`: no such project).
    fn module_history(
        &self,
        tenant: &str,
        project: &str,
        module: &str,
    ) -> Result<Option<Vec<ModuleHistoryRow>>, StoreError>;

    /// Write metric samples of `project` (created on first use) in one transaction; a sample
    /// of a module, metric and time already stored replaces it. Returns how many were written.
    fn put_metrics(
        &self,
        tenant: &str,
        project: &str,
        samples: &[MetricSample],
    ) -> Result<usize, StoreError>;

    /// A project's samples matching `query`, by module, metric and time; empty when the tenant
    /// has no such project.
    fn metrics(
        &self,
        tenant: &str,
        project: &str,
        query: &MetricQuery<'_>,
    ) -> Result<Vec<MetricSample>, StoreError>;

    /// Delete a project and all its snapshots; false when the tenant has no such project.
    fn delete_project(&self, tenant: &str, project: &str) -> Result<bool, StoreError>;

    /// Whether any tenant other than `tenant` has a project of that name (to tell a denied
    /// request from a missing resource in the audit log; never shown to the caller).
    fn project_elsewhere(&self, tenant: &str, project: &str) -> Result<bool, StoreError>;

    /// Create a tenant; false when it exists.
    fn create_tenant(&self, tenant: &str, created_at: i64) -> Result<bool, StoreError>;

    /// Whether the tenant exists.
    fn tenant_exists(&self, tenant: &str) -> Result<bool, StoreError>;

    /// Every tenant created, sorted by name.
    fn tenants(&self) -> Result<Vec<String>, StoreError>;

    /// Erase every row of a tenant: its projects and snapshots, tokens and audit events, and
    /// the tenant itself (right to erasure); false when there was nothing of it (no tenant
    /// row and no data).
    fn delete_tenant(&self, tenant: &str) -> Result<bool, StoreError>;

    /// Store a new token (its id and hash unique).
    fn put_token(&self, token: &TokenRecord) -> Result<(), StoreError>;

    /// The token with this hash, of any tenant, revoked and expired ones included (the caller
    /// decides); `None` when there is none.
    fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError>;

    /// The tenant's tokens, oldest first.
    fn tokens(&self, tenant: &str) -> Result<Vec<TokenRecord>, StoreError>;

    /// Revoke a token of the tenant at `at`; false when the tenant has no such token or it was
    /// revoked already.
    fn revoke_token(&self, tenant: &str, id: &str, at: i64) -> Result<bool, StoreError>;

    /// Record that a token was used at `at`.
    fn touch_token(&self, id: &str, at: i64) -> Result<(), StoreError>;

    /// Append an event to its tenant's chain (position and hash computed here, in one
    /// transaction that no other append to the same chain interleaves). Returns its id.
    fn append_event(&self, event: &NewEvent) -> Result<i64, StoreError>;

    /// The tenant's events matching `filter`, oldest first.
    fn events(&self, tenant: &str, filter: &EventFilter) -> Result<Vec<Event>, StoreError>;

    /// Every event of every tenant, each tenant's in chain order (for [`verify_chain`]).
    fn all_events(&self) -> Result<Vec<Event>, StoreError>;
}
