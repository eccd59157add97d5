//! `strata lsp`: a language server on stdio. Findings become diagnostics of the open files:
//! saved files get what `strata check` reports; a changed, unsaved source file is judged from
//! its buffer (its imports parsed by the language's front-end and checked as
//! [`Project::check_plan`] checks a plan, on the loaded index), so the import rules answer as
//! the user types. Saving reloads the repository (the cache makes it cheap). Hover on an import
//! shows the module it reaches, its owner, and whether the import is allowed; hover on a
//! `module.yaml` key shows its documentation; go-to-definition on a `depends_on` entry opens
//! that module's `module.yaml`; a quick fix declares a missing dependency.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod text;
mod yaml;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, GotoDefinition, HoverRequest, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic as LspDiagnostic,
    DiagnosticSeverity, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverContents, HoverParams, InitializeParams, Location,
    MarkupContent, MarkupKind, NumberOrString, Position, PublishDiagnosticsParams, Range, Uri,
    WorkspaceEdit,
};
use strata_diagnostics::{Diagnostic, Severity};
use strata_lang::{Lang, frontend};
use strata_project::{LoadOptions, Plan, PlannedChange, Project};

pub use text::{path_to_uri, uri_to_path};

/// The rules a buffer's imports decide: judged from the buffer while it is unsaved.
const BUFFER_RULES: &[&str] = &[
    "undeclared-dependency",
    "internal-import",
    "lane-violation",
    "layer-violation",
    "forbidden",
    "no-cycles",
    "file-cycle",
];

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serve one client on `connection` until it asks to shut down. `load` says how to load the
/// repository; its root, when not given, is the client's workspace folder.
pub fn serve(connection: &Connection, mut load: LoadOptions) -> Result<(), Error> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    if load.root.is_none() {
        load.root = client_root(&params);
    }
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": {
                "positionEncoding": "utf-16",
                "textDocumentSync": {
                    "openClose": true,
                    "change": 1,
                    "save": { "includeText": false }
                },
                "hoverProvider": true,
                "definitionProvider": true,
                "codeActionProvider": { "codeActionKinds": ["quickfix"] }
            },
            "serverInfo": { "name": "strata", "version": env!("CARGO_PKG_VERSION") }
        }),
    )?;
    let mut server = Server::load(load)?;
    // One queue for the client's messages and the repository's changes on disk (a checkout, a
    // file written by another program): the latter reload the repository.
    let (tx, events) = std::sync::mpsc::channel();
    let from_client = connection.receiver.clone();
    let client_tx = tx.clone();
    std::thread::spawn(move || {
        for message in from_client {
            if client_tx.send(Event::Client(message)).is_err() {
                return;
            }
        }
        let _ = client_tx.send(Event::Closed);
    });
    let _watcher = strata_workspace::watch(&server.project.root, move |paths| {
        let _ = tx.send(Event::Changed(paths));
    })
    .ok();
    let mut shutting_down = false;
    for event in events {
        match event {
            Event::Client(Message::Request(request)) => {
                let response = if request.method == "shutdown" {
                    shutting_down = true;
                    Response::new_ok(request.id, serde_json::Value::Null)
                } else if shutting_down {
                    Response::new_err(
                        request.id,
                        ErrorCode::InvalidRequest as i32,
                        "shutting down".into(),
                    )
                } else {
                    server.request(request)
                };
                connection.sender.send(Message::Response(response))?;
            }
            Event::Client(Message::Notification(n)) if n.method == "exit" => return Ok(()),
            Event::Client(Message::Notification(notification)) => {
                for out in server.notification(notification) {
                    connection.sender.send(Message::Notification(out))?;
                }
            }
            Event::Client(Message::Response(_)) => {}
            Event::Changed(paths) => {
                for out in server.changed_on_disk(paths.as_deref()) {
                    connection.sender.send(Message::Notification(out))?;
                }
            }
            Event::Closed => return Ok(()),
        }
    }
    Ok(())
}

/// What the server waits for.
enum Event {
    Client(Message),
    /// Paths changed on disk (`None`: events were lost).
    Changed(Option<Vec<String>>),
    /// The client's stream ended.
    Closed,
}

