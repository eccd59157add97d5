//! `strata init`: a `strata.toml` and `module.yaml` stubs for modules found only through their
//! manifests, filled from what the manifests say. Never overwrites a file.

use std::fmt::Write as _;

use anyhow::Context as _;
use strata_project::Module;
use strata_workspace::atomic::{create_atomic, write_atomic};
use strata_workspace::{CONFIG_FILE, MODULE_FILE};

use crate::ExitStatus;
use crate::args::{GlobalArgs, InitArgs};
use crate::printer::Printer;

/// Where editors find the module.yaml schema (the YAML language server reads this comment).
pub const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/strata-dev/strata/main/schema/module.schema.json";

pub fn run(global: &GlobalArgs, args: &InitArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let mut plan: Vec<(String, String, String)> = Vec::new(); // (path, contents, why)
    if project.config_path.is_empty() && !global.no_config && global.config.is_none() {
        let name = project
            .root
            .file_name()
            .map_or_else(|| "repository".into(), |n| n.to_string_lossy().into_owned());
        plan.push((
            CONFIG_FILE.into(),
            config_stub(&name),
            "repository configuration".into(),
        ));
    }
    for m in project.modules_without_schema() {
        let root = &m.declared.root;
        let path = if root.is_empty() {
            MODULE_FILE.to_owned()
        } else {
            format!("{root}/{MODULE_FILE}")
        };
        let from = m
            .declared
            .manifest
            .as_ref()
            .map_or("its folder", |x| x.path.as_str());
        plan.push((path, module_stub(m), format!("from `{from}`")));
    }

    let mut out = String::new();
    let mut written = 0;
    for (path, contents, why) in &plan {
        if args.dry_run {
            let _ = writeln!(out, "would create {path} ({why})");
            continue;
        }
        let full = project.root.join(path);
        if create_atomic(&full, contents.as_bytes())
            .with_context(|| format!("failed to write `{path}`"))?
        {
            written += 1;
            let _ = writeln!(out, "created {path} ({why})");
        } else {
            let _ = writeln!(out, "skipped {path} (already exists)");
        }
    }
    // strata's cache lives in `.strata/`: keep it out of version control.
    let gitignore = project.root.join(".gitignore");
    let existing = std::fs::read_to_string(&gitignore).unwrap_or_default();
    if !existing
        .lines()
        .any(|l| matches!(l.trim(), ".strata" | ".strata/" | "/.strata" | "/.strata/"))
    {
        if args.dry_run {
            let _ = writeln!(out, "would add .strata/ to .gitignore (strata's cache)");
        } else {
            let mut text = existing.clone();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(".strata/\n");
            write_atomic(&gitignore, text.as_bytes()).context("failed to update `.gitignore`")?;
            let _ = writeln!(out, "added .strata/ to .gitignore (strata's cache)");
        }
    }
    printer.out(&out)?;
    if plan.is_empty() {
        printer.note("nothing to do: every module has a module.yaml and strata.toml exists");
    } else if args.dry_run {
        printer.note(&format!("{} files would be written (dry run)", plan.len()));
    } else {
        printer.note(&format!(
            "{written} files written; fill in `owner` and `lifecycle`, then run `strata check`"
        ));
    }
    Ok(ExitStatus::Success)
}

fn config_stub(name: &str) -> String {
    format!(
        r#"# strata configuration: the declared architecture of this repository.
# Reference: `strata schema config`; rules: `strata explain --list`.

# Layers, bottom to top: a module may depend only on its own or lower layers.
# layers = ["foundation", "domain", "service", "app"]

[project]
name = {name:?}
exclude = []

# Lanes and the other lanes each may depend on.
[lanes]
# core = []
# platform = ["core"]

# Teams that own modules (`owner: team:<name>` in module.yaml).
# [teams.platform]
# contact = "platform@example.com"

[rules]
# no-cycles = "error"
"#
    )
}

/// YAML double-quoted scalar (JSON string syntax is valid YAML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn module_stub(m: &Module) -> String {
    let d = &m.declared;
    let manifest = d.manifest.as_ref();
    let mut s = format!(
        "# yaml-language-server: $schema={SCHEMA_URL}\nschema: strata/v1\nname: {}\n",
        quoted(&d.name)
    );
    if let Some(v) = manifest.and_then(|x| x.version.as_deref()) {
        let _ = writeln!(s, "version: {}", quoted(v));
    }
    if let Some(v) = manifest.and_then(|x| x.description.as_deref()) {
        let _ = writeln!(s, "description: {}", quoted(v));
    }
    s.push_str("# kind: library            # service | library | website | job | cli | resource\n");
    s.push_str("# owner: team:<name>        # a team of strata.toml [teams]\n");
    s.push_str("# lifecycle: experimental   # experimental | production | deprecated\n");
    s.push_str("# lane: <lane>\n# layer: <layer>\n# depends_on: []\n");
    s
}
