//! strata's MCP server: what coding agents consult before they write. Nine read-only tools
//! over the one [`Project`](strata_project::Project) API (find what exists, check a plan
//! against the architecture before writing it, read context under a budget), three
//! resources, two prompts; on stdio (`strata mcp`) and streamable HTTP (`/mcp` on
//! `strata serve`), both protocol eras (the `initialize` handshake and the stateless
//! `2026-07-28`) through the official SDK.
//!
//! Every tool answer is an object (`structuredContent`, described by the tool's
//! `outputSchema`) with a compact text block; it carries `index` (how fresh the scan is: the
//! repository is scanned again before answering when files changed) and honours
//! `max_tokens` by truncating its list, saying so with `truncated`, `omitted` and a `hint`,
//! never by refusing.

mod live;
mod schema;
mod text;
mod tools;

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
    GetPromptResponse, GetPromptResult, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    Prompt, PromptArgument, PromptMessage, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, Resource, ResourceContents, ResourceTemplate, Role, ServerCapabilities,
    ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Map, Value};

pub use live::{Freshness, Live, Snapshot};
pub use rmcp;

pub use crate::tools::{Answer, ToolError};

/// What every answer's `max_tokens` is when not given, and the most it may be.
pub const DEFAULT_MAX_TOKENS: usize = 2_000;
pub const MAX_TOKENS_CAP: usize = 8_000;

/// How long clients may keep the lists of tools, resources and prompts: they change only with
/// the binary.
const LIST_TTL_MS: u64 = 3_600_000;

