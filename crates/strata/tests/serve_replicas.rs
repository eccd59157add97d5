//! Several `strata serve` replicas on one PostgreSQL, as a Deployment runs them (DESIGN.md
//! §16): three processes started at the same moment on a fresh schema migrate it once; then
//! 100 concurrent clients spread over them push (each commit twice, from two replicas at
//! once, and some again as a retry), make and revoke tokens and read. Every commit is stored
//! exactly once, every push is answered 201, each tenant's audit chain verifies and holds
//! one event per write, and every replica answers the same listings. Prints the figures:
//! requests, errors, p50/p99 latency, wall time, and each replica's memory (idle and peak).
//!
//! Also `strata serve --migrate-only`, the migration job's command.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use strata_test::{CliTest, Server, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");
const ADMIN: &str = "server-admin-token-for-the-replica-test-0123";
const REPLICAS: usize = 3;
const CLIENTS: usize = 100;
/// Distinct commits pushed: client `i` pushes commit `i % COMMITS`, so each is pushed by two
/// clients at once, on two different replicas (`COMMITS % REPLICAS != 0`).
const COMMITS: usize = 50;
const PROJECTS: usize = 4;

fn body(answer: &(u16, String, String)) -> Value {
    serde_json::from_str(&answer.2).unwrap_or(Value::Null)
}

