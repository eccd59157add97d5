//! `/mcp` on a real `strata serve`, spoken to as raw HTTP: in local mode the nine tools over
//! the repository, `Host` and `Origin` validated; in a shared registry the tools that read
//! pushed snapshots, for the token's tenant only, with the registry's roles.

use std::fmt::Write as _;
use std::io::Read as _;
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use strata_test::{CliTest, Server, copy_dir};

const BIN: &str = env!("CARGO_BIN_EXE_strata");
const ADMIN: &str = "server-admin-token-for-the-tests-0123456789";
const VERSION: &str = "2026-07-28";

/// One stateless (2026-07-28) JSON-RPC request to `/mcp`: the status and the JSON-RPC
/// message answered (as JSON or as the one event of an event stream).
fn rpc(
    server: &Server,
    method: &str,
    params: Value,
    token: Option<&str>,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let mut params = params;
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": VERSION,
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    let name = params["name"].as_str().map(str::to_owned);
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let mut headers = vec![
        ("Host".to_owned(), server.addr.clone()),
        ("Content-Type".into(), "application/json".into()),
        (
            "Accept".into(),
            "application/json, text/event-stream".into(),
        ),
        ("MCP-Protocol-Version".into(), VERSION.into()),
        ("Mcp-Method".into(), method.into()),
        ("Connection".into(), "close".into()),
    ];
    if let Some(name) = name {
        headers.push(("Mcp-Name".into(), name));
    }
    if let Some(t) = token {
        headers.push(("Authorization".into(), format!("Bearer {t}")));
    }
    for (k, v) in extra {
        headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
        headers.push(((*k).to_owned(), (*v).to_owned()));
    }
    let mut s = TcpStream::connect(&server.addr).unwrap();
    let mut request = String::from("POST /mcp HTTP/1.1\r\n");
    for (k, v) in &headers {
        let _ = write!(request, "{k}: {v}\r\n");
    }
    let _ = write!(request, "Content-Length: {}\r\n\r\n{body}", body.len());
    std::io::Write::write_all(&mut s, request.as_bytes()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    // An event stream's `data:` line, else the body itself (chunk sizes skipped).
    let message = rest
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .or_else(|| rest.lines().find(|l| l.starts_with('{')))
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or(Value::Null);
    (status, message)
}

#[allow(clippy::needless_pass_by_value)]
fn call(server: &Server, tool: &str, arguments: Value, token: Option<&str>) -> Value {
    let (status, message) = rpc(
        server,
        "tools/call",
        json!({"name": tool, "arguments": arguments.clone()}),
        token,
        &[],
    );
    assert_eq!(status, 200, "{message}");
    message
}

fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/coder-ide");
    copy_dir(&example, dir.path());
    dir
}

