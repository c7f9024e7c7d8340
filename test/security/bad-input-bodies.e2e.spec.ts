import { gzipSync } from 'node:zlib';
import {
  BODY_LIMIT,
  bodyLimitOf,
  deepObject,
  Json,
  json,
  Route,
  SchemaObject,
  TASK_NAMES,
  useBadInputApp,
} from './bad-input-harness';

/**
 * Bad JSON bodies, generated from the app's own OpenAPI document so that a new route cannot
 * escape: every POST route with a JSON body gets the whole corpus (malformed JSON, NUL and lone
 * surrogates, deep nesting, huge arrays, prototype keys, wrong content types and encodings,
 * oversized and gzip-bomb bodies, a wrong type for each property).
 */

interface Case {
  name: string;
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Fields the 400 must name (any of them is enough). */
  fields?: string[];
  /** Exact status expected (default: any 4xx). */
  status?: number;
}

/** `{"note": <raw JSON text>}`: a value that no JSON.stringify would write (lone surrogates…). */
const note = (rawValue: string) => `{"note":${rawValue}}`;
const deepArray = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;
let bomb: Buffer | undefined;
/** ~20 KB of gzip that inflates to 20 MB of JSON. */
const gzipBomb = () => (bomb ??= gzipSync(Buffer.from(note(`"${'0'.repeat(20 * BODY_LIMIT)}"`))));
// (20 MB inflated: above every route's limit, the capture routes' 2 MB included.)

/** A body the schema accepts as far as required keys go (their examples). */
function baseBody(schema: SchemaObject): Json {
  const base: Json = {};
  for (const k of schema.required ?? []) {
    const p = schema.properties?.[k];
    base[k] = p?.example ?? (p?.type === 'array' ? [{}] : 'x');
  }
  return base;
}

const wrongValue = (p: SchemaObject): unknown =>
  p.type === 'integer' || p.type === 'number'
    ? 'not a number'
    : p.type === 'boolean'
      ? 'not a boolean'
      : p.type === 'array'
        ? 'not an array'
        : p.type === 'object'
          ? 'not an object'
          : { wrong: [1] };

const propsOfType = (schema: SchemaObject, type: string) =>
  Object.entries(schema.properties ?? {})
    .filter(([, p]) => p.type === type || (type === 'string' && p.type === undefined))
    .map(([k]) => k);

