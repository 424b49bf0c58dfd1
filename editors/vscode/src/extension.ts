// The routec VS Code extension: starts the route-lsp language server (stdio) and adds the
// "Show compiled YAML" view. Highlighting, snippets and editing rules are declarative
// (package.json, syntaxes/, snippets/, language-configuration.json).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DynamicFeature,
  ExecuteCommandRegistrationOptions,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RegistrationData,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  StaticFeature,
} from 'vscode-languageclient/node';
import {
  COMPILED_SCHEME,
  RESTART_COMMAND,
  SHOW_COMPILED_COMMAND,
  compiledTextFromResponse,
  compiledUriFor,
  errorText,
  resolveServerCommand,
  serverStartErrorMessage,
  sourceUriOfCompiled,
  withoutClientOwnedCommands,
} from './util';

const CLIENT_ID = 'routec'; // also the prefix of `routec.trace.server`, which the client reads
const CLIENT_NAME = 'routec language server';

/**
 * vscode-languageclient registers a VS Code command for each command the server lists in
 * `executeCommandProvider`. The extension registers `routec.showCompiled` itself (it has to
 * open the answer beside the editor), so that one is left out here; registering it twice
 * would make the client fail to start with "command already exists".
 */
class RouteLanguageClient extends LanguageClient {
  override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    const dynamic = feature as Partial<DynamicFeature<ExecuteCommandRegistrationOptions>>;
    if (dynamic.registrationType?.method === ExecuteCommandRequest.method && typeof dynamic.register === 'function') {
      const register = dynamic.register.bind(feature);
      dynamic.register = (data: RegistrationData<ExecuteCommandRegistrationOptions>) =>
        register({
          ...data,
          registerOptions: {
            ...data.registerOptions,
            commands: withoutClientOwnedCommands(data.registerOptions.commands),
          },
        });
    }
    super.registerFeature(feature);
  }
}

/** Read-only documents holding compiled YAML, one per source file. */
class CompiledYamlProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  forget(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return (
      this.texts.get(uri.toString()) ??
      '# routec: run "routec: Show compiled YAML" in a .route file to see what it compiles to\n'
    );
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}

let client: RouteLanguageClient | undefined;
/** Start/stop operations run one after another. */
let lifecycle: Promise<void> = Promise.resolve();
let outputChannel: vscode.OutputChannel | undefined;
let traceChannel: vscode.OutputChannel | undefined;
let watchers: vscode.FileSystemWatcher[] = [];
const compiled = new CompiledYamlProvider();

export function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel('routec');
  traceChannel = vscode.window.createOutputChannel('routec Language Server Trace');
  // Created once and reused across restarts: .route sources, the project file, inventories.
  watchers = [
    vscode.workspace.createFileSystemWatcher('**/*.route'),
    vscode.workspace.createFileSystemWatcher('**/route.toml'),
    vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,json}'),
  ];

  context.subscriptions.push(
    outputChannel,
    traceChannel,
    ...watchers,
    compiled,
    vscode.workspace.registerTextDocumentContentProvider(COMPILED_SCHEME, compiled),
    vscode.commands.registerCommand(SHOW_COMPILED_COMMAND, (uri?: unknown) => showCompiled(uri)),
    vscode.commands.registerCommand(RESTART_COMMAND, () => restartServer()),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === COMPILED_SCHEME) {
        compiled.forget(doc.uri);
      }
    }),
    // Keep an open compiled view current when its source is saved.
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.languageId === 'route') {
        void refreshCompiled(doc.uri);
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('routec.server.path')) {
        void restartServer();
      }
    }),
  );

  return enqueue(startClient);
}

export function deactivate(): Promise<void> {
  return enqueue(stopClient);
}

function enqueue(op: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(op, op);
  return lifecycle;
}

