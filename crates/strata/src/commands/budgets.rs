//! `strata budgets`: each module's runtime budgets with their current level, trend and
//! forecast time to breach (`strata_project::budgets`), from a registry server or from this
//! repository and its local registry; exit 1 when any budget is breached.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use strata_project::{BudgetStatus, BudgetsDoc, evaluate_budgets, format_date, samples_by_series};
use strata_server::DEFAULT_TENANT;
use strata_store::{MetricQuery, Store};

use crate::ExitStatus;
use crate::args::{BudgetsArgs, Format, GlobalArgs};
use crate::printer::{Hinted, Printer};

pub fn run(
    global: &GlobalArgs,
    args: &BudgetsArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    for (flag, days) in [("--horizon", args.horizon), ("--window", args.window)] {
        if !(days.is_finite() && days > 0.0 && days <= 36_500.0) {
            return Err(Hinted {
                message: format!("`{flag} {days}` is not a number of days"),
                hint: "give a number of days above 0, e.g. `30` or `7.5`".into(),
            }
            .into());
        }
    }
    let project = super::load(global, printer)?;
    let doc = match super::metrics::server(&args.target) {
        Some(server) => super::metrics::registry_target(&args.target, project, server)
            .budgets(args.horizon, args.window)?,
        None => {
            let name = args
                .target
                .project
                .clone()
                .unwrap_or_else(|| project.registry_name());
            let declared: BTreeMap<String, BTreeMap<String, f64>> = project
                .records()
                .into_iter()
                .map(|r| (r.name, r.budgets))
                .collect();
            let all = MetricQuery {
                module: None,
                from: i64::MIN,
                to: i64::MAX,
            };
            let rows =
                super::metrics::local_store(project)?.metrics(DEFAULT_TENANT, &name, &all)?;
            let samples = samples_by_series(
                rows.iter()
                    .map(|r| (r.module.as_str(), r.metric.as_str(), r.at, r.value)),
            );
            evaluate_budgets(&declared, &samples, args.horizon, args.window)
        }
    };
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        _ => printer.out(&text(&doc))?,
    }
    let s = doc.summary;
    if s.budgets == 0 {
        printer.note("no module declares budgets (`budgets: { p99_ms: 250 }` in its module.yaml)");
    } else {
        printer.note(&format!(
            "{} budgets: {} ok, {} at risk, {} breached, {} without enough data",
            s.budgets, s.ok, s.at_risk, s.breached, s.no_data
        ));
    }
    Ok(if s.breached > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// A number with about four significant digits, without trailing zeros.
fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    // Digits before the point: at most a few hundred for a finite f64.
    #[allow(clippy::cast_possible_truncation)]
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = usize::try_from((3 - magnitude).clamp(0, 8)).unwrap_or(0);
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

fn days(d: f64) -> String {
    format!("{d:.1} d")
}

/// One line per budget under its module.
fn text(doc: &BudgetsDoc) -> String {
    let mut out = String::new();
    let width = doc
        .modules
        .iter()
        .flat_map(|m| m.budgets.iter().map(|b| b.metric.len()))
        .max()
        .unwrap_or(0);
    for m in &doc.modules {
        let _ = writeln!(out, "{}", m.module);
        for b in &m.budgets {
            let _ = write!(
                out,
                "  {:width$}  {:8}  limit {}",
                b.metric,
                b.status.as_str(),
                short(b.limit)
            );
            match (b.current, b.trend_per_day) {
                (Some(current), Some(trend)) => {
                    let sign = if trend > 0.0 { "+" } else { "" };
                    let _ = write!(
                        out,
                        "  current {}  trend {sign}{}/day",
                        short(current),
                        short(trend)
                    );
                }
                _ => {
                    let _ = write!(out, "  {} samples", b.samples);
                }
            }
            if let Some(breach) = &b.breach {
                let latest = breach.latest_days.map_or("maybe never".into(), days);
                let _ = write!(
                    out,
                    "  breach in {} ({} to {}), around {}",
                    days(breach.in_days),
                    days(breach.earliest_days),
                    latest,
                    format_date(breach.at)
                );
            } else if b.status == BudgetStatus::Breached {
                let _ = write!(out, "  over the limit now");
            }
            out.push('\n');
        }
    }
    out
}
