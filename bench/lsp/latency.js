#!/usr/bin/env node
// LSP latency benchmark for route-lsp, driven the way VS Code drives a server (through
// vscode-jsonrpc and vscode-languageserver-protocol, the libraries its client is built on).
//
//   node latency.js --server PATH/route-lsp --project DIR [--file REL] [--edits 200]
//                   [--completions 50] [--seed 1] [--json]
//
// 1. Starts the server, initializes it with DIR as the only workspace folder, opens one file
//    (default: the middle `.route` file of the project, by path) and waits for its first
//    diagnostics.
// 2. Sends `--edits` single-character edits as incremental didChange notifications, at random
//    positions inside route bodies (fixed seed): even edits insert a character, odd edits
//    delete it again, so the document stays the project it was (typing, then fixing). Each
//    edit is timed from the didChange to the publishDiagnostics carrying its version.
// 3. Times `--completions` completion requests at each of three typical positions: right after
//    `to service ` (the inventory's services), `to destination ` and `apply `.
// 4. Prints p50/p95/max of each, and the server's peak RSS (VmHWM from /proc/PID/status).

'use strict';

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { pathToFileURL } = require('url');
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  CompletionRequest,
  ShutdownRequest,
  ExitNotification,
} = require('vscode-languageserver-protocol/node');

const USAGE =
  'usage: node latency.js --server PATH --project DIR [--file REL] [--edits N] ' +
  '[--completions N] [--seed S] [--timeout MS] [--json]';