fn client_root(params: &InitializeParams) -> Option<PathBuf> {
    if let Some(folder) = params.workspace_folders.as_ref().and_then(|f| f.first()) {
        return uri_to_path(&folder.uri);
    }
    #[allow(deprecated)] // older clients send only `rootUri`
    params.root_uri.as_ref().and_then(uri_to_path)
}

/// An open document.
struct Doc {
    uri: Uri,
    text: String,
    /// Differs from the file on disk: judged from the buffer.
    dirty: bool,
}

struct Server {
    load: LoadOptions,
    project: Project,
    /// `strata check` on the files as saved.
    findings: Vec<Diagnostic>,
    /// Open documents by repository-relative path.
    docs: HashMap<String, Doc>,
}

impl Server {
    fn load(load: LoadOptions) -> Result<Server, Error> {
        let project = Project::load(&load)?;
        let findings = project.check().diagnostics;
        Ok(Server {
            load,
            project,
            findings,
            docs: HashMap::new(),
        })
    }

    /// Read the repository again after a save (the index cache keeps it cheap); a repository
    /// that does not load keeps the last good state until the next save.
    fn reload(&mut self) {
        if let Ok(fresh) = Project::load(&self.load) {
            self.findings = fresh.check().diagnostics;
            self.project = fresh;
        }
    }

    /// Files changed on disk by something other than the editor's saves (those arrive as
    /// `didSave`): reload and publish every open document again.
    fn changed_on_disk(&mut self, paths: Option<&[String]>) -> Vec<Notification> {
        let external = match paths {
            None => true,
            Some(paths) => paths.iter().any(|p| !self.docs.contains_key(p)),
        };
        if !external {
            return Vec::new();
        }
        self.reload();
        self.publish_open()
    }

