//! `strata lsp` driven over stdio by a scripted LSP client (Content-Length framing, JSON-RPC),
//! in a copy of the bundled example: initialize, diagnostics on open, on an unsaved change and
//! on save, hover on an import and on a module.yaml key, go-to-definition from `depends_on`, the
//! quick fix that declares a dependency, shutdown.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};
use strata_test::{CliTest, copy_dir};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    pending: Vec<Value>,
}

impl Client {
    fn start(root: &std::path::Path) -> Client {
        let mut child = Command::new(BIN)
            .args(["--no-cache", "lsp"])
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = 0usize;
                loop {
                    let mut header = String::new();
                    if stdout.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                stdout.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
            pending: Vec::new(),
        }
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers within a minute")
    }

    #[allow(clippy::needless_pass_by_value)] // calls read better with `json!` inline
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": &params}));
        loop {
            let m = self.next();
            if m["id"] == id {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
            self.pending.push(m);
        }
    }

    #[allow(clippy::needless_pass_by_value)]
    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": &params}));
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self.pending.iter().position(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        }) {
            return self.pending.remove(i)["params"]["diagnostics"]
                .as_array()
                .unwrap()
                .clone();
        }
        loop {
            let m = self.next();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.pending.push(m);
        }
    }
}

fn uri(root: &std::path::Path, rel: &str) -> String {
    format!("file://{}/{rel}", root.display())
}

fn rules(diagnostics: &[Value]) -> Vec<&str> {
    let mut r: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    r.sort_unstable();
    r
}

#[test]
fn diagnostics_hover_definition_and_quick_fix_over_stdio() {
    let t = CliTest::new(BIN);
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/coder-ide"),
        t.root(),
    );
    let root = t.root().canonicalize().unwrap();
    let mut c = Client::start(&root);
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}),
    );
    assert_eq!(init["serverInfo"]["name"], "strata");
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    c.notify("initialized", json!({}));

    // Open a clean source file: nothing to say.
    let handlers = "services/notification/src/handlers.ts";
    let handlers_uri = uri(&root, handlers);
    let original = t.read(handlers);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": handlers_uri, "languageId": "typescript", "version": 1, "text": original}}),
    );
    assert_eq!(c.diagnostics(&handlers_uri), Vec::<Value>::new());

    // Type an import of another module's internal file: two findings at the specifier, from
    // the unsaved buffer.
    let line = "import { start } from \"../../logging/src/server\";\n";
    let edited = format!("{original}{line}");
    let import_line = u64::try_from(original.lines().count()).unwrap();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": handlers_uri, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let found = c.diagnostics(&handlers_uri);
    assert_eq!(
        rules(&found),
        ["internal-import", "undeclared-dependency"],
        "{found:#?}"
    );
    for d in &found {
        assert_eq!(d["range"]["start"]["line"], import_line, "{d}");
        assert_eq!(d["range"]["start"]["character"], 23, "{d}");
        assert_eq!(d["severity"], 1);
        assert_eq!(d["source"], "strata");
    }

    // Hover on the specifier: the module, its owner, and why the import is not allowed.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": handlers_uri}, "position": {"line": import_line, "character": 30}}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**logging**"), "{text}");
    assert!(text.contains("owner `team:"), "{text}");
    assert!(text.contains("not allowed"), "{text}");
    assert!(text.contains("`internal-import`"), "{text}");

    // The quick fix for the undeclared dependency edits notification's module.yaml.
    let undeclared = found
        .iter()
        .find(|d| d["code"] == "undeclared-dependency")
        .unwrap()
        .clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": handlers_uri}, "range": undeclared["range"], "context": {"diagnostics": [undeclared]}}),
    );
    let action = &actions[0];
    assert_eq!(
        action["title"],
        "Declare `logging` in `notification`'s depends_on"
    );
    let module_uri = uri(&root, "services/notification/module.yaml");
    let edits = &action["edit"]["changes"][&module_uri];
    assert_eq!(edits[0]["newText"], "depends_on: [logging]\n", "{action}");

    // The quick fix for the internal import goes through logging's interface file.
    let internal = found
        .iter()
        .find(|d| d["code"] == "internal-import")
        .unwrap()
        .clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": handlers_uri}, "range": internal["range"], "context": {"diagnostics": [internal]}}),
    );
    let action = &actions[0];
    assert_eq!(
        action["title"],
        "Import `logging` through its interface `services/logging/src/index.ts`"
    );
    let edit = &action["edit"]["changes"][&handlers_uri][0];
    assert_eq!(edit["newText"], "../../logging/src", "{action}");
    assert_eq!(edit["range"]["start"]["character"], 23);
    assert_eq!(edit["range"]["end"]["character"], 47);

    // Saved as typed: the same findings, now from `strata check` on the saved files.
    t.write(handlers, &edited);
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": handlers_uri}}),
    );
    let saved = c.diagnostics(&handlers_uri);
    assert_eq!(
        rules(&saved),
        ["internal-import", "undeclared-dependency"],
        "{saved:#?}"
    );

    // Another program declares the dependency (the file is not open in the editor): the
    // repository is read again and the open file loses that finding.
    let module = t.read("services/notification/module.yaml");
    t.write(
        "services/notification/module.yaml",
        format!("{module}depends_on: [logging]\n"),
    );
    let after = c.diagnostics(&handlers_uri);
    assert_eq!(rules(&after), ["internal-import"], "{after:#?}");

    // Undone in the buffer: clean again before any save.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": handlers_uri, "version": 3}, "contentChanges": [{"text": original}]}),
    );
    assert_eq!(c.diagnostics(&handlers_uri), Vec::<Value>::new());

    // module.yaml: hover documents a key; definition follows a dependency.
    let ai = "services/ai-service/module.yaml";
    let ai_text = t.read(ai);
    let ai_uri = uri(&root, ai);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": ai_uri, "languageId": "yaml", "version": 1, "text": ai_text}}),
    );
    let _ = c.diagnostics(&ai_uri);
    let lines: Vec<&str> = ai_text.lines().collect();
    let port = lines
        .iter()
        .position(|l| l.trim_start().starts_with("port:"))
        .unwrap();
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": ai_uri}, "position": {"line": port, "character": 4}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("`api.port`"),
        "{hover}"
    );
    let dep = lines
        .iter()
        .position(|l| l.starts_with("depends_on:"))
        .unwrap()
        + 1;
    let after = lines[dep].split_once("name: ").unwrap().1;
    let name = &after[..after.find(',').unwrap()];
    let character = lines[dep].find(name).unwrap() + 2;
    let target = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": ai_uri}, "position": {"line": dep, "character": character}}),
    );
    let target_uri = target["uri"].as_str().unwrap();
    assert!(
        target_uri.ends_with(&format!("/{name}/module.yaml")),
        "{name}: {target}"
    );

    // An unsaved module.yaml that does not parse: the parser's error, where it points.
    let typo = ai_text.replacen("owner:", "ownr:", 1);
    let typo_line = typo.lines().position(|l| l.starts_with("ownr:")).unwrap();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ai_uri, "version": 2}, "contentChanges": [{"text": typo}]}),
    );
    let broken = c.diagnostics(&ai_uri);
    let parse = broken
        .iter()
        .find(|d| d["code"] == "schema-invalid")
        .unwrap_or_else(|| panic!("{broken:#?}"));
    assert_eq!(parse["range"]["start"]["line"], typo_line);
    let message = parse["message"].as_str().unwrap();
    assert!(message.contains("ownr"), "{message}");
    assert!(message.contains("owner"), "did you mean: {message}");

    let _ = c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert!(status.success(), "{status}");
}
