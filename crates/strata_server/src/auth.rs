//! Who is asking: bearer tokens (a tenant's, with a role, or the server admin's), checked on
//! every request under `/api/v1`, and the audit events of what they did and were denied.
//!
//! Without a server admin token the registry is open (local mode, loopback only): every
//! request is the local user, an admin of [`crate::DEFAULT_TENANT`].

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use strata_store::{NewEvent, Role, Store, TokenRecord};

use crate::problem::Problem;
use crate::{AppState, DEFAULT_TENANT};

/// Every token starts with this, so that secret scanners recognise one.
pub const TOKEN_PREFIX: &str = "strata_";

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `n` random bytes in base62.
fn random_base62(n: usize) -> Result<String, Problem> {
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes)
        .map_err(|e| Problem::internal(format!("no randomness for a token: {e}")))?;
    // Repeated division of the big-endian number by 62.
    let mut out = Vec::new();
    while bytes.iter().any(|&b| b != 0) {
        let mut rem = 0u32;
        for b in &mut bytes {
            let cur = (rem << 8) | u32::from(*b);
            *b = u8::try_from(cur / 62).unwrap_or(0);
            rem = cur % 62;
        }
        out.push(DIGITS[rem as usize]);
    }
    out.reverse();
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// A new secret (`strata_` and 32 random bytes in base62) and a new public id.
pub fn new_secret() -> Result<(String, String), Problem> {
    Ok((
        format!("{TOKEN_PREFIX}{}", random_base62(32)?),
        format!("tok_{}", random_base62(9)?),
    ))
}

/// The SHA-256 of a secret, hex: all the store keeps of it.
pub fn secret_hash(secret: &str) -> String {
    strata_store::sha256_hex(secret)
}

/// Equal in time independent of where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Who a request is from.
#[derive(Clone, Debug)]
pub enum Who {
    /// Authentication is off (a loopback server without a server admin token).
    Local,
    /// No valid token (only while being refused).
    Anonymous,
    /// An OIDC identity token's subject, tenant and role.
    Oidc(crate::Identity),
    /// The server admin token: manages tenants, reads nothing of theirs.
    ServerAdmin,
    Token(TokenRecord),
}

/// A request's caller and where it came from.
#[derive(Clone, Debug)]
pub struct Caller {
    pub who: Who,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Caller {
    /// The actor of its audit events.
    pub fn actor(&self) -> String {
        match &self.who {
            Who::Local => "local".into(),
            Who::Anonymous => "anonymous".into(),
            Who::Oidc(id) => format!("oidc:{}", id.subject),
            Who::ServerAdmin => "server-admin".into(),
            Who::Token(t) => format!("token:{} ({})", t.id, t.name),
        }
    }

    /// The tenant it acts in, if any.
    pub fn tenant(&self) -> Option<&str> {
        match &self.who {
            Who::Local => Some(DEFAULT_TENANT),
            Who::Anonymous | Who::ServerAdmin => None,
            Who::Token(t) => Some(&t.tenant),
            Who::Oidc(id) => Some(&id.tenant),
        }
    }

    fn role(&self) -> Option<Role> {
        match &self.who {
            Who::Local => Some(Role::Admin),
            Who::Anonymous | Who::ServerAdmin => None,
            Who::Token(t) => Some(t.role),
            Who::Oidc(id) => Some(id.role),
        }
    }

    /// An audit event by this caller.
    pub fn event(
        &self,
        tenant: &str,
        action: &str,
        resource: (&str, &str),
        details: Value,
    ) -> NewEvent {
        NewEvent {
            tenant: tenant.to_owned(),
            actor: self.actor(),
            action: action.to_owned(),
            resource_type: resource.0.to_owned(),
            resource_id: resource.1.to_owned(),
            details,
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
            created_at: now(),
        }
    }
}

/// How requests are authenticated and limited.
#[derive(Clone)]
pub struct AuthSettings {
    /// SHA-256 of the server admin token.
    pub admin_token_hash: Option<String>,
    /// Identity tokens accepted as bearer tokens (`[server.oidc]`).
    pub oidc: Option<Arc<crate::Oidc>>,
    /// Requests per second each token may make, on average (0: no limit).
    pub rate: f64,
    /// How many requests a token may make at once, above the rate.
    pub burst: f64,
}

impl Default for AuthSettings {
    fn default() -> AuthSettings {
        AuthSettings {
            admin_token_hash: None,
            oidc: None,
            rate: 50.0,
            burst: 100.0,
        }
    }
}

/// Per-token token buckets: each holds up to `burst` requests and refills at `rate` per second.
#[derive(Default)]
pub struct Limiter {
    buckets: std::sync::Mutex<std::collections::HashMap<String, (f64, std::time::Instant)>>,
}

impl Limiter {
    /// Take one request from `key`'s bucket; `Err(seconds)` to wait when it is empty.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a small positive wait
    fn take(&self, key: &str, rate: f64, burst: f64) -> Result<(), u64> {
        let now = std::time::Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (level, at) = buckets.entry(key.to_owned()).or_insert((burst, now));
        *level = (*level + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *level >= 1.0 {
            *level -= 1.0;
            Ok(())
        } else {
            // Whole seconds until one request is back, at least one.
            let wait = ((1.0 - *level) / rate).ceil();
            Err(if wait.is_finite() && wait >= 1.0 {
                wait.min(3600.0) as u64
            } else {
                1
            })
        }
    }
}

impl AuthSettings {
    /// Authentication is on with a server admin token or single sign-on.
    pub fn enabled(&self) -> bool {
        self.admin_token_hash.is_some() || self.oidc.is_some()
    }
}

/// Append an audit event; a failure to record it fails the request (nothing happens that the
/// log does not show).
pub async fn record(store: &Arc<dyn Store>, event: NewEvent) -> Result<(), Problem> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || store.append_event(&event))
        .await
        .map_err(|e| Problem::internal(e.to_string()))?
        .map_err(Problem::from)?;
    Ok(())
}

