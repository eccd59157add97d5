//! Runtime budgets over HTTP: `POST …/metrics` stores pushed samples of a project's modules,
//! `GET …/budgets` reports each module's budgets (from the latest snapshot's module records)
//! against them, with the forecasts of `strata_project::budgets`.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::json;
use strata_project::{
    DEFAULT_HORIZON_DAYS, DEFAULT_WINDOW_DAYS, SamplesError, declared_budgets, evaluate_budgets,
    parse_samples, samples_by_series,
};
use strata_store::{MetricQuery, MetricSample, Role};

use crate::auth::{Caller, record, require};
use crate::{
    Answer, AppState, PathOf, Problem, blocking, json_value, missing, read_body, snapshot_info,
    store_call, valid_project_name,
};

/// The latest snapshot's modules with their budgets, or a 404.
fn declared(
    store: &dyn strata_store::Store,
    tenant: &str,
    project: &str,
) -> Result<std::collections::BTreeMap<String, std::collections::BTreeMap<String, f64>>, Problem> {
    let info = snapshot_info(store, tenant, project, None)?;
    let text = store_call(store.document(tenant, info.id, "modules"))?.unwrap_or_default();
    declared_budgets(&text).map_err(|e| {
        Problem::internal(format!(
            "the modules document of snapshot {} does not parse: {e}",
            info.id
        ))
    })
}

/// `POST /api/v1/projects/{p}/metrics`: `{"samples": [{"module", "metric", "at", "value"}]}`.
pub(crate) async fn push(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let tenant = require(&state, &caller, Role::Editor, ("project", &project)).await?;
    if !valid_project_name(&project) {
        return Err(Problem::bad_request(format!(
            "`{project}` is not a project name: use 1 to 100 letters, digits, `.`, `_` or `-`"
        )));
    }
    let body = read_body(&headers, body, state.settings.max_body).await?;
    let samples = parse_samples(&body).map_err(|e| {
        Problem::bad_request(match e {
            SamplesError::Json { .. } => format!("the body is {e}"),
            SamplesError::Invalid { .. } => e.to_string(),
        })
    })?;
    let (t, p) = (tenant.clone(), project.clone());
    let found = blocking(&state, move |store| {
        let modules = declared(store, &t, &p)?;
        if let Some(unknown) = samples.iter().find(|s| !modules.contains_key(&s.module)) {
            return Err(Problem::bad_request(format!(
                "project `{p}` has no module `{}` (in its latest snapshot): push the samples of its modules only",
                unknown.module
            )));
        }
        store_call(store.put_metrics(&t, &p, &metric_rows(samples)))
    })
    .await;
    let stored = match found {
        Err(problem) if problem.status == StatusCode::NOT_FOUND => {
            return Err(missing(&state, &caller, &tenant, &project, problem).await);
        }
        other => other?,
    };
    let event = caller.event(
        &tenant,
        "metrics.push",
        ("project", &project),
        json!({ "samples": stored }),
    );
    record(&state.store, event).await?;
    Ok(json_value(StatusCode::OK, &json!({ "stored": stored })))
}

/// Pushed samples as the store keeps them.
pub fn metric_rows(samples: Vec<strata_project::PushedSample>) -> Vec<MetricSample> {
    samples
        .into_iter()
        .map(|s| MetricSample {
            module: s.module,
            metric: s.metric,
            at: s.at,
            value: s.value,
        })
        .collect()
}

/// A positive number of days from the query, or the default.
fn days_param(q: &HashMap<String, String>, key: &str, default: f64) -> Result<f64, Problem> {
    match q.get(key) {
        None => Ok(default),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|d| d.is_finite() && *d > 0.0 && *d <= 36_500.0)
            .ok_or_else(|| {
                Problem::bad_request(format!(
                    "`{key}` is a number of days (more than 0, at most 36500), not `{v}`"
                ))
            }),
    }
}

/// `GET /api/v1/projects/{p}/budgets[?horizon=DAYS&window=DAYS]`.
pub(crate) async fn budgets(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let tenant = require(&state, &caller, Role::Viewer, ("project", &project)).await?;
    let horizon = days_param(&q, "horizon", DEFAULT_HORIZON_DAYS)?;
    let window = days_param(&q, "window", DEFAULT_WINDOW_DAYS)?;
    let (t, p) = (tenant.clone(), project.clone());
    let found = blocking(&state, move |store| {
        let modules = declared(store, &t, &p)?;
        let all = MetricQuery {
            module: None,
            from: i64::MIN,
            to: i64::MAX,
        };
        let rows = store_call(store.metrics(&t, &p, &all))?;
        let samples = samples_by_series(
            rows.iter()
                .map(|r| (r.module.as_str(), r.metric.as_str(), r.at, r.value)),
        );
        Ok(evaluate_budgets(&modules, &samples, horizon, window))
    })
    .await;
    let doc = match found {
        Err(problem) if problem.status == StatusCode::NOT_FOUND => {
            return Err(missing(&state, &caller, &tenant, &project, problem).await);
        }
        other => other?,
    };
    Ok(json_value(
        StatusCode::OK,
        &serde_json::to_value(&doc).map_err(|e| Problem::internal(e.to_string()))?,
    ))
}
