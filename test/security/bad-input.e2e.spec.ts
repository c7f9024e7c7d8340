import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { TaskRegistry } from '../../src/modules/tasks/engine/task-registry';
import { authHeaders, startTestApp, TestApp } from '../support/test-app';

/**
 * Bad input, generated from the app's own OpenAPI document so that a new route cannot escape:
 * every POST route with a JSON body gets the whole corpus, every route's path parameters and every
 * GET route's query parameters get NUL and lone surrogates. Each answer must be a 4xx problem
 * document without a stack trace, and nothing may be stored.
 */

const BODY_LIMIT = 1024 * 1024; // HTTP_BODY_LIMIT=1mb below
const TASK_NAMES = ['diagnostic', 'account_enhancement'];

type Json = Record<string, any>;

/** The parts of an OpenAPI document the generator reads (any of them may be a `$ref`). */
interface SchemaObject {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  example?: unknown;
}
interface ParameterObject {
  $ref?: string;
  name: string;
  in: string;
}
interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { $ref?: string; content?: Record<string, { schema?: SchemaObject }> };
}
interface OpenApiDocument {
  paths: Record<string, Partial<Record<string, OperationObject>>>;
  components?: { schemas?: Record<string, SchemaObject> };
}
interface Reply {
  status: number;
  type: string;
  text: string;
  json?: Json;
}
interface Case {
  name: string;
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Fields the 400 must name (any of them is enough). */
  fields?: string[];
  /** Exact status expected (default: any 4xx). */
  status?: number;
}
interface Route {
  method: string;
  /** The OpenAPI path, e.g. /api/v1/tasks/create/{task_name}. */
  template: string;
  /** With its path parameters filled in. */
  url: string;
  op: OperationObject;
  /** Schema of the JSON body (properties of every alternative), when it has one. */
  body?: SchemaObject;
}

const json = (v: unknown) => JSON.stringify(v);
/** `{"note": <raw JSON text>}`: a value that no JSON.stringify would write (lone surrogates…). */
const note = (rawValue: string) => `{"note":${rawValue}}`;
/** A task list cursor as the API writes them (`<created_at>|<id>`, base64url). */
const cursorAt = (iso: string) => Buffer.from(`${iso}|${randomUUID()}`).toString('base64url');
const deepArray = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
let bomb: Buffer | undefined;
/** ~20 KB of gzip that inflates to 20 MB of JSON. */
const gzipBomb = () => (bomb ??= gzipSync(Buffer.from(note(`"${'0'.repeat(20 * BODY_LIMIT)}"`))));

