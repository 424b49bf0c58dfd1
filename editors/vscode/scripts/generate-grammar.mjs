#!/usr/bin/env node
// Generates syntaxes/route.tmLanguage.json, the TextMate grammar for `.route` files.
//
// The grammar is written here, as code, because it is mostly the same few shapes (item,
// block, statement) repeated with different keyword sets; regexes are easier to keep right
// in one place. The generated JSON is committed (VS Code and vsce read it as is) and
// `npm test` fails when it is out of date:
//
//   node scripts/generate-grammar.mjs           # rewrite syntaxes/route.tmLanguage.json
//   node scripts/generate-grammar.mjs --check   # exit 1 if the committed file differs
//
// Structure. The language is keyword-led: every statement starts with a keyword and runs
// until the next statement keyword of the same block (or the block's `}`), so statements
// need no separators and may share a line (`route legacy { match path prefix "/old"
// redirect path "/new" code 301 }`). The grammar mirrors that: each item (gateway,
// destination, policy, routes, route, test) has a body block whose statements are
// begin/end rules ending at a lookahead for the block's other statement keywords. So a
// word is a keyword only where the parser treats it as one (`path` in `match` and in
// `redirect`, `headers` as a policy kind and as a cors field, `to` in `expose to mesh` and
// in `to service ...`), and a name in a name position is a name whatever it spells.
// Words are delimited hyphen-aware: `per-try-timeout` is one token and the `route` in
// `my-route` is not a keyword.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '..', 'syntaxes', 'route.tmLanguage.json');

// ---------------------------------------------------------------------------------------
// Lexical building blocks

/** An identifier: kebab-case is normal. */
export const ID = '[A-Za-z_][A-Za-z0-9_-]*';
/** Hyphen-aware word boundaries (`\b` would split `per-try-timeout`). */
const B = '(?<![A-Za-z0-9_-])';
const E = '(?![A-Za-z0-9_-])';
/** Any of the given words as a whole word. */
const words = (...ws) => `${B}(?:${ws.join('|')})${E}`;

// ---------------------------------------------------------------------------------------
// Vocabulary (from the language contract). Exported so the unit tests can check coverage.

export const ITEM_KEYWORDS = ['gateway', 'destination', 'policy', 'routes', 'test'];
export const TOP_KEYWORDS = [...ITEM_KEYWORDS, 'namespace'];
export const POLICY_KINDS = ['retry', 'timeout', 'fault', 'cors', 'headers', 'mirror', 'outlier', 'failover', 'access'];
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'];
export const PROTOCOLS = ['http2', 'https', 'http', 'grpc', 'tcp', 'tls'];
export const RETRY_CONDITIONS = [
  '5xx', 'gateway-error', 'reset', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted',
  'unavailable',
];
export const LOCALITIES = ['same-zone', 'same-region'];

export const GATEWAY_STATEMENTS = ['cluster', 'workload', 'listen'];
export const DESTINATION_STATEMENTS = ['host', 'port', 'select', 'clusters', 'apply'];
export const ROUTES_STATEMENTS = ['hosts', 'expose', 'apply', 'weight', 'route'];
export const ROUTE_STATEMENTS = ['match', 'to', 'redirect', 'respond', 'rewrite', 'delegate', 'apply'];
export const TEST_STATEMENTS = ['request', 'expect'];
export const POLICY_FIELDS = {
  retry: ['attempts', 'per-try-timeout', 'on'],
  fault: ['delay', 'abort', 'percent'],
  cors: ['origins', 'methods', 'headers', 'expose', 'max-age', 'credentials'],
  headers: ['request', 'response'],
  mirror: ['to', 'percent'],
  outlier: ['consecutive-errors', 'interval', 'base-ejection', 'max-ejection'],
  failover: ['prefer', 'from'],
  access: ['allow'],
};

// ---------------------------------------------------------------------------------------
// Scopes

const S = {
  kw: (w) => `keyword.other.${w}.route`,
  decl: (w) => `keyword.declaration.${w}.route`,
  gateway: 'entity.name.type.gateway.route',
  destination: 'entity.name.type.destination.route',
  policy: 'entity.name.function.policy.route',
  table: 'entity.name.type.routes.route',
  route: 'entity.name.function.route.route',
  test: 'entity.name.section.test.route',
  namespace: 'entity.name.namespace.route',
  service: 'entity.name.type.service.route',
  serviceAccount: 'entity.name.type.service-account.route',
  cluster: 'entity.name.tag.cluster.route',
  labelKey: 'entity.other.attribute-name.label.route',
  portName: 'variable.other.port.route',
  policyKind: 'support.type.policy-kind.route',
  protocol: 'constant.language.protocol.route',
  method: 'constant.language.http-method.route',
  condition: 'constant.language.condition.route',
  locality: 'constant.language.locality.route',
  integer: 'constant.numeric.integer.route',
  port: 'constant.numeric.integer.port.route',
  dot: 'punctuation.accessor.dot.route',
  colon: 'punctuation.separator.port.route',
  comma: 'punctuation.separator.comma.route',
};

