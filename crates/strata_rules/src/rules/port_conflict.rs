//! Two modules that declare the same port, or overlapping API base paths.
//!
//! ## What it does
//! Groups modules by `api.port`: every module declaring a port that another module declares
//! too gets a finding at its declaration, naming the others. Also
//! reports two modules whose `api.base_path` are equal or one is a prefix of the other by
//! whole segments (`/api/v1/users` and `/api/v1/users/admin`), since a gateway routing by
//! path cannot tell them apart.
//!
//! ## Why
//! Two services on one port cannot run side by side in development, on one host, or behind
//! a sidecar; overlapping base paths route requests to the wrong service. Both are found in
//! production unless they are found here.
//!
//! ## Example
//! ```yaml
//! # services/context-service/module.yaml      # services/configuration-service/module.yaml
//! api: { port: 3034 }                         api: { port: 3034 }
//! ```
//!
//! ## How to fix
//! Give each service its own port (keep a port table in the repository so the next one is
//! easy to pick) and a base path of its own.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use strata_diagnostics::{Diagnostic, Level};

use super::at_value;
use crate::{Context, Phase, Rule};

pub struct PortConflict;

const ID: &str = "port-conflict";

/// Whether one base path equals the other or contains it as a leading run of segments.
fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
fn overlaps(a: &str, b: &str) -> bool {
    let (a, b) = (segments(a), segments(b));
    let n = a.len().min(b.len());
    n > 0 && a[..n] == b[..n]
}

impl Rule for PortConflict {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Error
    }
    fn phase(&self) -> Phase {
        Phase::Schema
    }
    fn source(&self) -> &'static str {
        include_str!("port_conflict.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut by_port: BTreeMap<u16, Vec<_>> = BTreeMap::new();
        let mut paths = Vec::new();
        for m in cx.modules {
            let Some(api) = m.schema.as_ref().and_then(|s| s.api.as_ref()) else {
                continue;
            };
            if let Some(port) = &api.port {
                by_port.entry(port.value).or_default().push((m, port));
            }
            if let Some(base) = &api.base_path {
                paths.push((m, base));
            }
        }
        for (port, users) in &by_port {
            if users.len() < 2 {
                continue;
            }
            for (m, spanned) in users {
                let others: Vec<String> = users
                    .iter()
                    .filter(|(o, _)| !std::ptr::eq(*o, *m))
                    .map(|(o, _)| format!("`{}`", o.name))
                    .collect();
                out.push(
                    at_value(
                        ID,
                        m,
                        spanned,
                        format!(
                            "port {port} of `{}` is also declared by {}",
                            m.name,
                            others.join(", ")
                        ),
                    )
                    .target(port.to_string())
                    .help("give each service a port of its own"),
                );
            }
        }
        // Two base paths overlap when one's segments are a prefix of the other's: look each
        // path's prefixes up among the full paths instead of comparing every pair.
        let segments: Vec<Vec<&str>> = paths.iter().map(|(_, b)| segments(&b.value)).collect();
        let mut by_segments: HashMap<&[&str], Vec<usize>> = HashMap::new();
        for (i, s) in segments.iter().enumerate() {
            by_segments.entry(s.as_slice()).or_default().push(i);
        }
        let mut pairs = BTreeSet::new();
        for (i, s) in segments.iter().enumerate() {
            for k in 1..=s.len() {
                for &j in by_segments.get(&s[..k]).map_or(&[][..], Vec::as_slice) {
                    if j != i {
                        pairs.insert((i.max(j), i.min(j)));
                    }
                }
            }
        }
        for (i, j) in pairs {
            let ((m, base), (other, other_base)) = (paths[i], paths[j]);
            out.push(
                at_value(
                    ID,
                    m,
                    base,
                    format!(
                        "api base path `{}` of `{}` overlaps `{}` of `{}`",
                        base.value, m.name, other_base.value, other.name
                    ),
                )
                .target(&base.value)
                .help("give each service a base path that no other service's path contains"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn overlap_is_by_whole_segments() {
        assert!(super::overlaps("/api/v1/users", "/api/v1/users/"));
        assert!(super::overlaps("/api/v1/users", "/api/v1/users/admin"));
        assert!(!super::overlaps("/api/v1/users", "/api/v1/users-admin"));
        assert!(!super::overlaps("/", "/api"));
    }
}
