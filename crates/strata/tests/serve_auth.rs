//! Tenancy and access on a real `strata serve` with a server admin token, on SQLite and (when
//! `STRATA_TEST_POSTGRES` names a server) PostgreSQL:
//! - the isolation matrix, generated from the server's own OpenAPI document: every operation
//!   under `/api/v1` × every caller (no, unknown, expired and revoked tokens; the server
//!   admin; a viewer, an editor and an admin of the tenant; an admin of another tenant) gets
//!   exactly the expected status; an operation missing from the table fails the test;
//! - the audit log: every mutation and every denial is one event with the right actor, and
//!   `strata audit verify` finds the chains intact, then finds an edited event.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use strata_test::{CliTest, Server, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");
const ADMIN: &str = "server-admin-token-for-the-tests-0123456789";

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Nobody,
    Unknown,
    Expired,
    Revoked,
    ServerAdmin,
    Viewer,
    Editor,
    Admin,
    /// An admin of another tenant, on this tenant's project.
    Stranger,
}

const CALLERS: [Caller; 9] = [
    Caller::Nobody,
    Caller::Unknown,
    Caller::Expired,
    Caller::Revoked,
    Caller::ServerAdmin,
    Caller::Viewer,
    Caller::Editor,
    Caller::Admin,
    Caller::Stranger,
];

/// What an operation needs: the server admin, or a tenant role (0 viewer, 1 editor, 2 admin);
/// its status when allowed; whether a stranger (another tenant's admin) meets a 404 (the
/// operation names a project) or acts in its own tenant.
struct Rule {
    server_admin: bool,
    role: u8,
    ok: u16,
    names_project: bool,
}

/// The matrix's table: every operation of the API. An operation added to the API and not here
/// fails the test.
fn rules() -> BTreeMap<&'static str, Rule> {
    let tenant = |role, ok, names_project| Rule {
        server_admin: false,
        role,
        ok,
        names_project,
    };
    BTreeMap::from([
        ("listProjects", tenant(0, 200, false)),
        ("listSnapshots", tenant(0, 200, true)),
        ("pushSnapshot", tenant(1, 201, false)),
        // Deleting is tried on a project that does not exist: allowed means 404.
        ("deleteProject", tenant(2, 404, true)),
        ("listModules", tenant(0, 200, true)),
        ("getModule", tenant(0, 200, true)),
        ("getModuleHistory", tenant(0, 200, true)),
        ("getGraph", tenant(0, 200, true)),
        ("listFindings", tenant(0, 200, true)),
        ("getHealth", tenant(0, 200, true)),
        ("computeImpact", tenant(1, 200, true)),
        ("getWaves", tenant(0, 200, true)),
        ("getBudgets", tenant(0, 200, true)),
        ("pushMetrics", tenant(1, 200, true)),
        // A viewer's read, but this server is in shared mode, which has no environments to
        // poll: allowed means the 404 that says live status needs local mode.
        ("getStatus", tenant(0, 404, true)),
        ("listTokens", tenant(2, 200, false)),
        ("createToken", tenant(2, 201, false)),
        // Revoking is tried on a token that does not exist: allowed means 404.
        ("revokeToken", tenant(2, 404, false)),
        ("getAudit", tenant(2, 200, false)),
        ("exportTenant", tenant(2, 200, false)),
        ("getCompliance", tenant(2, 200, false)),
        (
            "createTenant",
            Rule {
                server_admin: true,
                role: 3,
                ok: 201,
                names_project: false,
            },
        ),
        // Tried on a tenant that does not exist: allowed means 404.
        (
            "deleteTenant",
            Rule {
                server_admin: true,
                role: 3,
                ok: 404,
                names_project: false,
            },
        ),
    ])
}

fn expected(rule: &Rule, caller: Caller) -> u16 {
    let held = match caller {
        Caller::Nobody | Caller::Unknown | Caller::Expired | Caller::Revoked => return 401,
        Caller::ServerAdmin => return if rule.server_admin { rule.ok } else { 403 },
        Caller::Viewer => 0,
        Caller::Editor => 1,
        Caller::Admin | Caller::Stranger => 2,
    };
    if rule.server_admin || held < rule.role {
        403
    } else if caller == Caller::Stranger && rule.names_project {
        404
    } else {
        rule.ok
    }
}

