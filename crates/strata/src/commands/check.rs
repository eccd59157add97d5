//! `strata check`: every enabled rule, reported for people or machines.

use strata_diagnostics::{
    Level, RuleMeta, Summary, render_github, render_gitlab, render_json, render_markdown,
    render_sarif, render_text,
};
use strata_project::Baseline;
use strata_rules::{RULES, RuleDoc};

use crate::ExitStatus;
use crate::args::{CheckArgs, Format, GlobalArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &CheckArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let mut report = project.check();
    for w in &report.warnings {
        printer.warn(w);
    }
    if let Some(path) = &args.baseline {
        let path = project.root.join(path);
        if args.update_baseline {
            Baseline::write(&path, &report.diagnostics)?;
            printer.note(&format!(
                "baseline `{}` written: {} findings accepted",
                path.display(),
                report.diagnostics.len()
            ));
            return Ok(ExitStatus::Success);
        }
        let baseline = super::load_baseline(project, &path)?;
        let (kept, hidden) = baseline.filter(std::mem::take(&mut report.diagnostics));
        report.diagnostics = kept;
        report.summary.suppressed += hidden;
    }
    if let Some(rev) = &args.diff_base {
        let base = project.at_revision(rev, &super::load_options(global))?;
        let before = base.project.check().diagnostics;
        let (kept, hidden) =
            Baseline::from_findings(&before).filter(std::mem::take(&mut report.diagnostics));
        report.diagnostics = kept;
        report.summary.suppressed += hidden;
        // `semver-bump` compares with the base revision, so it runs only here.
        let changed = project.changed_files(Some(rev), None)?;
        let api = project.api_diff_from(&base.project, &changed);
        report
            .diagnostics
            .extend(project.semver_bump_findings(&api));
        strata_diagnostics::sort(&mut report.diagnostics);
    }
    let counted = Summary::count(
        &report.diagnostics,
        report.summary.modules,
        report.summary.files,
    );
    report.summary.errors = counted.errors;
    report.summary.warnings = counted.warnings;
    match global.format {
        Format::Json => printer.out(&render_json(&report.diagnostics, &report.summary))?,
        Format::Sarif => {
            let mut rules: Vec<RuleMeta> = RULES
                .iter()
                .map(|r| RuleMeta {
                    id: r.id(),
                    summary: RuleDoc::summary(*r),
                    help: RuleDoc::text(*r),
                    default_level: match r.default_level() {
                        Level::Error => "error",
                        Level::Warn => "warning",
                        Level::Off => "none",
                    },
                })
                .collect();
            rules.sort_by_key(|r| r.id);
            printer.out(&render_sarif(
                &report.diagnostics,
                &rules,
                env!("CARGO_PKG_VERSION"),
            ))?;
        }
        Format::Markdown => {
            let owner = |module: &str| {
                let record = project.module(module)?.record();
                let owner = record.owner?;
                let contact = owner
                    .strip_prefix("team:")
                    .and_then(|t| project.config.config.teams.get(t))
                    .and_then(|t| t.contact.clone());
                Some(match contact {
                    Some(c) => format!("{owner} ({c})"),
                    None => owner,
                })
            };
            printer.out(&render_markdown(
                &report.diagnostics,
                &report.summary,
                &owner,
            ))?;
        }
        Format::Github => printer.out(&render_github(&report.diagnostics))?,
        Format::Gitlab => printer.out(&render_gitlab(&report.diagnostics))?,
        Format::Mermaid | Format::Dot | Format::Svg => {
            unreachable!("rejected before the command runs")
        }
        Format::Text => {
            let text = render_text(&report.diagnostics, &report.summary, &|file, line| {
                project.source_line(file, line)
            });
            if global.quiet {
                // Findings only; the summary line is the last one.
                let findings = text.trim_end().rsplit_once('\n').map_or("", |(f, _)| f);
                if !findings.is_empty() {
                    printer.out(&format!("{findings}\n"))?;
                }
            } else {
                printer.out(&text)?;
            }
        }
    }
    Ok(if report.summary.errors > 0 && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