function parseArgs(argv) {
  const options = { edits: 200, completions: 50, seed: 1, timeout: 120000, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--server': options.server = path.resolve(value()); break;
      case '--project': options.project = path.resolve(value()); break;
      case '--file': options.file = value(); break;
      case '--edits': options.edits = Number(value()); break;
      case '--completions': options.completions = Number(value()); break;
      case '--seed': options.seed = Number(value()); break;
      case '--timeout': options.timeout = Number(value()); break;
      case '--json': options.json = true; break;
      case '--help': case '-h': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown argument ${flag}`);
    }
  }
  if (!options.server || !options.project) throw new Error('--server and --project are required');
  return options;
}

// mulberry32: a small seeded generator, the same sequence everywhere.
function rng(seed) {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function routeFiles(dir, root = dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'out') {
      routeFiles(full, root, out);
    } else if (entry.isFile() && entry.name.endsWith('.route')) {
      out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  }
  return out.sort();
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted[sorted.length - 1],
    mean,
  };
}

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number((status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm')) || [])[1]);
  return { hwmMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const files = routeFiles(options.project);
  const file = options.file || files[Math.floor(files.length / 2)];
  if (!file) throw new Error(`no .route file in ${options.project}`);
  const filePath = path.join(options.project, file);
  const uri = pathToFileURL(filePath).href;
  const original = fs.readFileSync(filePath, 'utf8');
  const lines = original.split('\n');
  const random = rng(options.seed);

  const server = spawn(options.server, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let shuttingDown = false;
  let stderr = '';
  server.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  server.on('exit', (code, signal) => {
    if (!shuttingDown) {
      console.error(`route-lsp exited early (${code ?? signal}):\n${stderr}`);
      process.exit(1);
    }
  });

  const connection = createProtocolConnection(
    new StreamMessageReader(server.stdout),
    new StreamMessageWriter(server.stdin),
  );
  // Requests from the server (configuration, registrations, progress) get an empty answer.
  connection.onRequest(() => null);
  connection.onNotification(() => {});
  const waiters = new Map();
  const published = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    if (params.uri !== uri) return;
    published.push(params);
    const waiter = waiters.get(params.version);
    if (waiter) {
      waiters.delete(params.version);
      waiter(params);
    }
  });
  connection.listen();

  const diagnosticsFor = (version) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no diagnostics for version ${version} after ${options.timeout} ms`)),
        options.timeout,
      );
      waiters.set(version, (params) => {
        clearTimeout(timer);
        resolve(params);
      });
    });

  const rootUri = pathToFileURL(options.project).href;
  const startup = process.hrtime.bigint();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: path.basename(options.project) }],
    capabilities: {
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: false },
        publishDiagnostics: { versionSupport: true, relatedInformation: true },
        completion: { completionItem: { snippetSupport: true } },
      },
      workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: false } },
    },
  });
  const initializeMs = ms(startup);
  connection.sendNotification(InitializedNotification.type, {});
  let version = 1;
  const first = diagnosticsFor(version);
  const opened = process.hrtime.bigint();
  connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'route', version, text: original },
  });
  const firstDiagnostics = await first;
  const firstMs = ms(opened);
  // What opening cost, apart from what the edits add.
  const openedMem = memory(server.pid);

  // Statements inside route bodies: indented by four spaces in generated projects.
  const bodyLines = [];
  lines.forEach((text, line) => {
    if (/^ {4}\S/.test(text)) bodyLines.push(line);
  });
  if (bodyLines.length === 0) throw new Error(`${file} has no route bodies`);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const edits = [];
  let pending = null;
  for (let i = 0; i < options.edits; i++) {
    version += 1;
    let change;
    if (pending === null) {
      const line = bodyLines[random(bodyLines.length)];
      const character = 4 + random(lines[line].length - 4 + 1);
      const text = alphabet[random(alphabet.length)];
      change = { range: { start: { line, character }, end: { line, character } }, text };
      pending = { line, character };
    } else {
      const { line, character } = pending;
      change = {
        range: { start: { line, character }, end: { line, character: character + 1 } },
        text: '',
      };
      pending = null;
    }
    const done = diagnosticsFor(version);
    const start = process.hrtime.bigint();
    connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [change],
    });
    const params = await done;
    edits.push({ ms: ms(start), diagnostics: params.diagnostics.length });
  }
  if (pending !== null) {
    // An odd edit count leaves one character in: take it out, untimed.
    version += 1;
    const { line, character } = pending;
    const done = diagnosticsFor(version);
    connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [
        { range: { start: { line, character }, end: { line, character: character + 1 } }, text: '' },
      ],
    });
    await done;
  }

  const completions = {};
  for (const prefix of ['to service ', 'to destination ', 'apply ']) {
    const positions = [];
    lines.forEach((text, line) => {
      const at = text.indexOf(prefix);
      if (at >= 0 && /^ {4}/.test(text)) positions.push({ line, character: at + prefix.length });
    });
    const samples = [];
    let items = 0;
    for (let i = 0; i < options.completions && positions.length > 0; i++) {
      const position = positions[random(positions.length)];
      const start = process.hrtime.bigint();
      const result = await connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position,
      });
      samples.push(ms(start));
      items = Array.isArray(result) ? result.length : (result?.items?.length ?? 0);
    }
    completions[prefix.trim()] = { ...summary(samples), items, positions: positions.length };
  }

  const mem = memory(server.pid);
  shuttingDown = true;
  const exited = new Promise((resolve) => server.on('exit', resolve));
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  connection.dispose();
  server.kill();

  const result = {
    project: options.project,
    files: files.length,
    file,
    fileBytes: Buffer.byteLength(original),
    fileLines: lines.length,
    initializeMs,
    firstDiagnosticsMs: firstMs,
    firstDiagnosticsCount: firstDiagnostics.diagnostics.length,
    didChange: summary(edits.map((e) => e.ms)),
    maxDiagnosticsAfterEdit: Math.max(0, ...edits.map((e) => e.diagnostics)),
    completion: completions,
    peakRssAfterOpenMb: openedMem.hwmMb,
    peakRssMb: mem.hwmMb,
    rssMb: mem.rssMb,
  };
  if (options.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const f = (x) => x.toFixed(1);
    console.log(`route-lsp on ${result.project} (${result.files} files); opened ${file}: ${result.fileLines} lines, ${result.fileBytes} bytes`);
    console.log(`initialize: ${f(initializeMs)} ms; didOpen -> first diagnostics (${result.firstDiagnosticsCount}): ${f(firstMs)} ms`);
    const d = result.didChange;
    console.log(`didChange -> publishDiagnostics, ${d.n} edits: p50 ${f(d.p50)} ms, p95 ${f(d.p95)} ms, max ${f(d.max)} ms, mean ${f(d.mean)} ms (at most ${result.maxDiagnosticsAfterEdit} diagnostics)`);
    for (const [where, c] of Object.entries(completions)) {
      console.log(`completion after \`${where} \`, ${c.n} requests: p50 ${f(c.p50)} ms, p95 ${f(c.p95)} ms, max ${f(c.max)} ms (${c.items} items)`);
    }
    console.log(`peak RSS (VmHWM): ${f(result.peakRssMb)} MB (${f(result.peakRssAfterOpenMb)} MB after the first diagnostics); RSS at the end: ${f(result.rssMb)} MB`);
  }
}

main().catch((error) => {
  console.error(`error: ${error.message}\n${USAGE}`);
  process.exit(1);
});