fn json_of(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn body(answer: &(u16, String, String)) -> Value {
    serde_json::from_str(&answer.2).unwrap_or(Value::Null)
}

/// A token of the tenant whose admin token is `admin`.
fn token(
    server: &Server,
    admin: &str,
    name: &str,
    role: &str,
    expires_at: Option<i64>,
) -> (String, String) {
    let answer = server.request(
        "POST",
        "/api/v1/tokens",
        Some(admin),
        Some(&json!({"name": name, "role": role, "expires_at": expires_at})),
    );
    assert_eq!(answer.0, 201, "{}", answer.2);
    let v = body(&answer);
    (
        v["token"].as_str().unwrap().to_owned(),
        v["id"].as_str().unwrap().to_owned(),
    )
}

fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn access_is_exactly_as_the_matrix_says(db: &str, sqlite: Option<&Path>) {
    let repo = CliTest::new(BIN);
    repo.write("strata.toml", "[project]\nname = \"shop\"\n")
        .write("orders/module.yaml", "name: orders\n")
        .write("orders/orders/__init__.py", "X = 1\n");
    let snapshot: Value = {
        repo.run(&["push", "--out", "snap.json"]);
        serde_json::from_str(&std::fs::read_to_string(repo.root().join("snap.json")).unwrap())
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        Path::new(BIN),
        dir.path(),
        &["--db", db],
        &[("STRATA_ADMIN_TOKEN", ADMIN)],
    );

    // Two tenants; the first gets a token of each role, an expired and a revoked one.
    let tenant = |name: &str| {
        let answer = server.request(
            "POST",
            "/api/v1/tenants",
            Some(ADMIN),
            Some(&json!({"name": name})),
        );
        assert_eq!(answer.0, 201, "{}", answer.2);
        body(&answer)["token"].as_str().unwrap().to_owned()
    };
    let acme = tenant("acme");
    let globex = tenant("globex");
    assert_eq!(
        server
            .request(
                "POST",
                "/api/v1/tenants",
                Some(ADMIN),
                Some(&json!({"name": "acme"}))
            )
            .0,
        409
    );
    let (viewer, _) = token(&server, &acme, "viewer", "viewer", None);
    let (editor, _) = token(&server, &acme, "ci", "editor", None);
    let (expired, _) = token(&server, &acme, "short", "viewer", Some(now() + 1));
    let (revoked, revoked_id) = token(&server, &acme, "gone", "viewer", None);
    assert_eq!(
        server
            .request(
                "DELETE",
                &format!("/api/v1/tokens/{revoked_id}"),
                Some(&acme),
                None
            )
            .0,
        204
    );
    // `strata push` with the editor's token.
    let out = run_in(
        Path::new(BIN),
        repo.root(),
        &["push", "--server", &server.url(), "--retries", "0"],
    );
    assert_eq!(out.status.code(), Some(2), "no token: refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("401"));
    let out = Command::new(BIN)
        .args(["push", "--server", &server.url(), "--format", "json"])
        .current_dir(repo.root())
        .env("STRATA_TOKEN", &editor)
        .env("GIT_CEILING_DIRECTORIES", repo.root().parent().unwrap())
        .output()
        .unwrap();
    json_of(&out);
    std::thread::sleep(Duration::from_millis(1100));

    let openapi = server.get("/openapi.json");
    let rules = rules();
    let mut tried = 0;
    let mut tenants_made = 0;
    for (path, item) in openapi["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let rule = rules
                .get(id)
                .unwrap_or_else(|| panic!("operation `{id}` is not in the isolation matrix"));
            for caller in CALLERS {
                let secret = match caller {
                    Caller::Nobody => None,
                    Caller::Unknown => Some("strata_notarealtokenatall"),
                    Caller::Expired => Some(expired.as_str()),
                    Caller::Revoked => Some(revoked.as_str()),
                    Caller::ServerAdmin => Some(ADMIN),
                    Caller::Viewer => Some(viewer.as_str()),
                    Caller::Editor => Some(editor.as_str()),
                    Caller::Admin => Some(acme.as_str()),
                    Caller::Stranger => Some(globex.as_str()),
                };
                let concrete = path
                    .replace(
                        "{project}",
                        match id {
                            "deleteProject" => "nope",
                            // Pushed by everyone allowed, each into its own tenant: not `shop`,
                            // which the stranger must keep not having.
                            "pushSnapshot" => "pushed",
                            _ => "shop",
                        },
                    )
                    .replace("{module}", "orders")
                    .replace("{tenant}", "no-such-tenant")
                    .replace("{id}", "tok_none");
                let payload = match id {
                    "pushSnapshot" => Some(snapshot.clone()),
                    "computeImpact" => {
                        Some(json!({"changed_files": ["orders/orders/__init__.py"]}))
                    }
                    "pushMetrics" => Some(json!({"samples": [
                        {"module": "orders", "metric": "p99_ms", "at": 1_767_225_600, "value": 120.5}
                    ]})),
                    "createToken" => Some(json!({"name": "matrix", "role": "viewer"})),
                    "createTenant" => {
                        tenants_made += 1;
                        Some(json!({"name": format!("made-{tenants_made}")}))
                    }
                    _ => None,
                };
                let answer =
                    server.request(&method.to_uppercase(), &concrete, secret, payload.as_ref());
                let want = expected(rule, caller);
                assert_eq!(
                    answer.0, want,
                    "{method} {concrete} ({id}) as {caller:?}: {}",
                    answer.2
                );
                if answer.0 >= 400 {
                    assert_eq!(answer.1, "application/problem+json", "{id} as {caller:?}");
                }
                tried += 1;
            }
        }
    }
    assert_eq!(
        tried,
        rules.len() * CALLERS.len(),
        "every operation of the table was tried"
    );

    // The stranger sees nothing of acme: only the project it pushed itself.
    let theirs = body(&server.request("GET", "/api/v1/projects", Some(&globex), None));
    let names: Vec<&str> = theirs["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["pushed"]);

    // The audit log: what acme's tokens did and were denied, each once, by the right actor.
    let log = body(&server.request("GET", "/api/v1/audit", Some(&acme), None));
    let events = log["events"].as_array().unwrap();
    let count = |action: &str, actor_part: &str| {
        events
            .iter()
            .filter(|e| e["action"] == action && e["actor"].as_str().unwrap().contains(actor_part))
            .count()
    };
    // One push by `strata push` and one in the matrix by the editor, one by the admin.
    assert_eq!(count("snapshot.push", "(ci)"), 2);
    assert_eq!(count("snapshot.push", "(first admin)"), 1);
    // Tokens: four made before the matrix, one in it; one revoked.
    assert_eq!(count("token.create", ""), 1 + 4 + 1);
    assert_eq!(count("token.revoke", ""), 1);
    // Denials with a 403: the viewer on every editor/admin/server-admin operation, and so on.
    let forbidden = |role: u8| {
        rules
            .values()
            .filter(|r| r.server_admin || r.role > role)
            .count()
    };
    assert_eq!(count("access.denied", "(viewer)"), forbidden(0));
    assert_eq!(count("access.denied", "(ci)"), forbidden(1));
    // Expired and revoked tokens are refused, and the refusal lands in their tenant's log.
    assert_eq!(count("auth.failed", "anonymous"), 0);
    let failed: Vec<&Value> = events
        .iter()
        .filter(|e| e["action"] == "auth.failed")
        .collect();
    assert_eq!(failed.len(), 2 * rules.len());
    // Chains verify; editing one event breaks them at that event.
    drop(server);
    let verify = || run_in(Path::new(BIN), dir.path(), &["audit", "verify", "--db", db]);
    let out = verify();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit log intact"));
    if let Some(path) = sqlite {
        let edited = Command::new("python3")
            .args([
                "-c",
                "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
                 c.execute(\"UPDATE audit_events SET action = 'nothing' WHERE tenant = 'acme' AND seq = 3\"); \
                 c.commit()",
                path.to_str().unwrap(),
            ])
            .status()
            .unwrap();
        assert!(edited.success());
        let out = verify();
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("tenant `acme`") && text.contains("position 3"),
            "{text}"
        );
    }
}

#[test]
fn isolation_and_audit_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    let db = format!("sqlite:{}", path.display());
    access_is_exactly_as_the_matrix_says(&db, Some(&path));
}

#[test]
fn isolation_and_audit_on_postgres() {
    let Some(url) = strata_test::postgres_schema_or_skip("auth") else {
        return;
    };
    access_is_exactly_as_the_matrix_says(&url, None);
}

#[test]
fn a_server_beyond_loopback_needs_authentication() {
    let t = CliTest::new(BIN);
    let out = t.run(&["serve", "--db", "sqlite:r.db", "--bind", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("without authentication"));
    t.write("short", "tooshort\n");
    let out = t.run(&[
        "serve",
        "--db",
        "sqlite:r.db",
        "--admin-token-file",
        "short",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 24"));
}

#[test]
fn limits_export_and_the_compliance_report() {
    let repo = CliTest::new(BIN);
    repo.write("strata.toml", "[project]\nname = \"shop\"\n")
        .write("orders/module.yaml", "name: orders\n")
        .write("orders/orders/__init__.py", "X = 1\n");
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("r.db").display());
    let server = Server::start(
        Path::new(BIN),
        dir.path(),
        &["--db", &db, "--rate-limit", "2", "--burst", "5"],
        &[("STRATA_ADMIN_TOKEN", ADMIN)],
    );
    let made = server.request(
        "POST",
        "/api/v1/tenants",
        Some(ADMIN),
        Some(&json!({"name": "acme"})),
    );
    let acme = body(&made)["token"].as_str().unwrap().to_owned();
    let out = Command::new(BIN)
        .args(["push", "--server", &server.url()])
        .current_dir(repo.root())
        .env("STRATA_TOKEN", &acme)
        .env("GIT_CEILING_DIRECTORIES", repo.root().parent().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The burst is spent (two requests so far), then 429 with a Retry-After.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            server
                .request("GET", "/api/v1/projects", Some(&acme), None)
                .0,
        );
    }
    assert_eq!(statuses[..3], [200, 200, 200], "{statuses:?}");
    assert!(statuses[3..].contains(&429), "{statuses:?}");
    let limited = server.request("GET", "/api/v1/projects", Some(&acme), None);
    assert_eq!(limited.0, 429);
    assert_eq!(limited.1, "application/problem+json");
    // The token refills: two requests a second.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        server
            .request("GET", "/api/v1/projects", Some(&acme), None)
            .0,
        200
    );
    // Another token has a bucket of its own.
    assert_eq!(
        server
            .request(
                "POST",
                "/api/v1/tenants",
                Some(ADMIN),
                Some(&json!({"name": "globex"}))
            )
            .0,
        201
    );

    // The export holds what was pushed, and no secret.
    std::thread::sleep(Duration::from_millis(2600));
    let export = server.request("GET", "/api/v1/tenant/export", Some(&acme), None);
    assert_eq!(export.0, 200, "{}", export.2);
    let export = body(&export);
    assert_eq!(export["tenant"], "acme");
    let snapshot = &export["projects"][0]["snapshots"][0];
    assert_eq!(export["projects"][0]["name"], "shop");
    assert_eq!(
        snapshot["documents"]["modules"]["modules"][0]["name"],
        "orders"
    );
    assert!(
        export["tokens"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("tok_")
    );
    assert!(
        !export.to_string().contains(&acme),
        "the secret is never exported"
    );
    assert!(
        export["audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "snapshot.push")
    );

    // The compliance report: per actor, and as CSV one row per event.
    let report = body(&server.request("GET", "/api/v1/compliance", Some(&acme), None));
    let actors = report["actors"].as_array().unwrap();
    let admin = actors
        .iter()
        .find(|a| a["actor"].as_str().unwrap().ends_with("(first admin)"))
        .unwrap();
    assert_eq!(admin["changes"], 1, "the push");
    assert!(admin["reads"].as_u64().unwrap() >= 1, "the export");
    assert_eq!(report["token_lifecycle"].as_array().unwrap().len(), 1);
    std::thread::sleep(Duration::from_millis(600));
    let csv = server.request("GET", "/api/v1/compliance?format=csv", Some(&acme), None);
    assert_eq!((csv.0, csv.1.as_str()), (200, "text/csv"));
    let rows: Vec<&str> = csv.2.lines().collect();
    assert!(rows[0].starts_with("created_at,actor,action,category"));
    // Every event before this request, and the JSON report's read of it.
    let events = report["changes"].as_array().unwrap().len()
        + report["reads"].as_array().unwrap().len()
        + report["denied"].as_array().unwrap().len()
        + report["failed_authentications"].as_array().unwrap().len();
    assert_eq!(rows.len() - 1, events + 1, "{}", csv.2);
    assert_eq!(
        server
            .request("GET", "/api/v1/compliance?format=xml", Some(&acme), None)
            .0,
        400
    );
}

/// 100 clients of 10 tenants push and read at once: every push is stored, no read shows
/// another tenant's project, no answer is a 5xx.
fn tenants_at_once(db: &str) {
    let repo = CliTest::new(BIN);
    repo.write("strata.toml", "[project]\nname = \"shop\"\n")
        .write("orders/module.yaml", "name: orders\n")
        .write("orders/orders/__init__.py", "X = 1\n");
    repo.run(&["push", "--out", "snap.json"]);
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.root().join("snap.json")).unwrap())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = std::sync::Arc::new(Server::start(
        Path::new(BIN),
        dir.path(),
        &["--db", db],
        &[("STRATA_ADMIN_TOKEN", ADMIN)],
    ));
    let tokens: Vec<(String, String)> = (0..10)
        .map(|i| {
            let name = format!("t{i}");
            let made = server.request(
                "POST",
                "/api/v1/tenants",
                Some(ADMIN),
                Some(&json!({"name": name})),
            );
            (name, body(&made)["token"].as_str().unwrap().to_owned())
        })
        .collect();
    let start = std::time::Instant::now();
    let clients: Vec<_> = (0..100)
        .map(|c| {
            let (tenant, token) = tokens[c % 10].clone();
            let server = std::sync::Arc::clone(&server);
            let mut snapshot = snapshot.clone();
            snapshot["commit"] = json!(format!("c{c}"));
            std::thread::spawn(move || {
                let project = format!("p-{tenant}");
                let mut latencies = Vec::new();
                let mut timed = |method: &str, path: &str, payload: Option<&Value>| {
                    let t = std::time::Instant::now();
                    let answer = server.request(method, path, Some(&token), payload);
                    latencies.push(t.elapsed());
                    assert!(answer.0 < 500, "{method} {path}: {}", answer.2);
                    answer
                };
                let pushed = timed(
                    "POST",
                    &format!("/api/v1/projects/{project}/snapshots"),
                    Some(&snapshot),
                );
                assert_eq!(pushed.0, 201, "{}", pushed.2);
                for _ in 0..5 {
                    let listed = body(&timed("GET", "/api/v1/projects", None));
                    for p in listed["projects"].as_array().unwrap() {
                        assert_eq!(
                            p["name"],
                            project.as_str(),
                            "another tenant's project showed"
                        );
                    }
                    let modules =
                        timed("GET", &format!("/api/v1/projects/{project}/modules"), None);
                    assert_eq!(modules.0, 200);
                }
                latencies
            })
        })
        .collect();
    let mut times: Vec<Duration> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    let elapsed = start.elapsed();
    times.sort();
    let p99 = times[times.len() * 99 / 100];
    // The run's figures, shown with --nocapture.
    let _ = writeln!(
        std::io::stderr(),
        "{} requests from 100 clients of 10 tenants in {elapsed:.2?}: p50 {:.2?}, p99 {p99:.2?}, no error",
        times.len(),
        times[times.len() / 2]
    );
    for (tenant, token) in &tokens {
        let listed = body(&server.request(
            "GET",
            &format!("/api/v1/projects/p-{tenant}/snapshots"),
            Some(token),
            None,
        ));
        assert_eq!(
            listed["snapshots"].as_array().unwrap().len(),
            10,
            "{tenant}"
        );
    }
}

#[test]
fn tenants_at_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    tenants_at_once(&format!("sqlite:{}", dir.path().join("r.db").display()));
}

