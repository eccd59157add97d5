//! `strata mcp`: the MCP server on stdin and stdout. Stdout carries protocol messages only
//! (notes and errors go to stderr); the server exits when stdin ends.

use std::sync::Arc;

use anyhow::Context as _;
use strata_mcp::rmcp::ServiceExt as _;
use strata_mcp::rmcp::service::ServerInitializeError;
use strata_mcp::{Live, StrataMcp};

use crate::ExitStatus;
use crate::args::{GlobalArgs, McpArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, _args: &McpArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let start = std::time::Instant::now();
    let live = Live::open(super::load_options(global))?;
    let (snapshot, fresh) = live.current().map_err(anyhow::Error::msg)?;
    printer.note(&format!(
        "strata mcp: {} modules, {} source files indexed in {} ms{}",
        snapshot.project.modules.len(),
        snapshot.project.sources.len(),
        start.elapsed().as_millis(),
        if fresh.stale {
            "; changes are not watched, answers may be stale"
        } else {
            ""
        }
    ));
    drop(snapshot);
    let server = StrataMcp::new(Arc::new(live));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the server's runtime")?;
    runtime.block_on(async {
        let service = match server.serve(strata_mcp::rmcp::transport::stdio()).await {
            Ok(service) => service,
            // Input ended before a session began (nothing sent, or only stateless requests,
            // already answered): a normal end.
            Err(ServerInitializeError::ConnectionClosed(_)) => return anyhow::Ok(()),
            Err(e) => return Err(e).context("the MCP session failed to start"),
        };
        service.waiting().await.context("the MCP session failed")?;
        anyhow::Ok(())
    })?;
    // Blocking tool calls still running must not hold the process after stdin closed.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(ExitStatus::Success)
}
