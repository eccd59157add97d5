//! Live module status (DESIGN.md §10): the liveness and readiness endpoints of every module
//! with `health` in its `module.yaml`, polled concurrently in one `[environments]` entry of
//! `strata.toml`; the up/down transitions they show, and alerts when a tier-1 module goes down
//! or comes back.
//!
//! A [`Monitor`] keeps the latest check and the transitions in memory only: the newest
//! [`HISTORY`] per project, lost on restart. `strata status` makes one check; `strata serve`
//! checks again and again ([`Monitor::spawn`]) and answers `GET …/status`.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use serde_json::json;
use strata_project::Project;
use strata_store::Role;

pub use crate::api_types::{
    LiveState, ModuleStatus, StatusDoc, StatusProbe, StatusReport, StatusTransition,
};
use crate::auth::{Caller, require};
use crate::{Answer, AppState, PathOf, Problem, json_value, missing};

/// The longest one request to a health endpoint may take.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// Transitions kept per project, newest first; older ones are dropped.
pub const HISTORY: usize = 1_000;

/// Requests in flight at once during a check.
const CONCURRENCY: usize = 32;

/// Alerts waiting for the webhook; beyond them an alert is logged as not sent (a webhook that
/// hangs never holds the polling up, nor grows memory without bound).
const WEBHOOK_QUEUE: usize = 256;

/// A module to poll: where its health endpoints are in one environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub tier: Option<u32>,
    /// The liveness endpoint's URL.
    pub liveness: Option<String>,
    /// The readiness endpoint's URL.
    pub readiness: Option<String>,
}

/// The modules of `project` with `health` endpoints, sorted by name, with their URLs in an
/// environment whose `url` template is `url`; and a warning for each module that has health
/// endpoints but cannot be placed (`{port}` without `api.port`).
pub fn targets(project: &Project, url: &str) -> (Vec<Target>, Vec<String>) {
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    for module in &project.modules {
        let Some(file) = module.declared.schema.as_ref() else {
            continue;
        };
        let Some(health) = file.health.as_ref() else {
            continue;
        };
        if health.liveness.is_none() && health.readiness.is_none() {
            continue;
        }
        let name = module.name();
        let api = file.api.as_ref();
        let port = api.and_then(|a| a.port.as_ref()).map(|p| p.value);
        if url.contains("{port}") && port.is_none() {
            warnings.push(format!(
                "module `{name}` has `health` endpoints but no `api.port` for the `{{port}}` of the environment's URL: it is not polled"
            ));
            continue;
        }
        let base_path = api
            .and_then(|a| a.base_path.as_ref())
            .map_or("", |b| b.value.trim_end_matches('/'));
        let base = url
            .replace("{port}", &port.map(|p| p.to_string()).unwrap_or_default())
            .replace("{name}", name)
            .replace("{base_path}", base_path);
        let endpoint = |path: &Option<String>| path.as_deref().map(|p| join(&base, p));
        found.push(Target {
            name: name.to_owned(),
            tier: file.tier.as_ref().map(|t| t.value),
            liveness: endpoint(&health.liveness),
            readiness: endpoint(&health.readiness),
        });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    (found, warnings)
}

/// `base` then `path`, with one `/` between; a `path` that is a URL itself stands alone.
fn join(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_owned();
    }
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// Request every URL once, [`CONCURRENCY`] at a time, each within [`TIMEOUT`]; the answers in
/// the order of `urls`.
pub fn probe_all(urls: &[&str]) -> Vec<StatusProbe> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT))
        .max_redirects(0)
        .user_agent(concat!("strata/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let answers: Vec<Mutex<Option<StatusProbe>>> = urls.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..CONCURRENCY.min(urls.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    let answer = probe(&agent, url);
                    *answers[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(answer);
                }
            });
        }
    });
    answers
        .into_iter()
        .map(|a| {
            a.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .unwrap_or(StatusProbe {
                    ok: false,
                    code: None,
                    ms: 0,
                    error: Some("not requested".into()),
                })
        })
        .collect()
}

