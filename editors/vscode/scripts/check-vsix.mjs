#!/usr/bin/env node
// Checks a packaged .vsix (a zip) with nothing but Node: it must hold exactly the files the
// extension ships, and out/extension.js must be the self-contained bundle.
//
//   node scripts/check-vsix.mjs routec.vsix [--extract DIR]
//
// With --extract, writes extension/out/extension.js to DIR/extension.js (for the smoke test).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** Entries of a zip file: name, method, sizes and the offset of the local header. */
function zipEntries(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    entries.push({ name, method, compressedSize, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function readEntry(buf, e) {
  const nameLen = buf.readUInt16LE(e.localOffset + 26);
  const extraLen = buf.readUInt16LE(e.localOffset + 28);
  const start = e.localOffset + 30 + nameLen + extraLen;
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return data;
  if (e.method === 8) return inflateRawSync(data);
  throw new Error(`${e.name}: unsupported compression method ${e.method}`);
}

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: check-vsix.mjs FILE.vsix [--extract DIR]');
  process.exit(2);
}
const buf = readFileSync(file);
const entries = zipEntries(buf);
const names = entries.map((e) => e.name).sort();

const expected = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/LICENSE.txt',
  'extension/changelog.md',
  'extension/language-configuration.json',
  'extension/out/extension.js',
  'extension/package.json',
  'extension/readme.md',
  'extension/snippets/route.json',
  'extension/syntaxes/route.tmLanguage.json',
].sort();

const problems = [];
for (const n of expected) if (!names.includes(n)) problems.push(`missing ${n}`);
for (const n of names) if (!expected.includes(n)) problems.push(`unexpected ${n}`);

const byName = new Map(entries.map((e) => [e.name, e]));
const bundle = byName.has('extension/out/extension.js')
  ? readEntry(buf, byName.get('extension/out/extension.js')).toString('utf8')
  : '';
if (bundle) {
  // Bundled: only `vscode` and Node built-ins may be required at run time.
  const requires = [...bundle.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  const external = [...new Set(requires)].filter((r) => r !== 'vscode' && !r.startsWith('node:') && !isBuiltin(r));
  if (external.length) problems.push(`out/extension.js requires packages not in the .vsix: ${external.join(', ')}`);
  if (!bundle.includes('routec.showCompiled')) problems.push('out/extension.js does not look like the routec extension');
}
const manifest = JSON.parse(readEntry(buf, byName.get('extension/package.json')).toString('utf8'));
if (manifest.main !== './out/extension.js') problems.push(`package.json main is ${manifest.main}`);

if (problems.length) {
  console.error(`${file}: ${problems.join('; ')}`);
  process.exit(1);
}

const extractAt = rest.indexOf('--extract');
if (extractAt >= 0) {
  const dir = rest[extractAt + 1];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'extension.js'), bundle);
}
console.log(`${file}: ${names.length} entries, out/extension.js ${Math.round(bundle.length / 1024)} KiB, self-contained`);

function isBuiltin(name) {
  return builtinModules.includes(name) || builtinModules.includes(name.split('/')[0]);
}
