//! `strata serve` as a real process over HTTP: a pushed snapshot reads back as the CLI's own
//! JSON, every read endpoint, errors as problem+json, idempotent re-push, SIGTERM, restart; on
//! SQLite, and on PostgreSQL when `STRATA_TEST_POSTGRES` names a server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};
use strata_test::{CliTest, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// A running `strata serve`; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(db: &str) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--db", db, "--bind", "127.0.0.1:0", "--keep", "3"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("strata serve starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("a line").expect("stderr");
            if let Some(rest) = line.strip_prefix("strata serve: http://") {
                break rest.to_owned();
            }
        };
        // Keep draining stderr so the server never blocks on it.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    /// One request; (status, content type, body).
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, String, String) {
        let mut s = TcpStream::connect(&self.addr).expect("connects");
        let payload = body.map(Value::to_string).unwrap_or_default();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
            self.addr,
            payload.len()
        )
        .unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").expect("a response");
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let content_type = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-type: ")
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        (status, content_type, body.to_owned())
    }

    fn get(&self, path: &str) -> Value {
        let (status, _, body) = self.call("GET", path, None);
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// SIGTERM, then the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json_of(root: &Path, args: &[&str]) -> Value {
    let out = run_in(Path::new(BIN), root, args);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// The snapshot a push would send for the repository at `root`.
fn snapshot_of(root: &Path, commit: &str, at: i64) -> Value {
    let modules = json_of(root, &["modules", "--format", "json"]);
    let findings = json_of(root, &["check", "--format", "json", "--exit-zero"]);
    let health = json_of(root, &["health", "--format", "json"]);
    let rows: Vec<Value> = health["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            json!({"module": m["module"], "score": m["score"], "band": m["band"], "errors": 0, "warnings": 0})
        })
        .collect();
    json!({
        "commit": commit,
        "branch": "main",
        "created_at": at,
        "strata_version": "test",
        "modules": rows,
        "documents": {
            "modules": modules,
            "module_graph": json_of(root, &["graph", "--format", "json"]),
            "file_graph": json_of(root, &["graph", "--level", "file", "--format", "json"]),
            "findings": findings,
            "health": health,
        }
    })
}

fn repo() -> CliTest {
    let t = CliTest::new(BIN);
    t.write(
        "strata.toml",
        "[lanes]\nmain = []\n[teams.t]\ncontact = \"t@example.com\"\n",
    );
    for (name, deps, import) in [
        ("orders", "depends_on: [stock]\n", "import stock\n"),
        ("stock", "", ""),
    ] {
        t.write(
            &format!("{name}/module.yaml"),
            format!("name: {name}\nowner: team:t\nlifecycle: production\nlane: main\n{deps}interfaces: [\"{name}/{name}/__init__.py\"]\n"),
        )
        .write(&format!("{name}/pyproject.toml"), format!("[project]\nname = \"{name}\"\nversion = \"1.0.0\"\n"))
        .write(&format!("{name}/{name}/__init__.py"), format!("{import}X = 1\n"));
    }
    // A finding to filter on: an internal import.
    t.write("stock/stock/inner.py", "Y = 2\n")
        .write("orders/orders/use.py", "import stock.inner\n");
    t
}

