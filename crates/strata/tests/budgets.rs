//! Runtime budgets end to end, in a real git repository: a Prometheus-compatible HTTP API on a
//! loopback port started by the test serves recorded `query_range` answers
//! (`fixtures/budgets/*.json`: 14 days of hourly samples of three services — one rising
//! towards its budget, one flat, one over its budget — in Prometheus's answer format), then
//! `strata metrics pull`, `strata budgets` (text and JSON), `strata metrics push`, the same
//! through `strata serve`, and the errors.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use strata_test::{CliTest, Server};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// The fixtures' last sample: 2026-01-15T00:00:00Z.
const LAST: i64 = 1_768_435_200;

/// `%XX` and `+` decoded.
fn decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The query parameters of each request the fake Prometheus received.
type Received = Arc<Mutex<Vec<HashMap<String, String>>>>;

/// A Prometheus-compatible `/api/v1/query_range` on a free loopback port: it answers the
/// fixture `answers` maps the decoded `query` to (status 200, or 400 for `error.json`, as
/// Prometheus does), 404 otherwise.
fn prometheus(answers: HashMap<String, &'static str>) -> (u16, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received: Received = Arc::default();
    let seen = Arc::clone(&received);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/budgets");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap_or_default();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
            }
            let target = line.split(' ').nth(1).unwrap_or("/").to_owned();
            let (path, query) = target.split_once('?').unwrap_or((&target, ""));
            let params: HashMap<String, String> = query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (decode(k), decode(v)))
                .collect();
            let fixture = (path == "/api/v1/query_range")
                .then(|| params.get("query").and_then(|q| answers.get(q)))
                .flatten();
            seen.lock().unwrap().push(params);
            let (status, body) = match fixture {
                Some(name) => (
                    if *name == "error.json" { 400 } else { 200 },
                    std::fs::read_to_string(fixtures.join(name)).unwrap(),
                ),
                None => (404, "404 page not found".to_owned()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, received)
}

fn query(metric: &str, module: &str) -> String {
    format!("max({metric}{{service=\"{module}\"}})")
}

/// The repository: billing (p99 250 ms), users (p99 200 ms, cpu 0.5: no query for cpu),
/// ledger (memory 512 MB), and `[metrics]` pointing at the fake Prometheus on `port`.
fn repository(port: u16) -> CliTest {
    let t = CliTest::new(BIN);
    t.write(
        "strata.toml",
        format!(
            "[project]\nname = \"shop\"\n\n[metrics]\nprometheus = \"http://127.0.0.1:{port}\"\nrange = \"14d\"\nstep = \"1h\"\n\n[metrics.queries]\np99_ms = 'max(p99_ms{{service=\"$module\"}})'\nmemory_mb = 'max(memory_mb{{service=\"$module\"}})'\n"
        ),
    )
    .write(
        "billing/module.yaml",
        "name: billing\nbudgets: { p99_ms: 250 }\n",
    )
    .write("billing/main.py", "print('billing')\n")
    .write(
        "users/module.yaml",
        "name: users\nbudgets:\n  p99_ms: 200\n  cpu: 0.5\n",
    )
    .write("users/main.py", "print('users')\n")
    .write(
        "ledger/module.yaml",
        "name: ledger\nbudgets: { memory_mb: 512 }\n",
    )
    .write("ledger/main.py", "print('ledger')\n")
    .write(".gitignore", ".strata/\n");
    t.git(&["init", "-q", "-b", "main"])
        .git(&["add", "."])
        .git(&["commit", "-q", "-m", "init"]);
    t
}

fn recorded() -> HashMap<String, &'static str> {
    [
        (query("p99_ms", "billing"), "billing_p99_ms.json"),
        (query("p99_ms", "users"), "users_p99_ms.json"),
        (query("memory_mb", "ledger"), "ledger_memory_mb.json"),
    ]
    .into()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `(module, metric) -> budget` of a budgets document.
fn budgets_by_name(doc: &Value) -> HashMap<(String, String), Value> {
    doc["modules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            m["budgets"].as_array().unwrap().iter().map(move |b| {
                (
                    (
                        m["module"].as_str().unwrap().to_owned(),
                        b["metric"].as_str().unwrap().to_owned(),
                    ),
                    b.clone(),
                )
            })
        })
        .collect()
}

