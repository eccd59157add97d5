//! `strata metrics push FILE` and `strata metrics pull`: samples of the modules' runtime
//! metrics (`module.yaml` `budgets`) into a registry server, or into this repository's local
//! registry (`.strata/registry.db`, the one `strata serve` reads).

use std::collections::BTreeMap;
use std::io::Read as _;

use anyhow::Context as _;
use strata_project::Project;
use strata_project::{PushedSample, SamplesError, parse_samples};
use strata_server::{DEFAULT_TENANT, RangeQuery, RegistryTarget, query_range};
use strata_store::{MetricSample, SqliteStore, Store};
use strata_workspace::error::closest;

use crate::ExitStatus;
use crate::args::{GlobalArgs, MetricsArgs, MetricsCommand, RegistryArgs};
use crate::printer::{Hinted, Printer};

pub fn run(
    global: &GlobalArgs,
    args: &MetricsArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    match &args.command {
        MetricsCommand::Push { file, target } => push(global, file, target, printer),
        MetricsCommand::Pull { target } => pull(global, target, printer),
    }
}

/// The registry server to use: `--server`, else `$STRATA_SERVER`; `None`: the local registry.
pub fn server(target: &RegistryArgs) -> Option<String> {
    target.server.clone().or_else(|| {
        std::env::var("STRATA_SERVER")
            .ok()
            .filter(|s| !s.is_empty())
    })
}

/// The registry project and server of `target` for `project`.
pub fn registry_target(target: &RegistryArgs, project: &Project, server: String) -> RegistryTarget {
    RegistryTarget {
        server,
        project: target
            .project
            .clone()
            .unwrap_or_else(|| project.registry_name()),
        token: std::env::var("STRATA_TOKEN").ok().filter(|t| !t.is_empty()),
    }
}

/// This repository's local registry (created on first use).
pub fn local_store(project: &Project) -> anyhow::Result<SqliteStore> {
    let path = project.root.join(".strata").join("registry.db");
    Ok(SqliteStore::open(&path)?)
}

fn push(
    global: &GlobalArgs,
    file: &std::path::Path,
    target: &RegistryArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let (bytes, name) = if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("failed to read the samples from stdin")?;
        (bytes, "<stdin>".to_owned())
    } else {
        let bytes =
            std::fs::read(file).with_context(|| format!("failed to read `{}`", file.display()))?;
        (bytes, file.display().to_string())
    };
    let samples = parse_samples(&bytes).map_err(|e| match e {
        SamplesError::Json {
            line,
            column,
            message,
        } => anyhow::Error::new(Hinted {
            message: format!("`{name}:{line}:{column}`: not a samples document: {message}"),
            hint: "write `{\"samples\": [{\"module\": \"billing\", \"metric\": \"p99_ms\", \"at\": \"2026-03-01T12:00:00Z\", \"value\": 182.5}]}`".into(),
        }),
        e @ SamplesError::Invalid { .. } => anyhow::Error::new(Hinted {
            message: format!("`{name}`: {e}"),
            hint: "`metric` is a budget's name, `at` an RFC 3339 time or whole seconds since 1970, `value` a finite number".into(),
        }),
    })?;
    let project = super::load(global, printer)?;
    if let Some(server) = server(target) {
        let target = registry_target(target, project, server);
        let stored = target.push_metrics(&bytes)?;
        printer.note(&format!(
            "stored {stored} samples of project `{}` on {}",
            target.project,
            target.server.trim_end_matches('/')
        ));
        return Ok(ExitStatus::Success);
    }
    check_modules(project, &samples)?;
    let name = target
        .project
        .clone()
        .unwrap_or_else(|| project.registry_name());
    let stored = local_store(project)?.put_metrics(
        DEFAULT_TENANT,
        &name,
        &strata_server::metric_rows(samples),
    )?;
    printer.note(&format!(
        "stored {stored} samples of project `{name}` in the local registry `.strata/registry.db`"
    ));
    Ok(ExitStatus::Success)
}

