import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { DataSource } from 'typeorm';
import { TaskRegistry } from '../../src/modules/tasks/engine/task-registry';
import { operationsOf } from '../support/openapi';
import { authHeaders, useTestApp } from '../support/test-app';

/**
 * What the bad-input suites share (bad-input-*.e2e.spec.ts): the app they send to, a raw-socket
 * client, the checks of a refusal, and the route table read from the app's own OpenAPI document
 * so that a new route cannot escape. Each answer must be a 4xx problem document without a stack
 * trace, and nothing may be stored.
 */

export const BODY_LIMIT = 1024 * 1024; // HTTP_BODY_LIMIT=1mb below
/** The routes that take captured pages have their own limit (HTTP_CAPTURE_BODY_LIMIT=2mb below). */
export const CAPTURE_BODY_LIMIT = 2 * 1024 * 1024;
const CAPTURE_ROUTES = ['/api/v1/tasks/create/lead_linkedin_research', '/api/v1/research/linkedin'];
/** The body limit of a route (by its URL). */
export const bodyLimitOf = (url: string) =>
  CAPTURE_ROUTES.includes(url) ? CAPTURE_BODY_LIMIT : BODY_LIMIT;
export const TASK_NAMES = ['diagnostic', 'account_enhancement'];

export type Json = Record<string, any>;

/** The parts of an OpenAPI document the generator reads (any of them may be a `$ref`). */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  example?: unknown;
  maxLength?: number;
}
interface ParameterObject {
  $ref?: string;
  name: string;
  in: string;
}
export interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { $ref?: string; content?: Record<string, { schema?: SchemaObject }> };
}
interface OpenApiDocument {
  paths: Record<string, Partial<Record<string, OperationObject>>>;
  components?: { schemas?: Record<string, SchemaObject> };
}
export interface Reply {
  status: number;
  type: string;
  text: string;
  json?: Json;
}
export interface Route {
  method: string;
  /** The OpenAPI path, e.g. /api/v1/tasks/create/{task_name}. */
  template: string;
  /** With its path parameters filled in. */
  url: string;
  op: OperationObject;
  /** Schema of the JSON body (properties of every alternative), when it has one. */
  body?: SchemaObject;
}

export const json = (v: unknown) => JSON.stringify(v);
export const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

/**
 * For the describe block it is called in: the app (api role, 1 MB body limit) and its OpenAPI
 * document, booted in beforeAll; `failures` is emptied before each test.
 */
export function useBadInputApp() {
  // api role: a task accepted by mistake is stored (and counted) but never runs.
  const app = useTestApp({
    HTTP_BODY_LIMIT: '1mb',
    HTTP_CAPTURE_BODY_LIMIT: '2mb',
    ASSAY_ROLE: 'api',
  });
  let document: OpenApiDocument | undefined;
  const failures: string[] = [];

  beforeAll(async () => {
    const res = await send('GET', '/docs-json');
    expect(res.status).toBe(200);
    document = res.json as OpenApiDocument;
  });
  beforeEach(() => {
    failures.length = 0;
  });

  const doc = (): OpenApiDocument => {
    if (!document) throw new Error('the OpenAPI document is read in beforeAll');
    return document;
  };

  /** One request through a raw socket: exact bytes and headers, nothing added. */
  function send(
    method: string,
    path: string,
    opts: { body?: Buffer | string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const url = new URL(app.t.url);
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

  /** A JSON POST (a string body is sent as is). */
  const postJson = (path: string, body: unknown) =>
    send('POST', path, {
      body: typeof body === 'string' ? body : json(body),
      headers: { 'content-type': 'application/json' },
    });

  const counts = async () => {
    const [row] = await app.t.app.get(DataSource).query(
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
    return (doc().components as Record<string, Record<string, T>>)[kind][name];
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

  const operations = (): Array<[string, string, OperationObject]> =>
    operationsOf<OperationObject>(doc()).map((o) => [o.method, o.path, o.op]);

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
        const input = name ? app.t.app.get(TaskRegistry).get(name)?.input.name : undefined;
        if (input && doc().components?.schemas?.[input]) {
          body = mergedSchema({ $ref: `#/components/schemas/${input}` });
        }
        routes.push({ method, template, url, op, body });
      }
    }
    return routes;
  }

  return {
    app,
    failures,
    send,
    postJson,
    counts,
    check,
    resolve,
    fill,
    operations,
    postRoutesWithBody,
  };
}
