//! `strata health`: a score per module, explained, with next steps; `--record` keeps the scores
//! of the current commit, `--history` shows them over time.

use anyhow::Context as _;
use strata_project::{HealthDoc, HealthHistory, HealthInputs, History, Project};

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, HealthArgs};
use crate::printer::Printer;

pub fn run(
    global: &GlobalArgs,
    args: &HealthArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let only = match &args.module {
        Some(name) => {
            super::require_module(project, name)?;
            project.modules.iter().position(|m| m.name() == name)
        }
        None => None,
    };
    if args.history {
        let history = HealthHistory::load(&project.root)?;
        match global.format {
            Format::Json => {
                printer.out(&format!("{}\n", serde_json::to_string_pretty(&history)?))?;
            }
            _ => printer.out(&history.text(args.module.as_deref()))?,
        }
        return Ok(ExitStatus::Success);
    }

    let (doc, history) = score(
        project,
        printer,
        &args.coverage,
        args.baseline.as_deref(),
        only,
    )?;
    if history.is_none() {
        printer.note("no git history: the hotspots and coupling dimensions have no data");
    }
    if args.record {
        let (commit, time) = history
            .as_ref()
            .map_or((String::new(), 0), |h| (h.head.clone(), h.head_time));
        let recorded = HealthHistory::record(&project.root, &doc, &commit, time)?;
        printer.note(&format!(
            "health of {} modules recorded ({} records in `{}`)",
            doc.modules.len(),
            recorded.records.len(),
            strata_project::HEALTH_HISTORY_FILE
        ));
    }
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        Format::Markdown => printer.out(&doc.markdown())?,
        _ => printer.out(&doc.text())?,
    }
    Ok(ExitStatus::Success)
}

/// Score the modules (all, or `only`): coverage reports read first (a bad one fails before
/// the scan), then the check, the baseline and the git history.
pub fn score(
    project: &Project,
    printer: &Printer,
    coverage_files: &[std::path::PathBuf],
    baseline: Option<&std::path::Path>,
    only: Option<usize>,
) -> anyhow::Result<(HealthDoc, Option<History>)> {
    let mut coverage = Vec::new();
    for path in coverage_files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read coverage report `{}`", path.display()))?;
        let files = strata_project::parse_coverage(&text)
            .with_context(|| format!("failed to parse coverage report `{}`", path.display()))?;
        coverage.extend(files);
    }
    let mut report = project.check();
    for w in &report.warnings {
        printer.warn(w);
    }
    if let Some(path) = baseline {
        let baseline = super::load_baseline(project, path)?;
        report.diagnostics = baseline.filter(std::mem::take(&mut report.diagnostics)).0;
    }
    let history = project
        .history()
        .context("failed to read the git history")?;
    let inputs = HealthInputs {
        findings: &report.diagnostics,
        history: history.as_ref(),
        coverage,
        coverage_reports: coverage_files.len(),
    };
    Ok((project.health(project.index(), &inputs, only), history))
}
