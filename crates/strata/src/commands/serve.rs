//! `strata serve`: the registry's HTTP API over a registry database (shared mode: snapshots
//! arrive by push). Stops on SIGTERM or Ctrl-C after finishing the requests in flight.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use strata_server::Settings;
use strata_store::{PostgresStore, SqliteStore, Store};

use crate::ExitStatus;
use crate::args::ServeArgs;
use crate::printer::{Hinted, Printer};

/// The store a `--db` URL names.
fn open(db: &str) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(path) = db.strip_prefix("sqlite:") {
        return Ok(Arc::new(SqliteStore::open(std::path::Path::new(path))?));
    }
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        return Ok(Arc::new(PostgresStore::connect(db)?));
    }
    Err(Hinted {
        message: format!("`--db {db}` is not a registry database URL"),
        hint: "give `sqlite:PATH` or `postgres://user:password@host/db`".into(),
    }
    .into())
}

pub fn run(args: &ServeArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let Some(db) = &args.db else {
        return Err(Hinted {
            message: "`strata serve` needs `--db` for now".into(),
            hint: "serve a registry database: `strata serve --db sqlite:.strata/registry.db`"
                .into(),
        }
        .into());
    };
    let addr: SocketAddr = args.bind.parse().map_err(|_| Hinted {
        message: format!("`--bind {}` is not an address", args.bind),
        hint: "give an IP address and a port, as the default `--bind` does".into(),
    })?;
    if !addr.ip().is_loopback() {
        return Err(Hinted {
            message: format!("refusing to listen on `{addr}`: it is not a loopback address and the registry has no authentication yet"),
            hint: "bind `127.0.0.1` (or put an authenticating proxy in front)".into(),
        }
        .into());
    }
    let store = open(db)?;
    let settings = Settings {
        keep: args.keep,
        max_body: args.max_body.saturating_mul(1 << 20),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the server's runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("failed to listen on `{addr}`"))?;
        let bound = listener
            .local_addr()
            .context("failed to read the bound address")?;
        printer.note(&format!("strata serve: http://{bound}"));
        strata_server::serve(listener, Arc::clone(&store), settings, shutdown())
            .await
            .context("the server stopped")
    })?;
    // The PostgreSQL client runs a runtime of its own, which may not be dropped inside
    // this one: the store goes last, after the server's runtime.
    drop(runtime);
    drop(store);
    printer.note("strata serve: stopped");
    Ok(ExitStatus::Success)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
