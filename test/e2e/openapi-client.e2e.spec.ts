import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import request from 'supertest';
import ts from 'typescript';
import { CompanySite, startCompanySite } from '../accounts/company-site-server';
import { API_KEY } from '../support/env';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The OpenAPI document as a client generator sees it: `openapi-typescript` turns /docs-json into
 * types, a client written as the README shows (`openapi-fetch`) compiles with `strict: true`
 * without a single diagnostic and then runs against the booted app; `@redocly/cli lint` with its
 * recommended rules finds no error.
 */

type Json = Record<string, any>;
const execFileAsync = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const REDOCLY = join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

/**
 * The sample client, as a user would write it after reading the README. Every value it reads is
 * typed by the generated schema; the assignments with explicit types fail to compile when the
 * document types a property as an empty object, makes a defaulted field required, or loses the
 * per-task-type body.
 */
const SAMPLE_CLIENT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './assay-api.js';

type Schemas = components['schemas'];
type SeedStatus = 'scheduled' | 'processing' | 'completed' | 'failed' | 'cancelled';

// Values the generated types must accept (an empty-object type would reject each of them).
export const typed: {
  result: Schemas['TaskDetailDto']['result'];
  rateLimits: Schemas['ProviderViewDto']['rate_limits'];
  before: Schemas['FieldChangeDto']['before'];
  after: Schemas['FieldChangeDto']['after'];
  summary: Schemas['TaskStatusDto']['summary'];
  orchestration: Schemas['CallbackEnvelopeDto']['orchestration_data'];
  processed: Schemas['AccountDto']['processed_data'];
} = {
  result: { ok: true, attempt: 1 },
  rateLimits: { perSecond: 5, perMinute: 500 },
  before: null,
  after: ['Globex', 'Initech'],
  summary: { status: 'completed', total_accounts: 1 },
  orchestration: { crm_row: 42 },
  processed: {
    company_name: 'Brightforge',
    employee_count: 120,
    industry: null,
    location: null,
    website: 'https://brightforge.io',
    linkedin_url: null,
    technologies: ['Nginx'],
    funding_details: {},
    company_type: null,
    founded_year: 2016,
    customers: [],
    competitors: [],
    tech_profile: {},
    recent_events: [{ title: 'Series B', description: null, date: null, source: null }],
    analysis_summary: null,
  },
};

/** The README's "Typed clients" example, as written there. */
export async function readmeExample(KEY: string) {
  const assay = createClient<paths>({
    baseUrl: 'http://localhost:3000',
    headers: { 'X-API-Key': KEY },
  });

  const { data, error } = await assay.POST('/api/v1/tasks/create/diagnostic', {
    params: { query: { wait: 10 } },
    body: { sleep_ms: 500, stages: ['read', 'write'] },
  });
  if (!data) throw new Error(error?.detail); // errors are problem documents
  if ('result' in data) console.log(data.status, data.result); // ended within 10 s

  await assay.POST('/api/v1/accounts/enrich', {
    body: { website: 'brightforge.io', account_id: 'acct_42' },
  });
  const account = await assay.GET('/api/v1/accounts/{id}', { params: { path: { id: 'acct_42' } } });
  console.log(account.data?.processed_data.company_name); // string | null
}

