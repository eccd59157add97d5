//! `/mcp`: the MCP server over streamable HTTP. In local mode, all of `strata mcp` for the
//! repository served (any role of its tenant may use the tools, which only read; `Host` and
//! `Origin` validated against DNS rebinding and foreign pages). In a shared registry, the
//! tools that read what pushes store, for the caller's tenant only. Both protocol eras
//! (sessions for the `initialize` era, stateless `2026-07-28`); the registry's tokens apply.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use strata_mcp::rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use strata_mcp::rmcp::service::RequestContext;
use strata_mcp::rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use strata_mcp::rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService,
};
use strata_mcp::rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use strata_mcp::{Answer, Live, StrataMcp, ToolError};
use strata_store::Role;

use crate::auth::{Caller, require};
use crate::views::View;
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

/// The tools a shared registry serves: those that read what a push stores (the others need
/// the repository's sources: `strata mcp` in a clone serves all nine).
const SHARED_TOOLS: [&str; 4] = [
    "strata_check",
    "strata_impact",
    "strata_overview",
    "strata_rules",
];

const SHARED_INSTRUCTIONS: &str = "This strata registry serves the architecture of the projects pushed to it (modules, rules, findings, the import graph); every tool is read-only.
Pass `project` when the tenant has several (an error lists them).
strata_overview: the modules, or one module's card; strata_rules: what a module may import; strata_check: findings; strata_impact: what a change affects.
For code search, similar code, plans and context, run `strata mcp` in a clone of the repository.";

/// The MCP server of a shared registry: tenant-scoped reads of stored snapshots.
#[derive(Clone)]
pub(crate) struct RegistryMcp {
    state: AppState,
}

/// The shared registry's `/mcp` routes.
pub(crate) fn shared_routes(state: AppState) -> Router<AppState> {
    let config = StreamableHttpServerConfig::default()
        .disable_allowed_hosts()
        .enforce_origin_validation();
    let handler = RegistryMcp {
        state: state.clone(),
    };
    let service = StreamableHttpService::new(
        move || Ok(handler.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    Router::new()
        .route_service("/mcp", service)
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            crate::auth::authenticate,
        ))
}

fn shared_tool(name: &str) -> Option<Tool> {
    let mut tool = strata_mcp::tool(name)?;
    let mut input = (*tool.input_schema).clone();
    if let Some(Value::Object(props)) = input.get_mut("properties") {
        props.insert(
            "project".into(),
            json!({"type": "string", "description": "Default: the tenant's only project"}),
        );
    }
    tool.input_schema = Arc::new(input);
    Some(tool)
}

impl RegistryMcp {
    async fn call(
        &self,
        caller: &Caller,
        name: &str,
        arguments: Map<String, Value>,
    ) -> Result<CallToolResult, McpError> {
        if !SHARED_TOOLS.contains(&name) {
            let hint = if strata_mcp::tool(name).is_some() {
                " in a shared registry (it reads the repository's sources: run `strata mcp` in a clone)"
                    .to_owned()
            } else {
                String::new()
            };
            return Err(McpError::invalid_params(
                format!("no tool `{name}`{hint}"),
                None,
            ));
        }
        let max_tokens = match strata_mcp::max_tokens(&arguments) {
            Ok(n) => n,
            Err(e) => return Ok(strata_mcp::error_result(&e)),
        };
        // Impact is an editor's, as `POST …/impact` is.
        let need = if name == "strata_impact" {
            Role::Editor
        } else {
            Role::Viewer
        };
        let tenant = match require(&self.state, caller, need, ("mcp", name)).await {
            Ok(t) => t,
            Err(p) => return Ok(strata_mcp::error_result(&ToolError(p.detail))),
        };
        let state = self.state.clone();
        let name = name.to_owned();
        let answered = tokio::task::spawn_blocking(move || {
            shared_answer(&state, &tenant, &name, &arguments)
                .map(|(answer, index)| strata_mcp::envelope(&name, answer, index, max_tokens))
        })
        .await
        .map_err(|e| McpError::internal_error(e.to_string(), None))?;
        Ok(answered.unwrap_or_else(|e| strata_mcp::error_result(&e)))
    }
}

fn text_arg<'a>(arguments: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    arguments.get(key).and_then(Value::as_str)
}

fn paths_arg(arguments: &Map<String, Value>) -> Vec<String> {
    match arguments.get("paths") {
        Some(Value::String(p)) => vec![p.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|p| p.trim_start_matches("./").replace('\\', "/"))
            .collect(),
        _ => Vec::new(),
    }
}

