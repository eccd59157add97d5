//! Live status (DESIGN.md §10) against real HTTP services on loopback ports started by the
//! test: one up, one down (its port closed), one slow (answers after 3 s: past the 2 s
//! timeout), one flapping (200 and 500 in turn), one ready never (liveness 200, readiness 503),
//! and one tier-1 module that goes down and comes back. `strata status` once, then
//! `strata serve --poll 1`: the transitions in `GET …/status`, the ALERT lines on stderr and
//! the webhook POSTs (one per tier-1 transition) received by a webhook the test runs.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use strata_server::StatusDoc;
use strata_test::{CliTest, Server};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// A request's path and body, read from `stream`.
fn read_request(stream: &mut TcpStream) -> (String, String) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap_or_default();
    let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
    let mut length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap_or_default();
    (path, String::from_utf8_lossy(&body).into_owned())
}

/// A service on a free loopback port: each request (on a thread of its own) is answered with
/// the status `answer(path)` gives, after its delay. Runs until the test ends.
fn service(answer: impl Fn(&str) -> (u16, Duration) + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let answer = Arc::clone(&answer);
            std::thread::spawn(move || {
                let (path, _) = read_request(&mut stream);
                let (status, delay) = answer(&path);
                std::thread::sleep(delay);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                );
            });
        }
    });
    port
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn module(name: &str, tier: u32, port: u16, health: &str) -> String {
    format!("name: {name}\ntier: {tier}\napi:\n  port: {port}\nhealth: {health}\n")
}

const BOTH: &str = "{ liveness: /health, readiness: /ready }";
const LIVENESS: &str = "{ liveness: /health }";

/// A GET to a server at `addr`: status and JSON body.
fn get(addr: &str, path: &str) -> (u16, Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn by_name<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no module `{name}` in {report}"))
}

