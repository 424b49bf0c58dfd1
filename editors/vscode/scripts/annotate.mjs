#!/usr/bin/env node
// Drafts vscode-tmgrammar-test assertions for a .route file: prints the file with, under
// each source line, one `#  ^^^ scope` line per token (the token's innermost scope that is
// not meta.*). A starting point for a grammar test: read every assertion against the
// language contract before keeping it, and add `- scope` assertions for what must NOT
// happen.
//
//   node scripts/annotate.mjs FILE.route > test/grammar/NAME.route

import { readFileSync } from 'node:fs';
import { tokenizeText } from './tokenize.mjs';

function mainScope(scopes) {
  const own = scopes.filter((s) => s !== 'source.route' && !s.startsWith('meta.'));
  if (own.length === 0) return undefined;
  const last = own[own.length - 1];
  // Punctuation of a string or comment is asserted as part of the string or comment.
  if (/^punctuation\.definition\.(comment|string)\./.test(last) && own.length > 1) {
    return own[own.length - 2];
  }
  return last;
}

const [file] = process.argv.slice(2);
const text = readFileSync(file, 'utf8').replace(/\n$/, '');
const lines = text.split('\n');
const tokens = await tokenizeText(text);
const out = ['# SYNTAX TEST "source.route"'];
lines.forEach((line, i) => {
  out.push(line);
  if (line.startsWith('# SYNTAX TEST')) return;
  let col = 0;
  const runs = [];
  for (const t of tokens.filter((t) => t.line === i + 1)) {
    const start = col;
    col += t.text.length;
    if (!t.text.trim()) continue;
    const scope = mainScope(t.scopes);
    if (!scope) continue;
    // Trim the token's own leading/trailing blanks (comment text keeps inner spaces).
    const lead = t.text.length - t.text.trimStart().length;
    const from = start + lead;
    const to = start + t.text.trimEnd().length;
    const prev = runs[runs.length - 1];
    if (prev && prev.scope === scope && prev.to >= from - 1 && scope.startsWith('comment')) {
      prev.to = to;
    } else if (prev && prev.scope === scope && prev.to === from) {
      prev.to = to;
    } else {
      runs.push({ from, to, scope });
    }
  }
  for (const r of runs) {
    if (r.from === 0) {
      out.push(`#<${'-'.repeat(r.to)} ${r.scope}`);
    } else {
      out.push(`#${' '.repeat(r.from - 1)}${'^'.repeat(r.to - r.from)} ${r.scope}`);
    }
  }
});
console.log(out.join('\n'));
