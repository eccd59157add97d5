//! The registry API's OpenAPI 3.1 document (`GET /openapi.json`), generated from the types of
//! its bodies ([`crate::api_types`]) with schemars: JSON Schema 2020-12 is OpenAPI 3.1's own
//! schema dialect, so the generated schemas go into `components/schemas` as they are.

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

use crate::api_types as t;

/// The error responses: status, name in `components/responses`, description.
const ERRORS: [(u16, &str, &str); 10] = [
    (400, "BadRequest", "A bad parameter or body"),
    (
        401,
        "Unauthorized",
        "No bearer token, or not a valid one (unknown, expired, revoked)",
    ),
    (403, "Forbidden", "The token's role does not allow this"),
    (
        408,
        "RequestTimeout",
        "The request took longer than the server allows (upload included)",
    ),
    (409, "Conflict", "It exists already"),
    (
        404,
        "NotFound",
        "No such project, snapshot, module or endpoint",
    ),
    (
        413,
        "PayloadTooLarge",
        "The body is larger than the server accepts",
    ),
    (
        415,
        "UnsupportedMediaType",
        "The body's `Content-Encoding` is neither `gzip` nor `identity`",
    ),
    (
        429,
        "TooManyRequests",
        "Over the token's rate limit; `Retry-After` says when to retry",
    ),
    (503, "Unavailable", "The registry database is unavailable"),
];