    fn relative(&self, uri: &Uri) -> Option<String> {
        let path = uri_to_path(uri)?;
        let rel = path.strip_prefix(&self.project.root).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }

    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let Some(rel) = self.relative(&p.text_document.uri) else {
                    return Vec::new();
                };
                let on_disk = std::fs::read_to_string(self.project.root.join(&rel)).ok();
                let dirty = on_disk.as_deref() != Some(p.text_document.text.as_str());
                self.docs.insert(
                    rel.clone(),
                    Doc {
                        uri: p.text_document.uri,
                        text: p.text_document.text,
                        dirty,
                    },
                );
                self.publish(&rel).into_iter().collect()
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let Some(rel) = self.relative(&p.text_document.uri) else {
                    return Vec::new();
                };
                let Some(change) = p.content_changes.into_iter().last() else {
                    return Vec::new();
                };
                let doc = self.docs.entry(rel.clone()).or_insert(Doc {
                    uri: p.text_document.uri,
                    text: String::new(),
                    dirty: true,
                });
                doc.text = change.text;
                doc.dirty = true;
                self.publish(&rel).into_iter().collect()
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let Some(rel) = self.relative(&p.text_document.uri) else {
                    return Vec::new();
                };
                if let Some(doc) = self.docs.get_mut(&rel) {
                    doc.dirty = false;
                    if let Ok(disk) = std::fs::read_to_string(self.project.root.join(&rel)) {
                        doc.text = disk;
                    }
                }
                self.reload();
                self.publish_open()
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let Some(rel) = self.relative(&p.text_document.uri) else {
                    return Vec::new();
                };
                self.docs.remove(&rel);
                vec![publish(p.text_document.uri, Vec::new())]
            }
            _ => Vec::new(),
        }
    }

    fn request(&mut self, r: Request) -> Response {
        let id = r.id.clone();
        let result = match r.method.as_str() {
            HoverRequest::METHOD => parse(r).map(|p: HoverParams| {
                serde_json::to_value(self.hover(&p)).unwrap_or(serde_json::Value::Null)
            }),
            GotoDefinition::METHOD => parse(r).map(|p: GotoDefinitionParams| {
                serde_json::to_value(self.definition(&p)).unwrap_or(serde_json::Value::Null)
            }),
            CodeActionRequest::METHOD => parse(r).map(|p: CodeActionParams| {
                serde_json::to_value(self.code_actions(&p)).unwrap_or(serde_json::Value::Null)
            }),
            other => Err(format!("strata does not answer `{other}`")),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => error(id, message),
        }
    }

    /// Diagnostics of every open document, in path order (after the repository was read again).
    fn publish_open(&self) -> Vec<Notification> {
        let mut open: Vec<&String> = self.docs.keys().collect();
        open.sort();
        open.into_iter().filter_map(|r| self.publish(r)).collect()
    }

    /// `imports` of the file `rel` judged as `check_plan` judges a plan, the file standing
    /// for what the buffer holds.
    fn judge(&self, rel: &str, imports: Vec<String>) -> Option<strata_project::PlanDoc> {
        let plan = Plan {
            changes: vec![PlannedChange {
                file: rel.to_owned(),
                imports,
                new_file: Some(true),
            }],
            dependencies: Vec::new(),
        };
        self.project.check_plan(self.project.index(), &plan).ok()
    }

    /// Diagnostics of the open document `rel`: the saved findings of the file, with those a
    /// buffer's imports decide taken from the buffer when it is unsaved.
    fn publish(&self, rel: &str) -> Option<Notification> {
        let doc = self.docs.get(rel)?;
        let buffer = doc.dirty && Lang::from_path(rel).is_some();
        let mut diagnostics: Vec<LspDiagnostic> = self
            .findings
            .iter()
            .filter(|d| d.file == rel && !(buffer && BUFFER_RULES.contains(&d.rule)))
            .map(|d| to_lsp(d, &doc.text, None))
            .collect();
        if buffer {
            diagnostics.extend(self.buffer_findings(rel, &doc.text));
        }
        if doc.dirty {
            if let Some(parsed) = parse_problem(rel, &doc.text) {
                // The buffer's own parse replaces the saved file's.
                diagnostics
                    .retain(|d| d.code != Some(NumberOrString::String("schema-invalid".into())));
                diagnostics.push(parsed);
            }
        }
        Some(publish(doc.uri.clone(), diagnostics))
    }

    /// The import findings of an unsaved source buffer, each at the import that causes it.
    fn buffer_findings(&self, rel: &str, text: &str) -> Vec<LspDiagnostic> {
        let Some(lang) = Lang::from_path(rel) else {
            return Vec::new();
        };
        let imports = frontend(lang).extract(rel, text.as_bytes()).imports;
        let Some(doc) = self.judge(rel, imports.iter().map(|i| i.spec.clone()).collect()) else {
            return Vec::new();
        };
        doc.findings
            .iter()
            .map(|d| {
                // The buffer's import that reaches the finding's target file.
                let at = d.target_file.as_ref().and_then(|target| {
                    let spec = doc
                        .imports
                        .iter()
                        .find(|p| p.target_file.as_ref() == Some(target))?;
                    imports.iter().find(|i| i.spec == spec.import)
                });
                to_lsp(d, text, at.map(|i| (i.line, i.column)))
            })
            .collect()
    }

    fn hover(&self, p: &HoverParams) -> Option<Hover> {
        let at = &p.text_document_position_params;
        let rel = self.relative(&at.text_document.uri)?;
        let text = self.text_of(&rel)?;
        if rel.ends_with("module.yaml") {
            let doc = yaml::key_doc(&text, at.position)?;
            return Some(markdown(doc));
        }
        let lang = Lang::from_path(&rel)?;
        let imports = frontend(lang).extract(&rel, text.as_bytes()).imports;
        let line = text.lines().nth(at.position.line as usize)?;
        let column = text::utf16_to_byte(line, at.position.character) + 1;
        let import = imports.iter().find(|i| {
            i.line == at.position.line + 1
                && column >= i.column as usize
                && column <= i.column as usize + i.spec.len()
        })?;
        let doc = self.judge(&rel, vec![import.spec.clone()])?;
        let mut out = String::new();
        if let Some(external) = doc.imports.iter().find_map(|i| i.external.as_ref()) {
            let _ = write!(out, "third-party package `{external}`");
            return Some(markdown(out));
        }
        let target = doc.imports.first()?;
        let module = target.target_module.as_deref()?;
        let record = self.project.module(module)?.record();
        let _ = write!(out, "**{module}**");
        if let Some(version) = &record.version {
            let _ = write!(out, " {version}");
        }
        out.push('\n');
        let mut facts = Vec::new();
        if let Some(owner) = &record.owner {
            facts.push(format!("owner `{owner}`"));
        }
        if let Some(lane) = &record.lane {
            facts.push(format!("lane `{lane}`"));
        }
        if let Some(layer) = &record.layer {
            facts.push(format!("layer `{layer}`"));
        }
        if !facts.is_empty() {
            let _ = write!(out, "\n{}\n", facts.join(", "));
        }
        if let Some(file) = &target.target_file {
            let _ = write!(out, "\n`{file}`: ");
        }
        let broken: Vec<&Diagnostic> = doc
            .findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if broken.is_empty() {
            out.push_str("allowed");
        } else {
            out.push_str("not allowed");
            for d in broken {
                let _ = write!(out, "\n- `{}`: {}", d.rule, d.message);
            }
        }
        Some(markdown(out))
    }

    fn definition(&self, p: &GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        let at = &p.text_document_position_params;
        let rel = self.relative(&at.text_document.uri)?;
        if !rel.ends_with("module.yaml") {
            return None;
        }
        let text = self.text_of(&rel)?;
        let name = yaml::dependency_at(&text, at.position)?;
        let module = self.project.module(&name)?;
        let declared = &module.declared;
        let file = declared
            .schema_path
            .clone()
            .or_else(|| declared.manifest.as_ref().map(|m| m.path.clone()))?;
        Some(GotoDefinitionResponse::Scalar(Location {
            uri: path_to_uri(&self.project.root.join(file))?,
            range: Range::default(),
        }))
    }

    fn code_actions(&self, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let mut out = Vec::new();
        for d in &p.context.diagnostics {
            let code = match &d.code {
                Some(NumberOrString::String(code)) => code.as_str(),
                _ => continue,
            };
            if code == "internal-import" {
                out.extend(self.through_interface(&p.text_document.uri, d));
                continue;
            }
            if code != "undeclared-dependency" {
                continue;
            }
            let Some(data) = &d.data else { continue };
            let (Some(from), Some(to)) = (data["module"].as_str(), data["target"].as_str()) else {
                continue;
            };
            let Some(path) = self
                .project
                .module(from)
                .and_then(|m| m.declared.schema_path.clone())
            else {
                continue;
            };
            let Some(text) = self.text_of(&path) else {
                continue;
            };
            let Some(uri) = path_to_uri(&self.project.root.join(&path)) else {
                continue;
            };
            let edit = yaml::add_dependency(&text, to);
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Declare `{to}` in `{from}`'s depends_on"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri, vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
        out
    }

    /// For an internal import in TypeScript or JavaScript: the same import through the
    /// target module's interface file (its first `interfaces` entry that names one file).
    fn through_interface(&self, uri: &Uri, d: &LspDiagnostic) -> Option<CodeActionOrCommand> {
        let rel = self.relative(uri)?;
        if !matches!(Lang::from_path(&rel), Some(Lang::Ts)) {
            return None;
        }
        let target = d.data.as_ref()?["target"].as_str()?.to_owned();
        let module = self.project.module(&target)?;
        let interface = module
            .declared
            .schema
            .as_ref()?
            .interfaces
            .iter()
            .find(|i| !i.contains(['*', '?', '[', '{']))?;
        let root = &module.declared.root;
        let interface = if root.is_empty() {
            interface.trim_start_matches("./").to_owned()
        } else {
            format!("{root}/{}", interface.trim_start_matches("./"))
        };
        let text = self.text_of(&rel)?;
        let line = text.lines().nth(d.range.start.line as usize)?;
        let start = text::utf16_to_byte(line, d.range.start.character);
        let quote = line[..start]
            .chars()
            .last()
            .filter(|c| matches!(c, '"' | '\''))?;
        let end = start + line[start..].find(quote)?;
        let spec = text::relative_specifier(&rel, &interface);
        let range = Range::new(
            Position::new(d.range.start.line, d.range.start.character),
            Position::new(d.range.start.line, text::byte_to_utf16(line, end)),
        );
        Some(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Import `{target}` through its interface `{interface}`"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(
                    uri.clone(),
                    vec![lsp_types::TextEdit {
                        range,
                        new_text: spec,
                    }],
                )])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        }))
    }

    /// The text of `rel`: the open buffer, else the file on disk.
    fn text_of(&self, rel: &str) -> Option<String> {
        match self.docs.get(rel) {
            Some(doc) => Some(doc.text.clone()),
            None => std::fs::read_to_string(self.project.root.join(rel)).ok(),
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(r: Request) -> Result<T, String> {
    serde_json::from_value(r.params).map_err(|e| format!("invalid params: {e}"))
}

fn error(id: RequestId, message: String) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, message)
}

