//! `strata serve`: the registry's HTTP API. Local mode (no `--db`) serves this repository from
//! `.strata/registry.db`, re-indexed on every change; shared mode serves a registry database
//! that `strata push` feeds. Stops on SIGTERM or Ctrl-C after finishing the requests in
//! flight.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use strata_server::Indexer;
use strata_server::{DEFAULT_TENANT, Registry, Settings};
use strata_store::{PostgresStore, SqliteStore, Store};

use crate::ExitStatus;
use crate::args::{GlobalArgs, ServeArgs};
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

pub fn run(global: &GlobalArgs, args: &ServeArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
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
    let settings = Settings {
        keep: args.keep,
        max_body: args.max_body.saturating_mul(1 << 20),
    };
    // Local mode: this repository, indexed now and again on every change.
    let mut local = None;
    let registry = match &args.db {
        Some(db) => Arc::new(Registry::new(open(db)?, settings)),
        None => {
            let mut indexer = Indexer::new(super::load_options(global));
            let first = indexer.index()?;
            for w in &first.warnings {
                printer.warn(w);
            }
            let db = first.root.join(".strata").join("registry.db");
            let registry = Arc::new(Registry::new(Arc::new(SqliteStore::open(&db)?), settings));
            registry
                .put_snapshot(DEFAULT_TENANT, &first.project, &first.snapshot)
                .map_err(|p| anyhow::anyhow!("{}", p.detail))?;
            printer.note(&format!(
                "strata serve: project `{}` at commit {} ({} modules), registry `{}`",
                first.project,
                first.snapshot.commit,
                first.snapshot.modules.len(),
                db.display()
            ));
            let writer = Arc::clone(&registry);
            let printer = printer.clone();
            let watcher = strata_server::watch(&first.root, move || {
                let start = std::time::Instant::now();
                match indexer.index() {
                    Ok(next) => {
                        match writer.put_snapshot(DEFAULT_TENANT, &next.project, &next.snapshot) {
                            Ok(id) => printer.note(&format!(
                                "strata serve: re-indexed in {} ms (snapshot {id}, commit {})",
                                start.elapsed().as_millis(),
                                next.snapshot.commit
                            )),
                            Err(p) => printer.error(&anyhow::anyhow!(
                                "failed to store the new index: {}",
                                p.detail
                            )),
                        }
                    }
                    Err(e) => printer.error(&anyhow::Error::new(e).context("failed to re-index")),
                }
            })
            .context("failed to watch the repository for changes")?;
            local = Some(watcher);
            registry
        }
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
        strata_server::serve(listener, &registry, shutdown())
            .await
            .context("the server stopped")
    })?;
    drop(local);
    // The PostgreSQL client runs a runtime of its own, which may not be dropped inside
    // this one: the store goes last, after the server's runtime.
    drop(runtime);
    drop(registry);
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
