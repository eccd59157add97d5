//! Tenants (the server admin's), tokens and the audit log (a tenant admin's).

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::body::Body;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};
use strata_store::{EventFilter, Role, TokenRecord};

use crate::auth::{Caller, Who, forbid, new_secret, now, record, require, secret_hash};
use crate::{
    Answer, AppState, PathOf, Problem, blocking, int_param, json_value, parse_json, read_body,
    store_call, valid_project_name,
};

/// Tenants and tokens exist only when the server authenticates.
fn auth_on(state: &AppState) -> Result<(), Problem> {
    if state.auth.enabled() {
        Ok(())
    } else {
        Err(Problem::not_found(
            "authentication is off: start `strata serve` with a server admin token \
             (`STRATA_ADMIN_TOKEN` or `--admin-token-file`) or `[server.oidc]` to manage \
             tenants and tokens"
                .into(),
        ))
    }
}

/// Only the server admin token manages tenants; anyone else is denied (and audited).
async fn server_admin(
    state: &AppState,
    caller: &Caller,
    resource: (&str, &str),
) -> Result<(), Problem> {
    if matches!(caller.who, Who::ServerAdmin) {
        return Ok(());
    }
    let tenant = caller.tenant().unwrap_or("");
    let detail = "tenants are managed with the server admin token".to_owned();
    Err(forbid(state, caller, tenant, resource, "server-admin", detail).await)
}