/// One tool's answer from the latest snapshot of the project asked for, and its `index`.
fn shared_answer(
    state: &AppState,
    tenant: &str,
    tool: &str,
    arguments: &Map<String, Value>,
) -> Result<(Answer, Value), ToolError> {
    let store = state.store.as_ref();
    let projects: Vec<String> = store
        .projects(tenant)
        .map_err(|e| ToolError(e.to_string()))?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let project = match text_arg(arguments, "project") {
        Some(p) if projects.iter().any(|x| x == p) => p.to_owned(),
        Some(p) => {
            let hint = strata_workspace::error::closest(p, projects.iter().map(String::as_str))
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            return Err(ToolError(format!(
                "no project `{p}`; {hint}the projects: {}",
                projects.join(", ")
            )));
        }
        None if projects.len() == 1 => projects[0].clone(),
        None if projects.is_empty() => {
            return Err(ToolError(
                "this tenant has no project yet: `strata push` sends one".into(),
            ));
        }
        None => {
            return Err(ToolError(format!(
                "give `project`: one of {}",
                projects.join(", ")
            )));
        }
    };
    let info =
        crate::snapshot_info(store, tenant, &project, None).map_err(|p| ToolError(p.detail))?;
    let index = json!({
        "commit": info.commit, "dirty_files": 0, "scanned_ms": 0, "stale": false,
        "project": project, "snapshot": info.id, "pushed_at": info.created_at,
    });
    let view = state
        .views
        .get(info.id, || View::build(store, tenant, info.clone()))
        .map_err(|p| ToolError(p.detail))?;
    let module = text_arg(arguments, "module");
    let card = |name: &str| -> Result<Value, ToolError> {
        let bytes = view.cards.get(name).ok_or_else(|| {
            let hint =
                strata_workspace::error::closest(name, view.cards.keys().map(String::as_str))
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
            ToolError(format!("project `{project}` has no module `{name}`{hint}"))
        })?;
        serde_json::from_slice(bytes).map_err(|e| ToolError(e.to_string()))
    };
    let answer = match tool {
        "strata_overview" => match module {
            Some(name) => {
                let mut card = card(name)?;
                let findings = card
                    .as_object_mut()
                    .and_then(|c| {
                        c.remove("snapshot");
                        c.remove("findings")
                    })
                    .unwrap_or_default();
                Answer {
                    value: object(json!({"module": card, "findings": findings})),
                    list: "findings",
                    hint: "strata_check with `paths` narrows the findings",
                }
            }
            None => {
                let doc: Value =
                    serde_json::from_slice(&view.modules).map_err(|e| ToolError(e.to_string()))?;
                let rows: Vec<Value> = doc["modules"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .map(|m| {
                        let names: Vec<&Value> = m["depends_on"]
                            .as_array()
                            .map(Vec::as_slice)
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|d| d.get("name"))
                            .collect();
                        let row = json!({
                            "name": m["name"], "root": m["root"], "lang": m["lang"],
                            "lane": m["lane"], "layer": m["layer"], "tier": m["tier"],
                            "owner": m["owner"], "files": m["files"], "depends_on": names,
                            "errors": m["findings"]["errors"], "warnings": m["findings"]["warnings"],
                            "health": m["health"]["score"],
                        });
                        Value::Object(object(row).into_iter().filter(|(_, v)| !v.is_null()).collect())
                    })
                    .collect();
                Answer {
                    value: object(json!({"modules": rows})),
                    list: "modules",
                    hint: "pass `module` for one module's card, or raise max_tokens",
                }
            }
        },
        "strata_rules" => {
            let name = module.ok_or_else(|| {
                ToolError("give `module` (a shared registry has no files to place a `path`)".into())
            })?;
            let card = card(name)?;
            let d = &card["declaration"];
            let may: Vec<Value> = d["depends_on"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|x| {
                    let target = x.get("name").or(Some(x)).and_then(Value::as_str)?;
                    let through = view
                        .cards
                        .get(target)
                        .and_then(|c| serde_json::from_slice::<Value>(c).ok())
                        .map_or(Value::Null, |c| c["declaration"]["interfaces"].clone());
                    Some(json!({"module": target, "import_through": through}))
                })
                .collect();
            Answer {
                value: object(json!({
                    "module": name, "lane": d["lane"], "layer": d["layer"], "tier": d["tier"],
                    "may_depend_on": may, "interface_files": d["interfaces"], "rules": [],
                })),
                list: "may_depend_on",
                hint: "raise max_tokens",
            }
        }
        "strata_check" => {
            let paths = paths_arg(arguments);
            let rule = text_arg(arguments, "rule");
            let under = |file: &str| {
                paths.is_empty()
                    || paths.iter().any(|p| {
                        file == p
                            || file
                                .strip_prefix(p.trim_end_matches('/'))
                                .is_some_and(|r| r.starts_with('/'))
                    })
            };
            let findings: Vec<&Value> = view
                .findings
                .iter()
                .filter(|f| under(f["file"].as_str().unwrap_or_default()))
                .filter(|f| rule.is_none_or(|r| f["rule"] == r))
                .collect();
            let errors = findings.iter().filter(|f| f["severity"] == "error").count();
            Answer {
                value: object(json!({
                    "findings": findings,
                    "summary": {"errors": errors, "warnings": findings.len() - errors},
                })),
                list: "findings",
                hint: "narrow with `paths` or `rule`, or raise max_tokens",
            }
        }
        "strata_impact" => {
            let paths = paths_arg(arguments);
            if paths.is_empty() {
                return Err(ToolError(
                    "give `paths`: the files you changed or will change".into(),
                ));
            }
            let doc = |kind: &str| {
                store
                    .document(tenant, info.id, kind)
                    .map_err(|e| ToolError(e.to_string()))
                    .map(Option::unwrap_or_default)
            };
            let graph = crate::impact_graph(&doc("file_graph")?, &doc("teams")?)
                .map_err(|e| ToolError(e.to_string()))?;
            Answer {
                value: object(serde_json::to_value(graph.impact(&paths)).unwrap_or_default()),
                list: "affected",
                hint: "raise max_tokens",
            }
        }
        other => return Err(ToolError(format!("no tool `{other}`"))),
    };
    Ok((answer, index))
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

impl ServerHandler for RegistryMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("strata", env!("CARGO_PKG_VERSION"))
                    .with_title("strata registry"),
            )
            .with_instructions(SHARED_INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(
            SHARED_TOOLS.iter().filter_map(|n| shared_tool(n)).collect(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let caller = context
            .extensions
            .get::<axum::http::request::Parts>()
            .and_then(|p| p.extensions.get::<Caller>())
            .cloned()
            .ok_or_else(|| McpError::internal_error("the request has no caller", None))?;
        self.call(
            &caller,
            &request.name,
            request.arguments.unwrap_or_default(),
        )
        .await
        .map(CallToolResponse::from)
    }
}
