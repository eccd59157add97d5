//! `strata template list|show|update`: the templates `strata new` can use, and updating the
//! modules made from them.

use std::fmt::Write as _;

use strata_project::Project;
use strata_templates::{
    ANSWERS_FILE, Action, Answers, BUILTIN_VARIABLES, Catalog, RepoFacts, TemplateError, Update,
    Variable, parse_set, plan_update, uncommitted,
};

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, TemplateArgs, TemplateCommand, TemplateUpdateArgs};
use crate::printer::{Hinted, Printer};

pub fn run(
    global: &GlobalArgs,
    args: &TemplateArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let catalog = catalog(project).map_err(hinted)?;
    match &args.command {
        TemplateCommand::List => list(global, &catalog, printer),
        TemplateCommand::Show { name } => show(global, &catalog, name, printer),
        TemplateCommand::Update(args) => update(global, project, &catalog, args, printer),
    }
}

/// The built-in templates and the repository's (`[templates] paths`, default `templates/`).
pub fn catalog(project: &Project) -> Result<Catalog, TemplateError> {
    Catalog::load(&project.root, &project.config.config.template_paths())
}

/// A template error for the binary: with its hint under it when there is one.
pub fn hinted(e: TemplateError) -> anyhow::Error {
    match e.hint() {
        Some(hint) => Hinted {
            hint: hint.to_owned(),
            message: e.to_string(),
        }
        .into(),
        None => e.into(),
    }
}

/// What the built-in variables are resolved against: teams, lanes, layers, modules and ports.
pub fn facts(project: &Project) -> RepoFacts {
    let mut facts = RepoFacts::from_config(&project.config.config, env!("CARGO_PKG_VERSION"));
    for m in &project.modules {
        facts.modules.push(m.name().to_owned());
        let port = m
            .declared
            .schema
            .as_ref()
            .and_then(|s| s.api.as_ref())
            .and_then(|a| a.port.as_ref());
        if let Some(port) = port {
            facts
                .ports
                .entry(port.value)
                .or_insert_with(|| m.name().to_owned());
        }
    }
    facts.modules.sort();
    facts
}

fn list(global: &GlobalArgs, catalog: &Catalog, printer: &Printer) -> anyhow::Result<ExitStatus> {
    if global.format == Format::Json {
        let templates: Vec<_> = catalog
            .list()
            .map(|t| {
                serde_json::json!({
                    "name": t.spec.name,
                    "version": t.spec.version,
                    "category": t.spec.category.as_str(),
                    "description": t.spec.description,
                    "extends": t.spec.extends,
                    "source": t.source.as_str(),
                })
            })
            .collect();
        let doc = serde_json::json!({ "templates": templates });
        printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
        return Ok(ExitStatus::Success);
    }
    let width = catalog.list().map(|t| t.spec.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for t in catalog.list() {
        let source = if t.replaces_builtin {
            "repository, replaces the built-in".to_owned()
        } else {
            t.source.as_str().to_owned()
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:<7}  {:<8}  {}  ({source})",
            t.spec.name,
            t.spec.version,
            t.spec.category.as_str(),
            t.spec.description,
        );
    }
    printer.out(&out)?;
    Ok(ExitStatus::Success)
}