/// A new token of `tenant`: its record and its secret (shown once).
fn mint(
    tenant: &str,
    name: &str,
    role: Role,
    expires_at: Option<i64>,
) -> Result<(TokenRecord, String), Problem> {
    let (secret, id) = new_secret()?;
    Ok((
        TokenRecord {
            id,
            tenant: tenant.to_owned(),
            name: name.to_owned(),
            role,
            hash: secret_hash(&secret),
            created_at: now(),
            expires_at,
            last_used_at: None,
            revoked_at: None,
        },
        secret,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTenant {
    name: String,
}

pub async fn create_tenant(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    auth_on(&state)?;
    server_admin(&state, &caller, ("tenant", "")).await?;
    let body = read_body(&headers, body, state.settings.max_body).await?;
    let NewTenant { name } = parse_json(&body, "`{\"name\": \"…\"}`")?;
    if !valid_project_name(&name) {
        return Err(Problem::bad_request(format!(
            "`{name}` is not a tenant name: use 1 to 100 letters, digits, `.`, `_` or `-`"
        )));
    }
    let (token, secret) = mint(&name, "first admin", Role::Admin, None)?;
    let (n, t) = (name.clone(), token.clone());
    let created = blocking(&state, move |s| {
        if !store_call(s.create_tenant(&n, now()))? {
            return Ok(false);
        }
        store_call(s.put_token(&t))?;
        Ok(true)
    })
    .await?;
    if !created {
        return Err(Problem {
            status: StatusCode::CONFLICT,
            title: "Conflict",
            detail: format!("tenant `{name}` exists"),
        });
    }
    record(
        &state.store,
        caller.event("", "tenant.create", ("tenant", &name), json!({})),
    )
    .await?;
    let event = caller.event(
        &name,
        "token.create",
        ("token", &token.id),
        json!({"name": token.name, "role": token.role.as_str()}),
    );
    record(&state.store, event).await?;
    Ok(json_value(
        StatusCode::CREATED,
        &json!({"name": name, "token": secret}),
    ))
}

pub async fn delete_tenant(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(tenant): PathOf<String>,
) -> Answer {
    auth_on(&state)?;
    server_admin(&state, &caller, ("tenant", &tenant)).await?;
    let t = tenant.clone();
    if !blocking(&state, move |s| store_call(s.delete_tenant(&t))).await? {
        return Err(Problem::not_found(format!("no tenant `{tenant}`")));
    }
    record(
        &state.store,
        caller.event("", "tenant.delete", ("tenant", &tenant), json!({})),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn token_json(t: &TokenRecord) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "role": t.role.as_str(),
        "created_at": t.created_at,
        "expires_at": t.expires_at,
        "last_used_at": t.last_used_at,
        "revoked_at": t.revoked_at,
    })
}

pub async fn tokens(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Answer {
    auth_on(&state)?;
    let tenant = require(&state, &caller, Role::Admin, ("tokens", "")).await?;
    let list = blocking(&state, move |s| store_call(s.tokens(&tenant))).await?;
    let tokens: Vec<Value> = list.iter().map(token_json).collect();
    Ok(json_value(StatusCode::OK, &json!({ "tokens": tokens })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewToken {
    name: String,
    role: Role,
    #[serde(default)]
    expires_at: Option<i64>,
}

pub async fn create_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    auth_on(&state)?;
    let tenant = require(&state, &caller, Role::Admin, ("tokens", "")).await?;
    let body = read_body(&headers, body, state.settings.max_body).await?;
    let request: NewToken = parse_json(
        &body,
        "`{\"name\": \"…\", \"role\": \"viewer|editor|admin\", \"expires_at\": SECONDS?}`",
    )?;
    let name = request.name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(Problem::bad_request(
            "a token's name is 1 to 100 characters".into(),
        ));
    }
    if request.expires_at.is_some_and(|e| e <= now()) {
        return Err(Problem::bad_request("`expires_at` is in the past".into()));
    }
    let (token, secret) = mint(&tenant, name, request.role, request.expires_at)?;
    let t = token.clone();
    blocking(&state, move |s| store_call(s.put_token(&t))).await?;
    let event = caller.event(
        &tenant,
        "token.create",
        ("token", &token.id),
        json!({"name": token.name, "role": token.role.as_str(), "expires_at": token.expires_at}),
    );
    record(&state.store, event).await?;
    let mut answer = token_json(&token);
    answer["token"] = json!(secret);
    Ok(json_value(StatusCode::CREATED, &answer))
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(id): PathOf<String>,
) -> Answer {
    auth_on(&state)?;
    let tenant = require(&state, &caller, Role::Admin, ("token", &id)).await?;
    let (t, i) = (tenant.clone(), id.clone());
    if !blocking(&state, move |s| store_call(s.revoke_token(&t, &i, now()))).await? {
        return Err(Problem::not_found(format!(
            "no token `{id}` (or it is revoked already)"
        )));
    }
    record(
        &state.store,
        caller.event(&tenant, "token.revoke", ("token", &id), json!({})),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn audit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let tenant = require(&state, &caller, Role::Admin, ("audit", "")).await?;
    let filter = EventFilter {
        from: int_param(&q, "from", SECONDS)?,
        to: int_param(&q, "to", SECONDS)?,
        actor: q.get("actor").cloned(),
        action: q.get("action").cloned(),
    };
    let (t, f) = (tenant.clone(), filter.clone());
    let events = blocking(&state, move |s| store_call(s.events(&t, &f))).await?;
    // Reading the log is itself an event.
    let event = caller.event(
        &tenant,
        "audit.read",
        ("audit", ""),
        json!({"from": filter.from, "to": filter.to, "actor": filter.actor, "action": filter.action, "events": events.len()}),
    );
    record(&state.store, event).await?;
    Ok(json_value(StatusCode::OK, &json!({ "events": events })))
}

/// Everything a tenant owns: projects with every snapshot and document, tokens (never their
/// secrets) and the audit chain.
pub async fn export(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Answer {
    let tenant = require(&state, &caller, Role::Admin, ("tenant", "")).await?;
    let t = tenant.clone();
    let body = blocking(&state, move |s| {
        let mut out = String::from("{\"tenant\":");
        out.push_str(&json!(t).to_string());
        let _ = write!(out, ",\"exported_at\":{},\"projects\":[", now());
        for (i, p) in store_call(s.projects(&t))?.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"name\":{},\"snapshots\":[", json!(p.name));
            let snapshots = store_call(s.snapshots(&t, &p.name))?.unwrap_or_default();
            for (j, info) in snapshots.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                let mut head = crate::info_json(info).to_string();
                head.pop();
                out.push_str(&head);
                out.push_str(",\"documents\":{");
                let mut first = true;
                for kind in strata_store::DOCUMENT_KINDS {
                    // Documents are stored JSON: they go in as they are.
                    if let Some(text) = store_call(s.document(&t, info.id, kind))? {
                        if !first {
                            out.push(',');
                        }
                        first = false;
                        let _ = write!(out, "\"{kind}\":{text}");
                    }
                }
                out.push_str("}}");
            }
            out.push_str("]}");
        }
        let tokens: Vec<Value> = store_call(s.tokens(&t))?.iter().map(token_json).collect();
        let audit = store_call(s.events(&t, &EventFilter::default()))?;
        let _ = write!(
            out,
            "],\"tokens\":{},\"audit\":{}}}",
            Value::Array(tokens),
            serde_json::to_string(&audit).unwrap_or_else(|_| "[]".into())
        );
        Ok(out)
    })
    .await?;
    record(
        &state.store,
        caller.event(
            &tenant,
            "tenant.export",
            ("tenant", &tenant),
            json!({"bytes": body.len()}),
        ),
    )
    .await?;
    Ok((
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

/// What kind of thing an audit action is, for the compliance report.
fn category(action: &str) -> &'static str {
    match action {
        "auth.failed" => "failed_authentication",
        "access.denied" => "denied",
        "audit.read" | "tenant.export" | "compliance.read" => "read",
        _ => "change",
    }
}

/// What a time parameter is.
const SECONDS: &str = "seconds since the epoch";

/// A CSV field, quoted when it must be (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The access report of a period, from the tenant's audit log: JSON or CSV.
pub async fn compliance(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let tenant = require(&state, &caller, Role::Admin, ("compliance", "")).await?;
    let (from, to) = (
        int_param(&q, "from", SECONDS)?,
        int_param(&q, "to", SECONDS)?,
    );
    let csv = match q.get("format").map_or("json", String::as_str) {
        "json" => false,
        "csv" => true,
        other => {
            return Err(Problem::bad_request(format!(
                "`format` is `json` or `csv`, not `{other}`"
            )));
        }
    };
    let filter = EventFilter {
        from,
        to,
        ..EventFilter::default()
    };
    let t = tenant.clone();
    let events = blocking(&state, move |s| store_call(s.events(&t, &filter))).await?;
    record(
        &state.store,
        caller.event(
            &tenant,
            "compliance.read",
            ("compliance", ""),
            json!({"from": from, "to": to, "format": if csv { "csv" } else { "json" }}),
        ),
    )
    .await?;
    if csv {
        let mut out = String::from(
            "created_at,actor,action,category,resource_type,resource_id,ip,user_agent,details\r\n",
        );
        for e in &events {
            let n = &e.event;
            let fields = [
                n.created_at.to_string(),
                n.actor.clone(),
                n.action.clone(),
                category(&n.action).to_owned(),
                n.resource_type.clone(),
                n.resource_id.clone(),
                n.ip.clone().unwrap_or_default(),
                n.user_agent.clone().unwrap_or_default(),
                n.details.to_string(),
            ];
            let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        }
        return Ok((
            StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "text/csv")],
            out,
        )
            .into_response());
    }
    let mut actors: std::collections::BTreeMap<&str, Value> = std::collections::BTreeMap::new();
    let mut lists: HashMap<&str, Vec<&strata_store::Event>> = HashMap::new();
    for e in &events {
        let n = &e.event;
        let kind = category(&n.action);
        let a = actors.entry(&n.actor).or_insert_with(|| {
            json!({"actor": n.actor, "events": 0, "changes": 0, "reads": 0, "denied": 0,
                   "failed_authentications": 0, "first_seen": n.created_at, "last_seen": n.created_at})
        });
        let bump = |a: &mut Value, key: &str| a[key] = json!(a[key].as_u64().unwrap_or(0) + 1);
        bump(a, "events");
        bump(
            a,
            match kind {
                "failed_authentication" => "failed_authentications",
                "denied" => "denied",
                "read" => "reads",
                _ => "changes",
            },
        );
        a["last_seen"] = json!(n.created_at);
        lists.entry(kind).or_default().push(e);
        if n.action.starts_with("token.") {
            lists.entry("tokens").or_default().push(e);
        }
    }
    let list = |k: &str| json!(lists.get(k).cloned().unwrap_or_default());
    Ok(json_value(
        StatusCode::OK,
        &json!({
            "tenant": tenant,
            "from": from,
            "to": to,
            "generated_at": now(),
            "actors": actors.into_values().collect::<Vec<_>>(),
            "changes": list("change"),
            "reads": list("read"),
            "denied": list("denied"),
            "failed_authentications": list("failed_authentication"),
            "token_lifecycle": list("tokens"),
        }),
    ))
}
