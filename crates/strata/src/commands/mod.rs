//! One file per command: turn arguments into a project call and its output.

pub mod check;
pub mod explain;
pub mod graph;
pub mod impact;
pub mod init;
pub mod modules;
pub mod scan;
pub mod schema;
pub mod waves;

use strata_project::{LoadOptions, Project};

use crate::args::GlobalArgs;
use crate::printer::Printer;

/// Load the repository the global flags name, and report problems of the walk.
pub fn load(global: &GlobalArgs, printer: &Printer) -> anyhow::Result<Project> {
    let project = Project::load(&load_options(global))?;
    for w in &project.discovery.warnings {
        printer.warn(w);
    }
    Ok(project)
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
