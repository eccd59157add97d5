//! `strata dupes`: duplicated functions and methods.

use strata_project::DupesOptions;

use crate::ExitStatus;
use crate::args::{DupesArgs, Format, GlobalArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &DupesArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let index = project.facts_index();
    for w in &index.warnings {
        printer.warn(w);
    }
    let doc = project.dupes(
        index,
        DupesOptions {
            min_tokens: args.min_tokens as usize,
            cross_module_only: args.cross_module,
        },
    );
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        _ => printer.out(&doc.text())?,
    }
    Ok(ExitStatus::Success)
}
