// Pure helpers of the extension: no `vscode` import, so node:test can run them outside VS Code.

import * as path from 'node:path';

/** URI scheme of the read-only documents that show a file's compiled YAML. */
export const COMPILED_SCHEME = 'routec-compiled';

/** Command ids the extension registers itself (and sends to the server as executeCommand). */
export const SHOW_COMPILED_COMMAND = 'routec.showCompiled';
export const RESTART_COMMAND = 'routec.restartServer';
export const CLIENT_OWNED_COMMANDS: readonly string[] = [SHOW_COMPILED_COMMAND, RESTART_COMMAND];

/** The parts of a URI (as `vscode.Uri.from` takes them). */
export interface UriParts {
  scheme: string;
  path: string;
  query: string;
}

/**
 * The virtual document that shows the compiled YAML of a `.route` file.
 *
 * The path keeps the source's folder and names the file `NAME.compiled.yaml`, so the tab
 * reads `bookinfo.compiled.yaml` and VS Code picks YAML from the extension; the query holds
 * the whole source URI, so each source has exactly one compiled document and it can be
 * traced back (to refresh it).
 */
export function compiledUriFor(source: { path: string; toString(): string }): UriParts {
  // Always absolute: a URI without authority must not have a relative path in VS Code.
  const posixPath = source.path.startsWith('/') ? source.path : `/${source.path || 'untitled'}`;
  const dir = path.posix.dirname(posixPath);
  const base = path.posix.basename(posixPath).replace(/\.route$/i, '') || 'untitled';
  return {
    scheme: COMPILED_SCHEME,
    path: path.posix.join(dir, `${base}.compiled.yaml`),
    query: encodeURIComponent(source.toString()),
  };
}

/** The source URI (as a string) that a compiled document's query names, if any. */
export function sourceUriOfCompiled(query: string): string | undefined {
  if (!query) {
    return undefined;
  }
  try {
    const decoded = decodeURIComponent(query);
    return decoded.includes(':') ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** What `routec.showCompiled` on the server answered, made into text or an error. */
export type CompiledResult = { ok: true; text: string } | { ok: false; error: string };

export function compiledTextFromResponse(response: unknown): CompiledResult {
  if (typeof response === 'string') {
    return { ok: true, text: response };
  }
  if (response === null || response === undefined) {
    return { ok: false, error: 'route-lsp returned nothing for routec.showCompiled (does the file compile?)' };
  }
  // Be lenient with a server that wraps the text: { yaml: "..." }.
  if (typeof response === 'object' && typeof (response as { yaml?: unknown }).yaml === 'string') {
    return { ok: true, text: (response as { yaml: string }).yaml };
  }
  return { ok: false, error: `route-lsp returned ${typeof response} for routec.showCompiled; expected a string of YAML` };
}

/** Server-declared commands minus those the extension registers itself. */
export function withoutClientOwnedCommands(
  commands: readonly string[] | undefined,
  owned: readonly string[] = CLIENT_OWNED_COMMANDS,
): string[] {
  return (commands ?? []).filter((c) => !owned.includes(c));
}

export interface ResolveContext {
  /** Folder of the first workspace folder, for `${workspaceFolder}`. */
  workspaceFolder?: string;
  home: string;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** Whether a file exists and may be executed. */
  isExecutable(file: string): boolean;
}

export interface ResolvedServer {
  /** What to spawn. */
  command: string;
  /** Whether the command was found (checked on PATH for a bare name). */
  found: boolean;
  /** Human-readable: where it was looked for. */
  lookedIn: string;
}

/**
 * Resolves `routec.server.path`: expands `~`, `${workspaceFolder}`, `${userHome}` and
 * `${env:NAME}`; a bare name (no slash) is looked up on PATH (with PATHEXT on Windows), a
 * relative path is taken from the workspace folder.
 */
export function resolveServerCommand(setting: string | undefined, ctx: ResolveContext): ResolvedServer {
  const raw = (setting ?? '').trim() || 'route-lsp';
  let expanded = raw
    .replace(/\$\{workspaceFolder\}/g, ctx.workspaceFolder ?? '')
    .replace(/\$\{userHome\}/g, ctx.home)
    .replace(/\$\{env:([^}]+)\}/g, (_, name: string) => ctx.env[name] ?? '');
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\')) {
    expanded = ctx.home + expanded.slice(1);
  }
  const p = ctx.platform === 'win32' ? path.win32 : path.posix;
  const hasSeparator = expanded.includes('/') || (ctx.platform === 'win32' && expanded.includes('\\'));
  if (!hasSeparator) {
    const pathVar = ctx.env.PATH ?? ctx.env.Path ?? '';
    const dirs = pathVar.split(ctx.platform === 'win32' ? ';' : ':').filter((d) => d.length > 0);
    const exts =
      ctx.platform === 'win32' && !/\.[A-Za-z0-9]+$/.test(expanded)
        ? (ctx.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)
        : [''];
    for (const dir of dirs) {
      for (const ext of exts) {
        const candidate = p.join(dir, expanded + ext);
        if (ctx.isExecutable(candidate)) {
          return { command: candidate, found: true, lookedIn: 'PATH' };
        }
      }
    }
    return { command: expanded, found: false, lookedIn: 'PATH' };
  }
  const absolute = p.isAbsolute(expanded)
    ? expanded
    : ctx.workspaceFolder
      ? p.join(ctx.workspaceFolder, expanded)
      : expanded;
  return { command: absolute, found: ctx.isExecutable(absolute), lookedIn: absolute };
}

/** The message shown when the server cannot be started. */
export function serverStartErrorMessage(setting: string, resolved: ResolvedServer, cause?: unknown): string {
  const where =
    resolved.lookedIn === 'PATH'
      ? `"${resolved.command}" was not found on PATH`
      : `"${resolved.command}" does not exist or is not executable`;
  const detail = cause ? ` (${errorText(cause)})` : '';
  const head = resolved.found
    ? `routec: the language server "${resolved.command}" could not be started${detail}.`
    : `routec: the language server could not be started: ${where}${detail}.`;
  return `${head} Put route-lsp on PATH or set "routec.server.path" (now "${setting}").`;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) {
    return e.message;
  }
  return String(e);
}