/// One line on the terminal, past the test harness's capture.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The snapshot `strata push --out` makes of a small repository: the body every push sends,
/// with its commit changed.
fn snapshot() -> Value {
    let repo = CliTest::new(BIN);
    repo.write("strata.toml", "[project]\nname = \"shop\"\n")
        .write("orders/module.yaml", "name: orders\n")
        .write("orders/orders/__init__.py", "from billing import pay\n")
        .write("billing/module.yaml", "name: billing\n")
        .write("billing/billing/__init__.py", "X = 1\n");
    let out = repo.run(&["push", "--out", "snap.json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&repo.read("snap.json")).expect("a snapshot")
}

/// Resident and peak resident memory (KiB) of the `strata serve` processes whose command line
/// holds `marker`, from /proc.
fn memory_of(marker: &str) -> Vec<(u64, u64)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let dir = entry.path();
        let Ok(cmdline) = std::fs::read(dir.join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if !(cmdline.contains(" serve ") && cmdline.contains(marker)) {
            continue;
        }
        let status = std::fs::read_to_string(dir.join("status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
                .unwrap_or(0)
        };
        found.push((field("VmRSS:"), field("VmHWM:")));
    }
    found
}

/// What one client request came to.
struct Call {
    what: &'static str,
    status: u16,
    expected: u16,
    took: Duration,
    /// The answer's body when it was not the expected status.
    detail: String,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[test]
fn three_replicas_on_one_postgres() {
    let Some(url) = strata_test::postgres_schema_or_skip("replicas") else {
        return;
    };
    let snapshot = snapshot();
    let dir = tempfile::tempdir().unwrap();

    // Three replicas start at the same moment on the empty schema: each migrates on connect,
    // under the advisory lock, so one applies the migrations and the others find them done.
    let start = Arc::new(Barrier::new(REPLICAS));
    let servers: Vec<Server> = (0..REPLICAS)
        .map(|_| {
            let (start, url, dir) = (Arc::clone(&start), url.clone(), dir.path().to_owned());
            std::thread::spawn(move || {
                start.wait();
                Server::start(
                    Path::new(BIN),
                    &dir,
                    &["--db", &url, "--rate-limit", "0"],
                    &[("STRATA_ADMIN_TOKEN", ADMIN)],
                )
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().expect("a replica starts"))
        .collect();
    let migrated = run_in(
        Path::new(BIN),
        dir.path(),
        &["serve", "--db", &url, "--migrate-only"],
    );
    assert!(migrated.status.success());
    assert!(
        String::from_utf8_lossy(&migrated.stderr).contains(&format!(
            "at schema version {}",
            strata_store::POSTGRES_SCHEMA_VERSION
        )),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    for s in &servers {
        assert_eq!(s.call("GET", "/readyz", None).0, 200);
    }
    let idle = memory_of(&url);

    // One tenant, made on the first replica; a viewer token made on the second.
    let answer = servers[0].request(
        "POST",
        "/api/v1/tenants",
        Some(ADMIN),
        Some(&json!({"name": "acme"})),
    );
    assert_eq!(answer.0, 201, "{}", answer.2);
    let admin = body(&answer)["token"].as_str().unwrap().to_owned();
    let answer = servers[1].request(
        "POST",
        "/api/v1/tokens",
        Some(&admin),
        Some(&json!({"name": "reader", "role": "viewer"})),
    );
    assert_eq!(answer.0, 201, "{}", answer.2);
    let viewer = body(&answer)["token"].as_str().unwrap().to_owned();

    let servers = Arc::new(servers);
    let calls = Arc::new(Mutex::new(Vec::<Call>::new()));
    // (project, commit) → the ids the pushes of that commit were answered with.
    let pushed = Arc::new(Mutex::new(BTreeMap::<(String, String), Vec<i64>>::new()));
    let go = Arc::new(Barrier::new(CLIENTS));
    let wall = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (servers, calls, pushed, go) = (
                Arc::clone(&servers),
                Arc::clone(&calls),
                Arc::clone(&pushed),
                Arc::clone(&go),
            );
            let (admin, viewer) = (admin.clone(), viewer.clone());
            let mut snapshot = snapshot.clone();
            std::thread::spawn(move || {
                let server = &servers[i % REPLICAS];
                let call =
                    |what, method, path: &str, token: &str, payload: Option<&Value>, expected| {
                        let t = Instant::now();
                        let answer = server.request(method, path, Some(token), payload);
                        calls.lock().unwrap().push(Call {
                            what,
                            status: answer.0,
                            expected,
                            took: t.elapsed(),
                            detail: if answer.0 == expected {
                                String::new()
                            } else {
                                answer.2.clone()
                            },
                        });
                        answer
                    };
                let n = i % COMMITS;
                let project = format!("p{}", n % PROJECTS);
                let commit = format!("{n:040x}");
                snapshot["commit"] = json!(commit);
                #[allow(clippy::cast_possible_wrap)]
                {
                    snapshot["created_at"] = json!(1_700_000_000 + n as i64);
                }
                let path = format!("/api/v1/projects/{project}/snapshots");
                go.wait();
                // The same commit, pushed by two clients at once on two replicas; every
                // fourth client pushes it once more, as a retry after a lost answer would.
                let tries = if i % 4 == 0 { 2 } else { 1 };
                for _ in 0..tries {
                    let answer = call("push", "POST", &path, &admin, Some(&snapshot), 201);
                    if answer.0 == 201 {
                        let id = body(&answer)["id"].as_i64().unwrap();
                        pushed
                            .lock()
                            .unwrap()
                            .entry((project.clone(), commit.clone()))
                            .or_default()
                            .push(id);
                    }
                }
                // Audited writes that are not pushes: a token made and revoked (on another
                // replica), and a push the viewer may not make (denied, audited).
                if i % 3 == 0 {
                    let answer = call(
                        "token",
                        "POST",
                        "/api/v1/tokens",
                        &admin,
                        Some(&json!({"name": format!("ci-{i}"), "role": "editor"})),
                        201,
                    );
                    if let Some(id) = body(&answer)["id"].as_str() {
                        let other = &servers[(i + 1) % REPLICAS];
                        let t = Instant::now();
                        let (status, _, detail) = other.request(
                            "DELETE",
                            &format!("/api/v1/tokens/{id}"),
                            Some(&admin),
                            None,
                        );
                        calls.lock().unwrap().push(Call {
                            what: "revoke",
                            status,
                            expected: 204,
                            took: t.elapsed(),
                            detail,
                        });
                    }
                }
                if i % 10 == 0 {
                    call("denied", "POST", &path, &viewer, Some(&snapshot), 403);
                }
                // Reads.
                call("read", "GET", "/api/v1/projects", &viewer, None, 200);
                call("read", "GET", &path, &viewer, None, 200);
                call(
                    "read",
                    "GET",
                    &format!("/api/v1/projects/{project}/modules"),
                    &viewer,
                    None,
                    200,
                );
            })
        })
        .collect();
    for c in clients {
        c.join().expect("a client");
    }
    let wall = wall.elapsed();
    let peak = memory_of(&url);

    // The figures.
    let calls = std::mem::take(&mut *calls.lock().unwrap());
    let mut took: Vec<Duration> = calls.iter().map(|c| c.took).collect();
    took.sort();
    let errors: Vec<String> = calls
        .iter()
        .filter(|c| c.status != c.expected)
        .map(|c| {
            format!(
                "{} answered {} (expected {}): {}",
                c.what, c.status, c.expected, c.detail
            )
        })
        .collect();
    let by_kind = |what: &str| calls.iter().filter(|c| c.what == what).count();
    say(&format!(
        "replicas: {REPLICAS}, clients: {CLIENTS}, requests: {} ({} pushes, {} token writes, {} \
         revocations, {} denied pushes, {} reads), unexpected answers: {}, p50 {:.1} ms, p99 \
         {:.1} ms, max {:.1} ms, wall {:.2} s",
        calls.len(),
        by_kind("push"),
        by_kind("token"),
        by_kind("revoke"),
        by_kind("denied"),
        by_kind("read"),
        errors.len(),
        percentile(&took, 0.5).as_secs_f64() * 1000.0,
        percentile(&took, 0.99).as_secs_f64() * 1000.0,
        took.last().unwrap().as_secs_f64() * 1000.0,
        wall.as_secs_f64()
    ));
    for (i, ((rss, _), (_, hwm))) in idle.iter().zip(&peak).enumerate() {
        say(&format!(
            "replica {i}: resident {} MiB idle, peak {} MiB",
            rss / 1024,
            hwm / 1024
        ));
    }
    assert!(errors.is_empty(), "{errors:#?}");

    // Every commit stored exactly once, under the id of one of its pushes; every push of it
    // was answered 201 (three or four of them, counting retries).
    let pushed = std::mem::take(&mut *pushed.lock().unwrap());
    assert_eq!(pushed.len(), COMMITS);
    for (i, server) in servers.iter().enumerate() {
        for p in 0..PROJECTS {
            let project = format!("p{p}");
            let listed = body(&server.request(
                "GET",
                &format!("/api/v1/projects/{project}/snapshots"),
                Some(&viewer),
                None,
            ));
            let listed = listed["snapshots"].as_array().unwrap();
            let commits: Vec<&str> = listed
                .iter()
                .map(|s| s["commit"].as_str().unwrap())
                .collect();
            let unique: BTreeSet<&str> = commits.iter().copied().collect();
            assert_eq!(
                commits.len(),
                unique.len(),
                "a commit stored twice: {commits:?}"
            );
            let expected: BTreeSet<&str> = pushed
                .keys()
                .filter(|(q, _)| *q == project)
                .map(|(_, c)| c.as_str())
                .collect();
            assert_eq!(unique, expected, "replica {i}, project {project}");
            for s in listed {
                let ids = &pushed[&(project.clone(), s["commit"].as_str().unwrap().to_owned())];
                assert!(
                    ids.contains(&s["id"].as_i64().unwrap()),
                    "the stored snapshot is one of those pushed"
                );
            }
        }
    }
    let answered: usize = pushed.values().map(Vec::len).sum();
    assert_eq!(answered, by_kind("push"));

    // Every replica answers the same listings, and the same audit log.
    let read_all = |server: &Server| {
        let mut seen = vec![body(&server.request(
            "GET",
            "/api/v1/projects",
            Some(&viewer),
            None,
        ))];
        for p in 0..PROJECTS {
            for what in ["snapshots", "modules", "graph"] {
                seen.push(body(&server.request(
                    "GET",
                    &format!("/api/v1/projects/p{p}/{what}"),
                    Some(&viewer),
                    None,
                )));
            }
        }
        seen
    };
    let first = read_all(&servers[0]);
    for server in &servers[1..] {
        assert!(read_all(server) == first, "replicas disagree");
    }
    // The same audit log from each, but for the reads of it (each is an event).
    let audit = |server: &Server| {
        let mut log = body(&server.request("GET", "/api/v1/audit", Some(&admin), None));
        log["events"]
            .as_array_mut()
            .unwrap()
            .retain(|e| e["action"] != "audit.read");
        log
    };
    let log = audit(&servers[0]);
    for server in &servers[1..] {
        assert!(audit(server) == log, "replicas disagree on the audit log");
    }

    // The tenant's chain: one event per write, in one unbroken sequence.
    let log = body(&servers[2].request("GET", "/api/v1/audit", Some(&admin), None));
    let events = log["events"].as_array().unwrap();
    let count = |action: &str| events.iter().filter(|e| e["action"] == action).count();
    assert_eq!(count("snapshot.push"), by_kind("push"));
    // With the tenant's first admin token and the viewer's.
    assert_eq!(count("token.create"), 2 + by_kind("token"));
    assert_eq!(count("token.revoke"), by_kind("revoke"));
    assert_eq!(count("access.denied"), by_kind("denied"));
    assert_eq!(count("audit.read"), REPLICAS);
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=i64::try_from(events.len()).unwrap()).collect::<Vec<_>>()
    );
    drop(servers);
    let out = run_in(
        Path::new(BIN),
        dir.path(),
        &["audit", "verify", "--db", &url],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("audit log intact"),
        "{text}"
    );
}

#[test]
fn migrate_only_migrates_and_exits() {
    let t = CliTest::new(BIN);
    let out = t.run(&["serve", "--db", "sqlite:registry.db", "--migrate-only"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!(
        "at schema version {}",
        strata_store::SQLITE_SCHEMA_VERSION
    )));
    assert!(t.root().join("registry.db").is_file());
    // Migrating is all it does: without a database it is a usage error.
    let out = t.run(&["serve", "--migrate-only"]);
    assert_eq!(out.status.code(), Some(2));
    let out = t.run(&["serve", "--db", "mysql://db/registry", "--migrate-only"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a registry database URL"));
}