#[test]
fn local_mode_serves_every_tool_to_loopback_pages_only() {
    let repo = example();
    let server = Server::start(Path::new(BIN), repo.path(), &[], &[]);
    let (status, listed) = rpc(&server, "tools/list", json!({}), None, &[]);
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["result"]["tools"].as_array().unwrap().len(), 9);

    let found = call(&server, "strata_find", json!({"query": "getSecret"}), None);
    let hit = &found["result"]["structuredContent"]["hits"][0];
    assert_eq!(hit["symbol"], "getSecret", "{found}");
    assert_eq!(found["result"]["isError"], false);

    // An edit shows in the next answer.
    let logger = repo.path().join("services/logging/src/logger.ts");
    let mut text = std::fs::read_to_string(&logger).unwrap();
    text.push_str("\nexport function savedJustNow(): void {}\n");
    std::fs::write(&logger, text).unwrap();
    let start = std::time::Instant::now();
    loop {
        let found = call(
            &server,
            "strata_find",
            json!({"query": "savedJustNow"}),
            None,
        );
        if found["result"]["structuredContent"]["hits"][0]["symbol"] == "savedJustNow" {
            break;
        }
        assert!(
            start.elapsed().as_secs() < 10,
            "the edit never showed: {found}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    // A page of another origin, or a request naming another host (DNS rebinding), is refused;
    // a page on loopback is served.
    let (status, _) = rpc(
        &server,
        "tools/list",
        json!({}),
        None,
        &[("Origin", "http://evil.example")],
    );
    assert_eq!(status, 403);
    let (status, _) = rpc(
        &server,
        "tools/list",
        json!({}),
        None,
        &[("Host", "evil.example")],
    );
    assert_eq!(status, 403);
    let (status, _) = rpc(
        &server,
        "tools/list",
        json!({}),
        None,
        &[("Origin", "http://localhost:3000")],
    );
    assert_eq!(status, 200);
}

#[test]
fn a_shared_registry_serves_its_tenants_their_own_projects() {
    let repo = example();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("registry.db").display());
    let server = Server::start(
        Path::new(BIN),
        dir.path(),
        &["--db", &db],
        &[("STRATA_ADMIN_TOKEN", ADMIN)],
    );
    let tenant = |name: &str| {
        let answer = server.request(
            "POST",
            "/api/v1/tenants",
            Some(ADMIN),
            Some(&json!({"name": name})),
        );
        assert_eq!(answer.0, 201, "{}", answer.2);
        let v: Value = serde_json::from_str(&answer.2).unwrap();
        v["token"].as_str().unwrap().to_owned()
    };
    let acme = tenant("acme");
    let globex = tenant("globex");
    let viewer = {
        let answer = server.request(
            "POST",
            "/api/v1/tokens",
            Some(&acme),
            Some(&json!({"name": "agent", "role": "viewer"})),
        );
        assert_eq!(answer.0, 201, "{}", answer.2);
        let v: Value = serde_json::from_str(&answer.2).unwrap();
        v["token"].as_str().unwrap().to_owned()
    };
    let pushed = Command::new(BIN)
        .args(["push", "--server", &server.url(), "--project", "ide"])
        .current_dir(repo.path())
        .env("STRATA_TOKEN", &acme)
        .env("GIT_CEILING_DIRECTORIES", repo.path().parent().unwrap())
        .output()
        .unwrap();
    assert!(pushed.status.success(), "{pushed:?}");

    // No token: 401, as everywhere in the registry.
    let (status, _) = rpc(&server, "tools/list", json!({}), None, &[]);
    assert_eq!(status, 401);

    // The tools that read stored snapshots, each taking `project`.
    let (_, listed) = rpc(&server, "tools/list", json!({}), Some(&viewer), &[]);
    let tools = listed["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "strata_check",
            "strata_impact",
            "strata_overview",
            "strata_rules"
        ]
    );
    assert!(
        tools
            .iter()
            .all(|t| t["inputSchema"]["properties"]["project"].is_object())
    );

    // The tenant's only project is the default.
    let overview = call(&server, "strata_overview", json!({}), Some(&viewer));
    let content = &overview["result"]["structuredContent"];
    assert_eq!(
        content["modules"].as_array().unwrap().len(),
        18,
        "{overview}"
    );
    assert_eq!(content["index"]["project"], "ide");
    let rules = call(
        &server,
        "strata_rules",
        json!({"project": "ide", "module": "ai-service"}),
        Some(&viewer),
    );
    assert_eq!(
        rules["result"]["structuredContent"]["may_depend_on"][0]["module"],
        "secret-management"
    );
    let check = call(
        &server,
        "strata_check",
        json!({"paths": ["services/agent-registry"]}),
        Some(&viewer),
    );
    assert!(
        !check["result"]["structuredContent"]["findings"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Impact is an editor's (as `POST …/impact` is); the tenant's admin may.
    let denied = call(
        &server,
        "strata_impact",
        json!({"paths": ["services/secret-management/src/vault.ts"]}),
        Some(&viewer),
    );
    assert_eq!(denied["result"]["isError"], true, "{denied}");
    let impact = call(
        &server,
        "strata_impact",
        json!({"paths": ["services/secret-management/src/vault.ts"]}),
        Some(&acme),
    );
    assert_eq!(
        impact["result"]["structuredContent"]["changed_modules"],
        json!(["secret-management"])
    );

    // Another tenant sees none of it.
    let other = call(
        &server,
        "strata_overview",
        json!({"project": "ide"}),
        Some(&globex),
    );
    assert_eq!(other["result"]["isError"], true);
    let text = other["result"]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("no project `ide`"), "{text}");

    // A tool that needs the sources says where to find it.
    let (_, message) = rpc(
        &server,
        "tools/call",
        json!({"name": "strata_find", "arguments": {"query": "x"}}),
        Some(&viewer),
        &[],
    );
    let error = message["error"]["message"].as_str().unwrap_or_default();
    assert!(error.contains("strata mcp"), "{message}");
    let _ = CliTest::new(BIN);
}
