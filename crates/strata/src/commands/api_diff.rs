//! `strata api-diff`: public-API changes per module since a revision, and the bump they need.

use crate::ExitStatus;
use crate::args::{ApiDiffArgs, Format, GlobalArgs};
use crate::printer::Printer;

pub fn run(
    global: &GlobalArgs,
    args: &ApiDiffArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let doc = project.api_diff(
        &args.base,
        args.head.as_deref(),
        &super::load_options(global),
    )?;
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        Format::Markdown => printer.out(&doc.text(true))?,
        _ => printer.out(&doc.text(false))?,
    }
    Ok(ExitStatus::Success)
}