const inc = (name) => ({ include: `#${name}` });
const cap = (...names) => Object.fromEntries(names.map((n, i) => [String(i + 1), { name: n }]).filter(([, v]) => v.name));

/** A keyword-led statement inside a block: runs until the next statement keyword or `}`. */
function statement(word, blockKeywords, patterns, { beginExtra = '', extraCaptures = [] } = {}) {
  return {
    name: `meta.statement.${word}.route`,
    begin: `${B}(${word})${E}${beginExtra}`,
    beginCaptures: cap(S.kw(word), ...extraCaptures),
    end: `(?=${words(...blockKeywords)}|\\})`,
    patterns: [inc('comments'), ...patterns],
  };
}

/** A `{ ... }` body. */
function block(kind, patterns) {
  return {
    name: `meta.block.${kind}.route`,
    begin: '\\{',
    beginCaptures: { 0: { name: 'punctuation.section.block.begin.route' } },
    end: '\\}',
    endCaptures: { 0: { name: 'punctuation.section.block.end.route' } },
    patterns: [inc('comments'), ...patterns, inc('stray')],
  };
}

/** An item: `KEYWORD NAME { body }`; the head ends early at the next item (recovery). */
function item(word, nameScope, body, recoverAt = TOP_KEYWORDS) {
  return {
    name: `meta.item.${word}.route`,
    begin: `${B}(${word})${E}(?:\\s+(${ID}))?`,
    beginCaptures: cap(S.decl(word), nameScope),
    end: `(?<=\\})|(?=${words(...recoverAt)})`,
    patterns: [inc('comments'), body, { match: ID, name: nameScope }],
  };
}

/** Keywords that are plain keywords wherever they are listed. */
const keywords = (...ws) => ws.map((w) => ({ match: `${B}${w}${E}`, name: S.kw(w) }));

/** `apply a, b`: policy references. */
const applyPatterns = [{ match: ID, name: S.policy }, inc('comma')];

// ---------------------------------------------------------------------------------------
// The grammar

