//! `GET /metrics`: the Prometheus text format (version 0.0.4). The server's own requests
//! (counted and timed per route by a middleware) and, from each project's latest snapshot, its
//! modules' health scores, its findings by severity and rule, and the snapshot's age. Series of
//! the registry carry the tenant as a label, as the same project name may exist in several.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Extension;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::auth::{Caller, Who};
use crate::views::View;
use crate::{AppState, DEFAULT_TENANT, Problem};

/// Upper bounds of the request duration histogram, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    /// Observations at most each bound (not cumulative; summed when written).
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// The server's request counters, by route (the matched path template) and status.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    durations: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    fn observe(&self, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        {
            let mut r = self
                .requests
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *r.entry((route.to_owned(), status)).or_default() += 1;
        }
        let mut d = self
            .durations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let h = d.entry(route.to_owned()).or_default();
        if let Some(i) = BUCKETS.iter().position(|&b| secs <= b) {
            h.buckets[i] += 1;
        }
        h.sum += secs;
        h.count += 1;
    }

    fn write(&self, out: &mut String) {
        out.push_str(
            "# HELP strata_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE strata_http_requests_total counter\n");
        for ((route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            let _ = writeln!(
                out,
                "strata_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str(
            "# HELP strata_http_request_duration_seconds Time to answer HTTP requests, by route.\n",
        );
        out.push_str("# TYPE strata_http_request_duration_seconds histogram\n");
        for (route, h) in self
            .durations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            let route = escape(route);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "strata_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "strata_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "strata_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "strata_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
    }
}

/// A label value as the text format wants it: backslash, double quote and line feed escaped.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Count and time every request by the route it matched.
pub(crate) async fn record(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let start = Instant::now();
    let response = next.run(request).await;
    state
        .metrics
        .observe(&route, response.status().as_u16(), start.elapsed());
    response
}

/// `GET /metrics`: the whole server's, so for the server admin (or anyone on a server
/// without authentication).
pub(crate) async fn metrics(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, Problem> {
    if !matches!(caller.who, Who::Local | Who::ServerAdmin) {
        return Err(crate::auth::forbid(
            &state,
            &caller,
            caller.tenant().unwrap_or_default(),
            ("metrics", "/metrics"),
            "server admin",
            "the metrics span every tenant: scrape them with the server admin token".into(),
        )
        .await);
    }
    let state2 = state.clone();
    let registry = tokio::task::spawn_blocking(move || registry_series(&state2))
        .await
        .map_err(|e| Problem::internal(e.to_string()))??;
    let mut out = registry;
    module_up(&state, &mut out);
    state.metrics.write(&mut out);
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response())
}

/// `strata_module_up`: local mode's live status, once a check has run (`--poll`).
fn module_up(state: &AppState, out: &mut String) {
    let crate::status::Live::On(monitor) = state.status.as_ref() else {
        return;
    };
    let report = monitor.report();
    if report.checked_at.is_none() {
        return;
    }
    out.push_str("# HELP strata_module_up Whether a module's liveness endpoint answered 2xx at the last check.\n");
    out.push_str("# TYPE strata_module_up gauge\n");
    for m in &report.modules {
        let up = u8::from(matches!(m.state, crate::api_types::LiveState::Up));
        let _ = writeln!(
            out,
            "strata_module_up{{tenant=\"{DEFAULT_TENANT}\",project=\"{}\",module=\"{}\",env=\"{}\"}} {up}",
            escape(monitor.project()),
            escape(&m.name),
            escape(&report.environment)
        );
    }
}

/// The series read from each project's latest snapshot.
fn registry_series(state: &AppState) -> Result<String, Problem> {
    let store = state.store.as_ref();
    let mut tenants = store.tenants().map_err(Problem::from)?;
    if !tenants.iter().any(|t| t == DEFAULT_TENANT) {
        tenants.push(DEFAULT_TENANT.to_owned());
    }
    let now = crate::auth::now();
    let (mut scores, mut findings, mut ages) = (String::new(), String::new(), String::new());
    for tenant in &tenants {
        for project in store.projects(tenant).map_err(Problem::from)? {
            let Some(info) = project.latest else {
                continue;
            };
            let labels = format!(
                "tenant=\"{}\",project=\"{}\"",
                escape(tenant),
                escape(&project.name)
            );
            let _ = writeln!(
                ages,
                "strata_snapshot_age_seconds{{{labels}}} {}",
                (now - info.created_at).max(0)
            );
            let view = state
                .views
                .get(info.id, || View::build(store, tenant, info.clone()))?;
            let modules: Value = serde_json::from_slice(&view.modules).unwrap_or_default();
            for m in modules["modules"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if let (Some(name), Some(score)) =
                    (m["name"].as_str(), m["health"]["score"].as_f64())
                {
                    let _ = writeln!(
                        scores,
                        "strata_module_health_score{{{labels},module=\"{}\"}} {score}",
                        escape(name)
                    );
                }
            }
            let mut counts: BTreeMap<(&str, &str), u64> = BTreeMap::new();
            for f in &view.findings {
                let severity = f["severity"].as_str().unwrap_or("error");
                let rule = f["rule"].as_str().unwrap_or_default();
                *counts.entry((severity, rule)).or_default() += 1;
            }
            for ((severity, rule), n) in counts {
                let _ = writeln!(
                    findings,
                    "strata_findings{{{labels},severity=\"{severity}\",rule=\"{}\"}} {n}",
                    escape(rule)
                );
            }
        }
    }
    let mut out = String::new();
    out.push_str("# HELP strata_module_health_score A module's health score (0 to 10) in its project's latest snapshot.\n");
    out.push_str("# TYPE strata_module_health_score gauge\n");
    out.push_str(&scores);
    out.push_str(
        "# HELP strata_findings Findings in a project's latest snapshot, by severity and rule.\n",
    );
    out.push_str("# TYPE strata_findings gauge\n");
    out.push_str(&findings);
    out.push_str("# HELP strata_snapshot_age_seconds Seconds since a project's latest snapshot was stored.\n");
    out.push_str("# TYPE strata_snapshot_age_seconds gauge\n");
    out.push_str(&ages);
    Ok(out)
}
