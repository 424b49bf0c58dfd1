import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMPILED_SCHEME,
  SHOW_COMPILED_COMMAND,
  compiledTextFromResponse,
  compiledUriFor,
  resolveServerCommand,
  serverStartErrorMessage,
  sourceUriOfCompiled,
  withoutClientOwnedCommands,
  type ResolveContext,
} from '../util';

/** A URI-like value as the helpers see vscode.Uri. */
function uri(str: string): { path: string; toString(): string } {
  const u = new URL(str);
  return { path: decodeURIComponent(u.pathname), toString: () => str };
}

describe('compiled document URIs', () => {
  it('names the compiled document after the source, beside it', () => {
    const parts = compiledUriFor(uri('file:///home/me/shop/routes/bookinfo.route'));
    assert.equal(parts.scheme, COMPILED_SCHEME);
    assert.equal(parts.scheme, 'routec-compiled');
    assert.equal(parts.path, '/home/me/shop/routes/bookinfo.compiled.yaml');
  });

  it('round-trips the source URI through the query', () => {
    const src = 'file:///home/me/my%20shop/a%23b.route';
    const parts = compiledUriFor(uri(src));
    assert.equal(sourceUriOfCompiled(parts.query), src);
  });

  it('gives different sources different documents', () => {
    const a = compiledUriFor(uri('file:///p/a.route'));
    const b = compiledUriFor(uri('file:///q/a.route'));
    assert.notDeepEqual(a, b);
  });

  it('copes with untitled and odd names', () => {
    assert.equal(compiledUriFor({ path: 'Untitled-1', toString: () => 'untitled:Untitled-1' }).path, '/Untitled-1.compiled.yaml');
    assert.equal(compiledUriFor({ path: '', toString: () => 'untitled:' }).path, '/untitled.compiled.yaml');
    assert.equal(compiledUriFor(uri('file:///x/.route')).path, '/x/untitled.compiled.yaml');
    assert.equal(compiledUriFor(uri('file:///x/notes.txt')).path, '/x/notes.txt.compiled.yaml');
  });

  it('rejects queries that are not URIs', () => {
    assert.equal(sourceUriOfCompiled(''), undefined);
    assert.equal(sourceUriOfCompiled('%E0%A4%A'), undefined);
    assert.equal(sourceUriOfCompiled('plain'), undefined);
  });
});

describe('server answers to routec.showCompiled', () => {
  it('takes a string as the YAML', () => {
    assert.deepEqual(compiledTextFromResponse('kind: RouteTable\n'), { ok: true, text: 'kind: RouteTable\n' });
    assert.deepEqual(compiledTextFromResponse(''), { ok: true, text: '' });
  });
  it('accepts { yaml } too', () => {
    assert.deepEqual(compiledTextFromResponse({ yaml: 'a: 1\n' }), { ok: true, text: 'a: 1\n' });
  });
  it('explains anything else', () => {
    const none = compiledTextFromResponse(null);
    assert.equal(none.ok, false);
    const num = compiledTextFromResponse(42);
    assert.equal(num.ok, false);
    assert.match(!num.ok ? num.error : '', /expected a string of YAML/);
  });
});

describe('server-declared commands', () => {
  it('leaves out the commands the extension registers itself', () => {
    assert.deepEqual(withoutClientOwnedCommands([SHOW_COMPILED_COMMAND, 'routec.other']), ['routec.other']);
    assert.deepEqual(withoutClientOwnedCommands(undefined), []);
  });
});

describe('resolving routec.server.path', () => {
  const files = new Set(['/usr/local/bin/route-lsp', '/home/me/bin/route-lsp', '/ws/target/debug/route-lsp']);
  const ctx = (over: Partial<ResolveContext> = {}): ResolveContext => ({
    workspaceFolder: '/ws',
    home: '/home/me',
    env: { PATH: '/usr/bin:/usr/local/bin', HOME: '/home/me', TOOLS: '/home/me/bin' },
    platform: 'linux',
    isExecutable: (f) => files.has(f),
    ...over,
  });

  it('finds the default on PATH', () => {
    assert.deepEqual(resolveServerCommand('route-lsp', ctx()), {
      command: '/usr/local/bin/route-lsp',
      found: true,
      lookedIn: 'PATH',
    });
    assert.equal(resolveServerCommand('', ctx()).command, '/usr/local/bin/route-lsp');
    assert.equal(resolveServerCommand(undefined, ctx()).command, '/usr/local/bin/route-lsp');
  });

  it('reports a name missing from PATH', () => {
    const r = resolveServerCommand('route-lsp', ctx({ env: { PATH: '/usr/bin' } }));
    assert.equal(r.found, false);
    assert.match(serverStartErrorMessage('route-lsp', r), /"route-lsp" was not found on PATH.*routec\.server\.path/);
  });

  it('expands ~, ${userHome}, ${env:...} and ${workspaceFolder}', () => {
    assert.equal(resolveServerCommand('~/bin/route-lsp', ctx()).command, '/home/me/bin/route-lsp');
    assert.equal(resolveServerCommand('${userHome}/bin/route-lsp', ctx()).found, true);
    assert.equal(resolveServerCommand('${env:TOOLS}/route-lsp', ctx()).command, '/home/me/bin/route-lsp');
    assert.equal(resolveServerCommand('${workspaceFolder}/target/debug/route-lsp', ctx()).found, true);
  });

  it('takes relative paths from the workspace folder', () => {
    const r = resolveServerCommand('target/debug/route-lsp', ctx());
    assert.deepEqual(r, { command: '/ws/target/debug/route-lsp', found: true, lookedIn: '/ws/target/debug/route-lsp' });
  });

  it('reports a path that is not there', () => {
    const r = resolveServerCommand('/opt/route-lsp', ctx());
    assert.equal(r.found, false);
    assert.match(serverStartErrorMessage('/opt/route-lsp', r), /"\/opt\/route-lsp" does not exist or is not executable/);
  });

  it('uses PATHEXT on Windows', () => {
    const win = ctx({
      platform: 'win32',
      env: { Path: 'C:\\tools;C:\\bin', PATHEXT: '.COM;.EXE' },
      isExecutable: (f) => f === 'C:\\bin\\route-lsp.EXE',
    });
    assert.deepEqual(resolveServerCommand('route-lsp', win), {
      command: 'C:\\bin\\route-lsp.EXE',
      found: true,
      lookedIn: 'PATH',
    });
  });

  it('names the cause when a found binary fails to start', () => {
    const r = resolveServerCommand('route-lsp', ctx());
    assert.match(serverStartErrorMessage('route-lsp', r, new Error('spawn EACCES')), /could not be started \(spawn EACCES\)/);
  });
});