/// The workflow, in the server's `instructions`.
pub const INSTRUCTIONS: &str = "strata knows this repository's modules, their architecture rules and its import graph; every tool is read-only.
1. Before writing code, search: strata_find (names) and strata_similar (code). Reuse what exists and is importable.
2. Before editing, check the plan: strata_check_plan with the files and imports you intend to write.
3. Read under a budget: strata_context (a task or paths); strata_symbol (one definition); strata_rules (what a module may import).
4. After editing: strata_check on the changed paths, strata_impact for what else is affected.
Ids (path#name@line) and repository-relative paths from one tool work as arguments to the others.";

/// The MCP server over one repository.
#[derive(Clone)]
pub struct StrataMcp {
    live: Arc<Live>,
}

impl StrataMcp {
    pub fn new(live: Arc<Live>) -> StrataMcp {
        StrataMcp { live }
    }

    /// Run tool `name` on `arguments`: the result as the client receives it. `Err` only for
    /// an unknown tool (a protocol error); bad arguments are an `isError` result.
    pub fn call(
        &self,
        name: &str,
        arguments: Map<String, Value>,
    ) -> Result<CallToolResult, McpError> {
        let Some(tool) = schema::TOOLS.iter().find(|t| t.name == name) else {
            let names = schema::TOOLS.iter().map(|t| t.name);
            let hint = strata_workspace::error::closest(name, names)
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            return Err(McpError::invalid_params(
                format!("unknown tool `{name}`{hint}"),
                None,
            ));
        };
        let max_tokens = match max_tokens(&arguments) {
            Ok(n) => n,
            Err(e) => return Ok(error_result(&e)),
        };
        let (snapshot, fresh) = match self.live.current() {
            Ok(x) => x,
            Err(e) => {
                return Ok(error_result(&ToolError(format!(
                    "the repository cannot be loaded: {e}"
                ))));
            }
        };
        let args = Value::Object(arguments);
        match run(tool.name, &snapshot, args) {
            Ok(answer) => {
                let index = serde_json::to_value(&fresh).unwrap_or(Value::Null);
                Ok(envelope(tool.name, answer, index, max_tokens))
            }
            Err(e) => Ok(error_result(&e)),
        }
    }
}

/// The `max_tokens` argument of a call: the default when absent, within the cap.
pub fn max_tokens(arguments: &Map<String, Value>) -> Result<usize, ToolError> {
    let Some(v) = arguments.get("max_tokens") else {
        return Ok(DEFAULT_MAX_TOKENS);
    };
    let n = tools::lenient::usize_opt(v.clone())
        .map_err(|e| ToolError(format!("`max_tokens`: {e}")))?
        .unwrap_or(DEFAULT_MAX_TOKENS);
    Ok(n.clamp(200, MAX_TOKENS_CAP))
}

fn parse<T: serde::de::DeserializeOwned>(args: Value) -> Result<T, ToolError> {
    serde_json::from_value(args).map_err(|e| ToolError(format!("invalid arguments: {e}")))
}

fn run(tool: &str, snapshot: &Snapshot, args: Value) -> Result<Answer, ToolError> {
    match tool {
        "strata_overview" => tools::overview(snapshot, &parse(args)?),
        "strata_find" => tools::find(snapshot, &parse(args)?),
        "strata_similar" => tools::similar(snapshot, &parse(args)?),
        "strata_symbol" => tools::symbol(snapshot, &parse(args)?),
        "strata_rules" => tools::rules(snapshot, &parse(args)?),
        "strata_check_plan" => tools::check_plan(snapshot, &parse(args)?),
        "strata_check" => tools::check(snapshot, &parse(args)?),
        "strata_impact" => tools::impact(snapshot, &parse(args)?),
        "strata_context" => tools::context(snapshot, &parse(args)?),
        other => Err(ToolError(format!("unknown tool `{other}`"))),
    }
}

/// The answer as a tool result: `index` added, the list cut to `max_tokens`, the text block
/// made from what is kept.
pub fn envelope(tool: &str, answer: Answer, index: Value, max_tokens: usize) -> CallToolResult {
    let Answer {
        mut value,
        list,
        hint,
    } = answer;
    value.insert("index".into(), index);
    value.insert("truncated".into(), Value::Bool(false));
    let total = value
        .get(list)
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    // `strata_context` keeps its own budget (`budget_tokens`).
    if tool != "strata_context"
        && total > 0
        && tools::tokens_of(&Value::Object(value.clone())) > max_tokens
    {
        let items = match value.remove(list) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let before = value
            .get("omitted")
            .and_then(Value::as_u64)
            .unwrap_or_default();
        let note = |omitted: usize| {
            format!("{omitted} of {total} {list} left out to fit max_tokens {max_tokens}: {hint}")
        };
        // Measured with the fields the cut adds, at their longest.
        value.insert("truncated".into(), Value::Bool(true));
        value.insert("omitted".into(), Value::from(before + total as u64));
        value.insert("hint".into(), Value::String(note(total)));
        // The longest prefix of the list that fits.
        let fits = |keep: usize, value: &Map<String, Value>| {
            let mut v = value.clone();
            v.insert(list.into(), Value::Array(items[..keep].to_vec()));
            tools::tokens_of(&Value::Object(v)) <= max_tokens
        };
        let (mut lo, mut hi) = (0, total);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if fits(mid, &value) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let omitted = total - lo;
        value.insert(list.into(), Value::Array(items[..lo].to_vec()));
        value.insert("omitted".into(), Value::from(before + omitted as u64));
        value.insert("hint".into(), Value::String(note(omitted)));
    }
    let text = text::render(tool, &value);
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(Value::Object(value));
    result
}

/// A tool error the model reads (`isError: true`).
pub fn error_result(e: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(e.0.clone())])
}

const MODULES_URI: &str = "strata://modules";
const RULES_URI: &str = "strata://rules";
const MODULE_PREFIX: &str = "strata://module/";

