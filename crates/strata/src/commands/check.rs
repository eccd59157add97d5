//! `strata check`: every enabled rule, reported for people or machines.

use strata_diagnostics::{render_json, render_text};

use crate::ExitStatus;
use crate::args::{CheckArgs, Format, GlobalArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &CheckArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let report = project.check();
    match global.format {
        Format::Json => printer.out(&render_json(&report.diagnostics, &report.summary))?,
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
