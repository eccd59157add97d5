//! `strata find`: definitions by name.

use std::fmt::Write as _;

use strata_project::{FindDoc, FindOptions};

use crate::ExitStatus;
use crate::args::{FindArgs, FindKind, Format, GlobalArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &FindArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    if let Some(name) = &args.module {
        super::require_module(project, name)?;
    }
    let index = project.index();
    for w in &index.warnings {
        printer.warn(w);
    }
    let options = FindOptions {
        kind: args.kind.map(|k| {
            match k {
                FindKind::Fn => "fn",
                FindKind::Type => "type",
                FindKind::Const => "const",
            }
            .to_owned()
        }),
        module: args.module.clone(),
        from: args.from.clone(),
        limit: args.limit,
    };
    let doc = project.find(index, &args.query, &options);
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        _ => printer.out(&text(&doc))?,
    }
    Ok(ExitStatus::Success)
}

fn text(doc: &FindDoc) -> String {
    let mut out = String::new();
    for h in &doc.hits {
        let module = h.module.as_deref().unwrap_or("(no module)");
        let mut tags = Vec::new();
        if h.interface {
            tags.push("interface".to_owned());
        }
        match h.fan_in {
            0 => {}
            1 => tags.push("1 importer".into()),
            n => tags.push(format!("{n} importers")),
        }
        match h.importable {
            Some(true) => tags.push("importable".into()),
            Some(false) => tags.push("not importable".into()),
            None => {}
        }
        let tags = if tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", tags.join(", "))
        };
        let _ = writeln!(
            out,
            "{}:{}  {}  ({module}){tags}",
            h.path, h.line, h.signature
        );
        if let Some(doc) = &h.doc {
            let _ = writeln!(out, "    {doc}");
        }
        for w in &h.why_not {
            let _ = writeln!(out, "    {}: {}", w.rule, w.message);
        }
    }
    if doc.hits.is_empty() {
        let _ = writeln!(out, "nothing matches `{}`", doc.query);
    } else if doc.omitted > 0 {
        let _ = writeln!(out, "{} more (raise --limit)", doc.omitted);
    }
    out
}