const repository = {
  comments: {
    patterns: [
      {
        name: 'comment.line.documentation.route',
        match: '(##).*$',
        captures: { 1: { name: 'punctuation.definition.comment.route' } },
      },
      {
        name: 'comment.line.number-sign.route',
        match: '(#).*$',
        captures: { 1: { name: 'punctuation.definition.comment.route' } },
      },
    ],
  },

  'string-escapes': {
    patterns: [
      { name: 'constant.character.escape.route', match: '\\\\(?:["\\\\nt]|u\\{[0-9A-Fa-f]{1,6}\\})' },
      { name: 'invalid.illegal.escape.route', match: '\\\\(?:u\\{[^}"]*\\}?|.|$)' },
    ],
  },
  string: {
    name: 'string.quoted.double.route',
    begin: '"',
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.route' } },
    end: '(")|$',
    endCaptures: { 1: { name: 'punctuation.definition.string.end.route' } },
    patterns: [inc('string-escapes')],
  },
  // A string in regex position (`path regex "..."`, `header "x" ~ "..."`): RE2 syntax.
  'regex-string': {
    name: 'string.regexp.quoted.double.route',
    begin: '(?:(?<=~)|(?<=regex))\\s*(")',
    beginCaptures: { 1: { name: 'punctuation.definition.string.begin.route' } },
    end: '(")|$',
    endCaptures: { 1: { name: 'punctuation.definition.string.end.route' } },
    patterns: [inc('string-escapes')],
  },

  numbers: {
    patterns: [
      { name: 'constant.numeric.duration.route', match: `${B}(?:\\d+(?:ms|h|m|s))+${E}` },
      { name: 'constant.numeric.percentage.route', match: `${B}\\d+(?:\\.\\d+)?%` },
      // Words that start with a digit and go on with letters are condition names (`5xx`).
      { name: S.condition, match: `${B}\\d+[A-Za-z_][A-Za-z0-9_-]*` },
      { name: 'constant.numeric.decimal.route', match: `${B}\\d+\\.\\d+${E}` },
      { name: S.integer, match: `${B}\\d+${E}` },
    ],
  },

  comma: { name: S.comma, match: ',' },
  operators: {
    patterns: [
      { name: 'keyword.operator.arrow.route', match: '->' },
      { name: 'keyword.operator.comparison.route', match: '!=|=' },
      { name: 'keyword.operator.match.route', match: '~' },
      inc('comma'),
    ],
  },

  // `(app = "reviews", "app.kubernetes.io/part-of" = "shop")`
  selector: {
    name: 'meta.selector.route',
    begin: '\\(',
    beginCaptures: { 0: { name: 'punctuation.section.parens.begin.route' } },
    end: '\\)',
    endCaptures: { 0: { name: 'punctuation.section.parens.end.route' } },
    patterns: [
      inc('comments'),
      { match: `${B}${ID}(?=\\s*!?=)`, name: S.labelKey },
      {
        name: `string.quoted.double.route ${S.labelKey}`,
        begin: '"(?=(?:[^"\\\\]|\\\\.)*"\\s*!?=)',
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.route' } },
        end: '(")|$',
        endCaptures: { 1: { name: 'punctuation.definition.string.end.route' } },
        patterns: [inc('string-escapes')],
      },
      inc('string'),
      inc('operators'),
      inc('numbers'),
      { match: ID, name: 'variable.other.label-value.route' },
    ],
  },

  // `in NAMESPACE` after a selector
  'in-namespace': {
    patterns: [
      { match: `${B}(in)${E}(?:\\s+(${ID}))?`, captures: cap(S.kw('in'), S.namespace) },
    ],
  },

  // `service NAME[.NAMESPACE][:PORT] [SELECTOR] [@CLUSTER]`, `destination NAME[:PORT]`, `weight N`
  target: {
    patterns: [
      {
        match: `${B}(service)${E}(?:\\s+(${ID})(?:(\\.)(${ID}))?(?:(:)(?:(\\d+)|(${ID})))?)?`,
        captures: cap(S.kw('service'), S.service, S.dot, S.namespace, S.colon, S.port, S.portName),
      },
      {
        match: `${B}(destination)${E}(?:\\s+(${ID})(?:(:)(?:(\\d+)|(${ID})))?)?`,
        captures: cap(S.kw('destination'), S.destination, S.colon, S.port, S.portName),
      },
      {
        name: S.cluster,
        match: `(@)${ID}`,
        captures: { 1: { name: 'punctuation.definition.tag.cluster.route' } },
      },
      ...keywords('weight'),
      inc('selector'),
      inc('in-namespace'),
      inc('numbers'),
      inc('comma'),
    ],
  },

  'http-methods': { name: S.method, match: words(...HTTP_METHODS) },
  protocols: { name: S.protocol, match: words(...PROTOCOLS) },

  // Anything a block holds that no statement claims: keep words whole, scope literals.
  stray: {
    patterns: [inc('string'), inc('numbers'), inc('operators'), { match: ID }],
  },

  // -------------------------------------------------------------------------- gateway
  'gateway-item': item('gateway', S.gateway, inc('gateway-body')),
  'gateway-body': block('gateway', [
    statement('cluster', GATEWAY_STATEMENTS, [{ match: ID, name: S.cluster }, inc('comma')]),
    statement('workload', GATEWAY_STATEMENTS, [inc('selector'), inc('in-namespace')]),
    statement('listen', GATEWAY_STATEMENTS, [
      ...keywords('tls'),
      { name: S.protocol, match: words('https', 'http', 'tcp', 'grpc', 'http2') },
      inc('numbers'),
      inc('string'),
    ]),
  ]),

  // ---------------------------------------------------------------------- destination
  'destination-item': item('destination', S.destination, inc('destination-body')),
  'destination-body': block('destination', [
    statement('host', DESTINATION_STATEMENTS, [inc('string'), inc('comma')]),
    statement('port', DESTINATION_STATEMENTS, [
      {
        match: `(->)\\s*(?:(\\d+)${E}|(${ID}))?`,
        captures: cap('keyword.operator.arrow.route', S.integer, S.portName),
      },
      inc('protocols'),
      inc('numbers'),
    ]),
    statement('select', DESTINATION_STATEMENTS, [inc('selector'), inc('in-namespace')]),
    statement('clusters', DESTINATION_STATEMENTS, [{ match: ID, name: S.cluster }, inc('comma')]),
    statement('apply', DESTINATION_STATEMENTS, applyPatterns),
  ]),

  // --------------------------------------------------------------------------- policy
  'policy-item': {
    name: 'meta.item.policy.route',
    begin: `${B}(policy)${E}(?:\\s+(${ID}))?`,
    beginCaptures: cap(S.decl('policy'), S.policy),
    end: `(?<=\\})|(?=${words(...TOP_KEYWORDS)})`,
    patterns: [
      inc('comments'),
      ...Object.keys(POLICY_FIELDS).map((kind) => inc(`policy-${kind}`)),
      // short form: `policy slow = timeout 10s`
      {
        match: `(=)\\s*(timeout)${E}`,
        captures: cap('keyword.operator.assignment.route', S.policyKind),
      },
      { match: '=', name: 'keyword.operator.assignment.route' },
      inc('policy-any-body'),
      inc('numbers'),
      inc('string'),
      { match: ID },
    ],
  },
  // Body of an unknown kind: accept every field of every kind.
  'policy-any-body': block('policy', Object.keys(POLICY_FIELDS).map((k) => inc(`policy-${k}-fields`))),
  ...policyKinds(),

  // --------------------------------------------------------------------------- routes
  'routes-item': item('routes', S.table, inc('routes-body')),
  'routes-body': block('routes', [
    statement('hosts', ROUTES_STATEMENTS, [inc('string'), inc('comma')]),
    statement('expose', ROUTES_STATEMENTS, [
      { match: `${B}(gateway)${E}(?:\\s+(${ID}))?`, captures: cap(S.kw('gateway'), S.gateway) },
      ...keywords('on', 'to', 'mesh', 'workloads'),
      inc('selector'),
      inc('in-namespace'),
      inc('comma'),
      { match: ID, name: S.gateway },
    ]),
    statement('apply', ROUTES_STATEMENTS, applyPatterns),
    statement('weight', ROUTES_STATEMENTS, [inc('numbers')]),
    inc('route-item'),
  ]),

  // ---------------------------------------------------------------------------- route
  'route-item': item('route', S.route, inc('route-body'), [...TOP_KEYWORDS, ...ROUTES_STATEMENTS]),
  'route-body': block('route', [
    statement('match', ROUTE_STATEMENTS, [
      ...keywords('path', 'prefix', 'exact', 'regex', 'header', 'query', 'method', 'present'),
      { match: `${B}and${E}`, name: 'keyword.operator.logical.and.route' },
      inc('regex-string'),
      inc('string'),
      inc('operators'),
      inc('http-methods'),
    ]),
    statement('to', ROUTE_STATEMENTS, [inc('target')]),
    statement('redirect', ROUTE_STATEMENTS, [...keywords('host', 'path', 'code'), inc('string'), inc('numbers')]),
    statement('respond', ROUTE_STATEMENTS, [inc('numbers'), inc('string')]),
    statement('rewrite', ROUTE_STATEMENTS, [...keywords('prefix', 'host'), inc('string')]),
    // `delegate to routes a, b`: `to` belongs to `delegate` here, not to the `to` action.
    statement(
      'delegate',
      ROUTE_STATEMENTS,
      [...keywords('routes'), inc('comma'), { match: ID, name: S.table }],
      { beginExtra: `(?:\\s+(to)${E})?`, extraCaptures: [S.kw('to')] },
    ),
    statement('apply', ROUTE_STATEMENTS, applyPatterns),
  ]),

  // ----------------------------------------------------------------------------- test
  'test-item': {
    name: 'meta.item.test.route',
    begin: `${B}(test)${E}`,
    beginCaptures: cap(S.decl('test')),
    end: `(?<=\\})|(?=${words(...TOP_KEYWORDS)})`,
    patterns: [
      inc('comments'),
      {
        name: 'string.quoted.double.route',
        contentName: S.test,
        begin: '"',
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.route' } },
        end: '(")|$',
        endCaptures: { 1: { name: 'punctuation.definition.string.end.route' } },
        patterns: [inc('string-escapes')],
      },
      inc('test-body'),
    ],
  },
  'test-body': block('test', [
    statement('request', TEST_STATEMENTS, [
      inc('http-methods'),
      { match: `${B}(gateway)${E}(?:\\s+(${ID}))?`, captures: cap(S.kw('gateway'), S.gateway) },
      ...keywords('header', 'query', 'via', 'mesh'),
      inc('string'),
      inc('operators'),
    ]),
    statement('expect', TEST_STATEMENTS, [
      ...keywords('no'),
      {
        match: `${B}(route)${E}(?:\\s+(${ID})(?:(\\.)(${ID}))?)?`,
        captures: cap(S.kw('route'), S.table, S.dot, S.route),
      },
      { match: `${B}(policy)${E}(?:\\s+(${ID}))?`, captures: cap(S.kw('policy'), S.policy) },
      ...keywords('to'),
      inc('target'),
      inc('string'),
    ]),
  ]),
};

