//! `strata serve`: the registry's HTTP API. Local mode (no `--db`) serves this repository from
//! `.strata/registry.db`, re-indexed on every change; shared mode serves a registry database
//! that `strata push` feeds. Local mode also polls the modules' health endpoints (`--poll`,
//! `[environments]`) and serves their live status. Stops on SIGTERM or Ctrl-C after finishing
//! the requests in flight.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use strata_server::Indexer;
use strata_server::{AuthSettings, DEFAULT_TENANT, Live, McpSettings, Monitor, Registry, Settings};
use strata_store::{PostgresStore, SqliteStore, Store};

use crate::ExitStatus;
use crate::args::{GlobalArgs, ServeArgs};
use crate::printer::{Hinted, Printer};

/// The store a `--db` URL names.
fn open(db: &str) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(path) = db.strip_prefix("sqlite:") {
        return Ok(Arc::new(SqliteStore::open(std::path::Path::new(path))?));
    }
    if is_postgres(db) {
        return Ok(Arc::new(PostgresStore::connect(db)?));
    }
    Err(not_a_database(db))
}

fn is_postgres(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

fn not_a_database(db: &str) -> anyhow::Error {
    Hinted {
        message: format!("`--db {db}` is not a registry database URL"),
        hint: "give `sqlite:PATH` or `postgres://user:password@host/db`".into(),
    }
    .into()
}

/// `--migrate-only`: open the database named by `--db` (which brings its schema up to date,
/// under PostgreSQL's advisory lock when replicas start at once) and say at which version.
fn migrate_only(db: &str, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let version = if let Some(path) = db.strip_prefix("sqlite:") {
        SqliteStore::open(std::path::Path::new(path))?.schema_version()?
    } else if is_postgres(db) {
        PostgresStore::connect(db)?.schema_version()?
    } else {
        return Err(not_a_database(db));
    };
    printer.note(&format!(
        "strata serve: the registry database is at schema version {version}"
    ));
    Ok(ExitStatus::Success)
}

pub fn run(global: &GlobalArgs, args: &ServeArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    if args.migrate_only {
        if let Some(db) = &args.db {
            return migrate_only(db, printer);
        }
    }
    let addr: SocketAddr = args.bind.parse().map_err(|_| Hinted {
        message: format!("`--bind {}` is not an address", args.bind),
        hint: "give an IP address and a port, as the default `--bind` does".into(),
    })?;
    let auth = auth_settings(global, args)?;
    if !addr.ip().is_loopback() && !auth.enabled() {
        return Err(Hinted {
            message: format!("refusing to listen on `{addr}` without authentication: it is not a loopback address"),
            hint: "give a server admin token (`STRATA_ADMIN_TOKEN` or `--admin-token-file`), or bind `127.0.0.1`".into(),
        }
        .into());
    }
    let settings = Settings {
        keep: args.keep,
        max_body: args.max_body.saturating_mul(1 << 20),
        timeout: std::time::Duration::from_secs(args.request_timeout.max(1)),
    };
    // Local mode: this repository, indexed now and again on every change.
    let mut local = None;
    let registry = match &args.db {
        Some(db) => Arc::new(Registry::new(open(db)?, settings, auth)),
        None => {
            let mut indexer = Indexer::new(super::load_options(global));
            let first = indexer.index()?;
            for w in &first.warnings {
                printer.warn(w);
            }
            let db = first.root.join(".strata").join("registry.db");
            // The MCP server at `/mcp` reads the repository itself, kept fresh the same way.
            let live = strata_mcp::Live::open(super::load_options(global))?;
            let mcp = McpSettings::new(Arc::new(live), &args.allowed_host);
            let live = live_status(global, args, &first.project, printer)?;
            let registry = Arc::new(
                Registry::new(Arc::new(SqliteStore::open(&db)?), settings, auth)
                    .with_mcp(mcp)
                    .with_status(live),
            );
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
            let watcher = strata_server::watch(&first.root, move |changed| {
                let start = std::time::Instant::now();
                match indexer.index_after(changed.as_deref()) {
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

/// Local mode's live status: the modules of the `[environments]` entry polled every `--poll`
/// seconds on a thread of their own, alerts logged (and sent to `[alerts] webhook`); off with
/// `--poll 0` or without `[environments]`.
fn live_status(
    global: &GlobalArgs,
    args: &ServeArgs,
    project_name: &str,
    printer: &Printer,
) -> anyhow::Result<Live> {
    if args.poll == 0 {
        return Ok(Live::Off(
            "live status is off: the server runs with `--poll 0`".into(),
        ));
    }
    // The module.yaml files and strata.toml as they are at start: a change to where modules
    // run takes a restart.
    let project = strata_project::Project::load(&super::load_options(global))?;
    if project.config.config.environments.is_empty() && args.env.is_none() {
        return Ok(Live::Off(
            "no live status: strata.toml has no `[environments]` to poll (e.g. `[environments.local]` with `url = \"http://127.0.0.1:{port}\"`)".into(),
        ));
    }
    let (environment, targets) =
        super::status::environment(&project, args.env.as_deref(), printer)?;
    printer.note(&format!(
        "strata serve: polling {} modules in `{environment}` every {} s",
        targets.len(),
        args.poll
    ));
    let monitor = Arc::new(Monitor::new(project_name, &environment, targets));
    let log = printer.clone();
    monitor
        .spawn(
            std::time::Duration::from_secs(args.poll),
            project.config.config.alerts.webhook.clone(),
            move |line| log.note(&format!("strata serve: {line}")),
        )
        .context("failed to start polling the modules")?;
    Ok(Live::On(monitor))
}

/// Fewer characters than this make a server admin token too easy to guess.
const MIN_ADMIN_TOKEN: usize = 24;

/// The server admin token, from `--admin-token-file` or `STRATA_ADMIN_TOKEN`; kept only as a
/// hash.
fn auth_settings(global: &GlobalArgs, args: &ServeArgs) -> anyhow::Result<AuthSettings> {
    let token = match &args.admin_token_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| {
                    format!("failed to read the admin token file `{}`", path.display())
                })?
                .trim()
                .to_owned(),
        ),
        None => std::env::var("STRATA_ADMIN_TOKEN")
            .ok()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty()),
    };
    if let Some(t) = &token {
        if t.len() < MIN_ADMIN_TOKEN {
            return Err(Hinted {
                message: format!(
                    "the server admin token has {} characters; it needs at least {MIN_ADMIN_TOKEN}",
                    t.len()
                ),
                hint: "make one with `openssl rand -base64 32`".into(),
            }
            .into());
        }
    }
    if !(args.rate_limit >= 0.0 && args.rate_limit.is_finite() && args.burst >= 1.0) {
        return Err(Hinted {
            message: format!(
                "`--rate-limit {}` and `--burst {}` do not make a limit",
                args.rate_limit, args.burst
            ),
            hint: "give a rate of 0 (no limit) or more, and a burst of 1 or more".into(),
        }
        .into());
    }
    Ok(AuthSettings {
        admin_token_hash: token.as_deref().map(strata_server::secret_hash),
        oidc: oidc(global)?,
        rate: args.rate_limit,
        burst: args.burst,
    })
}

/// Single sign-on from `[server.oidc]` of the configuration: `--config`, else the
/// `strata.toml` of `--root` or of the working directory.
fn oidc(global: &GlobalArgs) -> anyhow::Result<Option<Arc<strata_server::Oidc>>> {
    if global.no_config {
        return Ok(None);
    }
    let path = global.config.clone().unwrap_or_else(|| {
        global
            .root
            .clone()
            .unwrap_or_default()
            .join(strata_workspace::CONFIG_FILE)
    });
    if global.config.is_none() && !path.is_file() {
        return Ok(None);
    }
    let loaded = strata_workspace::load_config(&path)?;
    let Some(mut config) = loaded.config.server.oidc else {
        return Ok(None);
    };
    // A JWKS file is named relative to the configuration's folder.
    if !config.jwks.contains("://") {
        if let Some(dir) = path.parent() {
            config.jwks = dir.join(&config.jwks).display().to_string();
        }
    }
    let oidc = strata_server::Oidc::new(config).map_err(|e| Hinted {
        message: format!(
            "single sign-on (`[server.oidc]` in `{}`): {e}",
            path.display()
        ),
        hint: "`jwks` is the issuer's JWKS: an http(s) URL or a file".into(),
    })?;
    Ok(Some(Arc::new(oidc)))
}

/// `strata audit verify --db URL`: every tenant's chain checked; exit 1 at the first break.
pub fn audit(
    _global: &GlobalArgs,
    args: &crate::args::AuditArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let crate::args::AuditCommand::Verify { db } = &args.command;
    let store = open(db)?;
    let events = store.all_events()?;
    let verdict = strata_store::verify_chain(&events);
    drop(store);
    match verdict {
        Ok(n) => {
            let tenants: std::collections::BTreeSet<&str> =
                events.iter().map(|e| e.event.tenant.as_str()).collect();
            printer.out(&format!(
                "audit log intact: {n} events in {} chains\n",
                tenants.len()
            ))?;
            Ok(ExitStatus::Success)
        }
        Err(b) => {
            printer.out(&format!("audit log broken: {b}\n"))?;
            Ok(ExitStatus::Failure)
        }
    }
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
