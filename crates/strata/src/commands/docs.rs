//! `strata docs --out DIR`: generated module documentation.

use anyhow::Context as _;
use strata_workspace::atomic::write_atomic;

use crate::ExitStatus;
use crate::args::{DocsArgs, GlobalArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &DocsArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let index = project.index();
    for w in &index.warnings {
        printer.warn(w);
    }
    let report = project.check_with(index);
    let pages = project.docs(index, &report.diagnostics);
    for page in &pages {
        let path = args.out.join(&page.file);
        write_atomic(&path, page.text.as_bytes())
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    printer.note(&format!(
        "wrote {} pages to `{}`",
        pages.len(),
        args.out.display()
    ));
    Ok(ExitStatus::Success)
}