impl ServerHandler for StrataMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(
            Implementation::new("strata", env!("CARGO_PKG_VERSION")).with_title("strata"),
        )
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(tool_list()).with_ttl_ms(LIST_TTL_MS))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let this = self.clone();
        let name = request.name.to_string();
        let arguments = request.arguments.unwrap_or_default();
        tokio::task::spawn_blocking(move || this.call(&name, arguments))
            .await
            .map_err(|e| McpError::internal_error(format!("the tool failed: {e}"), None))?
            .map(CallToolResponse::from)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let resources = vec![
            Resource::new(MODULES_URI, "modules")
                .with_description("Every module: lane, tier, owner, root, dependencies")
                .with_mime_type("text/markdown"),
            Resource::new(RULES_URI, "rules")
                .with_description(
                    "The architecture rules enabled here, lanes, layers and forbidden imports",
                )
                .with_mime_type("text/markdown"),
        ];
        Ok(ListResourcesResult::with_all_items(resources).with_ttl_ms(LIST_TTL_MS))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        let template = ResourceTemplate::new(format!("{MODULE_PREFIX}{{name}}"), "module")
            .with_description("One module's card: owner, interface, dependencies, findings")
            .with_mime_type("text/markdown");
        Ok(ListResourceTemplatesResult::with_all_items(vec![template]).with_ttl_ms(LIST_TTL_MS))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let live = Arc::clone(&self.live);
        let uri = request.uri;
        tokio::task::spawn_blocking(move || {
            let (snapshot, _) = live
                .current()
                .map_err(|e| McpError::internal_error(e, None))?;
            let text = match uri.as_str() {
                MODULES_URI => text::modules_markdown(&snapshot),
                RULES_URI => text::rules_markdown(&snapshot),
                _ => match uri.strip_prefix(MODULE_PREFIX) {
                    Some(name) => text::module_markdown(&snapshot, name)
                        .map_err(|e| McpError::resource_not_found(e.0, None))?,
                    None => {
                        return Err(McpError::resource_not_found(
                            format!("no resource `{uri}`: strata has {MODULES_URI}, {RULES_URI} and {MODULE_PREFIX}{{name}}"),
                            None,
                        ));
                    }
                },
            };
            let contents = ResourceContents::text(text, uri).with_mime_type("text/markdown");
            Ok(ReadResourceResponse::from(ReadResourceResult::new(vec![contents])))
        })
        .await
        .map_err(|e| McpError::internal_error(format!("reading failed: {e}"), None))?
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(vec![
            Prompt::new(
                "plan-change",
                Some(
                    "Plan a change the strata way: find what exists, check the plan, read context",
                ),
                Some(vec![
                    PromptArgument::new("task")
                        .with_description("What to change, in words")
                        .with_required(true),
                ]),
            ),
            Prompt::new(
                "review-diff",
                Some("Review a change: new findings and what it affects"),
                Some(vec![
                    PromptArgument::new("paths")
                        .with_description("The changed files, comma-separated (default: ask git)")
                        .with_required(false),
                ]),
            ),
        ])
        .with_ttl_ms(LIST_TTL_MS))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        let arg = |name: &str| {
            request
                .arguments
                .as_ref()
                .and_then(|a| a.get(name))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let (description, text) = match request.name.as_str() {
            "plan-change" => {
                let task = arg("task").ok_or_else(|| {
                    McpError::invalid_params("plan-change needs `task`: what to change", None)
                })?;
                (
                    "Plan a change",
                    format!(
                        "Task: {task}\n\n\
                         Before writing anything:\n\
                         1. Call strata_find with the task's key words, and strata_similar with any code you are about to write: reuse what exists when it is importable.\n\
                         2. Call strata_rules for the module you will work in: what it may import, and through which interface files.\n\
                         3. Call strata_check_plan with the files you will create or edit and the imports each will add. Fix the plan until `allowed` is true.\n\
                         4. Call strata_context with the task and a budget_tokens that fits, and read what it gives.\n\
                         Then make the change, and call strata_check with the changed paths."
                    ),
                )
            }
            "review-diff" => {
                let paths = arg("paths").unwrap_or_default();
                let which = if paths.trim().is_empty() {
                    "the files this change touches (`git diff --name-only` and untracked files)"
                        .to_owned()
                } else {
                    format!("these files: {paths}")
                };
                (
                    "Review a change",
                    format!(
                        "Review the change to {which}.\n\
                         1. Call strata_check with those paths: report each finding with its rule, place and fix.\n\
                         2. Call strata_impact with those paths: list the affected modules, the tests to run and the owners to tell.\n\
                         3. For new code, call strata_similar to spot code that already exists elsewhere.\n\
                         Summarise: findings to fix first, then what to test and whom to tell."
                    ),
                )
            }
            other => {
                return Err(McpError::invalid_params(
                    format!("no prompt `{other}`: strata has `plan-change` and `review-diff`"),
                    None,
                ));
            }
        };
        let mut result = GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)]);
        result.description = Some(description.to_owned());
        Ok(GetPromptResponse::from(result))
    }
}

/// The definition of tool `name`.
pub fn tool(name: &str) -> Option<Tool> {
    schema::TOOLS
        .iter()
        .find(|t| t.name == name)
        .map(schema::Spec::tool)
}

/// Every tool, sorted by name.
pub fn tool_list() -> Vec<Tool> {
    schema::TOOLS.iter().map(schema::Spec::tool).collect()
}
