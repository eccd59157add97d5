//! `strata deps`: every module's external dependencies at their resolved versions, with the
//! radar's rings and the packages that drift.

use std::fmt::Write as _;

use crate::ExitStatus;
use crate::args::{DepsArgs, Format, GlobalArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &DepsArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let mut doc = project.deps_doc();
    for w in &doc.warnings {
        printer.warn(w);
    }
    if let Some(name) = &args.module {
        super::require_module(project, name)?;
        doc.modules.retain(|m| &m.module == name);
    }
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        Format::Markdown => printer.out(&doc.markdown())?,
        Format::Svg => printer.out(&doc.svg())?,
        _ => printer.out(&text(&doc))?,
    }
    Ok(ExitStatus::Success)
}

fn text(doc: &strata_project::DepsDoc) -> String {
    let mut out = String::new();
    for m in &doc.modules {
        let lock = m
            .lockfile
            .as_deref()
            .map_or_else(String::new, |l| format!(", locked by {l}"));
        let _ = writeln!(out, "{} ({}, {}{lock})", m.module, m.ecosystem, m.manifest);
        let width = m
            .dependencies
            .iter()
            .map(|d| d.name.len())
            .max()
            .unwrap_or(0);
        let req_width = m
            .dependencies
            .iter()
            .map(|d| d.requirement.as_deref().unwrap_or("-").len())
            .max()
            .unwrap_or(0);
        for d in &m.dependencies {
            let drift = doc
                .packages
                .iter()
                .find(|p| p.ecosystem == m.ecosystem && p.name == d.name)
                .filter(|p| p.drift)
                .map(|p| {
                    let others: Vec<&str> = p
                        .versions
                        .iter()
                        .map(|v| v.version.as_str())
                        .filter(|v| Some(*v) != d.resolved.as_deref())
                        .collect();
                    format!("  drift: also {}", others.join(", "))
                })
                .unwrap_or_default();
            let ring = d.ring.map(|r| format!("  [{r}]")).unwrap_or_default();
            let kind = if d.kind == "normal" {
                String::new()
            } else {
                format!(" ({})", d.kind)
            };
            let _ = writeln!(
                out,
                "  {:width$}  {:req_width$}  {}{kind}{ring}{drift}",
                d.name,
                d.requirement.as_deref().unwrap_or("-"),
                d.resolved.as_deref().unwrap_or("?"),
            );
        }
    }
    let s = &doc.summary;
    let _ = writeln!(
        out,
        "{} modules, {} external packages ({} uses, {} unresolved); {} on hold, {} drifting",
        s.modules, s.packages, s.uses, s.unresolved, s.on_hold, s.drifting
    );
    out
}