#[test]
fn tenants_at_once_on_postgres() {
    let Some(url) = strata_test::postgres_schema_or_skip("tenants") else {
        return;
    };
    tenants_at_once(&url);
}

#[test]
fn single_sign_on_with_identity_tokens() {
    use strata_test::jwt::Signer;
    let dir = tempfile::tempdir().unwrap();
    let es = Signer::es256();
    let rs = Signer::rs256().expect("openssl makes the RSA test key");
    std::fs::write(
        dir.path().join("jwks.json"),
        json!({"keys": [es.jwk("k1"), rs.jwk("k2")]}).to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("strata.toml"),
        "[server.oidc]\nissuer = \"https://id.example.com\"\naudience = \"strata\"\njwks = \"jwks.json\"\ntenant_claim = \"org\"\n",
    )
    .unwrap();
    let db = format!("sqlite:{}", dir.path().join("r.db").display());
    let server = Server::start(Path::new(BIN), dir.path(), &["--db", &db], &[]);
    let jwt = |signer: &Signer, kid: &str, org: &str, role: &str, exp: i64| {
        signer.sign(
            kid,
            &json!({"iss": "https://id.example.com", "aud": "strata", "sub": format!("{role}@{org}"),
                    "org": org, "role": role, "exp": exp}),
        )
    };
    let later = now() + 600;
    let editor = jwt(&es, "k1", "acme", "editor", later);
    let snapshot = json!({"commit": "c1", "branch": null, "created_at": 1, "strata_version": "t",
        "modules": [], "documents": {"modules": {"modules": []}, "module_graph": {"root": ".", "modules": [], "module_edges": []},
        "file_graph": {"root": ".", "modules": [], "files": [], "edges": [], "module_edges": []},
        "findings": {"findings": [], "summary": {"errors": 0, "warnings": 0, "modules": 0, "files": 0, "elapsed_ms": 0}},
        "health": {"modules": [], "summary": {"modules": 0, "green": 0, "yellow": 0, "red": 0, "history": null, "coverage_reports": 0}}}});
    let pushed = server.request(
        "POST",
        "/api/v1/projects/shop/snapshots",
        Some(&editor),
        Some(&snapshot),
    );
    assert_eq!(pushed.0, 201, "{}", pushed.2);
    // RS256 works as ES256 does; a viewer of another organisation sees a 404.
    let reader = jwt(&rs, "k2", "acme", "viewer", later);
    assert_eq!(
        server
            .request(
                "GET",
                "/api/v1/projects/shop/snapshots",
                Some(&reader),
                None
            )
            .0,
        200
    );
    let stranger = jwt(&es, "k1", "globex", "admin", later);
    assert_eq!(
        server
            .request(
                "GET",
                "/api/v1/projects/shop/snapshots",
                Some(&stranger),
                None
            )
            .0,
        404
    );
    assert_eq!(
        server
            .request(
                "POST",
                "/api/v1/projects/shop/snapshots",
                Some(&reader),
                Some(&snapshot)
            )
            .0,
        403
    );
    // Expired, or signed by a key the issuer does not publish: 401.
    let expired = jwt(&es, "k1", "acme", "admin", now() - 3600);
    assert_eq!(
        server
            .request("GET", "/api/v1/projects", Some(&expired), None)
            .0,
        401
    );
    let forged = jwt(&Signer::es256(), "k1", "acme", "admin", later);
    let refused = server.request("GET", "/api/v1/projects", Some(&forged), None);
    assert_eq!(refused.0, 401);
    assert!(refused.2.contains("signature"), "{}", refused.2);
    // The push is the subject's, in its organisation's audit log.
    let admin = jwt(&es, "k1", "acme", "admin", later);
    let log = body(&server.request(
        "GET",
        "/api/v1/audit?action=snapshot.push",
        Some(&admin),
        None,
    ));
    assert_eq!(log["events"][0]["actor"], "oidc:editor@acme");
}