/// The OpenAPI 3.1.0 document of the registry API, for server version `version`.
pub fn document(version: &str) -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas/".into();
            s.meta_schema = None;
        })
        .with_transform(RecursiveTransform(integer_bounds))
        .for_serialize()
        .into_generator();
    let g = &mut generator;
    // The names `push::valid_project_name` accepts.
    let name = json!({ "type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$" });
    let project = param("path", "project", "The project's name", name);
    let module = param(
        "path",
        "module",
        "The module's name",
        json!({ "type": "string" }),
    );
    let snapshot = param(
        "query",
        "snapshot",
        "The snapshot to read (an id from `…/snapshots`); the latest by default",
        schema::<i64>(g),
    );
    let level = param(
        "query",
        "level",
        "`module`: modules and module edges; `file`: also files and file edges",
        json!({ "type": "string", "enum": ["module", "file"], "default": "module" }),
    );
    let reads: &[u16] = &[400, 404, 503];

    let operations = [
        Op {
            method: "get",
            path: "/api/v1/projects",
            id: "listProjects",
            tag: "projects",
            summary: "The tenant's projects with the counts of their latest snapshot",
            ok: ("200", json_response::<t::ProjectList>(g, "The projects")),
            errors: &[503],
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/projects/{project}/snapshots",
            id: "listSnapshots",
            tag: "projects",
            summary: "A project's snapshots, newest first",
            params: vec![project.clone()],
            ok: ("200", json_response::<t::SnapshotList>(g, "The snapshots")),
            errors: &[404, 503],
            ..Op::default()
        },
        Op {
            method: "post",
            path: "/api/v1/projects/{project}/snapshots",
            id: "pushSnapshot",
            tag: "projects",
            summary: "Store a snapshot (`strata push`), creating the project if needed",
            params: vec![project.clone()],
            body: Some(body::<t::NewSnapshot>(
                g,
                "One snapshot, JSON, or gzipped JSON with `Content-Encoding: gzip`. Pushing a \
                 commit again replaces its snapshot",
            )),
            ok: ("201", json_response::<t::SnapshotCreated>(g, "Stored")),
            errors: &[400, 413, 415, 503],
        },
        Op {
            method: "delete",
            path: "/api/v1/projects/{project}",
            id: "deleteProject",
            tag: "projects",
            summary: "Delete a project and all its snapshots",
            params: vec![project.clone()],
            ok: ("204", json!({ "description": "Deleted" })),
            errors: &[404, 503],
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/projects/{project}/modules",
            id: "listModules",
            tag: "modules",
            summary: "The registry: every module with its health, findings and status",
            params: vec![project.clone(), snapshot.clone()],
            ok: ("200", json_response::<t::ModuleList>(g, "The modules")),
            errors: reads,
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/projects/{project}/modules/{module}",
            id: "getModule",
            tag: "modules",
            summary: "A module's card: record, dependencies, dependents, findings, health",
            params: vec![project.clone(), module.clone(), snapshot.clone()],
            ok: (
                "200",
                json_response::<t::ModuleCard>(g, "The module's card"),
            ),
            errors: reads,
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/projects/{project}/modules/{module}/history",
            id: "getModuleHistory",
            tag: "modules",
            summary: "A module's score and findings in every snapshot holding it",
            params: vec![project.clone(), module],
            ok: ("200", json_response::<t::ModuleHistory>(g, "The history")),
            errors: &[404, 503],
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/projects/{project}/graph",
            id: "getGraph",
            tag: "analysis",
            summary: "The dependency graph (`strata graph`)",
            params: vec![project.clone(), snapshot.clone(), level],
            ok: ("200", json_response::<t::GraphDoc>(g, "The graph")),
            errors: reads,
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/projects/{project}/findings",
            id: "listFindings",
            tag: "analysis",
            summary: "The findings of `strata check`, filtered",
            params: vec![
                project.clone(),
                snapshot.clone(),
                param(
                    "query",
                    "rule",
                    "Only this rule's findings",
                    schema::<String>(g),
                ),
                param(
                    "query",
                    "module",
                    "Only this module's findings",
                    schema::<String>(g),
                ),
                param(
                    "query",
                    "severity",
                    "Only findings of this severity",
                    schema::<t::Severity>(g),
                ),
            ],
            ok: ("200", json_response::<t::FindingList>(g, "The findings")),
            errors: reads,
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/projects/{project}/health",
            id: "getHealth",
            tag: "analysis",
            summary: "Every module's health (`strata health`)",
            params: vec![project.clone(), snapshot.clone()],
            ok: (
                "200",
                json_response::<t::HealthList>(g, "The modules' health"),
            ),
            errors: reads,
            ..Op::default()
        },
        Op {
            method: "post",
            path: "/api/v1/projects/{project}/impact",
            id: "computeImpact",
            tag: "analysis",
            summary: "What a change affects and whom to tell (`strata impact`)",
            params: vec![project.clone(), snapshot.clone()],
            body: Some(body::<t::ImpactRequest>(g, "The changed files")),
            ok: ("200", json_response::<t::ImpactDoc>(g, "The impact")),
            errors: &[400, 404, 413, 415, 503],
        },
        Op {
            method: "get",
            path: "/api/v1/projects/{project}/status",
            id: "getStatus",
            tag: "modules",
            summary: "Live status: each module's liveness and readiness in the polled environment, \
                and the transitions before (local mode only: `strata serve --poll`)",
            params: vec![project.clone()],
            ok: ("200", json_response::<t::StatusDoc>(g, "The live status")),
            errors: &[404, 503],
            ..Op::default()
        },
        Op {
            method: "post",
            path: "/api/v1/projects/{project}/metrics",
            id: "pushMetrics",
            tag: "modules",
            summary: "Store samples of the modules' runtime metrics (`strata metrics push`); \
                a sample of a module, metric and second already stored is replaced",
            params: vec![project.clone()],
            body: Some(body::<t::SamplesBody>(g, "The samples")),
            ok: ("200", json_response::<t::MetricsStored>(g, "Stored")),
            errors: &[400, 404, 413, 415, 503],
        },
        Op {
            method: "get",
            path: "/api/v1/projects/{project}/budgets",
            id: "getBudgets",
            tag: "modules",
            summary: "Runtime budgets: each budget's status, trend and time-to-breach forecast \
                (`strata budgets`), from the latest snapshot's budgets and the stored samples",
            params: vec![
                project.clone(),
                param(
                    "query",
                    "horizon",
                    "A breach forecast within this many days makes a budget `at-risk`",
                    json!({ "type": "number", "exclusiveMinimum": 0, "maximum": 36500, "default": 30 }),
                ),
                param(
                    "query",
                    "window",
                    "Each trend is fitted on this many days before the budget's latest sample",
                    json!({ "type": "number", "exclusiveMinimum": 0, "maximum": 36500, "default": 14 }),
                ),
            ],
            ok: ("200", json_response::<t::BudgetsDoc>(g, "The budgets")),
            errors: &[400, 404, 503],
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/projects/{project}/waves",
            id: "getWaves",
            tag: "analysis",
            summary: "Deployment waves over the module graph (`strata waves`)",
            params: vec![project, snapshot],
            ok: ("200", json_response::<t::WavesDoc>(g, "The waves")),
            errors: reads,
            ..Op::default()
        },
        Op {
            method: "post",
            path: "/api/v1/tenants",
            id: "createTenant",
            tag: "access",
            summary: "Create a tenant and its first admin token (server admin)",
            body: Some(body::<t::NewTenant>(g, "The tenant")),
            ok: ("201", json_response::<t::TenantCreated>(g, "Created")),
            errors: &[400, 404, 409, 413, 415, 503],
            ..Op::default()
        },
        Op {
            method: "delete",
            path: "/api/v1/tenants/{tenant}",
            id: "deleteTenant",
            tag: "access",
            summary: "Erase a tenant: every row it owns (server admin)",
            params: vec![param(
                "path",
                "tenant",
                "The tenant's name",
                json!({ "type": "string" }),
            )],
            ok: ("204", json!({ "description": "Erased" })),
            errors: &[400, 404, 503],
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/tokens",
            id: "listTokens",
            tag: "access",
            summary: "The tenant's tokens, never their secrets (admin)",
            ok: ("200", json_response::<t::TokenList>(g, "The tokens")),
            errors: &[404, 503],
            ..Op::default()
        },
        Op {
            method: "post",
            path: "/api/v1/tokens",
            id: "createToken",
            tag: "access",
            summary: "Create a token; its secret is shown once (admin)",
            body: Some(body::<t::NewToken>(g, "The token")),
            ok: ("201", json_response::<t::TokenCreated>(g, "Created")),
            errors: &[400, 404, 413, 415, 503],
            ..Op::default()
        },
        Op {
            method: "delete",
            path: "/api/v1/tokens/{id}",
            id: "revokeToken",
            tag: "access",
            summary: "Revoke a token (admin)",
            params: vec![param(
                "path",
                "id",
                "The token's id (`tok_…`)",
                json!({ "type": "string" }),
            )],
            ok: ("204", json!({ "description": "Revoked" })),
            errors: &[400, 404, 503],
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/audit",
            id: "getAudit",
            tag: "access",
            summary: "The tenant's audit log, hash-chained; reading it is an event too (admin)",
            params: vec![
                param(
                    "query",
                    "from",
                    "Events at or after, seconds since the epoch",
                    schema::<i64>(g),
                ),
                param(
                    "query",
                    "to",
                    "Events at or before, seconds since the epoch",
                    schema::<i64>(g),
                ),
                param(
                    "query",
                    "actor",
                    "Only this actor's events",
                    schema::<String>(g),
                ),
                param(
                    "query",
                    "action",
                    "Only this action's events",
                    schema::<String>(g),
                ),
            ],
            ok: ("200", json_response::<t::AuditLog>(g, "The events")),
            errors: &[400, 503],
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/tenant/export",
            id: "exportTenant",
            tag: "access",
            summary: "Everything the tenant owns, as JSON (data portability; admin)",
            ok: (
                "200",
                json_response::<t::TenantExport>(g, "The tenant's data"),
            ),
            errors: &[503],
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/api/v1/compliance",
            id: "getCompliance",
            tag: "access",
            summary: "Access report for a period: per actor, changes, denials, failed authentications, token lifecycle (admin)",
            params: vec![
                param(
                    "query",
                    "from",
                    "Events at or after, seconds since the epoch",
                    schema::<i64>(g),
                ),
                param(
                    "query",
                    "to",
                    "Events at or before, seconds since the epoch",
                    schema::<i64>(g),
                ),
                param(
                    "query",
                    "format",
                    "`json` (default) or `csv` (one row per event)",
                    json!({ "type": "string", "enum": ["json", "csv"], "default": "json" }),
                ),
            ],
            ok: ("200", {
                let mut r = json_response::<t::ComplianceReport>(g, "The report");
                r["content"]["text/csv"] = json!({ "schema": { "type": "string" } });
                r
            }),
            errors: &[400, 503],
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/healthz",
            id: "healthz",
            tag: "service",
            summary: "Liveness: the process answers",
            ok: ("200", text_response("Alive")),
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/readyz",
            id: "readyz",
            tag: "service",
            summary: "Readiness: the registry database is reachable and migrated",
            ok: ("200", text_response("Ready")),
            errors: &[503],
            ..Op::default()
        },
        Op {
            method: "get",
            path: "/openapi.json",
            id: "getOpenapi",
            tag: "service",
            summary: "This document",
            ok: ("200", json_response::<Map<String, Value>>(g, "OpenAPI 3.1")),
            ..Op::default()
        },
    ];

    let mut paths = Map::new();
    for op in operations {
        let (path, method) = (op.path, op.method);
        paths.entry(path).or_insert_with(|| json!({}))[method] = op.into_json();
    }
    let problem = json!({ "application/problem+json": { "schema": schema::<t::Problem>(g) } });
    let responses: Map<String, Value> = ERRORS
        .iter()
        .map(|&(_, name, description)| {
            let response = json!({ "description": description, "content": problem });
            (name.to_owned(), response)
        })
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "strata registry",
            "version": version,
            "description": "The module registry of strata (DESIGN.md §9): projects, their \
                snapshots, and the engine's documents of each snapshot. Errors are RFC 9457 \
                problems.",
        },
        "tags": [
            { "name": "projects", "description": "Projects and their snapshots" },
            { "name": "modules", "description": "The module registry" },
            { "name": "analysis", "description": "The engine's documents of a snapshot" },
            { "name": "access", "description": "Tenants, tokens and the audit log" },
            { "name": "service", "description": "Probes and this document" },
        ],
        // A bearer token when the server authenticates (it has a server admin token); none
        // on a loopback server without one.
        "security": [{ "bearer": [] }, {}],
        "paths": paths,
        "components": {
            "schemas": generator.take_definitions(true),
            "responses": responses,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A tenant's token (`strata_…`) or the server admin token",
                },
            },
        },
    })
}

