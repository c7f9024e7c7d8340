import { join } from 'node:path';
import { SEED_ACCOUNT_KEYS } from '../seed-contract/seed-contract';
import { operationsOf } from '../support/openapi';
import { execFileAsync, Json, ROOT, useOpenApiDocument } from './openapi-harness';

const REDOCLY = join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

/**
 * The OpenAPI document as a client generator sees it: one verb operation id each, problem
 * documents for 429 and 500, no property typed as an empty object, the callback described, and
 * `@redocly/cli lint` with its recommended rules finding no error.
 */
describe('OpenAPI document → openapi-typescript + openapi-fetch client', () => {
  const openapi = useOpenApiDocument();
  let doc: Json;
  let dir: string;
  beforeAll(() => {
    ({ doc, dir } = openapi);
  });

  const operations = () => operationsOf(doc);

  it('names every operation with a unique verb', () => {
    const ids = operations().map((o) => o.op.operationId as string);
    expect(ids.every((id) => /^[a-z]+(?:[A-Z][a-z0-9]*)+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'createTask',
        'createDiagnosticTask',
        'createAccountEnhancementTask',
        'getTaskStatus',
        'getTask',
        'listTasks',
        'enrichAccount',
        'getAccount',
      ]),
    );
  });

  it('documents 429 and 500 as problem documents on every operation, and a server', () => {
    for (const { label, op } of operations()) {
      for (const status of ['429', '500']) {
        expect([label, status, op.responses[status]?.content]).toEqual([
          label,
          status,
          {
            'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } },
          },
        ]);
      }
    }
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('has no property typed as an empty object, and no default in a request schema', () => {
    const empty: string[] = [];
    const defaults: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
      const s = node as Json;
      if (/\/(schema|properties\/[^/]+|items|additionalProperties)$/.test(path) && !s.$ref) {
        const composed = s.oneOf || s.anyOf || s.allOf;
        if (
          !composed &&
          (!s.type || (s.type === 'object' && !s.properties && !s.additionalProperties))
        )
          empty.push(path);
      }
      for (const [k, v] of Object.entries(s)) walk(v, `${path}/${k}`);
    };
    walk(doc, '#');
    // The text/plain of /metrics is a string; everything else has a real schema.
    expect(empty).toEqual([]);
    const schemas = doc.components.schemas as Record<string, Json>;
    for (const name of ['DiagnosticInput', 'EnrichAccountDto', 'SeedAccountEnhancementInput']) {
      for (const [prop, s] of Object.entries(schemas[name].properties as Record<string, Json>)) {
        if ('default' in s) defaults.push(`${name}.${prop}`);
      }
    }
    expect(defaults).toEqual([]);
    expect(JSON.stringify(schemas.AccountDto.properties.processed_data)).toContain(
      '"$ref":"#/components/schemas/AccountProcessedDataDto"',
    );
    expect(Object.keys(schemas.AccountProcessedDataDto.properties).sort()).toEqual(
      [...SEED_ACCOUNT_KEYS].sort(),
    );
  });

  it('describes the callback POST as a callback of the create operations and as x-webhooks', () => {
    const create = doc.paths['/api/v1/tasks/create/{task_name}'].post;
    expect(create.callbacks.taskCallback).toEqual({ $ref: '#/components/callbacks/TaskCallback' });
    // Every typed create route (ApiNativeCreate) too, whatever its module.
    for (const path of [
      '/api/v1/accounts/enrich',
      '/api/v1/leads/generate',
      '/api/v1/contacts/enrich',
    ])
      expect(doc.paths[path].post.callbacks.taskCallback).toBeDefined();
    const post = doc.components.callbacks.TaskCallback['{$request.body#/callback_url}'].post;
    expect(post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CallbackEnvelopeDto',
    });
    expect(doc['x-webhooks'].taskCallback.post.operationId).toBe('receiveTaskCallback');
  });

  it('passes `redocly lint` (recommended rules) without an error', async () => {
    const out = await execFileAsync(
      process.execPath,
      [REDOCLY, 'lint', 'openapi.json', '--extends', 'recommended', '--format', 'json'],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((err: { stdout?: string; stderr?: string }) => ({
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    }));
    const report = JSON.parse(out.stdout) as {
      totals: { errors: number; warnings: number };
      problems: Array<{ severity: string; ruleId: string; message: string; location: Json[] }>;
    };
    const errors = report.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 120_000);
});
