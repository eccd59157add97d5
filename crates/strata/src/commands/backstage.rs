//! `strata export backstage` and `strata import backstage`: catalog-info.yaml files from the
//! modules, and module.yaml files from catalog-info.yaml files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use strata_project::{CatalogFile, import_backstage};
use strata_workspace::atomic::write_atomic;
use strata_workspace::{ConfigError, MODULE_FILE};

use crate::ExitStatus;
use crate::args::{
    BackstageExportArgs, BackstageImportArgs, ExportArgs, ExportCommand, Format, GlobalArgs,
    ImportArgs, ImportCommand,
};
use crate::printer::{Hinted, Printer};

pub fn export(
    global: &GlobalArgs,
    args: &ExportArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    match &args.command {
        ExportCommand::Backstage(a) => export_backstage(global, a, printer),
    }
}

pub fn import(
    global: &GlobalArgs,
    args: &ImportArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    match &args.command {
        ImportCommand::Backstage(a) => import_backstage_files(global, a, printer),
    }
}

/// What happened (or would happen) to one descriptor.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unchanged,
    Written,
    Missing,
    Stale,
}

impl State {
    fn word(self) -> &'static str {
        match self {
            State::Unchanged => "unchanged",
            State::Written => "wrote",
            State::Missing => "missing",
            State::Stale => "stale",
        }
    }
}

fn export_backstage(
    global: &GlobalArgs,
    args: &BackstageExportArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let out_dir = match &args.out {
        Some(dir) => Some(
            std::path::absolute(dir)
                .with_context(|| format!("failed to resolve `{}`", dir.display()))?,
        ),
        None => None,
    };
    let base = out_dir.clone().unwrap_or_else(|| project.root.clone());
    let files = project.backstage_export(out_dir.as_deref());
    let mut states = Vec::new();
    for file in &files {
        let path = base.join(&file.path);
        let current = std::fs::read(&path).ok();
        let state = match current {
            Some(c) if c == file.text.as_bytes() => State::Unchanged,
            Some(_) if args.check => State::Stale,
            None if args.check => State::Missing,
            _ => {
                write_atomic(&path, file.text.as_bytes())
                    .with_context(|| format!("failed to write `{}`", path.display()))?;
                State::Written
            }
        };
        states.push(state);
    }
    let shown = |file: &CatalogFile| match &args.out {
        Some(dir) => dir.join(&file.path).display().to_string(),
        None => file.path.clone(),
    };
    if global.format == Format::Json {
        let list: Vec<serde_json::Value> = files
            .iter()
            .zip(&states)
            .map(|(f, s)| {
                serde_json::json!({
                    "path": shown(f),
                    "entities": f.entities,
                    "status": s.word(),
                })
            })
            .collect();
        let doc = serde_json::json!({ "files": list });
        printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
    } else {
        let mut out = String::new();
        for (f, s) in files.iter().zip(&states) {
            if args.check && *s == State::Unchanged {
                continue;
            }
            let _ = writeln!(out, "{} {} ({})", s.word(), shown(f), f.entities.join(", "));
        }
        printer.out(&out)?;
    }
    let count = |s: State| states.iter().filter(|&&x| x == s).count();
    if args.check {
        let bad = count(State::Missing) + count(State::Stale);
        if bad > 0 {
            printer.note(&format!(
                "{bad} of {} catalog files missing or not current; run `strata export backstage{}`",
                files.len(),
                args.out
                    .as_ref()
                    .map(|d| format!(" --out {}", d.display()))
                    .unwrap_or_default()
            ));
            return Ok(ExitStatus::Failure);
        }
        printer.note(&format!("{} catalog files are current", files.len()));
    } else {
        printer.note(&format!(
            "{} catalog files written, {} unchanged",
            count(State::Written),
            count(State::Unchanged)
        ));
    }
    Ok(ExitStatus::Success)
}

fn import_backstage_files(
    global: &GlobalArgs,
    args: &BackstageImportArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    // Every file is read and checked before anything is written: all or nothing.
    let mut plan: Vec<(PathBuf, String, String, &Path)> = Vec::new(); // (target, text, name, from)
    for path in &args.paths {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        let modules = import_backstage(path, &text).map_err(hinted)?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let target = dir.join(MODULE_FILE);
        for m in modules {
            for d in &m.dropped {
                printer.warn(&format!(
                    "`{}`: {d} has no place in module.yaml and is left out",
                    path.display()
                ));
            }
            if let Some((_, _, _, other)) = plan.iter().find(|(t, ..)| *t == target) {
                return Err(Hinted {
                    message: format!(
                        "`{}` and `{}` would both write `{}`",
                        other.display(),
                        path.display(),
                        target.display()
                    ),
                    hint: "import one descriptor per folder".into(),
                }
                .into());
            }
            if target.exists() && !args.force {
                return Err(Hinted {
                    message: format!("`{}` exists", target.display()),
                    hint: "pass `--force` to replace it".into(),
                }
                .into());
            }
            plan.push((target.clone(), m.text, m.name, path));
        }
        if !plan.iter().any(|(.., from)| *from == path.as_path()) {
            printer.warn(&format!("`{}` has no Component", path.display()));
        }
    }
    let mut out = String::new();
    for (target, text, name, _) in &plan {
        if args.dry_run {
            let _ = writeln!(out, "would write {} ({name})", target.display());
            continue;
        }
        write_atomic(target, text.as_bytes())
            .with_context(|| format!("failed to write `{}`", target.display()))?;
        let _ = writeln!(out, "wrote {} ({name})", target.display());
    }
    if global.format == Format::Json {
        let list: Vec<serde_json::Value> = plan
            .iter()
            .map(|(t, _, n, f)| {
                serde_json::json!({
                    "path": t.display().to_string(),
                    "module": n,
                    "from": f.display().to_string(),
                })
            })
            .collect();
        let doc = serde_json::json!({ "written": !args.dry_run, "modules": list });
        printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
    } else {
        printer.out(&out)?;
    }
    printer.note(&format!(
        "{} module.yaml files {}",
        plan.len(),
        if args.dry_run {
            "would be written (dry run)"
        } else {
            "written; run `strata check`"
        }
    ));
    Ok(ExitStatus::Success)
}

/// A descriptor error, with its hint shown as `hint:`.
fn hinted(e: ConfigError) -> anyhow::Error {
    match e.hint().map(str::to_owned) {
        Some(hint) => Hinted {
            message: e.to_string(),
            hint,
        }
        .into(),
        None => e.into(),
    }
}
