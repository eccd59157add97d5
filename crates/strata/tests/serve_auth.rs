//! Tenancy and access on a real `strata serve` with a server admin token, on SQLite and (when
//! `STRATA_TEST_POSTGRES` names a server) PostgreSQL:
//! - the isolation matrix, generated from the server's own OpenAPI document: every operation
//!   under `/api/v1` × every caller (no, unknown, expired and revoked tokens; the server
//!   admin; a viewer, an editor and an admin of the tenant; an admin of another tenant) gets
//!   exactly the expected status; an operation missing from the table fails the test;
//! - the audit log: every mutation and every denial is one event with the right actor, and
//!   `strata audit verify` finds the chains intact, then finds an edited event.

use std::collections::BTreeMap;
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
        ("listTokens", tenant(2, 200, false)),
        ("createToken", tenant(2, 201, false)),
        // Revoking is tried on a token that does not exist: allowed means 404.
        ("revokeToken", tenant(2, 404, false)),
        ("getAudit", tenant(2, 200, false)),
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