/// One operation of the API.
#[derive(Default)]
struct Op<'a> {
    method: &'a str,
    path: &'a str,
    id: &'a str,
    tag: &'a str,
    summary: &'a str,
    params: Vec<Value>,
    body: Option<Value>,
    /// The success status and its response.
    ok: (&'a str, Value),
    /// The error statuses, each one of [`ERRORS`].
    errors: &'a [u16],
}

impl Op<'_> {
    fn into_json(self) -> Value {
        let mut responses = Map::new();
        let (status, ok) = self.ok;
        responses.insert(status.to_owned(), ok);
        // Every API operation may be refused: a missing or bad token, a role too small.
        let api = self.path.starts_with("/api/");
        let refused = |status: u16| api && matches!(status, 401 | 403 | 408 | 429);
        for (status, name, _) in ERRORS
            .iter()
            .filter(|e| self.errors.contains(&e.0) || refused(e.0))
        {
            let reference = json!({ "$ref": format!("#/components/responses/{name}") });
            responses.insert(status.to_string(), reference);
        }
        let mut operation = json!({
            "operationId": self.id,
            "tags": [self.tag],
            "summary": self.summary,
            "responses": responses,
        });
        if !self.params.is_empty() {
            operation["parameters"] = Value::Array(self.params);
        }
        if !api {
            // The probes and this document are public.
            operation["security"] = json!([]);
        }
        if let Some(body) = self.body {
            operation["requestBody"] = body;
        }
        operation
    }
}

