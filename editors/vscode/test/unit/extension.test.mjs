// Smoke test of the extension outside VS Code: loads out/extension.js (or the file named by
// $ROUTEC_EXTENSION_JS, e.g. the bundle taken out of the .vsix) with a mock `vscode` module,
// activates it, and drives it against a fake route-lsp over stdio.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const Module = require('node:module');
const { createVscodeMock } = require('../fixtures/vscode-mock.cjs');

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const extensionJs = resolve(process.env.ROUTEC_EXTENSION_JS ?? join(root, 'out', 'extension.js'));
const tmp = mkdtempSync(join(tmpdir(), 'routec-ext-'));
const lspLog = join(tmp, 'lsp.log');
const fakeServer = join(tmp, 'route-lsp');
writeFileSync(
  fakeServer,
  `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'test', 'fixtures', 'fake-route-lsp.cjs')}" "$@"\n`,
);
chmodSync(fakeServer, 0o755);
process.env.FAKE_LSP_LOG = lspLog;

const { vscode, state } = createVscodeMock({
  config: { 'routec.server.path': join(tmp, 'no-such-route-lsp') },
  workspaceFolder: tmp,
});
const originalLoad = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : originalLoad.call(this, request, ...rest);
};

const lspMessages = () =>
  existsSync(lspLog) ? readFileSync(lspLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];

function newContext() {
  return { subscriptions: [], extensionPath: root, extensionUri: vscode.Uri.file(root) };
}
function disposeContext(ctx) {
  for (const d of ctx.subscriptions.splice(0)) d.dispose();
}
const waitFor = async (cond, what, ms = 10000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe(`extension (${extensionJs.startsWith(root) ? extensionJs.slice(root.length + 1) : extensionJs})`, () => {
  let ext;
  before(() => {
    assert.ok(existsSync(extensionJs), `${extensionJs} missing: run npm run build first`);
    ext = require(extensionJs);
  });
  after(() => {
    Module._load = originalLoad;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('explains a missing server and offers the setting', async () => {
    const ctx = newContext();
    await ext.activate(ctx);
    assert.ok(state.commands.has('routec.showCompiled'));
    assert.ok(state.commands.has('routec.restartServer'));
    assert.ok(state.contentProviders.has('routec-compiled'));
    assert.equal(state.errors.length, 1);
    assert.match(state.errors[0].msg, /no-such-route-lsp" does not exist or is not executable.*routec\.server\.path/);
    assert.deepEqual(state.errors[0].items, ['Open Settings', 'Show Output']);
    // Without a server, the command says so instead of failing silently.
    state.errors.length = 0;
    vscode.window.activeTextEditor = { document: { uri: vscode.Uri.file(join(tmp, 'a.route')), languageId: 'route' } };
    await state.commands.get('routec.showCompiled')();
    assert.match(state.errors[0]?.msg ?? '', /not running/);
    await ext.deactivate();
    disposeContext(ctx);
    assert.equal(state.commands.size, 0);
  });

  it('starts route-lsp, shows compiled YAML beside the editor, restarts and stops', async () => {
    state.errors.length = 0;
    state.config['routec.server.path'] = fakeServer;
    const ctx = newContext();
    await ext.activate(ctx);
    assert.deepEqual(state.errors, []);
    const init = lspMessages().find((m) => m.method === 'initialize');
    assert.ok(init, 'server got initialize');
    // The server's other commands are registered by the client; showCompiled stays the extension's.
    assert.ok(state.commands.has('routec.fake.other'));

    const source = vscode.Uri.file(join(tmp, 'shop.route'));
    vscode.window.activeTextEditor = { document: { uri: source, languageId: 'route' } };
    await state.commands.get('routec.showCompiled')();
    assert.deepEqual(state.errors, []);
    const exec = lspMessages().find((m) => m.method === 'workspace/executeCommand');
    assert.deepEqual(exec.params, { command: 'routec.showCompiled', arguments: [{ uri: source.toString() }] });
    assert.equal(state.shown.length, 1);
    const { doc, opts } = state.shown[0];
    assert.equal(doc.uri.scheme, 'routec-compiled');
    assert.equal(doc.uri.path, join(tmp, 'shop.compiled.yaml'));
    assert.equal(doc.getText(), `# compiled from ${source.toString()}\nkind: RouteTable\n`);
    assert.equal(opts.viewColumn, vscode.ViewColumn.Beside);

    await state.commands.get('routec.restartServer')();
    await waitFor(() => lspMessages().filter((m) => m.method === 'initialize').length === 2, 'a second initialize');
    assert.ok(lspMessages().some((m) => m.method === 'shutdown'));

    await ext.deactivate();
    disposeContext(ctx);
    await waitFor(() => lspMessages().filter((m) => m.method === 'exit').length === 2, 'exit after deactivate');
  });
});
