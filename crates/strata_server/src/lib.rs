//! The registry's HTTP API (DESIGN.md §9) over a [`Store`]: JSON under `/api/v1`, errors as
//! RFC 9457 `application/problem+json`, `/healthz` and `/readyz`, graceful shutdown.
//!
//! Every request is served for one tenant: its bearer token's, or [`DEFAULT_TENANT`] when
//! authentication is off (see [`auth`]). Mutations and denied requests are audited. Store
//! calls block, so they run on tokio's blocking pool.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod api_types;
pub mod openapi;

mod admin;
mod auth;
mod budgets;
mod dashboard;
mod local;
mod mcp;
mod metrics;
mod oidc;
mod problem;
mod push;
mod runtime;
mod status;
mod views;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::io::Read as _;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use strata_project::ImpactGraph;
use strata_store::{NewSnapshot, Role, SnapshotInfo, Store, StoreError};

pub use auth::{AuthSettings, TOKEN_PREFIX, secret_hash};
use auth::{Caller, record, require};
pub use budgets::metric_rows;
pub use local::{IndexError, Indexed, Indexer, WORKING_TREE};
pub use mcp::McpSettings;
pub use oidc::{Identity, Oidc};
pub use problem::Problem;
pub use push::{PushError, PushTarget, Pushed, new_snapshot, push, valid_project_name};
pub use runtime::{PrometheusError, RangeQuery, RegistryCallError, RegistryTarget, query_range};
pub use status::{
    Alert, Live, LiveState, ModuleStatus, Monitor, StatusDoc, StatusProbe, StatusReport,
    StatusTransition, Target, targets,
};
pub use strata_workspace::watch;
use views::{View, Views};

/// The tenant of every request when authentication is off.
pub const DEFAULT_TENANT: &str = "default";

/// Snapshot views kept in memory (each holds one snapshot's modules, cards and findings), and
/// the bytes they may take together: on a 50,000-file repository a view is tens of MiB.
const CACHED_VIEWS: usize = 8;
const VIEWS_BUDGET: usize = 96 << 20;

/// How the server behaves.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Snapshots kept per project (0: all).
    pub keep: usize,
    /// Largest request body accepted, in bytes (after decompression, too).
    pub max_body: usize,
    /// The longest a request may take, body upload included (a slow client is cut off).
    pub timeout: std::time::Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            keep: 100,
            max_body: 64 << 20,
            timeout: std::time::Duration::from_secs(60),
        }
    }
}

/// A registry: its store, how it serves, and the read views of its snapshots. Writes that
/// do not come over HTTP (local mode's re-index) go through it, so that the view of the new
/// snapshot is ready before the first read asks for it.
pub struct Registry {
    store: Arc<dyn Store>,
    settings: Settings,
    views: Arc<Views>,
    auth: Arc<AuthSettings>,
    /// `/mcp`, when the registry serves a repository (local mode).
    mcp: Option<McpSettings>,
    metrics: Arc<metrics::Metrics>,
    /// `GET …/status`: the live status of local mode's modules, or why there is none.
    status: Arc<Live>,
}

impl Registry {
    pub fn new(store: Arc<dyn Store>, settings: Settings, auth: AuthSettings) -> Registry {
        Registry {
            store,
            settings,
            views: Arc::new(Views::new(CACHED_VIEWS, VIEWS_BUDGET)),
            auth: Arc::new(auth),
            mcp: None,
            metrics: Arc::default(),
            status: Arc::default(),
        }
    }

    /// Answer `GET …/status` from `live`.
    #[must_use]
    pub fn with_status(mut self, live: Live) -> Registry {
        self.status = Arc::new(live);
        self
    }

    /// Serve the MCP server at `/mcp` too.
    #[must_use]
    pub fn with_mcp(mut self, mcp: McpSettings) -> Registry {
        self.mcp = Some(mcp);
        self
    }