fn markdown(value: String) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: None,
    }
}

fn publish(uri: Uri, diagnostics: Vec<LspDiagnostic>) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.to_owned(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}

/// Why an unsaved `module.yaml` or `strata.toml` buffer does not parse, at the place the parser
/// names; `None` for other files and for buffers that parse.
fn parse_problem(rel: &str, text: &str) -> Option<LspDiagnostic> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let path = std::path::Path::new(rel);
    let (result, code) = if name == strata_workspace::MODULE_FILE {
        (
            strata_workspace::parse_module_file(path, text.as_bytes()).map(|_| ()),
            "schema-invalid",
        )
    } else if rel == strata_workspace::CONFIG_FILE {
        (
            strata_workspace::config::parse_config(path, text).map(|_| ()),
            "config-invalid",
        )
    } else {
        return None;
    };
    let Err(strata_workspace::ConfigError::Invalid {
        line,
        column,
        message,
        hint,
        ..
    }) = result
    else {
        return None;
    };
    let line0 = line.saturating_sub(1);
    let line_text = text.lines().nth(line0 as usize).unwrap_or("");
    let byte = line_text
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line_text.len(), |(i, _)| i);
    let start = text::byte_to_utf16(line_text, byte);
    let end = text::byte_to_utf16(line_text, line_text.len()).max(start + 1);
    Some(LspDiagnostic {
        range: Range::new(Position::new(line0, start), Position::new(line0, end)),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(code.into())),
        source: Some("strata".into()),
        message: match hint {
            Some(hint) => format!("{message}\n{hint}"),
            None => message,
        },
        ..LspDiagnostic::default()
    })
}

