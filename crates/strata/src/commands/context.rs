//! `strata context`: what to read for a task, within a token budget.

use std::fmt::Write as _;

use strata_project::{ContextDoc, ContextQuery};

use crate::ExitStatus;
use crate::args::{ContextArgs, Format, GlobalArgs};
use crate::printer::Printer;

pub fn run(
    global: &GlobalArgs,
    args: &ContextArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let index = project.index();
    for w in &index.warnings {
        printer.warn(w);
    }
    let query = match &args.task {
        Some(task) => ContextQuery::Task(task.clone()),
        None => ContextQuery::Paths(args.paths.clone()),
    };
    let doc = project.context(index, &query, args.budget)?;
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        _ => printer.out(&text(&doc))?,
    }
    Ok(ExitStatus::Success)
}

fn text(doc: &ContextDoc) -> String {
    let mut out = String::new();
    for i in &doc.items {
        let _ = writeln!(
            out,
            "── {}:{}-{} ({}, {} tokens): {}",
            i.path, i.start_line, i.end_line, i.kind, i.tokens, i.reason
        );
        out.push_str(&i.text);
    }
    if !doc.rules.is_empty() {
        let _ = writeln!(out, "── rules");
        for r in &doc.rules {
            let _ = writeln!(out, "{r}");
        }
    }
    for o in &doc.omitted {
        let _ = writeln!(
            out,
            "left out: {} ({} tokens): {}",
            o.path, o.tokens, o.reason
        );
    }
    let _ = writeln!(
        out,
        "{} of {} tokens used; {} left out",
        doc.used_tokens,
        doc.budget_tokens,
        doc.omitted.len()
    );
    out
}