    /// Write a snapshot of `project` for `tenant` (as a push does) and build its read view.
    pub fn put_snapshot(
        &self,
        tenant: &str,
        project: &str,
        snapshot: &NewSnapshot,
    ) -> Result<i64, Problem> {
        let id =
            store_call(
                self.store
                    .put_snapshot(tenant, project, snapshot, self.settings.keep),
            )?;
        let info = snapshot_info(self.store.as_ref(), tenant, project, Some(id))?;
        self.views
            .get(id, || View::build(self.store.as_ref(), tenant, info))?;
        Ok(id)
    }
}

#[derive(Clone)]
pub(crate) struct AppState {
    store: Arc<dyn Store>,
    settings: Settings,
    views: Arc<Views>,
    auth: Arc<AuthSettings>,
    limiter: Arc<auth::Limiter>,
    metrics: Arc<metrics::Metrics>,
    status: Arc<Live>,
}

pub(crate) type Answer = Result<Response, Problem>;

/// Run a store call on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&dyn Store) -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    let store = Arc::clone(&state.store);
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|e| Problem::internal(e.to_string()))?
}

pub(crate) fn store_call<T>(r: Result<T, StoreError>) -> Result<T, Problem> {
    r.map_err(Problem::from)
}

/// A JSON answer from bytes already serialized.
fn json_bytes(status: StatusCode, body: impl Into<Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.into(),
    )
        .into_response()
}

pub(crate) fn json_value(status: StatusCode, v: &Value) -> Response {
    json_bytes(status, serde_json::to_vec(v).unwrap_or_default())
}

pub(crate) fn info_json(i: &SnapshotInfo) -> Value {
    json!({
        "id": i.id,
        "commit": i.commit,
        "branch": i.branch,
        "created_at": i.created_at,
        "modules": i.modules,
        "errors": i.errors,
        "warnings": i.warnings,
    })
}

/// Path parameters, with a problem (not axum's plain-text rejection) when a segment does not
/// decode.
pub(crate) struct PathOf<T>(pub(crate) T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for PathOf<T>
{
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Problem> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(t)) => Ok(PathOf(t)),
            Err(e) => Err(Problem::bad_request(e.body_text())),
        }
    }
}

/// The query parameters of a request, each once.
type Params = Query<HashMap<String, String>>;

/// `?snapshot=ID`, checked.
fn snapshot_param(q: &HashMap<String, String>) -> Result<Option<i64>, Problem> {
    int_param(q, "snapshot", "a snapshot id (an integer)")
}

/// An optional integer query parameter: `key` is `what`, or a 400 that says so.
pub(crate) fn int_param(
    q: &HashMap<String, String>,
    key: &str,
    what: &str,
) -> Result<Option<i64>, Problem> {
    q.get(key)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| Problem::bad_request(format!("`{key}` is {what}, not `{v}`")))
        })
        .transpose()
}

/// The snapshot a read asks for (`?snapshot=ID`, else the latest), or a 404 that says which
/// of the two is missing.
fn snapshot_info(
    store: &dyn Store,
    tenant: &str,
    project: &str,
    id: Option<i64>,
) -> Result<SnapshotInfo, Problem> {
    store_call(store.snapshot_info(tenant, project, id))?.ok_or_else(|| {
        Problem::not_found(match id {
            Some(id) => format!("project `{project}` has no snapshot {id}"),
            None => format!("no project `{project}` (or it has no snapshot yet)"),
        })
    })
}

/// The view of the snapshot a read asks for.
async fn view(
    state: &AppState,
    caller: &Caller,
    project: &str,
    q: &HashMap<String, String>,
) -> Result<Arc<View>, Problem> {
    let tenant = require(state, caller, Role::Viewer, ("project", project)).await?;
    let id = snapshot_param(q)?;
    let views = Arc::clone(&state.views);
    let (t, p) = (tenant.clone(), project.to_owned());
    let found = blocking(state, move |store| {
        let info = snapshot_info(store, &t, &p, id)?;
        views.get(info.id, || View::build(store, &t, info))
    })
    .await;
    match found {
        Err(problem) if problem.status == StatusCode::NOT_FOUND => {
            Err(missing(state, caller, &tenant, project, problem).await)
        }
        other => other,
    }
}