fn check_statuses(doc: &Value) {
    let b = budgets_by_name(doc);
    let status = |m: &str, k: &str| b[&(m.to_owned(), k.to_owned())]["status"].clone();
    assert_eq!(status("billing", "p99_ms"), "at-risk", "{doc:#}");
    assert_eq!(status("users", "p99_ms"), "ok");
    assert_eq!(status("ledger", "memory_mb"), "breached");
    let billing = &b[&("billing".to_owned(), "p99_ms".to_owned())];
    // 170 ms + 4 ms/day with noise and spikes: 226 ms after 14 days, 250 ms 6 days later.
    let trend = billing["trend_per_day"].as_f64().unwrap();
    assert!((trend - 4.0).abs() < 0.6, "{trend}");
    let breach = &billing["breach"];
    let days = breach["in_days"].as_f64().unwrap();
    assert!((days - 6.0).abs() < 1.5, "{breach}");
    assert!(breach["earliest_days"].as_f64().unwrap() <= days);
    assert!(breach["latest_days"].as_f64().unwrap() >= days);
    assert_eq!(billing["last"]["at"], LAST);
    // 337 hourly samples, 2 of them NaN (left out by the pull).
    assert_eq!(billing["samples"], 335);
    assert_eq!(billing["series"].as_array().unwrap().len(), 60);
    assert!(
        b[&("users".to_owned(), "p99_ms".to_owned())]["breach"].is_null()
            || b[&("users".to_owned(), "p99_ms".to_owned())]["breach"]["in_days"]
                .as_f64()
                .unwrap()
                > 30.0
    );
    let ledger = &b[&("ledger".to_owned(), "memory_mb".to_owned())];
    assert!(ledger["current"].as_f64().unwrap() > 512.0);
}

