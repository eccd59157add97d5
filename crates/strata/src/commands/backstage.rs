//! `strata export backstage` and `strata import backstage`: catalog-info.yaml files from the
//! modules, and module.yaml files from catalog-info.yaml files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use strata_project::{
    CATALOG_FILE, CatalogFile, ImportedTeam, import_backstage, import_backstage_groups,
};
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
    /// A generated file no module or team produces any more.
    Leftover,
    Removed,
}

impl State {
    fn word(self) -> &'static str {
        match self {
            State::Unchanged => "unchanged",
            State::Written => "wrote",
            State::Missing => "missing",
            State::Stale => "stale",
            State::Leftover => "left over",
            State::Removed => "removed",
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
    // Descriptors an earlier export wrote for modules (or teams) that are gone: removed, or
    // reported by `--check`. Only files that carry the export's header are touched.
    let current: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let candidates: Vec<String> = match &out_dir {
        Some(dir) => catalog_files_under(dir, dir),
        None => project
            .discovery
            .files
            .iter()
            .filter(|p| p.rsplit('/').next() == Some(CATALOG_FILE))
            .cloned()
            .collect(),
    };
    let mut leftovers = Vec::new();
    for path in candidates {
        if current.contains(path.as_str()) {
            continue;
        }
        let full = base.join(&path);
        let generated = std::fs::read_to_string(&full)
            .is_ok_and(|t| t.starts_with(strata_project::BACKSTAGE_HEADER));
        if !generated {
            continue;
        }
        let state = if args.check {
            State::Leftover
        } else {
            std::fs::remove_file(&full)
                .with_context(|| format!("failed to remove `{}`", full.display()))?;
            State::Removed
        };
        leftovers.push(CatalogFile {
            path,
            entities: Vec::new(),
            text: String::new(),
        });
        states.push(state);
    }
    let files: Vec<CatalogFile> = files.into_iter().chain(leftovers).collect();
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
            if f.entities.is_empty() {
                let _ = writeln!(
                    out,
                    "{} {} (no module or team any more)",
                    s.word(),
                    shown(f)
                );
            } else {
                let _ = writeln!(out, "{} {} ({})", s.word(), shown(f), f.entities.join(", "));
            }
        }
        printer.out(&out)?;
    }
    let count = |s: State| states.iter().filter(|&&x| x == s).count();
    if args.check {
        let bad = count(State::Missing) + count(State::Stale) + count(State::Leftover);
        if bad > 0 {
            printer.note(&format!(
                "{bad} of {} catalog files missing, not current or left over; run `strata export backstage{}`",
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
        let removed = count(State::Removed);
        printer.note(&format!(
            "{} catalog files written, {} unchanged{}",
            count(State::Written),
            count(State::Unchanged),
            if removed > 0 {
                format!(", {removed} left over from removed modules deleted")
            } else {
                String::new()
            }
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
    let mut texts: Vec<(&Path, String)> = Vec::new();
    for path in &args.paths {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        texts.push((path, text));
        let text = &texts[texts.len() - 1].1;
        let modules = import_backstage(path, text).map_err(hinted)?;
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
    let teams = new_teams(global, &texts)?;
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
    if let Some((config, text, added)) = &teams {
        let names: Vec<&str> = added.iter().map(|t| t.name.as_str()).collect();
        if args.dry_run {
            let _ = writeln!(
                out,
                "would add to {}: [teams] {}",
                config.display(),
                names.join(", ")
            );
        } else {
            write_atomic(config, text.as_bytes())
                .with_context(|| format!("failed to write `{}`", config.display()))?;
            let _ = writeln!(
                out,
                "added to {}: [teams] {}",
                config.display(),
                names.join(", ")
            );
        }
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
        let added: Vec<&str> = teams
            .iter()
            .flat_map(|(_, _, added)| added.iter().map(|t| t.name.as_str()))
            .collect();
        let doc = serde_json::json!({ "written": !args.dry_run, "modules": list, "teams": added });
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

/// The Groups of the descriptors (path and text, as read) that `strata.toml` has no `[teams]`
/// entry for: the config file, its text with those teams appended (checked to load), and the
/// teams. `None` when there is nothing to add.
fn new_teams(
    global: &GlobalArgs,
    texts: &[(&Path, String)],
) -> anyhow::Result<Option<(PathBuf, String, Vec<ImportedTeam>)>> {
    let mut teams: Vec<ImportedTeam> = Vec::new();
    for (path, text) in texts {
        for team in import_backstage_groups(path, text).map_err(hinted)? {
            if !teams.iter().any(|t| t.name == team.name) {
                teams.push(team);
            }
        }
    }
    if teams.is_empty() || global.no_config {
        return Ok(None);
    }
    let root = match &global.root {
        Some(r) => r.clone(),
        None => std::env::current_dir().context("failed to read the working directory")?,
    };
    let config = global
        .config
        .clone()
        .or_else(|| strata_workspace::find_config(&root))
        .unwrap_or_else(|| root.join(strata_workspace::CONFIG_FILE));
    let (mut text, known) = if config.is_file() {
        let loaded = strata_workspace::load_config(&config).map_err(hinted)?;
        let known: Vec<String> = loaded.config.teams.keys().cloned().collect();
        (loaded.text, known)
    } else {
        (String::new(), Vec::new())
    };
    teams.retain(|t| !known.contains(&t.name));
    if teams.is_empty() {
        return Ok(None);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for t in &teams {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&t.toml());
    }
    // What is written must load: a team name or value strata cannot read back is an error
    // here, before anything is written.
    strata_workspace::config_from_bytes(&config, text.clone().into_bytes()).map_err(hinted)?;
    Ok(Some((config, text, teams)))
}

/// Every `catalog-info.yaml` below `dir`, relative to `base` with `/`.
fn catalog_files_under(base: &Path, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            out.extend(catalog_files_under(base, &path));
        } else if entry.file_name() == CATALOG_FILE {
            if let Ok(rel) = path.strip_prefix(base) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    out
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