fn the_api_serves_what_the_cli_computes(db: &str) {
    let t = repo();
    let snap = snapshot_of(t.root(), "c1", 100);
    let server = Server::start(db);
    assert_eq!(server.call("GET", "/healthz", None).0, 200);
    assert_eq!(server.call("GET", "/readyz", None).0, 200);

    let (status, _, body) = server.call("POST", "/api/v1/projects/shop/snapshots", Some(&snap));
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<Value>(&body).unwrap()["id"]
        .as_i64()
        .unwrap();

    // Reads equal the CLI's own JSON.
    let docs = &snap["documents"];
    let modules = server.get("/api/v1/projects/shop/modules");
    assert_eq!(modules["modules"], docs["modules"]["modules"]);
    assert_eq!(modules["snapshot"]["id"], id);
    assert_eq!(
        server.get("/api/v1/projects/shop/graph"),
        docs["module_graph"]
    );
    assert_eq!(
        server.get("/api/v1/projects/shop/graph?level=file"),
        docs["file_graph"]
    );
    assert_eq!(
        server.get("/api/v1/projects/shop/health")["modules"],
        docs["health"]["modules"]
    );
    let all = server.get("/api/v1/projects/shop/findings");
    assert_eq!(all["findings"], docs["findings"]["findings"]);
    assert!(!all["findings"].as_array().unwrap().is_empty());
    let internal = server.get("/api/v1/projects/shop/findings?rule=internal-import&module=orders");
    assert!(
        internal["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] == "internal-import")
    );
    assert_eq!(
        internal["summary"]["findings"],
        internal["findings"].as_array().unwrap().len()
    );
    assert_eq!(
        server.get("/api/v1/projects/shop/findings?rule=nope")["findings"],
        json!([])
    );

    // Idempotent per commit; history across commits; listings.
    let (status, _, body) = server.call("POST", "/api/v1/projects/shop/snapshots", Some(&snap));
    assert_eq!(status, 201);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["id"], id);
    let second = snapshot_of(t.root(), "c2", 200);
    assert_eq!(
        server
            .call("POST", "/api/v1/projects/shop/snapshots", Some(&second))
            .0,
        201
    );
    let snaps = server.get("/api/v1/projects/shop/snapshots");
    assert_eq!(snaps["snapshots"].as_array().unwrap().len(), 2);
    assert_eq!(snaps["snapshots"][0]["commit"], "c2");
    let history = server.get("/api/v1/projects/shop/modules/orders/history");
    assert_eq!(history["history"].as_array().unwrap().len(), 2);
    let projects = server.get("/api/v1/projects");
    assert_eq!(projects["projects"][0]["name"], "shop");
    assert_eq!(projects["projects"][0]["latest"]["commit"], "c2");
    assert_eq!(
        server.get(&format!("/api/v1/projects/shop/modules?snapshot={id}"))["snapshot"]["commit"],
        "c1"
    );

    // Errors are problem+json with a detail that says what is missing.
    for (path, words) in [
        ("/api/v1/projects/nope/modules", "no project `nope`"),
        (
            "/api/v1/projects/shop/modules?snapshot=999999",
            "has no snapshot 999999",
        ),
        (
            "/api/v1/projects/shop/modules/nope/history",
            "no module `nope`",
        ),
        ("/nowhere", "no such endpoint"),
    ] {
        let (status, content_type, body) = server.call("GET", path, None);
        assert_eq!(status, 404, "{path}");
        assert_eq!(content_type, "application/problem+json");
        let problem: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["status"], 404);
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{path}: {body}"
        );
    }
    let (status, content_type, body) =
        server.call("GET", "/api/v1/projects/shop/graph?level=x", None);
    assert_eq!(
        (status, content_type.as_str()),
        (400, "application/problem+json"),
        "{body}"
    );
    let (status, _, body) = server.call(
        "POST",
        "/api/v1/projects/shop/snapshots",
        Some(&json!({"commit": 1})),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("is not a snapshot"), "{body}");

    // SIGTERM stops it cleanly; a restart serves the same data.
    assert!(server.stop().success());
    let again = Server::start(db);
    assert_eq!(again.get("/api/v1/projects/shop/snapshots"), snaps);
    assert_eq!(again.call("DELETE", "/api/v1/projects/shop", None).0, 204);
    assert_eq!(
        again.call("GET", "/api/v1/projects/shop/snapshots", None).0,
        404
    );
}

#[test]
fn serve_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("registry.db").display());
    the_api_serves_what_the_cli_computes(&db);
}

#[test]
fn serve_on_postgres() {
    // A schema of its own, so other tests' projects do not show.
    let Some(url) = strata_test::postgres_schema_or_skip("serve") else {
        return;
    };
    the_api_serves_what_the_cli_computes(&url);
}

#[test]
fn serve_refuses_what_it_cannot_do_safely() {
    let t = CliTest::new(BIN);
    let out = t.run(&["serve", "--db", "sqlite:r.db", "--bind", "0.0.0.0:7341"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a loopback address"));
    let out = t.run(&["serve", "--db", "mysql://x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a registry database URL"));
    let out = t.run(&["serve"]);
    assert_eq!(out.status.code(), Some(2));
}