export async function run(opts: { baseUrl: string; apiKey: string; website: string; accountId: string }) {
  const client = createClient<paths>({
    baseUrl: opts.baseUrl,
    headers: { 'X-API-Key': opts.apiKey },
  });

  // Create a diagnostic task: its own path, its own body (sleep_ms, stages, … all optional).
  const created = await client.POST('/api/v1/tasks/create/diagnostic', {
    body: { sleep_ms: 50, stages: ['read', 'write'] },
  });
  if (!created.data || 'dry_run' in created.data) throw new Error(\`create: \${created.error?.detail}\`);
  const jobId: string = created.data.job_id;

  // Its status, in the seed's words.
  const status = await client.GET('/api/v1/tasks/{job_id}/status', {
    params: { path: { job_id: jobId } },
  });
  if (!status.data) throw new Error(\`status: \${status.error?.detail}\`);
  const seedStatus: SeedStatus = status.data.status;

  // The generic route, by name, waiting for the end: the finished task with its result.
  const waited = await client.POST('/api/v1/tasks/create/{task_name}', {
    params: { path: { task_name: 'diagnostic' }, query: { wait: 10 } },
    body: { stages: ['only'] },
  });
  if (!waited.data || !('result' in waited.data)) throw new Error('wait: not finished');
  const waitedStatus: SeedStatus = waited.data.status;

  // A task's result, in the native view.
  const task = await client.GET('/api/v1/tasks/{job_id}', {
    params: { path: { job_id: waited.data.assay_task_id } },
  });
  if (!task.data) throw new Error(\`task: \${task.error?.detail}\`);
  const result: { [key: string]: unknown } | null = task.data.result;

  // Enrich an account, waiting for the profile.
  const enriched = await client.POST('/api/v1/accounts/enrich', {
    params: { query: { wait: 60 } },
    body: { website: opts.website, account_id: opts.accountId },
  });
  if (!enriched.data || !('result' in enriched.data)) {
    throw new Error(\`enrich: \${enriched.response.status} \${enriched.error?.detail ?? 'not finished'}\`);
  }
  const enrichStatus = enriched.data.status;

  // The account's processed_data, with the seed's keys.
  const account = await client.GET('/api/v1/accounts/{id}', {
    params: { path: { id: opts.accountId } },
  });
  if (!account.data) throw new Error(\`account: \${account.error?.detail}\`);
  const companyName: string | null = account.data.processed_data.company_name;
  const technologies: string[] = account.data.processed_data.technologies;

  // The seed route of account_enhancement takes orchestration_data (the stored result is reused).
  const again = await client.POST('/api/v1/tasks/create/account_enhancement', {
    body: { website: opts.website, account_id: opts.accountId, orchestration_data: { crm_row: 42 } },
  });
  if (!again.data || 'dry_run' in again.data) throw new Error(\`again: \${again.error?.detail}\`);

  // The account's history: what changed, before and after.
  const history = await client.GET('/api/v1/accounts/{id}/history', {
    params: { path: { id: opts.accountId } },
  });
  const changed = history.data?.snapshots[0]?.changed_fields ?? [];
  const nameAfter: unknown = changed.find((c) => c.field === 'company_name')?.after;

  // List tasks.
  const page = await client.GET('/api/v1/tasks', {
    params: { query: { task_name: 'diagnostic', limit: 10 } },
  });
  const listed: string[] = page.data?.items.map((t) => t.job_id) ?? [];

  // Providers and their declared rate limits.
  const providers = await client.GET('/api/v1/providers');
  const limits: Array<number | undefined> = (providers.data ?? []).map((p) => p.rate_limits.perSecond);

  // An error is a problem document.
  const missing = await client.GET('/api/v1/tasks/{job_id}', {
    params: { path: { job_id: 'no-such-job' } },
  });
  const problem: number | undefined = missing.error?.status;

  return {
    jobId,
    seedStatus,
    waitedStatus,
    result,
    enrichHttpStatus: enriched.response.status,
    enrichStatus,
    companyName,
    technologies,
    againStatus: again.data.status,
    nameAfter,
    listed,
    providerCount: limits.length,
    problem,
  };
}
`;

const RUNNER = `
import { run } from './client.js';
const out = await run(JSON.parse(process.argv[2]));
process.stdout.write(JSON.stringify(out));
`;

describe('OpenAPI document → openapi-typescript + openapi-fetch client', () => {
  let t: TestApp;
  let site: CompanySite;
  let doc: Json;
  let dir: string;

  beforeAll(async () => {
    site = await startCompanySite('brightforge-plain');
    t = await startTestApp({
      WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      // Site reading and the type checker share this process's event loop: a generous job lock.
      QUEUE_LOCK_DURATION_MS: '30000',
    });
    doc = (await request(t.app.getHttpServer()).get('/docs-json').expect(200)).body;
    // Inside node_modules, so that the sample resolves openapi-fetch as an installed package.
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    dir = mkdtempSync(join(cache, 'assay-openapi-client-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc, null, 2));
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ label: `${method.toUpperCase()} ${path}`, op })),
    );

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
      [
        'company_name',
        'employee_count',
        'industry',
        'location',
        'website',
        'linkedin_url',
        'technologies',
        'funding_details',
        'company_type',
        'founded_year',
        'customers',
        'competitors',
        'tech_profile',
        'recent_events',
        'analysis_summary',
      ].sort(),
    );
  });

  it('describes the callback POST as a callback of the create operations and as x-webhooks', () => {
    const create = doc.paths['/api/v1/tasks/create/{task_name}'].post;
    expect(create.callbacks.taskCallback).toEqual({ $ref: '#/components/callbacks/TaskCallback' });
    expect(doc.paths['/api/v1/accounts/enrich'].post.callbacks.taskCallback).toBeDefined();
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

  it('generates types that a README-style client compiles against (strict, 0 diagnostics) and runs with', async () => {
    const types = astToString(await openapiTS(doc as any));
    writeFileSync(join(dir, 'assay-api.ts'), types);
    writeFileSync(join(dir, 'client.ts'), SAMPLE_CLIENT);

    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => dir,
      getNewLine: () => '\n',
    });
    expect(text).toBe('');
    expect(diagnostics).toHaveLength(0);

    // Run it: the same source, compiled to JavaScript, against the booted app.
    const js = ts.transpileModule(SAMPLE_CLIENT, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
    }).outputText;
    writeFileSync(join(dir, 'client.js'), js);
    writeFileSync(join(dir, 'run.mjs'), RUNNER);
    const accountId = `acct-oa-${randomUUID().slice(0, 8)}`;
    const args = {
      baseUrl: t.url,
      apiKey: API_KEY,
      website: `${site.origin}/`,
      accountId,
    };
    const { stdout } = await execFileAsync(
      process.execPath,
      [join(dir, 'run.mjs'), JSON.stringify(args)],
      { cwd: dir, env: { PATH: process.env.PATH ?? '' } },
    );
    const out = JSON.parse(stdout) as Json;
    expect(out).toMatchObject({
      waitedStatus: 'completed',
      result: expect.objectContaining({ ok: true }),
      enrichHttpStatus: 200,
      enrichStatus: 'succeeded',
      companyName: expect.stringMatching(/^Brightforge/),
      againStatus: 'scheduled',
      problem: 404,
    });
    expect(['scheduled', 'processing', 'completed']).toContain(out.seedStatus);
    expect(out.technologies).toEqual(expect.arrayContaining(['Nginx']));
    expect(out.listed).toContain(out.jobId);
    expect(out.providerCount).toBeGreaterThan(0);
  }, 120_000);
});
