//! `strata graph`: the import graph as the JSON of DESIGN.md §5.

use std::fmt::Write as _;

use strata_project::{Level, Problems};

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, GraphArgs, GraphLevel};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &GraphArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    if let Some(focus) = &args.focus {
        super::require_module(project, focus)?;
    }
    let index = project.index();
    for w in &index.warnings {
        printer.warn(w);
    }
    let level = match args.level {
        GraphLevel::File => Level::File,
        GraphLevel::Module => Level::Module,
    };
    let doc = project.graph_doc(index, level, args.focus.as_deref().map(|f| (f, args.depth)))?;
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        Format::Mermaid | Format::Dot | Format::Svg => {
            let problems = Problems::from_findings(&project.check_with(index).diagnostics);
            let text = match global.format {
                Format::Mermaid => doc.mermaid(&problems),
                Format::Dot => doc.dot(&problems),
                _ => doc.svg(&problems),
            };
            printer.out(&text)?;
        }
        _ => {
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