function policyKinds() {
  const fields = {
    retry: [
      statement('attempts', POLICY_FIELDS.retry, [inc('numbers')]),
      statement('per-try-timeout', POLICY_FIELDS.retry, [inc('numbers')]),
      statement('on', POLICY_FIELDS.retry, [
        { name: S.condition, match: words(...RETRY_CONDITIONS) },
        inc('numbers'),
        inc('comma'),
        { match: ID },
      ]),
    ],
    fault: [
      statement('delay', POLICY_FIELDS.fault, [inc('numbers')]),
      statement('abort', POLICY_FIELDS.fault, [inc('numbers')]),
      statement('percent', POLICY_FIELDS.fault, [inc('numbers')]),
    ],
    cors: [
      statement('origins', POLICY_FIELDS.cors, [inc('string'), inc('comma')]),
      statement('methods', POLICY_FIELDS.cors, [inc('http-methods'), inc('string'), inc('comma')]),
      statement('headers', POLICY_FIELDS.cors, [inc('string'), inc('comma')]),
      statement('expose', POLICY_FIELDS.cors, [inc('string'), inc('comma')]),
      statement('max-age', POLICY_FIELDS.cors, [inc('numbers')]),
      statement('credentials', POLICY_FIELDS.cors, [
        { match: words('true', 'false'), name: 'constant.language.boolean.route' },
      ]),
    ],
    headers: ['request', 'response'].map((w) =>
      statement(w, POLICY_FIELDS.headers, [...keywords('set', 'remove'), inc('string')]),
    ),
    mirror: [
      statement('to', POLICY_FIELDS.mirror, [inc('target')]),
      statement('percent', POLICY_FIELDS.mirror, [inc('numbers')]),
    ],
    outlier: POLICY_FIELDS.outlier.map((w) => statement(w, POLICY_FIELDS.outlier, [inc('numbers')])),
    failover: [
      statement('prefer', POLICY_FIELDS.failover, [
        { name: S.locality, match: words(...LOCALITIES) },
        inc('comma'),
        { match: ID },
      ]),
      statement('from', POLICY_FIELDS.failover, [...keywords('to'), inc('string'), inc('comma')]),
    ],
    access: [
      statement('allow', POLICY_FIELDS.access, [
        {
          match: `${B}(service-account)${E}(?:\\s+(${ID})(?:(\\.)(${ID}))?)?`,
          captures: cap(S.kw('service-account'), S.serviceAccount, S.dot, S.namespace),
        },
        inc('comma'),
      ]),
    ],
  };
  const rules = {};
  for (const [kind, stmts] of Object.entries(fields)) {
    rules[`policy-${kind}-fields`] = { patterns: stmts };
    rules[`policy-${kind}`] = {
      name: `meta.policy.${kind}.route`,
      begin: `(=)\\s*(${kind})${E}`,
      beginCaptures: cap('keyword.operator.assignment.route', S.policyKind),
      end: `(?<=\\})|(?=${words(...TOP_KEYWORDS)})`,
      patterns: [inc('comments'), block(`policy-${kind}`, [inc(`policy-${kind}-fields`)])],
    };
  }
  return rules;
}

export const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Route',
  scopeName: 'source.route',
  fileTypes: ['route'],
  comment: 'Generated by scripts/generate-grammar.mjs; edit that file, not this one.',
  patterns: [
    inc('comments'),
    {
      match: `${B}(namespace)${E}(?:\\s+(${ID}))?`,
      captures: cap(S.decl('namespace'), S.namespace),
    },
    inc('gateway-item'),
    inc('destination-item'),
    inc('policy-item'),
    inc('routes-item'),
    inc('test-item'),
    inc('stray'),
  ],
  repository,
};

export const grammarText = JSON.stringify(grammar, null, 2) + '\n';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(outFile, 'utf8');
    } catch {
      /* missing counts as different */
    }
    if (current !== grammarText) {
      console.error('syntaxes/route.tmLanguage.json is out of date: run `npm run grammar`');
      process.exit(1);
    }
    console.log('syntaxes/route.tmLanguage.json is up to date');
  } else {
    writeFileSync(outFile, grammarText);
    console.log(`wrote ${outFile}`);
  }
}
