// `strata lsp` through the protocol library VS Code's own client is built on
// (vscode-languageserver-protocol): initialize, diagnostics on open and on an unsaved change,
// hover, a quick fix, shutdown. Usage: node protocol.mjs STRATA REPO
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lsp = require("vscode-languageserver-protocol/node");

const [strata, repo] = process.argv.slice(2);
const server = spawn(strata, ["lsp"], { cwd: repo, stdio: ["pipe", "pipe", "inherit"] });
const connection = lsp.createProtocolConnection(
  new lsp.StreamMessageReader(server.stdout),
  new lsp.StreamMessageWriter(server.stdin),
);
const published = new Map();
const waiters = [];
connection.onNotification(lsp.PublishDiagnosticsNotification.type, (p) => {
  published.set(p.uri, p.diagnostics);
  for (const w of waiters.splice(0)) w();
});
connection.listen();
const next = (uri) =>
  new Promise((resolve) => {
    published.delete(uri);
    const check = () => (published.has(uri) ? resolve(published.get(uri)) : waiters.push(check));
    check();
  });
const fail = (message) => {
  console.error(`FAIL: ${message}`);
  process.exit(1);
};

const root = `file://${repo}`;
const init = await connection.sendRequest(lsp.InitializeRequest.type, {
  processId: process.pid,
  rootUri: root,
  capabilities: {},
  workspaceFolders: [{ uri: root, name: "example" }],
});
if (init.serverInfo?.name !== "strata") fail(`serverInfo: ${JSON.stringify(init)}`);
connection.sendNotification(lsp.InitializedNotification.type, {});

const rel = "services/notification/src/handlers.ts";
const uri = `${root}/${rel}`;
const text = readFileSync(`${repo}/${rel}`, "utf8");
let shown = next(uri);
connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
  textDocument: { uri, languageId: "typescript", version: 1, text },
});
if ((await shown).length !== 0) fail("diagnostics on a clean file");

const line = text.split("\n").length - 1;
shown = next(uri);
const started = performance.now();
connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
  textDocument: { uri, version: 2 },
  contentChanges: [{ text: `${text}import { start } from "../../logging/src/server";\n` }],
});
const found = await shown;
const ms = performance.now() - started;
const codes = found.map((d) => d.code).sort();
if (JSON.stringify(codes) !== JSON.stringify(["internal-import", "undeclared-dependency"])) {
  fail(`diagnostics after the change: ${JSON.stringify(found)}`);
}
if (found.some((d) => d.range.start.line !== line)) fail("diagnostics not on the new line");

const hover = await connection.sendRequest(lsp.HoverRequest.type, {
  textDocument: { uri },
  position: { line, character: 30 },
});
if (!hover?.contents?.value?.includes("not allowed")) fail(`hover: ${JSON.stringify(hover)}`);

const actions = await connection.sendRequest(lsp.CodeActionRequest.type, {
  textDocument: { uri },
  range: found[0].range,
  context: { diagnostics: found },
});
if (actions.length !== 2) fail(`code actions: ${JSON.stringify(actions)}`);

await connection.sendRequest(lsp.ShutdownRequest.type);
connection.sendNotification(lsp.ExitNotification.type);
server.on("exit", (code) => {
  if (code !== 0) fail(`exit code ${code}`);
  console.log(
    `initialize, open, change (${ms.toFixed(1)} ms to diagnostics), hover, ${actions.length} quick fixes, shutdown`,
  );
  process.exit(0);
});