/// A 404 about `project`, audited as a denied request when another tenant has a project of
/// that name (the caller sees the same 404 either way).
async fn missing(
    state: &AppState,
    caller: &Caller,
    tenant: &str,
    project: &str,
    problem: Problem,
) -> Problem {
    let (t, p) = (tenant.to_owned(), project.to_owned());
    match blocking(state, move |s| store_call(s.project_elsewhere(&t, &p))).await {
        Ok(true) => {
            let event = caller.event(
                tenant,
                "access.denied",
                ("project", project),
                json!({"status": 404, "reason": "another tenant's project"}),
            );
            match record(&state.store, event).await {
                Ok(()) => problem,
                Err(e) => e,
            }
        }
        Ok(false) => problem,
        Err(e) => e,
    }
}

/// One stored document of the snapshot a read asks for, as its JSON text.
async fn document(
    state: &AppState,
    caller: &Caller,
    (project, need): (&str, Role),
    q: &HashMap<String, String>,
    kinds: &'static [&'static str],
) -> Result<Vec<String>, Problem> {
    let tenant = require(state, caller, need, ("project", project)).await?;
    let id = snapshot_param(q)?;
    let (t, project) = (tenant.clone(), project.to_owned());
    let p = project.clone();
    let found = blocking(state, move |store| {
        let info = snapshot_info(store, &t, &project, id)?;
        kinds
            .iter()
            .map(|kind| {
                // A snapshot without a document stores it as `null`.
                store_call(store.document(&t, info.id, kind))?
                    .filter(|text| text.trim() != "null")
                    .ok_or_else(|| {
                    Problem::not_found(format!(
                        "snapshot {} of project `{project}` has no `{kind}` document (it was pushed by an older strata)",
                        info.id
                    ))
                })
            })
            .collect()
    })
    .await;
    match found {
        Err(problem) if problem.status == StatusCode::NOT_FOUND => {
            Err(missing(state, caller, &tenant, &p, problem).await)
        }
        other => other,
    }
}

/// A request body: at most `limit` bytes, after decompressing `Content-Encoding: gzip`.
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Vec<u8>, Problem> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(Problem::too_large(limit));
    }
    let raw: Bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| Problem::too_large(limit))?;
    match headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("identity") => Ok(raw.to_vec()),
        Some("gzip") => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&raw[..])
                .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
                .read_to_end(&mut out)
                .map_err(|e| {
                    Problem::bad_request(format!("the gzip body does not decompress: {e}"))
                })?;
            if out.len() > limit {
                return Err(Problem::too_large(limit));
            }
            Ok(out)
        }
        Some(other) => Err(Problem {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            title: "Unsupported content encoding",
            detail: format!(
                "`Content-Encoding: {other}` is not accepted; send the body as is or gzip"
            ),
        }),
    }
}

/// A JSON body of type `T`, with a 400 that says where it is wrong.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    body: &[u8],
    what: &str,
) -> Result<T, Problem> {
    serde_json::from_slice(body)
        .map_err(|e| Problem::bad_request(format!("the body is not {what}: {e}")))
}