fn probe(agent: &ureq::Agent, url: &str) -> StatusProbe {
    let start = Instant::now();
    let result = agent.get(url).call();
    let ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    match result {
        Ok(response) => {
            let code = response.status().as_u16();
            StatusProbe {
                ok: (200..300).contains(&code),
                code: Some(code),
                ms,
                error: None,
            }
        }
        Err(e) => StatusProbe {
            ok: false,
            code: None,
            ms,
            error: Some(match e {
                ureq::Error::Timeout(_) => format!("timed out after {} s", TIMEOUT.as_secs()),
                ureq::Error::Io(io) => io.kind().to_string(),
                other => other.to_string(),
            }),
        },
    }
}

/// What an alert says, for the log and the webhook.
#[derive(Clone, Debug)]
pub struct Alert {
    /// One line: `tier-1 module `x` of project `p` is down in `local`: …`.
    pub line: String,
    /// The JSON sent to the webhook.
    pub body: serde_json::Value,
}

struct Known {
    state: LiveState,
    since: i64,
}

#[derive(Default)]
struct Memory {
    latest: Option<StatusReport>,
    known: HashMap<String, Known>,
    /// Newest first.
    history: VecDeque<StatusTransition>,
}

/// The live status of one project's modules in one environment.
pub struct Monitor {
    project: String,
    environment: String,
    targets: Vec<Target>,
    memory: Mutex<Memory>,
}

impl Monitor {
    pub fn new(project: &str, environment: &str, targets: Vec<Target>) -> Monitor {
        Monitor {
            project: project.to_owned(),
            environment: environment.to_owned(),
            targets,
            memory: Mutex::default(),
        }
    }

    /// The project whose modules it polls.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// Poll every module once and remember what changed; the alerts of this check (a tier-1
    /// module seen down, or up after down).
    pub fn check(&self) -> Vec<Alert> {
        let checked_at = crate::auth::now();
        let mut urls = Vec::new();
        for t in &self.targets {
            urls.extend(t.liveness.as_deref());
            urls.extend(t.readiness.as_deref());
        }
        let mut answers = probe_all(&urls).into_iter();
        let mut memory = self.memory.lock().unwrap_or_else(PoisonError::into_inner);
        let mut modules = Vec::with_capacity(self.targets.len());
        let mut alerts = Vec::new();
        for t in &self.targets {
            let liveness = t.liveness.as_ref().and_then(|_| answers.next());
            let readiness = t.readiness.as_ref().and_then(|_| answers.next());
            let decisive = liveness.as_ref().or(readiness.as_ref());
            let state = if decisive.is_some_and(|p| p.ok) {
                LiveState::Up
            } else {
                LiveState::Down
            };
            let previous = memory.known.get(&t.name).map(|k| (k.state, k.since));
            let since = match previous {
                Some((s, since)) if s == state => since,
                _ => {
                    let transition = StatusTransition {
                        module: t.name.clone(),
                        tier: t.tier,
                        at: checked_at,
                        state,
                        previous: previous.map(|p| p.0),
                        probe: decisive.cloned(),
                    };
                    if let Some(alert) = self.alert(&transition) {
                        alerts.push(alert);
                    }
                    memory.history.push_front(transition);
                    memory.history.truncate(HISTORY);
                    memory.known.insert(
                        t.name.clone(),
                        Known {
                            state,
                            since: checked_at,
                        },
                    );
                    checked_at
                }
            };
            let up = state == LiveState::Up;
            modules.push(ModuleStatus {
                name: t.name.clone(),
                tier: t.tier,
                state,
                liveness,
                readiness,
                up_since: up.then_some(since),
                down_since: (!up).then_some(since),
            });
        }
        memory.latest = Some(StatusReport {
            environment: self.environment.clone(),
            checked_at: Some(checked_at),
            modules,
        });
        alerts
    }

