//! `strata lsp`: the language server on stdio (`crates/strata_lsp`).

use crate::ExitStatus;
use crate::args::GlobalArgs;

pub fn run(global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    strata_lsp::run_stdio(super::load_options(global)).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(ExitStatus::Success)
}
