import SwaggerParser from '@apidevtools/swagger-parser';
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';

type Json = Record<string, any>;

/** The value of one sample line (`name{labels} value`) in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => inner.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

/** Runs `promtool check metrics` on the text; null when promtool is not installed. */
function promtoolCheck(text: string): { status: number; output: string } | null {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
  if (r.error) throw r.error;
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

// First in the file: ioredis leaves a 2 s timer behind when it closes a connection that never came
// up; the suites below outlast it, so Jest exits promptly.
describe('readiness with Redis down (ASSAY_ROLE=api)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      ASSAY_ROLE: 'api',
      REDIS_URL: 'redis://127.0.0.1:1',
      STARTUP_CONNECT_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 within a few seconds, naming redis as down and postgres as up', async () => {
    const started = Date.now();
    const res = await request(t.app.getHttpServer()).get('/health/ready').expect(503);
    expect(Date.now() - started).toBeLessThan(15000);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 503,
      title: 'Service Unavailable',
      details: {
        postgres: { status: 'up' },
        redis: { status: 'down', message: expect.any(String) },
      },
    });
    expect(res.body.error).toHaveProperty('redis');
    expect(res.body.error).not.toHaveProperty('postgres');
  });

  it('still answers liveness', async () => {
    await request(t.app.getHttpServer()).get('/health').expect(200, { status: 'healthy' });
  });

  it('closes promptly although Redis never came up', async () => {
    const app = t;
    t = undefined as unknown as TestApp;
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(15000);
  });
});

