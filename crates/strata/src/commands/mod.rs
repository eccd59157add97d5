//! One file per command: turn arguments into a project call and its output.

pub mod api_diff;
pub mod backstage;
pub mod budgets;
pub mod check;
pub mod context;
pub mod deps;
pub mod docs;
pub mod dupes;
pub mod explain;
pub mod find;
pub mod graph;
pub mod health;
pub mod impact;
pub mod init;
pub mod lsp;
pub mod mcp;
pub mod merge;
pub mod metrics;
pub mod modules;
pub mod new;
pub mod push;
pub mod scan;
pub mod schema;
pub mod serve;
pub mod similar;
pub mod status;
pub mod template;
pub mod waves;

use strata_project::{Baseline, BaselineError, LoadOptions, Project};
use strata_workspace::error::closest;

use crate::args::GlobalArgs;
use crate::printer::{Hinted, Printer};

/// The baseline at `path` (repository-relative or absolute); a missing one is an error that
/// says how to create it.
pub fn load_baseline(project: &Project, path: &std::path::Path) -> anyhow::Result<Baseline> {
    Baseline::load(&project.root.join(path)).map_err(|e| match e {
        BaselineError::Missing(_) => anyhow::Error::new(Hinted {
            message: e.to_string(),
            hint: "create it with `strata check --baseline FILE --update-baseline`".into(),
        }),
        e => e.into(),
    })
}

/// An error with a "did you mean" unless the project has a module named `name`.
pub fn require_module(project: &Project, name: &str) -> anyhow::Result<()> {
    if project.module(name).is_some() {
        return Ok(());
    }
    let names = project.modules.iter().map(strata_project::Module::name);
    let hint = match closest(name, names) {
        Some(c) => format!("did you mean `{c}`? `strata modules` lists every module"),
        None => "`strata modules` lists every module".into(),
    };
    Err(Hinted {
        message: format!("no module is named `{name}`"),
        hint,
    }
    .into())
}

/// Load the repository the global flags name, and report problems of the walk.
///
/// The project lives as long as the process: it is leaked, so that exiting does not spend
/// time freeing tens of thousands of paths, and the scan it keeps ([`Project::index`]), one by
/// one.
pub fn load(global: &GlobalArgs, printer: &Printer) -> anyhow::Result<&'static Project> {
    let mut project = Project::load(&load_options(global))?;
    attach_progress(global, &mut project);
    for w in &project.discovery.warnings {
        printer.warn(w);
    }
    Ok(Box::leak(Box::new(project)))
}

/// How the global flags say to load the repository.
pub fn load_options(global: &GlobalArgs) -> LoadOptions {
    LoadOptions {
        root: global.root.clone(),
        config: global.config.clone(),
        no_config: global.no_config,
        jobs: global.jobs,
        no_cache: global.no_cache,
    }
}

/// Below this many files a scan is over before a bar would help.
const PROGRESS_FROM: usize = 5_000;

/// A progress bar on stderr while files are read: only on a terminal, for large repositories,
/// and never with `--quiet`, `--no-progress` or a machine format.
fn attach_progress(global: &GlobalArgs, project: &mut Project) {
    use std::io::IsTerminal as _;
    let total = project.sources.len();
    if global.quiet
        || global.no_progress
        || global.format != crate::args::Format::Text
        || total < PROGRESS_FROM
        || !std::io::stderr().is_terminal()
    {
        return;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} files")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix("scanning");
    project.progress = Some(std::sync::Arc::new(move |n| {
        bar.set_position(n as u64);
        if n >= total {
            bar.finish_and_clear();
        }
    }));
}
