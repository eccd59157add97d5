//! The registry's HTTP API (DESIGN.md §9) over a [`Store`]: JSON under `/api/v1`, errors as
//! RFC 9457 `application/problem+json`, `/healthz` and `/readyz`, graceful shutdown.
//!
//! Every request is served for one tenant; until tokens exist (the next step) that is
//! [`DEFAULT_TENANT`]. Store calls block, so they run on tokio's blocking pool.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};
use strata_store::{NewSnapshot, Snapshot, SnapshotInfo, Store, StoreError};

/// The tenant of every request until tokens say otherwise.
pub const DEFAULT_TENANT: &str = "default";

/// How the server behaves.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Snapshots kept per project (0: all).
    pub keep: usize,
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            keep: 100,
            max_body: 64 << 20,
        }
    }
}

#[derive(Clone)]
struct AppState {
    store: Arc<dyn Store>,
    settings: Settings,
}

/// An RFC 9457 problem.
struct Problem {
    status: StatusCode,
    title: &'static str,
    detail: String,
}

impl Problem {
    fn not_found(detail: String) -> Problem {
        Problem {
            status: StatusCode::NOT_FOUND,
            title: "Not found",
            detail,
        }
    }

    fn bad_request(detail: String) -> Problem {
        Problem {
            status: StatusCode::BAD_REQUEST,
            title: "Bad request",
            detail,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            detail.push_str(": ");
            detail.push_str(&s.to_string());
            source = s.source();
        }
        Problem {
            status: StatusCode::SERVICE_UNAVAILABLE,
            title: "Registry database unavailable",
            detail,
        }
    }
}

type Answer = Result<Response, Problem>;

/// Run a store call on the blocking pool.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Problem> {
    let store = Arc::clone(&state.store);
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|e| Problem {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            title: "Internal error",
            detail: e.to_string(),
        })?
        .map_err(Problem::from)
}