/// The tenant a caller acts in with at least `need`, or the 403 (audited) that says why not.
pub async fn require(
    state: &AppState,
    caller: &Caller,
    need: Role,
    resource: (&str, &str),
) -> Result<String, Problem> {
    match (caller.tenant(), caller.role()) {
        (Some(tenant), Some(role)) if role >= need => Ok(tenant.to_owned()),
        (tenant, role) => {
            let detail = match role {
                None => "the server admin token manages tenants only: use a token of the tenant"
                    .to_owned(),
                Some(role) => format!(
                    "this needs the `{}` role; the token has `{}`",
                    need.as_str(),
                    role.as_str()
                ),
            };
            Err(forbid(
                state,
                caller,
                tenant.unwrap_or(""),
                resource,
                need.as_str(),
                detail,
            )
            .await)
        }
    }
}

/// A 403, audited in `tenant`'s chain as a request denied for lack of `needs`.
pub async fn forbid(
    state: &AppState,
    caller: &Caller,
    tenant: &str,
    resource: (&str, &str),
    needs: &str,
    detail: String,
) -> Problem {
    let event = caller.event(
        tenant,
        "access.denied",
        resource,
        json!({"status": 403, "needs": needs}),
    );
    if let Err(p) = record(&state.store, event).await {
        return p;
    }
    Problem {
        status: StatusCode::FORBIDDEN,
        title: "Forbidden",
        detail,
    }
}

fn unauthorized(detail: &str) -> Response {
    let mut response = Problem {
        status: StatusCode::UNAUTHORIZED,
        title: "Unauthorized",
        detail: detail.to_owned(),
    }
    .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer realm=\"strata\""),
    );
    response
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(256).collect())
}

