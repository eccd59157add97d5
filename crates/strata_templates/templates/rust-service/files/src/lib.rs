//! {{ description }}
//!
//! The HTTP API of `{{ name }}`: health endpoints at the root, the API under
//! `{{ base_path }}` (see `openapi.yaml`). This file is the module's public interface.

use axum::{http::StatusCode, routing::get, Json, Router};
use serde::Serialize;

/// The service's name, as in `module.yaml`.
pub const SERVICE: &str = "{{ name }}";
/// The port `module.yaml` declares; the `PORT` environment variable overrides it.
pub const DEFAULT_PORT: u16 = {{ port }};
/// The prefix of every API route.
pub const BASE_PATH: &str = "{{ base_path }}";

/// The body of `/health` and `/ready`.
#[derive(Debug, Serialize)]
pub struct Status {
    pub status: &'static str,
    pub service: &'static str,
}

/// The body of `GET {{ base_path }}`.
#[derive(Debug, Serialize)]
pub struct Info {
    pub name: &'static str,
    pub version: &'static str,
}

/// The port to listen on: `PORT` from the environment, else [`DEFAULT_PORT`].
pub fn port_from_env() -> u16 {
    std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(DEFAULT_PORT)
}

/// Liveness: the process is up.
pub async fn health() -> Json<Status> {
    Json(Status { status: "ok", service: SERVICE })
}

/// Readiness: the service can take traffic (check its dependencies here).
pub async fn ready() -> (StatusCode, Json<Status>) {
    (StatusCode::OK, Json(Status { status: "ok", service: SERVICE }))
}

/// What this service is.
pub async fn info() -> Json<Info> {
    Json(Info { name: SERVICE, version: env!("CARGO_PKG_VERSION") })
}

/// All routes of the service.
pub fn router() -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route(BASE_PATH, get(info))
}