    /// A tier-1 module seen down, or up again after down, is an alert.
    fn alert(&self, t: &StatusTransition) -> Option<Alert> {
        let coming_back = t.state == LiveState::Up && t.previous == Some(LiveState::Down);
        if t.tier != Some(1) || !(t.state == LiveState::Down || coming_back) {
            return None;
        }
        let why = t
            .probe
            .as_ref()
            .map_or_else(String::new, |p| match (p.code, &p.error) {
                (Some(code), _) => format!(" (HTTP {code} in {} ms)", p.ms),
                (None, Some(e)) => format!(" ({e})"),
                (None, None) => String::new(),
            });
        let what = if coming_back {
            "is up again"
        } else {
            "is down"
        };
        let line = format!(
            "tier-1 module `{}` of project `{}` {what} in `{}`{why}",
            t.module, self.project, self.environment
        );
        let body = json!({
            "text": format!("strata: {line}"),
            "project": self.project,
            "environment": self.environment,
            "transition": t,
        });
        Some(Alert { line, body })
    }

    /// The latest check (none yet: no `checked_at`, no modules).
    pub fn report(&self) -> StatusReport {
        let memory = self.memory.lock().unwrap_or_else(PoisonError::into_inner);
        memory.latest.clone().unwrap_or_else(|| StatusReport {
            environment: self.environment.clone(),
            checked_at: None,
            modules: Vec::new(),
        })
    }

    /// The latest check and the transitions, newest first.
    pub fn document(&self) -> StatusDoc {
        let report = self.report();
        let memory = self.memory.lock().unwrap_or_else(PoisonError::into_inner);
        StatusDoc {
            report,
            history: memory.history.iter().cloned().collect(),
        }
    }

    /// Check now and then every `every` (from the start of one check to the next; a check
    /// that takes longer is followed at once), on a thread of its own that lives as long as
    /// the process. Each alert goes to `log` once and, with a `webhook`, is sent there once
    /// (a failure is logged, never retried).
    pub fn spawn(
        self: &Arc<Self>,
        every: Duration,
        webhook: Option<String>,
        log: impl Fn(&str) + Send + Sync + 'static,
    ) -> std::io::Result<()> {
        let log = Arc::new(log);
        let outbox = match webhook {
            Some(url) => Some(spawn_webhook(url, Arc::clone(&log))?),
            None => None,
        };
        let monitor = Arc::clone(self);
        std::thread::Builder::new()
            .name("strata-status".into())
            .spawn(move || {
                loop {
                    let start = Instant::now();
                    for alert in monitor.check() {
                        log(&format!("ALERT {}", alert.line));
                        if let Some(outbox) = &outbox {
                            if outbox.try_send(alert.body).is_err() {
                                log(&format!(
                                    "the alert webhook is behind: not sent: {}",
                                    alert.line
                                ));
                            }
                        }
                    }
                    std::thread::sleep(every.saturating_sub(start.elapsed()));
                }
            })?;
        Ok(())
    }
}

