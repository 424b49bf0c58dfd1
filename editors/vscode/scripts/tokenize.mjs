#!/usr/bin/env node
// Tokenizes .route files with the extension's grammar, as VS Code would, and prints each
// token with its scopes. A help for writing grammar tests:
//
//   node scripts/tokenize.mjs FILE.route [...]
//
// Also the loader the unit tests use (`loadGrammar`, `tokenizeText`).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const here = dirname(fileURLToPath(import.meta.url));
export const grammarPath = join(here, '..', 'syntaxes', 'route.tmLanguage.json');

let grammarPromise;

/** The grammar, loaded once through vscode-textmate with the oniguruma WASM engine. */
export function loadGrammar() {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
    await oniguruma.loadWASM(wasm);
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) =>
        scopeName === 'source.route'
          ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath)
          : null,
    });
    return registry.loadGrammar('source.route');
  })();
  return grammarPromise;
}

/** [{ line, text, scopes }] for every token of every line. */
export async function tokenizeText(text) {
  const grammar = await loadGrammar();
  const out = [];
  let state = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, lineNo) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      out.push({ line: lineNo + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = r.ruleStack;
  });
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of process.argv.slice(2)) {
    const tokens = await tokenizeText(readFileSync(file, 'utf8'));
    let last = 0;
    for (const t of tokens) {
      if (t.line !== last) {
        console.log(`-- ${t.line}`);
        last = t.line;
      }
      if (t.text.trim()) {
        console.log(`  ${JSON.stringify(t.text).padEnd(28)} ${t.scopes.slice(1).join(' ')}`);
      }
    }
  }
}