describe('bad input: never a 5xx, never stored (generated from the OpenAPI document)', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let bodyRoutes: Route[] = [];
  const failures: string[] = [];

  beforeAll(async () => {
    // api role: a task accepted by mistake is stored (and counted) but never runs.
    t = await startTestApp({ HTTP_BODY_LIMIT: '1mb', ASSAY_ROLE: 'api' });
    const res = await send('GET', '/docs-json');
    expect(res.status).toBe(200);
    doc = res.json as OpenApiDocument;
    bodyRoutes = postRoutesWithBody();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => {
    failures.length = 0;
  });

  /** One request through a raw socket: exact bytes and headers, nothing added. */
  function send(
    method: string,
    path: string,
    opts: { body?: Buffer | string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const url = new URL(t.url);
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
    const headers: Record<string, string> = { ...authHeaders, ...opts.headers };
    if (body) headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, method, path, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Json | undefined;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type'] ?? ''),
              text,
              json: parsed,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const counts = async () => {
    const [row] = await t.app.get(DataSource).query(
      `SELECT (SELECT count(*) FROM tasks)::int AS tasks,
              (SELECT count(*) FROM callback_deliveries)::int AS callback_deliveries,
              (SELECT count(*) FROM accounts)::int AS accounts`,
    );
    return row as { tasks: number; callback_deliveries: number; accounts: number };
  };

  /** Records what is wrong with a reply that should refuse bad input ('' when all is well). */
  function check(
    label: string,
    res: Reply,
    want: { status?: number | number[]; fields?: string[] } = {},
  ) {
    const statuses = want.status === undefined ? undefined : [want.status].flat();
    const problems: string[] = [];
    if (statuses ? !statuses.includes(res.status) : res.status < 400 || res.status > 499) {
      problems.push(`status ${res.status} (want ${statuses?.join('|') ?? '4xx'})`);
    }
    if (!/^application\/problem\+json/.test(res.type)) problems.push(`content-type ${res.type}`);
    if (res.json?.status !== res.status) problems.push(`body status ${res.json?.status}`);
    if (/\bat .+\.(ts|js):\d+|"stack"/.test(res.text)) problems.push('stack trace in the body');
    if (want.fields && res.status === 400) {
      const named: string[] = (res.json?.errors ?? []).map((e: { field: string }) => e.field);
      if (!want.fields.some((f) => named.includes(f))) {
        problems.push(`names ${JSON.stringify(named)}, want one of ${JSON.stringify(want.fields)}`);
      }
    }
    if (problems.length) {
      failures.push(`${label}: ${problems.join('; ')} — ${res.text.slice(0, 300)}`);
    }
  }

  // ---- the route table -------------------------------------------------------------------------

  /** A schema, parameter or body with its `$ref` followed (into components of any kind). */
  const resolve = <T extends { $ref?: string }>(x: T): T => {
    if (!x?.$ref) return x;
    const [, , kind, name] = x.$ref.split('/');
    return (doc.components as Record<string, Record<string, T>>)[kind][name];
  };

  /** The properties of a body schema, of every alternative (oneOf) merged. */
  function mergedSchema(schema: SchemaObject | undefined): SchemaObject {
    const s = schema ? resolve(schema) : {};
    const parts = (s.oneOf ?? s.anyOf ?? [s]).map((p) => resolve(p));
    const properties: Record<string, SchemaObject> = {};
    const required = new Set<string>();
    for (const p of parts) {
      for (const [k, v] of Object.entries(p.properties ?? {})) properties[k] = resolve(v);
      for (const r of p.required ?? []) required.add(r);
    }
    return { type: 'object', properties, required: [...required] };
  }

  /** Every concrete URL of an OpenAPI path: task_name as each task type, other ids random. */
  function fill(template: string, op: OperationObject): string[] {
    let urls = [template];
    for (const p of (op.parameters ?? []).map((x) => resolve(x))) {
      if (p.in !== 'path') continue;
      const values = p.name === 'task_name' ? TASK_NAMES : [randomUUID()];
      urls = urls.flatMap((u) => values.map((v) => u.replace(`{${p.name}}`, v)));
    }
    return urls;
  }

  function operations(): Array<[string, string, OperationObject]> {
    const out: Array<[string, string, OperationObject]> = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const op = item[method];
        if (op) out.push([method.toUpperCase(), path, op]);
      }
    }
    return out;
  }

  function postRoutesWithBody(): Route[] {
    const routes: Route[] = [];
    for (const [method, template, op] of operations()) {
      if (method === 'GET' || !template.startsWith('/api/')) continue;
      const content = op.requestBody && resolve(op.requestBody).content?.['application/json'];
      if (!content) continue;
      for (const url of fill(template, op)) {
        let body = mergedSchema(content.schema);
        // The create route documents every type's payload (oneOf): test each with its own.
        const name = url.match(/\/tasks\/create\/([^/]+)$/)?.[1];
        const input = name ? t.app.get(TaskRegistry).get(name)?.input.name : undefined;
        if (input && doc.components?.schemas?.[input]) {
          body = mergedSchema({ $ref: `#/components/schemas/${input}` });
        }
        routes.push({ method, template, url, op, body });
      }
    }
    return routes;
  }

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
      { name: 'a string near the body limit', body: json({ note: 'x'.repeat(BODY_LIMIT - 2000) }) },
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
        body: withBase({ note: 'x'.repeat(BODY_LIMIT + 10) }),
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
      cases.push({
        name: `a string near the body limit in ${k}`,
        body: withBase({ [k]: 'x'.repeat(BODY_LIMIT - 2000) }),
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

  it('answers a path parameter with NUL (400 naming it) or a lone surrogate (400/404) on every route', async () => {
    const before = await counts();
    let sent = 0;
    for (const [method, template, op] of operations()) {
      const params = (op.parameters ?? []).map((x) => resolve(x)).filter((p) => p.in === 'path');
      for (const p of params) {
        const cases: Array<[string, { status: number | number[]; fields?: string[] }]> = [
          ['a%00b', { status: 400, fields: [p.name] }],
          ['%00', { status: 400, fields: [p.name] }],
          ['a%ED%A0%80b', { status: [400, 404] }],
          ['%ED%B0%80', { status: [400, 404] }],
        ];
        for (const [bad, want] of cases) {
          let url = template.replace(`{${p.name}}`, bad);
          for (const other of params) url = url.replace(`{${other.name}}`, 'diagnostic');
          const res = await send(method, url);
          check(`${method} ${url}`, res, want);
          sent++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(20);
    expect(await counts()).toEqual(before);
  }, 120_000);

  it('answers a query value with NUL or a lone surrogate with a 400 naming it on every GET route', async () => {
    const before = await counts();
    let sent = 0;
    for (const [method, template, op] of operations()) {
      if (method !== 'GET') continue;
      const url = fill(template, op)[0];
      const names = (op.parameters ?? [])
        .map((x) => resolve(x))
        .filter((p) => p.in === 'query')
        .map((p) => p.name);
      for (const name of [...names, 'unknown_param']) {
        for (const bad of ['a%00b', '%00', 'a%ED%A0%80b', '%ED%B0%80', '%F0%9F%98']) {
          const res = await send(method, `${url}?${name}=${bad}`);
          check(`${method} ${url}?${name}=${bad}`, res, { status: 400, fields: [name] });
          sent++;
        }
      }
      const res = await send(method, `${url}?a%00b=1`);
      check(`${method} ${url}?a%00b=1`, res, { status: 400, fields: ['["a\\u0000b"]'] });
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(20);
    expect(await counts()).toEqual(before);
  }, 120_000);

  // ---- the probe's findings, one by one ----------------------------------------------------------

  describe('the probe (issue 8)', () => {
    const post = (path: string, body: unknown) =>
      send('POST', path, {
        body: typeof body === 'string' ? body : json(body),
        headers: { 'content-type': 'application/json' },
      });

    it('NUL in account_id or a key of the diagnostic payload → 400 naming it', async () => {
      const a = await post('/api/v1/tasks/create/diagnostic', '{"account_id":"a\\u0000b"}');
      check('NUL in account_id', a, { status: 400, fields: ['account_id'] });
      const b = await post('/api/v1/tasks/create/diagnostic', '{"acc\\u0000ount":"x"}');
      check('NUL in a key', b, { status: 400, fields: ['["acc\\u0000ount"]'] });
      expect(failures).toEqual([]);
    });

    it('list routes: batch_id must be a uuid; NUL in account_id / in an account path → 400', async () => {
      check('batch_id=xyz', await send('GET', '/api/v1/tasks?batch_id=xyz'), {
        status: 400,
        fields: ['batch_id'],
      });
      check('tasks account_id', await send('GET', '/api/v1/tasks?account_id=a%00b'), {
        status: 400,
        fields: ['account_id'],
      });
      check('accounts account_id', await send('GET', '/api/v1/accounts?account_id=a%00b'), {
        status: 400,
        fields: ['account_id'],
      });
      check('accounts/a%00b', await send('GET', '/api/v1/accounts/a%00b'), {
        status: 400,
        fields: ['id'],
      });
      expect(failures).toEqual([]);
      const ok = await send('GET', `/api/v1/tasks?batch_id=${randomUUID()}`);
      expect(ok.status).toBe(200);
    });

    it('dates PostgreSQL cannot hold, over-long ids and cursors, and huge budgets → 400', async () => {
      const before = await counts();
      for (const [url, field] of [
        ['/api/v1/tasks?created_from=-271821-04-20T00:00:00Z', 'created_from'],
        ['/api/v1/tasks/failed?start_date=-100000-01-01T00:00:00Z', 'start_date'],
        [`/api/v1/tasks?account_id=${'a'.repeat(256)}`, 'account_id'],
        [`/api/v1/tasks?cursor=${'a'.repeat(300)}`, 'cursor'],
        // A hand-made cursor whose date PostgreSQL cannot compare with.
        [`/api/v1/tasks?cursor=${cursorAt('-271821-04-20T00:00:00.000Z')}`, 'cursor'],
        [`/api/v1/tasks?status=${'failed,'.repeat(50)}failed`, 'status'],
        [`/api/v1/callbacks?cursor=${'a'.repeat(300)}`, 'cursor'],
      ]) {
        check(url, await send('GET', url), { status: 400, fields: [field] });
      }
      for (const [body, field] of [
        [{ account_id: 'a'.repeat(256) }, 'account_id'],
        [{ lead_id: 'l'.repeat(256) }, 'lead_id'],
        [{ budget_usd: 1e12 }, 'budget_usd'],
      ] as const) {
        check(json(body), await post('/api/v1/tasks/create/diagnostic', body), {
          status: 400,
          fields: [field],
        });
      }
      check(
        'batch budget',
        await post('/api/v1/tasks/batch', {
          task_name: 'diagnostic',
          payloads: [{}],
          budget_usd: 1e12,
        }),
        { status: 400, fields: ['budget_usd'] },
      );
      expect(failures).toEqual([]);
      expect(await counts()).toEqual(before);
    });
  });

  // ---- defect 5: what is kept, what is bounded, what is stripped ----------------------------------

  describe('unknown keys (defect 5)', () => {
    const post = (path: string, body: unknown) =>
      send('POST', path, { body: json(body), headers: { 'content-type': 'application/json' } });
    const storedInput = async (id: string) => {
      const [row] = await t.app
        .get(DataSource)
        .query('SELECT input FROM tasks WHERE id = $1', [id]);
      return row.input as Json;
    };

    it("seed route: keeps the seed clients' own keys (request_id, batch_metadata, origin, user_id, orchestration_data)", async () => {
      const extra = {
        request_id: 'req-1',
        batch_metadata: { batch_number: 1, total_batches: 3, parent_job_id: 'p-1' },
        origin: 'api',
        user_id: 42,
        orchestration_data: { next_columns: ['c2', 'c3'], entity_ids: ['e1', 'e2'] },
        notes_html: `<div>${'<p>hello</p>'.repeat(5000)}</div>`,
      };
      const res = await post('/api/v1/tasks/create/diagnostic', { sleep_ms: 0, ...extra });
      expect(res.status).toBe(200);
      expect(await storedInput(res.json!.job_id)).toMatchObject(extra);
    });

    it('seed route and batch: junk under unknown keys is a 400 naming it, nothing stored', async () => {
      const before = await counts();
      const junk = [
        [{ junk: 'x'.repeat(900_000) }, 'junk'],
        [{ junk: new Array(100_000).fill(1) }, 'junk'],
        [{ a: 'x'.repeat(90_000), b: 'x'.repeat(90_000), c: 'x'.repeat(90_000) }, 'c'],
        [{ meta: JSON.parse(deepObject(20)) }, `meta${'.a'.repeat(16)}`],
      ] as const;
      for (const [payload, field] of junk) {
        check(`create ${field}`, await post('/api/v1/tasks/create/diagnostic', payload), {
          status: 400,
          fields: [field],
        });
        check(
          `batch ${field}`,
          await post('/api/v1/tasks/batch', {
            task_name: 'diagnostic',
            payloads: [{}, payload],
          }),
          { status: 400, fields: [`payloads[1].${field}`] },
        );
      }
      // Inside a declared list, an item's own unknown keys are bounded too.
      check(
        'accounts[0].junk',
        await post('/api/v1/tasks/create/account_enhancement', {
          accounts: [{ account_id: 'a1', website: 'acme.com', junk: 'x'.repeat(200_000) }],
        }),
        { status: 400, fields: ['accounts[0].junk'] },
      );
      check(
        'orchestration_data',
        await post('/api/v1/tasks/create/account_enhancement', {
          website: 'acme.com',
          orchestration_data: { ids: new Array(5000).fill('id') },
        }),
        { status: 400, fields: ['orchestration_data'] },
      );
      check(
        'website object',
        await post('/api/v1/tasks/create/account_enhancement', {
          accounts: [{ account_id: 'a1', website: { href: 'acme.com' } }],
        }),
        { status: 400, fields: ['accounts[0].website'] },
      );
      expect(failures).toEqual([]);
      expect(await counts()).toEqual(before);
    });

    it('typed route (accounts/enrich): unknown keys are stripped, not stored', async () => {
      const res = await post('/api/v1/accounts/enrich', {
        website: 'bad-input-strip.example.com',
        account_id: 'acct-strip',
        junk: 'x'.repeat(1000),
        request_id: 'r-1',
      });
      expect([200, 202]).toContain(res.status);
      const input = await storedInput(res.json!.job_id);
      expect(input).toMatchObject({ website: 'bad-input-strip.example.com' });
      expect(input).not.toHaveProperty('junk');
      expect(input).not.toHaveProperty('request_id');
    });
  });
});