fn info_json(i: &SnapshotInfo) -> Value {
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

#[derive(Deserialize)]
struct SnapshotQuery {
    snapshot: Option<i64>,
}

/// The snapshot a read asks for (`?snapshot=ID`, else the latest), or a 404 that says which
/// of the two is missing.
async fn snapshot_of(
    state: &AppState,
    project: String,
    id: Option<i64>,
) -> Result<Snapshot, Problem> {
    let p = project.clone();
    let found = blocking(state, move |s| s.snapshot(DEFAULT_TENANT, &p, id)).await?;
    found.ok_or_else(|| {
        Problem::not_found(match id {
            Some(id) => format!("project `{project}` has no snapshot {id}"),
            None => format!("no project `{project}` (or it has no snapshot yet)"),
        })
    })
}

async fn projects(State(state): State<AppState>) -> Answer {
    let list = blocking(&state, |s| s.projects(DEFAULT_TENANT)).await?;
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
    Ok(Json(json!({ "projects": projects })).into_response())
}

async fn snapshots(State(state): State<AppState>, Path(project): Path<String>) -> Answer {
    let p = project.clone();
    let list = blocking(&state, move |s| s.snapshots(DEFAULT_TENANT, &p))
        .await?
        .ok_or_else(|| Problem::not_found(format!("no project `{project}`")))?;
    let snapshots: Vec<Value> = list.iter().map(info_json).collect();
    Ok(Json(json!({ "snapshots": snapshots })).into_response())
}

async fn push(
    State(state): State<AppState>,
    Path(project): Path<String>,
    body: axum::body::Bytes,
) -> Answer {
    let snapshot: NewSnapshot = serde_json::from_slice(&body).map_err(|e| {
        Problem::bad_request(format!(
            "the body is not a snapshot: {e} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    if project.is_empty() || snapshot.commit.is_empty() {
        return Err(Problem::bad_request(
            "a snapshot needs a project name and a commit".into(),
        ));
    }
    let keep = state.settings.keep;
    let id = blocking(&state, move |s| {
        s.put_snapshot(DEFAULT_TENANT, &project, &snapshot, keep)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn delete_project(State(state): State<AppState>, Path(project): Path<String>) -> Answer {
    let p = project.clone();
    if blocking(&state, move |s| s.delete_project(DEFAULT_TENANT, &p)).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(Problem::not_found(format!("no project `{project}`")))
    }
}

async fn modules(
    State(state): State<AppState>,
    Path(project): Path<String>,
    Query(q): Query<SnapshotQuery>,
) -> Answer {
    let s = snapshot_of(&state, project, q.snapshot).await?;
    Ok(Json(json!({
        "snapshot": {"id": s.info.id, "commit": s.info.commit, "created_at": s.info.created_at},
        "modules": s.documents.modules["modules"],
    }))
    .into_response())
}

#[derive(Deserialize)]
struct GraphQuery {
    snapshot: Option<i64>,
    level: Option<String>,
}

async fn graph(
    State(state): State<AppState>,
    Path(project): Path<String>,
    Query(q): Query<GraphQuery>,
) -> Answer {
    let level = q.level.as_deref().unwrap_or("module");
    if !matches!(level, "module" | "file") {
        return Err(Problem::bad_request(format!(
            "`level` is `module` or `file`, not `{level}`"
        )));
    }
    let s = snapshot_of(&state, project, q.snapshot).await?;
    let doc = if level == "module" {
        s.documents.module_graph
    } else {
        s.documents.file_graph
    };
    Ok(Json(doc).into_response())
}

#[derive(Deserialize)]
struct FindingsQuery {
    snapshot: Option<i64>,
    rule: Option<String>,
    module: Option<String>,
    severity: Option<String>,
}

async fn findings(
    State(state): State<AppState>,
    Path(project): Path<String>,
    Query(q): Query<FindingsQuery>,
) -> Answer {
    let s = snapshot_of(&state, project, q.snapshot).await?;
    let keep = |f: &&Value| {
        let matches = |key: &str, want: &Option<String>| {
            want.as_deref().is_none_or(|w| f[key].as_str() == Some(w))
        };
        matches("rule", &q.rule) && matches("module", &q.module) && matches("severity", &q.severity)
    };
    let all = s.documents.findings["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let kept: Vec<&Value> = all.iter().filter(keep).collect();
    let count = |sev: &str| kept.iter().filter(|f| f["severity"] == sev).count();
    let mut summary: BTreeMap<&str, Value> = BTreeMap::new();
    summary.insert("findings", json!(kept.len()));
    summary.insert("errors", json!(count("error")));
    summary.insert("warnings", json!(count("warning")));
    Ok(Json(json!({ "findings": kept, "summary": summary })).into_response())
}

async fn health(
    State(state): State<AppState>,
    Path(project): Path<String>,
    Query(q): Query<SnapshotQuery>,
) -> Answer {
    let s = snapshot_of(&state, project, q.snapshot).await?;
    Ok(Json(json!({ "modules": s.documents.health["modules"] })).into_response())
}

async fn module_history(
    State(state): State<AppState>,
    Path((project, module)): Path<(String, String)>,
) -> Answer {
    let (p, m) = (project.clone(), module.clone());
    let rows = blocking(&state, move |s| s.module_history(DEFAULT_TENANT, &p, &m))
        .await?
        .ok_or_else(|| Problem::not_found(format!("no project `{project}`")))?;
    if rows.is_empty() {
        return Err(Problem::not_found(format!(
            "project `{project}` has no module `{module}` in any snapshot"
        )));
    }
    Ok(Json(json!({ "history": rows })).into_response())
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Answer {
    // A read that touches the schema: the database is reachable and migrated.
    blocking(&state, |s| s.projects(DEFAULT_TENANT)).await?;
    Ok("ready\n".into_response())
}

async fn fallback() -> Problem {
    Problem::not_found("no such endpoint: the API is under `/api/v1` (DESIGN.md §9)".into())
}

/// The API's routes over `store`.
pub fn router(store: Arc<dyn Store>, settings: Settings) -> Router {
    let state = AppState { store, settings };
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/projects", get(projects))
        .route(
            "/api/v1/projects/{p}",
            axum::routing::delete(delete_project),
        )
        .route("/api/v1/projects/{p}/snapshots", get(snapshots).post(push))
        .route("/api/v1/projects/{p}/modules", get(modules))
        .route(
            "/api/v1/projects/{p}/modules/{m}/history",
            get(module_history),
        )
        .route("/api/v1/projects/{p}/graph", get(graph))
        .route("/api/v1/projects/{p}/findings", get(findings))
        .route("/api/v1/projects/{p}/health", get(health))
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(settings.max_body))
        .with_state(state)
}

/// Serve on `listener` until `shutdown` completes; requests in flight are finished first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Store>,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(store, settings))
        .with_graceful_shutdown(shutdown)
        .await
}
