//! `strata merge FILE…`: join the shards of `strata scan --shard I/N` into the index cache.

use std::time::Instant;

use strata_project::ShardError;

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, MergeArgs};
use crate::printer::{Hinted, Printer};

pub fn run(global: &GlobalArgs, args: &MergeArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let start = Instant::now();
    let project = super::load(global, printer)?;
    let report = project
        .merge_shards(&args.files, args.into.as_deref())
        .map_err(hinted)?;
    for w in &report.warnings {
        printer.warn(w);
    }
    let path = report
        .path
        .strip_prefix(&project.root)
        .unwrap_or(&report.path)
        .to_string_lossy()
        .replace('\\', "/");
    let elapsed = start.elapsed();
    match global.format {
        Format::Json => {
            let v = serde_json::json!({
                "shards": report.shards,
                "files": report.files,
                "index": path,
                "elapsed_ms": u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            });
            printer.out(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
        }
        _ => printer.out(&format!(
            "merged {} shards: {} files into `{path}` in {:.2}s\n",
            report.shards,
            report.files,
            elapsed.as_secs_f64(),
        ))?,
    }
    Ok(ExitStatus::Success)
}

/// A shard error with its hint, for the printer.
pub fn hinted(e: ShardError) -> anyhow::Error {
    match e.hint() {
        Some(hint) => Hinted {
            message: e.to_string(),
            hint: hint.to_owned(),
        }
        .into(),
        None => e.into(),
    }
}
