//! `strata status`: poll every module's liveness and readiness endpoints once, in one
//! `[environments]` entry of strata.toml, and print up/down and latency per module; exit 1 when
//! any module is down.

use strata_project::Project;
use strata_server::{LiveState, Monitor, StatusProbe, StatusReport, Target};
use strata_workspace::error::closest;

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, StatusArgs};
use crate::printer::{Hinted, Printer};

pub fn run(
    global: &GlobalArgs,
    args: &StatusArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let (environment, targets) = environment(project, args.env.as_deref(), printer)?;
    if targets.is_empty() {
        printer.note(&format!(
            "no module has `health` endpoints to poll in `{environment}` (`health: {{ liveness: /health, readiness: /ready }}` in its module.yaml)"
        ));
    }
    let monitor = Monitor::new(&project.registry_name(), &environment, targets);
    monitor.check();
    let report = monitor.report();
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&report)?))?,
        _ => printer.out(&text(&report))?,
    }
    let down = report
        .modules
        .iter()
        .filter(|m| m.state == LiveState::Down)
        .count();
    printer.note(&format!(
        "{} of {} modules up in `{environment}`",
        report.modules.len() - down,
        report.modules.len()
    ));
    Ok(if down == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// The environment to poll (`--env`, else the only one) and its modules; an error that says
/// what to do when there is none, or several and no `--env`, or `--env` names none.
pub fn environment(
    project: &Project,
    wanted: Option<&str>,
    printer: &Printer,
) -> anyhow::Result<(String, Vec<Target>)> {
    let environments = &project.config.config.environments;
    let names = || {
        environments
            .keys()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let name = match wanted {
        Some(name) if environments.contains_key(name) => name.to_owned(),
        Some(name) => {
            let hint = match closest(name, environments.keys().map(String::as_str)) {
                Some(c) => format!("did you mean `{c}`? strata.toml declares {}", names()),
                None if environments.is_empty() => no_environments_hint().into(),
                None => format!("strata.toml declares {}", names()),
            };
            return Err(Hinted {
                message: format!("no environment is named `{name}`"),
                hint,
            }
            .into());
        }
        None => match environments.keys().collect::<Vec<_>>().as_slice() {
            [] => {
                return Err(Hinted {
                    message: "no environment to poll: strata.toml has no `[environments]`".into(),
                    hint: no_environments_hint().into(),
                }
                .into());
            }
            [only] => (*only).clone(),
            _ => {
                return Err(Hinted {
                    message: format!(
                        "strata.toml declares several environments ({}): say which with `--env NAME`",
                        names()
                    ),
                    hint: "e.g. `strata status --env local`".into(),
                }
                .into());
            }
        },
    };
    let (targets, warnings) = strata_server::targets(project, &environments[&name].url);
    for w in &warnings {
        printer.warn(w);
    }
    Ok((name, targets))
}

fn no_environments_hint() -> &'static str {
    "add one to strata.toml: `[environments.local]` then `url = \"http://127.0.0.1:{port}\"` \
     (`{port}`, `{name}` and `{base_path}` come from each module.yaml)"
}

/// One row per module: state, then each endpoint's answer and latency.
fn text(report: &StatusReport) -> String {
    let probe = |p: Option<&StatusProbe>| match p {
        None => "-".to_owned(),
        Some(p) => {
            let answer = match (p.code, &p.error) {
                (Some(code), _) => code.to_string(),
                (None, Some(e)) => e.clone(),
                (None, None) => "no answer".into(),
            };
            format!("{answer} {} ms", p.ms)
        }
    };
    let rows: Vec<[String; 5]> = report
        .modules
        .iter()
        .map(|m| {
            [
                m.name.clone(),
                m.tier.map_or_else(|| "-".into(), |t| t.to_string()),
                match m.state {
                    LiveState::Up => "up".into(),
                    LiveState::Down => "down".into(),
                },
                probe(m.liveness.as_ref()),
                probe(m.readiness.as_ref()),
            ]
        })
        .collect();
    let head = ["MODULE", "TIER", "STATE", "LIVENESS", "READINESS"].map(str::to_owned);
    let mut widths = [0; 5];
    for row in std::iter::once(&head).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&head).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