/// The range of an integer schema, from the Rust type behind its `format`. schemars writes
/// `format: uint32` and `minimum: 0` but no maximum, and OpenAPI's format registry names only
/// `int32` and `int64`: without the bounds written out, a client (or a fuzzer) may send a
/// number the server cannot read, which the document said it could.
fn integer_bounds(schema: &mut Schema) {
    let bounds: (i128, i128) = match schema.get("format").and_then(Value::as_str) {
        Some("int8") => (i8::MIN.into(), i8::MAX.into()),
        Some("int16") => (i16::MIN.into(), i16::MAX.into()),
        Some("int32") => (i32::MIN.into(), i32::MAX.into()),
        Some("int64" | "int") => (i64::MIN.into(), i64::MAX.into()),
        Some("uint8") => (0, u8::MAX.into()),
        Some("uint16") => (0, u16::MAX.into()),
        Some("uint32") => (0, u32::MAX.into()),
        Some("uint64" | "uint") => (0, u64::MAX.into()),
        _ => return,
    };
    for (key, bound) in [("minimum", bounds.0), ("maximum", bounds.1)] {
        if schema.get(key).is_none() {
            // Every bound fits an i64 or a u64, so it is a JSON number.
            let number = i64::try_from(bound).map_or_else(
                |_| json!(u64::try_from(bound).unwrap_or(u64::MAX)),
                |n| json!(n),
            );
            schema.insert(key.to_owned(), number);
        }
    }
}

/// `T`'s schema: a `$ref` into `components/schemas` for a named type.
fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    g.subschema_for::<T>().to_value()
}

/// A JSON response holding a `T`.
fn json_response<T: JsonSchema>(g: &mut SchemaGenerator, description: &str) -> Value {
    let content = json!({ "application/json": { "schema": schema::<T>(g) } });
    json!({ "description": description, "content": content })
}

/// A required JSON request body holding a `T`.
fn body<T: JsonSchema>(g: &mut SchemaGenerator, description: &str) -> Value {
    let content = json!({ "application/json": { "schema": schema::<T>(g) } });
    json!({ "description": description, "required": true, "content": content })
}

fn text_response(description: &str) -> Value {
    let content = json!({ "text/plain": { "schema": { "type": "string" } } });
    json!({ "description": description, "content": content })
}

/// A path parameter (required) or a query parameter (optional).
fn param(place: &str, name: &str, description: &str, schema: Value) -> Value {
    let mut param = json!({ "name": name, "in": place, "description": description });
    param["required"] = Value::Bool(place == "path");
    param["schema"] = schema;
    param
}
