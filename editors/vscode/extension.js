// Starts `metricdsl lsp` (or the command in the setting metricdsl.server.command) for .metric files.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("metricdsl").get("server.command", ["metricdsl", "lsp"]);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "metric" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.metric") },
  };
  client = new LanguageClient("metricdsl", "metricdsl", serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