#[test]
fn pull_then_budgets_then_push() {
    let (port, received) = prometheus(recorded());
    let t = repository(port);

    let out = t.run(&["metrics", "pull"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("pulled 1009 samples of 3 series from http://127.0.0.1:"),
        "{err}"
    );
    assert!(
        err.contains("budget `cpu` of `users` has no query in `[metrics.queries]`"),
        "{err}"
    );
    {
        let received = received.lock().unwrap();
        let mut queries: Vec<&str> = received.iter().map(|p| p["query"].as_str()).collect();
        queries.sort_unstable();
        assert_eq!(
            queries,
            [
                query("memory_mb", "ledger"),
                query("p99_ms", "billing"),
                query("p99_ms", "users")
            ]
        );
        for p in received.iter() {
            let start: i64 = p["start"].parse().unwrap();
            let end: i64 = p["end"].parse().unwrap();
            assert_eq!(end - start, 14 * 86_400, "{p:?}");
            assert_eq!(p["step"], "3600");
            // On the step's grid, so that pulling again replaces the same samples.
            assert_eq!(end % 3_600, 0, "{p:?}");
        }
    }

    // JSON: the statuses, exit 1 for the breached budget.
    let out = t.run(&["budgets", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    check_statuses(&doc);
    assert_eq!(doc["horizon_days"], 30.0);
    assert_eq!(doc["window_days"], 14.0);
    assert_eq!(
        doc["summary"],
        serde_json::json!({"budgets": 4, "ok": 1, "at_risk": 1, "breached": 1, "no_data": 1})
    );
    let b = budgets_by_name(&doc);
    let cpu = &b[&("users".to_owned(), "cpu".to_owned())];
    assert_eq!(cpu["status"], "no-data");
    assert_eq!(cpu["samples"], 0);
    assert!(cpu["current"].is_null());

    // Text: one line per budget under its module.
    let out = t.run(&["budgets"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "billing", "{text}");
    assert!(
        lines[1].starts_with("  p99_ms     at-risk   limit 250  current 2"),
        "{text}"
    );
    assert!(lines[1].contains("/day  breach in "), "{text}");
    assert!(lines[1].contains(", around 2026-01-2"), "{text}");
    assert_eq!(lines[2], "ledger");
    assert!(
        lines[3].starts_with("  memory_mb  breached  limit 512  current 5"),
        "{text}"
    );
    assert!(lines[3].ends_with("over the limit now"), "{text}");
    assert_eq!(lines[4], "users");
    assert_eq!(lines[5], "  cpu        no-data   limit 0.5  0 samples");
    assert!(lines[6].starts_with("  p99_ms     ok        limit 200  current 1"));
    assert!(stderr(&out).contains("4 budgets: 1 ok, 1 at risk, 1 breached, 1 without enough data"));
    // A longer horizon makes no difference to a breach; a shorter one calms billing.
    let out = t.run(&["budgets", "--format", "json", "--horizon", "2"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["at_risk"], 0);
    assert_eq!(doc["summary"]["ok"], 2);

    // Push the cpu samples from a file: flat at 0.2 over three days.
    let samples: Vec<Value> = (0..12)
        .map(|i| {
            serde_json::json!({"module": "users", "metric": "cpu", "at": LAST - 6 * 3_600 * i, "value": 0.2})
        })
        .chain([serde_json::json!({"module": "users", "metric": "cpu", "at": "2026-01-15T00:00:00Z", "value": 0.21})])
        .collect();
    t.write(
        "cpu.json",
        serde_json::to_string_pretty(&serde_json::json!({ "samples": samples })).unwrap(),
    );
    let out = t.run(&["metrics", "push", "cpu.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The last sample replaced the one of the same second.
    assert!(
        stderr(&out).contains(
            "stored 13 samples of project `shop` in the local registry `.strata/registry.db`"
        ),
        "{}",
        stderr(&out)
    );
    let out = t.run(&["budgets", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cpu = &budgets_by_name(&doc)[&("users".to_owned(), "cpu".to_owned())];
    assert_eq!(cpu["status"], "ok", "{cpu}");
    assert_eq!(cpu["samples"], 12);
    assert_eq!(cpu["last"]["value"], 0.21);
}

/// Prometheus evaluates a range query at `start`, `start + step`, …: a window off the step's
/// grid gave every pull new times, so pulling a few seconds apart stored each hour twice (seen
/// against a real Prometheus, `.ci/prometheus-check`). Both ends are on the grid, and a step
/// that does not divide the range shortens the window rather than widen it.
#[test]
fn pull_reads_whole_steps() {
    let (port, received) = prometheus(recorded());
    let t = repository(port);
    t.write(
        "strata.toml",
        format!(
            "[project]\nname = \"shop\"\n\n[metrics]\nprometheus = \"http://127.0.0.1:{port}\"\nrange = \"1d\"\nstep = \"7m\"\n\n[metrics.queries]\np99_ms = 'max(p99_ms{{service=\"$module\"}})'\nmemory_mb = 'max(memory_mb{{service=\"$module\"}})'\n"
        ),
    );
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let out = t.run(&["metrics", "pull"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let received = received.lock().unwrap();
    assert_eq!(received.len(), 3);
    for p in received.iter() {
        let start: u64 = p["start"].parse().unwrap();
        let end: u64 = p["end"].parse().unwrap();
        assert_eq!(p["step"], "420");
        assert_eq!((start % 420, end % 420), (0, 0), "{p:?}");
        assert!(
            end <= before + 420 && end + 420 > before,
            "{p:?} at {before}"
        );
        assert!(end - start <= 86_400 && end - start > 86_400 - 420, "{p:?}");
    }
}

#[test]
fn budgets_through_the_registry_server() {
    let (port, _) = prometheus(recorded());
    let t = repository(port);
    let server = Server::start(Path::new(BIN), t.root(), &[], &[]);
    let url = server.url();
    // Pull into the server: the samples go through `POST …/metrics`.
    let out = t.run(&["metrics", "pull", "--server", &url]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = t.run(&["budgets", "--format", "json", "--server", &url]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    check_statuses(&doc);
    let api = server.get("/api/v1/projects/shop/budgets?horizon=2");
    assert_eq!(api["summary"]["at_risk"], 0);
    // The module records of the snapshot carry the budgets.
    let modules = server.get("/api/v1/projects/shop/modules");
    let users = modules["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "users")
        .unwrap();
    assert_eq!(
        users["budgets"],
        serde_json::json!({"cpu": 0.5, "p99_ms": 200.0})
    );

    // Refusals name what is wrong.
    let bad =
        serde_json::json!({"samples": [{"module": "nope", "metric": "cpu", "at": 1, "value": 1}]});
    let (status, _, body) = server.call("POST", "/api/v1/projects/shop/metrics", Some(&bad));
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("project `shop` has no module `nope`"),
        "{body}"
    );
    let bad = serde_json::json!({"samples": [{"module": "users", "metric": "cpu", "at": "soon", "value": 1}]});
    let (status, _, body) = server.call("POST", "/api/v1/projects/shop/metrics", Some(&bad));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("RFC 3339"), "{body}");
    let (status, _, _) = server.call("GET", "/api/v1/projects/nope/budgets", None);
    assert_eq!(status, 404);
    let (status, _, body) = server.call("GET", "/api/v1/projects/shop/budgets?horizon=-1", None);
    assert_eq!(status, 400, "{body}");
    // The push is audited.
    let audit = server.get("/api/v1/audit?action=metrics.push");
    assert!(
        audit["events"].as_array().is_some_and(|e| !e.is_empty()),
        "{audit}"
    );
}

#[test]
fn errors_say_what_and_where() {
    let mut answers = recorded();
    answers.insert(query("p99_ms", "users"), "two_series.json");
    let (port, _) = prometheus(answers);
    let t = repository(port);

    let out = t.run(&["metrics", "pull"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("failed to pull budget `p99_ms` of module `users`: the query `max(p99_ms{service=\"users\"})` returned 2 series"),
        "{err}"
    );
    assert!(err.contains("aggregate the query to one series"), "{err}");

    let mut answers = recorded();
    answers.insert(query("p99_ms", "billing"), "error.json");
    let (port, _) = prometheus(answers);
    let t = repository(port);
    let err = stderr(&t.run(&["metrics", "pull"]));
    assert!(
        err.contains("Prometheus refused the query `max(p99_ms{service=\"billing\"})` (bad_data): 1:5: parse error"),
        "{err}"
    );

    // Nothing listens on a port just closed.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t = repository(closed);
    let out = t.run(&["metrics", "pull"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "failed to reach the Prometheus HTTP API at `http://127.0.0.1:{closed}/api/v1/query_range`"
        )),
        "{err}"
    );
    assert!(err.contains("hint: check `[metrics] prometheus`"), "{err}");

    // A file that is not a samples document: its line and column.
    t.write(
        "bad.json",
        "{\"samples\": [\n  {\"module\": \"users\", \"metric\": \"cpu\", \"at\": 1,\n   \"valeu\": 1}\n]}\n",
    );
    let out = t.run(&["metrics", "push", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("`bad.json:3:10`: not a samples document: unknown field `valeu`"),
        "{err}"
    );
    t.write(
        "unknown.json",
        r#"{"samples": [{"module": "user", "metric": "cpu", "at": 1, "value": 1}]}"#,
    );
    let err = stderr(&t.run(&["metrics", "push", "unknown.json"]));
    assert!(
        err.contains("the samples name module `user`, which this repository does not have"),
        "{err}"
    );
    assert!(err.contains("did you mean `users`?"), "{err}");
    let err = stderr(&t.run(&["metrics", "push", "missing.json"]));
    assert!(err.contains("failed to read `missing.json`"), "{err}");
    let err = stderr(&t.run(&["budgets", "--horizon", "0"]));
    assert!(
        err.contains("`--horizon 0` is not a number of days"),
        "{err}"
    );

    // Without `[metrics] prometheus`, pull says what to add.
    let t = CliTest::new(BIN);
    t.write("a/module.yaml", "name: a\nbudgets: { p99_ms: 1 }\n");
    let out = t.run(&["metrics", "pull"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`strata metrics pull` needs `[metrics] prometheus` in strata.toml")
    );
    // No budgets: nothing to report, exit 0.
    let t = CliTest::new(BIN);
    t.write("a/module.yaml", "name: a\n");
    let out = t.run(&["budgets"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("no module declares budgets"));
}