describe('operations surface (metrics, docs, health, tracing, headers)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  const create = (payload: object, headers: Record<string, string> = {}) =>
    http()
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .set(headers)
      .send(payload)
      .expect(200);

  const untilFinal = (id: string) =>
    waitFor(async () => {
      const res = await http().get(`/api/v1/tasks/${id}`).set(authHeaders).expect(200);
      return ['succeeded', 'failed', 'cancelled'].includes(res.body.status)
        ? (res.body as Json)
        : null;
    }, `task ${id} to finish`);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('GET /metrics', () => {
    let text: string;
    let succeededId: string;

    beforeAll(async () => {
      const ok1 = await create({ sleep_ms: 1 });
      const ok2 = await create({ stages: ['a', 'b'] });
      // Five attempts, all failing on purpose: ends failed.
      const bad = await create({ fail_attempts: 5 });
      succeededId = ok1.body.job_id;
      expect((await untilFinal(ok1.body.job_id)).status).toBe('succeeded');
      expect((await untilFinal(ok2.body.job_id)).status).toBe('succeeded');
      expect((await untilFinal(bad.body.job_id)).status).toBe('failed');
      const res = await http().get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      text = res.text;
    });

    it('counts created and finished tasks by type and status', () => {
      expect(sample(text, 'assay_tasks_created_total', { type: 'diagnostic' })).toBe(3);
      expect(
        sample(text, 'assay_tasks_finished_total', { type: 'diagnostic', status: 'succeeded' }),
      ).toBe(2);
      expect(
        sample(text, 'assay_tasks_finished_total', { type: 'diagnostic', status: 'failed' }),
      ).toBe(1);
      // Four retried attempts of the failing task.
      expect(
        sample(text, 'assay_task_retries_total', { type: 'diagnostic', code: 'temporary' }),
      ).toBe(4);
    });

    it('has cost per task type, budget stops and the callbacks outbox backlog', () => {
      expect(text).toContain('# TYPE assay_task_cost_usd_total counter');
      expect(text).toContain('# TYPE assay_budget_exceeded_total counter');
      expect(text).toContain('# TYPE assay_callbacks_outbox gauge');
      for (const status of ['pending', 'failed']) {
        expect(sample(text, 'assay_callbacks_outbox', { status })).toEqual(expect.any(Number));
      }
    });

    it('has a task duration histogram', () => {
      expect(text).toContain('# TYPE assay_task_duration_seconds histogram');
      expect(
        sample(text, 'assay_task_duration_seconds_count', {
          type: 'diagnostic',
          status: 'succeeded',
        }),
      ).toBe(2);
      expect(
        sample(text, 'assay_task_duration_seconds_bucket', {
          type: 'diagnostic',
          status: 'succeeded',
          le: '+Inf',
        }),
      ).toBe(2);
    });

    it('reports queue depth per queue and state, read at scrape time', () => {
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'prioritized']) {
        expect(sample(text, 'assay_queue_jobs', { queue: 'diagnostic', state })).toEqual(
          expect.any(Number),
        );
      }
      // The failing task's job ended failed in BullMQ.
      expect(sample(text, 'assay_queue_jobs', { queue: 'diagnostic', state: 'failed' })).toBe(1);
      // Not only task queues: the callbacks and the sweeps' maintenance queue too.
      for (const queue of ['callbacks', 'maintenance', 'account_enhancement']) {
        expect(sample(text, 'assay_queue_jobs', { queue, state: 'waiting' })).toEqual(
          expect.any(Number),
        );
      }
    });

    it('labels HTTP durations with the route template, never the raw id', () => {
      expect(text).toContain('# TYPE assay_http_request_duration_seconds histogram');
      expect(
        sample(text, 'assay_http_request_duration_seconds_count', {
          method: 'GET',
          route: '/api/v1/tasks/:job_id',
          status: '200',
        }),
      ).toBeGreaterThanOrEqual(3);
      expect(
        sample(text, 'assay_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/api/v1/tasks/create/:task_name',
          status: '200',
        }),
      ).toBe(3);
      expect(text).not.toContain(succeededId);
    });

    it('includes the process default metrics', () => {
      expect(text).toMatch(/^process_cpu_seconds_total \d/m);
      expect(text).toMatch(/^process_resident_memory_bytes \d/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    });

    it('passes promtool check metrics', () => {
      const r = promtoolCheck(text);
      if (!r) {
        if (process.env.CI) throw new Error('promtool is not installed (CI installs it)');
        console.warn('promtool not found: skipping the exposition-format check');
        return;
      }
      expect(r.output.trim()).toBe('');
      expect(r.status).toBe(0);
    });
  });

  describe('API docs', () => {
    let doc: Json;

    beforeAll(async () => {
      const res = await http().get('/docs-json').expect(200);
      doc = res.body;
    });

    it('is a valid OpenAPI document', async () => {
      await expect(SwaggerParser.validate(structuredClone(doc) as any)).resolves.toBeDefined();
      expect(doc.openapi).toMatch(/^3\./);
    });

    const operations = () =>
      Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
          .map(([method, op]) => ({ path, method, op })),
      );

    it('declares security (bearer or api-key) on every /api/v1 operation', () => {
      const api = operations().filter((o) => o.path.startsWith('/api/v1/'));
      expect(api.length).toBeGreaterThanOrEqual(7);
      const unsecured = api
        .filter(
          (o) =>
            !(o.op.security ?? doc.security ?? []).some(
              (req: Json) => 'bearer' in req || 'api-key' in req,
            ),
        )
        .map((o) => `${o.method.toUpperCase()} ${o.path}`);
      expect(unsecured).toEqual([]);
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
    });

    it('documents a 2xx response with a schema for every operation', () => {
      const missing = operations()
        .filter(
          (o) =>
            !Object.entries((o.op.responses ?? {}) as Record<string, Json>).some(
              ([code, r]) =>
                /^2\d\d$/.test(code) &&
                Object.values((r.content ?? {}) as Record<string, Json>).some((m) => m.schema),
            ),
        )
        .map((o) => `${o.method.toUpperCase()} ${o.path}`);
      expect(missing).toEqual([]);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/health', '/health/ready', '/metrics']),
      );
    });

    it('serves the Swagger UI, whose inline scripts the CSP does not block', async () => {
      const res = await http().get('/docs').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toMatch(/swagger-ui/i);
      expect(res.headers['content-security-policy']).toBeUndefined();
    });
  });

  describe('health', () => {
    it('GET /health answers healthy without touching dependencies', async () => {
      const res = await http().get('/health').expect(200);
      expect(res.body).toEqual({ status: 'healthy' });
    });

    it('GET /health/ready reports postgres, redis and queues up', async () => {
      const res = await http().get('/health/ready').expect(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.details).toMatchObject({
        postgres: { status: 'up' },
        redis: { status: 'up' },
        queues: { status: 'up' },
      });
      expect(res.body.details.queues).toHaveProperty('diagnostic');
      expect(res.headers['cache-control']).toMatch(/no-store/);
    });
  });

  describe('trace id', () => {
    it('takes the trace id of a W3C traceparent, stores it on the task and echoes it', async () => {
      const res = await create(
        { sleep_ms: 0 },
        { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      );
      expect(res.headers['x-request-id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      const full = await http().get(`/api/v1/tasks/${res.body.job_id}`).set(authHeaders);
      expect(full.body.trace_id).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    });

    it('uses x-request-id when there is no (valid) traceparent', async () => {
      const res = await create({ sleep_ms: 0 }, { 'x-request-id': 'req-ops-42' });
      expect(res.headers['x-request-id']).toBe('req-ops-42');
      const full = await http().get(`/api/v1/tasks/${res.body.job_id}`).set(authHeaders);
      expect(full.body.trace_id).toBe('req-ops-42');

      // An all-zero trace id is invalid per W3C: the request id wins.
      const zero = await create(
        { sleep_ms: 0 },
        {
          traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
          'x-request-id': 'req-ops-43',
        },
      );
      expect(zero.headers['x-request-id']).toBe('req-ops-43');
    });

    it('makes up a fresh id when neither header is usable', async () => {
      const res = await create({ sleep_ms: 0 }, { 'x-request-id': 'has spaces; and junk' });
      const id = res.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      const full = await http().get(`/api/v1/tasks/${res.body.job_id}`).set(authHeaders);
      expect(full.body.trace_id).toBe(id);
    });
  });

  describe('security headers', () => {
    it('sets helmet headers on API responses and hides the framework', async () => {
      for (const res of [
        await http().get('/api/v1/tasks').set(authHeaders).expect(200),
        await http().get('/api/v1/tasks').expect(401),
        await http().get('/health').expect(200),
      ]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });
  });
});

describe('OPS_REQUIRE_API_KEY=true', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await startTestApp({ OPS_REQUIRE_API_KEY: 'true', ASSAY_ROLE: 'api' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(['/metrics', '/health/ready', '/health'])('closes %s without a key', async (path) => {
    const res = await http().get(path).expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    await http().get(path).set('x-api-key', 'not-the-key-at-all-1234').expect(401);
  });

  it('opens them with a key (header or bearer)', async () => {
    const metrics = await http().get('/metrics').set(authHeaders).expect(200);
    expect(metrics.text).toContain('assay_http_request_duration_seconds');
    await http()
      .get('/health/ready')
      .set('authorization', `Bearer ${authHeaders['x-api-key']}`)
      .expect(200);
    await http().get('/health').set(authHeaders).expect(200);
  });
});

describe('METRICS_ENABLED=false', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await startTestApp({ METRICS_ENABLED: 'false' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('does not serve /metrics, nor document it', async () => {
    await http().get('/metrics').expect(404);
    const doc = (await http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });

  it('still runs tasks', async () => {
    const res = await http()
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .send({ sleep_ms: 1 })
      .expect(200);
    const done = await waitFor(async () => {
      const s = await http().get(`/api/v1/tasks/${res.body.job_id}/status`).set(authHeaders);
      return s.body.status === 'completed' ? s.body : null;
    }, 'task to succeed');
    expect(done.status).toBe('completed');
  });
});
