// Checks of the TextMate grammar beyond the per-token assertions in test/grammar/:
// the committed JSON matches its generator, every word of the language contract is
// highlighted somewhere in the grammar tests, and nothing in the contract's examples is left
// unscoped.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { grammarText } from '../../scripts/generate-grammar.mjs';
import { grammarPath, tokenizeText } from '../../scripts/tokenize.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const grammarDir = join(root, 'test', 'grammar');

/** A grammar test file without its header and assertion lines: the source it tests. */
function sourceOf(file) {
  return readFileSync(join(grammarDir, file), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('# SYNTAX TEST') && !/^#\s*(\^|<~*-)/.test(l))
    .join('\n');
}

const testFiles = readdirSync(grammarDir).filter((f) => f.endsWith('.route'));

/** Every keyword, kind and constant the language contract (shared/design/language.md) names. */
const CONTRACT_WORDS = `
  gateway destination policy routes route test namespace
  cluster workload in listen tls http https tcp grpc http2
  host port select clusters apply
  retry timeout fault cors headers mirror outlier failover access
  attempts per-try-timeout on
  5xx gateway-error reset connect-failure retriable-4xx refused-stream retriable-status-codes
  cancelled deadline-exceeded internal resource-exhausted unavailable
  delay abort percent origins methods expose max-age credentials request response set remove to
  consecutive-errors interval base-ejection max-ejection prefer same-zone same-region from allow
  service-account
  hosts on mesh workloads weight match path prefix exact regex header query method present and
  GET HEAD POST PUT DELETE PATCH OPTIONS CONNECT TRACE
  service redirect code respond rewrite delegate via expect no
`.split(/\s+/).filter(Boolean);

const HIGHLIGHTED = /^(keyword|support|constant|storage)\./;

describe('grammar', () => {
  it('is generated from scripts/generate-grammar.mjs', () => {
    assert.equal(readFileSync(grammarPath, 'utf8'), grammarText, 'run `npm run grammar` and commit the result');
  });

  it('has a grammar test file for every item kind', () => {
    for (const kind of ['gateway', 'destination', 'policy', 'routes', 'test']) {
      assert.ok(testFiles.includes(`${kind}.route`), `missing test/grammar/${kind}.route`);
    }
  });

  it('highlights every word of the language contract in the grammar tests', async () => {
    const seen = new Map();
    for (const file of testFiles) {
      for (const t of await tokenizeText(sourceOf(file))) {
        if (t.scopes.some((s) => HIGHLIGHTED.test(s))) {
          seen.set(t.text, true);
        }
      }
    }
    const missing = CONTRACT_WORDS.filter((w) => !seen.has(w));
    assert.deepEqual(missing, [], `contract words never highlighted: ${missing.join(', ')}`);
  });

  it('leaves no token of the contract examples unscoped', async () => {
    const unscoped = (await tokenizeText(sourceOf('contract.route'))).filter(
      (t) => t.text.trim() && t.scopes.every((s) => s === 'source.route' || s.startsWith('meta.')),
    );
    assert.deepEqual(
      unscoped.map((t) => `${t.line}: ${t.text}`),
      [],
    );
  });

  it('keeps kebab-case identifiers whole', async () => {
    const tokens = await tokenizeText('routes t { route my-route { to destination per-try-timeout } }');
    const texts = tokens.map((t) => t.text.trim()).filter(Boolean);
    assert.ok(texts.includes('my-route'));
    assert.ok(texts.includes('per-try-timeout'));
    const name = tokens.find((t) => t.text === 'per-try-timeout');
    assert.ok(name.scopes.includes('entity.name.type.destination.route'));
    assert.ok(!name.scopes.includes('keyword.other.per-try-timeout.route'));
  });

  it('does not let one item without a body swallow the file', async () => {
    const tokens = await tokenizeText('gateway broken\ntest "t" { expect no route }\n');
    const testKw = tokens.find((t) => t.text === 'test');
    assert.ok(testKw.scopes.includes('keyword.declaration.test.route'));
    assert.ok(!testKw.scopes.includes('meta.item.gateway.route'));
  });
});
