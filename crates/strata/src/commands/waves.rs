//! `strata waves`: the deployment plan.

use std::collections::BTreeSet;

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, WavesArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &WavesArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let index = project.index();
    for w in &index.warnings {
        printer.warn(w);
    }
    let only: Option<BTreeSet<usize>> = match &args.changed_since {
        None => None,
        Some(rev) => {
            let changed = project.changed_files(Some(rev), None)?;
            let impact = project.impact(index, &changed);
            let names: BTreeSet<&str> = impact
                .changed_modules
                .iter()
                .map(String::as_str)
                .chain(impact.affected.iter().map(|a| a.module.as_str()))
                .collect();
            Some(
                (0..project.modules.len())
                    .filter(|&i| names.contains(project.modules[i].name()))
                    .collect(),
            )
        }
    };
    let doc = project.waves(index, only.as_ref());
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        Format::Mermaid => printer.out(&doc.mermaid())?,
        _ => printer.out(&doc.text())?,
    }
    Ok(ExitStatus::Success)
}
