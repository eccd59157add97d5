//! `strata impact`: what a change touches.

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, ImpactArgs};
use crate::printer::Printer;

pub fn run(
    global: &GlobalArgs,
    args: &ImpactArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let changed = if args.files.is_empty() {
        project.changed_files(args.base.as_deref(), args.head.as_deref())?
    } else {
        args.files
            .iter()
            .map(|f| f.trim_start_matches("./").replace('\\', "/"))
            .collect()
    };
    let index = project.index();
    for w in &index.warnings {
        printer.warn(w);
    }
    let mut doc = project.impact(index, &changed);
    if let Some(base) = &args.base {
        // The bump each changed module needs, beside its blast radius.
        let api = project.api_diff(base, args.head.as_deref(), &super::load_options(global))?;
        doc.api_changes = Some(api.modules);
    }
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        Format::Markdown => printer.out(&doc.text(true))?,
        _ => printer.out(&doc.text(false))?,
    }
    Ok(ExitStatus::Success)
}