async fn projects(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Answer {
    let tenant = require(&state, &caller, Role::Viewer, ("projects", "")).await?;
    let list = blocking(&state, move |s| store_call(s.projects(&tenant))).await?;
    let projects: Vec<Value> = list
        .iter()
        .map(|p| {
            let latest = p.latest.as_ref();
            json!({
                "name": p.name,
                "latest": latest.map(|i| json!({
                    "id": i.id, "commit": i.commit, "branch": i.branch, "created_at": i.created_at,
                })),
                "modules": latest.map_or(0, |i| i.modules),
                "errors": latest.map_or(0, |i| i.errors),
                "warnings": latest.map_or(0, |i| i.warnings),
            })
        })
        .collect();
    Ok(json_value(StatusCode::OK, &json!({ "projects": projects })))
}

async fn snapshots(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
) -> Answer {
    let tenant = require(&state, &caller, Role::Viewer, ("project", &project)).await?;
    let (t, p) = (tenant.clone(), project.clone());
    let Some(list) = blocking(&state, move |s| store_call(s.snapshots(&t, &p))).await? else {
        let problem = Problem::not_found(format!("no project `{project}`"));
        return Err(missing(&state, &caller, &tenant, &project, problem).await);
    };
    let snapshots: Vec<Value> = list.iter().map(info_json).collect();
    Ok(json_value(
        StatusCode::OK,
        &json!({ "snapshots": snapshots }),
    ))
}

async fn receive_push(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let tenant = require(&state, &caller, Role::Editor, ("project", &project)).await?;
    let body = read_body(&headers, body, state.settings.max_body).await?;
    let snapshot: NewSnapshot = tokio::task::spawn_blocking(move || {
        // The documents are stored as they come and served as they are: they must be what the
        // OpenAPI document says they are, which the types of its schemas check.
        parse_json::<api_types::NewSnapshot>(&body, "a snapshot")?;
        parse_json(&body, "a snapshot")
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))??;
    if !valid_project_name(&project) {
        return Err(Problem::bad_request(format!(
            "`{project}` is not a project name: use 1 to 100 letters, digits, `.`, `_` or `-`"
        )));
    }
    if let Some(bad) = snapshot.modules.iter().find(|m| {
        m.band
            .as_deref()
            .is_some_and(|b| !matches!(b, "green" | "yellow" | "red"))
    }) {
        return Err(Problem::bad_request(format!(
            "module `{}` has band `{}`: a band is `green`, `yellow` or `red`",
            bad.module,
            bad.band.as_deref().unwrap_or_default()
        )));
    }
    let mut named = std::collections::HashSet::new();
    if let Some(twice) = snapshot
        .modules
        .iter()
        .find(|m| !named.insert(m.module.as_str()))
    {
        return Err(Problem::bad_request(format!(
            "module `{}` has two lines in `modules`: a snapshot has one line per module",
            twice.module
        )));
    }
    if snapshot.commit.trim().is_empty() {
        return Err(Problem::bad_request("a snapshot needs a commit".into()));
    }
    let keep = state.settings.keep;
    let (t, p) = (tenant.clone(), project.clone());
    let commit = snapshot.commit.clone();
    let id = blocking(&state, move |s| {
        store_call(s.put_snapshot(&t, &p, &snapshot, keep))
    })
    .await?;
    let event = caller.event(
        &tenant,
        "snapshot.push",
        ("project", &project),
        json!({"snapshot": id, "commit": commit}),
    );
    record(&state.store, event).await?;
    Ok(json_value(StatusCode::CREATED, &json!({ "id": id })))
}

async fn delete_project(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
) -> Answer {
    let tenant = require(&state, &caller, Role::Admin, ("project", &project)).await?;
    let (t, p) = (tenant.clone(), project.clone());
    if blocking(&state, move |s| store_call(s.delete_project(&t, &p))).await? {
        let event = caller.event(&tenant, "project.delete", ("project", &project), json!({}));
        record(&state.store, event).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        let problem = Problem::not_found(format!("no project `{project}`"));
        Err(missing(&state, &caller, &tenant, &project, problem).await)
    }
}

async fn modules(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
    Query(q): Params,
) -> Answer {
    let v = view(&state, &caller, &project, &q).await?;
    let body = status::with_status(&state, &caller, &project, &v.modules, false);
    Ok(json_bytes(StatusCode::OK, body))
}

async fn module_card(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf((project, module)): PathOf<(String, String)>,
    Query(q): Params,
) -> Answer {
    let v = view(&state, &caller, &project, &q).await?;
    match v.cards.get(&module) {
        Some(card) => Ok(json_bytes(
            StatusCode::OK,
            status::with_status(&state, &caller, &project, card, true),
        )),
        None => Err(Problem::not_found(format!(
            "snapshot {} of project `{project}` has no module `{module}`",
            v.info.id
        ))),
    }
}

async fn graph(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
    Query(q): Params,
) -> Answer {
    let kind: &'static [&'static str] = match q.get("level").map_or("module", String::as_str) {
        "module" => &["module_graph"],
        "file" => &["file_graph"],
        other => {
            return Err(Problem::bad_request(format!(
                "`level` is `module` or `file`, not `{other}`"
            )));
        }
    };
    let mut docs = document(&state, &caller, (&project, Role::Viewer), &q, kind).await?;
    Ok(json_bytes(StatusCode::OK, docs.pop().unwrap_or_default()))
}

