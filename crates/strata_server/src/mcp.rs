//! `/mcp`: the MCP server over streamable HTTP, for the repository local mode serves. Both
//! protocol eras (sessions for the `initialize` era, stateless `2026-07-28`); `Host` and
//! `Origin` validated (DNS rebinding, foreign pages); the registry's tokens and roles apply:
//! any role of the tenant the repository is served in may use the tools, which only read.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use strata_mcp::rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use strata_mcp::rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService,
};
use strata_mcp::{Live, StrataMcp};
use strata_store::Role;

use crate::auth::{Caller, require};
use crate::{AppState, DEFAULT_TENANT};

/// Where and for whom `/mcp` serves.
#[derive(Clone)]
pub struct McpSettings {
    pub live: Arc<Live>,
    /// Host names (no port) the server may be reached by; requests naming another `Host` get
    /// 403. Browsers' `Origin`s are allowed for the same hosts only.
    pub allowed_hosts: Vec<String>,
}

impl McpSettings {
    /// Loopback names, plus `extra` (the host names of a server reached over the network).
    pub fn new(live: Arc<Live>, extra: &[String]) -> McpSettings {
        let mut allowed_hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"]
            .map(str::to_owned)
            .to_vec();
        allowed_hosts.extend(extra.iter().cloned());
        McpSettings {
            live,
            allowed_hosts,
        }
    }
}

/// The `/mcp` routes: authentication first, then the tenant check, then the MCP service.
pub(crate) fn routes(settings: &McpSettings, state: AppState) -> Router<AppState> {
    // A page may call from the same hosts, on any port.
    let origins: Vec<String> = settings
        .allowed_hosts
        .iter()
        .map(|h| match h.parse::<std::net::Ipv6Addr>() {
            Ok(_) => format!("[{h}]"),
            Err(_) => h.clone(),
        })
        .flat_map(|h| [format!("http://{h}:*"), format!("https://{h}:*")])
        .collect();
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(settings.allowed_hosts.clone())
        .with_allowed_origins(origins)
        .enforce_origin_validation();
    let live = Arc::clone(&settings.live);
    let service = StreamableHttpService::new(
        move || Ok(StrataMcp::new(Arc::clone(&live))),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    Router::new()
        .route_service("/mcp", service)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            tenant_gate,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            crate::auth::authenticate,
        ))
}

/// The repository is served in the default tenant: its callers, any role, may use the tools.
async fn tenant_gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(caller) = request.extensions().get::<Caller>().cloned() else {
        return crate::Problem::internal("no caller".into()).into_response();
    };
    match require(&state, &caller, Role::Viewer, ("mcp", "/mcp")).await {
        Ok(tenant) if tenant == DEFAULT_TENANT => next.run(request).await,
        Ok(_) => crate::auth::forbid(
            &state,
            &caller,
            caller.tenant().unwrap_or_default(),
            ("mcp", "/mcp"),
            "viewer",
            format!("this repository is served in tenant `{DEFAULT_TENANT}`; the token belongs to another"),
        )
        .await
        .into_response(),
        Err(problem) => problem.into_response(),
    }
}
