// Snippets: one per item kind and per policy kind, and each expands (with its default
// placeholder values) to code the grammar highlights fully.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tokenizeText } from '../../scripts/tokenize.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const snippets = JSON.parse(readFileSync(join(root, 'snippets', 'route.json'), 'utf8'));

/** Expands a snippet body with each placeholder's default (first choice for choices). */
export function expand(body) {
  const values = {};
  let text = (Array.isArray(body) ? body.join('\n') : body).replace(/\t/g, '  ');
  text = text.replace(/\$\{(\d+)\|([^,|}]*)[^}]*\|\}/g, (_, n, first) => (values[n] = first));
  let previous;
  do {
    previous = text;
    text = text.replace(/\$\{(\d+):((?:[^{}$]|\$\d+)*)\}/g, (_, n, inner) => (values[n] = inner));
  } while (text !== previous);
  return text.replace(/\$(\d+)/g, (_, n) => (values[n] ?? '').replace(/\$(\d+)/g, (__, m) => values[m] ?? ''));
}

describe('snippets', () => {
  const all = Object.values(snippets);
  const firstLines = all.map((s) => (Array.isArray(s.body) ? s.body[0] : s.body));

  it('cover every item kind and every policy kind', () => {
    for (const item of ['gateway', 'destination', 'routes', 'route', 'test']) {
      assert.ok(firstLines.some((l) => l.startsWith(`${item} `)), `no snippet for ${item}`);
    }
    for (const kind of ['retry', 'timeout', 'fault', 'cors', 'headers', 'mirror', 'outlier', 'failover', 'access']) {
      assert.ok(firstLines.some((l) => l.includes(`= ${kind}`)), `no snippet for policy kind ${kind}`);
    }
    assert.ok(
      all.some((s) => s.prefix === 'routes' && s.body.some((l) => /^\s*route /.test(l))),
      'the routes snippet holds a route',
    );
  });

  it('use placeholders and describe themselves', () => {
    for (const [name, s] of Object.entries(snippets)) {
      assert.ok(s.description, `${name}: description`);
      assert.match([].concat(s.body).join('\n'), /\$\{1[:|]/, `${name}: placeholder \${1:...}`);
    }
  });

  it('expand to code the grammar highlights, with no unscoped or invalid token', async () => {
    for (const [name, s] of Object.entries(snippets)) {
      let code = expand(s.body);
      assert.doesNotMatch(code, /\$/, `${name}: unexpanded placeholder in\n${code}`);
      if (code.startsWith('route ')) {
        code = `routes t {\n${code}\n}`; // a route lives in a route table
      }
      const tokens = (await tokenizeText(code)).filter((t) => t.text.trim());
      assert.ok(
        tokens[0].scopes.some((sc) => sc.startsWith('keyword.declaration.')),
        `${name}: starts with ${tokens[0].scopes.join(' ')}`,
      );
      for (const t of tokens) {
        const own = t.scopes.filter((sc) => sc !== 'source.route' && !sc.startsWith('meta.'));
        assert.ok(own.length > 0, `${name}: "${t.text}" (line ${t.line}) is unscoped in\n${code}`);
        assert.ok(!own.some((sc) => sc.startsWith('invalid.')), `${name}: "${t.text}" is invalid`);
      }
    }
  });

  it('expand as expected (expander self-check)', () => {
    assert.equal(expand(['a ${1:x} ${2:$1.y} ${3|p,q|} $0']), 'a x x.y p ');
  });
});
