//! `strata scan`: build the index and say what it holds.

use std::time::Instant;

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let start = Instant::now();
    let project = super::load(global, printer)?;
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
