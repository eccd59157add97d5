//! The client side of a push: a repository's registry documents as one snapshot, sent gzip'd
//! to a registry server, retried with backoff when the server or the network fails.

use std::io::Write as _;
use std::time::Duration;

use strata_project::{Head, RegistryDocuments};
use strata_store::{Documents, ModuleRow, NewSnapshot};

/// The snapshot of a repository's registry documents at `head` (`created_at`: the commit's
/// time, else `now`).
pub fn new_snapshot(docs: RegistryDocuments, head: &Head, strata_version: &str) -> NewSnapshot {
    NewSnapshot {
        commit: head.commit.clone(),
        branch: head.branch.clone(),
        created_at: head.time,
        strata_version: strata_version.to_owned(),
        modules: docs
            .rows
            .into_iter()
            .map(|r| ModuleRow {
                module: r.module,
                score: r.score,
                band: r.band.map(str::to_owned),
                errors: r.errors,
                warnings: r.warnings,
            })
            .collect(),
        documents: Documents {
            modules: docs.modules,
            module_graph: docs.module_graph,
            file_graph: docs.file_graph,
            findings: docs.findings,
            health: docs.health,
            waves: docs.waves,
            teams: docs.teams,
            declarations: docs.declarations,
        },
    }
}

/// Whether `name` can name a project: 1 to 100 letters, digits, `.`, `_` or `-`, not
/// starting with `.`.
pub fn valid_project_name(name: &str) -> bool {
    (1..=100).contains(&name.len())
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Where and how to push.
#[derive(Clone, Debug)]
pub struct PushTarget {
    /// The server's base URL (`http://host:port`, `https://…`).
    pub server: String,
    pub project: String,
    /// Sent as `Authorization: Bearer …`.
    pub token: Option<String>,
    /// Attempts after the first, on connection errors, 5xx and 429.
    pub retries: u32,
    /// The first wait between attempts; it doubles each time (at most 30 s).
    pub backoff: Duration,
}

/// What a push came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pushed {
    /// The snapshot's id on the server.
    pub id: i64,
    /// Bytes sent (compressed) and before compression.
    pub sent: usize,
    pub raw: usize,
    pub attempts: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("`{0}` is not a project name: use 1 to 100 letters, digits, `.`, `_` or `-`")]
    ProjectName(String),
    #[error("`{0}` is not a server URL: give `http://host:port` or `https://host`")]
    Url(String),
    #[error("the server refused the snapshot ({status} {title}): {detail}")]
    Refused {
        status: u16,
        title: String,
        detail: String,
    },
    #[error("the push failed after {attempts} attempts: {last}")]
    GaveUp { attempts: u32, last: String },
    #[error("failed to encode the snapshot: {0}")]
    Encode(String),
}

/// The `title` and `detail` of a problem answer, or the text as it came.
pub(crate) fn problem_of(text: &str) -> (String, String) {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) if v["detail"].is_string() => (
            v["title"].as_str().unwrap_or_default().to_owned(),
            v["detail"].as_str().unwrap_or_default().to_owned(),
        ),
        _ => (String::new(), text.trim().chars().take(500).collect()),
    }
}

/// Send `snapshot` to the server of `target`. The server writes it in one transaction, so an
/// attempt cut off midway leaves nothing; a retry after an attempt that did land replaces it
/// with the same contents (a push is idempotent per commit).
pub fn push(target: &PushTarget, snapshot: &NewSnapshot) -> Result<Pushed, PushError> {
    if !valid_project_name(&target.project) {
        return Err(PushError::ProjectName(target.project.clone()));
    }
    let base = target.server.trim_end_matches('/');
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(PushError::Url(target.server.clone()));
    }
    let url = format!("{base}/api/v1/projects/{}/snapshots", target.project);
    let raw = serde_json::to_vec(snapshot).map_err(|e| PushError::Encode(e.to_string()))?;
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(raw.len() / 8),
        flate2::Compression::fast(),
    );
    gz.write_all(&raw)
        .map_err(|e| PushError::Encode(e.to_string()))?;
    let body = gz.finish().map_err(|e| PushError::Encode(e.to_string()))?;

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into();
    let mut wait = target.backoff;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut request = agent
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .header("User-Agent", concat!("strata/", env!("CARGO_PKG_VERSION")));
        if let Some(token) = &target.token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let (last, retry_after) = match request.send(&body[..]) {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let text = response.body_mut().read_to_string().unwrap_or_default();
                if status == 201 || status == 200 {
                    let id = serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|v| v["id"].as_i64())
                        .ok_or_else(|| PushError::GaveUp {
                            attempts,
                            last: format!("the server answered {status} without an id: {text}"),
                        })?;
                    return Ok(Pushed {
                        id,
                        sent: body.len(),
                        raw: raw.len(),
                        attempts,
                    });
                }
                let (title, detail) = problem_of(&text);
                if status < 500 && status != 429 && status != 408 {
                    return Err(PushError::Refused {
                        status,
                        title,
                        detail,
                    });
                }
                (format!("{status} {title}: {detail}"), retry_after)
            }
            Err(e) => (format!("{url}: {e}"), None),
        };
        if attempts > target.retries {
            return Err(PushError::GaveUp { attempts, last });
        }
        std::thread::sleep(retry_after.unwrap_or(wait).min(Duration::from_secs(60)));
        wait = (wait * 2).min(Duration::from_secs(30));
    }
}
