//! `strata push`: this repository's registry snapshot, sent to a registry server.

use std::time::{Duration, Instant};

use anyhow::Context as _;

use strata_server::Indexer;
use strata_server::PushTarget;

use crate::ExitStatus;
use crate::args::{GlobalArgs, PushArgs};
use crate::printer::{Hinted, Printer};

pub fn run(global: &GlobalArgs, args: &PushArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    if let Some(out) = &args.out {
        let indexed = Indexer::new(super::load_options(global)).index()?;
        for w in &indexed.warnings {
            printer.warn(w);
        }
        let body = serde_json::to_vec(&indexed.snapshot)?;
        strata_workspace::atomic::write_atomic(out, &body)
            .with_context(|| format!("failed to write `{}`", out.display()))?;
        printer.note(&format!(
            "snapshot of commit {} written to `{}` ({} KiB)",
            indexed.snapshot.commit,
            out.display(),
            body.len() / 1024
        ));
        return Ok(ExitStatus::Success);
    }
    let server = args
        .server
        .clone()
        .or_else(|| {
            std::env::var("STRATA_SERVER")
                .ok()
                .filter(|s| !s.is_empty())
        })
        .ok_or_else(|| Hinted {
            message: "`strata push` needs the registry server's URL".into(),
            hint: "give `--server http://host:7341` or set `STRATA_SERVER`".into(),
        })?;
    let start = Instant::now();
    let indexed = Indexer::new(super::load_options(global)).index()?;
    for w in &indexed.warnings {
        printer.warn(w);
    }
    let project = args.project.clone().unwrap_or(indexed.project);
    let target = PushTarget {
        server,
        project,
        token: std::env::var("STRATA_TOKEN").ok().filter(|t| !t.is_empty()),
        retries: args.retries,
        backoff: Duration::from_millis(500),
    };
    let scanned = start.elapsed();
    let pushed = strata_server::push(&target, &indexed.snapshot)?;
    printer.note(&format!(
        "pushed snapshot {} of `{}` (commit {}) to {}: {} KiB gzip'd from {} KiB; indexed in {:.1} s, sent in {:.1} s{}",
        pushed.id,
        target.project,
        indexed.snapshot.commit,
        target.server.trim_end_matches('/'),
        pushed.sent / 1024,
        pushed.raw / 1024,
        scanned.as_secs_f64(),
        start.elapsed().saturating_sub(scanned).as_secs_f64(),
        if pushed.attempts > 1 {
            format!(" ({} attempts)", pushed.attempts)
        } else {
            String::new()
        }
    ));
    if global.format == crate::args::Format::Json {
        printer.out(&format!(
            "{}\n",
            serde_json::json!({"id": pushed.id, "project": target.project, "commit": indexed.snapshot.commit})
        ))?;
    }
    Ok(ExitStatus::Success)
}
