//! `strata serve` and `strata push` as real processes over HTTP: a pushed snapshot reads back
//! as the CLI's own JSON (`modules`, `graph`, `check`, `health`, `impact`, `waves`), every
//! endpoint, errors as problem+json, idempotent re-push, a push cut off or a server killed
//! midway loses nothing, SIGTERM, restart; on SQLite, and on PostgreSQL when
//! `STRATA_TEST_POSTGRES` names a server. Local mode: a saved file shows in `/findings`.

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use strata_test::{CliTest, Server, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// The pushed project's API.
const SHOP: &str = "/api/v1/projects/shop";

/// `strata serve ARGS` in `dir`.
fn start_in(dir: &Path, args: &[&str]) -> Server {
    Server::start(Path::new(BIN), dir, args, &[])
}

/// `strata serve --db DB --keep 3`.
fn start(db: &str) -> Server {
    start_in(&std::env::temp_dir(), &["--db", db, "--keep", "3"])
}

fn json_of(root: &Path, args: &[&str]) -> Value {
    let out = run_in(Path::new(BIN), root, args);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", String::from_utf8_lossy(&out.stderr)))
}

fn push(root: &Path, server: &str, extra: &[&str]) -> Output {
    let mut args = vec!["push", "--server", server, "--project", "shop"];
    args.extend_from_slice(extra);
    run_in(Path::new(BIN), root, &args)
}

/// Push and return the new snapshot's id.
fn pushed(root: &Path, server: &Server) -> i64 {
    let out = push(root, &server.url(), &["--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout).unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// A value without the keys the registry adds to a module of the CLI's list.
fn without_registry_keys(modules: &Value) -> Value {
    let mut modules = modules.clone();
    for m in modules.as_array_mut().unwrap() {
        let m = m.as_object_mut().unwrap();
        m.remove("findings");
        m.remove("status");
    }
    modules
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
            format!("name: {name}\nowner: team:t\nlifecycle: production\nlane: main\n{deps}interfaces: [\"{name}/{name}/__init__.py\"]\nlinks: [{{title: Runbook, url: \"https://wiki.example.com/{name}\"}}]\n"),
        )
        .write(&format!("{name}/pyproject.toml"), format!("[project]\nname = \"{name}\"\nversion = \"1.0.0\"\n"))
        .write(&format!("{name}/{name}/__init__.py"), format!("{import}X = 1\n"));
    }
    // A finding to filter on: an internal import; and a test that reaches stock.
    t.write("stock/stock/inner.py", "Y = 2\n")
        .write("orders/orders/use.py", "import stock.inner\n")
        .write("orders/tests/test_use.py", "import orders.use\n")
        .write(".gitignore", ".strata/\n");
    t.git(&["init", "-q", "-b", "main"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "first"]);
    t
}

/// Every read of the API equals what the CLI prints for the same tree.
fn reads_equal_the_cli(server: &Server, p: &str, root: &Path, id: i64) {
    let modules = server.get(&format!("{p}/modules"));
    assert_eq!(modules["snapshot"]["id"], id);
    let cli_modules = json_of(root, &["modules", "--format", "json"]);
    assert_eq!(
        without_registry_keys(&modules["modules"]),
        cli_modules["modules"]
    );
    assert_eq!(
        server.get(&format!("{p}/graph")),
        json_of(root, &["graph", "--format", "json"])
    );
    assert_eq!(
        server.get(&format!("{p}/graph?level=file")),
        json_of(root, &["graph", "--level", "file", "--format", "json"])
    );
    let check = json_of(root, &["check", "--format", "json", "--exit-zero"]);
    let findings = server.get(&format!("{p}/findings"));
    assert_eq!(findings["findings"], check["findings"]);
    assert_eq!(findings["summary"]["errors"], check["summary"]["errors"]);
    assert_eq!(
        server.get(&format!("{p}/health"))["modules"],
        json_of(root, &["health", "--format", "json"])["modules"]
    );
    assert_eq!(
        server.get(&format!("{p}/waves")),
        json_of(root, &["waves", "--format", "json"])
    );
    for changed in [
        vec!["stock/stock/inner.py"],
        vec!["orders/orders/use.py", "./stock/stock/__init__.py"],
        vec!["nowhere/x.py"],
    ] {
        let (status, _, body) = server.call(
            "POST",
            &format!("{p}/impact"),
            Some(&json!({ "changed_files": changed })),
        );
        assert_eq!(status, 200, "{body}");
        let mut args = vec!["impact", "--format", "json"];
        args.extend(changed.iter().copied());
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json_of(root, &args),
            "{changed:?}"
        );
    }
}

fn the_api_serves_what_the_cli_computes(db: &str) {
    let t = repo();
    let server = start(db);
    assert_eq!(server.call("GET", "/healthz", None).0, 200);
    assert_eq!(server.call("GET", "/readyz", None).0, 200);

    let id = pushed(t.root(), &server);
    reads_equal_the_cli(&server, SHOP, t.root(), id);
    let p = "/api/v1/projects/shop";
    let internal = server.get(&format!("{p}/findings?rule=internal-import&module=orders"));
    let internal = internal["findings"].as_array().unwrap();
    assert!(!internal.is_empty());
    assert!(
        internal
            .iter()
            .all(|f| f["rule"] == "internal-import" && f["module"] == "orders")
    );
    assert_eq!(
        server.get(&format!("{p}/findings?rule=nope"))["findings"],
        json!([])
    );
    assert_eq!(
        server.get(&format!("{p}/findings?severity=warning"))["summary"]["errors"],
        0
    );

    // The module card: the declaration, both directions of the graph, its findings, health.
    let card = server.get(&format!("{p}/modules/orders"));
    assert_eq!(card["module"]["name"], "orders");
    assert_eq!(card["declaration"]["owner"], "team:t");
    assert_eq!(card["dependencies"][0]["module"], "stock");
    assert_eq!(card["links"][0]["url"], "https://wiki.example.com/orders");
    assert_eq!(
        server.get(&format!("{p}/modules/stock"))["dependents"][0]["module"],
        "orders"
    );
    let counts = &card["module"]["findings"];
    let total = counts["errors"].as_u64().unwrap() + counts["warnings"].as_u64().unwrap();
    assert_eq!(
        json!(card["findings"].as_array().unwrap().len()),
        json!(total)
    );
    assert_eq!(card["health"]["module"], "orders");

    // The same commit again replaces its snapshot; a new commit adds one.
    let again = pushed(t.root(), &server);
    assert_ne!(again, id);
    assert_eq!(
        server.get(&format!("{p}/snapshots"))["snapshots"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    reads_equal_the_cli(&server, SHOP, t.root(), again);
    t.write("stock/stock/more.py", "import orders\n")
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "second"]);
    let second = pushed(t.root(), &server);
    reads_equal_the_cli(&server, SHOP, t.root(), second);
    let snaps = server.get(&format!("{p}/snapshots"));
    assert_eq!(snaps["snapshots"].as_array().unwrap().len(), 2);
    assert_eq!(snaps["snapshots"][0]["id"], second);
    assert_eq!(snaps["snapshots"][0]["branch"], "main");
    let history = server.get(&format!("{p}/modules/orders/history"));
    assert_eq!(history["history"].as_array().unwrap().len(), 2);
    let projects = server.get("/api/v1/projects");
    assert_eq!(projects["projects"][0]["name"], "shop");
    assert_eq!(projects["projects"][0]["latest"]["id"], second);
    assert_eq!(
        server.get(&format!("{p}/modules?snapshot={again}"))["snapshot"]["id"],
        again
    );

    // A push cut off midway (the client killed mid-upload) changes nothing.
    let before = server.get(&format!("{p}/snapshots"));
    {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        write!(
            s,
            "POST {p}/snapshots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"commit\": \"c9\", \"modules\": ["
        )
        .unwrap();
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.get(&format!("{p}/snapshots")), before);
    assert_eq!(server.call("GET", "/readyz", None).0, 200);

    // Errors are problem+json with a detail that says what is missing.
    for (path, words) in [
        ("/api/v1/projects/nope/modules", "no project `nope`"),
        (
            "/api/v1/projects/shop/modules?snapshot=999999",
            "has no snapshot 999999",
        ),
        ("/api/v1/projects/shop/modules/nope", "has no module `nope`"),
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
    let (status, content_type, _) = server.call("PUT", "/api/v1/projects", None);
    assert_eq!(
        (status, content_type.as_str()),
        (405, "application/problem+json")
    );
    for path in [
        "/api/v1/projects/%FF/modules",
        "/api/v1/projects/shop/graph?level=x",
        "/api/v1/projects/shop/modules?snapshot=abc",
        "/api/v1/projects/shop/findings?severity=fatal",
    ] {
        let (status, content_type, body) = server.call("GET", path, None);
        assert_eq!(
            (status, content_type.as_str()),
            (400, "application/problem+json"),
            "{path}: {body}"
        );
    }
    let (status, _, body) = server.call(
        "POST",
        "/api/v1/projects/shop/snapshots",
        Some(&json!({"commit": 1})),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("is not a snapshot"), "{body}");
    // What the documents must be is checked before anything is stored.
    let bad = json!({"commit": "c9", "branch": null, "created_at": 1, "strata_version": "x",
        "modules": [], "documents": {"modules": {"modules": []}, "module_graph": {"root": 7},
        "file_graph": {}, "findings": {}, "health": {}}});
    let (status, _, body) = server.call("POST", "/api/v1/projects/shop/snapshots", Some(&bad));
    assert_eq!(status, 400, "{body}");
    let (status, _, body) =
        server.call("POST", &format!("{p}/impact"), Some(&json!({"files": []})));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("changed_files"), "{body}");

    // SIGTERM stops it cleanly; a restart serves the same data.
    assert!(server.stop().success());
    let again = start(db);
    assert_eq!(again.get(&format!("{p}/snapshots")), snaps);
    reads_equal_the_cli(&again, SHOP, t.root(), second);

    // A server killed while a push is being written keeps either snapshot whole.
    t.write("stock/stock/third.py", "Z = 3\n")
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "third"]);
    let url = again.url();
    let root = t.root().to_path_buf();
    let pusher = std::thread::spawn(move || push(&root, &url, &["--retries", "0"]));
    std::thread::sleep(Duration::from_millis(150));
    drop(again); // SIGKILL
    let _ = pusher.join();
    let restarted = start(db);
    let latest = restarted.get(&format!("{p}/snapshots"))["snapshots"][0]["id"]
        .as_i64()
        .unwrap();
    let modules = restarted.get(&format!("{p}/modules"));
    assert_eq!(modules["snapshot"]["id"], latest);
    let findings = restarted.get(&format!("{p}/findings"));
    assert!(findings["findings"].is_array());
    // Whichever snapshot is the latest, it is whole: the current tree pushes again and reads
    // back as the CLI prints it.
    let id = pushed(t.root(), &restarted);
    reads_equal_the_cli(&restarted, SHOP, t.root(), id);

    assert_eq!(
        restarted.call("DELETE", "/api/v1/projects/shop", None).0,
        204
    );
    assert_eq!(
        restarted
            .call("GET", "/api/v1/projects/shop/snapshots", None)
            .0,
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
fn push_says_what_went_wrong() {
    let t = repo();
    // Nobody listens: retried, then a clear error.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let start = Instant::now();
    let out = push(
        t.root(),
        &format!("http://127.0.0.1:{port}"),
        &["--retries", "1"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("after 2 attempts"), "{err}");
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "it waited before retrying"
    );

    // A 4xx is not retried, and its detail is shown.
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("r.db").display());
    let server = start_in(dir.path(), &["--db", &db, "--max-body", "0"]);
    let out = push(t.root(), &server.url(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refused the snapshot (413"), "{err}");
    assert!(err.contains("--max-body"), "{err}");
    let out = run_in(
        Path::new(BIN),
        t.root(),
        &["push", "--server", &server.url(), "--project", "no/slash"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a project name"));
    let out = run_in(Path::new(BIN), t.root(), &["push"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("STRATA_SERVER"));
}

#[test]
fn local_mode_reflects_a_saved_file() {
    let t = repo();
    let server = start_in(t.root(), &[]);
    // Named after the folder, made a valid project name.
    let projects = server.get("/api/v1/projects");
    let project = projects["projects"][0]["name"].as_str().unwrap().to_owned();
    let folder = t.root().canonicalize().unwrap();
    let folder = folder.file_name().unwrap().to_string_lossy();
    assert_eq!(project, folder.trim_start_matches('.'));
    let p = format!("/api/v1/projects/{project}");
    let id = server.get(&format!("{p}/modules"))["snapshot"]["id"]
        .as_i64()
        .unwrap();
    reads_equal_the_cli(&server, &p, t.root(), id);
    let cycles = |server: &Server| {
        server.get(&format!("{p}/findings?rule=no-cycles"))["findings"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(cycles(&server), 0);
    // stock now imports orders, which imports stock: a cycle, seen without a restart.
    t.write("stock/stock/back.py", "import orders\n");
    let start = Instant::now();
    while cycles(&server) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the change never showed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(t.root().join(".strata/registry.db").is_file());
    // A restart keeps the snapshots.
    let snaps = server.get(&format!("{p}/snapshots"));
    assert!(server.stop().success());
    let again = start_in(t.root(), &[]);
    assert_eq!(
        again.get(&format!("{p}/snapshots"))["snapshots"][0]["commit"],
        snaps["snapshots"][0]["commit"]
    );
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
}

#[test]
fn a_slow_client_is_cut_off() {
    use std::io::Read as _;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("r.db").display());
    let server = start_in(dir.path(), &["--db", &db, "--request-timeout", "1"]);
    // Headers promise a body that never comes.
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(
        s,
        "POST {SHOP}/snapshots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"commit\":"
    )
    .unwrap();
    let start = Instant::now();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(start.elapsed() < Duration::from_secs(10));
    // The server still answers others.
    assert_eq!(server.call("GET", "/readyz", None).0, 200);
}
