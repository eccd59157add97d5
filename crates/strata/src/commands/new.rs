//! `strata new TEMPLATE NAME`: render a template for this repository and write the module.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use std::io::{BufRead as _, IsTerminal as _, Write as _};

use strata_templates::{
    Answer, Answers, Prompter, RenderOptions, Rendered, Variable, parse_set, parse_values, render,
};

use super::template::{facts, hinted};
use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, NewArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, args: &NewArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let catalog = super::template::catalog(project).map_err(hinted)?;
    let mut answers = Answers::new();
    if let Some(path) = &args.values {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        answers = parse_values(&text, &path.display().to_string()).map_err(hinted)?;
    }
    for set in &args.set {
        let (key, value) = parse_set(set).map_err(anyhow::Error::msg)?;
        answers.insert(key, value);
    }
    answers.insert("name".into(), Answer::Text(args.name.clone()));
    // Questions only for a person at a terminal: never in CI, never with `--defaults`.
    let terminal = Terminal::default();
    let ask = !args.defaults
        && std::env::var_os("CI").is_none()
        && std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal();
    let options = RenderOptions {
        into: args.into.as_deref(),
        // Hooks are commands: never run for a dry run.
        trust: args.trust && !args.dry_run,
        prompter: ask.then_some(&terminal as &dyn Prompter),
    };
    let rendered = render(
        &catalog,
        &args.template,
        &answers,
        &facts(project),
        &options,
    )
    .map_err(hinted)?;
    if !args.dry_run {
        rendered.write(&project.root).map_err(hinted)?;
    }
    if global.format == Format::Json {
        let answers: BTreeMap<_, _> = rendered.answers.iter().map(|(k, v)| (k, json(v))).collect();
        let files: Vec<_> = rendered.files.keys().map(|p| slash(p)).collect();
        let root_files: Vec<_> = rendered.root_files.keys().map(|p| slash(p)).collect();
        let doc = serde_json::json!({
            "template": rendered.template,
            "version": rendered.version,
            "into": rendered.into,
            "files": files,
            "root_files": root_files,
            "answers": answers,
            "written": !args.dry_run,
            "skipped_hooks": rendered.skipped_hooks,
            "ran_hooks": rendered.ran_hooks,
        });
        printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
    } else {
        printer.out(&tree(&rendered))?;
        if args.dry_run {
            if let Some(module) = rendered.files.get(Path::new("module.yaml")) {
                printer.out(&format!("\n{}/module.yaml:\n{module}", rendered.into))?;
            }
        }
    }
    for hook in &rendered.skipped_hooks {
        if !args.dry_run {
            printer.warn(&format!(
                "hook `{hook}` not run (pass `--trust` to run the template's hooks)"
            ));
        }
    }
    let files = rendered.files.len() + rendered.root_files.len();
    if args.dry_run {
        printer.note(&format!(
            "dry run: would create {files} files in `{}` from `{}` {}",
            rendered.into, rendered.template, rendered.version
        ));
    } else {
        printer.note(&format!(
            "created {files} files in `{}` from `{}` {}",
            rendered.into, rendered.template, rendered.version
        ));
    }
    Ok(ExitStatus::Success)
}

/// Questions on standard error, answers from standard input; an empty line takes the default,
/// the end of input (Ctrl-D) takes it for every question left.
#[derive(Default)]
struct Terminal {
    ended: std::cell::Cell<bool>,
}

impl Prompter for Terminal {
    fn ask(&self, var: &Variable, default: &Answer, problem: Option<&str>) -> Option<String> {
        if self.ended.get() {
            return None;
        }
        let mut err = std::io::stderr().lock();
        if let Some(problem) = problem {
            let _ = writeln!(err, "  {problem}");
        }
        let label = if var.help.is_empty() {
            var.name.clone()
        } else {
            format!("{} ({})", var.help, var.name)
        };
        let choices = if var.choices.is_empty() {
            String::new()
        } else {
            format!(" {{{}}}", var.choices.join(", "))
        };
        let _ = write!(err, "{label}{choices} [{}]: ", default.to_text());
        let _ = err.flush();
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => {
                // A terminal's end of input is not sticky: the next read would wait again.
                self.ended.set(true);
                let _ = writeln!(err);
                None
            }
            Ok(_) => Some(line.trim().to_owned()).filter(|l| !l.is_empty()),
        }
    }
}

fn json(answer: &Answer) -> serde_json::Value {
    match answer {
        Answer::Bool(b) => (*b).into(),
        Answer::Int(i) => (*i).into(),
        Answer::List(l) => l.clone().into(),
        Answer::Text(t) => t.clone().into(),
    }
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The destination and its files as an indented tree, folders first in path order.
fn tree(rendered: &Rendered) -> String {
    let mut out = format!("{}/\n", rendered.into);
    let mut open: Vec<String> = Vec::new();
    for path in rendered.files.keys() {
        let parts: Vec<String> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let Some((file, folders)) = parts.split_last() else {
            continue;
        };
        let common = open.iter().zip(folders).take_while(|(a, b)| a == b).count();
        open.truncate(common);
        for folder in &folders[common..] {
            let _ = writeln!(out, "{}{folder}/", "  ".repeat(open.len() + 1));
            open.push(folder.clone());
        }
        let _ = writeln!(out, "{}{file}", "  ".repeat(open.len() + 1));
    }
    if !rendered.root_files.is_empty() {
        let _ = writeln!(out, "at the repository root:");
        for path in rendered.root_files.keys() {
            let _ = writeln!(out, "  {}", slash(path));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn tree_nests_folders() {
        let files = ["README.md", "src/a.rs", "src/b/c.rs", "src/d.rs", "z.txt"]
            .iter()
            .map(|p| (PathBuf::from(p), String::new()))
            .collect();
        let r = Rendered {
            template: "t".into(),
            version: "1.0.0".into(),
            files,
            into: "libs/x".into(),
            answers: Answers::new(),
            parts: BTreeMap::new(),
            root_files: BTreeMap::new(),
            skipped_hooks: Vec::new(),
            ran_hooks: Vec::new(),
        };
        assert_eq!(
            tree(&r),
            "libs/x/\n  README.md\n  src/\n    a.rs\n    b/\n      c.rs\n    d.rs\n  z.txt\n"
        );
    }
}