/// A finding as an LSP diagnostic in `text`, at `at` (1-based line and byte column) or where
/// the finding says; a finding of the whole file is on its first line.
fn to_lsp(d: &Diagnostic, text: &str, at: Option<(u32, u32)>) -> LspDiagnostic {
    let (line, column) = at.unwrap_or((d.line, d.column));
    let line0 = line.saturating_sub(1);
    let line_text = text.lines().nth(line0 as usize).unwrap_or("");
    let start = text::byte_to_utf16(line_text, column.saturating_sub(1) as usize);
    let end = if line == 0 {
        text::byte_to_utf16(line_text, line_text.len())
    } else {
        // To the end of the token that starts there.
        let rest = line_text
            .get(column.saturating_sub(1) as usize..)
            .unwrap_or("");
        let token = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | ')' | ']'))
            .unwrap_or(rest.len());
        text::byte_to_utf16(line_text, column.saturating_sub(1) as usize + token.max(1))
    };
    let message = if d.help.is_empty() {
        d.message.clone()
    } else {
        format!("{}\n{}", d.message, d.help)
    };
    LspDiagnostic {
        range: Range {
            start: Position::new(line0, start),
            end: Position::new(line0, end.max(start)),
        },
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.rule.to_owned())),
        source: Some("strata".into()),
        message,
        data: Some(serde_json::json!({ "module": d.module, "target": d.target })),
        ..LspDiagnostic::default()
    }
}

/// Serve one client on standard input and output (`strata lsp`).
pub fn run_stdio(load: LoadOptions) -> Result<(), Error> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection, load)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}