async fn waves(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
    Query(q): Params,
) -> Answer {
    let mut docs = document(&state, &caller, (&project, Role::Viewer), &q, &["waves"]).await?;
    Ok(json_bytes(StatusCode::OK, docs.pop().unwrap_or_default()))
}

async fn findings(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
    Query(q): Params,
) -> Answer {
    if let Some(sev) = q
        .get("severity")
        .filter(|s| !matches!(s.as_str(), "error" | "warning"))
    {
        return Err(Problem::bad_request(format!(
            "`severity` is `error` or `warning`, not `{sev}`"
        )));
    }
    let v = view(&state, &caller, &project, &q).await?;
    let all: Box<dyn Iterator<Item = &Value>> = match q.get("module") {
        Some(m) => Box::new(
            v.findings_by_module
                .get(m)
                .into_iter()
                .flatten()
                .map(|&i| &v.findings[i]),
        ),
        None => Box::new(v.findings.iter()),
    };
    let matches = |f: &Value, key: &str| q.get(key).is_none_or(|w| f[key].as_str() == Some(w));
    let kept: Vec<&Value> = all
        .filter(|f| matches(f, "rule") && matches(f, "severity"))
        .collect();
    let count = |sev: &str| kept.iter().filter(|f| f["severity"] == sev).count();
    let mut summary: BTreeMap<&str, Value> = BTreeMap::new();
    summary.insert("findings", json!(kept.len()));
    summary.insert("errors", json!(count("error")));
    summary.insert("warnings", json!(count("warning")));
    Ok(json_value(
        StatusCode::OK,
        &json!({ "findings": kept, "summary": summary }),
    ))
}

async fn health(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
    Query(q): Params,
) -> Answer {
    let v = view(&state, &caller, &project, &q).await?;
    Ok(json_bytes(StatusCode::OK, v.health.clone()))
}

#[derive(Deserialize)]
struct ImpactRequest {
    changed_files: Vec<String>,
}

async fn impact(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
    Query(q): Params,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let body = read_body(&headers, body, state.settings.max_body).await?;
    let request: ImpactRequest = parse_json(&body, "`{\"changed_files\": [\"path\", …]}`")?;
    let kinds = &["file_graph", "teams"];
    let mut docs = document(&state, &caller, (&project, Role::Editor), &q, kinds).await?;
    let teams = docs.pop().unwrap_or_default();
    let graph = docs.pop().unwrap_or_default();
    let doc = tokio::task::spawn_blocking(move || -> Result<Value, Problem> {
        let graph = impact_graph(&graph, &teams).map_err(|e| Problem::internal(e.to_string()))?;
        let changed: Vec<String> = request
            .changed_files
            .iter()
            .map(|f| f.trim_start_matches("./").replace('\\', "/"))
            .collect();
        serde_json::to_value(graph.impact(&changed)).map_err(|e| Problem::internal(e.to_string()))
    })
    .await
    .map_err(|e| Problem::internal(e.to_string()))??;
    Ok(json_value(StatusCode::OK, &doc))
}