/// A thread sending each alert to `url` (a JSON `POST`), in order, once.
fn spawn_webhook(
    url: String,
    log: Arc<impl Fn(&str) + Send + Sync + 'static>,
) -> std::io::Result<mpsc::SyncSender<serde_json::Value>> {
    let (outbox, inbox) = mpsc::sync_channel::<serde_json::Value>(WEBHOOK_QUEUE);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .user_agent(concat!("strata/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    std::thread::Builder::new()
        .name("strata-webhook".into())
        .spawn(move || {
            for body in inbox {
                let sent = agent
                    .post(&url)
                    .header("Content-Type", "application/json")
                    .send(body.to_string().as_bytes());
                match sent {
                    Ok(r) if r.status().is_success() => {}
                    Ok(r) => log(&format!(
                        "the alert webhook `{url}` answered {}: the alert is not sent again",
                        r.status().as_u16()
                    )),
                    Err(e) => log(&format!(
                        "the alert webhook `{url}` failed: {e}: the alert is not sent again"
                    )),
                }
            }
        })?;
    Ok(outbox)
}

/// Whether `GET …/status` has anything to answer, and if not, why.
pub enum Live {
    /// Why there is no live status (shared mode; no `[environments]`; `--poll 0`).
    Off(String),
    On(Arc<Monitor>),
}

impl Default for Live {
    fn default() -> Live {
        Live::Off(
            "live status needs local mode: run `strata serve` in the repository, with \
             `[environments]` in its strata.toml (a shared registry has no environments)"
                .into(),
        )
    }
}

/// A `/modules` answer (or a module card, `card`) with each polled module's latest status in
/// its `status` field, when local mode polls this project; the stored bytes otherwise.
pub(crate) fn with_status(
    state: &AppState,
    caller: &Caller,
    project: &str,
    stored: &axum::body::Bytes,
    card: bool,
) -> axum::body::Bytes {
    let Live::On(monitor) = state.status.as_ref() else {
        return stored.clone();
    };
    if monitor.project() != project || caller.tenant() != Some(crate::DEFAULT_TENANT) {
        return stored.clone();
    }
    let report = monitor.report();
    if report.checked_at.is_none() {
        return stored.clone();
    }
    let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(stored) else {
        return stored.clone();
    };
    let status_of = |name: &str| {
        report
            .modules
            .iter()
            .find(|m| m.name == name)
            .and_then(|m| serde_json::to_value(m).ok())
    };
    let mut patch = |m: &mut serde_json::Value| {
        if let Some(st) = m["name"].as_str().and_then(status_of) {
            m["status"] = st;
        }
    };
    if card {
        if let Some(st) = doc["module"]["name"].as_str().and_then(status_of) {
            doc["module"]["status"] = st.clone();
            doc["status"] = st;
        }
    } else if let Some(rows) = doc["modules"].as_array_mut() {
        rows.iter_mut().for_each(&mut patch);
    }
    axum::body::Bytes::from(serde_json::to_vec(&doc).unwrap_or_default())
}

/// `GET /api/v1/projects/{p}/status`.
pub(crate) async fn status(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathOf(project): PathOf<String>,
) -> Answer {
    let tenant = require(&state, &caller, Role::Viewer, ("project", &project)).await?;
    let monitor = match state.status.as_ref() {
        Live::On(m) if m.project() == project && tenant == crate::DEFAULT_TENANT => m,
        Live::On(_) => {
            let problem = Problem::not_found(format!("no project `{project}`"));
            return Err(missing(&state, &caller, &tenant, &project, problem).await);
        }
        Live::Off(why) => return Err(Problem::not_found(why.clone())),
    };
    let doc =
        serde_json::to_value(monitor.document()).map_err(|e| Problem::internal(e.to_string()))?;
    Ok(json_value(StatusCode::OK, &doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_join_with_one_slash() {
        assert_eq!(
            join("http://127.0.0.1:8080/", "/health"),
            "http://127.0.0.1:8080/health"
        );
        assert_eq!(join("http://h/api", "ready"), "http://h/api/ready");
        assert_eq!(
            join("http://h", "https://elsewhere/x"),
            "https://elsewhere/x"
        );
    }

    #[test]
    fn a_closed_port_is_down_without_a_code() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let monitor = Monitor::new(
            "p",
            "local",
            vec![Target {
                name: "m".into(),
                tier: Some(1),
                liveness: Some(format!("http://127.0.0.1:{port}/health")),
                readiness: None,
            }],
        );
        let alerts = monitor.check();
        assert_eq!(alerts.len(), 1, "a tier-1 module seen down is an alert");
        let doc = monitor.document();
        let m = &doc.report.modules[0];
        assert_eq!(m.state, LiveState::Down);
        assert!(m.liveness.as_ref().is_some_and(|p| p.code.is_none()));
        assert!(m.up_since.is_none() && m.down_since.is_some());
        assert_eq!(doc.history.len(), 1);
        // Still down: no new transition, no new alert.
        assert!(monitor.check().is_empty());
        assert_eq!(monitor.document().history.len(), 1);
    }
}