#[test]
#[allow(clippy::too_many_lines)]
fn status_polls_real_services_and_serve_keeps_history_and_alerts() {
    // The services.
    let up = service(|_| (200, Duration::ZERO));
    let down = closed_port();
    let slow = service(|_| (200, Duration::from_secs(3)));
    let flips = Arc::new(AtomicUsize::new(0));
    let flapping = {
        let flips = Arc::clone(&flips);
        service(move |_| {
            let n = flips.fetch_add(1, Ordering::SeqCst);
            (if n.is_multiple_of(2) { 200 } else { 500 }, Duration::ZERO)
        })
    };
    let unready = service(|path| (if path == "/ready" { 503 } else { 200 }, Duration::ZERO));
    // Up until armed; then up twice, down twice, up for good.
    let armed = Arc::new(AtomicBool::new(false));
    let recovering = {
        let armed = Arc::clone(&armed);
        let seen = AtomicUsize::new(0);
        service(move |_| {
            if !armed.load(Ordering::SeqCst) {
                return (200, Duration::ZERO);
            }
            let n = seen.fetch_add(1, Ordering::SeqCst);
            (if (2..4).contains(&n) { 503 } else { 200 }, Duration::ZERO)
        })
    };
    // The webhook: every POST body, kept.
    let posts: Arc<Mutex<Vec<Value>>> = Arc::default();
    let webhook = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let posts = Arc::clone(&posts);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (_, body) = read_request(&mut stream);
                posts
                    .lock()
                    .unwrap()
                    .push(serde_json::from_str(&body).unwrap());
                let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
            }
        });
        port
    };

    let repo = CliTest::new(BIN);
    repo.write(
        "strata.toml",
        format!(
            "[project]\nname = \"fleet\"\n[environments.local]\nurl = \"http://127.0.0.1:{{port}}\"\n[alerts]\nwebhook = \"http://127.0.0.1:{webhook}/hook\"\n"
        ),
    )
    .write("up/module.yaml", module("up", 2, up, BOTH))
    .write("down/module.yaml", module("down", 1, down, BOTH))
    .write("slow/module.yaml", module("slow", 3, slow, BOTH))
    .write("flapping/module.yaml", module("flapping", 2, flapping, LIVENESS))
    .write("unready/module.yaml", module("unready", 2, unready, BOTH))
    .write("recovering/module.yaml", module("recovering", 1, recovering, LIVENESS))
    // Not polled: no health endpoints.
    .write("quiet/module.yaml", "name: quiet\ntier: 1\n");
    for m in [
        "up",
        "down",
        "slow",
        "flapping",
        "unready",
        "recovering",
        "quiet",
    ] {
        repo.write(&format!("{m}/src/{m}.py"), "X = 1\n");
    }

    // `strata status`: one check, JSON.
    let started = Instant::now();
    let out = repo.run(&["status", "--format", "json"]);
    let elapsed = started.elapsed();
    assert_eq!(
        out.status.code(),
        Some(1),
        "some are down: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["environment"], "local");
    assert!(report["checked_at"].as_i64().unwrap() > 0);
    let names: Vec<&str> = report["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["down", "flapping", "recovering", "slow", "unready", "up"]
    );
    // The matrix: kind × state, liveness and readiness.
    let up_m = by_name(&report, "up");
    assert_eq!(up_m["state"], "up");
    assert_eq!(up_m["liveness"]["code"], 200);
    assert_eq!(up_m["readiness"]["ok"], true);
    assert!(up_m["up_since"].is_i64() && up_m["down_since"].is_null());
    let down_m = by_name(&report, "down");
    assert_eq!(down_m["state"], "down");
    assert_eq!(down_m["tier"], 1);
    assert!(down_m["liveness"]["code"].is_null());
    assert_eq!(down_m["liveness"]["ok"], false);
    assert!(down_m["down_since"].is_i64() && down_m["up_since"].is_null());
    let slow_m = by_name(&report, "slow");
    assert_eq!(slow_m["state"], "down");
    assert!(slow_m["liveness"]["code"].is_null());
    let slow_ms = slow_m["liveness"]["ms"].as_u64().unwrap();
    assert!(
        (1_900..3_000).contains(&slow_ms),
        "timed out at 2 s: {slow_ms}"
    );
    assert!(
        slow_m["liveness"]["error"]
            .as_str()
            .unwrap()
            .contains("timed out"),
        "{slow_m}"
    );
    let flapping_m = by_name(&report, "flapping");
    assert_eq!(flapping_m["state"], "up", "its first answer is 200");
    assert!(
        flapping_m["readiness"].is_null(),
        "it declares no readiness"
    );
    let unready_m = by_name(&report, "unready");
    assert_eq!(unready_m["state"], "up", "up is liveness");
    assert_eq!(unready_m["readiness"]["code"], 503);
    assert_eq!(unready_m["readiness"]["ok"], false);
    // Concurrently: the slow endpoints time out together, not one after the other.
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");

    // Text: a table; the second request to `flapping` answers 500.
    let out = repo.run(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("MODULE"), "{text}");
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no row `{name}`: {text}"))
            .split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(row("flapping")[2], "down");
    assert_eq!(row("flapping")[3], "500");
    assert_eq!(row("unready")[2..4], ["up", "200"]);
    assert!(row("unready").contains(&"503".to_owned()));
    assert_eq!(row("down")[1..3], ["1", "down"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 of 6 modules up in `local`"), "{err}");

    // `strata serve --poll 1`, its stderr kept to read the alerts.
    flips.store(0, Ordering::SeqCst);
    armed.store(true, Ordering::SeqCst);
    let mut serving = serve(repo.root(), &["--poll", "1"]);
    let addr = serving.addr.clone();
    let project = "/api/v1/projects/fleet/status";
    let deadline = Instant::now() + Duration::from_secs(60);
    let doc = loop {
        let (status, doc) = get(&addr, project);
        assert_eq!(status, 200, "{doc}");
        let recovering_transitions = doc["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["module"] == "recovering")
            .count();
        if recovering_transitions >= 3 {
            break doc;
        }
        assert!(Instant::now() < deadline, "no transitions in time: {doc}");
        std::thread::sleep(Duration::from_millis(300));
    };
    // It validates as the OpenAPI document's `StatusDoc`.
    let typed: StatusDoc = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(typed.report.environment, "local");
    let history = doc["history"].as_array().unwrap();
    let of = |name: &str| -> Vec<(String, Value)> {
        history
            .iter()
            .filter(|t| t["module"] == name)
            .map(|t| {
                (
                    t["state"].as_str().unwrap().to_owned(),
                    t["previous"].clone(),
                )
            })
            .collect()
    };
    // Newest first: seen up, went down, came back.
    assert_eq!(
        of("recovering"),
        [
            ("up".into(), Value::from("down")),
            ("down".into(), Value::from("up")),
            ("up".into(), Value::Null),
        ]
    );
    assert_eq!(of("down"), [("down".into(), Value::Null)], "one transition");
    assert_eq!(of("up"), [("up".into(), Value::Null)]);
    assert_eq!(of("unready"), [("up".into(), Value::Null)]);
    assert!(of("flapping").len() >= 4, "flaps: {:?}", of("flapping"));
    let times: Vec<i64> = history.iter().map(|t| t["at"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let recovering_now = by_name(&doc, "recovering");
    assert_eq!(recovering_now["state"], "up");
    assert!(recovering_now["up_since"].as_i64() >= Some(history[0]["at"].as_i64().unwrap()));

    // `/metrics` says the same: `strata_module_up` per module of the environment.
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut metrics = String::new();
    s.read_to_string(&mut metrics).unwrap();
    let up = |module: &str| {
        let series = format!(
            "strata_module_up{{tenant=\"default\",project=\"fleet\",module=\"{module}\",env=\"local\"}} "
        );
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(series.as_str()))
            .map(str::to_owned)
    };
    assert_eq!(up("down").as_deref(), Some("0"), "{metrics}");
    assert_eq!(up("up").as_deref(), Some("1"), "{metrics}");
    assert_eq!(up("unready").as_deref(), Some("1"), "{metrics}");
    // The module rows and cards carry it too.
    let (_, rows) = get(&addr, "/api/v1/projects/fleet/modules");
    let row = |name: &str| by_name(&rows, name)["status"]["state"].clone();
    assert_eq!(
        (row("down"), row("up")),
        (Value::from("down"), Value::from("up")),
        "{rows}"
    );
    let (_, card) = get(&addr, "/api/v1/projects/fleet/modules/down");
    assert_eq!(card["status"]["state"], "down", "{card}");

    // Alerts: tier 1 only, once per transition (`down` is down at every check: one alert),
    // never for `flapping` (tier 2). Two more checks pass without new ones.
    std::thread::sleep(Duration::from_secs(5));
    let (_, later) = get(&addr, project);
    assert_eq!(
        later["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["tier"] == 1)
            .count(),
        4,
        "{later}"
    );
    let posts = posts.lock().unwrap().clone();
    let posted: Vec<(String, String)> = posts
        .iter()
        .map(|p| {
            (
                p["transition"]["module"].as_str().unwrap().to_owned(),
                p["transition"]["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = posted.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            ("down".into(), "down".into()),
            ("recovering".into(), "down".into()),
            ("recovering".into(), "up".into()),
        ],
        "{posts:?}"
    );
    assert!(
        posts
            .iter()
            .all(|p| p["project"] == "fleet" && p["environment"] == "local")
    );
    let _ = serving.child.kill();
    let _ = serving.child.wait();
    let stderr = std::fs::read_to_string(&serving.log).unwrap();
    assert!(
        !stderr.contains("re-indexed"),
        "nothing changed in the repository: {stderr}"
    );
    let alerts: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("strata serve: ALERT"))
        .collect();
    assert_eq!(alerts.len(), 3, "{stderr}");
    assert!(
        alerts
            .iter()
            .any(|l| l.contains("`recovering`") && l.contains("is up again")),
        "{stderr}"
    );
}

/// A `strata serve` whose stderr goes to a file; killed when dropped.
struct Serving {
    child: Child,
    addr: String,
    log: std::path::PathBuf,
    /// Holds the log: outside the repository, whose every change the server indexes.
    _logs: tempfile::TempDir,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `strata serve ARGS --bind 127.0.0.1:0` in `dir`, once it listens.
fn serve(dir: &Path, args: &[&str]) -> Serving {
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("serve.log");
    let child = Command::new(BIN)
        .arg("serve")
        .args(args)
        .args(["--bind", "127.0.0.1:0"])
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .env_remove("STRATA_ADMIN_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut serving = Serving {
        child,
        addr: String::new(),
        log,
        _logs: logs,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(&serving.log).unwrap_or_default();
        if let Some(addr) = text
            .lines()
            .find_map(|l| l.strip_prefix("strata serve: http://"))
        {
            addr.clone_into(&mut serving.addr);
            return serving;
        }
        assert!(Instant::now() < deadline, "serve did not start: {text}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn all_up_exits_zero_and_environments_are_checked() {
    let up = service(|_| (200, Duration::ZERO));
    let repo = CliTest::new(BIN);
    repo.write(
        "strata.toml",
        "[environments.local]\nurl = \"http://127.0.0.1:{port}\"\n",
    )
    .write("api/module.yaml", module("api", 1, up, BOTH))
    .write("api/src/api.py", "X = 1\n");
    let out = repo.run(&["status", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(by_name(&report, "api")["state"], "up");

    // Several environments: `--env` is needed, and checked with a suggestion.
    repo.write(
        "strata.toml",
        "[environments.local]\nurl = \"http://127.0.0.1:{port}\"\n[environments.staging]\nurl = \"https://{name}.staging.example.com\"\n",
    );
    let out = repo.run(&["status"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("several environments (`local`, `staging`)") && err.contains("--env"),
        "{err}"
    );
    let out = repo.run(&["status", "--env", "stagin"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no environment is named `stagin`") && err.contains("did you mean `staging`?"),
        "{err}"
    );
    assert_eq!(
        repo.run(&["status", "--env", "local"]).status.code(),
        Some(0)
    );

    // No environments at all; a bad URL is a configuration error with its line.
    repo.write("strata.toml", "[project]\nname = \"x\"\n");
    let out = repo.run(&["status"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no `[environments]`") && err.contains("hint:"),
        "{err}"
    );
    repo.write(
        "strata.toml",
        "[environments.local]\nurl = \"127.0.0.1:{port}\"\n",
    );
    let out = repo.run(&["status"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("strata.toml:2"), "{err}");
    assert!(err.contains("`http://` or `https://`"), "{err}");
}

#[test]
fn shared_mode_has_no_live_status() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("r.db").display());
    let server = Server::start(Path::new(BIN), dir.path(), &["--db", &db], &[]);
    let (status, content_type, body) = server.call("GET", "/api/v1/projects/shop/status", None);
    assert_eq!(status, 404);
    assert_eq!(content_type, "application/problem+json");
    assert!(body.contains("local mode"), "{body}");
}