/// A snapshot's impact graph, from its stored `file_graph` and `teams` documents (the teams'
/// contacts name whom to tell).
pub(crate) fn impact_graph(
    file_graph: &str,
    teams: &str,
) -> Result<ImpactGraph, strata_project::GraphDocError> {
    let teams: Value = serde_json::from_str(teams).unwrap_or_default();
    let contacts = teams["teams"]
        .as_object()
        .map(|t| {
            t.iter()
                .filter_map(|(name, t)| Some((name.clone(), t["contact"].as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    ImpactGraph::from_file_graph(file_graph, contacts)
}

async fn module_history(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf((project, module)): PathOf<(String, String)>,
) -> Answer {
    let tenant = require(&state, &caller, Role::Viewer, ("project", &project)).await?;
    let (t, p, m) = (tenant.clone(), project.clone(), module.clone());
    let found = blocking(&state, move |s| store_call(s.module_history(&t, &p, &m))).await?;
    let Some(rows) = found else {
        let problem = Problem::not_found(format!("no project `{project}`"));
        return Err(missing(&state, &caller, &tenant, &project, problem).await);
    };
    if rows.is_empty() {
        return Err(Problem::not_found(format!(
            "project `{project}` has no module `{module}` in any snapshot"
        )));
    }
    Ok(json_value(StatusCode::OK, &json!({ "history": rows })))
}

async fn openapi() -> Response {
    json_value(
        StatusCode::OK,
        &openapi::document(env!("CARGO_PKG_VERSION")),
    )
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Answer {
    // A read that touches the schema: the database is reachable and migrated.
    blocking(&state, |s| store_call(s.projects(DEFAULT_TENANT))).await?;
    Ok("ready\n".into_response())
}

/// Cut a request off after [`Settings::timeout`] with a 408 problem. A store write already
/// started runs to its end on the blocking pool: it is still all or nothing.
async fn deadline(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let limit = state.settings.timeout;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Problem {
            status: StatusCode::REQUEST_TIMEOUT,
            title: "Request timeout",
            detail: format!(
                "the request took more than {} s (the server's `--request-timeout`)",
                limit.as_secs()
            ),
        }
        .into_response(),
    }
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Problem {
    Problem {
        status: StatusCode::METHOD_NOT_ALLOWED,
        title: "Method not allowed",
        detail: format!(
            "`{method} {}` is not an operation of the API (GET /openapi.json lists them)",
            uri.path()
        ),
    }
}

async fn fallback() -> Problem {
    Problem::not_found(
        "no such endpoint: the API is under `/api/v1` (GET /openapi.json lists it)".into(),
    )
}

/// The API's routes over `store`.
pub fn router(registry: &Registry) -> Router {
    let state = AppState {
        store: Arc::clone(&registry.store),
        settings: registry.settings,
        views: Arc::clone(&registry.views),
        auth: Arc::clone(&registry.auth),
        limiter: Arc::default(),
        metrics: Arc::clone(&registry.metrics),
        status: Arc::clone(&registry.status),
    };
    let api = Router::new()
        .route("/api/v1/projects", get(projects))
        .route(
            "/api/v1/projects/{p}",
            axum::routing::delete(delete_project),
        )
        .route(
            "/api/v1/projects/{p}/snapshots",
            get(snapshots).post(receive_push),
        )
        .route("/api/v1/projects/{p}/modules", get(modules))
        .route("/api/v1/projects/{p}/modules/{m}", get(module_card))
        .route(
            "/api/v1/projects/{p}/modules/{m}/history",
            get(module_history),
        )
        .route("/api/v1/projects/{p}/graph", get(graph))
        .route("/api/v1/projects/{p}/findings", get(findings))
        .route("/api/v1/projects/{p}/health", get(health))
        .route("/api/v1/projects/{p}/impact", post(impact))
        .route("/api/v1/projects/{p}/waves", get(waves))
        .route("/api/v1/projects/{p}/status", get(status::status))
        .route("/api/v1/projects/{p}/metrics", post(budgets::push))
        .route("/api/v1/projects/{p}/budgets", get(budgets::budgets))
        .route("/api/v1/tenants", post(admin::create_tenant))
        .route(
            "/api/v1/tenants/{t}",
            axum::routing::delete(admin::delete_tenant),
        )
        .route(
            "/api/v1/tokens",
            get(admin::tokens).post(admin::create_token),
        )
        .route(
            "/api/v1/tokens/{id}",
            axum::routing::delete(admin::revoke_token),
        )
        .route("/api/v1/audit", get(admin::audit))
        .route("/api/v1/tenant/export", get(admin::export))
        .route("/api/v1/compliance", get(admin::compliance))
        .route("/metrics", get(metrics::metrics))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            deadline,
        ));
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/openapi.json", get(openapi))
        .merge(dashboard::routes())
        .merge(api);
    router = match &registry.mcp {
        Some(mcp) => router.merge(mcp::routes(mcp, state.clone())),
        None => router.merge(mcp::shared_routes(state.clone())),
    };
    router
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(state)
}

/// Serve on `listener` until `shutdown` completes; requests in flight are finished first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    registry: &Registry,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(registry).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
