//! `GET /metrics` on a real `strata serve`: the Prometheus text format, with the registry's
//! series read from the latest snapshots and the server's own request counts; the server
//! admin's alone when the registry authenticates. (`.ci/api-check` parses it with the
//! Prometheus client's own parser after thousands of requests.)

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;
use strata_test::{CliTest, Server, copy_dir};

const BIN: &str = env!("CARGO_BIN_EXE_strata");
const ADMIN: &str = "server-admin-token-for-the-tests-0123456789";

/// Each sample line: (name with labels, value). Fails on a line that is not a comment or
/// `name{labels} value`.
fn samples(text: &str) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (series, value) = line.rsplit_once(' ').expect("`series value`");
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a number: {line}"));
        let name_end = series.find('{').unwrap_or(series.len());
        assert!(
            series[..name_end]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        out.insert(series.to_owned(), value);
    }
    out
}

#[test]
fn metrics_count_requests_and_read_the_latest_snapshots() {
    let repo = CliTest::new(BIN);
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/coder-ide");
    copy_dir(&example, repo.root());
    let server = Server::start(Path::new(BIN), repo.root(), &[], &[]);
    for _ in 0..3 {
        server.get("/api/v1/projects");
    }
    // (A module card names its team's contact, from strata.toml.)
    let card = server.get("/api/v1/projects/coder-ide/modules/ai-service");
    assert_eq!(card["contact"], "ai@coder.example", "{card}");
    assert_eq!(server.call("GET", "/api/v1/nowhere", None).0, 404);
    let (status, content_type, body) = server.call("GET", "/metrics", None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    let s = samples(&body);
    assert_eq!(
        s.get("strata_http_requests_total{route=\"/api/v1/projects\",status=\"200\"}"),
        Some(&3.0),
        "{body}"
    );
    assert_eq!(
        s.get(
            "strata_http_requests_total{route=\"/api/v1/projects/{p}/modules/{m}\",status=\"200\"}"
        ),
        Some(&1.0)
    );
    assert_eq!(
        s.get("strata_http_requests_total{route=\"unmatched\",status=\"404\"}"),
        Some(&1.0)
    );
    let count = s["strata_http_request_duration_seconds_count{route=\"/api/v1/projects\"}"];
    let inf =
        s["strata_http_request_duration_seconds_bucket{route=\"/api/v1/projects\",le=\"+Inf\"}"];
    assert_eq!((count, inf), (3.0, 3.0));
    let scores: Vec<(&String, &f64)> = s
        .iter()
        .filter(|(k, _)| k.starts_with("strata_module_health_score{"))
        .collect();
    assert_eq!(scores.len(), 18, "{body}");
    assert!(scores.iter().all(|(_, v)| (0.0..=10.0).contains(*v)));
    assert!(
        scores
            .iter()
            .any(|(k, _)| k.contains("tenant=\"default\"") && k.contains("module=\"ai-service\""))
    );
    let port_conflicts: f64 = s
        .iter()
        .filter(|(k, _)| k.starts_with("strata_findings{") && k.contains("rule=\"port-conflict\""))
        .map(|(_, v)| v)
        .sum();
    assert!(port_conflicts >= 1.0, "{body}");
    assert!(
        s.iter()
            .any(|(k, v)| k.starts_with("strata_snapshot_age_seconds{") && *v >= 0.0)
    );
}

#[test]
fn with_tokens_only_the_server_admin_reads_the_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("registry.db").display());
    let server = Server::start(
        Path::new(BIN),
        dir.path(),
        &["--db", &db],
        &[("STRATA_ADMIN_TOKEN", ADMIN)],
    );
    let answer = server.request(
        "POST",
        "/api/v1/tenants",
        Some(ADMIN),
        Some(&json!({"name": "acme"})),
    );
    assert_eq!(answer.0, 201, "{}", answer.2);
    let tenant_admin: serde_json::Value = serde_json::from_str(&answer.2).unwrap();
    let tenant_admin = tenant_admin["token"].as_str().unwrap();
    assert_eq!(server.call("GET", "/metrics", None).0, 401);
    assert_eq!(
        server
            .request("GET", "/metrics", Some(tenant_admin), None)
            .0,
        403
    );
    let (status, _, body) = server.request("GET", "/metrics", Some(ADMIN), None);
    assert_eq!(status, 200, "{body}");
    let s = samples(&body);
    assert_eq!(
        s.get("strata_http_requests_total{route=\"/metrics\",status=\"401\"}"),
        Some(&1.0),
        "{body}"
    );
}