function restartServer(): Promise<void> {
  return enqueue(async () => {
    await stopClient();
    await startClient();
  });
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

async function startClient(): Promise<void> {
  const setting = vscode.workspace.getConfiguration('routec').get<string>('server.path', 'route-lsp');
  const resolved = resolveServerCommand(setting, {
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    home: os.homedir(),
    env: process.env,
    platform: process.platform,
    isExecutable,
  });
  if (!resolved.found) {
    outputChannel?.appendLine(serverStartErrorMessage(setting, resolved));
    void showStartError(serverStartErrorMessage(setting, resolved));
    return;
  }

  // No `transport`: plain stdio, and the binary gets no extra `--stdio` argument.
  const serverOptions: ServerOptions = { command: resolved.command, args: [] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'route' }],
    synchronize: { fileEvents: watchers },
    outputChannel,
    traceOutputChannel: traceChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  const c = new RouteLanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
    outputChannel?.appendLine(`routec: started ${resolved.command}`);
  } catch (e) {
    client = undefined;
    try {
      await c.dispose();
    } catch {
      /* it never ran */
    }
    const message = serverStartErrorMessage(setting, resolved, e);
    outputChannel?.appendLine(message);
    void showStartError(message);
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (!c) {
    return;
  }
  try {
    if (c.state === State.Running || c.state === State.Starting) {
      await c.stop(2000);
    }
  } catch (e) {
    outputChannel?.appendLine(`routec: stopping the language server: ${errorText(e)}`);
  }
  try {
    await c.dispose();
  } catch {
    /* already stopped */
  }
}

async function showStartError(message: string): Promise<void> {
  const openSettings = 'Open Settings';
  const showOutput = 'Show Output';
  const choice = await vscode.window.showErrorMessage(message, openSettings, showOutput);
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'routec.server.path');
  } else if (choice === showOutput) {
    outputChannel?.show(true);
  }
}

/** Asks the server for the YAML a file compiles to. */
async function fetchCompiled(source: vscode.Uri): Promise<string> {
  if (!client || client.state !== State.Running) {
    throw new Error('the routec language server is not running (see the "routec" output)');
  }
  const response: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
    command: SHOW_COMPILED_COMMAND,
    arguments: [{ uri: source.toString() }],
  });
  const result = compiledTextFromResponse(response);
  if (!result.ok) {
    throw new Error(result.error);
  }
  return result.text;
}

async function showCompiled(arg: unknown): Promise<void> {
  // From the editor context menu the command gets the document's URI; from the palette, nothing.
  const editor = vscode.window.activeTextEditor;
  const source = arg instanceof vscode.Uri ? arg : editor?.document.uri;
  const doc = source && vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.toString());
  if (!source || (doc && doc.languageId !== 'route')) {
    void vscode.window.showWarningMessage('routec: open a .route file to see what it compiles to.');
    return;
  }
  let text: string;
  try {
    text = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'routec: compiling' },
      () => fetchCompiled(source),
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`routec: could not show compiled YAML: ${errorText(e)}`);
    return;
  }
  const target = vscode.Uri.from(compiledUriFor(source));
  compiled.set(target, text);
  const compiledDoc = await vscode.workspace.openTextDocument(target);
  if (compiledDoc.languageId !== 'yaml') {
    await vscode.languages.setTextDocumentLanguage(compiledDoc, 'yaml');
  }
  await vscode.window.showTextDocument(compiledDoc, {
    viewColumn: vscode.ViewColumn.Beside,
    preview: true,
    preserveFocus: true,
  });
}

async function refreshCompiled(source: vscode.Uri): Promise<void> {
  const target = vscode.Uri.from(compiledUriFor(source));
  const open = vscode.workspace.textDocuments.some(
    (d) => d.uri.toString() === target.toString() && sourceUriOfCompiled(d.uri.query) === source.toString(),
  );
  if (!open) {
    return;
  }
  try {
    compiled.set(target, await fetchCompiled(source));
  } catch (e) {
    outputChannel?.appendLine(`routec: refreshing compiled YAML of ${source.toString()}: ${errorText(e)}`);
  }
}