/// Authenticate a request under `/api/v1` and put its [`Caller`] in its extensions.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let user_agent = header_text(request.headers(), header::USER_AGENT);
    let mut caller = Caller {
        who: Who::Local,
        ip,
        user_agent,
    };
    if request.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|p| p.starts_with("access_token=") || p.starts_with("token="))
    }) {
        return Problem::bad_request(
            "a token never goes in the URL (it would be logged): send `Authorization: Bearer …`"
                .into(),
        )
        .into_response();
    }
    if state.auth.enabled() {
        caller.who = Who::Anonymous;
        let bearer = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .map(str::to_owned);
        // The request's line, taken now: a body is not `Sync`, so no reference to the request
        // may be held across an await.
        let line = format!("{} {}", request.method(), request.uri().path());
        let denied = |reason: &str, tenant: &str, caller: &Caller| {
            caller.event(
                tenant,
                "auth.failed",
                ("request", &line),
                json!({"status": 401, "reason": reason}),
            )
        };
        let Some(secret) = bearer else {
            let event = denied("no bearer token", "", &caller);
            if let Err(p) = record(&state.store, event).await {
                return p.into_response();
            }
            return unauthorized("this registry needs `Authorization: Bearer <token>`");
        };
        let hash = secret_hash(&secret);
        let jwt = !secret.starts_with(TOKEN_PREFIX) && secret.matches('.').count() == 2;
        if let (true, Some(oidc)) = (jwt, &state.auth.oidc) {
            let oidc = Arc::clone(oidc);
            let verified = tokio::task::spawn_blocking(move || oidc.verify(&secret, now())).await;
            match verified {
                Ok(Ok(identity)) => caller.who = Who::Oidc(identity),
                Ok(Err(reason)) => {
                    let event = denied(&format!("identity token: {reason}"), "", &caller);
                    if let Err(p) = record(&state.store, event).await {
                        return p.into_response();
                    }
                    return unauthorized(&format!("the identity token is not accepted: {reason}"));
                }
                Err(e) => return Problem::internal(e.to_string()).into_response(),
            }
        } else if state
            .auth
            .admin_token_hash
            .as_ref()
            .is_some_and(|admin| same(hash.as_bytes(), admin.as_bytes()))
        {
            caller.who = Who::ServerAdmin;
        } else {
            let store = Arc::clone(&state.store);
            let lookup = hash.clone();
            let found = tokio::task::spawn_blocking(move || store.token_by_hash(&lookup)).await;
            let token = match found {
                Ok(Ok(t)) => t,
                Ok(Err(e)) => return Problem::from(e).into_response(),
                Err(e) => return Problem::internal(e.to_string()).into_response(),
            };
            let now = now();
            let (reason, tenant) = match &token {
                None => (Some("unknown token"), String::new()),
                Some(t) if t.revoked_at.is_some() => (Some("revoked token"), t.tenant.clone()),
                Some(t) if t.expires_at.is_some_and(|e| e <= now) => {
                    (Some("expired token"), t.tenant.clone())
                }
                Some(t) => (None, t.tenant.clone()),
            };
            if let Some(reason) = reason {
                if let Some(t) = &token {
                    caller.who = Who::Token(t.clone());
                }
                let event = denied(reason, &tenant, &caller);
                if let Err(p) = record(&state.store, event).await {
                    return p.into_response();
                }
                return unauthorized(&format!("the bearer token is not valid ({reason})"));
            }
            if let Some(t) = token {
                let store = Arc::clone(&state.store);
                let id = t.id.clone();
                // Last use is informational: a failure to record it does not fail the request.
                let _ = tokio::task::spawn_blocking(move || store.touch_token(&id, now)).await;
                caller.who = Who::Token(t);
            }
        }
    }
    let key = match &caller.who {
        Who::Token(t) => Some(t.id.clone()),
        Who::Oidc(id) => Some(format!("oidc:{}:{}", id.tenant, id.subject)),
        Who::ServerAdmin => Some("server-admin".to_owned()),
        Who::Local | Who::Anonymous => None,
    };
    if let Some(key) = key.filter(|_| state.auth.rate > 0.0) {
        if let Err(wait) = state.limiter.take(&key, state.auth.rate, state.auth.burst) {
            let mut response = Problem {
                status: StatusCode::TOO_MANY_REQUESTS,
                title: "Too many requests",
                detail: format!(
                    "this token may make {} requests per second ({} at once); retry in {wait} s",
                    state.auth.rate, state.auth.burst
                ),
            }
            .into_response();
            if let Ok(v) = header::HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return response;
        }
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_recognisable() {
        let (a, id) = new_secret().unwrap();
        let (b, _) = new_secret().unwrap();
        assert!(a.starts_with("strata_") && a != b);
        // 32 bytes in base62: 43 digits, or fewer when the number starts with zeros.
        assert!((40..=43).contains(&(a.len() - TOKEN_PREFIX.len())), "{a}");
        assert!(
            a[TOKEN_PREFIX.len()..]
                .bytes()
                .all(|c| c.is_ascii_alphanumeric())
        );
        assert!(id.starts_with("tok_"));
        assert_eq!(secret_hash(&a).len(), 64);
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"ab", b"abc"));
    }
}
