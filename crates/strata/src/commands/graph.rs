//! `strata graph`: the import graph as the JSON of DESIGN.md §5.

use std::fmt::Write as _;

use strata_project::Level;

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, GraphArgs, GraphLevel};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &GraphArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let index = project.scan();
    let level = match args.level {
        GraphLevel::File => Level::File,
        GraphLevel::Module => Level::Module,
    };
    let doc = project.graph_doc(
        &index,
        level,
        args.focus.as_deref().map(|f| (f, args.depth)),
    )?;
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        Format::Text => {
            let mut out = String::new();
            match &doc.edges {
                Some(edges) => {
                    for e in edges {
                        let _ = writeln!(out, "{}:{} -> {}", e.from, e.line, e.to);
                    }
                }
                None => {
                    for e in &doc.module_edges {
                        let _ = writeln!(out, "{} -> {} ({} imports)", e.from, e.to, e.imports);
                    }
                }
            }
            printer.out(&out)?;
        }
    }
    Ok(ExitStatus::Success)
}
