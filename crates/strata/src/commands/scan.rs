//! `strata scan`: build the index and say what it holds; with `--shard I/N --out FILE`, scan
//! one part of the files for `strata merge`.

use std::time::Instant;

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, ScanArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &ScanArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let start = Instant::now();
    let project = super::load(global, printer)?;
    if let (Some(shard), Some(out)) = (args.shard, &args.out) {
        return scan_shard(global, project, shard, out, start, printer);
    }
    let index = project.index();
    for w in &index.warnings {
        printer.warn(w);
    }
    for (path, reason) in &index.unreadable {
        printer.warn(&format!("failed to read `{path}`: {reason}"));
    }
    let imports: usize = index.facts().iter().map(|f| f.imports.len()).sum();
    let definitions: usize = index.facts().iter().map(|f| f.definitions.len()).sum();
    let elapsed = start.elapsed();
    match global.format {
        Format::Json => {
            let v = serde_json::json!({
                "modules": project.modules.len(),
                "files": project.sources.len(),
                "imports": imports,
                "definitions": definitions,
                "file_edges": index.file_edges.len(),
                "module_edges": index.module_edges.len(),
                "cached": index.cache_hits,
                "resolved": index.resolved,
                "elapsed_ms": u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            });
            printer.out(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
        }
        _ => printer.out(&format!(
            "scanned {} files in {} modules: {imports} imports, {definitions} definitions, {} file edges, {} module edges in {:.2}s\n",
            project.sources.len(),
            project.modules.len(),
            index.file_edges.len(),
            index.module_edges.len(),
            elapsed.as_secs_f64(),
        ))?,
    }
    Ok(ExitStatus::Success)
}

fn scan_shard(
    global: &GlobalArgs,
    project: &strata_project::Project,
    shard: strata_project::Shard,
    out: &std::path::Path,
    start: Instant,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let report = project
        .scan_shard(shard, out)
        .map_err(super::merge::hinted)?;
    for (path, reason) in &report.unreadable {
        printer.warn(&format!("failed to read `{path}`: {reason}"));
    }
    let elapsed = start.elapsed();
    let h = &report.header;
    match global.format {
        Format::Json => {
            let v = serde_json::json!({
                "shard": h.shard.to_string(),
                "files": report.files,
                "assigned": h.assigned,
                "sources": h.sources,
                "bytes": h.bytes,
                "langs": report.langs,
                "out": out.display().to_string(),
                "size": report.size,
                "elapsed_ms": u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            });
            printer.out(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
        }
        _ => printer.out(&format!(
            "scanned shard {} ({} of {} files, {} bytes) into `{}` ({} bytes) in {:.2}s\n",
            h.shard,
            h.assigned,
            h.sources,
            h.bytes,
            out.display(),
            report.size,
            elapsed.as_secs_f64(),
        ))?,
    }
    Ok(ExitStatus::Success)
}