/** The corpus for one route. */
function corpus(route: Route): Case[] {
  const schema = route.body ?? { properties: {} };
  const base = baseBody(schema);
  const withBase = (extra: Json) => json({ ...base, ...extra });
  const limit = bodyLimitOf(route.url);
  const cases: Case[] = [
    { name: 'malformed JSON', body: '{"sleep_ms": ', fields: ['body'] },
    { name: 'truncated string', body: '{"a":"\\u00', fields: ['body'] },
    { name: 'a JSON array body', body: '[1,2]', fields: ['body'] },
    { name: 'a JSON number body', body: '42', fields: ['body'] },
    { name: 'a JSON string body', body: '"hello"', fields: ['body'] },
    { name: 'null body', body: 'null', fields: ['body'] },
    { name: 'NUL in a value', body: withBase({ note: 'a\u0000b' }), fields: ['note'] },
    { name: 'NUL in a key', body: withBase({ 'a\u0000b': 1 }), fields: ['["a\\u0000b"]'] },
    {
      name: 'NUL deep inside',
      body: withBase({ meta: { list: [{ x: 'a\u0000' }] } }),
      fields: ['meta.list[0].x'],
    },
    { name: 'lone high surrogate', body: note('"\\ud800"'), fields: ['note'] },
    { name: 'lone low surrogate', body: note('"x\\udfffy"'), fields: ['note'] },
    { name: 'lone surrogate in a key', body: '{"\\ud800":1}', fields: ['["\\ud800"]'] },
    {
      name: 'nesting 10,000 deep (arrays)',
      body: note(deepArray(10_000)),
      fields: [`note${'[0]'.repeat(31)}`],
    },
    {
      name: 'nesting 10,000 deep (objects)',
      body: note(deepObject(10_000)),
      fields: [`note${'.a'.repeat(31)}`],
    },
    { name: 'nesting 10,000 deep (whole body)', body: deepObject(10_000) },
    // Under a key no DTO declares, without the required keys: a typed route may strip it.
    {
      name: 'a 200,000-element array',
      body: json({ note: new Array(200_000).fill(0) }),
      fields: ['note'],
    },
    { name: 'a string near the body limit', body: json({ note: 'x'.repeat(limit - 2000) }) },
    { name: '__proto__ key', body: '{"__proto__":{"polluted":true}}', fields: ['__proto__'] },
    {
      name: 'nested __proto__ key',
      body: `{"meta":{"__proto__":{"polluted":true}}}`,
      fields: ['meta.__proto__'],
    },
    {
      name: 'constructor key',
      body: '{"constructor":{"prototype":{"polluted":true}}}',
      fields: ['constructor'],
    },
    {
      name: 'text/plain',
      body: withBase({}),
      headers: { 'content-type': 'text/plain' },
    },
    {
      name: 'application/x-www-form-urlencoded',
      body: 'task_name=diagnostic&website=acme.com&account_id=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
    { name: 'no content type', body: withBase({}), headers: {} },
    {
      name: 'an oversized body',
      body: withBase({ note: 'x'.repeat(limit + 10) }),
      status: 413,
    },
    {
      name: 'a gzip bomb',
      body: gzipBomb(),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      status: 413,
    },
    {
      name: 'a corrupt gzip body',
      body: Buffer.concat([
        gzipSync(Buffer.from(withBase({}))).subarray(0, 12),
        Buffer.alloc(64, 7),
      ]),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    },
    {
      name: 'a charset JSON is never sent in',
      body: withBase({}),
      headers: { 'content-type': 'application/json; charset=latin1' },
      status: 415,
    },
    {
      name: 'an unknown content-encoding',
      body: withBase({}),
      headers: { 'content-type': 'application/json', 'content-encoding': 'x-unknown' },
      status: 415,
    },
  ];
  for (const [k, p] of Object.entries(schema.properties ?? {})) {
    cases.push({
      name: `wrong type for ${k}`,
      body: withBase({ [k]: wrongValue(p) }),
      fields: [k],
    });
  }
  for (const k of propsOfType(schema, 'string')) {
    cases.push({ name: `NUL in ${k}`, body: withBase({ [k]: 'a\u0000b' }), fields: [k] });
    // A property declared to take that much (a captured page) is valid input, not a case.
    if ((schema.properties?.[k]?.maxLength ?? 0) >= limit) continue;
    cases.push({
      name: `a string near the body limit in ${k}`,
      body: withBase({ [k]: 'x'.repeat(limit - 2000) }),
    });
  }
  for (const k of propsOfType(schema, 'array')) {
    cases.push({
      name: `a 200,000-element array in ${k}`,
      body: withBase({ [k]: new Array(200_000).fill({}) }),
      fields: [k],
    });
  }
  return cases;
}

describe('bad input: never a 5xx, never stored (generated from the OpenAPI document)', () => {
  const { failures, send, counts, check, postRoutesWithBody } = useBadInputApp();
  let bodyRoutes: Route[] = [];

  beforeAll(() => {
    bodyRoutes = postRoutesWithBody();
  });

  it('finds the POST routes that take a JSON body (the generator has something to test)', () => {
    const templates = new Set(bodyRoutes.map((r) => `${r.method} ${r.template}`));
    for (const known of [
      'POST /api/v1/tasks/create/{task_name}',
      'POST /api/v1/tasks/batch',
      'POST /api/v1/accounts/enrich',
    ]) {
      expect(templates).toContain(known);
    }
    expect(bodyRoutes.map((r) => r.url)).toEqual(
      expect.arrayContaining(TASK_NAMES.map((n) => `/api/v1/tasks/create/${n}`)),
    );
  });

  it('answers every corpus case on every JSON route with a 4xx problem, storing nothing', async () => {
    const before = await counts();
    let sent = 0;
    for (const route of bodyRoutes) {
      for (const c of corpus(route)) {
        const headers = c.headers ?? { 'content-type': 'application/json' };
        const res = await send(route.method, route.url, { body: c.body, headers });
        check(`${route.method} ${route.url} [${c.name}]`, res, {
          status: c.status,
          fields: c.fields,
        });
        sent++;
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(100);
    expect(await counts()).toEqual(before);
  }, 300_000);
});