/// The `(start, end)` of a pull at `now`: the last `range` seconds, both ends on whole multiples
/// of `step`. Prometheus evaluates a range query at `start`, `start + step`, …, and the registry
/// keeps one sample per second, so a window on the step's grid makes a second pull replace the
/// samples of the first: one that started at `now - range` would store every hour again, a few
/// seconds apart.
fn pull_window(now: i64, range: u64, step: u64) -> (i64, i64) {
    let step = i64::try_from(step).unwrap_or(i64::MAX).max(1);
    let end = now.div_euclid(step) * step;
    let start = end.saturating_sub(i64::try_from(range).unwrap_or(i64::MAX));
    // Rounded up, so the window never reads more than `range`.
    let start = start.div_euclid(step) * step + if start.rem_euclid(step) == 0 { 0 } else { step };
    (start, end)
}

/// An error naming the first sample whose module the repository does not have.
fn check_modules(project: &Project, samples: &[PushedSample]) -> anyhow::Result<()> {
    let Some(unknown) = samples.iter().find(|s| project.module(&s.module).is_none()) else {
        return Ok(());
    };
    let names = project.modules.iter().map(strata_project::Module::name);
    let hint = match closest(&unknown.module, names) {
        Some(c) => format!("did you mean `{c}`? `strata modules` lists every module"),
        None => "`strata modules` lists every module".into(),
    };
    Err(Hinted {
        message: format!(
            "the samples name module `{}`, which this repository does not have",
            unknown.module
        ),
        hint,
    }
    .into())
}

fn pull(
    global: &GlobalArgs,
    target: &RegistryArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let metrics = &project.config.config.metrics;
    let Some(base) = metrics.prometheus.as_deref() else {
        return Err(Hinted {
            message: "`strata metrics pull` needs `[metrics] prometheus` in strata.toml".into(),
            hint: "add `[metrics]` with `prometheus = \"http://prometheus:9090\"` and one query per budget under `[metrics.queries]`".into(),
        }
        .into());
    };
    let (range, step) = (metrics.range_seconds(), metrics.step_seconds());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let (start, end) = pull_window(now, range, step);
    let mut rows = Vec::new();
    let (mut series, mut unqueried) = (0, BTreeMap::<&str, Vec<&str>>::new());
    for module in &project.modules {
        let Some(schema) = module.declared.schema.as_ref() else {
            continue;
        };
        for metric in schema.budgets.keys() {
            let Some(query) = metrics.queries.get(metric) else {
                unqueried.entry(metric).or_default().push(module.name());
                continue;
            };
            let query = query.replace("$module", module.name());
            let values = query_range(&RangeQuery {
                base,
                query: &query,
                start,
                end,
                step,
            })
            .map_err(|e| {
                let hint = match &e {
                    strata_server::PrometheusError::SeveralSeries { .. } => {
                        "aggregate the query to one series, e.g. `max(…)` or `sum by () (…)`, in `[metrics.queries]`"
                    }
                    strata_server::PrometheusError::Unreachable { .. } => {
                        "check `[metrics] prometheus` in strata.toml and that the server is up"
                    }
                    _ => "check the query in `[metrics.queries]` of strata.toml",
                };
                anyhow::Error::new(Hinted {
                    message: format!(
                        "failed to pull budget `{metric}` of module `{}`: {e}",
                        module.name()
                    ),
                    hint: hint.into(),
                })
            })?;
            series += 1;
            rows.extend(values.into_iter().map(|(at, value)| MetricSample {
                module: module.name().to_owned(),
                metric: metric.clone(),
                at,
                value,
            }));
        }
    }
    for (metric, modules) in &unqueried {
        printer.warn(&format!(
            "budget `{metric}` of {} has no query in `[metrics.queries]`: not pulled",
            modules
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let stored = match server(target) {
        Some(server) => {
            let target = registry_target(target, project, server);
            let body = serde_json::json!({
                "samples": rows.iter().map(|r| serde_json::json!({
                    "module": r.module, "metric": r.metric, "at": r.at, "value": r.value,
                })).collect::<Vec<_>>(),
            });
            target.push_metrics(&serde_json::to_vec(&body)?)?
        }
        None => {
            let name = target
                .project
                .clone()
                .unwrap_or_else(|| project.registry_name());
            local_store(project)?.put_metrics(DEFAULT_TENANT, &name, &rows)? as u64
        }
    };
    printer.note(&format!(
        "pulled {} samples of {series} series from {}; stored {stored}",
        rows.len(),
        base.trim_end_matches('/')
    ));
    Ok(ExitStatus::Success)
}