fn show(
    global: &GlobalArgs,
    catalog: &Catalog,
    name: &str,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let t = catalog.require(name).map_err(hinted)?;
    let variables = strata_templates::variables(catalog, name).map_err(hinted)?;
    let default = |v: &Variable| v.default.as_ref().map(strata_templates::Answer::to_yaml);
    if global.format == Format::Json {
        let vars: Vec<_> = variables
            .iter()
            .map(|v| {
                serde_json::json!({
                    "name": v.name,
                    "type": v.kind.as_str(),
                    "default": default(v),
                    "help": v.help,
                    "choices": v.choices,
                    "regex": v.regex,
                    "when": v.when,
                })
            })
            .collect();
        let builtins: Vec<_> = BUILTIN_VARIABLES
            .iter()
            .map(|(name, kind, help)| serde_json::json!({"name": name, "type": kind, "help": help}))
            .collect();
        let doc = serde_json::json!({
            "name": t.spec.name,
            "version": t.spec.version,
            "category": t.spec.category.as_str(),
            "description": t.spec.description,
            "source": t.source.as_str(),
            "extends": t.spec.extends,
            "includes": t.spec.includes,
            "strata": t.spec.strata,
            "into": t.spec.into,
            "variables": vars,
            "builtin_variables": builtins,
            "hooks": t.spec.hooks,
        });
        printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
        return Ok(ExitStatus::Success);
    }
    let mut out = String::new();
    let s = &t.spec;
    let _ = writeln!(
        out,
        "{} {} ({}, {}): {}",
        s.name,
        s.version,
        s.category.as_str(),
        t.source.as_str(),
        s.description
    );
    if let Some(parent) = &s.extends {
        let _ = writeln!(out, "extends: {parent}");
    }
    if !s.includes.is_empty() {
        let _ = writeln!(out, "includes: {}", s.includes.join(", "));
    }
    if let Some(req) = &s.strata {
        let _ = writeln!(out, "strata: {req}");
    }
    if let Some(into) = &s.into {
        let _ = writeln!(out, "into: {into}");
    }
    let _ = writeln!(out, "\nvariables (`--set KEY=VALUE`):");
    let width = variables
        .iter()
        .map(|v| v.name.len())
        .max()
        .unwrap_or(0)
        .max(14);
    for v in &variables {
        let mut line = format!("  {:<width$}  {:<6}", v.name, v.kind.as_str());
        if let Some(d) = default(v) {
            let _ = write!(line, "  default {d}");
        }
        if !v.choices.is_empty() {
            let _ = write!(line, "  one of {}", v.choices.join(", "));
        }
        if let Some(re) = &v.regex {
            let _ = write!(line, "  matching {re}");
        }
        if let Some(when) = &v.when {
            let _ = write!(line, "  when {when}");
        }
        if !v.help.is_empty() {
            let _ = write!(line, "  — {}", v.help);
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "\nbuilt-in variables:");
    for (name, kind, help) in BUILTIN_VARIABLES {
        let _ = writeln!(out, "  {name:<width$}  {kind:<6}  {help}");
    }
    if !s.hooks.is_empty() {
        let _ = writeln!(out, "\nhooks (run only with `--trust`):");
        for h in &s.hooks {
            let _ = writeln!(out, "  {h}");
        }
    }
    printer.out(&out)?;
    Ok(ExitStatus::Success)
}

fn update(
    global: &GlobalArgs,
    project: &Project,
    catalog: &Catalog,
    args: &TemplateUpdateArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let generated = |root: &str| {
        let dir = if root.is_empty() { "." } else { root };
        project.root.join(dir).join(ANSWERS_FILE).is_file()
    };
    let targets: Vec<String> = match &args.module {
        Some(name) => {
            super::require_module(project, name)?;
            project
                .module(name)
                .map(|m| m.declared.root.clone())
                .into_iter()
                .collect()
        }
        None => project
            .modules
            .iter()
            .map(|m| m.declared.root.clone())
            .filter(|root| generated(root))
            .collect(),
    };
    let mut set = Answers::new();
    for arg in &args.set {
        let (key, value) = parse_set(arg).map_err(anyhow::Error::msg)?;
        set.insert(key, value);
    }
    if targets.is_empty() {
        printer.note("no module was made by `strata new` (none has a `.strata-template.yaml`)");
    }
    let facts = facts(project);
    let mut updates = Vec::new();
    for into in &targets {
        let into = if into.is_empty() { "." } else { into.as_str() };
        if !args.dry_run && !args.allow_dirty {
            let files = uncommitted(&project.root, into);
            if !files.is_empty() {
                return Err(hinted(TemplateError::Uncommitted {
                    path: into.to_owned(),
                    files,
                }));
            }
        }
        let update = plan_update(catalog, &project.root, into, &set, &facts).map_err(hinted)?;
        if !args.dry_run {
            update.apply(&project.root).map_err(hinted)?;
        }
        updates.push(update);
    }
    let conflicts: usize = updates.iter().map(Update::conflicts).sum();
    if global.format == Format::Json {
        let modules: Vec<_> = updates
            .iter()
            .map(|u| {
                let files: Vec<_> = u
                    .files
                    .iter()
                    .map(|f| {
                        serde_json::json!({
                            "path": f.path,
                            "root": f.root,
                            "action": f.action.as_str(),
                            "detail": f.detail,
                        })
                    })
                    .collect();
                serde_json::json!({
                    "path": u.into,
                    "template": u.template,
                    "from": u.from,
                    "to": u.to,
                    "up_to_date": u.up_to_date(),
                    "parts_changed": u.parts_changed.iter().map(|(name, from, to)| {
                        serde_json::json!({"name": name, "from": from, "to": to})
                    }).collect::<Vec<_>>(),
                    "base_unavailable": u.base_unavailable,
                    "dropped_answers": u.dropped,
                    "files": files,
                    "conflicts": u.conflicts(),
                })
            })
            .collect();
        let doc = serde_json::json!({
            "modules": modules,
            "conflicts": conflicts,
            "written": !args.dry_run,
        });
        printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
    } else {
        let mut out = String::new();
        for u in &updates {
            let mut change = if u.from == u.to {
                u.to.clone()
            } else {
                format!("{} -> {}", u.from, u.to)
            };
            let parts: Vec<String> = u
                .parts_changed
                .iter()
                .filter(|(name, ..)| *name != u.template)
                .map(|(name, from, to)| format!("{name} {from} -> {to}"))
                .collect();
            if !parts.is_empty() {
                let _ = write!(change, " ({})", parts.join(", "));
            }
            let status = if u.up_to_date() { ": up to date" } else { "" };
            let _ = writeln!(out, "{}: {} {change}{status}", u.into, u.template);
            if let Some(reason) = &u.base_unavailable {
                let _ = writeln!(
                    out,
                    "  no base to merge from (version {} of the template: {reason}); files both sides have are conflicts",
                    u.from
                );
            }
            if !u.dropped.is_empty() {
                let _ = writeln!(
                    out,
                    "  answers no longer asked, dropped: {}",
                    u.dropped.join(", ")
                );
            }
            for f in u
                .files
                .iter()
                .filter(|f| !u.up_to_date() || f.action != Action::Kept)
            {
                let detail = f
                    .detail
                    .as_deref()
                    .map_or_else(String::new, |d| format!("  ({d})"));
                let at = if f.root {
                    "  (at the repository root)"
                } else {
                    ""
                };
                let _ = writeln!(out, "  {:<8}  {}{at}{detail}", f.action.as_str(), f.path);
            }
        }
        printer.out(&out)?;
    }
    let verb = if args.dry_run {
        "would update"
    } else {
        "updated"
    };
    if conflicts > 0 {
        printer.warn(&format!(
            "{conflicts} conflict(s): resolve the files listed as `conflict` (search for `<<<<<<<`), then run `strata check`"
        ));
        return Ok(ExitStatus::Failure);
    }
    let changed = updates.iter().filter(|u| !u.up_to_date()).count();
    if !targets.is_empty() {
        printer.note(&format!(
            "{verb} {changed} of {} module(s), no conflict",
            updates.len()
        ));
    }
    Ok(ExitStatus::Success)
}
