// The strata language server (`strata lsp`) for the files strata reads and module.yaml.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("strata").get("path", "strata");
  const languages = [
    "rust", "typescript", "typescriptreact", "javascript", "javascriptreact",
    "python", "go", "java", "yaml",
  ];
  client = new LanguageClient(
    "strata",
    "strata",
    { command, args: ["lsp"] },
    { documentSelector: languages.map((language) => ({ scheme: "file", language })) },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
